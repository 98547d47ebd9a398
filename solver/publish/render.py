"""The jinja2 environment for the HTML pages: templates shipped in solver/publish/templates, autoescaped."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


@cache
def environment() -> Environment:
    """Autoescaping is on for .html templates: a title like `<script>` shows as text, never runs."""
    return Environment(
        loader=PackageLoader("solver.publish", "templates"),
        autoescape=select_autoescape(["html", "html.j2"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)
