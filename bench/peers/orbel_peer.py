"""felixrauh/conference_scheduler (MIT): "personalized conference scheduling" after Vangerven et al. (2018),
run as its authors ship it, out of salle's tree and out of salle's venv.

Nothing of the peer is copied into this repository: `prepare()` lays its source from a git directory (the
search tool's `fetch` of `github:felixrauh/conference_scheduler` leaves a bare one under /work/.mirror) into
`PEER_DIR` and makes a venv of its own (`PEER_VENV`, its requirements.txt plus `gurobipy`, below); the
functions here only shell out to it:

- `run_heuristic(example_dir, out_csv)`: `scripts/run_schedule.py --pipeline heuristic` (greedy tuples, matching
  partition + ordering with local search, Hungarian block-to-timeslot assignment, swap optimization, Phase 4
  room assignment). Its other pipelines (traditional, matching, matching_constrained) build Gurobi models and
  are not run.
- `evaluate(schedule_csv, example_dir)`: its evaluator, `scripts/evaluate_schedule.py … --output-json`
  (`src/schedule_evaluator.py`: missed attendance, session hops, incoherent sessions, presenter violations).

`gurobipy` is installed only because `src/__init__.py` imports `phase1`, which imports gurobipy at module level,
so even the "no Gurobi" heuristic pipeline fails with `No module named 'gurobipy'` without it. The pipeline
builds no Gurobi model (its log shows no licence banner); PyPI's gurobipy carries a size-limited licence that
would not solve the instances' Gurobi models anyway.

Environment: ORBEL_PEER_GIT (bare git dir), ORBEL_PEER_DIR (source tree), ORBEL_PEER_VENV (its venv).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

NAME = "orbel-heuristic"
PEER_GIT = Path(os.environ.get("ORBEL_PEER_GIT", "/work/.mirror/felixrauh+conference_scheduler/repo"))
PEER_DIR = Path(os.environ.get("ORBEL_PEER_DIR", "/tmp/orbel-peer"))
PEER_VENV = Path(os.environ.get("ORBEL_PEER_VENV", "/tmp/orbel-venv"))
PYTHON = PEER_VENV / "bin" / "python"


def _git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", f"--git-dir={PEER_GIT}", *args], capture_output=True, check=False)


def prepare() -> None:
    """Lay the peer's source into PEER_DIR and make its venv, when they are not there yet."""
    if not (PEER_DIR / "scripts" / "run_schedule.py").exists():
        if not PEER_GIT.exists():
            raise RuntimeError(f"no peer source: fetch github:felixrauh/conference_scheduler to {PEER_GIT} "
                               "or set ORBEL_PEER_DIR to a checkout")
        names = _git("ls-tree", "-r", "--name-only", "HEAD").stdout.decode().split("\n")
        for name in filter(None, names):
            blob = _git("show", f"HEAD:{name}")
            if blob.returncode:  # the mirror leaves out its largest files (the slides' PDF)
                continue
            path = PEER_DIR / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(blob.stdout)
    if not PYTHON.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        subprocess.run([str(PYTHON), "-m", "pip", "install", "-q", "-r", str(PEER_DIR / "requirements.txt"),
                        "gurobipy"], check=True)


def missing() -> str | None:
    """Why the peer cannot run here (None: it can)."""
    if not (PEER_DIR / "scripts" / "run_schedule.py").exists():
        return f"peer source not at {PEER_DIR} (run prepare())"
    if not PYTHON.exists():
        return f"peer venv not at {PEER_VENV} (run prepare())"
    return None


def examples() -> list[Path]:
    """The peer's ORBEL instances (examples/orbel*)."""
    return sorted(p for p in (PEER_DIR / "examples").glob("orbel*") if (p / "sessions.csv").exists())


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(PEER_DIR), "PYTHONUNBUFFERED": "1"}


def run_heuristic(example_dir: Path, out_csv: Path, timeout: float = 600) -> dict:
    """Run the peer's heuristic pipeline on `example_dir`; its schedule goes to `out_csv`.
    Returns seconds (wall clock of the whole process), return code and the log's path."""
    out_csv = Path(out_csv)
    out_csv.parent.mkdir(parents=True, exist_ok=True)
    log = out_csv.with_suffix(".log")
    t0 = time.perf_counter()
    with log.open("w") as f:
        proc = subprocess.run([str(PYTHON), "scripts/run_schedule.py", "--pipeline", "heuristic",
                               "--data-dir", str(Path(example_dir).resolve()), "--output", str(out_csv.resolve())],
                              cwd=PEER_DIR, env=_env(), stdout=f, stderr=subprocess.STDOUT, timeout=timeout,
                              check=False)
    seconds = time.perf_counter() - t0
    text = log.read_text(errors="replace")
    if proc.returncode or not out_csv.exists():
        raise RuntimeError(f"peer heuristic failed (rc {proc.returncode}); see {log}:\n{text[-2000:]}")
    banner = any(w in text.lower() for w in ("gurobi optimizer", "licen"))
    return {"seconds": seconds, "log": str(log), "gurobi_used": banner}


def evaluate(schedule_csv: Path, example_dir: Path) -> dict:
    """The peer's own evaluator on a schedule in its format (Block_ID, Room_ID, Slot, Talk_ID)."""
    schedule_csv, example_dir = Path(schedule_csv).resolve(), Path(example_dir).resolve()
    out = schedule_csv.with_name(schedule_csv.stem + ".eval.json")
    proc = subprocess.run([str(PYTHON), "scripts/evaluate_schedule.py", str(schedule_csv),
                           "--preferences", str(example_dir / "preferences.csv"),
                           "--talks", str(example_dir / "talks.csv"), "--output-json", str(out)],
                          cwd=PEER_DIR, env=_env(), capture_output=True, text=True, check=False)
    if proc.returncode or not out.exists():
        raise RuntimeError(f"peer evaluator failed (rc {proc.returncode}):\n{proc.stdout[-1500:]}\n{proc.stderr}")
    return json.loads(out.read_text())
