"""`salle explain`: why no schedule meets every hard rule, in sentences."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from solver import app as service
from solver.cli.console import EXIT_NO_SCHEDULE, EXIT_TIMEOUT, ConstraintsOpt, InputsArg, fail_input, out
from solver.errors import InputError
from solver.language import for_conference, say
from solver.publish.summary import constraint_files_line


def explain(
    inputs: InputsArg = Path("inputs"),
    constraints: ConstraintsOpt = None,
    time_limit: Annotated[float, typer.Option(help="Seconds to look for a small reason.", min=0.1)] = 10.0,
) -> None:
    """Say why no schedule meets every hard rule: exit 2 with the reasons, or 0 when a schedule exists."""
    try:
        problem, why = service.run_explain(inputs, constraints, time_limit)
    except InputError as exc:
        raise fail_input(exc) from None
    out.print(constraint_files_line(service.resolve_constraints(constraints, inputs)), markup=False)
    with for_conference(problem):  # the language of the sentences: the conference's
        if not why.findings:
            if why.complete:
                head = "[bold green]" + escape(say("A schedule exists")) + "[/bold green]"
                out.print(say("{head} that meets every hard rule: nothing to explain.", head=head))
                return
            seconds = f"{time_limit:g}"
            head = "[yellow]" + escape(say("No answer within {seconds} s", seconds=seconds)) + "[/yellow]"
            out.print(say("{head}: try a longer --time-limit.", head=head))
            raise typer.Exit(EXIT_TIMEOUT)
        method = say("pre-check") if why.method == "pre-check" else say("core") if why.method == "core" else why.method
        head, seconds = "[bold red]" + escape(say("No schedule exists")) + "[/bold red]", f"{why.seconds:.2f}"
        out.print(say("{head} ({method}, {seconds} s):", head=head, method=escape(method), seconds=seconds))
        for sentence in why.sentences():
            out.print(f"  - {sentence}", markup=False)
        if not why.complete:
            out.print("  " + say("(time ran out while shrinking: this set may not be minimal)"), markup=False)
    raise typer.Exit(EXIT_NO_SCHEDULE)
