"""AWS calls per publish, counted with botocore's event hooks (bench.aws_calls), in process with moto.

The site: `BENCH_CALLS_ARTICLES` live articles (default 1,000) over 12 months and 30 tags, written
straight to the table (bench_render's seeding), every page a publish touches already rendered once, and
the static objects in place. Then `BENCH_CALLS_PUBLISHES` articles (default 5) are published one after
the other, each written to the table and handed to the renderer as Lambda hands it a stream record:
`handle_stream_batch` with the renderer's real wiring (newsdesk.wiring.site.Site: the published articles,
the bucket, the CDN, render receipts, approved comments and the comment form's KMS MAC). The figure is
the median per publish of every call the renderer made, by service and operation.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import uuid
from collections import Counter
from typing import Any

from bench import Result
from bench.aws_calls import CallCounter, Calls

ARTICLES = int(os.environ.get("BENCH_CALLS_ARTICLES", "1000"))
PUBLISHES = int(os.environ.get("BENCH_CALLS_PUBLISHES", "5"))
# A regression guard: the calls one publish makes into this site since issue 14 (89 before it).
TARGET = 72


def stream_event(item: dict[str, Any], old: dict[str, Any] | None = None) -> dict[str, Any]:
    """One stream record of the article item, as Lambda delivers it to the renderer."""
    change: dict[str, Any] = {
        "Keys": {"PK": item["PK"], "SK": item["SK"]},
        "NewImage": item,
        "SequenceNumber": str(uuid.uuid4().int % 10**20),
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    if old is not None:
        change["OldImage"] = old
    return {
        "Records": [
            {
                "eventID": uuid.uuid4().hex,
                "eventName": "MODIFY" if old else "INSERT",
                "eventSource": "aws:dynamodb",
                "awsRegion": "ap-south-1",
                "dynamodb": change,
            }
        ]
    }


def publishes(count: int = PUBLISHES, size: int = ARTICLES) -> list[Calls]:
    """The calls each of `count` publishes made, into a site of `size` live articles."""
    from bench.bench_render import (
        TZ,
        make_article,
        moto_world,
        realistic_body,
        seed_live,
        tag_names,
        write_article,
    )
    from newsdesk.adapters.dynamodb.records import article_to_item
    from newsdesk.adapters.dynamodb.stream import TableStream
    from newsdesk.batch.stream import handle_stream_batch
    from newsdesk.site.plan import pages_for

    counter = CallCounter()
    with moto_world() as world:
        site = renderer_site(world)
        for client in (world.ddb, world.s3, world.cloudfront, site_kms(site)):
            counter.attach(client)
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        seed_live(world, size, now)
        names = tag_names()
        new = [
            make_article(
                size + n,
                now - dt.timedelta(minutes=30 - n),
                [names[n % 30], names[(n + 7) % 30]],
                realistic_body(),
            )
            for n in range(count)
        ]
        before = site.publisher()
        for article in new:  # the site as it was: every page these publishes will touch exists
            for page in sorted(pages_for(None, article, TZ)):
                before.render_page(page)
        before.finish(invalidate=False)
        seen: list[Calls] = []
        for article in new:
            write_article(world, article)
            with counter.window() as calls:
                response = handle_stream_batch(
                    stream_event(article_to_item(article)), None, site.publisher(), TableStream()
                )
            if response.get("batchItemFailures"):
                raise RuntimeError(f"the publish of {article.id} failed: {response}")
            seen.append(calls)
        return seen


def renderer_site(world: Any) -> Any:
    """The renderer's wiring (newsdesk.wiring.site.Site) over the moto world's clients."""
    import boto3

    from bench.bench_render import REGION, site_config
    from newsdesk.adapters.cloudfront import Cdn
    from newsdesk.adapters.dynamodb.comments import CommentStore
    from newsdesk.adapters.dynamodb.digests import PageDigests
    from newsdesk.adapters.dynamodb.published import PublishedArticles
    from newsdesk.adapters.dynamodb.receipts import ReceiptStore
    from newsdesk.adapters.kms import KmsMac
    from newsdesk.adapters.s3 import SiteBucket
    from newsdesk.wiring.site import Site

    kms = boto3.client("kms", region_name=REGION)
    key = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]["KeyId"]
    return Site(
        config=site_config(),
        reader=PublishedArticles(world.table, world.ddb),
        writer=SiteBucket(world.bucket, world.s3),
        cdn=Cdn(world.distribution_id, world.cloudfront, sleep=lambda _s: None),
        receipts=ReceiptStore(world.table, world.ddb),
        comments=CommentStore(world.table, world.ddb),
        signer=KmsMac(key, kms),
        comments_open_days=14,
        digests=PageDigests(world.table, world.ddb),
    )


def site_kms(site: Any) -> Any:
    return site.signer.client


def median_per_operation(seen: list[Calls]) -> dict[str, float]:
    operations: set[str] = set()
    tables = [calls.table() for calls in seen]
    for table in tables:
        operations.update(table)
    medians = {op: statistics.median(t.get(op, 0) for t in tables) for op in operations}
    return dict(sorted(medians.items(), key=lambda kv: (-kv[1], kv[0])))


def run() -> list[Result]:
    seen = publishes()
    per_operation = median_per_operation(seen)
    totals = [len(calls) for calls in seen]
    services: Counter[str] = Counter()
    for op, n in per_operation.items():
        services[op.split(".")[0]] += int(n)
    results = [
        Result(
            "AWS calls per publish",
            statistics.median(totals),
            "calls",
            target=TARGET,
            comment=f"median of {len(seen)} publishes into {ARTICLES:,} live articles (moto): "
            + ", ".join(f"{s} {n}" for s, n in services.most_common()),
            details={"per_publish": totals, "per_operation": per_operation},
        )
    ]
    results += [
        Result(f"  {op}", n, "calls", comment="per publish, median") for op, n in per_operation.items()
    ]
    return results


if __name__ == "__main__":
    for result in run():
        print(f"{result.name}: {result.value:.3g} {result.unit}  {result.comment}")
