"""PyCon UK's `conference-scheduler` (PuLP + CBC): one binary per (event, slot), where a slot is a room × time.

The instance becomes the library's resources: one `Event` per session (demand = attendance, and the events
sharing a speaker listed in each other's `unavailability`, the library's way to say "never at the same time"),
and one `Slot` per room and run of slots (a two-slot workshop needs slots of two grid slots' duration; closed
rooms get no slot). The model is the library's: its variables (`lp_problem.utils.variables`, every event × every
slot) and its rows "each event exactly once" and "at most one event per slot", plus

- availability: `X[e, s] <= 0` for each placement a hard rule forbids (the library's row for an unavailable
  slot; the adapter computes the list rather than calling `slot in event.unavailability` E × S times);
- clashes: `X[a, s1] + X[b, s2] <= 1` for events sharing a speaker and slots overlapping in time (the library's
  row; its builder loops over every event pair for every pair of concurrent slots, O(E² S²) in Python, and only
  sees containment, not partial overlap, so the adapter enumerates the same rows directly, for allowed pairs);
- room occupancy across slot lengths: a room's one-grid-slot and two-grid-slot slots that overlap share one
  "at most one" row (the library has no multi-slot events; without this row a workshop and a talk could share
  a room);
- objective: empty seats, `Σ (capacity − demand) X` (a custom objective function in the library's signature;
  its built-in `efficiency_capacity_demand_difference` has the opposite sign and would fill the big halls).

CBC gets the same time limit and 2 threads; its log gives the time of each improving solution and the bound.

Objectives: empty seats only. The default constraint file's other soft rules (a track's rooms per day, a
speaker's days and rooms, parallel sessions of a track per instant, changeover gaps) are counts of distinct
values and pairwise conditions; the library's model has one binary per (event, slot) and a linear objective over
them, with no place for the auxiliary variables and rows those rules need, so this peer is not run on them.
Instances whose model would exceed `MAX_BINARIES` are skipped (L-1 would have 5.8 M binaries; M-1's 256,500
already take 10 s and 1.3 GB to build).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from importlib.util import find_spec
from pathlib import Path

from bench.common import Clock, write_schedule
from bench.peers._rules import allowed, clashing_pairs
from bench.results import ToolRun, parse_cbc_log

NAME = "conference-scheduler"
OBJECTIVES = ("seats",)
THREADS = 2
MAX_BINARIES = 1_000_000


def missing() -> str | None:
    if find_spec("conference_scheduler") is None or find_spec("pulp") is None:
        return "not installed (pip install -e '.[bench]')"
    return None


def skip(instance: Path, objective: str) -> str | None:
    """Why this peer is not run on `instance` with `objective` (None: it is)."""
    if objective not in OBJECTIVES:
        return ("empty seats only: the default soft rules (distinct rooms and days per track or speaker, "
                "per-instant parallel sessions, changeover gaps) do not fit its one-binary-per-(event, slot) model")
    from solver.inputs import load_problem

    problem = load_problem(instance)
    lengths = {s.slots_needed for s in problem.sessions}
    binaries = len(problem.sessions) * len(problem.rooms) * len(problem.slots) * len(lengths)
    if binaries > MAX_BINARIES:
        return f"its model would have ~{binaries / 1e6:.1f} M binaries (more than {MAX_BINARIES / 1e6:g} M)"
    return None


def run(instance: Path, time_limit: float, seed: int, workdir: Path, objective: str = "seats") -> ToolRun:
    import pulp
    from conference_scheduler.lp_problem import constraints as lpc
    from conference_scheduler.lp_problem import utils as lpu
    from conference_scheduler.resources import Event, Shape, Slot

    from solver.inputs import load_problem

    clock = Clock()
    if objective not in OBJECTIVES:
        raise ValueError(f"{NAME} runs the empty-seats objective only, not '{objective}'")
    out = ToolRun(NAME, instance.name, objective_set=objective)
    problem = load_problem(instance)
    out.load_s = clock()

    # Slots: one per room and run of grid slots (one run length per session length present).
    lengths = sorted({s.slots_needed for s in problem.sessions})
    slots: list = []
    keys: list[tuple[str, str, tuple]] = []  # (room_id, first slot_id, run)
    for room in problem.rooms:
        for length in lengths:
            for first in problem.slots:
                run_ = problem.run(first.slot_id, length)
                if run_ is None:
                    continue
                start = dt.datetime.combine(first.day, dt.time(run_[0].start // 60, run_[0].start % 60))
                slots.append(Slot(venue=room.room_id, starts_at=start, duration=run_[-1].end - run_[0].start,
                                  capacity=room.capacity, session=f"{first.day.isoformat()} {length}"))
                keys.append((room.room_id, first.slot_id, run_))
    events = [Event(name=s.session_id, duration=0, demand=s.attendance) for s in problem.sessions]
    index = {s.session_id: i for i, s in enumerate(problem.sessions)}
    clashes = clashing_pairs(problem)
    for a, b in clashes:
        events[index[a]].add_unavailability(events[index[b]])
        events[index[b]].add_unavailability(events[index[a]])

    lp = pulp.LpProblem("conference_scheduler", pulp.LpMinimize)
    shape = Shape(len(events), len(slots))
    X = lpu.variables(shape)
    out.variables = len(X)
    for c in lpc._schedule_all_events(events, slots, X, summation_type="lpsum"):
        lp += c.condition
    for c in lpc._max_one_event_per_slot(events, slots, X, summation_type="lpsum"):
        lp += c.condition

    ok: dict[int, list[int]] = defaultdict(list)  # event -> allowed slots
    takers: dict[int, list[int]] = defaultdict(list)  # slot -> events allowed in it
    for e, session in enumerate(problem.sessions):
        for j, (room_id, _first, run_) in enumerate(keys):
            fits = len(run_) == session.slots_needed and allowed(problem, session, problem.room[room_id], run_)
            if fits:
                ok[e].append(j)
                takers[j].append(e)
            else:
                lp += X[e, j] <= 0
    # speaker clashes: overlapping slots (any rooms), both placements allowed
    minutes = [(keys[j][2][0].day, keys[j][2][0].start, keys[j][2][-1].end) for j in range(len(slots))]
    for a, b in clashes:
        ea, eb = index[a], index[b]
        for j1 in ok[ea]:
            d1, s1, f1 = minutes[j1]
            for j2 in ok[eb]:
                d2, s2, f2 = minutes[j2]
                if d1 == d2 and s1 < f2 and s2 < f1:
                    lp += X[ea, j1] + X[eb, j2] <= 1
    # one session per room at each grid slot, across slot lengths
    if len(lengths) > 1:
        covering: dict[tuple[str, str], list[int]] = defaultdict(list)
        for j, (room_id, _first, run_) in enumerate(keys):
            for s in run_:
                covering[(room_id, s.slot_id)].append(j)
        for js in covering.values():
            lp += lpu.lpsum(X[e, j] for j in js for e in takers[j]) <= 1
    lp += lpu.lpsum((slots[j].capacity - events[e].demand) * X[e, j] for e in range(len(events)) for j in ok[e])
    out.build_s = clock() - out.load_s

    log_path = workdir / "cbc.log"
    before = clock()
    solver = pulp.PULP_CBC_CMD(timeLimit=time_limit, threads=THREADS, msg=False, logPath=str(log_path),
                               options=[f"randomSeed {seed + 1}"])
    lp.solve(solver)
    out.total_s = clock()
    log = parse_cbc_log(log_path.read_text(encoding="utf-8", errors="replace") if log_path.is_file() else "")
    offset = out.total_s - (log.seconds or out.total_s - before)  # when CBC itself started
    out.trace = [(offset + t, v) for t, v in log.trace]
    out.bound = log.bound
    chosen = [(problem.sessions[e].session_id, keys[j][0], keys[j][1])
              for (e, j), var in X.items() if var.value() is not None and var.value() > 0.5]
    if lp.sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible) and chosen:
        write_schedule(workdir / "schedule.csv", chosen)
        out.status = "optimal" if lp.sol_status == pulp.LpSolutionOptimal else "feasible"
        out.objective = pulp.value(lp.objective)
        if out.status == "optimal" and out.objective is not None:
            out.bound = out.objective
        if not out.trace and out.objective is not None:
            out.trace = [(out.total_s, float(out.objective))]
        out.first_s = out.trace[0][0] if out.trace else out.total_s
    else:
        out.status = "infeasible" if lp.status == pulp.LpStatusInfeasible else "no schedule"
        out.note = f"CBC: {log.result or pulp.LpStatus.get(lp.status, lp.status)}"
    return out

