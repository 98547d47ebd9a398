"""A complete first schedule, fast: hardest sessions first, each in its cheapest free place, then ejection chains.

Sessions are placed one by one: those with the fewest places first (pinned in the inputs, multi-slot, big
audiences, rare features), each in its cheapest room that still has a free run of slots, the cheapest such run. A
session that finds no free place may take one held by other sessions if each of them can move elsewhere, and those
may in turn push one more session each (ejection chains of depth 2). It works on the candidates (hard
per-placement rules already applied) and on the board (owners such as rooms and speakers never double-booked), so what
it returns meets every hard rule that is per placement or "one at a time"; other hard rules linking sessions are
checked afterwards by the caller.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable

from solver.config import Config
from solver.engine.board import Board
from solver.engine.candidates import Candidates, Key, SessionOptions
from solver.inputs import Problem

MAX_ROOMS_TRIED = 40  # per session and ejection attempt: the cheapest rooms are the ones worth moving into


def construct(problem: Problem, candidates: Candidates, config: Config, seconds: float = 10.0,
              start: dict[str, Key] | None = None, seed: int = 0,
              stop: Callable[[], bool] = lambda: False, prefer: dict[str, list[str]] | None = None) -> Board:
    """A board holding every session it could place (`start`'s placements first, where still allowed); with
    `prefer`, each session tries those rooms first (e.g. the room relaxation's), then its cheapest. `stop()`
    ends it early, with the sessions placed so far."""
    started = time.perf_counter()
    board = Board(problem, config)
    rng = random.Random(seed)
    options = {s.session_id: candidates.of(s) for s in problem.sessions}
    for sid, key in (start or {}).items():
        opts = options.get(sid)
        if opts and key[1] in opts.rooms and key[2] in opts.runs and opts.allowed(problem, key[1], key[2]):
            p = opts.pair(problem, key[1], key[2])[0]
            if board.free(p):
                board.place(key, p)

    def difficulty(sid: str) -> tuple:
        o = options[sid]
        pinned = bool(o.session.room or o.session.slot)  # the inputs' pins narrow more than the counts say
        return (not pinned, -o.session.slots_needed, len(o.rooms) * len(o.runs), -o.session.attendance, sid)

    order = sorted((sid for sid in options if sid not in board.chosen and options[sid].rooms), key=difficulty)
    left = []
    for i, sid in enumerate(order):
        if i % 64 == 0 and stop():  # a Ctrl-C: the board as it is (incomplete: the caller has no schedule yet)
            return board
        if not _place_cheapest(problem, board, options[sid], first=(prefer or {}).get(sid, ())):
            left.append(sid)
    for depth in (1, 2):
        while left and time.perf_counter() - started < seconds and not stop():
            rng.shuffle(left)
            still = [sid for sid in left if not _eject(problem, board, options, sid, depth, started, seconds,
                                                       stop=stop)]
            if len(still) == len(left):
                break
            left = still
    return board


def _place_cheapest(problem: Problem, board: Board, opts: SessionOptions, avoid: Key | None = None,
                    first: Iterable[str] = ()) -> bool:
    """Place the session in its cheapest free place (other than `avoid`; in the rooms `first` before the
    others); False when there is none."""
    sid = opts.session.session_id
    days = opts.days()
    rooms = [r for r in first if r in opts.rooms]
    for room_id in [*rooms, *(r for r in opts.rooms if r not in rooms)] if rooms else opts.rooms:
        if board.full(room_id):
            continue
        for day, slot_ids in days:
            if board.full(room_id, day):
                continue
            for slot_id in slot_ids:
                if (sid, room_id, slot_id) == avoid or board.room_taken(room_id, opts.runs[slot_id].placement.slots):
                    continue
                p, against, _ = opts.pair(problem, room_id, slot_id)
                if not against and board.free(p):
                    board.place((sid, room_id, slot_id), p)
                    return True
    return False


def _eject(problem: Problem, board: Board, options: dict[str, SessionOptions], sid: str, depth: int,
           started: float, seconds: float, banned: frozenset[str] = frozenset(),
           stop: Callable[[], bool] = lambda: False) -> bool:
    """Place `sid` where the sessions in the way can all be moved elsewhere (recursively up to `depth`)."""
    opts = options[sid]
    for room_id in list(opts.rooms)[:MAX_ROOMS_TRIED]:
        if time.perf_counter() - started > seconds or stop():
            return False
        for slot_id in opts.runs:
            p, against, _ = opts.pair(problem, room_id, slot_id)
            if against:
                continue
            blocking = board.blockers(p)
            if not blocking:
                board.place((sid, room_id, slot_id), p)
                return True
            if len(blocking) > 1 or blocking & banned:
                continue
            (other,) = blocking
            if len(options[other].rooms) * len(options[other].runs) <= 1:
                continue  # pinned where it is
            old = board.remove(other)
            board.place((sid, room_id, slot_id), p)
            if _place_cheapest(problem, board, options[other], avoid=old) or (
                    depth > 1 and _eject(problem, board, options, other, depth - 1, started, seconds,
                                         banned | {sid}, stop)):
                return True
            board.remove(sid)
            board.place(old, options[other].pair(problem, old[1], old[2])[0])
    return False

