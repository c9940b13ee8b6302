"""Sample API Gateway events from events/, adapted per test.

The files in events/ are the REST proxy events API Gateway sends through the Cognito authorizer (the
same files `sam local invoke -e` uses). Tests load one and override only what the test is about; the
helper keeps the parts API Gateway derives from each other (resource, pathParameters, multi-value
headers and query parameters, requestContext) consistent.
"""

from __future__ import annotations

import base64
import calendar
import copy
import json
import time
from functools import cache
from pathlib import Path
from typing import Any

from newsdesk_local.routes import most_specific

EVENTS_DIR = Path(__file__).resolve().parents[1] / "events"
# The X-Origin-Verify value the sample events carry, as the distribution adds it (template OriginSecret).
SAMPLE_ORIGIN_SECRET = "sample-origin-secret-0123456789abcdef"

_UNSET: Any = object()


@cache
def _read(name: str) -> str:
    return (EVENTS_DIR / name).with_suffix(".json").read_text(encoding="utf-8")


@cache
def api_resources() -> frozenset[str]:
    """The API's resources: the paths of the functions' Api events in template.yaml."""
    from newsdesk_local.template import load_template

    functions = [r for r in load_template()["Resources"].values() if r["Type"] == "AWS::Serverless::Function"]
    events = [e for f in functions for e in (f["Properties"].get("Events") or {}).values()]
    return frozenset(str(e["Properties"]["Path"]) for e in events if e["Type"] == "Api")


def _resource(path: str) -> tuple[str, dict[str, str] | None]:
    """The resource API Gateway matches the path to (newsdesk_local.routes, as the local API matches)."""
    found = most_specific(api_resources(), path)
    if found is None:
        raise ValueError(f"the API has no resource for {path}")
    resource, params = found
    return resource, params or None


def load_event(
    name: str,
    *,
    path: str | None = None,
    method: str | None = None,
    body: Any = _UNSET,
    headers: dict[str, str | None] | None = None,
    query: dict[str, str] | None = _UNSET,
    claims: dict[str, str] | None = _UNSET,
    groups: list[str] | None = None,
) -> dict[str, Any]:
    """A fresh copy of events/<name>.json (e.g. "editor_api/get_article") with the given parts replaced.

    `body` may be a dict or list (sent as JSON), a string (sent as is) or None (no body).
    A header set to None is removed. `claims=None` removes the authorizer (an anonymous call). Given
    claims come with an `Authorization` header carrying an ID token of those claims, as the authorizer
    verified it; `groups` is the token's group list (API Gateway flattens it into the claims with commas),
    by default the claims' one `cognito:groups` value, if any.
    """
    event: dict[str, Any] = json.loads(_read(name))
    context = event["requestContext"]
    if path is not None:
        resource, path_parameters = _resource(path)
        event["path"] = path
        event["resource"] = context["resourcePath"] = resource
        event["pathParameters"] = path_parameters
        context["path"] = f"/{context['stage']}{path}"
    if method is not None:
        event["httpMethod"] = context["httpMethod"] = method
    if body is not _UNSET:
        event["body"] = (
            body if body is None or isinstance(body, str) else json.dumps(body, ensure_ascii=False)
        )
        if event["body"] is not None:
            headers = {"Content-Type": "application/json", **(headers or {})}
    for header, value in (headers or {}).items():
        for existing in [k for k in event["headers"] if k.lower() == header.lower()]:
            del event["headers"][existing]
            del event["multiValueHeaders"][existing]
        if value is not None:
            event["headers"][header] = value
            event["multiValueHeaders"][header] = [value]
    if query is not _UNSET:
        event["queryStringParameters"] = dict(query) if query else None
        event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()} if query else None
    if claims is not _UNSET:
        if claims is None:
            context.pop("authorizer", None)
            for key in [k for k in event["headers"] if k.lower() == "authorization"]:
                del event["headers"][key]
                del event["multiValueHeaders"][key]
        else:
            claims = copy.deepcopy(claims)
            if groups is None:
                groups = [claims["cognito:groups"]] if claims.get("cognito:groups") else []
            elif groups:
                claims["cognito:groups"] = ",".join(groups)
            else:
                claims.pop("cognito:groups", None)
            context["authorizer"] = {"claims": claims}
            bearer = f"Bearer {sample_id_token(claims, groups)}"
            for key in [k for k in event["headers"] if k.lower() == "authorization"]:
                del event["headers"][key]
                del event["multiValueHeaders"][key]
            event["headers"]["Authorization"] = bearer
            event["multiValueHeaders"]["Authorization"] = [bearer]
    return event


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).rstrip(b"=").decode()


def sample_id_token(claims: dict[str, str], groups: list[str]) -> str:
    """An ID token whose payload the authorizer flattened into `claims` (its signature is a placeholder:
    API Gateway checks it before the function runs)."""
    payload: dict[str, Any] = {}
    for name, value in claims.items():
        if name in ("exp", "iat"):
            payload[name] = calendar.timegm(time.strptime(value, "%a %b %d %H:%M:%S UTC %Y"))
        elif name == "auth_time":
            payload[name] = int(value)
        elif name == "email_verified":
            payload[name] = value == "true"
        elif name != "cognito:groups":
            payload[name] = value
    if groups:
        payload["cognito:groups"] = groups
    header = {"kid": "sample-key-id", "alg": "RS256"}
    return f"{_b64(header)}.{_b64(payload)}.c2FtcGxlLXNpZ25hdHVyZQ"


def sample_claims(name: str = "editor_api/create_article") -> dict[str, str]:
    """The Cognito claims of a sample event (an editor's, unless the event says otherwise)."""
    claims: dict[str, str] = json.loads(_read(name))["requestContext"]["authorizer"]["claims"]
    return claims
