"""Reading Sessionize's All data (API endpoint `…/api/v2/ID/view/All`, JSON) for `salle import sessionize`.

- `read_sessionize`: a file or an http(s) URL, at most MAX_BYTES, waiting TIMEOUT seconds for a server; what
  cannot be read, is not JSON, or is a Sessions/Grid view instead of view/All is one sentence (InputError);
- the helpers that read its values the way salle wants them: `text` (one cleaned line; null, lists and objects
  are ''), `rich` (HTML as Markdown), `ident` / `unique` (ids salle accepts, numbered apart), `objects` (a list's
  JSON objects, the rest counted), `when` (an ISO time as the venue's wall clock), `format_minutes` ("Talk (45
  min)" → 45), `language` (English → en);
- the lists read whole: `categories` (item id → Track, Session format, Level, Language or another category) and
  `speaker_rows` (the speakers list as speakers.csv's rows);
- what the conversion carries between its steps: `Talk` (a session as read), `Services` (the service sessions)
  and `Reading` (the notes and counts of what was adapted or left out).
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import re
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from solver.errors import InputError, Issue, clip
from solver.importers.folder import unique
from solver.inputs.table import BAD_CHAR
from solver.richtext import to_markdown

MAX_BYTES = 20 * 1024 * 1024  # a 2,000-session event's All data is about 5 MB
TIMEOUT = 30  # seconds to wait for the server
DAY = 24 * 60
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


# -- the file or URL --------------------------------------------------------------------------------------------
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


# -- its values -------------------------------------------------------------------------------------------------
def text(value: object) -> str:
    """A value as one cleaned piece of text ('' for null, lists and objects)."""
    if value is None or isinstance(value, dict | list | bool):
        return ""
    return BAD_CHAR.sub("", str(value)).strip()


def rich(value: object) -> str:
    """A description or biography as Markdown (HTML converted, line ends tidied)."""
    return BAD_CHAR.sub("", to_markdown(text(value))).strip()


def ident(value: object, fallback: str) -> str:
    """An id salle accepts: no `;`, `,` or white space."""
    return re.sub(r"[;,\s]+", "-", text(value)).strip("-") or fallback


def objects(data: dict[str, Any], key: str, skipped: Counter[str]) -> list[dict[str, Any]]:
    """The JSON objects of the list `data[key]`; the entries that are not objects are counted in `skipped`."""
    items = data.get(key) or []
    kept = [i for i in items if isinstance(i, dict)]
    skipped[key] += len(items) - len(kept)
    return kept


def answers(entry: dict[str, Any]) -> int:
    """How many questions a session or speaker answers."""
    return len([a for a in entry.get("questionAnswers") or []
                if not isinstance(a, dict) or text(a.get("answerValue") or a.get("answer"))])


def categories(data: dict[str, Any], seen: Reading) -> tuple[dict[str, tuple[str, str]], set[str]]:
    """Category item id -> (role or the category's title, item name); and the ids of speaker categories' items."""
    items: dict[str, tuple[str, str]] = {}
    for_speakers: set[str] = set()
    for category in objects(data, "categories", seen.skipped):
        title = text(category.get("title"))
        role = CATEGORY_ROLES.get(" ".join(title.casefold().split()), f"other:{title or 'untitled'}")
        speaker = text(category.get("type")).casefold() == "speaker"
        for item in category.get("items") or []:
            if isinstance(item, dict) and text(item.get("id")):
                key = text(item["id"])
                items[key] = (role, text(item.get("name")))
                if speaker:
                    for_speakers.add(key)
    return items, for_speakers


def speaker_rows(data: dict[str, Any], seen: Reading) -> dict[str, dict[str, str]]:
    """Sessionize speaker id -> speakers.csv's row; what salle has no column for is counted."""
    speakers: dict[str, dict[str, str]] = {}
    taken: set[str] = set()
    repeated = 0
    for p in objects(data, "speakers", seen.skipped):
        key = text(p.get("id"))
        if not key or key in speakers:
            repeated += 1
            continue
        sid = unique(ident(key, "speaker"), taken)
        name = text(p.get("fullName")) or " ".join(
            t for t in (text(p.get("firstName")), text(p.get("lastName"))) if t) or sid
        speakers[key] = {"speaker_id": sid, "name": name, "affiliation": text(p.get("tagLine")),
                         "biography": rich(p.get("bio"))}
        seen.unused["profile picture"] += bool(text(p.get("profilePicture")))
        seen.unused["speaker link"] += len([x for x in p.get("links") or [] if x])
        seen.unused["top-speaker mark"] += p.get("isTopSpeaker") is True
        seen.unused["speaker category item"] += len([x for x in p.get("categoryItems") or [] if x is not None])
        seen.unused["answer to a question"] += answers(p)
    seen.say(repeated, f"{repeated} speaker(s) have no id or repeat the id of an earlier speaker: the first is kept")
    return speakers


def when(value: object) -> dt.datetime | None:
    """A Sessionize time as the conference's wall clock (an offset, when one is given, is dropped)."""
    value = text(value)
    if not value:
        return None
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None, second=0, microsecond=0)


def format_minutes(name: str) -> int | None:
    """The minutes a session format names: "Talk (45 min)" → 45, "Workshop (2 hours)" → 120, "Keynote" → None."""
    if m := _MINUTES.search(name):
        minutes = int(m.group(1))
    elif m := _HOURS.search(name):
        minutes = round(float(m.group(1).replace(",", ".")) * 60)
    else:
        return None
    return minutes if 1 <= minutes <= DAY else None


def language(name: str) -> str:
    """English → en, Français → fr…; anything not obvious stays as written."""
    words = re.findall(r"\w+", name.casefold())
    return LANGUAGES.get(words[0], name) if words else name


# -- what the conversion carries --------------------------------------------------------------------------------
@dataclass
class Talk:
    """A session (not a service session) as read: its salle id, and its time and room when it has them."""

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
class Services:
    """Service sessions: the timed ones (day, start, end, title), and how many could not be used."""

    timed: list[tuple[dt.date, int, int, str]] = field(default_factory=list)
    untimed: int = 0


@dataclass
class Reading:
    """What the conversion collects besides the tables: counts for the notes."""

    notes: list[str] = field(default_factory=list)
    unused: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)

    def say(self, count: int, note: str) -> None:
        if count:
            self.notes.append(note)

    def leftovers(self, questions: int) -> None:
        """The notes on what salle has no column for (and the event's `questions`), and on what was skipped."""
        unused = [f"{n} {label}{'s' if n > 1 else ''}" if not label.startswith("answer") else
                  f"{n} answer{'s' if n > 1 else ''} to questions" for label, n in self.unused.items() if n]
        if unused or questions:
            self.notes.append("not imported (salle has no column for them): "
                              + ", ".join([*unused, *([f"{questions} question(s)"] if questions else [])]))
        skipped = [f"{n} {key}" for key, n in self.skipped.items() if n]
        if skipped:
            self.notes.append(f"entries that are not JSON objects were skipped: {', '.join(skipped)}")
