"""Hard: a session over several slots stays within one block (slots.csv `block`), never crossing into the next.

Without blocks in slots.csv the rule has nothing to do.
"""

from __future__ import annotations

from solver.inputs import Problem
from solver.language import say
from solver.rules.base import JudgeView, Params, Placement, RuleSettings, Violation
from solver.rules.findings import Finding

NAME = "within_block"
DEFAULTS = RuleSettings(hard=True, weight=100)
MODES = ("hard", "soft")
SCOPE = "time"
UNIT = "session crossing a block boundary"


def relevant(problem: Problem, session) -> bool:
    """Only sessions longer than one slot."""
    return session.slots_needed > 1


def cost(problem: Problem, params: Params, p: Placement) -> int:
    return int(len({s.block for s in p.slots}) > 1)  # slots without a block: no boundary to cross


def judge(view: JudgeView, params: Params) -> list[Violation]:
    out = []
    for p in view.placed:
        blocks = list(dict.fromkeys(s.block for s in p.slots if s.block))
        if len({s.block for s in p.slots}) > 1:
            out.append(Violation(NAME, 1, say("{id} ({when}) runs across blocks {blocks}", id=p.session.session_id,
                                              when=p.when(), blocks=", ".join(b or "—" for b in blocks)),
                                 (p.session.session_id,)))
    return out


def core_sentence(problem: Problem, params: Params, entity: str) -> Finding | None:
    """A guard per session: it must fit in one block."""
    s = problem.session.get(entity)
    if s is None:
        return None
    return Finding(say("{id} lasts {n} slots and must fit within one block", id=s.session_id, n=s.slots_needed),
                   (entity,), NAME)
