"""The names salle's own workbook gives its sheets and columns, in French and English, and back again.

`schedule.xlsx` is written in the conference's language (« Affectations », « Règles », « salle », « poids »;
"Assignments", "Rules", "room", "weight"); `salle import xlsx` reads either language, and the plain keys
(`assignments`, `room_id`, `weight`) too. The input tables (rooms, slots, sessions, speakers, unavailability)
keep their file names and contract columns in both languages: they are the CSV files, sheet by sheet.
"""

from __future__ import annotations

import unicodedata

# key -> (French, English). Sheet titles: at most 31 characters, none of []:*?/\ (Excel's rules).
SHEETS: dict[str, tuple[str, str]] = {
    "assignments": ("Affectations", "Assignments"),
    "by_room": ("Par salle", "By room"),
    "by_speaker": ("Par personne", "By speaker"),
    "score": ("Pénalités", "Score"),
    "rules": ("Règles", "Rules"),
    "pending": ("Horaire à venir", "To be scheduled"),
}

COLUMNS: dict[str, tuple[str, str]] = {
    "session_id": ("séance", "session"),
    "title": ("titre", "title"),
    "kind": ("type", "kind"),
    "speakers": ("personnes", "speakers"),
    "day": ("jour", "day"),
    "start": ("début", "start"),
    "end": ("fin", "end"),
    "slot_id": ("créneau", "slot"),
    "slots": ("créneaux", "slots"),
    "room_id": ("salle", "room"),
    "room_name": ("nom de la salle", "room name"),
    "capacity": ("places", "seats"),
    "attendance": ("affluence attendue", "expected attendance"),
    "attendance_estimated": ("affluence estimée d’après les souhaits", "attendance estimated from wishes"),
    "track": ("thème", "track"),
    "length": ("créneaux occupés", "length (slots)"),
    "speaker_id": ("personne", "speaker"),
    "name": ("nom", "name"),
    "building": ("bâtiment", "building"),
    "time": ("heure", "time"),
    "why": ("pourquoi", "why"),
    # the score report
    "rule": ("règle", "rule"),
    "mode": ("mode", "mode"),
    "weight": ("poids", "weight"),
    "amount": ("quantité", "amount"),
    "penalty": ("pénalité", "penalty"),
    "sessions": ("séances", "sessions"),
    "message": ("constat", "message"),
    # the rules sheet
    "level": ("niveau", "level"),
    "parameters": ("paramètres", "parameters"),
    "modes": ("peut être", "can be"),
    "default": ("par défaut", "default"),
    "unit": ("unité de pénalité", "unit of penalty"),
    "meaning": ("sens (en anglais)", "meaning"),
}


def label(kind: dict[str, tuple[str, str]], key: str, language: str) -> str:
    """The French or English name of a sheet or column key (`language` "fr" or "en")."""
    french, english = kind[key]
    return french if language == "fr" else english


def _fold(text: str) -> str:
    """Lowercase, accents off, spacing collapsed: `Règles ` and `regles` are one name."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(plain.lower().replace("_", " ").split())


def _index(kind: dict[str, tuple[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, names in kind.items():
        for name in (key, *names):
            out.setdefault(_fold(name), key)
    return out


_SHEETS = _index(SHEETS)
_COLUMNS = _index(COLUMNS)


def sheet_key(title: str) -> str | None:
    """`assignments` for « Affectations », "Assignments" or "assignments"; None for any other title."""
    return _SHEETS.get(_fold(title))


def column_key(header: str) -> str:
    """The key of a column header in either language (`salle` → `room_id`); other headers are returned as
    they are (an organizer's own column)."""
    return _COLUMNS.get(_fold(header), header)
