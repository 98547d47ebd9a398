"""pretalx's REST API (pretalx 2025.1 and newer): what salle reads and writes, live or from saved answers.

Read: the event, its submissions, speakers (with availabilities), rooms (capacity, availabilities), tracks,
submission types and the work-in-progress schedule with its slots. A folder holding those answers as JSON files
(FILES: pretalx's own page shape or plain lists) stands for a live server, for offline work and tests;
`fetch(…, save=DIR)` writes such a folder. Write (solver.connect.pretalx_push): a slot's room and start, and
releasing the schedule.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from solver.connect.http import Client, ConnectError
from solver.errors import InputError, Issue, clip, shown

FILES = {"event": "event.json", "submissions": "submissions.json", "speakers": "speakers.json",
         "rooms": "rooms.json", "tracks": "tracks.json", "submission_types": "submission-types.json",
         "wip": "schedule-wip.json"}
PATHS = {"event": "", "submissions": "submissions/?page_size=250", "speakers": "speakers/?page_size=250",
         "rooms": "rooms/?page_size=250", "tracks": "tracks/?page_size=250",
         "submission_types": "submission-types/?page_size=250", "wip": "schedules/wip/?expand=slots"}
MAX_FILE = 50 * 1024 * 1024
TOKEN_VARIABLE = "PRETALX_TOKEN"
API_VERSION = {"Pretalx-Version": "v1"}  # else a token remembers the version of its first request


def client(base_url: str, token: str | None) -> Client:
    """A client speaking pretalx's API version 1 (the answers' shape salle reads)."""
    return Client(base_url, token, "pretalx", headers=API_VERSION)


@dataclass
class Event:
    """One pretalx event as its API gives it (plain JSON objects)."""

    event: dict[str, Any]
    submissions: list[dict[str, Any]]
    speakers: list[dict[str, Any]]
    rooms: list[dict[str, Any]]
    tracks: list[dict[str, Any]]
    submission_types: list[dict[str, Any]]
    wip: dict[str, Any]

    @property
    def slug(self) -> str:
        return str(self.event.get("slug") or "event")

    @property
    def timezone(self) -> ZoneInfo:
        name = str(self.event.get("timezone") or "UTC")
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")

    @property
    def locale(self) -> str:
        return str(self.event.get("locale") or "en")

    @property
    def days(self) -> list[dt.date]:
        first, last = _date(self.event.get("date_from")), _date(self.event.get("date_to"))
        if first is None:
            return []
        last = last if last is not None and last >= first else first
        return [first + dt.timedelta(days=i) for i in range(min((last - first).days + 1, 60))]

    @property
    def slots(self) -> list[dict[str, Any]]:
        slots = self.wip.get("slots") if isinstance(self.wip, dict) else None
        return [s for s in slots or () if isinstance(s, dict)]

    def text(self, value: Any) -> str:
        """A pretalx string: plain, or one per locale ({"en": …, "de": …}: the event's locale first)."""
        if isinstance(value, dict):
            for key in (self.locale, "en", *value):
                if value.get(key):
                    return str(value[key]).strip()
            return ""
        return "" if value is None else str(value).strip()

    def local(self, value: Any) -> dt.datetime | None:
        """An ISO time of the API as the event's wall clock (naive), None when absent or unreadable."""
        if not value:
            return None
        try:
            moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            return None
        if moment.tzinfo is None:
            return moment
        return moment.astimezone(self.timezone).replace(tzinfo=None)

    def aware(self, day: dt.date, minutes: int) -> str:
        """The ISO time (with the event's offset) of `minutes` after midnight of `day`, as pretalx wants it."""
        moment = dt.datetime.combine(day, dt.time(0), tzinfo=self.timezone) + dt.timedelta(minutes=minutes)
        return moment.isoformat()


def slot_order(slot: dict[str, Any]) -> tuple[int, str]:
    """Slots in the order pretalx made them (ids are numbers; anything else after, as text)."""
    value = slot.get("id")
    return (value, "") if isinstance(value, int) else (2**62, str(value))


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


# -- where the answers come from ---------------------------------------------------------------------------------
def is_folder(source: str) -> bool:
    return not source.startswith(("http://", "https://"))


def read_folder(folder: Path) -> Event:
    """Saved API answers (FILES) as an event; InputError naming the file for a missing or unreadable one."""
    if not folder.is_dir():
        raise InputError([Issue(str(folder), "is neither an http(s) address of pretalx nor a folder of saved API "
                                             "answers")])
    found: dict[str, Any] = {}
    for key, name in FILES.items():
        path = folder / name
        if not path.is_file():
            raise InputError([Issue(str(path), f"missing: a folder of saved pretalx answers holds "
                                               f"{', '.join(FILES.values())}")])
        if path.stat().st_size > MAX_FILE:
            raise InputError([Issue(str(path), f"is larger than {MAX_FILE // 2**20} MB")])
        try:
            data = json.loads(path.read_bytes().decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError([Issue(str(path), f"is not JSON ({clip(str(exc), 80)})")]) from None
        found[key] = _results(data) if key not in ("event", "wip") else data
        if not isinstance(found[key], dict if key in ("event", "wip") else list):
            raise InputError([Issue(str(path), "is not what pretalx's API answers there (a JSON "
                                               f"{'object' if key in ('event', 'wip') else 'list'} was expected)")])
    return Event(**found)


def _results(data: Any) -> Any:
    return data.get("results") if isinstance(data, dict) and "results" in data else data


def fetch(client: Client, slug: str, save: Path | None = None) -> Event:
    """Every answer salle needs from a live pretalx (ConnectError with one sentence when it cannot)."""
    base = f"api/events/{slug}/"

    def explain(status: int, text: str) -> str | None:
        if status == 404:
            return (f"pretalx at {client.base} has no event {shown(slug)} that this token can see (HTTP 404): check "
                    "--event and the token's events")
        return None

    found: dict[str, Any] = {"event": client.request("GET", base, explain=explain)}
    if not isinstance(found["event"], dict) or "slug" not in found["event"]:
        raise ConnectError(f"{client.base} did not answer like pretalx for event {shown(slug)}: is it the address "
                           "of a pretalx (2025.1 or newer)?")

    def no_schedule_api(status: int, text: str) -> str | None:
        if status in (404, 405):
            return (f"pretalx at {client.base} offers no schedule API (HTTP {status} on /schedules/wip/): salle "
                    "needs pretalx 2025.1 or newer")
        return None

    for key in ("submissions", "speakers", "rooms", "tracks", "submission_types"):
        found[key] = client.get_all(base + PATHS[key], explain=explain)
    found["wip"] = client.request("GET", base + PATHS["wip"], explain=no_schedule_api)
    if not isinstance(found["wip"], dict):
        raise ConnectError(f"pretalx at {client.base} answered the work-in-progress schedule with no object")
    event = Event(**found)
    if save is not None:
        save.mkdir(parents=True, exist_ok=True)
        for key, name in FILES.items():
            value = found[key]
            paged = {"count": len(value), "next": None, "previous": None, "results": value} \
                if isinstance(value, list) else value
            (save / name).write_text(json.dumps(paged, ensure_ascii=False, indent=1), encoding="utf-8")
    return event


def read_token(token_file: Path | None, environ: dict[str, str]) -> str | None:
    """The API token: from `--token-file` (its first line), else the environment variable PRETALX_TOKEN."""
    if token_file is not None:
        try:
            text = token_file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError([Issue(str(token_file), f"cannot be read ({clip(str(exc), 80)})")]) from None
        token = text.strip().splitlines()[0].strip() if text.strip() else ""
        if not token:
            raise InputError([Issue(str(token_file), "is empty: it should hold the pretalx API token")])
        return token
    return environ.get(TOKEN_VARIABLE) or None
