"""`salle validate` and `salle check`: the input files, then a schedule, against every rule."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from solver import app as service
from solver.cli.console import EXIT_NO_SCHEDULE, ConstraintsOpt, InputsArg, err, fail_input, out
from solver.errors import InputError
from solver.inputs import load_problem_with_warnings
from solver.language import say, say_n, speaking
from solver.publish.summary import constraint_files_line


def validate(inputs: InputsArg = Path("inputs")) -> None:
    """Check the input files, the folder's constraints.yaml and conference.yaml: exit 0, or exit 1 with one line
    per problem (file:row: column: message)."""
    from solver.config import load_config

    issues = []
    try:
        problem, warnings = load_problem_with_warnings(inputs)
    except InputError as exc:
        issues += exc.issues
    for read in (lambda: load_config(service.resolve_constraints(None, inputs)),
                 lambda: service.with_conference(inputs)):
        try:
            read()
        except InputError as exc:  # what every other command would refuse, said here too
            issues += exc.issues
    if issues:
        raise fail_input(InputError(issues))
    for w in warnings:
        err.print(f"warning: {w}", markup=False)
    out.print(
        f"{inputs}: {len(problem.sessions)} sessions, {len(problem.rooms)} rooms, {len(problem.slots)} slots, "
        f"{len(problem.speakers)} speakers, {len(problem.unavailability)} unavailabilities: OK"
    )


def check(
    inputs: InputsArg = Path("inputs"),
    schedule: Annotated[Path, typer.Option("--schedule", "-s", help="Assignments CSV (session_id, room_id, "
                                            "slot_id).")] = Path("outputs/assignments.csv"),
    constraints: ConstraintsOpt = None,
    report_dir: Annotated[Path | None, typer.Option("--out", "-o", help="Also write report.md and report.csv "
                                                     "here.")] = None,
) -> None:
    """Check an existing schedule against every rule: exit 0 when no hard rule is broken, 2 otherwise."""
    try:
        config, verdict = service.run_check(inputs, schedule, constraints, report_dir)
    except InputError as exc:
        raise fail_input(exc) from None
    out.print(constraint_files_line(config.files), markup=False)
    with speaking(verdict.locale):  # the language of the verdict's sentences: the conference's
        for v in verdict.hard:
            out.print(f"[red]✗[/red] {v.rule}: ", end="")
            out.print(v.message, markup=False)
        for name, penalty in verdict.penalties.items():
            if penalty:
                rc = config[name]
                out.print(f"[yellow]~[/yellow] {name}: "
                          + escape(say("penalty {penalty} (weight {weight})", penalty=penalty,
                                       weight=rc.settings.weight)))
        if verdict.penalties:
            out.print(say("soft penalty total: {total}", total=verdict.total), markup=False)
        if report_dir is not None:
            out.print(say("wrote {report}, {csv} and {summary}", report=report_dir / "report.md",
                          csv=report_dir / "report.csv", summary=report_dir / "summary.json"), markup=False)
        if verdict.hard:
            count = "[bold red]" + escape(say_n("{n} hard rule violation", "{n} hard rule violations",
                                                len(verdict.hard))) + "[/bold red]"
            out.print(say("{count} in {schedule}.", count=count, schedule=escape(str(schedule))))
            raise typer.Exit(EXIT_NO_SCHEDULE)
        out.print(say("{ok}: {schedule} meets every hard rule.", ok="[bold green]OK[/bold green]",
                      schedule=escape(str(schedule))))
