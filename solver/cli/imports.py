"""`salle import frab|cosplib|xlsx`: a schedule published elsewhere, turned into an inputs folder.

Each command calls one importer (solver.importers) and says what it wrote; invalid input exits 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from solver.cli.console import fail_input, say
from solver.errors import InputError

import_cli = typer.Typer(
    help="Turn a schedule published elsewhere (frab/pretalx, a workbook) into an inputs folder.",
    no_args_is_help=True,
)


@import_cli.command("frab")
def import_frab_command(
    file: Annotated[Path, typer.Argument(help="A published schedule.xml or schedule.json (frab, pretalx).")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the inputs into.")],
    pin: Annotated[bool, typer.Option("--pin", help="Also pin every session to its published room and slot.")]
    = False,
    capacity: Annotated[int, typer.Option(help="Seats given to rooms whose capacity is not published.", min=1,
                                          max=100_000)]
    = 10_000,
    unplaced: Annotated[bool, typer.Option("--unplaced", help="A conference to schedule from scratch: each day a "
                                           "grid, every talk its duration and no place; the published places go to "
                                           "OUT/published.csv.")] = False,
    grid: Annotated[int, typer.Option("--grid", metavar="MINUTES", help="The grid's step with --unplaced.", min=1,
                                      max=120)] = 5,
) -> None:
    """Import a frab/pretalx schedule: rooms, slots, sessions, speakers, and the published assignment."""
    from solver.importers import import_frab

    try:
        done = import_frab(file, out_dir, pin=pin, capacity=capacity, grid=grid if unplaced else None)
    except InputError as exc:
        raise fail_input(exc) from None
    p = done.problem
    say(f"{file}: {len(p.sessions)} events, {len(p.rooms)} rooms, {len(p.slots)} slots, {len(p.speakers)} "
        f"speakers written to {out_dir}")
    for note in done.notes:
        say(f"note: {note}")
    if unplaced:
        say(f"every session is to be scheduled on a {grid}-minute grid: salle solve {out_dir} --out DIR; the "
            f"published places are {out_dir / 'published.csv'}: score them with salle check {out_dir} --schedule "
            f"{out_dir / 'published.csv'}")
        return
    say(f"the published assignment is {out_dir / 'assignments.csv'}; audit it with: "
        f"salle check {out_dir} --schedule {out_dir / 'assignments.csv'} (its constraints.yaml and "
        "conference.yaml are applied by themselves)")


@import_cli.command("cosplib")
def import_cosplib_command(
    file: Annotated[Path, typer.Argument(help="A CoSPLib conference workbook (sheets parameters, submissions, "
                                              "tracks, sessions, rooms and the penalty tables).")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the inputs into.")],
    schedule: Annotated[Path | None, typer.Option("--schedule", "-s", help="A published solution workbook (sheet "
                                                  "sol), written as OUT/assignments.csv.")] = None,
) -> None:
    """Import a CoSPLib conference (and a published schedule): inputs, constraints.yaml with its weights."""
    from solver.importers.cosplib import import_cosplib

    try:
        done = import_cosplib(file, out_dir, schedule)
    except InputError as exc:
        raise fail_input(exc) from None
    p = done.problem
    say(f"{file}: {len(p.sessions)} submissions, {len(p.rooms)} rooms, {len(p.blocks)} blocks ({len(p.slots)} "
        f"slots), {len(p.speakers)} people written to {out_dir}" + (" (with assignments.csv)" if done.schedule
                                                                    else ""))
    for note in done.notes:
        say(f"note: {note}")


@import_cli.command("xlsx")
def import_xlsx_command(
    file: Annotated[Path, typer.Argument(help="A workbook with one sheet per input table (rooms, slots, "
                                              "sessions, speakers; unavailability, assignments optional).")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the inputs into.")]
    = Path("inputs"),
) -> None:
    """Import a workbook (an organizer's spreadsheet or salle's schedule.xlsx) as the CSV input files."""
    from solver.importers import import_xlsx

    try:
        done = import_xlsx(file, out_dir)
    except InputError as exc:
        raise fail_input(exc) from None
    p = done.problem
    say(f"{file}: {len(p.sessions)} sessions, {len(p.rooms)} rooms, {len(p.slots)} slots, {len(p.speakers)} "
        f"speakers written to {out_dir}" + (" (with assignments.csv)" if done.schedule else ""))
    for note in done.notes:
        say(f"note: {note}")
