"""Preview: API Gateway (REST, no authorizer) → a share link's preview of an article
(newsdesk.http.previews.preview_api).

The composition root: settings (validated once, at cold start) → adapters (the articles table, read
only; the share-link key, VerifyMac only) → the route. Adapters make their AWS clients on first use.
"""

import dataclasses

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from newsdesk.adapters.dynamodb.articles import ArticleStore
from newsdesk.adapters.dynamodb.site_config import SiteConfigStore
from newsdesk.adapters.kms import KmsMac
from newsdesk.http.previews import preview_api
from newsdesk.wiring.settings import PreviewSettings
from newsdesk.wiring.tracing import lazy_tracer

logger = Logger()
tracer = lazy_tracer()

settings = PreviewSettings.from_env()
articles = ArticleStore(settings.table_name)
app = preview_api(
    articles,
    KmsMac(settings.preview_link_key_id),
    # Previews show the site's masthead, menu and footer as editors configured them.
    dataclasses.replace(settings.preview_site(), configuration=SiteConfigStore(settings.table_name)),
    origin_secrets=settings.accepted_origin_secrets,
)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, log_event=False)
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
