"""`salle serve`: the organizers' desk, a local web page (solver.serve)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from solver.cli.console import EXIT_INPUT, ConstraintsOpt, InputsArg, err, fail_input, out
from solver.errors import InputError, SalleError


def serve(
    inputs: InputsArg = Path("inputs"),
    schedule: Annotated[Path | None, typer.Option("--schedule", "-s", help="Assignments CSV to start from "
                                                   "(default: OUT/assignments.csv when it exists).")] = None,
    constraints: ConstraintsOpt = None,
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Where Save writes assignments.csv and the "
                                          "publications.")] = Path("outputs"),
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8737,
    host: Annotated[str, typer.Option(help="Address to listen on (the printed address carries the desk's access "
                                      "token, on 127.0.0.1 too).")] = "127.0.0.1",
    locale: Annotated[str | None, typer.Option("--locale", help="The desk's language: fr, fr_CA, en… (default: "
                                               "conference.yaml's, else the conference's own).")] = None,
) -> None:
    """Open the organizers' desk: a local web page to move, pin, re-plan and save the schedule (Ctrl-C stops)."""
    from solver.serve import serve as run_desk

    try:
        run_desk(inputs, schedule, constraints, out_dir, host, port, say=lambda line: out.print(line, markup=False),
                 locale=locale)
    except InputError as exc:
        raise fail_input(exc) from None
    except SalleError as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(EXIT_INPUT) from None
