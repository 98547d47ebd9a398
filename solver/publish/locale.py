"""The language of the public files: dates, times, lists and every fixed text, by Babel.

`texts("fr_CA")` gives a `Texts` whose methods format as the locale does (`jeudi 13 mai`, `13 h 30`,
`13 h 30 – 14 h 45`, `Ana et Bob`; in `en`: `Thursday, May 13`, `1:30 PM`, `1:30 – 2:45 PM`, `Ana and Bob`)
and whose call `t("seats", n=3)` returns a fixed text of the pages (msgctxt `page` of the language's catalogue,
solver/locales/<language>.po, read by solver.language; plural forms by the catalogue's rule). Any language with
a catalogue can be published; a text its catalogue lacks is the English one.
`guess_locale(problem)` says which language a conference is written in: `fr_CA` for French data, else `en`.

Times are written with a no-break space where CLDR puts a narrow one (U+202F), which every font has.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from babel import Locale
from babel.dates import format_date

from solver import language as lang
from solver.inputs import Problem
from solver.language import DEFAULT_ENGLISH, DEFAULT_FRENCH, guess_locale

__all__ = ["DEFAULT_ENGLISH", "DEFAULT_FRENCH", "Texts", "guess_locale", "resolve_locale", "texts"]


@dataclass(frozen=True)
class Texts:
    """Formats dates, times, names and fixed texts for one locale (`fr_CA`, `en`, `en_GB`, `fr`…)."""

    locale: Locale

    @property
    def name(self) -> str:
        """`fr_CA`."""
        return str(self.locale)

    @property
    def lang(self) -> str:
        """The BCP 47 tag for `lang` attributes: `fr-CA`, `en`."""
        return self.name.replace("_", "-")

    @property
    def language(self) -> str:
        """`fr`, `en`: the locale's language (its catalogue is `name`'s, else this one's, solver.language)."""
        return self.locale.language

    def other(self, language: str | None) -> str:
        """`language` (a session's `language` column, e.g. `en`) when it differs from the page's, else "":
        the `lang` attribute that element needs."""
        tag = (language or "").strip().replace("_", "-")
        if not re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*", tag):
            return ""
        return "" if tag.split("-")[0].lower() == self.language else tag

    def __call__(self, key: str, **values: object) -> str:
        n = values.get("n")
        if isinstance(n, int) and not isinstance(n, bool):
            message = lang.keyed(self.name, lang.PAGE, key, n)
            values = {**values, "n": self.number(n)}
        elif "n" in values:  # a count the page's script fills in: the general form
            message = self.forms(key)["other"]
        else:
            message = lang.keyed(self.name, lang.PAGE, key)
        return message.format(**values) if values else message

    def forms(self, key: str) -> dict[str, str]:
        """The plural forms of a counted text by CLDR category, with `{n}` left in (for the page's script)."""
        return lang.plural_forms(self.name, lang.PAGE, key)

    def number(self, n: int) -> str:
        """`10 000` in French, `10,000` in English (no-break spaces)."""
        return lang.number_in(self.locale, n)

    def day(self, day: dt.date) -> str:
        """The day without its year: `jeudi 13 mai`, `Thursday, May 13`."""
        return format_date(day, lang.without_year(self.locale), locale=self.locale)

    def long_day(self, day: dt.date) -> str:
        """`jeudi 13 mai 2027`, `Thursday, May 13, 2027`."""
        return format_date(day, "full", locale=self.locale)

    def time(self, minutes: int) -> str:
        """`13 h 30`, `8 h 00`, `1:30 PM` (24:00 is written as midnight). French hours take no leading zero."""
        return lang.time_in(self.locale, minutes)

    def hours(self, start: int, end: int) -> str:
        """`13 h 30 – 14 h 45`, `1:30 – 2:45 PM`."""
        return lang.hours_in(self.locale, start, end)

    def names(self, names: list[str]) -> str:
        """`Ana, Bob et Carl`, `Ana, Bob, and Carl`."""
        return lang.names_in(self.locale, names)

    def zone(self, tz: str) -> str:
        """`Toronto` for America/Toronto: the city CLDR names in this language, else the zone's last part."""
        from babel.dates import get_timezone_location

        try:
            return get_timezone_location(tz, locale=self.locale, return_city=True)
        except (LookupError, ValueError):
            return tz.rsplit("/", 1)[-1].replace("_", " ")


def texts(locale: str) -> Texts:
    """The `Texts` of `locale` (`fr_CA`, `fr-CA`, `en`, `en_GB`…); ValueError for an unknown locale or a
    language salle has no catalogue for (solver/locales/<language>.po)."""
    parsed = lang.parse_locale(locale)
    if not lang.has_texts(parsed):
        raise ValueError(f"no texts in '{locale}': salle speaks {', '.join(lang.languages())} "
                         f"(a translator adds {parsed.language} as solver/locales/{parsed.language}.po)")
    return Texts(parsed)


def resolve_locale(problem: Problem, locale: str | None) -> Texts:
    """The `Texts` of `locale`, or of the conference's own language when `locale` is None."""
    return texts(locale or guess_locale(problem))
