"""One corrupt article in the table hurts only itself, and `newsdesk redrive` replays what failed.

With one published article whose stored headline is longer than the limit (a console edit), a new article
publishes and goes live without being held up, the home page and the editor list still answer 200, and the
corrupt one's receipt says `failed`. After the record is repaired, `newsdesk redrive` brings every page
whose render failed live, and a second `redrive` does nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import pytest
import requests

from tests.e2e.conftest import COMMAND_TIMEOUT, ROOT, RunningStack
from tests.e2e.test_local_stack import TIMEOUT, bearer, draft
from tests.e2e.test_refusals_do_not_stall import LIVE_WITHIN, seconds_until_served

pytestmark = pytest.mark.e2e

STACK_NAME = "newsdesk-local"  # the local stack's default
REGION = "us-east-1"
LONG_HEADLINE = "A headline far longer than the limit allows " * 6  # 264 characters
GIVE_UP_WITHIN = 60.0  # seconds for the renderer's retries to end in the dead-letter queue (about 13 s)


def emulator(stack: RunningStack, service: str) -> Any:
    import boto3

    return boto3.client(  # type: ignore[call-overload]
        service,
        endpoint_url=f"http://127.0.0.1:{stack.env['NEWSDESK_AWS_PORT']}",
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def set_headline(stack: RunningStack, article_id: str, headline: str) -> None:
    """Write the headline straight into the table, as a console edit does (no API, no rules)."""
    emulator(stack, "dynamodb").update_item(
        TableName=f"{STACK_NAME}-ArticlesTable",
        Key={"PK": {"S": f"ARTICLE#{article_id}"}, "SK": {"S": "A"}},
        UpdateExpression="SET headline = :h",
        ExpressionAttributeValues={":h": {"S": headline}},
    )


def dead_letters(stack: RunningStack) -> int:
    sqs = emulator(stack, "sqs")
    url = sqs.get_queue_url(QueueName=f"{STACK_NAME}-RenderDeadLetterQueue")["QueueUrl"]
    attributes = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def last_sequence_number(stack: RunningStack, article_id: str) -> int:
    """The sequence number of the newest stream record of the article item itself (not its receipt's)."""
    streams = emulator(stack, "dynamodbstreams")
    arn = emulator(stack, "dynamodb").describe_table(TableName=f"{STACK_NAME}-ArticlesTable")["Table"][
        "LatestStreamArn"
    ]
    newest = 0
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        while iterator:
            page = streams.get_records(ShardIterator=iterator, Limit=1000)
            for record in page["Records"]:
                if record["dynamodb"]["Keys"] == {"PK": {"S": f"ARTICLE#{article_id}"}, "SK": {"S": "A"}}:
                    newest = max(newest, int(record["dynamodb"]["SequenceNumber"]))
            iterator = page.get("NextShardIterator") if page["Records"] else None
    return newest


def given_up_through(stack: RunningStack, sequence_number: int) -> bool:
    """Whether a failure record in the render dead-letter queue covers the stream record."""
    return any(end >= sequence_number for end in failure_ends(stack))


def failure_ends(stack: RunningStack) -> list[int]:
    """The last stream sequence number of each failure record in the render dead-letter queue (peeked at:
    the messages stay in the queue for the redrive)."""
    sqs = emulator(stack, "sqs")
    url = sqs.get_queue_url(QueueName=f"{STACK_NAME}-RenderDeadLetterQueue")["QueueUrl"]
    messages = sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0, WaitTimeSeconds=0
    ).get("Messages", [])
    return [int(json.loads(m["Body"])["DDBStreamBatchInfo"]["endSequenceNumber"]) for m in messages]


def wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def redrive(stack: RunningStack) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "newsdesk_local.cli", "redrive", "--json"],
        env=stack.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT * 3,
        check=False,
    )
    assert done.returncode in (0, 3), done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def publish(stack: RunningStack, http: requests.Session, **fields: Any) -> dict[str, Any]:
    created = http.post(f"{stack.api_url}/articles", json=draft(**fields), timeout=TIMEOUT)
    assert created.status_code == 201, created.text
    published = http.post(
        f"{stack.api_url}/articles/{created.json()['id']}/publish",
        headers={"If-Match": created.headers["ETag"]},
        timeout=TIMEOUT,
    )
    assert published.status_code == 200, published.text
    body: dict[str, Any] = published.json()
    return body


def render_state(stack: RunningStack, http: requests.Session, article_id: str) -> str:
    response = http.get(f"{stack.api_url}/articles/{article_id}", timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    return str(response.json()["render"]["state"])


def test_a_corrupt_article_hurts_only_itself_and_redrive_brings_what_failed_live(
    stack: RunningStack, http: requests.Session, editor_token: str
) -> None:
    http.headers.update(bearer(editor_token))
    # Given a live article
    original = publish(stack, http)
    page = stack.site_url + original["url"]
    assert seconds_until_served(http, page, 10) is not None
    before = dead_letters(stack)
    # whose stored headline is then made longer than the limit, so that its render fails until the renderer
    # gives up on it and its failure record reaches the dead-letter queue
    set_headline(stack, original["id"], LONG_HEADLINE)
    # (the publish's own record may still be queued behind the page it rendered: each record of the article
    # from here on fails, so the wait is for the failure record of the edit's, the last one)
    edit = last_sequence_number(stack, original["id"])
    assert wait_until(lambda: given_up_through(stack, edit), GIVE_UP_WITHIN), (
        f"no failure record through {edit} (failure records end at {failure_ends(stack)}):\n"
        + stack.output()[-3000:]
    )
    assert dead_letters(stack) > before

    # When a new article is published
    fresh = publish(stack, http)

    # Then it is served without being held up, the home page lists it, the editor list answers
    took = seconds_until_served(http, stack.site_url + fresh["url"], LIVE_WITHIN)
    assert took is not None, (
        f"{fresh['url']} was not served within {LIVE_WITHIN} s:\n{stack.output()[-3000:]}"
    )
    home = http.get(f"{stack.site_url}/", timeout=TIMEOUT)
    assert home.status_code == 200 and fresh["headline"] in home.text
    listing = http.get(f"{stack.api_url}/articles", timeout=TIMEOUT)
    assert listing.status_code == 200, listing.text
    assert fresh["id"] in {a["id"] for a in listing.json()["items"]}
    # and the corrupt article answers as stored, its receipt saying the render failed, and why
    corrupt = http.get(f"{stack.api_url}/articles/{original['id']}", timeout=TIMEOUT)
    assert corrupt.status_code == 200, corrupt.text
    assert corrupt.json()["headline"] == LONG_HEADLINE
    assert corrupt.json()["render"]["state"] == "failed" and "headline" in corrupt.json()["render"]["error"]

    # When the record is repaired and the dead-letter queues are replayed
    repaired = f"{original['headline']} (repaired)"
    set_headline(stack, original["id"], repaired)
    report = redrive(stack)

    # Then the failed article is live with its repaired headline, and the redrive named it
    assert original["id"] in report["render"]["items"], report
    assert wait_until(lambda: render_state(stack, http, original["id"]) == "live", 10)
    assert repaired in http.get(page, timeout=TIMEOUT).text
    assert dead_letters(stack) == report["render"]["left"]
    # and a second redrive does nothing
    again = redrive(stack)
    assert again["render"]["replayed"] == 0 and again["comments"]["replayed"] == 0, again
