"""`salle … --help` names values in words (FILE, DIR, SECONDS, N…), never Python types or typer's ranges; `salle
rules` is one line per rule at 80 columns and marks what the constraint files change."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from solver.cli import cli
from solver.rules import REGISTRY

runner = CliRunner()


def _commands() -> list[list[str]]:
    """Every command path of `salle`: [], ["solve"], ["import", "frab"]…"""
    found: list[list[str]] = []

    def walk(command: object, path: list[str]) -> None:
        found.append(path)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*path, name])

    walk(typer.main.get_command(cli), [])
    return found


@pytest.mark.parametrize("path", _commands(), ids=lambda p: " ".join(p) or "salle")
def test_help_names_values_in_words(path: list[str]) -> None:
    r = runner.invoke(cli, [*path, "--help"], env={"COLUMNS": "80"})
    assert r.exit_code == 0, r.output
    for python in ("<list[", "<int range>", "<float range>", "[0<=", "[1<=", "x<=", "x>=", "<bool>", "<path>",
                   "<str>", "<int>", "<float>"):
        assert python not in r.output, (path, python, r.output)


def test_solve_help_says_what_each_value_is() -> None:
    r = runner.invoke(cli, ["solve", "--help"], env={"COLUMNS": "80"})
    for option, metavar in (("--constraints", "FILE"), ("--out", "DIR"), ("--time-limit", "SECONDS"),
                            ("--seed", "N"), ("--timezone", "TZ"), ("--locale", "LOCALE"), ("--previous", "FILE")):
        assert re.search(rf"{option}\b.*\b{metavar}\b", r.output), option


def test_a_range_is_still_checked() -> None:
    r = runner.invoke(cli, ["solve", "--seed", "-1"])
    assert r.exit_code != 0 and "--seed" in r.output


def test_rules_at_80_columns_one_line_each() -> None:
    r = runner.invoke(cli, ["rules"], env={"COLUMNS": "80"})
    assert r.exit_code == 0
    lines = r.output.splitlines()
    assert max(map(len, lines)) <= 80 and len(lines) == len(REGISTRY) + 2
    assert "┌" not in r.output and "└" not in r.output  # no box around it


def test_rules_marks_a_weight_your_files_change(tmp_path: Path) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text("track_room:\n  weight: 7\n", encoding="utf-8")
    r = runner.invoke(cli, ["rules", "--constraints", str(mine)], env={"COLUMNS": "80"})
    assert r.exit_code == 0, r.output
    table = [line for line in r.output.splitlines() if not line.startswith("constraints: ")]  # a path is a path
    assert max(map(len, table)) <= 80
    row = next(line for line in r.output.splitlines() if line.startswith("│ track_room "))
    assert re.search(r"│ +7 │ \*", row)
    assert "track_room: weight 7 (default 5)" in r.output
    assert not re.search(r"│ track_days .*│ \*", r.output)  # an unchanged rule is not marked
