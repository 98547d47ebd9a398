"""The attendee pages around the timetable (no browser): a page and a one-event calendar per talk, the door
screens, and the timetable's links to them."""

from __future__ import annotations

import json
import re
from pathlib import Path

from icalendar import Calendar

from solver.inputs import load_problem
from solver.publish.talks import talk_page_url, talk_stems
from solver.schedule import Assignment, Schedule
from tests.conftest import make_conference
from tests.publish_cases import EVIL, english, publish, seed

LONG_URL = "https://example.org/" + "a-very-long-path-segment/" * 8 + "end"


def talky(tmp_path: Path) -> tuple:
    """One talk with a long address, a code block and a speaker biography; an id that needs a safe stem."""
    folder = make_conference(
        tmp_path / "talky",
        rooms=[{"room_id": "R1", "name": "Main hall", "capacity": 50}],
        slots=[{"slot_id": "T1", "day": "2027-05-13", "start": "09:00", "end": "10:00"}],
        sessions=[{"session_id": "S/1", "title": "Pipelines " + EVIL, "speakers": "ana", "attendance": 10,
                   "track": "Data",
                   "description": f"See {LONG_URL} and\n\n```\n{'x' * 200}\n```\n\n<script>alert(1)</script>"}],
        speakers=[{"speaker_id": "ana", "name": "Ana Lima", "affiliation": "Uni",
                   "biography": "Ana *builds* things. " + LONG_URL}],
    )
    return load_problem(folder), Schedule((Assignment("S/1", "R1", "T1"),))


def test_a_talk_has_a_page_and_a_one_event_calendar(tmp_path: Path) -> None:
    problem, schedule = talky(tmp_path)
    files = publish(problem, schedule, locale="en")
    stem = talk_stems(problem)["S/1"]
    assert re.fullmatch(r"S_1-[0-9a-f]{8}", stem)
    cal = Calendar.from_ical(files[f"talks/{stem}.ics"])
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1 and str(events[0]["summary"]).startswith("Pipelines")
    assert events[0].decoded("dtstart").isoformat() == "2027-05-13T09:00:00-04:00"
    page = str(files[f"talks/{stem}.html"])
    assert '<html lang="en">' in page and "<script>alert" not in page and "&lt;script&gt;" in page
    assert "Ana Lima" in page and "<em>builds</em>" in page and "Main hall" in page and "9:00" in page
    assert f'href="{stem}.ics"' in page and 'href="../timetable.html#s-S%2F1"' in page
    assert "onclick" not in page and "Content-Security-Policy" in page
    timetable = str(files["timetable.html"])
    assert f'href="talks/{stem}.html"' in timetable and f'href="talks/{stem}.ics"' in timetable


def test_talk_page_url_for_the_lead() -> None:
    problem, _ = seed()
    stems = talk_stems(problem)
    assert talk_page_url("https://conf.example.org/2027", "EC-CNR", stems) == \
        "https://conf.example.org/2027/talks/EC-CNR.html"
    assert talk_page_url("https://conf.example.org/2027/", "EC-CNR", stems) == \
        "https://conf.example.org/2027/talks/EC-CNR.html"
    assert talk_page_url(None, "EC-CNR", stems) is None


def test_pending_talks_get_a_page_without_calendar(tmp_path: Path) -> None:
    problem, schedule = english(tmp_path)
    files = publish(problem, schedule)
    assert "talks/S5.html" in files and "talks/S5.ics" not in files
    assert "Time to be announced" in str(files["talks/S5.html"])
    assert {f"talks/{s}.ics" for s in ("S1", "S2", "S3", "S4")} <= set(files)


def test_door_pages_embed_the_room_sessions(tmp_path: Path) -> None:
    problem, schedule = english(tmp_path)
    files = publish(problem, schedule)
    assert {n for n in files if n.startswith("now/")} == {"now/R1.html", "now/R3.html",
                                                          next(n for n in files if n.startswith("now/R_2-"))}
    page = str(files["now/R3.html"])
    data = json.loads(re.search(r'<script id="door-data" type="application/json">(.*?)</script>', page, re.S)[1])
    assert [s["hours"].replace("\xa0", " ") for s in data["sessions"]] == ["9:00 – 10:00 AM", "1:30 – 2:45 PM"]
    assert "<script>alert" not in page.split('id="door-data"')[1].split("</script>")[0]
    assert data["tz"] == "America/Toronto" and data["refresh"] == 30


def test_french_pages_speak_french() -> None:
    files = publish(*seed())
    assert "Ajouter à mon programme" in str(files["timetable.html"]) and "Mon programme" in str(files["timetable.html"])
    talk = str(files["talks/EC-CNR.html"])
    assert '<html lang="fr-CA">' in talk and "Retour à la grille horaire" in talk and "Quand" in talk
    assert "En ce moment" in str(files["now/A-1100.html"])
