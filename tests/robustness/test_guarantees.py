"""The reliability fixes one by one (issue 11), each at the level of the function that makes the guarantee."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from solver.errors import InputError, OutputError, shown
from solver.inputs import Problem, load_problem
from solver.inputs.assignments import read_schedule
from solver.inputs.table import neutralize, unneutralize
from solver.inputs.values import parse_int
from solver.publish import render_publications
from solver.publish.atomic import check_out_folder, write_atomically
from solver.publish.tables import assignments_csv
from solver.publish.view import file_names, md_text
from solver.schedule import Assignment, Schedule
from tests.robustness.cases import base


@given(st.text())
def test_neutralized_cells_read_back_as_written(text: str) -> None:
    """Defect 6: every cell is neutralized, and the reader undoes exactly that, whatever the text."""
    cell = neutralize(text)
    assert unneutralize(cell) == text
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_formula_ids_round_trip_through_assignments_csv(tmp_path: Path) -> None:
    """Defect 6: `=S8`, `-S2`, `@R1`, `+T1` go out as `'=S8`… and `check`'s reader gets the ids back."""
    folder = base(tmp_path)
    for file, old, new in (("sessions.csv", "S1,", "=S8,"), ("sessions.csv", "S2,", "-S2,"),
                           ("rooms.csv", "R1,", "@R1,"), ("slots.csv", "T1,", "+T1,")):
        path = folder / file
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    problem = load_problem(folder)
    schedule = Schedule((Assignment("=S8", "@R1", "+T1"), Assignment("-S2", "R2", "T2")))
    text = assignments_csv(problem, schedule)
    assert "'=S8" in text and "'@R1" in text and "'+T1" in text and "'-S2" in text
    assert all(not line.startswith(("=", "+", "-", "@")) for line in text.splitlines())
    (tmp_path / "a.csv").write_text(text, encoding="utf-8")
    assert sorted(read_schedule(tmp_path / "a.csv", problem).assignments) == sorted(schedule.assignments)


def _same_names(tmp_path: Path) -> tuple[Problem, Schedule]:
    """Two rooms named alike, built without the reader (which refuses them), one session in each."""
    problem = load_problem(base(tmp_path))
    rooms = tuple(r.model_copy(update={"name": "Salle A"}) for r in problem.rooms)
    problem = Problem(rooms, problem.slots, problem.sessions, problem.speakers)
    return problem, Schedule((Assignment("S1", "R1", "T1"), Assignment("S2", "R2", "T1")))


def test_same_room_names_lose_no_session_in_publications(tmp_path: Path) -> None:
    """Defect 3: schedule.json (rooms keyed by name) and the workbook's grid keep both sessions."""
    from openpyxl import load_workbook

    problem, schedule = _same_names(tmp_path)
    files = render_publications(problem, schedule)
    doc = json.loads(files["schedule.json"])
    events = [e["id"] for day in doc["schedule"]["conference"]["days"] for r in day["rooms"].values() for e in r]
    assert len(events) == 2
    (tmp_path / "s.xlsx").write_bytes(files["schedule.xlsx"])  # type: ignore[arg-type]
    grid = load_workbook(tmp_path / "s.xlsx").worksheets[1]  # the first day's grid (titled by the day)
    cells = [c for row in grid.iter_rows(values_only=True) for c in row if c]
    assert any("Ouverture" in str(c) for c in cells) and any("Atelier" in str(c) for c in cells)


def test_same_room_names_are_refused_by_the_reader(tmp_path: Path) -> None:
    """Defect 3: the reader names both rows."""
    folder = base(tmp_path)
    path = folder / "rooms.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Salle B", "SALLE A"), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_problem(folder)
    assert [str(i) for i in exc.value.issues] == [
        "rooms.csv:3: name: 'SALLE A' is already the name of room 'R1' (row 2): give each room its own name"]


def test_a_failing_publication_does_not_lose_the_others(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Defect 8: the workbook writer breaking leaves every other file rendered, and says which one is missing
    (publish then writes none of them: tests/robustness/test_publish_guarantees.py)."""
    import solver.publish.publications as publish

    def broken(*args: object, **options: object) -> bytes:
        raise ValueError("boom")

    monkeypatch.setattr(publish, "schedule_xlsx", broken)
    problem = load_problem(base(tmp_path))
    failures: list[str] = []
    files = render_publications(problem, Schedule((Assignment("S1", "R1", "T1"),)), failures=failures)
    assert "schedule.xlsx" not in files and "schedule.json" in files and "speakers.csv" in files
    assert failures == ["schedule.xlsx could not be rendered (ValueError: boom)"]
    with pytest.raises(ValueError):
        render_publications(problem, Schedule((Assignment("S1", "R1", "T1"),)))


def test_files_follow_the_umask(tmp_path: Path) -> None:
    """Defect 10: written files are not 0600 whatever the umask (a web server must read timetable.html)."""
    old = os.umask(0o002)
    try:
        [path] = write_atomically({tmp_path / "timetable.html": "<p>hi</p>"})
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o664


def test_a_rename_failing_midway_restores_every_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Defect 10: all-or-nothing even when the third rename fails: the first two are put back, no temp file left."""
    for name in ("a.csv", "b.csv", "c.csv"):
        (tmp_path / name).write_text(f"old {name}", encoding="utf-8")
    real, calls = os.replace, [0]

    def failing(src: object, dst: object) -> None:
        calls[0] += 1
        if calls[0] == 5:
            raise OSError(28, "No space left on device")
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(OutputError, match=r"c\.csv: cannot be written: no space left on the device"):
        write_atomically({tmp_path / n: f"new {n}" for n in ("a.csv", "b.csv", "c.csv", "d.csv")})
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv", "c.csv"]
    assert [(tmp_path / n).read_text(encoding="utf-8") for n in ("a.csv", "b.csv", "c.csv")] == [
        "old a.csv", "old b.csv", "old c.csv"]


def test_a_new_folder_is_removed_when_the_write_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Defect 10: a failed first run leaves no empty output folder behind."""
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(28, "full")))
    with pytest.raises(OutputError):
        write_atomically({tmp_path / "out" / "rooms" / "a.csv": "x"})
    assert list(tmp_path.iterdir()) == []


def test_out_folder_checks(tmp_path: Path) -> None:
    """Defect 9: `check_out_folder` refuses an --out that is, holds or would overwrite an input; allows a sibling."""
    inputs = base(tmp_path)
    for out, message in ((inputs, "is the inputs folder"), (tmp_path, "contains the inputs folder"),
                         (inputs / "rooms.csv", "is a file")):
        with pytest.raises(OutputError, match=message):
            check_out_folder(out, [inputs])
    published = tmp_path / "out" / "assignments.csv"
    published.parent.mkdir()
    published.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="would overwrite the input file"):
        check_out_folder(tmp_path / "out", [inputs, published])
    check_out_folder(tmp_path / "out", [inputs, published], writes=[tmp_path / "out" / "timetable.html"])
    check_out_folder(tmp_path / "elsewhere", [inputs, published])
    check_out_folder(inputs / "outputs", [inputs])  # inside the inputs folder is fine: nothing is overwritten


def test_file_names_stay_short(tmp_path: Path) -> None:
    """Defect 11: a 250-character id gives a file name the file system accepts, still unique."""
    names = file_names(["x" * 250, "x" * 251, "ok"])
    assert names["ok"] == "ok" and len(set(names.values())) == 3
    assert all(len(n) <= 100 for n in names.values())
    write_atomically({tmp_path / f"{n}.ics": "x" for n in names.values()})


def test_integers_are_exact_and_bounded_messages() -> None:
    """Defect 7: 2^53 + 1 is read as itself (ranges are checked by the records), `1e26` is refused."""
    assert parse_int("9007199254740993") == 2**53 + 1
    assert parse_int("1 200.00") == 1200
    with pytest.raises(ValueError, match="whole number"):
        parse_int("1e26")
    assert shown("x" * 1000) == "'" + "x" * 40 + "…' (1,000 characters)"
    assert shown("a\x0bb") == "'a\\u000bb'"


def test_markdown_text_is_literal() -> None:
    """14: titles cannot inject Markdown or HTML into programme.md."""
    assert md_text("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert md_text("**gras** [lien](http://x)") == "\\*\\*gras\\*\\* \\[lien\\](http://x)"
    assert md_text("# titre\n- liste\n1. un") == "\\# titre\n\\- liste\n1\\. un"
    assert md_text("Le COP (Londres) : 2012 – « résilience »") == "Le COP (Londres) : 2012 – « résilience »"


SIGNAL_MIDWAY = """
import os, signal, sys
from pathlib import Path
from solver.publish import atomic

folder = Path(sys.argv[1])
real, calls = os.replace, [0]

def replace(src, dst):
    calls[0] += 1
    if calls[0] == 7:
        os.kill(os.getpid(), int(sys.argv[2]))  # SIGTERM: the process ends; SIGINT: KeyboardInterrupt
    real(src, dst)

os.replace = replace
atomic.write_atomically({folder / f"f{i:02d}.csv": "new" for i in range(20)})
"""


@pytest.mark.parametrize("number", [15, 2], ids=["SIGTERM", "SIGINT"])
def test_a_signal_during_the_renames_leaves_one_run_complete(tmp_path: Path, number: int) -> None:
    """Defect 10 (and 1): SIGTERM or SIGINT arriving between two renames lands after the last one: never a mix."""
    import subprocess
    import sys

    folder = tmp_path / "out"
    folder.mkdir()
    for i in range(20):
        (folder / f"f{i:02d}.csv").write_text("old", encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", SIGNAL_MIDWAY, str(folder), str(number)],
                          cwd=Path(__file__).parents[2], capture_output=True, text=True, timeout=60)
    assert done.returncode == -number, done.stderr  # an uncaught KeyboardInterrupt ends Python by SIGINT
    assert number == 15 or "KeyboardInterrupt" in done.stderr
    contents = {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir()}
    assert sorted(contents) == [f"f{i:02d}.csv" for i in range(20)]
    assert set(contents.values()) == {"new"}
