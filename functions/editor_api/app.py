"""Editor API: API Gateway (REST) -> Powertools resolver. Routes live in newsdesk.api.editor."""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from newsdesk.api.editor import app
from newsdesk.tracing import lazy_tracer

logger = Logger()
tracer = lazy_tracer()


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, log_event=False)
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
