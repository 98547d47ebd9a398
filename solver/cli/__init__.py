"""The `salle` command: thin typer commands that parse options, call one function, and map errors to exits.

One module per command group (solve; validate and check; explain; diff; rules; export; import; serve), each
calling the service (solver.app) and printing through solver.cli.console, which holds the consoles and the exit
codes. This module only assembles them: no command module imports it back.
"""

from __future__ import annotations

from typing import Annotated

import typer

from solver import __version__
from solver.cli import check, diff, explain, imports, publish, push, rules, serve, solve
from solver.cli.console import terminal
from solver.cli.help import HumanGroup

cli = typer.Typer(
    name="salle",
    cls=HumanGroup,  # --help says FILE, DIR, SECONDS…, never a Python type (solver.cli.help)
    help="Give every conference session a room and a time slot (OR-Tools CP-SAT).",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        print(f"salle {__version__}")
        raise typer.Exit()


@cli.callback()
def _main(
    version: Annotated[bool | None, typer.Option("--version", callback=_version, is_eager=True,
                                                 help="Print salle's version and exit.")] = None,
) -> None:
    """Give every conference session a room and a time slot (OR-Tools CP-SAT).

    Exit codes: 0 done, 1 invalid input, 2 no schedule exists (or the schedule breaks a hard rule), 3 time limit
    before any schedule, 4 another system (pretalx) cannot be reached or refused, 64 usage error, 130
    interrupted."""
    terminal()


# in the order `salle --help` lists them
cli.command()(check.validate)
cli.command()(solve.solve)
cli.command("diff")(diff.diff_command)
cli.command()(explain.explain)
cli.command()(check.check)
cli.command()(rules.rules)
cli.command()(serve.serve)
cli.command()(publish.export)
cli.add_typer(imports.import_cli, name="import")
cli.add_typer(push.push_cli, name="push")


def main() -> None:
    cli()
