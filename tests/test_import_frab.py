"""`salle import frab`: real published schedules (31C3, FOSDEM 2025, pretalx/frab JSON) into the input contract,
then audited with `salle check`; and salle's own schedule.xml read back."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from solver.cli import cli
from solver.config import load_config
from solver.errors import InputError
from solver.importers import import_frab
from solver.importers.frab import DEFAULT_ATTENDANCE, DEFAULT_CAPACITY
from solver.inputs import load_problem
from solver.inputs.assignments import read_schedule
from solver.judge import judge
from solver.publish import render_publications
from tests.conftest import SHARED, require_shared
from tests.test_publish_files import tiny

FRAB = SHARED / "data" / "frab"
VOC = SHARED / "formats" / "voc-schedule"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_fosdem_2025_imports_and_check_finds_the_double_booking(tmp_path: Path) -> None:
    """943 events, 40 rooms (11 without events), 992 people; the published schedule has one speaker in two
    rooms at once on Sunday 13h30, which `salle check` reports as a sentence, in English (exit 2)."""
    require_shared()
    out = tmp_path / "fosdem"
    started = time.perf_counter()
    runner = CliRunner()
    result = runner.invoke(cli, ["import", "frab", str(FRAB / "fosdem-2025.xml"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "943 events, 40 rooms" in result.output and "992 speakers" in result.output
    check = runner.invoke(cli, ["check", str(out), "--schedule", str(out / "assignments.csv")])
    elapsed = time.perf_counter() - started
    assert check.exit_code == 2, check.output
    assert "speaker_conflict" in check.output and "is in 2 sessions at once on Feb 2, 1:30\u00a0PM" in check.output
    assert "room_conflict" not in check.output and "room_capacity" not in check.output
    assert elapsed < 15
    problem = load_problem(out)
    assert (len(problem.sessions), len(problem.rooms), len(problem.speakers)) == (943, 40, 992)
    assert {s.attendance for s in problem.sessions} == {DEFAULT_ATTENDANCE}
    assert {r.capacity for r in problem.rooms} == {DEFAULT_CAPACITY}
    event = problem.session["6210"]
    assert event.title == "A New Approach to Callee-Saved Registers in LLVM" and event.track == "LLVM"
    assert event.extra["guid"] == "852280ac-61d3-588c-b74c-8d87f9d9d2c6" and "<p>" not in (event.description or "")
    place = read_schedule(out / "assignments.csv", problem).by_session()["6210"]
    slot = problem.slot[place.slot_id]
    assert (place.room_id, slot.day.isoformat(), slot.start, slot.end) == ("K.3.201", "2025-02-01", 635, 660)


def test_31c3_streams_show_as_speakers_in_two_rooms(tmp_path: Path) -> None:
    """31C3 streamed some talks into a second hall: the judge sees the speaker in two places at once."""
    require_shared()
    done = import_frab(FRAB / "31c3-schedule.xml", tmp_path / "31c3")
    assert (len(done.problem.sessions), len(done.problem.rooms), len(done.problem.speakers)) == (138, 4, 198)
    assert done.schedule is not None
    verdict = judge(done.problem, done.schedule, load_config([]))
    clashes = [v.message for v in verdict.hard if v.rule == "speaker_conflict"]
    assert any("Fnord News Show (Stream)" in m for m in clashes)
    assert all(v.rule == "speaker_conflict" for v in verdict.hard)


@pytest.mark.parametrize(("name", "events", "rooms"), [("pretalx-democon.json", 36, 2),
                                                       ("frab-camp2019.json", 79, 2)])
def test_schedule_json_imports(tmp_path: Path, name: str, events: int, rooms: int) -> None:
    require_shared()
    done = import_frab(VOC / name, tmp_path / "in")
    assert (len(done.problem.sessions), len(done.problem.rooms)) == (events, rooms)
    assert done.schedule is not None and len(done.schedule.assignments) == events


def test_slots_are_distinct_clock_times(tmp_path: Path) -> None:
    """Events of different lengths at one start get different slots; every session lasts exactly its slot."""
    require_shared()
    done = import_frab(FRAB / "fosdem-2025.xml", tmp_path / "in")
    keys = [(s.day, s.start, s.end) for s in done.problem.slots]
    assert len(keys) == len(set(keys)) == 551
    assert all(s.slots_needed == 1 for s in done.problem.sessions)


def test_pin_flag_pins_the_published_places(tmp_path: Path) -> None:
    require_shared()
    done = import_frab(VOC / "pretalx-democon.json", tmp_path / "in", pin=True)
    assert done.schedule is not None
    places = done.schedule.by_session()
    assert all((s.room, s.slot) == (places[s.session_id].room_id, places[s.session_id].slot_id)
               for s in done.problem.sessions)
    import_frab(VOC / "pretalx-democon.json", tmp_path / "nopin")
    assert all(not r["room"] and not r["slot"] for r in _rows(tmp_path / "nopin" / "sessions.csv"))


def test_salle_schedule_xml_round_trip(tmp_path: Path) -> None:
    """What salle publishes, salle reads back: same rooms, same clock times, same ids."""
    problem, schedule = tiny(tmp_path)
    files = render_publications(problem, schedule, timezone="Europe/Paris")
    for name in ("schedule.xml", "schedule.json"):
        path = tmp_path / name
        path.write_text(str(files[name]), encoding="utf-8")
        done = import_frab(path, tmp_path / f"back-{name}")
        back = done.problem
        assert done.schedule is not None
        got = {back.session[a.session_id].title: (back.room[a.room_id].name, back.slot[a.slot_id].start,
                                                   back.slot[a.slot_id].end)
               for a in done.schedule.assignments}
        assert got["Atelier long"] == ("Salle 1", 9 * 60, 11 * 60)
        assert got["Hiver"] == ("Salle 3", 14 * 60, 15 * 60 + 30)
        assert sorted(r.name for r in back.rooms) == ["Salle 1", "Salle 2", "Salle 3"]


def test_bad_files_are_reported(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text("<schedule><day", encoding="utf-8")
    with pytest.raises(InputError, match=r"broken.xml: not well-formed XML"):
        import_frab(broken, tmp_path / "out")
    empty = tmp_path / "empty.json"
    empty.write_text('{"schedule": {"conference": {"days": []}}}', encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", "frab", str(empty), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and "empty.json: has no events" in result.output
    assert not (tmp_path / "out").exists()


def test_import_writes_a_constraint_file_without_empty_seat_costs(tmp_path: Path) -> None:
    """frab has no audiences or sizes: the imported folder's constraints.yaml switches capacity_fit off."""
    problem, schedule = tiny(tmp_path)
    path = tmp_path / "schedule.xml"
    path.write_text(str(render_publications(problem, schedule)["schedule.xml"]), encoding="utf-8")
    import_frab(path, tmp_path / "in")
    config = load_config([tmp_path / "in" / "constraints.yaml"])
    assert config["capacity_fit"].mode == "off" and config["room_conflict"].mode == "hard"


# -- what an event says: texts, language, biographies ---------------------------------------------------------
ONE_EVENT_XML = """<?xml version="1.0" encoding="UTF-8"?>
<schedule><version>1</version>
<conference><acronym>demo_2027</acronym><title>Demo</title><time_zone_name>Europe/Paris</time_zone_name>
</conference>
<day date="2027-05-13" start="2027-05-13T09:00:00+02:00" end="2027-05-13T18:00:00+02:00" index="1">
<room name="Hall">
<event id="7" guid="2b1e1a4e-3c5d-4f6a-8b9c-0d1e2f3a4b5c">
<date>2027-05-13T09:00:00+02:00</date><start>09:00</start><duration>00:30</duration><room>Hall</room>
<title>Lists</title><track>Web</track><type>talk</type><language>fr</language>
<abstract>&lt;p&gt;Two points:&lt;/p&gt;
&lt;ul&gt;&lt;li&gt;one&lt;/li&gt;&lt;li&gt;&lt;em&gt;two&lt;/em&gt;&lt;/li&gt;&lt;/ul&gt;</abstract>
<description>Longer text.

Second paragraph.</description>
<persons><person id="3">Ana</person></persons>
</event>
</room></day></schedule>
"""

ONE_EVENT_JSON = """{"schedule": {"version": "1", "conference": {"acronym": "demo", "title": "Demo",
 "days": [{"index": 1, "date": "2027-05-13", "rooms": {"Hall": [{"id": 7, "guid": "g", "date":
 "2027-05-13T09:00:00+02:00", "start": "09:00", "duration": "00:30", "room": "Hall", "title": "Only a description",
 "language": "en", "abstract": "", "description": "**Markdown** as pretalx writes it",
 "persons": [{"code": "ABC123", "public_name": "Ana", "biography": "<p>Ana builds <b>things</b>.</p>"}]}]}}]}}}
"""


def test_abstract_and_description_are_both_kept_as_markdown(tmp_path: Path) -> None:
    """The abstract's HTML list becomes a Markdown list in `description`; frab's description goes to `details`;
    `language` is one column, filled."""
    source = tmp_path / "one.xml"
    source.write_text(ONE_EVENT_XML, encoding="utf-8")
    done = import_frab(source, tmp_path / "in")
    session = done.problem.session["7"]
    assert session.description == "Two points:\n\n- one\n- *two*"
    assert session.extra["details"] == "Longer text.\n\nSecond paragraph."
    assert session.language == "fr"
    with (tmp_path / "in" / "sessions.csv").open(encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert header.count("language") == 1 and header.count("description") == 1 and "details" in header


def test_description_alone_and_biographies(tmp_path: Path) -> None:
    """Without an abstract the description is the session's; a biography lands in speakers.csv (as Markdown)."""
    source = tmp_path / "one.json"
    source.write_text(ONE_EVENT_JSON, encoding="utf-8")
    done = import_frab(source, tmp_path / "in")
    session = done.problem.session["7"]
    assert (session.description, session.extra["details"]) == ("**Markdown** as pretalx writes it", "")
    assert _rows(tmp_path / "in" / "speakers.csv") == [
        {"speaker_id": "ABC123", "name": "Ana", "affiliation": "", "needs": "", "biography": "Ana builds **things**."}]


def test_real_schedules_keep_paragraphs_details_and_biographies(tmp_path: Path) -> None:
    """FOSDEM's HTML paragraphs stay paragraphs; 31C3's descriptions and pretalx's biographies are kept."""
    require_shared()
    fosdem = import_frab(FRAB / "fosdem-2025.xml", tmp_path / "fosdem").problem
    assert fosdem.session["6600"].description == (
        "The IR passes of LLVM are a happy place. Easy to reason about, easy to test, easy to debug. SSA form is a "
        "really great idea.\n\nThis talk sketches the (positive!) experience of writing a couple of classically "
        "back end tasks in the middle end instead of their proper place. One is a variant on register allocation "
        "- assigning variables to offsets in some buffer. The other is the ABI themed challenge of eliminating "
        "variadic functions. Maybe time will allow for an example of pulling work out of clang.\n\nMore "
        "speculatively, what else could be lifted to IR?")
    assert sum("\n- " in (s.description or "") for s in fosdem.sessions) >= 70  # 77 abstracts hold a <ul>
    assert not any("<p>" in (s.description or "") for s in fosdem.sessions)
    keynote = import_frab(FRAB / "31c3-schedule.xml", tmp_path / "31c3").problem.session["6571"]
    assert (keynote.description, keynote.extra["details"], keynote.language) == ("The 31C3 Keynote", "A New Dawn",
                                                                                 "en")
    democon = import_frab(VOC / "pretalx-democon.json", tmp_path / "democon").problem
    assert democon.session["25"].description == "Brand back-end models!"
    assert democon.session["25"].extra["details"].startswith("Station provide certain mean.")
    assert democon.speaker["NQTF8Y"].extra["biography"].startswith("Break through direction.")


def test_sessions_without_a_time_come_back_from_schedule_json(tmp_path: Path) -> None:
    """salle's schedule.json lists a left-out session under x-unscheduled; importing it gives that session back
    in sessions.csv (texts and speakers included), with no place in assignments.csv."""
    from tests.test_publish_texts import texts_conference

    problem, schedule = texts_conference(tmp_path)
    path = tmp_path / "schedule.json"
    path.write_text(str(render_publications(problem, schedule)["schedule.json"]), encoding="utf-8")
    done = import_frab(path, tmp_path / "back")
    assert done.schedule is not None
    assert sorted(a.session_id for a in done.schedule.assignments) == ["1", "2"]
    later = done.problem.session["3"]
    assert (later.title, later.description, later.speakers) == ("Later -- maybe", "Soon.", ("7",))
    assert done.problem.speaker["7"].extra["biography"] == "Ana builds **things**."
    assert done.notes == ["1 session(s) announced without a time (x-unscheduled) are in sessions.csv but not in "
                          "assignments.csv"]
