"""Article bodies: Markdown to HTML, then sanitised so nothing an author or a wire feed sends can run."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import nh3
from markupsafe import Markup

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
