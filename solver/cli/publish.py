"""`salle export` (and `salle export cosplib`): judge a schedule, then publish it.

`export` writes the same files as `salle solve`, from the same code (solver.publish): assignments.csv, the score
report, summary.json (command "export") and every publication. A schedule that breaks a hard rule is refused
(exit 2, nothing written) unless --force; invalid input, or an output that cannot be written, exits 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from solver import app as service
from solver.cli.console import EXIT_NO_SCHEDULE, fail_input, say, show_broken, warn
from solver.errors import InputError
from solver.publish.summary import constraint_files_line


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
        show_broken(exc.schedule, exc.verdict)
        warn("Nothing was published; fix the schedule (salle check says the same), or publish it anyway with "
             "--force.")
        raise typer.Exit(EXIT_NO_SCHEDULE) from None
    except InputError as exc:
        raise fail_input(exc) from None
    if run.verdict.hard:
        show_broken(schedule, run.verdict)
    for sentence in run.failures:
        warn(f"warning: {sentence}")
    say(constraint_files_line(run.config.files))
    say(f"wrote {len(run.written)} files into {out_dir}: " + ", ".join(
        p.name for p in run.written if p.parent == out_dir) + f", rooms/ ({len(run.problem.rooms)} rooms), "
        f"speakers/ ({len(run.problem.speakers)} speakers)")


def _export_cosplib(schedule: Path, out: Path, inputs: Path | None, constraints: list[Path] | None,
                    force: bool) -> None:
    """`salle export cosplib`: the schedule judged, its score in the library's terms, then sheet `sol` written."""
    try:
        target, verdict, terms = service.run_export_cosplib(schedule, out, inputs, constraints, force)
    except service.BrokenSchedule as exc:
        show_broken(exc.schedule, exc.verdict)
        warn("Nothing was written; fix the schedule, or write it anyway with --force.")
        raise typer.Exit(EXIT_NO_SCHEDULE) from None
    except InputError as exc:
        raise fail_input(exc) from None
    if verdict.hard:
        show_broken(schedule, verdict)
    say(f"wrote {target}: score {verdict.total:,}" + (" (" + ", ".join(f"{k} {v:,}" for k, v in terms.items())
                                                      + ")" if terms else ""))
