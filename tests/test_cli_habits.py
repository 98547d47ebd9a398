"""CLI habits (issue 12): --version, usage errors exit 64, no word cut at 80 columns, `rules` shows your files."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from solver import __version__
from solver.cli import cli
from solver.cli.rules import rules_table
from solver.config import load_config
from solver.entry import EXIT_USAGE, run
from solver.rules import REGISTRY

runner = CliRunner()


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"salle {__version__}"


@pytest.mark.parametrize("args", [["solve", "--no-such-option"], ["diff", "only-one.csv"],
                                  ["solve", "--time-limit", "soon"], ["no-such-command"], []])
def test_usage_errors_exit_64_with_clicks_message(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert run(args) == EXIT_USAGE
    captured = capsys.readouterr()
    text = captured.out + captured.err  # no command at all: the help, on stdout
    assert "Usage: salle" in text and "Traceback" not in text


def test_command_exit_codes_are_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["validate", str(tmp_path / "absent")]) == 1
    assert run(["rules", "--markdown"]) == 0


def test_python_m_solver_usage_error_exit_code() -> None:
    done = subprocess.run([sys.executable, "-m", "solver", "check", "--bogus"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == EXIT_USAGE and "No such option: --bogus" in done.stderr


def test_completion_is_offered() -> None:
    r = runner.invoke(cli, ["--help"])
    assert r.exit_code == 0 and "--install-completion" in r.output and "--version" in r.output


def _render(table: object, width: int) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None).print(table)
    return buffer.getvalue()


def test_rules_table_at_80_columns_is_one_line_per_rule_and_cuts_no_word() -> None:
    text = _render(rules_table(), 80)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80 and len(lines) == len(REGISTRY) + 2
    for name in REGISTRY:
        assert re.search(rf"│ {name} +│", text), name
    for line in lines[2:]:  # a meaning is cut only at a word, and says so with `…`
        name, meaning = line.split("│")[1].strip(), line.rsplit("│ ", 1)[1]
        whole = set(re.findall(r"[A-Za-z_]+", REGISTRY[name].summary))
        assert set(re.findall(r"[A-Za-z_]+", meaning)) <= whole, line


def test_rules_shows_your_weights_and_parameters(tmp_path: Path) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text("room_capacity:\n  hard: false\n  weight: 7\nspeaker_changeover:\n  minutes: 25\n",
                    encoding="utf-8")
    text = _render(rules_table(load_config([mine])), 120)
    row = next(line for line in text.splitlines() if "room_capacity" in line)
    assert "soft (default hard)" in row and re.search(r"│ +7 │", row)
    assert "minutes=25" in text and "minutes=15" not in text.replace("travel_minutes=", "")
    r = runner.invoke(cli, ["rules", "--constraints", str(mine)])
    assert r.exit_code == 0 and "minutes=25" in r.output and f"constraints: {mine}" in r.output
