"""Reading the input folder: encodings, delimiters, and errors that name file, row and column."""

from pathlib import Path

import pytest

from solver.errors import InputError
from solver.inputs import load_problem, load_problem_with_warnings
from tests.conftest import make_conference, write_csv


def _issues(folder: Path) -> list[str]:
    with pytest.raises(InputError) as exc:
        load_problem(folder)
    return [str(i) for i in exc.value.issues]


def test_bundled_conference_reads(seed_inputs: Path) -> None:
    """The example conference: 5 rooms, 2 slots (the seed's and a reserve), 3 case studies, 4 speakers."""
    p = load_problem(seed_inputs)
    assert (len(p.rooms), len(p.slots), len(p.sessions), len(p.speakers), len(p.unavailability)) == (5, 2, 3, 4, 2)
    assert p.session["EC-MIS"].speakers == ("libersan", "boucher")
    assert p.slot["J1-1330"].start == 13 * 60 + 30


def test_french_excel_semicolons_bom_accents_and_13h30(tmp_path: Path) -> None:
    """`;` separators, a BOM, accents and `13h30` times, as French Excel saves them."""
    folder = make_conference(tmp_path)
    write_csv(folder / "slots.csv", [{"slot_id": "T1", "day": "2027-05-13", "start": "13h30", "end": "14h45",
                                      "kind": "étude", "label": "Études de cas"}], delimiter=";", bom=True)
    write_csv(folder / "rooms.csv", [{"room_id": "R1", "name": "Salle Émile-Nelligan", "capacity": "1 200",
                                      "features": "projecteur,micro"}], delimiter=";", bom=True)
    p = load_problem(folder)
    assert p.slot["T1"].start == 810 and p.slot["T1"].label == "Études de cas"
    assert p.room["R1"].name == "Salle Émile-Nelligan" and p.room["R1"].capacity == 1200
    assert p.room["R1"].features == ("projecteur", "micro")


def test_windows_1252_is_read_with_a_warning(tmp_path: Path) -> None:
    folder = make_conference(tmp_path)
    (folder / "rooms.csv").write_bytes("room_id;name;capacity\nR1;Salle Émile;50\n".encode("cp1252"))
    p, warnings = load_problem_with_warnings(folder)
    assert p.room["R1"].name == "Salle Émile"
    assert any("Windows-1252" in str(w) and "rooms.csv" in str(w) for w in warnings)


def test_extra_columns_are_kept(tmp_path: Path) -> None:
    folder = make_conference(tmp_path, rooms=[{"room_id": "R1", "name": "R", "capacity": 5, "étage": "2"}])
    assert load_problem(folder).room["R1"].extra == {"étage": "2"}


def test_bad_cells_name_file_row_and_column(tmp_path: Path) -> None:
    """Every bad cell is reported at once, as `file:row: column: message` (the header is row 1)."""
    folder = make_conference(
        tmp_path,
        rooms=[{"room_id": "R1", "name": "A", "capacity": 30}, {"room_id": "R2", "name": "B", "capacity": "beaucoup"}],
        slots=[{"slot_id": "T1", "day": "13/05/2027", "start": "9h", "end": "10h"},
               {"slot_id": "T2", "day": "2027-05-13", "start": "11h", "end": "10h"}],
        sessions=[{"session_id": "S1", "title": "", "attendance": -3}],
    )
    issues = _issues(folder)
    assert "rooms.csv:3: capacity: expected a whole number, got 'beaucoup'" in issues
    assert any(i.startswith("slots.csv:2: day: expected a date as YYYY-MM-DD") for i in issues)
    assert "slots.csv:3: end: the slot must end after it starts" in issues
    assert "sessions.csv:2: title: must not be empty" in issues
    assert "sessions.csv:2: attendance: must be at least 0, got '-3'" in issues


def test_missing_required_column_and_file(tmp_path: Path) -> None:
    folder = make_conference(tmp_path)
    (folder / "speakers.csv").unlink()
    write_csv(folder / "rooms.csv", [{"room_id": "R1", "name": "A"}])
    issues = _issues(folder)
    assert "rooms.csv:1: capacity: missing required column" in issues
    assert any(i.startswith("speakers.csv: required file is missing") for i in issues)


def test_duplicate_ids_and_unresolved_references(tmp_path: Path) -> None:
    folder = make_conference(
        tmp_path,
        rooms=[{"room_id": "R1", "name": "A", "capacity": 30}, {"room_id": "R1", "name": "B", "capacity": 40}],
    )
    assert "rooms.csv:3: room_id: duplicate id 'R1' (first on row 2)" in _issues(folder)

    folder = make_conference(
        tmp_path / "refs",
        sessions=[{"session_id": "S1", "title": "T", "attendance": 5, "room": "R9", "slot": "T9"}],
        unavailability=[{"who": "nobody", "day": "2027-05-13"}],
    )
    write_csv(folder / "sessions.csv", [{"session_id": "S1", "title": "T", "attendance": 5, "speakers": "ghost",
                                         "room": "R9", "slot": "T9"}])
    issues = _issues(folder)
    assert "sessions.csv:2: speakers: unknown speaker 'ghost' (not in speakers.csv)" in issues
    assert "sessions.csv:2: room: pinned room 'R9' is not in rooms.csv" in issues
    assert "sessions.csv:2: slot: pinned slot 'T9' is not in slots.csv" in issues
    assert "unavailability.csv:2: who: 'nobody' is neither a speaker_id nor a room_id" in issues


def test_unavailability_open_at_one_end(tmp_path: Path) -> None:
    """"Until 12h30" (no start) runs from the start of the day, "from 14h" (no end) to its end; the judge's
    sentences say so."""
    from solver.config import load_config
    from solver.judge import judge
    from solver.schedule import Assignment, Schedule

    slots = [{"slot_id": f"T{i}", "day": "2027-05-13", "start": f"{h}:00", "end": f"{h + 1}:00"}
             for i, h in enumerate((9, 12, 15), 1)]
    folder = make_conference(
        tmp_path, slots=slots,
        sessions=[{"session_id": "S1", "title": "Talk", "attendance": 10, "speakers": "ana"}],
        unavailability=[{"who": "ana", "day": "2027-05-13", "end": "12h30"},
                        {"who": "R1", "day": "2027-05-13", "start": "14h"}])
    problem = load_problem(folder)
    assert [u.window for u in problem.unavailability] == [
        (problem.slots[0].day, 0, 12 * 60 + 30), (problem.slots[0].day, 14 * 60, 24 * 60)]
    config = load_config([])

    def hard(slot: str) -> list[str]:
        return [v.message for v in judge(problem, Schedule((Assignment("S1", "R1", slot),)), config).hard]

    assert hard("T1") == ["Ana presents S1 on May 13, 9:00 – 10:00\u00a0AM but is unavailable May 13, until "
                          "12:30\u00a0PM"]
    assert hard("T2") == ["Ana presents S1 on May 13, 12:00 – 1:00\u00a0PM but is unavailable May 13, until "
                          "12:30\u00a0PM"]
    assert hard("T3") == ["S1 is in Room 1 on May 13, 3:00 – 4:00\u00a0PM but the room is closed May 13, from "
                          "2:00\u00a0PM"]


def test_unavailability_window_must_not_be_empty(tmp_path: Path) -> None:
    folder = make_conference(tmp_path, rooms=[{"room_id": "R1", "name": "A", "capacity": 30}],
                             unavailability=[{"who": "R1", "day": "2027-05-13", "start": "11h", "end": "9h"}])
    assert any(i.startswith("unavailability.csv:2: end: the window must end after it starts") for i in _issues(folder))


def test_blank_lines_do_not_shift_row_numbers(tmp_path: Path) -> None:
    folder = make_conference(tmp_path)
    (folder / "rooms.csv").write_text("room_id,name,capacity\n\nR1,A,30\n,,\nR2,B,zero\n", encoding="utf-8")
    assert "rooms.csv:5: capacity: expected a whole number, got 'zero'" in _issues(folder)


def test_unparseable_csv_is_one_clear_line(tmp_path: Path) -> None:
    folder = make_conference(tmp_path)
    (folder / "rooms.csv").write_text('room_id,name,capacity\nR1,"unclosed,30\n', encoding="utf-8")
    issues = _issues(folder)
    assert issues == ["rooms.csv:2: cannot be parsed as CSV: a quoted cell that opens on this row is never closed"]


def test_missing_folder(tmp_path: Path) -> None:
    assert _issues(tmp_path / "nope") == [f"{tmp_path / 'nope'}: no such inputs folder"]


def test_a_repeated_column_is_refused_with_file_and_column(tmp_path: Path) -> None:
    """`language` twice (as `salle import frab` once wrote it), ` name` beside `name` (spaces are trimmed), or a
    DataFrame with a repeated column: the reader sees the header as written (pandas would rename the second
    `language.1`), so each is one message naming the file and the column, and `salle validate` exits 1."""
    from typer.testing import CliRunner

    from solver.cli import cli

    folder = make_conference(tmp_path / "in")
    (folder / "sessions.csv").write_text("session_id,title,attendance,language,language\nS1,Talk,10,fr,en\n",
                                         encoding="utf-8")
    (folder / "speakers.csv").write_text("speaker_id,name, name\nana,Ana,Ana\n", encoding="utf-8")
    assert sorted(_issues(folder)) == ["sessions.csv:1: language: the column appears more than once",
                                       "speakers.csv:1: name: the column appears more than once"]
    result = CliRunner().invoke(cli, ["validate", str(folder)])
    assert result.exit_code == 1 and "sessions.csv:1: language: the column appears more than once" in result.output

    import pandas as pd

    import solver

    frames = {name: pd.read_csv(tmp_path / "in" / f"{name}.csv") for name in ("rooms", "slots")}
    frames["sessions"] = pd.DataFrame([["S1", "Talk", 10, "fr", "en"]],
                                      columns=["session_id", "title", "attendance", "language", "language"])
    frames["speakers"] = pd.DataFrame([["ana", "Ana"]], columns=["speaker_id", "name"])
    with pytest.raises(InputError, match=r"sessions\.csv:1: language: the column appears more than once"):
        solver.load(frames)


def test_hand_edit_of_a_name_or_time_without_its_id_is_reported(tmp_path: Path) -> None:
    """An assignments file whose room_name, day or start disagrees with its room_id or slot_id names both sides
    (a hand edit of one of them is never silently ignored); ids alone, or agreeing columns, read as before."""
    from solver.inputs.assignments import read_schedule

    rooms = [{"room_id": "R1", "name": "Salle A", "capacity": 50}, {"room_id": "R2", "name": "Salle B", "capacity": 50}]
    slots = [{"slot_id": "T1", "day": "2027-05-13", "start": "09:00", "end": "10:00"},
             {"slot_id": "T2", "day": "2027-05-13", "start": "13:30", "end": "14:45"}]
    problem = load_problem(make_conference(tmp_path / "conf", rooms=rooms, slots=slots))
    path = tmp_path / "edited.csv"
    path.write_text("session_id,room_id,room_name,slot_id,day,start\nS1,R1,Salle B,T1,2027-05-13,13h30\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_schedule(path, problem)
    assert [str(i) for i in caught.value.issues] == [
        "edited.csv:2: room_name: 'Salle B' is not the name of room R1 (Salle A): change room_id and room_name "
        "together; 'Salle B' is room R2",
        "edited.csv:2: start: '13h30' is not the start of slot T1 (09:00): change slot_id and start together"]
    path.write_text("session_id,room_id,room_name,slot_id,day,start\nS1,R2,salle  b,T2,2027-05-13,13h30\n",
                    encoding="utf-8")
    assert [(a.room_id, a.slot_id) for a in read_schedule(path, problem).assignments] == [("R2", "T2")]
