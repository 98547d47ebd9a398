"""Descriptions and biographies as salle keeps them: Markdown text, from HTML on the way in, to safe HTML or plain
text on the way out.

- `to_markdown(text)`: what an importer stores. HTML (FOSDEM's and frab's abstracts) is sanitized by nh3, then
  walked into Markdown that keeps paragraphs, lists, emphasis, links and code (a heading becomes a bold
  paragraph: a description sits under the page's own headings); text that is not HTML (pretalx's Markdown,
  31C3's plain text) is kept as written, line ends and blank runs tidied.
- `to_html(text)`: what a page shows: the Markdown rendered by markdown-it-py (CommonMark, raw HTML off, so a
  `<script>` shows as text) and sanitized by nh3 (links only to http, https and mailto).
- `to_text(text)`: what a calendar shows: the same rendering read back as plain text (paragraphs and list
  items on their own lines, a link as `text (address)`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from html.parser import HTMLParser

import nh3
from markdown_it import MarkdownIt

BLOCKS = {"p", "div", "ul", "ol", "li", "blockquote", "pre", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
          "table", "tr", "dl", "dt", "dd", "section", "article", "header", "footer", "figure"}
KEPT = BLOCKS | {"br", "a", "em", "i", "strong", "b", "code", "td", "th"}
SCHEMES = {"http", "https", "mailto"}
_VOID = {"br", "hr", "img", "wbr"}
MAX_DEPTH = 40  # elements nested deeper than this (only a hostile file does) are flattened: no RecursionError
_LOOKS_HTML = re.compile(r"<(?:p|br|div|ul|ol|li|em|strong|b|i|a|h[1-6]|pre|code|blockquote|span|table|tr|td|"
                         r"font|hr)\b[^>]*>|&(?:lt|gt|amp|quot|nbsp|#\d+|#x[0-9a-f]+);", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_DOUBLE_SPACE = re.compile(r" {2,}")
_AROUND_BREAK = re.compile(r"[ \t]*\n[ \t]*")
_BLANK_RUN = re.compile(r"\n{3,}")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass
class Node:
    """An element of the sanitized tree (`tag` "" is the root); children are Nodes and text strings."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if len(self.stack) > MAX_DEPTH:  # deeper elements keep their text, not their markup
            return
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def _parse(html: str) -> Node:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


def _html(node: Node | str) -> str:
    """A parsed tree written back as HTML (text escaped, attributes quoted)."""
    if isinstance(node, str):
        return escape(node, quote=False)
    inner = "".join(_html(c) for c in node.children)
    if not node.tag:
        return inner
    attrs = "".join(f' {k}="{escape(v)}"' for k, v in node.attrs.items())
    return f"<{node.tag}{attrs}>" if node.tag in _VOID else f"<{node.tag}{attrs}>{inner}</{node.tag}>"


def _tree(html: str, clean: bool = True) -> Node:
    """The parsed tree of `html`, sanitized by nh3 first unless it already was (`clean=False`). Nesting is
    capped first (nh3 slows down sharply on thousands of nested elements)."""
    if not clean:
        return _parse(html)
    capped = _html(_parse(html))
    return _parse(nh3.clean(capped, tags=KEPT, attributes={"a": {"href"}, "ol": {"start"}}, url_schemes=SCHEMES,
                            link_rel=None))


_ESCAPE = re.compile(r"([\\`*\[\]<]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|&(?=#?\w+;))")
_LINE_START = re.compile(r"^([#>+=-]|\d+(?=[.)]))(?=[.)]?(?:\s|$))")


def _escape_start(m: re.Match[str]) -> str:
    """`- x` → `\\- x`, `1. x` → `1\\. x`: a paragraph that would start a list, quote or heading."""
    mark = m.group(1)
    return f"{mark}\\" if mark[0].isdigit() else f"\\{mark}"


def _escape(text: str) -> str:
    """Text that Markdown shows as written (no emphasis, link or code from a stray `*`, `[` or backtick)."""
    return _ESCAPE.sub(r"\\\1", text)


class _Writer:
    """Walks a tree into Markdown (`markdown=True`) or plain text."""

    def __init__(self, markdown: bool) -> None:
        self.md = markdown

    def blocks(self, node: Node) -> list[str]:
        """The node's content as blocks (paragraphs, lists…), loose inline runs becoming paragraphs."""
        out: list[str] = []
        run: list[Node | str] = []

        def flush() -> None:
            text = self.inline(run).strip()
            if text:
                out.append(self._line_start(text))
            run.clear()

        for child in node.children:
            if isinstance(child, Node) and child.tag in BLOCKS:
                flush()
                out += [b for b in self.block(child) if b.strip()]
            else:
                run.append(child)
        flush()
        return out

    def _line_start(self, text: str) -> str:
        if not self.md:
            return text
        return "\n".join(_LINE_START.sub(_escape_start, line) for line in text.split("\n"))

    def block(self, node: Node) -> list[str]:
        tag = node.tag
        if tag in ("ul", "ol"):
            return [self.listing(node)]
        if tag == "pre":
            code = "".join(_raw(node)).strip("\n")
            if not self.md:
                return [code]
            fence = "~~~" if "```" in code else "```"
            return [f"{fence}\n{code}\n{fence}"]
        if tag == "hr":
            return ["---" if self.md else "—"]
        if tag == "blockquote":
            inner = "\n\n".join(self.blocks(node))
            return ["\n".join(f"> {line}".rstrip() for line in inner.split("\n"))] if self.md else [inner]
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = self.inline(node.children).strip()
            return [f"**{text}**" if self.md and text else text]
        if tag == "tr":
            cells = [self.inline(c.children).strip() for c in node.children if isinstance(c, Node)]
            return [" | ".join(c for c in cells if c)]
        if tag in ("table", "dl"):
            return ["\n".join(self.blocks(node))]
        return self.blocks(node)

    def listing(self, node: Node) -> str:
        ordered = node.tag == "ol"
        start = node.attrs.get("start", "1")
        n = int(start) if start.isdigit() else 1
        items = []
        for child in node.children:
            if not isinstance(child, Node) or child.tag != "li":
                continue
            marker = f"{n}. " if ordered else "- "
            n += 1
            body = "\n".join(self.blocks(child)) or ""
            pad = " " * len(marker)
            lines = body.split("\n")
            items.append(marker + lines[0] + "".join(f"\n{pad}{line}" if line else "\n" for line in lines[1:]))
        return "\n".join(items)

    def inline(self, children: list[Node | str]) -> str:
        parts: list[str] = []
        for child in children:
            if isinstance(child, str):
                text = _SPACES.sub(" ", child)
                parts.append(_escape(text) if self.md else text)
                continue
            tag = child.tag
            if tag == "br":
                parts.append("\\\n" if self.md else "\n")
                continue
            inner = self.inline(child.children)
            if tag in BLOCKS:  # a block inside an inline element: keep its words
                parts.append(" " + inner + " ")
            elif tag in ("em", "i") and self.md and inner.strip():
                parts.append(_wrap(inner, "*"))
            elif tag in ("strong", "b") and self.md and inner.strip():
                parts.append(_wrap(inner, "**"))
            elif tag == "code" and inner.strip():
                code = "".join(_raw(child))
                parts.append(f"`{code}`" if self.md and "`" not in code else code)
            elif tag == "a" and child.attrs.get("href"):
                parts.append(self.link(inner, child.attrs["href"]))
            else:
                parts.append(inner)
        return _AROUND_BREAK.sub("\n", _DOUBLE_SPACE.sub(" ", "".join(parts)))

    def link(self, inner: str, href: str) -> str:
        label = inner.strip()
        shown = label.replace("\\", "")
        if not self.md:
            return href if not label or shown in (href, href.removeprefix("mailto:")) else f"{label} ({href})"
        target = href.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
        if not label or shown == href:
            return f"<{target}>"
        return f"[{label}]({target})"


def _wrap(text: str, mark: str) -> str:
    """`*word*` with the spaces the element held kept outside the markers (`* word*` would not emphasize)."""
    lead, core, trail = re.match(r"(\s*)(.*?)(\s*)$", text, re.DOTALL).groups()  # type: ignore[union-attr]
    return f"{lead}{mark}{core}{mark}{trail}"


def _raw(node: Node) -> list[str]:
    """Every text below `node`, as written (for code)."""
    return [c if isinstance(c, str) else "\n" if c.tag == "br" else "".join(_raw(c)) for c in node.children]


def _tidy(text: str) -> str:
    """Line ends as `\\n`, no trailing spaces (a `\\` line break stays), at most one blank line in a row."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_RUN.sub("\n\n", text).strip()


def looks_like_html(text: str) -> bool:
    """Whether `text` holds HTML tags or entities (FOSDEM's `<p>…</p>`), rather than Markdown or plain text."""
    return bool(_LOOKS_HTML.search(text))


def to_markdown(text: str | None) -> str:
    """An imported description or biography as Markdown: HTML converted, anything else tidied as it is."""
    if not text or not text.strip():
        return ""
    if not looks_like_html(text):
        return _tidy(text)
    return _tidy("\n\n".join(_Writer(markdown=True).blocks(_tree(text))))


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "breaks": False})


@lru_cache(maxsize=8192)
def to_html(text: str | None) -> str:
    """Markdown as sanitized HTML for a page (headings shown as bold paragraphs; no raw HTML, no scripts)."""
    if not text or not text.strip():
        return ""
    html = _parser().render(text)  # raw HTML is off: a `<h1>` in the text is escaped, never matched below
    for level in range(1, 7):
        html = html.replace(f"<h{level}>", "<p><strong>").replace(f"</h{level}>", "</strong></p>")
    html = nh3.clean(html, tags=KEPT - {"div", "section", "article", "header", "footer", "figure"},
                     attributes={"a": {"href"}, "ol": {"start"}}, url_schemes=SCHEMES)
    return re.sub(r"<p>\s*</p>\n?", "", html).strip()  # e.g. what held only an image


@lru_cache(maxsize=8192)
def to_text(text: str | None) -> str:
    """Markdown as plain text (calendars): no markers, a link as `text (address)`, one blank line between
    paragraphs, list items on their own lines."""
    if not text or not text.strip():
        return ""
    return _tidy("\n\n".join(_Writer(markdown=False).blocks(_tree(to_html(text), clean=False))))


# what to_safe_markdown must rewrite: raw HTML or an entity, a heading (ATX or setext), an image, a link
_UNSAFE_MARKDOWN = re.compile(r"[<&]|^ {0,3}(?:#|=+\s*$|-+\s*$)|!\[|\]\(|\]:", re.MULTILINE)


@lru_cache(maxsize=8192)
def to_safe_markdown(text: str | None) -> str:
    """Markdown re-written from its sanitized rendering, for a Markdown page (programme.md): the same
    paragraphs, lists, emphasis and links, but no raw HTML, no heading and no link but http, https and mailto.
    Text without any of these is returned as it is (most descriptions: the rewrite costs a millisecond)."""
    if not text or not text.strip():
        return ""
    return to_markdown(to_html(text)) if _UNSAFE_MARKDOWN.search(text) else text.strip()


def joined(*texts: str | None) -> str:
    """Several Markdown texts as one (a session's description, then its details), blank-line separated."""
    return "\n\n".join(t.strip() for t in texts if t and t.strip())
