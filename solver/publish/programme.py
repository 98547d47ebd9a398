"""`programme.md` and `programme.html`: the seed's programme (days, time blocks, sessions) with the rooms filled in.

Sessions keep sessions.csv order within a block; dates and times are written as the locale does
(`jeudi 13 mai 2027`, `13 h 30 – 14 h 45` in fr_CA; `Thursday, May 13, 2027`, `1:30 – 2:45 PM` in en).
Sessions the schedule leaves out (`--allow-unscheduled`) close the programme under « Horaire à venir » /
"Time to be announced": announced, not silently dropped.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from markupsafe import Markup

from solver.inputs import Problem, Session, Speaker
from solver.publish.locale import Texts
from solver.publish.render import render
from solver.publish.view import Conference, Entry, md_text, one_line
from solver.richtext import joined, to_html, to_safe_markdown


@dataclass
class TimeBlock:
    hours: str
    label: str
    items: list[Entry] = field(default_factory=list)


@dataclass
class ProgrammeDay:
    day: dt.date
    title: str
    blocks: list[TimeBlock]


@dataclass(frozen=True)
class Pending:
    """A session without a room and time yet (left out by the solver)."""

    session: Session
    speakers: tuple[Speaker, ...]


def unscheduled(problem: Problem, items: list[Entry], pending: Iterable[str] | None = None) -> list[Pending]:
    """The sessions to announce without a time: `pending` (session ids) when given, else every session of
    `problem` that `items` does not place; in sessions.csv order."""
    placed = {e.session.session_id for e in items}
    wanted = set(pending) if pending is not None else {s.session_id for s in problem.sessions}
    return [Pending(s, tuple(problem.speaker[p] for p in s.speakers if p in problem.speaker))
            for s in problem.sessions if s.session_id in wanted and s.session_id not in placed]


def block_label(e: Entry) -> str:
    return e.slots[0].label or (e.session.kind or "").replace("-", " ").capitalize()


def programme_days(problem: Problem, items: list[Entry], texts: Texts) -> list[ProgrammeDay]:
    order = {s.session_id: i for i, s in enumerate(problem.sessions)}
    by_day: dict[dt.date, dict[tuple[int, int, str], list[Entry]]] = defaultdict(lambda: defaultdict(list))
    for e in items:
        by_day[e.day][(e.start, e.end, block_label(e))].append(e)
    return [
        ProgrammeDay(day, texts.long_day(day), [
            TimeBlock(texts.hours(start, end), label, sorted(group, key=lambda e: order[e.session.session_id]))
            for (start, end, label), group in sorted(by_day[day].items())
        ])
        for day in sorted(by_day)
    ]


def programme_html(problem: Problem, items: list[Entry], conf: Conference, texts: Texts,
                   pending: list[Pending] | None = None) -> str:
    return render("programme.html.j2", conf=conf, days=programme_days(problem, items, texts), t=texts,
                  pending=pending or [], about=about_html)


def about(session: Session) -> str:
    """The session's `description` and `details` (imported schedules) as one Markdown text."""
    return joined(session.description, session.extra.get("details"))


def about_html(session: Session) -> Markup:
    """`about` rendered: Markdown to HTML by markdown-it-py, sanitized by nh3 (solver.richtext.to_html)."""
    return Markup(to_html(about(session)))  # sanitized by nh3: safe to insert as is


def _person(p: Speaker) -> str:
    return md_text(one_line(f"{p.name}, {p.affiliation}" if p.affiliation else p.name))


def programme_markdown(problem: Problem, items: list[Entry], conf: Conference, texts: Texts,
                       pending: list[Pending] | None = None) -> str:
    """Days, then time blocks with their label, then each session: title, room, speakers, description;
    then the sessions whose time is to be announced. Titles and names are literal (`md_text`) and on one line
    (`one_line`: a heading cannot hold a line break): a title
    cannot make a link, a heading or raw HTML; descriptions are Markdown, re-written from their sanitized
    rendering (paragraphs, lists, emphasis and links kept; no raw HTML, no heading)."""
    lines = [f"# {md_text(conf.title)}", ""]
    for d in programme_days(problem, items, texts):
        lines += [f"## {d.title}", ""]
        for b in d.blocks:
            lines += [f"### {b.hours}", ""]
            if b.label:
                lines += [f"**{md_text(one_line(b.label))}**", ""]
            for e in b.items:
                lines += [f"#### {md_text(one_line(e.session.title))}", "", f"*{md_text(one_line(e.room.name))}*", ""]
                lines += [line for p in e.speakers for line in (_person(p), "")]
                if about(e.session):
                    lines += [to_safe_markdown(about(e.session)), ""]
    if pending:
        lines += [f"## {texts('tba')}", "", texts("tba_note"), ""]
        for item in pending:
            lines += [f"#### {md_text(one_line(item.session.title))}", "", f"*{texts('tba')}*", ""]
            lines += [line for p in item.speakers for line in (_person(p), "")]
            if about(item.session):
                lines += [to_safe_markdown(about(item.session)), ""]
    return "\n".join(lines).rstrip() + "\n"
