"""One presentation package (issue 12): `salle export` writes what `salle solve` writes, from the same code, and
the command line is a package of command modules that never import the package back."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from typer.testing import CliRunner

from solver.cli import cli
from tests.conftest import ROOT

runner = CliRunner()


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_export_writes_the_same_files_as_solve(tmp_path: Path) -> None:
    """The bundled conference solved into one folder, its assignments.csv exported into another: the same file
    names, the same assignments.csv and report.csv, and a summary.json saying which command wrote it."""
    solved, site = tmp_path / "solved", tmp_path / "site"
    r = runner.invoke(cli, ["solve", str(ROOT / "inputs"), "--out", str(solved), "--quiet"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["export", str(ROOT / "inputs"), "--schedule", str(solved / "assignments.csv"),
                            "--out", str(site)])
    assert r.exit_code == 0, r.output
    assert _files(site) == _files(solved)
    assert {"assignments.csv", "report.md", "report.csv", "summary.json", "timetable.html"} <= _files(site)
    for name in ("assignments.csv", "report.csv"):
        assert (site / name).read_bytes() == (solved / name).read_bytes(), name
    summary = json.loads((site / "summary.json").read_text(encoding="utf-8"))
    assert summary["command"] == "export" and summary["status"] == "ok"
    assert summary["engine"] is None and summary["seconds"] is None  # what only a solver run knows
    assert set(summary["files"]) == _files(site)
    assert json.loads((solved / "summary.json").read_text(encoding="utf-8"))["command"] == "solve"
    assert f"wrote {len(_files(site))} files into {site}: assignments.csv, report.md, report.csv" in r.output


def test_export_with_the_default_folders_leaves_its_schedule_as_it_is(tmp_path: Path) -> None:
    """`salle export` reads OUT/assignments.csv by default: that file, the schedule published, is not rewritten;
    every other file is; a file salle did not write (rooms/gone.ics) is left alone."""
    out = tmp_path / "outputs"
    r = runner.invoke(cli, ["solve", str(ROOT / "inputs"), "--out", str(out), "--quiet"])
    assert r.exit_code == 0, r.output
    rows = (out / "assignments.csv").read_text(encoding="utf-8").splitlines()[1:]
    mine = "session_id,slot_id,room_id\n" + "".join(",".join(row.split(",")[i] for i in (0, 7, 9)) + "\n"
                                                     for row in rows)
    (out / "assignments.csv").write_text(mine, encoding="utf-8")
    (out / "report.md").unlink()
    (out / "rooms" / "gone.ics").write_text("BEGIN:VCALENDAR\n", encoding="utf-8")
    r = runner.invoke(cli, ["export", str(ROOT / "inputs"), "--schedule", str(out / "assignments.csv"),
                            "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert (out / "assignments.csv").read_text(encoding="utf-8") == mine
    assert (out / "report.md").is_file()
    assert (out / "rooms" / "gone.ics").exists()  # not salle's: only what salle wrote is ever removed
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["command"] == "export"


def test_no_command_module_imports_the_cli_package_back() -> None:
    """solver/cli/__init__.py assembles the commands; a command module importing it would make a cycle."""
    package = ROOT / "solver" / "cli"
    modules = sorted(p for p in package.glob("*.py") if p.name != "__init__.py")
    assert {p.stem for p in modules} >= {"console", "solve", "check", "explain", "diff", "rules", "publish",
                                         "imports", "serve"}
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                back = [a.name for a in node.names if a.name == "solver.cli"]
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # relative: `from . import x` is the package itself, `from .console import` is not
                    back = ["."] if node.module is None or node.level > 1 else []
                elif node.module == "solver":
                    back = [a.name for a in node.names if a.name == "cli"]
                else:
                    back = [node.module] if node.module == "solver.cli" else []
            else:
                continue
            assert not back, f"{path.name}:{node.lineno} imports the solver.cli package back"
