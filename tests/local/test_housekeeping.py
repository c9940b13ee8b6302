"""Housekeeping against in-process moto: a versioned bucket's noncurrent versions are expired by its
lifecycle rule and by the local limit, the current version is never touched."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any

import boto3
import pytest

from newsdesk_local.housekeeping import Housekeeper, expire_noncurrent_versions, noncurrent_rules
from tests.conftest import REGION

BUCKET = "site"


@pytest.fixture
def s3(aws: None) -> Any:
    """A versioned bucket with the template's rule: noncurrent versions expire after 30 days."""
    client: Any = boto3.client("s3", region_name=REGION)
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    client.put_bucket_lifecycle_configuration(
        Bucket=BUCKET,
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "ExpireOldPageVersions",
                    "Status": "Enabled",
                    "Filter": {"Prefix": ""},
                    "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
                }
            ]
        },
    )
    return client


def versions_of(s3: Any, key: str) -> list[str]:
    """The bodies of the key's versions, newest first."""
    listed = s3.list_object_versions(Bucket=BUCKET, Prefix=key).get("Versions", [])
    return [
        s3.get_object(Bucket=BUCKET, Key=key, VersionId=v["VersionId"])["Body"].read().decode()
        for v in sorted(listed, key=lambda v: (not v["IsLatest"], -v["LastModified"].timestamp()))
    ]


def newest_write(s3: Any, key: str) -> dt.datetime:
    """When the emulator says the key was last written (its clock, not the test's)."""
    listed = s3.list_object_versions(Bucket=BUCKET, Prefix=key)["Versions"]
    return max(v["LastModified"] for v in listed)


def rewrite(s3: Any, key: str, times: int) -> None:
    for n in range(times):
        s3.put_object(Bucket=BUCKET, Key=key, Body=f"{key} v{n}".encode())


def test_the_bucket_rule_is_read_from_its_lifecycle(s3: Any) -> None:
    # Given the fixture's bucket
    # When its rules are read
    (rule,) = noncurrent_rules(s3, BUCKET)

    # Then the noncurrent-version rule is there
    assert (rule.prefix, rule.days, rule.newer_versions) == ("", 30, None)


def test_noncurrent_versions_past_the_local_limit_are_expired(s3: Any) -> None:
    # Given a page written five times, and another written once
    rewrite(s3, "index.html", 5)
    rewrite(s3, "about/index.html", 1)

    # When noncurrent versions are expired, keeping two
    expired = expire_noncurrent_versions(s3, BUCKET, keep=2)

    # Then the page has its current version and the two before it; the other page is untouched
    assert expired == 2
    assert versions_of(s3, "index.html") == ["index.html v4", "index.html v3", "index.html v2"]
    assert versions_of(s3, "about/index.html") == ["about/index.html v0"]
    assert s3.get_object(Bucket=BUCKET, Key="index.html")["Body"].read() == b"index.html v4"


def test_the_rule_expires_versions_noncurrent_for_longer_than_its_days(s3: Any) -> None:
    # Given a page written three times
    rewrite(s3, "feed.xml", 3)

    # When noncurrent versions are expired with no local limit, 29 days later, then 31 days later
    written = newest_write(s3, "feed.xml")
    soon = expire_noncurrent_versions(s3, BUCKET, keep=None, now=written + dt.timedelta(days=29))
    later = expire_noncurrent_versions(s3, BUCKET, keep=None, now=written + dt.timedelta(days=31))

    # Then nothing went at first; then every noncurrent version went, and the current one stays
    assert (soon, later) == (0, 2)
    assert versions_of(s3, "feed.xml") == ["feed.xml v2"]


def test_a_deleted_page_keeps_its_delete_marker_and_loses_old_versions(s3: Any) -> None:
    # Given a page written three times, then deleted (a delete marker is its current version)
    rewrite(s3, "2024/01/01/gone/index.html", 3)
    s3.delete_object(Bucket=BUCKET, Key="2024/01/01/gone/index.html")

    # When noncurrent versions are expired keeping none
    expire_noncurrent_versions(s3, BUCKET, keep=0)

    # Then no version is left, and the page is still gone
    assert versions_of(s3, "2024/01/01/gone/index.html") == []
    markers = s3.list_object_versions(Bucket=BUCKET, Prefix="2024/01/01/gone/").get("DeleteMarkers", [])
    assert [m["IsLatest"] for m in markers] == [True]
    with pytest.raises(s3.exceptions.ClientError):
        s3.head_object(Bucket=BUCKET, Key="2024/01/01/gone/index.html")


def test_a_chore_that_fails_is_logged_and_the_others_still_run(caplog: pytest.LogCaptureFixture) -> None:
    # Given two chores, the first failing
    ran: list[str] = []

    def failing() -> None:
        raise ConnectionError("the emulator is gone")

    keeper = Housekeeper(
        {"failing": failing, "working": lambda: ran.append("working")}, 60, threading.Event()
    )

    # When a round runs
    with caplog.at_level(logging.WARNING, logger="newsdesk_local.housekeeping"):
        keeper.run_chores()

    # Then the failure is logged with what failed, and the other chore ran
    assert ran == ["working"]
    assert any(
        "failing failed: ConnectionError: the emulator is gone" in r.getMessage() for r in caplog.records
    )


def test_a_round_waits_while_the_emulator_is_busy_but_not_for_ever() -> None:
    # Given a housekeeper whose emulator is busy for its first three looks, and one always busy
    looks: list[bool] = []
    ran: list[int] = []
    stop = threading.Event()

    def busy_at_first() -> bool:
        looks.append(len(looks) < 3)
        return looks[-1]

    def chore() -> None:
        ran.append(len(looks))
        stop.set()

    patient = Housekeeper({"chore": chore}, 0.01, stop, busy=busy_at_first, patience=600)
    always_stop = threading.Event()
    always_ran: list[bool] = []

    def always_chore() -> None:
        always_ran.append(True)
        always_stop.set()

    impatient = Housekeeper({"chore": always_chore}, 0.01, always_stop, busy=lambda: True, patience=0.05)

    # When they run
    patient.start()
    impatient.start()
    patient.join(timeout=30)
    impatient.join(timeout=30)

    # Then the round ran once the emulator was quiet, and the other after its patience ran out
    assert ran == [4]
    assert always_ran == [True]
