"""Soft: sessions run at a decent hour where their presenter is (sessions.csv `timezone`), per slot used.

Each slot is judged by its window (`span: slot`) or its whole block's (`span: block`), in the presenter's local
time: starting before `less_suitable_from`, or ending after `less_suitable_to` or before `less_suitable_from`
costs `unsuitable`; otherwise starting before `suitable_from` or ending after `suitable_to` costs `less_suitable`.
Times are in the conference's `timezone`. Off by default.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Literal

from pydantic import ConfigDict, Field, field_validator

from solver.inputs import Problem, Slot
from solver.inputs.timezones import parse_timezone
from solver.inputs.values import MAX_WEIGHT
from solver.language import say
from solver.rules.base import JudgeView, Placement, RuleSettings, Violation
from solver.rules.blocks import Window, local_time

NAME = "presenter_timezone"
DEFAULTS = RuleSettings(enabled=False, hard=False, weight=1)
MODES = ("soft",)
SCOPE = "time"
UNIT = "slot at a less suitable (or unsuitable) hour for the presenter, by its parameter, times `multiplier`"


class Params(Window):
    model_config = ConfigDict(extra="forbid", frozen=True)  # hashable: penalties are cached per params
    timezone: str = "UTC"
    span: Literal["slot", "block"] = "slot"
    suitable_from: int = 9 * 60 + 30
    suitable_to: int = 21 * 60 + 30
    less_suitable_from: int = 7 * 60
    less_suitable_to: int = 23 * 60
    less_suitable: int = Field(default=1, ge=0, le=MAX_WEIGHT)
    unsuitable: int = Field(default=10, ge=0, le=MAX_WEIGHT)
    multiplier: int = Field(default=1, ge=1, le=MAX_WEIGHT)  # for costs above 10,000: each slot's penalty times it

    @field_validator("timezone")
    @classmethod
    def _known(cls, value: str) -> str:
        parse_timezone(value)
        return value


def relevant(problem: Problem, session) -> bool:
    return bool(session.timezone)


@lru_cache(maxsize=65536)
def _penalty(params: Params, there: str, day: dt.date, start: int, end: int) -> int:
    clock, zone = parse_timezone(params.timezone), parse_timezone(there)
    begin, finish = local_time(day, start, clock, zone), local_time(day, end, clock, zone)
    if begin < params.less_suitable_from or finish > params.less_suitable_to or finish < params.less_suitable_from:
        return params.unsuitable
    if params.less_suitable_from <= begin < params.suitable_from or params.suitable_to < finish:
        return params.less_suitable
    return 0


def _window(problem: Problem, params: Params, slot: Slot) -> tuple[int, int]:
    if params.span == "block":
        slots = problem.block_slots[problem.block_of(slot)]
        return slots[0].start, slots[-1].end
    return slot.start, slot.end


def _amount(problem: Problem, params: Params, session, slots: tuple[Slot, ...]) -> int:
    if not session.timezone:
        return 0
    return params.multiplier * sum(_penalty(params, session.timezone, s.day, *_window(problem, params, s))
                                   for s in slots)


def cost(problem: Problem, params: Params, p: Placement) -> int:
    return _amount(problem, params, p.session, p.slots)


def judge(view: JudgeView, params: Params) -> list[Violation]:
    out = []
    for p in view.placed:
        amount = _amount(view.problem, params, p.session, p.slots)
        if amount:
            out.append(Violation(NAME, amount, say("{id} ({when}) is at an unsuitable hour in {zone}: {amount}",
                                                   id=p.session.session_id, when=p.when(), zone=p.session.timezone,
                                                   amount=amount), (p.session.session_id,)))
    return out
