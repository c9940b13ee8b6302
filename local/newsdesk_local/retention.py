"""`newsdesk retention`: remove the personal data of refused comments now, locally or on a deployed stack.

On AWS a daily schedule runs CommentRetentionFunction; the local stack runs no schedules, so this command
runs the same removal against the local table, or invokes the deployed function.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from newsdesk.adapters.dynamodb.comments import CommentStore
from newsdesk.comments.retention import RetentionReport, remove_due_personal_data


def run_local(dynamodb: Any, *, stack_name: str, now: dt.datetime) -> RetentionReport:
    """The removal, in this process, on the local stack's table, as of `now`."""
    return remove_due_personal_data(CommentStore(f"{stack_name}-ArticlesTable", dynamodb), now=now)


def run_deployed(clients: dict[str, Any], *, stack_name: str) -> RetentionReport:
    """Invoke the deployed stack's retention function (named in the stack's outputs)."""
    stack = clients["cloudformation"].describe_stacks(StackName=stack_name)["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    response = clients["lambda"].invoke(
        FunctionName=outputs["CommentRetentionFunctionName"], InvocationType="RequestResponse", Payload=b"{}"
    )
    payload = json.loads(response["Payload"].read())
    if response.get("FunctionError"):
        raise RuntimeError(f"the retention function failed: {payload}")
    return RetentionReport(due=payload["due"], removed=payload["removed"], skipped=payload["skipped"])
