"""The publications of a solved schedule, all rendered from one schedule view (solver.publish.view.entries).

`render_publications` returns every file as `relative path -> content` (the table in solver.publish); nothing
here touches the disk: solver.publish.files adds the run's own files and writes them all at once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from solver.config import Config
from solver.errors import InputError, Issue, clip, shown
from solver.inputs import Problem
from solver.inputs.conference import CONFERENCE
from solver.publish.frab import schedule_xml
from solver.publish.frab_json import schedule_json
from solver.publish.ical import PublishedCalendar, moves, read_calendar, uid_stem
from solver.publish.lists import door_lists, speakers_csv
from solver.publish.pages import render_pages
from solver.publish.view import Conference, entries, file_names
from solver.publish.workbook import Report, schedule_xlsx
from solver.schedule import Schedule

__all__ = ["check_base_url", "check_conference_url", "check_timezone", "render_publications"]


def render_publications(
    problem: Problem,
    schedule: Schedule,
    *,
    timezone: str = "America/Toronto",
    report: Report | None = None,
    title: str = "Programme",
    acronym: str = "",
    base_url: str | None = None,
    locale: str | None = None,
    pending: Iterable[str] | None = None,
    previous: Mapping[str, tuple[str, str]] | None = None,
    sequences: Mapping[str, int] | None = None,
    stamp: dt.datetime | None = None,
    failures: list[str] | None = None,
    config: Config | None = None,
    calendar: bytes | None = None,
) -> dict[str, str | bytes]:
    """Every publication of `schedule`, keyed by its path relative to the output folder.

    `timezone` is an IANA name (the conference's local time); `report` is the score report (rows of
    rule/amount/penalty…) added to the workbook when given; `title`, `acronym` and `base_url` name the
    conference in the HTML pages, calendars and frab files. `locale`, `pending`, `previous`, `sequences` and
    `stamp` go to solver.publish.pages.render_pages (language, sessions announced without a time, calendar
    SEQUENCE and DTSTAMP). Raises ValueError for an unknown time zone or locale, or a `base_url` that is not a
    plain http(s) address (`check_base_url`). With a `failures` list, a format whose renderer fails is left out
    and named there, and every other file is still returned (solver.publish.files.publish then writes none). `config`
    (the rules applied) fills the workbook's Rules sheet (default: the catalogue's defaults).

    `calendar` is the calendar.ics published before (the output folder's, solver.publish.files): when it is one,
    the calendars' SEQUENCE counts the moves since (solver.publish.ical.moves, in place of `previous` and
    `sequences`) and, without an acronym, their UIDs keep its conference part (ical.uid_stem).
    """
    conf = Conference(title=title, acronym=acronym, timezone=check_timezone(timezone),
                      base_url=check_base_url(base_url) if base_url else None)
    items = entries(problem, schedule)
    published = _published(calendar)
    if published is not None:
        previous, sequences = moves(items, conf.tz, published)
    cal_conf = replace(conf, acronym=uid_stem(acronym, published))  # the pages show no acronym: UIDs only
    makers: dict[str, Callable[[], Mapping[str, str | bytes]]] = {
        "schedule.xml": lambda: {"schedule.xml": schedule_xml(problem, items, conf, locale=locale, pending=pending)},
        "schedule.json": lambda: {"schedule.json": schedule_json(problem, items, conf, locale=locale,
                                                                pending=pending)},
        "schedule.xlsx": lambda: {"schedule.xlsx": schedule_xlsx(problem, schedule, items, report, conf=conf,
                                                                 locale=locale, config=config, pending=pending)},
        "speakers.csv": lambda: {"speakers.csv": speakers_csv(problem, items)},
        "rooms/*.csv": lambda: door_lists(problem, items, file_names([r.room_id for r in problem.rooms])),
        "pages and calendars": lambda: render_pages(problem, items, cal_conf, locale=locale, pending=pending,
                                                    previous=previous, sequences=sequences, stamp=stamp),
    }
    files: dict[str, str | bytes] = {}
    for what, make in makers.items():
        if failures is None:
            files.update(make())
            continue
        try:
            files.update(make())
        except Exception as exc:  # a bug in one format must not lose the others: say which, write the rest
            failures.append(f"{what} could not be rendered ({type(exc).__name__}: {clip(str(exc), 200)})")
    return files


def _published(calendar: bytes | None) -> PublishedCalendar | None:
    """The calendar published before, or None when there is none or it is not one salle can read."""
    if not calendar:
        return None
    try:
        return read_calendar(calendar)
    except Exception:  # a damaged file must not stop a publication: it is replaced
        return None


# what a web address may not hold: quotes, angle brackets, a backslash, a backtick, braces, spaces, controls
_NOT_IN_URL = re.compile(r"[\s\"'<>\\`{}|^\x00-\x1f\x7f]")
_HOST = re.compile(r"^(?:[\w-]+(?:\.[\w-]+)*\.?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$")  # a name, or IPv6


def check_base_url(url: str) -> str:
    """`url` if it is a plain web address (http or https, a host name, no quote, angle bracket, backslash or
    space: it goes into every event's link and calendar), else ValueError saying what is wrong."""
    problem = None
    parts = urlsplit(url) if not _NOT_IN_URL.search(url) else None
    if parts is None:
        found = _NOT_IN_URL.search(url)
        assert found is not None
        problem = f"contains {found.group()!r}, which a web address cannot hold"
    elif parts.scheme.lower() not in ("http", "https"):
        problem = "must start with http:// or https://"
    elif not parts.hostname or not _HOST.match(parts.hostname) or "@" in parts.netloc:
        problem = "needs a host name after http(s):// (and no user name)"
    else:
        try:
            parts.port  # noqa: B018 - raises ValueError for a port that is not a number up to 65535
        except ValueError:
            problem = "has a port that is not a number up to 65535"
    if problem:
        raise ValueError(f"{shown(url)} is not a web address: it {problem} (for example https://example.org/2027/)")
    return url


def check_conference_url(url: str | None, inputs: Path | None = None, option: str | None = None) -> None:
    """`url` (the conference's base_url) is a plain http(s) address, or an InputError naming --base-url (when
    `option`, the value given on the command line, is the one applied) or INPUTS/conference.yaml; called
    before any work is done."""
    if not url:
        return
    try:
        check_base_url(url)
    except ValueError as exc:
        if option is not None and option.strip() == url:
            raise InputError([Issue("--base-url", str(exc))]) from None
        raise InputError([Issue(str(Path(inputs or ".") / CONFERENCE), f"base_url: {exc}")]) from None


def check_timezone(name: str) -> str:
    """`name` if it is an IANA time zone (America/Toronto), else ValueError."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone '{name}' (expected an IANA name such as America/Toronto)") from None
    return name
