"""`salle rules`: the rule catalogue, and what the constraint files make of it.

One line per rule (name, mode, weight, what it asks, cut to the terminal's width: 80 columns by default when
piped), then, with `--constraints`, every setting the files change, in full: `track_room: weight 7 (default
5)`; a rule they change is marked `*` on its line. `--markdown` prints the full table (the README's).
"""

from __future__ import annotations

import shutil
from typing import Annotated

import typer
from rich.text import Text

from solver import app as service
from solver.cli.console import ConstraintsOpt, fail_input, out
from solver.config import Config, RuleConfig, load_config
from solver.errors import InputError
from solver.publish.summary import constraint_files_line
from solver.rules import REGISTRY, Rule
from solver.rules.catalogue import default_mode, markdown_table, short_meaning

MIN_MEANING = 20  # the meaning column keeps at least this many characters, however narrow the terminal
MARK = "*"


def rules(
    constraints: ConstraintsOpt = None,
    markdown: Annotated[bool, typer.Option("--markdown", help="Print the full table as Markdown (as in README): "
                                           "every rule's modes, parameters, unit and meaning.")] = False,
) -> None:
    """List every rule, one a line: name, mode, weight and meaning (with --constraints, what your files change)."""
    if markdown:
        print(markdown_table(), end="")
        return
    try:
        config = load_config(service.resolve_constraints(constraints)) if constraints else None
    except InputError as exc:
        raise fail_input(exc) from None
    out.print(rules_table(config, shutil.get_terminal_size().columns), markup=False, soft_wrap=True)
    if config is not None:
        out.print(constraint_files_line(config.files), markup=False)


def changes(rule: Rule, mine: RuleConfig) -> list[str]:
    """What the constraint files change of `rule`: `weight 7 (default 5)`, `minutes=25 (default 15)`…"""
    said = []
    if mine.mode != default_mode(rule):
        said.append(f"{mine.mode} (default {default_mode(rule)})")
    if mine.settings.weight != rule.defaults.weight:
        said.append(f"weight {mine.settings.weight} (default {rule.defaults.weight})")
    if mine.settings.level != rule.defaults.level:
        said.append(f"level {mine.settings.level} (default {rule.defaults.level})")
    for key, value in mine.params.model_dump().items():
        default = rule.params.model_fields[key].default
        if value != default:
            said.append(f"{key}={value} (default {default})")
    return said


def rules_table(config: Config | None = None, width: int = 80) -> Text:
    """The catalogue for a terminal, one line per rule within `width` columns: `│ rule │ mode │ weight │
    meaning`, the meaning cut to fit. With `config`, each rule's mode and weight as your files set them (a
    changed mode says the default: `soft (default hard)`), a changed rule's meaning starts with `*`, and the
    lines below the table say every change in full."""
    rows: list[tuple[str, str, str, str]] = []
    changed: dict[str, list[str]] = {}
    for name, rule in REGISTRY.items():
        mode, weight = default_mode(rule), rule.defaults.weight
        if config is not None:
            mine = config[name]
            mode = mode if mine.mode == mode else f"{mine.mode} (default {mode})"
            weight = mine.settings.weight
            if said := changes(rule, mine):
                changed[name] = said
        rows.append((name, mode, str(weight), MARK if name in changed else ""))
    head = ("rule", "default" if config is None else "mode", "weight")
    widths = [max(len(head[i]), *(len(r[i]) for r in rows)) for i in range(3)]
    room = max(MIN_MEANING, width - sum(widths) - 3 * 3 - 2)  # "│ " + " │ " between the columns
    lines = [_line(head, widths) + "meaning",
             "├" + "┼".join("─" * (w + 2) for w in widths) + "┼" + "─" * min(room, 40)]
    for row in rows:
        mark = row[3]
        meaning = (mark + " " if mark else "") + short_meaning(REGISTRY[row[0]], room - (2 if mark else 0))
        lines.append(_line(row[:3], widths) + meaning)
    if changed:
        lines += ["", f"{MARK} changed by your constraint files:"]
        lines += [f"  {name}: " + ", ".join(said) for name, said in changed.items()]
    elif config is not None:
        lines += ["", "your constraint files change no rule."]
    return Text("\n".join(lines))


def _line(cells: tuple[str, str, str], widths: list[int]) -> str:
    name, mode, weight = cells
    return f"│ {name:<{widths[0]}} │ {mode:<{widths[1]}} │ {weight:>{widths[2]}} │ "
