"""The local stack's state file: a round trip keeps every kind of value, a file the stack cannot use is
refused (the stack then moves it aside), and a write is all or nothing, even when the writer is killed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from newsdesk_local.snapshot import (
    FILE_NAME,
    Snapshot,
    StateFile,
    UnreadableState,
    decode_body,
    encode_body,
    write_atomically,
)

STACK = "newsdesk-local"
REGION = "us-east-1"


def snapshot() -> Snapshot:
    return Snapshot(
        stack_name=STACK,
        region=REGION,
        saved_at="2030-01-02T03:04:05+00:00",
        tables={
            "ArticlesTable": [
                {
                    "pk": {"S": "ARTICLE#1"},
                    "sk": {"S": "v0"},
                    "version": {"N": "3"},
                    "thumbnail": {"B": b"\x89PNG\x00\xff"},
                    "hashes": {"BS": [b"\x00", b"\x01\x02"]},
                    "meta": {
                        "M": {"tags": {"L": [{"S": "energy"}, {"B": b"\xfe"}]}, "draft": {"BOOL": False}}
                    },
                    "nothing": {"NULL": True},
                    "numbers": {"NS": ["1", "2.5"]},
                }
            ]
        },
        buckets={
            "SiteBucket": [
                {
                    "key": "index.html",
                    "content_type": "text/html; charset=utf-8",
                    "cache_control": "public, max-age=60",
                    "metadata": {"article-id": "1"},
                    "body": encode_body("<h1>Kesarpur — «news»</h1>".encode()),
                },
                {
                    "key": "media/logo.png",
                    "content_type": "image/png",
                    "body": encode_body(b"\x89PNG\xff\x00"),
                },
            ]
        },
        schedules={
            "ArticleScheduleGroup": [
                {
                    "Name": "publish-1",
                    "ScheduleExpression": "at(2030-01-02T03:05:00)",
                    "ScheduleExpressionTimezone": "UTC",
                    "FlexibleTimeWindow": {"Mode": "OFF"},
                    "ActionAfterCompletion": "DELETE",
                    "Target": {
                        "Arn": "arn:aws:lambda:...",
                        "RoleArn": "arn:aws:iam:...",
                        "Input": '{"id": "1"}',
                    },
                }
            ]
        },
        queues={"CommentDeadLetterQueue": [{"body": '{"comment": "held"}'}], "CommentQueue": []},
        keys={"CommentDataKey": {"id": "0d1c2b3a-4e5f-6a7b-8c9d-0123456789ab", "material": "AAECAw=="}},
    )


def test_a_snapshot_comes_back_from_its_file_as_it_was_saved(tmp_path: Path) -> None:
    # Given a state with binary values (top-level and nested), text and binary objects, a schedule, messages
    saved = snapshot()
    file = StateFile(tmp_path / "state")

    # When it is written (the directory is made) and read back
    size = file.write(saved)
    read = file.read(stack_name=STACK, region=REGION)

    # Then it is the same state, its text objects are readable in the file, and the size is the file's
    assert read == saved
    assert read.describe() == "1 items, 2 objects, 1 schedules, 1 queued messages"
    assert decode_body(read.buckets["SiteBucket"][1]["body"]) == b"\x89PNG\xff\x00"
    text = file.path.read_text(encoding="utf-8")
    assert "<h1>Kesarpur — «news»</h1>" in text
    assert size == file.path.stat().st_size
    assert [p.name for p in file.directory.iterdir()] == [FILE_NAME]


def test_no_file_is_no_state(tmp_path: Path) -> None:
    # Given a state directory that was never written
    file = StateFile(tmp_path / "never")

    # When it is read
    # Then there is nothing to restore, and nothing was created
    assert file.read(stack_name=STACK, region=REGION) is None
    assert not file.directory.exists()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (
            b'{"format": "newsdesk-local-state", "version": 1, "stack": {"name": "newsdesk-lo',
            "not valid JSON",
        ),
        (b"\xff\xfe\x00garbage", "not valid JSON"),
        (b'{"tables": {}}', "not a Newsdesk local state file"),
        (b"[1, 2, 3]", "not a Newsdesk local state file"),
        (
            b'{"format": "newsdesk-local-state", "version": 99}',
            "format version 99; this stack reads version 1",
        ),
        (b'{"format": "newsdesk-local-state", "version": 1, "stack": {}}', "incomplete or malformed"),
        (
            b'{"format": "newsdesk-local-state", "version": 1, "stack": {"name": "newsdesk-local", '
            b'"region": "us-east-1"}, "tables": {"T": [{"data": {"B": "not base64!"}}]}, "buckets": {}, '
            b'"schedules": {}, "queues": {}}',
            "incomplete or malformed",
        ),
        (
            json.dumps({**snapshot().to_document(), "stack": {"name": "other", "region": REGION}}).encode(),
            "the state of stack other in us-east-1, not of newsdesk-local in us-east-1",
        ),
    ],
    ids=[
        "truncated",
        "binary",
        "no-format",
        "not-an-object",
        "newer-version",
        "no-stack",
        "bad-b64",
        "other",
    ],
)
def test_a_file_the_stack_cannot_use_is_refused_with_the_reason_and_can_be_moved_aside(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    # Given a state file this stack cannot use
    file = StateFile(tmp_path)
    file.path.write_bytes(content)

    # When it is read
    with pytest.raises(UnreadableState) as refused:
        file.read(stack_name=STACK, region=REGION)

    # Then the reason says what is wrong with it
    assert reason in str(refused.value)

    # When it is moved aside (as the stack does), twice with the same suffix
    first = file.move_aside("unreadable-20300102T030405Z")
    file.path.write_bytes(content)
    second = file.move_aside("unreadable-20300102T030405Z")

    # Then both are kept, unchanged, and the state is empty: a new state can be written and read
    assert first.name == f"{FILE_NAME}.unreadable-20300102T030405Z"
    assert second.name == f"{FILE_NAME}.unreadable-20300102T030405Z-2"
    assert first.read_bytes() == second.read_bytes() == content
    assert file.read(stack_name=STACK, region=REGION) is None
    file.write(snapshot())
    assert file.read(stack_name=STACK, region=REGION) == snapshot()


def test_a_write_that_fails_leaves_the_previous_state_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a saved state
    file = StateFile(tmp_path)
    file.write(snapshot())
    before = file.path.read_bytes()

    # When the next write fails before the file is replaced (the disk is full, say)
    def full(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    changed = snapshot()
    changed.tables["ArticlesTable"] = []
    with pytest.raises(OSError, match="No space left"):
        file.write(changed)
    monkeypatch.undo()

    # Then the previous state is there, whole, and nothing else is
    assert file.path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [FILE_NAME]

    # When the disk has room again
    file.write(changed)

    # Then the new state is saved
    assert file.read(stack_name=STACK, region=REGION) == changed


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from newsdesk_local.snapshot import write_atomically

    path, ready = Path(sys.argv[1]), Path(sys.argv[2])
    n = 0
    while True:
        n += 1
        write_atomically(path, (f'{{"n": {n}, "padding": "' + "x" * 2_000_000 + '"}').encode())
        ready.touch()
    """
)


def test_a_writer_killed_at_any_moment_leaves_a_whole_state(tmp_path: Path) -> None:
    # Given a process writing a 2 MB state over and over, as fast as it can
    path, ready = tmp_path / FILE_NAME, tmp_path / "ready"
    for attempt in range(5):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(ready)])
        try:
            while not ready.exists():
                assert writer.poll() is None, "the writer died"
                time.sleep(0.01)
            time.sleep(0.05 * attempt)  # a different moment of its work each time

            # When it is killed (kill -9: no handler runs)
            writer.send_signal(signal.SIGKILL)
        finally:
            writer.wait(timeout=30)

        # Then the file holds one whole write
        state = json.loads(path.read_bytes())
        assert state["n"] >= 1
        assert len(state["padding"]) == 2_000_000


def test_write_atomically_makes_its_directory(tmp_path: Path) -> None:
    # Given a directory that does not exist yet
    path = tmp_path / "a" / "b" / FILE_NAME

    # When a state is written there
    write_atomically(path, b"{}")

    # Then it is there
    assert path.read_bytes() == b"{}"
