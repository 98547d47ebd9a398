"""The catalogues: `solver/locales/<language>.po` read once with Babel, and where a message is looked up.

A locale reads its own catalogue first (`fr_CA.po`), then its language's (`fr.po`), then English (`en.po`); a
message none of them has is its msgid. The folder is `solver.language.LOCALES` (`folder()`), which a test may
point elsewhere.
"""

from __future__ import annotations

import gettext
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from babel import Locale, UnknownLocaleError

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

LOCALES = Path(__file__).parent.parent / "locales"  # one <language>.po per language, and the template
TEMPLATE = "salle.pot"
ENGLISH = "en"
DEFAULT_ENGLISH = "en"
DEFAULT_FRENCH = "fr_CA"
PAGE, DESK = "page", "desk"  # the msgctxt of the pages' and the desk's keyed texts
UNIT = "unit"  # the msgctxt of the rules' units (a rule module's `UNIT`, its English the msgid)
SUMMARY = "summary"  # the msgctxt of the rules' summaries (the first line of a rule module's docstring)


def folder() -> Path:
    """Where the catalogues are: `solver.language.LOCALES` (tests point it at a copy)."""
    return getattr(sys.modules.get(__package__ or ""), "LOCALES", LOCALES)


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
def _catalogue(where: Path, name: str) -> Catalogue | None:
    """`where/<name>.po` read once, or None when there is none. Fuzzy and untranslated messages are left out."""
    path = where / f"{name}.po"
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
    return sorted(p.stem for p in folder().glob("*.po"))


@lru_cache(maxsize=64)
def parse_locale(locale: str) -> Locale:
    """`fr_CA`, `fr-CA`, `en` as a Babel Locale; ValueError when it names none."""
    try:
        return Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        raise ValueError(f"unknown locale '{locale}' (expected e.g. fr_CA or en)") from None


def _names(locale: str) -> list[str]:
    """The catalogues a locale reads, most specific first: `fr_CA`, `fr`, then English."""
    parts = locale.replace("-", "_").split("_")
    names = ["_".join(parts[:i]) for i in range(len(parts), 0, -1)]
    return list(dict.fromkeys([*names, ENGLISH]))


@cache
def _chain_in(where: Path, locale: str) -> tuple[Catalogue, ...]:
    return tuple(c for c in (_catalogue(where, n) for n in _names(locale)) if c is not None)


def chain(locale: str) -> tuple[Catalogue, ...]:
    """The catalogues a message of `locale` is looked up in, in order."""
    return _chain_in(folder(), locale)


def has_texts(locale: Locale) -> bool:
    """Whether a catalogue speaks this locale's language (`fr_CA`: fr_CA.po or fr.po)."""
    where = folder()
    return any((where / f"{n}.po").is_file() for n in _names(str(locale))[:-1]) or locale.language == ENGLISH


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


def keys(context: str) -> list[str]:
    """Every key of a context, as English has them (en.po)."""
    english = _catalogue(folder(), ENGLISH)
    return [k for c, k in english.messages if c == context] if english else []


def plural_forms(locale: str, context: str, key: str) -> dict[str, str]:
    """A counted text's forms by CLDR plural category (`one`, `other`…) for a page's script, `{n}` left in."""
    parsed = parse_locale(locale)
    forms: dict[str, str] = {}
    for n in (*range(0, 200), 1000, 10_000, 100_000, 1_000_000):
        forms.setdefault(parsed.plural_form(n), keyed(locale, context, key, n))
    forms.setdefault("other", keyed(locale, context, key, 2))
    return forms


# -- the sentences of one locale, gathered once ------------------------------------------------------------------
class Spoken:
    """What the sentences of one locale need, gathered once (the judge says many, the engine's search too):
    each sentence's text from the first catalogue that has it, and values already formatted."""

    def __init__(self, locale: str) -> None:
        self.sentences: dict[str, tuple[str | tuple[str, ...], Callable[[int], int]]] = {}
        for catalogue in reversed(chain(locale)):  # the most specific last: it wins
            for (context, msgid), text in catalogue.messages.items():
                if context is None:
                    self.sentences[msgid] = (text, catalogue.plural)
        self.formatted: dict[tuple, str] = {}


_SPOKEN: dict[str, Spoken] = {}
_SPOKEN_IN: list[Path] = []  # the folder they were read from (tests point LOCALES elsewhere)


def spoken(locale: str) -> Spoken:
    """The sentences of `locale`, read from the current folder."""
    where = folder()
    if not _SPOKEN_IN or _SPOKEN_IN[0] is not where:
        _SPOKEN.clear()
        _SPOKEN_IN[:] = [where]
    found = _SPOKEN.get(locale)
    if found is None:
        found = _SPOKEN[locale] = Spoken(locale)
    return found


def forget() -> None:
    """Every catalogue read again on its next use (after `update` rewrote them)."""
    _catalogue.cache_clear()
    _chain_in.cache_clear()
    _SPOKEN.clear()
