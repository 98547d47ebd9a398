"""How `salle … --help` names values: a word a person reads (FILE, DIR, SECONDS, N, TZ, LOCALE, URL…), never a
Python type (`<list[Path]>`, `<int range> [0<=x<=2147483647]`), and no type at all for a flag.

`HumanGroup` is the `salle` group's class: when typer has built the command tree, it gives every option and
argument without a metavar of its own one from `METAVARS` (by long option name, or argument name), else from its
type (`TYPES`), and hides typer's number ranges (a help text says a range in words when it matters; the
values are still checked, by typer, as before). An option's own `metavar=` always wins.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args, get_origin

from typer import _click
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

METAVARS = {
    "--constraints": "FILE", "--schedule": "FILE", "--previous": "FILE", "--changes": "FILE", "--backup": "FILE",
    "--restore": "FILE", "--token-file": "FILE", "--out": "DIR", "--inputs": "DIR", "--save": "DIR",
    "--time-limit": "SECONDS", "--explain-time-limit": "SECONDS", "--seed": "N", "--workers": "N",
    "--rooms-per-session": "N", "--freeze": "IDS", "--freeze-before": "MOMENT", "--timezone": "TZ",
    "--locale": "LOCALE", "--title": "TEXT", "--acronym": "TEXT", "--base-url": "URL", "--port": "PORT",
    "--host": "HOST", "--capacity": "SEATS", "--grid": "MINUTES", "--default-minutes": "MINUTES",
    # arguments, by name
    "inputs": "DIR", "old": "FILE", "new": "FILE", "file": "FILE", "source": "SOURCE", "base_url": "URL",
}
TYPES: dict[Any, str] = {Path: "PATH", int: "N", float: "NUMBER", str: "TEXT"}


def human_metavar(param: TyperOption | TyperArgument) -> str:
    """The word naming `param`'s value: its own metavar, else by name (`METAVARS`), else by type."""
    if param.metavar is not None:
        return param.metavar
    names = [o for o in param.opts if o.startswith("--")] if isinstance(param, TyperOption) else [param.name or ""]
    for name in names:
        if name in METAVARS:
            return METAVARS[name]
    annotation = param.type_descriptor.annotation
    if get_origin(annotation) is list:
        annotation = get_args(annotation)[0]
    return TYPES.get(annotation, "VALUE")


class _Option(TyperOption):
    """An option as `--help` shows it: its metavar (none for a flag), no range."""

    def display_type_rich(self, ctx: _click.Context) -> str | None:
        return None if self.is_flag else self.metavar

    def _get_number_range_help_str(self) -> str | None:
        return None


class _Argument(TyperArgument):
    """An argument as `--help` shows it: its name (or own metavar), then what it is (DIR, FILE), no range."""

    def display_type_rich(self, ctx: _click.Context) -> str | None:
        return None if self.metavar is not None else getattr(self, "human", None)

    def _get_number_range_help_str(self) -> str | None:
        return None


def _shown(param: _click.Parameter) -> _click.Parameter:
    """`param` with its human metavar and help display (in place; a second call changes nothing)."""
    if type(param) is TyperOption:
        if param.metavar is None and not param.is_flag:
            param.metavar = human_metavar(param)
        param.__class__ = _Option
    elif type(param) is TyperArgument:
        param.human = human_metavar(param)  # type: ignore[attr-defined]
        param.__class__ = _Argument
    return param


class _Command(TyperCommand):
    """A command whose parameters, `--help` included, are shown as `_shown` says."""

    def get_params(self, ctx: _click.Context) -> list[_click.Parameter]:
        return [_shown(p) for p in super().get_params(ctx)]


class HumanGroup(TyperGroup):
    """The `salle` group (and its subgroups): every command's help says FILE, DIR, SECONDS… (see the module)."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        humanize(self)

    def get_params(self, ctx: _click.Context) -> list[_click.Parameter]:
        return [_shown(p) for p in super().get_params(ctx)]


def humanize(command: _click.Command) -> None:
    """Make `command` and its subcommands show human metavars (see the module)."""
    if type(command) is TyperCommand:
        command.__class__ = _Command
    elif type(command) is TyperGroup:
        command.__class__ = HumanGroup
    for param in command.params:
        _shown(param)
    for sub in getattr(command, "commands", {}).values():
        humanize(sub)
