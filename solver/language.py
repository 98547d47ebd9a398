"""The language salle speaks to organizers and attendees: one gettext catalogue per language, read with Babel.

Catalogues are `solver/locales/<language>.po` files (`fr.po`, `en.po`, `fr_CA.po` for a regional variant), read
at run time with Babel (no compile step): dropping `de.po` there makes salle speak German. `salle.pot` is the
template a translator copies (`python -m solver.language init de`), refreshed from the code by
`python -m solver.language extract` (`update` also merges it into every catalogue).

Two kinds of messages share a catalogue:
- sentences (the judge's violations, the explanations, report.md, the desk server's answers): the English
  sentence is the msgid (gettext's convention), with str.format fields: `say("{id} expects {n} people", id=…,
  n=…)`, `say_n("{n} session", "{n} sessions", n)`; a module calls `say` / `say_n` with string literals only, so
  that the extraction finds every sentence;
- keyed texts (msgctxt `page`: the public pages and calendars, solver.publish.locale; `desk`: the desk's page,
  solver.serve.i18n): a short id as msgid, whose English is in en.po.

A message a catalogue lacks comes from the language's own catalogue (`fr.po` for `fr_CA`), then English, then is
the msgid itself. Sentences are made in the current locale: `with speaking("fr_CA"): …`; outside any such block,
English. `for_conference(problem)` speaks the conference's language (conference.yaml `locale`, else
`guess_locale`) unless a language is already set. Values inside sentences are formatted for the current locale:
`clock(810)` is `13 h 30` in French and `1:30 PM` in English, `day(date)` `13 mai` / `May 13`, `listed(names)`
`Ana et Bob` / `Ana and Bob`.
"""

from __future__ import annotations

import datetime as dt
import gettext
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from babel import Locale, UnknownLocaleError
from babel.dates import format_interval, format_skeleton, format_time, get_date_format, get_time_format
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

    from solver.inputs import Problem

LOCALES = Path(__file__).parent / "locales"  # one <language>.po per language, and the template
TEMPLATE = "salle.pot"
ENGLISH = "en"
DEFAULT_ENGLISH = "en"
DEFAULT_FRENCH = "fr_CA"
PAGE, DESK = "page", "desk"  # the msgctxt of the pages' and the desk's keyed texts
UNIT = "unit"  # the msgctxt of the rules' units (a rule module's `UNIT`, its English the msgid)
KEYWORDS = {"say": None, "say_n": (1, 2)}  # what the extraction looks for in the code

_current: ContextVar[str | None] = ContextVar("salle_locale", default=None)


# -- the catalogues ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Catalogue:
    """One language's translated messages: (msgctxt, msgid) -> text, or its plural forms; and its plural rule."""

    name: str
    messages: dict[tuple[str | None, str], str | tuple[str, ...]]
    plural: Callable[[int], int]

    def get(self, context: str | None, msgid: str, n: int | None = None) -> str | None:
        found = self.messages.get((context, msgid))
        if found is None or isinstance(found, str):
            return found
        index = self.plural(1 if n is None else n)
        return found[min(max(index, 0), len(found) - 1)]


def read_catalogue(path: Path, name: str) -> Catalog:
    """The Babel catalogue of one PO file."""
    from babel.messages.pofile import read_po

    with path.open("rb") as fh:
        return read_po(fh, locale=name)


def _plural_rule(catalog: Catalog, name: str) -> Callable[[int], int]:
    try:
        return gettext.c2py(catalog.plural_expr)
    except (ValueError, TypeError):  # a header a translator left as the template's: the language's own rule
        from babel.messages.plurals import get_plural

        return gettext.c2py(get_plural(name).plural_expr)


@cache
def _catalogue(folder: Path, name: str) -> Catalogue | None:
    """`folder/<name>.po` read once, or None when there is none. Fuzzy and untranslated messages are left out."""
    path = folder / f"{name}.po"
    if not path.is_file():
        return None
    catalog = read_catalogue(path, name)
    messages: dict[tuple[str | None, str], str | tuple[str, ...]] = {}
    for m in catalog:
        if not m.id or m.fuzzy:
            continue
        key = m.id[0] if isinstance(m.id, tuple | list) else m.id
        if isinstance(m.string, tuple | list):
            if all(m.string):
                messages[(m.context, key)] = tuple(m.string)
        elif m.string:
            messages[(m.context, key)] = m.string
    return Catalogue(name, messages, _plural_rule(catalog, name))


def languages() -> list[str]:
    """The languages that have a catalogue: `en`, `fr`…"""
    return sorted(p.stem for p in LOCALES.glob("*.po"))


def _names(locale: str) -> list[str]:
    """The catalogues a locale reads, most specific first: `fr_CA`, `fr`, then English."""
    parts = locale.replace("-", "_").split("_")
    names = ["_".join(parts[:i]) for i in range(len(parts), 0, -1)]
    return list(dict.fromkeys([*names, ENGLISH]))


@cache
def _chain_in(folder: Path, locale: str) -> tuple[Catalogue, ...]:
    return tuple(c for c in (_catalogue(folder, n) for n in _names(locale)) if c is not None)


def chain(locale: str) -> tuple[Catalogue, ...]:
    """The catalogues a message of `locale` is looked up in, in order."""
    return _chain_in(LOCALES, locale)


def has_texts(locale: Locale) -> bool:
    """Whether a catalogue speaks this locale's language (`fr_CA`: fr_CA.po or fr.po)."""
    return any((LOCALES / f"{n}.po").is_file() for n in _names(str(locale))[:-1]) or locale.language == ENGLISH


def lookup(locale: str, context: str | None, msgid: str, n: int | None = None) -> str | None:
    """The message in the first catalogue of `locale` that has it (None: none has)."""
    for catalogue in chain(locale):
        found = catalogue.get(context, msgid, n)
        if found is not None:
            return found
    return None


def keyed(locale: str, context: str, key: str, n: int | None = None) -> str:
    """A keyed text (`page`, `desk`): the locale's, else English, else the key."""
    found = lookup(locale, context, key, n)
    return key if found is None else found


def unit(english: str) -> str:
    """A rule's unit (its module's `UNIT`) in the current locale: `seat short` is `place manquante`."""
    found = lookup(current(), UNIT, english)
    return english if found is None else found


def keys(context: str) -> list[str]:
    """Every key of a context, as English has them (en.po)."""
    english = _catalogue(LOCALES, ENGLISH)
    return [k for c, k in english.messages if c == context] if english else []


def plural_forms(locale: str, context: str, key: str) -> dict[str, str]:
    """A counted text's forms by CLDR plural category (`one`, `other`…) for a page's script, `{n}` left in."""
    parsed = parse_locale(locale)
    forms: dict[str, str] = {}
    for n in (*range(0, 200), 1000, 10_000, 100_000, 1_000_000):
        forms.setdefault(parsed.plural_form(n), keyed(locale, context, key, n))
    forms.setdefault("other", keyed(locale, context, key, 2))
    return forms


# -- the current locale and sentences -------------------------------------------------------------------------
@lru_cache(maxsize=64)
def parse_locale(locale: str) -> Locale:
    """`fr_CA`, `fr-CA`, `en` as a Babel Locale; ValueError when it names none."""
    try:
        return Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        raise ValueError(f"unknown locale '{locale}' (expected e.g. fr_CA or en)") from None


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


class _Spoken:
    """What the sentences of one locale need, gathered once (the judge says many, the engine's search too):
    each sentence's text from the first catalogue that has it, and values already formatted."""

    def __init__(self, locale: str) -> None:
        self.sentences: dict[str, tuple[str | tuple[str, ...], Callable[[int], int]]] = {}
        for catalogue in reversed(chain(locale)):  # the most specific last: it wins
            for (context, msgid), text in catalogue.messages.items():
                if context is None:
                    self.sentences[msgid] = (text, catalogue.plural)
        self.formatted: dict[tuple, str] = {}


_SPOKEN: dict[str, _Spoken] = {}
_SPOKEN_IN: list[Path] = []  # the folder they were read from (tests point LOCALES elsewhere)


def _spoken(locale: str) -> _Spoken:
    if not _SPOKEN_IN or _SPOKEN_IN[0] is not LOCALES:
        _SPOKEN.clear()
        _SPOKEN_IN[:] = [LOCALES]
    found = _SPOKEN.get(locale)
    if found is None:
        found = _SPOKEN[locale] = _Spoken(locale)
    return found


def say(msgid: str, /, **values: object) -> str:
    """The sentence `msgid` (English, str.format fields) in the current locale, filled with `values`."""
    found = _spoken(_current.get() or DEFAULT_ENGLISH).sentences.get(msgid)
    if found is None:
        return msgid.format(**values) if values else msgid
    text = found[0] if isinstance(found[0], str) else found[0][min(max(found[1](1), 0), len(found[0]) - 1)]
    return _fill(msgid, text, values)


def say_n(singular: str, plural: str, n: int, /, **values: object) -> str:
    """A sentence counting `n` (its `{n}` field, unless `values` gives one), in the current locale's form."""
    values.setdefault("n", n)
    english = singular if n == 1 else plural
    found = _spoken(_current.get() or DEFAULT_ENGLISH).sentences.get(singular)
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


# -- values inside sentences ---------------------------------------------------------------------------------
def _narrow(text: str) -> str:
    """No-break spaces where CLDR puts narrow or thin ones (which not every font has)."""
    return text.replace("\u202f", "\u00a0").replace("\u2009", " ")


@lru_cache(maxsize=4096)
def number_in(locale: Locale, n: int) -> str:
    """`10 000` in French, `10,000` in English (no-break spaces)."""
    return _narrow(format_decimal(n, locale=locale)).replace(" ", "\u00a0")


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


def _here() -> Locale:
    return parse_locale(current())


def number(n: int) -> str:
    """`n` as the current locale writes it: `1 200`, `1,200`."""
    return number_in(_here(), n)


def percent(share: float) -> str:
    """A share as the current locale writes it: `50 %`, `50%`."""
    return _narrow(format_percent(share, locale=_here()))


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
    formatted = _spoken(current()).formatted
    key = ("moment", date, minutes)
    if key not in formatted:
        formatted[key] = say("{day}, {time}", day=day(date), time=clock(minutes))
    return formatted[key]


def when(date: dt.date, start: int, end: int) -> str:
    """A day and a span of it: `13 mai, 13 h 30 – 14 h 45`, `May 13, 1:30 – 2:45 PM`."""
    formatted = _spoken(current()).formatted
    key = ("when", date, start, end)
    if key not in formatted:
        formatted[key] = say("{day}, {hours}", day=day(date), hours=hours(start, end))
    return formatted[key]


def listed(items: Iterable[str]) -> str:
    """Words joined as the current locale does: `projecteur et micro`, `projector and microphone`."""
    return names_in(_here(), items)


def either(items: Iterable[str]) -> str:
    """Alternatives: `A ou B`, `A or B`."""
    words = list(items)
    if not words:
        return ""
    return format_list(words, style="or", locale=_here())


# -- which language a conference speaks ----------------------------------------------------------------------
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


_KNOWN: dict[int, tuple[object, str]] = {}


def conference_locale(problem: Problem) -> str:
    """The conference's language: its conference.yaml `locale` (beside its input files), else `guess_locale`.
    Computed once per problem."""
    hit = _KNOWN.get(id(problem))
    if hit is not None and hit[0] is problem:
        return hit[1]
    locale = None
    if problem.source is not None:
        from solver.errors import SalleError
        from solver.inputs.conference import load_conference

        try:
            locale = load_conference(problem.source).locale
        except (SalleError, OSError, ValueError):
            locale = None  # a bad conference.yaml is reported by the commands that read it
    if not locale:
        locale = guess_locale(problem)
    if len(_KNOWN) > 64:
        _KNOWN.clear()
    _KNOWN[id(problem)] = (problem, locale)
    return locale


# -- the template: extraction, new catalogues and updates -----------------------------------------------------
HEADER = """\
# salle's sentences and texts, to translate: copy this template to <language>.po
# (python -m solver.language init <language>), translate every msgstr, and salle speaks it.
# Sentences keep their {fields}; keyed texts (msgctxt "page", "desk") show their English above them.
msgid ""
msgstr ""
"Project-Id-Version: salle\\n"
"Language: {language}\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: {plural}\\n"

"""


SPEAKS = re.compile(r"^\s*from solver(?:\.language import| import language\b)", re.M)


def speaking_modules(root: Path) -> list[Path]:
    """The modules whose `say` and `say_n` are this module's: those importing solver.language (another module
    may call a printer `say`)."""
    return sorted(p for p in root.rglob("*.py")
                  if (p.name == "language.py" and p.parent == root) or SPEAKS.search(p.read_text(encoding="utf-8")))


def extract(package: Path | None = None) -> Catalog:
    """Every sentence of the code (calls of `say` and `say_n` with literals in the modules importing this one),
    then the keyed texts of en.po."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract as extract_from

    root = package or Path(__file__).parent
    catalog = Catalog(project="salle", fuzzy=False)
    for path in speaking_modules(root):
        where = f"solver/{path.relative_to(root).as_posix()}"
        with path.open("rb") as fh:
            found = list(extract_from("python", fh, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",),
                                      strip_comment_tags=True))
        for lineno, message, comments, context in found:
            entry = catalog.get(message, context)
            if entry is not None:
                if all(place != where for place, _ in entry.locations):
                    entry.locations.append((where, lineno))  # written without its line number
                continue
            catalog.add(message, None, [(where, lineno)], auto_comments=comments, context=context)
    for path in sorted((root / "rules").glob("*.py")):
        for name, english in _units(path):
            where = f"solver/{path.relative_to(root).as_posix()}"
            catalog.add(english, None, [(where, 0)], auto_comments=[f"the unit of the rule {name}"], context=UNIT)
    english_po = root / "locales" / f"{ENGLISH}.po"
    if english_po.is_file():
        for m in read_catalogue(english_po, ENGLISH):
            if not m.id or m.context not in (PAGE, DESK):
                continue
            english = m.string if isinstance(m.string, str) else " | ".join(m.string or ())
            catalog.add(m.id, ("", "") if m.pluralizable else "", auto_comments=[f"English: {english}"],
                        context=m.context)
    return catalog


def _units(path: Path) -> list[tuple[str, str]]:
    """(NAME, UNIT) of a rule module, read from its source (the module is not imported)."""
    import ast

    constants: dict[str, str] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    constants[target.id] = node.value.value
    return [(constants.get("NAME", path.stem), constants["UNIT"])] if "UNIT" in constants else []


def po_text(catalog: Catalog, language: str = "", plural: str = "nplurals=2; plural=(n != 1);") -> str:
    """A catalogue as salle writes its PO files: a fixed header, no line numbers (so that moving code changes
    nothing), messages in the order of the code."""
    from babel.messages.pofile import write_po

    buffer = BytesIO()
    write_po(buffer, catalog, width=116, omit_header=True, include_lineno=False, ignore_obsolete=True)
    return HEADER.replace("{language}", language).replace("{plural}", plural) + buffer.getvalue().decode("utf-8")


def template_text() -> str:
    """salle.pot as the code makes it now (a test checks that the file is this)."""
    return po_text(extract())


def init(language: str) -> Path:
    """A new catalogue `locales/<language>.po` from the template, its plural rule set (FileExistsError if any)."""
    from babel.messages.plurals import get_plural

    parse_locale(language)
    target = LOCALES / f"{language}.po"
    if target.exists():
        raise FileExistsError(f"{target} exists: `update` refreshes it")
    rule = get_plural(language)
    target.write_text(po_text(extract(), language, f"nplurals={rule.num_plurals}; plural={rule.plural_expr};"),
                      encoding="utf-8")
    return target


def update() -> list[Path]:
    """salle.pot refreshed from the code, and merged into every catalogue (translations kept, new messages left
    to translate, messages gone from the code dropped); en.po keeps only its keyed texts."""
    from babel.messages.plurals import get_plural

    template = extract()
    written = [LOCALES / TEMPLATE]
    (LOCALES / TEMPLATE).write_text(po_text(template), encoding="utf-8")
    for path in sorted(LOCALES.glob("*.po")):
        if path.stem == ENGLISH:
            continue
        catalog = read_catalogue(path, path.stem)
        catalog.update(template, no_fuzzy_matching=True)
        try:
            plural = f"nplurals={catalog.num_plurals}; plural={catalog.plural_expr};"
        except (ValueError, TypeError):
            rule = get_plural(path.stem)
            plural = f"nplurals={rule.num_plurals}; plural={rule.plural_expr};"
        path.write_text(po_text(catalog, path.stem, plural), encoding="utf-8")
        written.append(path)
    _catalogue.cache_clear()
    _chain_in.cache_clear()
    _SPOKEN.clear()
    return written


def main(argv: list[str]) -> int:
    usage = ("usage: python -m solver.language extract | update | init LANGUAGE\n"
             "  extract: write solver/locales/salle.pot from the code\n"
             "  update:  extract, then merge the template into every <language>.po\n"
             "  init:    start solver/locales/LANGUAGE.po from the template")
    if argv[:1] == ["extract"] and len(argv) == 1:
        (LOCALES / TEMPLATE).write_text(template_text(), encoding="utf-8")
        print(f"wrote {LOCALES / TEMPLATE}")
        return 0
    if argv[:1] == ["update"] and len(argv) == 1:
        for path in update():
            print(f"wrote {path}")
        return 0
    if argv[:1] == ["init"] and len(argv) == 2:
        try:
            print(f"wrote {init(argv[1])}: translate its msgstr lines")
        except (FileExistsError, ValueError) as exc:
            print(exc, file=sys.stderr)
            return 1
        return 0
    print(usage, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
