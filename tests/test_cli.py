"""The command line through typer's CliRunner: exit codes 0/1/2/3 and messages with file and row."""

import random
from pathlib import Path

from typer.testing import CliRunner

from solver.cli import cli
from tests.conftest import make_conference

runner = CliRunner()


def run(*args: str):
    return runner.invoke(cli, [str(a) for a in args])


def test_validate_ok(seed_copy: Path) -> None:
    r = run("validate", seed_copy)
    assert r.exit_code == 0 and "3 sessions, 5 rooms" in r.output


def test_validate_reports_file_row_column(seed_copy: Path) -> None:
    text = (seed_copy / "rooms.csv").read_text(encoding="utf-8")
    text = text.replace("B-2305,Salle B-2305,60", "B-2305,Salle B-2305,soixante")
    (seed_copy / "rooms.csv").write_text(text, encoding="utf-8")
    r = run("validate", seed_copy)
    assert r.exit_code == 1
    assert "rooms.csv:4: capacity: expected a whole number, got 'soixante'" in r.output
    assert "Traceback" not in r.output


def test_solve_seed_writes_outputs_and_exit_0(seed_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = run("solve", seed_copy, "--out", out, "--workers", "1")
    assert r.exit_code == 0, r.output
    assert "optimal" in r.output and "objective 15" in r.output and "bound 15" in r.output
    assert (out / "assignments.csv").is_file() and (out / "programme.md").is_file()
    assert "Salle à venir" not in (out / "programme.md").read_text(encoding="utf-8")
    check = run("check", seed_copy, "--schedule", out / "assignments.csv")
    assert check.exit_code == 0 and "respecte chaque règle stricte" in check.output  # the seed is French


def test_solve_invalid_input_exit_1_and_nothing_written(seed_copy: Path, tmp_path: Path) -> None:
    (seed_copy / "sessions.csv").write_text("session_id,title\nS1,x\n", encoding="utf-8")
    out = tmp_path / "out"
    r = run("solve", seed_copy, "--out", out)
    assert r.exit_code == 1 and "sessions.csv:1: attendance: missing required column" in r.output
    assert not out.exists()


def test_solve_infeasible_exit_2_names_the_session_and_keeps_previous_outputs(seed_copy: Path,
                                                                              tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("solve", seed_copy, "--out", out).exit_code == 0
    before = (out / "assignments.csv").read_bytes()
    text = (seed_copy / "sessions.csv").read_text(encoding="utf-8").replace(",85,", ",300,")
    (seed_copy / "sessions.csv").write_text(text, encoding="utf-8")
    r = run("solve", seed_copy, "--out", out)
    assert r.exit_code == 2
    assert "No schedule exists" in r.output and "EC-CNR" in r.output and "300" in r.output
    assert (out / "assignments.csv").read_bytes() == before


def test_solve_timeout_exit_3(tmp_path: Path) -> None:
    """A conference too big to solve in 10 ms: exit 3 and a plain sentence."""
    rng = random.Random(1)
    folder = make_conference(
        tmp_path / "big",
        rooms=[{"room_id": f"R{i}", "name": f"R{i}", "capacity": rng.choice([20, 40, 80, 150])} for i in range(10)],
        slots=[{"slot_id": f"T{i}", "day": "2027-05-13", "start": f"{8 + i}h", "end": f"{9 + i}h"} for i in range(12)],
        sessions=[{"session_id": f"S{i}", "title": "x", "attendance": rng.randint(5, 140),
                   "speakers": ";".join(rng.sample([f"p{j}" for j in range(40)], 2))} for i in range(115)],
    )
    r = run("solve", folder, "--out", tmp_path / "out", "--time-limit", "0.01", "--workers", "1")
    assert r.exit_code == 3, r.output
    assert "Time limit reached" in r.output and not (tmp_path / "out").exists()


def test_check_reports_each_violation_in_a_sentence(seed_copy: Path, tmp_path: Path) -> None:
    schedule = tmp_path / "hand.csv"
    schedule.write_text("session_id;room_id;slot_id\nEC-CNR;B-2305;J1-1330\nEC-COP;B-2305;J1-1330\n"
                        "EC-MIS;AUD;J1-1330\n", encoding="utf-8-sig")
    r = run("check", seed_copy, "--schedule", schedule)
    assert r.exit_code == 2
    assert "EC-CNR attend 85 personnes, mais Salle B-2305 compte 60 places (il en manque 25)" in r.output
    assert "Salle B-2305 accueille 2 séances en même temps le 13 mai, 13 h 30" in r.output
    assert "EC-MIS est dans Auditorium Jean-Lesage" in r.output and "la salle est fermée" in r.output


def test_check_unknown_ids_exit_1(seed_copy: Path, tmp_path: Path) -> None:
    schedule = tmp_path / "hand.csv"
    schedule.write_text("session_id,room_id,slot_id\nEC-CNR,Z-999,J1-1330\n", encoding="utf-8")
    r = run("check", seed_copy, "--schedule", schedule)
    assert r.exit_code == 1 and "hand.csv:2: room_id: unknown id 'Z-999'" in r.output


def test_check_missing_session_is_a_violation(seed_copy: Path, tmp_path: Path) -> None:
    schedule = tmp_path / "hand.csv"
    schedule.write_text("session_id,room_id,slot_id,title\nEC-CNR,A-1100,J1-1330,x\n", encoding="utf-8")
    r = run("check", seed_copy, "--schedule", schedule)
    assert r.exit_code == 2 and "EC-COP" in r.output and "n’a ni salle ni plage" in r.output


def test_bad_constraint_file_exit_1(seed_copy: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("room_capacty:\n  hard: false\n", encoding="utf-8")
    r = run("solve", seed_copy, "--constraints", bad, "--out", tmp_path / "out")
    assert r.exit_code == 1
    assert "bad.yaml:1: room_capacty: unknown rule 'room_capacty'. Did you mean 'room_capacity'?" in r.output


def test_rules_lists_the_catalogue() -> None:
    r = run("rules")
    assert r.exit_code == 0 and "room_capacity" in r.output and "capacity_fit" in r.output
