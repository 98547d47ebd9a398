"""A quick first schedule: place sessions one by one, hardest first, in their cheapest free placement, then
repair: a session that found no free place may take one whose only occupant can move elsewhere.

It works on the model's own candidates (hard per-placement rules already applied) and keeps rooms and speakers
free of clashes. The result is CP-SAT's hint: a complete one lets CP-SAT start from a schedule at once.
"""

from __future__ import annotations

import time

from solver.model import BuiltModel, Key


class _Board:
    """Who holds each (room, instant) and each (speaker, instant)."""

    def __init__(self, built: BuiltModel) -> None:
        assert built.index is not None
        self.built = built
        self.index = built.index
        self.at: dict[tuple, str] = {}
        self.chosen: dict[str, Key] = {}

    def cells(self, key: Key) -> list[tuple]:
        speakers = self.built.placements[key].session.speakers
        instants = self.index.covers(key)
        return [("room", key[1], t) for t in instants] + [("who", w, t) for w in speakers for t in instants]

    def blockers(self, key: Key) -> set[str]:
        return {self.at[c] for c in self.cells(key) if c in self.at}

    def place(self, key: Key) -> None:
        for c in self.cells(key):
            self.at[c] = key[0]
        self.chosen[key[0]] = key

    def remove(self, session_id: str) -> Key:
        key = self.chosen.pop(session_id)
        for c in self.cells(key):
            del self.at[c]
        return key


def greedy(built: BuiltModel, seconds: float = 10.0) -> dict[str, Key]:
    """session_id -> chosen (session, room, first slot); sessions that found no place are left out."""
    if built.index is None or not built.placements:
        return {}
    started = time.perf_counter()
    options = {sid: sorted(keys, key=lambda k: (built.unit_costs.get(k, 0), k))
               for sid, keys in built.index.by_session.items()}
    # hardest first: fewest options, then the biggest audience
    order = sorted(options, key=lambda s: (len(options[s]), -built.placements[options[s][0]].session.attendance, s))
    board = _Board(built)
    left: list[str] = []
    for sid in order:
        free = next((k for k in options[sid] if not board.blockers(k)), None)
        if free is None:
            left.append(sid)
        else:
            board.place(free)
    while left and time.perf_counter() - started < seconds:  # repair until a pass places nobody
        still = [sid for sid in left if not _squeeze_in(board, options, sid)]
        if len(still) == len(left):
            break
        left = still
    return dict(board.chosen)


def _squeeze_in(board: _Board, options: dict[str, list[Key]], sid: str) -> bool:
    """Place `sid` where a single session blocks it, moving that one to another free place."""
    for key in options[sid]:
        blocking = board.blockers(key)
        if not blocking:
            board.place(key)
            return True
        if len(blocking) != 1:
            continue
        (other,) = blocking
        old = board.remove(other)
        board.place(key)
        moved = next((k for k in options[other] if k != old and not board.blockers(k)), None)
        if moved is not None:
            board.place(moved)
            return True
        board.remove(sid)
        board.place(old)
    return False
