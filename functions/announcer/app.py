"""Announcer: the announcement queue (SQS, partial batch responses) → IndexNow and the WebSub hub.

The renderer leaves one announcement per batch (what it published, changed or took down, and the feeds it
rewrote); this function pings each service once for it. The composition root: settings (validated once,
at cold start) → the two HTTP clients (an empty endpoint, hub or key turns its service off) → the batch.
"""

from aws_lambda_powertools import Logger

# Powertools' batch utility loads its pydantic models of every event source if pydantic is imported before
# it (utilities.batch.types): importing it here, first, keeps ~30 ms of them out of the cold start.
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext

from newsdesk.adapters.pings import IndexNowClient, WebSubHubClient
from newsdesk.batch.announcements import handle_announcement_batch
from newsdesk.wiring.settings import AnnouncerSettings
from newsdesk.wiring.tracing import lazy_tracer

logger = Logger()
tracer = lazy_tracer()

settings = AnnouncerSettings.from_env()
indexnow = (
    IndexNowClient(settings.indexnow_endpoint, settings.indexnow_key)
    if settings.indexnow_endpoint and settings.indexnow_key
    else None
)
hub = WebSubHubClient(settings.websub_hub) if settings.websub_hub else None


@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict, context: LambdaContext) -> PartialItemFailureResponse:
    return handle_announcement_batch(event, context, indexnow=indexnow, hub=hub)
