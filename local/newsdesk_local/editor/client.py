"""An HTTP client of the editor API (its OpenAPI document, /api/openapi.json, is the contract).

Answers of 400 and above become ApiProblem, read from their RFC 9457 problem document; a stack that does not
answer becomes StackUnreachable. Each has the exit code the command ends with.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # requests is imported when a request is made: `newsdesk dev` and `token` never load it
    import requests

PROBLEM_JSON = "application/problem+json"
EXIT_PROBLEM = 1
EXIT_USAGE = 2
EXIT_UNREACHABLE = 3
TIMEOUT = 30.0
MAX_BULK = 100


class CommandError(Exception):
    """Ends a command with `error: MESSAGE` on stderr and this exit code."""

    exit_code = EXIT_PROBLEM

    def message(self) -> str:
        return str(self)


class StackUnreachable(CommandError):
    exit_code = EXIT_UNREACHABLE


class SignInRefused(CommandError):
    """The user pool refused the email and password (or asks for a step this client cannot take)."""


class NotSignedIn(CommandError):
    def message(self) -> str:
        return f"{self}: run `newsdesk login`"


class ApiProblem(CommandError):
    """A problem document the API answered with (or one made up from a response that had none)."""

    def __init__(self, status: int, document: dict[str, Any]) -> None:
        self.status = status
        self.document = document
        super().__init__(self.message())

    @property
    def title(self) -> str:
        return str(self.document.get("title") or f"HTTP {self.status}")

    @property
    def detail(self) -> str | None:
        detail = self.document.get("detail")
        return str(detail) if detail else None

    @property
    def type(self) -> str:
        return str(self.document.get("type") or "about:blank")

    def message(self) -> str:
        text = f"{self.title}: {self.detail}" if self.detail else self.title
        for error in self.document.get("errors") or []:
            if isinstance(error, dict) and error.get("message") != self.detail:
                text += f"\n  {error.get('field') or '(request)'}: {error.get('message')}"
        if self.status == 401:
            text += "\n  run `newsdesk login`"
        return text

    def with_detail(self, detail: str) -> ApiProblem:
        return ApiProblem(self.status, {**self.document, "detail": detail})

    @classmethod
    def from_response(cls, response: requests.Response) -> ApiProblem:
        document: Any = None
        if response.headers.get("Content-Type", "").startswith(("application/json", PROBLEM_JSON)):
            try:
                document = response.json()
            except ValueError:
                document = None
        if not isinstance(document, dict):
            text = " ".join(response.text.split())[:200]
            document = {"title": response.reason or f"HTTP {response.status_code}", "detail": text or None}
        return cls(response.status_code, document)


@dataclass
class Answer:
    """A successful answer: its JSON body (None for 204) and its ETag."""

    status: int
    body: Any
    etag: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


TokenSource = Callable[[], str]


class EditorClient:
    def __init__(self, api_url: str, token: TokenSource, session: requests.Session | None = None) -> None:
        self.api_url = api_url.rstrip("/")
        self._token = token
        self._session = session

    @property
    def session(self) -> requests.Session:
        if self._session is None:
            import requests

            self._session = requests.Session()
            self._session.headers["User-Agent"] = "newsdesk-cli"
        return self._session

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        if_match: str | None = None,
    ) -> Answer:
        import requests

        headers = {"Authorization": f"Bearer {self._token()}", "Accept": f"application/json, {PROBLEM_JSON}"}
        if if_match is not None:
            headers["If-Match"] = if_match
        url = f"{self.api_url}{path}"
        try:
            response = self.session.request(
                method,
                url,
                json=json,
                params={k: v for k, v in (params or {}).items() if v is not None},
                headers=headers,
                timeout=TIMEOUT,
            )
        except requests.RequestException as exc:
            raise StackUnreachable(f"cannot reach the editor API at {self.api_url} ({exc})") from None
        if response.status_code >= 400:
            raise ApiProblem.from_response(response)
        body = response.json() if response.status_code != 204 and response.content else None
        return Answer(response.status_code, body, response.headers.get("ETag"), dict(response.headers))

    # ----- articles ---------------------------------------------------------------------------------

    def article(self, article_id: str) -> Answer:
        return self.request("GET", f"/articles/{article_id}")

    def list_articles(
        self, *, status: str | None = None, tag: str | None = None, cursor: str | None = None, limit: int = 50
    ) -> dict[str, Any]:
        params = {"status": status, "tag": tag, "cursor": cursor, "limit": limit}
        return dict(self.request("GET", "/articles", params=params).body)

    def all_articles(self, *, status: str | None = None, tag: str | None = None) -> Iterator[dict[str, Any]]:
        """Every article, following next_cursor."""
        cursor = None
        while True:
            page = self.list_articles(status=status, tag=tag, cursor=cursor, limit=100)
            yield from page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                return

    # ----- uploaded images -------------------------------------------------------------------------

    def ask_upload(self, upload: dict[str, Any]) -> Answer:
        return self.request("POST", "/media", json=upload)

    def media(self, media_id: str) -> Answer:
        return self.request("GET", f"/media/{media_id}")

    def send_upload(self, form: dict[str, Any], name: str, data: bytes, content_type: str) -> None:
        """POST the file with the presigned form (to the bucket: no bearer token goes there)."""
        import requests

        try:
            response = requests.post(
                form["url"], data=form["fields"], files={"file": (name, data, content_type)}, timeout=TIMEOUT
            )
        except requests.RequestException as exc:
            raise StackUnreachable(f"cannot reach the bucket at {form['url']} ({exc})") from None
        if response.status_code >= 300:
            detail = response.text[:300].strip() or f"HTTP {response.status_code}"
            raise CommandError(f"the upload was refused by the bucket: {detail}")

    def create_article(self, draft: dict[str, Any]) -> Answer:
        return self.request("POST", "/articles", json=draft)

    def patch_article(self, article_id: str, changes: dict[str, Any], etag: str) -> Answer:
        return self.request("PATCH", f"/articles/{article_id}", json=changes, if_match=etag)

    def publish(self, article_id: str) -> Answer:
        return self.request("POST", f"/articles/{article_id}/publish")

    def unpublish(self, article_id: str) -> Answer:
        return self.request("POST", f"/articles/{article_id}/unpublish")

    def schedule(self, article_id: str, publish_at: str, expire_at: str | None = None) -> Answer:
        body = {"publish_at": publish_at, **({"expire_at": expire_at} if expire_at else {})}
        return self.request("POST", f"/articles/{article_id}/schedule", json=body)

    def cancel_schedule(self, article_id: str) -> Answer:
        return self.request("DELETE", f"/articles/{article_id}/schedule")

    def correct(self, article_id: str, kind: str, text: str) -> Answer:
        return self.request("POST", f"/articles/{article_id}/corrections", json={"type": kind, "text": text})

    def submit(self, article_id: str, etag: str) -> Answer:
        return self.request("POST", f"/articles/{article_id}/submit", if_match=etag)

    def preview_link(self, article_id: str, expires_in: int | None = None) -> Answer:
        body = {"expires_in": expires_in} if expires_in is not None else {}
        return self.request("POST", f"/articles/{article_id}/preview-links", json=body)

    # ----- revisions --------------------------------------------------------------------------------

    def revisions(self, article_id: str, cursor: str | None = None) -> Answer:
        return self.request(
            "GET", f"/articles/{article_id}/revisions", params={"cursor": cursor, "limit": 100}
        )

    def revision(self, article_id: str, version: int) -> Answer:
        return self.request("GET", f"/articles/{article_id}/revisions/{version}")

    def restore(self, article_id: str, version: int, etag: str) -> Answer:
        return self.request("POST", f"/articles/{article_id}/revisions/{version}/restore", if_match=etag)

    # ----- comments ---------------------------------------------------------------------------------

    def comments(
        self, *, status: str = "pending", article_id: str | None = None, cursor: str | None = None
    ) -> dict[str, Any]:
        params = {"status": status, "article_id": article_id, "cursor": cursor, "limit": 100}
        return dict(self.request("GET", "/comments", params=params).body)

    def moderate(self, ids: list[str], status: str) -> dict[str, Any]:
        """One status for many comments (POST /api/comments/bulk, MAX_BULK at a time): one result each."""
        results: list[dict[str, Any]] = []
        for start in range(0, len(ids), MAX_BULK):
            chunk = ids[start : start + MAX_BULK]
            answer = self.request("POST", "/comments/bulk", json={"ids": chunk, "status": status})
            results.extend(answer.body["results"])
        return {"results": results}

    # ----- the site's configuration -----------------------------------------------------------------

    def site(self) -> Answer:
        return self.request("GET", "/site")

    def put_site(self, configuration: dict[str, Any], etag: str) -> Answer:
        return self.request("PUT", "/site", json=configuration, if_match=etag)

    def pin_lead(self, article_id: str, etag: str) -> Answer:
        return self.request("PUT", "/site/lead", json={"article_id": article_id}, if_match=etag)

    def unpin_lead(self, etag: str) -> Answer:
        return self.request("DELETE", "/site/lead", if_match=etag)
