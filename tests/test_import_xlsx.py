"""`salle import xlsx`: one sheet per input table, read with the CSV reader's validation and messages."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from solver.cli import cli
from solver.errors import InputError
from solver.importers import import_xlsx
from solver.publish import render_publications
from tests.test_publish_files import EVIL, seed, tiny


def organizer_book(path: Path, capacity: object = 90) -> Path:
    """A spreadsheet as an organizer types it: real dates and times, numbers as numbers, sheet names in caps."""
    wb = Workbook()
    rooms = wb.active
    rooms.title = "Rooms"
    rooms.append(["room_id", "name", "capacity", "features"])
    rooms.append(["A-1100", "Salle A-1100", capacity, "projecteur;micro"])
    slots = wb.create_sheet("slots.csv")
    slots.append(["slot_id", "day", "start", "end", "label"])
    slots.append(["J1-1330", dt.datetime(2027, 5, 13), dt.time(13, 30), dt.time(14, 45), "Études de cas"])
    sessions = wb.create_sheet("sessions")
    sessions.append(["session_id", "title", "speakers", "attendance", "requires"])
    sessions.append([])
    sessions.append(["EC-CNR", "Le Conseil", "berkesse", 85.0, "projecteur"])
    speakers = wb.create_sheet("speakers")
    speakers.append(["speaker_id", "name"])
    speakers.append(["berkesse", "Alexandre Berkesse"])
    wb.create_sheet("Notes").append(["anything", "else"])
    wb.save(path)
    return path


def test_organizer_workbook_becomes_inputs(tmp_path: Path) -> None:
    done = import_xlsx(organizer_book(tmp_path / "orga.xlsx"), tmp_path / "in")
    p = done.problem
    assert p.slot["J1-1330"].day == dt.date(2027, 5, 13) and (p.slot["J1-1330"].start, p.slot["J1-1330"].end) == (
        810, 885)
    assert p.room["A-1100"].capacity == 90 and p.session["EC-CNR"].attendance == 85
    assert p.session["EC-CNR"].title == "Le Conseil" and p.session["EC-CNR"].row == 3  # the blank row counts
    assert (tmp_path / "in" / "unavailability.csv").read_text(encoding="utf-8").startswith("who,day")
    assert done.schedule is None and not (tmp_path / "in" / "assignments.csv").exists()


def test_bad_cells_get_the_csv_readers_messages(tmp_path: Path) -> None:
    """Same sentences as for rooms.csv, pointing at the workbook, the sheet, the spreadsheet row and column."""
    book = organizer_book(tmp_path / "orga.xlsx", capacity="beaucoup")
    with pytest.raises(InputError) as exc:
        import_xlsx(book, tmp_path / "in")
    assert [str(i) for i in exc.value.issues] == [
        "orga.xlsx [Rooms]:2: capacity: expected a whole number, got 'beaucoup'"]
    assert not (tmp_path / "in").exists()


def test_missing_sheet_is_named(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.title = "rooms"
    wb.save(tmp_path / "half.xlsx")
    result = CliRunner().invoke(cli, ["import", "xlsx", str(tmp_path / "half.xlsx"), "--out", str(tmp_path / "in")])
    assert result.exit_code == 1
    assert "half.xlsx: no sheet named 'slots'" in result.output and "no sheet named 'speakers'" in result.output
    not_a_book = tmp_path / "x.xlsx"
    not_a_book.write_text("hello", encoding="utf-8")
    with pytest.raises(InputError, match=r"cannot be read as an \.xlsx workbook"):
        import_xlsx(not_a_book, tmp_path / "in")


def test_schedule_xlsx_reads_back(tmp_path: Path) -> None:
    """salle's own workbook is an inputs folder plus the assignment: same records, same schedule."""
    for problem, schedule in (seed(), tiny(tmp_path)):
        book = tmp_path / "schedule.xlsx"
        book.write_bytes(render_publications(problem, schedule)["schedule.xlsx"])  # type: ignore[arg-type]
        done = import_xlsx(book, tmp_path / "back")
        back = done.problem
        assert back.rooms == problem.rooms and back.slots == problem.slots and back.speakers == problem.speakers
        assert [s.model_dump(exclude={"extra"}) for s in back.sessions] == [
            s.model_dump(exclude={"extra"}) for s in problem.sessions]
        assert done.schedule is not None
        assert sorted(done.schedule.assignments) == sorted(schedule.assignments)
    assert any(s.title == EVIL for s in back.sessions)


def test_cli_defaults_to_inputs_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    organizer_book(tmp_path / "orga.xlsx")
    result = CliRunner().invoke(cli, ["import", "xlsx", "orga.xlsx"])
    assert result.exit_code == 0, result.output
    assert "1 sessions, 1 rooms" in result.output and (tmp_path / "inputs" / "rooms.csv").is_file()
    assert io.StringIO((tmp_path / "inputs" / "rooms.csv").read_text(encoding="utf-8")).readline().startswith(
        "room_id,name,capacity")
