"""Which language a conference speaks: its conference.yaml `locale`, else a guess from its data."""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from solver.language.catalogue import DEFAULT_ENGLISH, DEFAULT_FRENCH

if TYPE_CHECKING:
    from solver.inputs import Problem

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
