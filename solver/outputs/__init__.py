"""Writing results: every file of a run is rendered first, then renamed into place together."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from solver.config import Config
from solver.engine import Result
from solver.inputs import Problem
from solver.inputs.conference import ConferenceFile
from solver.judge import Judgement
from solver.outputs.atomic import check_out_folder, write_atomically
from solver.outputs.report import report_csv, report_markdown, report_rows
from solver.outputs.summary import SUMMARY, summary_json
from solver.outputs.tables import assignments_csv
from solver.schedule import Schedule


def write_outputs(problem: Problem, schedule: Schedule, out: Path, config: Config, verdict: Judgement,
                  objective: int | None = None, bound: float | None = None,
                  timezone: str = "America/Toronto", failures: list[str] | None = None,
                  locale: str | None = None, result: Result | None = None, unscheduled: Iterable[str] = (),
                  moved: Iterable[str] = (), conference: ConferenceFile | None = None) -> list[Path]:
    """Write every output of a run into `out` atomically (all renamed together at the end); return the paths.

    assignments.csv, programme.md, report.md, report.csv, summary.json (solver.outputs.summary: `result`,
    `unscheduled` and `moved` feed it), and the publications (named after `conference`: its title, acronym
    and base URL) (timetable, calendars, frab
    schedule, workbook, door lists: see solver.publish). `out` is refused (OutputError) when it holds the
    inputs (solver.outputs.atomic.check_out_folder). A publication whose renderer fails is left out, the rest
    is written, and a sentence naming it goes to `failures` (or, without that list, to the `salle` logger,
    which prints it on stderr)."""
    from solver.publish import render_publications

    check_out_folder(out, [problem.source, *config.files])

    files: dict[Path, str | bytes] = {
        out / "assignments.csv": assignments_csv(problem, schedule),
        out / "report.md": report_markdown(config, verdict, objective, bound),
        out / "report.csv": report_csv(config, verdict),
    }
    missed: list[str] = []
    conf = conference or ConferenceFile()
    published = render_publications(problem, schedule, timezone=timezone, report=report_rows(config, verdict),
                                    failures=missed, locale=locale, previous=problem.previous or None,
                                    title=conf.title or "Programme", acronym=conf.acronym or "",
                                    base_url=conf.base_url, config=config)
    files.update({out / name: content for name, content in published.items()})
    files[out / SUMMARY] = summary_json(command="solve", problem=problem, schedule=schedule, config=config,
                                        verdict=verdict, out=out, files=list(files), result=result,
                                        unscheduled=unscheduled, moved=moved, conference=conference)
    written = write_atomically(files)
    for sentence in missed:
        if failures is not None:
            failures.append(sentence)
        else:
            logging.getLogger("salle").warning("warning: %s", sentence)
    _prune(out, set(written))
    return written


def _prune(out: Path, written: set[Path]) -> None:
    """Remove per-room and per-speaker files an earlier run wrote for rooms or speakers that are gone."""
    for folder in (out / "rooms", out / "speakers"):
        if folder.is_dir():
            for stale in folder.glob("*"):
                if stale.suffix in (".ics", ".csv") and stale not in written:
                    stale.unlink(missing_ok=True)
    for stale in out.glob("timetable-*.html"):  # per-day pages of an earlier, bigger or longer conference
        if stale not in written:
            stale.unlink(missing_ok=True)
