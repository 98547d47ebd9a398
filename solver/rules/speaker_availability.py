"""Hard: no speaker presents during one of their unavailability windows (when soft, each such speaker costs)."""

from __future__ import annotations

from solver.inputs import Problem, Unavailability
from solver.language import say
from solver.rules.base import JudgeView, Params, Placement, RuleSettings, Violation
from solver.rules.findings import Finding, SessionCheck, window, windows

NAME = "speaker_availability"
DEFAULTS = RuleSettings(hard=True, weight=50)
MODES = ("hard", "soft")
SCOPE = "time"  # the cost depends on the session and its slots only
UNIT = "speaker presenting while unavailable"
SPECIFICITY = 30
PRECHECK_ORDER = 60  # on the runs of the session's kind


def _busy(problem: Problem, who: str, p: Placement) -> bool:
    return bool(problem.unavailable_during(who, p.slots))


def relevant(problem: Problem, session) -> bool:
    """Only a session one of whose speakers is unavailable at some time."""
    return any(who in problem.unavailable for who in session.speakers)


def cost(problem: Problem, params: Params, p: Placement) -> int:
    return sum(1 for who in p.session.speakers if _busy(problem, who, p))


def entities(problem: Problem, params: Params, p: Placement) -> list[str]:
    return [who for who in p.session.speakers if _busy(problem, who, p)]


def judge(view: JudgeView, params: Params) -> list[Violation]:
    out = []
    absences: dict[tuple[str, object], list[Unavailability]] = {}  # (who, day) -> its rows, in file order
    for u in view.problem.unavailability:
        absences.setdefault((u.who, u.day), []).append(u)
    for p in view.placed:
        for who in p.session.speakers:
            for u in absences.get((who, p.day), ()):
                _, start, end = u.window
                if any(a < end and start < b for a, b in p.intervals):
                    out.append(Violation(
                        NAME, 1,
                        say("{name} presents {id} on {when} but is unavailable {window}",
                            name=view.problem.speaker[who].name, id=p.session.session_id, when=p.when(),
                            window=window(u)),
                        (p.session.session_id,),
                    ))
                    break
    return out


def precheck(check: SessionCheck, params: Params) -> list[Finding]:
    """No run the session may take (its pinned slot's, when it has one) has all its speakers free."""
    s, problem = check.session, check.problem
    if not s.speakers:
        return []
    runs = check.runs
    if s.slot:
        runs = [r for r in runs if r[0].slot_id == s.slot] or runs
    if any(not any(problem.unavailable_during(who, r) for who in s.speakers) for r in runs):
        return []
    blockers = sorted({who for r in runs for who in s.speakers if problem.unavailable_during(who, r)})
    said = "; ".join(say("{name}: {windows}", name=problem.speaker[w].name, windows=windows(problem, w))
                     for w in blockers)
    return [Finding(say("{id} has no slot its speakers can all attend ({detail})", id=s.session_id, detail=said),
                    (s.session_id, *blockers), NAME)]


def core_sentence(problem: Problem, params: Params, entity: str) -> Finding | None:
    if entity not in problem.speaker:
        return None
    theirs = tuple(x.session_id for x in problem.sessions_of(entity))
    return Finding(say("{name} is unavailable {windows}", name=problem.speaker[entity].name,
                       windows=windows(problem, entity)), theirs, NAME)
