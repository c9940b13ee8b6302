"""Comment retention: once a day, the sender's email and IP are removed from spam and rejected comments
whose period is over (newsdesk.comments.retention); the comments' text stays.

The composition root: settings (validated once, at cold start) → the table adapter → the removal. The
counts go to the log and, as metrics, to CloudWatch (embedded metric format).
"""

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from newsdesk.adapters.dynamodb.comments import CommentStore
from newsdesk.clock import utc_now
from newsdesk.comments.retention import remove_due_personal_data
from newsdesk.wiring.settings import CommentRetentionSettings
from newsdesk.wiring.tracing import lazy_tracer

logger = Logger()
tracer = lazy_tracer()
metrics = Metrics()

settings = CommentRetentionSettings.from_env()
store = CommentStore(settings.table_name)


@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    report = remove_due_personal_data(store, now=utc_now())
    metrics.add_metric(name="CommentPersonalDataRemoved", unit=MetricUnit.Count, value=report.removed)
    metrics.add_metric(name="CommentPersonalDataSkipped", unit=MetricUnit.Count, value=report.skipped)
    return {"due": report.due, "removed": report.removed, "skipped": report.skipped}
