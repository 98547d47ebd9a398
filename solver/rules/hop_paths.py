"""Per attendee and block, the measures of attendee_hops that see a block whole (a helper module, not a rule):
`within: rooms` (rooms beyond the first holding an attendee's wanted sessions; a `spread`) and `within: changes`
(the fewest room changes through the block's positions; its own path model, and a `grouped` cost for the tally).
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from typing import Any

from solver.inputs import Problem
from solver.rules.base import BuildContext, Placement
from solver.rules.wishes import wishes


def day_block(slot: Any) -> tuple | None:
    """A slot's block on its day (None: the slot has no block)."""
    return (slot.day, slot.block) if slot.block else None


def rooms_used(problem: Problem) -> Any:
    """`within: rooms`: a placement's (attendee on a block, room) pairs, for `spread` (each attendee's block
    uses one room; each more costs one)."""
    attendees = wishes(problem).attendees

    def owner_values(p: Placement) -> list[tuple[str, str]]:
        block = day_block(p.slots[0])
        if block is None:
            return []
        at = f"{block[0].isoformat()}|{block[1]}"
        return [(f"{who}|{at}", p.room.room_id) for who in attendees.get(p.session.session_id, ())]

    return owner_values


_POSITIONS: dict[int, tuple[tuple, dict[str, int]]] = {}


def positions(problem: Problem) -> dict[str, int]:
    """Each slot's rank among the slot starts of its block (slots without a block are left out)."""
    found = _POSITIONS.get(id(problem.slots))
    if found is None or found[0] is not problem.slots:
        starts: dict[tuple, set[int]] = defaultdict(set)
        for s in problem.slots:
            if s.block:
                starts[(s.day, s.block)].add(s.start)
        rank = {k: {t: i for i, t in enumerate(sorted(v))} for k, v in starts.items()}
        found = (problem.slots, {s.slot_id: rank[(s.day, s.block)][s.start] for s in problem.slots if s.block})
        _POSITIONS.clear()
        _POSITIONS[id(problem.slots)] = found
    return found[1]


def held_cells(problem: Problem) -> Any:
    """`within: changes`: a placement's (attendee on its block, (position, room)) pairs, one per slot it holds."""
    attendees, rank = wishes(problem).attendees, positions(problem)

    def owner_values(p: Placement) -> list[tuple[str, tuple[int, str]]]:
        head = p.slots[0]
        if not head.block:
            return []
        at = f"{head.day.isoformat()}|{head.block}"
        cells = [(rank[s.slot_id], p.room.room_id) for s in p.slots if s.block == head.block and s.day == head.day]
        return [(f"{who}|{at}", cell) for who in attendees.get(p.session.session_id, ()) for cell in cells]

    return owner_values


@lru_cache(maxsize=65536)
def _changes(cells: frozenset[tuple[int, str]]) -> int:
    """The fewest room changes to go through the positions in order, in one of the rooms given at each."""
    by_position: dict[int, set[str]] = defaultdict(set)
    for position, room in cells:
        by_position[position].add(room)
    best: dict[str, int] = {}
    for position in sorted(by_position):
        here = by_position[position]
        best = {r: 0 for r in here} if not best else {
            r: min(n + (q != r) for q, n in best.items()) for r in here}
    return min(best.values(), default=0)


def changes(held: dict) -> int:
    """An attendee's room changes in one block, from how many wanted sessions hold each (position, room)."""
    return _changes(frozenset(held))


def with_changes(ctx: BuildContext) -> None:
    """`within: changes`, per attendee and block: at each position where a wanted session may run, `want` per
    room (one holds it there), `seen` (any room does) and `pick` (the room followed, one of those wanted);
    `at` is the room the attendee is in after each position (the picked one, else the previous one; before the
    first, any), and each position where `at` changes room costs one."""
    m = ctx.model
    owner_values = held_cells(ctx.problem)
    cells: dict[str, dict[tuple[int, str], list]] = defaultdict(lambda: defaultdict(list))
    fixed = ctx.index.fixed
    free: set[str] = set()
    for key, placement in ctx.placements.items():
        for owner, cell in owner_values(placement):
            cells[owner][cell].append(ctx.literals[key])
            if key not in fixed:
                free.add(owner)
    for owner, where in sorted(cells.items()):
        if len({position for position, _ in where}) < 2:
            continue
        if owner not in free:  # every session there is fixed: the count is a constant
            held = {cell: 1 for cell in where}
            if (n := changes(held)):
                ctx.penalize(n)
            continue
        rooms = sorted({room for _, room in where})
        at_before = [m.new_bool_var(f"hops_{owner}_start_{r}") for r in rooms]
        m.add_exactly_one(at_before)
        for position in sorted({position for position, _ in where}):
            picks, at_now = [], []
            seen = m.new_bool_var(f"hops_{owner}_{position}_seen")
            for i, room in enumerate(rooms):
                lits = where.get((position, room))
                at = m.new_bool_var(f"hops_{owner}_{position}_{room}")
                at_now.append(at)
                if lits:
                    want = m.new_bool_var(f"hops_{owner}_{position}_{room}_want")
                    m.add_max_equality(want, lits)
                    m.add_implication(want, seen)
                    pick = m.new_bool_var(f"hops_{owner}_{position}_{room}_pick")
                    m.add_implication(pick, want)
                    picks.append(pick)
                    m.add(at == pick).only_enforce_if(seen)
                else:
                    m.add(at == 0).only_enforce_if(seen)
                m.add(at == at_before[i]).only_enforce_if(~seen)
            m.add(sum(picks) == seen)
            m.add_exactly_one(at_now)
            hop = m.new_bool_var(f"hops_{owner}_{position}_hop")
            for before, now in zip(at_before, at_now, strict=True):
                m.add(now - before <= hop)
            ctx.penalize(hop)
            at_before = at_now
