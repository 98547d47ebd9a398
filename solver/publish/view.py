"""The published schedule as plain data: each scheduled session resolved to its room, day and clock times.

Every publication (timetable, calendars, frab, workbook, door lists) reads these `Entry` rows, so they all agree
on what is where and when.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from solver.inputs import Problem, Room, Session, Slot, Speaker
from solver.inputs.values import format_time
from solver.schedule import Schedule


@dataclass(frozen=True)
class Entry:
    """One scheduled session: the session, its room, the slots it occupies and their clock span."""

    session: Session
    room: Room
    slots: tuple[Slot, ...]
    speakers: tuple[Speaker, ...]

    @property
    def day(self) -> dt.date:
        return self.slots[0].day

    @property
    def start(self) -> int:
        """Minutes after midnight."""
        return self.slots[0].start

    @property
    def end(self) -> int:
        """Minutes after midnight: the session's own end (start + duration) when it gives one."""
        return self.session.ends(self.slots[0].start, self.slots[-1].end)

    @property
    def minutes(self) -> int:
        return self.end - self.start

    @property
    def hours(self) -> str:
        """`13:30–14:45`."""
        return f"{format_time(self.start)}–{format_time(self.end)}"

    @property
    def speaker_names(self) -> str:
        return ", ".join(p.name for p in self.speakers)

    def starts_at(self, tz: ZoneInfo) -> dt.datetime:
        return at(self.day, self.start, tz)

    def ends_at(self, tz: ZoneInfo) -> dt.datetime:
        return at(self.day, self.end, tz)


def at(day: dt.date, minutes: int, tz: ZoneInfo) -> dt.datetime:
    """The aware datetime `minutes` after midnight of `day` in `tz` (24:00 is the next midnight)."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=tz) + dt.timedelta(minutes=minutes)


def entries(problem: Problem, schedule: Schedule) -> list[Entry]:
    """Scheduled sessions in day, start, room order (first assignment wins when a session appears twice)."""
    rooms = {r.room_id: i for i, r in enumerate(problem.rooms)}
    out: dict[str, Entry] = {}
    for a in schedule.assignments:
        if a.session_id in out:
            continue
        session = problem.session[a.session_id]
        run = problem.run(a.slot_id, session.slots_needed) or (problem.slot[a.slot_id],)
        speakers = tuple(problem.speaker[p] for p in session.speakers if p in problem.speaker)
        out[a.session_id] = Entry(session, problem.room[a.room_id], run, speakers)
    return sorted(out.values(), key=lambda e: (e.day, e.start, rooms[e.room.room_id], e.session.session_id))


def by_room_id(items: list[Entry]) -> dict[str, list[Entry]]:
    """room_id -> its entries, in the order of `items`."""
    out: dict[str, list[Entry]] = {}
    for e in items:
        out.setdefault(e.room.room_id, []).append(e)
    return out


def by_speaker_id(items: list[Entry]) -> dict[str, list[Entry]]:
    """speaker_id -> the entries of the sessions that speaker presents (listed once each), in `items` order."""
    out: dict[str, list[Entry]] = {}
    for e in items:
        for sid in dict.fromkeys(e.session.speakers):
            out.setdefault(sid, []).append(e)
    return out


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_STEM = 80  # with `-` and a hash, and `.ics`, far below the 255 bytes file systems allow


def file_names(ids: list[str]) -> dict[str, str]:
    """A safe, unique file name stem for each id: no path separators, no leading dot, never empty.

    Characters outside `A-Z a-z 0-9 . _ -` become `_` and a stem keeps at most `MAX_STEM` characters; when two
    ids would share a stem (or an id had to be changed), a short hash of the id is appended so the mapping stays
    one-to-one and stable.
    """
    stems: dict[str, str] = {}
    for ident in ids:
        stem = _UNSAFE.sub("_", ident).lstrip(".")[:MAX_STEM] or "_"
        stems[ident] = stem
    counts: dict[str, int] = {}
    for stem in stems.values():
        counts[stem.lower()] = counts.get(stem.lower(), 0) + 1
    return {
        ident: stem if stem == ident and counts[stem.lower()] == 1
        else f"{stem}-{hashlib.sha1(ident.encode()).hexdigest()[:8]}"
        for ident, stem in stems.items()
    }


_INLINE = re.compile(r"([\\`*_\[\]|~])")
_LINE_START = re.compile(r"^(\s*)([#>+=-])", re.MULTILINE)
_ORDERED = re.compile(r"^(\s*\d+)([.)])", re.MULTILINE)


_LINE_BREAKS = re.compile(r"[ \t]*[\r\n\u2028\u2029]+[ \t]*")


def one_line(text: str) -> str:
    """`text` on one line: each run of line breaks (a name typed with Excel's Alt+Enter) becomes a space."""
    return _LINE_BREAKS.sub(" ", text).strip() if _LINE_BREAKS.search(text) else text


def md_text(text: str) -> str:
    """Organizers' text as literal Markdown: no emphasis, links, headings, lists or raw HTML from a title.

    `<` and `>` become entities, `&` does when it would start one; Markdown's inline punctuation is
    backslash-escaped, and so is a line start that would make a heading, quote or list."""
    text = re.sub(r"&(?=#?\w+;)", "&amp;", text)
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    text = _INLINE.sub(r"\\\1", text)
    text = _ORDERED.sub(r"\1\\\2", text)
    return _LINE_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", text)


def slugify(text: str, fallback: str = "x") -> str:
    """Lowercase ASCII words joined by `-` (`Études de cas` → `etudes-de-cas`)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or fallback


@dataclass(frozen=True)
class Conference:
    """What the publications say about the conference itself: its name, short name, time zone, web address."""

    title: str = "Programme"
    acronym: str = ""
    timezone: str = "America/Toronto"
    base_url: str | None = None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def short(self) -> str:
        """The acronym as the voc schemas accept it: lowercase, digits and `_`, at least 4 characters."""
        text = slugify(self.acronym or self.title, "salle").replace("-", "_")
        return text.ljust(4, "_")
