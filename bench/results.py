"""What one tool's run on one instance produced, and the parsers that read it out of solver logs.

Every time is in seconds since the tool's run started (before it read the instance), so "first feasible"
includes loading and building. A trace is the list of (seconds, objective) of each improving schedule, as the
tool reports it; `ToolRun.at(t)` reads the objective a run held at t seconds (the checkpoints of RESULTS.md).
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

Trace = list[tuple[float, float]]


@dataclass
class ToolRun:
    """One (tool, instance) measurement; the child fills the solver's side, the parent the judge's."""

    tool: str
    instance: str
    time_limit: float | None = None
    status: str = "not run"  # optimal | feasible | no schedule | infeasible | crashed | killed | skipped
    load_s: float | None = None
    build_s: float | None = None
    first_s: float | None = None  # first schedule meeting every hard rule (as the tool sees it)
    total_s: float | None = None  # whole run, wall clock
    objective: float | None = None  # as the tool reports it
    bound: float | None = None  # proven lower bound, when the tool proves one
    variables: int | None = None  # model size as the tool counts it (literals, binaries, entities)
    trace: Trace = field(default_factory=list)
    bounds: Trace = field(default_factory=list)  # (seconds, proven lower bound) each time it rose
    note: str = ""
    # filled by the parent
    peak_mb: float | None = None
    valid: bool | None = None  # the independent judge's verdict on the schedule written
    judged: int | None = None  # empty seats (+ overflow when capacity is soft) as the judge counts them
    violations: list[str] = field(default_factory=list)
    objective_set: str = "seats"  # which constraint file (bench/common.py OBJECTIVES)
    load_avg: float | None = None  # the machine's 1-minute load average when the run started (2 cores, shared)
    penalties: dict[str, int] = field(default_factory=dict)  # the judge's weighted penalty per soft rule (non-zero)
    commit: str = ""  # the repository's commit when the run started ('+dirty': uncommitted changes in solver/)

    @property
    def gap(self) -> float | None:
        """(judged objective − bound) / judged objective; 0 when both are 0."""
        obj = self.judged if self.judged is not None else self.objective
        if obj is None or self.bound is None:
            return None
        if obj == 0:
            return 0.0
        return max(0.0, (obj - self.bound) / abs(obj))

    @property
    def final_s(self) -> float | None:
        """When the final objective was first reached (the last improvement of the trace)."""
        return self.trace[-1][0] if self.trace else None

    def at(self, seconds: float) -> float | None:
        """The objective of the best schedule the run held at `seconds` (None: none yet, or the run stopped on
        its time limit before `seconds`, so it cannot say). A run that proved optimality keeps its objective."""
        ran = max(self.total_s or 0.0, self.time_limit or 0.0)
        if seconds > ran + 1e-9 and self.status != "optimal":
            return None
        held = [value for t, value in self.trace if t <= seconds + 1e-9]
        return held[-1] if held else None

    def bound_at(self, seconds: float) -> float | None:
        """The best lower bound proven by `seconds` (None: none yet)."""
        held = [value for t, value in self.bounds if t <= seconds + 1e-9]
        return max(held) if held else None

    def time_to_reach(self, objective: float) -> float | None:
        """First time this run held a schedule at least as good as `objective` (None: never)."""
        for seconds, value in self.trace:
            if value <= objective + 1e-6:
                return seconds
        return None

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> ToolRun:
        data = json.loads(path.read_text(encoding="utf-8"))
        known = {f.name for f in fields(cls)}
        data = {k: v for k, v in data.items() if k in known}  # runs written by another version of the bench
        for key in ("trace", "bounds"):
            data[key] = [tuple(p) for p in data.get(key, [])]
        return cls(**data)


# -- CP-SAT --------------------------------------------------------------------------------------------------
# "#1       0.05s best:2192  next:[412,2191] fixed_bools:0/1200"   "#Done    0.20s best:..."
_CPSAT_SOLUTION = re.compile(r"^#(\d+|Done)\s+([\d.]+)s\s+best:(-?[\d.e+]+)")
_CPSAT_FIELD = re.compile(r"^(status|objective|best_bound|walltime):\s*(\S+)")


@dataclass
class CpSatLog:
    """What a CP-SAT search log says: improving solutions (seconds since solve start) and the final response."""

    trace: Trace = field(default_factory=list)
    status: str | None = None
    objective: float | None = None
    bound: float | None = None
    wall_time: float | None = None


def parse_cpsat_log(text: str) -> CpSatLog:
    """Read CP-SAT's `log_search_progress` output; tolerates other lines mixed in."""
    out = CpSatLog()
    for raw in text.splitlines():
        line = raw.strip()
        m = _CPSAT_SOLUTION.match(line)
        if m and m.group(1) != "Done":
            seconds, best = float(m.group(2)), float(m.group(3))
            if not out.trace or best < out.trace[-1][1]:
                out.trace.append((seconds, best))
            continue
        m = _CPSAT_FIELD.match(line)
        if m:
            key, value = m.groups()
            if key == "status":
                out.status = value
            else:
                with contextlib.suppress(ValueError):
                    setattr(out, {"best_bound": "bound", "walltime": "wall_time"}.get(key, key), float(value))
    return out


# -- CBC (through PuLP) --------------------------------------------------------------------------------------
# "Cbc0012I Integer solution of 9395 found by feasibility pump after 0 iterations and 0 nodes (1.23 seconds)"
# "Cbc0038I Pass   1: (21.71 seconds) suminf.    0.00000 (0) obj. 5875 iterations 1401"
# "Cbc0038I Solution found of 5875"      (no time: the last time seen on an earlier line)
# "Cbc0038I Mini branch and bound improved solution from 5875 to 5450 (22.09 seconds)"
# "Cbc0010I After 100 nodes, 12 on tree, 9395 best solution, best possible 9100 (5.67 seconds)"
_CBC_TIME = re.compile(r"\(([\d.]+) seconds\)")
_CBC_SOLUTION = re.compile(r"Integer solution of (-?[\d.e+]+) found|Solution found of (-?[\d.e+]+)"
                           r"|improved solution from \S+ to (-?[\d.e+]+)|Rounding solution of (-?[\d.e+]+) is better")
_CBC_BOUND = re.compile(r"best possible (-?[\d.e+]+) \(([\d.]+) seconds\)")
_CBC_FINAL = re.compile(r"^(Result|Objective value|Lower bound)\s*[-:]\s*(.*)$")
_CBC_WALL = re.compile(r"Wallclock seconds\):\s*([\d.]+)")


@dataclass
class CbcLog:
    """What a CBC log says: improving solutions (seconds since CBC started) and the final summary."""

    trace: Trace = field(default_factory=list)
    result: str | None = None
    objective: float | None = None
    bound: float | None = None
    seconds: float | None = None


def parse_cbc_log(text: str) -> CbcLog:
    """Read a CBC log as PuLP's `PULP_CBC_CMD(logPath=…)` writes it."""
    out = CbcLog()
    last_seen = 0.0
    for raw in text.splitlines():
        line = raw.strip()
        m = _CBC_TIME.search(line)
        if m:
            last_seen = float(m.group(1))
        m = _CBC_SOLUTION.search(line)
        if m:
            value = float(next(g for g in m.groups() if g is not None))
            if not out.trace or value < out.trace[-1][1]:
                out.trace.append((last_seen, value))
            continue
        m = _CBC_BOUND.search(line)
        if m:
            out.bound = float(m.group(1))
            continue
        m = _CBC_WALL.search(line)
        if m:
            out.seconds = float(m.group(1))
            continue
        m = _CBC_FINAL.match(line)
        if not m:
            continue
        key, value = m.group(1), m.group(2).strip()
        if key == "Result":
            out.result = value
        elif key == "Objective value":
            out.objective = _float(value)
        elif key == "Lower bound":
            out.bound = _float(value)
    return out


def _float(text: str) -> float | None:
    try:
        return float(text.split()[0])
    except (ValueError, IndexError):
        return None
