"""Every file of a run, rendered from one schedule and written together: what `salle solve`, `salle export` and
the desk's Save share.

`render_all` returns every file (assignments.csv, report.md, report.csv, the publications, summary.json) keyed
by its path in the output folder, writing nothing; it reads the folder's calendar.ics, the one published before,
so that each calendar event's SEQUENCE counts the moves across runs (solve, export, the desk's Save alike).
`publish` checks the folder, writes them all-or-nothing
(solver.publish.atomic) with the manifest of what salle wrote (solver.publish.manifest), and removes the files
the previous run wrote for rooms, speakers or days that are gone (only those: never a file of the user's).
What differs between the commands is `RunFacts`: the command's name, and what only a solver run knows
(objective, bound, status and timings, sessions left out or moved).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from solver.config import Config
from solver.engine import Result
from solver.errors import Issue, OutputError
from solver.inputs import Problem
from solver.inputs.conference import DEFAULT_TIMEZONE, ConferenceFile
from solver.judge import Judgement
from solver.publish.atomic import check_out_folder, write_atomically
from solver.publish.attendees import report_lines
from solver.publish.manifest import MANIFEST, check_inside, manifest_text, prune, read_manifest
from solver.publish.publications import check_conference_url, render_publications
from solver.publish.report import report_csv, report_markdown, report_rows
from solver.publish.summary import SUMMARY, summary_json
from solver.publish.tables import assignments_csv
from solver.schedule import Schedule

ASSIGNMENTS = "assignments.csv"
REPORT_FILES = ("report.md", "report.csv", SUMMARY)  # what `render_report` renders


@dataclass(frozen=True)
class RunFacts:
    """What report.md and summary.json say besides the schedule and its verdict."""

    command: str  # summary.json's "command": solve, export, check
    objective: int | None = None  # quoted in report.md's headline (solve, the desk)
    bound: float | None = None  # idem, as the proven bound
    result: Result | None = None  # the solver's status, bound and timings (solve only; else summary.json's null)
    unscheduled: tuple[str, ...] = ()  # sessions left out (--allow-unscheduled)
    moved: tuple[str, ...] = ()  # sessions moved from the previous schedule (--previous)


def render_all(problem: Problem, schedule: Schedule, config: Config, verdict: Judgement, out: Path,
               facts: RunFacts, *, conference: ConferenceFile | None = None,
               failures: list[str] | None = None, manifest: bool = False) -> dict[Path, str | bytes]:
    """Every file of a run, keyed by its path under `out`: assignments.csv, report.md, report.csv, the
    publications (solver.publish.render_publications, named after `conference`: its time zone, locale, title,
    acronym and base URL) and summary.json, which lists them all.

    With a `failures` list, a publication whose renderer fails is left out and named there (else it raises):
    `publish` then writes nothing. With `manifest`, summary.json lists the manifest `publish` adds."""
    conf = conference or ConferenceFile()
    files: dict[Path, str | bytes] = {out / ASSIGNMENTS: assignments_csv(problem, schedule)}
    files.update(_report(problem, schedule, config, verdict, out, facts))
    published = render_publications(problem, schedule, timezone=conf.timezone or DEFAULT_TIMEZONE,
                                    report=report_rows(config, verdict), failures=failures, locale=conf.locale,
                                    previous=problem.previous or None, title=conf.title or "Programme",
                                    acronym=conf.acronym or "", base_url=conf.base_url, config=config,
                                    calendar=previous_calendar(out))
    files.update({out / name: content for name, content in published.items()})
    listed = [*files, *([out / MANIFEST] if manifest else [])]
    files[out / SUMMARY] = _summary(problem, schedule, config, verdict, out, facts, conference, listed)
    return files


CALENDAR = "calendar.ics"
MAX_CALENDAR_BYTES = 50 * 1024 * 1024


def previous_calendar(out: Path) -> bytes | None:
    """OUT/calendar.ics as the previous run published it (its SEQUENCE numbers, start times and rooms: a session
    moved since gets the next SEQUENCE; solver.publish.ical.moves), or None: absent, a symbolic link, too large
    or unreadable (then every SEQUENCE starts again from `problem.previous`)."""
    path = out / CALENDAR
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_CALENDAR_BYTES:
            return None
        return path.read_bytes()
    except OSError:
        return None


def render_report(problem: Problem, schedule: Schedule, config: Config, verdict: Judgement, out: Path,
                  facts: RunFacts, *, conference: ConferenceFile | None = None) -> dict[Path, str | bytes]:
    """report.md, report.csv and summary.json alone, as `render_all` renders them (what `salle check --out`
    writes)."""
    files = _report(problem, schedule, config, verdict, out, facts)
    files[out / SUMMARY] = _summary(problem, schedule, config, verdict, out, facts, conference, files)
    return files


def _report(problem: Problem, schedule: Schedule, config: Config, verdict: Judgement, out: Path,
            facts: RunFacts) -> dict[Path, str | bytes]:
    wishes = "\n".join(report_lines(problem, schedule))
    return {out / "report.md": report_markdown(config, verdict, facts.objective, facts.bound)
            + (f"\n{wishes}" if wishes else ""),
            out / "report.csv": report_csv(config, verdict)}


def _summary(problem: Problem, schedule: Schedule, config: Config, verdict: Judgement, out: Path,
             facts: RunFacts, conference: ConferenceFile | None, others: Iterable[Path]) -> str:
    return summary_json(command=facts.command, problem=problem, schedule=schedule, config=config, verdict=verdict,
                        out=out, files=list(others), result=facts.result, unscheduled=facts.unscheduled,
                        moved=facts.moved, conference=conference)


def publish(problem: Problem, schedule: Schedule, config: Config, verdict: Judgement, out: Path,
            facts: RunFacts, *, conference: ConferenceFile | None = None, schedule_file: Path | None = None,
            failures: list[str] | None = None) -> list[Path]:
    """Write every file of `render_all` into `out` atomically (all renamed together at the end) with the
    manifest of what was written (solver.publish.manifest), remove the files the previous run wrote and this
    one does not (a room, speaker or day that is gone), and return the paths written.

    `prepare` says what is refused before anything is written; `finish` what is removed after. `failures` gets
    a sentence only for a file of the previous run that could not be removed (without that list, the `salle`
    logger prints it on stderr)."""
    staged = prepare(problem, schedule, config, verdict, out, facts, conference=conference,
                     schedule_file=schedule_file)
    written = write_atomically(staged.files)
    finish(staged, written, failures)
    return written


@dataclass(frozen=True)
class Staged:
    """A publication rendered and checked, not yet written: `files` (the manifest included) to write all at once
    (with any other file of the same step, e.g. the desk's rules file), then `finish`."""

    out: Path
    files: dict[Path, str | bytes]
    before: dict[str, str]  # the previous run's manifest
    kept: Path | None  # OUT/assignments.csv left as it is (salle export's defaults)


def prepare(problem: Problem, schedule: Schedule, config: Config, verdict: Judgement, out: Path,
            facts: RunFacts, *, conference: ConferenceFile | None = None,
            schedule_file: Path | None = None) -> Staged:
    """Every file of `render_all` and the manifest, checked, touching nothing.

    `out` is refused (OutputError) when it holds the inputs, a constraint file or `schedule_file` (the schedule
    read, for export), or when a file would be written through a symbolic link leading out of it
    (solver.publish.atomic.check_out_folder, solver.publish.manifest.check_inside); only when `schedule_file`
    is OUT/assignments.csv itself (`salle export`'s defaults) is it left as it is: it already holds this
    schedule. A bad `base_url` is an InputError naming conference.yaml. A publication that cannot be rendered (a
    bug) is an OutputError naming it: nothing is written, so a run never leaves an old timetable or calendar
    beside a new schedule."""
    kept = out / ASSIGNMENTS if schedule_file is not None and _same(schedule_file, out / ASSIGNMENTS) else None
    check_out_folder(out, [problem.source, *config.files, None if kept else schedule_file])
    check_conference_url(conference.base_url if conference else None, problem.source)
    missed: list[str] = []
    files = render_all(problem, schedule, config, verdict, out, facts, conference=conference, failures=missed,
                       manifest=True)
    if missed:
        raise OutputError([Issue(str(out), f"{sentence}: nothing was written and the previous outputs are intact "
                                           "(a bug in salle: please report it)") for sentence in missed])
    files = {path: content for path, content in files.items() if path != kept}
    check_inside(out, [*files, out / MANIFEST])
    files[out / MANIFEST] = manifest_text(out, files, [kept] if kept else [])
    return Staged(out, files, read_manifest(out), kept)


def finish(staged: Staged, written: Iterable[Path], failures: list[str] | None = None) -> None:
    """After `staged.files` were written: remove what the previous run wrote and this one did not."""
    for sentence in prune(staged.out, staged.before, [*written, *([staged.kept] if staged.kept else [])]):
        if failures is not None:
            failures.append(sentence)
        else:
            logging.getLogger("salle").warning("warning: %s", sentence)


def _prune(out: Path, written: Iterable[Path]) -> None:
    """What `finish` does, for a caller that wrote `render_all`'s files itself (no manifest of its own): remove
    what the folder's manifest lists and `written` does not, when it still holds what salle wrote. Prefer
    `prepare` and `finish`, which write the manifest and refuse a failed publication."""
    finish(Staged(out, {}, read_manifest(out), None), written)


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False
