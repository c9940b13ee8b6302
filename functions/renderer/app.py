"""Renderer: the table's stream → static pages in S3 → one CloudFront invalidation per batch; a change of
the site's configuration renders the front page again (its lead story) or starts a full rebuild.

`refresh` runs on a schedule for the pages that change with time alone (the news sitemap's 48 hours).
The composition root: settings (validated once, at cold start) → the site's adapters
(newsdesk.wiring.site) → a publisher per batch.
"""

from aws_lambda_powertools import Logger

# Powertools' batch utility loads its pydantic models of every event source if pydantic is imported before
# it (utilities.batch.types): importing it here, first, keeps ~30 ms of them out of the cold start.
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext

from newsdesk.adapters.dynamodb.stream import TableStream
from newsdesk.batch.stream import handle_stream_batch
from newsdesk.site.changes import refresh_time_windows
from newsdesk.wiring.settings import RendererSettings
from newsdesk.wiring.site import Site
from newsdesk.wiring.tracing import lazy_tracer

logger = Logger()
tracer = lazy_tracer()

settings = RendererSettings.from_env()
site = Site.from_settings(settings)
stream = TableStream()


@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict, context: LambdaContext) -> PartialItemFailureResponse:
    return handle_stream_batch(event, context, site.publisher(), stream, site.configuration_changes())


@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler(capture_response=False)
def refresh(event: dict, context: LambdaContext) -> dict:
    return {"changed": refresh_time_windows(site.publisher())}
