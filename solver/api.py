"""salle as a library: `solver.load`, `solver.solve`, `Result.to_frame()` (see README, "Python API").

```python
import solver

problem = solver.load("inputs")                      # a folder, or a dict of DataFrames
result = solver.solve(problem)                       # constraints/default.yaml (+ INPUTS/constraints.yaml)
result = solver.solve(problem, ["mine.yaml"], solver.SolveOptions(time_limit=10))
result.status, result.objective, result.penalties    # the judge's figures, as `salle solve` reports them
frame = result.to_frame()                            # one row per placed session (pandas)
```
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from solver.config import Config, load_config
from solver.engine import Result as EngineResult
from solver.engine import SolveOptions
from solver.errors import InputError, Issue
from solver.inputs import Problem, load_problem
from solver.publish.tables import ASSIGNMENT_COLUMNS, assignment_rows

if TYPE_CHECKING:
    import pandas as pd

TABLES = ("rooms", "slots", "sessions", "speakers", "unavailability", "interests", "preferences")


def load(source: str | Path | Mapping[str, Any]) -> Problem:
    """The conference in a folder of CSV files, or given as DataFrames keyed by table name (`rooms`, `slots`,
    `sessions`, `speakers`; optionally `unavailability`, `interests`, `preferences`; a `.csv` suffix is allowed).

    DataFrames go through the same reader as the files (written as CSV, then read), so they get the same checks
    and messages: an `InputError` listing every problem (`sessions.csv:3: attendance: …`, where row 2 is the
    DataFrame's first row)."""
    if isinstance(source, str | Path):
        return load_problem(source)
    if not isinstance(source, Mapping):
        raise TypeError("solver.load takes a folder or a mapping of table names to DataFrames")
    unknown = [k for k in source if str(k).removesuffix(".csv") not in TABLES]
    if unknown:
        raise InputError([Issue(str(k), f"not an input table (expected {', '.join(TABLES)})") for k in unknown])
    with tempfile.TemporaryDirectory(prefix="salle-") as folder:
        for name, frame in source.items():
            frame.to_csv(Path(folder) / f"{str(name).removesuffix('.csv')}.csv", index=False)
        problem = load_problem(folder)
    return replace(problem, source=None)


@dataclass(frozen=True)
class Result(EngineResult):
    """The engine's `Result` (status, objective, bound, gap, penalties, schedule, timings…), scored by the judge,
    with the problem it solves, so that `to_frame()` can name rooms, slots and sessions."""

    problem: Problem | None = None

    def to_frame(self) -> pd.DataFrame:
        """One row per placed session, sorted by day, start, room: the columns of assignments.csv, with `day`
        a datetime64 column, `capacity` and `attendance` integers, `speakers` and `slots` lists."""
        import pandas as pd

        if self.schedule is None or self.problem is None:
            return pd.DataFrame(columns=list(ASSIGNMENT_COLUMNS))
        frame = pd.DataFrame(assignment_rows(self.problem, self.schedule), columns=list(ASSIGNMENT_COLUMNS))
        frame["day"] = pd.to_datetime(frame["day"], format="%Y-%m-%d")
        for column in ("capacity", "attendance"):
            frame[column] = frame[column].astype("int64")
        for column in ("speakers", "slots"):
            frame[column] = [text.split(";") if text else [] for text in frame[column]]
        return frame


def solve(problem: Problem, config: Config | Sequence[str | Path] | str | Path | None = None,
          options: SolveOptions | None = None) -> Result:
    """Schedule `problem`. `config`: a `Config`, constraint file(s) layered in order, or None for what `salle
    solve` applies without --constraints (constraints/default.yaml, then the inputs folder's constraints.yaml).
    The objective and penalties are the judge's, as `salle solve` reports them. Nothing is written."""
    from solver.app import resolve_constraints
    from solver.engine import solve as run
    from solver.judge import judge

    if config is None:
        config = load_config(resolve_constraints(None, problem.source))
    elif isinstance(config, str | Path):
        config = load_config([Path(config)])
    elif not isinstance(config, Config):
        config = load_config([Path(p) for p in config])
    found = run(problem, config, options or SolveOptions())
    if found.schedule is not None:
        verdict = judge(problem, found.schedule, config)
        found = replace(found, objective=verdict.total, penalties={k: v for k, v in verdict.penalties.items() if v})
    return Result(**{f.name: getattr(found, f.name) for f in fields(found)}, problem=problem)
