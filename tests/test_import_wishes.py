"""`salle import wishes`: pretalx's public votes, a halfnarp export and a plain long CSV become interests.csv;
talks found by their imported codes; unknown talks and "no" votes counted, never silently dropped."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from solver.cli import cli
from solver.inputs import load_problem
from tests.conftest import make_conference, write_csv


def _folder(tmp_path: Path) -> Path:
    folder = make_conference(tmp_path / "in", sessions=[
        {"session_id": "S1", "title": "a", "attendance": 5, "pretalx_code": "ABC123"},
        {"session_id": "S2", "title": "b", "attendance": 5, "frab_id": "42"},
        {"session_id": "S3", "title": "c", "attendance": 5}])
    return folder


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["import", "wishes", *args])
    return result.exit_code, result.output


def test_pretalx_public_votes_become_weighted_interests(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    votes = tmp_path / "democon-public-votes.csv"
    votes.write_text("code,voter,timestamp,score\nABC123,h1,2026-01-01T10:00:00,2\nS3,h1,2026-01-01T10:00:00,1\n"
                     "ABC123,h2,2026-01-01T10:00:00,0\nZZZ999,h2,2026-01-01T10:00:00,2\n", encoding="utf-8")
    code, out = _run(str(votes), "--inputs", str(folder))
    assert code == 0, out
    assert "read as pretalx-votes" in out and "ZZZ999" in out and "score 0" in out
    problem = load_problem(folder)
    assert sorted((i.attendee_id, i.session_id, i.weight) for i in problem.interests) == [
        ("h1", "S1", 2), ("h1", "S3", 1)]


def test_halfnarp_export_and_long_csv(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    halfnarp = tmp_path / "halfnarp.json"
    halfnarp.write_text(json.dumps([{"hash": "u1", "pref": [42, "S3"]}, {"uid": "u2", "pref": "ABC123,42"}]),
                        encoding="utf-8")
    code, out = _run(str(halfnarp), "--inputs", str(folder))
    assert code == 0 and "read as halfnarp" in out, out
    assert sorted((i.attendee_id, i.session_id) for i in load_problem(folder).interests) == [
        ("u1", "S2"), ("u1", "S3"), ("u2", "S1"), ("u2", "S2")]
    code, out = _run(str(halfnarp), "--inputs", str(folder))
    assert code == 1 and "already exists" in out  # the wishes already there are not lost silently
    long = write_csv(tmp_path / "wishes.csv", [{"email": "Ana@example.org", "talk": "S1", "weight": 3},
                                              {"email": "bo@example.org", "talk": "S2", "weight": ""}])
    code, out = _run(str(long), "--inputs", str(folder), "--force")
    assert code == 0, out
    interests = load_problem(folder).interests
    assert {i.session_id for i in interests} == {"S1", "S2"}
    assert all("@" not in i.attendee_id for i in interests)  # addresses are pseudonymised


def test_a_bad_wishes_file_names_file_row_and_column(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text("who,session,weight\nana,S1,lots\n", encoding="utf-8")
    code, out = _run(str(bad), "--inputs", str(folder))
    assert code == 1 and "bad.csv:2: weight: expected a whole number" in out
    assert not (folder / "interests.csv").exists()


def test_the_report_says_what_wishes_come_to(tmp_path: Path) -> None:
    """report.md gives missed attendance, room changes, who sees everything and the worst off."""
    folder = make_conference(tmp_path / "c", rooms=[{"room_id": "A", "name": "A", "capacity": 50},
                                                    {"room_id": "B", "name": "B", "capacity": 50}],
                             slots=[{"slot_id": "T1", "day": "2027-05-13", "start": "9h", "end": "10h"},
                                    {"slot_id": "T2", "day": "2027-05-13", "start": "10h", "end": "11h"}],
                             sessions=[{"session_id": s, "title": s, "attendance": 1} for s in ("S1", "S2", "S3")])
    write_csv(folder / "interests.csv", [{"attendee_id": "ana", "session_id": "S1"},
                                         {"attendee_id": "ana", "session_id": "S2"},
                                         {"attendee_id": "bo", "session_id": "S1"},
                                         {"attendee_id": "bo", "session_id": "S3"}])
    schedule = tmp_path / "s.csv"
    schedule.write_text("session_id,room_id,slot_id\nS1,A,T1\nS2,B,T1\nS3,B,T2\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(folder), "--schedule", str(schedule), "--out",
                                      str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    report = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "- missed attendance: 1 " in report  # ana wants S1 and S2 at 9h
    assert "- room changes between wanted sessions in a row: 1" in report  # bo: S1 in A, then S3 in B
    assert "- attendees who can see everything they asked for: 1 of 2 (50%)" in report
    assert "worst off: ana misses 1 of 2" in report


def test_attendance_is_estimated_from_wishes_where_none_is_typed(tmp_path: Path) -> None:
    """conference.yaml expects 300 attendees, 4 of whom said what they want: a session two of them want and no
    attendance typed is estimated at 150; a typed attendance wins."""
    folder = make_conference(tmp_path / "c", rooms=[{"room_id": "A", "name": "A", "capacity": 500}],
                             slots=[{"slot_id": "T1", "day": "2027-05-13", "start": "9h", "end": "10h"},
                                    {"slot_id": "T2", "day": "2027-05-13", "start": "10h", "end": "11h"}],
                             sessions=[{"session_id": "S1", "title": "a", "attendance": ""},
                                       {"session_id": "S2", "title": "b", "attendance": 7}])
    write_csv(folder / "interests.csv", [{"attendee_id": w, "session_id": s} for w, s in
                                         (("a", "S1"), ("b", "S1"), ("c", "S2"), ("d", "S2"))])
    (folder / "conference.yaml").write_text("attendees: 300\n", encoding="utf-8")
    problem = load_problem(folder)
    assert problem.session["S1"].attendance == 150 and problem.session["S1"].extra["attendance_estimated"] == "yes"
    assert problem.session["S2"].attendance == 7 and "attendance_estimated" not in problem.session["S2"].extra
    (folder / "conference.yaml").write_text("title: x\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(folder)])
    assert result.exit_code == 1 and "sessions.csv:2: attendance: expected a whole number" in result.output
