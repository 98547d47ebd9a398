"""Soft: attendees need not change rooms between two wanted sessions in a row (session hopping).

Each time an attendee wants two sessions that follow each other directly (one starts when the other ends, on one
day and in one block where slots.csv has blocks) in two different rooms, it costs one hop (Vangerven et al.,
"Conference scheduling — a personalized approach", Omega 2018: the second measure after missed attendance).
Only conferences with interests.csv have anything to count.

`within: block` counts more widely: each pair of wanted sessions in one block (slots.csv `block`) in two rooms,
in a row or not, costs one per attendee wanting both (an attendee following a block's wanted talks changes room
less when they share a room, wherever they stand in the block).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Literal

from pydantic import Field

from solver.inputs import Problem
from solver.rules.base import BuildContext, Counting, JudgeView, Placed, Placement, RuleSettings, Violation
from solver.rules.base import Params as BaseParams
from solver.rules.clock import describe
from solver.rules.wishes import wishes

NAME = "attendee_hops"
DEFAULTS = RuleSettings(hard=False, weight=1)
MODES = ("soft",)
UNIT = "room change an attendee needs between two wanted sessions in a row"
SPECIFICITY = 135

class Params(BaseParams):
    within: Literal["row", "block"] = Field(default="row", description="sessions in a row, or anywhere in a block")


def _together(problem: Problem) -> tuple[dict[tuple[str, str], int], dict[str, set[str]]]:
    """(a, b) with a < b -> how many attendees want both; each session's such partners (solver.rules.wishes)."""
    w = wishes(problem)
    return w.together, w.together_partners


_ROWS: dict[int, tuple[tuple, frozenset]] = {}


def rows(problem: Problem) -> frozenset:
    """The moments (day, minute, block) where one slot ends and another begins: the only places a hop can be."""
    found = _ROWS.get(id(problem.slots))
    if found is None or found[0] is not problem.slots:
        ends = {(s.day, s.end, s.block or None) for s in problem.slots}
        starts = {(s.day, s.start, s.block or None) for s in problem.slots}
        _ROWS.clear()
        found = _ROWS[id(problem.slots)] = (problem.slots, frozenset(ends & starts))
    return found[1]


def relevant(problem: Problem, session: Any) -> bool:
    return bool(problem.interests)


def links(problem: Problem, p: Placement) -> list:
    return [tuple(sorted((p.session.session_id, b))) for b in _together(problem)[1].get(p.session.session_id, ())]


def _in_a_row(problem: Problem, first: Placement, then: Placement) -> bool:
    """`then` starts when `first` ends, on one day, in one block (when slots.csv gives blocks)."""
    a, b = first.slots[-1], then.slots[0]
    return a.day == b.day and a.end == b.start and (a.block or None) == (b.block or None)


def _block(slot: Any) -> tuple | None:
    """A slot's block on its day (None: the slot has no block)."""
    return (slot.day, slot.block) if slot.block else None


def _hop(ctx: BuildContext, one: dict[str, list], other: dict[str, list], attendees: int, name: str) -> None:
    """A hop costing `attendees` when one session is placed in `one` (room -> literals) and the other in
    `other`, in different rooms: a same-room literal per room both may use takes it back."""
    if len(one) == 1 and one.keys() == other.keys():
        return  # one room on both sides, the same: never a hop
    m = ctx.model
    same = []
    for room in one.keys() & other.keys():
        s = m.new_bool_var(f"same_{name}_{room}")
        m.add(s <= sum(one[room]))
        m.add(s <= sum(other[room]))
        same.append(s)
    both = sum(lit for lits in one.values() for lit in lits) + sum(lit for lits in other.values() for lit in lits)
    m.add(both - 1 - sum(same) <= ctx.violation(attendees, name=name))


def _add_blocks(ctx: BuildContext) -> None:
    """`within: block`: per pair wanted together and per block both may use, a hop when both are in it in
    different rooms (same-room literals take it back)."""
    count, partners = _together(ctx.problem)
    here = ctx.index.by_session
    inside: dict[str, dict[tuple, dict[str, list]]] = {}

    def of(sid: str) -> dict[tuple, dict[str, list]]:
        if sid not in inside:
            found: dict[tuple, dict[str, list]] = defaultdict(lambda: defaultdict(list))
            for key in here[sid]:
                p = ctx.placements[key]
                if (block := _block(p.slots[0])) is not None:
                    found[block][p.room.room_id].append(ctx.literals[key])
            inside[sid] = found
        return inside[sid]

    wanted = sorted((x, y) for x in here for y in partners.get(x, ()) if x < y and y in here)
    for a, b in wanted:
        in_a, in_b = of(a), of(b)
        for block in in_a.keys() & in_b.keys():
            _hop(ctx, in_a[block], in_b[block], count[(a, b)], f"{a}_{b}_{block[1]}")


def add(ctx: BuildContext) -> None:
    """Per pair wanted together and per moment one may end as the other starts: a hop when both are placed so
    and in different rooms (a same-room literal per room takes the hop back)."""
    if ctx.params.within == "block":  # type: ignore[attr-defined]
        _add_blocks(ctx)
        return
    moments = rows(ctx.problem)
    count, partners = _together(ctx.problem)
    if not moments or not count:
        return
    here = ctx.index.by_session
    ends: dict[str, dict[tuple, dict[str, list]]] = {}
    starts: dict[str, dict[tuple, dict[str, list]]] = {}

    def sides(sid: str) -> tuple[dict[tuple, dict[str, list]], dict[tuple, dict[str, list]]]:
        if sid not in ends:
            e: dict[tuple, dict[str, list]] = defaultdict(lambda: defaultdict(list))
            b: dict[tuple, dict[str, list]] = defaultdict(lambda: defaultdict(list))
            for key in here[sid]:
                p = ctx.placements[key]
                last, head = p.slots[-1], p.slots[0]
                if (at := (last.day, last.end, last.block or None)) in moments:
                    e[at][p.room.room_id].append(ctx.literals[key])
                if (at := (head.day, head.start, head.block or None)) in moments:
                    b[at][p.room.room_id].append(ctx.literals[key])
            ends[sid], starts[sid] = e, b
        return ends[sid], starts[sid]

    wanted = sorted((x, y) for x in here for y in partners.get(x, ()) if x < y and y in here)
    for a, b in wanted:
        for first, then in ((a, b), (b, a)):
            end_of, start_of = sides(first)[0], sides(then)[1]
            for moment in end_of.keys() & start_of.keys():
                _hop(ctx, end_of[moment], start_of[moment], count[(a, b)], f"{first}_{then}_{moment[1]}")


def tally(ctx: Counting) -> None:
    """Each pair wanted together is a pairwise clash costing its attendees when in a row in two rooms."""
    problem = ctx.problem
    count, _ = _together(problem)
    blocks = ctx.params.within == "block"  # type: ignore[attr-defined]
    if not count or not (blocks or rows(problem)):
        return  # no slot follows another directly: no hop can happen

    def clash(pa: Placement, pb: Placement) -> int:
        if pa.room.room_id == pb.room.room_id:
            return 0
        if blocks:
            block = _block(pa.slots[0])
            if block is None or block != _block(pb.slots[0]):
                return 0
        elif not (_in_a_row(problem, pa, pb) or _in_a_row(problem, pb, pa)):
            return 0
        return count.get((pa.session.session_id, pb.session.session_id), 0)

    keys: dict[str, list[str]] = defaultdict(list)
    for a, b in count:
        keys[a].append(f"{a}|{b}")
        keys[b].append(f"{a}|{b}")
    ctx.pairwise(lambda s: keys.get(s.session_id, ()), clash)


def judge(view: JudgeView, params: Params) -> list[Violation]:  # type: ignore[override]
    """Attendee by attendee: each wanted session followed directly by another wanted one in another room (with
    `within: block`, each pair of wanted sessions in one block in two rooms)."""
    by_id = {p.session.session_id: p for p in view.placed}
    wants: dict[str, list[Placed]] = defaultdict(list)
    for i in view.problem.interests:
        if (i.weight is None or i.weight > 0) and i.session_id in by_id:
            wants[i.attendee_id].append(by_id[i.session_id])
    hops: dict[tuple[str, str], list[str]] = defaultdict(list)
    for who, placed in wants.items():
        placed = list({p.session.session_id: p for p in placed}.values())
        if params.within == "block":
            for k, x in enumerate(placed):
                for y in placed[k + 1:]:
                    bx, by = x.slots[0], y.slots[0]
                    if (bx.block and bx.day == by.day and bx.block == by.block
                            and x.room.room_id != y.room.room_id):
                        first, second = sorted((x.session.session_id, y.session.session_id))
                        hops[(first, second)].append(who)
            continue
        for x in placed:
            for y in placed:
                a, b = x.slots[-1], y.slots[0]
                if (x is not y and a.day == b.day and a.end == b.start and (a.block or None) == (b.block or None)
                        and x.room.room_id != y.room.room_id):
                    hops[(x.session.session_id, y.session.session_id)].append(who)
    return [Violation(NAME, len(people), f"{len(people)} attendee(s) go from {describe(by_id[a])} to "
                                         f"{describe(by_id[b])}, in another room" + (" of the block" if
                                                                                    params.within == "block" else ""),
                      (a, b))
            for (a, b), people in sorted(hops.items())]

