"""Local search: thousands of single moves and swaps per second, each priced by the tally (solver.engine.tally).

A move takes one session to another of its places: a free one, or the place of the one session in the way,
which then takes the first session's old place (a swap). The board keeps every hard "one at a time" rule, the
candidates every hard per-placement rule; a move is kept when it costs nothing more (moves that cost nothing let
the search cross plateaus, where most moves of a big conference lie). It complements the neighbourhoods: CP-SAT
re-places a few sessions together, the local search tries many one-session changes, and the neighbourhood
search draws between them by what they gain per effort.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from solver.engine.board import Board
from solver.engine.candidates import Candidates, Key, SessionOptions
from solver.engine.tally import Recorded, Tally
from solver.inputs import Problem

ROOMS_TRIED = 12  # a move's room is drawn among the session's cheapest rooms
SAME_DAY = 0.7  # the share of moves that stay on the session's day
MOVE_SECONDS = 2e-4  # about what one move costs (measured on L-1): the effort the search is told it took


class LocalSearch:
    def __init__(self, problem: Problem, candidates: Candidates, recorded: Recorded) -> None:
        self.problem = problem
        self.candidates = candidates
        self.recorded = recorded
        self._rooms: dict[str, list[str]] = {}
        self._by_day: dict[str, dict] = {}

    def options(self, sid: str) -> SessionOptions:
        return self.candidates.of(self.problem.session[sid])

    def rooms(self, sid: str) -> list[str]:
        found = self._rooms.get(sid)
        if found is None:
            found = self._rooms[sid] = list(self.options(sid).rooms)[:ROOMS_TRIED]
        return found

    def runs_by_day(self, sid: str) -> dict:
        found = self._by_day.get(sid)
        if found is None:
            found = self._by_day[sid] = {day: slots for day, slots in self.options(sid).days()}
        return found

    def run(self, board: Board, rng: random.Random, moves: int,
            stop: Callable[[], bool] = lambda: False) -> tuple[int, int]:
        """Try `moves` moves on the board's schedule, keeping those that cost nothing more: (change of the
        objective, change of the score)."""
        problem = self.problem
        tally = Tally(problem, self.candidates, self.recorded, board.run_instants)
        for sid in sorted(board.chosen):
            tally.add(board.chosen[sid], board.placement[sid])
        movable = [sid for sid in sorted(board.chosen)
                   if len(self.options(sid).rooms) * len(self.options(sid).runs) > 1]
        d_objective = d_score = 0
        if not movable:
            return 0, 0
        for i in range(moves):
            if i % 1000 == 0 and stop():
                break
            sid = rng.choice(movable)
            old = board.chosen[sid]
            old_p = board.placement[sid]
            opts = self.options(sid)
            room_id = rng.choice(self.rooms(sid))
            by_day = self.runs_by_day(sid)
            if rng.random() < SAME_DAY and old_p.day in by_day:
                slot_id = rng.choice(by_day[old_p.day])
            else:
                slot_id = rng.choice(list(opts.runs))
            if (room_id, slot_id) == old[1:]:
                continue
            p, against, _ = opts.pair(problem, room_id, slot_id)
            if against:
                continue
            key: Key = (sid, room_id, slot_id)
            board.remove(sid)
            blocking = board.blockers(p)
            if not blocking:
                o1, s1 = tally.remove(sid)
                o2, s2 = tally.add(key, p)
                if s1 + s2 <= 0:
                    board.place(key, p)
                    d_objective += o1 + o2
                    d_score += s1 + s2
                    continue
                tally.remove(sid)
                tally.add(old, old_p)
                board.place(old, old_p)
                continue
            if len(blocking) > 1:
                board.place(old, old_p)
                continue
            (other,) = blocking
            theirs = self.options(other)
            if old[1] not in theirs.rooms or old[2] not in theirs.runs:
                board.place(old, old_p)
                continue
            q, against, _ = theirs.pair(problem, old[1], old[2])
            other_old = board.chosen[other]
            if against:
                board.place(old, old_p)
                continue
            other_p = board.placement[other]
            board.remove(other)
            if not board.free(p):
                board.place(other_old, other_p)
                board.place(old, old_p)
                continue
            board.place(key, p)
            if not board.free(q):
                board.remove(sid)
                board.place(other_old, other_p)
                board.place(old, old_p)
                continue
            other_key: Key = (other, old[1], old[2])
            board.place(other_key, q)
            o1, s1 = tally.remove(sid)
            o2, s2 = tally.remove(other)
            o3, s3 = tally.add(key, p)
            o4, s4 = tally.add(other_key, q)
            if s1 + s2 + s3 + s4 <= 0:
                d_objective += o1 + o2 + o3 + o4
                d_score += s1 + s2 + s3 + s4
                continue
            tally.remove(sid)
            tally.remove(other)
            tally.add(old, old_p)
            tally.add(other_old, other_p)
            board.remove(sid)
            board.remove(other)
            board.place(old, old_p)
            board.place(other_old, other_p)
        return d_objective, d_score
