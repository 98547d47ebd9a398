"""`salle import pretalx` from saved API answers (tests/data/pretalx/democon: a real pretalx 2025.2.2's answers,
seeded by tests/pretalx/server.py; meta.json says what was seeded), no server needed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from solver.cli import cli
from solver.config import load_config
from solver.connect.pretalx import read_folder, read_token
from solver.connect.pretalx_import import import_pretalx
from solver.errors import InputError
from solver.inputs import load_problem
from solver.inputs.assignments import read_schedule
from solver.judge import judge

SAVED = Path(__file__).parent / "data" / "pretalx" / "democon"
META = json.loads((SAVED / "meta.json").read_text(encoding="utf-8"))["seeded"]


def test_the_saved_event_imports_as_a_grid_conference(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["import", "pretalx", str(SAVED), "--out", str(tmp_path / "in")])
    assert result.exit_code == 0, result.output
    problem = load_problem(tmp_path / "in")
    assert len(problem.sessions) == META["confirmed"]
    assert sorted((r.name, r.capacity) for r in problem.rooms) == sorted((r["name"], r["capacity"])
                                                                        for r in META["rooms"])
    assert [d.isoformat() for d in problem.days] == META["days"]
    assert {s.end - s.start for s in problem.slots} == {5}
    assert {s.duration for s in problem.sessions} <= {30, 90}
    assert all(s.slots_needed * 5 == s.duration for s in problem.sessions)
    # pretalx stores when speakers can come: "partial" ones are away on some days
    partial = [p for p in META["speaker_patterns"]["partial"] if p in problem.speaker]
    assert partial and all(problem.unavailable.get(p) for p in partial)
    assert not any(problem.unavailable.get(p) for p in META["speaker_patterns"]["days"] if p in problem.speaker)
    # lunch breaks close their room
    lunch = [u for u in problem.unavailability if u.note == "Lunch"]
    assert len(lunch) == len(META["breaks"])
    conference = (tmp_path / "in" / "conference.yaml").read_text(encoding="utf-8")
    assert "timezone: Europe/Berlin" in conference and "acronym: democon" in conference
    assert "31 rejected submission(s)" in result.output
    # the talks pretalx already places are a previous schedule, and it is valid but for the unplaced ones
    schedule = read_schedule(tmp_path / "in" / "assignments.csv", problem)
    assert len(schedule.assignments) == META["confirmed"] - len(META["unplaced"])
    verdict = judge(problem, schedule, load_config([tmp_path / "in" / "constraints.yaml"]))
    assert sorted(v.rule for v in verdict.hard) == ["all_scheduled"] * len(META["unplaced"])


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "saved"
    shutil.copytree(SAVED, folder)
    return folder


def _edit(folder: Path, name: str, change) -> None:  # type: ignore[no-untyped-def]
    path = folder / name
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def test_untidy_answers_import_with_notes(tmp_path: Path) -> None:
    """Two rooms whose names differ only in letter case, a talk held twice (slot_count 2), a talk with no
    duration: the programme imports, each adapted with a note."""
    folder = _copy(tmp_path)
    _edit(folder, "rooms.json", lambda d: d["results"][1]["name"].update(en=d["results"][0]["name"]["en"].upper()))

    def twice(d: dict) -> None:
        confirmed = [s for s in d["results"] if s["state"] == "confirmed"]
        confirmed[0]["slot_count"] = 2
        confirmed[1]["duration"] = None
        confirmed[1]["submission_type"] = 99

    _edit(folder, "submissions.json", twice)
    done = import_pretalx(read_folder(folder), tmp_path / "in", "saved")
    names = {r.name for r in done.problem.rooms}
    assert names == {"Indian Red Room", "INDIAN RED ROOM (2)"}
    assert any("letter case" in n for n in done.notes)
    assert any("30 minutes assumed" in n for n in done.notes)
    assert len(done.problem.sessions) == META["confirmed"] + 1
    assert any(s.session_id.endswith("-2") for s in done.problem.sessions)


def test_a_missing_or_broken_answer_names_its_file(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "rooms.json").unlink()
    with pytest.raises(InputError, match=r"rooms.json: missing"):
        read_folder(folder)
    folder = _copy(tmp_path / "b")
    (folder / "speakers.json").write_text("{ not json", encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", "pretalx", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and "speakers.json: is not JSON" in result.output
    assert not (tmp_path / "out").exists()


def test_the_token_comes_from_a_file_or_the_environment_never_the_command_line(tmp_path: Path) -> None:
    (tmp_path / "token").write_text("abc123\n", encoding="utf-8")
    assert read_token(tmp_path / "token", {}) == "abc123"
    assert read_token(None, {"PRETALX_TOKEN": "xyz"}) == "xyz"
    (tmp_path / "empty").write_text("\n", encoding="utf-8")
    with pytest.raises(InputError, match="is empty"):
        read_token(tmp_path / "empty", {})
    result = CliRunner().invoke(cli, ["push", "pretalx", "http://127.0.0.1:9", "--event", "x", "--schedule",
                                      str(tmp_path / "a.csv")], env={"PRETALX_TOKEN": ""})
    assert result.exit_code == 1 and "no pretalx API token" in result.output
    result = CliRunner().invoke(cli, ["push", "pretalx", "http://127.0.0.1:9", "--event", "x", "--token", "t"])
    assert result.exit_code == 2  # click's usage error: there is no --token option


def test_a_schedule_breaking_a_hard_rule_is_refused_before_pretalx_is_asked(tmp_path: Path) -> None:
    """Two talks in one room at once: exit 2 naming the rule, and pretalx (here an address nobody answers) is
    never contacted; --force would push it anyway."""
    result = CliRunner().invoke(cli, ["import", "pretalx", str(SAVED), "--out", str(tmp_path / "in")])
    assert result.exit_code == 0, result.output
    problem = load_problem(tmp_path / "in")
    a, b = problem.sessions[0], problem.sessions[1]
    room, slot = problem.rooms[0].room_id, problem.slots[0].slot_id
    bad = tmp_path / "bad.csv"
    bad.write_text(f"session_id,room_id,slot_id\n{a.session_id},{room},{slot}\n{b.session_id},{room},{slot}\n",
                   encoding="utf-8")
    result = CliRunner().invoke(cli, ["push", "pretalx", "http://127.0.0.1:9", "--event", "democon", "--schedule",
                                      str(bad), "--inputs", str(tmp_path / "in")], env={"PRETALX_TOKEN": "t"})
    assert result.exit_code == 2, result.output
    assert "room_conflict" in result.output and "Nothing was written to pretalx" in result.output
    assert "cannot be reached" not in result.output
