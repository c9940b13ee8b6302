"""Comment worker: the comment queue (SQS, partial batch responses) → moderation rules → the table.

The composition root: settings (validated once, at cold start) → adapters → the worker.
"""

from aws_lambda_powertools import Logger

# Powertools' batch utility loads its pydantic models of every event source if pydantic is imported before
# it (utilities.batch.types): importing it here, first, keeps ~30 ms of them out of the cold start.
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext

from newsdesk.adapters.dynamodb.comments import CommentStore
from newsdesk.adapters.dynamodb.senders import SenderHistoryTable
from newsdesk.adapters.kms import KmsCipher
from newsdesk.batch.comments import handle_comment_batch
from newsdesk.comments.rules import RuleSettings, parse_blocklist
from newsdesk.comments.worker import Worker
from newsdesk.wiring.settings import CommentWorkerSettings
from newsdesk.wiring.tracing import lazy_tracer

logger = Logger()
tracer = lazy_tracer()

settings = CommentWorkerSettings.from_env()
worker = Worker(
    store=CommentStore(settings.table_name),
    history=SenderHistoryTable(settings.table_name),
    cipher=KmsCipher(settings.comments_data_key_id),
    rules=RuleSettings(
        blocklist=parse_blocklist(settings.comments_blocklist),
        auto_approve_returning=settings.comments_auto_approve_returning,
    ),
    personal_data_days=settings.comments_personal_data_days,
)


@logger.inject_lambda_context(log_event=False)
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict, context: LambdaContext) -> PartialItemFailureResponse:
    return handle_comment_batch(event, context, worker)
