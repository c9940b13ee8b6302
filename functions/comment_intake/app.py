"""Comment intake: API Gateway (REST) -> validate a reader's comment -> the comment queue.

Deliberately not the Powertools resolver: this public route must start fastest of all the functions.
The handler lives in newsdesk.comments.intake and imports the standard library and Powertools' logger.
"""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from newsdesk.comments.intake import handle
from newsdesk.tracing import lazy_tracer

logger = Logger()
tracer = lazy_tracer()


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, log_event=False)
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return handle(event, context)
