"""What every rule module plugs into: its settings, the model build context, and the judge's view.

A rule module defines:
- `NAME` (its YAML key) and a docstring whose first line starts with "Hard:" or "Soft:";
- `DEFAULTS`: a `RuleSettings` (enabled, hard, weight) plus `Params`, a pydantic model of its own parameters;
- for the model, either `cost(problem, params, placement) -> int` (a per-placement amount of violation, so a hard
  rule prunes the placement before any variable exists and a soft one costs `weight × amount`), or
  `add(ctx)` for rules that link several sessions;
- for the judge, `judge(view, params) -> list[Violation]`: the same rule checked on a finished schedule with
  plain Python, sharing no code with the model.
Optional, each with a default, so that nothing outside the module names the rule:
- for the engine: `SCOPE` ("room", "time" or "both": what `cost` reads besides the session), `entities(problem,
  params, placement)` (who is at fault when `cost` > 0; the session by default), `relevant(problem, session)`,
  `owners(placement)`, `links(problem, placement)` and `bound(problem, params)` (see `Rule` in __init__.py);
- for explanations (solver/explain.py, with the types of solver/rules/findings.py), called only while the rule
  is enabled and hard:
  - `precheck(check: SessionCheck, params) -> list[Finding]`: cheap reasons one session cannot be placed. Rules
    run in `PRECHECK_ORDER` (default 100; features 10, capacity 20, kind 30, closures 40, length 50, speakers
    60, pins 70); each may narrow `check.rooms` and `check.runs` for the next and set `check.stop` when the
    rest would be moot. Pre-checks run only while a rule with `EVERY_SESSION` is hard;
  - `precheck_all(check: ProblemCheck, params) -> list[Finding]`: reasons across sessions, after every session's;
  - `core_sentence(problem, params, entity) -> Finding | None`: one guard (rule, entity) of an infeasible core as
    a sentence, `entity` being what the rule guards (a session, a speaker, a room, a track…, or the `name` given
    to `BuildContext.violation`); None falls back to "<rule> (<entity>): <summary>";
  - `fold_core(findings) -> list[Finding]`: the rule's own findings in a core, merged (all_scheduled folds its
    "must be scheduled" into one sentence);
  - `SPECIFICITY` (default 500): lower is more specific. Core sentences are sorted by it and the core is shrunk
    dropping the least specific guards first: pins 10 … language_mix 210, all_scheduled 1000 (last);
- elsewhere: `EVERY_SESSION = True` (when hard, every session is placed: pre-checks assume it, `--allow-unscheduled`
  makes the rule soft; all_scheduled) and `HEADLINE` (the run's summary line gives the rule's penalty as
  "1,234 {HEADLINE}" when not zero; capacity_fit: "empty seats").
Sentences (a `Violation`'s message, a `Finding`) are said with `solver.language.say` / `say_n`: literal English with
str.format fields, values through its `clock`, `day`, `when`, `listed`… (`Placed.when()`); French is in
solver/locales/fr.po (`python -m solver.language update` adds a new sentence there, to translate).
Adding a rule is its module (with these), its line in `MODULES`, its defaults and its tests: nothing else.
Whether a rule is hard or soft, and its weight, comes from the constraint file: rules never branch on it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from pydantic import BaseModel, ConfigDict, Field

from solver.language import when

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from solver.inputs import Problem, Room, Session, Slot


class Params(BaseModel):
    """A rule's own parameters (none by default). Subclass it in a rule module to add some."""

    model_config = ConfigDict(extra="forbid")


class RuleSettings(BaseModel):
    """How a rule is used: on or off, hard or soft, its weight when soft, and its level.

    Levels order the soft rules lexicographically (as Timefold's medium and soft scores): a penalty at level 1
    outweighs any amount of level-0 penalties, so a level-1 rule is optimized first and the rest after."""

    model_config = ConfigDict(extra="forbid")
    enabled: bool = True
    hard: bool = True
    weight: int = Field(default=1, ge=0)
    level: int = Field(default=0, ge=0, le=2)


class Placement(NamedTuple):
    """A candidate for the model: a session in a room, over a run of consecutive slots (a tuple: millions are
    made on big conferences)."""

    session: Session
    room: Room
    slots: tuple[Slot, ...]

    @property
    def day(self) -> dt.date:
        return self.slots[0].day


@dataclass(frozen=True)
class Violation:
    """One thing a schedule does against a rule: how much (in the rule's unit) and a sentence saying what."""

    rule: str
    amount: int
    message: str
    sessions: tuple[str, ...] = ()


@dataclass
class Penalty:
    """A soft term of the objective: `weight × expr`, attributed to one rule."""

    rule: str
    weight: int
    expr: Any  # a cp_model linear expression


Key = tuple[str, str, str]  # (session_id, room_id, first slot_id)
# for `start` hooks given time to think: the engine's CP-SAT runner (its time, seed, workers, Ctrl-C; returns the
# solver when it found a solution), and session_id -> the blocks its hard per-placement rules let it use, with the
# least its soft per-placement rules cost there
Solve = Callable[["cp_model.CpModel"], "cp_model.CpSolver | None"]
BlockCosts = Callable[[str], dict[str, int]]
Instant = tuple[dt.date, int]  # a day and a slot start on it, in minutes


class ModelIndex:
    """Views of the placement literals that several rules need, computed once per model."""

    def __init__(self, problem: Problem, placements: dict[Key, Placement], literals: dict[Key, Any],
                 fixed: frozenset[Key] = frozenset()) -> None:
        self.problem = problem
        self.placements = placements
        self.literals = literals
        self.fixed = fixed  # placements known to hold (a neighbourhood model's fixed sessions)
        self.by_session: dict[str, list[Key]] = defaultdict(list)
        for key in placements:
            self.by_session[key[0]].append(key)
        starts: dict[dt.date, set[int]] = defaultdict(set)
        for slot in problem.slots:
            starts[slot.day].add(slot.start)
        self.grid: dict[dt.date, list[int]] = {d: sorted(v) for d, v in starts.items()}
        self._covers: dict[tuple[str, int], list[Instant]] = {}

    def narrowed(self, problem: Problem, sessions: Collection[str]) -> ModelIndex:
        """The same model seen by a rule whose terms involve only `sessions` (`problem`: the conference restricted
        to them)."""
        placements = {key: p for key, p in self.placements.items() if key[0] in sessions}
        out = ModelIndex(problem, placements, {key: self.literals[key] for key in placements},
                         frozenset(key for key in self.fixed if key in placements))
        out._covers = self._covers  # the instants a run covers: the same in every view
        return out

    def covers(self, key: Key, until: int | None = None) -> list[Instant]:
        """The instants (slot starts of the day) during which this placement runs; with `until` (minutes), those
        from its start until then (an owner held past the session's end, as a room during its changeover)."""
        p = self.placements[key]
        if until is not None:
            return [(p.day, t) for t in self.grid[p.day] if p.slots[0].start <= t < until]
        ck = (p.slots[0].slot_id, len(p.slots))
        if ck not in self._covers:
            self._covers[ck] = [(p.day, t) for t in self.grid[p.day] if any(s.start <= t < s.end for s in p.slots)]
        return self._covers[ck]

    def running(self, session_id: str) -> dict[Instant, list[Any]]:
        """For each instant, the literals that make `session_id` run then (their sum is 0 or 1)."""
        out: dict[Instant, list[Any]] = defaultdict(list)
        for key in self.by_session.get(session_id, ()):
            for instant in self.covers(key):
                out[instant].append(self.literals[key])
        return out



class Counting(Protocol):
    """What a rule's `tally(ctx)` declaration gets: the structural helpers the tally counts by their meaning
    (solver.engine.structure), for a rule whose model side is its own."""

    problem: Problem

    def spread(self, owner_values: Callable[[Placement], Iterable[tuple[str, str]]]) -> None: ...

    def once_at_a_time(self, owners: Callable[[Placement], Iterable[str]],
                       held: Callable[[Placement], int] | None = None) -> None: ...

    def pairwise(self, owners: Callable[[Session], Iterable[str]], clash: Callable[[Placement, Placement], int],
                 shape: Callable[[Placement], Hashable] | None = None) -> None: ...

    def mixed(self, value: Callable[[Placement], str | None]) -> None:
        """An instant where two or more sessions with a value run, all with one value, costs `weight`."""

    def grouped(self, owner_values: Callable[[Placement], Iterable[tuple[str, Any]]],
                cost: Callable[[dict[Any, int]], int]) -> None:
        """Each owner costs `weight × cost(values)`, `values` being how many of its sessions hold each value
        (an attendee on a block: their wanted sessions' (position, room)); for a rule whose model is its own."""


def pair_owners(pairs: Iterable[tuple[str, str]]) -> Callable[[Any], list[str]]:
    """For `pairwise`: each session's pairs of `pairs`, as owner names (`a|b`), so that each pair is judged once."""
    mine: dict[str, list[str]] = defaultdict(list)
    for a, b in pairs:
        mine[a].append(f"{a}|{b}")
        mine[b].append(f"{a}|{b}")
    return lambda s: mine.get(s.session_id, [])


class Guards:
    """Assumption literals for explaining infeasibility: one per (rule, entity) a hard rule applies to.

    In an explaining model a hard rule's constraints hold only while its guard is true; CP-SAT's
    `sufficient_assumptions_for_infeasibility()` then names the guards that cannot all hold together.
    """

    def __init__(self, model: cp_model.CpModel) -> None:
        self.model = model
        self.literals: dict[tuple[str, str], Any] = {}

    def get(self, rule: str, entity: str) -> Any:
        key = (rule, entity)
        if key not in self.literals:
            self.literals[key] = self.model.new_bool_var(f"guard[{rule}:{entity}]")
        return self.literals[key]


@dataclass
class BuildContext:
    """What `add(ctx)` sees: the model, the problem, the placement literals, and this rule's settings.

    The helpers below turn "at most", "never together" and "counts as one violation" into constraints when the
    rule is hard and into penalized slack when it is soft, so rule modules never branch on hard/soft.
    """

    model: cp_model.CpModel
    problem: Problem
    index: ModelIndex
    rule: str = ""
    settings: RuleSettings = field(default_factory=RuleSettings)
    params: Params = field(default_factory=Params)
    penalties: list[Penalty] = field(default_factory=list)
    guards: Guards | None = None

    @property
    def placements(self) -> dict[Key, Placement]:
        return self.index.placements

    @property
    def literals(self) -> dict[Key, Any]:
        return self.index.literals

    def penalize(self, expr: Any, amount: int = 1) -> None:
        """Add `weight × amount × expr` to the objective for this rule."""
        if self.settings.weight * amount:
            self.penalties.append(Penalty(self.rule, self.settings.weight * amount, expr))

    def violation(self, amount: int = 1, name: str = "", entity: str = "") -> Any:
        """A literal meaning "this instance of the rule is broken": fixed false when hard, else costing
        `weight × amount`. Rules write their condition as `expr <= bound + violation`.

        When explaining, a hard rule's violation is the negation of its guard for `entity` (or `name`)."""
        if self.settings.hard:
            if self.guards is not None:
                return self.guards.get(self.rule, entity or name).Not()
            return 0
        v = self.model.new_bool_var(f"{self.rule}_violated_{name}")
        self.penalize(v, amount)
        return v

    def at_least_one(self, literals: list[Any], amount: int = 1, entity: str = "") -> None:
        """At least one of `literals` when hard; when soft, none costs `weight × amount`."""
        if self.settings.hard:
            constraint = self.model.add_bool_or(literals)  # empty: nothing can hold it, the model is infeasible
            if self.guards is not None:
                constraint.only_enforce_if(self.guards.get(self.rule, entity))
            return
        self.penalize(1 - sum(literals), amount)

    def at_most(self, literals: list[Any], k: int = 1, times: int = 1, entity: str = "") -> None:
        """At most `k` of `literals` true: a constraint when hard; when soft, each one over `k` costs `weight`.

        `times` counts how many checks this group stands for (several instants with the same literals).
        """
        if len(literals) <= k:
            return
        if self.settings.hard:
            if self.guards is not None:
                self.model.add(sum(literals) <= k).only_enforce_if(self.guards.get(self.rule, entity))
            elif k == 1:
                self.model.add_at_most_one(literals)
            else:
                self.model.add(sum(literals) <= k)
            return
        excess = self.model.new_int_var(0, len(literals) - k, f"{self.rule}_excess")
        self.model.add(sum(literals) <= k + excess)
        self.penalize(excess, times)

    def once_at_a_time(self, owners: Callable[[Placement], Iterable[str]],
                       held: Callable[[Placement], int] | None = None) -> None:
        """Each owner (a room, a speaker, a track, a tag) is in at most one session at any instant.

        Instants are the slot starts of each day: two runs of slots overlap in clock time iff both cover one
        of them. Identical groups are merged, counting how many (owner, instant) checks each stands for.
        `held(placement)` (minutes of the day), when given, is until when a placement holds its owners (the
        rule declares the same as its `held`, so that engines keep it too).
        """
        groups: dict[tuple[str, Instant], list[Key]] = defaultdict(list)
        for key, placement in self.placements.items():
            for owner in owners(placement):
                for instant in self.index.covers(key, held(placement) if held else None):
                    groups[(owner, instant)].append(key)
        merged: dict[tuple[Key, ...], list[str]] = defaultdict(list)
        fixed = self.index.fixed if not self.settings.hard and self.guards is None else frozenset()
        for (owner, _), keys in groups.items():
            if len({k[0] for k in keys}) <= 1:
                continue
            sure = sum(1 for k in keys if k in fixed)
            if sure:  # soft, someone is there for sure: every other session there is one too many
                others = [self.literals[k] for k in keys if k not in fixed]
                self.penalize(sure - 1 + sum(others))
            else:
                merged[tuple(sorted(keys))].append(owner)
        for group, owners_here in merged.items():
            self.at_most([self.literals[k] for k in group], 1, len(owners_here), entity=owners_here[0])

    def spread(self, owner_values: Callable[[Placement], Iterable[tuple[str, str]]]) -> None:
        """Each owner (a track on a day, a speaker) uses one value (a room, a day): when soft, each extra value
        used costs `weight`. `owner_values` says which (owner, value) pairs a placement uses."""
        used: dict[str, dict[str, dict[str, list[Any]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
        sessions: dict[str, set[str]] = defaultdict(set)
        certain: dict[str, set[str]] = defaultdict(set)  # values a fixed placement uses for sure
        fixed = self.index.fixed if not self.settings.hard and self.guards is None else frozenset()
        for key, placement in self.placements.items():
            for owner, value in owner_values(placement):
                if key in fixed:
                    certain[owner].add(value)
                else:
                    used[owner][value][key[0]].append(self.literals[key])
                sessions[owner].add(key[0])
        for owner, sure in certain.items():  # soft, with values used for sure: each other value used costs
            if len(sessions[owner]) < 2:
                continue
            if len(sure) > 1:
                self.penalize(len(sure) - 1)
            for value, lits in used.pop(owner, {}).items():
                if value in sure:
                    continue
                flag = self.model.new_bool_var(f"{self.rule}_uses_{owner}_{value}")
                self._implied(lits, flag)
                self.penalize(flag)
        for owner, values in used.items():
            if len(sessions[owner]) < 2 or len(values) < 2:
                continue
            flags = []
            for value, lits in values.items():
                flag = self.model.new_bool_var(f"{self.rule}_uses_{owner}_{value}")
                self._implied(lits, flag)
                flags.append(flag)
            self.at_most(flags, 1, entity=owner)

    def pairwise(self, owners: Callable[[Session], Iterable[str]], clash: Callable[[Placement, Placement], int],
                 shape: Callable[[Placement], Hashable] = lambda p: (p.room.room_id, p.slots[0].slot_id)) -> None:
        """Two sessions sharing an owner (a speaker) must not be placed so that they clash (too close on one day):
        when soft, each pair of sessions that clashes costs `weight` times what `clash` says (True: once; a
        number: that many times, e.g. the attendees wanting both). `clash(a, b)` gets the session with the
        smaller id first; `shape` groups a session's placements that clash alike (e.g. by first slot and
        building), so that the constraints stay few."""
        sharing: dict[str, list[str]] = defaultdict(list)
        for session in self.problem.sessions:
            for owner in owners(session):
                sharing[owner].append(session.session_id)
        pairs = {tuple(sorted(pair)) for ids in sharing.values() for pair in combinations(ids, 2)}
        for a, b in sorted(pairs):
            shaped_a, shaped_b = self._shaped(a, shape), self._shaped(b, shape)
            bad: dict[int, list[tuple[list, list]]] = defaultdict(list)
            for pa, lits_a in shaped_a.values():
                for pb, lits_b in shaped_b.values():
                    amount = int(clash(pa, pb))
                    if amount:
                        bad[amount].append((lits_a, lits_b))
            for amount, combos in sorted(bad.items()):  # one placement each: one amount at most holds
                v = self.violation(amount, name=f"{a}_{b}" if len(bad) == 1 else f"{a}_{b}_{amount}")
                for lits_a, lits_b in combos:
                    self.model.add(sum(lits_a) + sum(lits_b) <= 1 + v)

    def _shaped(self, session_id: str, shape: Callable[[Placement], Hashable]
                ) -> dict[Hashable, tuple[Placement, list]]:
        """One session's literals grouped by the shape of their placements (with one placement of each shape)."""
        out: dict[Hashable, tuple[Placement, list]] = {}
        for key in self.index.by_session.get(session_id, ()):
            placement = self.placements[key]
            out.setdefault(shape(placement), (placement, []))[1].append(self.literals[key])
        return out

    def _implied(self, by_session: dict[str, list[Any]], flag: Any) -> None:
        """`flag` holds when any of the literals does: one session's literals (it is in one place at most) as
        one linear constraint, their sum at most the flag, which is what the LP relaxation needs to see."""
        for lits in by_session.values():
            if len(lits) == 1:
                self.model.add_implication(lits[0], flag)
            else:
                self.model.add(sum(lits) <= flag)


def overlap_bound(problem: Problem, owners: Callable[[Session], Iterable[str]]) -> int:
    """A lower bound on "each owner in one session at a time" violations (extra sessions per instant) in any
    schedule that places every session: an owner with n sessions and only I instants in the conference has at
    least n − I extra ones, since each session runs at one instant at least."""
    instants = len({(s.day, s.start) for s in problem.slots})
    count: dict[str, int] = defaultdict(int)
    for session in problem.sessions:
        for owner in owners(session):
            count[owner] += 1
    return sum(max(0, n - instants) for n in count.values())


@dataclass(frozen=True)
class Placed:
    """The judge's view of one scheduled session: everything resolved from the assignment, clock times."""

    session: Session
    room: Room
    slots: tuple[Slot, ...]

    @property
    def day(self) -> dt.date:
        return self.slots[0].day

    @property
    def intervals(self) -> list[tuple[int, int]]:
        return [(s.start, s.end) for s in self.slots]

    def when(self) -> str:
        """Its day and hours in the current language (solver.language): `13 mai, 13 h 30 – 14 h 45`,
        `May 13, 1:30 – 2:45 PM`."""
        return when(self.day, self.slots[0].start, self.slots[-1].end)


@dataclass(frozen=True)
class JudgeView:
    """The finished schedule as the judge sees it: the problem and each scheduled session resolved."""

    problem: Problem
    placed: tuple[Placed, ...]
