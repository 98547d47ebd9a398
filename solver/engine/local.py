"""Local search: thousands of single moves and swaps per second, each priced by the tally (solver.engine.tally).

A move takes one session to another of its places: a free one, or the place of the one session in the way,
which then takes the first session's old place (a swap). The board keeps every hard "one at a time" rule, the
candidates every hard per-placement rule; a move is kept when it costs nothing more (moves that cost nothing let
the search cross plateaus, where most moves of a big conference lie). It complements the neighbourhoods: CP-SAT
re-places a few sessions together, the local search tries many one-session changes, and the neighbourhood
search draws between them by what they gain per effort.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable

from solver.engine.blockswap import RoomBlockSwaps
from solver.engine.board import Board
from solver.engine.candidates import Candidates, Key, SessionOptions
from solver.engine.tally import Recorded, Tally
from solver.inputs import Problem
from solver.rules.base import Placement

ROOMS_TRIED = 12  # else a move's room is one of the session's 12 cheapest (L-1, 60 s: 48,730 and 48,829 with 24)
# the share of moves that stay on the session's day (L-1, one process, 60 s: 48,645 and 48,651 at 0.5; 48,710
# and 48,708 at 0.3; 48,774, 48,976, 48,796 and 48,905 at 0.7; M-1 7,072 and 7,095 at 0.5, 7,078 and 7,085 at 0.7)
SAME_DAY = 0.5
# the share of moves drawn to rooms that the session's spread owners use (L-1, one process, 60 s: 49,042 and
# 49,032 at 0.8; 49,157 and 49,088 at 0.5; 49,287 and 49,252 drawing among the cheapest rooms only)
AIMED = 0.8
MOVE_SECONDS = 2e-4  # about what one move costs (measured on L-1): the effort the search is told it took
TRADES = 0.05  # in a conference with blocks, the share of moves that trade two room-blocks (solver.engine.blockswap)


class LocalSearch:
    def __init__(self, problem: Problem, candidates: Candidates, recorded: Recorded) -> None:
        self.problem = problem
        self.candidates = candidates
        self.recorded = recorded
        self._rooms: dict[str, list[str]] = {}
        self._movable_ids: list[str] | None = None
        self.tally: Tally | None = None  # kept from one run to the next, with the schedule it counts
        self.synced: dict[str, Key] = {}
        self._by_day: dict[str, dict] = {}
        self._runs: dict[str, list[str]] = {}
        self.trades = RoomBlockSwaps(problem, candidates)

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
            found = self._by_day[sid] = dict(self.options(sid).days())
        return found

    def runs(self, sid: str) -> list[str]:
        """The session's runs (first slot ids), cheapest first: a list made once, not on every move."""
        found = self._runs.get(sid)
        if found is None:
            found = self._runs[sid] = list(self.options(sid).runs)
        return found

    def _synced(self, board: Board) -> Tally:
        """The tally of the board's schedule: the one kept from the last run, told what changed since."""
        tally, was = self.tally, self.synced
        if tally is None:
            tally = self.tally = Tally(self.problem, self.candidates, self.recorded, board.run_instants)
        now = board.chosen
        for sid in sorted(set(was) | set(now)):
            if was.get(sid) != now.get(sid):
                if sid in tally.placed:
                    tally.remove(sid)
                if sid in now:
                    tally.add(now[sid], board.placement[sid])
        return tally

    def run(self, board: Board, rng: random.Random, moves: int, stop: Callable[[], bool] = lambda: False,
            deadline: float = math.inf) -> tuple[int, int]:
        """Try `moves` moves on the board's schedule (fewer when `stop()` or past `deadline`), keeping those that
        cost nothing more: (change of the objective, change of the score)."""
        problem = self.problem
        tally = self._synced(board)
        movable = self._movable(board)
        trading = self.trades.useful
        d_objective = d_score = 0
        for i in range(moves if movable else 0):
            if i % 500 == 0 and (stop() or time.perf_counter() > deadline):
                break
            if trading and rng.random() < TRADES:
                traded = self.trades.try_one(board, tally, rng)
                if traded is not None:
                    d_objective += traded[0]
                    d_score += traded[1]
                continue
            sid = rng.choice(movable)
            old = board.chosen[sid]
            old_p = board.placement[sid]
            opts = self.options(sid)
            # the room: most often one that the owners it shares a spread with use (its track's that day, its
            # speaker's), else one of its cheapest; the time: most often on its day
            near = [r for r in tally.values_near(sid) if r in opts.rooms] if rng.random() < AIMED else []
            room_id = rng.choice(sorted(near) if near else self.rooms(sid))
            by_day = self.runs_by_day(sid)
            if rng.random() < SAME_DAY and old_p.day in by_day:
                slot_id = rng.choice(by_day[old_p.day])
            else:
                slot_id = rng.choice(self.runs(sid))
            if (room_id, slot_id) == old[1:]:
                continue
            p, against, _ = opts.pair(problem, room_id, slot_id)
            if against:
                continue
            key: Key = (sid, room_id, slot_id)
            blocking = board.blockers(p) - {sid}
            if not blocking:  # a free place: move
                o, sc = tally.moving(key, p)
                if sc <= 0:
                    tally.remove(sid)
                    tally.add(key, p)
                    board.remove(sid)
                    board.place(key, p)
                    d_objective += o
                    d_score += sc
                continue
            swapped = self._swap(board, tally, key, p, old, old_p, blocking)
            if swapped is not None:
                d_objective += swapped[0]
                d_score += swapped[1]
        self.synced = dict(board.chosen)
        return d_objective, d_score

    def _movable(self, board: Board) -> list[str]:
        if self._movable_ids is None:
            self._movable_ids = [sid for sid in sorted(board.chosen)
                                 if len(self.options(sid).rooms) * len(self.options(sid).runs) > 1]
        return [sid for sid in self._movable_ids if sid in board.chosen]

    def _swap(self, board: Board, tally: Tally, key: Key, p: Placement, old: Key, old_p: Placement,
              blocking: set[str]) -> tuple[int, int] | None:
        """`key` in the place of the one session in the way, which takes `old`: (change of the objective, change
        of the score) when kept, None (nothing changed) when it does not fit or costs more."""
        if len(blocking) > 1:
            return None
        sid, (other,) = key[0], blocking
        theirs = self.options(other)
        if old[1] not in theirs.rooms or old[2] not in theirs.runs:
            return None
        q, against, _ = theirs.pair(self.problem, old[1], old[2])
        if against:
            return None
        # with both sessions off the board, each place must be free, and the two must not meet
        at, both = board.at, (sid, other)
        cells_p, cells_q = board.cells(p), board.cells(q)
        if any(at.get(c, sid) not in both for c in cells_p) or any(at.get(c, sid) not in both for c in cells_q) \
                or not set(cells_p).isdisjoint(cells_q):
            return None
        other_old, other_p = board.chosen[other], board.placement[other]
        other_key: Key = (other, old[1], old[2])
        if tally.apart(key, p, other_key, q):  # sharing no term: each move priced alone
            o1, s1 = tally.moving(key, p)
            o2, s2 = tally.moving(other_key, q)
            if s1 + s2 > 0:
                return None
            tally.remove(sid)
            tally.remove(other)
            tally.add(key, p)
            tally.add(other_key, q)
        else:
            o1, s1 = tally.remove(sid)
            o2, s2 = tally.remove(other)
            o3, s3 = tally.add(key, p)
            o4, s4 = tally.add(other_key, q)
            o1, s1 = o1 + o3, s1 + s3
            o2, s2 = o2 + o4, s2 + s4
            if s1 + s2 > 0:
                tally.remove(sid)
                tally.remove(other)
                tally.add(old, old_p)
                tally.add(other_old, other_p)
                return None
        board.remove(sid)
        board.remove(other)
        board.place(key, p)
        board.place(other_key, q)
        return o1 + o2, s1 + s2
