"""What a schedule costs, kept up to date placement by placement: the penalties as plain counters.

Each rule's structure (solver.engine.structure: declared, or recorded from its model side) is counted by its
meaning: `spread` (each owner uses one value; each extra value costs), `once_at_a_time` (each owner in one session
at a time; each extra session per instant costs), `pairwise` (two sessions sharing an owner must not clash; each
pair that does costs what its clash says), `mixed` (an instant where two or more sessions with a value run and
all share one value costs) and `grouped` (an owner's cost is its rule's function of the values its sessions
hold, recomputed for the owners a change touches), besides a per-placement `cost`. A configuration where an
enabled rule is none of these, or where a hard rule linking sessions is not one the board keeps (an owner's
"one at a time"), gets no tally: the search then goes by neighbourhoods alone. Counted this way, a change's tally
equals what the rules' judge functions say of it (the tests check it move by move on conferences where every such
rule has something to count).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from typing import NamedTuple

from solver.engine.candidates import Candidates, Key
from solver.engine.structure import Recorded, record
from solver.inputs import Problem
from solver.rules.base import Placement

__all__ = ["Recorded", "Tally", "record"]

CACHE = 100_000  # placements whose terms are remembered


class Terms(NamedTuple):
    """What one placement brings: its per-placement costs, and for each recorded structure its (owner, value)
    pairs (spread), its (owner, day, instant) cells (once at a time) or its owners (pairwise)."""

    objective: int
    score: int
    spreads: tuple[frozenset[tuple[str, str]], ...]
    cells: tuple[frozenset[tuple], ...]
    owners: tuple[frozenset[str], ...]
    mixes: tuple[tuple[str | None, frozenset[tuple]], ...] = ()  # its value and (day, instant) cells
    groups: tuple[frozenset[tuple[str, Hashable]], ...] = ()  # its (owner, value) pairs of each grouped rule


def _one_value(counts: dict[str, int]) -> int:
    """1 when two or more sessions run and all share one value (a `mixed` cell's cost), else 0."""
    return int(len(counts) == 1 and next(iter(counts.values())) >= 2)


def _mixed_delta(counts: dict[str, int] | None, value: str, step: int) -> int:
    """How a cell's cost changes when one session of `value` comes (step 1) or goes (step −1)."""
    before = dict(counts or {})
    after = dict(before)
    n = after.get(value, 0) + step
    if n:
        after[value] = n
    else:
        after.pop(value, None)
    return _one_value(after) - _one_value(before)


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
        # pairwise: the sessions sharing an owner with each session (owners are the session's own: fixed)
        self.members: list[dict[str, list[str]]] = []
        for _, _, owners, _ in recorded.pairs:
            members: dict[str, list[str]] = defaultdict(list)
            for session in problem.sessions:
                for owner in owners(session):
                    members[owner].append(session.session_id)
            self.members.append(members)
        self.partners: list[dict[str, tuple[str, ...]]] = [{} for _ in recorded.pairs]
        self.mixing: list[dict[tuple, dict[str, int]]] = [defaultdict(dict) for _ in recorded.mixes]
        self.holding: list[dict[str, dict[Hashable, int]]] = [defaultdict(dict) for _ in recorded.groups]
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
                tuple(frozenset(owners(p.session)) for _, _, owners, _ in self.recorded.pairs),
                tuple((said, frozenset((day, t) for t in times) if said is not None else frozenset())
                      for said in (value(p) for _, _, value in self.recorded.mixes)),
                tuple(frozenset(owner_values(p)) for _, _, owner_values, _ in self.recorded.groups))
        return found

    def add(self, key: Key, p: Placement) -> tuple[int, int]:
        sid = key[0]
        terms = self.terms(key, p)
        objective, score = terms.objective, terms.score
        for (weight, factor, _), values, pairs in zip(self.recorded.spreads, self.values, terms.spreads, strict=True):
            for owner, value in pairs:
                used = values[owner]
                n = used.get(value, 0)
                if not n and used:
                    objective += weight
                    score += factor
                used[value] = n + 1
        for (weight, factor, _), running, cells in zip(self.recorded.onces, self.running, terms.cells, strict=True):
            for cell in cells:
                n = running[cell]
                if n:
                    objective += weight
                    score += factor
                running[cell] = n + 1
        self.placed[sid] = p
        self.keys[sid] = key
        for i, (weight, factor, _, clash) in enumerate(self.recorded.pairs):
            n = self._clashes(i, sid, p, terms.owners[i], clash)
            objective += weight * n
            score += factor * n
        for (weight, factor, _), mixing, (said, cells) in zip(self.recorded.mixes, self.mixing, terms.mixes,
                                                             strict=True):
            for cell in cells:
                assert said is not None
                d = _mixed_delta(mixing.get(cell), said, 1)
                counts = mixing[cell]
                counts[said] = counts.get(said, 0) + 1
                objective += weight * d
                score += factor * d
        grouped = self._regroup(terms.groups, 1)
        return objective + grouped[0], score + grouped[1]

    def remove(self, sid: str) -> tuple[int, int]:
        p = self.placed.pop(sid)
        terms = self.terms(self.keys.pop(sid), p)
        objective, score = -terms.objective, -terms.score
        for (weight, factor, _), values, pairs in zip(self.recorded.spreads, self.values, terms.spreads, strict=True):
            for owner, value in pairs:
                used = values[owner]
                n = used[value] - 1
                if n:
                    used[value] = n
                else:
                    del used[value]
                    if used:
                        objective -= weight
                        score -= factor
        for (weight, factor, _), running, cells in zip(self.recorded.onces, self.running, terms.cells, strict=True):
            for cell in cells:
                n = running[cell] - 1
                running[cell] = n
                if n:
                    objective -= weight
                    score -= factor
        for i, (weight, factor, _, clash) in enumerate(self.recorded.pairs):
            n = self._clashes(i, sid, p, terms.owners[i], clash)
            objective -= weight * n
            score -= factor * n
        for (weight, factor, _), mixing, (said, cells) in zip(self.recorded.mixes, self.mixing, terms.mixes,
                                                             strict=True):
            for cell in cells:
                assert said is not None
                d = _mixed_delta(mixing.get(cell), said, -1)
                counts = mixing[cell]
                counts[said] -= 1
                if not counts[said]:
                    del counts[said]
                objective += weight * d
                score += factor * d
        grouped = self._regroup(terms.groups, -1)
        return objective + grouped[0], score + grouped[1]

    def moving(self, key: Key, p: Placement) -> tuple[int, int]:
        """What moving a placed session to `key` (at `p`) would change in (objective, score), without moving
        it: a move is tried far more often than it is kept."""
        sid = key[0]
        old = self.placed[sid]
        now, was = self.terms(key, p), self.terms(self.keys[sid], old)
        objective, score = now.objective - was.objective, now.score - was.score
        for (weight, factor, _), values, gone, come in zip(self.recorded.spreads, self.values, was.spreads,
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
                score += factor * extra
        for (weight, factor, _), running, gone, come in zip(self.recorded.onces, self.running, was.cells, now.cells,
                                                           strict=True):
            n = sum(1 for cell in come - gone if running.get(cell, 0) >= 1)
            n -= sum(1 for cell in gone - come if running[cell] > 1)
            objective += weight * n
            score += factor * n
        for i, (weight, factor, _, clash) in enumerate(self.recorded.pairs):
            mine = now.owners[i]
            n = self._clashes(i, sid, p, mine, clash) - self._clashes(i, sid, old, mine, clash)
            objective += weight * n
            score += factor * n
        for (weight, factor, _), mixing, (said, gone), (_, come) in zip(self.recorded.mixes, self.mixing,
                                                                       was.mixes, now.mixes, strict=True):
            if said is None or gone == come:
                continue
            d = sum(_mixed_delta(mixing.get(cell), said, -1) for cell in gone - come)
            d += sum(_mixed_delta(mixing.get(cell), said, 1) for cell in come - gone)
            objective += weight * d
            score += factor * d
        for (weight, factor, _, cost), holding, left, taken in zip(self.recorded.groups, self.holding, was.groups,
                                                                  now.groups, strict=True):
            if left == taken:
                continue
            changed: dict[str, dict[Hashable, int]] = {}
            for cells, step in ((left - taken, -1), (taken - left, 1)):
                for owner, cell in cells:
                    held = changed.setdefault(owner, dict(holding.get(owner, {})))
                    held[cell] = held.get(cell, 0) + step
            for owner, held in changed.items():
                d = cost({v: n for v, n in held.items() if n}) - cost(holding.get(owner, {}))
                objective += weight * d
                score += factor * d
        return objective, score

    def _regroup(self, groups: tuple[frozenset[tuple[str, Hashable]], ...], step: int) -> tuple[int, int]:
        """Add (step 1) or take away (−1) a placement's (owner, value) pairs of each grouped rule: the change of
        (objective, score), each touched owner's cost recomputed by its rule."""
        objective = score = 0
        for (weight, factor, _, cost), holding, pairs in zip(self.recorded.groups, self.holding, groups,
                                                            strict=True):
            owners: dict[str, list[Hashable]] = defaultdict(list)
            for owner, value in pairs:
                owners[owner].append(value)
            for owner, values in owners.items():
                held = holding[owner]
                before = cost(held)
                for value in values:
                    n = held.get(value, 0) + step
                    if n:
                        held[value] = n
                    else:
                        del held[value]
                d = cost(held) - before
                objective += weight * d
                score += factor * d
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
        for i in range(len(self.recorded.mixes)):
            if not (a[0].mixes[i][1] | a[1].mixes[i][1]).isdisjoint(b[0].mixes[i][1] | b[1].mixes[i][1]):
                return False
        for i in range(len(self.recorded.groups)):
            mine = {owner for t in a for owner, _ in t.groups[i]}
            if any(owner in mine for t in b for owner, _ in t.groups[i]):
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

    def _clashes(self, i: int, sid: str, p: Placement, mine: Iterable[str],
                 clash: Callable[[Placement, Placement], int]) -> int:
        """What the placed sessions sharing an owner with `sid` cost with it at `p` (each pair once, as much as
        its clash says)."""
        partners = self.partners[i].get(sid)
        if partners is None:
            members = self.members[i]
            found = {other for owner in mine for other in members.get(owner, ())}
            found.discard(sid)
            partners = self.partners[i][sid] = tuple(sorted(found))
        placed = self.placed
        total = 0
        for other in partners:
            q = placed.get(other)
            if q is not None:
                total += int(clash(p, q) if sid < other else clash(q, p))
        return total
