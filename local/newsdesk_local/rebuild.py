"""`newsdesk rebuild`: re-render the whole site, locally or on a deployed stack, with a progress bar."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from newsdesk.adapters.dynamodb.rebuilds import RebuildTracker
from newsdesk.site.models import RebuildStatus
from newsdesk.wiring.site import start_rebuild


@dataclass(frozen=True)
class Target:
    table_name: str
    tracker: RebuildTracker


def progress_bar(status: RebuildStatus, width: int = 40) -> str:
    share = status.done / status.total if status.total else 1.0
    filled = round(share * width)
    return f"[{'#' * filled}{'.' * (width - filled)}] {status.done}/{status.total} chunks {share:4.0%}"


def start_local(clients: dict[str, Any], *, stack_name: str, tz: ZoneInfo) -> tuple[RebuildStatus, Target]:
    """Plan and enqueue a rebuild in the running local stack; its queue poller runs the worker."""
    table = f"{stack_name}-ArticlesTable"
    queue_url = clients["sqs"].get_queue_url(QueueName=f"{stack_name}-RebuildQueue")["QueueUrl"]
    status = start_rebuild(clients["dynamodb"], clients["sqs"], table_name=table, queue_url=queue_url, tz=tz)
    return status, Target(table, RebuildTracker(table, clients["dynamodb"]))


def start_deployed(clients: dict[str, Any], *, stack_name: str) -> tuple[RebuildStatus, Target]:
    """Invoke the deployed stack's rebuild function (named in the stack's outputs)."""
    stack = clients["cloudformation"].describe_stacks(StackName=stack_name)["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    response = clients["lambda"].invoke(
        FunctionName=outputs["RebuildStartFunctionName"], InvocationType="RequestResponse", Payload=b"{}"
    )
    payload = json.loads(response["Payload"].read())
    if response.get("FunctionError"):
        raise RuntimeError(f"the rebuild function failed: {payload}")
    table = outputs["TableName"]
    tracker = RebuildTracker(table, clients["dynamodb"])
    status = tracker.status(payload["rebuild_id"])
    if status is None:
        raise RuntimeError(f"rebuild {payload['rebuild_id']} was not recorded")
    return status, Target(table, tracker)


def follow(
    status: RebuildStatus, target: Target, *, timeout: float, interval: float = 0.5, out: TextIO = sys.stderr
) -> RebuildStatus:
    """Poll the rebuild until every chunk is done (or the timeout passes), drawing a progress bar."""
    deadline = time.monotonic() + timeout
    started = time.monotonic()
    while True:
        out.write("\r" + progress_bar(status))
        out.flush()
        if status.complete or time.monotonic() > deadline:
            break
        time.sleep(interval)
        status = target.tracker.status(status.rebuild_id) or status
    elapsed = time.monotonic() - started
    out.write(f"  {elapsed:.1f}s\n")
    return status
