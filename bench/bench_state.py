"""The local stack's saved state: how long a save takes and how big it is, and how long a restart takes,
with the sample articles and 100 more published.

Starts `newsdesk dev` (samples on) with a state directory of its own, publishes ARTICLES articles through
the API and waits until the site bucket stops changing. Then, in this process, over the emulator's API
(as the stack's saver does): a cold capture (every object fetched), a warm one (objects fetched only if
their ETag changed: what the saver does every few seconds when something changed) and the atomic write.
The stack is stopped (SIGTERM) and started again from the same directory: the restore time is the one the
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
from newsdesk_local.persistence import StackState
from newsdesk_local.snapshot import StateFile
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


def run() -> list[Result]:
    directory = CACHE_DIR / "state"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    state_dir = directory / "state"
    with running_stack(log=directory / "first.log", NEWSDESK_STATE_DIR=str(state_dir)) as stack:
        _publish(stack, ARTICLES)
        clients = _clients(stack)
        deployed = _deployed(clients)
        objects = _wait_until_settled(clients["s3"], deployed.names["Bucket0"])
        state = StackState(deployed, clients["dynamodb"], clients["s3"], clients["scheduler"], clients["sqs"])
        started = time.perf_counter()
        snapshot = state.capture()
        cold = time.perf_counter() - started
        started = time.perf_counter()
        snapshot = state.capture()
        warm = time.perf_counter() - started
        file = StateFile(directory / "measured")
        started = time.perf_counter()
        size = file.write(snapshot)
        write = time.perf_counter() - started
    started = time.perf_counter()
    second_log = directory / "second.log"
    with running_stack(log=second_log, NEWSDESK_STATE_DIR=str(state_dir)):
        restart = time.perf_counter() - started
    output = second_log.read_text(encoding="utf-8", errors="replace")
    restored = re.search(r"Restored the state .*\(([\d.]+) s\)", output)
    rendered = output.count('"message":"article rendered"')
    what = f"samples + {ARTICLES} articles: {snapshot.describe()}"
    return [
        Result("state size", size / 1024, "KiB", comment=what, details={"objects": objects}),
        Result("save (warm: changed objects only)", (warm + write) * 1000, "ms", target=2000, comment=what),
        Result("save (cold: every object fetched)", (cold + write) * 1000, "ms", comment="first save"),
        Result("write (atomic)", write * 1000, "ms", comment="json + temp file + fsync + os.replace"),
        Result(
            "restore",
            float(restored.group(1)) if restored else float("nan"),
            "s",
            comment="as the stack logs it, over the emulator's API",
        ),
        Result("restart to healthy", restart, "s", comment="process start to /api/health and banner"),
        Result("pages re-rendered on restart", rendered, "pages", target=0, comment="restored, not rendered"),
    ]
