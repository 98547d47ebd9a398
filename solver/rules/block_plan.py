"""A plan of room-blocks for conferences cut into blocks: which track holds which room in which block, and which
block each session goes to, chosen by a small CP-SAT model at the level of blocks (no time slots, no order).

`block_room_track`'s start hook offers it to an engine given time to think: the greedy deal of room-blocks is
quick but myopic, and a model over every time slot drowns the block-level choice in symmetric orders. The plan
counts what the penalty tables and the conflicts cost per block, each weighted as the constraint file weighs its
rule: sessions in blocks (session_block), tracks in blocks and rooms (track_block, track_room), rooms used in
blocks (block_room), similar tracks and tracks sharing a chair in one block, sessions sharing a presenter or an
attendee in one block in two tracks, extra rooms of a track in a block and overall, and tracks with a gap between
their blocks. Costs that need the room of a session or its order are left to the search that follows.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ortools.sat.python import cp_model

from solver.inputs import Problem
from solver.rules.base import BlockCosts, Solve
from solver.rules.blocks import attendee_pairs, chair_pairs, presenter_pairs

MAX_ROOM_BLOCKS = 400_000  # tracks × blocks × rooms beyond which no plan is tried
MAX_PAIR_TERMS = 60_000  # conflicting pairs × blocks the plan counts at most (attendees: the first ones)


def plan(problem: Problem, unit: dict[str, int], solve: Solve, hint: dict[str, tuple[str, str]] | None = None,
         block_costs: BlockCosts | None = None) -> dict[str, tuple[str, str]]:
    """session -> (room_id, first slot_id) following the cheapest plan `solve` finds (it runs CP-SAT on the
    model and returns the solver when it found a solution), `unit` giving what one unit of each rule costs
    (rule name -> weight × multiplier; absent: not counted). A session's cost in a block is `block_costs`'s
    when given, else its session_block penalty. Sessions the plan cannot seat (a block too short for them) are
    left out; {} when no plan was found."""
    blocks = [b for b in problem.blocks if b in problem.block_slots]
    size = {b: len(problem.block_slots[b]) for b in blocks}
    rooms = [r.room_id for r in problem.rooms]
    tracks: dict[str, list] = defaultdict(list)
    for s in problem.sessions:
        tracks[s.track or f"session:{s.session_id}"].append(s)
    track_of = {s.session_id: t for t, ss in tracks.items() for s in ss}
    tb, tr, br, sb = (problem.penalty_table(k) for k in ("track_block", "track_room", "block_room", "session_block"))
    if len(tracks) * len(blocks) * len(rooms) > MAX_ROOM_BLOCKS:
        return {}
    w = defaultdict(int, unit)

    m = cp_model.CpModel()
    if block_costs is None:
        def block_costs(sid: str) -> dict[str, int]:
            return {b: w["session_block_penalty"] * sb.get((sid, b), 0) for b in blocks}
    allowed = {s.session_id: block_costs(s.session_id) for s in problem.sessions}
    x = _blocks_of_sessions(m, problem, blocks, size, allowed)
    y = {(t, b, r): m.new_bool_var("") for t in tracks for b in blocks for r in rooms}
    u = {(t, b): m.new_bool_var("") for t in tracks for b in blocks}
    z = {(t, r): m.new_bool_var("") for t in tracks for r in rooms}
    cost: list[Any] = []
    cost += [allowed[sid][b] * v for (sid, b), v in x.items() if allowed[sid][b]]
    for b in blocks:
        for r in rooms:
            held = [y[t, b, r] for t in tracks]
            m.add_at_most_one(held)
            if br.get((b, r)) and w["block_room_penalty"]:
                cost.append(w["block_room_penalty"] * br[b, r] * sum(held))
    for t, ss in tracks.items():
        for b in blocks:
            here = [y[t, b, r] for r in rooms]
            mine = [(s.slots_needed, x[s.session_id, b]) for s in ss if (s.session_id, b) in x]
            m.add(sum(n * v for n, v in mine) <= size[b] * sum(here))
            m.add_max_equality(u[t, b], here)
            m.add(sum(here) <= sum(v for _, v in mine))  # no room held empty
            if w["track_block_rooms"]:
                cost.append(w["track_block_rooms"] * (sum(here) - u[t, b]))
            if tb.get((t, b)):
                cost.append(w["track_block_penalty"] * tb[t, b] * sum(here))
        for r in rooms:
            m.add_max_equality(z[t, r], [y[t, b, r] for b in blocks])
            if tr.get((t, r)):
                cost.append(w["track_room_penalty"] * tr[t, r] * sum(y[t, b, r] for b in blocks))
        if w["track_hopping"]:
            cost.append(w["track_hopping"] * (sum(z[t, r] for r in rooms) - 1))
        if w["track_consecutive"] and len(blocks) > 1:  # used blocks form one run: at most one start
            starts = [u[t, blocks[0]]] + [m.new_bool_var("") for _ in blocks[1:]]
            for i in range(1, len(blocks)):
                m.add(starts[i] >= u[t, blocks[i]] - u[t, blocks[i - 1]])
            gap = m.new_bool_var("")
            m.add(sum(starts) <= 1 + len(blocks) * gap)
            cost.append(w["track_consecutive"] * gap)

    def together(a: Any, c: Any) -> Any:
        both = m.new_bool_var("")
        m.add_bool_or([both, ~a, ~c])
        return both

    terms = 0
    track_pairs: dict[tuple[str, str], int] = defaultdict(int)
    for (a, c), amount in problem.penalty_table("similar_tracks").items():
        if a != c and a in tracks and c in tracks and amount:
            key = (min(a, c), max(a, c))
            track_pairs[key] = max(track_pairs[key], w["similar_tracks"] * amount)
    for a, c in chair_pairs(problem):
        if a in tracks and c in tracks:
            track_pairs[(a, c)] += w["chair_conflicts"]
    for (a, c), amount in sorted(track_pairs.items()):
        for b in blocks:
            if amount:
                cost.append(amount * together(u[a, b], u[c, b]))
    for rule, pairs in (("presenter_block_conflicts", presenter_pairs(problem)),
                        ("attendee_block_conflicts", attendee_pairs(problem))):
        if not w[rule]:
            continue
        for a, c in sorted(pairs):
            if track_of[a] == track_of[c] or terms > MAX_PAIR_TERMS:
                continue
            for b in blocks:
                if (a, b) in x and (c, b) in x:
                    cost.append(w[rule] * together(x[a, b], x[c, b]))
                    terms += 1
    m.minimize(sum(cost))
    if hint is None or len(hint) < len(problem.sessions):  # an incomplete deal: a packing by counts first
        hint = _packed(problem, tracks, blocks, size, rooms, allowed, solve) or hint
    hinted: set[tuple[str, str, str]] = set()
    for sid, (room, slot) in (hint or {}).items():
        b = problem.block_of(problem.slot[slot])
        if (sid, b) in x:
            m.add_hint(x[sid, b], True)
            hinted.add((track_of[sid], b, room))
    for use in hinted:
        m.add_hint(y[use], True)
    solver = solve(m)
    if solver is None:
        return {}
    return _seat(problem, tracks, blocks, rooms, {k for k, v in x.items() if solver.boolean_value(v)},
                 {k for k, v in y.items() if solver.boolean_value(v)})


def _blocks_of_sessions(m: cp_model.CpModel, problem: Problem, blocks: list[str], size: dict[str, int],
                        allowed: dict[str, dict[str, int]]) -> dict[tuple[str, str], Any]:
    """One literal per session and block long enough that it may use, exactly one true per session."""
    x = {(s.session_id, b): m.new_bool_var("") for s in problem.sessions for b in blocks
         if s.slots_needed <= size[b] and b in allowed[s.session_id]}
    for s in problem.sessions:
        m.add_exactly_one(x[s.session_id, b] for b in blocks if (s.session_id, b) in x)
    return x


def _packed(problem: Problem, tracks: dict[str, list], blocks: list[str], size: dict[str, int], rooms: list[str],
            allowed: dict[str, dict[str, int]], solve: Solve) -> dict[str, tuple[str, str]]:
    """Any plan at all, by counts of room-blocks per track and block (no room variables, no costs: far fewer
    symmetric choices when the conference is nearly full), seated in rooms in order: a hint for the plan."""
    m = cp_model.CpModel()
    x = _blocks_of_sessions(m, problem, blocks, size, allowed)
    n = {(t, b): m.new_int_var(0, len(rooms), "") for t in tracks for b in blocks}
    for b in blocks:
        m.add(sum(n[t, b] for t in tracks) <= len(rooms))
        for t, ss in tracks.items():
            m.add(sum(s.slots_needed * x[s.session_id, b] for s in ss if (s.session_id, b) in x) <= size[b] * n[t, b])
    solver = solve(m)
    if solver is None:
        return {}
    xs = {k for k, v in x.items() if solver.boolean_value(v)}
    ys: set[tuple[str, str, str]] = set()
    for b in blocks:
        free = iter(rooms)
        for t in tracks:
            ys |= {(t, b, next(free)) for _ in range(solver.value(n[t, b]))}
    return _seat(problem, tracks, blocks, rooms, xs, ys)


def _seat(problem: Problem, tracks: dict[str, list], blocks: list[str], rooms: list[str],
          xs: set[tuple[str, str]], ys: set[tuple[str, str, str]]) -> dict[str, tuple[str, str]]:
    """Each track's sessions of a block into its rooms there, longest first, then by `position` within a room."""
    block_of = {sid: b for sid, b in xs}
    out: dict[str, tuple[str, str]] = {}
    for t, ss in tracks.items():
        for b in blocks:
            held = [r for r in rooms if (t, b, r) in ys]
            todo = sorted((s for s in ss if block_of.get(s.session_id) == b),
                          key=lambda s: (-s.slots_needed, s.position or 0, s.session_id))
            cells: dict[str, list] = {r: [] for r in held}
            free = {r: len(problem.block_slots[b]) for r in held}
            for s in todo:
                room = next((r for r in held if free[r] >= s.slots_needed), None)
                if room is not None:
                    cells[room].append(s)
                    free[room] -= s.slots_needed
            for room, seated in cells.items():
                k = 0
                for s in sorted(seated, key=lambda s: (s.position or 0, s.session_id)):
                    out[s.session_id] = (room, problem.block_slots[b][k].slot_id)
                    k += s.slots_needed
    return out
