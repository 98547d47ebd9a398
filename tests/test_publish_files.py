"""Publications of one solved schedule: HTML pages, calendars, frab XML/JSON, workbook, door lists."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from openpyxl import load_workbook
from typer.testing import CliRunner

from solver.cli import cli
from solver.inputs import Problem, load_problem
from solver.publish import render_publications
from solver.publish.view import file_names
from solver.schedule import Assignment, Schedule
from tests.conftest import ROOT, SHARED, make_conference, require_shared

SEED_PLACES = {"EC-CNR": "A-1100", "EC-COP": "B-2305", "EC-MIS": "B-2310"}
EVIL = '<script>alert("x")</script>'


def seed() -> tuple[Problem, Schedule]:
    """The bundled conference with the rooms salle gives it (the three case studies at 13h30)."""
    problem = load_problem(ROOT / "inputs")
    return problem, Schedule(tuple(Assignment(s, r, "J1-1330") for s, r in SEED_PLACES.items()))


def tiny(tmp_path: Path) -> tuple[Problem, Schedule]:
    """Two days, three rooms, a two-slot session, a hostile title, ids that are not file-safe."""
    folder = make_conference(
        tmp_path / "tiny",
        rooms=[{"room_id": "R1", "name": "Salle 1", "capacity": 50, "building": "A"},
               {"room_id": "R/2", "name": "Salle 2", "capacity": 30},
               {"room_id": "R3", "name": "Salle 3", "capacity": 20}],
        slots=[{"slot_id": "T1", "day": "2027-05-13", "start": "09:00", "end": "10:00"},
               {"slot_id": "T2", "day": "2027-05-13", "start": "10:00", "end": "11:00"},
               {"slot_id": "T3", "day": "2027-12-02", "start": "14:00", "end": "15:30"}],
        sessions=[{"session_id": "S1", "title": "Atelier long", "speakers": "ana;../bob", "attendance": 40,
                   "track": "Data", "length": 2},
                  {"session_id": "S2", "title": "=HYPERLINK(\"http://x\")", "speakers": "carl", "attendance": 25,
                   "track": "Ops"},
                  {"session_id": "S3", "title": EVIL, "speakers": "ana", "attendance": 10, "track": "Data"},
                  {"session_id": "S4", "title": "Hiver", "speakers": "carl", "attendance": 5}],
    )
    schedule = Schedule((Assignment("S1", "R1", "T1"), Assignment("S2", "R/2", "T2"), Assignment("S3", "R3", "T1"),
                         Assignment("S4", "R3", "T3")))
    return load_problem(folder), schedule


def test_every_publication_is_there() -> None:
    """One call gives the pages, the calendars (all, per room, per speaker), frab, workbook and lists."""
    problem, schedule = seed()
    files = render_publications(problem, schedule)
    expected = {"timetable.html", "timetable-organizers.html", "programme.md", "programme.html", "calendar.ics",
                "schedule.xml", "schedule.json", "schedule.xlsx", "speakers.csv"}
    expected |= {f"rooms/{r.room_id}.{ext}" for r in problem.rooms for ext in ("csv", "ics")}
    expected |= {f"speakers/{p.speaker_id}.ics" for p in problem.speakers}
    # a page per talk, its own calendar (scheduled talks), and a door page per room
    expected |= {f"talks/{s.session_id}.html" for s in problem.sessions}
    expected |= {f"talks/{a.session_id}.ics" for a in schedule.assignments}
    expected |= {f"now/{r.room_id}.html" for r in problem.rooms}
    assert set(files) == expected


def test_same_schedule_same_bytes() -> None:
    """Publishing twice gives identical files (the calendars' DTSTAMP is the run time unless given)."""
    problem, schedule = seed()
    stamp = dt.datetime(2027, 4, 1, tzinfo=dt.UTC)
    assert render_publications(problem, schedule, stamp=stamp) == render_publications(problem, schedule, stamp=stamp)


def test_file_names_are_safe_and_unique() -> None:
    names = file_names(["A-1100", "../etc/passwd", "a/b", "a_b", ".hidden", "A-1100 "])
    assert names["A-1100"] == "A-1100"
    assert all("/" not in n and "\\" not in n and not n.startswith(".") for n in names.values())
    assert len(set(names.values())) == len(names)


def test_tiny_paths_have_no_separators(tmp_path: Path) -> None:
    problem, schedule = tiny(tmp_path)
    files = render_publications(problem, schedule)
    for path in files:
        parts = path.split("/")
        assert ".." not in parts and all(parts) and len(parts) <= 2
    assert any(p.startswith("rooms/R_2-") and p.endswith(".csv") for p in files)
    assert any(p.startswith("speakers/_bob-") and p.endswith(".ics") for p in files)


# -- HTML -------------------------------------------------------------------------------------------------------
def test_timetable_escapes_titles_and_has_no_network(tmp_path: Path) -> None:
    problem, schedule = tiny(tmp_path)
    page = str(render_publications(problem, schedule)["timetable.html"])
    assert EVIL not in page and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert "http://" not in page.replace("&#34;http://x", "") and "https://" not in page
    assert "<link" not in page and " src=" not in page
    assert "Content-Security-Policy" in page and "@media print" in page


def test_timetable_grid_places_sessions(tmp_path: Path) -> None:
    """Rooms are columns in rooms.csv order; a two-hour session spans twice the rows of a one-hour one."""
    problem, schedule = tiny(tmp_path)
    files = render_publications(problem, schedule, locale="en")
    page = str(files["timetable.html"])
    heads = [page.index(f'<th class="room" scope="col" data-room="{r}">') for r in ("R1", "R/2", "R3")]
    assert heads == sorted(heads)
    assert '<td data-room="R1" rowspan="2" class="busy"' in page and 'data-session="S1" data-room="R1"' in page
    assert 'data-session="S2" data-room="R/2"' in page and "Ana and ../Bob" in page
    assert "40/50" not in page and "40 expected / 50 seats" in str(files["timetable-organizers.html"])
    assert '<option value="Data">Data</option>' in page and 'type="search"' in page


def test_programme_html_names_the_rooms() -> None:
    """The seed's programme with every « Salle à venir » replaced by the real room, in the seed's order."""
    problem, schedule = seed()
    page = str(render_publications(problem, schedule)["programme.html"])
    assert "Salle à venir" not in page and "jeudi 13 mai 2027" in page and "13 h 30 – 14 h 45" in page
    order = [page.index(problem.session[s].title.split(" – ")[0][:40]) for s in ("EC-CNR", "EC-COP", "EC-MIS")]
    assert order == sorted(order)
    for session_id, room in SEED_PLACES.items():
        block = page[page.index(f'id="s-{session_id}"'):]
        assert block.index(problem.room[room].name) < block.index("</article>")


# -- calendars --------------------------------------------------------------------------------------------------
def _events(data: str | bytes) -> list:
    cal = Calendar.from_ical(data)
    return [c for c in cal.walk("VEVENT")]


def test_calendar_times_are_in_the_conference_time_zone() -> None:
    """13h30 in Montreal/Toronto in May is 17:30 UTC; the VTIMEZONE travels with the file."""
    problem, schedule = seed()
    files = render_publications(problem, schedule)
    cal = Calendar.from_ical(files["calendar.ics"])
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["America/Toronto"]
    events = _events(files["calendar.ics"])
    assert len(events) == 3
    for e in events:
        start = e.decoded("DTSTART")
        assert start.tzinfo is not None and start.astimezone(dt.UTC).strftime("%H:%M") == "17:30"
        assert e.decoded("DTEND") - start == dt.timedelta(minutes=75)
        assert e["DTSTART"].params["TZID"] == "America/Toronto"
        assert {"UID", "DTSTAMP", "SUMMARY", "LOCATION"} <= set(e)


def test_each_speaker_imports_exactly_their_sessions(tmp_path: Path) -> None:
    problem, schedule = tiny(tmp_path)
    files = render_publications(problem, schedule, timezone="Europe/Paris")
    ana = _events(files["speakers/ana.ics"])
    assert sorted(str(e["SUMMARY"]) for e in ana) == sorted(["Atelier long", EVIL])
    carl = _events(files["speakers/carl.ics"])
    assert sorted(str(e["SUMMARY"]) for e in carl) == ["=HYPERLINK(\"http://x\")", "Hiver"]
    winter = next(e for e in carl if str(e["SUMMARY"]) == "Hiver")
    assert winter.decoded("DTSTART").utcoffset() == dt.timedelta(hours=1)  # Paris in December
    s1 = next(e for e in ana if str(e["SUMMARY"]) == "Atelier long")
    assert s1.decoded("DTSTART").hour == 9 and s1.decoded("DTEND").hour == 11 and str(s1["LOCATION"]) == "Salle 1, A"


def test_room_calendar_without_sessions_is_still_a_calendar() -> None:
    problem, schedule = seed()
    cal = Calendar.from_ical(render_publications(problem, schedule)["rooms/AUD.ics"])
    assert cal.walk("VEVENT") == [] and len(cal.walk("VTIMEZONE")) == 1


def test_unknown_time_zone_is_refused() -> None:
    problem, schedule = seed()
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        render_publications(problem, schedule, timezone="Mars/Olympus")


# -- frab schedule.xml / schedule.json ----------------------------------------------------------------------------
@functools.cache
def _schemas() -> tuple:
    import jsonschema
    import xmlschema

    formats = SHARED / "formats" / "voc-schedule"
    schema = json.loads((formats / "schema.json").read_text(encoding="utf-8"))
    return (xmlschema.XMLSchema(str(formats / "schedule.xml.xsd")),
            jsonschema.Draft6Validator(schema, format_checker=jsonschema.FormatChecker()))


def validate_frab(files: dict[str, str | bytes]) -> dict:
    """Both files against the voc schemas in ../shared; returns the JSON document."""
    require_shared()
    xsd, json_schema = _schemas()
    xsd.validate(str(files["schedule.xml"]))
    doc = json.loads(files["schedule.json"])
    json_schema.validate(doc)
    return doc


def test_seed_schedule_xml_and_json_validate() -> None:
    problem, schedule = seed()
    doc = validate_frab(render_publications(problem, schedule))
    conf = doc["schedule"]["conference"]
    assert conf["time_zone_name"] == "America/Toronto" and conf["daysCount"] == 1
    events = [e for day in conf["days"] for evs in day["rooms"].values() for e in evs]
    assert {e["room"] for e in events} == {problem.room[r].name for r in SEED_PLACES.values()}
    for e in events:
        assert dt.datetime.fromisoformat(e["date"]) == dt.datetime(2027, 5, 13, 13, 30,
                                                                    tzinfo=ZoneInfo("America/Toronto"))
        assert e["duration"] == "01:15" and uuid.UUID(e["guid"])


def test_tiny_schedule_xml_and_json_validate(tmp_path: Path) -> None:
    """Two days, rooms without sessions, a hostile title and an http base URL still validate."""
    problem, schedule = tiny(tmp_path)
    files = render_publications(problem, schedule, title="Démo 2027", base_url="https://conf.example.org/2027/")
    doc = validate_frab(files)
    xml = str(files["schedule.xml"]).replace("&lt;", "<").replace("&gt;", ">")
    assert "<title>alert(\"x\")</title>" in xml and "<script" not in xml  # the title's words, not its markup
    days = doc["schedule"]["conference"]["days"]
    assert [d["date"] for d in days] == ["2027-05-13", "2027-12-02"]
    s1 = days[0]["rooms"]["Salle 1"][0]
    assert (s1["title"], s1["duration"], s1["url"]) == ("Atelier long", "02:00",
                                                         "https://conf.example.org/2027/talks/S1.html")


# -- workbook and lists -------------------------------------------------------------------------------------------
def test_workbook_sheets_and_no_formulas(tmp_path: Path) -> None:
    problem, schedule = tiny(tmp_path)
    report = [{"rule": "capacity_fit", "mode": "soft", "weight": "1", "amount": "10", "penalty": "10",
               "sessions": "S1", "message": "S1 expects 40 in Salle 1 (50 seats): 10 empty"}]
    data = render_publications(problem, schedule, report=report)["schedule.xlsx"]
    wb = load_workbook(io.BytesIO(data))  # type: ignore[arg-type]
    assert wb.sheetnames == ["Assignments", "Thursday, May 13", "Thursday, December 2", "By room", "By speaker",
                             "Score", "Rules", "rooms", "slots", "sessions", "speakers", "unavailability"]
    rows = list(wb["Assignments"].iter_rows(values_only=True))
    assert rows[0][:3] == ("session", "title", "kind") and len(rows) == 5
    hostile = next(c for row in wb["Assignments"].iter_rows() for c in row if str(c.value).startswith("=HYPER"))
    assert hostile.data_type == "s"  # stored as text: Excel shows it, never runs it
    grid = list(wb["Thursday, May 13"].iter_rows(values_only=True))
    assert grid[0] == ("time", "Salle 1", "Salle 2", "Salle 3")
    assert grid[1][0] == dt.time(9, 0) and grid[1][1] == "Atelier long\nAna, ../Bob" and grid[2][1] is None  # merged
    assert list(wb["Score"].iter_rows(values_only=True))[1][0] == "capacity_fit"
    plain = render_publications(problem, schedule)["schedule.xlsx"]
    assert isinstance(plain, bytes) and "Score" not in load_workbook(io.BytesIO(plain)).sheetnames


def test_door_lists_and_speakers_csv_neutralize_formulas(tmp_path: Path) -> None:
    problem, schedule = tiny(tmp_path)
    files = render_publications(problem, schedule)
    room2 = next(v for k, v in files.items() if k.startswith("rooms/R_2") and k.endswith(".csv"))
    rows = list(csv.DictReader(io.StringIO(str(room2))))
    assert [(r["start"], r["title"], r["attendance"], r["capacity"]) for r in rows] == [
        ("10:00", "'=HYPERLINK(\"http://x\")", "25", "30")]
    people = list(csv.DictReader(io.StringIO(str(files["speakers.csv"]))))
    assert [(r["speaker_id"], r["session_id"], r["room_name"], r["start"]) for r in people] == [
        ("ana", "S1", "Salle 1", "09:00"), ("ana", "S3", "Salle 3", "09:00"),
        ("../bob", "S1", "Salle 1", "09:00"),
        ("carl", "S2", "Salle 2", "10:00"), ("carl", "S4", "Salle 3", "14:00")]


# -- command line -----------------------------------------------------------------------------------------------
def test_salle_export_writes_everything(tmp_path: Path) -> None:
    _, schedule = seed()
    assignments = tmp_path / "assignments.csv"
    assignments.write_text("session_id,room_id,slot_id\n" + "".join(
        f"{a.session_id},{a.room_id},{a.slot_id}\n" for a in schedule.assignments), encoding="utf-8")
    out = tmp_path / "pub"
    result = CliRunner().invoke(cli, ["export", str(ROOT / "inputs"), "--schedule", str(assignments), "--out",
                                      str(out), "--timezone", "America/Montreal"])
    assert result.exit_code == 0, result.output
    assert (out / "timetable.html").is_file() and (out / "speakers" / "berkesse.ics").is_file()
    assert "TZID=America/Montreal" in (out / "calendar.ics").read_text(encoding="utf-8")


def test_salle_export_reports_bad_input(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("session_id,room_id,slot_id\nEC-CNR,NOPE,J1-1330\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["export", str(ROOT / "inputs"), "--schedule", str(tmp_path / "a.csv"),
                                      "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "a.csv:2: room_id: unknown id 'NOPE'" in result.output
    assert not (tmp_path / "o").exists()
    bad_tz = CliRunner().invoke(cli, ["export", str(ROOT / "inputs"), "--schedule", str(ROOT / "outputs" / "x"),
                                      "--timezone", "Nowhere/City"])
    assert bad_tz.exit_code == 1
