"""What each command does, as plain functions the CLI (and tests) call: load, solve, judge, write."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from solver.config import Config, load_config
from solver.errors import Issue, SalleError
from solver.inputs import Problem, load_problem_with_warnings
from solver.inputs.assignments import read_schedule
from solver.judge import Judgement, judge
from solver.outputs import write_outputs
from solver.outputs.atomic import write_atomically
from solver.outputs.report import report_csv, report_markdown
from solver.solve import Result, SolveOptions, solve

DEFAULT_CONSTRAINTS = Path("constraints/default.yaml")


class JudgeDisagrees(SalleError):
    """The solver produced a schedule the independent judge rejects: a bug in salle, never the user's fault."""


def resolve_constraints(paths: list[Path] | None) -> list[Path]:
    """The files given, or constraints/default.yaml when present, or none (built-in defaults)."""
    if paths:
        return list(paths)
    return [DEFAULT_CONSTRAINTS] if DEFAULT_CONSTRAINTS.is_file() else []


@dataclass
class SolveRun:
    problem: Problem
    config: Config
    result: Result
    judgement: Judgement | None = None
    written: list[Path] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)


def run_solve(inputs: Path, constraints: list[Path] | None, out: Path, options: SolveOptions) -> SolveRun:
    """Load, solve, verify with the judge, and write the outputs only when a valid schedule was found."""
    config = load_config(resolve_constraints(constraints))
    problem, warnings = load_problem_with_warnings(inputs)
    result = solve(problem, config, options)
    run = SolveRun(problem, config, result, warnings=warnings)
    if result.schedule is None:
        return run
    run.judgement = judge(problem, result.schedule, config)
    if not run.judgement.ok:
        lines = "\n".join(f"  - {v.message}" for v in run.judgement.hard)
        raise JudgeDisagrees(f"internal error: the solver's schedule breaks hard rules:\n{lines}")
    run.written = write_outputs(problem, result.schedule, out, config, run.judgement, result.objective,
                                result.bound)
    return run


def run_check(inputs: Path, schedule_file: Path, constraints: list[Path] | None,
              report_dir: Path | None = None) -> tuple[Config, Judgement]:
    """Judge a schedule file; with `report_dir`, write its report.md and report.csv there (atomically)."""
    config = load_config(resolve_constraints(constraints))
    problem, _ = load_problem_with_warnings(inputs)
    schedule = read_schedule(schedule_file, problem)
    verdict = judge(problem, schedule, config)
    if report_dir is not None:
        write_atomically({report_dir / "report.md": report_markdown(config, verdict),
                          report_dir / "report.csv": report_csv(config, verdict)})
    return config, verdict
