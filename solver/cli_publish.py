"""`salle export` and `salle import`: publish a solved schedule, and read schedules published elsewhere.

Thin typer commands: each parses options, calls one function (solver.publish, solver.importers) and maps
errors to the exit codes of solver.cli (1 invalid input or an output that cannot be written, 2 a schedule that
breaks a hard rule, refused by export without --force).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from solver import app as service
from solver.errors import InputError
from solver.publish.summary import constraint_files_line

if TYPE_CHECKING:
    from solver.judge import Judgement

publish_cli = typer.Typer(help="Publish schedules and import published ones.")
import_cli = typer.Typer(
    help="Turn a schedule published elsewhere (frab/pretalx, a workbook) into an inputs folder.",
    no_args_is_help=True,
)
publish_cli.add_typer(import_cli, name="import")

EXIT_INPUT, EXIT_BROKEN = 1, 2
MAX_SHOWN = 20  # hard violations listed before a count


def _fail(exc: InputError) -> typer.Exit:
    from solver.cli import _fail_input

    return _fail_input(exc)


def _say(text: str) -> None:
    from solver.cli import out

    out.print(text, markup=False)


def _warn(text: str) -> None:
    from solver.cli import err

    err.print(text, markup=False)


def _show_broken(schedule: Path, verdict: Judgement) -> None:
    """Say which hard rules the schedule breaks."""
    _warn(f"{schedule} breaks {len(verdict.hard)} hard rule(s):")
    for v in verdict.hard[:MAX_SHOWN]:
        _warn(f"  - {v.rule}: {v.message}")
    if len(verdict.hard) > MAX_SHOWN:
        _warn(f"  … and {len(verdict.hard) - MAX_SHOWN} more")


@publish_cli.command()
def export(
    inputs: Annotated[Path, typer.Argument(help="Folder with rooms.csv, slots.csv, sessions.csv, speakers.csv.")]
    = Path("inputs"),
    schedule: Annotated[Path, typer.Option("--schedule", "-s", help="Assignments CSV (session_id, room_id, "
                                            "slot_id).")] = Path("outputs/assignments.csv"),
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for the publications.")] = Path("outputs"),
    timezone: Annotated[str | None, typer.Option(help="The conference's time zone (IANA name) for calendars and "
                                                      "schedule.xml/json (default: INPUTS/conference.yaml, else "
                                                      "America/Toronto).")] = None,
    title: Annotated[str | None, typer.Option(help="Conference name shown in the pages and calendars (default: "
                                                   "INPUTS/conference.yaml, else 'Programme').")] = None,
    acronym: Annotated[str | None, typer.Option(help="Short name for schedule.xml/json and calendar UIDs "
                                                     "(default: INPUTS/conference.yaml, else from the title).")]
    = None,
    base_url: Annotated[str | None, typer.Option(help="Where the files will be online (links in "
                                                      "schedule.xml/json; default: INPUTS/conference.yaml).")]
    = None,
    constraints: Annotated[list[Path] | None, typer.Option(
        "--constraints", "-c", help="Constraint YAML file(s) the schedule is judged against before publishing "
        "(default: constraints/default.yaml, then INPUTS/constraints.yaml when present).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Publish even when the schedule breaks a hard rule.")]
    = False,
    locale: Annotated[str | None, typer.Option(help="Language of the pages and calendars: fr_CA, en… (default: "
                                                    "INPUTS/conference.yaml, else the sessions' language, else the "
                                                    "titles).")] = None,
    inputs_folder: Annotated[Path | None, typer.Option("--inputs", help="With `salle export cosplib`: the inputs "
                                                       "folder (default: the schedule's folder when it holds "
                                                       "sessions.csv, else inputs/).")] = None,
) -> None:
    """Publish a schedule: timetable.html, programme.html, calendars, schedule.xml/json/xlsx, door lists.

    Also assignments.csv, report.md/csv and summary.json: the same files as `salle solve` writes. The schedule
    is judged first: one that breaks a hard rule is refused (exit 2) unless --force.
    `salle export cosplib --schedule FILE --out X.xlsx` writes CoSPLib's solution workbook instead."""
    if inputs == Path("cosplib") and not inputs.is_dir():
        _export_cosplib(schedule, out_dir, inputs_folder, constraints, force)
        return
    try:
        run = service.run_export(inputs, schedule, out_dir, constraints, force, timezone=timezone, locale=locale,
                                 title=title, acronym=acronym, base_url=base_url)
    except service.BrokenSchedule as exc:
        _show_broken(exc.schedule, exc.verdict)
        _warn("Nothing was published; fix the schedule (salle check says the same), or publish it anyway with "
              "--force.")
        raise typer.Exit(EXIT_BROKEN) from None
    except InputError as exc:
        raise _fail(exc) from None
    if run.verdict.hard:
        _show_broken(schedule, run.verdict)
    for sentence in run.failures:
        _warn(f"warning: {sentence}")
    _say(constraint_files_line(run.config.files))
    _say(f"wrote {len(run.written)} files into {out_dir}: " + ", ".join(
        p.name for p in run.written if p.parent == out_dir) + f", rooms/ ({len(run.problem.rooms)} rooms), "
        f"speakers/ ({len(run.problem.speakers)} speakers)")


@import_cli.command("frab")
def import_frab_command(
    file: Annotated[Path, typer.Argument(help="A published schedule.xml or schedule.json (frab, pretalx).")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the inputs into.")],
    pin: Annotated[bool, typer.Option("--pin", help="Also pin every session to its published room and slot.")]
    = False,
    capacity: Annotated[int, typer.Option(help="Seats given to rooms whose capacity is not published.", min=1,
                                          max=100_000)]
    = 10_000,
) -> None:
    """Import a frab/pretalx schedule: rooms, slots, sessions, speakers, and the published assignment."""
    from solver.importers import import_frab

    try:
        done = import_frab(file, out_dir, pin=pin, capacity=capacity)
    except InputError as exc:
        raise _fail(exc) from None
    p = done.problem
    _say(f"{file}: {len(p.sessions)} events, {len(p.rooms)} rooms, {len(p.slots)} slots, {len(p.speakers)} "
         f"speakers written to {out_dir}")
    for note in done.notes:
        _say(f"note: {note}")
    _say(f"the published assignment is {out_dir / 'assignments.csv'}; audit it with: "
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
        raise _fail(exc) from None
    p = done.problem
    _say(f"{file}: {len(p.sessions)} submissions, {len(p.rooms)} rooms, {len(p.blocks)} blocks ({len(p.slots)} "
         f"slots), {len(p.speakers)} people written to {out_dir}" + (" (with assignments.csv)" if done.schedule
                                                                     else ""))
    for note in done.notes:
        _say(f"note: {note}")


def _export_cosplib(schedule: Path, out: Path, inputs: Path | None, constraints: list[Path] | None,
                    force: bool) -> None:
    """`salle export cosplib`: the schedule judged, its score in the library's terms, then sheet `sol` written."""
    try:
        target, verdict, terms = service.run_export_cosplib(schedule, out, inputs, constraints, force)
    except service.BrokenSchedule as exc:
        _show_broken(exc.schedule, exc.verdict)
        _warn("Nothing was written; fix the schedule, or write it anyway with --force.")
        raise typer.Exit(EXIT_BROKEN) from None
    except InputError as exc:
        raise _fail(exc) from None
    if verdict.hard:
        _show_broken(schedule, verdict)
    _say(f"wrote {target}: score {verdict.total:,}" + (" (" + ", ".join(f"{k} {v:,}" for k, v in terms.items())
                                                       + ")" if terms else ""))


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
        raise _fail(exc) from None
    p = done.problem
    _say(f"{file}: {len(p.sessions)} sessions, {len(p.rooms)} rooms, {len(p.slots)} slots, {len(p.speakers)} "
         f"speakers written to {out_dir}" + (" (with assignments.csv)" if done.schedule else ""))
    for note in done.notes:
        _say(f"note: {note}")
