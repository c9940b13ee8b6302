"""Comment intake: API Gateway (REST) → validate a reader's comment → the comment queue.

The composition root: settings (validated once, at cold start) → adapters → the intake → its routes on
the same resolver as the editor API, without pydantic request validation: this public route must start
fastest of all the functions, and boto3 comes with the first request that needs AWS.
"""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from newsdesk.adapters.dynamodb.gates import SenderGateTable
from newsdesk.adapters.dynamodb.senders import PublicationTable, SenderHistoryTable
from newsdesk.adapters.kms import KmsCipher, KmsMac
from newsdesk.adapters.sqs import CommentQueue
from newsdesk.comments.intake import CommentIntake
from newsdesk.http.intake import intake_api
from newsdesk.wiring.intake_settings import IntakeSettings
from newsdesk.wiring.tracing import lazy_tracer

logger = Logger()
tracer = lazy_tracer()

settings = IntakeSettings.from_env()
intake = CommentIntake(
    PublicationTable(settings.table_name),
    SenderHistoryTable(settings.table_name),
    CommentQueue(settings.queue_url),
    KmsMac(settings.mac_key_id),
    settings.policy,
    gate=SenderGateTable(settings.table_name),
    sealer=KmsCipher(settings.data_key_id),
)
app = intake_api(intake, origin_secrets=settings.origin_secrets)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, log_event=False)
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
