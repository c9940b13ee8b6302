"""template.yaml's comment resources: queue, dead-letter queue and alarm, least-privilege functions, the
API's routes and throttling, the optional WAF rule, and what each function really calls against its
policy. Also the intake's cold start: the fewest modules of all the handlers."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, ClassVar

import pytest

from newsdesk_local.filters import compile_filters
from newsdesk_local.template import load_template
from tests.comments.conftest import CommentWorld, comment_fields
from tests.unit.test_cold_imports import LAMBDA_ENVIRONMENT

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template()


def resources(template: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = template["Resources"]
    return found


def statements(template: dict[str, Any], function: str) -> list[dict[str, Any]]:
    props = resources(template)[function]["Properties"]
    # A function without policies of its own (e.g. one that only reads its queue, whose event source
    # grants that) has none.
    return [s for policy in props.get("Policies", []) for s in policy["Statement"]]


def granted(template: dict[str, Any], function: str) -> set[str]:
    actions: set[str] = set()
    for statement in statements(template, function):
        value = statement["Action"]
        actions |= {value} if isinstance(value, str) else set(value)
    return actions


def test_the_comment_queue_retries_five_times_then_dead_letters_and_alarms(template: dict[str, Any]) -> None:
    res = resources(template)
    queue = res["CommentQueue"]["Properties"]
    worker = resources(template)["CommentWorkerFunction"]["Properties"]
    assert int(queue["VisibilityTimeout"]) >= 6 * int(worker["Timeout"])
    assert queue["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": ["CommentDeadLetterQueue", "Arn"]},
        "maxReceiveCount": 5,
    }
    assert queue["SqsManagedSseEnabled"] is True
    assert res["CommentDeadLetterQueue"]["Properties"]["SqsManagedSseEnabled"] is True
    alarm = res["CommentDeadLetterAlarm"]["Properties"]
    assert alarm["Dimensions"][0]["Value"] == {"Fn::GetAtt": ["CommentDeadLetterQueue", "QueueName"]}
    assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]
    event = worker["Events"]["Comments"]
    assert event["Type"] == "SQS"
    assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert event["Properties"]["BatchSize"] == 10


def test_the_intake_is_public_throttled_and_cannot_write_the_table(template: dict[str, Any]) -> None:
    intake = resources(template)["CommentIntakeFunction"]["Properties"]
    routes = {(e["Properties"]["Method"], e["Properties"]["Path"]): e for e in intake["Events"].values()}
    assert set(routes) == {
        ("POST", "/api/articles/{id}/comments"),
        ("GET", "/api/articles/{id}/comment-token"),
    }
    assert all(e["Properties"]["Auth"] == {"Authorizer": "NONE"} for e in routes.values())
    assert granted(template, "CommentIntakeFunction") == {
        "dynamodb:GetItem",
        "dynamodb:Query",
        "dynamodb:PutItem",
        "dynamodb:DeleteItem",
        "sqs:SendMessage",
        "kms:GenerateMac",
        "kms:VerifyMac",
        "kms:Encrypt",  # seals the sender's personal data before it is queued
    }
    settings = resources(template)["NewsdeskApi"]["Properties"]["MethodSettings"]
    (comments,) = [s for s in settings if "comments" in s["ResourcePath"]]
    assert comments["ResourcePath"] == "/~1api~1articles~1{id}~1comments"
    assert comments["HttpMethod"] == "POST"
    assert comments["ThrottlingRateLimit"] < 100


def test_the_intake_writes_only_its_gate_slots(template: dict[str, Any]) -> None:
    # Given the intake's table writes in template.yaml
    (writes,) = [
        s for s in statements(template, "CommentIntakeFunction") if "dynamodb:PutItem" in s["Action"]
    ]

    # Then they are limited to GATE# items (newsdesk.adapters.dynamodb.gates), which expire by TTL
    assert writes["Condition"] == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["GATE#*"]}}
    table = resources(template)["ArticlesTable"]["Properties"]
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}


def test_only_the_worker_writes_comments_and_it_and_the_editor_api_decrypt(
    template: dict[str, Any],
) -> None:
    (put,) = [s for s in statements(template, "CommentWorkerFunction") if s["Action"] == "dynamodb:PutItem"]
    assert put["Condition"] == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["COMMENT#*"]}}
    decrypting = {
        name
        for name, res in resources(template).items()
        if res["Type"] == "AWS::Serverless::Function" and "kms:Decrypt" in granted(template, name)
    }
    assert decrypting == {"EditorApiFunction", "CommentWorkerFunction"}  # moderators; the worker's rules
    assert "kms:Encrypt" in granted(template, "CommentWorkerFunction")
    assert "kms:GenerateMac" in granted(template, "RendererFunction")
    assert "kms:GenerateMac" in granted(template, "RebuildWorkerFunction")


def test_keys_an_hmac_key_and_a_rotated_encryption_key(template: dict[str, Any]) -> None:
    res = resources(template)
    mac = res["CommentMacKey"]["Properties"]
    assert (mac["KeySpec"], mac["KeyUsage"]) == ("HMAC_256", "GENERATE_VERIFY_MAC")
    assert res["CommentDataKey"]["Properties"]["EnableKeyRotation"] is True


def test_api_gateway_has_one_variable_path_part_per_level(template: dict[str, Any]) -> None:
    # API Gateway refuses siblings such as /api/articles/{proxy+} and /api/articles/{id}.
    children: dict[str, set[str]] = defaultdict(set)
    for res in resources(template).values():
        if res["Type"] != "AWS::Serverless::Function":
            continue
        for event in (res["Properties"].get("Events") or {}).values():
            if event["Type"] != "Api":
                continue
            parts = event["Properties"]["Path"].strip("/").split("/")
            for depth, part in enumerate(parts):
                children["/".join(parts[:depth])].add(part)
    clashes = {parent: sorted(p for p in kids if p.startswith("{")) for parent, kids in children.items()}
    assert {parent: kids for parent, kids in clashes.items() if len(kids) > 1} == {}


def test_every_function_has_a_log_group_with_retention(template: dict[str, Any]) -> None:
    res = resources(template)
    functions = {n for n, r in res.items() if r["Type"] == "AWS::Serverless::Function"}
    groups = {
        r["Properties"]["LogGroupName"]["Fn::Sub"].removeprefix("/aws/lambda/${").removesuffix("}")
        for r in res.values()
        if r["Type"] == "AWS::Logs::LogGroup"
        and "LogGroupName" in r["Properties"]
        and r["Properties"].get("RetentionInDays")
    }
    assert functions <= groups


def test_the_waf_rule_is_optional_and_rate_limits_comment_posts(template: dict[str, Any]) -> None:
    assert template["Parameters"]["CommentRateLimit"]["Default"] == 0
    res = resources(template)
    acl = res["CommentWebAcl"]
    assert acl["Condition"] == res["CommentWebAclAssociation"]["Condition"] == "HasCommentWaf"
    assert acl["Properties"]["Scope"] == "REGIONAL"
    (rule,) = acl["Properties"]["Rules"]
    rate = rule["Statement"]["RateBasedStatement"]
    assert rate["Limit"] == {"Ref": "CommentRateLimit"}
    scoped = json.dumps(rate["ScopeDownStatement"])
    assert "/comments" in scoped and "POST" in scoped
    assert "Block" in rule["Action"]


def test_the_renderer_gets_comment_records_but_not_other_items(template: dict[str, Any]) -> None:
    event = resources(template)["RendererFunction"]["Properties"]["Events"]["ArticleChanges"]
    keep = compile_filters(event["Properties"]["FilterCriteria"])

    def record(pk: str, sk: str) -> dict[str, Any]:
        return {"eventName": "MODIFY", "dynamodb": {"Keys": {"PK": {"S": pk}, "SK": {"S": sk}}}}

    assert keep(record("COMMENT#01JDQ7ZK3M8N4P5R6S7T8V9W0X", "C"))
    assert keep(record("ARTICLE#01JDQ7ZK3M8N4P5R6S7T8V9W0X", "A"))
    assert not keep(record("ARTICLE#01JDQ7ZK3M8N4P5R6S7T8V9W0X", "RENDER"))
    assert not keep(record("SLUG#monsoon", "S"))


# ----- what the functions call, against their policies -----------------------------------------------


class Calls:
    def __init__(self) -> None:
        self.actions: set[str] = set()

    # IAM authorizes each item of a transaction as its own action.
    _TRANSACT: ClassVar[dict[str, str]] = {
        "Put": "PutItem",
        "Update": "UpdateItem",
        "Delete": "DeleteItem",
        "ConditionCheck": "ConditionCheckItem",
    }

    def attach(self, client: Any, prefix: str) -> None:
        def record(model: Any, params: dict[str, Any], **_: Any) -> None:
            if model.name == "TransactWriteItems":
                for item in params.get("TransactItems") or []:
                    self.actions |= {f"{prefix}:{self._TRANSACT[kind]}" for kind in item}
            else:
                self.actions.add(f"{prefix}:{model.name}")

        client.meta.events.register(
            f"provide-client-params.{client.meta.service_model.endpoint_prefix}", record
        )


def test_the_intake_and_the_worker_call_only_what_their_policies_grant(
    world: CommentWorld, template: dict[str, Any]
) -> None:
    import boto3

    from tests.conftest import REGION

    # Given the intake and the worker on their own recorded clients
    intake_calls, worker_calls = Calls(), Calls()
    clients: dict[str, Any] = {
        name: boto3.client(name, region_name=REGION) for name in ("dynamodb", "sqs", "kms")
    }
    for name, client in clients.items():
        intake_calls.attach(client, name)
    from newsdesk.adapters.dynamodb.comments import CommentStore
    from newsdesk.adapters.kms import KmsCipher, KmsMac

    intake = world.intake(
        dynamodb=clients["dynamodb"], sqs=clients["sqs"], mac=KmsMac(world.mac_key, clients["kms"])
    )
    worker_clients: dict[str, Any] = {
        name: boto3.client(name, region_name=REGION) for name in ("dynamodb", "kms")
    }
    for name, client in worker_clients.items():
        worker_calls.attach(client, name)
    worker = world.worker(store=CommentStore(world.table, worker_clients["dynamodb"]))
    worker.cipher = KmsCipher(world.data_key, worker_clients["kms"])

    # When a comment goes through both (token route, form post, JSON post, a refusal)
    article = world.article()
    intake(world.event(article.id, route="comment-token"))
    world.form_post(article, intake=intake)
    world.post(article.id, comment_fields(email="second@example.com"), intake=intake, ip="198.51.100.3")
    world.post(article.id, comment_fields(email=""), intake=intake)
    world.drain(worker)

    # Then each called only what its policy allows
    assert intake_calls.actions <= granted(template, "CommentIntakeFunction"), intake_calls.actions
    assert worker_calls.actions <= granted(template, "CommentWorkerFunction"), worker_calls.actions
    assert {"sqs:SendMessage", "kms:GenerateMac", "kms:VerifyMac"} <= intake_calls.actions
    assert {"dynamodb:PutItem", "dynamodb:Query", "kms:Encrypt"} <= worker_calls.actions


# ----- cold start -------------------------------------------------------------------------------------

_CHILD = """
import json, sys
sys.path[:0] = [{task_root!r}, {layer!r}]
before = set(sys.modules)
import app
loaded = set(sys.modules) - before
print(json.dumps({{"count": len(loaded), "modules": sorted(loaded)}}))
"""


def modules_after_import(app_py: Path) -> dict[str, Any]:
    code = _CHILD.format(task_root=str(app_py.parent), layer=str(ROOT / "shared"))
    env = {**LAMBDA_ENVIRONMENT, "LAMBDA_TASK_ROOT": str(app_py.parent), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run(
        [sys.executable, "-I", "-B", "-c", code],
        cwd=app_py.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


# Powertools' request validation: what the editor API's resolver loads and the intake's must not.
REQUEST_VALIDATION = (
    "aws_lambda_powertools.event_handler.openapi.params",
    "aws_lambda_powertools.event_handler.openapi.compat",
    "aws_lambda_powertools.event_handler.openapi.dependant",
    "aws_lambda_powertools.event_handler.middlewares.openapi_validation",
)


def test_the_intake_handler_imports_the_fewest_modules_and_no_pydantic() -> None:
    # Given every handler module, imported in a fresh interpreter as a cold start does
    found = {p.parent.name: modules_after_import(p) for p in sorted((ROOT / "functions").glob("*/app.py"))}

    # Then the intake loads neither pydantic, nor the resolver's request validation (the editor API's, all
    # pydantic), nor the AWS SDK, and the least of all the functions that answer requests or events (the
    # daily retention job has no resolver and no batch processor, and no cold start anyone waits for)
    intake = found.pop("comment_intake")
    found.pop("comment_retention")
    # The scheduled-action function serves no HTTP (no resolver, no templates): it is smaller still, and
    # compared on that instead.
    scheduled = found.pop("scheduled_action")
    assert [m for m in scheduled["modules"] if m.startswith(REQUEST_VALIDATION)] == []
    assert not any(
        m.startswith(("jinja2", "aws_lambda_powertools.event_handler")) for m in scheduled["modules"]
    )
    heavy = [
        m for m in intake["modules"] if m.split(".")[0] in ("pydantic", "pydantic_core", "boto3", "jinja2")
    ]
    assert heavy == []
    validation = [m for m in intake["modules"] if m.startswith(REQUEST_VALIDATION)]
    assert validation == []
    assert all(intake["count"] < other["count"] for other in found.values()), {
        name: info["count"] for name, info in {"comment_intake": intake, **found}.items()
    }
