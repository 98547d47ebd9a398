"""What interests.csv says, read once per conference for the rules about attendees' wishes (attendee_conflicts,
attendee_hops): a helper module, not a rule.

Computed once per interests table (a neighbourhood's restricted conference shares its interests with the whole
one, so the cache holds across the search)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from solver.inputs import Problem

Pair = tuple[str, str]  # (a, b) with a < b


@dataclass(frozen=True)
class Wishes:
    pairs: dict[Pair, int]  # summed smaller weight of the attendees who want both (pairs of weight 0 left out)
    partners: dict[str, set[str]]  # each session's sessions in `pairs`
    together: dict[Pair, int]  # how many attendees want both (interests of weight 0 want nothing)
    together_partners: dict[str, set[str]]  # each session's sessions in `together`
    attendees: dict[str, tuple[str, ...]]  # each session's attendees, as `@id`


_CACHE: dict[int, tuple[tuple, Wishes]] = {}


def _partners_of(pairs: dict[Pair, int]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for a, b in pairs:
        out[a].add(b)
        out[b].add(a)
    return dict(out)


def wishes(problem: Problem) -> Wishes:
    found = _CACHE.get(id(problem.interests))
    if found is not None and found[0] is problem.interests:
        return found[1]
    weights: dict[str, dict[str, int]] = defaultdict(dict)
    wanted: dict[str, set[str]] = defaultdict(set)
    who: dict[str, dict[str, None]] = defaultdict(dict)
    for i in problem.interests:
        weights[i.attendee_id][i.session_id] = 1 if i.weight is None else i.weight
        if i.weight is None or i.weight > 0:
            wanted[i.attendee_id].add(i.session_id)
            who[i.session_id][f"@{i.attendee_id}"] = None
    summed: dict[Pair, int] = defaultdict(int)
    for sessions in weights.values():
        for a, b in combinations(sorted(sessions), 2):
            summed[(a, b)] += min(sessions[a], sessions[b])
    pairs = {k: v for k, v in summed.items() if v > 0}
    together: dict[Pair, int] = defaultdict(int)
    for chosen in wanted.values():
        for a, b in combinations(sorted(chosen), 2):
            together[(a, b)] += 1
    found_now = Wishes(pairs, _partners_of(pairs), dict(together), _partners_of(together),
                       {sid: tuple(names) for sid, names in who.items()})
    _CACHE.clear()
    _CACHE[id(problem.interests)] = (problem.interests, found_now)
    return found_now
