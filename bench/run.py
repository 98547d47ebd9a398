"""Run salle and its peers side by side on generated conferences; judge every result; write bench/RESULTS.md.

    python bench/run.py --sizes S,M,L --time-limit 60 [--tools salle,timefold] [--objectives default,seats]

Each (tool, instance, objective) runs in a child process of its own with the same solver time limit; the child
is killed at `--wall` × the limit plus 150 s (Timefold's start alone took 100 s on a busy machine), so a tool
whose model building does not end is reported, not waited for. Peak memory is the larger of the child's maximum
resident set (via wait4) and the peak, sampled every 0.5 s, of the summed proportional set sizes of every process
of its group (salle's partner processes, a solver's subprocesses).
Every schedule is checked by salle's independent judge with the objective's constraint file (bench/common.py),
and its objective is the judge's total, not the tool's figure.

Objectives: `default` (the bundled constraints/default.yaml) and `seats` (empty seats only). Checkpoints (the
objective held at 5, 15 and 60 s) are read from each tool's stream of improving solutions. Every valid run
offers its judged objective to bench/best_known.json (committed): the best any tool reached on that instance.

Results of each run are kept as JSON under bench/runs/<objective>/<instance>/<tool>/<limit>s/ (not committed);
RESULTS.md is rendered from all of them, so runs made at different times end up in one report.
Besides the generated sizes, `--sizes bundled` runs the conference bundled in inputs/.
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

from bench import best as best_known
from bench.common import OBJECTIVES, bench_config, complete, fingerprint, group_memory_mb
from bench.generate import SIZES, instance_dir
from bench.peers import MODULES, why_not
from bench.results import ToolRun

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RUNS = BENCH / "runs"
RESULTS = BENCH / "RESULTS.md"
ANALYSIS = BENCH / "ANALYSIS.md"
PEERS = [name for name in MODULES if name != "salle"]
CHECKPOINTS = (5.0, 15.0, 60.0)
BUNDLED = "bundled"
ORDER = [BUNDLED, *SIZES]


def instance_path(name: str, seed: int = 1) -> Path:
    """The folder of a size (generated and cached) or of the bundled conference."""
    return ROOT / "inputs" if name == BUNDLED else instance_dir(name, seed)


def run_tool(name: str, instance: Path, time_limit: float, seed: int, workdir: Path, wall: float,
             objective: str = "seats", best_file: Path | None = None) -> ToolRun:
    """Run one tool in its own process; return its `ToolRun` with peak memory and the judge's verdict.
    With `best_file`, a valid run is offered to the best-known objectives kept there."""
    label = BUNDLED if instance.resolve() == (ROOT / "inputs").resolve() else instance.name
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    why = why_not(name, instance, objective)
    if why:
        out = ToolRun(name, label, time_limit, objective_set=objective, status="skipped", note=why)
        out.save(workdir / "run.json")
        return out
    cmd = [sys.executable, "-m", "bench.child", name, str(instance), "--time-limit", str(time_limit),
           "--seed", str(seed), "--workdir", str(workdir), "--objective", objective]
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    cap = wall * time_limit + 150
    load, commit = os.getloadavg()[0], _commit()
    started = time.perf_counter()
    with (workdir / "stdout.log").open("wb") as so, (workdir / "stderr.log").open("wb") as se:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=so, stderr=se, start_new_session=True)
        killed = False
        tree_peak, next_sample = 0.0, 0.0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() >= next_sample:  # the tool and the processes it started (salle's partners)
                tree_peak, next_sample = max(tree_peak, group_memory_mb(proc.pid)), time.perf_counter() + 0.5
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
        out = ToolRun(name, label, time_limit, objective_set=objective,
                      status="killed" if killed else "crashed", total_s=elapsed,
                      note=f"killed after {elapsed:.0f} s (wall cap {cap:.0f} s)" if killed
                      else _last_line(workdir / "stderr.log"))
    out.instance = label
    out.load_avg, out.commit = load, commit
    out.peak_mb = max(usage.ru_maxrss / 1024, tree_peak)
    judge_run(out, instance, workdir)
    out.save(result_file)
    if best_file is not None:
        records = best_known.load(best_file)
        if best_known.offer(records, out, fingerprint(instance), commit=_commit()):
            best_known.save(records, best_file)
    return out


def _last_line(path: Path) -> str:
    lines = [ln for ln in path.read_text(encoding="utf-8", errors="replace").splitlines() if ln.strip()]
    return lines[-1][:300] if lines else "no output"


def _commit() -> str:
    """The short commit of the tree measured, '+dirty' when solver/ has uncommitted changes."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "solver"], cwd=ROOT, capture_output=True,
                               text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""
    return head + ("+dirty" if dirty else "")


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
    config = bench_config(workdir, out.objective_set)
    try:
        schedule = read_schedule(schedule_file, problem)
    except InputError as exc:
        out.valid, out.violations = False, [str(exc)[:300]]
        return
    verdict = judge(problem, schedule, config)
    missing = complete((s.session_id for s in problem.sessions), (a.session_id for a in schedule.assignments))
    out.valid = verdict.ok and not missing
    out.judged = verdict.total
    out.penalties = {rule: amount for rule, amount in verdict.penalties.items() if amount}
    out.violations = [f"{v.rule}: {v.message}"[:200] for v in verdict.hard[:20]] + missing[:20]


def planted_objective(instance: Path, objective: str = "seats") -> int | None:
    """The judge's objective of the planted schedule (None: the instance has none)."""
    from solver.inputs import load_problem
    from solver.inputs.assignments import read_schedule
    from solver.judge import judge

    if not (instance / "planted.csv").is_file():
        return None
    problem = load_problem(instance)
    config = bench_config(RUNS / "_planted" / objective, objective)
    return judge(problem, read_schedule(instance / "planted.csv", problem), config).total


# -- the report ----------------------------------------------------------------------------------------------
Key = tuple[str, str, str, float]  # objective set, instance, tool, time limit


def load_runs(root: Path = RUNS) -> dict[Key, ToolRun]:
    """Every run.json under `root`, by (objective set, instance, tool, time limit); the newest file wins."""
    out: dict[Key, ToolRun] = {}
    for path in sorted(root.glob("**/run.json"), key=lambda p: p.stat().st_mtime):
        r = ToolRun.load(path)
        out[(r.objective_set, r.instance, r.tool, r.time_limit or 0.0)] = r
    return out


def _f(value: float | None, digits: int = 1, unit: str = "") -> str:
    return "—" if value is None else f"{value:,.{digits}f}{unit}"


def size_of(instance: str) -> str:
    return instance.split("-")[0]


def _sort(instance: str) -> tuple[int, str]:
    size = size_of(instance)
    return (ORDER.index(size) if size in ORDER else len(ORDER), instance)


def held(run: ToolRun, seconds: float) -> float | None:
    """The objective `run` held at `seconds`: the judge's figure once the run has ended, else the tool's own
    (None: no schedule yet, or the run ended on its time limit before `seconds`)."""
    ran = max(run.total_s or 0.0, run.time_limit or 0.0)
    if seconds > ran + 1e-9 and run.status != "optimal":
        return None
    if run.total_s is not None and run.total_s <= seconds and run.valid and run.judged is not None:
        return float(run.judged)
    return run.at(seconds)


def checkpoint(run: ToolRun, seconds: float) -> str:
    """A table cell: the objective held at `seconds`, 'none' (running, no schedule yet), '—' (not run that long),
    'invalid' (the tool reported schedules, but the judge rejected the one it ended with)."""
    if run.valid is False and run.trace:  # the tool held schedules it thought valid; the judge disagreed
        return "invalid"
    ran = max(run.total_s or 0.0, run.time_limit or 0.0)
    value = held(run, seconds) if run.valid else None
    if value is not None:
        return f"{value:,.0f}"
    return "none" if seconds <= ran else "—"


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


def _mark(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "**missed**")


def _main_runs(runs: dict[Key, ToolRun], objective: str) -> dict[str, dict[str, ToolRun]]:
    """instance -> tool -> its run at the targets' 60 s limit (else the most common limit) for `objective`."""
    limits = [k[3] for k in runs if k[0] == objective]
    main = 60.0 if 60.0 in limits else (max(set(limits), key=limits.count) if limits else 0.0)
    out: dict[str, dict[str, ToolRun]] = {}
    for (obj, instance, tool_name, limit), r in runs.items():
        if obj == objective and limit == main:
            out.setdefault(instance, {})[tool_name] = r
    return out


def targets_default(runs: dict[Key, ToolRun], best: dict[str, float]) -> list[str]:
    """Issue 9's targets on the default constraint file, each met or missed with the measured numbers."""
    lines = []
    by_instance = _main_runs(runs, "default")
    first_limits = {"bundled": 1.0, "S": 1.0, "M": 1.0, "L": 5.0, "XL": 20.0}
    memory_limits = {"L": 1536.0, "XL": 3072.0}
    for instance in sorted(by_instance, key=_sort):
        tools = by_instance[instance]
        s, size = tools.get("salle"), size_of(instance)
        if s is None or s.status == "skipped":
            continue
        first = s.first_s if s.valid else None
        if size in first_limits and size != BUNDLED:
            limit = first_limits[size]
            lines.append(f"- {instance}: first valid schedule under {limit:g} s: "
                         f"{_mark(first is not None and first < limit)} — {_f(first, 2, ' s')}"
                         + ("" if s.valid else f" (status {s.status}, valid {s.valid})") + ".")
        if size in memory_limits:
            limit = memory_limits[size]
            lines.append(f"- {instance}: peak memory under {limit / 1024:g} GB: "
                         f"{_mark(s.peak_mb is not None and s.peak_mb < limit)} — {_f(s.peak_mb, 0, ' MB')}"
                         + ("." if s.valid else " (but no valid schedule was found)."))
        if size in ("S", BUNDLED):
            proven = s.status == "optimal" and s.total_s is not None and s.total_s < 2
            lines.append(f"- {instance}: proven optimal in under 2 s: {_mark(proven)} — status {s.status}, "
                         f"run {_f(s.total_s, 2, ' s')}.")
        if size in ("M", "L"):
            at60 = held(s, 60.0)
            d = best_known.distance(at60, best.get(instance))
            lines.append(f"- {instance}: within 2 % of the best known at 60 s: "
                         f"{_mark(d is not None and d <= 0.02)} — {_f(at60, 0)} at 60 s, best known "
                         f"{_f(best.get(instance), 0)}, distance {_f(None if d is None else 100 * d, 2, ' %')}.")
            tf = tools.get("timefold")
            if tf is not None and tf.status != "skipped":
                cells = []
                ok = True
                for t in CHECKPOINTS:
                    a, b = held(s, t), held(tf, t) if tf.valid else None
                    better = a is not None and (b is None or a < b)
                    ok = ok and better
                    cells.append(f"{t:g} s: {_f(a, 0)} vs {_f(b, 0)}")
                lines.append(f"- {instance}: objective better than Timefold's at 5, 15 and 60 s: {_mark(ok)} — "
                             + "; ".join(cells) + " (salle vs Timefold; — : no valid schedule yet).")
    return lines


def targets_seats(runs: dict[Key, ToolRun]) -> list[str]:
    """Issue 5's targets on the empty-seats objective, each met or missed with the numbers."""
    lines = []
    by_instance = _main_runs(runs, "seats")
    for instance in sorted(by_instance, key=_sort):
        tools = by_instance[instance]
        s, size = tools.get("salle"), size_of(instance)
        if s is None or s.status == "skipped" or size not in SIZES:
            continue
        if size == "L":
            first = s.first_s if s.valid else None
            lines.append(f"- L feasible in under 10 s ({instance}): {_mark(first is not None and first < 10)}"
                         f" — first valid schedule at {_f(first, 1, ' s')}; status {s.status}.")
            gap = s.gap if s.valid else None
            lines.append(f"- L within 1 % of the proven bound in 60 s ({instance}, limit {s.time_limit:g} s): "
                         f"{_mark(gap is not None and gap <= 0.01)} — gap "
                         f"{_f(None if gap is None else 100 * gap, 2, ' %')}, run {_f(s.total_s, 0, ' s')}.")
            lines.append(f"- L peak memory under 4 GB ({instance}): "
                         f"{_mark(s.peak_mb is not None and s.peak_mb < 4096)} — {_f(s.peak_mb, 0, ' MB')}.")
        if size == "XL":
            first = s.first_s if s.valid else None
            lines.append(f"- XL feasible within 60 s ({instance}): {_mark(first is not None and first <= 60)} — "
                         f"first valid schedule at {_f(first, 1, ' s')}; status {s.status}, peak "
                         f"{_f(s.peak_mb, 0, ' MB')}.")
        for peer_name in PEERS:
            p = tools.get(peer_name)
            if p is None or not p.valid or p.judged is None:
                continue
            reached = s.time_to_reach(p.judged) if s.valid else None
            ok = reached is not None and p.final_s is not None and reached <= p.final_s / 10
            lines.append(f"- {instance} vs {peer_name}: objective at least as good in ≤ 1/10 of its time: "
                         f"{_mark(ok)} — {ratio(s, p)}.")
    return lines


HEADINGS = {"default": "Default constraint file (constraints/default.yaml)", "seats": "Empty seats only"}


def table(runs: dict[Key, ToolRun], objective: str, planted: dict[tuple[str, str], int | None],
          best: dict[str, float]) -> list[str]:
    """The markdown table of one objective: a row per (instance, tool, time limit), the planted schedule first."""
    out = [
        "| instance | tool | limit s | status | valid | first valid s | @5 s | @15 s | @60 s | final (judge) "
        "| bound | gap | best known | Δ best | build s | peak MB | total s |",
        "|---|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    keys = sorted((k for k in runs if k[0] == objective),
                  key=lambda k: (_sort(k[1]), list(MODULES).index(k[2]) if k[2] in MODULES else 99, k[3]))
    seen: set[str] = set()
    skipped: dict[tuple[str, str], list[str]] = {}
    for key in keys:
        _, instance, name, limit = key
        r = runs[key]
        b = best.get(instance)
        if instance not in seen:
            seen.add(instance)
            p = planted.get((objective, instance))
            if p is not None:
                d = best_known.distance(p, b)
                out.append(f"| {instance} | planted schedule | | reference | yes | | | | | {p:,} | | | {_f(b, 0)} "
                           f"| {_f(None if d is None else 100 * d, 2, ' %')} | | | |")
        if r.status == "skipped":
            skipped.setdefault((name, r.note), []).append(instance)
            out.append(f"| {instance} | {name} | {limit:g} | skipped (below) | | | | | | | | | | | | | |")
            continue
        valid = "—" if r.valid is None else ("yes" if r.valid else f"**no** ({len(r.violations)}+ violations)")
        status = r.status + (f": {r.note}" if r.note and r.status in ("crashed", "killed") else "")
        final = r.judged if r.valid else None  # an invalid schedule's penalties are not an objective
        d = best_known.distance(final, b) if r.valid else None
        build = None if r.build_s is None else (r.load_s or 0) + r.build_s
        cells = [checkpoint(r, t) for t in CHECKPOINTS]
        out.append(
            f"| {instance} | {name} | {limit:g} | {status} | {valid} | {_f(r.first_s if r.valid else None, 2)} | "
            f"{' | '.join(cells)} | {_f(final, 0)} | {_f(r.bound, 0)} | "
            f"{_f(None if r.gap is None or not r.valid else 100 * r.gap, 2, ' %')} | {_f(b, 0)} | "
            f"{_f(None if d is None else 100 * d, 2, ' %')} | {_f(build)} | {_f(r.peak_mb, 0)} | {_f(r.total_s)} |")
    if skipped:
        out.append("")
        out += [f"Skipped: {name} on {', '.join(instances)}: {why}." for (name, why), instances in skipped.items()]
    return out


def by_rule(runs: dict[Key, ToolRun], objective: str) -> list[str]:
    """Where each valid run's final objective comes from: the judge's weighted penalty per soft rule."""
    keys = sorted((k for k in runs if k[0] == objective and runs[k].valid and runs[k].penalties),
                  key=lambda k: (_sort(k[1]), list(MODULES).index(k[2]) if k[2] in MODULES else 99, k[3]))
    rules = sorted({rule for k in keys for rule in runs[k].penalties},
                   key=lambda rule: -max(runs[k].penalties.get(rule, 0) for k in keys))
    if not keys:
        return []
    out = ["Final objective by rule (the judge's weighted penalties):", "",
           "| instance | tool | limit s | " + " | ".join(rules) + " | total |",
           "|---|---|---:|" + "---:|" * (len(rules) + 1)]
    for k in keys:
        r = runs[k]
        cells = " | ".join(f"{r.penalties.get(rule, 0):,}" for rule in rules)
        out.append(f"| {k[1]} | {k[2]} | {k[3]:g} | {cells} | {r.judged:,} |")
    return out


def best_of(records: best_known.Records, objective: str, fingerprints: dict[str, str]) -> dict[str, float]:
    out = {}
    for instance, fp in fingerprints.items():
        rec = best_known.best(records, objective, instance, fp)
        if rec is not None:
            out[instance] = float(rec["objective"])
    return out


def _loads(runs: dict[Key, ToolRun]) -> str:
    """A sentence on how busy the (shared) machine was when the runs started."""
    loads = sorted(r.load_avg for r in runs.values() if r.load_avg is not None)
    if not loads:
        return ""
    return (f" The machine is shared: its 1-minute load average when a run started was {loads[0]:.1f}–"
            f"{loads[-1]:.1f} (median {loads[len(loads) // 2]:.1f}) on {os.cpu_count()} cores.")


def render(runs: dict[Key, ToolRun], planted: dict[tuple[str, str], int | None], records: best_known.Records,
           fingerprints: dict[str, str]) -> str:
    """RESULTS.md: header, a table and the targets per objective, notes from the runs, the analysis."""
    versions = []
    for dist in ("ortools", "conference-scheduler", "pulp", "timefold"):
        try:
            versions.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{dist} not installed")
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    commits = sorted({r.commit for r in runs.values() if r.commit}) or [c for c in [_commit()] if c]
    commit = ("salle at " + ", ".join(c.replace("+dirty", " (uncommitted changes in solver/)") for c in commits)
              + (" (when the runs started)" if len(commits) > 1 else "")) if commits else "salle"
    apis = sorted({n.split(";")[0].removeprefix("API ") for r in runs.values() if r.tool == "salle"
                   for n in [r.note] if n.startswith("API ")})
    limits = sorted({k[3] for k in runs})
    out = [
        "# salle benchmark results",
        "",
        f"Generated by `python bench/run.py` on {dt.date.today().isoformat()}. Machine: {os.cpu_count()} cores "
        f"(shared), {mem_gb:.0f} GiB, {platform.platform()}, Python {platform.python_version()}. "
        f"Versions: {commit}" + (f" (called through `{'`, `'.join(apis)}`)" if apis else "")
        + f", {', '.join(versions)}. Solver time limit per run: {', '.join(f'{t:g} s' for t in limits)} "
        "(the same for every tool on an instance; whether model building counts in it is each tool's own rule: "
        "*total s* is the wall time of the run)." + _loads(runs),
        "",
        "Instances come from `bench/generate.py` (seeded; a planted valid schedule each). Each tool runs in its own "
        "process, one at a time. Times are seconds since the tool's process started its run (reading the instance "
        "included, Python imports not; Timefold's JVM start and constraint compilation count as its build). "
        "*valid* is salle's independent judge's verdict on the schedule written; *final (judge)* is the judge's "
        "objective for it (the sum of the weighted soft penalties of the constraint file). *@5 s, @15 s, @60 s*: "
        "the objective of the best schedule the tool held at that time, read from its stream of improving "
        "solutions (the tool's own figure while it runs, the judge's once it has ended; *none*: no schedule yet; "
        "*—*: the run had ended on its time limit). *bound*: the tool's proven lower bound; *gap* = (final − "
        "bound) / final. *best known*: the best judged objective any tool reached on that instance in any run "
        "recorded in `bench/best_known.json`; *Δ best* = (final − best) / best.",
        "",
    ]
    for objective in OBJECTIVES:
        if not any(k[0] == objective for k in runs):
            continue
        best = best_of(records, objective, fingerprints)
        out += [f"## {HEADINGS[objective]}", "", f"Objective: {OBJECTIVES[objective]}.", ""]
        out += table(runs, objective, planted, best)
        if objective == "default":
            out += ["", *by_rule(runs, objective)]
            out += ["", "### Targets (issue 9, default constraint file)", "", *targets_default(runs, best)]
        else:
            out += ["", "### Targets (issue 5, empty seats)", "", *targets_seats(runs)]
        out.append("")
    notes = []
    for key in sorted(runs, key=lambda k: (k[0], _sort(k[1]), k[2], k[3])):
        r = runs[key]
        if r.status == "skipped":
            continue
        if r.note:
            notes.append(f"- {r.objective_set} / {r.instance} / {r.tool}: {r.note}")
        if r.valid and r.objective is not None and r.judged is not None and round(r.objective) != r.judged:
            notes.append(f"- {r.objective_set} / {r.instance} / {r.tool}: reported objective {r.objective:,.0f}, "
                         f"the judge's {r.judged:,} for the schedule written")
        if r.valid is False:
            notes.append(f"- {r.objective_set} / {r.instance} / {r.tool}: judge: " + "; ".join(r.violations[:3]))
    if notes:
        out += ["## Notes from the runs", "", *notes, ""]
    if ANALYSIS.is_file():
        out += [ANALYSIS.read_text(encoding="utf-8").strip()]
    return "\n".join(out).rstrip() + "\n"


def report(runs_dir: Path, out_file: Path, best_file: Path | None, seed: int = 1) -> None:
    """Render RESULTS.md from the runs under `runs_dir` (and offer each to the best-known file)."""
    runs = load_runs(runs_dir)
    instances = {k[1] for k in runs}
    paths = {i: instance_path(size_of(i), int(i.split("-")[1]) if "-" in i else seed) for i in instances}
    for path in runs_dir.glob("**/run.json"):  # runs judged before penalties per rule were kept
        r = ToolRun.load(path)
        key = (r.objective_set, r.instance, r.tool, r.time_limit or 0.0)
        if r.valid and not r.penalties and r.judged and runs.get(key) == r and r.instance in paths:
            judge_run(r, paths[r.instance], path.parent)
            r.save(path)
            runs[key] = r
    fingerprints = {i: fingerprint(p) for i, p in paths.items()}
    records = best_known.load(best_file) if best_file is not None else {}
    changed = False
    for r in runs.values():
        if r.instance in fingerprints:
            changed |= best_known.offer(records, r, fingerprints[r.instance], commit=_commit())
    if changed and best_file is not None:
        best_known.save(records, best_file)
    planted = {(k[0], k[1]): planted_objective(paths[k[1]], k[0]) for k in runs}
    out_file.write_text(render(runs, planted, records, fingerprints), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="S,M", help="comma-separated: " + ",".join(ORDER))
    parser.add_argument("--tools", default=",".join(MODULES), help="comma-separated: " + ",".join(MODULES))
    parser.add_argument("--objectives", default=",".join(OBJECTIVES), help="comma-separated: " + ",".join(OBJECTIVES))
    parser.add_argument("--time-limit", type=float, default=60.0, help="solver time limit per run, seconds")
    parser.add_argument("--seed", type=int, default=1, help="instance seed")
    parser.add_argument("--wall", type=float, default=3.0,
                        help="kill a run after WALL × time limit + 150 s (model building included)")
    parser.add_argument("--runs", type=Path, default=RUNS, help="where each run's files go")
    parser.add_argument("--out", type=Path, default=RESULTS, help="the markdown report")
    parser.add_argument("--best", type=Path, default=best_known.BEST, help="the best-known objectives (JSON)")
    parser.add_argument("--render-only", action="store_true", help="only rebuild the report from --runs")
    args = parser.parse_args(argv)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    names = [t.strip() for t in args.tools.split(",") if t.strip()]
    objectives = [o.strip() for o in args.objectives.split(",") if o.strip()]
    for s in sizes:
        if s not in ORDER:
            parser.error(f"unknown size {s}; valid: {', '.join(ORDER)}")
    for n in names:
        if n not in MODULES:
            parser.error(f"unknown tool {n}; valid: {', '.join(MODULES)}")
    for o in objectives:
        if o not in OBJECTIVES:
            parser.error(f"unknown objective {o}; valid: {', '.join(OBJECTIVES)}")
    if not args.render_only:
        for size in sizes:
            instance = instance_path(size, args.seed)
            label = BUNDLED if size == BUNDLED else instance.name
            for objective in objectives:
                for name in names:
                    workdir = args.runs / objective / label / name / f"{args.time_limit:g}s"
                    r = run_tool(name, instance, args.time_limit, 0, workdir, args.wall, objective, args.best)
                    if r.status == "skipped":
                        print(f"{objective:8} {label:8} {name:22} skipped: {r.note}", flush=True)
                        continue
                    marks = " ".join(f"@{t:g}s={checkpoint(r, t)}" for t in CHECKPOINTS)
                    print(f"{objective:8} {label:8} {name:22} {r.status:10} valid={r.valid} judged={r.judged} "
                          f"bound={r.bound} first={_f(r.first_s, 2)}s {marks} total={_f(r.total_s, 1)}s "
                          f"peak={_f(r.peak_mb, 0)}MB {r.note}", flush=True)
    report(args.runs, args.out, args.best, args.seed)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
