"""S3's "Object Created" events, as EventBridge delivers them to a function, played against the emulator.

The template's EventBridge rules (AWS::Events::Rule, as the SAM transform writes a function's
EventBridgeRule event) whose pattern asks for `aws.s3` "Object Created" events of a bucket are played by
a poller of that bucket: each object that appears under the pattern's key prefix (newly written, or
written again with other bytes) becomes one event, in EventBridge's shape, matched against the whole
pattern and delivered to the rule's target function. A delivery that fails is retried as Lambda retries
an asynchronous invocation (the function's AWS::Lambda::EventInvokeConfig MaximumRetryAttempts, default
2), then the event goes to its OnFailure queue, if it has one.

Objects already in the bucket when the poller starts are taken as delivered (a restored stack restored
their results with them), as a stream is read from LATEST after a restore. Retries are made at once,
not after Lambda's minutes of back-off.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from newsdesk.clock import utc_now
from newsdesk_local.filters import RecordFilter, compile_filters
from newsdesk_local.intrinsics import Resolver
from newsdesk_local.rehearsal import references
from newsdesk_local.runtime import Invocation
from newsdesk_local.template import Deployed

logger = logging.getLogger(__name__)

RULE_TYPE = "AWS::Events::Rule"
INVOKE_CONFIG_TYPE = "AWS::Lambda::EventInvokeConfig"
DEFAULT_ASYNC_RETRIES = 2  # Lambda's, for an asynchronous invocation without an EventInvokeConfig

Invoke = Callable[[str, dict[str, Any]], Invocation]
SendFailure = Callable[[str, dict[str, Any]], None]


@dataclass(frozen=True)
class ObjectRule:
    name: str  # the rule's logical id
    function: str  # the target function's logical id
    bucket: str  # physical name
    prefix: str  # the literal key prefix of the pattern ("" for every key)
    matches: RecordFilter = field(repr=False)
    retries: int = DEFAULT_ASYNC_RETRIES
    on_failure_arn: str | None = None


def object_rules(deployed: Deployed) -> list[ObjectRule]:
    """The deployment's rules for S3 Object Created events of one of its buckets, with a function target."""
    resolve = Resolver(deployed).resolve
    configs = {
        next(name for name, _ in references(c["Properties"]["FunctionName"])): resolve(c["Properties"])
        for c in deployed.of_type(INVOKE_CONFIG_TYPE).values()
    }
    rules = []
    for logical_id, resource in deployed.of_type(RULE_TYPE).items():
        raw = resource.get("Properties") or {}
        pattern = resolve(raw.get("EventPattern") or {})
        if "aws.s3" not in (pattern.get("source") or []) or "Object Created" not in (
            pattern.get("detail-type") or []
        ):
            continue
        buckets = ((pattern.get("detail") or {}).get("bucket") or {}).get("name") or []
        prefixes = [
            m["prefix"]
            for m in ((pattern.get("detail") or {}).get("object") or {}).get("key") or []
            if isinstance(m, dict) and "prefix" in m
        ]
        matcher = compile_filters({"Filters": [{"Pattern": json.dumps(pattern)}]})
        for target in raw.get("Targets") or []:
            function = next((name for name, _ in references(target["Arn"])), None)
            if function is None or function not in deployed.of_type("AWS::Lambda::Function"):
                continue
            config = configs.get(function) or {}
            on_failure = ((config.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
            for bucket in buckets:
                rules.append(
                    ObjectRule(
                        name=logical_id,
                        function=function,
                        bucket=str(bucket),
                        prefix=prefixes[0] if len(prefixes) == 1 else "",
                        matches=matcher,
                        retries=int(config.get("MaximumRetryAttempts", DEFAULT_ASYNC_RETRIES)),
                        on_failure_arn=str(on_failure) if on_failure else None,
                    )
                )
    return rules


def object_created_event(
    bucket: str, obj: dict[str, Any], *, region: str, account: str, now: dt.datetime
) -> dict[str, Any]:
    """The EventBridge event S3 sends for an object it stored (ListObjectsV2's entry of it)."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Object Created",
        "source": "aws.s3",
        "account": account,
        "time": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [f"arn:aws:s3:::{bucket}"],
        "detail": {
            "version": "0",
            "bucket": {"name": bucket},
            "object": {
                "key": obj["Key"],
                "size": int(obj.get("Size", 0)),
                "etag": str(obj.get("ETag", "")).strip('"'),
                "sequencer": uuid.uuid4().hex[:18].upper(),
            },
            "request-id": uuid.uuid4().hex[:16].upper(),
            "requester": account,
            "reason": "PutObject",
        },
    }


class ObjectEventPoller:
    """Delivers a rule's Object Created events for the objects that appear in its bucket."""

    def __init__(
        self,
        rule: ObjectRule,
        *,
        s3: Any,
        invoke: Invoke,
        region: str,
        account: str,
        send_failure: SendFailure | None = None,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self.rule = rule
        self.s3 = s3
        self.invoke = invoke
        self.region = region
        self.account = account
        self.send_failure = send_failure
        self.clock = clock
        self._seen: dict[str, str] | None = None  # key -> ETag delivered

    def _objects(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        listing = self.s3.get_paginator("list_objects_v2")
        for page in listing.paginate(Bucket=self.rule.bucket, Prefix=self.rule.prefix):
            found += page.get("Contents") or []
        return found

    def start(self) -> None:
        """Take the objects there now as delivered."""
        self._seen = {o["Key"]: str(o.get("ETag")) for o in self._objects()}

    def poll_once(self) -> int:
        if self._seen is None:
            self.start()
            return 0
        delivered = 0
        for obj in self._objects():
            etag = str(obj.get("ETag"))
            if self._seen.get(obj["Key"]) == etag:
                continue
            self._seen[obj["Key"]] = etag
            event = object_created_event(
                self.rule.bucket, obj, region=self.region, account=self.account, now=self.clock()
            )
            if not self.rule.matches(event):
                continue
            self._deliver(event)
            delivered += 1
        return delivered

    def _deliver(self, event: dict[str, Any]) -> None:
        key = event["detail"]["object"]["key"]
        for attempt in range(1, self.rule.retries + 2):
            invocation = self.invoke(self.rule.function, event)
            if not invocation.failed:
                logger.info("%s: %s → %s", self.rule.name, key, self.rule.function)
                return
            logger.warning(
                "%s: %s failed on %s (attempt %d): %s: %s",
                self.rule.name,
                self.rule.function,
                key,
                attempt,
                invocation.error_type,
                invocation.error_message,
            )
        if self.send_failure is not None and self.rule.on_failure_arn:
            self.send_failure(self.rule.on_failure_arn, event)
        logger.error("%s: gave up on %s after %d attempts", self.rule.name, key, self.rule.retries + 1)
