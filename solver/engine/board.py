"""Who holds what, when: the exclusive owners (rooms, speakers, …) of a schedule being built or improved.

A rule whose model side is "each owner in one session at a time" declares `owners(placement)`; when such a rule
is hard, two sessions holding one owner may not overlap. The board keeps, for each (rule, owner, instant), the
session holding it, so construction and the neighbourhood search can ask "is this place free?" in constant
time per cell, without knowing which rules those are.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from solver.config import Config
from solver.engine.candidates import Key
from solver.inputs import Problem
from solver.rules.base import Placement

Cell = tuple[str, str, dt.date, int]  # (rule, owner, day, instant)


class Board:
    def __init__(self, problem: Problem, config: Config) -> None:
        self.problem = problem
        self.rules = [rc for rc in config.enabled if rc.rule.owners is not None and rc.settings.hard]
        starts: dict[dt.date, set[int]] = defaultdict(set)
        for slot in problem.slots:
            starts[slot.day].add(slot.start)
        self.grid = {d: sorted(v) for d, v in starts.items()}
        self._covers: dict[tuple[str, int], list[int]] = {}
        self.at: dict[Cell, str] = {}
        self.chosen: dict[str, Key] = {}
        self.placement: dict[str, Placement] = {}
        # when rooms are exclusive (a hard rule owns them), how many instants of each (room, day) are taken: lets
        # a search skip a full room-day without trying each of its runs
        self.room_rule: str | None = None  # the hard rule whose owners include the room ("": none; None: not known yet)
        self.load: dict[tuple[str, dt.date | None], int] = defaultdict(int)
        self.instants_in_all_days = sum(len(v) for v in self.grid.values())

    def instants(self, p: Placement) -> list[int]:
        """The slot starts of the day during which `p` runs (two runs overlap iff they share one)."""
        return self.run_instants(p.slots)

    def run_instants(self, slots: tuple) -> list[int]:
        key = (slots[0].slot_id, len(slots))
        if key not in self._covers:
            self._covers[key] = [t for t in self.grid[slots[0].day] if any(s.start <= t < s.end for s in slots)]
        return self._covers[key]

    def room_taken(self, room_id: str, slots: tuple) -> bool:
        """True when rooms are exclusive and `room_id` is held at some instant of this run of slots: a quick
        test before building the placement."""
        if not self.room_rule:
            return False
        day = slots[0].day
        return any((self.room_rule, room_id, day, t) in self.at for t in self.run_instants(slots))

    def held_instants(self, p: Placement, until: int) -> list[int]:
        """The slot starts of the day from `p`'s start until `until` (a rule holding owners past the run)."""
        start = p.slots[0].start
        return [t for t in self.grid[p.day] if start <= t < until]

    def _times(self, rc: object, p: Placement) -> list[int]:
        held = rc.rule.held  # type: ignore[attr-defined]
        return self.instants(p) if held is None else self.held_instants(p, held(p))

    def cells(self, p: Placement) -> list[Cell]:
        return [(rc.name, owner, p.day, t) for rc in self.rules for owner in rc.rule.owners(p)  # type: ignore[misc]
                for t in self._times(rc, p)]

    def free(self, p: Placement) -> bool:
        at = self.at
        day = p.slots[0].day
        for rc in self.rules:
            owners = rc.rule.owners(p)  # type: ignore[misc]
            if not owners:
                continue
            times = self._times(rc, p)
            for owner in owners:
                for t in times:
                    if (rc.name, owner, day, t) in at:
                        return False
        return True

    def blockers(self, p: Placement) -> set[str]:
        return {self.at[c] for c in self.cells(p) if c in self.at}

    def full(self, room_id: str, day: dt.date | None = None) -> bool:
        """True when rooms are exclusive and `room_id` is taken at every instant of `day` (of every day)."""
        if not self.room_rule:
            return False
        if day is None:
            return self.load[(room_id, None)] >= self.instants_in_all_days
        return self.load[(room_id, day)] >= len(self.grid[day])

    def place(self, key: Key, p: Placement) -> None:
        for c in self.cells(p):
            self.at[c] = key[0]
        self.chosen[key[0]] = key
        self.placement[key[0]] = p
        if self.room_rule is None:
            owning = [rc.name for rc in self.rules if p.room.room_id in rc.rule.owners(p)]  # type: ignore[misc]
            self.room_rule = owning[0] if owning else ""
        if self.room_rule:
            self.load[(p.room.room_id, p.day)] += len(self.instants(p))
            self.load[(p.room.room_id, None)] += len(self.instants(p))

    def remove(self, session_id: str) -> Key:
        key = self.chosen.pop(session_id)
        p = self.placement.pop(session_id)
        if self.room_rule:
            self.load[(p.room.room_id, p.day)] -= len(self.instants(p))
            self.load[(p.room.room_id, None)] -= len(self.instants(p))
        for c in self.cells(p):
            if self.at.get(c) == session_id:
                del self.at[c]
        return key
