"""How fast `salle serve` answers a drag: server-side time per move on the 300-session generated conference (M)
and on the FOSDEM 2025 import (943 events, 40 rooms).

Each move is a POST /api/move through Starlette's TestClient, as the page sends it; the time is measured in the
route (`server_ms`: the incremental judge, the sentences and the new state as JSON-ready data), and beside it
the judge's share alone and, for reference, the full judge on the same schedule. The moves are random (a session
to a random room and first slot, or out of the schedule one time in ten), seeded. Every 25th move the live
verdict is compared with the full judge's.

    python bench/serve.py                       # both conferences, 200 moves each
    python bench/serve.py --moves 500 --only M
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

from bench.generate import instance_dir  # noqa: E402

FOSDEM = ROOT.parent / "shared" / "data" / "frab" / "fosdem-2025.xml"


def _canon(verdict) -> tuple:  # type: ignore[no-untyped-def]
    return (sorted((v.rule, v.message, v.amount) for v in verdict.hard),
            sorted((v.rule, v.message, v.amount) for v in verdict.soft))


def measure(name: str, inputs: Path, schedule: Path, moves: int, seed: int) -> dict:
    warnings.filterwarnings("ignore", message=".*httpx2")
    from starlette.testclient import TestClient

    from solver.judge import judge
    from solver.serve import make_app
    from solver.serve.incremental import MoveRefused

    with tempfile.TemporaryDirectory(prefix="salle-bench-serve-") as out:
        app = make_app(inputs, schedule, None, Path(out) / "out")
        client = TestClient(app)
        page = client.get("/").text
        desk_id = re.search(r'name="salle-desk" content="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        csrf = re.search(r'name="salle-csrf" content="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        headers = {"X-Salle-Desk": desk_id, "X-CSRF-Token": csrf}
        live = app.state.desk.desks[desk_id]
        problem = live.shared.problem
        rng = random.Random(seed)
        sessions = [s.session_id for s in problem.sessions]
        rooms, slots = [r.room_id for r in problem.rooms], [s.slot_id for s in problem.slots]
        server, judge_ms, wall = [], [], []
        refused = 0
        for i in range(moves):
            sid = rng.choice(sessions)
            body = ({"session": sid, "room": None, "slot": None} if rng.random() < 0.1 else
                    {"session": sid, "room": rng.choice(rooms), "slot": rng.choice(slots)})
            started = time.perf_counter()
            response = client.post("/api/move", json=body, headers=headers)
            wall.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                refused += 1
                continue
            server.append(response.json()["server_ms"])
            if i % 25 == 0:
                full_started = time.perf_counter()
                full = judge(problem, live.live.schedule(), live.config)
                judge_ms.append((time.perf_counter() - full_started) * 1000)
                if _canon(full) != _canon(live.live.judgement()):
                    raise SystemExit(f"{name}: the live verdict differs from the judge's after move {i}")
        timed = []  # the judge's share: the same moves again through the desk, without HTTP or JSON
        for _ in range(min(moves, 100)):
            sid = rng.choice(sessions)
            place = (rng.choice(rooms), rng.choice(slots)) if rng.random() >= 0.1 else None
            started = time.perf_counter()
            try:
                live.live.move(sid, place)
            except MoveRefused:
                continue
            timed.append((time.perf_counter() - started) * 1000)
    return {"name": name, "sessions": len(problem.sessions), "rooms": len(problem.rooms), "slots": len(problem.slots),
            "moves": len(server), "refused": refused,
            "median": statistics.median(server), "p95": _p95(server), "max": max(server),
            "wall_median": statistics.median(wall), "judge_median": statistics.median(timed),
            "full_judge_median": statistics.median(judge_ms)}


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", choices=["M", "FOSDEM"])
    args = parser.parse_args(argv)
    cases: list[tuple[str, Path, Path]] = []
    if args.only in (None, "M"):
        folder = instance_dir("M", 1)
        cases.append(("M-1 (generated)", folder, folder / "planted.csv"))
    imported = None
    if args.only in (None, "FOSDEM"):
        if not FOSDEM.is_file():
            print(f"skipping FOSDEM: {FOSDEM} not found")
        else:
            from solver.importers import import_frab

            imported = tempfile.TemporaryDirectory(prefix="salle-bench-fosdem-")
            folder = Path(imported.name) / "fosdem"
            import_frab(FOSDEM, folder)
            cases.append(("FOSDEM 2025 (import)", folder, folder / "assignments.csv"))
    print("| conference | sessions × rooms × slots | moves | median ms | p95 ms | max ms | judge alone, median ms "
          "| full judge, median ms | request wall, median ms |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, inputs, schedule in cases:
        r = measure(name, inputs, schedule, args.moves, args.seed)
        print(f"| {r['name']} | {r['sessions']} × {r['rooms']} × {r['slots']} | {r['moves']} | {r['median']:.1f} | "
              f"{r['p95']:.1f} | {r['max']:.1f} | {r['judge_median']:.1f} | {r['full_judge_median']:.1f} | "
              f"{r['wall_median']:.1f} |", flush=True)
    if imported is not None:
        imported.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
