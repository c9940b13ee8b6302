"""`newsdesk login`'s sign-in and token cache, against an in-process moto user pool."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import boto3
import pytest

from newsdesk.clock import FrozenClock
from newsdesk_local.editor.client import NotSignedIn, SignInRefused, StackUnreachable
from newsdesk_local.editor.session import TokenCache, TokenSource, cache_dir, sign_in
from newsdesk_local.editor.targets import Target, UserPoolRef, resolve_target
from newsdesk_local.settings import LocalSettings

EMAIL = "editor@example.test"
PASSWORD = "Correct-Horse-2024"


@pytest.fixture
def target(aws: None) -> Iterator[Target]:
    cognito = boto3.client("cognito-idp")
    pool = cognito.create_user_pool(PoolName="editors")["UserPool"]["Id"]
    client = cognito.create_user_pool_client(
        UserPoolId=pool,
        ClientName="cli",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool, Username=EMAIL, MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool, Username=EMAIL, Password=PASSWORD, Permanent=True)
    yield Target(
        name="stack test",
        cache_key="stack-test",
        api_url="http://127.0.0.1:9/api",
        site_url="http://127.0.0.1:9",
        site_tz=ZoneInfo("Asia/Kolkata"),
        pool=UserPoolRef(cognito=lambda: boto3.client("cognito-idp"), client_id=client),
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_cache_lives_under_xdg_cache_home_or_home() -> None:
    assert cache_dir({"XDG_CACHE_HOME": "/x/cache", "HOME": "/home/e"}) == Path("/x/cache/newsdesk")
    assert cache_dir({"HOME": "/home/e"}) == Path("/home/e/.cache/newsdesk")


def test_a_sign_in_is_cached_for_the_user_alone(target: Target, tmp_path: Path) -> None:
    # Given a cache file an earlier version left readable by others
    cache = TokenCache(tmp_path / "newsdesk")
    cache.directory.mkdir(mode=0o700)
    cache.path(target.cache_key).write_text("{}", encoding="utf-8")
    cache.path(target.cache_key).chmod(0o644)

    # When the editor signs in with the password
    signed_in = sign_in(target, EMAIL, PASSWORD)
    path = cache.save(target.cache_key, signed_in)

    # Then the ID and refresh tokens are kept, readable by the user alone
    assert (mode(path), mode(cache.directory)) == (0o600, 0o700)
    assert cache.load(target.cache_key) == signed_in
    assert signed_in.refresh_token
    assert TokenSource(target, cache)() == signed_in.id_token


def test_a_wrong_password_is_refused(target: Target) -> None:
    with pytest.raises(SignInRefused) as refused:
        sign_in(target, EMAIL, "Wrong-Password-2024")
    assert refused.value.message().startswith("sign-in refused (")
    assert "newsdesk login" not in refused.value.message()


def test_an_expired_token_is_refreshed_with_the_refresh_token(
    target: Target, tmp_path: Path, clock: FrozenClock
) -> None:
    # Given a cached sign-in whose ID token expires in a moment
    cache = TokenCache(tmp_path)
    first = sign_in(target, EMAIL, PASSWORD)
    cache.save(target.cache_key, first)
    clock.advance(hours=1)
    flows: list[str] = []
    real = target.pool.cognito

    def recording() -> Any:
        client = real()
        client.meta.events.register(
            "provide-client-params.cognito-idp.InitiateAuth",
            lambda params, **_: flows.append(params["AuthFlow"]),
        )
        return client

    target = dataclasses.replace(target, pool=UserPoolRef(cognito=recording, client_id=target.pool.client_id))

    # When a command needs the token
    token = TokenSource(target, cache)()

    # Then it was refreshed (REFRESH_TOKEN_AUTH), and the cache holds the new one, valid an hour from now
    assert flows == ["REFRESH_TOKEN_AUTH"]
    refreshed = cache.load(target.cache_key)
    assert refreshed is not None and refreshed.id_token == token
    assert refreshed.expires_at == clock() + dt.timedelta(hours=1)
    assert refreshed.refresh_token == first.refresh_token


def test_a_refused_refresh_forgets_the_sign_in(target: Target, tmp_path: Path, clock: FrozenClock) -> None:
    # Given a cached sign-in whose refresh token is no longer valid
    cache = TokenCache(tmp_path)
    signed_in = sign_in(target, EMAIL, PASSWORD)
    cache.save(target.cache_key, type(signed_in)(**{**signed_in.__dict__, "refresh_token": "revoked"}))
    clock.advance(hours=2)

    # When a command needs the token
    with pytest.raises(NotSignedIn) as refused:
        TokenSource(target, cache)()

    # Then it says to sign in again, and the stale sign-in is gone
    assert "run `newsdesk login`" in refused.value.message()
    assert cache.load(target.cache_key) is None


def _deploy(outputs: dict[str, str]) -> None:
    template = {
        "Parameters": {"SiteTimezone": {"Type": "String", "Default": "UTC"}},
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {key: {"Value": value} for key, value in outputs.items()},
    }
    boto3.client("cloudformation").create_stack(
        StackName="newsdesk-prod",
        TemplateBody=json.dumps(template),
        Parameters=[{"ParameterKey": "SiteTimezone", "ParameterValue": "Europe/Lisbon"}],
    )


def test_a_deployed_stack_is_found_by_its_outputs(aws: None) -> None:
    # Given a deployed stack with the outputs of template.yaml
    _deploy(
        {
            "SiteUrl": "https://news.example/",
            "ApiUrl": "https://news.example/api",
            "UserPoolId": "eu-west-1_AbCdEf123",
            "UserPoolClientId": "client123",
        }
    )

    # When the editor commands are pointed at it (NEWSDESK_STACK)
    target = resolve_target(LocalSettings(stack="newsdesk-prod"), None)

    # Then they talk to its API and pool, and show times in its site's zone
    assert (target.api_url, target.site_url) == ("https://news.example/api", "https://news.example")
    assert (target.pool.client_id, target.site_tz, target.cache_key) == (
        "client123",
        ZoneInfo("Europe/Lisbon"),
        "stack-newsdesk-prod",
    )
    assert not target.is_local


def test_a_stack_without_the_outputs_or_not_there_cannot_be_reached(aws: None) -> None:
    _deploy({"ApiUrl": "https://news.example/api"})
    with pytest.raises(StackUnreachable, match="has no output UserPoolId"):
        resolve_target(LocalSettings(), "newsdesk-prod")
    with pytest.raises(StackUnreachable, match="cannot read the outputs of stack 'elsewhere'"):
        resolve_target(LocalSettings(), "elsewhere")
