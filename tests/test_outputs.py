"""Outputs: the assignments CSV's shape, formula neutralizing, atomic writes, reproducibility."""

from pathlib import Path

import pytest

from solver.app import run_solve
from solver.engine import SolveOptions
from solver.errors import OutputError
from solver.publish import atomic
from solver.publish.atomic import write_atomically
from solver.publish.tables import ASSIGNMENT_COLUMNS, neutralize
from tests.conftest import ROOT


def test_assignments_columns_and_order(tmp_path: Path) -> None:
    run_solve(ROOT / "inputs", None, tmp_path, SolveOptions(workers=1))
    lines = (tmp_path / "assignments.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].split(",") == list(ASSIGNMENT_COLUMNS)
    assert [line.split(",")[0] for line in lines[1:]] == ["EC-CNR", "EC-COP", "EC-MIS"]  # by day, start, room


def test_same_inputs_and_seed_same_files(tmp_path: Path) -> None:
    for name in ("a", "b"):
        run_solve(ROOT / "inputs", None, tmp_path / name, SolveOptions(seed=7, workers=1))
    for f in ("assignments.csv", "programme.md"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()


def test_formula_cells_are_neutralized() -> None:
    assert [neutralize(x) for x in ("=1+1", "+33", "-x", "@SUM", "Atelier")] == ["'=1+1", "'+33", "'-x", "'@SUM",
                                                                                 "Atelier"]


def test_a_failed_write_leaves_previous_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """If anything fails before the renames, no file changes and no temp file is left behind."""
    (tmp_path / "a.csv").write_text("old a", encoding="utf-8")
    (tmp_path / "b.md").write_text("old b", encoding="utf-8")
    calls: list[str] = []

    def failing_mkstemp(*args, **kwargs):
        if calls:
            raise OSError("disk full")
        calls.append("x")
        return real_mkstemp(*args, **kwargs)

    real_mkstemp = atomic.tempfile.mkstemp
    monkeypatch.setattr(atomic.tempfile, "mkstemp", failing_mkstemp)
    with pytest.raises(OutputError, match=r"b\.md: cannot be written: disk full; the previous outputs are intact"):
        write_atomically({tmp_path / "a.csv": "new a", tmp_path / "b.md": "new b"})
    assert (tmp_path / "a.csv").read_text(encoding="utf-8") == "old a"
    assert (tmp_path / "b.md").read_text(encoding="utf-8") == "old b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.md"]


def test_files_of_a_room_that_is_gone_are_removed(tmp_path: Path, seed_copy: Path) -> None:
    """A re-run without Salon C-010 leaves no stale door list or calendar for it; other files stay."""
    out = tmp_path / "out"
    run_solve(seed_copy, None, out, SolveOptions())
    assert (out / "rooms" / "C-010.ics").is_file()
    (out / "rooms" / "notes.txt").write_text("keep me", encoding="utf-8")
    rooms = (seed_copy / "rooms.csv").read_text(encoding="utf-8").splitlines()
    (seed_copy / "rooms.csv").write_text("\n".join(r for r in rooms if not r.startswith("C-010")) + "\n",
                                         encoding="utf-8")
    run_solve(seed_copy, None, out, SolveOptions())
    assert not (out / "rooms" / "C-010.ics").exists() and (out / "rooms" / "A-1100.ics").is_file()
    assert (out / "rooms" / "notes.txt").read_text(encoding="utf-8") == "keep me"
