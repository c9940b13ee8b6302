"""Full rebuild: `start` plans and enqueues chunks; `worker` renders one chunk per SQS message."""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from newsdesk.render.service import handle_rebuild_batch, start_full_rebuild
from newsdesk.tracing import lazy_tracer

logger = Logger()
tracer = lazy_tracer()


@logger.inject_lambda_context(log_event=True)
@tracer.capture_lambda_handler
def start(event: dict, context: LambdaContext) -> dict:
    status = start_full_rebuild()
    return {"rebuild_id": status.rebuild_id, "chunks": status.total}


@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler(capture_response=False)
def worker(event: dict, context: LambdaContext) -> dict:
    return handle_rebuild_batch(event, context)
