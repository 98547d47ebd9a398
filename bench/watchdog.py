"""Partners that cannot hang, a time limit that covers the whole run, and a Ctrl-C that is obeyed at once:
`salle solve --workers W` run again and again under a watchdog, some runs ended by a Ctrl-C at a random moment.
Writes bench/WATCHDOG.md.

    python bench/watchdog.py --instances XL-1,L-1,cosplib/GECCO19 --workers 4,8 --runs 10 --time-limit 20

Each run writes into a folder that already holds a complete earlier run (the instance's planted schedule,
published; `--fresh`: an empty folder), as a user's second run does. A run *hangs* when the watchdog (3 × the
limit + 120 s) has to kill it. For every run that is not interrupted: how long the search took (summary.json)
and the whole run, from start to exit (the targets: at most the limit + 10 %). For interrupted runs (SIGINT at a
uniform moment between 1 s and the limit): how long the process took to end after the signal (the target: 2 s),
whether it wrote the best schedule (exit 0, summary.json new) or had none yet (exit 130), and how many
publications it had no time for (left out whole, their earlier files removed). Every run's folder is then
checked: one run whole (summary.json lists exactly the files there, the manifest's digests match them, no temp
file, nothing of a publication left out, a valid schedule placing every session), or the earlier run untouched.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
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

SALLE = [sys.executable, "-m", "solver"]
OUT = BENCH / "WATCHDOG.md"
MINE = "rooms/notes.txt"  # a file of the user's in the output folder: never touched


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


def earlier_run(folder: Path, into: Path) -> Path | None:
    """A complete earlier run of `folder` published in `into` (its planted schedule, else a short solve), with a
    file of the user's beside it."""
    schedule = folder / "planted.csv"
    if schedule.is_file():
        args = ["export", str(folder), "--schedule", str(schedule), "--out", str(into), "--force"]
    else:
        args = ["solve", str(folder), "--out", str(into), "--time-limit", "10", "--workers", "1", "--quiet"]
    subprocess.run([*SALLE, *args], cwd=ROOT, capture_output=True, check=True, timeout=600)
    (into / MINE).parent.mkdir(exist_ok=True)
    (into / MINE).write_text("mine\n", encoding="utf-8")
    return into


def snapshot(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha1(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


def whole(out: Path, folder: Path) -> str | None:
    """None when `out` holds one run whole (see the module's docstring), else what is wrong."""
    from solver.config import load_config
    from solver.inputs import load_problem
    from solver.inputs.assignments import read_schedule
    from solver.judge import judge
    from solver.publish.manifest import MANIFEST, digest
    from solver.publish.publications import group_of

    try:
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        # what the run had no time to delete is hidden, names a process that is gone, and goes with the next run
        pending = [p for p in out.rglob("*") if p.name.endswith((".salle-old", ".salle-tmp"))]
        if any(not p.name.split(".")[-3].isdigit() for p in pending if not p.parent.name.endswith(".salle-old")):
            return "a temp file of unknown origin"
        present = {p.relative_to(out).as_posix() for p in out.rglob("*")
                   if p.is_file() and not any(part.endswith((".salle-old", ".salle-tmp"))
                                              for part in p.relative_to(out).parts)} - {MINE}
        if set(summary["files"]) != present:
            return f"summary.json lists {len(summary['files'])} files, {len(present)} are there"
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
        if set(manifest) != present - {MANIFEST} or any(digest((out / r).read_bytes()) != d
                                                        for r, d in manifest.items()):
            return "the manifest does not match the files"
        left_out = (summary.get("not_refreshed") or {}).get("publications", {})
        if any(group_of(rel) in left_out for rel in present):
            return "a publication left out still has files"
        problem = load_problem(folder)
        schedule = read_schedule(out / "assignments.csv", problem)
        if not judge(problem, schedule, load_config([ROOT / "constraints" / "default.yaml"])).ok:
            return "the schedule breaks a hard rule"
        if len(schedule.assignments) != len(problem.sessions):
            return "sessions left out"
        if (out / MINE).is_file() and (out / MINE).read_text(encoding="utf-8") != "mine\n":
            return "the user's file changed"
    except (OSError, ValueError, KeyError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def run(folder: Path, workers: int, limit: float, seed: int, out: Path, interrupt: float | None,
        before: dict[str, str] | None) -> dict:
    proc = subprocess.Popen([*SALLE, "solve", str(folder), "--out", str(out), "--time-limit", str(limit),
                             "--workers", str(workers), "--seed", str(seed), "--quiet"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    started = time.monotonic()
    wall_started = time.time()
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
        time.sleep(0.02)
    ended = time.monotonic()
    err = proc.stderr.read() if proc.stderr else ""
    left = len(group_processes(proc.pid))
    summary: dict = {}
    fresh = (out / "summary.json").is_file() and (out / "summary.json").stat().st_mtime >= wall_started - 1
    if fresh:
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    if proc.returncode == 0:
        problem = whole(out, folder)
    elif before is not None:
        problem = None if snapshot(out) == before else "the earlier run changed"
    else:
        problem = None if not (out / "summary.json").exists() else "files written"
    return {"hung": False, "code": proc.returncode, "wall": ended - started, "left": left,
            "after_signal": ended - signalled if signalled else None, "traceback": "Traceback" in err,
            "solve": (summary.get("seconds") or {}).get("total"), "written": proc.returncode == 0 and fresh,
            "left_out": len((summary.get("not_refreshed") or {}).get("publications", {})), "broken": problem}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", default="XL-1,L-1,cosplib/GECCO19")
    parser.add_argument("--workers", default="4,8")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--interrupts", type=int, default=3, help="of the runs, how many get a Ctrl-C")
    parser.add_argument("--time-limit", type=float, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fresh", action="store_true", help="write into an empty folder, not over an earlier run")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    limit = args.time_limit
    rows = ["| instance | workers | runs | hung | search, max s | whole run, max s (over the limit) | "
            "Ctrl-C: ended after the signal (max) | Ctrl-C: written / none yet | Ctrl-C: publications left out | "
            "folders not whole | tracebacks | left behind |",
            "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|"]
    failures = 0
    loads = []
    for name in args.instances.split(","):
        folder = instance(name)
        with tempfile.TemporaryDirectory(prefix="salle-watchdog-earlier-") as keep:
            earlier = None if args.fresh else earlier_run(folder, Path(keep) / "out")
            before = snapshot(earlier) if earlier is not None else None
            for workers in (int(w) for w in args.workers.split(",")):
                results = []
                for i in range(args.runs):
                    cut = rng.uniform(1.0, limit) if i < args.interrupts else None
                    loads.append(os.getloadavg()[0])
                    with tempfile.TemporaryDirectory(prefix="salle-watchdog-") as tmp:
                        out = Path(tmp) / "out"
                        if earlier is not None:
                            shutil.copytree(earlier, out)
                        r = run(folder, workers, limit, args.seed + i, out, cut, before)
                    r["cut"] = cut
                    results.append(r)
                    print(name, workers, i, r, flush=True)
                plain = [r for r in results if r["cut"] is None and not r["hung"]]
                cut = [r for r in results if r["cut"] is not None and not r["hung"]]
                hung = sum(r["hung"] for r in results)
                done = [r for r in results if not r["hung"]]
                broken = sum(r["broken"] is not None for r in done)
                failures += hung + broken + sum(r["traceback"] or r["left"] for r in done)
                search = max((r["solve"] for r in plain if r["solve"] is not None), default=None)
                wall = max((r["wall"] for r in plain), default=None)
                rows.append(
                    f"| {name} | {workers} | {len(results)} | {hung} | "
                    f"{'—' if search is None else f'{search:.1f}'} | "
                    f"{'—' if wall is None else f'{wall:.1f} ({wall - limit:+.1f})'} | "
                    f"{max((r['after_signal'] for r in cut if r['after_signal'] is not None), default=0):.1f} s | "
                    f"{sum(r['written'] for r in cut)} / {sum(r['code'] == 130 for r in cut)} | "
                    f"{sum(r['left_out'] for r in cut)} | {broken} | "
                    f"{sum(r['traceback'] for r in done)} | {sum(r['left'] for r in done)} |")
    head = ["# Partners under a watchdog (`python bench/watchdog.py`)", "",
            f"Run on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
            f"{platform.platform()}; `--time-limit {limit:g}`, {args.runs} runs per line of which "
            f"{args.interrupts} get a Ctrl-C at a random moment; "
            f"{'empty output folders' if args.fresh else 'each run over a complete earlier run'}; load average "
            f"{min(loads, default=0):.1f}–{max(loads, default=0):.1f} at the runs' start.", ""]
    text = "\n".join(head + rows) + "\n"
    print(text)
    OUT.write_text(text, encoding="utf-8")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
