"""A finished schedule as plain data: which room and which first slot each session got.

Both the solver's result and a hand-edited assignments CSV become a `Schedule`; the judge reads only this.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Assignment:
    """One session placed: its room and its first slot."""

    session_id: str
    room_id: str
    slot_id: str


@dataclass(frozen=True)
class Schedule:
    """Assignments, at most one per session (sessions missing from it are unscheduled)."""

    assignments: tuple[Assignment, ...]

    def by_session(self) -> dict[str, Assignment]:
        return {a.session_id: a for a in self.assignments}
