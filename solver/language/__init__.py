"""The language salle speaks to organizers and attendees: one gettext catalogue per language, read with Babel.

Catalogues are `solver/locales/<language>.po` files (`fr.po`, `en.po`, `fr_CA.po` for a regional variant), read
at run time with Babel (no compile step): dropping `de.po` there makes salle speak German. `salle.pot` is the
template a translator copies (`python -m solver.language init de`), refreshed from the code by
`python -m solver.language extract` (`update` also merges it into every catalogue).

Three kinds of messages share a catalogue:
- sentences (the judge's violations, the explanations, report.md, the desk server's answers): the English
  sentence is the msgid (gettext's convention), with str.format fields: `say("{id} expects {n} people", id=…,
  n=…)`, `say_n("{n} session", "{n} sessions", n)`; a module calls `say` / `say_n` with string literals only, so
  that the extraction finds every sentence;
- the rules' own texts, their English the msgid: their units (msgctxt `unit`, a rule module's `UNIT`, `unit()`)
  and summaries (msgctxt `summary`, the first line of its docstring, `summary()`);
- keyed texts (msgctxt `page`: the public pages and calendars, solver.publish.locale; `desk`: the desk's page,
  solver.serve.i18n): a short id as msgid, whose English is in en.po.

A message a catalogue lacks comes from the language's own catalogue (`fr.po` for `fr_CA`), then English, then is
the msgid itself. Sentences are made in the current locale: `with speaking("fr_CA"): …`; outside any such block,
English. `for_conference(problem)` speaks the conference's language (conference.yaml `locale`, else
`guess_locale`) unless a language is already set. Values inside sentences are formatted for the current locale:
`clock(810)` is `13 h 30` in French and `1:30 PM` in English, `day(date)` `13 mai` / `May 13`, `listed(names)`
`Ana et Bob` / `Ana and Bob`.

The modules: `catalogue` (the PO files, the lookup and its fallback chain), `formats` (values in a given locale),
`conference` (which language a conference speaks), `tools` (the template: extract, update, init; also
`python -m solver.language`); this one holds the current locale and what is said in it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from babel import Locale

from solver.language.catalogue import (
    DEFAULT_ENGLISH,
    DEFAULT_FRENCH,
    DESK,
    ENGLISH,
    LOCALES,
    PAGE,
    SUMMARY,
    TEMPLATE,
    UNIT,
    Catalogue,
    chain,
    has_texts,
    keyed,
    keys,
    languages,
    lookup,
    parse_locale,
    plural_forms,
    read_catalogue,
    spoken,
)
from solver.language.conference import conference_locale, guess_locale
from solver.language.formats import (
    day_in,
    either_in,
    hours_in,
    names_in,
    number_in,
    percent_in,
    time_in,
    without_year,
)
from solver.language.tools import (
    HEADER,
    KEYWORDS,
    extract,
    init,
    main,
    po_text,
    speaking_modules,
    template_text,
    update,
)

if TYPE_CHECKING:
    from solver.inputs import Problem

__all__ = [
    "DEFAULT_ENGLISH", "DEFAULT_FRENCH", "DESK", "ENGLISH", "HEADER", "KEYWORDS", "LOCALES", "PAGE", "SUMMARY",
    "TEMPLATE", "UNIT", "Catalogue", "chain", "chosen", "clock", "conference_locale", "current", "day", "day_in",
    "either", "extract", "for_conference", "guess_locale", "has_texts", "hours", "hours_in", "init", "keyed", "keys",
    "languages", "listed", "lookup", "main", "moment", "names_in", "number", "number_in", "parse_locale", "percent",
    "plural_forms", "po_text", "read_catalogue", "say", "say_n", "speaking", "speaking_modules", "summary",
    "template_text", "time_in", "unit", "update", "when", "without_year",
]

_current: ContextVar[str | None] = ContextVar("salle_locale", default=None)


# -- the current locale -------------------------------------------------------------------------------------------
def current() -> str:
    """The locale sentences are made in now (`en` outside any `speaking` block)."""
    return _current.get() or DEFAULT_ENGLISH


def chosen() -> str | None:
    """The locale a `speaking` block set, or None outside any."""
    return _current.get()


@contextmanager
def speaking(locale: str | None) -> Iterator[str]:
    """Sentences made inside are in `locale` (`fr_CA`, `en`…; None: English)."""
    name = str(parse_locale(locale)) if locale else DEFAULT_ENGLISH
    token = _current.set(name)
    try:
        yield name
    finally:
        _current.reset(token)


@contextmanager
def for_conference(problem: Problem) -> Iterator[str]:
    """Sentences made inside are in the conference's language, unless a `speaking` block already chose one."""
    if _current.get() is not None:
        yield current()
        return
    with speaking(conference_locale(problem)) as name:
        yield name


# -- sentences ------------------------------------------------------------------------------------------------
def say(msgid: str, /, **values: object) -> str:
    """The sentence `msgid` (English, str.format fields) in the current locale, filled with `values`."""
    found = spoken(_current.get() or DEFAULT_ENGLISH).sentences.get(msgid)
    if found is None:
        return msgid.format(**values) if values else msgid
    text = found[0] if isinstance(found[0], str) else found[0][min(max(found[1](1), 0), len(found[0]) - 1)]
    return _fill(msgid, text, values)


def say_n(singular: str, plural: str, n: int, /, **values: object) -> str:
    """A sentence counting `n` (its `{n}` field, unless `values` gives one), in the current locale's form."""
    values.setdefault("n", n)
    english = singular if n == 1 else plural
    found = spoken(_current.get() or DEFAULT_ENGLISH).sentences.get(singular)
    if found is None:
        return english.format(**values)
    forms, rule = found
    text = forms if isinstance(forms, str) else forms[min(max(rule(n), 0), len(forms) - 1)]
    return _fill(english, text, values)


def _fill(english: str, text: str | None, values: dict[str, object]) -> str:
    if text is None:
        text = english
    if not values:
        return text
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):  # a translation naming a field the sentence has not: English
        return english.format(**values)


def unit(english: str) -> str:
    """A rule's unit (its module's `UNIT`) in the current locale: `seat short` is `place manquante`."""
    found = lookup(current(), UNIT, english)
    return english if found is None else found


def summary(english: str) -> str:
    """A rule's summary (the first line of its module's docstring, `Rule.summary`) in the current locale:
    `Hard: …` is `Stricte : …` in French. `salle rules`, tied to no conference, keeps the English."""
    found = lookup(current(), SUMMARY, english)
    return english if found is None else found


# -- values inside sentences, in the current locale ------------------------------------------------------------
def _here() -> Locale:
    return parse_locale(current())


def number(n: int) -> str:
    """`n` as the current locale writes it: `1 200`, `1,200`."""
    return number_in(_here(), n)


def percent(share: float) -> str:
    """A share as the current locale writes it: `50 %`, `50%`."""
    return percent_in(_here(), share)


def clock(minutes: int) -> str:
    """A time of day (minutes since midnight) in the current locale: `13 h 30`, `1:30 PM`."""
    return time_in(_here(), minutes)


def hours(start: int, end: int) -> str:
    """A span of a day: `13 h 30 – 14 h 45`, `1:30 – 2:45 PM`."""
    return hours_in(_here(), start, end)


def day(date: dt.date) -> str:
    """A day: `13 mai`, `May 13`."""
    return day_in(_here(), date)


def moment(date: dt.date, minutes: int) -> str:
    """A day and a time: `13 mai, 13 h 30`, `May 13, 1:30 PM`."""
    formatted = spoken(current()).formatted
    key = ("moment", date, minutes)
    if key not in formatted:
        formatted[key] = say("{day}, {time}", day=day(date), time=clock(minutes))
    return formatted[key]


def when(date: dt.date, start: int, end: int) -> str:
    """A day and a span of it: `13 mai, 13 h 30 – 14 h 45`, `May 13, 1:30 – 2:45 PM`."""
    formatted = spoken(current()).formatted
    key = ("when", date, start, end)
    if key not in formatted:
        formatted[key] = say("{day}, {hours}", day=day(date), hours=hours(start, end))
    return formatted[key]


def listed(items: Iterable[str]) -> str:
    """Words joined as the current locale does: `projecteur et micro`, `projector and microphone`."""
    return names_in(_here(), items)


def either(items: Iterable[str]) -> str:
    """Alternatives: `A ou B`, `A or B`."""
    return either_in(_here(), items)
