"""Hard: every session gets a room and a slot (when soft, each unscheduled session costs its attendance + 1)."""

from __future__ import annotations

from solver.inputs import Problem
from solver.language import say
from solver.rules.base import BuildContext, JudgeView, Params, Placement, RuleSettings, Violation
from solver.rules.findings import Finding, SessionCheck

NAME = "all_scheduled"
DEFAULTS = RuleSettings(hard=True, weight=1000)
MODES = ("hard", "soft")
UNIT = "unscheduled session, per expected attendee + 1"
EVERY_SESSION = True  # when hard, every session is placed: the pre-checks assume it, --allow-unscheduled relaxes it
SPECIFICITY = 1000  # the least specific reason: "must be scheduled" closes an explanation
PRECHECK_ORDER = 50  # after the rooms (features, capacity), the kinds and the closures


def links(problem: Problem, p: Placement) -> list:
    """Each session on its own: nothing links sessions."""
    return []


def add(ctx: BuildContext) -> None:
    for session in ctx.problem.sessions:
        lits = [ctx.literals[k] for k in ctx.index.by_session.get(session.session_id, ())]
        ctx.at_least_one(lits, amount=session.attendance + 1, entity=session.session_id)


def judge(view: JudgeView, params: Params) -> list[Violation]:
    placed = {p.session.session_id for p in view.placed}
    return [
        Violation(NAME, s.attendance + 1,
                  say("{id} « {title} » ({attendance} expected) has no room and slot", id=s.session_id,
                      title=s.title, attendance=s.attendance), (s.session_id,))
        for s in view.problem.sessions
        if s.session_id not in placed
    ]


def precheck(check: SessionCheck, params: Params) -> list[Finding]:
    """A session longer than every day cannot be placed at all."""
    if check.runs:
        return []
    check.stop = True
    s = check.session
    return [Finding(say("{id} lasts {n} slots but no day has that many slots", id=s.session_id, n=s.slots_needed),
                    check.ids, NAME)]


def core_sentence(problem: Problem, params: Params, entity: str) -> Finding | None:
    s = problem.session.get(entity)
    if s is None:
        return None
    return Finding(say("{id} « {title} » must be scheduled", id=s.session_id, title=s.title), (entity,), NAME)


def fold_core(findings: list[Finding]) -> list[Finding]:
    """Several "must be scheduled" guards in a core make one closing sentence."""
    if len(findings) < 2:
        return findings
    ids = tuple(i for f in findings for i in f.sessions)
    return [Finding(say("…and sessions {ids} must all be scheduled", ids=", ".join(ids)), ids, NAME)]
