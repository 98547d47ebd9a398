"""`talks/<stem>.html` and `talks/<stem>.ics`: a page and a one-event calendar per session.

The page says what a talk is (title, day, time, room, track, speakers with their biographies, abstract and
details rendered as programme.html renders them: Markdown by markdown-it-py, sanitized by nh3), links its
calendar and the timetable back; it reads on a 390 px phone (long addresses and code wrap) and prints on one
sheet. A session whose time is to be announced gets a page too (no calendar: it has no time yet).

Stems are `view.file_names` over every session id of the conference (`talk_stems`), so a talk keeps its file
when others are added or moved; `talk_page_url` gives the address other publications (calendars, frab `url`)
link to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

from markupsafe import Markup

from solver.inputs import Problem, Session, Speaker
from solver.publish.ical import Calendars
from solver.publish.locale import Texts
from solver.publish.programme import Pending, about_html
from solver.publish.render import render
from solver.publish.timetable import fold, page_name, utc_stamp
from solver.publish.view import Conference, Entry, file_names
from solver.richtext import to_html

TALKS = "talks"


def talk_stems(problem: Problem) -> dict[str, str]:
    """session_id -> the stem of its files (`talks/<stem>.html`, `talks/<stem>.ics`), over every session."""
    return file_names([s.session_id for s in problem.sessions])


def talk_path(stem: str, ext: str = "html") -> str:
    """`talks/<stem>.html`: the file's path relative to the output folder."""
    return f"{TALKS}/{stem}.{ext}"


def talk_page_url(base_url: str | None, session_id: str, stems: Mapping[str, str]) -> str | None:
    """The talk page's web address: `<base_url>/talks/<stem>.html`, or None without a base URL.

    `stems` is `talk_stems(problem)` (computed once per publication); an id missing from it (not a session of
    the conference) gets the stem `file_names` gives it alone."""
    if not base_url:
        return None
    stem = stems.get(session_id) or file_names([session_id])[session_id]
    return base_url.rstrip("/") + "/" + quote(talk_path(stem), safe="/._-~")


@dataclass(frozen=True)
class Person:
    name: str
    affiliation: str
    bio: Markup


@dataclass(frozen=True)
class Talk:
    """What a talk page shows."""

    session: Session
    stem: str
    day: str
    hours: str
    iso_start: str
    iso_end: str
    room: str
    people: list[Person]
    about: Markup
    lang: str
    back: str
    calendar: str | None
    record: dict[str, str]


def _people(speakers: tuple[Speaker, ...]) -> list[Person]:
    return [Person(p.name, p.affiliation or "", Markup(to_html(p.extra.get("biography"))))  # sanitized by nh3
            for p in speakers]


def talk_pages(problem: Problem, items: list[Entry], conf: Conference, texts: Texts, *,
               pending: list[Pending], paged: bool, stems: Mapping[str, str]) -> dict[str, str]:
    """`talks/<stem>.html` for every scheduled session of `items` and every session of `pending`."""
    days = sorted({*problem.days, *(e.day for e in items)})
    talks: list[Talk] = []
    for e in items:
        sid = e.session.session_id
        back = f"../{page_name('timetable', days, e.day, paged)}#s-{quote(sid, safe='')}"
        hours = texts.hours(e.start, e.end)
        names = texts.names([p.name for p in e.speakers])
        record = {"id": sid, "t": e.session.title, "u": talk_path(quote(stems[sid], safe="._-~")), "s": names,
                  "r": e.room.name, "ri": e.room.room_id, "tr": e.session.track or "", "d": texts.day(e.day),
                  "h": hours, "a": utc_stamp(e.starts_at(conf.tz)), "b": utc_stamp(e.ends_at(conf.tz)),
                  "f": fold(e.session.title, names, e.session.track)}
        talks.append(Talk(e.session, stems[sid], texts.long_day(e.day), hours,
                          e.starts_at(conf.tz).isoformat(timespec="minutes"),
                          e.ends_at(conf.tz).isoformat(timespec="minutes"), e.room.name, _people(e.speakers),
                          about_html(e.session), texts.other(e.session.language), back, f"{stems[sid]}.ics", record))
    home = "../timetable.html"
    for item in pending:
        sid = item.session.session_id
        names = texts.names([p.name for p in item.speakers])
        record = {"id": sid, "t": item.session.title, "u": talk_path(quote(stems[sid], safe="._-~")), "s": names,
                  "r": "", "ri": "", "tr": item.session.track or "", "d": "", "h": texts("tba"), "a": "", "b": "",
                  "f": fold(item.session.title, names, item.session.track)}
        talks.append(Talk(item.session, stems[sid], "", texts("tba"), "", "", "", _people(item.speakers),
                          about_html(item.session), texts.other(item.session.language), f"{home}#tba", None, record))
    return {talk_path(t.stem): render("talk.html.j2", conf=conf, t=texts, talk=t, home=home) for t in talks}


def talk_calendars(cals: Calendars, items: list[Entry], conf: Conference, stems: Mapping[str, str]) -> dict[str, bytes]:
    """`talks/<stem>.ics`: one VEVENT each, from the publication's `ical.Calendars` (the same event bytes, UID
    and SEQUENCE as calendar.ics)."""
    return {talk_path(stems[e.session.session_id], "ics"): cals.calendar([e], f"{conf.title} – {e.session.title}")
            for e in items}

