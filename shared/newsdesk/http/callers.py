"""The caller of an editor API route, as the article rules see them (newsdesk.articles.roles).

Which groups may call a route is declared on the route (`groups=` of EditorRouter, enforced by the
resolver before routing); what depends on the article (whose it is, its state) is checked by the use
cases with the caller read here, and refused with a 403 problem document naming the group that may do it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import BaseRouter

from newsdesk.articles.roles import Caller
from newsdesk.http.resolver import groups

_EMAIL = re.compile(r"^[^\s@]{1,64}@[^\s@]{1,189}$")


def caller_of(event: Mapping[str, Any]) -> Caller:
    """The signed-in caller of a request the resolver let through: the verified token's subject, its
    email if it has a plausible one (for display only), and its groups (newsdesk.http.resolver.groups)."""
    claims = ((event.get("requestContext") or {}).get("authorizer") or {}).get("claims") or {}
    email = str(claims.get("email") or "")
    return Caller(
        sub=str(claims.get("sub") or ""),
        email=email if _EMAIL.match(email) else None,
        groups=frozenset(groups(event)),
    )


def current_caller(router: BaseRouter) -> Caller:
    """The caller of the request `router` is answering."""
    return caller_of(router.current_event.raw_event)
