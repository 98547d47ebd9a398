"""The publications of a solved schedule, all rendered from one schedule view (solver.publish.view.entries).

`render_publications` returns every file as `relative path -> content` (the table in solver.publish); nothing
here touches the disk: solver.publish.files adds the run's own files and writes them all at once.
`publication_jobs` gives the same work as jobs (`Job`), each rendering a part of one publication (`GROUPS`) on
its own, so that solver.publish.files can render them side by side in processes of their own, and leave out a
publication as a whole when there is no time for it (after a Ctrl-C).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from solver.config import Config
from solver.errors import InputError, Issue, clip, shown
from solver.inputs import Problem
from solver.inputs.conference import CONFERENCE
from solver.publish.frab import schedule_xml
from solver.publish.frab_json import schedule_json
from solver.publish.ical import PublishedCalendar, moves, read_calendar, run_time, uid_stem
from solver.publish.lists import door_lists, speakers_csv
from solver.publish.pages import PARTS, render_pages
from solver.publish.view import Conference, entries, file_names
from solver.publish.workbook import Report, schedule_xlsx
from solver.schedule import Schedule

__all__ = ["GROUPS", "Job", "check_base_url", "check_conference_url", "check_timezone", "publication_jobs",
           "render_publications"]

PAGES = "pages and calendars"
# every publication (refreshed, or left out, as a whole: its files link to one another) and the files it writes
GROUPS: dict[str, tuple[str, ...]] = {
    "speakers.csv": ("speakers.csv",),
    "rooms/*.csv": ("rooms/*.csv",),
    "schedule.json": ("schedule.json",),
    "schedule.xml": ("schedule.xml",),
    PAGES: ("timetable*.html", "programme.md", "programme.html", "calendar.ics", "rooms/*.ics", "speakers/*.ics",
            "talks/*", "now/*"),
    "schedule.xlsx": ("schedule.xlsx",),
}
# about the seconds each job takes per session (rendering, and writing its files), measured on the generated XL
# conference (5,000 sessions) on one core of the 2-core benchmark machine: to balance the jobs between
# processes and to say how long publishing takes (solver.publish.files.publish_seconds)
PAGES_SECONDS = 7.6e-4  # the pages and calendars' rendering, shared among their parts by pages.PARTS
FILE_SECONDS = 1.2e-4  # writing one file (a temp file, flushed with the others), whatever its size
SECONDS = {"speakers.csv": 2.0e-5, "rooms/*.csv": 1.5e-5, "schedule.json": 1.3e-4, "schedule.xml": 1.3e-4,
           "schedule.xlsx": 4.6e-4}
FILES_PER_SESSION = {"talks": 2.0, "calendars": 1.2}  # talks/<stem>.html and .ics; speakers/*.ics (about)


@dataclass(frozen=True)
class Job:
    """A part of one publication (`group`, of `GROUPS`), rendered on its own: `make()` gives its files as
    `relative path -> content`; `seconds` is about how long it takes for this conference (rendering and
    writing), for balancing jobs between processes."""

    name: str
    group: str
    seconds: float
    make: Callable[[], Mapping[str, str | bytes]]


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
    jobs = publication_jobs(problem, schedule, timezone=timezone, report=report, title=title, acronym=acronym,
                            base_url=base_url, locale=locale, pending=pending, previous=previous,
                            sequences=sequences, stamp=stamp, config=config, calendar=calendar)
    files: dict[str, str | bytes] = {}
    failed: set[str] = set()
    for job in jobs:
        if job.group in failed:
            continue
        if failures is None:
            files.update(job.make())
            continue
        try:
            made = job.make()
        except Exception as exc:  # a bug in one format must not lose the others: say which, write the rest
            failures.append(failure(job.group, exc))
            failed.add(job.group)
            continue
        files.update(made)
    if failed:  # a publication is written whole or not at all: the parts of it that did render are left out too
        files = {path: content for path, content in files.items() if group_of(path) not in failed}
    return files


def failure(group: str, exc: BaseException) -> str:
    """The sentence naming a publication that could not be rendered."""
    return f"{group} could not be rendered ({type(exc).__name__}: {clip(str(exc), 200)})"


def group_of(path: str) -> str | None:
    """The publication (of `GROUPS`) that writes the file at `path` (relative to the output folder), if any."""
    from fnmatch import fnmatchcase

    for group, patterns in GROUPS.items():
        if any(fnmatchcase(path, pattern) for pattern in patterns):
            return group
    return None


def publication_jobs(
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
    config: Config | None = None,
    calendar: bytes | None = None,
) -> list[Job]:
    """The work of `render_publications` (same parameters) as jobs, in the order of `GROUPS`. Their files
    together are `render_publications`'s, byte for byte: the calendars' DTSTAMP is fixed here, once."""
    conf = Conference(title=title, acronym=acronym, timezone=check_timezone(timezone),
                      base_url=check_base_url(base_url) if base_url else None)
    items = entries(problem, schedule)
    published = _published(calendar)
    if published is not None:
        previous, sequences = moves(items, conf.tz, published)
    cal_conf = replace(conf, acronym=uid_stem(acronym, published))  # the pages show no acronym: UIDs only
    stamp = stamp or run_time()
    n = max(1, len(items))
    files = FILE_SECONDS * n

    def pages(part: str) -> Job:
        return Job(f"{PAGES}: {part}", PAGES, n * PAGES_SECONDS * PARTS[part] + files * FILES_PER_SESSION.get(part, 0),
                   lambda: render_pages(problem, items, cal_conf, locale=locale, pending=pending, previous=previous,
                                        sequences=sequences, stamp=stamp, parts=[part]))

    return [
        Job("speakers.csv", "speakers.csv", n * SECONDS["speakers.csv"],
            lambda: {"speakers.csv": speakers_csv(problem, items)}),
        Job("rooms/*.csv", "rooms/*.csv", n * SECONDS["rooms/*.csv"] + FILE_SECONDS * len(problem.rooms),
            lambda: door_lists(problem, items, file_names([r.room_id for r in problem.rooms]))),
        Job("schedule.json", "schedule.json", n * SECONDS["schedule.json"],
            lambda: {"schedule.json": schedule_json(problem, items, conf, locale=locale, pending=pending)}),
        Job("schedule.xml", "schedule.xml", n * SECONDS["schedule.xml"],
            lambda: {"schedule.xml": schedule_xml(problem, items, conf, locale=locale, pending=pending)}),
        *(pages(part) for part in PARTS),
        Job("schedule.xlsx", "schedule.xlsx", n * SECONDS["schedule.xlsx"],
            lambda: {"schedule.xlsx": schedule_xlsx(problem, schedule, items, report, conf=conf, locale=locale,
                                                    config=config, pending=pending)}),
    ]


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
