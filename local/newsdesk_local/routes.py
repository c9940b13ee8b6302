"""How a REST API picks the resource and method for a request: the one route matcher of the local API
(newsdesk_local.apigateway) and of the tests' sample events (tests/events.py).

A resource is a path template: static parts, `{name}` (one path part) and a last `{name+}` (one or more
parts). API Gateway picks the most specific resource that matches (static before `{name}` before
`{name+}`, part by part), then the method on it, or ANY.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar
from urllib.parse import unquote

_STATIC, _PARAM, _GREEDY = 0, 1, 2


class Route(Protocol):
    @property
    def resource(self) -> str: ...

    @property
    def method(self) -> str: ...  # upper case, or ANY


R = TypeVar("R", bound=Route)


def match_resource(resource: str, path: str) -> tuple[tuple[int, ...], dict[str, str]] | None:
    """(precedence key, path parameters) if the resource matches the path; lower keys are more specific.
    Parameters are URL-decoded, as API Gateway passes them."""
    segments = [s for s in resource.split("/") if s]
    parts = [p for p in path.split("/") if p]
    kinds: list[int] = []
    params: dict[str, str] = {}
    for index, segment in enumerate(segments):
        if segment.startswith("{") and segment.endswith("+}"):
            rest = parts[index:]
            if not rest:
                return None
            params[segment[1:-2]] = unquote("/".join(rest))
            kinds.append(_GREEDY)
            return tuple(kinds), params
        if index >= len(parts):
            return None
        if segment.startswith("{") and segment.endswith("}"):
            params[segment[1:-1]] = unquote(parts[index])
            kinds.append(_PARAM)
        elif segment == parts[index]:
            kinds.append(_STATIC)
        else:
            return None
    if len(parts) != len(segments):
        return None
    return tuple(kinds), params


def most_specific(resources: Iterable[str], path: str) -> tuple[str, dict[str, str]] | None:
    """The resource API Gateway matches the path to, with its path parameters (whatever the method)."""
    best: tuple[tuple[int, ...], str, dict[str, str]] | None = None
    for resource in resources:
        matched = match_resource(resource, path)
        if matched is not None and (best is None or matched[0] < best[0]):
            best = (matched[0], resource, matched[1])
    return None if best is None else (best[1], best[2])


def find_route(routes: Iterable[R], method: str, path: str) -> tuple[R, dict[str, str]] | None:
    """The route API Gateway picks for the request, with its path parameters; None if there is none
    (API Gateway answers MISSING_AUTHENTICATION_TOKEN)."""
    candidates = list(routes)
    found = most_specific({r.resource for r in candidates}, path)
    if found is None:
        return None
    resource, params = found
    on_resource = [r for r in candidates if r.resource == resource]
    chosen = next((r for r in on_resource if r.method == method.upper()), None) or next(
        (r for r in on_resource if r.method == "ANY"), None
    )
    return (chosen, params) if chosen is not None else None
