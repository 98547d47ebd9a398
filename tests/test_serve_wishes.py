"""The desk with attendees' wishes: a move says how it changes missed attendance (each rule's count in its own
unit), and a session whose audience was estimated from the wishes says so."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.test_serve_api import Tab, client_for, folder  # noqa: F401  (the fixture)


def _with_wishes(folder: Path) -> None:  # noqa: F811
    inputs = folder / "inputs"
    (inputs / "interests.csv").write_text("attendee_id,session_id\na1,EC-CNR\na1,EC-COP\na2,EC-CNR\na2,EC-COP\n"
                                          "a3,EC-MIS\n", encoding="utf-8")
    (inputs / "conference.yaml").write_text("attendees: 300\n", encoding="utf-8")
    with (inputs / "sessions.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        if row["session_id"] == "EC-MIS":
            row["attendance"] = ""  # estimated from the wishes: 300 × 1 of the 3 who said
    with (inputs / "sessions.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_a_move_says_how_it_changes_missed_attendance(folder: Path) -> None:  # noqa: F811
    _with_wishes(folder)
    tab = Tab(client_for(folder))
    answer = tab.post("/api/move", {"session": "EC-COP", "room": "B-2305", "slot": "J1-1515"})
    changed = {r["rule"]: r for r in answer["change"]["by_rule"]}
    missed = changed["attendee_conflicts"]
    assert missed["amount"] == -2 and missed["delta"] == -2  # a1 and a2 no longer miss one of their two
    assert "attendee" in missed["unit"]
    assert sum(r["delta"] for r in answer["change"]["by_rule"]) == answer["change"]["delta"]


def test_an_estimated_audience_is_marked_on_the_desk_and_the_organizers_page(folder: Path) -> None:  # noqa: F811
    _with_wishes(folder)
    tab = Tab(client_for(folder))
    sessions = {s["id"]: s for s in tab.get("/api/conference")["sessions"]}
    assert sessions["EC-MIS"]["estimated"] and sessions["EC-MIS"]["attendance"] == 100
    assert not sessions["EC-CNR"]["estimated"]


def test_the_organizers_page_marks_an_estimated_audience(folder: Path) -> None:  # noqa: F811
    from solver.inputs import load_problem
    from solver.publish import render_publications
    from solver.schedule import Assignment, Schedule
    from tests.test_serve_api import PLACES

    _with_wishes(folder)
    problem = load_problem(folder / "inputs")
    schedule = Schedule(tuple(Assignment(sid, room, slot) for sid, (room, slot) in PLACES.items()))
    for locale, estimated, typed in (("fr", "≈ 100 personnes attendues (estimé d’après les souhaits)",
                                      "85 personnes attendues"), ("en", "≈ 100 expected (estimated from wishes)",
                                                                  "85 expected")):
        page = str(render_publications(problem, schedule, locale=locale)["timetable-organizers.html"])
        assert estimated in page and typed in page


def test_assignments_and_door_lists_mark_an_estimated_audience(folder: Path) -> None:  # noqa: F811
    from solver.inputs import load_problem
    from solver.publish import render_publications
    from solver.publish.tables import assignments_csv
    from solver.schedule import Assignment, Schedule
    from tests.test_serve_api import PLACES

    _with_wishes(folder)
    problem = load_problem(folder / "inputs")
    schedule = Schedule(tuple(Assignment(sid, room, slot) for sid, (room, slot) in PLACES.items()))
    rows = {r["session_id"]: r for r in csv.DictReader(assignments_csv(problem, schedule).splitlines())}
    assert rows["EC-MIS"]["attendance"] == "100" and rows["EC-MIS"]["attendance_estimated"] == "yes"
    assert rows["EC-CNR"]["attendance_estimated"] == ""
    files = render_publications(problem, schedule, locale="en")
    door = next(str(text) for name, text in files.items() if str(name).startswith("rooms/") and "EC-MIS" in str(text))
    assert "attendance_estimated" in door.splitlines()[0] and ",yes" in door


def test_the_workbook_marks_an_estimated_audience(folder: Path) -> None:  # noqa: F811
    import io

    from openpyxl import load_workbook

    from solver.inputs import load_problem
    from solver.publish import render_publications
    from solver.schedule import Assignment, Schedule
    from tests.test_serve_api import PLACES

    _with_wishes(folder)
    problem = load_problem(folder / "inputs")
    schedule = Schedule(tuple(Assignment(sid, room, slot) for sid, (room, slot) in PLACES.items()))
    book = load_workbook(io.BytesIO(render_publications(problem, schedule, locale="fr")["schedule.xlsx"]))
    rows = [[c.value for c in row] for row in book.worksheets[0].iter_rows()]
    header = rows[0]
    assert "affluence estimée d’après les souhaits" in header
    col, sid = header.index("affluence estimée d’après les souhaits"), header.index(rows[0][0])
    marked = {r[sid]: r[col] for r in rows[1:]}
    assert marked["EC-MIS"] == "yes" and not marked["EC-CNR"]
