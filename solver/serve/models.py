"""Everything the browser may send, validated (pydantic): unknown fields, wrong types and out-of-range values
are refused with one sentence per field."""

from __future__ import annotations

import csv
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from solver.inputs.values import MAX_WEIGHT
from solver.language import say

MAX_ID = csv.field_size_limit()  # an id is a CSV cell: as long as the input files allow, no shorter
Id = Field(min_length=1, max_length=MAX_ID)


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class MoveBody(Body):
    """A session to a room and first slot; both null: to "unscheduled"."""

    session: str = Id
    room: str | None = Field(default=None, min_length=1, max_length=MAX_ID)
    slot: str | None = Field(default=None, min_length=1, max_length=MAX_ID)

    @model_validator(mode="after")
    def _both_or_neither(self) -> MoveBody:
        if (self.room is None) != (self.slot is None):
            raise ValueError(say("give both room and slot, or neither (to unschedule the session)"))
        return self


class SwapBody(Body):
    """`session` takes `other`'s place and `other` takes `session`'s (a drop on an occupied cell)."""

    session: str = Id
    other: str = Id


class BlockedBody(Body):
    """The cells where a session would break a hard rule: on a day, or at one room and slot (the dialog)."""

    session: str = Id
    day: str | None = Field(default=None, max_length=10)
    room: str | None = Field(default=None, min_length=1, max_length=MAX_ID)
    slot: str | None = Field(default=None, min_length=1, max_length=MAX_ID)


class PinBody(Body):
    session: str = Id
    pinned: bool


class RuleBody(Body):
    rule: str = Id
    mode: Literal["off", "soft", "hard"]
    weight: int | None = Field(default=None, ge=0, le=MAX_WEIGHT)


class ReplanBody(Body):
    time_limit: float = Field(default=10.0, gt=0, le=3600)
    stability: bool = True  # keep the other sessions where they are first (keep_previous at level 1), or trade


class SaveBody(Body):
    version: int = Field(ge=1)
    force: bool = False  # save although the schedule breaks hard rules


class Empty(Body):
    pass


# a body carrying ids (at most three, each up to MAX_ID characters of up to 4 bytes in UTF-8) and a few fields
ID_BODY = 3 * 4 * MAX_ID + 4096


def messages(exc: ValidationError) -> list[str]:
    """One sentence per field: `weight: Input should be greater than or equal to 0`."""
    out = []
    for e in exc.errors():
        where = ".".join(str(p) for p in e["loc"]) or "body"
        text = e["msg"].removeprefix("Value error, ")
        out.append(f"{where}: {text}")
    return out
