"""An article body becomes sanitised HTML once per saved version: stored with the article, used by the
renderer while it is the body's, made again when the body changes, and never a way around the sanitiser."""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsdesk.adapters.dynamodb.articles import ArticleStore
from newsdesk.adapters.dynamodb.keys import article_pk, revision_sk
from newsdesk.adapters.dynamodb.published import PublishedArticles
from newsdesk.articles.models import RenderedBody
from newsdesk.site import markdown, pages
from tests.render.conftest import HOSTILE, SITE, hostile_article, make_article
from tests.render.dom import executable_content, parse_html

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


def test_a_stored_copy_of_the_body_is_what_the_page_shows() -> None:
    # Given an article whose stored HTML is the one made for its body (marked, to tell it apart)
    article = make_article(body="The *monsoon* arrived.")
    stored = RenderedBody(digest=markdown.body_digest(article.body), html="<p>made when it was saved</p>")
    article = article.model_copy(update={"rendered_body": stored})

    # When its page is rendered
    page = pages.article_page(SITE, article).body.decode()

    # Then the stored HTML is used as it is: the Markdown was not converted again
    assert "<p>made when it was saved</p>" in page
    assert "<em>monsoon</em>" not in page


def test_a_changed_body_is_rendered_from_its_text_not_from_the_stale_copy() -> None:
    # Given an article saved with its body's HTML, then given a new body without a new copy
    saved = markdown.with_rendered_body(make_article(body="Old *text*."))
    edited = saved.model_copy(update={"body": "New **text**."})

    # When the edited article's page is rendered
    page = pages.article_page(SITE, edited).body.decode()

    # Then it shows the new body; preparing it for storage makes a new copy, with a new digest
    assert "<strong>text</strong>" in page
    assert "Old" not in page
    again = markdown.with_rendered_body(edited)
    assert again.rendered_body is not None and saved.rendered_body is not None
    assert again.rendered_body.digest != saved.rendered_body.digest
    assert "<strong>text</strong>" in again.rendered_body.html


def test_an_unchanged_body_keeps_its_stored_copy() -> None:
    # Given an article already saved with its body's HTML
    saved = markdown.with_rendered_body(make_article(body="Rain in *Kochi*."))

    # When it is prepared for storage again with other fields changed (a new headline, say)
    again = markdown.with_rendered_body(saved.model_copy(update={"headline": "Rain again"}))

    # Then the same stored copy is kept
    assert again.rendered_body == saved.rendered_body
    assert again.headline == "Rain again"


def test_hostile_markdown_is_sanitised_in_the_stored_copy_and_on_the_page() -> None:
    # Given articles whose bodies carry every hostile payload and the hostile Markdown
    for payload in HOSTILE.values():
        article = markdown.with_rendered_body(hostile_article(payload))

        # When the stored copy is made and the page rendered from it
        assert article.rendered_body is not None
        page = pages.article_page(SITE, article).body

        # Then neither the stored HTML nor the page can run anything
        assert executable_content(parse_html(article.rendered_body.html), json_ld_scripts=0) == []
        assert executable_content(parse_html(page), json_ld_scripts=1) == []
        links = [
            (el.get("href") or el.get("src") or "").strip().lower()
            for el in parse_html(article.rendered_body.html).find_all()
        ]
        assert not [url for url in links if url.startswith(("javascript:", "vbscript:", "data:"))]
        # And the stored copy is exactly what the sanitiser makes of the body at render time
        assert article.rendered_body.html == markdown.render_markdown(article.body)


def test_a_body_too_large_to_store_as_html_is_made_at_render_time() -> None:
    # Given a body whose HTML is larger than an item may hold beside it
    body = "\n\n".join(f"- item {i}" for i in range(30_000))[: 100 * 1024 - 10]

    # When it is prepared for storage
    article = markdown.with_rendered_body(make_article(body=body))

    # Then no copy is stored, and its page still shows it
    assert article.rendered_body is None
    assert "<p>item 29</p>" in pages.article_page(SITE, article).body.decode()


def test_the_store_saves_the_copy_with_the_article_and_not_with_its_revisions(
    dynamodb_client: DynamoDBClient, articles_table: str
) -> None:
    # Given a store that prepares every version it writes, as the editor API's does
    store = ArticleStore(articles_table, dynamodb_client, prepare=markdown.with_rendered_body)
    article = make_article(body="The council met on *Monday*.")

    # When the article is created, then saved with a new body
    store.create(article)
    edited = article.model_copy(update={"body": "The council met on *Tuesday*.", "version": 3})
    store.save(edited, article)

    # Then the renderer reads the new body's copy with it, and the revisions hold only the text
    live = PublishedArticles(articles_table, dynamodb_client).get(article.id)
    assert live is not None and live.rendered_body is not None
    assert live.rendered_body.digest == markdown.body_digest(edited.body)
    assert "<em>Tuesday</em>" in live.rendered_body.html
    for version in (article.version, edited.version):
        revision = dynamodb_client.get_item(
            TableName=articles_table,
            Key={"PK": {"S": article_pk(article.id)}, "SK": {"S": revision_sk(version)}},
        )["Item"]
        assert "rendered_body" not in revision
        assert "body" in revision
