"""summary.json: a run in figures, for a script or a notebook (written by `salle solve` and `salle check --out`).

```json
{"salle": "0.1.0", "command": "solve", "status": "optimal",
 "counts": {"sessions": 3, "placed": 3, "unscheduled": 0, "moved": 0, "hard_violations": 0},
 "objective": {"total": 15, "per_rule": {"capacity_fit": 15}},
 "bound": 15.0, "gap": 0.0, "bound_covers": "every rule", "engine": "exact",
 "seconds": {"build": 0.01, "solve": 0.2, "first_schedule": 0.05},
 "constraint_files": ["constraints/default.yaml"], "inputs": "inputs",
 "files": ["assignments.csv", "report.md", "…"]}
```
`objective` is the judge's (per enabled soft rule, zeros included); `bound_covers` lists the rules the bound
accounts for ("every rule": CP-SAT's own bound). `constraint_files` are relative to the current folder when
inside it; salle's own copy of the defaults is "constraints/default.yaml (shipped with salle)". `files` are
relative to the output folder, summary.json included. `not_refreshed` is null, or (a run interrupted by Ctrl-C
that had no time for every publication) the publications left out, each with its files, and the command that
writes them: `{"publications": {"schedule.xlsx": ["schedule.xlsx"]}, "command": "salle export …"}`; their
earlier files were removed (a timetable never shows another schedule than assignments.csv's).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from solver.config import Config
from solver.engine import Result
from solver.inputs import Problem
from solver.inputs.conference import ConferenceFile
from solver.judge import Judgement
from solver.schedule import Schedule

SUMMARY = "summary.json"


SHIPPED = "constraints/default.yaml (shipped with salle)"


def constraint_file_name(file: object) -> str:
    """A constraint file as reports name it: salle's own copy of the defaults as `SHIPPED` (never the path of
    salle's installation), a file inside the current folder relative to it, any other as given."""
    from solver.app import PACKAGED_CONSTRAINTS

    path = Path(str(file))
    try:
        if path.resolve() == PACKAGED_CONSTRAINTS.resolve():
            return SHIPPED
        if path.is_absolute():
            return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (OSError, ValueError):
        pass
    return str(file)


def constraint_file_names(files: Iterable[object]) -> list[str]:
    """`constraint_file_name` of each file, in order."""
    return [constraint_file_name(f) for f in files]


def constraint_files_line(files: Iterable[object]) -> str:
    """One line saying which constraint files a run applied, in order (later ones win)."""
    names = constraint_file_names(files)
    if not names:
        return "constraints: built-in defaults (no constraint file)"
    return "constraints: " + " + ".join(names)


def _relative(paths: Iterable[Path], out: Path) -> list[str]:
    names = []
    for p in paths:
        try:
            names.append(p.relative_to(out).as_posix())
        except ValueError:
            names.append(str(p))
    return sorted(set(names))


def summary_json(*, command: str, problem: Problem, schedule: Schedule, config: Config, verdict: Judgement,
                 out: Path, files: Iterable[Path], result: Result | None = None,
                 unscheduled: Iterable[str] = (), moved: Iterable[str] = (), status: str | None = None,
                 conference: ConferenceFile | None = None, not_refreshed: Iterable[str] = (),
                 refresh: str | None = None) -> str:
    """summary.json's text for one run; `files` are the other files written in the same atomic write;
    `not_refreshed` the publications (solver.publish.publications.GROUPS) left out, `refresh` the command that
    writes them."""
    from solver.publish.publications import GROUPS

    stale = list(not_refreshed)
    placed = {a.session_id for a in schedule.assignments}
    left_out = sorted(set(unscheduled) | {s.session_id for s in problem.sessions if s.session_id not in placed})
    per_rule = {rc.name: verdict.penalties.get(rc.name, 0) for rc in config.enabled if rc.mode == "soft"}
    data: dict[str, Any] = {
        "salle": _version(),
        "command": command,
        "status": status or (result.status.value if result else ("ok" if verdict.ok else "hard violations")),
        "interrupted": bool(result and result.interrupted),
        "counts": {
            "sessions": len(problem.sessions),
            "placed": sum(1 for s in problem.sessions if s.session_id in placed),
            "unscheduled": len(left_out),
            "moved": len(list(moved)),
            "hard_violations": len(verdict.hard),
        },
        "unscheduled": left_out,
        "objective": {"total": verdict.total, "per_rule": per_rule},
        "bound": None,
        "gap": None,
        "bound_covers": None,
        "engine": None,
        "neighbourhoods": None,
        "local_search_runs": None,
        "local_search_off": None,
        "seconds": None,
        "constraint_files": constraint_file_names(config.files),
        "conference": {k: v for k, v in conference.model_dump().items() if v is not None} if conference else {},
        "inputs": str(problem.source) if problem.source is not None else None,
        "out": str(out),
        "files": _relative([*files, out / SUMMARY], out),
        "not_refreshed": {"publications": {g: list(GROUPS.get(g, (g,))) for g in stale},
                          "command": refresh} if stale else None,
    }
    if result is not None:
        data.update({
            "bound": result.bound,
            "gap": result.gap,
            "bound_covers": list(result.bound_covers) if result.bound_covers else "every rule",
            "engine": result.engine,
            "neighbourhoods": result.iterations - result.local_runs,
            "local_search_runs": result.local_runs,
            "local_search_off": result.local_search_off,
            "seconds": {"build": round(result.build_seconds, 3), "solve": round(result.solve_seconds, 3),
                        "total": round(result.build_seconds + result.solve_seconds, 3),
                        "first_schedule": None if result.first_solution_seconds is None
                        else round(result.first_solution_seconds, 3)},
            "placed_by_construction": result.placed_by_construction,
        })
        if result.bound is None:
            data["bound_covers"] = None
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _version() -> str:
    from solver import __version__

    return __version__
