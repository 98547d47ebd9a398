"""Interrupt `salle solve` many times at random moments: it must never hang, nor leave a mixed or empty outputs
folder.

Each round solves a generated conference into a folder that already holds a complete earlier run, sends SIGINT
(or SIGTERM) at a random moment between start and the end of the time limit, and checks that the process ends
within 5 s of the signal, leaving no process of its own behind (its partner processes), and that the folder then
holds one complete run: the earlier one untouched (exit 130, or a failure before writing) or the new one (exit 0),
every file of the run from the same run.

    python bench/interrupts.py --rounds 100            # prints one line per round and a summary
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

from bench.common import group_processes  # noqa: E402
from bench.generate import Size, generate  # noqa: E402

SALLE = [sys.executable, "-m", "solver"]


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _solve(inputs: Path, out: Path, time_limit: float) -> subprocess.Popen:
    return subprocess.Popen([*SALLE, "solve", str(inputs), "--out", str(out), "--quiet", "--time-limit",
                             str(time_limit), "--constraints", str(ROOT / "constraints" / "default.yaml")],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)  # its own process group: partner processes left behind show


def _left_behind(group: int, grace: float = 2.0) -> int:
    """How many processes of the solve's group are still alive `grace` seconds after it ended (killed then)."""
    end = time.monotonic() + grace
    alive = group_processes(group)
    while alive and time.monotonic() < end:
        time.sleep(0.1)
        alive = group_processes(group)
    for entry in alive:
        with contextlib.suppress(OSError):
            os.kill(int(entry.name), signal.SIGKILL)
    return len(alive)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--time-limit", type=float, default=6.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="salle-interrupts-"))
    inputs = generate(Size("interrupts", 160, 10, 2, 10), 1).write(work / "inputs")
    baseline = work / "baseline"
    if _solve(inputs, baseline, args.time_limit).wait() != 0:
        print("the baseline solve failed")
        return 1
    before = _snapshot(baseline)
    failures = 0
    outcomes: dict[str, int] = {}
    for n in range(args.rounds):
        out = work / f"round-{n}"
        shutil.copytree(baseline, out)
        sig = rng.choice([signal.SIGINT, signal.SIGINT, signal.SIGTERM])
        delay = rng.uniform(0.0, args.time_limit + 3.0)
        proc = _solve(inputs, out, args.time_limit)
        time.sleep(delay)
        sent = time.monotonic()
        proc.send_signal(sig)
        try:
            _, err = proc.communicate(timeout=5)
            waited = time.monotonic() - sent
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
            waited = float("inf")
        orphans = _left_behind(proc.pid)
        after = _snapshot(out)
        new_run = set(after) >= {"assignments.csv", "report.md", "summary.json"} and after != before
        kept = after == before
        ok = waited <= 5 and not orphans and "Traceback" not in err and (kept or (new_run and proc.returncode == 0))
        outcome = f"exit {proc.returncode}, " + ("previous run kept" if kept else "new run written")
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        failures += not ok
        print(f"round {n:3d}: {signal.Signals(sig).name} at {delay:4.1f} s -> {outcome}, ended {waited:.2f} s "
              f"after the signal{f', {orphans} process(es) left behind' if orphans else ''}{'' if ok else '  FAILED'}",
              flush=True)
        shutil.rmtree(out)
    print(f"{args.rounds} rounds, {failures} failed; " + "; ".join(f"{k}: {v}" for k, v in sorted(outcomes.items())))
    shutil.rmtree(work)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
