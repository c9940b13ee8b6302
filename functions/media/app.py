"""Renditions: S3 (through EventBridge) → the images made from an uploaded original.

The composition root: settings (validated once, at cold start) → the table and bucket adapters → the
event's uploads (newsdesk.batch.media), each made into renditions with Pillow (newsdesk.media.renditions).
"""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from newsdesk.adapters.dynamodb.media import MediaStore
from newsdesk.adapters.s3 import MediaBucket
from newsdesk.batch.media import handle_upload_event
from newsdesk.media.renditions import make_renditions
from newsdesk.wiring.settings import MediaSettings
from newsdesk.wiring.tracing import lazy_tracer

logger = Logger()
tracer = lazy_tracer()

settings = MediaSettings.from_env()
media = MediaStore(settings.table_name)
bucket = MediaBucket(settings.site_bucket)


@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    report = handle_upload_event(event, media, bucket, bucket=settings.site_bucket, make=make_renditions)
    return report.as_dict()
