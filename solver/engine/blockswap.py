"""A local-search move for conferences in blocks (slots.csv `block`): two room-blocks trade their sessions.

A room-block is one room during one block. Trading the whole content of two room-blocks of the same length
(each session keeps its position within the block) keeps everything a block-structured conference builds on: a
room-block still holds one track (block_room_track), a track's sessions still share their room-block. Single
moves and swaps cannot do that where a hard rule ties a room-block to one track: each of them breaks it on the
way. The trade is priced by the tally and kept when it costs nothing more, like every move of the local search.
"""

from __future__ import annotations

import random
from collections import defaultdict

from solver.engine.board import Board
from solver.engine.candidates import Candidates, Key
from solver.engine.tally import Tally
from solver.inputs import Problem
from solver.rules.base import Placement

Cell = tuple[str, str]  # (block, room_id)


class RoomBlockSwaps:
    """Trades of two room-blocks' sessions, for a conference with blocks of several slots."""

    def __init__(self, problem: Problem, candidates: Candidates) -> None:
        self.problem = problem
        self.candidates = candidates
        self.position = {s.slot_id: (b, i) for b, slots in problem.block_slots.items() for i, s in enumerate(slots)}
        sizes: dict[int, list[Cell]] = defaultdict(list)
        for block, slots in problem.block_slots.items():
            if not block.startswith("slot:"):  # a real block (not a slot without one)
                for room in problem.rooms:
                    sizes[len(slots)].append((block, room.room_id))
        self.alike = [cells for cells in sizes.values() if len(cells) > 1]  # room-blocks of one length

    @property
    def useful(self) -> bool:
        return bool(self.alike)

    def _content(self, board: Board, cell: Cell) -> list[tuple[str, int]]:
        """The sessions whose first slot is in the room-block, with that slot's position in the block: read from
        the board's room cells at the block's slot starts when rooms are exclusive, else from every placement."""
        block, room = cell
        if board.room_rule:
            here = {sid for s in self.problem.block_slots[block]
                    if (sid := board.at.get((board.room_rule, room, s.day, s.start))) is not None}
            candidates = [(sid, board.chosen[sid]) for sid in sorted(here)]
        else:
            candidates = list(board.chosen.items())
        out = []
        for sid, key in candidates:
            if key[1] == room:
                where = self.position.get(key[2])
                if where is not None and where[0] == block:
                    out.append((sid, where[1]))
        return out

    def _moved(self, content: list[tuple[str, int]], to: Cell) -> list[tuple[Key, Placement]] | None:
        """Each session at its position in the other room-block, or None when one cannot go there."""
        block, room = to
        slots = self.problem.block_slots[block]
        out = []
        for sid, k in content:
            opts = self.candidates.of(self.problem.session[sid])
            slot_id = slots[k].slot_id
            if room not in opts.rooms or slot_id not in opts.runs:
                return None
            p, against, _ = opts.pair(self.problem, room, slot_id)
            if against:
                return None
            out.append(((sid, room, slot_id), p))
        return out

    def try_one(self, board: Board, tally: Tally, rng: random.Random) -> tuple[int, int] | None:
        """Trade two room-blocks of one length drawn at random: (change of objective, change of score) when the
        trade was kept, None when it did not fit or cost more (nothing changed then)."""
        cells = rng.choice(self.alike)
        a, b = rng.sample(cells, 2)
        content_a, content_b = self._content(board, a), self._content(board, b)
        if not content_a and not content_b:
            return None
        to_b, to_a = self._moved(content_a, b), self._moved(content_b, a)
        if to_b is None or to_a is None:
            return None
        leaving = [sid for sid, _ in content_a + content_b]
        old = {sid: (board.chosen[sid], board.placement[sid]) for sid in leaving}
        for sid in leaving:
            board.remove(sid)
        if any(board.blockers(p) for _, p in to_a + to_b) or not _apart(board, to_a + to_b):
            for key, p in old.values():
                board.place(key, p)
            return None
        objective = score = 0
        for sid in leaving:
            o, s = tally.remove(sid)
            objective, score = objective + o, score + s
        for key, p in to_a + to_b:
            o, s = tally.add(key, p)
            objective, score = objective + o, score + s
        if score > 0:  # costs more: put everything back
            for key, _ in to_a + to_b:
                tally.remove(key[0])
            for key, p in old.values():
                tally.add(key, p)
                board.place(key, p)
            return None
        for key, p in to_a + to_b:
            board.place(key, p)
        return objective, score


def _apart(board: Board, moves: list[tuple[Key, Placement]]) -> bool:
    """The moved sessions do not meet one another on the board (each cell taken once)."""
    seen: set = set()
    for _, p in moves:
        cells = board.cells(p)
        if not seen.isdisjoint(cells):
            return False
        seen.update(cells)
    return True
