"""S3 Object Created events played against the emulator (newsdesk_local.object_events): the template's
rule for uploads, one delivery per object written, Lambda's asynchronous retries, then the on-failure
queue."""

from __future__ import annotations

import datetime as dt
from typing import Any

import boto3
import pytest

from newsdesk_local.deploy import deploy
from newsdesk_local.filters import compile_filters
from newsdesk_local.object_events import ObjectEventPoller, ObjectRule, object_rules
from newsdesk_local.rehearsal import sam_transform
from newsdesk_local.runtime import Invocation
from newsdesk_local.template import load_template
from tests.conftest import REGION

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def s3(aws: None) -> Any:
    client = boto3.client("s3", region_name=REGION)
    client.create_bucket(Bucket="site", CreateBucketConfiguration={"LocationConstraint": "ap-south-1"})
    return client


def uploads_rule(retries: int = 2, on_failure: str | None = None) -> ObjectRule:
    pattern = {
        "source": ["aws.s3"],
        "detail-type": ["Object Created"],
        "detail": {"bucket": {"name": ["site"]}, "object": {"key": [{"prefix": "uploads/"}]}},
    }
    return ObjectRule(
        name="MediaFunctionUploads",
        function="MediaFunction",
        bucket="site",
        prefix="uploads/",
        matches=compile_filters({"Filters": [{"Pattern": pattern}]}),
        retries=retries,
        on_failure_arn=on_failure,
    )


class Recorder:
    def __init__(self, fail: int = 0) -> None:
        self.events: list[dict[str, Any]] = []
        self.fail = fail

    def __call__(self, function: str, event: dict[str, Any]) -> Invocation:
        self.events.append(event)
        if len(self.events) <= self.fail:
            return Invocation(error_type="RuntimeError", error_message="S3 was away")
        return Invocation(payload={"ready": []})


def test_the_template_declares_one_rule_for_uploads_of_the_site_bucket(aws: None) -> None:
    # Given the template deployed into moto
    transformed = sam_transform(load_template(), {"OriginSecret": "x" * 40})
    deployed = deploy(transformed, boto3.Session(region_name=REGION), stack_name="unit")

    # When its Object Created rules are read
    rules = object_rules(deployed)

    # Then there is the uploads rule: the site bucket, uploads/, the renditions function, its async config
    assert [(r.function, r.bucket, r.prefix) for r in rules] == [
        ("MediaFunction", deployed.ref("SiteBucket"), "uploads/")
    ]
    assert rules[0].retries == 2
    assert rules[0].on_failure_arn == deployed.get_att("MediaDeadLetterQueue", "Arn")


def test_each_object_written_under_the_prefix_is_delivered_once_in_eventbridges_shape(s3: Any) -> None:
    # Given a poller started on a bucket that already holds an upload and a page
    s3.put_object(Bucket="site", Key="uploads/OLD", Body=b"old")
    invoke = Recorder()
    poller = ObjectEventPoller(
        uploads_rule(), s3=s3, invoke=invoke, region=REGION, account="1", clock=lambda: NOW
    )
    poller.start()

    # When an upload and a page are written, and it polls twice
    s3.put_object(Bucket="site", Key="uploads/NEW", Body=b"new")
    s3.put_object(Bucket="site", Key="index.html", Body=b"<p>")
    delivered = poller.poll_once() + poller.poll_once()

    # Then only the new upload is delivered, once, as S3's Object Created event
    assert delivered == 1
    (event,) = invoke.events
    assert (event["source"], event["detail-type"]) == ("aws.s3", "Object Created")
    assert event["detail"]["bucket"]["name"] == "site"
    assert (event["detail"]["object"]["key"], event["detail"]["object"]["size"]) == ("uploads/NEW", 3)
    assert event["time"] == "2026-12-01T12:00:00Z"


def test_a_failed_delivery_is_retried_then_sent_to_the_on_failure_queue(s3: Any) -> None:
    # Given a function that fails every time, with two retries and an on-failure queue
    invoke = Recorder(fail=10)
    failures: list[tuple[str, dict[str, Any]]] = []
    rule = uploads_rule(retries=2, on_failure="arn:aws:sqs:ap-south-1:1:dlq")
    poller = ObjectEventPoller(
        rule,
        s3=s3,
        invoke=invoke,
        region=REGION,
        account="1",
        send_failure=lambda arn, event: failures.append((arn, event)),
    )
    poller.start()

    # When an upload is written and polled
    s3.put_object(Bucket="site", Key="uploads/X", Body=b"x")
    poller.poll_once()

    # Then it was tried three times in all, and the event went to the queue
    assert len(invoke.events) == 3
    assert [(arn, e["detail"]["object"]["key"]) for arn, e in failures] == [
        ("arn:aws:sqs:ap-south-1:1:dlq", "uploads/X")
    ]
