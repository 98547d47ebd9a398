"""Every file of a run, rendered from one schedule and written together: what `salle solve`, `salle export` and
the desk's Save share.

`render_all` returns every file (assignments.csv, report.md, report.csv, the publications, summary.json) keyed
by its path in the output folder, touching nothing. `publish` checks the folder, writes them all-or-nothing
(solver.publish.atomic) and removes the per-room, per-speaker and per-day files an earlier run wrote for rooms,
speakers or days that are gone. What differs between the commands is `RunFacts`: the command's name, and what
only a solver run knows (objective, bound, status and timings, sessions left out or moved).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from solver.config import Config
from solver.engine import Result
from solver.inputs import Problem
from solver.inputs.conference import DEFAULT_TIMEZONE, ConferenceFile
from solver.judge import Judgement
from solver.publish.atomic import check_out_folder, write_atomically
from solver.publish.publications import render_publications
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
               failures: list[str] | None = None) -> dict[Path, str | bytes]:
    """Every file of a run, keyed by its path under `out`: assignments.csv, report.md, report.csv, the
    publications (solver.publish.render_publications, named after `conference`: its time zone, locale, title,
    acronym and base URL) and summary.json, which lists them all.

    With a `failures` list, a publication whose renderer fails is left out and named there (else it raises)."""
    conf = conference or ConferenceFile()
    files: dict[Path, str | bytes] = {out / ASSIGNMENTS: assignments_csv(problem, schedule)}
    files.update(_report(config, verdict, out, facts))
    published = render_publications(problem, schedule, timezone=conf.timezone or DEFAULT_TIMEZONE,
                                    report=report_rows(config, verdict), failures=failures, locale=conf.locale,
                                    previous=problem.previous or None, title=conf.title or "Programme",
                                    acronym=conf.acronym or "", base_url=conf.base_url, config=config)
    files.update({out / name: content for name, content in published.items()})
    files[out / SUMMARY] = _summary(problem, schedule, config, verdict, out, facts, conference, files)
    return files


def render_report(problem: Problem, schedule: Schedule, config: Config, verdict: Judgement, out: Path,
                  facts: RunFacts, *, conference: ConferenceFile | None = None) -> dict[Path, str | bytes]:
    """report.md, report.csv and summary.json alone, as `render_all` renders them (what `salle check --out`
    writes)."""
    files = _report(config, verdict, out, facts)
    files[out / SUMMARY] = _summary(problem, schedule, config, verdict, out, facts, conference, files)
    return files


def _report(config: Config, verdict: Judgement, out: Path, facts: RunFacts) -> dict[Path, str | bytes]:
    return {out / "report.md": report_markdown(config, verdict, facts.objective, facts.bound),
            out / "report.csv": report_csv(config, verdict)}


def _summary(problem: Problem, schedule: Schedule, config: Config, verdict: Judgement, out: Path,
             facts: RunFacts, conference: ConferenceFile | None, others: Iterable[Path]) -> str:
    return summary_json(command=facts.command, problem=problem, schedule=schedule, config=config, verdict=verdict,
                        out=out, files=list(others), result=facts.result, unscheduled=facts.unscheduled,
                        moved=facts.moved, conference=conference)


def publish(problem: Problem, schedule: Schedule, config: Config, verdict: Judgement, out: Path,
            facts: RunFacts, *, conference: ConferenceFile | None = None, schedule_file: Path | None = None,
            failures: list[str] | None = None) -> list[Path]:
    """Write every file of `render_all` into `out` atomically (all renamed together at the end), remove the
    stale per-room, per-speaker and per-day files, and return the paths written.

    `out` is refused (OutputError) when it holds the inputs, a constraint file or `schedule_file` (the schedule
    read, for export), checked before anything is rendered (solver.publish.atomic.check_out_folder); only when
    `schedule_file` is OUT/assignments.csv itself (`salle export`'s defaults) is it left as it is: it already
    holds this schedule. A publication whose renderer fails is left out, the rest is written, and a sentence
    naming it goes to `failures` (or, without that list, to the `salle` logger, which prints it on stderr)."""
    kept = out / ASSIGNMENTS if schedule_file is not None and _same(schedule_file, out / ASSIGNMENTS) else None
    check_out_folder(out, [problem.source, *config.files, None if kept else schedule_file])
    missed: list[str] = []
    files = render_all(problem, schedule, config, verdict, out, facts, conference=conference, failures=missed)
    written = write_atomically({path: content for path, content in files.items() if path != kept})
    for sentence in missed:
        if failures is not None:
            failures.append(sentence)
        else:
            logging.getLogger("salle").warning("warning: %s", sentence)
    _prune(out, {*written, *([kept] if kept else [])})
    return written


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _prune(out: Path, written: Iterable[Path]) -> None:
    """Remove per-room and per-speaker files an earlier run wrote for rooms or speakers that are gone."""
    keep = set(written)
    for folder in (out / "rooms", out / "speakers"):
        if folder.is_dir():
            for stale in folder.glob("*"):
                if stale.suffix in (".ics", ".csv") and stale not in keep:
                    stale.unlink(missing_ok=True)
    for stale in out.glob("timetable-*.html"):  # per-day pages of an earlier, bigger or longer conference
        if stale not in keep:
            stale.unlink(missing_ok=True)
