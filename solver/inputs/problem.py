"""The validated conference: every record, cross-references checked once, index maps built once."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from solver.inputs.records import (
    Interest,
    PenaltyCell,
    Preference,
    Room,
    Session,
    Slot,
    Speaker,
    Track,
    Unavailability,
)


@dataclass(frozen=True)
class Problem:
    """A conference to schedule. Immutable once built; the model and the judge both read it."""

    rooms: tuple[Room, ...]
    slots: tuple[Slot, ...]
    sessions: tuple[Session, ...]
    speakers: tuple[Speaker, ...]
    unavailability: tuple[Unavailability, ...] = ()
    interests: tuple[Interest, ...] = ()
    preferences: tuple[Preference, ...] = ()
    # the published schedule to stay close to (salle solve --previous): session_id -> (room_id, first slot_id)
    previous: dict[str, tuple[str, str]] = field(default_factory=dict, compare=False)
    source: Path | None = None
    extra_tables: dict[str, object] = field(default_factory=dict, compare=False)
    tracks: tuple[Track, ...] = ()  # tracks.csv (optional): chairs
    penalties: tuple[PenaltyCell, ...] = ()  # penalties.csv (optional): penalty tables

    # -- index maps -------------------------------------------------------------------------------------------
    @cached_property
    def room(self) -> dict[str, Room]:
        return {r.room_id: r for r in self.rooms}

    @cached_property
    def slot(self) -> dict[str, Slot]:
        return {s.slot_id: s for s in self.slots}

    @cached_property
    def session(self) -> dict[str, Session]:
        return {s.session_id: s for s in self.sessions}

    @cached_property
    def speaker(self) -> dict[str, Speaker]:
        return {s.speaker_id: s for s in self.speakers}

    @cached_property
    def days(self) -> list[dt.date]:
        return sorted({s.day for s in self.slots})

    @cached_property
    def slots_by_day(self) -> dict[dt.date, list[Slot]]:
        """Each day's slots in start-time order (ties by end, then id): the order `length` counts in."""
        by_day: dict[dt.date, list[Slot]] = defaultdict(list)
        for s in self.slots:
            by_day[s.day].append(s)
        return {d: sorted(v, key=lambda s: (s.start, s.end, s.slot_id)) for d, v in sorted(by_day.items())}

    @cached_property
    def _position(self) -> dict[str, tuple[dt.date, int]]:
        return {s.slot_id: (d, i) for d, day_slots in self.slots_by_day.items() for i, s in enumerate(day_slots)}

    def run(self, first_slot: str, length: int) -> tuple[Slot, ...] | None:
        """The slots a session of `length` occupies when it starts in `first_slot`; None if the day ends first."""
        day, i = self._position[first_slot]
        day_slots = self.slots_by_day[day]
        if i + length > len(day_slots):
            return None
        return tuple(day_slots[i : i + length])

    @cached_property
    def unavailable(self) -> dict[str, list[tuple[dt.date, int, int]]]:
        """Windows (day, start, end) per speaker or room id."""
        out: dict[str, list[tuple[dt.date, int, int]]] = defaultdict(list)
        for u in self.unavailability:
            out[u.who].append(u.window)
        return dict(out)

    @cached_property
    def _unavailability_of(self) -> dict[str, list[Unavailability]]:
        out: dict[str, list[Unavailability]] = defaultdict(list)
        for u in self.unavailability:
            out[u.who].append(u)
        return dict(out)

    def unavailable_during(self, who: str, slots: Iterable[Slot]) -> list[Unavailability]:
        """The unavailability rows of `who` (a speaker or a room) that overlap any of `slots` in clock time."""
        slots = tuple(slots)
        return [u for u in self._unavailability_of.get(who, ())
                if any(u.day == s.day and u.window[1] < s.end and s.start < u.window[2] for s in slots)]

    def sessions_of(self, speaker_id: str) -> list[Session]:
        return self._sessions_by_speaker.get(speaker_id, [])

    @cached_property
    def _sessions_by_speaker(self) -> dict[str, list[Session]]:
        out: dict[str, list[Session]] = defaultdict(list)
        for s in self.sessions:
            for p in s.speakers:
                out[p].append(s)
        return dict(out)

    @cached_property
    def languages(self) -> set[str]:
        return {s.language for s in self.sessions if s.language}

    @cached_property
    def _rank(self) -> dict[str, int]:
        return {s.session_id: i for i, s in enumerate(self.sessions)}

    def restricted(self, session_ids: Iterable[str]) -> Problem:
        """The same conference with only these sessions (a neighbourhood of the large neighbourhood search);
        conference-wide facts (the languages spoken) keep the whole conference's values."""
        rank, session = self._rank, self.session
        keep = sorted({sid for sid in session_ids if sid in rank}, key=rank.__getitem__)
        sub = replace(self, sessions=tuple(session[sid] for sid in keep))
        sub.__dict__["languages"] = self.languages  # a cached_property: set once, as the whole conference's
        return sub

    # -- blocks, tracks and penalty tables (academic conferences) ------------------------------------------------
    @cached_property
    def blocks(self) -> list[str]:
        """The blocks of slots.csv in time order (by their first slot); a slot without a block is its own."""
        first: dict[str, tuple[dt.date, int]] = {}
        for s in self.slots:
            key = self.block_of(s)
            first[key] = min(first.get(key, (s.day, s.start)), (s.day, s.start))
        return sorted(first, key=lambda b: (first[b], b))

    def block_of(self, slot: Slot) -> str:
        """The block a slot belongs to (its own id when slots.csv gives none)."""
        return slot.block if slot.block else f"slot:{slot.slot_id}"

    @cached_property
    def block_index(self) -> dict[str, int]:
        return {b: i for i, b in enumerate(self.blocks)}

    @cached_property
    def block_slots(self) -> dict[str, list[Slot]]:
        """Each block's slots in start-time order."""
        out: dict[str, list[Slot]] = defaultdict(list)
        for s in sorted(self.slots, key=lambda s: (s.day, s.start, s.end, s.slot_id)):
            out[self.block_of(s)].append(s)
        return dict(out)

    @cached_property
    def room_index(self) -> dict[str, int]:
        """Rooms in the order of rooms.csv."""
        return {r.room_id: i for i, r in enumerate(self.rooms)}

    @cached_property
    def chairs(self) -> dict[str, tuple[str, ...]]:
        """Each track's chairs (tracks.csv)."""
        return {t.track: t.chairs for t in self.tracks}

    def penalty_table(self, kind: str) -> dict[tuple[str, str], int]:
        """The cells of one kind of penalties.csv: (a, b) -> penalty (absent: 0)."""
        return self._penalty_tables.get(kind, {})

    @cached_property
    def _penalty_tables(self) -> dict[str, dict[tuple[str, str], int]]:
        out: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
        for cell in self.penalties:
            out[cell.kind][(cell.a, cell.b)] = cell.penalty
        return dict(out)

    @cached_property
    def features(self) -> set[str]:
        return {f for r in self.rooms for f in r.features}
