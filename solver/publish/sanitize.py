"""Texts for schedule.xml and schedule.json: safe whether a conference app shows them as plain text, renders them
as Markdown or as HTML (the voc schemas say only "string", and apps do all three).

- `plain(text)`, for titles, names, tracks: plain text on one line (line breaks become spaces: apps show
  these on one line) with any HTML markup removed, its words kept (`<script>alert(1)</script>` is `alert(1)`,
  a title made only of markup still says something). Markup is a comment, a tag of an HTML element, or any tag
  with attributes; `Option<T>`, `vector<int>` or `a<b` are text, kept as written (no HTML renderer finds an
  element with an attribute in them), and so is everything else, entities included.
- `markup(text)`, for abstracts, descriptions and biographies (Markdown, as pretalx publishes them): the
  sanitized Markdown the pages render (solver.richtext.to_safe_markdown: links only to http, https and mailto,
  no image, no raw HTML), where every `<` that could open a tag is written `&lt;`, which Markdown and HTML both
  show as `<`, and an address in angle brackets becomes a Markdown link: no HTML renderer finds an element in it.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import nh3

from solver.publish.view import one_line
from solver.richtext import to_safe_markdown

ELEMENTS = frozenset({"a", "abbr", "address", "area", "article", "aside", "audio", "b", "base", "bdi", "bdo",
    "blockquote", "body", "br", "button", "canvas", "caption", "cite", "code", "col", "colgroup", "data", "datalist",
    "dd", "del", "details", "dfn", "dialog", "div", "dl", "dt", "em", "embed", "fieldset", "figcaption", "figure",
    "font", "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hr",
    "html", "i", "iframe", "img", "input", "ins", "kbd", "label", "legend", "li", "link", "main", "map", "mark",
    "marquee", "math", "menu", "meta", "meter", "nav", "noscript", "object", "ol", "optgroup", "option", "output",
    "p", "param", "picture", "pre", "progress", "q", "rp", "rt", "ruby", "s", "samp", "script", "section", "select",
    "slot", "small", "source", "span", "strong", "style", "sub", "summary", "sup", "svg", "table", "tbody", "td",
    "template", "textarea", "tfoot", "th", "thead", "time", "title", "tr", "track", "u", "ul", "var", "video", "wbr",
    "xmp"})
# a comment or declaration, an HTML element's tag, or a tag with attributes (or left open: `<x` then a space)
_MARKUP = re.compile(r"<[!?]|</?(?:" + "|".join(sorted(ELEMENTS)) + r")(?![\w-])|</?[A-Za-z][^\s/>]*[\s/]",
                     re.IGNORECASE)
_ESCAPED_TAG = re.compile(r"\\?<(?=[A-Za-z/!?])")
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^<>\s\"'`]*)>", re.IGNORECASE)
_MD_SPECIAL = re.compile(r"([\\`*_\[\]])")
PASSES = 5  # tag removal repeated this often at most (`<<b>script>` is `<script>` once `<b>` is gone)


@lru_cache(maxsize=8192)
def plain(text: str | None) -> str:
    """`text` on one line, without HTML tags (their text kept)."""
    if not text:
        return ""
    text = one_line(text)
    for _ in range(PASSES):
        if not _MARKUP.search(text):
            return text
        # `&` written `&amp;` first, so entities in the text come back as written, not as characters
        text = html.unescape(nh3.clean(text.replace("&", "&amp;"), tags=set(), clean_content_tags=set()))
    return text.replace("<", "")  # still markup after so many passes (nested on purpose): no `<` at all


@lru_cache(maxsize=8192)
def markup(text: str | None) -> str:
    """A Markdown description made safe for any renderer (see the module's docstring)."""
    md = to_safe_markdown(text)
    if "<" not in md:
        return md
    md = _AUTOLINK.sub(_link, md)
    return _ESCAPED_TAG.sub("&lt;", md)


def _link(found: re.Match[str]) -> str:
    """`<https://x.org>` as `[https://x.org](https://x.org)`: the same link in Markdown, no element in HTML."""
    address = found.group(1)
    return "[" + _MD_SPECIAL.sub(r"\\\1", address) + "](" + address + ")"
