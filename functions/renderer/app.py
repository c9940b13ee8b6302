"""Renderer: the table's stream → static pages in S3 → one CloudFront invalidation per batch.

`refresh` runs on a schedule for the pages that change with time alone (the news sitemap's 48 hours).
"""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from newsdesk.render.service import build_publisher, handle_stream_batch, refresh_time_windows
from newsdesk.tracing import lazy_tracer

logger = Logger()
tracer = lazy_tracer()


@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return handle_stream_batch(event, context, build_publisher())


@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler(capture_response=False)
def refresh(event: dict, context: LambdaContext) -> dict:
    return {"changed": refresh_time_windows(build_publisher())}
