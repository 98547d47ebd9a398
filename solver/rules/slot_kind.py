"""Hard: a slot with a kind takes only sessions of that kind, and a session with a kind only slots of it."""

from __future__ import annotations

from collections import defaultdict

from solver.inputs import Problem, Session
from solver.rules.base import JudgeView, Params, Placement, RuleSettings, Violation
from solver.rules.findings import Finding, ProblemCheck, SessionCheck
from solver.rules.room_closures import NAME as ROOM_CLOSURES
from solver.rules.room_conflict import NAME as ROOM_CONFLICT

NAME = "slot_kind"
DEFAULTS = RuleSettings(hard=True, weight=10)
MODES = ("hard", "soft")
SCOPE = "time"  # the cost depends on the session and its slots only
UNIT = "slot of the wrong kind"
SPECIFICITY = 70
PRECHECK_ORDER = 30  # before room_closures: a kind no slot has is the first thing to say


def cost(problem: Problem, params: Params, p: Placement) -> int:
    kind = p.session.kind
    return sum(1 for s in p.slots if (s.kind or kind) and s.kind != kind)


def judge(view: JudgeView, params: Params) -> list[Violation]:
    out = []
    for p in view.placed:
        for slot in p.slots:
            if slot.kind == p.session.kind or not (slot.kind or p.session.kind):
                continue
            slot_says = f"slot {slot.slot_id} is for {slot.kind}" if slot.kind else f"slot {slot.slot_id} has no kind"
            session_says = f"is a {p.session.kind}" if p.session.kind else "has no kind"
            out.append(Violation(NAME, 1, f"{p.session.session_id} {session_says} but {slot_says}",
                                 (p.session.session_id,)))
    return out


def precheck(check: SessionCheck, params: Params) -> list[Finding]:
    """Narrow the runs to those of the session's kind; none is a reason of its own."""
    s = check.session
    if not check.runs:
        return []
    check.runs = [r for r in check.runs if all(slot.kind == s.kind for slot in r)]
    if check.runs:
        return []
    check.stop = True
    what = f"is of kind {s.kind} but no slot has that kind" if s.kind else \
        "has no kind but every slot is reserved for a kind"
    return [Finding(f"{s.session_id} {what}", check.ids, NAME)]


def precheck_all(check: ProblemCheck, params: Params) -> list[Finding]:
    """More slot-units of a kind needed than places: (slot of that kind × open room one of them can use), when
    rooms hold one session at a time."""
    if not check.hard(ROOM_CONFLICT):
        return []
    problem, closures = check.problem, check.hard(ROOM_CLOSURES)
    need: dict[str | None, list[Session]] = defaultdict(list)
    for s in problem.sessions:
        need[s.kind].append(s)
    usable_of = {c.session.session_id: c.rooms for c in check.sessions}
    out = []
    for kind, sessions in need.items():
        slots = [t for t in problem.slots if t.kind == kind]
        per_session = [usable_of.get(s.session_id, []) for s in sessions]
        if not all(per_session):
            continue  # a session no room suits is reported on its own
        usable = {r.room_id for rooms_of_s in per_session for r in rooms_of_s}
        rooms = [r for r in problem.rooms if r.room_id in usable]
        places = sum(1 for t in slots for r in rooms
                     if not (closures and problem.unavailable_during(r.room_id, (t,))))
        wanted = sum(s.slots_needed for s in sessions)
        if wanted > places:
            label = f"kind {kind}" if kind else "no kind"
            closed = len(slots) * len(rooms) - places
            unfit = len(problem.rooms) - len(rooms)
            detail = f"{len(slots)} slots × {len(rooms)} rooms" + (f" − {closed} closed" if closed else "")
            note = f" ({unfit} other room(s) suit none of them)" if unfit else ""
            out.append(Finding(f"{len(sessions)} sessions of {label} need {wanted} room-slots, but only {detail} = "
                               f"{places} places exist{note}", tuple(s.session_id for s in sessions), NAME))
    return out


def core_sentence(problem: Problem, params: Params, entity: str) -> Finding | None:
    s = problem.session.get(entity)
    if s is None:
        return None
    kinds = [t.slot_id for t in problem.slots if t.kind == s.kind]
    what = f"of kind {s.kind} goes only in slots " + ", ".join(kinds) if s.kind else "has no kind"
    return Finding(f"{s.session_id} {what}", (entity,), NAME)
