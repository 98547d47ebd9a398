"""The language of the public files: dates, times, lists and every fixed text, in French or English, by Babel.

`texts("fr_CA")` gives a `Texts` whose methods format as the locale does (`jeudi 13 mai`, `13 h 30`,
`13 h 30 – 14 h 45`, `Ana et Bob`; in `en`: `Thursday, May 13`, `1:30 PM`, `1:30 – 2:45 PM`, `Ana and Bob`)
and whose call `t("seats", n=3)` returns a fixed text of the catalogue below (plural forms by CLDR rules).
`guess_locale(problem)` says which language a conference is written in: `fr_CA` for French data, else `en`.

Times are written with a no-break space where CLDR puts a narrow one (U+202F), which every font has.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_interval, format_time, get_date_format, get_time_format
from babel.lists import format_list
from babel.numbers import format_decimal

from solver.inputs import Problem

DEFAULT_FRENCH = "fr_CA"
DEFAULT_ENGLISH = "en"

# Every fixed text of the pages and calendars. A value is a str, or a dict of CLDR plural forms ("one",
# "other") for texts that take a count `n`. Placeholders are str.format fields.
MESSAGES: dict[str, dict[str, str | dict[str, str]]] = {
    "fr": {
        "programme": "Programme",
        "timetable": "Grille horaire",
        "timetable_organizers": "Grille horaire (organisation)",
        "sessions": {"one": "{n} séance", "other": "{n} séances"},
        "times_in": "Heures de {zone} ({tz}).",
        "days": "Jours",
        "filters": "Filtrer la grille",
        "room": "Salle",
        "all_rooms": "Toutes les salles",
        "track": "Thème",
        "all_tracks": "Tous les thèmes",
        "search": "Chercher (titre, personne)",
        "search_placeholder": "nom, mot du titre…",
        "shown": {"one": "{n} séance affichée", "other": "{n} séances affichées"},
        "time": "Heure",
        "link": "Lien vers cette séance",
        "add_to_calendar": "Ajouter à l’agenda",
        "add_to_calendar_room": "Ajouter à l’agenda : {room} (.ics)",
        "whole_calendar": "Tout le programme dans votre agenda (.ics)",
        "seats": {"one": "{n} place", "other": "{n} places"},
        "attendance": "{attendance} personnes attendues / {capacity} places",
        "over": "salle trop petite",
        "tba": "Horaire à venir",
        "tba_note": "Ces séances auront lieu ; leur salle et leur horaire seront annoncés.",
        "tba_count": {"one": "Horaire à venir : {n} séance n’est pas encore dans la grille.",
                      "other": "Horaire à venir : {n} séances ne sont pas encore dans la grille."},
        "room_tba": "Salle à venir",
        "organizers_only": "Version de l’organisation : affiche les places et l’affluence attendue.",
        "other_days": "Les autres jours ont chacun leur page.",
        "no_session": "Aucune séance ne correspond.",
        "speakers": "Personnes",
        "skip": "Aller à la grille",
        "back_to_timetable": "Retour à la grille horaire",
        "when": "Quand",
        "about": "Présentation",
        "star": "Ajouter à mon programme",
        "talk_page": "Page de la séance",
        "my_schedule": "Mon programme",
        "my_empty": "Aucune séance choisie : le bouton ☆ d’une séance l’ajoute ici.",
        "my_note": "Gardé dans ce navigateur, sans compte.",
        "my_download": "Télécharger mon programme (.ics)",
        "my_share": "Lien à partager",
        "my_shared": "Programme partagé par lien",
        "my_keep": "Ajouter ces séances à mon programme",
        "unstar": "Retirer",
        "found": {"one": "{n} séance trouvée", "other": "{n} séances trouvées"},
        "search_day": "La recherche porte sur le jour affiché.",
        "door_title": "{room} : en ce moment et ensuite",
        "now": "En ce moment",
        "next": "Ensuite",
        "nothing_now": "Pas de séance en ce moment.",
        "nothing_next": "Plus de séance prévue dans cette salle.",
    },
    "en": {
        "programme": "Programme",
        "timetable": "Timetable",
        "timetable_organizers": "Timetable (organizers)",
        "sessions": {"one": "{n} session", "other": "{n} sessions"},
        "times_in": "Times in {zone} ({tz}).",
        "days": "Days",
        "filters": "Filter the timetable",
        "room": "Room",
        "all_rooms": "All rooms",
        "track": "Track",
        "all_tracks": "All tracks",
        "search": "Search (title, speaker)",
        "search_placeholder": "name, word of a title…",
        "shown": {"one": "{n} session shown", "other": "{n} sessions shown"},
        "time": "Time",
        "link": "Link to this session",
        "add_to_calendar": "Add to calendar",
        "add_to_calendar_room": "Add to calendar: {room} (.ics)",
        "whole_calendar": "The whole programme in your calendar (.ics)",
        "seats": {"one": "{n} seat", "other": "{n} seats"},
        "attendance": "{attendance} expected / {capacity} seats",
        "over": "room too small",
        "tba": "Time to be announced",
        "tba_note": "These sessions will take place; their room and time will be announced.",
        "tba_count": {"one": "Time to be announced: {n} session is not in the timetable yet.",
                      "other": "Time to be announced: {n} sessions are not in the timetable yet."},
        "room_tba": "Room to be announced",
        "organizers_only": "Organizers' version: shows seats and expected attendance.",
        "other_days": "Each other day has its own page.",
        "no_session": "No session matches.",
        "speakers": "Speakers",
        "skip": "Skip to the timetable",
        "back_to_timetable": "Back to the timetable",
        "when": "When",
        "about": "About",
        "star": "Add to my schedule",
        "talk_page": "Session page",
        "my_schedule": "My schedule",
        "my_empty": "No session chosen yet: a session's ☆ button adds it here.",
        "my_note": "Kept in this browser, no account.",
        "my_download": "Download my schedule (.ics)",
        "my_share": "Link to share",
        "my_shared": "Schedule shared by link",
        "my_keep": "Add these sessions to my schedule",
        "unstar": "Remove",
        "found": {"one": "{n} session found", "other": "{n} sessions found"},
        "search_day": "Search covers the day shown.",
        "door_title": "{room}: now and next",
        "now": "Now",
        "next": "Next",
        "nothing_now": "No session right now.",
        "nothing_next": "No more sessions planned in this room.",
    },
}


def _narrow(text: str) -> str:
    return text.replace("\u202f", "\u00a0").replace("\u2009", " ")


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
        """`fr` or `en`: which catalogue the fixed texts come from."""
        return self.locale.language

    def other(self, language: str | None) -> str:
        """`language` (a session's `language` column, e.g. `en`) when it differs from the page's, else "":
        the `lang` attribute that element needs."""
        tag = (language or "").strip().replace("_", "-")
        if not re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*", tag):
            return ""
        return "" if tag.split("-")[0].lower() == self.language else tag

    def __call__(self, key: str, **values: object) -> str:
        message = MESSAGES[self.language][key]
        if isinstance(message, dict):
            n = values["n"]
            form = self.locale.plural_form(n) if isinstance(n, int) else "other"
            message = message.get(form, message["other"])
            values = {**values, "n": self.number(n) if isinstance(n, int) else n}
        return message.format(**values)

    def forms(self, key: str) -> dict[str, str]:
        """The plural forms of a counted text with `{n}` left in (for the page's script)."""
        message = MESSAGES[self.language][key]
        return dict(message) if isinstance(message, dict) else {"other": message}

    def number(self, n: int) -> str:
        """`10 000` in French, `10,000` in English (no-break spaces)."""
        return _number(self.locale, n)

    def day(self, day: dt.date) -> str:
        """The day without its year: `jeudi 13 mai`, `Thursday, May 13`."""
        return format_date(day, _without_year(self.locale), locale=self.locale)

    def long_day(self, day: dt.date) -> str:
        """`jeudi 13 mai 2027`, `Thursday, May 13, 2027`."""
        return format_date(day, "full", locale=self.locale)

    def time(self, minutes: int) -> str:
        """`13 h 30`, `8 h 00`, `1:30 PM` (24:00 is written as midnight). French hours take no leading zero."""
        return _time(self.locale, minutes)

    def hours(self, start: int, end: int) -> str:
        """`13 h 30 – 14 h 45`, `1:30 – 2:45 PM`."""
        return _hours(self.locale, start, end)

    def names(self, names: list[str]) -> str:
        """`Ana, Bob et Carl`, `Ana, Bob, and Carl`."""
        return format_list(names, locale=self.locale) if names else ""

    def zone(self, tz: str) -> str:
        """`Toronto` for America/Toronto: the city CLDR names in this language, else the zone's last part."""
        from babel.dates import get_timezone_location

        try:
            return get_timezone_location(tz, locale=self.locale, return_city=True)
        except (LookupError, ValueError):
            return tz.rsplit("/", 1)[-1].replace("_", " ")


@lru_cache(maxsize=4096)
def _number(locale: Locale, n: int) -> str:
    """`Texts.number`, computed once per locale and number (seats and attendances repeat)."""
    return _narrow(format_decimal(n, locale=locale)).replace(" ", "\u00a0")


@cache
def _time(locale: Locale, minutes: int) -> str:
    """`Texts.time`, computed once per locale and minute (a conference has few distinct times)."""
    return _narrow(format_time(_clock(minutes), _short_time(locale), locale=locale))


@cache
def _hours(locale: Locale, start: int, end: int) -> str:
    """`Texts.hours`, computed once per locale and span."""
    if end >= 24 * 60 or end <= start:
        return f"{_time(locale, start)} – {_time(locale, end)}"
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
def _without_year(locale: Locale) -> str:
    """The locale's full date pattern with the year taken out: `EEEE d MMMM`, `EEEE, MMMM d`."""
    pattern = get_date_format("full", locale=locale).pattern
    stripped = re.sub(r"[\s,.]*\by+\b[\s.]*(?:'[^']*')?", "", pattern).strip(" ,")
    return stripped or "EEEE d MMMM"


@cache
def texts(locale: str) -> Texts:
    """The `Texts` of `locale` (`fr_CA`, `fr-CA`, `en`, `en_GB`…); ValueError for an unknown locale or a
    language salle has no texts for (it speaks French and English)."""
    try:
        parsed = Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        raise ValueError(f"unknown locale '{locale}' (expected e.g. fr_CA or en)") from None
    if parsed.language not in MESSAGES:
        raise ValueError(f"no texts in '{locale}': salle publishes in French (fr, fr_CA…) or English (en, en_GB…)")
    return Texts(parsed)


_FRENCH = re.compile(r"\b(?:le|la|les|des|du|une|et|pour|dans|avec|sur|est|au|aux)\b|[éèêàùçô]", re.I)
_ENGLISH = re.compile(r"\b(?:the|and|for|with|of|to|in|on|is|from|your|how)\b", re.I)


def guess_locale(problem: Problem) -> str:
    """`fr_CA` when the conference is written in French, else `en`.

    The sessions' `language` column decides when it is filled (the most common language); otherwise the
    words of the titles, descriptions, slot labels and room names are counted (French function words and
    accented letters against English ones)."""
    spoken = Counter((s.language or "").strip().lower()[:2] for s in problem.sessions if s.language)
    if spoken:
        top = spoken.most_common(1)[0][0]
        if top == "fr":
            return DEFAULT_FRENCH
        if top == "en":
            return DEFAULT_ENGLISH
    words = [s.title for s in problem.sessions] + [s.description or "" for s in problem.sessions]
    words += [s.label or "" for s in problem.slots] + [r.name for r in problem.rooms]
    text = " ".join(words)
    return DEFAULT_FRENCH if len(_FRENCH.findall(text)) > len(_ENGLISH.findall(text)) else DEFAULT_ENGLISH


def resolve_locale(problem: Problem, locale: str | None) -> Texts:
    """The `Texts` of `locale`, or of the conference's own language when `locale` is None."""
    return texts(locale or guess_locale(problem))
