"""What the publications say about a session: its description and details (Markdown) rendered safely in the
pages, as plain text in calendars, as sanitized Markdown in schedule.xml/json with its language and the speakers'
biographies; and sessions without a time announced in the frab files, in the publication's language."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from icalendar import Calendar

from solver.inputs import Problem, load_problem
from solver.publish import render_publications
from solver.schedule import Assignment, Schedule
from tests.conftest import make_conference
from tests.test_publish_files import validate_frab

DESCRIPTION = "Two points:\n\n- *one*\n- [two](https://two.example.org)\n\n<script>alert(1)</script>"


def texts_conference(tmp_path: Path) -> tuple[Problem, Schedule]:
    """Two sessions placed (one in English with details, one without a language), one left out."""
    folder = make_conference(
        tmp_path / "texts",
        slots=[{"slot_id": "T1", "day": "2027-05-13", "start": "09:00", "end": "10:00"},
               {"slot_id": "T2", "day": "2027-05-13", "start": "10:00", "end": "11:00"}],
        sessions=[{"session_id": "S1", "title": "Lists", "speakers": "7", "attendance": 10, "language": "en",
                   "description": DESCRIPTION, "details": "More -- much more."},
                  {"session_id": "S2", "title": "Plain", "speakers": "bob", "attendance": 10},
                  {"session_id": "S3", "title": "Later -- maybe", "speakers": "7", "attendance": 10,
                   "description": "Soon."}],
        speakers=[{"speaker_id": "7", "name": "Ana", "biography": "Ana builds **things**."}],
    )
    return load_problem(folder), Schedule((Assignment("S1", "R1", "T1"), Assignment("S2", "R1", "T2")))


def _events(doc: dict) -> dict[str, dict]:
    conf = doc["schedule"]["conference"]
    return {e["title"]: e for day in conf["days"] for evs in day["rooms"].values() for e in evs}


def test_frab_files_carry_texts_language_and_biographies(tmp_path: Path) -> None:
    problem, schedule = texts_conference(tmp_path)
    files = render_publications(problem, schedule, locale="fr_CA")
    doc = validate_frab(files)
    events = _events(doc)
    lists, plain = events["Lists"], events["Plain"]
    safe = DESCRIPTION.replace("<", "&lt;")  # no element for an app that renders HTML; Markdown shows `<` too
    assert (lists["abstract"], lists["description"], lists["language"]) == (safe, "More -- much more.", "en")
    assert (plain["abstract"], plain["description"], plain["language"]) == ("", None, "fr")
    assert lists["persons"] == [{"name": "Ana", "guid": lists["persons"][0]["guid"], "id": 7,
                                 "biography": "Ana builds **things**."}]
    assert "biography" not in plain["persons"][0]
    root = ET.fromstring(str(files["schedule.xml"]))
    by_title = {e.findtext("title"): e for e in root.iter("event")}
    assert [by_title["Lists"].findtext(t) for t in ("language", "abstract", "description")] == \
        ["en", safe, "More -- much more."]
    assert by_title["Plain"].findtext("language") == "fr"


def test_unscheduled_sessions_are_announced_in_the_frab_files(tmp_path: Path) -> None:
    """S3 has no time: in no day of either file, listed under `x-unscheduled` (JSON) and in a comment (XML),
    « Horaire à venir » in French, "Time to be announced" in English; both files still validate."""
    problem, schedule = texts_conference(tmp_path)
    french = render_publications(problem, schedule, locale="fr_CA")
    doc = validate_frab(french)
    assert "Later -- maybe" not in _events(doc)
    [pending] = doc["schedule"]["x-unscheduled"]
    assert {k: pending[k] for k in ("title", "abstract", "language", "note")} == {
        "title": "Later -- maybe", "abstract": "Soon.", "language": "fr", "note": "Horaire à venir"}
    assert pending["id"] == 3 and [p["name"] for p in pending["persons"]] == ["Ana"]
    assert "date" not in pending and "room" not in pending
    xml = str(french["schedule.xml"])
    comment = re.search(r"<!--(.*?)-->", xml, re.DOTALL)
    assert comment is not None and comment.group(1) == (
        " Horaire à venir : 1 séance n’est pas encore dans la grille.\n  S3: Later - - maybe ")
    english = render_publications(problem, schedule, locale="en")
    validate_frab(english)
    assert json.loads(english["schedule.json"])["schedule"]["x-unscheduled"][0]["note"] == "Time to be announced"
    assert "Time to be announced: 1 session is not in the timetable yet." in str(english["schedule.xml"])
    everything = render_publications(problem, Schedule((*schedule.assignments, Assignment("S3", "R1", "T2"))))
    assert "x-unscheduled" not in json.loads(everything["schedule.json"])["schedule"]
    assert "<!--" not in str(everything["schedule.xml"])


def test_pages_render_descriptions_safely_and_calendars_as_plain_text(tmp_path: Path) -> None:
    problem, schedule = texts_conference(tmp_path)
    files = render_publications(problem, schedule, locale="en")
    html = str(files["programme.html"])
    assert ('<div class="description"><p>Two points:</p>\n<ul>\n<li><em>one</em></li>\n<li><a '
            'href="https://two.example.org" rel="noopener noreferrer">two</a></li>\n</ul>\n'
            '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n<p>More -- much more.</p></div>') in html
    assert "<script>" not in html
    md = str(files["programme.md"])
    assert ("Two points:\n\n- *one*\n- [two](https://two.example.org)\n\n\\<script>alert(1)\\</script>\n\n"
            "More -- much more.") in md
    cal = Calendar.from_ical(files["calendar.ics"])
    lists = next(e for e in cal.walk("VEVENT") if str(e["summary"]) == "Lists")
    assert str(lists["description"]) == ("Ana\n\nTwo points:\n\n- one\n- two (https://two.example.org)\n\n"
                                         "<script>alert(1)</script>\n\nMore -- much more.")


def test_solve_allow_unscheduled_announces_the_left_out_session_to_apps(tmp_path: Path) -> None:
    """One room, one slot, two sessions: `salle solve --allow-unscheduled` places the bigger audience and
    schedule.json lists the other under `x-unscheduled`, schedule.xml names it; both validate."""
    from typer.testing import CliRunner

    from solver.cli import cli

    folder = make_conference(tmp_path / "in", sessions=[
        {"session_id": "BIG", "title": "Big talk", "attendance": 40, "speakers": "ana"},
        {"session_id": "SMALL", "title": "Small talk", "attendance": 5, "speakers": "bob"}])
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["solve", str(folder), "--out", str(out), "--allow-unscheduled",
                                      "--locale", "en", "--time-limit", "10"])
    assert result.exit_code == 2, result.output
    files = {name: (out / name).read_text(encoding="utf-8") for name in ("schedule.xml", "schedule.json")}
    doc = validate_frab(dict(files))
    assert list(_events(doc)) == ["Big talk"]
    assert [(p["title"], p["note"]) for p in doc["schedule"]["x-unscheduled"]] == [("Small talk",
                                                                                    "Time to be announced")]
    assert "SMALL: Small talk" in files["schedule.xml"]
