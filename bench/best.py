"""Best known objectives: the best the judge has seen any tool reach on an instance, in any run recorded here.

`bench/best_known.json` (committed, small) maps objective set -> instance -> the record below. Every judged run
is offered (`offer`); a record only counts for the conference it was measured on (`fingerprint` of the input files),
so a changed generator starts afresh instead of comparing against another conference.

    {"default": {"M-1": {"objective": 7635, "tool": "salle", "time_limit": 60.0, "reached_s": 21.4,
                          "date": "2026-11-26", "commit": "a12de46", "fingerprint": "…"}}}

A record may carry a "source" (where a result measured before this file existed was recorded).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from bench.results import ToolRun

BEST = Path(__file__).resolve().parent / "best_known.json"

Records = dict[str, dict[str, dict[str, Any]]]


def load(path: Path = BEST) -> Records:
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def save(records: Records, path: Path = BEST) -> None:
    ordered = {k: dict(sorted(v.items())) for k, v in sorted(records.items())}
    path.write_text(json.dumps(ordered, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def best(records: Records, objective_set: str, instance: str, fingerprint: str) -> dict[str, Any] | None:
    """The record for (objective set, instance), if it was measured on this very conference."""
    rec = records.get(objective_set, {}).get(instance)
    return rec if rec is not None and rec.get("fingerprint") == fingerprint else None


def offer(records: Records, run: ToolRun, fingerprint: str, commit: str = "", today: str | None = None) -> bool:
    """Record `run` if the judge found it valid and it beats (or is the first for) its instance; True if kept."""
    if not run.valid or run.judged is None:
        return False
    current = best(records, run.objective_set, run.instance, fingerprint)
    if current is not None and current["objective"] <= run.judged:
        return False
    records.setdefault(run.objective_set, {})[run.instance] = {
        "objective": run.judged,
        "tool": run.tool,
        "time_limit": run.time_limit,
        "reached_s": None if run.final_s is None else round(run.final_s, 2),  # the run's last improvement
        "date": today or dt.date.today().isoformat(),
        "commit": commit,
        "fingerprint": fingerprint,
    }
    return True


def distance(value: float | None, best_value: float | None) -> float | None:
    """(value − best) / best; 0 when both are 0; None when either is unknown."""
    if value is None or best_value is None:
        return None
    if best_value == 0:
        return 0.0 if value == 0 else None
    return (value - best_value) / abs(best_value)
