"""Just enough of an HTML tree, built with the standard library's html.parser, to assert page structure.

html.parser tokenises the way browsers do where it matters here: the content of <script> and <style>
is raw text that ends at the first ``</script`` / ``</style``, so a JSON-LD breakout shows up as a second
script element, exactly as a browser would see it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
    "wbr",
}  # fmt: skip


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list[Element | str] = field(default_factory=list)
    parent: Element | None = field(default=None, repr=False)

    def get(self, name: str) -> str | None:
        return self.attrs.get(name)

    def __getitem__(self, name: str) -> str:
        value = self.attrs[name]
        assert value is not None, f"<{self.tag}> has {name} without a value"
        return value

    @property
    def text(self) -> str:
        """The text content, as a browser's textContent (entities decoded)."""
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    @property
    def normalized_text(self) -> str:
        return " ".join(self.text.split())

    def iter(self) -> Iterator[Element]:
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        """Descendants with the tag (any if None) whose attributes equal the given ones (class_ → class)."""
        wanted = {name.rstrip("_").replace("_", "-"): value for name, value in attrs.items()}
        return [
            el
            for el in self.iter()
            if (tag is None or el.tag == tag) and all(el.attrs.get(k) == v for k, v in wanted.items())
        ]

    def find(self, tag: str | None = None, **attrs: str) -> Element:
        """The one descendant that matches; fails the test if there are none or several."""
        found = self.find_all(tag, **attrs)
        assert len(found) == 1, f"expected one <{tag} {attrs}>, found {len(found)}"
        return found[0]

    def meta(self, key: str) -> str:
        """The content of <meta property=key> or <meta name=key> (exactly one)."""
        found = [m for m in self.find_all("meta") if key in (m.get("property"), m.get("name"))]
        assert len(found) == 1, f"expected one meta {key!r}, found {len(found)}"
        return found[0]["content"]

    def json_ld(self) -> Any:
        """The page's main entity: its one JSON-LD script's object, or the first of the list it holds."""
        data = self.json_ld_graph()
        return data[0]

    def json_ld_graph(self) -> list[Any]:
        """Every object of the page's one JSON-LD script."""
        script = self.find("script", type="application/ld+json")
        data = json.loads(script.text)
        return data if isinstance(data, list) else [data]


@dataclass
class Token:
    """One start tag as the tokenizer saw it (including tags inside elements html.parser cannot nest)."""

    tag: str
    attrs: list[tuple[str, str | None]]


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document")
        self.current = self.root
        self.tokens: list[Token] = []
        self.comments: list[str] = []
        self.declarations: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tokens.append(Token(tag, attrs))
        element = Element(tag, dict(attrs), parent=self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tokens.append(Token(tag, attrs))
        self.current.children.append(Element(tag, dict(attrs), parent=self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Element | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:  # unmatched end tags are ignored, as browsers do
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    def handle_decl(self, decl: str) -> None:
        self.declarations.append(decl)

    def unknown_decl(self, data: str) -> None:
        self.declarations.append(data)


@dataclass
class Document:
    root: Element
    tokens: list[Token]
    comments: list[str]
    declarations: list[str]

    def find(self, tag: str | None = None, **attrs: str) -> Element:
        return self.root.find(tag, **attrs)

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        return self.root.find_all(tag, **attrs)

    def meta(self, key: str) -> str:
        return self.root.meta(key)

    def json_ld(self) -> Any:
        return self.root.json_ld()

    def json_ld_graph(self) -> list[Any]:
        return self.root.json_ld_graph()


def parse_html(source: bytes | str) -> Document:
    text = source.decode("utf-8") if isinstance(source, bytes) else source
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return Document(builder.root, builder.tokens, builder.comments, builder.declarations)


# ----- what must never be in a public page ---------------------------------------------------------

# Elements that run code, load active content or restyle the page.
ACTIVE_ELEMENTS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "style", "base",
    "template", "portal", "noscript",
}  # fmt: skip
# The site's own scripts are static files under /assets/ (content-hashed), loaded by src only.
OWN_SCRIPT_PREFIX = "/assets/"
URL_ATTRIBUTES = {
    "href",
    "src",
    "srcset",
    "action",
    "formaction",
    "xlink:href",
    "poster",
    "data",
    "background",
}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")


def _scheme_of(url: str) -> str:
    # Browsers ignore ASCII whitespace and control characters inside a scheme ("java\tscript:").
    squeezed = "".join(ch for ch in url if ord(ch) > 32).lower()
    return squeezed


def _own_script(attrs: dict[str, str | None]) -> bool:
    src = attrs.get("src") or ""
    return set(attrs) <= {"src", "defer"} and src.startswith(OWN_SCRIPT_PREFIX) and src.endswith(".js")


def executable_content(doc: Document, *, json_ld_scripts: int) -> list[str]:
    """Everything in a parsed page that could run code, except `json_ld_scripts` JSON-LD scripts and the
    site's own static scripts (``<script src="/assets/….js" defer>``, which no field can produce: every
    field is escaped, and the body's sanitiser allows no script at all)."""
    problems: list[str] = []
    scripts = 0
    for token in doc.tokens:
        attrs = dict(token.attrs)
        if token.tag == "script" and attrs.get("type") == "application/ld+json" and len(token.attrs) == 1:
            scripts += 1
            if scripts > json_ld_scripts:
                problems.append("an extra JSON-LD <script>")
        elif token.tag == "script" and _own_script(attrs):
            pass
        elif token.tag in ACTIVE_ELEMENTS:
            problems.append(f"<{token.tag}> element")
        if token.tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            problems.append("<meta http-equiv=refresh>")
        for name, value in token.attrs:
            if name.startswith("on"):
                problems.append(f"<{token.tag} {name}=…> event handler")
            if name == "style":
                problems.append(f"<{token.tag} style=…>")
            if name in URL_ATTRIBUTES and value is not None and _scheme_of(value).startswith(BAD_SCHEMES):
                problems.append(f"<{token.tag} {name}={value!r}>")
    if scripts != json_ld_scripts:
        problems.append(f"{scripts} JSON-LD scripts, expected {json_ld_scripts}")
    problems.extend(f"HTML comment {c!r}" for c in doc.comments)
    problems.extend(f"declaration {d!r}" for d in doc.declarations if d.lower() != "doctype html")
    return problems
