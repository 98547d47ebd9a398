"""What a rule's explanation hooks see and return: findings (sentences naming ids) and the pre-checks' state.

`solver/explain.py` knows no rule by name: it runs each hard rule's `precheck` on every session in
`PRECHECK_ORDER`, then its `precheck_all`, and turns each guard of a CP-SAT core into the rule's `core_sentence`
(see `solver/rules/base.py` for the list of hooks).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from solver import language
from solver.language import clock, hours, say

if TYPE_CHECKING:
    from solver.inputs import Problem, Room, Session, Slot, Unavailability


@dataclass(frozen=True)
class Finding:
    """One reason, as a sentence, the ids it names (so a session's reasons can be looked up) and its rule."""

    sentence: str
    sessions: tuple[str, ...] = ()
    rule: str = ""


@dataclass
class SessionCheck:
    """What the pre-checks know of one session so far; each hard rule's `precheck` reads it and may narrow it.

    `rooms` and `runs` start as every room and every run of consecutive slots long enough for the session; a
    rule that restricts them (features, capacity, kinds) narrows them for the rules after it. A rule that finds
    a reason making further checks of this session moot sets `stop`."""

    problem: Problem
    session: Session
    hard: Callable[[str], bool]  # whether a rule is enabled and hard (for a reason that depends on another rule)
    rooms: list[Room]
    runs: list[tuple[Slot, ...]]
    stop: bool = False

    @property
    def ids(self) -> tuple[str, ...]:
        return (self.session.session_id,)


@dataclass
class ProblemCheck:
    """What `precheck_all` sees after every session was checked: each session's check (rooms and runs narrowed)."""

    problem: Problem
    hard: Callable[[str], bool]
    sessions: list[SessionCheck] = field(default_factory=list)


def when(day: dt.date, start: int, end: int) -> str:
    """`13 mai, 9 h 00 – 10 h 30`, `May 13, 9:00 – 10:30 AM` (solver.language)."""
    return language.when(day, start, end)


def span(start: int | None, end: int | None) -> str:
    """A window of a day as words: `all day`, `until 12:30 PM`, `from 2:00 PM` or `11:00 AM – 12:00 PM`."""
    if start is None and end is None:
        return say("all day")
    if start is None:
        return say("until {time}", time=clock(end))  # type: ignore[arg-type]
    if end is None:
        return say("from {time}", time=clock(start))
    return hours(start, end)


def window(u: Unavailability) -> str:
    """An unavailability row as words: `May 13, all day (vol)`, `May 13, 11:00 AM – 12:00 PM`."""
    text = say("{day}, {span}", day=language.day(u.day), span=span(u.start, u.end))
    return text + (f" ({u.note})" if u.note else "")


def windows(problem: Problem, who: str) -> str:
    """Every unavailability window of a speaker or a room, in file order."""
    return "; ".join(window(u) for u in problem.unavailability if u.who == who)
