"""Stand-ins, on the local origin, for the services the announcer pings: IndexNow at /_stub/indexnow and a
WebSub hub at /_stub/websub (the local stack sets the template's IndexNowEndpoint and WebSubHub to them).

Each records the requests it is sent, so a test or a developer can read what a publish announced:

    POST   /_stub/{name}         recorded; answered with the stub's status (IndexNow 200, the hub 204)
    GET    /_stub/{name}         {"status": N, "requests": [{"content_type": ..., "body": ...}, ...]}
    DELETE /_stub/{name}         forgets the requests
    PUT    /_stub/{name}/status  the status later POSTs get (body: a number, e.g. 500 to play a failing
                                 service), answered 204

Anything else under /_stub/ is a 404; every other path goes on to the distribution.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from newsdesk_local.http_messages import HttpRequest, HttpResponse

PREFIX = "/_stub/"


@dataclass
class Stub:
    status: int
    requests: list[dict[str, str]] = field(default_factory=list)


class PingStubs:
    """Wraps the origin's handler: serves /_stub/ itself, passes the rest on."""

    def __init__(self, handle: Callable[[HttpRequest], HttpResponse]) -> None:
        self.inner = handle
        self.stubs = {"indexnow": Stub(status=200), "websub": Stub(status=204)}
        self._lock = threading.Lock()

    def handle(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(PREFIX):
            return self.inner(request)
        name, _, rest = request.path[len(PREFIX) :].partition("/")
        stub = self.stubs.get(name)
        if stub is None or rest not in {"", "status"}:
            return _text(404, "No such stub")
        with self._lock:
            if rest == "status":
                if request.method != "PUT":
                    return _text(405, "PUT a status")
                try:
                    stub.status = int(request.body.decode().strip())
                except ValueError:
                    return _text(400, "The body is a status code")
                return HttpResponse(status=204)
            if request.method == "POST":
                stub.requests.append(
                    {"content_type": request.header("Content-Type") or "", "body": request.body.decode()}
                )
                return HttpResponse(status=stub.status) if stub.status == 204 else _text(stub.status, "")
            if request.method == "GET":
                body = json.dumps({"status": stub.status, "requests": stub.requests}).encode()
                return HttpResponse(
                    status=200,
                    headers=[("Content-Type", "application/json"), ("Cache-Control", "no-store")],
                    body=body,
                )
            if request.method == "DELETE":
                stub.requests.clear()
                return HttpResponse(status=204)
        return _text(405, "GET, POST or DELETE")


def _text(status: int, text: str) -> HttpResponse:
    return HttpResponse(
        status=status, headers=[("Content-Type", "text/plain; charset=utf-8")], body=text.encode()
    )
