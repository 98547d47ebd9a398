"""Descriptions as Markdown: HTML in (importers), safe HTML and plain text out (pages, calendars)."""

from __future__ import annotations

from solver.richtext import joined, looks_like_html, to_html, to_markdown, to_safe_markdown, to_text

LIST_HTML = ("<p>Topics:</p><ul><li>one <em>thing</em></li><li>two <strong>things</strong><ul><li>nested</li></ul>"
             "</li></ul><ol start='3'><li>three</li><li>four</li></ol>")


def test_html_paragraphs_and_lists_become_markdown() -> None:
    """Paragraphs stay apart, lists keep their items, nesting and numbering; emphasis is kept."""
    assert to_markdown(LIST_HTML) == ("Topics:\n\n- one *thing*\n- two **things**\n  - nested\n\n"
                                      "3. three\n4. four")
    assert to_markdown("<p>The IR passes.</p>\n<p>This talk\nsketches it.</p>") == \
        "The IR passes.\n\nThis talk sketches it."


def test_links_code_breaks_and_headings() -> None:
    """A link keeps its address, code its characters, a <br> its line; a heading becomes a bold paragraph."""
    html = ("<h2>Intro</h2><p>A <a href='https://x.org/a_b'>link</a> and <a href='https://y.org'>https://y.org"
            "</a>, <code>a*b</code>, 2*3 and [x]</p><p>line<br>break</p><pre>x = 1\n  y = 2</pre>")
    assert to_markdown(html) == ("**Intro**\n\nA [link](https://x.org/a_b) and <https://y.org>, `a*b`, 2\\*3 and "
                                 "\\[x\\]\n\nline\\\nbreak\n\n```\nx = 1\n  y = 2\n```")


def test_scripts_styles_and_unsafe_links_are_dropped() -> None:
    html = ('<p>Hi<script>alert(1)</script><style>p{}</style> <a href="javascript:alert(1)">there</a>'
            '<img src="x" onerror="alert(2)"></p>')
    assert to_markdown(html) == "Hi there"


def test_text_that_looks_like_markdown_is_escaped_when_it_came_as_html() -> None:
    """`- x` or `1. x` written in an HTML paragraph is text, not a list, once in Markdown."""
    md = to_markdown("<p>- not a list</p><p>1. nor this</p><p># nor a heading</p><p>foo_bar _x_</p>")
    assert md == "\\- not a list\n\n1\\. nor this\n\n\\# nor a heading\n\nfoo_bar \\_x\\_"
    assert to_text(md) == "- not a list\n\n1. nor this\n\n# nor a heading\n\nfoo_bar _x_"


def test_plain_text_and_markdown_are_kept_as_written() -> None:
    """31C3's plain text and pretalx's Markdown: only line ends and blank runs are tidied."""
    assert not looks_like_html("2 < 3 and *markdown*")
    assert looks_like_html("<p>x</p>") and looks_like_html("a &amp; b")
    assert to_markdown("Plain text\r\nwith lines.   \n\n\n\nAnd *markdown* kept.") == \
        "Plain text\nwith lines.\n\nAnd *markdown* kept."
    assert to_markdown("   ") == "" and to_markdown(None) == ""


def test_markdown_renders_to_sanitized_html() -> None:
    """Raw HTML shows as text, javascript: links are not links, headings are bold paragraphs."""
    html = to_html("# Title\n\nSee [site](https://a.org) or [x](javascript:alert(1)) <script>y</script>\n\n- a\n- b")
    assert html == ('<p><strong>Title</strong></p>\n<p>See <a href="https://a.org" rel="noopener noreferrer">site</a>'
                    ' or [x](javascript:alert(1)) &lt;script&gt;y&lt;/script&gt;</p>\n<ul>\n<li>a</li>\n<li>b</li>\n'
                    '</ul>')
    assert to_html("![logo](http://x/y.png)") == "" and to_html("") == ""


def test_markdown_as_plain_text_for_calendars() -> None:
    md = "Intro with *emphasis* and a [link](https://a.org).\n\n- one\n- two\n\n1. first\n2. second"
    assert to_text(md) == "Intro with emphasis and a link (https://a.org).\n\n- one\n- two\n\n1. first\n2. second"


def test_safe_markdown_for_programme_md() -> None:
    """programme.md embeds descriptions re-written from their sanitized rendering: no raw HTML, no heading."""
    assert to_safe_markdown("## Big\n\n<b>raw</b> and *kept*\n\n* item") == \
        "**Big**\n\n\\<b>raw\\</b> and *kept*\n\n- item"


def test_joined_skips_empty_texts() -> None:
    assert joined("Abstract.", None, "  ", "More.\n") == "Abstract.\n\nMore."


def test_deep_nesting_is_flattened_not_a_crash() -> None:
    """Thousands of nested elements (a hostile file) keep their text; no RecursionError, no minute-long wait."""
    import time

    started = time.perf_counter()
    assert to_markdown("<ul><li>" * 5000 + "deep").endswith("- deep")
    assert to_markdown("<blockquote>" * 5000 + "deep").endswith("deep")
    assert to_text(to_markdown("<b>" * 5000 + "deep")) == "deep"
    assert time.perf_counter() - started < 5
