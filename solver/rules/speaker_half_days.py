"""Soft: on each day, a speaker's sessions fall in one half-day (morning or afternoon), each other half costing.

For speakers who come for a talk and a panel and would rather not wait all day between them. A session is in the
morning when it starts before `noon` (minutes after midnight, 12:00 by default). Off by default. Built from the
build context's `spread` alone: the model, the local search's tally and the desk count it without knowing it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from pydantic import Field

from solver.inputs import Problem
from solver.language import day, say
from solver.rules.base import BuildContext, JudgeView, Placement, RuleSettings, Violation
from solver.rules.base import Params as BaseParams

NAME = "speaker_half_days"
DEFAULTS = RuleSettings(enabled=False, hard=False, weight=2)
MODES = ("soft",)
UNIT = "extra half-day a speaker comes on, per day"
SPECIFICITY = 175


class Params(BaseParams):
    noon: int = Field(default=12 * 60, ge=0, le=24 * 60, description="minutes after midnight the afternoon starts")


def _half(params: Params, p: Placement) -> str:
    return "morning" if p.slots[0].start < params.noon else "afternoon"


def links(problem: Problem, p: Placement) -> list:
    return [(who, p.day) for who in p.session.speakers]


def add(ctx: BuildContext) -> None:
    params: Params = ctx.params  # type: ignore[assignment]
    ctx.spread(lambda p: [(f"{who}@{p.day.isoformat()}", _half(params, p)) for who in p.session.speakers])


def judge(view: JudgeView, params: Params) -> list[Violation]:  # type: ignore[override]
    halves: dict[tuple[str, dt.date], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for p in view.placed:
        half = "morning" if p.slots[0].start < params.noon else "afternoon"
        for who in p.session.speakers:
            halves[(who, p.day)][half].append(p.session.session_id)
    out = []
    for (who, date), used in sorted(halves.items()):
        if len(used) > 1:
            name = view.problem.speaker[who].name if who in view.problem.speaker else who
            detail = "; ".join(say("{half}: {sessions}", half=say("afternoon") if h == "afternoon" else say("morning"),
                                   sessions=", ".join(s)) for h, s in sorted(used.items()))
            out.append(Violation(NAME, len(used) - 1, say("{name} comes both morning and afternoon on {day} ({detail})",
                                                          name=name, day=day(date), detail=detail),
                                 tuple(sorted(s for ss in used.values() for s in ss))))
    return out
