"""The deployment's event source mappings (AWS::Lambda::EventSourceMapping, as the SAM transform wrote them
from the functions' DynamoDB and SQS events), and the records Lambda builds from what it reads, in the shape
handlers receive them.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from newsdesk_local.filters import RecordFilter, compile_filters
from newsdesk_local.intrinsics import Resolver
from newsdesk_local.rehearsal import references
from newsdesk_local.template import Deployed

MAPPING_TYPE = "AWS::Lambda::EventSourceMapping"
SourceKind = Literal["DynamoDB", "SQS"]
_DEFAULT_BATCH = {"DynamoDB": 100, "SQS": 10}


@dataclass(frozen=True)
class EventSourceMapping:
    name: str  # logical id, e.g. RendererFunctionArticleChanges
    function: str  # logical id
    kind: SourceKind
    source_arn: str
    batch_size: int
    filter: RecordFilter = field(default=lambda _record: True, repr=False)
    starting_position: str = "LATEST"
    report_batch_item_failures: bool = False
    bisect_on_error: bool = False
    maximum_retry_attempts: int = -1  # -1: until the records expire
    on_failure_arn: str | None = None
    enabled: bool = True


def event_source_mappings(deployed: Deployed) -> list[EventSourceMapping]:
    resolver = Resolver(deployed)
    mappings = []
    for logical_id, resource in deployed.of_type(MAPPING_TYPE).items():
        raw = resource.get("Properties") or {}
        function = next(name for name, _ in references(raw["FunctionName"]))
        props = resolver.resolve(raw)
        source = str(props["EventSourceArn"])
        kind: SourceKind = "DynamoDB" if source.startswith("arn:aws:dynamodb:") else "SQS"
        on_failure = ((props.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
        mappings.append(
            EventSourceMapping(
                name=logical_id,
                function=function,
                kind=kind,
                source_arn=source,
                batch_size=int(props.get("BatchSize", _DEFAULT_BATCH[kind])),
                filter=compile_filters(props.get("FilterCriteria")),
                starting_position=str(props.get("StartingPosition", "LATEST")),
                report_batch_item_failures="ReportBatchItemFailures"
                in (props.get("FunctionResponseTypes") or []),
                bisect_on_error=bool(props.get("BisectBatchOnFunctionError", False)),
                maximum_retry_attempts=int(props.get("MaximumRetryAttempts", -1)),
                on_failure_arn=str(on_failure) if on_failure else None,
                enabled=bool(props.get("Enabled", True)),
            )
        )
    return mappings


# ----- records ------------------------------------------------------------------------------------


def stream_record(raw: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """A DynamoDB Streams GetRecords record (as boto3 returns it) as Lambda delivers it."""
    record = _jsonable(raw)
    record["eventVersion"] = "1.1"
    record["eventSourceARN"] = stream_arn
    return record


def sqs_record(message: dict[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    """An SQS ReceiveMessage message as Lambda delivers it."""
    attributes = {}
    for name, value in (message.get("MessageAttributes") or {}).items():
        binary = value.get("BinaryValue")
        attributes[name] = {
            "stringValue": value.get("StringValue"),
            "binaryValue": base64.b64encode(binary).decode() if binary is not None else None,
            "stringListValues": list(value.get("StringListValues") or []),
            "binaryListValues": [base64.b64encode(b).decode() for b in value.get("BinaryListValues") or []],
            "dataType": value.get("DataType", "String"),
        }
    record = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message.get("Body", ""),
        "attributes": dict(message.get("Attributes") or {}),
        "messageAttributes": attributes,
        "md5OfBody": message.get("MD5OfBody"),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }
    if message.get("MD5OfMessageAttributes"):
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    return record


def _jsonable(value: Any) -> Any:
    """boto3's Python values back to the JSON Lambda sends: bytes as base64, times as epoch seconds."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, dt.datetime):
        return int(value.timestamp())
    return value
