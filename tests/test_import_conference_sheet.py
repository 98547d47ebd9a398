"""`salle import xlsx` with a `conference` sheet writes INPUTS/conference.yaml, checked row by row."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from solver.errors import InputError
from solver.importers import import_xlsx
from solver.inputs.conference import load_conference
from tests.test_import_xlsx import organizer_book


def _with_sheet(path: Path, rows: list[list[str]]) -> Path:
    wb = load_workbook(organizer_book(path))
    sheet = wb.create_sheet("Conference")
    for row in rows:
        sheet.append(row)
    wb.save(path)
    return path


def test_conference_sheet_becomes_conference_yaml(tmp_path: Path) -> None:
    book = _with_sheet(tmp_path / "orga.xlsx", [["key", "value"], ["title", "Colloque Santé 2027"],
                                                ["timezone", "America/Montreal"], ["locale", "fr_CA"], ["venue", ""]])
    done = import_xlsx(book, tmp_path / "in")
    assert tmp_path / "in" / "conference.yaml" in done.written
    conf = load_conference(tmp_path / "in")
    assert (conf.title, conf.timezone, conf.locale, conf.venue) == ("Colloque Santé 2027", "America/Montreal",
                                                                    "fr_CA", None)


def test_a_bad_conference_row_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    book = _with_sheet(tmp_path / "orga.xlsx", [["key", "value"], ["title", "X"], ["timezone", "Mars/Olympus"],
                                                ["colour", "red"]])
    with pytest.raises(InputError) as caught:
        import_xlsx(book, tmp_path / "in")
    issues = [str(i) for i in caught.value.issues]
    assert issues[0].startswith("orga.xlsx [Conference]:3: timezone: unknown time zone 'Mars/Olympus'")
    assert issues[1].startswith("orga.xlsx [Conference]:4: key: unknown key 'colour'")
    assert not (tmp_path / "in").exists()
