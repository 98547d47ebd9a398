"""`salle rules`: the rule catalogue, and what the constraint files make of it."""

from __future__ import annotations

from typing import Annotated

import typer
from rich import box
from rich.table import Table

from solver import app as service
from solver.cli.console import ConstraintsOpt, fail_input, out
from solver.config import Config, load_config
from solver.errors import InputError
from solver.publish.summary import constraint_files_line
from solver.rules import REGISTRY
from solver.rules.catalogue import default_mode, markdown_table


def rules(
    constraints: ConstraintsOpt = None,
    markdown: Annotated[bool, typer.Option("--markdown", help="Print the table as Markdown (as in README).")] = False,
) -> None:
    """List every rule: name, hard/soft by default, weight, parameters and meaning."""
    if markdown:
        print(markdown_table(), end="")
        return
    try:
        config = load_config(service.resolve_constraints(constraints)) if constraints else None
    except InputError as exc:
        raise fail_input(exc) from None
    out.print(rules_table(config))
    if config is not None:
        out.print(constraint_files_line(config.files), markup=False)


def rules_table(config: Config | None = None) -> Table:
    """The catalogue for a terminal: with `config`, each rule's mode, weight and parameters as your files set
    them (the default's mode first when they change it). Rule names and values never wrap; the meaning wraps at
    spaces, so an 80-column terminal cuts no word."""
    table = Table(show_lines=True, box=box.SQUARE, padding=(0, 1))
    table.add_column("rule", no_wrap=True, min_width=max(map(len, REGISTRY)))
    table.add_column("default" if config is None else "mode", min_width=4)
    table.add_column("weight", justify="right", no_wrap=True)
    table.add_column("meaning and parameters", ratio=1, min_width=24, overflow="fold")
    for name, rule in REGISTRY.items():
        mode, weight = default_mode(rule), rule.defaults.weight
        values = {k: f.default for k, f in rule.params.model_fields.items()}
        if config is not None:
            mine = config[name]
            mode = mode if mine.mode == mode else f"{mine.mode} (default {mode})"
            weight = mine.settings.weight
            values = mine.params.model_dump()
        meaning = rule.summary.split(":", 1)[1].strip() if ":" in rule.summary else rule.summary
        if values:
            meaning += "\nparameters: " + ", ".join(f"{k}={v}" for k, v in values.items())
        table.add_row(name, mode, str(weight), meaning)
    return table
