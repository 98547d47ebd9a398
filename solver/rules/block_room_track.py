"""Hard: in each block a room hosts one track: sessions of one room and block share their track (off by default).

Sessions without a track are not counted. Each extra track in a room during a block is one violation.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from solver.inputs import Problem
from solver.language import say
from solver.rules.base import (
    BlockCosts,
    BuildContext,
    Counting,
    JudgeView,
    Params,
    Placement,
    RuleSettings,
    Solve,
    Violation,
)
from solver.rules.block_plan import plan
from solver.rules.blocks import block_of, partners, presenter_pairs, track_uses
from solver.rules.findings import Finding

NAME = "block_room_track"
DEFAULTS = RuleSettings(enabled=False, hard=True, weight=100)
MODES = ("hard", "soft")
UNIT = "extra track in a room during a block"


def links(problem: Problem, p: Placement) -> list:
    """Sessions are linked through the room and block they share."""
    return [(block_of(problem, p), p.room.room_id)] if p.session.track else []


def add(ctx: BuildContext) -> None:
    tracks: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for (_, block, room), y in track_uses(ctx).items():
        tracks[(block, room)].append(y)
    for (block, room), used in tracks.items():
        ctx.at_most(used, 1, entity=f"{block}@{room}")


def judge(view: JudgeView, params: Params) -> list[Violation]:
    tracks: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for p in view.placed:
        if p.session.track:
            tracks[(block_of(view.problem, p), p.room.name)][p.session.track].append(p.session.session_id)
    out = []
    for (block, room), here in sorted(tracks.items()):
        if len(here) > 1:
            hosted = "; ".join(f"{t} ({', '.join(s)})" for t, s in here.items())
            out.append(Violation(NAME, len(here) - 1, say("{room} hosts {n} tracks in block {block}: {tracks}",
                                                          room=room, n=len(here), block=block, tracks=hosted),
                                 tuple(sorted(s for ss in here.values() for s in ss))))
    return out


def core_sentence(problem: Problem, params: Params, entity: str) -> Finding | None:
    """A guard per room and block (`B1@R2`)."""
    block, _, room = entity.partition("@")
    if room not in problem.room:
        return None
    return Finding(say("{room} hosts one track in block {block}", room=problem.room[room].name, block=block), (),
                   NAME)


def start(problem: Problem, params: Params, weights: dict[str, int] | None = None,
          soft: dict[str, tuple[int, Params]] | None = None, solve: Solve | None = None,
          block_costs: BlockCosts | None = None) -> dict[str, tuple[str, str]]:
    """A placement of every session that keeps this rule, for an engine to start from: session -> (room_id,
    first slot_id). The greedy deal below; with `solve` (an engine given time to think: it runs a CP-SAT model),
    the cheapest block-level plan (solver.rules.block_plan, with the engine's `block_costs` when given) it finds
    from there, when it finds one."""
    dealt = deal(problem, params, weights, soft)
    if solve is None:
        return dealt
    return plan(problem, _units(soft), solve, hint=dealt, block_costs=block_costs) or dealt


def _units(soft: dict[str, tuple[int, Params]] | None) -> dict[str, int]:
    """What one unit of each soft rule costs: its weight × its `multiplier` (when it has one)."""
    return {name: weight * getattr(rule_params, "multiplier", 1)
            for name, (weight, rule_params) in (soft or {}).items()}


def deal(problem: Problem, params: Params, weights: dict[str, int] | None = None,
         soft: dict[str, tuple[int, Params]] | None = None) -> dict[str, tuple[str, str]]:
    """The greedy deal of room-blocks: session -> (room_id, first slot_id). Tracks are dealt room-blocks greedily, the
    most constrained first (fewest room-blocks free of table costs), then the largest; a track takes the room-block
    where the penalty tables (penalties.csv) and its presenters' conflicts cost least, each weighted by `weights`
    (rule name -> what one unit costs, e.g. from the constraint file; 1 when absent; `soft`, rule name -> (weight,
    parameters) of each soft rule, as an engine passes the constraint file's), then a room it already uses and a
    block next to its own; it fills each room-block with its longest sessions first. Sessions that find no room-block
    (the conference is too full for this greedy deal) are left out of the answer."""
    w = {name: 1 for name in ("track_block_penalty", "track_room_penalty", "block_room_penalty",
                              "session_block_penalty", "session_room_penalty", "presenter_block_conflicts")}
    w.update(weights or {})
    w.update({name: unit for name, unit in _units(soft).items() if name in w})  # the constraint file's, as set
    blocks = [b for b in problem.blocks if b in problem.block_slots]
    size = {b: len(problem.block_slots[b]) for b in blocks}
    free = {(b, r.room_id) for b in blocks for r in problem.rooms}
    tb, tr, br, sb, sr = (problem.penalty_table(k) for k in ("track_block", "track_room", "block_room",
                                                             "session_block", "session_room"))
    meets = partners(presenter_pairs(problem))
    in_block: dict[str, set[str]] = defaultdict(set)  # sessions placed so far in each block
    tracks: dict[str, list] = defaultdict(list)
    for s in problem.sessions:
        tracks[s.track or f"session:{s.session_id}"].append(s)

    def choices(track: str) -> int:
        """How many room-blocks cost this track nothing in the tables (fewest first: the most constrained)."""
        return sum(1 for b, r in free if not tb.get((track, b), 0) and not tr.get((track, r), 0)
                   and not br.get((b, r), 0) and not any(sb.get((s.session_id, b), 0) for s in tracks[track]))

    order = sorted(tracks, key=lambda t: (choices(t), -sum(s.slots_needed for s in tracks[t]), t))
    out: dict[str, tuple[str, str]] = {}
    for track in order:
        todo = sorted(tracks[track], key=lambda s: (-s.slots_needed, s.session_id))
        rooms_used: set[str] = set()
        blocks_used: set[int] = set()
        while todo:
            longest = todo[0].slots_needed

            def fill(block: str, todo: list = todo) -> list:
                """The sessions first fit puts in a room-block of `block`'s size."""
                k, chosen = 0, []
                for s in todo:
                    if k + s.slots_needed <= size[block]:
                        chosen.append(s)
                        k += s.slots_needed
                return chosen

            def price(key: tuple[str, str], track: str = track, rooms_used: set = rooms_used,
                      blocks_used: set = blocks_used) -> tuple:
                b, r = key
                i = problem.block_index[b]
                going = fill(b)
                cost = (w["track_block_penalty"] * tb.get((track, b), 0)
                        + w["track_room_penalty"] * tr.get((track, r), 0) + w["block_room_penalty"] * br.get((b, r), 0)
                        + sum(w["session_block_penalty"] * sb.get((s.session_id, b), 0)
                              + w["session_room_penalty"] * sr.get((s.session_id, r), 0) for s in going)
                        + w["presenter_block_conflicts"] * sum(1 for s in going
                                                               if meets.get(s.session_id, set()) & in_block[b]))
                near = not blocks_used or any(abs(i - j) == 1 for j in blocks_used)
                return (cost, r not in rooms_used, not near, -size[b], i, problem.room_index[r])

            fitting = [k for k in free if size[k[0]] >= longest]
            if not fitting:
                break
            block, room = min(fitting, key=price)
            free.discard((block, room))
            rooms_used.add(room)
            blocks_used.add(problem.block_index[block])
            k = 0
            for s in fill(block):
                out[s.session_id] = (room, problem.block_slots[block][k].slot_id)
                in_block[block].add(s.session_id)
                k += s.slots_needed
                todo.remove(s)
    return out


def tally(ctx: Counting) -> None:
    """A room in a block holding sessions of several tracks: a spread of each (block, room) over tracks."""
    problem = ctx.problem
    ctx.spread(lambda p: [(f"{block_of(problem, p)}@{p.room.room_id}", p.session.track)] if p.session.track else [])
