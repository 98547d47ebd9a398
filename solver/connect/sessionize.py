"""`salle import sessionize`: a Sessionize event's All data (API endpoint `…/api/v2/ID/view/All`, JSON; a file
or an http(s) URL) as an inputs folder.

What the All data becomes:
- rooms.csv: one room per room (id `r<Sessionize id>`); Sessionize has no seats: every room gets `capacity`;
- slots.csv: each conference day (a day of a session that has a time) as grid rows of `grid` minutes, from its
  first start to its last end; service sessions (registration, coffee, lunch…) that no session overlaps are
  breaks: the gaps between two rows, which no session spans (a service session beside sessions is left out);
- sessions.csv: every session that is not a service session: its speakers, track (the "Track" category),
  language ("Language": English → en, French → fr…), duration (endsAt − startsAt; for a session without a time,
  the minutes its "Session format" names, like "Talk (45 min)", else `default_minutes`), description, and
  `sessionize_id`, `format` and `level` as extra columns; a plenum session is pinned (room, slot) where it is
  published, and holds that one room in salle;
- speakers.csv: every speaker (name, tag line as affiliation, `biography`), and any a session names but the
  speakers list lacks;
- assignments.csv: where each session that has a time and a room starts, for `salle check --schedule` and as a
  previous schedule; sessions without a time are to be scheduled;
- conference.yaml (empty: Sessionize gives no title or time zone) and constraints.yaml (no seats, so no
  capacity fit).
Untidy data never refuses the programme: what had to be adapted, and what salle has no use for, is in the notes.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import math
import re
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from solver.errors import InputError, Issue, clip, shown
from solver.importers.folder import ASSIGNMENTS, CONTRACT, Imported, Table, write_inputs
from solver.inputs.conference import CONFERENCE, ConferenceFile, conference_yaml
from solver.inputs.table import BAD_CHAR
from solver.inputs.values import MAX_LENGTH, format_time
from solver.publish.atomic import write_atomically
from solver.richtext import to_markdown

__all__ = ["DEFAULT_CAPACITY", "DEFAULT_MINUTES", "MAX_BYTES", "SESSIONIZE_CONSTRAINTS", "TIMEOUT",
           "import_sessionize", "read_sessionize", "to_tables"]

DEFAULT_CAPACITY = 10_000
DEFAULT_MINUTES = 45
DEFAULT_ATTENDANCE = 0
MAX_BYTES = 20 * 1024 * 1024  # a 2,000-session event's All data is about 5 MB
TIMEOUT = 30  # seconds to wait for the server
DAY = 24 * 60
EXTRA = ("sessionize_id", "format", "level")
SPEAKER_EXTRA = ("biography",)
CONSTRAINTS = "constraints.yaml"
SESSIONIZE_CONSTRAINTS = """\
# written by salle import sessionize: Sessionize has no audiences and no room sizes
capacity_fit: false
"""
# a category's title (case folded) -> what salle makes of it
CATEGORY_ROLES = {"track": "track", "tracks": "track",
                  "session format": "format", "format": "format", "session type": "format", "type": "format",
                  "level": "level", "session level": "level", "audience level": "level",
                  "language": "language", "languages": "language", "session language": "language"}
LANGUAGES = {"english": "en", "anglais": "en", "englisch": "en", "french": "fr", "français": "fr",
             "francais": "fr", "französisch": "fr", "german": "de", "deutsch": "de", "allemand": "de",
             "spanish": "es", "español": "es", "espagnol": "es", "italian": "it", "italiano": "it",
             "dutch": "nl", "nederlands": "nl", "portuguese": "pt", "português": "pt", "polish": "pl",
             "polski": "pl", "japanese": "ja", "日本語": "ja"}
_MINUTES = re.compile(r"(\d{1,4})\s*(?:-\s*)?(?:min\b|mins\b|minutes?\b|m\b|')", re.IGNORECASE)
_HOURS = re.compile(r"(\d{1,2}(?:[.,]\d{1,2})?)\s*(?:h\b|hrs?\b|hours?\b)", re.IGNORECASE)


# -- reading ----------------------------------------------------------------------------------------------------
def read_sessionize(source: str) -> tuple[str, dict[str, Any], Path | None]:
    """(the name issues are reported under, the All data, the file read or None for a URL). InputError, one
    sentence, for a file or URL that cannot be read, is not JSON or is not Sessionize's All data."""
    if re.match(r"https?://", source.strip(), re.IGNORECASE):
        where = clip(source.strip(), 120)
        raw, path = _fetch(source.strip(), where), None
    else:
        path = Path(source)
        where = path.name or source
        if not path.is_file():
            raise InputError([Issue(str(path), "no such file (give Sessionize's All data: a JSON file saved from "
                                               "the API's view/All, or its https:// URL)")])
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError([Issue(where, f"is {size:,} bytes: Sessionize data is limited to {MAX_BYTES:,}")])
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise InputError([Issue(where, f"cannot be read ({exc.strerror or exc})")]) from None
    return where, _parse(raw, where), path


def _fetch(url: str, where: str) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "salle (import sessionize)",
                                                   "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            body: bytes = answer.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise InputError([Issue(where, f"the server answered {exc.code} {clip(str(exc.reason), 60)}: check the "
                                       "URL (Sessionize's API endpoint ending in /view/All)")]) from None
    except urllib.error.URLError as exc:
        reason = exc.reason if isinstance(exc.reason, str) else getattr(exc.reason, "strerror", None) or exc.reason
        raise InputError([Issue(where, f"cannot be fetched ({clip(str(reason), 120)})")]) from None
    except TimeoutError:
        raise InputError([Issue(where, f"the server did not answer within {TIMEOUT} seconds")]) from None
    except (OSError, ValueError, http.client.HTTPException) as exc:
        raise InputError([Issue(where, f"cannot be fetched ({clip(str(exc) or type(exc).__name__, 120)})")]) from None
    if len(body) > MAX_BYTES:
        raise InputError([Issue(where, f"is more than {MAX_BYTES:,} bytes: Sessionize data is limited to that")])
    return body


def _parse(raw: bytes, where: str) -> dict[str, Any]:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InputError([Issue(where, f"is not UTF-8 text (byte {exc.start}): expected Sessionize's All data "
                                       "(JSON)")]) from None
    except json.JSONDecodeError as exc:
        raise InputError([Issue(where, f"is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}): "
                                       "expected Sessionize's All data")]) from None
    except RecursionError:
        raise InputError([Issue(where, "is not Sessionize's All data (JSON nested too deeply)")]) from None
    if isinstance(data, list):
        raise InputError([Issue(where, "is a list, as Sessionize's Sessions or Grid views give: export the API's "
                                       "view/All instead (…/api/v2/ID/view/All)")])
    if not isinstance(data, dict) or not isinstance(data.get("sessions"), list):
        raise InputError([Issue(where, "is not Sessionize's All data: it has no 'sessions' list (export the API's "
                                       "view/All, …/api/v2/ID/view/All)")])
    for key in ("speakers", "rooms", "categories", "questions"):
        if data.get(key) is not None and not isinstance(data[key], list):
            raise InputError([Issue(where, f"is not Sessionize's All data: '{key}' is not a list")])
    return data


# -- converting -------------------------------------------------------------------------------------------------
def _text(value: object) -> str:
    """A value as one cleaned piece of text ('' for null, lists and objects)."""
    if value is None or isinstance(value, dict | list | bool):
        return ""
    return BAD_CHAR.sub("", str(value)).strip()


def _rich(value: object) -> str:
    """A description or biography as Markdown (HTML converted, line ends tidied)."""
    return BAD_CHAR.sub("", to_markdown(_text(value))).strip()


def _ident(value: object, fallback: str) -> str:
    """An id salle accepts: no `;`, `,` or white space."""
    return re.sub(r"[;,\s]+", "-", _text(value)).strip("-") or fallback


def _unique(base: str, taken: set[str]) -> str:
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}-{n}"
    taken.add(name)
    return name


def _objects(data: dict[str, Any], key: str, skipped: Counter[str]) -> list[dict[str, Any]]:
    items = data.get(key) or []
    kept = [i for i in items if isinstance(i, dict)]
    skipped[key] += len(items) - len(kept)
    return kept


def _when(value: object) -> dt.datetime | None:
    """A Sessionize time as the conference's wall clock (an offset, when one is given, is dropped)."""
    text = _text(value)
    if not text:
        return None
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None, second=0, microsecond=0)


def _format_minutes(name: str) -> int | None:
    """The minutes a session format names: "Talk (45 min)" → 45, "Workshop (2 hours)" → 120, "Keynote" → None."""
    if m := _MINUTES.search(name):
        minutes = int(m.group(1))
    elif m := _HOURS.search(name):
        minutes = round(float(m.group(1).replace(",", ".")) * 60)
    else:
        return None
    return minutes if 1 <= minutes <= DAY else None


def _language(name: str) -> str:
    """English → en, Français → fr…; anything not obvious stays as written."""
    words = re.findall(r"\w+", name.casefold())
    return LANGUAGES.get(words[0], name) if words else name


@dataclass
class _Talk:
    sid: str
    raw_id: str
    title: str
    description: str
    speakers: list[str]
    categories: dict[str, list[str]]  # role -> item names
    start: dt.datetime | None
    minutes: int
    room: str | None  # salle room id
    plenum: bool


@dataclass
class _Reading:
    """What the conversion collects besides the tables: counts for the notes."""

    notes: list[str] = field(default_factory=list)
    unused: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)

    def say(self, count: int, text: str) -> None:
        if count:
            self.notes.append(text)


def _rooms(data: dict[str, Any], capacity: int, seen: _Reading) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Sessionize room id -> salle room id, and rooms.csv's rows (in Sessionize's order)."""
    rooms = _objects(data, "rooms", seen.skipped)
    order = sorted(range(len(rooms)), key=lambda i: (_sort_key(rooms[i].get("sort")), i))
    ids: dict[str, str] = {}
    rows: list[dict[str, str]] = []
    taken: set[str] = set()
    folded: set[str] = set()
    repeated = 0
    for i in order:
        room = rooms[i]
        key = _text(room.get("id"))
        if key in ids:
            repeated += 1
            continue
        rid = _unique(f"r{_ident(key, 'room')}" if key else "room", taken)
        name = label = _text(room.get("name")) or f"Room {key or len(rows) + 1}"
        n = 1
        while " ".join(label.casefold().split()) in folded:  # salle refuses two names that differ in case only
            n += 1
            label = f"{name} ({n})"
        folded.add(" ".join(label.casefold().split()))
        if key:
            ids[key] = rid
        rows.append({"room_id": rid, "name": label, "capacity": str(capacity)})
    seen.say(repeated, f"{repeated} room(s) repeat the id of an earlier room: the first is kept")
    return ids, rows


def _sort_key(value: object) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else math.inf


def _categories(data: dict[str, Any], seen: _Reading) -> tuple[dict[str, tuple[str, str]], set[str]]:
    """Category item id -> (role or the category's title, item name); and the ids of speaker categories' items."""
    items: dict[str, tuple[str, str]] = {}
    for_speakers: set[str] = set()
    for category in _objects(data, "categories", seen.skipped):
        title = _text(category.get("title"))
        role = CATEGORY_ROLES.get(" ".join(title.casefold().split()), f"other:{title or 'untitled'}")
        speaker = _text(category.get("type")).casefold() == "speaker"
        for item in category.get("items") or []:
            if isinstance(item, dict) and _text(item.get("id")):
                key = _text(item["id"])
                items[key] = (role, _text(item.get("name")))
                if speaker:
                    for_speakers.add(key)
    return items, for_speakers


def _speakers(data: dict[str, Any], seen: _Reading) -> dict[str, dict[str, str]]:
    """Sessionize speaker id -> speakers.csv's row; what salle has no column for is counted."""
    speakers: dict[str, dict[str, str]] = {}
    taken: set[str] = set()
    repeated = 0
    for p in _objects(data, "speakers", seen.skipped):
        key = _text(p.get("id"))
        if not key or key in speakers:
            repeated += 1
            continue
        sid = _unique(_ident(key, "speaker"), taken)
        name = _text(p.get("fullName")) or " ".join(
            t for t in (_text(p.get("firstName")), _text(p.get("lastName"))) if t) or sid
        speakers[key] = {"speaker_id": sid, "name": name, "affiliation": _text(p.get("tagLine")),
                         "biography": _rich(p.get("bio"))}
        seen.unused["profile picture"] += bool(_text(p.get("profilePicture")))
        seen.unused["speaker link"] += len([x for x in p.get("links") or [] if x])
        seen.unused["top-speaker mark"] += p.get("isTopSpeaker") is True
        seen.unused["speaker category item"] += len([x for x in p.get("categoryItems") or [] if x is not None])
        seen.unused["answer to a question"] += _answers(p)
    seen.say(repeated, f"{repeated} speaker(s) have no id or repeat the id of an earlier speaker: the first is kept")
    return speakers


def _answers(entry: dict[str, Any]) -> int:
    return len([a for a in entry.get("questionAnswers") or []
                if not isinstance(a, dict) or _text(a.get("answerValue") or a.get("answer"))])


@dataclass
class _Services:
    """Service sessions: the timed ones (day, start, end, title), and how many could not be used."""

    timed: list[tuple[dt.date, int, int, str]] = field(default_factory=list)
    untimed: int = 0


def _sessions(data: dict[str, Any], rooms: dict[str, str], categories: dict[str, tuple[str, str]],
              speaker_items: set[str], speakers: dict[str, dict[str, str]], default_minutes: int,
              seen: _Reading) -> tuple[list[_Talk], _Services]:
    talks: list[_Talk] = []
    services = _Services()
    taken: set[str] = set()
    raw_ids: Counter[str] = Counter()
    missing: dict[str, str] = {}
    unknown_rooms: set[str] = set()
    unknown_items: set[str] = set()
    unreadable = no_end = midnight = several = not_confirmed = other_status = 0
    for s in _objects(data, "sessions", seen.skipped):
        raw = _text(s.get("id"))
        try:
            start, end = _when(s.get("startsAt")), _when(s.get("endsAt"))
        except (ValueError, OverflowError):
            start, end, unreadable = None, None, unreadable + 1
        if s.get("isServiceSession") is True:
            if start is None or end is None or end <= start:
                services.untimed += 1
            else:
                stop = min((end - dt.datetime.combine(start.date(), dt.time())).total_seconds() // 60, DAY)
                services.timed.append((start.date(), start.hour * 60 + start.minute, int(stop),
                                       _text(s.get("title")) or raw))
            continue
        raw_ids[raw] += 1
        sid = _unique(_ident(raw, "session"), taken)
        names: dict[str, list[str]] = {}
        for item in s.get("categoryItems") or []:
            key = _text(item.get("id") if isinstance(item, dict) else item)
            if key in speaker_items or not key:
                continue
            if key not in categories:
                unknown_items.add(key)
                continue
            role, name = categories[key]
            names.setdefault(role, []).append(name)
        several += any(len(names.get(r, [])) > 1 for r in ("track", "format", "language"))
        people = []
        for ref in s.get("speakers") or []:
            key = _text(ref.get("id") if isinstance(ref, dict) else ref)
            if not key:
                continue
            if key not in speakers:
                name = _text(ref.get("name")) if isinstance(ref, dict) else ""
                missing[key] = missing.get(key) or name
                speakers[key] = {"speaker_id": _unique(_ident(key, "speaker"),
                                                       {p["speaker_id"] for p in speakers.values()}),
                                 "name": name or key, "affiliation": "", "biography": ""}
            people.append(speakers[key]["speaker_id"])
        formats = [m for n in names.get("format", []) if (m := _format_minutes(n))]
        minutes = formats[0] if formats else default_minutes
        if start is not None:
            if end is not None and end > start:
                minutes = int((end - start).total_seconds() // 60) or 1
            else:
                no_end += 1
            room_of_day = DAY - (start.hour * 60 + start.minute)
            if minutes > room_of_day:
                minutes, midnight = room_of_day, midnight + 1
        room_key = _text(s.get("roomId"))
        if room_key and room_key not in rooms:
            unknown_rooms.add(room_key)
        talks.append(_Talk(sid, raw, _text(s.get("title")) or sid, _rich(s.get("description")),
                           list(dict.fromkeys(people)), names, start, minutes, rooms.get(room_key),
                           s.get("isPlenumSession") is True))
        seen.unused["answer to a question"] += _answers(s)
        seen.unused["live URL"] += bool(_text(s.get("liveUrl")))
        seen.unused["recording URL"] += bool(_text(s.get("recordingUrl")))
        for role, values in names.items():
            if role.startswith("other:"):
                seen.unused[f"'{role[6:]}' category item"] += len(values)
        not_confirmed += s.get("isConfirmed") is False
        status = _text(s.get("status"))
        other_status += bool(status) and status.casefold() != "accepted"
    repeated = sum(n - 1 for n in raw_ids.values() if n > 1)
    seen.say(repeated, f"{repeated} session(s) repeat the id of an earlier session: numbered apart (`-2`, `-3`…; "
                       "sessionize_id keeps the original)")
    seen.say(unreadable, f"{unreadable} session(s) have a startsAt or endsAt that is not an ISO date and time: "
                         "they are to be scheduled")
    seen.say(len(missing), f"{len(missing)} speaker(s) named by sessions are not in the speakers list "
                           f"({', '.join(shown(k) for k in list(missing)[:3])}{'…' if len(missing) > 3 else ''}): "
                           "added with the name the session gives, else their id")
    seen.say(len(unknown_rooms), f"{len(unknown_rooms)} room id(s) that sessions name are not in the rooms list "
                                 f"({', '.join(sorted(unknown_rooms)[:3])}{'…' if len(unknown_rooms) > 3 else ''}): "
                                 "those sessions are not placed")
    seen.say(len(unknown_items), f"{len(unknown_items)} category item id(s) that sessions name are in no category "
                                 "(ignored)")
    seen.say(no_end, f"{no_end} session(s) have a start but no end: their duration is their format's (else "
                     f"{default_minutes} minutes)")
    seen.say(midnight, f"{midnight} session(s) run past midnight: they end at 24:00")
    seen.say(several, f"{several} session(s) have several items of a Track, Session format or Language category: "
                      "the first is kept")
    seen.say(not_confirmed, f"{not_confirmed} session(s) are not yet confirmed by their speakers (isConfirmed): "
                            "imported all the same")
    seen.say(other_status, f"{other_status} session(s) have a status other than Accepted: imported all the same")
    return talks, services


# -- the grid ---------------------------------------------------------------------------------------------------
Span = tuple[int, int]  # minutes from midnight: start, end


def _merged(spans: Iterable[Span]) -> list[Span]:
    out: list[Span] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _day_rows(real: list[Span], breaks: list[Span], grid: int) -> tuple[list[Span], int]:
    """The day's grid rows (start, end on the grid): from its first start to its last end, less the breaks; and
    how many breaks were too short for the grid (the rows around them are one row)."""
    lo = min(a for a, _ in [*real, *breaks])
    hi = max(b for _, b in [*real, *breaks])
    runs, t = [], lo
    for a, b in _merged(breaks):
        if a > t:
            runs.append((t, a))
        t = max(t, b)
    if hi > t:
        runs.append((t, hi))
    rows: list[Span] = []
    lost = 0
    for a, b in runs:
        a, b = a - a % grid, min(DAY, b + (-b) % grid)
        b = max(b, a + grid)
        if rows and a < rows[-1][1]:
            rows[-1], lost = (rows[-1][0], max(rows[-1][1], b)), lost + 1
        else:
            rows.append((a, b))
    return rows, lost


def _grid(talks: list[_Talk], services: _Services, grid: int, seen: _Reading
          ) -> tuple[list[dict[str, str]], dict[str, str]]:
    """slots.csv's grid rows, and session id -> the grid slot where it starts (sessions that have a time)."""
    real: dict[dt.date, list[tuple[int, int]]] = {}
    for t in talks:
        if t.start is not None:
            a = t.start.hour * 60 + t.start.minute
            real.setdefault(t.start.date(), []).append((a, a + t.minutes))
    breaks: dict[dt.date, list[tuple[int, int]]] = {}
    beside: list[str] = []
    for day, a, b, title in services.timed:
        if any(x < b and a < y for x, y in real.get(day, [])):
            beside.append(title)  # registration desk, quiet room… open while sessions run: not a break
        else:
            breaks.setdefault(day, []).append((a, b))
    rows: list[dict[str, str]] = []
    spans: dict[dt.date, list[tuple[str, int, int]]] = {}
    lost = 0
    for day in sorted({*real, *breaks}):
        day_rows, short = _day_rows(real.get(day, []), breaks.get(day, []), grid)
        lost += short
        for n, (a, b) in enumerate(day_rows, 1):
            row_id = f"{day.isoformat()}-{n}"
            spans.setdefault(day, []).append((row_id, a, b))
            rows.append({"slot_id": row_id, "day": day.isoformat(), "start": format_time(a), "end": format_time(b),
                         "step": str(grid)})
    starts: dict[str, str] = {}
    off = 0
    for t in talks:
        if t.start is None:
            continue
        a = t.start.hour * 60 + t.start.minute
        at = a - a % grid
        off += at != a
        row_id = next(r for r, x, y in spans[t.start.date()] if x <= at < y)
        starts[t.sid] = f"{row_id}-{format_time(at).replace(':', '')}"
    counted = len(services.timed) + services.untimed
    if counted:
        parts = [f"{sum(len(v) for v in breaks.values())} mark the days' breaks and edges (gaps between or "
                 "around the grid rows: nothing is scheduled across them)"]
        if beside:
            named = ", ".join(shown(b) for b in beside[:3]) + ("…" if len(beside) > 3 else "")
            parts.append(f"{len(beside)} run beside sessions and were left out ({named})")
        if services.untimed:
            parts.append(f"{services.untimed} have no time and were left out")
        seen.notes.append(f"{counted} service session(s) (registration, breaks, lunch…) are not sessions: "
                          + "; ".join(parts))
    seen.say(lost, f"{lost} break(s) are shorter than the {grid}-minute grid allows: the rows around them were "
                   "joined")
    seen.say(off, f"{off} published start(s) are not on the {grid}-minute grid: {ASSIGNMENTS} places them at the "
                  "step before")
    hours = "; ".join(f"{day.isoformat()} " + ", ".join(f"{format_time(a)}–{format_time(b)}" for _, a, b in r)
                      for day, r in sorted(spans.items()))
    seen.notes.append(f"conference days and hours ({grid}-minute grid, in slots.csv): {hours}")
    return rows, starts


# -- the tables -------------------------------------------------------------------------------------------------
def to_tables(data: dict[str, Any], grid: int = 5, capacity: int = DEFAULT_CAPACITY,
              default_minutes: int = DEFAULT_MINUTES, where: str = "the Sessionize data"
              ) -> tuple[dict[str, Table], list[str]]:
    """The input contract's tables and the published assignment, plus notes on what had to be adapted."""
    seen = _Reading()
    rooms, room_rows = _rooms(data, capacity, seen)
    categories, speaker_items = _categories(data, seen)
    speakers = _speakers(data, seen)
    talks, services = _sessions(data, rooms, categories, speaker_items, speakers, default_minutes, seen)
    if not any(t.start for t in talks) and not services.timed:
        raise InputError([Issue(where, "no session has a time (startsAt), so the conference's days cannot be known: "
                                       "schedule at least one session (or a break) on each day in Sessionize")])
    too_long = [t for t in talks if math.ceil(t.minutes / grid) > MAX_LENGTH]
    if too_long:
        long = too_long[0]
        raise InputError([Issue(where, f"session {shown(long.raw_id)} lasts {long.minutes} minutes, more than "
                                       f"{MAX_LENGTH} steps of the {grid}-minute grid: choose a larger grid")])
    slot_rows, starts = _grid(talks, services, grid, seen)
    if not slot_rows:
        raise InputError([Issue(where, "only service sessions have a time, and none leaves a gap for sessions, so the "
                                       "conference's hours cannot be known: schedule at least one session")])
    sessions: list[dict[str, str]] = []
    assignments: list[dict[str, str]] = []
    plenum = untimed = roomless = 0
    for t in talks:
        first = {role: (t.categories.get(role) or [""])[0] for role in ("track", "format", "language")}
        row = {"session_id": t.sid, "title": t.title, "speakers": ";".join(t.speakers),
               "attendance": str(DEFAULT_ATTENDANCE), "track": first["track"],
               "language": _language(first["language"]) if first["language"] else "", "duration": str(t.minutes),
               "description": t.description, "sessionize_id": t.raw_id, "format": first["format"],
               "level": "; ".join(t.categories.get("level", []))}
        if t.start is None:
            untimed += 1
        elif t.room is None:
            roomless += 1
        else:
            assignments.append({"session_id": t.sid, "room_id": t.room, "slot_id": starts[t.sid]})
        if t.plenum and t.start is not None:
            plenum += 1
            row |= {"room": t.room or "", "slot": starts[t.sid]}
        sessions.append(row)
    seen.say(untimed, f"{untimed} session(s) have no time yet (startsAt null): they are to be scheduled (in "
                      f"sessions.csv, not in {ASSIGNMENTS})")
    seen.say(roomless, f"{roomless} session(s) have a time but no room Sessionize lists: they are to be scheduled")
    seen.say(plenum, f"{plenum} plenum session(s) (for every room in Sessionize) are pinned where Sessionize puts "
                     "them (room and slot in sessions.csv) and hold that one room in salle: to keep the other rooms "
                     "free then, add them to unavailability.csv")
    unused = [f"{n} {label}{'s' if n > 1 else ''}" if not label.startswith("answer") else
              f"{n} answer{'s' if n > 1 else ''} to questions" for label, n in seen.unused.items() if n]
    questions = len([q for q in data.get("questions") or [] if q])
    if unused or questions:
        seen.notes.append("not imported (salle has no column for them): "
                          + ", ".join([*unused, *([f"{questions} question(s)"] if questions else [])]))
    skipped = [f"{n} {key}" for key, n in seen.skipped.items() if n]
    if skipped:
        seen.notes.append(f"entries that are not JSON objects were skipped: {', '.join(skipped)}")
    tables = {
        "rooms.csv": Table(CONTRACT["rooms.csv"], room_rows),
        "slots.csv": Table(CONTRACT["slots.csv"], slot_rows),
        "sessions.csv": Table(tuple(dict.fromkeys((*CONTRACT["sessions.csv"], *EXTRA))), sessions),
        "speakers.csv": Table((*CONTRACT["speakers.csv"], *SPEAKER_EXTRA), list(speakers.values())),
        ASSIGNMENTS: Table(("session_id", "room_id", "slot_id"), assignments),
    }
    return tables, seen.notes


def import_sessionize(source: str, out: Path, grid: int = 5, capacity: int = DEFAULT_CAPACITY,
                      default_minutes: int = DEFAULT_MINUTES) -> Imported:
    """Read Sessionize's All data (a JSON file, or an http(s) URL such as https://sessionize.com/api/v2/ID/view/All)
    and write it as an inputs folder in `out` (validated first), the published places in `out/assignments.csv`."""
    for name, value, top in (("grid", grid, 240), ("capacity", capacity, 100_000),
                             ("default_minutes", default_minutes, DAY)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
            raise InputError([Issue(f"--{name.replace('_', '-')}", f"must be a whole number from 1 to {top:,}, "
                                                                   f"got {shown(value)}")])
    if DAY % grid:
        raise InputError([Issue("--grid", f"a grid of {grid} minutes does not divide a day: choose 5, 10, 15, 20, "
                                          "30, 60…")])
    where, data, path = read_sessionize(str(source))
    tables, notes = to_tables(data, grid, capacity, default_minutes, where)
    notes.append(f"Sessionize gives no time zone (its times are the venue's clock): add 'timezone:' to {CONFERENCE} "
                 "(else America/Toronto is assumed when publishing)")
    done = write_inputs(tables, out, where=lambda f: f"{where} (as {f})", notes=notes, source=path)
    done.written += write_atomically({
        out / CONSTRAINTS: SESSIONIZE_CONSTRAINTS,
        out / CONFERENCE: conference_yaml(ConferenceFile(), f"written by salle import sessionize from {where}")
        .replace("{}\n", "") + "# Sessionize gives no title and no time zone: set them, e.g.\n"
                                "# title: DevConf 2026\n# timezone: Europe/Paris\n",
    })
    return done
