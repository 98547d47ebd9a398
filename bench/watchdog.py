"""Partners that cannot hang: `salle solve --workers W` run again and again under a watchdog, some runs ended by a
Ctrl-C at a random moment. Writes bench/WATCHDOG.md.

    python bench/watchdog.py --instances XL-1,L-1,cosplib/GECCO19 --workers 4,8 --runs 10 --time-limit 30

A run *hangs* when the watchdog (3 × the limit + 120 s) has to kill it. For every run that is not interrupted:
how long after its limit the search ended (summary.json's solve seconds against the limit) and the whole run
(publishing included). For interrupted runs (SIGINT at a uniform moment between 1 s and the limit): how long
the process took to end after the signal, and whether it wrote the best schedule (exit 0, assignments.csv new)
or had none yet (exit 130).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
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

SALLE = [sys.executable, "-m", "solver"]
OUT = BENCH / "WATCHDOG.md"


def instance(name: str) -> Path:
    if name.startswith("cosplib/"):
        folder = BENCH / "instances" / name
        if not folder.is_dir():
            from solver.importers.cosplib import import_cosplib

            import_cosplib(ROOT.parent / "shared" / "data" / "cosplib" / "instances" / f"{name[8:]}.xlsx", folder)
        return folder
    from bench.generate import generate

    size, seed = name.split("-")
    folder = BENCH / "instances" / name
    if not (folder / "sessions.csv").is_file():
        generate(size, int(seed)).write(folder)
    return folder


def run(folder: Path, workers: int, limit: float, seed: int, out: Path, interrupt: float | None) -> dict:
    proc = subprocess.Popen([*SALLE, "solve", str(folder), "--out", str(out), "--time-limit", str(limit),
                             "--workers", str(workers), "--seed", str(seed), "--quiet"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    started = time.monotonic()
    watchdog = 3 * limit + 120
    signalled = None
    while proc.poll() is None:
        now = time.monotonic() - started
        if interrupt is not None and signalled is None and now >= interrupt:
            proc.send_signal(signal.SIGINT)
            signalled = time.monotonic()
        if now > watchdog:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return {"hung": True}
        time.sleep(0.05)
    ended = time.monotonic()
    err = proc.stderr.read() if proc.stderr else ""
    left = len(group_processes(proc.pid))
    summary = {}
    if (out / "summary.json").is_file():
        summary = json.loads((out / "summary.json").read_text())
    return {"hung": False, "code": proc.returncode, "wall": ended - started, "left": left,
            "after_signal": ended - signalled if signalled else None, "traceback": "Traceback" in err,
            "solve": (summary.get("seconds") or {}).get("total"), "written": (out / "assignments.csv").is_file()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", default="XL-1,L-1,cosplib/GECCO19")
    parser.add_argument("--workers", default="4,8")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--interrupts", type=int, default=3, help="of the runs, how many get a Ctrl-C")
    parser.add_argument("--time-limit", type=float, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    rows = ["| instance | workers | runs | hung | search ended after the limit (max) | whole run, max s | "
            "Ctrl-C: ended after the signal (max) | Ctrl-C: schedule written / none yet | tracebacks | left behind |",
            "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|"]
    failures = 0
    for name in args.instances.split(","):
        folder = instance(name)
        for workers in (int(w) for w in args.workers.split(",")):
            results = []
            for i in range(args.runs):
                cut = rng.uniform(1.0, args.time_limit) if i < args.interrupts else None
                with tempfile.TemporaryDirectory(prefix="salle-watchdog-") as tmp:
                    r = run(folder, workers, args.time_limit, args.seed + i, Path(tmp) / "out", cut)
                r["cut"] = cut
                results.append(r)
                print(name, workers, i, r, flush=True)
            plain = [r for r in results if r["cut"] is None and not r["hung"]]
            cut = [r for r in results if r["cut"] is not None and not r["hung"]]
            hung = sum(r["hung"] for r in results)
            over = max((r["solve"] - args.time_limit for r in plain if r["solve"] is not None), default=None)
            failures += hung + sum(r["traceback"] or r["left"] for r in results if not r["hung"])
            rows.append(
                f"| {name} | {workers} | {len(results)} | {hung} | "
                f"{'—' if over is None else f'{over:+.1f} s'} | "
                f"{max((r['wall'] for r in plain), default=0):.1f} | "
                f"{max((r['after_signal'] for r in cut), default=0):.1f} s | "
                f"{sum(r['code'] == 0 and r['written'] for r in cut)} / {sum(r['code'] == 130 for r in cut)} | "
                f"{sum(r['traceback'] for r in results if not r['hung'])} | "
                f"{sum(r['left'] for r in results if not r['hung'])} |")
    head = ["# Partners under a watchdog (`python bench/watchdog.py`)", "",
            f"Run on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
            f"{platform.platform()}; `--time-limit {args.time_limit:g}`, {args.runs} runs per line of which "
            f"{args.interrupts} get a Ctrl-C at a random moment.", ""]
    text = "\n".join(head + rows) + "\n"
    print(text)
    OUT.write_text(text, encoding="utf-8")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
