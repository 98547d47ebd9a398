"""Soft: sessions avoid the blocks penalties.csv gives them a cost (kind session_block), per slot used there.

Off by default.
"""

from __future__ import annotations

from solver.inputs import Problem
from solver.language import say
from solver.rules.base import JudgeView, Params, Placement, RuleSettings, Violation
from solver.rules.blocks import cached

NAME = "session_block_penalty"
DEFAULTS = RuleSettings(enabled=False, hard=False, weight=1)
MODES = ("soft",)
SCOPE = "time"
UNIT = "penalties.csv cost of a session in a block, per slot"


def relevant(problem: Problem, session) -> bool:
    """Only sessions the table names."""
    named = cached(problem, "session_block", lambda pr: {a for a, _ in pr.penalty_table("session_block")})
    return session.session_id in named


def cost(problem: Problem, params: Params, p: Placement) -> int:
    table = problem.penalty_table("session_block")
    return sum(table.get((p.session.session_id, problem.block_of(s)), 0) for s in p.slots)


def judge(view: JudgeView, params: Params) -> list[Violation]:
    table = view.problem.penalty_table("session_block")
    out = []
    for p in view.placed:
        amount = sum(table.get((p.session.session_id, view.problem.block_of(s)), 0) for s in p.slots)
        if amount:
            out.append(Violation(NAME, amount, say("{id} in block {block} costs {amount}", id=p.session.session_id,
                                                   block=view.problem.block_of(p.slots[0]), amount=amount),
                                 (p.session.session_id,)))
    return out
