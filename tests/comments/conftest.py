"""Reader comments in moto: the table from template.yaml, the comment queue and its dead-letter queue,
the two KMS keys, and helpers that drive the intake with API Gateway events and the worker with the SQS
events Lambda would build from what moto's queue really returned (moto's own SQS → Lambda wiring ignores
partial batch responses, so the tests play the event source mapping themselves).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest

from newsdesk.adapters.dynamodb.articles import ArticleStore
from newsdesk.adapters.dynamodb.comments import CommentStore
from newsdesk.adapters.dynamodb.gates import SenderGateTable
from newsdesk.adapters.dynamodb.senders import PublicationTable, SenderHistoryTable
from newsdesk.adapters.kms import KmsCipher, KmsMac
from newsdesk.adapters.sqs import CommentQueue
from newsdesk.articles.models import Article, ArticleStatus
from newsdesk.batch.comments import handle_comment_batch
from newsdesk.clock import epoch_seconds, utc_now
from newsdesk.comments.intake import CommentIntake
from newsdesk.comments.models import Comment
from newsdesk.comments.rules import RuleSettings
from newsdesk.comments.tokens import make_fresh_token, make_token
from newsdesk.comments.values import PersonalData
from newsdesk.comments.worker import Worker
from newsdesk.http.intake import intake_api
from newsdesk.http.resolver import NewsdeskResolver
from newsdesk.wiring.intake_settings import IntakeSettings
from newsdesk_local.event_sources import sqs_record
from tests.conftest import REGION, FakeLambdaContext
from tests.events import SAMPLE_ORIGIN_SECRET, load_event
from tests.handlers.client import ApiResponse, EditorApi
from tests.render.conftest import make_article, pipeline, site_bucket  # noqa: F401 (fixtures)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_kms import KMSClient
    from mypy_boto3_sqs import SQSClient

READER_IP = "203.0.113.24"
EDGE_IP = "130.176.188.71"


@pytest.fixture(autouse=True)
def _offline(no_network: None) -> None:
    """moto runs in-process: nothing here needs the network."""


def comment_fields(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Meera Pillai",
        "email": "meera@example.com",
        "website": "https://meera.example.net",
        "body": f"Good to see the schools on the list. ({uuid.uuid4().hex[:8]})",
        **overrides,
    }


@dataclass
class IntakeFunction:
    """The intake function as its app.py assembles it: event in, API Gateway proxy response out."""

    service: CommentIntake
    app: NewsdeskResolver

    def __call__(self, event: dict[str, Any]) -> dict[str, Any]:
        return self.app.resolve(event, FakeLambdaContext())


@dataclass
class CommentWorld:
    table: str
    ddb: DynamoDBClient
    kms: KMSClient
    sqs: SQSClient
    mac_key: str
    data_key: str
    queue_url: str
    queue_arn: str
    dlq_url: str
    open_days: int = 14
    _receipts: dict[str, str] = field(default_factory=dict)

    # ----- adapters --------------------------------------------------------------------------------

    @property
    def mac(self) -> KmsMac:
        return KmsMac(self.mac_key, self.kms)

    @property
    def cipher(self) -> KmsCipher:
        return KmsCipher(self.data_key, self.kms)

    def seal(self, personal: PersonalData, comment_id: str) -> str:
        """A message's `personal` field, as the intake seals it."""
        return base64.b64encode(self.cipher.encrypt(personal.to_json(), comment_id)).decode("ascii")

    def opened(self, queued: dict[str, Any]) -> PersonalData:
        """The personal data of a queued message body, opened as the worker opens it."""
        sealed = base64.b64decode(queued["personal"])
        return PersonalData.from_json(self.cipher.decrypt(sealed, queued["id"]))

    @property
    def store(self) -> CommentStore:
        return CommentStore(self.table, self.ddb)

    @property
    def settings(self) -> IntakeSettings:
        return IntakeSettings(
            table_name=self.table,
            queue_url=self.queue_url,
            mac_key_id=self.mac_key,
            data_key_id=self.data_key,
            origin_secrets=(SAMPLE_ORIGIN_SECRET,),
            open_days=self.open_days,
        )

    def intake(
        self,
        clock: Callable[[], float] = epoch_seconds,
        *,
        dynamodb: DynamoDBClient | None = None,
        sqs: SQSClient | None = None,
        mac: KmsMac | None = None,
        **overrides: Any,
    ) -> IntakeFunction:
        """The intake function on this world's clients (or the given ones), as its app.py builds it."""
        settings = self.settings
        if overrides:
            settings = IntakeSettings(**{**settings.__dict__, **overrides})
        ddb = dynamodb or self.ddb
        service = CommentIntake(
            PublicationTable(settings.table_name, ddb),
            SenderHistoryTable(settings.table_name, ddb),
            CommentQueue(settings.queue_url, sqs or self.sqs),
            mac or self.mac,
            settings.policy,
            gate=SenderGateTable(settings.table_name, ddb),
            sealer=KmsCipher(settings.data_key_id, self.kms),
            clock=clock,
        )
        return IntakeFunction(service, intake_api(service, origin_secrets=settings.origin_secrets))

    def worker(self, *, store: CommentStore | None = None, **rules: Any) -> Worker:
        """The worker, on the client of `store` for the table (this world's by default)."""
        store = store or self.store
        return Worker(
            store=store,
            history=SenderHistoryTable(store.table_name, store.client),
            cipher=self.cipher,
            rules=RuleSettings(**rules),
        )

    # ----- articles ------------------------------------------------------------------------------------

    def article(
        self,
        *,
        published_at: dt.datetime | None = None,
        status: ArticleStatus = ArticleStatus.PUBLISHED,
        **fields: Any,
    ) -> Article:
        """An article stored in the table; published an hour ago unless told otherwise."""
        when = published_at or utc_now() - dt.timedelta(hours=1)
        article = make_article(
            headline=fields.pop("headline", f"Rooftop solar for schools {uuid.uuid4().hex[:6]}"),
            published_at=when,
            status=status,
            **fields,
        )
        ArticleStore(self.table, self.ddb).create(article)
        return article

    def token(self, article_id: str, age: float = 10, now: float | None = None) -> str:
        """A fresh, single-use token, as the page's script fetches it, issued `age` seconds ago."""
        issued = int((now if now is not None else epoch_seconds()) - age)
        return make_fresh_token(self.mac, article_id, issued)

    def page_token(self, article_id: str, age: float = 3600, now: float | None = None) -> str:
        """The token baked into the static page when it was rendered."""
        issued = int((now if now is not None else epoch_seconds()) - age)
        return make_token(self.mac, article_id, issued)

    # ----- requests ----------------------------------------------------------------------------------

    def event(
        self,
        article_id: str,
        fields: dict[str, Any] | str | None = None,
        *,
        form: bool = False,
        html: bool = False,
        ip: str = READER_IP,
        headers: dict[str, str | None] | None = None,
        route: str = "comments",
        method: str | None = None,
    ) -> dict[str, Any]:
        name = "comment_intake/comment_token" if route == "comment-token" else "comment_intake/post_comment"
        all_headers: dict[str, str | None] = {
            "X-Forwarded-For": f"{ip}, {EDGE_IP}",
            "Accept": "text/html,application/xhtml+xml" if html else "application/json",
        }
        body: Any = fields
        if form and isinstance(fields, dict):
            from urllib.parse import urlencode

            body = urlencode({k: v for k, v in fields.items() if v is not None})
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        all_headers.update(headers or {})
        kwargs: dict[str, Any] = {"path": f"/api/articles/{article_id}/{route}", "headers": all_headers}
        if route != "comment-token":
            kwargs["body"] = body
        if method:
            kwargs["method"] = method
        event = load_event(name, **kwargs)
        event["requestContext"]["identity"]["sourceIp"] = ip
        return event

    def post(
        self,
        article_id: str,
        fields: dict[str, Any] | str | None = None,
        *,
        intake: IntakeFunction | None = None,
        **kw: Any,
    ) -> ApiResponse:
        fields = comment_fields() if fields is None else fields
        return ApiResponse.from_proxy((intake or self.intake())(self.event(article_id, fields, **kw)))

    def form_post(self, article: Article, fields: dict[str, Any] | None = None, **kw: Any) -> ApiResponse:
        data = {**comment_fields(), "url_confirm": "", "token": self.token(article.id), **(fields or {})}
        return self.post(article.id, data, form=True, **kw)

    # ----- the queue -------------------------------------------------------------------------------------

    def receive(self, max_messages: int = 10, url: str | None = None) -> list[dict[str, Any]]:
        messages: list[Any] = self.sqs.receive_message(
            QueueUrl=url or self.queue_url,
            MaxNumberOfMessages=max_messages,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
            WaitTimeSeconds=0,
        ).get("Messages", [])
        return messages

    def queued(self) -> list[dict[str, Any]]:
        """The message bodies now visible on the queue (they stay there: visibility is restored)."""
        messages = self.receive()
        for message in messages:
            self.sqs.change_message_visibility(
                QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
            )
        return [json.loads(m["Body"]) for m in messages]

    def sqs_event(self, messages: list[dict[str, Any]]) -> dict[str, Any]:
        """What Lambda's SQS event source mapping would hand the worker for these messages."""
        return {"Records": [sqs_record(m, self.queue_arn, REGION) for m in messages]}

    def deliver(self, worker: Worker | None = None, max_messages: int = 10) -> dict[str, Any] | None:
        """One poll of the event source mapping: receive, invoke, delete what succeeded."""
        messages = self.receive(max_messages)
        if not messages:
            return None
        event = self.sqs_event(messages)
        response: dict[str, Any] = dict(
            handle_comment_batch(event, FakeLambdaContext(), worker or self.worker())
        )
        failed = {f["itemIdentifier"] for f in response.get("batchItemFailures", [])}
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
            )
        return response

    def drain(self, worker: Worker | None = None) -> None:
        while self.deliver(worker) is not None:
            pass

    def stored(self, comment_id: str) -> Comment | None:
        return self.store.get(comment_id)

    def forget_gates(self) -> None:
        """Delete the intake's gate slots (as if they had expired)."""
        for item in self.items_with_prefix("GATE#"):
            self.ddb.delete_item(TableName=self.table, Key={"PK": item["PK"], "SK": item["SK"]})

    def items_with_prefix(self, prefix: str) -> list[dict[str, Any]]:
        """Every item whose PK starts with `prefix` (a Scan: tests only)."""
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {
            "TableName": self.table,
            "FilterExpression": "begins_with(PK, :p)",
            "ExpressionAttributeValues": {":p": {"S": prefix}},
        }
        while True:
            page = self.ddb.scan(**kwargs)
            items += page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def comment_items(self) -> list[dict[str, Any]]:
        """Every comment item in the table (a Scan: tests only)."""
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {
            "TableName": self.table,
            "FilterExpression": "begins_with(PK, :c)",
            "ExpressionAttributeValues": {":c": {"S": "COMMENT#"}},
        }
        while True:
            page = self.ddb.scan(**kwargs)
            items += page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def create_queues(sqs: SQSClient, visibility: int = 180) -> tuple[str, str, str]:
    """The comment queue as template.yaml declares it (redrive after 5 receives) and its DLQ."""
    suffix = uuid.uuid4().hex[:8]
    dlq = sqs.create_queue(QueueName=f"comments-dlq-{suffix}")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    queue = sqs.create_queue(
        QueueName=f"comments-{suffix}",
        Attributes={
            "VisibilityTimeout": str(visibility),
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 5}),
        },
    )["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return queue, arn, dlq


@pytest.fixture
def world(dynamodb_client: DynamoDBClient, articles_table: str) -> Iterator[CommentWorld]:
    import boto3

    kms = boto3.client("kms", region_name=REGION)
    sqs = boto3.client("sqs", region_name=REGION)
    mac_key = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]["Arn"]
    data_key = kms.create_key()["KeyMetadata"]["Arn"]
    queue, arn, dlq = create_queues(sqs)
    yield CommentWorld(
        table=articles_table,
        ddb=dynamodb_client,
        kms=kms,
        sqs=sqs,
        mac_key=mac_key,
        data_key=data_key,
        queue_url=queue,
        queue_arn=arn,
        dlq_url=dlq,
    )


@pytest.fixture
def editor_function(
    editor_env: str, world: CommentWorld, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ModuleType]:
    """The editor function (functions/editor_api/app.py) on the world's table, with the email key."""
    from tests.conftest import EDITOR_API_APP, load_function

    monkeypatch.setenv("COMMENTS_DATA_KEY_ID", world.data_key)
    module: ModuleType = load_function(EDITOR_API_APP)
    try:
        yield module
    finally:
        sys.modules.pop(module.__name__, None)


@pytest.fixture
def api(editor_function: ModuleType, lambda_context: Any) -> EditorApi:
    return EditorApi(editor_function.lambda_handler, lambda_context)
