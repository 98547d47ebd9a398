"""Real conference data in and out, measured: FOSDEM 2025 scheduled from scratch on a 5-minute grid, and the
pretalx round trip against a real pretalx (tests/pretalx/server.py). Writes bench/CONNECTORS.md.

    python bench/connectors.py --fosdem --time-limit 60      # needs ../shared (FOSDEM 2025's schedule.xml)
    python bench/connectors.py --pretalx                    # needs pretalx's venv (bash tests/pretalx/install.sh)

FOSDEM: `salle import frab fosdem-2025.xml --out F --unplaced` (943 talks with their durations, 40 rooms, both
days on a 5-minute grid), then `salle solve F` in its own process group with the time limit; reported: the time
to the first valid schedule (summary.json), the judge's soft total under the default rules against the published
schedule's on the same grid (`salle check F --schedule F/published.csv`), and the peak memory (the sum of the
processes' proportional set sizes, sampled, partners included). pretalx: the round trip import → solve → push
(dry run) → push --apply → release → pretalx's published schedule.xml → `salle import frab` → `salle check`, each
step timed, and pretalx's own schedule warnings counted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

from bench.common import group_memory_mb  # noqa: E402

SALLE = [sys.executable, "-m", "solver"]
FOSDEM = ROOT.parent / "shared" / "data" / "frab" / "fosdem-2025.xml"
OUT = BENCH / "CONNECTORS.md"


def _salle(*args: str, env: dict[str, str] | None = None, check: bool = True) -> tuple[int, str, float, float]:
    """Run salle in its own process group: (exit code, output, seconds, peak MB of the group)."""
    started = time.monotonic()
    proc = subprocess.Popen([*SALLE, *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True, env={**os.environ, **(env or {})})
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, group_memory_mb(proc.pid))
        time.sleep(0.2)
    out = proc.stdout.read() if proc.stdout else ""
    if check and proc.returncode not in (0, 2):
        raise SystemExit(f"salle {' '.join(args)} exited {proc.returncode}:\n{out[-2000:]}")
    return proc.returncode, out, time.monotonic() - started, peak


def fosdem(limit: float, seed: int) -> list[str]:
    if not FOSDEM.is_file():
        return [f"FOSDEM: skipped ({FOSDEM} is absent)"]
    work = Path(tempfile.mkdtemp(prefix="bench-fosdem-"))
    folder = work / "F"
    _, _, import_s, _ = _salle("import", "frab", str(FOSDEM), "--out", str(folder), "--unplaced")
    _salle("check", str(folder), "--schedule", str(folder / "published.csv"), "--out", str(work / "published"))
    published = json.loads((work / "published" / "summary.json").read_text())
    _, _, seconds, peak = _salle("solve", str(folder), "--out", str(work / "plan"), "--time-limit", str(limit),
                                      "--seed", str(seed))
    summary = json.loads((work / "plan" / "summary.json").read_text())
    _salle("check", str(folder), "--schedule", str(work / "plan" / "assignments.csv"), "--out", str(work / "judged"))
    judged = json.loads((work / "judged" / "summary.json").read_text())
    mine, theirs = judged["objective"]["total"], published["objective"]["total"]
    rules = sorted(r for r in set(judged["objective"]["per_rule"]) | set(published["objective"]["per_rule"])
                   if judged["objective"]["per_rule"].get(r) or published["objective"]["per_rule"].get(r))
    lines = [
        f"FOSDEM 2025 from scratch ({len(json.loads((work / 'plan' / 'summary.json').read_text())['files'])} files "
        f"written; import {import_s:.1f} s), `--time-limit {limit:g}`, seed {seed}:",
        "",
        "| | salle | published (same grid) |",
        "|---|---:|---:|",
        f"| hard violations | {judged['counts']['hard_violations']} | {published['counts']['hard_violations']} |",
        f"| soft total (default rules) | {mine:,} | {theirs:,} |",
        *(f"| {r} | {judged['objective']['per_rule'].get(r, 0):,} | {published['objective']['per_rule'].get(r, 0):,}"
          " |" for r in rules),
        f"| first valid schedule | {summary['seconds']['first_schedule']:.1f} s | |",
        f"| wall time of the run (publishing included) | {seconds:.1f} s | |",
        f"| peak memory (all processes, PSS) | {peak:,.0f} MB | |",
        f"| steps | {summary.get('neighbourhoods')} neighbourhoods, {summary.get('local_search_runs')} local search "
        "runs | |",
        "",
        f"Targets: valid in at most {limit:g} s: {'met' if judged['counts']['hard_violations'] == 0 else 'MISSED'}; "
        f"first valid under 20 s: {'met' if summary['seconds']['first_schedule'] < 20 else 'MISSED'} "
        f"({summary['seconds']['first_schedule']:.1f} s); under 2 GB: {'met' if peak < 2048 else 'MISSED'} "
        f"({peak:,.0f} MB); soft total no higher than the published one: "
        f"{'met' if mine <= theirs else 'MISSED'} ({mine:,} against {theirs:,}, "
        f"{(mine - theirs) / theirs * 100:+.1f} %).",
    ]
    return lines


def pretalx_round_trip(seed: int) -> list[str]:
    from tests.pretalx.server import running_pretalx, why_unavailable

    reason = why_unavailable()
    if reason:
        return [f"pretalx round trip: skipped ({reason})"]
    work = Path(tempfile.mkdtemp(prefix="bench-pretalx-"))
    timings: dict[str, float] = {}
    with running_pretalx(work / "server", timings=timings) as server:
        env = {"PRETALX_TOKEN": server.token}
        steps: list[tuple[str, float]] = []
        started = time.monotonic()

        def step(name: str, *args: str) -> str:
            code, out, seconds, _ = _salle(*args, env=env)
            if code != 0:
                raise SystemExit(f"{name}: exit {code}\n{out}")
            steps.append((name, seconds))
            return out

        step("import pretalx", "import", "pretalx", server.base_url, "--event", server.event, "--out",
             str(work / "in"))
        step("solve (--time-limit 10)", "solve", str(work / "in"), "--out", str(work / "plan"), "--time-limit", "10",
             "--seed", str(seed))
        plan = str(work / "plan" / "assignments.csv")
        dry = step("push (dry run)", "push", "pretalx", server.base_url, "--event", server.event, "--schedule", plan,
                   "--inputs", str(work / "in"))
        applied = step("push --apply --release", "push", "pretalx", server.base_url, "--event", server.event,
                       "--schedule", plan, "--inputs", str(work / "in"), "--apply", "--release", "salle-bench")
        t0 = time.monotonic()
        with urllib.request.urlopen(f"{server.base_url}/{server.event}/schedule.xml", timeout=60) as answer:
            (work / "schedule.xml").write_bytes(answer.read())
        steps.append(("GET schedule.xml", time.monotonic() - t0))
        step("import frab (pretalx's schedule.xml)", "import", "frab", str(work / "schedule.xml"), "--out",
             str(work / "back"))
        step("check", "check", str(work / "back"), "--schedule", str(work / "back" / "assignments.csv"))
        total = time.monotonic() - started
        warnings = server.schedule_warnings()
    lines = [f"pretalx {server.info.get('seeded', {}).get('event', server.event)} round trip (pretalx 2025.2.2 on "
             f"loopback, seeded in {timings.get('seed', 0):.1f} s, not counted): "
             f"{server.info.get('confirmed')} confirmed talks, 2 rooms, 3 days.", "",
             "| step | s |", "|---|---:|", *(f"| {name} | {s:.1f} |" for name, s in steps),
             f"| **round trip** | **{total:.1f}** |", "",
             f"Plan: {dry.strip().splitlines()[-1]}. Applied: {applied.strip().splitlines()[-2]}. pretalx's own "
             f"schedule warnings after the push: {len(warnings)}. Target: under 30 s: "
             f"{'met' if total < 30 else 'MISSED'} ({total:.1f} s, of which the solve's time limit is 10 s); no "
             f"warning: {'met' if not warnings else 'MISSED'}."]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fosdem", action="store_true")
    parser.add_argument("--pretalx", action="store_true")
    parser.add_argument("--time-limit", type=float, default=60)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    sections = []
    if args.fosdem:
        sections.append(fosdem(args.time_limit, args.seed))
    if args.pretalx:
        sections.append(pretalx_round_trip(args.seed))
    load = os.getloadavg()[0]
    head = ["# Real conference data in and out (`python bench/connectors.py`)", "",
            f"Run on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
            f"{platform.platform()}, Python {platform.python_version()}, load {load:.1f} at the end.", ""]
    text = "\n".join(head + [line for section in sections for line in [*section, ""]])
    print(text)
    old = OUT.read_text(encoding="utf-8") if OUT.is_file() else ""
    OUT.write_text(text + ("\n## Earlier runs\n\n" + old.split("\n", 1)[1] if old else ""), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
