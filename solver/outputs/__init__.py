"""Writing results: every file of a run is rendered first, then renamed into place together."""

from __future__ import annotations

from pathlib import Path

from solver.inputs import Problem
from solver.outputs.atomic import write_atomically
from solver.outputs.programme import programme_markdown
from solver.outputs.tables import assignments_csv
from solver.schedule import Schedule


def write_outputs(problem: Problem, schedule: Schedule, out: Path) -> list[Path]:
    """Write assignments.csv and programme.md into `out` atomically; return the paths."""
    return write_atomically({
        out / "assignments.csv": assignments_csv(problem, schedule),
        out / "programme.md": programme_markdown(problem, schedule),
    })
