"""API Gateway's Cognito user pool authorizer (REST APIs): verify the ID token, flatten its claims.

The token is checked against the user pool's published keys (the emulator serves them at
/<pool id>/.well-known/jwks.json, as Cognito does), for its issuer, audience (one of the pool's app
clients), expiry and `token_use: id`. The claims reach the handler as REST APIs give them: every value
a string, `exp`/`iat` as dates, lists joined with commas.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import jwt

# REST API Cognito authorizers render these two claims as dates, e.g. "Mon Nov 25 11:10:00 UTC 2024".
_DATE_CLAIMS = {"exp", "iat"}


class Unauthorized(Exception):
    """The request carries no valid ID token of the pool; API Gateway answers 401 without the function."""


class CognitoAuthorizer:
    def __init__(
        self, *, endpoint: str, region: str, user_pool_id: str, client_ids: list[str], header: str
    ) -> None:
        self.header = header
        self.issuer = f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"
        self.client_ids = client_ids
        self._keys = jwt.PyJWKClient(f"{endpoint}/{user_pool_id}/.well-known/jwks.json", lifespan=300)

    def authorize(self, headers: dict[str, str]) -> dict[str, str]:
        """The flattened claims of the request's token, or Unauthorized."""
        value = next((v for k, v in headers.items() if k.lower() == self.header.lower()), "").strip()
        if not value:
            raise Unauthorized(f"no {self.header} header")
        token = value[7:].strip() if value[:7].lower() == "bearer " else value
        try:
            key = self._keys.get_signing_key_from_jwt(token)
            claims = jwt.decode(
                token,
                key.key,
                algorithms=["RS256"],
                audience=self.client_ids,
                issuer=self.issuer,
                options={"require": ["exp", "iat", "iss", "sub", "aud", "token_use"]},
            )
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"{type(exc).__name__}: {exc}") from None
        if claims.get("token_use") != "id":
            raise Unauthorized("not an ID token (no scopes are configured for access tokens)")
        return rest_api_claims(claims)


def rest_api_claims(claims: dict[str, Any]) -> dict[str, str]:
    """Claims as a REST API's Cognito authorizer passes them in requestContext.authorizer.claims."""
    flat: dict[str, str] = {}
    for name, value in claims.items():
        if name in _DATE_CLAIMS and isinstance(value, int | float):
            flat[name] = dt.datetime.fromtimestamp(value, dt.UTC).strftime("%a %b %d %H:%M:%S UTC %Y")
        elif isinstance(value, bool):
            flat[name] = "true" if value else "false"
        elif isinstance(value, list):
            flat[name] = ",".join(str(v) for v in value)
        else:
            flat[name] = str(value)
    return flat
