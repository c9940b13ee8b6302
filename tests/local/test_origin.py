"""The local origin (werkzeug's server) over raw loopback sockets: bodies by length and by chunks,
malformed requests answered with a 400 (never a dropped connection or a traceback), 50 simultaneous
connections, HEAD/204/304 without a body, TRACE and CONNECT refused by the distribution."""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from newsdesk_local.cdn import Distribution, distribution_spec
from newsdesk_local.http_messages import HttpRequest, HttpResponse
from newsdesk_local.origin import Origin
from newsdesk_local.rehearsal import transformed_template

Handle = Callable[[HttpRequest], HttpResponse]


def echo(request: HttpRequest) -> HttpResponse:
    """A distribution stand-in that answers with what it was given."""
    seen = {
        "method": request.method,
        "path": request.path,
        "query": request.query,
        "body": request.body.decode("latin-1"),
        "client_ip": request.client_ip,
        "headers": {k.lower(): v for k, v in request.headers},
    }
    return HttpResponse(200, [("Content-Type", "application/json")], json.dumps(seen).encode())


@dataclass
class Served:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict[str, object]:
        found: dict[str, object] = json.loads(self.body)
        return found


@dataclass
class RunningOrigin:
    port: int

    def send(self, raw: bytes, *, shut_write: bool = False) -> Served:
        """Send raw bytes on a new connection and read the answer until the server closes it."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=20) as sock:
            sock.sendall(raw)
            if shut_write:
                sock.shutdown(socket.SHUT_WR)
            return read_response(sock)


def read_response(sock: socket.socket) -> Served:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    assert data, "the connection was closed without an answer"
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Served(int(status_line.split()[1]), headers, body)


@pytest.fixture
def serve(caplog: pytest.LogCaptureFixture) -> Iterator[Callable[[Handle], RunningOrigin]]:
    """Start an origin on a free loopback port with the given handle; afterwards, check that nothing was
    logged as an error (a traceback, a dropped connection)."""
    origins: list[Origin] = []
    caplog.set_level(logging.INFO)

    def start(handle: Handle) -> RunningOrigin:
        origin = Origin("127.0.0.1", 0, handle)
        origin.start()
        origins.append(origin)
        return RunningOrigin(origin.port)

    yield start
    for origin in origins:
        origin.stop()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


def request(method: str, target: str, *headers: str, body: bytes = b"") -> bytes:
    lines = [f"{method} {target} HTTP/1.1", "Host: localhost", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


# ----- well-formed requests ----------------------------------------------------------------------


def test_a_body_is_read_by_its_length_and_by_chunks(serve: Callable[[Handle], RunningOrigin]) -> None:
    # Given an origin in front of an echoing distribution
    origin = serve(echo)

    # When a body is sent with a Content-Length, and another in chunks
    by_length = origin.send(request("POST", "/api/a%20b?x=1&y=%2F", "Content-Length: 5", body=b"hello"))
    chunked = origin.send(
        request(
            "PUT",
            "/api/c",
            "Transfer-Encoding: chunked",
            body=b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
        )
    )

    # Then the distribution gets each body whole, the path and query as sent, and the client's address
    assert by_length.status == 200
    seen = by_length.json()
    assert (seen["method"], seen["path"], seen["query"], seen["body"]) == (
        "POST",
        "/api/a%20b",
        "x=1&y=%2F",
        "hello",
    )
    assert seen["client_ip"] == "127.0.0.1"
    assert chunked.status == 200
    assert chunked.json()["body"] == "hello world"
    assert by_length.headers["server"] == "CloudFront"
    assert by_length.headers["content-length"] == str(len(by_length.body))


# ----- malformed requests ------------------------------------------------------------------------

MALFORMED = {
    "content-length not a number": request("POST", "/api/x", "Content-Length: five", body=b"hello"),
    "negative content-length": request("POST", "/api/x", "Content-Length: -5", body=b"hello"),
    "two content-lengths in one": request("POST", "/api/x", "Content-Length: 5, 5", body=b"hello"),
    "chunk size not hex": request(
        "POST", "/api/x", "Transfer-Encoding: chunked", body=b"zz\r\nhello\r\n0\r\n\r\n"
    ),
    "negative chunk size": request(
        "POST", "/api/x", "Transfer-Encoding: chunked", body=b"-5\r\nhello\r\n0\r\n\r\n"
    ),
    "chunk without its line end": request(
        "POST", "/api/x", "Transfer-Encoding: chunked", body=b"5\r\nhelloXX0\r\n\r\n"
    ),
    "transfer coding other than chunked": request("POST", "/api/x", "Transfer-Encoding: gzip", body=b"hello"),
    "request line of one word": b"GARBAGE\r\n\r\n",
    "request line with extra words": b"GET / HTTP/1.1 please\r\nHost: x\r\n\r\n",
    "request line with a bad version": b"GET / HTTX/1.1\r\nHost: x\r\n\r\n",
}


@pytest.mark.parametrize("raw", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_request_is_a_bad_request(serve: Callable[[Handle], RunningOrigin], raw: bytes) -> None:
    # Given an origin in front of a distribution that records what reaches it
    reached: list[HttpRequest] = []

    def record(incoming: HttpRequest) -> HttpResponse:
        reached.append(incoming)
        return echo(incoming)

    origin = serve(record)

    # When a malformed request is sent
    answer = origin.send(raw)

    # Then it is answered 400 and never reaches the distribution (the fixture checks nothing was logged
    # as an error), and the origin goes on serving
    assert answer.status == 400
    assert reached == []
    assert origin.send(request("GET", "/after")).status == 200


def test_a_body_shorter_than_its_content_length_is_a_bad_request(
    serve: Callable[[Handle], RunningOrigin],
) -> None:
    # Given an origin
    origin = serve(echo)

    # When a client announces 100 bytes, sends 5 and stops sending
    answer = origin.send(request("POST", "/api/x", "Content-Length: 100", body=b"hello"), shut_write=True)

    # Then it is answered 400
    assert answer.status == 400


def test_a_distribution_that_fails_is_an_internal_error_and_the_origin_goes_on(
    serve: Callable[[Handle], RunningOrigin], caplog: pytest.LogCaptureFixture
) -> None:
    # Given a distribution that raises on one path
    def fragile(incoming: HttpRequest) -> HttpResponse:
        if incoming.path == "/boom":
            raise RuntimeError("boom")
        return echo(incoming)

    origin = serve(fragile)

    # When that path is asked for, then another
    failed = origin.send(request("GET", "/boom"))
    after = origin.send(request("GET", "/fine"))

    # Then the first is a 500 (logged with its traceback), the second is served
    assert failed.status == 500
    assert after.status == 200
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(logged) == 1 and logged[0].exc_info is not None
    caplog.clear()  # the failure was expected


# ----- many at once ----------------------------------------------------------------------------------


def test_fifty_simultaneous_connections_are_all_served(serve: Callable[[Handle], RunningOrigin]) -> None:
    # Given a distribution that answers only once 50 requests are in it together
    together = threading.Barrier(50, timeout=60)

    def gathered(incoming: HttpRequest) -> HttpResponse:
        together.wait()
        return echo(incoming)

    origin = serve(gathered)

    # When 50 clients connect, all before any sends, then each sends a request
    sockets = [socket.create_connection(("127.0.0.1", origin.port), timeout=60) for _ in range(50)]
    try:
        for n, sock in enumerate(sockets):
            sock.sendall(request("GET", f"/page/{n}"))
        answers = [read_response(sock) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()

    # Then every one is answered, with its own page
    assert [a.status for a in answers] == [200] * 50
    assert [a.json()["path"] for a in answers] == [f"/page/{n}" for n in range(50)]


# ----- responses without a body ------------------------------------------------------------------------


def test_head_keeps_the_length_and_sends_no_body(serve: Callable[[Handle], RunningOrigin]) -> None:
    # Given a distribution that answers HEAD with the object's length, as S3 does
    def object_head(incoming: HttpRequest) -> HttpResponse:
        return HttpResponse(200, [("Content-Type", "text/html"), ("Content-Length", "1234")])

    origin = serve(object_head)

    # When HEAD is asked for
    answer = origin.send(request("HEAD", "/index.html"))

    # Then the length is the object's and there is no body
    assert answer.status == 200
    assert answer.headers["content-length"] == "1234"
    assert answer.body == b""


@pytest.mark.parametrize("status", [204, 304])
def test_no_content_and_not_modified_have_no_body(
    serve: Callable[[Handle], RunningOrigin], status: int
) -> None:
    # Given a distribution that answers with a status that has no body (and wrongly gives one)
    origin = serve(lambda _request: HttpResponse(status, [("ETag", '"1"')], b"should not be sent"))

    # When it is asked
    answer = origin.send(request("GET", "/x"))

    # Then the status is sent with no body and no length
    assert answer.status == status
    assert answer.body == b""
    assert "content-length" not in answer.headers
    assert "transfer-encoding" not in answer.headers


@pytest.mark.parametrize(
    ("method", "target"), [("TRACE", "/"), ("TRACE", "/api/health"), ("CONNECT", "example.org:443")]
)
def test_trace_and_connect_reach_the_distribution_which_refuses_them(
    serve: Callable[[Handle], RunningOrigin], method: str, target: str
) -> None:
    # Given the template's distribution (a refused method never reaches the bucket or the API)
    distribution = Distribution(
        distribution_spec(transformed_template()),
        domain_name="d111.cloudfront.net",
        s3=None,
        buckets={},
        apis={},
    )
    origin = serve(distribution.handle)

    # When TRACE or CONNECT is sent
    answer = origin.send(request(method, target))

    # Then the distribution refuses it as CloudFront does
    assert answer.status == 403
    assert b"not configured to allow the HTTP request method" in answer.body
    assert answer.headers["x-cache"] == "Error from cloudfront"
