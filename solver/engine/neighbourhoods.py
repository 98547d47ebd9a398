"""Which sessions to free: the neighbourhoods of the large neighbourhood search.

Each kind returns a set of session ids to free around the current schedule: rooms of a similar size on one day,
a time window, a random set, one track (with the sessions sharing its rooms and days), one track on one day (with
every session of the rooms it uses), some speakers' sessions, the whole contents of a few (room, block) cells when
slots have blocks, and, while repairing, the rooms and speakers around a session left out and, for each hard rule
the constructed schedule may break, one of its violations (the sessions the judge names, with those sharing their
rooms and days).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import partial

from solver.engine.board import Board
from solver.engine.candidates import Candidates, Key
from solver.inputs import Problem

Neighbourhood = Callable[[random.Random, int], set[str]]


class Neighbourhoods:
    def __init__(self, problem: Problem, candidates: Candidates, soft_rules: Iterable[str] = (),
                 repairing: bool = False) -> None:
        self.problem = problem
        self.candidates = candidates
        self.current: dict[str, Key] = {}  # the schedule the neighbourhoods are drawn around
        self.days = list(problem.days)  # the days the one-day neighbourhoods are drawn on
        # the current schedule's penalties per soft rule aimed at: (amount, the sessions concerned), kept up to date
        # by the search
        self.penalties: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
        self.by_track: dict[str, list[str]] = defaultdict(list)
        self.by_speaker: dict[str, list[str]] = defaultdict(list)
        for s in problem.sessions:
            if s.track:
                self.by_track[s.track].append(s.session_id)
            for who in s.speakers:
                self.by_speaker[who].append(s.session_id)
        self.tracks = sorted(t for t, v in self.by_track.items() if len(v) > 1)
        self.speakers = sorted(w for w, v in self.by_speaker.items() if len(v) > 1)
        rooms = sorted(problem.rooms, key=lambda r: (r.capacity, r.room_id))
        self.rooms_by_size = [r.room_id for r in rooms]
        self.kinds: list[tuple[str, Neighbourhood]] = [
            ("rooms of a size on a day", self._rooms_day),
            ("time window", self._window),
            ("random", self._random),
        ]
        if self.tracks:
            self.kinds.append(("track", self._track))
            self.kinds.append(("track day", self._track_day))
        if self.speakers:
            self.kinds.append(("speakers", self._speakers))
        self.blocks = any(t.block for t in problem.slots)
        # neighbourhoods aim at the soft rules' penalties while repairing (only the hard rules a construction may
        # break count, made soft) and on conferences cut into blocks (a penalty often needs room-blocks exchanged)
        self.aiming = repairing or self.blocks
        if self.blocks:
            self.kinds.append(("room-blocks", self._room_blocks))
        for rule in soft_rules if self.aiming else ():
            self.kinds.append((f"{rule} penalty", partial(self._penalty, rule)))

    def _penalty(self, rule: str, rng: random.Random, n: int) -> set[str]:
        """One of the rule's penalties (the larger, the likelier): the sessions the judge names for it, and the
        sessions sharing their rooms and days."""
        found = [(amount, sessions) for amount, sessions in self.penalties.get(rule, ()) if amount > 0 and sessions]
        if not found:
            return set()
        core = set(rng.choices([s for _, s in found], weights=[a for a, _ in found])[0])
        if len(core) > n:
            core = set(rng.sample(sorted(core), n))
        if self.blocks:
            return self._block_mates(rng, core, n)
        return self._with_neighbours(rng, core, n)

    def _block_mates(self, rng: random.Random, core: set[str], n: int) -> set[str]:
        """The (room, block) cells of `core` whole, and whole cells of the same blocks in other rooms and of the
        blocks the core sessions would cost least in: what an exchange of room-blocks between tracks needs."""
        problem = self.problem
        cells = self._cells()
        mine = {(self.current[s][1], problem.block_of(problem.slot[self.current[s][2]])) for s in core
                if s in self.current}
        out = {sid for cell in mine for sid in cells[cell]}
        # the blocks where the core sessions would cost least (their cheapest runs), besides their own
        wanted = {b for _, b in mine}
        for sid in core:
            runs = list(self.candidates.of(problem.session[sid]).runs.values())[:3]
            wanted |= {problem.block_of(o.placement.slots[0]) for o in runs}
        others = [cell for cell in sorted(cells) if cell not in mine and cell[1] in wanted]
        rng.shuffle(others)
        for cell in others:
            if len(out) + len(cells[cell]) > n and len(out) > len(core):
                break
            out |= set(cells[cell])
        return out

    def _rooms_day(self, rng: random.Random, n: int) -> set[str]:
        day = rng.choice(self.days)
        i = rng.randrange(len(self.rooms_by_size))
        per_room = max(1, len(self.problem.slots_by_day[day]))
        k = max(2, n // per_room + 1)
        lo = max(0, min(i - k // 2, len(self.rooms_by_size) - k))
        rooms = set(self.rooms_by_size[lo: lo + k])
        return {sid for sid, key in self.current.items() if key[1] in rooms
                and self.problem.slot[key[2]].day == day}

    def _window(self, rng: random.Random, n: int) -> set[str]:
        day = rng.choice(self.days)
        slots = self.problem.slots_by_day[day]
        on_day = [sid for sid, key in self.current.items() if self.problem.slot[key[2]].day == day]
        per_slot = max(1, len(on_day) // max(1, len(slots)))
        width = max(2, n // per_slot)
        first = rng.randrange(max(1, len(slots) - width + 1))
        window = {s.slot_id for s in slots[first: first + width]}
        chosen = [sid for sid in on_day if self.current[sid][2] in window]
        if len(chosen) > n:  # a wide conference: the window's sessions in a band of room sizes
            chosen.sort(key=lambda sid: self.rooms_by_size.index(self.current[sid][1]))
            start = rng.randrange(len(chosen) - n + 1)
            chosen = chosen[start: start + n]
        return set(chosen)

    def _cells(self) -> dict[tuple[str, str], list[str]]:
        """The current schedule's sessions by (room, block)."""
        cells: dict[tuple[str, str], list[str]] = defaultdict(list)
        for sid, key in self.current.items():
            cells[(key[1], self.problem.block_of(self.problem.slot[key[2]]))].append(sid)
        return cells

    def _room_blocks(self, rng: random.Random, n: int) -> set[str]:
        """Every session of a few (room, block) cells, so that CP-SAT can exchange their contents whole (what a
        track in a room-block needs: moving one of its sessions alone breaks the track's use of the block)."""
        cells = self._cells()
        order = sorted(cells)
        rng.shuffle(order)
        out: set[str] = set()
        for i, cell in enumerate(order):
            if i >= 2 and len(out) + len(cells[cell]) > n:
                break
            out |= set(cells[cell])
        return out

    def _random(self, rng: random.Random, n: int) -> set[str]:
        ids = sorted(self.current)
        return set(rng.sample(ids, min(n, len(ids))))

    def _track(self, rng: random.Random, n: int) -> set[str]:
        out: set[str] = set()
        for _ in range(len(self.tracks)):  # a few tracks at most: small ones may never add up to n
            out |= set(self.by_track[rng.choice(self.tracks)][: max(1, n - len(out))])
            if len(out) >= n // 2:
                break
        return self._with_neighbours(rng, out, n)

    def _track_day(self, rng: random.Random, n: int) -> set[str]:
        """One track on one day (the more rooms it spreads over, the likelier) with every session of the rooms it
        uses that day and of a room of similar size: what gathering a track into fewer rooms needs."""
        problem = self.problem
        spread: dict[tuple[str, object], set[str]] = defaultdict(set)
        for sid, key in self.current.items():
            track = problem.session[sid].track
            if track and problem.slot[key[2]].day in self.days:
                spread[(track, problem.slot[key[2]].day)].add(key[1])
        groups = sorted(spread, key=str)
        if not groups:
            return set()
        track, day = rng.choices(groups, weights=[len(spread[g]) for g in groups])[0]
        rooms = sorted(spread[(track, day)], key=self.rooms_by_size.index)
        i = self.rooms_by_size.index(rooms[rng.randrange(len(rooms))])
        j = min(len(self.rooms_by_size) - 1, max(0, i + rng.choice((-1, 1))))
        rooms.append(self.rooms_by_size[j])
        out = {sid for sid, key in self.current.items() if problem.session[sid].track == track
               and problem.slot[key[2]].day == day}
        for room in dict.fromkeys(rooms):
            here = {sid for sid, key in self.current.items() if key[1] == room and problem.slot[key[2]].day == day}
            if len(out) >= n and len(out | here) > n:
                break
            out |= here
        return out

    def _speakers(self, rng: random.Random, n: int) -> set[str]:
        out: set[str] = set()
        for _ in range(len(self.speakers)):
            out |= set(self.by_speaker[rng.choice(self.speakers)])
            if len(out) >= n // 2:
                break
        return self._with_neighbours(rng, out, n)

    def around(self, rng: random.Random, n: int, sid: str, board: Board) -> set[str]:
        """A session left out, its speakers' other sessions, and on one of its days the sessions holding a few
        of the rooms it could use and a few rooms with free time, so that a chain of moves can make room."""
        problem = self.problem
        session = problem.session[sid]
        opts = self.candidates.of(session)
        days = sorted({day for _, day in opts.run_days})
        day = rng.choice(days)
        per_room = max(1, len(problem.slots_by_day[day]))
        k = max(2, n // (2 * per_room))
        rooms = list(opts.rooms)
        first = rng.randrange(max(1, min(len(rooms), 3 * k) - k + 1))
        chosen = set(rooms[first: first + k])
        roomy = [r for r in rooms if r not in chosen and not board.full(r, day)]
        chosen |= set(roomy[:k])
        mates = {other for who in session.speakers for other in self.by_speaker[who] if other in self.current}
        return {sid} | mates | {other for other, key in self.current.items() if key[1] in chosen
                                and problem.slot[key[2]].day == day}

    def _with_neighbours(self, rng: random.Random, core: set[str], n: int) -> set[str]:
        """`core` plus sessions sharing its rooms and days, so the freed sessions can trade places."""
        cells = {(self.current[s][1], self.problem.slot[self.current[s][2]].day) for s in core if s in self.current}
        others = [sid for sid, key in self.current.items()
                  if sid not in core and (key[1], self.problem.slot[key[2]].day) in cells]
        rng.shuffle(others)
        return {s for s in core if s in self.current} | set(others[: max(0, n - len(core))])
