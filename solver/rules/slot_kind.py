"""Hard: a slot with a kind takes only sessions of that kind, and a session with a kind only slots of it."""

from __future__ import annotations

from collections import defaultdict

from solver.inputs import Problem, Session
from solver.language import say, say_n
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
            s = p.session
            if s.kind and slot.kind:
                sentence = say("{id} is a {kind} but slot {slot} is for {slot_kind}", id=s.session_id, kind=s.kind,
                               slot=slot.slot_id, slot_kind=slot.kind)
            elif s.kind:
                sentence = say("{id} is a {kind} but slot {slot} has no kind", id=s.session_id, kind=s.kind,
                               slot=slot.slot_id)
            else:
                sentence = say("{id} has no kind but slot {slot} is for {slot_kind}", id=s.session_id,
                               slot=slot.slot_id, slot_kind=slot.kind)
            out.append(Violation(NAME, 1, sentence, (s.session_id,)))
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
    if s.kind:
        sentence = say("{id} is of kind {kind} but no slot has that kind", id=s.session_id, kind=s.kind)
    else:
        sentence = say("{id} has no kind but every slot is reserved for a kind", id=s.session_id)
    return [Finding(sentence, check.ids, NAME)]


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
            label = say("of kind {kind}", kind=kind) if kind else say("of no kind")
            closed = len(slots) * len(rooms) - places
            unfit = len(problem.rooms) - len(rooms)
            detail = say("{slots} slots × {rooms} rooms", slots=len(slots), rooms=len(rooms))
            if closed:
                detail = say("{detail} − {closed} closed", detail=detail, closed=closed)
            sentence = say("{n} sessions {label} need {wanted} room-slots, but only {detail} = {places} places exist",
                           n=len(sessions), label=label, wanted=wanted, detail=detail, places=places)
            if unfit:
                sentence += " (" + say_n("{n} other room suits none of them", "{n} other rooms suit none of them",
                                         unfit) + ")"
            out.append(Finding(sentence, tuple(s.session_id for s in sessions), NAME))
    return out


def core_sentence(problem: Problem, params: Params, entity: str) -> Finding | None:
    s = problem.session.get(entity)
    if s is None:
        return None
    kinds = [t.slot_id for t in problem.slots if t.kind == s.kind]
    if not s.kind:
        return Finding(say("{id} has no kind", id=s.session_id), (entity,), NAME)
    return Finding(say("{id} of kind {kind} goes only in slots {slots}", id=s.session_id, kind=s.kind,
                       slots=", ".join(kinds)), (entity,), NAME)
