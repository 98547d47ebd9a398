"""What a schedule costs, kept up to date placement by placement: the penalties as plain counters.

Rules do not say how to count themselves one move at a time, but their model side says what they count when it
is made of the build context's structural helpers only: `spread` (each owner uses one value; each extra value
costs), `once_at_a_time` (each owner in one session at a time; each extra session per instant costs) and
`pairwise` (two sessions sharing an owner must not clash; each pair that does costs), besides a per-placement
`cost`. `record()` runs each rule's `add` against a context that writes those calls down and refuses any other use
of the model. A configuration where an enabled rule does anything else, or where a hard rule linking sessions is
not one the board keeps (an owner's "one at a time"), gets no tally: the search then goes by neighbourhoods alone.
Counted by the helpers' meaning, a change's tally equals what the rules' judge functions say of it (the tests
check it move by move on conferences where every such rule has something to count).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from solver.config import Config
from solver.engine.candidates import Candidates, Key
from solver.engine.model import level_scales
from solver.inputs import Problem
from solver.rules.base import Placement


class Unsupported(Exception):
    """A rule's model side uses more than the structural helpers."""


class _Recorder:
    """Stands for the build context while a rule's `add` runs: writes down the structural helpers it calls."""

    def __init__(self, problem: Problem, rc: Any) -> None:
        self.problem = problem
        self.rule = rc.name
        self.settings = rc.settings
        self.params = rc.params
        self.found: list[tuple[str, tuple]] = []

    def spread(self, owner_values: Callable) -> None:
        self.found.append(("spread", (owner_values,)))

    def once_at_a_time(self, owners: Callable, held: Callable | None = None) -> None:
        if held is not None and not self.settings.hard:  # held past the run: only the board keeps that
            raise Unsupported("once_at_a_time(held=…)")
        self.found.append(("once", (owners,)))

    def pairwise(self, owners: Callable, clash: Callable, shape: Callable | None = None) -> None:
        self.found.append(("pairwise", (owners, clash)))

    def __getattr__(self, name: str) -> Any:  # the model, its literals, violations…: not countable here
        raise Unsupported(name)


@dataclass
class Recorded:
    """The soft rules' structures, each with its weight and its level's scale."""

    spreads: list[tuple[int, int, Callable[[Placement], Iterable[tuple[str, str]]]]] = field(default_factory=list)
    onces: list[tuple[int, int, Callable[[Placement], Iterable[str]]]] = field(default_factory=list)
    pairs: list[tuple[int, int, Callable, Callable[[Placement, Placement], bool]]] = field(default_factory=list)
    scale: dict[str, int] = field(default_factory=dict)  # every rule's level scale (per-placement costs)


def record(problem: Problem, config: Config) -> Recorded | None:
    """The structures of every enabled rule's model side, or None when one is more than the helpers (or is hard
    and not kept by the board). Rules placing every session are left out: moves keep every session placed."""
    out = Recorded(scale=level_scales(config))
    for rc in config.enabled:
        if rc.rule.add is None or rc.rule.every_session:
            continue
        recorder = _Recorder(problem, rc)
        try:
            rc.rule.add(recorder)
        except Unsupported:
            return None
        if rc.settings.hard:
            if recorder.found and (rc.rule.owners is None or any(kind != "once" for kind, _ in recorder.found)):
                return None
            continue
        weight, scale = rc.settings.weight, out.scale.get(rc.name, 1)
        if not weight:
            continue
        for kind, args in recorder.found:
            if kind == "spread":
                out.spreads.append((weight, scale, args[0]))
            elif kind == "once":
                out.onces.append((weight, scale, args[0]))
            else:
                out.pairs.append((weight, scale, args[0], args[1]))
    return out


CACHE = 100_000  # placements whose terms are remembered


class Terms(NamedTuple):
    """What one placement brings: its per-placement costs, and for each recorded structure its (owner, value)
    pairs (spread), its (owner, day, instant) cells (once at a time) or its owners (pairwise)."""

    objective: int
    score: int
    spreads: tuple[frozenset[tuple[str, str]], ...]
    cells: tuple[frozenset[tuple], ...]
    owners: tuple[frozenset[str], ...]


class Tally:
    """The recorded penalties of a schedule, changed one placement at a time: `add` and `remove` return what
    they change in (objective, score)."""

    def __init__(self, problem: Problem, candidates: Candidates, recorded: Recorded,
                 instants: Callable[[tuple], list[int]]) -> None:
        self.problem = problem
        self.candidates = candidates
        self.recorded = recorded
        self.instants = instants  # the slot starts of the day a run of slots covers
        self.values: list[dict[str, dict[str, int]]] = [defaultdict(dict) for _ in recorded.spreads]
        self.running: list[dict[tuple, int]] = [defaultdict(int) for _ in recorded.onces]
        self.sharing: list[dict[str, set[str]]] = [defaultdict(set) for _ in recorded.pairs]
        self.placed: dict[str, Placement] = {}
        self.keys: dict[str, Key] = {}
        self._terms: dict[Key, Terms] = {}

    def terms(self, key: Key, p: Placement) -> Terms:
        """What a placement brings to each recorded structure (cached: a move is priced many times over)."""
        found = self._terms.get(key)
        if found is None:
            if len(self._terms) > CACHE:
                self._terms.clear()
            opts = self.candidates.of(self.problem.session[key[0]])
            costs = opts.pair(self.problem, key[1], key[2])[2]
            scale = self.recorded.scale
            day, times = p.slots[0].day, self.instants(p.slots)
            found = self._terms[key] = Terms(
                sum(c for _, c in costs), sum(c * scale.get(r, 1) for r, c in costs),
                tuple(frozenset(owner_values(p)) for _, _, owner_values in self.recorded.spreads),
                tuple(frozenset((owner, day, t) for owner in owners(p) for t in times)
                      for _, _, owners in self.recorded.onces),
                tuple(frozenset(owners(p.session)) for _, _, owners, _ in self.recorded.pairs))
        return found

    def add(self, key: Key, p: Placement) -> tuple[int, int]:
        sid = key[0]
        terms = self.terms(key, p)
        objective, score = terms.objective, terms.score
        for (weight, scale, _), values, pairs in zip(self.recorded.spreads, self.values, terms.spreads, strict=True):
            for owner, value in pairs:
                used = values[owner]
                n = used.get(value, 0)
                if not n and used:
                    objective += weight
                    score += weight * scale
                used[value] = n + 1
        for (weight, scale, _), running, cells in zip(self.recorded.onces, self.running, terms.cells, strict=True):
            for cell in cells:
                n = running[cell]
                if n:
                    objective += weight
                    score += weight * scale
                running[cell] = n + 1
        self.placed[sid] = p
        self.keys[sid] = key
        for (weight, scale, _, clash), sharing, mine in zip(self.recorded.pairs, self.sharing, terms.owners,
                                                             strict=True):
            n = self._clashes(sid, p, mine, sharing, clash)
            objective += weight * n
            score += weight * scale * n
            for owner in mine:
                sharing[owner].add(sid)
        return objective, score

    def remove(self, sid: str) -> tuple[int, int]:
        p = self.placed.pop(sid)
        terms = self.terms(self.keys.pop(sid), p)
        objective, score = -terms.objective, -terms.score
        for (weight, scale, _), values, pairs in zip(self.recorded.spreads, self.values, terms.spreads, strict=True):
            for owner, value in pairs:
                used = values[owner]
                n = used[value] - 1
                if n:
                    used[value] = n
                else:
                    del used[value]
                    if used:
                        objective -= weight
                        score -= weight * scale
        for (weight, scale, _), running, cells in zip(self.recorded.onces, self.running, terms.cells, strict=True):
            for cell in cells:
                n = running[cell] - 1
                running[cell] = n
                if n:
                    objective -= weight
                    score -= weight * scale
        for (weight, scale, _, clash), sharing, mine in zip(self.recorded.pairs, self.sharing, terms.owners,
                                                             strict=True):
            for owner in mine:
                sharing[owner].discard(sid)
            n = self._clashes(sid, p, mine, sharing, clash)
            objective -= weight * n
            score -= weight * scale * n
        return objective, score

    def moving(self, key: Key, p: Placement) -> tuple[int, int]:
        """What moving a placed session to `key` (at `p`) would change in (objective, score), without moving
        it: a move is tried far more often than it is kept."""
        sid = key[0]
        old = self.placed[sid]
        now, was = self.terms(key, p), self.terms(self.keys[sid], old)
        objective, score = now.objective - was.objective, now.score - was.score
        for (weight, scale, _), values, gone, come in zip(self.recorded.spreads, self.values, was.spreads,
                                                          now.spreads, strict=True):
            if gone == come:
                continue
            change: dict[str, int] = {}  # owner -> change in how many values it uses
            for owner, value in gone - come:
                if values[owner][value] == 1:
                    change[owner] = change.get(owner, 0) - 1
            for owner, value in come - gone:
                if not values.get(owner, {}).get(value):
                    change[owner] = change.get(owner, 0) + 1
            for owner, d in change.items():
                n = len(values.get(owner, ()))
                extra = max(0, n + d - 1) - max(0, n - 1)
                objective += weight * extra
                score += weight * scale * extra
        for (weight, scale, _), running, gone, come in zip(self.recorded.onces, self.running, was.cells, now.cells,
                                                           strict=True):
            n = sum(1 for cell in come - gone if running.get(cell, 0) >= 1)
            n -= sum(1 for cell in gone - come if running[cell] > 1)
            objective += weight * n
            score += weight * scale * n
        for (weight, scale, _, clash), sharing, mine in zip(self.recorded.pairs, self.sharing, now.owners,
                                                             strict=True):
            n = self._clashes(sid, p, mine, sharing, clash) - self._clashes(sid, old, mine, sharing, clash)
            objective += weight * n
            score += weight * scale * n
        return objective, score

    def apart(self, key_a: Key, p_a: Placement, key_b: Key, p_b: Placement) -> bool:
        """Whether two placed sessions, moving to `key_a` and `key_b`, share no term in their old or new places
        (then the two moves change the tally independently)."""
        a_sid, b_sid = key_a[0], key_b[0]
        a = (self.terms(self.keys[a_sid], self.placed[a_sid]), self.terms(key_a, p_a))
        b = (self.terms(self.keys[b_sid], self.placed[b_sid]), self.terms(key_b, p_b))
        for i in range(len(self.recorded.spreads)):
            mine = {owner for t in a for owner, _ in t.spreads[i]}
            if any(owner in mine for t in b for owner, _ in t.spreads[i]):
                return False
        for i in range(len(self.recorded.onces)):
            if not (a[0].cells[i] | a[1].cells[i]).isdisjoint(b[0].cells[i] | b[1].cells[i]):
                return False
        return all(a[0].owners[i].isdisjoint(b[0].owners[i]) for i in range(len(self.recorded.pairs)))

    def values_near(self, sid: str) -> set[str]:
        """The values (rooms, days…) used by the owners `sid` shares a spread with: where a move gathers."""
        p = self.placed[sid]
        out: set[str] = set()
        for (_, _, owner_values), values in zip(self.recorded.spreads, self.values, strict=True):
            for owner, _ in owner_values(p):
                out.update(values[owner])
        return out

    def _clashes(self, sid: str, p: Placement, mine: Iterable[str], sharing: dict[str, set[str]],
                 clash: Callable[[Placement, Placement], bool]) -> int:
        """How many placed sessions sharing an owner with `sid` clash with it at `p` (each counted once)."""
        others: set[str] = set()
        for owner in mine:
            others |= sharing.get(owner, set())
        others.discard(sid)
        placed = self.placed
        return sum(1 for other in others
                   if (clash(p, placed[other]) if sid < other else clash(placed[other], p)))
