from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from newsdesk.wiring.settings import EditorApiSettings, SettingsError

GOOD = {
    "TABLE_NAME": "newsdesk-articles",
    "SITE_TIMEZONE": "Asia/Kolkata",
    "ORIGIN_SECRETS": "sample-origin-secret-0123456789abcdef",
}


def test_settings_are_read_from_upper_case_variables() -> None:
    # Given a complete environment
    # When the editor API settings are read
    settings = EditorApiSettings.from_env(dict(GOOD))

    # Then each field has its variable's value, and the zone is usable
    assert settings.table_name == "newsdesk-articles"
    assert settings.site_timezone == "Asia/Kolkata"
    assert settings.tz == ZoneInfo("Asia/Kolkata")


def test_a_missing_table_name_fails_naming_the_variable() -> None:
    # Given an environment without TABLE_NAME
    env = {"SITE_TIMEZONE": "Asia/Kolkata"}

    # When the settings are read
    with pytest.raises(SettingsError) as caught:
        EditorApiSettings.from_env(env)

    # Then the error names the variable and the settings class, and nothing else
    message = str(caught.value)
    assert "TABLE_NAME" in message
    assert "EditorApiSettings" in message
    assert "SITE_TIMEZONE" not in message


def test_every_missing_variable_is_named_at_once() -> None:
    # Given an empty environment
    # When the settings are read
    with pytest.raises(SettingsError) as caught:
        EditorApiSettings.from_env({})

    # Then both variables are named in one message
    assert "TABLE_NAME" in str(caught.value)
    assert "SITE_TIMEZONE" in str(caught.value)


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "Asia/Bombay2", "../../etc/passwd", ""])
def test_an_unknown_time_zone_fails_naming_the_variable(zone: str) -> None:
    # Given a site time zone that is not an IANA zone
    env = {**GOOD, "SITE_TIMEZONE": zone}

    # When the settings are read
    # Then the error names SITE_TIMEZONE
    with pytest.raises(SettingsError, match="SITE_TIMEZONE"):
        EditorApiSettings.from_env(env)


def test_a_too_short_table_name_is_refused() -> None:
    # Given a table name shorter than DynamoDB allows
    # When the settings are read
    # Then TABLE_NAME is named
    with pytest.raises(SettingsError, match="TABLE_NAME"):
        EditorApiSettings.from_env({**GOOD, "TABLE_NAME": "ab"})


def test_unrelated_variables_are_ignored() -> None:
    # Given an environment with other variables too (as Lambda has)
    env = {**GOOD, "AWS_REGION": "ap-south-1", "POWERTOOLS_SERVICE_NAME": "newsdesk"}

    # When the settings are read
    settings = EditorApiSettings.from_env(env)

    # Then they are read without complaint
    assert settings.table_name == "newsdesk-articles"


def test_the_function_settings_are_read_once_per_cold_start(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given the process environment of a cold start
    from tests.conftest import EDITOR_API_APP, load_function

    monkeypatch.setenv("TABLE_NAME", "newsdesk-first")
    monkeypatch.setenv("SITE_TIMEZONE", "Asia/Kolkata")
    monkeypatch.setenv("SITE_NAME", "Newsdesk")
    monkeypatch.setenv("SITE_LANGUAGE", "en")
    monkeypatch.setenv("ORIGIN_SECRETS", "sample-origin-secret-0123456789abcdef")
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "1")
    app = load_function(EDITOR_API_APP)

    # When the settings are read at the function's cold start, the environment changes, and they are read
    # again by the function
    first = app.settings
    monkeypatch.setenv("TABLE_NAME", "newsdesk-second")
    second = app.settings

    # Then the same settings are used, and the store is the first table's
    assert first.table_name == "newsdesk-first"
    assert second is first
    assert app.articles.table_name == "newsdesk-first"


@pytest.mark.parametrize("secrets", ["", "too-short", ",", "sample-origin-secret-0123456789abcdef,short"])
def test_origin_secrets_must_be_long_enough(secrets: str) -> None:
    # Given an editor environment whose ORIGIN_SECRETS is empty or has a value under 32 characters
    env = {**GOOD, "ORIGIN_SECRETS": secrets}

    # When the settings are read
    # Then ORIGIN_SECRETS is named
    with pytest.raises(SettingsError, match="ORIGIN_SECRETS"):
        EditorApiSettings.from_env(env)


def test_the_origin_secret_being_rotated_out_is_still_accepted() -> None:
    # Given the new secret and the one it replaces (as template.yaml joins them)
    env = {
        **GOOD,
        "ORIGIN_SECRETS": "new-origin-secret-0123456789abcdefgh,old-origin-secret-0123456789abcdefgh",
    }

    # When the settings are read
    settings = EditorApiSettings.from_env(env)

    # Then both are accepted
    assert settings.accepted_origin_secrets == (
        "new-origin-secret-0123456789abcdefgh",
        "old-origin-secret-0123456789abcdefgh",
    )
