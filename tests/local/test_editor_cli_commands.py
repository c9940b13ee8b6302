"""The editor commands against a stub of the editor API on the loopback interface: the requests they send,
how they print problems, and their exit codes. (The real API is driven in tests/e2e/test_editor_cli.py.)"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsdesk_local.cli import SUBCOMMANDS, build_parser
from newsdesk_local.settings import LocalSettings
from tests.local.editor_stub import Canned, StubApi, article, problem

ID = "01JDQ7ZK3M8N4P5R6S7T8V9W0X"
STORY = """---
headline: Ferry service resumes
summary: Back after six weeks.
tags: [Transport]
authors: [A. Reporter]
---
The ferry is back.
"""


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[StubApi]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with StubApi() as api:
        yield api


def newsdesk(stub: StubApi, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run `newsdesk ARGV` against the stub, signed in with a fixed token: exit code, stdout, stderr."""
    settings = LocalSettings(port=stub.port, token="test-token")
    args = build_parser().parse_args(list(argv))
    code = SUBCOMMANDS[args.command].run(args, settings)
    out, err = capsys.readouterr()
    return code, out, err


def test_a_problem_prints_its_title_and_detail_and_exits_1(
    stub: StubApi, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given an API that refuses to publish before an embargo
    stub.on(
        "POST", f"/articles/{ID}/publish", problem(409, "Conflict", "Embargoed until 2027-01-05T07:00+05:30.")
    )
    stub.on("GET", f"/articles/{ID}", Canned(200, article(), {"ETag": '"1"'}))

    # When an editor publishes, then shows the article
    code, out, err = newsdesk(stub, capsys, "publish", ID)
    shown, shown_out, _ = newsdesk(stub, capsys, "show", ID)

    # Then the problem is one line on stderr and the exit code 1; the next command still works
    assert (code, out) == (1, "")
    assert err == "error: Conflict: Embargoed until 2027-01-05T07:00+05:30.\n"
    assert shown == 0 and "status:" in shown_out
    assert stub.requests("POST")[0].headers["Authorization"] == "Bearer test-token"


def test_field_errors_are_listed_under_the_problem(stub: StubApi, capsys: pytest.CaptureFixture[str]) -> None:
    # Given an API that finds the correction text too long
    errors = [{"field": "text", "location": "body", "message": "at most 2000 characters"}]
    stub.on(
        "POST",
        f"/articles/{ID}/corrections",
        problem(422, "Unprocessable Content", "Invalid.", errors=errors),
    )

    # When a correction is issued
    code, _, err = newsdesk(stub, capsys, "correct", ID, "x" * 3000)

    # Then each field's mistake is on its own line
    assert code == 1
    assert err.splitlines() == ["error: Unprocessable Content: Invalid.", "  text: at most 2000 characters"]


def test_a_401_says_to_sign_in(stub: StubApi, capsys: pytest.CaptureFixture[str]) -> None:
    stub.on("GET", "/articles", problem(401, "Unauthorized", "The token has expired."))
    code, _, err = newsdesk(stub, capsys, "list")
    assert code == 1
    assert err.splitlines() == ["error: Unauthorized: The token has expired.", "  run `newsdesk login`"]


def test_an_answer_that_is_not_a_problem_document_still_prints_as_one(
    stub: StubApi, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.on("GET", "/articles", Canned(502, None, content_type="text/html"))
    code, _, err = newsdesk(stub, capsys, "list")
    assert (code, err) == (1, "error: Bad Gateway\n")


def test_a_stack_that_does_not_answer_exits_3(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # Given a port nothing listens on
    with StubApi() as gone:
        port = gone.port

    # When a command runs against it
    args = build_parser().parse_args(["list"])
    code = SUBCOMMANDS["list"].run(args, LocalSettings(port=port, token="t"))

    # Then it says it cannot reach the API, exit code 3
    assert code == 3
    assert capsys.readouterr().err.startswith(
        f"error: cannot reach the editor API at http://127.0.0.1:{port}/api"
    )


def test_without_a_sign_in_a_command_says_to_log_in(
    stub: StubApi, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given no NEWSDESK_TOKEN and nothing cached
    args = build_parser().parse_args(["list"])

    # When a command runs
    code = SUBCOMMANDS["list"].run(args, LocalSettings(port=stub.port))

    # Then nothing is sent and the message says what to do
    assert code == 1
    assert "run `newsdesk login`" in capsys.readouterr().err
    assert stub.requests() == []


def test_usage_mistakes_exit_2(stub: StubApi, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = newsdesk(stub, capsys, "schedule", ID)
    assert (code, err) == (2, "error: give either --at ISO [--expire ISO] or --cancel\n")
    with pytest.raises(SystemExit) as usage:
        build_parser().parse_args(["schedule", ID, "--at", "2027-01-05T07:00"])
    assert usage.value.code == 2
    assert "give an offset" in capsys.readouterr().err


def test_login_for_a_script_needs_an_email_and_never_tracebacks(
    stub: StubApi, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given no terminal: stdin is empty
    monkeypatch.setattr("sys.stdin", io.StringIO(""))

    # When a script signs in with --password-stdin but no --email, or with nothing to read the email from
    with_stdin = newsdesk(stub, capsys, "login", "--password-stdin")
    monkeypatch.setattr("newsdesk_local.editor.targets.Target.is_local", property(lambda _: False))
    asked = newsdesk(stub, capsys, "login")

    # Then each is a usage error that says what to give, and nothing was sent
    assert with_stdin == (2, "", "error: --password-stdin needs --email\n")
    assert (asked[0], asked[2]) == (2, "error: no email given (use --email)\n")
    assert stub.requests() == []


def test_an_unknown_front_matter_key_sends_nothing(
    stub: StubApi, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Given a file with a misspelt key
    path = tmp_path / "story.md"
    path.write_text(STORY.replace("summary:", "sumary:"), encoding="utf-8")

    # When it is pushed
    code, _, err = newsdesk(stub, capsys, "push", str(path))

    # Then the key is named and no request was sent
    assert code == 1
    assert "unknown front matter key 'sumary'" in err
    assert stub.requests() == []


def test_push_creates_then_remembers_the_id_and_updates_with_if_match(
    stub: StubApi, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Given a new file, and an API where its slug is not taken yet
    path = tmp_path / "ferry.md"
    path.write_text(STORY, encoding="utf-8")
    stub.on("GET", "/articles", Canned(200, {"items": [], "next_cursor": None}))
    created = article(body="The ferry is back.")
    stub.on("POST", "/articles", Canned(201, created, {"ETag": '"1"'}))

    # When it is pushed
    code, out, _ = newsdesk(stub, capsys, "push", str(path))

    # Then the draft is created and the file now names it
    assert code == 0, out
    assert stub.requests("POST")[0].body == {
        "headline": "Ferry service resumes",
        "body": "The ferry is back.",
        "summary": "Back after six weeks.",
        "authors": ["A. Reporter"],
        "tags": ["Transport"],
    }
    assert path.read_text(encoding="utf-8").startswith(f"---\nid: {ID}\n")
    assert out.splitlines()[1].split() == [ID, "ferry-service-resumes", "draft", "1"]

    # When the summary is changed in the file and it is pushed again
    path.write_text(path.read_text(encoding="utf-8").replace("six weeks", "seven weeks"), encoding="utf-8")
    stub.on("GET", f"/articles/{ID}", Canned(200, created, {"ETag": '"3"'}))
    stub.on("PATCH", f"/articles/{ID}", Canned(200, {**created, "version": 4}, {"ETag": '"4"'}))
    code, _, _ = newsdesk(stub, capsys, "push", str(path))

    # Then only the summary is sent, with If-Match from the fresh read
    assert code == 0
    [patch] = stub.requests("PATCH")
    assert (patch.body, patch.headers["If-Match"]) == ({"summary": "Back after seven weeks."}, '"3"')


def test_push_of_an_unchanged_file_sends_no_change(
    stub: StubApi, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "ferry.md"
    path.write_text(STORY.replace("---\n", f"---\nid: {ID}\n", 1), encoding="utf-8")
    stub.on("GET", f"/articles/{ID}", Canned(200, article(body="The ferry is back."), {"ETag": '"1"'}))
    code, _, err = newsdesk(stub, capsys, "push", str(path))
    assert (code, err) == (0, f"{path}: unchanged\n")
    assert [r.method for r in stub.requests()] == ["GET"]


def test_push_says_when_someone_else_changed_the_article(
    stub: StubApi, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Given an article changed by someone else between the read and the update
    path = tmp_path / "ferry.md"
    path.write_text(STORY.replace("---\n", f"---\nid: {ID}\n", 1), encoding="utf-8")
    stub.on("GET", f"/articles/{ID}", Canned(200, article(summary="Old."), {"ETag": '"1"'}))
    stub.on("PATCH", f"/articles/{ID}", problem(412, "Precondition Failed", "The article has changed."))

    # When the file is pushed
    code, _, err = newsdesk(stub, capsys, "push", str(path))

    # Then the message says what happened and what to do
    assert code == 1
    assert err.startswith("error: Precondition Failed: someone else changed the article since it was read")


def test_push_schedules_when_publish_at_is_in_the_future(
    stub: StubApi, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Given a file to publish tomorrow (the test clock is 2026-11-20 14:00 in the site's zone)
    path = tmp_path / "ferry.md"
    path.write_text(
        STORY.replace("---\n", "---\npublish_at: 2026-11-21T07:00:00+05:30\n", 1), encoding="utf-8"
    )
    stub.on("GET", "/articles", Canned(200, {"items": [], "next_cursor": None}))
    stub.on("POST", "/articles", Canned(201, article(body="The ferry is back."), {"ETag": '"1"'}))
    scheduled = article(status="scheduled", publish_at="2026-11-21T01:30:00+00:00")
    stub.on("POST", f"/articles/{ID}/schedule", Canned(200, scheduled, {"ETag": '"2"'}))

    # When it is pushed
    code, out, _ = newsdesk(stub, capsys, "push", str(path))

    # Then the draft is saved, then scheduled, and the output says for when
    assert code == 0
    assert [r.path for r in stub.requests("POST")] == ["/api/articles", f"/api/articles/{ID}/schedule"]
    assert stub.requests("POST")[1].body == {"publish_at": "2026-11-21T07:00:00+05:30"}
    assert "scheduled for 2026-11-21 07:00 IST" in out


def test_import_goes_on_after_a_bad_file_and_sums_up(
    stub: StubApi, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Given a directory with a new file, an unchanged one, and one with a mistake
    (tmp_path / "a-new-story.md").write_text(STORY.replace("Ferry", "New"), encoding="utf-8")
    (tmp_path / "ferry-service-resumes.md").write_text(STORY, encoding="utf-8")
    (tmp_path / "broken.md").write_text("---\nheadline: A\nwhen: now\n---\nBody.\n", encoding="utf-8")
    stub.on("GET", "/articles", Canned(200, {"items": [article()], "next_cursor": None}))
    stub.on("GET", f"/articles/{ID}", Canned(200, article(body="The ferry is back."), {"ETag": '"1"'}))
    stub.on("POST", "/articles", Canned(201, article(id="01JDQ7ZK3M8N4P5R6S7T8V9W0Y", slug="a-new-story")))

    # When the directory is imported
    code, out, _ = newsdesk(stub, capsys, "import", str(tmp_path))

    # Then the new one is created under its file name's slug, the bad one is named, exit code 1
    assert code == 1
    assert out.splitlines() == [
        "3 files: 1 created, 0 updated, 1 unchanged, 1 failed",
        "  broken.md: unknown front matter key 'when' (known: authors, dateline, embargo_until, expire_at, "
        "headline, id, image, publish_at, section, slug, source, summary, tags)",
    ]
    assert stub.requests("POST")[0].body["slug"] == "a-new-story"


def test_json_prints_the_api_document(stub: StubApi, capsys: pytest.CaptureFixture[str]) -> None:
    page = {"items": [article()], "next_cursor": None}
    stub.on("GET", "/articles", Canned(200, page))
    code, out, _ = newsdesk(stub, capsys, "list", "--json", "--status", "draft")
    assert code == 0 and json.loads(out) == page
    assert stub.requests()[0].path == "/api/articles?status=draft&limit=20"


def test_an_article_is_found_by_its_slug(stub: StubApi, capsys: pytest.CaptureFixture[str]) -> None:
    stub.on("GET", "/articles", Canned(200, {"items": [article()], "next_cursor": None}))
    stub.on("POST", f"/articles/{ID}/unpublish", Canned(200, article(status="unpublished")))
    code, out, _ = newsdesk(stub, capsys, "unpublish", "ferry-service-resumes")
    assert code == 0 and "unpublished" in out
    code, _, err = newsdesk(stub, capsys, "unpublish", "no-such-story")
    assert (code, err) == (1, "error: Not Found: no article has the id or slug 'no-such-story'\n")


def test_restore_sends_the_current_etag(stub: StubApi, capsys: pytest.CaptureFixture[str]) -> None:
    stub.on("GET", f"/articles/{ID}", Canned(200, article(version=3), {"ETag": '"3"'}))
    stub.on("POST", f"/articles/{ID}/revisions/1/restore", Canned(200, article(version=4), {"ETag": '"4"'}))
    code, _, err = newsdesk(stub, capsys, "restore", ID, "1")
    assert code == 0 and "version 1 restored as version 4" in err
    assert stub.requests("POST")[0].headers["If-Match"] == '"3"'


def test_comments_are_moderated_in_one_request(stub: StubApi, capsys: pytest.CaptureFixture[str]) -> None:
    # Given two comments, one of which is gone
    results = [
        {"id": "01JDQ7ZK3M8N4P5R6S7T8V9W0A", "status": 200, "comment": {"status": "approved"}},
        {"id": "01JDQ7ZK3M8N4P5R6S7T8V9W0B", "status": 404, "detail": "No such comment."},
    ]
    stub.on("POST", "/comments/bulk", Canned(200, {"results": results}))

    # When both are approved
    code, out, _ = newsdesk(stub, capsys, "comments", "approve", *(str(r["id"]) for r in results))

    # Then one bulk request is sent, each result is shown, and the exit code says one failed
    assert code == 1
    assert stub.requests("POST")[0].body == {"ids": [r["id"] for r in results], "status": "approved"}
    assert out.splitlines()[1:] == [
        "01JDQ7ZK3M8N4P5R6S7T8V9W0A  200   approved",
        "01JDQ7ZK3M8N4P5R6S7T8V9W0B  404   No such comment.",
    ]


# Submit and preview end to end (a writer, a share link, an editor's publish): tests/e2e/test_editor_cli.py.


def test_submit_sends_the_current_versions_etag(stub: StubApi, capsys: pytest.CaptureFixture[str]) -> None:
    # Given a draft at version 3
    stub.on("GET", f"/articles/{ID}", Canned(200, article(version=3), {"ETag": '"3"'}))
    stub.on("POST", f"/articles/{ID}/submit", Canned(200, article(status="review", version=4)))

    # When it is submitted
    code, out, _ = newsdesk(stub, capsys, "submit", ID)

    # Then the submit carries If-Match of the version read, and the new state is printed
    assert code == 0
    assert stub.requests("POST")[0].headers["If-Match"] == '"3"'
    assert out.splitlines()[1].split() == [ID, "ferry-service-resumes", "review", "4"]


def test_preview_against_a_stub_of_the_preview_links_route(
    stub: StubApi, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a route that makes share links
    link = {"url": "http://127.0.0.1:8000/preview/abc", "expires_at": "2026-11-21T08:30:00+00:00"}
    stub.on("POST", f"/articles/{ID}/preview-links", Canned(201, link))

    # When a preview link for a day is asked for
    code, out, _ = newsdesk(stub, capsys, "preview", ID, "--expires-in", "86400")

    # Then the URL and its expiry (site zone) are printed
    assert code == 0
    assert stub.requests("POST")[0].body == {"expires_in": 86400}
    assert out.splitlines() == [
        "url:      http://127.0.0.1:8000/preview/abc",
        "expires:  2026-11-21 14:00 IST",
    ]
