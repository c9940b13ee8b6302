"""Scheduled action: EventBridge Scheduler → the publish or unpublish an article's schedule is for, and a
minutely sweep for any due action that has not taken effect (newsdesk.batch.scheduled).

The composition root: settings (validated once, at cold start) → the article store → the handler.
"""

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.utilities.typing import LambdaContext

from newsdesk.adapters.dynamodb.articles import ArticleStore
from newsdesk.batch.scheduled import handle_scheduled_event
from newsdesk.site.markdown import with_rendered_body
from newsdesk.wiring.settings import ScheduledActionSettings
from newsdesk.wiring.tracing import lazy_tracer

logger = Logger()
tracer = lazy_tracer()
metrics = Metrics()

settings = ScheduledActionSettings.from_env()
# Each saved version stores its body's sanitised HTML, so the renderer never converts the same Markdown twice.
articles = ArticleStore(settings.table_name, retention=settings.revisions, prepare=with_rendered_body)


@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return handle_scheduled_event(event, articles, site_tz=settings.tz, metrics=metrics)
