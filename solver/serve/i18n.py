"""The desk's own texts (the page, its script and the server's keyed sentences to it), in the conference's language.

They are the `desk` context of the language catalogues (solver/locales/<language>.po, read by solver.language): a
short key as msgid, the English in en.po. The language is the conference's (`conference.yaml` `locale`, else
guessed from the data as the public pages do, solver.publish.locale); dates come from the same Babel-based `Texts`
(`jeudi 13 mai`, `Thursday, May 13`). `{name}` fields are filled by the caller (str.format here, `Desk.t` in the
page's script). The desk server's other sentences are `solver.language.say` sentences.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from solver import language as lang


def desk_texts(locale: str) -> dict[str, str]:
    """Every desk text in `locale` (`fr_CA`, `fr`, `en`…; English where its catalogue has none): the page's
    script's `Desk.t` table."""
    return {key: lang.keyed(locale, lang.DESK, key) for key in lang.keys(lang.DESK)}


def desk_text(locale: str, key: str, **values: object) -> str:
    """The desk's text `key` in `locale` (English where its catalogue has none), filled with `values`."""
    text = lang.keyed(locale, lang.DESK, key)
    return text.format(**values) if values else text


class _Desk(Mapping[str, dict[str, str]]):
    """`DESK["fr"]`: the desk's texts in each language that has a catalogue."""

    def __getitem__(self, language: str) -> dict[str, str]:
        if language not in lang.languages():
            raise KeyError(language)
        return desk_texts(language)

    def __iter__(self) -> Iterator[str]:
        return iter(lang.languages())

    def __len__(self) -> int:
        return len(lang.languages())


DESK: Mapping[str, dict[str, str]] = _Desk()
