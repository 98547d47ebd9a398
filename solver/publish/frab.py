"""`schedule.xml` (here) and `schedule.json` (solver.publish.frab_json) in the frab/pretalx shape (the voc
schedule schemas) that conference apps (Giggity, EventFahrplan, Engelsystem, info-beamer…) load.

Ids: an imported schedule keeps its event ids (column `frab_id` of sessions.csv, when every one is a distinct
positive number; else events are numbered in sessions.csv order) and each event its own guid (column `guid`) when
it is a UUID no other event has; only the others get a guid derived from the acronym and session id. An imported
event also keeps its `slug` (when the schema accepts it), `url`, `type`, `feedback_url`, `links` and
`attachments` (those two as JSON text in sessions.csv, see solver.importers.frab). The conference's acronym is
written as given (`fosdem-2025`) where the schema accepts it: schedule.xml's allows `[a-z0-9_-]{4,}`,
schedule.json's no `-` but before a year and a word, so there it becomes `fosdem_2025` (`Conference.short`).

Texts: an event's `abstract` is the session's `description` and its `description` the `details` column (both
Markdown, as pretalx publishes them, sanitized as the pages are: solver.publish.sanitize.markup; titles, names
and tracks are plain text without HTML tags: sanitize.plain); its `language` is the session's, else the
publication's; a person's
`biography` (speakers.csv) is in schedule.json (the XML schema has no place for it).

Sessions without a time (left out with `--allow-unscheduled`): frab has no such thing, and apps show only events
with a date, room and duration, so they are in no day. schedule.json lists them under `x-unscheduled` at the
schedule level (the schema allows extra keys there, not in `conference`), each an event without date, room or
duration and with a `note` « Horaire à venir » / "Time to be announced"; schedule.xml, whose schema allows no
extra element, names them in an XML comment after the last day. Both still validate.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
import uuid
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote
from zoneinfo import ZoneInfo

from solver.inputs import Problem, Session
from solver.inputs.values import format_time
from solver.publish.locale import Texts, resolve_locale
from solver.publish.programme import Pending, unscheduled
from solver.publish.sanitize import markup, plain
from solver.publish.talks import talk_page_url, talk_path, talk_stems
from solver.publish.view import Conference, Entry, at, slugify

_UUID = re.compile(r"^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$")
ANCHOR_SAFE = "-._~:@/"  # what a session id keeps as written in a link's #fragment (the rest percent-encoded)
TZ_NAME = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")


@dataclass(frozen=True)
class Event:
    """One entry with the identifiers apps key on."""

    entry: Entry
    id: int
    guid: str
    slug: str  # schedule.xml's
    url: str
    json_slug: str = ""  # schedule.json's (its schema is stricter: no `-` at the end)


def frab_ids(sessions: tuple[Session, ...], short: str) -> tuple[dict[str, int], dict[str, str]]:
    """Keep imported `frab_id` columns when they are all valid and unique (else number the sessions in order),
    and each session's own `guid` when it is a UUID no earlier session has: only the others get one derived from
    the acronym and session id (31C3 has a few guids that are not UUIDs: every other one is kept)."""
    given = [s.extra.get("frab_id", "") for s in sessions]
    if all(g.isdigit() and int(g) > 0 for g in given) and len(set(given)) == len(given):
        ids = {s.session_id: int(g) for s, g in zip(sessions, given, strict=True)}
    else:
        ids = {s.session_id: i for i, s in enumerate(sessions, start=1)}
    kept = [s.extra.get("guid", "").strip() for s in sessions]
    counts = Counter(g.lower() for g in kept if _UUID.match(g))
    guids: dict[str, str] = {}
    for s, g in zip(sessions, kept, strict=True):
        if _UUID.match(g) and counts[g.lower()] == 1:
            guids[s.session_id] = g
    taken = {g.lower() for g in guids.values()}
    for s in sessions:
        if s.session_id not in guids:
            made = str(uuid.uuid5(uuid.NAMESPACE_URL, f"salle:{short}:{s.session_id}"))
            while made in taken:  # never a guid an event kept
                made = str(uuid.uuid5(uuid.NAMESPACE_URL, f"salle:{short}:{s.session_id}:{made}"))
            guids[s.session_id] = made
            taken.add(made)
    return ids, guids


XSD_ACRONYM = re.compile(r"[a-z0-9_-]{4,}")  # schedule.xml.xsd's `acronym`
JSON_ACRONYM = re.compile(r"[a-z0-9_-][a-z0-9_]{3,}(-2[0-9]{3}-[a-z]+)?")  # schema.json's Conference.acronym
XSD_SLUG = re.compile(r"[a-z0-9_]{4,}-[a-z0-9\-_]{4,}")  # schedule.xml.xsd's `voc-slug-new`
JSON_SLUG = re.compile(r"[a-z0-9_-]+[a-z0-9]")  # schema.json's Event.slug
_HTTP = re.compile(r"https?://\S+", re.IGNORECASE)
REFERENCE_TYPES = ("slides", "paper", "web", "blog", "article", "media", "related", "activitypub")


def acronym(conf: Conference, pattern: re.Pattern[str]) -> str:
    """The conference's acronym as given (`fosdem-2025`) when the schema's `pattern` accepts it, else
    `conf.short` (`fosdem_2025`: schema.json allows a `-` only before a year and a word, `36c3-2019-camp`)."""
    given = conf.acronym.strip()
    return given if given and pattern.fullmatch(given) else conf.short


def web_address(text: str | None) -> str | None:
    """`text` when it is an http(s) address without spaces (what the schemas accept for url, feedback_url)."""
    text = (text or "").strip()
    return text if _HTTP.fullmatch(text) else None


def references(s: Session, group: str) -> list[dict[str, str]]:
    """The session's `links` or `attachments` column (JSON text written by salle import frab: a list of
    {url, title, type}); [] when empty or not such a list (a cell edited by hand)."""
    text = s.extra.get(group, "").strip()
    if not text:
        return []
    try:
        items = json.loads(text)
    except ValueError:
        return []
    found = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, str):
            item = {"url": item}
        if isinstance(item, dict) and isinstance(item.get("url"), str) and item["url"].strip():
            found.append({k: plain(str(v)) for k, v in item.items() if k in ("url", "title", "type") and v})
    return [f for f in found if f.get("url")]


def events(problem: Problem, items: list[Entry], conf: Conference) -> list[Event]:
    """The events of `items`, each with its id, guid, slug and url: an imported session keeps its own slug (when
    schedule.xml's schema accepts it and no other event has it) and url (an http(s) address); schedule.json's
    slug is the same unless its schema refuses it (FOSDEM's ending in `-`: then without that end)."""
    stems = talk_stems(problem)
    ids, guids = frab_ids(problem.sessions, conf.short)
    out = []
    taken: set[str] = set()
    for e in items:
        sid = e.session.session_id
        n = ids[sid]
        made = f"{conf.short}-{n}-{slugify(e.session.title)}"[:90].rstrip("-_")
        given = e.session.extra.get("slug", "").strip()
        slug = given if XSD_SLUG.fullmatch(given) and given not in taken else made
        taken.add(slug)
        json_slug = slug if JSON_SLUG.fullmatch(slug) else slug.rstrip("-_")
        if not JSON_SLUG.fullmatch(json_slug):
            json_slug = made
        page = talk_path(stems[sid]) if sid in stems else f"timetable.html#s-{quote(sid, safe=ANCHOR_SAFE)}"
        url = web_address(e.session.extra.get("url")) or (  # an imported event's canonical address wins
            talk_page_url(conf.base_url, sid, stems) if conf.base_url else page) or page
        out.append(Event(e, n, guids[sid], slug, url, json_slug))
    return out


def by_day_and_room(evs: list[Event]) -> dict[tuple[dt.date, str], list[Event]]:
    """(day, room_id) -> its events, in the order of `evs`."""
    out: dict[tuple[dt.date, str], list[Event]] = {}
    for ev in evs:
        out.setdefault((ev.entry.day, ev.entry.room.room_id), []).append(ev)
    return out


def timeslot(problem: Problem) -> str:
    """The coarsest step all slot times fall on (e.g. `00:15` for 13:30–14:45), as frab's timeslot_duration."""
    step = 0
    for s in problem.slots:
        step = math.gcd(step, s.start, s.end)
    return format_time(min(step or 60, 60))


def day_span(problem: Problem, day: dt.date, tz: ZoneInfo) -> tuple[str, str]:
    slots = problem.slots_by_day[day]
    return at(day, slots[0].start, tz).isoformat(), at(day, max(s.end for s in slots), tz).isoformat()


def room_labels(problem: Problem) -> dict[str, str]:
    """The name apps show for each room id; a name two rooms share gets the id appended, so that no session
    disappears from schedule.json, whose rooms are keyed by name (the reader refuses such names anyway)."""
    counts: dict[str, int] = {}
    for r in problem.rooms:
        counts[r.name] = counts.get(r.name, 0) + 1
    return {r.room_id: plain(r.name if counts[r.name] == 1 else f"{r.name} ({r.room_id})") for r in problem.rooms}


def schedule_version(items: list[Entry]) -> str:
    text = "\n".join(f"{e.session.session_id},{e.room.room_id},{e.slots[0].slot_id}" for e in items)
    return "salle-" + hashlib.sha1(text.encode()).hexdigest()[:10]


def track_names(problem: Problem) -> list[str]:
    return list(dict.fromkeys(plain(s.track) for s in problem.sessions if s.track))


def event_language(s: Session, texts: Texts) -> str:
    """The session's `language` column (an older inputs folder may have it as an extra one), else the
    publication's language."""
    return plain(s.language or s.extra.get("language")) or texts.language


def event_type(s: Session) -> str:
    """frab's event type: the imported `type` column (FOSDEM's `devroom`, 31C3's `lecture`), else the session's
    kind, else `talk`."""
    return plain(s.extra.get("type", "")) or plain(s.kind) or "talk"


def event_details(s: Session) -> str:
    """The `details` column as sanitized Markdown (solver.publish.sanitize.markup)."""
    return markup(s.extra.get("details", ""))


def person_id(speaker_id: str) -> int | None:
    return int(speaker_id) if speaker_id.isdigit() and int(speaker_id) > 0 else None


def person_guid(conf: Conference, speaker_id: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"salle:{conf.short}:person:{speaker_id}"))


# -- schedule.xml ---------------------------------------------------------------------------------------------
def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, tag, attrs)
    if text is not None:
        node.text = text
    return node


def schedule_xml(problem: Problem, items: list[Entry], conf: Conference, *, locale: str | None = None,
                 pending: Iterable[str] | None = None) -> str:
    """The frab schedule.xml (validates against schedule.xml.xsd). `locale` and `pending` as for the pages
    (solver.publish.pages.render_pages): the sessions without a time are named in a comment."""
    tz = conf.tz
    texts = resolve_locale(problem, locale)
    waiting = unscheduled(problem, items, pending)
    root = ET.Element("schedule")
    _sub(root, "generator", name="salle", version="0.1")
    _sub(root, "version", schedule_version(items))
    c = _sub(root, "conference")
    _sub(c, "acronym", acronym(conf, XSD_ACRONYM))
    _sub(c, "title", plain(conf.title))
    _sub(c, "start", problem.days[0].isoformat())
    _sub(c, "end", problem.days[-1].isoformat())
    _sub(c, "days", str(len(problem.days)))
    _sub(c, "timeslot_duration", timeslot(problem))
    if conf.base_url:  # a plain http(s) address (solver.publish.publications.check_base_url)
        _sub(c, "base_url", conf.base_url)
    _sub(c, "time_zone_name", tz.key)
    for track in track_names(problem):
        _sub(c, "track", track, name=track)
    placed = by_day_and_room(events(problem, items, conf))
    labels = room_labels(problem)
    for index, day in enumerate(problem.days, start=1):
        start, end = day_span(problem, day, tz)
        d = _sub(root, "day", date=day.isoformat(), start=start, end=end, index=str(index))
        for room in problem.rooms:
            r = _sub(d, "room", name=labels[room.room_id])
            for ev in placed.get((day, room.room_id), ()):
                _event_xml(r, ev, conf, labels[room.room_id], texts)
    if waiting:
        root.append(ET.Comment(pending_comment(waiting, texts)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def pending_comment(pending: list[Pending], texts: Texts) -> str:
    """` Time to be announced: 2 sessions are not in the timetable yet.` then `S5: Title`, one per line
    (a comment may not hold `--`: it is written `- -`)."""
    lines = [texts("tba_count", n=len(pending)),
             *(f"{p.session.session_id}: {plain(p.session.title)}" for p in pending)]
    return " " + "\n  ".join(re.sub(r"-(?=-)", "- ", line) for line in lines) + " "


def _event_xml(parent: ET.Element, ev: Event, conf: Conference, room: str, texts: Texts) -> None:
    e, s = ev.entry, ev.entry.session
    node = _sub(parent, "event", id=str(ev.id), guid=ev.guid)
    _sub(node, "date", e.starts_at(conf.tz).isoformat())
    _sub(node, "start", format_time(e.start))
    _sub(node, "duration", format_time(e.minutes))
    _sub(node, "room", room)
    _sub(node, "slug", ev.slug)
    if ev.url.startswith(("http://", "https://")):
        _sub(node, "url", ev.url)
    _sub(node, "title", plain(s.title))
    _sub(node, "subtitle", plain(s.extra.get("subtitle", "")))
    _sub(node, "track", plain(s.track))
    _sub(node, "type", event_type(s))
    language = event_language(s, texts)
    if language:
        _sub(node, "language", language)
    _sub(node, "abstract", markup(s.description))
    _sub(node, "description", event_details(s))
    persons = _sub(node, "persons")
    for p in e.speakers:
        attrs = {"guid": person_guid(conf, p.speaker_id)}
        if person_id(p.speaker_id) is not None:
            attrs["id"] = p.speaker_id
        _sub(persons, "person", plain(p.name), **attrs)
    feedback = web_address(s.extra.get("feedback_url"))
    if feedback:
        _sub(node, "feedback_url", feedback)
    for group, tag in (("links", "link"), ("attachments", "attachment")):
        refs = references(s, group)
        if refs or group == "links":
            holder = _sub(node, group)
            for ref in refs:
                attrs = {"href": ref["url"], **({"type": ref["type"]} if ref.get("type") else {})}
                _sub(holder, tag, ref.get("title") or ref["url"], **attrs)
