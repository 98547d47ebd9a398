"""Soft: sessions needing one presenter are not in one block in two rooms.

Pairs come from the sessions' `speakers` and tracks.csv `chairs` (a speaker chairing another track). Each pair costs
once per block where both run in different rooms, times `multiplier`. Off by default.
"""

from __future__ import annotations

from solver.inputs import Problem
from solver.rules.base import BuildContext, JudgeView, Placement, RuleSettings, Violation
from solver.rules.blocks import Scaled, add_pair_conflicts, judge_pair_conflicts, partners, presenter_pairs

NAME = "presenter_block_conflicts"
DEFAULTS = RuleSettings(enabled=False, hard=False, weight=1)
MODES = ("soft",)
UNIT = "sessions sharing a presenter: pair of sessions in one block, two rooms"
Params = Scaled
PER = "block"


def relevant(problem: Problem, session) -> bool:
    return session.session_id in partners(presenter_pairs(problem))


def links(problem: Problem, p: Placement) -> list:
    """A session is linked to each one it conflicts with."""
    sid = p.session.session_id
    return [tuple(sorted((sid, other))) for other in partners(presenter_pairs(problem)).get(sid, ())]


def add(ctx: BuildContext) -> None:
    add_pair_conflicts(ctx, presenter_pairs(ctx.problem), PER, ctx.params.multiplier)  # type: ignore[attr-defined]


def judge(view: JudgeView, params: Scaled) -> list[Violation]:
    return judge_pair_conflicts(view, presenter_pairs(view.problem), PER, params.multiplier, NAME,
                                "a presenter in both")
