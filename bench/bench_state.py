"""The local stack's saved state: how long a save takes and how big it is, and how long a restart takes,
with the sample articles and 100 more published.

Starts `newsdesk dev` (samples on) with a state directory of its own, publishes ARTICLES articles through
the API and waits until the site bucket stops changing, then stops it (SIGTERM). The stop's save is the
figure: the stack logs its time and size, and by then the periodic saves have fetched every object, so it
is what a save costs while the stack runs (read the tables, list the bucket, fetch the changed objects,
write atomically). The stack is started again from the same directory: the restore time is the one the
stack logs, the restart time is from starting the process to the stack answering; and no page may be
rendered again on the restart (the bucket is restored with the tables).
"""

from __future__ import annotations

import re
import shutil
import time
import uuid
from typing import Any

import boto3
import requests

from bench import CACHE_DIR, Result
from bench.local_stack import Stack, running_stack
from newsdesk_local.template import Deployed

ARTICLES = 100
SETTLED = 3.0  # seconds without a change to the site bucket
TIMEOUT = 60  # seconds a request may take on a busy machine


def _clients(stack: Stack) -> dict[str, Any]:
    endpoint = f"http://127.0.0.1:{stack.env['NEWSDESK_AWS_PORT']}"
    session = boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    names = ("dynamodb", "s3", "scheduler", "sqs")
    return {n: session.client(n, endpoint_url=endpoint) for n in names}  # type: ignore[call-overload]


def _deployed(clients: dict[str, Any]) -> Deployed:
    """The stack's table, bucket and schedule group by (stand-in) logical ids, found in the emulator."""
    names = {}
    for i, table in enumerate(clients["dynamodb"].list_tables()["TableNames"]):
        names[f"Table{i}"] = table
    for i, bucket in enumerate(clients["s3"].list_buckets()["Buckets"]):
        names[f"Bucket{i}"] = bucket["Name"]
    for i, group in enumerate(clients["scheduler"].list_schedule_groups()["ScheduleGroups"]):
        names[f"Group{i}"] = group["Name"]
    kinds = {
        "Table": "AWS::DynamoDB::Table",
        "Bucket": "AWS::S3::Bucket",
        "Group": "AWS::Scheduler::ScheduleGroup",
    }
    resources = {n: {"Type": kinds[n.rstrip("0123456789")]} for n in names}
    return Deployed(names=names, resources=resources)


def _publish(stack: Stack, count: int) -> None:
    with requests.Session() as http:
        http.headers["Authorization"] = f"Bearer {stack.token()}"
        for n in range(count):
            draft = {
                "headline": f"Council minutes, item {n} ({uuid.uuid4().hex[:6]})",
                "summary": "What the council decided on the item.",
                "body": "The council met on Tuesday.\n\n" + "It decided, after a long debate. " * 40,
                "tags": ["council", f"item-{n % 10}"],
            }
            created = http.post(f"{stack.api_url}/articles", json=draft, timeout=TIMEOUT)
            created.raise_for_status()
            http.post(
                f"{stack.api_url}/articles/{created.json()['id']}/publish",
                headers={"If-Match": created.headers["ETag"]},
                timeout=TIMEOUT,
            ).raise_for_status()


def _wait_until_settled(s3: Any, bucket: str, timeout: float = 300.0) -> int:
    """The number of objects once the bucket has not changed for SETTLED seconds."""
    deadline = time.monotonic() + timeout
    last: list[tuple[str, str]] = []
    since = time.monotonic()
    while time.monotonic() < deadline:
        pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        now = sorted((o["Key"], o["ETag"]) for page in pages for o in page.get("Contents", []))
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= SETTLED:
            return len(now)
        time.sleep(0.5)
    raise RuntimeError("the site kept changing")


def _logged(output: str, pattern: str) -> re.Match[str]:
    found = re.search(pattern, output)
    if found is None:
        raise RuntimeError(f"the stack did not log {pattern!r}:\n{output[-4000:]}")
    return found


def run() -> list[Result]:
    directory = CACHE_DIR / "state"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    state_dir = directory / "state"
    first_log, second_log = directory / "first.log", directory / "second.log"
    with running_stack(log=first_log, NEWSDESK_STATE_DIR=str(state_dir)) as stack:
        _publish(stack, ARTICLES)
        clients = _clients(stack)
        deployed = _deployed(clients)
        objects = _wait_until_settled(clients["s3"], deployed.names["Bucket0"])
    # The stop's save (forced) is a warm one: the periodic saves have fetched every object already.
    saved = _logged(
        first_log.read_text(encoding="utf-8", errors="replace"),
        r"State saved to \S+: (.*) \(([\d.]+) s, (\d+) KiB\)",
    )
    started = time.perf_counter()
    with running_stack(log=second_log, NEWSDESK_STATE_DIR=str(state_dir)):
        restart = time.perf_counter() - started
    output = second_log.read_text(encoding="utf-8", errors="replace")
    restored = _logged(output, r"Restored the state .*\(([\d.]+) s\)")
    rendered = output.count('"message":"article rendered"')
    what = f"samples + {ARTICLES} articles: {saved.group(1)}"
    return [
        Result("state size", float(saved.group(3)), "KiB", comment=what, details={"objects": objects}),
        Result(
            "save (on stop, after the periodic ones)",
            float(saved.group(2)) * 1000,
            "ms",
            target=2000,
            comment="read tables, list and fetch changed objects, atomic write",
        ),
        Result(
            "restore", float(restored.group(1)), "s", comment="as the stack logs it, over the emulator's API"
        ),
        Result("restart to healthy", restart, "s", comment="process start to /api/health and banner"),
        Result("pages re-rendered on restart", rendered, "pages", target=0, comment="restored, not rendered"),
    ]
