"""`schedule.json` in the voc schema's shape (pretalx's export), from the same events as schedule.xml
(solver.publish.frab: ids, guids, texts, languages and sessions without a time are decided there)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from urllib.parse import quote

from solver.inputs import Problem, Session, Speaker
from solver.inputs.values import format_time
from solver.publish.frab import (
    JSON_ACRONYM,
    REFERENCE_TYPES,
    TZ_NAME,
    Event,
    acronym,
    by_day_and_room,
    day_span,
    event_details,
    event_language,
    event_type,
    events,
    frab_ids,
    person_guid,
    person_id,
    references,
    room_labels,
    schedule_version,
    timeslot,
    track_names,
    web_address,
)
from solver.publish.locale import Texts, resolve_locale
from solver.publish.programme import Pending, unscheduled
from solver.publish.sanitize import markup, plain
from solver.publish.view import Conference, Entry, slugify

_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"  # what a link's address keeps as written (spaces and the like are encoded)


def schedule_json(problem: Problem, items: list[Entry], conf: Conference, *, locale: str | None = None,
                  pending: Iterable[str] | None = None) -> str:
    """The voc schedule.json (validates against schema.json); `locale` and `pending` as for the pages: the
    sessions without a time are listed under `x-unscheduled`."""
    tz = conf.tz
    texts = resolve_locale(problem, locale)
    waiting = unscheduled(problem, items, pending)
    placed = by_day_and_room(events(problem, items, conf))
    labels = room_labels(problem)
    days = []
    for index, day in enumerate(problem.days, start=1):
        start, end = day_span(problem, day, tz)
        rooms = {
            labels[room.room_id]: [_event_json(ev, conf, labels[room.room_id], texts)
                                   for ev in placed.get((day, room.room_id), ())]
            for room in problem.rooms
        }
        days.append({"index": index, "date": day.isoformat(), "day_start": start, "day_end": end, "rooms": rooms})
    conference: dict[str, object] = {
        "acronym": acronym(conf, JSON_ACRONYM),
        "title": plain(conf.title),
        "start": problem.days[0].isoformat(),
        "end": problem.days[-1].isoformat(),
        "daysCount": len(problem.days),
        "timeslot_duration": timeslot(problem),
        "rooms": [
            {"name": labels[r.room_id],
             "guid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"salle:{conf.short}:room:{r.room_id}")),
             "capacity": r.capacity}
            for r in problem.rooms
        ],
        "tracks": [{"name": t, "slug": slugify(t)} for t in track_names(problem)],
        "days": days,
    }
    if TZ_NAME.match(conf.timezone):
        conference["time_zone_name"] = conf.timezone
    schedule: dict[str, object] = {"version": schedule_version(items), "conference": conference}
    if conf.base_url:
        schedule["base_url"] = conf.base_url
    if waiting:
        ids, guids = frab_ids(problem.sessions, conf.short)
        schedule["x-unscheduled"] = [_pending_json(p, ids, guids, conf, texts) for p in waiting]
    doc = {
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": {"name": "salle", "version": "0.1"},
        "schedule": schedule,
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _persons_json(speakers: tuple[Speaker, ...], conf: Conference) -> list[dict[str, object]]:
    persons: list[dict[str, object]] = []
    for p in speakers:
        person: dict[str, object] = {"name": plain(p.name), "guid": person_guid(conf, p.speaker_id)}
        if person_id(p.speaker_id) is not None:
            person["id"] = person_id(p.speaker_id)
        if p.extra.get("biography"):
            person["biography"] = markup(p.extra["biography"])
        persons.append(person)
    return persons


def _texts_json(s: Session, texts: Texts) -> dict[str, object]:
    return {
        "title": plain(s.title),
        "subtitle": plain(s.extra.get("subtitle", "")),
        "track": plain(s.track) if s.track else s.track,
        "type": event_type(s),
        "language": event_language(s, texts),
        "abstract": markup(s.description),
        "description": event_details(s) or None,
    }


def _references_json(s: Session, group: str) -> list[dict[str, str]]:
    """The schema's Reference objects: url (spaces percent-encoded), title, and type when it is one it knows."""
    found = []
    for ref in references(s, group):
        item = {"url": quote(ref["url"], safe=_URL_SAFE)}
        if ref.get("title"):
            item["title"] = ref["title"]
        if ref.get("type") in REFERENCE_TYPES:
            item["type"] = ref["type"]
        found.append(item)
    return found


def _kept_json(s: Session) -> dict[str, object]:
    """feedback_url and attachments when the session has them (imported), as the schema has them."""
    kept: dict[str, object] = {}
    feedback = web_address(s.extra.get("feedback_url"))
    if feedback:
        kept["feedback_url"] = feedback
    attachments = _references_json(s, "attachments")
    if attachments:
        kept["attachments"] = attachments
    return kept


def _event_json(ev: Event, conf: Conference, room: str, texts: Texts) -> dict[str, object]:
    e = ev.entry
    return {
        "id": ev.id,
        "guid": ev.guid,
        "date": e.starts_at(conf.tz).isoformat(),
        "start": format_time(e.start),
        "end": e.ends_at(conf.tz).isoformat(),
        "duration": format_time(e.minutes),
        "room": room,
        "slug": ev.json_slug or ev.slug,
        "url": ev.url,
        **_texts_json(e.session, texts),
        "persons": _persons_json(e.speakers, conf),
        "links": _references_json(e.session, "links"),
        **_kept_json(e.session),
    }


def _pending_json(p: Pending, ids: dict[str, int], guids: dict[str, str], conf: Conference,
                  texts: Texts) -> dict[str, object]:
    """A session without a time: an event without date, room or duration, with a note saying so."""
    sid = p.session.session_id
    return {"id": ids[sid], "guid": guids[sid], **_texts_json(p.session, texts),
            "persons": _persons_json(p.speakers, conf), "links": _references_json(p.session, "links"),
            **_kept_json(p.session), "note": texts("tba")}
