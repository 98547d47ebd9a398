"""`salle explain`: why no schedule meets every hard rule, in sentences."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from solver import app as service
from solver.cli.console import EXIT_NO_SCHEDULE, EXIT_TIMEOUT, ConstraintsOpt, InputsArg, fail_input, out
from solver.errors import InputError
from solver.publish.summary import constraint_files_line


def explain(
    inputs: InputsArg = Path("inputs"),
    constraints: ConstraintsOpt = None,
    time_limit: Annotated[float, typer.Option(help="Seconds to look for a small reason.", min=0.1)] = 10.0,
) -> None:
    """Say why no schedule meets every hard rule: exit 2 with the reasons, or 0 when a schedule exists."""
    try:
        _, why = service.run_explain(inputs, constraints, time_limit)
    except InputError as exc:
        raise fail_input(exc) from None
    out.print(constraint_files_line(service.resolve_constraints(constraints, inputs)), markup=False)
    if not why.findings:
        if why.complete:
            out.print("[bold green]A schedule exists[/bold green] that meets every hard rule: nothing to explain.")
            return
        out.print(f"[yellow]No answer within {time_limit:g} s[/yellow]: try a longer --time-limit.")
        raise typer.Exit(EXIT_TIMEOUT)
    out.print(f"[bold red]No schedule exists[/bold red] ({why.method}, {why.seconds:.2f} s):")
    for sentence in why.sentences():
        out.print(f"  - {sentence}", markup=False)
    if not why.complete:
        out.print("  (time ran out while shrinking: this set may not be minimal)")
    raise typer.Exit(EXIT_NO_SCHEDULE)
