"""Soft: sessions one attendee wants both of are not in one block in two rooms.

Pairs come from interests.csv: an attendee of one who attends or presents the other, or chairs its (other) track.
Each pair costs once per block where both run in different rooms, times `multiplier`. Off by default.
"""

from __future__ import annotations

from solver.inputs import Problem
from solver.rules.base import BuildContext, JudgeView, Placement, RuleSettings, Violation
from solver.rules.blocks import Scaled, add_pair_conflicts, attendee_pairs, judge_pair_conflicts, partners

NAME = "attendee_block_conflicts"
DEFAULTS = RuleSettings(enabled=False, hard=False, weight=1)
MODES = ("soft",)
UNIT = "sessions an attendee wants: pair of sessions in one block, two rooms"
Params = Scaled
PER = "block"


def relevant(problem: Problem, session) -> bool:
    return session.session_id in partners(attendee_pairs(problem))


def links(problem: Problem, p: Placement) -> list:
    """A session is linked to each one it conflicts with."""
    sid = p.session.session_id
    return [tuple(sorted((sid, other))) for other in partners(attendee_pairs(problem)).get(sid, ())]


def add(ctx: BuildContext) -> None:
    add_pair_conflicts(ctx, attendee_pairs(ctx.problem), PER, ctx.params.multiplier)  # type: ignore[attr-defined]


def judge(view: JudgeView, params: Scaled) -> list[Violation]:
    return judge_pair_conflicts(view, attendee_pairs(view.problem), PER, params.multiplier, NAME,
                                "wanted by one attendee")
