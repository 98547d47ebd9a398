"""`salle import sessionize`: Sessionize's All data (view/All JSON, a file or a URL) into the input contract, then
audited with `salle check` and solved; untidy data imports with notes, bad data is one sentence."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from solver.cli import cli
from solver.config import load_config
from solver.connect import sessionize_read
from solver.connect.sessionize import import_sessionize
from solver.engine import SolveOptions, solve
from solver.errors import InputError
from solver.inputs import load_problem
from solver.inputs.assignments import read_schedule
from solver.judge import judge

DATA = Path(__file__).parent / "data" / "sessionize"
DEVCONF = DATA / "devconf.json"
KEYNOTE_DAY = dt.date(2026, 5, 12)
UNTIMED = {"812312": 45, "812313": 15, "812314": 90, "812315": 45}  # Talk, Lightning, Workshop, no format


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _devconf() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DEVCONF.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def devconf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("devconf") / "in"
    import_sessionize(str(DEVCONF), out)
    return out


def test_devconf_imports_with_its_notes(tmp_path: Path) -> None:
    done = import_sessionize(str(DEVCONF), tmp_path / "in")
    p = done.problem
    assert (len(p.rooms), len(p.sessions), len(p.speakers)) == (3, 15, 8)
    assert [r.name for r in p.rooms] == ["Main Hall", "Room B", "Workshop Lab"]
    assert {r.capacity for r in p.rooms} == {10_000} and {s.attendance for s in p.sessions} == {0}
    assert done.schedule is not None and len(done.schedule.assignments) == 11
    notes = "\n".join(done.notes)
    assert "7 service session(s)" in notes and "4 session(s) have no time yet" in notes
    assert "1 plenum session(s)" in notes and "the other rooms are closed then" in notes
    assert "8 profile pictures" in notes and "1 live URL" in notes and "2 recording URLs" in notes
    assert "6 answers to questions" in notes and "8 speaker category items" in notes
    assert "'timezone:'" in notes and "not on the 5-minute grid" not in notes
    assert (tmp_path / "in" / "constraints.yaml").read_text(encoding="utf-8").count("capacity_fit: false") == 1
    assert load_problem(tmp_path / "in").sessions == p.sessions


def test_sessions_keep_their_people_categories_and_durations(devconf: Path) -> None:
    p = load_problem(devconf)
    data = p.session["812302"]
    assert data.title == "Data Contracts in Practice" and data.track == "Data" and data.language == "en"
    assert len(data.speakers) == 2 and data.duration == 45
    assert data.extra == {"sessionize_id": "812302", "format": "Talk (45 min)", "level": "Intermediate"}
    assert p.session["812303"].language == "fr"
    assert (p.session["812304"].duration, p.session["812307"].duration) == (90, 15)
    assert {s.session_id: s.duration for s in p.sessions if s.session_id in UNTIMED} == UNTIMED
    assert all(p.session[sid].slots_needed == minutes // 5 for sid, minutes in UNTIMED.items())
    bruno = p.speaker["7a9d2e44-0c1b-4f7e-8d3a-2b4c6e8f0a02"]
    assert bruno.name == "Bruno Lefebvre" and bruno.affiliation == "SRE, Nuage Québec"
    assert bruno.extra["biography"].startswith("Bruno keeps clusters alive")
    assert sum(bruno.speaker_id in s.speakers for s in p.sessions) == 3
    keynote = p.session["812301"]
    assert (keynote.room, keynote.slot) == ("r51001", "2026-05-12-1-0900")


def test_breaks_are_gaps_between_grid_rows(devconf: Path) -> None:
    rows = _rows(devconf / "slots.csv")
    assert [(r["slot_id"], r["start"], r["end"], r["step"]) for r in rows] == [
        ("2026-05-12-1", "09:00", "10:45", "5"), ("2026-05-12-2", "11:00", "12:30", "5"),
        ("2026-05-12-3", "13:30", "15:00", "5"), ("2026-05-12-4", "15:15", "16:00", "5"),
        ("2026-05-13-1", "09:00", "10:30", "5"), ("2026-05-13-2", "10:45", "12:00", "5"),
        ("2026-05-13-3", "13:00", "15:30", "5")]
    p = load_problem(devconf)
    day1 = [s for s in p.slots if s.day.isoformat() == "2026-05-12"]
    assert not [s for s in day1 if s.start < 13 * 60 + 30 and s.end > 12 * 60 + 30]  # lunch
    assert len({s.block for s in p.slots}) == 7  # nothing spans a break


def test_sessions_to_be_scheduled_have_no_assignment(devconf: Path) -> None:
    placed = {r["session_id"]: r for r in _rows(devconf / "assignments.csv")}
    assert not set(UNTIMED) & set(placed)
    assert placed["812307"] == {"session_id": "812307", "room_id": "r51001", "slot_id": "2026-05-12-3-1350"}
    assert placed["812311"]["slot_id"] == "2026-05-13-1-0900"


def test_check_finds_no_broken_rule_but_the_sessions_to_schedule(devconf: Path, tmp_path: Path) -> None:
    """The published places break no hard rule; the sessions without a time are what all_scheduled reports."""
    runner = CliRunner()
    check = runner.invoke(cli, ["check", str(devconf), "--schedule", str(devconf / "assignments.csv")])
    assert check.exit_code == 2, check.output
    broken = [line for line in check.output.splitlines() if line.startswith("✗")]
    assert len(broken) == 4 and all("all_scheduled" in line for line in broken)
    partial = tmp_path / "partial.yaml"
    partial.write_text("all_scheduled:\n  hard: false\n", encoding="utf-8")
    check = runner.invoke(cli, ["check", str(devconf), "--schedule", str(devconf / "assignments.csv"),
                                "--constraints", str(partial)])
    assert check.exit_code == 0, check.output


def test_a_solve_places_every_session(devconf: Path) -> None:
    problem = load_problem(devconf)
    config = load_config([devconf / "constraints.yaml"])
    result = solve(problem, config, SolveOptions(time_limit=30, workers=1, iterations=1))
    assert result.schedule is not None, result.reasons
    places = result.schedule.by_session()
    assert set(places) == {s.session_id for s in problem.sessions}
    assert (places["812301"].room_id, places["812301"].slot_id) == ("r51001", "2026-05-12-1-0900")
    assert judge(problem, result.schedule, config).ok
    runs = {sid: problem.run(a.slot_id, problem.session[sid].slots_needed) or () for sid, a in places.items()}
    assert [(s.day, s.start, s.end) for s in runs["812301"]][::8] == [(KEYNOTE_DAY, 540, 545), (KEYNOTE_DAY, 580, 585)]
    beside = [sid for sid, run in runs.items() if sid != "812301" and any(
        s.day == KEYNOTE_DAY and s.start < 9 * 60 + 45 for s in run)]
    assert not beside  # the rooms beside the keynote are closed: nothing runs then


def test_a_plenum_session_closes_the_other_rooms(devconf: Path) -> None:
    rows = _rows(devconf / "unavailability.csv")
    assert rows == [{"who": room, "day": "2026-05-12", "start": "09:00", "end": "09:45",
                     "note": "plenum: The Next Decade of the Web"} for room in ("r51002", "r51003")]
    p = load_problem(devconf)
    assert p.unavailable == {"r51002": [(KEYNOTE_DAY, 540, 585)], "r51003": [(KEYNOTE_DAY, 540, 585)]}
    assert (p.session["812301"].room, p.session["812301"].slot) == ("r51001", "2026-05-12-1-0900")


def test_plenum_sessions_without_a_time_or_a_room(tmp_path: Path) -> None:
    """No time: to be scheduled, nothing closed; no room: pinned in the first room; a session published beside a
    plenum is noted (salle will move it); two plenum sessions at once keep each other's room open."""
    data = _devconf()
    by_id = {s["id"]: s for s in data["sessions"]}
    by_id["812301"] |= {"startsAt": None, "endsAt": None}
    by_id["812309"] |= {"isPlenumSession": True, "roomId": None}  # day 2, 09:00, beside 812310 and 812311
    source = tmp_path / "plenum.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    done = import_sessionize(str(source), tmp_path / "in")
    notes = "\n".join(done.notes)
    assert "1 plenum session(s) have no time, so they cannot be pinned" in notes
    assert "1 plenum session(s) have a time but no room Sessionize lists: pinned in the first room, 'Main Hall'" \
        in notes
    assert "2 session(s) Sessionize places beside a plenum session" in notes
    p = done.problem
    assert (p.session["812301"].room, p.session["812301"].slot) == (None, None)
    assert (p.session["812309"].room, p.session["812309"].slot) == ("r51001", "2026-05-13-1-0900")
    day2 = dt.date(2026, 5, 13)
    assert p.unavailable == {"r51002": [(day2, 540, 585)], "r51003": [(day2, 540, 585)]}
    by_id["812310"] |= {"isPlenumSession": True}  # a second plenum at the same time, in Room B
    source.write_text(json.dumps(data), encoding="utf-8")
    done = import_sessionize(str(source), tmp_path / "in2")
    notes = "\n".join(done.notes)
    assert "2 plenum session(s) run at the same time as another plenum session: neither closes" in notes
    assert "1 session(s) Sessionize places beside a plenum session" in notes
    assert done.problem.unavailable == {"r51003": [(day2, 540, 585), (day2, 540, 585)]}


def test_the_cli_imports_and_says_so(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "in"
    result = runner.invoke(cli, ["import", "sessionize", str(DEVCONF), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"{DEVCONF}: 15 sessions (11 with a time), 3 rooms, 2 days on a 5-minute grid, 8 speakers written to " \
           f"{out}" in result.output
    assert "note: 1 plenum session(s)" in result.output and (out / "unavailability.csv").is_file()
    bad = tmp_path / "bad.json"
    bad.write_text("[]", encoding="utf-8")
    result = runner.invoke(cli, ["import", "sessionize", str(bad), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    named = [line for line in result.output.splitlines() if "bad.json" in line]
    assert len(named) == 1 and named[0].startswith("bad.json: is a list") and "view/All" in named[0], result.output
    assert not (tmp_path / "out").exists()


def test_a_coarser_grid_moves_off_grid_starts_to_the_step_before(tmp_path: Path) -> None:
    done = import_sessionize(str(DEVCONF), tmp_path / "in", grid=15, default_minutes=30)
    assert any("1 published start(s) are not on the 15-minute grid" in n for n in done.notes)
    assert done.schedule is not None
    assert done.schedule.by_session()["812307"].slot_id == "2026-05-12-3-1345"
    p = done.problem
    assert p.session["812315"].duration == 30 and p.session["812304"].slots_needed == 6
    assert read_schedule(tmp_path / "in" / "assignments.csv", p).by_session()["812307"].slot_id.endswith("1345")


def _untidy() -> dict[str, Any]:
    data = _devconf()
    sessions = data["sessions"]
    twin = copy.deepcopy(next(s for s in sessions if s["id"] == "812302"))
    twin |= {"title": "Data Contracts in Practice (repeat)", "startsAt": None, "endsAt": None, "roomId": None}
    ghost = copy.deepcopy(next(s for s in sessions if s["id"] == "812312"))
    ghost |= {"id": 900001, "title": "Ghost speaker", "speakers": ["11111111-2222-3333-4444-555555555555"],
              "categoryItems": [90021, 424242]}
    lost = copy.deepcopy(ghost) | {"id": "a;b", "title": "Nowhere", "startsAt": "2026-05-13T13:00:00",
                                   "endsAt": "2026-05-13T13:45:00", "roomId": 99999,
                                   "speakers": [{"id": "66666666-7777-8888-9999-000000000000", "name": "Iris Novak"}]}
    broken = copy.deepcopy(ghost) | {"id": "900003", "title": "Broken clock", "startsAt": "tomorrow at nine"}
    open_end = copy.deepcopy(next(s for s in sessions if s["id"] == "812313"))
    open_end |= {"id": "900004", "startsAt": "2026-05-13T14:00:00", "endsAt": None, "roomId": 51002}
    quiet = copy.deepcopy(next(s for s in sessions if s["title"] == "Lunch")) | {
        "id": "q-1", "title": "Quiet room", "startsAt": "2026-05-12T09:00:00", "endsAt": "2026-05-12T16:00:00"}
    sessions += [twin, ghost, lost, broken, open_end, quiet, "not a session"]
    data["rooms"].append({"id": 51004, "name": "main hall", "sort": 4})
    data["speakers"][0] |= {"fullName": "", "firstName": "Amara", "lastName": "Okafor"}
    return data


def test_untidy_data_imports_with_notes(tmp_path: Path) -> None:
    source = tmp_path / "untidy.json"
    source.write_text(json.dumps(_untidy()), encoding="utf-8")
    done = import_sessionize(str(source), tmp_path / "in")
    notes = "\n".join(done.notes)
    assert "1 session(s) repeat the id of an earlier session" in notes
    assert "2 speaker(s) named by sessions are not in the speakers list" in notes
    assert "1 room id(s) that sessions name are not in the rooms list (99999)" in notes
    assert "1 category item id(s) that sessions name are in no category" in notes
    assert "1 session(s) have a startsAt or endsAt that is not an ISO date" in notes
    assert "1 session(s) have a start but no end" in notes
    assert "1 run beside sessions and were left out ('Quiet room')" in notes
    assert "entries that are not JSON objects were skipped: 1 sessions" in notes
    p = done.problem
    assert len(p.sessions) == 15 + 5 and len(p.rooms) == 4
    assert {r.name for r in p.rooms} >= {"Main Hall", "main hall (2)"}
    assert p.session["812302-2"].extra["sessionize_id"] == "812302"
    assert p.speaker["11111111-2222-3333-4444-555555555555"].name == "11111111-2222-3333-4444-555555555555"
    assert p.speaker["66666666-7777-8888-9999-000000000000"].name == "Iris Novak"
    assert p.speaker["3f2b8c1e-5a47-4d0e-9b6a-1c2d3e4f5a01"].name == "Amara Okafor"
    assert p.session["a-b"].duration == 45 and p.session["900004"].duration == 15
    assert done.schedule is not None
    placed = done.schedule.by_session()
    assert "a-b" not in placed and "900003" not in placed and placed["900004"].slot_id == "2026-05-13-3-1400"
    assert not [s for s in p.slots if s.day.isoformat() == "2026-05-12" and s.start == 12 * 60 + 30]


def test_bad_files_are_one_sentence(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    cases = {"{not json": "is not valid JSON", "[]": "view/All", '{"rooms": []}': "no 'sessions' list",
             '{"sessions": [], "rooms": 3}': "'rooms' is not a list"}
    for text, words in cases.items():
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(InputError) as err:
            import_sessionize(str(bad), tmp_path / "out")
        assert len(err.value.issues) == 1 and err.value.issues[0].file == "bad.json", text
        assert words in err.value.issues[0].message and "\n" not in str(err.value), text
    with pytest.raises(InputError, match="does not divide a day"):
        import_sessionize(str(DEVCONF), tmp_path / "out", grid=7)
    with pytest.raises(InputError, match="no such file"):
        import_sessionize(str(tmp_path / "missing.json"), tmp_path / "out")
    data = _devconf()
    for s in data["sessions"]:
        s["startsAt"] = s["endsAt"] = None
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError, match="days cannot be known"):
        import_sessionize(str(bad), tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.fixture
def served() -> Iterator[str]:
    """The fixture folder over http on 127.0.0.1, on a free port."""
    handler = functools.partial(_Quiet, directory=str(DATA))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_a_url_is_fetched(served: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    done = import_sessionize(f"{served}/devconf.json", tmp_path / "in")
    assert len(done.problem.sessions) == 15
    assert "written by salle import sessionize from http://127.0.0.1:" in (
        tmp_path / "in" / "conference.yaml").read_text(encoding="utf-8")
    with pytest.raises(InputError, match="the server answered 404"):
        import_sessionize(f"{served}/nothing.json", tmp_path / "out")
    monkeypatch.setattr(sessionize_read, "MAX_BYTES", 1000)
    with pytest.raises(InputError, match="limited to"):
        import_sessionize(f"{served}/devconf.json", tmp_path / "out")
