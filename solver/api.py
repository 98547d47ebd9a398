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

import math
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from solver.config import Config
from solver.config import load_config as load_files
from solver.engine import Result as EngineResult
from solver.engine import SolveOptions
from solver.errors import InputError, Issue
from solver.inputs import Problem, load_problem
from solver.publish.tables import ASSIGNMENT_COLUMNS, assignment_rows

if TYPE_CHECKING:
    import pandas as pd

TABLES = ("rooms", "slots", "sessions", "speakers", "unavailability", "interests", "preferences")


MAX_WORKERS = 64  # one process is forked per worker on the neighbourhood search


def check_options(options: object) -> None:
    """TypeError or ValueError, in one sentence, for options `solve` cannot run with: not a SolveOptions, a time
    limit that is not a positive finite number of seconds, workers below 1 or above MAX_WORKERS."""
    if not isinstance(options, SolveOptions):
        raise TypeError(f"options must be a solver.SolveOptions, got {type(options).__name__}")
    for name in ("time_limit", "explain_time_limit"):
        value = getattr(options, name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"SolveOptions.{name} must be a number of seconds, got {type(value).__name__}")
        if not math.isfinite(value) or value <= 0:
            raise ValueError(f"SolveOptions.{name} must be a positive, finite number of seconds, got {value!r}")
    workers = options.workers
    if workers is not None:
        if isinstance(workers, bool) or not isinstance(workers, int):
            raise TypeError(f"SolveOptions.workers must be a whole number or None, got {type(workers).__name__}")
        if not 1 <= workers <= MAX_WORKERS:
            raise ValueError(f"SolveOptions.workers must be from 1 to {MAX_WORKERS} (one process each), got {workers}")


def _paths(config: object) -> list[Path]:
    """Constraint files given as a path or a list of paths (TypeError for anything else)."""
    if isinstance(config, str | Path):
        return [Path(config)]
    if isinstance(config, Sequence) and all(isinstance(p, str | Path) for p in config):
        return [Path(p) for p in config]
    raise TypeError("config must be a solver.Config, a constraint file's path, a list of paths or None, got "
                    f"{type(config).__name__}")


def load_config(paths: object = ()) -> Config:
    """`solver.config.load_config` with its argument checked: a path (one file) or a list of paths; a plain
    string is one file, never a list of one-character file names."""
    from solver.config import load_config as load_files

    return load_files(_paths(paths))


def load(source: str | Path | Mapping[str, Any]) -> Problem:
    """The conference in a folder of CSV files, or given as DataFrames keyed by table name (`rooms`, `slots`,
    `sessions`, `speakers`; optionally `unavailability`, `interests`, `preferences`; a `.csv` suffix is allowed).

    DataFrames go through the same reader as the files (written as CSV, then read), so they get the same checks
    and messages: an `InputError` listing every problem (`sessions.csv:3: attendance: …`, where row 2 is the
    DataFrame's first row)."""
    if isinstance(source, str | Path):
        return load_problem(source)
    if not isinstance(source, Mapping):
        raise TypeError(f"solver.load takes a folder or a mapping of table names to DataFrames, got "
                        f"{type(source).__name__}")
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

    if not isinstance(problem, Problem):
        hint = " (read it first: solver.solve(solver.load(folder)))" if isinstance(problem, str | Path) else ""
        raise TypeError(f"solver.solve takes a Problem, got {type(problem).__name__}{hint}")
    options = SolveOptions() if options is None else options
    check_options(options)
    if config is None:
        config = load_files(resolve_constraints(None, problem.source))
    elif not isinstance(config, Config):
        config = load_files(_paths(config))
    found = run(problem, config, options)
    if found.schedule is not None:
        verdict = judge(problem, found.schedule, config)
        found = replace(found, objective=verdict.total, penalties={k: v for k, v in verdict.penalties.items() if v})
    return Result(**{f.name: getattr(found, f.name) for f in fields(found)}, problem=problem)
