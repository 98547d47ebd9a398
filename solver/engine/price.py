"""What a schedule costs as the model counts it, and the configuration that repairs an incomplete schedule."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from ortools.sat.python import cp_model

from solver.config import Config
from solver.engine.candidates import Candidates, Key
from solver.engine.cpsat import run_cpsat
from solver.engine.model import BuiltModel, build_model, level_scales
from solver.inputs import Problem
from solver.rules.base import JudgeView, Placed, Violation


def price(problem: Problem, config: Config, candidates: Candidates, chosen: dict[str, Key],
          stop: Callable[[], bool] = lambda: False) -> tuple[int, dict[str, int]] | None:
    """(objective, penalty per rule) of a schedule, every auxiliary literal at its least: the placements are
    fixed and CP-SAT only settles the rest. None when the schedule breaks a hard rule."""
    only = {s.session_id: ([chosen[s.session_id][1:]] if s.session_id in chosen else [])
            for s in problem.sessions}
    built = build_model(problem, config, candidates=candidates, only=only, fixed=list(chosen))  # type: ignore[arg-type]
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 60.0
    code = run_cpsat(solver, built.cp, stop=stop)
    if code != cp_model.OPTIMAL:
        return None
    penalties = penalties_of(built, solver)
    return sum(penalties.values()), penalties


def soft_violations(problem: Problem, config: Config, candidates: Candidates,
                    chosen: dict[str, Key]) -> dict[str, list[Violation]]:
    """Each soft rule's violations in a schedule, from the rules' own judge functions: plain Python, no model."""
    placed = []
    for sid, key in chosen.items():
        session = problem.session[sid]
        placement = candidates.of(session).pair(problem, key[1], key[2])[0]
        placed.append(Placed(session, placement.room, placement.slots))
    view = JudgeView(problem, tuple(placed))
    return {rc.name: rc.rule.judge(view, rc.params) for rc in config.enabled if not rc.settings.hard}


def judged(problem: Problem, config: Config, candidates: Candidates, chosen: dict[str, Key]) -> dict[str, int]:
    """Each soft rule's penalty (weight × amount) of a schedule that meets the hard rules, from the rules' own
    judge functions (a neighbourhood step prices with it: no model to build, faster than `price`). Equal to
    the model's count: the judge's total is the reported objective, a property the tests check on both
    engines."""
    weight = {rc.name: rc.settings.weight for rc in config.enabled}
    return {rule: weight[rule] * sum(v.amount for v in found)
            for rule, found in soft_violations(problem, config, candidates, chosen).items()}


def penalties_of(built: BuiltModel, solver: cp_model.CpSolver) -> dict[str, int]:
    """Each rule's penalty (weight × amount) in the solver's current solution."""
    penalties: dict[str, int] = defaultdict(int)
    for p in built.penalties:
        penalties[p.rule] += p.weight * int(solver.value(p.expr))
    return dict(penalties)


def score(config: Config, penalties: dict[str, int]) -> int:
    """The penalties as the model's objective counts them: each rule scaled by its level."""
    scale = level_scales(config)
    return sum(v * scale.get(rule, 1) for rule, v in penalties.items())


def repair_config(config: Config) -> Config | None:
    """The rules a constructed schedule may still break, made soft and heavy, and nothing else counted.

    Construction keeps every hard per-placement rule and every hard "one at a time" rule (rooms, speakers); it
    may leave sessions out and may break a hard rule that links sessions otherwise (an order, a changeover).
    Under this configuration such a schedule costs 0 exactly when it is complete and valid. None: nothing of
    the kind is hard."""
    linking = [rc.name for rc in config.enabled if rc.settings.hard and rc.rule.add is not None
               and rc.rule.owners is None]
    if not linking:
        return None
    out = config
    for rc in config.enabled:
        if rc.name in linking:
            out = out.with_settings(rc.name, hard=False, weight=max(1, rc.settings.weight))
        elif not rc.settings.hard:
            out = out.with_settings(rc.name, enabled=False)
    return out
