"""Values inside sentences, as a locale writes them: numbers, shares, times of day, spans, days and lists.

`clock(810)` is `13 h 30` in French and `1:30 PM` in English, `day(date)` `13 mai` / `May 13`, `listed(names)`
`Ana et Bob` / `Ana and Bob` (those, in the current locale, are solver.language's; these take the locale).
CLDR's narrow and thin spaces become no-break and plain ones, which every font has.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from functools import cache, lru_cache

from babel import Locale
from babel.dates import format_interval, format_skeleton, format_time, get_date_format, get_time_format
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent


def _narrow(text: str) -> str:
    """No-break spaces where CLDR puts narrow or thin ones (which not every font has)."""
    return text.replace("\u202f", "\u00a0").replace("\u2009", " ")


@lru_cache(maxsize=4096)
def number_in(locale: Locale, n: int) -> str:
    """`10 000` in French, `10,000` in English (no-break spaces)."""
    return _narrow(format_decimal(n, locale=locale)).replace(" ", "\u00a0")


def percent_in(locale: Locale, share: float) -> str:
    """`50 %` in French, `50%` in English."""
    return _narrow(format_percent(share, locale=locale))


@cache
def time_in(locale: Locale, minutes: int) -> str:
    """`13 h 30`, `8 h 00`, `1:30 PM` (24:00 is written as midnight). French hours take no leading zero."""
    return _narrow(format_time(_clock(minutes), _short_time(locale), locale=locale))


@cache
def hours_in(locale: Locale, start: int, end: int) -> str:
    """`13 h 30 – 14 h 45`, `1:30 – 2:45 PM`."""
    if end >= 24 * 60 or end <= start:
        return f"{time_in(locale, start)} – {time_in(locale, end)}"
    skeleton = "hm" if "a" in get_time_format("short", locale=locale).pattern else "Hm"
    text = _narrow(format_interval(_clock(start), _clock(end), skeleton, locale=locale))
    return re.sub(r"\s*[–-]\s*", " – ", text, count=1)


def _clock(minutes: int) -> dt.time:
    h, m = divmod(minutes % (24 * 60), 60)
    return dt.time(h, m)


@cache
def _short_time(locale: Locale) -> str:
    pattern = get_time_format("short", locale=locale).pattern
    return pattern.replace("HH", "H") if locale.language == "fr" else pattern


@cache
def without_year(locale: Locale) -> str:
    """The locale's full date pattern with the year taken out: `EEEE d MMMM`, `EEEE, MMMM d`."""
    pattern = get_date_format("full", locale=locale).pattern
    stripped = re.sub(r"[\s,.]*\by+\b[\s.]*(?:'[^']*')?", "", pattern).strip(" ,")
    return stripped or "EEEE d MMMM"


@lru_cache(maxsize=1024)
def day_in(locale: Locale, day: dt.date) -> str:
    """A day in a sentence: `13 mai`, `May 13` (a conference's days share their year)."""
    return _narrow(format_skeleton("MMMd", day, locale=locale))


def names_in(locale: Locale, items: Iterable[str]) -> str:
    """`Ana, Bob et Carl`, `Ana, Bob, and Carl`."""
    listed = list(items)
    return format_list(listed, locale=locale) if listed else ""


def either_in(locale: Locale, items: Iterable[str]) -> str:
    """Alternatives: `A ou B`, `A or B`."""
    words = list(items)
    if not words:
        return ""
    return format_list(words, style="or", locale=locale)
