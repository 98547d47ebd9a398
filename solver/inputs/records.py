"""One pydantic model per input file row: each checks its own cells (cross-references come later)."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from solver.inputs.values import (
    MAX_LENGTH,
    MAX_MINUTES,
    MAX_SEATS,
    MAX_WEIGHT,
    Day,
    Id,
    IdList,
    Int,
    OptionalInt,
    OptionalText,
    OptionalTime,
    Text,
    Time,
)


class Record(BaseModel):
    """Base of every row model: immutable; the file's other columns are kept in `extra`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    FILE: ClassVar[str]
    REQUIRED: ClassVar[tuple[str, ...]]
    row: int = Field(default=0, exclude=True)
    extra: dict[str, str] = Field(default_factory=dict)

    @classmethod
    def columns(cls) -> list[str]:
        return [name for name in cls.model_fields if name not in ("row", "extra")]


class Room(Record):
    FILE: ClassVar[str] = "rooms.csv"
    REQUIRED: ClassVar[tuple[str, ...]] = ("room_id", "name", "capacity")
    room_id: Id
    name: Text
    capacity: Int = Field(ge=1, le=MAX_SEATS)
    features: IdList = ()
    building: OptionalText = None
    changeover: OptionalInt = Field(default=None, ge=0, le=MAX_MINUTES)  # minutes free between two sessions

    @property
    def id(self) -> str:
        return self.room_id


class Slot(Record):
    FILE: ClassVar[str] = "slots.csv"
    REQUIRED: ClassVar[tuple[str, ...]] = ("slot_id", "day", "start", "end")
    slot_id: Id
    day: Day
    start: Time
    end: Time
    kind: OptionalText = None
    label: OptionalText = None
    block: OptionalText = None  # a block of consecutive slots (a multi-slot session stays within one)
    # a grid: the row stands for slots of `step` minutes from start to end, one block (see inputs/grid.py)
    step: OptionalInt = Field(default=None, ge=1, le=MAX_MINUTES)

    @model_validator(mode="after")
    def _ends_after_start(self) -> Slot:
        if self.end <= self.start:
            raise ValueError("end: the slot must end after it starts")
        if self.step is not None and (self.end - self.start) % self.step:
            raise ValueError(f"end: a grid of {self.step}-minute steps must last a whole number of steps "
                             f"({self.end - self.start} minutes from start to end)")
        return self

    @property
    def id(self) -> str:
        return self.slot_id


class Session(Record):
    FILE: ClassVar[str] = "sessions.csv"
    REQUIRED: ClassVar[tuple[str, ...]] = ("session_id", "title", "attendance")
    session_id: Id
    title: Text
    speakers: IdList = ()
    attendance: Int = Field(ge=0, le=MAX_SEATS)
    kind: OptionalText = None
    track: OptionalText = None
    requires: IdList = ()
    length: OptionalInt = Field(default=None, ge=1, le=MAX_LENGTH)
    room: OptionalText = None
    slot: OptionalText = None
    description: OptionalText = None
    # optional columns used by the soft rules of the catalogue
    tags: IdList = ()
    language: OptionalText = None
    after: IdList = ()
    prefers_rooms: IdList = ()
    avoids_rooms: IdList = ()
    prefers_slots: IdList = ()
    avoids_slots: IdList = ()
    timezone: OptionalText = None  # where its presenter joins from: GMT+2, UTC-05:30 or an IANA name
    position: OptionalInt = Field(default=None, ge=0, le=MAX_WEIGHT)  # its place in its track (0: any)
    duration: OptionalInt = Field(default=None, ge=1, le=MAX_MINUTES)  # minutes (a CfP's length)

    @property
    def id(self) -> str:
        return self.session_id

    @property
    def slots_needed(self) -> int:
        return self.length or 1

    @property
    def attendance_estimated(self) -> bool:
        """The attendance was estimated from attendees' wishes (conference.yaml `attendees`), not typed."""
        return self.extra.get("attendance_estimated") == "yes"

    def ends(self, start: int, end: int) -> int:
        """When the session ends if it holds slots from `start` to `end` (minutes): `start + duration` when it
        gives a duration that fits (a 25-minute talk on a 10-minute grid ends at :25), else `end`."""
        return start + self.duration if self.duration and start + self.duration <= end else end


class Speaker(Record):
    FILE: ClassVar[str] = "speakers.csv"
    REQUIRED: ClassVar[tuple[str, ...]] = ("speaker_id", "name")
    speaker_id: Id
    name: Text
    affiliation: OptionalText = None
    needs: IdList = ()  # room features every room they present in must have (rule speaker_needs)

    @property
    def id(self) -> str:
        return self.speaker_id


class Unavailability(Record):
    FILE: ClassVar[str] = "unavailability.csv"
    REQUIRED: ClassVar[tuple[str, ...]] = ("who", "day")
    who: Text
    day: Day
    start: OptionalTime = None
    end: OptionalTime = None
    note: OptionalText = None

    @model_validator(mode="after")
    def _window(self) -> Unavailability:
        _check_window(self.start, self.end)
        return self

    @property
    def window(self) -> tuple[dt.date, int, int]:
        """(day, start, end) in minutes; the whole day when no times are given."""
        return _window(self.day, self.start, self.end)


class Interest(Record):
    """An attendee wants to see a session (from a registration form or a vote)."""

    FILE: ClassVar[str] = "interests.csv"
    REQUIRED: ClassVar[tuple[str, ...]] = ("attendee_id", "session_id")
    attendee_id: Text
    session_id: Text
    weight: OptionalInt = Field(default=None, ge=0, le=MAX_WEIGHT)

    @property
    def id(self) -> str:
        return f"{self.attendee_id}/{self.session_id}"


class Preference(Record):
    """A speaker asks for (weight > 0) or asks to avoid (weight < 0) a time window."""

    FILE: ClassVar[str] = "preferences.csv"
    REQUIRED: ClassVar[tuple[str, ...]] = ("who", "day", "weight")
    who: Text
    day: Day
    start: OptionalTime = None
    end: OptionalTime = None
    weight: Int = Field(ge=-MAX_WEIGHT, le=MAX_WEIGHT)

    @model_validator(mode="after")
    def _window(self) -> Preference:
        _check_window(self.start, self.end)
        if self.weight == 0:
            raise ValueError("weight: must not be 0 (positive asks for the window, negative asks to avoid it)")
        return self

    @property
    def window(self) -> tuple[dt.date, int, int]:
        return _window(self.day, self.start, self.end)


def _check_window(start: int | None, end: int | None) -> None:
    """Neither time (the whole day), only an end (from the start of the day: "until 12:30"), only a start (to the
    end of the day: "from 14:00"), or both; when both, the window must not be empty."""
    if start is not None and end is not None and end <= start:
        raise ValueError("end: the window must end after it starts")


def _window(day: dt.date, start: int | None, end: int | None) -> tuple[dt.date, int, int]:
    return day, start if start is not None else 0, end if end is not None else 24 * 60


MAX_PENALTY = 1_000_000  # one cell of a penalty table


class Track(Record):
    """A track and the people who chair it (tracks.csv, optional)."""

    FILE: ClassVar[str] = "tracks.csv"
    REQUIRED: ClassVar[tuple[str, ...]] = ("track",)
    track: Text
    chairs: IdList = ()

    @property
    def id(self) -> str:
        return self.track


PENALTY_KINDS = ("track_block", "track_room", "block_room", "session_block", "session_room", "similar_tracks")


class PenaltyCell(Record):
    """One cell of a penalty table (penalties.csv, optional): what placing `a` with `b` costs."""

    FILE: ClassVar[str] = "penalties.csv"
    REQUIRED: ClassVar[tuple[str, ...]] = ("kind", "a", "b", "penalty")
    kind: Text
    a: Text
    b: Text
    penalty: Int = Field(ge=0, le=MAX_PENALTY)

    @model_validator(mode="after")
    def _known_kind(self) -> PenaltyCell:
        if self.kind not in PENALTY_KINDS:
            raise ValueError(f"kind: must be one of {', '.join(PENALTY_KINDS)}, got {self.kind!r}")
        return self

    @property
    def id(self) -> str:
        return f"{self.kind}/{self.a}/{self.b}"
