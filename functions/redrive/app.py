"""Redrive: replay the render and comment dead-letter queues once what made them fail is repaired.

Invoked by an operator (`newsdesk redrive --stack NAME`, or `aws lambda invoke`); answers what it did,
per queue. The composition root: settings (validated once, at cold start) → the redrive's adapters
(newsdesk.wiring.redrive).
"""

from aws_lambda_powertools import Logger

# Powertools' batch utility loads its pydantic models of every event source if pydantic is imported before
# it (utilities.batch.types): importing it here, first, keeps ~30 ms of them out of the cold start.
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse  # noqa: F401
from aws_lambda_powertools.utilities.typing import LambdaContext

from newsdesk.wiring.redrive import Redrive
from newsdesk.wiring.settings import RedriveSettings
from newsdesk.wiring.tracing import lazy_tracer

logger = Logger()
tracer = lazy_tracer()

settings = RedriveSettings.from_env()
redrive = Redrive.from_settings(settings)


@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return redrive.run().to_dict()
