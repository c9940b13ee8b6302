"""Signing in to the stack's user pool, and the token cache.

`newsdesk login` signs in with USER_PASSWORD_AUTH against the pool's app client (real Cognito or the local
stack's emulator) and keeps the ID token and the refresh token, per target, in
$XDG_CACHE_HOME/newsdesk/ (default ~/.cache/newsdesk/), readable by the user alone. Every other command
uses the cached ID token, refreshed with REFRESH_TOKEN_AUTH when it is about to expire.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from newsdesk.clock import utc_now
from newsdesk_local.cognito import EDITORS_GROUP, SignInError, UserPool, pool_names
from newsdesk_local.editor.client import CommandError, NotSignedIn, SignInRefused, StackUnreachable
from newsdesk_local.editor.targets import Target

REFRESH_MARGIN = dt.timedelta(seconds=60)


@dataclass(frozen=True)
class SignedIn:
    email: str
    client_id: str
    id_token: str
    refresh_token: str | None
    expires_at: dt.datetime

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "expires_at": self.expires_at.isoformat()})

    @classmethod
    def from_json(cls, text: str) -> SignedIn:
        data = json.loads(text)
        return cls(**{**data, "expires_at": dt.datetime.fromisoformat(data["expires_at"])})


def cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    base = env.get("XDG_CACHE_HOME") or str(Path(env.get("HOME") or Path.home()) / ".cache")
    return Path(base) / "newsdesk"


class TokenCache:
    """One JSON file per target, mode 0600 in a 0700 directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path(self, key: str) -> Path:
        return self.directory / f"{key}.json"

    def load(self, key: str) -> SignedIn | None:
        try:
            return SignedIn.from_json(self.path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, key: str, signed_in: SignedIn) -> Path:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = self.path(key)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as sink:
            os.fchmod(sink.fileno(), 0o600)  # an older file keeps its mode through O_CREAT: set it
            sink.write(signed_in.to_json())
        return path

    def forget(self, key: str) -> bool:
        try:
            self.path(key).unlink()
        except FileNotFoundError:
            return False
        return True


def _cognito(target: Target) -> Any:
    try:
        return target.pool.cognito()
    except Exception as exc:  # botocore's configuration errors end the command with their message
        raise StackUnreachable(f"cannot reach the user pool of {target.name} ({exc})") from None


def _client_id(target: Target, cognito: Any) -> str:
    if target.pool.client_id:
        return target.pool.client_id
    return _local_pool(target, cognito).client_id


def _local_pool(target: Target, cognito: Any) -> UserPool:
    from newsdesk_local.template import load_template

    settings = target.pool.local
    assert settings is not None
    names = pool_names(load_template(settings.template), settings.stack_name, settings.region)
    try:
        return UserPool(cognito, names)
    except SignInError as exc:
        raise StackUnreachable(str(exc)) from None
    except Exception as exc:  # botocore's connection errors have no common base worth importing here
        raise StackUnreachable(
            f"cannot reach the emulator at {settings.aws_endpoint} ({exc}); is `newsdesk dev` running?"
        ) from None


def _tokens(cognito: Any, client_id: str, flow: str, parameters: dict[str, str], target: Target) -> Any:
    """The pool's tokens; a refusal is SignInRefused for a password, NotSignedIn for a refresh token."""
    refused: type[CommandError] = NotSignedIn if flow == "REFRESH_TOKEN_AUTH" else SignInRefused
    try:
        result = cognito.initiate_auth(ClientId=client_id, AuthFlow=flow, AuthParameters=parameters)
    except cognito.exceptions.NotAuthorizedException as exc:
        reason = exc.response["Error"].get("Message", "not authorized")
        raise refused(f"sign-in refused ({reason})") from None
    except cognito.exceptions.UserNotFoundException:
        raise refused("sign-in refused (no such user)") from None
    except Exception as exc:  # botocore's connection errors have no common base worth importing here
        raise StackUnreachable(f"cannot reach the user pool of {target.name} ({exc})") from None
    tokens = result.get("AuthenticationResult")
    if not tokens:
        raise refused(f"the user pool asks for {result.get('ChallengeName')} first (not supported here)")
    return tokens


def sign_in(target: Target, email: str, password: str) -> SignedIn:
    cognito = _cognito(target)
    client_id = _client_id(target, cognito)
    tokens = _tokens(
        cognito, client_id, "USER_PASSWORD_AUTH", {"USERNAME": email, "PASSWORD": password}, target
    )
    return SignedIn(
        email=email,
        client_id=client_id,
        id_token=str(tokens["IdToken"]),
        refresh_token=tokens.get("RefreshToken"),
        expires_at=utc_now() + dt.timedelta(seconds=int(tokens.get("ExpiresIn", 3600))),
    )


def sign_in_local_editor(target: Target) -> SignedIn:
    """The local stack's editor (NEWSDESK_EDITOR_EMAIL), created in the editors group if need be, as
    `newsdesk token` does."""
    settings = target.pool.local
    assert settings is not None
    cognito = _cognito(target)
    pool = _local_pool(target, cognito)
    try:
        pool.ensure_user(settings.editor_email, settings.editor_password, [EDITORS_GROUP])
    except Exception as exc:  # botocore's errors alike: the emulator did not do it
        raise StackUnreachable(f"cannot create the local editor ({exc})") from None
    return sign_in(target, settings.editor_email, settings.editor_password)


def refresh(target: Target, signed_in: SignedIn) -> SignedIn:
    if not signed_in.refresh_token:
        raise NotSignedIn(f"the sign-in to {target.name} has expired")
    cognito = _cognito(target)
    tokens = _tokens(
        cognito,
        signed_in.client_id,
        "REFRESH_TOKEN_AUTH",
        {"REFRESH_TOKEN": signed_in.refresh_token},
        target,
    )
    return SignedIn(
        email=signed_in.email,
        client_id=signed_in.client_id,
        id_token=str(tokens["IdToken"]),
        refresh_token=tokens.get("RefreshToken") or signed_in.refresh_token,
        expires_at=utc_now() + dt.timedelta(seconds=int(tokens.get("ExpiresIn", 3600))),
    )


class TokenSource:
    """The ID token for the API: NEWSDESK_TOKEN if set, else the cached sign-in (refreshed when due).
    Looked up on the first request only."""

    def __init__(self, target: Target, cache: TokenCache, fixed: str | None = None) -> None:
        self.target = target
        self.cache = cache
        self.fixed = fixed
        self._token: str | None = None

    def __call__(self) -> str:
        if self._token is None:
            self._token = self.fixed or self._cached()
        return self._token

    def _cached(self) -> str:
        signed_in = self.cache.load(self.target.cache_key)
        if signed_in is None:
            raise NotSignedIn(f"not signed in to {self.target.name}")
        if signed_in.expires_at - REFRESH_MARGIN <= utc_now():
            try:
                signed_in = refresh(self.target, signed_in)
            except NotSignedIn:
                with contextlib.suppress(OSError):
                    self.cache.forget(self.target.cache_key)
                raise
            self.cache.save(self.target.cache_key, signed_in)
        return signed_in.id_token
