"""Run salle and its peers side by side on generated conferences; judge every result; write bench/RESULTS.md.

    python bench/run.py --sizes S,M,L --time-limit 60 [--tools salle,conference-scheduler,timefold] [--seed N]

Each (tool, instance) runs in a child process of its own with the same solver time limit; the child is killed
at `--wall` × the limit (plus 30 s), so a tool whose model building does not end is reported, not waited for.
Peak memory is the child's maximum resident set (its own and its solver subprocesses', via wait4). Every
schedule is checked by salle's independent judge with the benchmark's rules (bench/common.py), and its
objective (empty seats) is recomputed by the judge, not taken from the tool.

Results of each run are kept as JSON under bench/runs/ (not committed); RESULTS.md is rendered from all of
them, so runs of different sizes or tools made at different times end up in one table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_config, complete
from bench.generate import SIZES, instance_dir
from bench.peers import MODULES, tool
from bench.results import ToolRun

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RUNS = BENCH / "runs"
RESULTS = BENCH / "RESULTS.md"
ANALYSIS = BENCH / "ANALYSIS.md"
PEERS = [name for name in MODULES if name != "salle"]


def run_tool(name: str, instance: Path, time_limit: float, seed: int, workdir: Path, wall: float) -> ToolRun:
    """Run one tool in its own process; return its `ToolRun` with peak memory and the judge's verdict."""
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    why = tool(name).missing()
    if why:
        out = ToolRun(name, instance.name, time_limit, status="skipped", note=why)
        out.save(workdir / "run.json")
        return out
    cmd = [sys.executable, "-m", "bench.child", name, str(instance), "--time-limit", str(time_limit),
           "--seed", str(seed), "--workdir", str(workdir)]
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    cap = wall * time_limit + 30
    started = time.perf_counter()
    with (workdir / "stdout.log").open("wb") as so, (workdir / "stderr.log").open("wb") as se:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=so, stderr=se, start_new_session=True)
        killed = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - started > cap:
                os.killpg(proc.pid, signal.SIGKILL)
                killed = True
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.1)
        proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - started
    result_file = workdir / "run.json"
    if result_file.is_file() and not killed:
        out = ToolRun.load(result_file)
    else:
        out = ToolRun(name, instance.name, time_limit,
                      status="killed" if killed else "crashed", total_s=elapsed,
                      note=f"killed after {elapsed:.0f} s (wall cap {cap:.0f} s)" if killed
                      else _last_line(workdir / "stderr.log"))
    out.peak_mb = usage.ru_maxrss / 1024
    judge_run(out, instance, workdir)
    out.save(result_file)
    return out


def _last_line(path: Path) -> str:
    lines = [ln for ln in path.read_text(encoding="utf-8", errors="replace").splitlines() if ln.strip()]
    return lines[-1][:300] if lines else "no output"


def judge_run(out: ToolRun, instance: Path, workdir: Path) -> None:
    """Check `workdir/schedule.csv` with the independent judge; fill valid, judged and violations."""
    from solver.errors import InputError
    from solver.inputs import load_problem
    from solver.inputs.assignments import read_schedule
    from solver.judge import judge

    schedule_file = workdir / "schedule.csv"
    if not schedule_file.is_file():
        return
    problem = load_problem(instance)
    config = bench_config(workdir)
    try:
        schedule = read_schedule(schedule_file, problem)
    except InputError as exc:
        out.valid, out.violations = False, [str(exc)[:300]]
        return
    verdict = judge(problem, schedule, config)
    missing = complete((s.session_id for s in problem.sessions), (a.session_id for a in schedule.assignments))
    out.valid = verdict.ok and not missing
    out.judged = verdict.total
    out.violations = [f"{v.rule}: {v.message}"[:200] for v in verdict.hard[:20]] + missing[:20]


def planted_objective(instance: Path) -> int:
    """Empty seats of the planted schedule: every tool should do at least this well."""
    from solver.inputs import load_problem
    from solver.inputs.assignments import read_schedule
    from solver.judge import judge

    problem = load_problem(instance)
    verdict = judge(problem, read_schedule(instance / "planted.csv", problem), bench_config(RUNS))
    return verdict.total


# -- the report ----------------------------------------------------------------------------------------------
def load_runs(root: Path = RUNS) -> dict[str, dict[str, ToolRun]]:
    """instance -> tool -> its latest ToolRun, from every run.json under `root`."""
    out: dict[str, dict[str, ToolRun]] = {}
    for path in sorted(root.glob("*/*/run.json")):
        r = ToolRun.load(path)
        out.setdefault(r.instance, {})[r.tool] = r
    return out


def _f(value: float | None, digits: int = 1, unit: str = "") -> str:
    return "—" if value is None else f"{value:,.{digits}f}{unit}"


def ratio(salle: ToolRun | None, peer: ToolRun) -> str:
    """salle/peer: objective ratio and time ratio (salle's time to reach the peer's final objective ÷ the
    peer's time to reach it); '—' when either has no valid schedule."""
    if salle is None or not salle.valid or not peer.valid or peer.judged is None or salle.judged is None:
        return "—"
    obj = "obj 1.00×" if peer.judged == salle.judged else (
        f"obj {salle.judged / peer.judged:.3f}×" if peer.judged else "obj —")
    t_salle, t_peer = salle.time_to_reach(peer.judged), peer.final_s
    if t_salle is None:
        return f"{obj}, never reached peer's objective"
    if not t_peer:
        return obj
    return f"{obj}, time {t_salle / t_peer:.3f}× ({t_salle:.1f} s vs {t_peer:.1f} s)"


def size_of(instance: str) -> str:
    return instance.split("-")[0]


def targets(runs: dict[str, dict[str, ToolRun]]) -> list[str]:
    """The issue's targets, each met or missed, with the numbers."""
    lines = []

    def mark(ok: bool | None) -> str:
        return "n/a" if ok is None else ("met" if ok else "**missed**")

    for instance, tools in sorted(runs.items(), key=lambda kv: list(SIZES).index(size_of(kv[0]))):
        s = tools.get("salle")
        size = size_of(instance)
        if s is None:
            continue
        if size == "L":
            first = s.first_s if s.valid else None
            lines.append(f"- L feasible in under 10 s ({instance}): {mark(first is not None and first < 10)}"
                         f" — first valid schedule at {_f(first, 1, ' s')}" + (f" ({s.note})" if s.note else "")
                         + f"; status {s.status}.")
            gap = s.gap if s.valid else None
            lines.append(f"- L within 1 % of the proven bound in 60 s ({instance}, limit {s.time_limit:g} s): "
                         f"{mark(gap is not None and gap <= 0.01 and (s.total_s or 1e9) <= 60 + (s.build_s or 0) + 5)}"
                         f" — gap {_f(None if gap is None else 100 * gap, 2, ' %')}, run {_f(s.total_s, 0, ' s')}.")
            lines.append(f"- L peak memory under 4 GB ({instance}): {mark(s.peak_mb is not None and s.peak_mb < 4096)}"
                         f" — {_f(s.peak_mb, 0, ' MB')}"
                         + ("." if s.valid else " (but no schedule was found: the search had barely started)."))
        if size == "XL":
            first = s.first_s if s.valid else None
            lines.append(f"- XL feasible within 60 s ({instance}): {mark(first is not None and first <= 60)} — "
                         f"first valid schedule at {_f(first, 1, ' s')}; status {s.status}, peak "
                         f"{_f(s.peak_mb, 0, ' MB')}" + (f" ({s.note})" if s.note else "") + ".")
        for peer_name in PEERS:
            p = tools.get(peer_name)
            if p is None or not p.valid or p.judged is None:
                continue
            reached = s.time_to_reach(p.judged) if s.valid else None
            ok = reached is not None and p.final_s is not None and reached <= p.final_s / 10
            lines.append(f"- {instance} vs {peer_name}: objective at least as good in ≤ 1/10 of its time: "
                         f"{mark(ok)} — peer {p.judged:,} at {_f(p.final_s, 1, ' s')}; salle "
                         f"{_f(s.judged, 0)} final, reached ≤ {p.judged:,} at {_f(reached, 2, ' s')}.")
    return lines


def render(runs: dict[str, dict[str, ToolRun]], planted: dict[str, int]) -> str:
    """RESULTS.md: header (date, machine, versions), one table row per (instance, tool), targets, analysis."""
    versions = []
    for dist in ("ortools", "conference-scheduler", "pulp", "timefold"):
        try:
            versions.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{dist} not installed")
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "solver"], cwd=ROOT, capture_output=True,
                               text=True, check=True).stdout.strip()
        commit = f"salle at {head}" + (" with uncommitted changes in solver/" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        commit = "salle (no git)"
    limits = sorted({r.time_limit for t in runs.values() for r in t.values() if r.time_limit})
    out = [
        "# salle benchmark results",
        "",
        f"Generated by `python bench/run.py` on {dt.date.today().isoformat()}. Machine: {os.cpu_count()} cores, "
        f"{mem_gb:.0f} GiB, {platform.platform()}, Python {platform.python_version()}. "
        f"Versions: {commit}, {', '.join(versions)}. "
        f"Solver time limit per run: {', '.join(f'{t:g} s' for t in limits)} "
        "(the same for every tool on an instance; model building comes on top).",
        "",
        "Instances come from `bench/generate.py` (seeded; a planted feasible schedule each). Rules: salle's "
        "default hard rules; objective: empty seats (capacity − attendance, summed). Times are seconds since the "
        "tool's process started its run (reading the instance included). *valid* is the independent judge's "
        "verdict; *objective* is the judge's count of empty seats, *bound* the tool's proven lower bound, "
        "*gap* = (objective − bound) / objective. *salle/peer*: salle's objective ÷ the peer's, and the time "
        "salle took to reach the peer's final objective ÷ the time the peer took to reach it.",
        "",
        "| instance | tool | status | valid | build s | first feasible s | objective | bound | gap | peak MB "
        "| model size | total s | salle/peer |",
        "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    order = list(SIZES)
    for instance in sorted(runs, key=lambda i: (order.index(size_of(i)), i)):
        tools = runs[instance]
        out.append(f"| {instance} | planted schedule | reference | yes | | | {planted.get(instance, 0):,} | | | "
                   f"| | | |")
        for name in MODULES:
            r = tools.get(name)
            if r is None:
                continue
            valid = "—" if r.valid is None else ("yes" if r.valid else f"**no** ({len(r.violations)}+ violations)")
            status = r.status + (f": {r.note}" if r.note and r.status in ("skipped", "crashed", "killed") else "")
            build = None if r.build_s is None else (r.load_s or 0) + r.build_s
            out.append(
                f"| {instance} | {name} | {status} | {valid} | {_f(build)} | {_f(r.first_s)} | "
                f"{_f(r.judged, 0) if r.judged is not None else _f(r.objective, 0)} | {_f(r.bound, 0)} | "
                f"{_f(None if r.gap is None else 100 * r.gap, 2, ' %')} | {_f(r.peak_mb, 0)} | "
                f"{'—' if r.variables is None else f'{r.variables:,}'} | {_f(r.total_s)} | "
                f"{ratio(tools.get('salle'), r) if name != 'salle' else ''} |")
    notes = [r for t in runs.values() for r in t.values() if r.note and r.status not in ("skipped",)]
    missing_sizes = [s for s in SIZES if not any(size_of(i) == s for i in runs)]
    out += ["", "## Targets (issue 5)", "", *targets(runs)]
    out += [f"- {s}: not run (see the analysis below)." for s in missing_sizes]
    if notes:
        out += ["", "## Notes from the runs", ""]
        out += [f"- {r.instance} / {r.tool}: {r.note}" for r in notes]
    if ANALYSIS.is_file():
        out += ["", ANALYSIS.read_text(encoding="utf-8").strip()]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="S,M", help="comma-separated: " + ",".join(SIZES))
    parser.add_argument("--tools", default=",".join(MODULES), help="comma-separated: " + ",".join(MODULES))
    parser.add_argument("--time-limit", type=float, default=60.0, help="solver time limit per run, seconds")
    parser.add_argument("--seed", type=int, default=1, help="instance seed")
    parser.add_argument("--wall", type=float, default=3.0,
                        help="kill a run after WALL × time limit + 30 s (model building included)")
    parser.add_argument("--runs", type=Path, default=RUNS, help="where each run's files go")
    parser.add_argument("--out", type=Path, default=RESULTS, help="the markdown report")
    parser.add_argument("--render-only", action="store_true", help="only rebuild the report from --runs")
    args = parser.parse_args(argv)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    names = [t.strip() for t in args.tools.split(",") if t.strip()]
    for s in sizes:
        if s not in SIZES:
            parser.error(f"unknown size {s}; valid: {', '.join(SIZES)}")
    for n in names:
        if n not in MODULES:
            parser.error(f"unknown tool {n}; valid: {', '.join(MODULES)}")
    if not args.render_only:
        for size in sizes:
            instance = instance_dir(size, args.seed)
            for name in names:
                r = run_tool(name, instance, args.time_limit, 0, args.runs / instance.name / name, args.wall)
                print(f"{instance.name:8} {name:22} {r.status:10} valid={r.valid} objective={r.judged} "
                      f"bound={r.bound} first={_f(r.first_s, 2)}s total={_f(r.total_s, 1)}s "
                      f"peak={_f(r.peak_mb, 0)}MB {r.note}", flush=True)
    runs = load_runs(args.runs)
    planted = {i: planted_objective(instance_dir(size_of(i), int(i.split("-")[1]))) for i in runs}
    args.out.write_text(render(runs, planted), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
