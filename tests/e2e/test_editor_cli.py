"""End to end: the editor command line (`newsdesk push`, `publish`, `show`, `import`, `schedule`,
`correct`, `revisions`, `restore`) as a subprocess against the local stack, over real HTTP with a real
token (NEWSDESK_TOKEN, as scripts would)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from newsdesk.clock import system_now
from tests.e2e.conftest import COMMAND_TIMEOUT, ROOT, RunningStack
from tests.e2e.test_local_stack import TIMEOUT, bearer

pytestmark = pytest.mark.e2e


class Newsdesk:
    def __init__(self, stack: RunningStack, token: str, cache: Path) -> None:
        self.env = {**stack.env, "NEWSDESK_TOKEN": token, "XDG_CACHE_HOME": str(cache)}

    def __call__(self, *argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "newsdesk_local.cli", *argv],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )

    def ok(self, *argv: str) -> subprocess.CompletedProcess[str]:
        done = self(*argv)
        assert done.returncode == 0, f"newsdesk {' '.join(argv)} exited {done.returncode}:\n{done.stderr}"
        return done

    def json(self, *argv: str) -> Any:
        return json.loads(self.ok(*argv, "--json").stdout)


@pytest.fixture
def newsdesk(stack: RunningStack, editor_token: str, tmp_path: Path) -> Iterator[Newsdesk]:
    yield Newsdesk(stack, editor_token, tmp_path / "cache")


def story(headline: str, **front: str) -> str:
    lines = [f"headline: {headline}", "summary: The river ferry is back.", "tags: [Transport]"]
    lines += [f"{key}: {value}" for key, value in front.items()]
    return "---\n" + "\n".join(lines) + "\n---\nThe ferry is **back** after six weeks in dry dock.\n"


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def front_matter_id(path: Path) -> str:
    line = path.read_text(encoding="utf-8").splitlines()[1]
    assert line.startswith("id: "), line
    return line.removeprefix("id: ")


def test_a_pushed_file_is_published_and_show_says_it_is_live_with_its_url(
    stack: RunningStack, newsdesk: Newsdesk, editor_token: str, tmp_path: Path
) -> None:
    # Given a Markdown file pushed as a draft
    path = tmp_path / "ferry.md"
    path.write_text(story(unique("Ferry resumes")), encoding="utf-8")
    pushed = newsdesk.ok("push", str(path))
    article_id = front_matter_id(path)
    assert pushed.stdout.splitlines()[1].split()[0::2] == [article_id, "draft"]

    # When it is published, and its pages are rendered
    newsdesk.ok("publish", article_id)
    render = wait_for_render(stack, editor_token, article_id, "live")
    shown = newsdesk.ok("show", article_id).stdout.splitlines()

    # Then show says it is live since the receipt's time, with its public URL, which answers 200
    url = stack.site_url + render["url"]
    assert f"url: {url}" in [" ".join(line.split()) for line in shown], shown
    assert any(line.startswith("live since: ") for line in shown), shown
    assert requests.get(url, timeout=TIMEOUT).status_code == 200


def wait_for_render(stack: RunningStack, token: str, article_id: str, state: str) -> dict[str, Any]:
    deadline = time.monotonic() + 10
    while True:
        article = requests.get(
            f"{stack.api_url}/articles/{article_id}", headers=bearer(token), timeout=TIMEOUT
        ).json()
        if article["render"]["state"] == state or time.monotonic() > deadline:
            assert article["render"]["state"] == state, article["render"]
            return dict(article)
        time.sleep(0.1)


def test_importing_a_directory_twice_changes_nothing_the_second_time(
    newsdesk: Newsdesk, tmp_path: Path
) -> None:
    # Given a directory of three stories
    batch = uuid.uuid4().hex[:8]
    for n in range(3):
        (tmp_path / f"wire-{batch}-{n}.md").write_text(story(unique(f"Wire story {n}")), encoding="utf-8")

    # When it is imported twice
    first = newsdesk.ok("import", str(tmp_path))
    second = newsdesk.ok("import", str(tmp_path))

    # Then the first run created them (under their file names' slugs) and the second changed nothing
    assert first.stdout.splitlines() == ["3 files: 3 created, 0 updated, 0 unchanged, 0 failed"]
    assert second.stdout.splitlines() == ["3 files: 0 created, 0 updated, 3 unchanged, 0 failed"]
    listed = newsdesk.json("list", "--all", "--status", "draft")
    assert {f"wire-{batch}-{n}" for n in range(3)} <= {a["slug"] for a in listed}


def test_a_schedule_is_set_and_cancelled(newsdesk: Newsdesk, tmp_path: Path) -> None:
    # Given a draft
    path = tmp_path / "later.md"
    path.write_text(story(unique("Council vote tonight")), encoding="utf-8")
    article_id = newsdesk.json("push", str(path))["id"]
    publish_at = (system_now() + dt.timedelta(hours=2)).replace(microsecond=0)

    # When it is scheduled, then the schedule is cancelled
    scheduled = newsdesk.json("schedule", article_id, "--at", publish_at.isoformat())
    cancelled = newsdesk.json("schedule", article_id, "--cancel")

    # Then it was scheduled for that moment, and is a draft again
    assert scheduled["status"] == "scheduled"
    assert dt.datetime.fromisoformat(scheduled["publish_at"]) == publish_at
    assert (cancelled["status"], cancelled["publish_at"]) == ("draft", None)


def test_a_correction_is_issued_and_an_old_revision_restored(newsdesk: Newsdesk, tmp_path: Path) -> None:
    # Given a published article whose headline was then changed by a second push
    path = tmp_path / "bridge.md"
    headline = unique("Bridge reopens")
    path.write_text(story(headline), encoding="utf-8")
    newsdesk.ok("push", str(path))
    article_id = front_matter_id(path)
    newsdesk.ok("publish", article_id)
    path.write_text(path.read_text(encoding="utf-8").replace(headline, "A wrong headline"), encoding="utf-8")
    assert newsdesk.json("push", str(path))["headline"] == "A wrong headline"

    # When a correction is issued
    text = unique("An earlier version gave the wrong reopening date.")
    corrected = newsdesk("correct", article_id, "--type", "correction", text)

    # Then it is shown with the article
    assert corrected.returncode == 0, corrected.stderr
    assert f": {text}" in corrected.stdout

    # When the revisions are listed and the first one restored
    listed = newsdesk.ok("revisions", article_id).stdout.splitlines()
    diff = newsdesk.ok("revisions", article_id, "--show", "1", "--diff").stdout
    restored = newsdesk.json("restore", article_id, "1")

    # Then each version was listed (the current one marked), the diff named the headline, and the restore
    # is a new version with the first headline
    assert [line.split()[0] for line in listed[1:-1]] == ["4", "3", "2", "1"]
    assert listed[1].split()[1] == "*"
    assert f"-{headline}" in diff
    assert (restored["version"], restored["headline"]) == (5, headline)


def test_an_explicit_taken_slug_is_refused_and_the_next_push_works(
    newsdesk: Newsdesk, tmp_path: Path
) -> None:
    # Given an article, and a second file pushed as its own draft
    first = tmp_path / "first.md"
    first.write_text(story(unique("Harbour dredging starts")), encoding="utf-8")
    taken = newsdesk.json("push", str(first))["slug"]
    second = tmp_path / "second.md"
    second.write_text(story(unique("Harbour dredging delayed")), encoding="utf-8")
    newsdesk.ok("push", str(second))
    draft_text = second.read_text(encoding="utf-8")

    # When the second file is given the first one's slug and pushed
    second.write_text(draft_text.replace("tags:", f"slug: {taken}\ntags:"), encoding="utf-8")
    refused = newsdesk("push", str(second))

    # Then it is refused (409) saying the slug is taken, and with a free slug the push works
    assert refused.returncode == 1, refused.stdout
    assert refused.stderr.startswith("error: ") and "already used" in refused.stderr, refused.stderr
    free = f"{taken}-{uuid.uuid4().hex[:6]}"
    second.write_text(draft_text.replace("tags:", f"slug: {free}\ntags:"), encoding="utf-8")
    assert newsdesk.json("push", str(second))["slug"] == free


def test_login_caches_a_token_the_other_commands_use(stack: RunningStack, tmp_path: Path) -> None:
    # Given no token but the one `newsdesk login` caches (the local editor, on the local stack)
    env = {**stack.env, "XDG_CACHE_HOME": str(tmp_path)}
    env.pop("NEWSDESK_TOKEN", None)

    def newsdesk(*argv: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "newsdesk_local.cli", *argv],
            env=env,
            cwd=ROOT,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )

    # When the editor logs in, then lists drafts; and someone logs in with a wrong password
    login = newsdesk("login")
    listed = newsdesk("list", "--json", "--limit", "1")
    refused = newsdesk(
        "login", "--email", "editor@newsdesk.local", "--password-stdin", stdin="Wrong-2024-pass\n"
    )

    # Then the token was cached for the user alone and used; the wrong password was refused
    assert login.returncode == 0, login.stderr
    [cached] = (tmp_path / "newsdesk").glob("local-*.json")
    assert cached.stat().st_mode & 0o777 == 0o600
    assert listed.returncode == 0, listed.stderr
    assert "items" in json.loads(listed.stdout)
    assert refused.returncode == 1
    assert refused.stderr.startswith("error: sign-in refused ("), refused.stderr
    assert "newsdesk login" not in refused.stderr


def test_a_writer_submits_and_shares_a_preview_and_an_editor_publishes(
    stack: RunningStack, editor_token: str, tmp_path: Path
) -> None:
    # Given a writer's draft pushed from a Markdown file
    writer = Newsdesk(stack, stack.token("--group", "writers"), tmp_path / "writer-cache")
    editor = Newsdesk(stack, editor_token, tmp_path / "editor-cache")
    path = tmp_path / "bridge.md"
    headline = unique("Bridge reopens")
    path.write_text(story(headline), encoding="utf-8")
    writer.ok("push", str(path))
    article_id = front_matter_id(path)

    # When the writer submits it, shares a preview of it, then tries to publish it
    submitted = writer.json("submit", article_id)
    link = writer.json("preview", article_id)
    refused = writer("publish", article_id)

    # Then the link shows the draft to anyone, not to be indexed or cached
    page = requests.get(link["url"], timeout=TIMEOUT)
    assert page.status_code == 200
    assert headline in page.text
    assert page.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in page.headers["Cache-Control"]
    # and the draft is in review, and the writer's publish is refused, saying who may
    assert submitted["status"] == "review"
    assert refused.returncode == 1
    assert "editors" in refused.stderr
    # and after the refusal an editor publishes it, which revokes the link to the submitted version
    editor.ok("publish", article_id)
    render = wait_for_render(stack, editor_token, article_id, "live")
    assert requests.get(stack.site_url + render["url"], timeout=TIMEOUT).status_code == 200
    assert requests.get(link["url"], timeout=TIMEOUT).status_code == 410
