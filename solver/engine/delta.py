"""What a change of a few placements costs or saves, from the rules' own judge functions, rule by rule.

A rule that links sessions says through what (`links`: a track, a speaker, a room on a day…): a term of the rule
only ever involves sessions sharing one of its keys. So the change of a few sessions is priced, for each rule, by
judging that rule before and after on the moved sessions and the sessions sharing one of its keys with their old
or new placements; every other term is the same on both sides. A rule that prices each placement alone is judged
on the moved sessions only; a rule that links sessions without saying through what, on the whole conference.
The neighbourhood search prices its steps so, and the partners' proposals are checked so (solver.engine.parallel).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from solver.config import Config, RuleConfig
from solver.engine.candidates import Candidates, Key
from solver.engine.model import level_scales
from solver.inputs import Problem
from solver.rules.base import JudgeView, Placed, Placement

CACHE = 200_000  # placements whose keys are remembered


class Pricer:
    def __init__(self, problem: Problem, config: Config, candidates: Candidates) -> None:
        self.problem = problem
        self.config = config
        self.candidates = candidates
        self.scale = level_scales(config)
        self.linking = [rc for rc in config.enabled if rc.rule.add is not None and rc.rule.links is not None]
        self.everywhere = [rc for rc in config.enabled if rc.rule.add is not None and rc.rule.links is None]
        self._keys: dict[Key, frozenset[tuple[str, Hashable]]] = {}
        self._placed: dict[Key, Placed] = {}

    def placement(self, key: Key) -> Placement:
        return self.candidates.of(self.problem.session[key[0]]).pair(self.problem, key[1], key[2])[0]

    def keys(self, key: Key) -> frozenset[tuple[str, Hashable]]:
        """(rule, link) pairs of a placement: two placements sharing none never meet in a rule's terms."""
        found = self._keys.get(key)
        if found is None:
            if len(self._keys) > CACHE:
                self._keys.clear()
            p = self.placement(key)
            found = self._keys[key] = frozenset((rc.name, link) for rc in self.linking
                                                for link in rc.rule.links(self.problem, p))  # type: ignore[misc]
        return found

    def placed(self, key: Key) -> Placed:
        found = self._placed.get(key)
        if found is None:
            if len(self._placed) > CACHE:
                self._placed.clear()
            p = self.placement(key)
            found = self._placed[key] = Placed(self.problem.session[key[0]], p.room, p.slots)
        return found

    def members(self, before: dict[str, Key], after: dict[str, Key], changed: Iterable[str]) -> dict[str, set[str]]:
        """For each linking rule, the changed sessions and those sharing one of its keys with their old or new
        placements."""
        changed = set(changed)
        wanted: set[tuple[str, Hashable]] = set()
        for sid in changed:
            for chosen in (before, after):
                if sid in chosen:
                    wanted |= self.keys(chosen[sid])
        return self.linked(wanted, after, changed)

    def linked(self, wanted: set[tuple[str, Hashable]], chosen: dict[str, Key], base: set[str]
               ) -> dict[str, set[str]]:
        """For each linking rule, the sessions of `base` and those of `chosen` whose placement shares one of the
        `wanted` (rule, link) keys through that rule."""
        out = {rc.name: set(base) for rc in self.linking}
        if wanted:
            for sid, key in chosen.items():
                if sid not in base:
                    for rule, _ in self.keys(key) & wanted:
                        out[rule].add(sid)
        return out

    def delta(self, before: dict[str, Key], after: dict[str, Key], changed: Iterable[str]
              ) -> tuple[int, int, bool]:
        """(change of the objective, change of the score (levels applied), whether `after` breaks a hard rule
        where the change is) from `before` to `after`, two schedules that differ in `changed` only."""
        changed = set(changed)
        members = self.members(before, after, changed)
        problems: dict[frozenset[str], Problem] = {}  # the conference restricted to each group judged
        d_objective = d_score = 0
        broken = False
        for rc in self.config.enabled:
            if rc.rule.add is None:
                group = changed
            elif rc.rule.links is None:
                group = set(before) | set(after)
            else:
                group = members[rc.name]
            frozen = frozenset(group)
            if frozen not in problems:
                problems[frozen] = self.problem.restricted(group) if len(group) < len(self.problem.sessions) \
                    else self.problem
            problem = problems[frozen]
            was = self._judge(rc, problem, before, group)
            now = self._judge(rc, problem, after, group)
            if rc.settings.hard:
                broken = broken or now > was
            else:
                d_objective += rc.settings.weight * (now - was)
                d_score += rc.settings.weight * (now - was) * self.scale.get(rc.name, 1)
        return d_objective, d_score, broken

    def _judge(self, rc: RuleConfig, problem: Problem, chosen: dict[str, Key], group: set[str]) -> int:
        """The rule's total amount over the sessions of `group` (those placed in `chosen` as placed)."""
        view = JudgeView(problem, tuple(self.placed(chosen[sid]) for sid in sorted(group) if sid in chosen))
        return sum(v.amount for v in rc.rule.judge(view, rc.params))
