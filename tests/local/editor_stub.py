"""A stub of the editor API on the loopback interface, for the editor commands' unit tests: it answers
each (method, path) with the canned responses a test gives, in order, and records every request."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PROBLEM_JSON = "application/problem+json"


@dataclass
class Canned:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


def problem(status: int, title: str, detail: str, **extra: Any) -> Canned:
    doc = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return Canned(status, doc, content_type=PROBLEM_JSON)


class StubApi:
    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], list[Canned]] = {}
        self.seen: list[Seen] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                path = self.path.split("?", 1)[0]
                stub.seen.append(
                    Seen(self.command, self.path, dict(self.headers), json.loads(raw) if raw else None)
                )
                queue = stub.routes.get((self.command, path))
                canned = (queue.pop(0) if len(queue) > 1 else queue[0]) if queue else None
                canned = canned or Canned(
                    404, {"title": "Not Found", "status": 404}, content_type=PROBLEM_JSON
                )
                payload = json.dumps(canned.body).encode() if canned.body is not None else b""
                self.send_response(canned.status)
                self.send_header("Content-Type", canned.content_type)
                self.send_header("Content-Length", str(len(payload)))
                for name, value in canned.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def on(self, method: str, path: str, *answers: Canned) -> None:
        self.routes[(method, "/api" + path)] = list(answers)

    def requests(self, method: str | None = None) -> list[Seen]:
        return [s for s in self.seen if method is None or s.method == method]

    def __enter__(self) -> StubApi:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def article(**fields: Any) -> dict[str, Any]:
    """An ArticleOut document."""
    return {
        "id": "01JDQ7ZK3M8N4P5R6S7T8V9W0X",
        "slug": "ferry-service-resumes",
        "headline": "Ferry service resumes",
        "summary": "Back after six weeks.",
        "body": "The ferry is back.\n",
        "authors": ["A. Reporter"],
        "source": None,
        "dateline": None,
        "section": None,
        "tags": [{"name": "Transport", "slug": "transport"}],
        "image": None,
        "status": "draft",
        "created_at": "2026-11-20T08:30:00+00:00",
        "updated_at": "2026-11-20T08:30:00+00:00",
        "published_at": None,
        "version": 1,
        "url": None,
        "publish_at": None,
        "embargo_until": None,
        "expire_at": None,
        "corrections": [],
        "revised_at": None,
        "render": None,
        **fields,
    }
