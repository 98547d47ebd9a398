"""Soft: sessions with a `position` come at that place in their track (each one out of place costs the weight).

A track's sessions are counted block by block in time order, within a block room by room (rooms.csv order), then
by start; the session counted k-th should have position k (0 or empty: any). Two positioned sessions of one track
running at the same slot also cost, once per slot. Off by default.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import Any

from solver.inputs import Problem
from solver.language import say
from solver.rules.base import BuildContext, Counting, JudgeView, Placed, Placement, RuleSettings, Violation
from solver.rules.blocks import Scaled, block_of, penalize_sum

NAME = "track_position"
DEFAULTS = RuleSettings(enabled=False, hard=False, weight=1)
MODES = ("soft",)
UNIT = "session out of its place in its track, or two at one slot, times `multiplier`"
Params = Scaled


def relevant(problem: Problem, session) -> bool:
    return bool(session.track)


def links(problem: Problem, p: Placement) -> list:
    return [p.session.track] if p.session.track and _positioned(problem).get(p.session.track) else []


def _positioned(problem: Problem) -> dict[str, bool]:
    out: dict[str, bool] = defaultdict(bool)
    for s in problem.sessions:
        if s.track and s.position:
            out[s.track] = True
    return out


def _key(problem: Problem, p: Placed | Placement) -> tuple[int, int, int]:
    """Where a placed session is counted in its track: block, room, start."""
    return (problem.block_index[block_of(problem, p)], problem.room_index[p.room.room_id], p.slots[0].start)


def add(ctx: BuildContext) -> None:
    problem, model, index = ctx.problem, ctx.model, ctx.index
    multiplier = ctx.params.multiplier  # type: ignore[attr-defined]
    tracks: dict[str, list[str]] = defaultdict(list)
    for s in problem.sessions:
        if s.track and index.by_session.get(s.session_id):
            tracks[s.track].append(s.session_id)
    span = 24 * 60 * 2
    rooms = len(problem.rooms) + 1

    def where(sid: str) -> Any:
        return sum(((b * rooms + r) * span + t) * ctx.literals[k]
                   for k in index.by_session[sid] for b, r, t in [_key(problem, ctx.placements[k])])

    for sids in tracks.values():
        ranked = [sid for sid in sids if problem.session[sid].position]
        if not ranked:
            continue
        keys = {sid: where(sid) for sid in sids}
        for sid in ranked:
            earlier = []
            for other in sids:
                if other == sid:
                    continue
                first = model.new_bool_var(f"before[{other},{sid}]")
                model.add(keys[other] < keys[sid]).only_enforce_if(first)
                model.add(keys[other] >= keys[sid]).only_enforce_if(first.Not())
                earlier.append(first)
            wrong = model.new_bool_var(f"misplaced[{sid}]")
            model.add(sum(earlier) == problem.session[sid].position - 1).only_enforce_if(wrong.Not())  # type: ignore[operator]
            ctx.penalize(wrong, multiplier)
        for one, two in combinations(sorted(ranked), 2):
            run_a, run_b = index.running(one), index.running(two)
            for t in [t for t in run_a if t in run_b]:
                penalize_sum(ctx, sum(run_a[t]) + sum(run_b[t]) - 1, multiplier, f"together[{one},{two},{t}]")


def judge(view: JudgeView, params: Scaled) -> list[Violation]:
    problem = view.problem
    tracks: dict[str, list[Placed]] = defaultdict(list)
    for p in view.placed:
        if p.session.track:
            tracks[p.session.track].append(p)
    out = []
    for track, placed in sorted(tracks.items()):
        ordered = sorted(placed, key=lambda p: (_key(problem, p), p.session.session_id))
        for k, p in enumerate(ordered, start=1):
            if p.session.position and p.session.position != k:
                out.append(Violation(NAME, params.multiplier,
                                     say("{id} should be number {position} of track {track} but comes number {k} "
                                         "({when})", id=p.session.session_id, position=p.session.position,
                                         track=track, k=k, when=p.when()), (p.session.session_id,)))
        ranked = [p for p in placed if p.session.position]
        for a, b in combinations(sorted(ranked, key=lambda p: p.session.session_id), 2):
            common = len({s.slot_id for s in a.slots} & {s.slot_id for s in b.slots})
            if common:
                out.append(Violation(NAME, common * params.multiplier,
                                     say("{a} and {b} of track {track} both have a position and run at the same time "
                                         "({when})", a=a.session.session_id, b=b.session.session_id, track=track,
                                         when=a.when()),
                                     (a.session.session_id, b.session.session_id)))
    return out


def tally(ctx: Counting) -> None:
    """Per track, its sessions in (block, room, start) order: each with a position it does not hold, and each
    two with positions sharing slots, cost `multiplier` (per shared slot)."""
    problem, m = ctx.problem, ctx.params.multiplier  # type: ignore[attr-defined]
    if not any(s.position for s in problem.sessions if s.track):
        return

    def values(p: Placement) -> list[tuple[str, tuple]]:
        if not p.session.track:
            return []
        return [(p.session.track, (_key(problem, p), p.session.session_id, p.session.position or 0,
                                   frozenset(s.slot_id for s in p.slots)))]

    def cost(held: dict) -> int:
        ordered = sorted(held)
        n = sum(1 for k, (_, _, position, _) in enumerate(ordered, start=1) if position and position != k)
        ranked = [v for v in ordered if v[2]]
        return m * (n + sum(len(a[3] & b[3]) for a, b in combinations(ranked, 2)))

    ctx.grouped(values, cost)
