"""Full rebuild: `start` plans and enqueues chunks; `worker` renders one chunk per SQS message.

The composition root of two functions with different settings (RebuildStartFunction: the table and the
queue; RebuildWorkerFunction: the renderer's), so each handler reads its own once, on its first call.
"""

from functools import cache

from aws_lambda_powertools import Logger

# Powertools' batch utility loads its pydantic models of every event source if pydantic is imported before
# it (utilities.batch.types): importing it here, first, keeps ~30 ms of them out of the cold start.
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext

from newsdesk.adapters.dynamodb.rebuilds import RebuildTracker
from newsdesk.batch.rebuild import handle_rebuild_batch
from newsdesk.wiring.settings import RebuildSettings, RendererSettings
from newsdesk.wiring.site import Site, start_rebuild
from newsdesk.wiring.tracing import lazy_tracer

logger = Logger()
tracer = lazy_tracer()


@cache
def start_settings() -> RebuildSettings:
    return RebuildSettings.from_env()


@cache
def worker_site() -> tuple[Site, RebuildTracker]:
    settings = RendererSettings.from_env()
    return Site.from_settings(settings), RebuildTracker(settings.table_name)


@logger.inject_lambda_context(log_event=True)
@tracer.capture_lambda_handler
def start(event: dict, context: LambdaContext) -> dict:
    settings = start_settings()
    status = start_rebuild(
        None, None, table_name=settings.table_name, queue_url=settings.rebuild_queue_url, tz=settings.tz
    )
    logger.info("rebuild started", rebuild_id=status.rebuild_id, chunks=status.total)
    return {"rebuild_id": status.rebuild_id, "chunks": status.total}


@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler(capture_response=False)
def worker(event: dict, context: LambdaContext) -> PartialItemFailureResponse:
    site, tracker = worker_site()
    return handle_rebuild_batch(event, context, site.publisher, tracker, site.cdn)
