"""The one local HTTP origin (stdlib ThreadingHTTPServer) in front of the emulated distribution."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from newsdesk_local.http_messages import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

Handle = Callable[[HttpRequest], HttpResponse]
_NO_BODY_STATUSES = {204, 304}


def _request_handler(handle: Handle) -> type[BaseHTTPRequestHandler]:
    class OriginRequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "CloudFront"
        sys_version = ""

        def _serve(self) -> None:
            started = time.monotonic()
            url = urlsplit(self.path)
            request = HttpRequest(
                method=self.command,
                path=url.path or "/",
                query=url.query,
                headers=list(self.headers.items()),
                body=self._read_body(),
                client_ip=self.client_address[0],
            )
            try:
                response = handle(request)
            except Exception:
                logger.exception("the local origin failed on %s %s", self.command, self.path)
                response = HttpResponse(
                    status=500, headers=[("Content-Type", "text/plain")], body=b"Internal error"
                )
            self._write(response, head=self.command == "HEAD")
            logger.info(
                "%s %s %d %.0f ms",
                self.command,
                self.path,
                response.status,
                (time.monotonic() - started) * 1000,
            )

        def _read_body(self) -> bytes:
            if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                chunks: list[bytes] = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        self.rfile.readline()
                        return b"".join(chunks)
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length > 0 else b""

        def _write(self, response: HttpResponse, *, head: bool) -> None:
            self.send_response_only(response.status)
            self.send_header("Date", self.date_time_string())
            skip = {"content-length", "connection", "transfer-encoding", "date", "server"}
            for name, value in response.headers:
                if name.lower() not in skip:
                    self.send_header(name, value)
            has_body = response.status not in _NO_BODY_STATUSES
            length = response.header("Content-Length") if head else None
            if has_body:
                self.send_header("Content-Length", length or str(len(response.body)))
            self.end_headers()
            if has_body and not head and response.body:
                self.wfile.write(response.body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # requests are logged once, with their timing, by _serve

        do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _serve
        # Methods no behaviour allows still reach the distribution, which refuses them as CloudFront does.
        do_TRACE = do_CONNECT = _serve

    return OriginRequestHandler


class Origin:
    """Serves `handle` on host:port from a background thread until stop()."""

    def __init__(self, host: str, port: int, handle: Handle) -> None:
        self.server = ThreadingHTTPServer((host, port), _request_handler(handle))
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, name="newsdesk-origin", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)
