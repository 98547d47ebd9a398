"""schedule.xlsx opened with openpyxl: typed cells, merged sessions, filters, print setup, coloured penalties
with the judge's sentences, sessions to be scheduled, and the language of the conference."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from solver.config import Config, load_config
from solver.inputs import Problem
from solver.publish.view import Conference, entries
from solver.publish.workbook import Report, schedule_xlsx
from solver.publish.workbook.layout import sheet_title
from solver.schedule import Assignment, Schedule
from tests.publish_cases import english, seed

REPORT = [  # two rows of a score report (solver.publish.report.report_rows)
    {"rule": "room_capacity", "mode": "hard", "weight": "0", "amount": "15", "penalty": "",
     "sessions": "S2", "message": "S2 expects 25 in Room two (10 seats): 15 short"},
    {"rule": "capacity_fit", "mode": "soft", "weight": "1", "amount": "10", "penalty": "10",
     "sessions": "S1", "message": "S1 expects 40 in Main hall (50 seats): 10 empty"},
    {"rule": "speaker_days", "mode": "soft", "weight": "3", "amount": "1", "penalty": "3",
     "sessions": "S1;S2", "message": "ana comes on 2 days"},
]


def book(problem: Problem, schedule: Schedule, report: Report | None = None, title: str = "Programme",
         config: Config | None = None) -> Workbook:
    """The workbook render_publications would write (only it is rendered: the tests stay fast)."""
    data = schedule_xlsx(problem, schedule, entries(problem, schedule), report, conf=Conference(title=title),
                         config=config)
    return load_workbook(io.BytesIO(data))


def values(ws: Worksheet, rows: int) -> list[tuple[object, ...]]:
    return list(ws.iter_rows(min_row=1, max_row=rows, values_only=True))


def test_french_conference_gets_french_sheets_and_typed_cells() -> None:
    """The bundled conference: French titles and headers, days as dates, times as times shown `13 h 30`."""
    wb = book(*seed())
    assert wb.sheetnames == ["Affectations", "jeudi 13 mai", "Par salle", "Par personne", "Règles",
                             "rooms", "slots", "sessions", "speakers", "unavailability"]
    ws = wb["Affectations"]
    assert values(ws, 2) == [
        ("séance", "titre", "type", "personnes", "jour", "début", "fin", "créneau", "créneaux", "salle",
         "nom de la salle", "places", "affluence attendue"),
        ("EC-CNR", "Le Conseil national de la refondation en santé – Une démarche collaborative territoriale",
         "etude-de-cas", "berkesse", dt.datetime(2027, 5, 13), dt.time(13, 30), dt.time(14, 45), "J1-1330",
         "J1-1330", "A-1100", "Salle A-1100", 90, 85)]
    assert [ws.cell(3, c).number_format for c in (5, 6, 7)] == ["yyyy-mm-dd", 'h" h "mm', 'h" h "mm']
    assert ws.cell(4, 12).data_type == "n" and ws.cell(4, 12).value == 45  # rows past the second, fast path
    slots = wb["slots"]
    assert values(slots, 3)[1:] == [("J1-1330", dt.datetime(2027, 5, 13), dt.time(13, 30), dt.time(14, 45),
                                     "etude-de-cas", "Études de cas", None, None),
                                    ("J1-1515", dt.datetime(2027, 5, 13), dt.time(15, 15), dt.time(16, 30),
                                     "etude-de-cas", "Études de cas (plage de réserve)", None, None)]
    grid = wb["jeudi 13 mai"]
    assert [r[0] for r in values(grid, 5)] == ["heure", dt.time(13, 30), dt.time(14, 45), dt.time(15, 15), None]
    assert grid.oddHeader.right.text == "jeudi 13 mai 2027"


def test_english_conference_and_the_grid() -> None:
    """English titles; a two-slot session is one merged cell; the time column is frozen and printed on every
    page; a penalized session is red (hard) or amber (soft) with the judge's sentences in a comment."""
    import tempfile

    problem, schedule = english(Path(tempfile.mkdtemp()))
    wb = book(problem, schedule, report=REPORT, title="DevConf & co")
    assert wb.sheetnames == ["Assignments", "Thursday, May 13", "Friday, May 14", "By room", "By speaker", "Score",
                             "To be scheduled", "Rules", "rooms", "slots", "sessions", "speakers", "unavailability"]
    grid = wb["Thursday, May 13"]
    assert values(grid, 3) == [("time", "Main hall", "Room two", "Room three"),
                               (dt.time(9, 0), "The long workshop\nAna, Bob", None, '<script>alert("x")</script>\nAna'),
                               (dt.time(10, 0), None, "Operations for the rest of us\nCarl", None)]
    assert [str(r) for r in grid.merged_cells.ranges] == ["B2:B3"]
    assert grid["A2"].number_format == "h:mm AM/PM"
    assert (grid.freeze_panes, grid.print_title_rows, grid.print_title_cols) == ("B2", "$1:$1", "$A:$A")
    assert (grid["B2"].fill.fgColor.rgb, grid["C3"].fill.fgColor.rgb) == ("00FFEB9C", "00FFC7CE")
    assert grid["B2"].comment.text == ("capacity_fit (soft): S1 expects 40 in Main hall (50 seats): 10 empty\n"
                                       "speaker_days (soft): ana comes on 2 days")
    assert grid["C3"].comment.text == ("room_capacity (hard): S2 expects 25 in Room two (10 seats): 15 short\n"
                                       "speaker_days (soft): ana comes on 2 days")
    assert grid["D2"].comment is None and grid["D2"].fill.fill_type is None
    assert grid.oddHeader.left.text == "DevConf && co" and grid.oddHeader.right.text == "Thursday, May 13, 2027"
    assert values(wb["Score"], 2)[1] == ("room_capacity", "hard", 0, 15, None, "S2",
                                         "S2 expects 25 in Room two (10 seats): 15 short")
    assert values(wb["To be scheduled"], 2) == [
        ("session", "title", "speakers", "expected attendance", "length (slots)", "track", "why"),
        ("S5", "A talk without a room yet", "Dora", 5, 1, None, None)]


def test_every_table_filters_freezes_and_prints() -> None:
    """Autofilter over the whole table, header frozen, landscape one page wide, the header row on every page."""
    import tempfile

    wb = book(*english(Path(tempfile.mkdtemp())), report=REPORT)
    tables = [n for n in wb.sheetnames if not n.startswith(("Thursday", "Friday"))]
    assert len(tables) == 11
    for name in tables:
        ws = wb[name]
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}", name
        assert ws.freeze_panes == "A2" and ws.print_title_rows == "$1:$1", name
        setup = ws.page_setup
        assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == ("landscape", 1, 0), name
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True, name
        assert ws.oddHeader.left.text == "Programme" and ws.oddHeader.right.text == name
        assert ws.oddFooter.center.text == "&P / &N"
    assert wb["sessions"].auto_filter.ref.endswith("6")  # header + 5 sessions


def test_sessions_sharing_a_room_are_not_merged() -> None:
    """Two sessions at once in one room (a hard violation) are both shown, in each cell, unmerged."""
    import tempfile

    problem, schedule = english(Path(tempfile.mkdtemp()))
    clash = Schedule((*schedule.assignments, Assignment("S5", "R1", "T2")))
    grid = book(problem, clash)["Thursday, May 13"]
    assert grid.merged_cells.ranges == set()
    assert grid["B2"].value == "The long workshop\nAna, Bob"
    assert grid["B3"].value == "The long workshop\nAna, Bob / A talk without a room yet\nDora"


def test_rules_sheet_lists_every_rule_as_configured(tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text("track_room:\n  weight: 7\ncapacity_fit: false\n", encoding="utf-8")
    config = load_config([tmp_path / "mine.yaml"])
    rules = book(*seed(), config=config)["Règles"]
    rows = values(rules, rules.max_row)
    assert rows[0] == ("règle", "mode", "poids", "niveau", "paramètres", "peut être", "par défaut",
                       "unité de pénalité", "sens (en anglais)")
    by_name = {r[0]: r for r in rows[1:]}
    assert len(by_name) == len(config.rules)
    assert by_name["track_room"][:5] == ("track_room", "soft", 7, 0, None)
    assert by_name["capacity_fit"][:3] == ("capacity_fit", "off", 1)
    assert by_name["speaker_changeover"][4] == "minutes=15; travel_minutes=30"
    assert by_name["capacity_fit"][5:7] == ("off / soft", "soft")
    assert [(dv.type, str(dv.sqref)) for dv in rules.data_validations.dataValidation] == [
        ("list", f"B2:B{len(by_name) + 1}"), ("whole", f"C2:C{len(by_name) + 1}"),
        ("whole", f"D2:D{len(by_name) + 1}")]


def test_sheet_titles_excel_accepts() -> None:
    taken: set[str] = set()
    assert sheet_title("a/b:c?[d]*", taken) == "a-b-c--d--"
    assert sheet_title("A/B:C?[D]*", taken) == "A-B-C--D-- (2)"
    assert sheet_title("x" * 40, taken) == "x" * 31
    assert sheet_title("x" * 40, taken) == "x" * 27 + " (2)"


def test_solve_and_export_write_the_rules_applied_and_the_sessions_left_out(tmp_path: Path) -> None:
    """`salle solve --allow-unscheduled` and `salle export` (judged) colour penalties, list the session that
    does not fit with the judge's sentence, and show INPUTS/constraints.yaml's weights on the Rules sheet."""
    from typer.testing import CliRunner

    from solver.cli import cli
    from tests.conftest import make_conference

    folder = make_conference(
        tmp_path / "conf",
        rooms=[{"room_id": "R1", "name": "Main hall", "capacity": 50}],
        slots=[{"slot_id": "T1", "day": "2027-05-13", "start": "09:00", "end": "10:00"}],
        sessions=[{"session_id": "S1", "title": "The talk for the hall", "attendance": 40},
                  {"session_id": "S2", "title": "Too big for the rooms", "attendance": 90}])
    (folder / "constraints.yaml").write_text("track_room:\n  weight: 9\n", encoding="utf-8")
    runner = CliRunner()
    solved = runner.invoke(cli, ["solve", str(folder), "--out", str(tmp_path / "out"), "--allow-unscheduled"])
    assert solved.exit_code == 2, solved.output
    exported = runner.invoke(cli, ["export", str(folder), "--schedule", str(tmp_path / "out" / "assignments.csv"),
                                   "--out", str(tmp_path / "site"), "--force"])
    assert exported.exit_code == 0, exported.output
    for out in ("out", "site"):
        wb = load_workbook(tmp_path / out / "schedule.xlsx")
        assert wb.sheetnames[:7] == ["Assignments", "Thursday, May 13", "By room", "By speaker", "Score",
                                     "To be scheduled", "Rules"], out
        rules = {r[0]: r for r in wb["Rules"].iter_rows(min_row=2, values_only=True)}
        assert rules["track_room"][1:3] == ("soft", 9)
        pending = list(wb["To be scheduled"].iter_rows(min_row=2, values_only=True))
        assert [r[:2] for r in pending] == [("S2", "Too big for the rooms")]
        assert "S2" in str(pending[0][6]), pending  # the judge's sentence about it
        grid = wb["Thursday, May 13"]
        assert grid["B2"].value == "The talk for the hall"
        assert grid["B2"].fill.fill_type is None  # a few empty seats: said in the comment, not coloured
        assert grid["B2"].comment.text == "capacity_fit (soft): S1 expects 40 in Main hall (50 seats): 10 empty"
