"""What AWS does in the background and the emulator does not, so the local stack's memory stays flat.

S3 lifecycle rules for noncurrent versions. The site bucket is versioned, and every publish rewrites the
home page, the feeds, the sitemaps and the tag and month pages, so each rewrite keeps the page it
replaced. The template's rule (NoncurrentVersionExpiration, NoncurrentDays: 30) expires those in AWS;
moto keeps every version, in memory, for ever. `expire_noncurrent_versions` applies a bucket's rules as
S3 does (a version becomes noncurrent when a newer one is written; NoncurrentDays counts from then;
NewerNoncurrentVersions keeps that many newer noncurrent versions) and, since no local session lasts
30 days, also keeps at most `keep` noncurrent versions per key (the local stack's setting
NEWSDESK_NONCURRENT_VERSIONS, default 2): enough to look at what a publish replaced.

It talks to the emulator through the S3 API only (ListObjectVersions, GetBucketLifecycleConfiguration,
DeleteObjects with version ids), so what it deletes is what S3 would let a client delete.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

_DELETE_BATCH = 1000  # DeleteObjects' limit


@dataclass(frozen=True)
class NoncurrentRule:
    """The noncurrent-version part of an enabled lifecycle rule."""

    prefix: str
    days: int | None = None  # NoncurrentDays
    newer_versions: int | None = None  # NewerNoncurrentVersions: how many newer noncurrent ones are kept

    def matches(self, key: str) -> bool:
        return key.startswith(self.prefix)


def noncurrent_rules(s3: Any, bucket: str) -> list[NoncurrentRule]:
    """The bucket's enabled NoncurrentVersionExpiration rules (none if it has no lifecycle)."""
    try:
        rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket).get("Rules", [])
    except s3.exceptions.ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "NoSuchLifecycleConfiguration":
            return []
        raise
    found = []
    for rule in rules:
        expiration = rule.get("NoncurrentVersionExpiration")
        if rule.get("Status") != "Enabled" or not expiration:
            continue
        where = rule.get("Filter") or {}
        prefix = where.get("Prefix", (where.get("And") or {}).get("Prefix", rule.get("Prefix", "")))
        found.append(
            NoncurrentRule(
                prefix=prefix or "",
                days=expiration.get("NoncurrentDays"),
                newer_versions=expiration.get("NewerNoncurrentVersions"),
            )
        )
    return found


@dataclass(frozen=True)
class _Version:
    key: str
    version_id: str
    last_modified: dt.datetime
    is_latest: bool


def _versions(s3: Any, bucket: str) -> dict[str, list[_Version]]:
    """Every version and delete marker of the bucket, per key, the current one first, then newest first
    (in the order S3 lists them when two were written in the same instant)."""
    listed: list[_Version] = []
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        for entry in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
            listed.append(
                _Version(entry["Key"], entry["VersionId"], entry["LastModified"], bool(entry.get("IsLatest")))
            )
    by_key: dict[str, list[_Version]] = defaultdict(list)
    order = {id(v): n for n, v in enumerate(listed)}
    for version in sorted(
        listed, key=lambda v: (not v.is_latest, -v.last_modified.timestamp(), order[id(v)])
    ):
        by_key[version.key].append(version)
    return by_key


def expired_versions(
    versions: list[_Version], rules: Iterable[NoncurrentRule], *, keep: int | None, now: dt.datetime
) -> list[_Version]:
    """Which noncurrent versions of one key (`versions`: the current one first, then newest first) are
    expired.

    versions[n + 1] became noncurrent when versions[n] was written. A rule expires it once that was
    `days` ago, unless it is among the rule's `newer_versions` newest noncurrent ones; `keep` (None: no
    local limit) expires every noncurrent version past the `keep` newest.
    """
    expired = []
    for n, version in enumerate(versions[1:]):
        since = versions[n].last_modified
        by_rule = any(
            rule.matches(version.key)
            and rule.days is not None
            and now - since >= dt.timedelta(days=rule.days)
            and n >= (rule.newer_versions or 0)
            for rule in rules
        )
        if by_rule or (keep is not None and n >= keep):
            expired.append(version)
    return expired


def expire_noncurrent_versions(
    s3: Any, bucket: str, *, keep: int | None, now: dt.datetime | None = None
) -> int:
    """Delete the bucket's expired noncurrent versions (see `expired_versions`); how many."""
    now = now or dt.datetime.now(dt.UTC)
    rules = noncurrent_rules(s3, bucket)
    doomed = [
        version
        for versions in _versions(s3, bucket).values()
        for version in expired_versions(versions, rules, keep=keep, now=now)
    ]
    for start in range(0, len(doomed), _DELETE_BATCH):
        batch = doomed[start : start + _DELETE_BATCH]
        answer = s3.delete_objects(
            Bucket=bucket,
            Delete={"Objects": [{"Key": v.key, "VersionId": v.version_id} for v in batch], "Quiet": True},
        )
        for error in answer.get("Errors", []):
            logger.warning(
                "s3://%s/%s version %s was not expired: %s",
                bucket,
                error.get("Key"),
                error.get("VersionId"),
                error,
            )
    return len(doomed)


class Housekeeper(threading.Thread):
    """Runs each chore every `interval` seconds until `stop` is set; a chore that fails is logged (as a
    warning, with what failed) and tried again next time.

    Given `busy` (is the emulator taking writes right now?), a round waits for a moment when it is not,
    for at most `patience` seconds: listing every version of a bucket in the middle of a publish held
    the renderer up by half a second (`bench live`), and a few more versions kept a minute longer cost
    nothing.
    """

    def __init__(
        self,
        chores: dict[str, Callable[[], object]],
        interval: float,
        stop: threading.Event,
        *,
        busy: Callable[[], bool] | None = None,
        patience: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(name="housekeeping", daemon=True)
        self.chores = chores
        self.interval = interval
        self.stop_event = stop
        self.busy = busy
        self.patience = patience
        self.clock = clock

    def run(self) -> None:
        while not self.stop_event.wait(self.interval):
            due = self.clock()
            while self.busy is not None and self.busy() and self.clock() - due < self.patience:
                if self.stop_event.wait(min(1.0, self.interval)):
                    return
            self.run_chores()

    def run_chores(self) -> None:
        for name, chore in self.chores.items():
            try:
                done = chore()
            except Exception as exc:
                if self.stop_event.is_set():
                    return
                logger.warning("housekeeping: %s failed: %s: %s", name, type(exc).__name__, exc)
            else:
                if done:
                    logger.debug("housekeeping: %s: %s", name, done)
