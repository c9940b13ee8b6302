"""Article bodies: Markdown to HTML, then sanitised so nothing an author or a wire feed sends can run.

Making a body's HTML is most of the work of an article page, so it is done once per saved version: the
editor API stores it with the version (`with_rendered_body`, an Article.rendered_body), and the renderer
uses the stored copy while its digest matches the body (`body_html`). A body without a matching stored copy
(an older item, a preview, a body changed by a path that did not make one) is made at render time and kept
in a small per-process cache keyed by the same digest, so a re-render of the same text reuses it.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from functools import cache
from typing import TYPE_CHECKING

import nh3
from markupsafe import Markup

from newsdesk.articles.models import Article, RenderedBody

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "b",
    "i",
    "s",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "sup",
    "sub",
}
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
    "code": {"class"},
}
_SCHEMES = {"http", "https", "mailto"}


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # Raw HTML in Markdown is not passed through at all; links and images still go through nh3.
    return MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(["table", "strikethrough"])


def markdown_to_html(source: str) -> str:
    md = _parser()
    tokens = md.parse(source)
    for token in tokens:
        # The page's <h1> is the headline; headings in the body start one level below it.
        if token.type in ("heading_open", "heading_close") and token.tag == "h1":
            token.tag = "h2"
    return md.renderer.render(tokens, md.options, {})


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel="noopener",
        strip_comments=True,
    )


def render_markdown(source: str) -> Markup:
    """Markdown → safe HTML, ready to place in a template without further escaping."""
    return Markup(sanitize_html(markdown_to_html(source)))


# ----- once per saved version ------------------------------------------------------------------------

# HTML larger than this is not stored with the article (a DynamoDB item holds at most 400 KB, and the body
# itself may take 100 KB): such a body is made at render time instead.
MAX_STORED_HTML_BYTES = 160 * 1024
CACHED_BODIES = 64


@cache
def _rules() -> bytes:
    """What the HTML of a body depends on besides its text: the parser's options and the sanitiser's lists
    and versions. A change to any of them changes every digest, so stored copies are made again."""
    from importlib.metadata import version  # not at import: it costs a cold start a few milliseconds

    rules = (
        sorted(_TAGS),
        sorted((tag, sorted(names)) for tag, names in _ATTRIBUTES.items()),
        sorted(_SCHEMES),
        version("markdown-it-py"),
        version("nh3"),
        "commonmark+table+strikethrough,typographer,h1->h2,rel=noopener",
    )
    return repr(rules).encode()


def body_digest(source: str) -> str:
    """The digest that names a body's HTML: its text and the rules it is made with."""
    return hashlib.sha256(_rules() + b"\0" + source.encode("utf-8")).hexdigest()


_made: OrderedDict[str, str] = OrderedDict()


def forget_cached_bodies() -> None:
    """Empty this process's cache of bodies made at render time."""
    _made.clear()


def _made_html(digest: str, source: str) -> str:
    html = _made.get(digest)
    if html is None:
        html = sanitize_html(markdown_to_html(source))
        _made[digest] = html
        if len(_made) > CACHED_BODIES:
            _made.popitem(last=False)
    else:
        _made.move_to_end(digest)
    return html


def rendered_body(source: str) -> RenderedBody:
    digest = body_digest(source)
    return RenderedBody(digest=digest, html=_made_html(digest, source))


def with_rendered_body(article: Article) -> Article:
    """`article` with its body's sanitised HTML, to be stored with it (made only if the stored copy is
    missing or stale; left out when it is too large to store)."""
    digest = body_digest(article.body)
    if article.rendered_body is not None and article.rendered_body.digest == digest:
        return article
    html = _made_html(digest, article.body)
    if len(html.encode("utf-8")) > MAX_STORED_HTML_BYTES:
        return article.model_copy(update={"rendered_body": None})
    return article.model_copy(update={"rendered_body": RenderedBody(digest=digest, html=html)})


def body_html(article: Article) -> Markup:
    """The article body as safe HTML: the stored copy when it is the body's, else made (and cached) now."""
    digest = body_digest(article.body)
    stored = article.rendered_body
    if stored is not None and stored.digest == digest:
        return Markup(stored.html)
    return Markup(_made_html(digest, article.body))
