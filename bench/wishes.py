"""Generated conferences with attendees' wishes: M (300 sessions, 1,500 attendees) and L (1,500 sessions, 5,000
attendees), each wishing 6–12 sessions, popular sessions drawn more often. Runs `salle solve` with the default
constraints at `--time-limit` (the target: within 2 % of the best known) and, with `--best-time`, a long run that
offers its result as the best known (bench/best_known.json, objective set "wishes").

    .venv/bin/python -m bench.wishes [--sizes M,L] [--time-limit 60] [--best-time 600] [--out bench/WISHES.md]

The instances are bench/generate.py's M-1 and L-1 plus an interests.csv drawn from a fixed seed (the same files
every time), in bench/instances/M-1w and L-1w.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import platform
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench import best as best_known
from bench.generate import instance_dir

ROOT = Path(__file__).resolve().parent.parent
SALLE = ROOT / ".venv" / "bin" / "salle"
ATTENDEES = {"M": 1500, "L": 5000}
OBJECTIVE_SET = "wishes"


def with_wishes(size: str, seed: int = 1) -> Path:
    """bench/instances/SIZE-SEEDw: the generated conference with an interests.csv (made once, deterministic)."""
    base = instance_dir(size, seed)
    folder = base.parent / f"{base.name}w"
    if (folder / "interests.csv").is_file():
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(base, folder)
    rng = random.Random(f"salle-bench/wishes/{size}/{seed}")
    with (folder / "sessions.csv").open(encoding="utf-8") as f:
        sessions = [row["session_id"] for row in csv.DictReader(f)]
    popularity = [rng.lognormvariate(0, 1) for _ in sessions]  # a few talks much wanted, most less
    with (folder / "interests.csv").open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["attendee_id", "session_id"])
        for a in range(ATTENDEES[size]):
            chosen: set[str] = set()
            want = rng.randint(6, 12)
            while len(chosen) < want:
                chosen.add(rng.choices(sessions, popularity)[0])
            for sid in sorted(chosen):
                out.writerow([f"a{a:05d}", sid])
    return folder


def fingerprint(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.glob("*.csv")):
        if path.name != "planted.csv":
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def solve(folder: Path, out: Path, time_limit: float, workers: int, seed: int) -> dict:
    t0 = time.perf_counter()
    proc = subprocess.run([str(SALLE), "solve", str(folder), "--time-limit", str(time_limit), "--workers",
                           str(workers), "--seed", str(seed), "--out", str(out), "--quiet"],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0 or not (out / "summary.json").is_file():
        raise RuntimeError(f"salle solve {folder.name} failed (rc {proc.returncode}): {proc.stderr[-1500:]}")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    objective = summary.get("objective", {})
    return {"objective": objective.get("total"), "per_rule": objective.get("per_rule", {}), "seconds": seconds,
            "hard": summary.get("counts", {}).get("hard_violations"), "engine": summary.get("engine"),
            "local_search_runs": summary.get("local_search_runs"), "local_search_off": summary.get("local_search_off"),
            "neighbourhoods": summary.get("neighbourhoods")}


def _commit() -> str:
    proc = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "solver"], cwd=ROOT, capture_output=True, text=True)
    return proc.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def offer(records: best_known.Records, instance: str, run: dict, time_limit: float, fp: str) -> bool:
    if run["hard"] or run["objective"] is None:
        return False
    current = best_known.best(records, OBJECTIVE_SET, instance, fp)
    if current is not None and current["objective"] <= run["objective"]:
        return False
    records.setdefault(OBJECTIVE_SET, {})[instance] = {
        "objective": run["objective"], "tool": "salle", "time_limit": time_limit, "reached_s": None,
        "date": dt.date.today().isoformat(), "commit": _commit(), "fingerprint": fp}
    return True


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="M,L")
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--best-time", type=float, default=0.0, help="also a long run offered as the best known")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--work", type=Path, default=Path("/tmp/salle-bench-wishes"))
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "WISHES.md")
    args = ap.parse_args(argv)
    records = best_known.load()
    done: list[tuple[str, str, float, dict]] = []
    for size in args.sizes.split(","):
        folder = with_wishes(size)
        fp, name = fingerprint(folder), folder.name
        limits = [args.time_limit] + ([args.best_time] if args.best_time else [])
        for limit in limits:
            run = solve(folder, args.work / f"{name}-{limit:g}", limit, args.workers, args.seed)
            kept = offer(records, name, run, limit, fp)
            print(name, limit, run, "new best known" if kept else "", flush=True)
            done.append((name, fp, limit, run))
        best_known.save(records)
    lines = []
    for name, fp, limit, run in done:  # the distance to the best known once every run is in
        best = best_known.best(records, OBJECTIVE_SET, name, fp)
        gap = best_known.distance(run["objective"], best["objective"] if best else None)
        lines.append(f"| {name} | {limit:g} | {run['objective']:,} | "
                     + ", ".join(f"{k} {v:,}" for k, v in sorted(run["per_rule"].items()))
                     + f" | {run['neighbourhoods']} / {run['local_search_runs']} | "
                     + (f"{gap:+.2%}" if gap is not None else "—") + f" | {run['seconds']:.1f} |")
    best_lines = [f"- {k}: {v['objective']:,} ({v['tool']}, {v['time_limit']:g} s, {v['date']}, {v['commit']})"
                  for k, v in sorted(records.get(OBJECTIVE_SET, {}).items())]
    text = "\n".join([
        "# Generated conferences with attendees' wishes (`python -m bench.wishes`)", "",
        f"Run on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}, {args.workers} workers, seed "
        f"{args.seed}, commit {_commit()}; default constraints (attendee_conflicts `measure: missed`, attendee_hops "
        "`within: row`, both on).", "",
        "| instance | time limit (s) | objective (judge) | per rule | neighbourhoods / local search runs "
        "| to the best known | seconds (whole run) |",
        "|---|---:|---:|---|---:|---:|---:|", *lines, "",
        "Best known (objective set \"wishes\", bench/best_known.json):",
        *best_lines, ""])
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
