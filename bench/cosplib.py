"""salle on the CoSPLib instances: scored in the library's terms, set against the schedules published with them.

    python bench/cosplib.py [--instances N2OR,OR60F] [--time-limits 60,600] [--render-only]

For each instance in ../shared/data/cosplib/instances/ (or `--shared DIR`): `salle import cosplib` into
bench/instances/cosplib/NAME (gitignored), the published schedules (exact and extended models) imported and
judged with the same constraint file (the library's score of each: the parity tests check it equals the
library checker's), then salle's default engine, once per time limit, each run in a child process of its own
(its default workers: one CP-SAT worker on the exact path, a partner process per core on the neighbourhood
search, on a 2-core machine). From the run's stream of improving schedules: the time to
the first valid one, the score held at 10, 60 and 600 s, the time it first matched the best published score;
the final schedule is judged (complete, no hard rule broken) and its score given with its non-zero terms. Runs
are kept as JSON under bench/runs/cosplib/NAME/<limit>s.json; bench/COSPLIB.md is rendered from all of them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data" / "cosplib"
RUNS = ROOT / "bench" / "runs" / "cosplib"
INSTANCES = ROOT / "bench" / "instances" / "cosplib"
REPORT = ROOT / "bench" / "COSPLIB.md"
CHECKPOINTS = (10, 60, 600)
# the library's own selection hyper-heuristic, 60 s on 2 cores, scored by its checker: from the shared README
# (../shared/data/cosplib/README.md), quoted for reference, not measured here
HYPER_HEURISTIC_60S = {"N2OR": 1, "GECCO19": 70_414, "GECCO20": 9_389, "GECCO21": 10_974, "OR60F": 4_868}


def _config(folder: Path):
    from solver.config import load_config

    return load_config([ROOT / "constraints" / "default.yaml", folder / "constraints.yaml"])


def prepare(name: str, shared: Path) -> dict:
    """Import the instance and its published schedules; their judged scores."""
    from solver.importers.cosplib import import_cosplib, library_terms
    from solver.judge import judge

    folder = INSTANCES / name
    import_cosplib(shared / "instances" / f"{name}.xlsx", folder)
    published = {}
    for model in ("exact", "extended"):
        solution = shared / "published" / model / f"{name}Solution.xlsx"
        if not solution.is_file():
            continue
        scratch = INSTANCES / f"{name}-{model}"
        done = import_cosplib(shared / "instances" / f"{name}.xlsx", scratch, solution)
        verdict = judge(done.problem, done.schedule, _config(scratch))
        published[model] = {"score": verdict.total, "valid": verdict.ok,
                            "terms": library_terms(verdict.penalties)}
    return {"folder": str(folder), "published": published}


def child(name: str, limit: float, out: Path) -> None:
    """One run, in this process: salle's default engine on the imported instance, its trace and verdict."""
    from solver.api import load
    from solver.engine import solve
    from solver.engine.result import SolveOptions
    from solver.importers.cosplib import library_terms
    from solver.judge import judge

    started = time.perf_counter()
    folder = INSTANCES / name
    problem = load(folder)
    config = _config(folder)
    trace: list[tuple[float, float]] = []
    bounds: list[float] = []

    def progress(seconds: float, objective: float, bound: float) -> None:
        trace.append((time.perf_counter() - started, objective))
        bounds.append(bound)

    result = solve(problem, config, SolveOptions(time_limit=limit, on_progress=progress))
    record: dict = {"instance": name, "time_limit": limit, "status": str(result.status),
                    "engine": result.engine, "iterations": result.iterations,
                    "trace": [(round(t, 2), o) for t, o in trace if o == o],
                    "first_valid": round(result.first_solution_seconds, 2)
                    if result.first_solution_seconds is not None else None,
                    "bound": result.bound, "seconds": round(time.perf_counter() - started, 1),
                    "date": dt.date.today().isoformat(), "commit": _commit()}
    if result.schedule is not None:
        verdict = judge(problem, result.schedule, config)
        record.update(score=verdict.total, valid=verdict.ok and len(result.schedule.assignments) == len(
            problem.sessions), terms=library_terms(verdict.penalties))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record, indent=1), encoding="utf-8")


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def held(trace: list, at: float) -> float | None:
    """The best score reached by `at` seconds."""
    seen = [o for t, o in trace if t <= at]
    return min(seen) if seen else None


def matched(trace: list, target: float) -> float | None:
    return next((t for t, o in trace if o <= target), None)


def render() -> str:
    lines = ["# salle on CoSPLib", "",
             "Generated by `python bench/cosplib.py` (see its docstring). Scores are the library's (lower is "
             "better), computed by salle's judge; the parity tests (tests/test_cosplib.py) check that the judge "
             "gives the library checker's exact scores on the ten published schedules. Each run: salle's default "
             "engine with its default workers (one CP-SAT worker on the exact path, since 76f55ef a partner "
             "process per core on the neighbourhood search), on a shared 2-core machine; \"held at T s\" is the "
             "best schedule the run had at T s (from its stream of improving schedules), \"final\" the judge's "
             "score of the schedule written.", "",
             f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}.", "",
             "| instance | best published (model) | library's hyper-heuristic, 60 s | salle run | first valid | "
             "held at 10 s | held at 60 s | held at 600 s | final (terms) | matched best published at | bound |",
             "|---|---:|---:|---|---:|---:|---:|---:|---|---:|---:|"]
    meta = {path.parent.name: json.loads(path.read_text()) for path in sorted(RUNS.glob("*/published.json"))}
    for name in sorted(meta):
        published = meta[name]["published"]
        best_model = min(published, key=lambda m: published[m]["score"]) if published else None
        best = published[best_model]["score"] if best_model else None
        runs = sorted((json.loads(p.read_text()) for p in (RUNS / name).glob("*s.json")),
                      key=lambda r: r["time_limit"])
        if not runs:
            lines.append(f"| {name} | {best:,} ({best_model}) | {HYPER_HEURISTIC_60S.get(name, '—')} | not run | "
                         "| | | | | | |")
        for r in runs:
            trace = r["trace"]
            cells = [f"{held(trace, c):,.0f}" if c <= r["time_limit"] and held(trace, c) is not None else "—"
                     for c in CHECKPOINTS]
            final = (f"{r['score']:,}" + ("" if r.get("valid") else " INVALID")
                     + " (" + ", ".join(f"{k} {v:,}" for k, v in r.get("terms", {}).items()) + ")"
                     if "score" in r else f"no schedule ({r['status']})")
            when = matched(trace, best) if best is not None else None
            bound = f"{r['bound']:,.0f}" if r.get("bound") is not None else "—"
            lines.append(
                f"| {name} | {best:,} ({best_model}) | {HYPER_HEURISTIC_60S.get(name, '—'):,} | "
                f"{r['time_limit']:.0f} s ({r['date']}, {r['commit']}) | "
                f"{r['first_valid']} s | {' | '.join(cells)} | {final} | "
                f"{f'{when:.1f} s' if when is not None else 'not matched'} | {bound} |")
    lines += ["", "The published schedules as salle's judge scores them (the library's scores):", ""]
    for name in sorted(meta):
        for model, p in meta[name]["published"].items():
            terms = ", ".join(f"{k} {v:,}" for k, v in p["terms"].items())
            lines.append(f"- {name}, {model} model: {p['score']:,} ({terms})" + ("" if p["valid"] else ", INVALID"))
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--instances", default="", help="comma-separated names (default: every shared instance)")
    parser.add_argument("--time-limits", default="60", help="comma-separated seconds, e.g. 60,600")
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--render-only", action="store_true")
    parser.add_argument("--child", nargs=3, metavar=("NAME", "LIMIT", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], float(args.child[1]), Path(args.child[2]))
        return
    if not args.render_only:
        if not (args.shared / "instances").is_dir():
            sys.exit(f"cosplib: no instances at {args.shared / 'instances'} (the shared folder beside the repo)")
        names = [n for n in args.instances.split(",") if n] or sorted(
            p.stem for p in (args.shared / "instances").glob("*.xlsx"))
        for name in names:
            (RUNS / name).mkdir(parents=True, exist_ok=True)
            (RUNS / name / "published.json").write_text(json.dumps(prepare(name, args.shared), indent=1),
                                                        encoding="utf-8")
            for limit in (float(x) for x in args.time_limits.split(",")):
                out = RUNS / name / f"{limit:.0f}s.json"
                print(f"{name}: {limit:.0f} s …", flush=True)
                subprocess.run([sys.executable, __file__, "--child", name, str(limit), str(out)], check=False,
                               timeout=limit * 3 + 300)
                if out.is_file():
                    r = json.loads(out.read_text())
                    print(f"  score {r.get('score')} valid {r.get('valid')} first {r['first_valid']} s", flush=True)
    REPORT.write_text(render(), encoding="utf-8")
    print(f"wrote {REPORT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
