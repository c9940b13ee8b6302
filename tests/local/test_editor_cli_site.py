"""`newsdesk site` against a stub of the editor API on the loopback interface: what each action sends
(If-Match from a fresh read, only the options given changed), what it prints, and its exit codes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsdesk_local.cli import SUBCOMMANDS, build_parser
from newsdesk_local.settings import LocalSettings
from tests.local.editor_stub import Canned, StubApi, problem

ID = "01JDQ7ZK3M8N4P5R6S7T8V9W0X"


def site_doc(**fields: Any) -> dict[str, Any]:
    """A SiteOut document."""
    return {
        "name": "The Coastal Courier",
        "description": "News from the coast.",
        "logo": None,
        "sections": [{"name": "World", "slug": "world"}],
        "footer_links": [{"label": "About", "url": "/about/"}],
        "social_profiles": [],
        "default_image": None,
        "lead_article_id": None,
        "version": 3,
        "updated_at": "2026-11-20T06:30:00+00:00",
        "updated_by": "e0000000-0000-4000-8000-000000000001",
        **fields,
    }


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[StubApi]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with StubApi() as api:
        yield api


def newsdesk(stub: StubApi, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    settings = LocalSettings(port=stub.port, token="test-token")
    args = build_parser().parse_args(list(argv))
    code = SUBCOMMANDS[args.command].run(args, settings)
    out, err = capsys.readouterr()
    return code, out, err


def test_site_show_prints_the_configuration(stub: StubApi, capsys: pytest.CaptureFixture[str]) -> None:
    # Given a configured site
    stub.on("GET", "/site", Canned(200, site_doc(), {"ETag": '"3"'}))

    # When an editor shows it, as text and as JSON
    code, out, _ = newsdesk(stub, capsys, "site")
    json_code, json_out, _ = newsdesk(stub, capsys, "site", "show", "--json")

    # Then the text lists each field, and the JSON is the API's document
    assert code == 0
    assert "The Coastal Courier" in out and "World (/section/world/)" in out and "(the newest)" in out
    assert json_code == 0 and json.loads(json_out) == site_doc()


def test_site_set_changes_only_the_options_given_with_if_match(
    stub: StubApi, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a configured site at version 3
    stub.on("GET", "/site", Canned(200, site_doc(), {"ETag": '"3"'}))
    stub.on("PUT", "/site", Canned(200, site_doc(version=4), {"ETag": '"4"'}))

    # When an editor sets the menu, a footer link, a profile and the logo
    code, _, err = newsdesk(
        stub,
        capsys,
        "site",
        "set",
        "--section",
        "World",
        "--section",
        "Sport=sports",
        "--footer-link",
        "Ethics=https://example.org/ethics?x=1",
        "--social",
        "https://social.example/@courier",
        "--logo",
        "/assets/logo.svg",
    )

    # Then one PUT carries the current ETag, the new values and the untouched ones as they were
    assert (code, err) == (0, "")
    (put,) = stub.requests("PUT")
    assert put.headers["If-Match"] == '"3"'
    assert put.body == {
        "name": "The Coastal Courier",
        "description": "News from the coast.",
        "logo": "/assets/logo.svg",
        "sections": [{"name": "World"}, {"name": "Sport", "slug": "sports"}],
        "footer_links": [{"label": "Ethics", "url": "https://example.org/ethics?x=1"}],
        "social_profiles": ["https://social.example/@courier"],
        "default_image": None,
    }


def test_site_set_clear_empties_a_field(stub: StubApi, capsys: pytest.CaptureFixture[str]) -> None:
    # Given a configured site
    stub.on("GET", "/site", Canned(200, site_doc(), {"ETag": '"3"'}))
    stub.on("PUT", "/site", Canned(200, site_doc(sections=[], version=4), {"ETag": '"4"'}))

    # When an editor clears the menu and the description
    code, _, _ = newsdesk(stub, capsys, "site", "set", "--clear", "sections", "--clear", "description")

    # Then both are sent empty
    assert code == 0
    body = stub.requests("PUT")[0].body
    assert (body["sections"], body["description"], body["name"]) == ([], "", "The Coastal Courier")


def test_a_refused_change_prints_the_field_and_exits_1_and_the_next_command_works(
    stub: StubApi, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given an API that refuses a footer link
    errors = [
        {"field": "footer_links[0].url", "location": "body", "message": "must be an https URL or a path"}
    ]
    stub.on("GET", "/site", Canned(200, site_doc(), {"ETag": '"3"'}))
    stub.on("PUT", "/site", problem(422, "The request is not valid", "Invalid.", errors=errors))

    # When an editor sets it, then shows the site
    code, _, err = newsdesk(stub, capsys, "site", "set", "--footer-link", "About=about")
    shown, _, _ = newsdesk(stub, capsys, "site", "show")

    # Then the field's mistake is printed, exit code 1; showing still works
    assert code == 1
    assert "footer_links[0].url: must be an https URL or a path" in err
    assert shown == 0


def test_site_pin_and_unpin_send_the_lead_with_if_match(
    stub: StubApi, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a configured site
    stub.on("GET", "/site", Canned(200, site_doc(), {"ETag": '"3"'}))
    stub.on("PUT", "/site/lead", Canned(200, site_doc(lead_article_id=ID, version=4), {"ETag": '"4"'}))
    stub.on("DELETE", "/site/lead", Canned(200, site_doc(version=5), {"ETag": '"5"'}))

    # When an editor pins an article by id, then unpins it
    pinned, out, _ = newsdesk(stub, capsys, "site", "pin", ID)
    unpinned, _, _ = newsdesk(stub, capsys, "site", "unpin")

    # Then the lead is sent with the ETag read just before each
    assert (pinned, unpinned) == (0, 0)
    assert ID in out
    put, delete = stub.requests("PUT")[0], stub.requests("DELETE")[0]
    assert put.body == {"article_id": ID} and put.headers["If-Match"] == '"3"'
    assert delete.headers["If-Match"] == '"3"'


@pytest.mark.parametrize(
    "argv",
    [
        ("site", "set"),
        ("site", "pin"),
        ("site", "show", "--name", "X"),
        ("site", "unpin", ID),
    ],
)
def test_a_usage_mistake_exits_2_without_a_change(
    stub: StubApi, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    # Given a configured site
    stub.on("GET", "/site", Canned(200, site_doc(), {"ETag": '"3"'}))

    # When an editor gives a command that cannot be carried out
    code, _, err = newsdesk(stub, capsys, *argv)

    # Then exit code 2 with a hint, and nothing changed
    assert code == 2 and err.startswith("error: ")
    assert stub.requests("PUT") == stub.requests("DELETE") == []


def test_a_footer_link_without_a_url_is_refused_by_the_parser(capsys: pytest.CaptureFixture[str]) -> None:
    # When the footer link has no LABEL=URL form
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(["site", "set", "--footer-link", "About"])

    # Then argparse exits 2 naming the form
    assert exited.value.code == 2
    assert "LABEL=URL" in capsys.readouterr().err
