"""What rules say they count, read once per configuration for the tally (solver.engine.tally).

A rule's structure comes from its `tally(ctx)` declaration when it has one (a rule whose model is its own, such
as an order between sessions, says there what it counts in the tally's terms), else from running its `add`
against a recorder that writes down the build context's structural helpers: `spread`, `once_at_a_time`,
`pairwise` and, for declarations only, `mixed` (an instant where sessions with a value all share one) and `grouped`
(an owner's cost is the rule's own function of the values its sessions hold, e.g. an attendee's room changes in a
block). Any other
use of the model means no tally: the search then goes by neighbourhoods alone.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

from solver.config import Config
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

    def mixed(self, value: Callable) -> None:
        self.found.append(("mixed", (value,)))

    def grouped(self, owner_values: Callable, cost: Callable) -> None:
        self.found.append(("grouped", (owner_values, cost)))

    def __getattr__(self, name: str) -> Any:  # the model, its literals, violations…: not countable here
        raise Unsupported(name)


@dataclass
class Recorded:
    """The rules' structures, each with its weight (what one unit adds to the objective) and its factor (what it
    adds to the score: the weight times its level's scale; a hard rule's structure weighs nothing in the
    objective and `HARD` in the score, so no kept move ever breaks it)."""

    spreads: list[tuple[int, int, Callable[[Placement], Iterable[tuple[str, str]]]]] = field(default_factory=list)
    onces: list[tuple[int, int, Callable[[Placement], Iterable[str]]]] = field(default_factory=list)
    pairs: list[tuple[int, int, Callable, Callable[[Placement, Placement], int]]] = field(default_factory=list)
    mixes: list[tuple[int, int, Callable[[Placement], str | None]]] = field(default_factory=list)
    # an owner's cost is the rule's function of the values its placements hold (how many of each)
    groups: list[tuple[int, int, Callable[[Placement], Iterable[tuple[str, Hashable]]],
                       Callable[[dict[Hashable, int]], int]]] = field(default_factory=list)
    scale: dict[str, int] = field(default_factory=dict)  # every rule's level scale (per-placement costs)


HARD = 10**15  # the score of one unit of a hard rule the tally counts: more than any soft gain


def record(problem: Problem, config: Config) -> Recorded | None:
    """The structures of every enabled rule (see `recorded`), or None when one keeps the tally off."""
    return recorded(problem, config)[0]


def recorded(problem: Problem, config: Config) -> tuple[Recorded | None, str | None]:
    """The structures of every enabled rule's model side, or None when one is more than the helpers. Rules placing
    every session are left out: moves keep every session placed. A hard rule linking sessions otherwise than the
    board keeps (a room of a block hosting one track, a track in one room) is counted at `HARD` in the score."""
    out = Recorded(scale=level_scales(config))
    for rc in config.enabled:
        if rc.rule.add is None or rc.rule.every_session:
            continue
        recorder = _Recorder(problem, rc)
        try:
            (rc.rule.tally or rc.rule.add)(recorder)  # what the rule declares for counting, else its model
        except Unsupported:
            return None, f"rule {rc.name} builds a model the local search cannot count"
        if rc.settings.hard:
            if not recorder.found or (rc.rule.owners is not None and all(k == "once" for k, _ in recorder.found)):
                continue  # nothing linking sessions, or what the board keeps
            weight, factor = 0, HARD
        else:
            weight = rc.settings.weight
            factor = weight * out.scale.get(rc.name, 1)
        if not weight and not factor:
            continue
        for kind, args in recorder.found:
            if kind == "spread":
                out.spreads.append((weight, factor, args[0]))
            elif kind == "once":
                out.onces.append((weight, factor, args[0]))
            elif kind == "mixed":
                out.mixes.append((weight, factor, args[0]))
            elif kind == "grouped":
                out.groups.append((weight, factor, args[0], args[1]))
            else:
                out.pairs.append((weight, factor, args[0], args[1]))
    return out, None
