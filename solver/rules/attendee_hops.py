"""Soft: attendees need not change rooms between two wanted sessions in a row (session hopping).

Each time an attendee wants two sessions that follow each other directly (one starts when the other ends, on one
day and in one block where slots.csv has blocks) in two different rooms, it costs one hop (Vangerven et al.,
"Conference scheduling — a personalized approach", Omega 2018: the second measure after missed attendance).
Only conferences with interests.csv have anything to count.

`within: block` counts more widely: each pair of wanted sessions in one block (slots.csv `block`) in two rooms,
in a row or not, costs one per attendee wanting both (an attendee following a block's wanted talks changes room
less when they share a room, wherever they stand in the block).

`within: changes` counts what the literature counts (and the ORBEL benchmark's evaluator): per attendee and block,
the fewest room changes needed to follow, in time order, one wanted session at each moment where any runs
(moments with nothing wanted are skipped; where two wanted sessions run at once, the attendee picks the one that
needs fewer changes, the other being missed attendance).

`within: rooms` counts per attendee and block: each room beyond the first that holds a session the attendee wants
costs one (the fewest room changes an attendee following all their wanted talks of a block can make, when the
talks of one room follow each other; the literature's hop count, Σ over attendees and blocks, is at least this).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Literal

from pydantic import Field

from solver.inputs import Problem
from solver.language import day as on
from solver.language import say, say_n
from solver.rules.base import BuildContext, Counting, JudgeView, Placed, Placement, RuleSettings, Violation, pair_owners
from solver.rules.base import Params as BaseParams
from solver.rules.clock import describe
from solver.rules.hop_paths import changes, day_block, held_cells, rooms_used, with_changes
from solver.rules.wishes import wishes

NAME = "attendee_hops"
DEFAULTS = RuleSettings(hard=False, weight=1)
MODES = ("soft",)
UNIT = "room change an attendee needs between two wanted sessions in a row"
SPECIFICITY = 135

class Params(BaseParams):
    within: Literal["row", "block", "rooms", "changes"] = Field(
        default="row", description="sessions in a row, any pair in a block, rooms or room changes per attendee and "
                                   "block")


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
                if (block := day_block(p.slots[0])) is not None:
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
    if ctx.params.within == "rooms":  # type: ignore[attr-defined]
        ctx.spread(rooms_used(ctx.problem))
        return
    if ctx.params.within == "changes":  # type: ignore[attr-defined]
        with_changes(ctx)
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
    if ctx.params.within == "rooms":  # type: ignore[attr-defined]
        ctx.spread(rooms_used(problem))
        return
    if ctx.params.within == "changes":  # type: ignore[attr-defined]
        ctx.grouped(held_cells(problem), changes)
        return
    count, _ = _together(problem)
    blocks = ctx.params.within == "block"  # type: ignore[attr-defined]
    if not count or not (blocks or rows(problem)):
        return  # no slot follows another directly: no hop can happen

    def clash(pa: Placement, pb: Placement) -> int:
        if pa.room.room_id == pb.room.room_id:
            return 0
        if blocks:
            block = day_block(pa.slots[0])
            if block is None or block != day_block(pb.slots[0]):
                return 0
        elif not (_in_a_row(problem, pa, pb) or _in_a_row(problem, pb, pa)):
            return 0
        return count.get((pa.session.session_id, pb.session.session_id), 0)

    ctx.pairwise(pair_owners(count), clash)


def judge(view: JudgeView, params: Params) -> list[Violation]:  # type: ignore[override]
    """Attendee by attendee: each wanted session followed directly by another wanted one in another room (with
    `within: block`, each pair of wanted sessions in one block in two rooms)."""
    by_id = {p.session.session_id: p for p in view.placed}
    wants: dict[str, list[Placed]] = defaultdict(list)
    for i in view.problem.interests:
        if (i.weight is None or i.weight > 0) and i.session_id in by_id:
            wants[i.attendee_id].append(by_id[i.session_id])
    if params.within == "rooms":
        return _judge_rooms(wants)
    if params.within == "changes":
        return _judge_changes(view.problem, wants)
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
    out = []
    for (first, then), people in sorted(hops.items()):
        if params.within == "block":
            sentence = say_n("{n} attendee goes from {a} to {b}, in another room of the block",
                             "{n} attendees go from {a} to {b}, in another room of the block", len(people),
                             a=describe(by_id[first]), b=describe(by_id[then]))
        else:
            sentence = say_n("{n} attendee goes from {a} to {b}, in another room",
                             "{n} attendees go from {a} to {b}, in another room", len(people),
                             a=describe(by_id[first]), b=describe(by_id[then]))
        out.append(Violation(NAME, len(people), sentence, (first, then)))
    return out


def _judge_rooms(wants: dict[str, list[Placed]]) -> list[Violation]:
    """`within: rooms`: per attendee and block, the rooms beyond the first holding wanted sessions."""
    out = []
    for who, placed in sorted(wants.items()):
        rooms: dict[tuple, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for p in {p.session.session_id: p for p in placed}.values():
            head = p.slots[0]
            if head.block:
                rooms[(head.day, head.block)][p.room.name].append(p.session.session_id)
        for (date, block), used in sorted(rooms.items()):
            if len(used) > 1:
                ids = tuple(sorted(sid for sids in used.values() for sid in sids))
                out.append(Violation(NAME, len(used) - 1, say(
                    "attendee {who} follows wanted sessions in {n} rooms in block {block} on {day}: {rooms}",
                    who=who, n=len(used), block=block, day=on(date), rooms=", ".join(sorted(used))), ids))
    return out


def _judge_changes(problem: Problem, wants: dict[str, list[Placed]]) -> list[Violation]:
    """`within: changes`: per attendee and block, walk the block's slot starts in order; at each start where
    wanted sessions run, the attendee may be in any of their rooms; count the fewest room changes."""
    starts_of: dict[tuple, set[int]] = defaultdict(set)  # each block's slot starts, read once
    for s in problem.slots:
        if s.block:
            starts_of[(s.day, s.block)].add(s.start)
    out = []
    for who, placed in sorted(wants.items()):
        by_block: dict[tuple, list[Placed]] = defaultdict(list)
        for p in {p.session.session_id: p for p in placed}.values():
            if p.slots[0].block:
                by_block[(p.slots[0].day, p.slots[0].block)].append(p)
        for (day, block), here in sorted(by_block.items()):
            starts = sorted(starts_of[(day, block)])
            # the room the attendee is in -> the fewest changes so far (None: not yet anywhere)
            cost: dict[str | None, int] = {None: 0}
            for t in starts:
                rooms = {p.room.room_id for p in here if any(s.start == t and s.block == block for s in p.slots)}
                if rooms:
                    cost = {r: min(n + (q is not None and q != r) for q, n in cost.items()) for r in rooms}
            if (least := min(cost.values())) > 0:
                ids = tuple(sorted(p.session.session_id for p in here))
                out.append(Violation(NAME, least, say_n(
                    "attendee {who} changes rooms {n} time in block {block} on {day} to follow their wanted sessions",
                    "attendee {who} changes rooms {n} times in block {block} on {day} to follow their wanted sessions",
                    least, who=who, block=block, day=on(day)), ids))
    return out
