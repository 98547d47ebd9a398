"""`salle diff`: what moved between two schedules, and whom to tell (changes.csv)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from solver import app as service
from solver.cli.console import err, out
from solver.errors import InputError
from solver.inputs import load_problem_with_warnings
from solver.publish.atomic import write_atomically


def diff_command(
    old: Annotated[Path, typer.Argument(help="The previous assignments.csv.")],
    new: Annotated[Path, typer.Argument(help="The new assignments.csv.")],
    inputs: Annotated[Path, typer.Option(help="Inputs folder, for speaker names.")] = Path("inputs"),
    changes: Annotated[Path | None, typer.Option(help="Where to write changes.csv (default: beside NEW); never a "
                                                 "schedule compared or an input file.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite a --changes file that is not a changes.csv.")]
    = False,
) -> None:
    """What moved between two schedules and whom to tell: exit 0 when nothing changed, 1 when something did, 2 a
    file cannot be read or --changes may not be written."""
    from solver.diff import changes_csv, diff, refused_target

    target = changes or new.parent / "changes.csv"
    refused = refused_target(target, (old, new), inputs, force)
    if refused:
        err.print(f"{target}: {refused}; nothing was written", markup=False)
        raise typer.Exit(2)

    try:
        problem = load_problem_with_warnings(inputs)[0] if inputs.is_dir() else None
    except InputError as exc:  # names and contacts are a courtesy: say why they are missing, and go on
        err.print(f"warning: {inputs} cannot be read ({exc.issues[0]}): changes.csv names speakers by id only, "
                  "without their contact columns", markup=False)
        problem = None
    if problem is None and not inputs.is_dir():
        err.print(f"warning: no inputs folder {inputs} (--inputs): changes.csv names speakers by id only, "
                  "without their contact columns", markup=False)
    try:
        title = service.with_conference(inputs if inputs.is_dir() else None).title
    except InputError as exc:  # a courtesy too: say what is wrong with it, and go on
        for issue in exc.issues:
            err.print(f"warning: {issue}", markup=False)
        title = None
    if title:
        out.print(title, markup=False)
    try:
        moves = diff(old, new, problem)
    except InputError as exc:
        for issue in exc.issues:
            err.print(str(issue), markup=False)
        raise typer.Exit(2) from None
    if not moves:
        out.print("No change: nobody needs to be told.")
        return
    try:
        write_atomically({target: changes_csv(moves, problem)})
    except InputError as exc:  # OutputError: the folder cannot be written
        for issue in exc.issues:
            err.print(str(issue), markup=False)
        raise typer.Exit(2) from None
    out.print(f"[bold]{len(moves)} session(s) changed[/bold]:")
    for m in moves:
        out.print(f"  - {m.session_id} « {m.title} »: {m.old} → {m.new}", markup=False)
    by_speaker: dict[str, list[str]] = {}
    for m in moves:
        for who in m.speakers:
            name = problem.speaker[who].name if problem and who in problem.speaker else who
            by_speaker.setdefault(name, []).append(m.session_id)
    if by_speaker:
        out.print(f"[bold]{len(by_speaker)} speaker(s) to tell[/bold]:")
        for name, ids in sorted(by_speaker.items()):
            out.print(f"  - {name}: {', '.join(ids)}", markup=False)
    out.print(f"wrote {target}", markup=False)
    raise typer.Exit(1)
