"""Soft: sessions start in a slot they prefer (`prefers_slots`) and use none they avoid (`avoids_slots`).

Values are slot ids, slot kinds or slot labels; each unmet preference costs the weight.
"""

from __future__ import annotations

from solver.inputs import Problem, Slot
from solver.language import either, listed, say
from solver.rules.base import JudgeView, Params, Placement, RuleSettings, Violation
from solver.rules.findings import Finding

NAME = "slot_preference"
DEFAULTS = RuleSettings(hard=False, weight=5)
MODES = ("hard", "soft")
SCOPE = "time"  # the cost depends on the session and its slots only
UNIT = "slot preference not met"
SPECIFICITY = 200


def _words(slot: Slot) -> set[str]:
    return {slot.slot_id, *(w for w in (slot.kind, slot.label) if w)}


def relevant(problem: Problem, session) -> bool:
    """Only a session with slot preferences."""
    return bool(session.prefers_slots or session.avoids_slots)


def cost(problem: Problem, params: Params, p: Placement) -> int:
    prefers, avoids = set(p.session.prefers_slots), set(p.session.avoids_slots)
    missed = bool(prefers) and not _words(p.slots[0]) & prefers
    return int(missed) + int(any(_words(s) & avoids for s in p.slots))


def judge(view: JudgeView, params: Params) -> list[Violation]:
    out = []
    for p in view.placed:
        s, first = p.session, p.slots[0]
        first_words = [first.slot_id, first.kind, first.label]
        if s.prefers_slots and not any(w in first_words for w in s.prefers_slots):
            out.append(Violation(NAME, 1, say("{id} prefers {wanted} but starts in {slot} ({when})", id=s.session_id,
                                              wanted=either(s.prefers_slots), slot=first.slot_id, when=p.when()),
                                 (s.session_id,)))
        hit = sorted({w for slot in p.slots for w in s.avoids_slots if w in (slot.slot_id, slot.kind, slot.label)})
        if hit:
            out.append(Violation(NAME, 1, say("{id} avoids {avoided} but runs {when}", id=s.session_id,
                                              avoided=", ".join(hit), when=p.when()), (s.session_id,)))
    return out


def core_sentence(problem: Problem, params: Params, entity: str) -> Finding | None:
    """A guard per session."""
    s = problem.session.get(entity)
    if s is None or not (s.prefers_slots or s.avoids_slots):
        return None
    wants = [*([say("starts only in {slots}", slots=either(s.prefers_slots))] if s.prefers_slots else []),
             *([say("never runs in {slots}", slots=", ".join(s.avoids_slots))] if s.avoids_slots else [])]
    return Finding(say("{id} {wants}", id=s.session_id, wants=listed(wants)), (entity,), NAME)
