"""The rule catalogue: every YAML rule name mapped to the module that implements it.

Adding a rule is one module in this folder and one line in `MODULES`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType

from solver.rules import (
    all_scheduled,
    attendee_block_conflicts,
    attendee_conflicts,
    attendee_hops,
    attendee_slot_conflicts,
    avoid_parallel,
    block_room_penalty,
    block_room_track,
    capacity_fit,
    chair_conflicts,
    keep_previous,
    language_mix,
    order,
    pins,
    presenter_block_conflicts,
    presenter_slot_conflicts,
    presenter_timezone,
    room_capacity,
    room_changeover,
    room_closures,
    room_conflict,
    room_features,
    room_preference,
    session_block_penalty,
    session_duration,
    session_room_penalty,
    similar_tracks,
    slot_kind,
    slot_preference,
    speaker_availability,
    speaker_changeover,
    speaker_conflict,
    speaker_days,
    speaker_half_days,
    speaker_needs,
    speaker_preferences,
    speaker_room,
    track_block_penalty,
    track_block_rooms,
    track_consecutive,
    track_days,
    track_hopping,
    track_parallel,
    track_position,
    track_room,
    track_room_penalty,
    within_block,
)
from solver.rules.base import Params, Placement, RuleSettings
from solver.rules.findings import Finding

MODULES: tuple[ModuleType, ...] = (
    # Hard by default
    all_scheduled,
    room_conflict,
    speaker_conflict,
    room_capacity,
    room_features,
    slot_kind,
    pins,
    speaker_availability,
    room_closures,
    speaker_needs,
    session_duration,
    room_changeover,
    # Soft by default
    capacity_fit,
    track_room,
    track_days,
    track_parallel,
    avoid_parallel,
    attendee_conflicts,
    attendee_hops,
    speaker_preferences,
    speaker_changeover,
    speaker_days,
    speaker_half_days,
    speaker_room,
    room_preference,
    slot_preference,
    order,
    language_mix,
    keep_previous,
    # Block-based (academic) conferences: off by default but within_block (nothing to do without blocks)
    within_block,
    block_room_track,
    track_block_penalty,
    track_room_penalty,
    block_room_penalty,
    session_block_penalty,
    session_room_penalty,
    similar_tracks,
    track_hopping,
    track_block_rooms,
    track_consecutive,
    track_position,
    presenter_timezone,
    presenter_block_conflicts,
    presenter_slot_conflicts,
    attendee_block_conflicts,
    attendee_slot_conflicts,
    chair_conflicts,
)


@dataclass(frozen=True)
class Rule:
    """A rule as the rest of salle sees it: what the module declares, read once."""

    name: str
    summary: str
    defaults: RuleSettings
    modes: tuple[str, ...]
    unit: str
    params: type[Params]
    cost: Callable[..., int] | None
    add: Callable[..., None] | None
    judge: Callable
    entities: Callable  # (problem, params, placement) -> who is at fault when `cost` > 0 (for explanations)
    scope: str = "both"  # what `cost` depends on besides the session: "room", "time" (its slots) or "both"
    relevant: Callable = lambda problem, session: True
    # what a placement holds exclusively while it runs (a room, speakers): a rule whose model side is "each
    # owner in one session at a time" says so here, and engines keep such owners free when the rule is hard
    owners: Callable[[Placement], Iterable[str]] | None = None
    # until when (minutes of the day) a placement holds its owners, when not its last slot's end (a room's
    # changeover after a session): engines keeping owners free read it
    held: Callable[[Placement], int] | None = None
    # (ctx) what the tally counts, when the rule's model (`add`) is its own: the structural helpers called on
    # the tally's recorder (solver.engine.structure), so that the local search prices the rule move by move
    tally: Callable[..., None] | None = None
    # a lower bound on the rule's amount in any schedule placing every session (for the reported bound)
    bound: Callable[..., int] | None = None
    # what links a placement to others through this rule's `add` (a room on a day, a speaker, a track…): two
    # placements sharing no key are never in one of its constraints or terms (large neighbourhood search uses
    # it to leave unrelated sessions out of a neighbourhood's model)
    links: Callable[..., Iterable] | None = None
    # explanations (solver/explain.py names no rule): see solver/rules/base.py for what each hook does
    specificity: int = 500
    precheck_order: int = 100
    precheck: Callable[..., list[Finding]] | None = None  # (check: SessionCheck, params) when the rule is hard
    precheck_all: Callable[..., list[Finding]] | None = None  # (check: ProblemCheck, params) when the rule is hard
    core_sentence: Callable[..., Finding | None] | None = None  # (problem, params, entity) for a guard of a core
    fold_core: Callable[[list[Finding]], list[Finding]] | None = None  # the rule's findings in a core, folded
    headline: str = ""  # when set, the run's summary line gives the rule's penalty as "N {headline}"
    every_session: bool = False  # when hard, every session is placed (what --allow-unscheduled relaxes)
    # for the room relaxation (a lower bound): (problem, params, room_id, slot) -> True when the rule, hard,
    # closes that room at that slot to every session; (problem, params, session) -> the only rooms the rule,
    # hard, lets the session use (None: any)
    closes: Callable[..., bool] | None = None
    rooms_for: Callable[..., Iterable[str] | None] | None = None
    # (problem, params, soft=rule name -> (weight, params) of each soft rule, solve=None, block_costs=None) ->
    # session_id -> (room_id, first slot_id): placements that keep the rule, for an engine's construction to start
    # from when the rule is hard and hard to repair afterwards (one track per room-block); with `solve` (the engine's
    # CP-SAT runner, solver.rules.block_plan.Solve) the rule may think longer than a greedy deal, `block_costs`
    # (solver.rules.block_plan.BlockCosts) saying where each session may go and at what least cost
    start: Callable[..., dict[str, tuple[str, str]]] | None = None

    @property
    def unary(self) -> bool:
        """Decided per (session, room, slots) alone: pruned before the model when hard."""
        return self.cost is not None


def _rule(module: ModuleType) -> Rule:
    doc = (module.__doc__ or "").strip().splitlines()[0]
    if not doc.startswith(("Hard:", "Soft:")):
        raise TypeError(f"rule module {module.__name__}: docstring must start with 'Hard:' or 'Soft:'")
    return Rule(
        name=module.NAME,
        summary=doc,
        defaults=module.DEFAULTS,
        modes=module.MODES,
        unit=module.UNIT,
        params=getattr(module, "Params", Params),
        cost=getattr(module, "cost", None),
        add=getattr(module, "add", None),
        judge=module.judge,
        entities=getattr(module, "entities", _the_session),
        scope=getattr(module, "SCOPE", "both"),
        relevant=getattr(module, "relevant", lambda problem, session: True),
        owners=getattr(module, "owners", None),
        held=getattr(module, "held", None),
        tally=getattr(module, "tally", None),
        bound=getattr(module, "bound", None),
        links=getattr(module, "links", None),
        specificity=getattr(module, "SPECIFICITY", 500),
        precheck_order=getattr(module, "PRECHECK_ORDER", 100),
        precheck=getattr(module, "precheck", None),
        precheck_all=getattr(module, "precheck_all", None),
        core_sentence=getattr(module, "core_sentence", None),
        fold_core=getattr(module, "fold_core", None),
        headline=getattr(module, "HEADLINE", ""),
        every_session=getattr(module, "EVERY_SESSION", False),
        closes=getattr(module, "closes", None),
        rooms_for=getattr(module, "rooms_for", None),
        start=getattr(module, "start", None),
    )


def _the_session(problem: object, params: object, placement: Placement) -> list[str]:
    return [placement.session.session_id]


REGISTRY: dict[str, Rule] = {m.NAME: _rule(m) for m in MODULES}
# the rules that, when hard, place every session (all_scheduled): pre-checks assume them, --allow-unscheduled
# makes them soft, and a previous schedule is judged without them
EVERY_SESSION: tuple[str, ...] = tuple(name for name, rule in REGISTRY.items() if rule.every_session)


def places_every_session(is_hard: Callable[[str], bool]) -> bool:
    """Whether a hard rule asks for every session to be placed (`is_hard` is `Config.is_hard`)."""
    return any(is_hard(name) for name in EVERY_SESSION)


def get_rule(name: str) -> Rule:
    """The rule called `name`; an unknown name is a KeyError that lists the valid ones."""
    if name in REGISTRY:
        return REGISTRY[name]
    raise KeyError(unknown_name_message("rule", name, list(REGISTRY)))


def unknown_name_message(what: str, name: str, valid: list[str]) -> str:
    near = difflib.get_close_matches(name, valid, n=1)
    hint = f" Did you mean '{near[0]}'?" if near else ""
    return f"unknown {what} '{name}'.{hint} Valid: {', '.join(valid)}"
