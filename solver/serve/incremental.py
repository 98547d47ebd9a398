"""The judge, kept up to date move by move: each rule's violations are stored, and a move re-judges only the
sessions it can concern.

A rule with a per-placement `cost` judges each session on its own, so a move re-judges the moved session alone.
A rule that links sessions says how (`links`: a room on a day, a speaker, a track…): two placements sharing no
key are never in one of its terms. A move re-judges the rule on the connected group of sessions reachable from
the moved one (before and after the move) through shared keys, with the rule's own `judge`; the violations
touching that group replace the old ones. A rule whose violations name no session is re-judged whole.
`tests/test_serve_incremental.py` checks on random moves that the result equals `solver.judge.judge`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from solver.config import Config, RuleConfig
from solver.errors import shown
from solver.inputs import Problem, Slot
from solver.judge import STRUCTURE, Judgement, occupied_slots
from solver.language import chosen, conference_locale, day, say, speaking
from solver.rules.base import JudgeView, Placed, Placement, Violation
from solver.schedule import Assignment, Schedule

Place = tuple[str, str]  # (room_id, first slot_id)


class MoveRefused(ValueError):
    """A move the grid cannot hold (an unknown id, or a run of slots past the end of the day)."""


@dataclass(frozen=True)
class Change:
    """What a move did to the verdict: sentences that appeared and disappeared, and the score before/after."""

    new: list[Violation]
    resolved: list[Violation]
    total_before: int
    total_after: int
    hard_before: int
    hard_after: int


class LiveJudge:
    """Every enabled rule's violations for the current placements, updated incrementally."""

    def __init__(self, problem: Problem, config: Config, places: dict[str, Place]) -> None:
        self.problem = problem
        self.config = config
        # the language of its sentences: the request's (the desk's), else the conference's, as the judge's
        self.locale = chosen() or conference_locale(problem)
        with speaking(self.locale):
            self._start(places)

    def _start(self, places: dict[str, Place]) -> None:
        config = self.config
        self._runs: dict[tuple[str, int], tuple[Slot, ...] | None] = {}
        self.places: dict[str, Place] = {}
        self.placed: dict[str, Placed] = {}
        self.structure: list[Violation] = []
        # the judge's sentences list sessions in the schedule's order: the live views keep that order
        self._rank: dict[str, int] = {}
        for sid, (room, slot) in places.items():
            self._rank[sid] = len(self._rank)
            placed = self._placed(sid, room, slot)
            self.places[sid] = (room, slot)
            if placed is None:
                self.structure.append(self._past_end(sid, slot))
            else:
                self.placed[sid] = placed
        self._next = len(self._rank)
        self.found: dict[str, list[Violation]] = {}
        self._keys: dict[str, dict[str, list[Hashable]]] = {}  # rule -> session -> its link keys
        self._members: dict[str, dict[Hashable, set[str]]] = {}  # rule -> key -> sessions
        self._whole: set[str] = set()  # rules re-judged whole (a violation naming no session)
        for rc in config.enabled:
            self._judge_rule(rc)

    def copy(self) -> LiveJudge:
        """An independent copy (a new tab starts from the saved schedule's verdict without judging it again)."""
        other = LiveJudge.__new__(LiveJudge)
        other.problem, other.config, other._runs = self.problem, self.config, self._runs  # the run cache is shared
        other.locale = self.locale
        other.places, other.placed, other.structure = dict(self.places), dict(self.placed), list(self.structure)
        other._rank, other._next = dict(self._rank), self._next
        other.found = {k: list(v) for k, v in self.found.items()}
        other._keys = {k: dict(v) for k, v in self._keys.items()}  # lists are replaced, never changed in place
        other._members = {k: defaultdict(set, {key: set(m) for key, m in v.items()}) for k, v in self._members.items()}
        other._whole = set(self._whole)
        return other

    # ---- reading
    def run(self, slot_id: str, length: int) -> tuple[Slot, ...] | None:
        key = (slot_id, length)
        if key not in self._runs:
            self._runs[key] = occupied_slots(self.problem, self.problem.slot[slot_id], length)
        return self._runs[key]

    def violations(self) -> list[tuple[RuleConfig, Violation]]:
        out = [(rc, v) for rc in self.config.enabled for v in self.found.get(rc.name, ())]
        return out

    def judgement(self) -> Judgement:
        """The same figures as `solver.judge.judge` on the current placements."""
        verdict = Judgement(hard=list(self.structure), locale=self.locale)
        penalties: dict[str, int] = defaultdict(int)
        for rc in self.config.enabled:
            found = self.found.get(rc.name, [])
            if rc.settings.hard:
                verdict.hard.extend(found)
            else:
                verdict.soft.extend(found)
                penalties[rc.name] += rc.settings.weight * sum(v.amount for v in found)
        verdict.penalties = dict(penalties)
        return verdict

    def totals(self) -> tuple[int, int]:
        """(soft penalty total, number of hard violations)."""
        total, hard = 0, len(self.structure)
        for rc in self.config.enabled:
            found = self.found.get(rc.name, ())
            if rc.settings.hard:
                hard += len(found)
            else:
                total += rc.settings.weight * sum(v.amount for v in found)
        return total, hard

    def schedule(self) -> Schedule:
        """The placements, in the order the judge sees them."""
        return Schedule(tuple(Assignment(sid, *self.places[sid]) for sid in self._ordered(self.places)))

    def _ordered(self, sids: Iterable[str]) -> list[str]:
        return sorted(sids, key=self._rank.__getitem__)

    # ---- changing
    def set_config(self, config: Config) -> None:
        """New settings: rules newly enabled are judged; the others keep their violations (weights and modes
        only change how they count)."""
        before = {rc.name for rc in self.config.enabled}
        self.config = config
        with speaking(self.locale):
            for rc in config.enabled:
                if rc.name not in before or rc.name not in self.found:
                    self._judge_rule(rc)

    def move(self, session_id: str, place: Place | None) -> Change:
        """Put a session in (room, first slot), or unschedule it (None); return what changed."""
        with speaking(self.locale):
            return self._move(session_id, place)

    def _move(self, session_id: str, place: Place | None) -> Change:
        problem = self.problem
        if session_id not in problem.session:
            raise MoveRefused(say("unknown session {id}", id=shown(session_id)))
        new_placed: Placed | None = None
        if place is not None:
            room, slot = place
            if room not in problem.room:
                raise MoveRefused(say("unknown room {id}", id=shown(room)))
            if slot not in problem.slot:
                raise MoveRefused(say("unknown slot {id}", id=shown(slot)))
            new_placed = self._placed(session_id, room, slot)
            if new_placed is None:
                raise MoveRefused(str(self._past_end(session_id, slot).message))
        total_before, hard_before = self.totals()
        removed: list[Violation] = [v for v in self.structure if session_id in v.sessions]
        self.structure = [v for v in self.structure if session_id not in v.sessions]
        groups = {rc.name: self._reach(rc, session_id) for rc in self.config.enabled}  # before the move
        if place is None:
            self.places.pop(session_id, None)
            self.placed.pop(session_id, None)
        else:
            assert new_placed is not None
            if session_id not in self.places:
                self._rank[session_id], self._next = self._next, self._next + 1
            self.places[session_id] = place
            self.placed[session_id] = new_placed
        added: list[Violation] = []
        for rc in self.config.enabled:
            old = self.found.get(rc.name, [])
            self._relink(rc, session_id, new_placed)
            if rc.name in self._whole:
                self._judge_rule(rc)
                removed += old
                added += self.found[rc.name]
                continue
            group = groups[rc.name] | self._reach(rc, session_id)  # before and after
            view = JudgeView(problem, tuple(self.placed[s] for s in self._ordered(group) if s in self.placed))
            found = rc.rule.judge(view, rc.params)
            if any(not v.sessions for v in found):  # a sentence naming no session: judged whole from now on
                self._judge_rule(rc)
                removed += old
                added += self.found[rc.name]
                continue
            keep = [v for v in old if not group.intersection(v.sessions)]
            removed += [v for v in old if group.intersection(v.sessions)]
            fresh = [v for v in found if group.intersection(v.sessions)]
            self.found[rc.name] = keep + fresh
            added += fresh
        total_after, hard_after = self.totals()
        gone, came = Counter(_key(v) for v in removed), Counter(_key(v) for v in added)
        new = _only(added, came - gone)
        resolved = _only(removed, gone - came)
        return Change(new, resolved, total_before, total_after, hard_before, hard_after)

    # ---- inside
    def _placed(self, sid: str, room: str, slot: str) -> Placed | None:
        session = self.problem.session[sid]
        run = self.run(slot, session.length or 1)
        return None if run is None else Placed(session, self.problem.room[room], run)

    def _past_end(self, sid: str, slot: str) -> Violation:
        session, first = self.problem.session[sid], self.problem.slot[slot]
        return Violation(STRUCTURE, 1, say("{id} lasts {n} slots but starting at {slot} the day ends first ({day})",
                                           id=sid, n=session.length, slot=slot, day=day(first.day)), (sid,))

    def _judge_rule(self, rc: RuleConfig) -> None:
        view = JudgeView(self.problem, tuple(self.placed[s] for s in self._ordered(self.placed)))
        found = rc.rule.judge(view, rc.params)
        self.found[rc.name] = list(found)
        if any(not v.sessions for v in found) or (rc.rule.cost is None and rc.rule.links is None):
            self._whole.add(rc.name)
        if rc.rule.cost is None and rc.rule.links is not None:
            keys: dict[str, list[Hashable]] = {}
            members: dict[Hashable, set[str]] = defaultdict(set)
            for sid, p in self.placed.items():
                keys[sid] = self._links(rc, p)
                for k in keys[sid]:
                    members[k].add(sid)
            self._keys[rc.name], self._members[rc.name] = keys, members

    def _links(self, rc: RuleConfig, p: Placed) -> list[Hashable]:
        assert rc.rule.links is not None
        return list(rc.rule.links(self.problem, Placement(p.session, p.room, p.slots)))

    def _relink(self, rc: RuleConfig, sid: str, placed: Placed | None) -> None:
        if rc.name not in self._keys:
            return
        keys, members = self._keys[rc.name], self._members[rc.name]
        for k in keys.pop(sid, []):
            members[k].discard(sid)
        if placed is not None:
            keys[sid] = self._links(rc, placed)
            for k in keys[sid]:
                members[k].add(sid)

    def _reach(self, rc: RuleConfig, sid: str) -> set[str]:
        """`sid` and every placed session reachable from it through shared link keys."""
        if rc.name not in self._keys:
            return {sid}
        keys, members = self._keys[rc.name], self._members[rc.name]
        seen, todo = {sid}, [sid]
        done_keys: set[Hashable] = set()
        while todo:
            current = todo.pop()
            for k in keys.get(current, ()):
                if k in done_keys:
                    continue
                done_keys.add(k)
                for other in members.get(k, ()):
                    if other not in seen:
                        seen.add(other)
                        todo.append(other)
        return seen


def _key(v: Violation) -> tuple[str, str, tuple[str, ...]]:
    return (v.rule, v.message, v.sessions)


def _only(violations: Iterable[Violation], wanted: Counter) -> list[Violation]:
    left, out = Counter(wanted), []
    for v in violations:
        if left[_key(v)] > 0:
            left[_key(v)] -= 1
            out.append(v)
    return out
