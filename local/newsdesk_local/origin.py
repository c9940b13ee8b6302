"""The one local HTTP origin in front of the emulated distribution: werkzeug's threaded WSGI server.

werkzeug reads the request line and headers (a malformed request line gets its 400), de-chunks chunked
bodies (without chunk extensions: a chunk size line with `;name=value` is refused) and limits bodies to
their Content-Length; this module turns the WSGI environ into the
HttpRequest the distribution takes, refusing what werkzeug leaves to the application with a 400 (a
Content-Length that is not a number, a chunk size that is not hex, a body that ends early, a
Transfer-Encoding that does not end in chunked), and writes the HttpResponse back. Every request gets an
answer: a distribution that fails is a 500. The server listens with werkzeug's backlog of 128
connections and serves each on its own thread; methods no behaviour allows (TRACE, CONNECT ...) still
reach the distribution, which refuses them as CloudFront does.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

from werkzeug.exceptions import HTTPException
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request

from newsdesk_local.http_messages import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

Handle = Callable[[HttpRequest], HttpResponse]
StartResponse = Callable[..., Any]

MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's payload limit; CloudFront's is larger
IDLE_TIMEOUT = 30.0  # seconds a connection may stay silent in the middle of a request
_NO_BODY_STATUSES = {204, 304}
_NOT_FROM_ORIGIN = {"content-length", "connection", "transfer-encoding", "date", "server", "keep-alive"}
_DIGITS = re.compile(r"\d+")


class MalformedRequest(ValueError):
    """The request cannot be read; it is answered with a 400 naming why."""


def read_request(environ: dict[str, Any]) -> HttpRequest:
    """The HttpRequest of a WSGI environ from werkzeug's server (path and query as sent)."""
    transfer_codings = [c.strip().lower() for c in environ.get("HTTP_TRANSFER_ENCODING", "").split(",")]
    chunked = bool(environ.get("wsgi.input_terminated"))
    if transfer_codings != [""] and transfer_codings[-1] != "chunked":
        raise MalformedRequest("Transfer-Encoding must end with chunked")
    length = environ.get("CONTENT_LENGTH", "").strip()
    if not chunked and length and not _DIGITS.fullmatch(length):
        raise MalformedRequest(f"Content-Length {length[:40]!r} is not a number of bytes")
    request = Request(environ)
    request.max_content_length = MAX_BODY_BYTES
    try:
        body = request.get_data(cache=False)
    except HTTPException:
        raise  # werkzeug's own refusal (413 too large, 400 for a body shorter than its Content-Length)
    except (OSError, ValueError) as exc:
        raise MalformedRequest(f"the body cannot be read: {exc}") from None
    target = urlsplit(environ.get("RAW_URI") or environ.get("PATH_INFO") or "/")
    return HttpRequest(
        method=environ["REQUEST_METHOD"],
        path=target.path or "/",
        query=target.query,
        headers=list(request.headers.items()),
        body=body,
        client_ip=environ.get("REMOTE_ADDR", "127.0.0.1"),
        client_port=int(environ.get("REMOTE_PORT") or 0),
    )


class OriginApp:
    """The WSGI application: one HttpRequest in, one HttpResponse out, every request answered."""

    def __init__(self, handle: Handle) -> None:
        self.handle = handle

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.monotonic()
        method = str(environ.get("REQUEST_METHOD", ""))
        target = str(environ.get("RAW_URI") or environ.get("PATH_INFO") or "/")
        try:
            response = self.handle(read_request(environ))
        except MalformedRequest as exc:
            logger.warning("%s %s from %s: bad request: %s", method, target, environ.get("REMOTE_ADDR"), exc)
            response = _plain(400, f"Bad request: {exc}")
        except HTTPException as exc:
            logger.warning("%s %s from %s: %s", method, target, environ.get("REMOTE_ADDR"), exc)
            response = _plain(exc.code or 400, exc.description or "Bad request")
        except Exception:
            logger.exception("the local origin failed on %s %s", method, target)
            response = _plain(500, "Internal error")
        head = method == "HEAD"
        start_response(_status_line(response.status), _wire_headers(response, head=head))
        logger.info("%s %s %d %.0f ms", method, target, response.status, (time.monotonic() - started) * 1000)
        if head or response.status in _NO_BODY_STATUSES or not response.body:
            return []
        return [response.body]


def _plain(status: int, text: str) -> HttpResponse:
    return HttpResponse(
        status=status, headers=[("Content-Type", "text/plain; charset=utf-8")], body=text.encode()
    )


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def _wire_headers(response: HttpResponse, *, head: bool) -> list[tuple[str, str]]:
    """The response's headers as sent: hop-by-hop ones are the server's, Content-Length is the body's
    (for HEAD, the length the object has, as the distribution gave it)."""
    headers = [(k, v) for k, v in response.headers if k.lower() not in _NOT_FROM_ORIGIN]
    if response.status not in _NO_BODY_STATUSES:
        length = response.header("Content-Length") if head else None
        headers.append(("Content-Length", length or str(len(response.body))))
    return headers


class _RequestHandler(WSGIRequestHandler):
    """werkzeug's handler, answering as CloudFront, logging through this module's logger."""

    server_version = "CloudFront"
    sys_version = ""
    timeout = IDLE_TIMEOUT
    # What a request line that cannot be read is answered in. The standard library's default, HTTP/0.9,
    # would send the 400 page without a status line, which no client reads as a 400.
    default_request_version = "HTTP/1.0"

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # OriginApp logs every request once, with its timing

    def log_error(self, format: str, *args: Any) -> None:
        logger.warning("%s: " + format, self.client_address[0] if self.client_address else "?", *args)


class Origin:
    """Serves `handle` on host:port from a background thread until stop()."""

    def __init__(self, host: str, port: int, handle: Handle) -> None:
        try:
            self.server: BaseWSGIServer = make_server(
                host, port, OriginApp(handle), threaded=True, request_handler=_RequestHandler
            )
        except SystemExit:  # werkzeug prints why it cannot listen, then exits
            raise OSError(f"the local origin cannot listen on {host}:{port}") from None
        self._thread = threading.Thread(target=self.server.serve_forever, name="newsdesk-origin", daemon=True)

    @property
    def port(self) -> int:
        return int(self.server.server_port)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)
