"""Editor API: API Gateway (REST) → the Powertools resolver of newsdesk.http.editor_api.

The composition root: settings (validated once, at cold start) → adapters → routes. Adapters make their
AWS clients on first use, so a cold start pays for no boto3 until a request needs AWS.
"""

import dataclasses

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from newsdesk.adapters.dynamodb.articles import ArticleStore
from newsdesk.adapters.dynamodb.authors import AuthorStore
from newsdesk.adapters.dynamodb.comments import CommentStore
from newsdesk.adapters.dynamodb.media import MediaStore
from newsdesk.adapters.dynamodb.site_config import SiteConfigStore
from newsdesk.adapters.kms import KmsCipher, KmsMac
from newsdesk.adapters.s3 import MediaBucket
from newsdesk.adapters.scheduler import EventBridgeScheduler
from newsdesk.http.editor_api import editor_api
from newsdesk.site.markdown import with_rendered_body
from newsdesk.wiring.settings import EditorApiSettings, PreviewSiteSettings
from newsdesk.wiring.tracing import lazy_tracer

logger = Logger()
tracer = lazy_tracer()

settings = EditorApiSettings.from_env()
previews = PreviewSiteSettings.from_env()
# Each saved version stores its body's sanitised HTML, so the renderer never converts the same Markdown twice.
articles = ArticleStore(settings.table_name, retention=settings.revisions, prepare=with_rendered_body)
comments = CommentStore(settings.table_name)
cipher = KmsCipher(settings.comments_data_key_id) if settings.comments_data_key_id else None
site_config = SiteConfigStore(settings.table_name)
scheduler = (
    EventBridgeScheduler(settings.schedule_group, settings.scheduled_action_arn, settings.scheduler_role_arn)
    if settings.schedule_group and settings.scheduled_action_arn and settings.scheduler_role_arn
    else None
)
app = editor_api(
    articles,
    comments,
    cipher=cipher,
    site_tz=settings.tz,
    origin_secrets=settings.accepted_origin_secrets,
    personal_data_days=settings.comments_personal_data_days,
    scheduler=scheduler,
    # Previews show the site's masthead, menu and footer as editors configured them.
    preview_site=dataclasses.replace(previews.preview_site(), configuration=site_config),
    preview_signer=KmsMac(previews.preview_link_key_id) if previews.preview_link_key_id else None,
    media=MediaStore(settings.table_name),
    uploads=MediaBucket(settings.site_bucket) if settings.site_bucket else None,
    site_config=site_config,
    authors=AuthorStore(settings.table_name),
)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, log_event=False)
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
