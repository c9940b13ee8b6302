"""Comment worker: the comment queue (SQS, partial batch responses) → moderation rules → the table."""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from newsdesk.comments.worker import handle_comment_batch
from newsdesk.tracing import lazy_tracer

logger = Logger()
tracer = lazy_tracer()


@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return handle_comment_batch(event, context)
