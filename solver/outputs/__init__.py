"""Writing results: every file of a run is rendered first, then renamed into place together."""

from __future__ import annotations

from pathlib import Path

from solver.config import Config
from solver.inputs import Problem
from solver.judge import Judgement
from solver.outputs.atomic import write_atomically
from solver.outputs.programme import programme_markdown
from solver.outputs.report import report_csv, report_markdown, report_rows
from solver.outputs.tables import assignments_csv
from solver.schedule import Schedule


def write_outputs(problem: Problem, schedule: Schedule, out: Path, config: Config, verdict: Judgement,
                  objective: int | None = None, bound: float | None = None,
                  timezone: str = "America/Toronto") -> list[Path]:
    """Write every output of a run into `out` atomically (all renamed together at the end); return the paths.

    assignments.csv, programme.md, report.md, report.csv, and the publications (timetable, calendars, frab
    schedule, workbook, door lists: see solver.publish)."""
    from solver.publish import render_publications

    files: dict[Path, str | bytes] = {
        out / "assignments.csv": assignments_csv(problem, schedule),
        out / "programme.md": programme_markdown(problem, schedule),
        out / "report.md": report_markdown(config, verdict, objective, bound),
        out / "report.csv": report_csv(config, verdict),
    }
    published = render_publications(problem, schedule, timezone=timezone, report=report_rows(config, verdict))
    files.update({out / name: content for name, content in published.items()})
    written = write_atomically(files)
    _prune(out, set(written))
    return written


def _prune(out: Path, written: set[Path]) -> None:
    """Remove per-room and per-speaker files an earlier run wrote for rooms or speakers that are gone."""
    for folder in (out / "rooms", out / "speakers"):
        if folder.is_dir():
            for stale in folder.glob("*"):
                if stale.suffix in (".ics", ".csv") and stale not in written:
                    stale.unlink()
