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
    capacity: Annotated[int, typer.Option(help="Seats given to rooms whose capacity is not published "
                                          "(up to 100,000).", min=1,
                                          max=100_000)]
    = 10_000,
    unplaced: Annotated[bool, typer.Option("--unplaced", help="A conference to schedule from scratch: each day a "
                                           "grid, every talk its duration and no place; the published places go to "
                                           "OUT/published.csv.")] = False,
    grid: Annotated[int, typer.Option("--grid", metavar="MINUTES", help="The grid's step with --unplaced, 1 to 120 "
                                      "minutes.", min=1,
                                      max=120)] = 5,
    force: Annotated[bool, typer.Option("--force", help="Write into a folder that already holds files (its "
                                        "files of the same names are replaced, the others left).")] = False,
) -> None:
    """Import a frab/pretalx schedule: rooms, slots, sessions, speakers, and the published assignment."""
    from solver.importers import import_frab

    try:
        done = import_frab(file, out_dir, pin=pin, capacity=capacity, grid=grid if unplaced else None,
                           replace=force)
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
    force: Annotated[bool, typer.Option("--force", help="Write into a folder that already holds files (its "
                                        "files of the same names are replaced, the others left).")] = False,
) -> None:
    """Import a CoSPLib conference (and a published schedule): inputs, constraints.yaml with its weights."""
    from solver.importers.cosplib import import_cosplib

    try:
        done = import_cosplib(file, out_dir, schedule, replace=force)
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
    force: Annotated[bool, typer.Option("--force", help="Write into a folder that already holds files (its "
                                        "files of the same names are replaced, the others left).")] = False,
) -> None:
    """Import a workbook (an organizer's spreadsheet or salle's schedule.xlsx) as the CSV input files."""
    from solver.importers import import_xlsx

    try:
        done = import_xlsx(file, out_dir, replace=force)
    except InputError as exc:
        raise fail_input(exc) from None
    p = done.problem
    say(f"{file}: {len(p.sessions)} sessions, {len(p.rooms)} rooms, {len(p.slots)} slots, {len(p.speakers)} "
        f"speakers written to {out_dir}" + (" (with assignments.csv)" if done.schedule else ""))
    for note in done.notes:
        say(f"note: {note}")


def _hours(text: str) -> tuple[int, int]:
    from solver.inputs.values import parse_time

    try:
        start, end = (parse_time(part) for part in text.split("-", 1))
    except ValueError as exc:
        raise typer.BadParameter(f"{exc} (write the day's hours as 09:00-18:00)") from None
    if end <= start:
        raise typer.BadParameter("the day must end after it starts (09:00-18:00)")
    return start, end


@import_cli.command("pretalx")
def import_pretalx_command(
    source: Annotated[str, typer.Argument(metavar="BASE_URL|FOLDER", help="pretalx's address (e.g. "
                                          "https://pretalx.com), or a folder of saved API answers.")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the inputs into.")],
    event: Annotated[str | None, typer.Option("--event", "-e", metavar="SLUG", help="The event's slug (as in its "
                                              "URLs); needed with an address.")] = None,
    token_file: Annotated[Path | None, typer.Option("--token-file", metavar="FILE", help="A file holding the API "
                                                    "token (default: the environment variable PRETALX_TOKEN).")]
    = None,
    state: Annotated[list[str] | None, typer.Option("--state", metavar="STATE", help="Submission states to "
                                                    "schedule (repeat; default: accepted and confirmed).")] = None,
    grid: Annotated[int, typer.Option("--grid", metavar="MINUTES", help="The grid's step, 1 to 120 minutes.", min=1,
                                      max=120)] = 5,
    pin: Annotated[bool, typer.Option("--pin", help="Pin the talks pretalx already places there (else they are "
                                      "OUT/assignments.csv, a previous schedule).")] = False,
    capacity: Annotated[int, typer.Option(metavar="SEATS", help="Seats of rooms pretalx gives no capacity "
                                          "(up to 100,000).", min=1,
                                          max=100_000)] = 10_000,
    hours: Annotated[str, typer.Option(metavar="HH:MM-HH:MM", help="A day's hours when no room gives "
                                       "availabilities and no talk is placed.")] = "09:00-18:00",
    save: Annotated[Path | None, typer.Option("--save", metavar="DIR", help="Also save pretalx's answers there, "
                                              "to import again offline.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Write into a folder that already holds files (its "
                                        "files of the same names are replaced, the others left).")] = False,
) -> None:
    """Import a pretalx event: its accepted talks, speakers' availabilities, rooms, and what is already placed."""
    from solver.cli.console import EXIT_CONNECT, warn
    from solver.connect.http import ConnectError
    from solver.connected import run_import_pretalx

    states = tuple(state) if state else ("accepted", "confirmed")
    try:
        done = run_import_pretalx(source, out_dir, event, token_file, grid, states, pin, capacity, _hours(hours),
                                  save, replace=force)
    except InputError as exc:
        raise fail_input(exc) from None
    except ConnectError as exc:
        warn(f"{exc}; nothing was written")
        raise typer.Exit(EXIT_CONNECT) from None
    p = done.problem
    placed = len(done.schedule.assignments) if done.schedule else 0
    say(f"{source}: {len(p.sessions)} sessions, {len(p.rooms)} rooms, {len(p.days)} days on a {grid}-minute grid, "
        f"{len(p.speakers)} speakers written to {out_dir}")
    for note in done.notes:
        say(f"note: {note}")
    say(f"next: salle solve {out_dir} --out {out_dir}/plan" + (f" --previous {out_dir}/assignments.csv"
                                                               if placed else "")
        + f", then salle push pretalx BASE_URL --event SLUG --schedule {out_dir}/plan/assignments.csv")


@import_cli.command("sessionize")
def import_sessionize_command(
    source: Annotated[str, typer.Argument(metavar="FILE_OR_URL", help="Sessionize's All data (API endpoint "
                                          "…/api/v2/ID/view/All): a JSON file or its address.")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the inputs into.")],
    grid: Annotated[int, typer.Option("--grid", metavar="MINUTES", help="The grid's step, 1 to 120 minutes.", min=1,
                                      max=120)] = 5,
    capacity: Annotated[int, typer.Option(metavar="SEATS", help="Seats of every room (Sessionize has none).", min=1,
                                          max=100_000)] = 10_000,
    default_minutes: Annotated[int, typer.Option("--default-minutes", metavar="MINUTES", help="The length of a "
                                                 "session without a time whose format names none.", min=1,
                                                 max=24 * 60)] = 45,
    force: Annotated[bool, typer.Option("--force", help="Write into a folder that already holds files (its "
                                        "files of the same names are replaced, the others left).")] = False,
) -> None:
    """Import a Sessionize event: sessions, speakers, rooms, categories; services as breaks, no time: to schedule."""
    from solver.connect.sessionize import import_sessionize

    try:
        done = import_sessionize(source, out_dir, grid, capacity, default_minutes, replace=force)
    except InputError as exc:
        raise fail_input(exc) from None
    p = done.problem
    placed = len(done.schedule.assignments) if done.schedule else 0
    say(f"{source}: {len(p.sessions)} sessions ({placed} with a time), {len(p.rooms)} rooms, {len(p.days)} days on "
        f"a {grid}-minute grid, {len(p.speakers)} speakers written to {out_dir}")
    for note in done.notes:
        say(f"note: {note}")
    say(f"next: salle solve {out_dir} --out {out_dir}/plan" + (f" --previous {out_dir}/assignments.csv"
                                                               if placed else "")
        + " (Sessionize cannot be written to: publish the plan's files, or retype it there)")


@import_cli.command("wishes")
def import_wishes_command(
    file: Annotated[Path, typer.Argument(help="Attendees' wishes: pretalx's public-voting CSV export, a halfnarp "
                                              "JSON export, or a CSV with one row per wish (who, session, weight).")],
    inputs: Annotated[Path, typer.Option("--inputs", "-i", help="The inputs folder whose interests.csv to write.")]
    = Path("inputs"),
    fmt: Annotated[str | None, typer.Option("--format", metavar="pretalx-votes|halfnarp|csv",
                                            help="The file's format (default: found from its shape).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing interests.csv.")] = False,
) -> None:
    """Import attendees' wishes (votes, favourites) as INPUTS/interests.csv: rules attendee_conflicts (missed
    attendance) and attendee_hops then keep wanted talks apart and in one room."""
    from solver.importers.wishes import FORMATS, import_wishes

    if fmt is not None and fmt not in FORMATS:
        raise typer.BadParameter(f"{fmt!r} is not one of {', '.join(FORMATS)}", param_hint="--format")
    try:
        target, notes = import_wishes(file, inputs, fmt, replace=force)
    except InputError as exc:
        raise fail_input(exc) from None
    for note in notes:
        say(note)
    say(f"wrote {target}")
