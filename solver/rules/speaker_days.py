"""Soft: a speaker's sessions fall on as few days as possible (each extra day costs the weight)."""

from __future__ import annotations

from collections import defaultdict

from solver.rules.base import BuildContext, JudgeView, Params, Placed, RuleSettings, Violation

NAME = "speaker_days"
DEFAULTS = RuleSettings(hard=False, weight=3)
MODES = ("hard", "soft")
UNIT = "extra day for a speaker"


def add(ctx: BuildContext) -> None:
    ctx.spread(lambda p: [(who, p.day.isoformat()) for who in p.session.speakers])


def judge(view: JudgeView, params: Params) -> list[Violation]:
    mine: dict[str, list[Placed]] = defaultdict(list)
    for p in view.placed:
        for who in p.session.speakers:
            mine[who].append(p)
    out = []
    for who, placed in sorted(mine.items()):
        days = sorted({p.day.isoformat() for p in placed})
        if len(days) > 1:
            out.append(Violation(NAME, len(days) - 1,
                                 f"{view.problem.speaker[who].name} must come on {len(days)} days: " + ", ".join(days),
                                 tuple(sorted(p.session.session_id for p in placed))))
    return out
