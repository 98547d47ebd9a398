"""What every rule module plugs into: its settings, the model build context, and the judge's view.

A rule module defines:
- `NAME` (its YAML key) and a docstring whose first line starts with "Hard:" or "Soft:";
- `DEFAULTS`: a `RuleSettings` (enabled, hard, weight) plus `Params`, a pydantic model of its own parameters;
- for the model, either `cost(problem, params, placement) -> int` (a per-placement amount of violation, so a hard
  rule prunes the placement before any variable exists and a soft one costs `weight × amount`), or
  `add(ctx)` for rules that link several sessions;
- for the judge, `judge(view, params) -> list[Violation]`: the same rule checked on a finished schedule with
  plain Python, sharing no code with the model.
Whether a rule is hard or soft, and its weight, comes from the constraint file: rules never branch on it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from solver.inputs import Problem, Room, Session, Slot


class Params(BaseModel):
    """A rule's own parameters (none by default). Subclass it in a rule module to add some."""

    model_config = ConfigDict(extra="forbid")


class RuleSettings(BaseModel):
    """How a rule is used: on or off, hard or soft, and its weight when soft."""

    model_config = ConfigDict(extra="forbid")
    enabled: bool = True
    hard: bool = True
    weight: int = Field(default=1, ge=0)


@dataclass(frozen=True)
class Placement:
    """A candidate for the model: a session in a room, over a run of consecutive slots."""

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


@dataclass
class BuildContext:
    """What `add(ctx)` sees: the model, the problem, the placement literals, and this rule's settings."""

    model: cp_model.CpModel
    problem: Problem
    placements: dict[tuple[str, str, str], Placement]
    literals: dict[tuple[str, str, str], cp_model.IntVar]
    rule: str = ""
    settings: RuleSettings = field(default_factory=RuleSettings)
    params: Params = field(default_factory=Params)
    penalties: list[Penalty] = field(default_factory=list)

    def penalize(self, expr: Any, amount: int = 1) -> None:
        """Add `weight × amount × expr` to the objective for this rule."""
        if self.settings.weight * amount:
            self.penalties.append(Penalty(self.rule, self.settings.weight * amount, expr))

    def at_most(self, literals: list[cp_model.IntVar], k: int = 1, times: int = 1) -> None:
        """At most `k` of `literals` true: a constraint when hard; when soft, each one over `k` costs `weight`.

        `times` counts how many checks this group stands for (several instants with the same literals).
        """
        if len(literals) <= k:
            return
        if self.settings.hard:
            if k == 1:
                self.model.add_at_most_one(literals)
            else:
                self.model.add(sum(literals) <= k)
            return
        excess = self.model.new_int_var(0, len(literals) - k, f"{self.rule}_excess")
        self.model.add(sum(literals) <= k + excess)
        self.penalize(excess, times)

    def at_each_instant(self, owners: Callable[[Placement], Iterable[str]]) -> list[tuple[list[Any], int]]:
        """Groups of literals that run at one instant for one owner (a room, a speaker).

        Instants are the slot starts of each day: two runs of slots overlap in clock time iff both cover one
        of them. Identical groups are merged; the count says how many (owner, instant) checks each stands for.
        """
        covers = self._instants_covered()
        groups: dict[tuple[str, dt.date, int], list[tuple[str, str, str]]] = defaultdict(list)
        for key, placement in self.placements.items():
            first = placement.slots[0]
            for owner in owners(placement):
                for t in covers[(first.slot_id, len(placement.slots))]:
                    groups[(owner, first.day, t)].append(key)
        merged: dict[tuple[tuple[str, str, str], ...], int] = defaultdict(int)
        for keys in groups.values():
            if len(keys) > 1:
                merged[tuple(sorted(keys))] += 1
        return [([self.literals[k] for k in keys], n) for keys, n in merged.items()]

    def _instants_covered(self) -> dict[tuple[str, int], list[int]]:
        starts: dict[dt.date, list[int]] = defaultdict(list)
        for s in self.problem.slots:
            starts[s.day].append(s.start)
        out: dict[tuple[str, int], list[int]] = {}
        for p in self.placements.values():
            key = (p.slots[0].slot_id, len(p.slots))
            if key not in out:
                out[key] = sorted({t for t in starts[p.day] for s in p.slots if s.start <= t < s.end})
        return out


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
        from solver.inputs.values import format_time_fr

        return f"{self.day.isoformat()} {format_time_fr(self.slots[0].start)}–{format_time_fr(self.slots[-1].end)}"


@dataclass(frozen=True)
class JudgeView:
    """The finished schedule as the judge sees it: the problem and each scheduled session resolved."""

    problem: Problem
    placed: tuple[Placed, ...]
