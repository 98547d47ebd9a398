"""Why no schedule exists, in sentences: cheap pre-checks first, then a small infeasible core from CP-SAT.

Pre-checks read the problem directly (a session too big for every room, a speaker with no slot left, a pin
against a closure, more sessions of a kind than places). When they find nothing, the hard rules are rebuilt
with one guard literal per (rule, entity), CP-SAT is asked for a set of guards that cannot hold together
(`sufficient_assumptions_for_infeasibility`, one worker), and the set is shrunk by deletion within a time budget.

This module names no rule: each rule module says its own pre-checks (`precheck`, `precheck_all`), how a guard
of a core reads (`core_sentence`, `fold_core`) and how specific it is (`SPECIFICITY`); see solver/rules/base.py.
The sentences are in the conference's language (solver.language), unless the caller speaks another one.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from itertools import groupby

from ortools.sat.python import cp_model

from solver.config import Config, RuleConfig
from solver.engine.candidates import candidate_runs
from solver.engine.model import build_model
from solver.inputs import Problem
from solver.language import for_conference, say, summary
from solver.rules import places_every_session
from solver.rules.base import Guards
from solver.rules.findings import Finding, ProblemCheck, SessionCheck


@dataclass
class Explanation:
    findings: list[Finding] = field(default_factory=list)
    method: str = ""  # "pre-check", "core", "none"
    seconds: float = 0.0
    complete: bool = True  # False when the core search ran out of time

    def sentences(self) -> list[str]:
        return [f.sentence for f in self.findings]

    def for_session(self, session_id: str) -> list[str]:
        return [f.sentence for f in self.findings if session_id in f.sessions]


def precheck(problem: Problem, config: Config) -> list[Finding]:
    """Cheap, specific reasons that make a schedule impossible, each naming ids and numbers.

    Each session is checked by the hard rules' `precheck` hooks in their `PRECHECK_ORDER` (each may narrow the
    rooms and runs the next ones see, or stop at a reason that makes the rest moot); then the problem as a whole
    by their `precheck_all` hooks. Only when every session must be placed: otherwise nothing is impossible."""
    if not places_every_session(config.is_hard):
        return []
    with for_conference(problem):
        return _precheck(problem, config)


def _precheck(problem: Problem, config: Config) -> list[Finding]:
    hard = sorted((rc for rc in config.enabled if rc.settings.hard), key=lambda rc: rc.rule.precheck_order)
    steps = [(rc.rule.precheck, rc.params) for rc in hard if rc.rule.precheck is not None]
    found: list[Finding] = []
    whole = ProblemCheck(problem, config.is_hard)
    for s in problem.sessions:
        check = SessionCheck(problem, s, config.is_hard, list(problem.rooms), candidate_runs(problem, s))
        for hook, params in steps:
            found += hook(check, params)
            if check.stop:
                break
        whole.sessions.append(check)
    for rc in hard:
        if rc.rule.precheck_all is not None:
            found += rc.rule.precheck_all(whole, rc.params)
    return found


# -- the CP-SAT core --------------------------------------------------------------------------------------------
def _say(rc: RuleConfig, problem: Problem, entity: str) -> Finding:
    """A guard of the core as a sentence: the rule's own when it has one, else its summary."""
    if rc.rule.core_sentence is not None:
        found = rc.rule.core_sentence(problem, rc.params, entity)
        if found is not None:
            return found if found.rule == rc.name else replace(found, rule=rc.name)
    return Finding(say("{rule} ({entity}): {summary}", rule=rc.name, entity=entity,
                       summary=summary(rc.rule.summary).split(":", 1)[-1].strip()), (entity,), rc.name)


def core(problem: Problem, config: Config, time_limit: float = 10.0) -> Explanation:
    """A small set of hard-rule instances that cannot hold together, or an empty one if none is found."""
    with for_conference(problem):
        return _core(problem, config, time_limit)


def _core(problem: Problem, config: Config, time_limit: float) -> Explanation:
    t0 = time.perf_counter()
    hard = Config(tuple(rc for rc in config.rules if rc.settings.enabled and rc.settings.hard), config.files)
    rules = {rc.name: rc for rc in hard.rules}
    # lower is more specific: what an organizer can change for one session or one person comes first
    rank = {name: rc.rule.specificity for name, rc in rules.items()}
    guards = Guards(cp_model.CpModel())
    build_model(problem, hard, guards)
    keys = list(guards.literals)
    lits = [guards.literals[k] for k in keys]

    def infeasible(active: list[int], budget: float) -> tuple[bool | None, list[int]]:
        guards.model.clear_assumptions()
        guards.model.add_assumptions([lits[i] for i in active])
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = max(0.05, budget)
        status = solver.solve(guards.model)
        if status == cp_model.INFEASIBLE:
            chosen = set(solver.sufficient_assumptions_for_infeasibility())
            return True, [i for i in active if lits[i].index in chosen] or active
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return False, []
        return None, []

    verdict, kernel = infeasible(list(range(len(lits))), time_limit / 2)
    if not verdict:
        return Explanation([], "none", time.perf_counter() - t0, complete=verdict is not None)
    complete = True
    # deletion: try dropping each guard, least specific first; keep the drop when still infeasible
    order = sorted(kernel, key=lambda i: -rank[keys[i][0]])
    for i in order:
        if i not in kernel:
            continue
        left = time_limit - (time.perf_counter() - t0)
        if left <= 0.05:
            complete = False
            break
        trial = [j for j in kernel if j != i]
        still, smaller = infeasible(trial, min(left, max(0.5, time_limit / 10)))
        if still:
            kernel = smaller
    findings = [_say(rules[keys[i][0]], problem, keys[i][1]) for i in kernel]
    findings.sort(key=lambda f: (rank[f.rule], f.rule))
    findings = _fold(findings, rules)
    return Explanation(findings, "core", time.perf_counter() - t0, complete)


def _fold(findings: list[Finding], rules: dict[str, RuleConfig]) -> list[Finding]:
    """Each rule's findings, sorted together, folded by the rule's own `fold_core` when it has one (several
    "must be scheduled" guards make one closing sentence)."""
    out: list[Finding] = []
    for name, group in groupby(findings, key=lambda f: f.rule):
        mine = list(group)
        fold = rules[name].rule.fold_core if name in rules else None
        out += fold(mine) if fold is not None else mine
    return out


def explain(problem: Problem, config: Config, time_limit: float = 10.0) -> Explanation:
    """Pre-checks first; when they find nothing, a CP-SAT core shrunk within `time_limit` seconds."""
    t0 = time.perf_counter()
    with for_conference(problem):
        found = precheck(problem, config)
        if found:
            return Explanation(found, "pre-check", time.perf_counter() - t0)
        return core(problem, config, time_limit)
