"""Public AWS prices, us-east-1, on-demand, before any free tier, as read on PRICES_AS_OF.

Each constant names its unit; the page it comes from is in the comment above it. bench_cost multiplies
counted calls and measured sizes by these. Update the date with the figures.
"""

from __future__ import annotations

from typing import Final

PRICES_AS_OF: Final = "2026-12-01"
REGION: Final = "us-east-1"

# https://aws.amazon.com/lambda/pricing/ (Arm, first 7.5 billion GB-seconds a month; requests)
LAMBDA_ARM_GB_SECOND: Final = 0.0000133334
LAMBDA_REQUEST: Final = 0.20 / 1_000_000

# https://aws.amazon.com/dynamodb/pricing/on-demand/ (Standard table class, after the November 2024 cut)
DYNAMODB_WRITE_UNIT: Final = 0.625 / 1_000_000
DYNAMODB_READ_UNIT: Final = 0.125 / 1_000_000
DYNAMODB_STORAGE_GB_MONTH: Final = 0.25
# Continuous backups (PITR), per GB-month of table size.
DYNAMODB_PITR_GB_MONTH: Final = 0.20
# Streams: GetRecords by a Lambda event source mapping are free; other readers pay per 100,000 units.
DYNAMODB_STREAM_READ_UNIT_LAMBDA: Final = 0.0
DYNAMODB_STREAM_READ_UNIT: Final = 0.02 / 100_000

# https://aws.amazon.com/s3/pricing/ (S3 Standard, first 50 TB; requests)
S3_STORAGE_GB_MONTH: Final = 0.023
S3_PUT: Final = 0.005 / 1_000  # PUT, COPY, POST, LIST
S3_GET: Final = 0.0004 / 1_000  # GET, HEAD and all other requests (DELETE is free)

# https://aws.amazon.com/sqs/pricing/ (standard queue; each 64 KB chunk of a payload is one request)
SQS_REQUEST: Final = 0.40 / 1_000_000

# https://aws.amazon.com/cloudfront/pricing/ (pay as you go, United States/Mexico/Canada, first 10 TB)
CLOUDFRONT_TRANSFER_GB: Final = 0.085
CLOUDFRONT_HTTPS_REQUEST: Final = 0.0100 / 10_000
# https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/PayingForInvalidation.html
CLOUDFRONT_INVALIDATION_PATH: Final = 0.005  # after the first 1,000 paths a month (not subtracted here)
# https://aws.amazon.com/cloudfront/pricing/ (CloudFront Functions, per invocation)
CLOUDFRONT_FUNCTION_INVOCATION: Final = 0.10 / 1_000_000

# https://aws.amazon.com/api-gateway/pricing/ (REST APIs, first 333 million requests)
API_GATEWAY_REST_REQUEST: Final = 3.50 / 1_000_000

# https://aws.amazon.com/kms/pricing/ (customer managed key; symmetric and HMAC requests)
KMS_KEY_MONTH: Final = 1.00
KMS_REQUEST: Final = 0.03 / 10_000

# https://aws.amazon.com/eventbridge/pricing/ (Scheduler: invocations, after 14 million free)
SCHEDULER_INVOCATION: Final = 1.00 / 1_000_000

# https://aws.amazon.com/cloudwatch/pricing/ (Logs: standard ingestion and storage; metrics; alarms)
LOGS_INGESTED_GB: Final = 0.50
LOGS_STORED_GB_MONTH: Final = 0.03
METRIC_MONTH: Final = 0.30  # each custom metric (Powertools' EMF metrics are custom metrics)
ALARM_MONTH: Final = 0.10  # each standard-resolution alarm metric

# https://aws.amazon.com/xray/pricing/ (traces recorded; every function and the API trace: Tracing Active)
XRAY_TRACE: Final = 5.00 / 1_000_000

# https://aws.amazon.com/cognito/pricing/ (user pools, Essentials tier: the default for new pools)
COGNITO_MAU: Final = 0.015

# https://aws.amazon.com/sns/pricing/ (the alarm topic: email notifications)
SNS_EMAIL: Final = 2.00 / 100_000


# ----- typical in-region latencies (not prices): the Lambda duration model -----------------------------
# A function's modelled duration is its own CPU time (measured in process, the time inside AWS calls left
# out) plus each AWS call it makes x the latency of that call from a Lambda function in the same region.
# Stated assumptions, as of LATENCIES_AS_OF, for small items and objects, warm connections:
# - DynamoDB: "single-digit millisecond" reads and writes (https://aws.amazon.com/dynamodb/); 5 ms,
#   transactions twice that (two phases).
# - S3: small PUTs ~20 ms, GET/HEAD/DELETE ~10 ms (first-byte latency of small objects in region; S3's
#   performance guidelines speak of tens of milliseconds:
#   https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance.html).
# - SQS, KMS: ~5 ms in region. CloudFront's control-plane API (CreateInvalidation) is global, ~100 ms.
# Calls a function makes in parallel (the renderer's uploads) are summed: the model's bound on them.
LATENCIES_AS_OF: Final = "2026-12-01"
LATENCY_MS_DEFAULT: Final = 10.0
LATENCY_MS: Final[dict[tuple[str, str], float]] = {
    ("DynamoDB", "GetItem"): 5.0,
    ("DynamoDB", "Query"): 5.0,
    ("DynamoDB", "BatchGetItem"): 5.0,
    ("DynamoDB", "PutItem"): 5.0,
    ("DynamoDB", "UpdateItem"): 5.0,
    ("DynamoDB", "DeleteItem"): 5.0,
    ("DynamoDB", "BatchWriteItem"): 5.0,
    ("DynamoDB", "TransactWriteItems"): 10.0,
    ("DynamoDB", "TransactGetItems"): 10.0,
    ("S3", "PutObject"): 20.0,
    ("S3", "GetObject"): 10.0,
    ("S3", "HeadObject"): 10.0,
    ("S3", "DeleteObject"): 10.0,
    ("SQS", "SendMessage"): 5.0,
    ("SQS", "SendMessageBatch"): 5.0,
    ("SQS", "ReceiveMessage"): 5.0,
    ("SQS", "DeleteMessage"): 5.0,
    ("SQS", "DeleteMessageBatch"): 5.0,
    ("KMS", "GenerateMac"): 5.0,
    ("KMS", "VerifyMac"): 5.0,
    ("KMS", "Encrypt"): 5.0,
    ("KMS", "Decrypt"): 5.0,
    ("CloudFront", "CreateInvalidation"): 100.0,
}


def latency_ms(service: str, operation: str) -> float:
    return LATENCY_MS.get((service, operation), LATENCY_MS_DEFAULT)
