"""The reliability fixes on the input side (issue: defects 4, 5, 7, 11-16), one test or more each."""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
import unicodedata
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

import solver
from solver.api import check_options, load_config
from solver.cli import cli
from solver.engine import SolveOptions
from solver.errors import InputError
from solver.importers.cosplib import conference_text
from solver.importers.frab import import_frab
from solver.importers.frab_read import read_published
from solver.importers.xlsx import import_xlsx
from solver.inputs import load_problem
from solver.inputs.conference import read_conference
from solver.inputs.table import TableError, read_table
from tests.robustness.cases import base

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


def invoke(*args: str):
    result = runner.invoke(cli, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


# -- 4: diff --changes never overwrites what it must not ------------------------------------------------------
def _two_schedules(tmp: Path) -> tuple[Path, Path]:
    old, new = tmp / "old.csv", tmp / "new.csv"
    old.write_text("session_id,room_id,slot_id\nS1,R1,T1\nS2,R2,T2\n", encoding="utf-8")
    new.write_text("session_id,room_id,slot_id\nS1,R2,T2\nS2,R1,T1\n", encoding="utf-8")
    return old, new


@pytest.mark.parametrize("target", ["old.csv", "inputs/rooms.csv", "notes.txt", "inputs/interests.csv"])
def test_diff_changes_refuses_a_file_it_must_not_overwrite(tmp_path: Path, target: str) -> None:
    folder = base(tmp_path)
    old, new = _two_schedules(tmp_path)
    (tmp_path / "notes.txt").write_text("my notes\n", encoding="utf-8")
    path = tmp_path / target
    before = path.read_bytes() if path.exists() else None
    result = invoke("diff", str(old), str(new), "--inputs", str(folder), "--changes", str(path))
    assert result.exit_code == 2, result.output
    assert str(path) in result.output and "nothing was written" in result.output
    assert (path.read_bytes() if path.exists() else None) == before


def test_diff_changes_overwrites_its_own_file_and_force_overwrites_another(tmp_path: Path) -> None:
    folder = base(tmp_path)
    old, new = _two_schedules(tmp_path)
    target = tmp_path / "changes.csv"
    assert invoke("diff", str(old), str(new), "--inputs", str(folder), "--changes", str(target)).exit_code == 1
    assert invoke("diff", str(old), str(new), "--inputs", str(folder), "--changes", str(target)).exit_code == 1
    other = tmp_path / "notes.txt"
    other.write_text("mine\n", encoding="utf-8")
    result = invoke("diff", str(old), str(new), "--inputs", str(folder), "--changes", str(other), "--force")
    assert result.exit_code == 1 and other.read_text(encoding="utf-8").startswith("speaker_id,name")


# -- 5: an import into a folder that already holds inputs -----------------------------------------------------
FRAB_XML = """<?xml version="1.0" encoding="utf-8"?>
<schedule><conference><title>Demo</title><time_zone_name>Europe/Berlin</time_zone_name></conference>
<day date="2027-05-13" index="1"><room name="Hall">{events}</room></day></schedule>"""
EVENT = ('<event id="{id}"><date>{date}</date><start>{start}</start><duration>{duration}</duration>'
         '<room>Hall</room><title>{title}</title><persons><person id="p{id}">P {id}</person></persons></event>')


def frab_file(tmp: Path, *events: dict[str, str]) -> Path:
    rows = [EVENT.format(**{"id": str(i + 1), "date": "", "start": "09:00", "duration": "00:30",
                            "title": f"Talk {i + 1}", **e}) for i, e in enumerate(events)]
    path = tmp / "schedule.xml"
    path.write_text(FRAB_XML.format(events="".join(rows)), encoding="utf-8")
    return path


def test_import_refuses_a_folder_holding_inputs_and_says_what_would_be_lost(tmp_path: Path) -> None:
    source = frab_file(tmp_path, {})
    out = tmp_path / "mine"
    out.mkdir()
    (out / "constraints.yaml").write_text("room_capacity:\n  weight: 3\n", encoding="utf-8")
    (out / "interests.csv").write_text("attendee_id,session_id\na,OLD\n", encoding="utf-8")
    result = invoke("import", "frab", str(source), "--out", str(out))
    assert result.exit_code == 1, result.output
    assert "replace constraints.yaml" in result.output and "leave interests.csv" in result.output
    assert "--force" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["constraints.yaml", "interests.csv"]
    assert invoke("import", "frab", str(source), "--out", str(out), "--force").exit_code == 0
    assert "capacity_fit" in (out / "constraints.yaml").read_text(encoding="utf-8")


def test_import_writes_into_a_new_or_empty_folder(tmp_path: Path) -> None:
    source = frab_file(tmp_path, {})
    (tmp_path / "empty").mkdir()
    for out in (tmp_path / "new", tmp_path / "empty"):
        assert invoke("import", "frab", str(source), "--out", str(out)).exit_code == 0
        assert (out / "rooms.csv").is_file()


def test_import_xlsx_refuses_a_folder_of_inputs(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in {"rooms": [["room_id", "name", "capacity"], ["R1", "A", 5]],
                        "slots": [["slot_id", "day", "start", "end"], ["T1", "2027-05-13", "09:00", "10:00"]],
                        "sessions": [["session_id", "title", "attendance"], ["S1", "x" * 32_767, 1]],
                        "speakers": [["speaker_id", "name"]]}.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(tmp_path / "orga.xlsx")
    folder = base(tmp_path)
    result = invoke("import", "xlsx", str(tmp_path / "orga.xlsx"), "--out", str(folder))
    assert result.exit_code == 1 and "replace rooms.csv" in result.output, result.output
    # 7: a text of exactly 32,767 characters was cut by Excel: a note names its cell
    done = import_xlsx(tmp_path / "orga.xlsx", tmp_path / "fresh")
    assert any("orga.xlsx [sessions]:2: title: the text is exactly 32,767 characters" in n for n in done.notes)


# -- 11: inputs that are not regular files --------------------------------------------------------------------
@pytest.mark.skipif(not hasattr(os, "mkfifo") or not Path("/dev/zero").exists(), reason="POSIX only")
def test_devices_and_pipes_are_refused_not_read(tmp_path: Path) -> None:
    folder = base(tmp_path)
    (folder / "rooms.csv").unlink()
    (folder / "rooms.csv").symlink_to("/dev/zero")
    os.mkfifo(folder / "speakers.csv.fifo")
    started = time.monotonic()
    with pytest.raises(TableError, match="a character device, not a regular file"):
        read_table(folder / "rooms.csv", [])
    with pytest.raises(TableError, match=r"a named pipe \(FIFO\), not a regular file"):
        read_table(folder / "speakers.csv.fifo", [])
    (folder / "conference.yaml").symlink_to("/dev/zero")
    with pytest.raises(InputError, match="cannot read the conference file: it is a character device"):
        read_conference(folder / "conference.yaml")
    schedule = tmp_path / "schedule.json"
    schedule.symlink_to("/dev/zero")
    with pytest.raises(InputError, match="cannot read the schedule: it is a character device"):
        read_published(schedule)
    result = invoke("validate", str(folder))
    assert result.exit_code == 1 and "rooms.csv: cannot read the file: it is a character device" in result.output
    assert time.monotonic() - started < 10


def test_reads_stop_at_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from solver.inputs.files import NotReadable, read_limited

    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * 5000)
    assert read_limited(path, 5000) == b"x" * 5000
    with pytest.raises(NotReadable, match="limited to 4,999"):
        read_limited(path, 4999)


# -- 12: cosplib's conference.yaml, hostile workbooks ---------------------------------------------------------
@pytest.mark.parametrize(("zone", "expected"), [("UTC+05:30", None), ("+01:00", "Etc/GMT-1"), ("GMT-13", None),
                                                ("GMT+2", "Etc/GMT-2"), ("UTC-12", "Etc/GMT+12"),
                                                ("GMT+14", "Etc/GMT-14"), ("Asia/Tokyo", "Asia/Tokyo")])
def test_cosplib_writes_only_a_conference_file_salle_accepts(tmp_path: Path, zone: str, expected: str | None) -> None:
    notes: list[str] = []
    text = conference_text("a very long\nname " * 40, zone, notes)
    (tmp_path / "conference.yaml").write_text(text, encoding="utf-8")
    conf = read_conference(tmp_path / "conference.yaml")
    assert conf.timezone == expected and bool(notes) == (expected is None)
    assert conf.title is not None and "\n" not in conf.title and len(conf.title) <= 200


def _book_with(tmp: Path, name: str, part: str, data: bytes) -> Path:
    from openpyxl import Workbook

    Workbook().save(tmp / "plain.xlsx")
    path = tmp / name
    with zipfile.ZipFile(tmp / "plain.xlsx") as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, data if info.filename == part else src.read(info.filename))
        if part not in src.namelist():
            dst.writestr(part, data)
    return path


def test_xlsx_refuses_a_doctype_and_a_broken_part_in_one_sentence(tmp_path: Path) -> None:
    evil = _book_with(tmp_path, "evil.xlsx", "xl/worksheets/sheet1.xml",
                      b'<!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet/>')
    result = invoke("import", "xlsx", str(evil), "--out", str(tmp_path / "o1"))
    assert result.exit_code == 1 and "declares a DOCTYPE" in result.output, result.output
    broken = _book_with(tmp_path, "broken.xlsx", "xl/workbook.xml", b"<workbook><garbage")
    result = invoke("import", "xlsx", str(broken), "--out", str(tmp_path / "o2"))
    assert result.exit_code == 1 and "cannot be read as an .xlsx workbook" in result.output, result.output


def test_xlsx_inflating_past_the_limit_is_refused_before_loading(tmp_path: Path) -> None:
    from solver.importers import xlsx

    assert xlsx.MAX_INFLATED_BYTES == 100 * 1024 * 1024
    bomb = _book_with(tmp_path, "bomb.xlsx", "xl/sharedStrings.xml", b" " * (xlsx.MAX_INFLATED_BYTES + 1))
    started = time.monotonic()
    with pytest.raises(InputError, match="inflates to"):
        import_xlsx(bomb, tmp_path / "out")
    assert time.monotonic() - started < 5


# -- 13: frab times ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("event", "says"), [
    ({"start": "99:99"}, "event '1': start '99:99' is not HH:MM"),
    ({"duration": "00:99"}, "event '1': duration '00:99' is not HH:MM"),
    ({"start": ""}, "event '1': start is missing"),
    ({"duration": ""}, "event '1': duration is missing"),
    ({"title": ""}, "event '1': title is missing"),
])
def test_frab_times_are_checked_and_never_invented(tmp_path: Path, event: dict[str, str], says: str) -> None:
    with pytest.raises(InputError, match=says):
        read_published(frab_file(tmp_path, event))


def test_frab_fall_back_night_keeps_events_an_hour_apart(tmp_path: Path) -> None:
    source = frab_file(tmp_path, {"date": "2027-10-31T02:30:00+02:00", "start": "02:30"},
                       {"date": "2027-10-31T02:30:00+01:00", "start": "02:30"})
    done = import_frab(source, tmp_path / "out")
    starts = sorted(done.problem.slot[a.slot_id].start for a in done.schedule.assignments)  # type: ignore[union-attr]
    assert starts == [150, 210]
    assert any("clocks changed" in n for n in done.notes)


@pytest.mark.parametrize(("doc", "says"), [
    ({"schedule": {"conference": {"days": "monday"}}}, "schedule.conference.days should be a list"),
    ({"schedule": {"conference": {"days": [{"date": "2027-05-13", "rooms": {"A": "x"}}]}}},
     'schedule.conference.days[0].rooms["A"] should be a list'),
    ({"schedule": {"conference": {"days": [{"date": "2027-05-13", "rooms": {"A": [
        {"id": 7, "start": "09:00", "duration": "00:30", "title": "t", "persons": "bob"}]}}]}}},
     "event '7': persons should be a list"),
    ({"schedule": {"conference": {"days": [{"date": "2027-05-13", "rooms": {"A": [
        {"id": 8, "start": ["09:00"], "duration": "00:30", "title": "t"}]}}]}}},
     "event '8': start should be a text"),
])
def test_frab_json_structure_errors_name_the_place(tmp_path: Path, doc: object, says: str) -> None:
    path = tmp_path / "schedule.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_published(path)
    assert says in str(caught.value)


# -- 14: validate reads everything; look-alike text ---------------------------------------------------------
def test_validate_checks_the_folders_constraint_and_conference_files(tmp_path: Path) -> None:
    folder = base(tmp_path)
    assert invoke("validate", str(folder)).exit_code == 0
    (folder / "constraints.yaml").write_text("room_capacty:\n  weight: 3\n", encoding="utf-8")
    (folder / "conference.yaml").write_text("timezone: Europe/Bruxelles\n", encoding="utf-8")
    result = invoke("validate", str(folder))
    assert result.exit_code == 1
    assert "constraints.yaml:1" in result.output and "conference.yaml:1: timezone" in result.output


def test_rooms_named_alike_in_nfc_and_nfd_are_refused(tmp_path: Path) -> None:
    folder = base(tmp_path)
    rooms = folder / "rooms.csv"
    nfc, nfd = unicodedata.normalize("NFC", "Salle É"), unicodedata.normalize("NFD", "salle é")
    rooms.write_text(f"room_id,name,capacity\nR1,{nfc},50\nR2,{nfd},30\n", encoding="utf-8")
    with pytest.raises(InputError, match="is already the name of room 'R1'"):
        load_problem(folder)


@pytest.mark.parametrize(("sid", "says"), [("ali\u200dce", "U+200D"), ("evil\u202egnp", "U+202E"),
                                           ("CON", "Windows"), ("nul.txt", "Windows"), ("Com1", "Windows"),
                                           ("lpt9 ", "Windows")])
def test_ids_that_look_alike_or_windows_cannot_create_are_refused(tmp_path: Path, sid: str, says: str) -> None:
    folder = base(tmp_path)
    speakers = folder / "speakers.csv"
    speakers.write_text(speakers.read_text(encoding="utf-8") + f"{sid},Someone\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_problem(folder)
    assert says in str(caught.value) and "speakers.csv:4: speaker_id" in str(caught.value)


def test_an_id_list_with_an_invisible_character_is_refused(tmp_path: Path) -> None:
    folder = base(tmp_path)
    sessions = folder / "sessions.csv"
    sessions.write_text(sessions.read_text(encoding="utf-8").replace(",ana", ",an\u200ba"), encoding="utf-8")
    with pytest.raises(InputError, match=r"speakers: .*U\+200B"):
        load_problem(folder)


def test_previous_from_another_conference_is_one_clear_message(tmp_path: Path) -> None:
    folder = base(tmp_path)
    other = tmp_path / "other.csv"
    other.write_text("session_id,room_id,slot_id\nX1,RA,TA\nX2,RB,TB\n", encoding="utf-8")
    result = invoke("solve", str(folder), "--previous", str(other), "--out", str(tmp_path / "o"), "--quiet")
    assert result.exit_code == 1
    assert "none of its 2 row(s) names a session of these inputs" in result.output
    assert "no longer in sessions.csv" not in result.output


# -- 15: the Python API checks its arguments -------------------------------------------------------------------
def test_api_refuses_wrong_types_with_a_sentence(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match=r"solver\.solve takes a Problem, got str"):
        solver.solve("inputs")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="config must be"):
        solver.solve(load_problem(base(tmp_path)), 42)  # type: ignore[arg-type]
    config = load_config(str(ROOT / "constraints" / "default.yaml"))  # one file, not one per character
    assert [Path(f).name for f in config.files] == ["default.yaml"]
    with pytest.raises(TypeError, match="a list of paths"):
        load_config(3)


@pytest.mark.parametrize("options", [SolveOptions(time_limit=-1), SolveOptions(time_limit=math.nan),
                                     SolveOptions(time_limit=math.inf), SolveOptions(workers=0),
                                     SolveOptions(workers=65)])
def test_api_refuses_impossible_options(options: SolveOptions) -> None:
    with pytest.raises(ValueError, match="SolveOptions"):
        check_options(options)


# -- 16: an interrupt during the start-up imports ---------------------------------------------------------------
START = "import sys, solver.entry; sys.stderr.write('ready\\n'); sys.stderr.flush(); solver.entry.main()"


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupt_while_starting_exits_130_quietly(tmp_path: Path, sig: int) -> None:
    codes = []
    for delay in (0.01, 0.1, 0.3, 0.6):
        proc = subprocess.Popen([sys.executable, "-c", START, "rules"], cwd=tmp_path, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        assert proc.stderr is not None
        assert proc.stderr.readline() == b"ready\n"
        time.sleep(delay)
        proc.send_signal(sig)
        try:
            _, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
        assert b"Traceback" not in err and b"Error" not in err, err.decode()
        assert proc.returncode in (0, 130), (delay, proc.returncode, err.decode())
        codes.append(proc.returncode)
    assert codes[0] == 130, codes


# OR-Tools' native modules turn an exception raised while they initialize into "ImportError: initialization
# failed": this stand-in for `solver.cli` does the same when the interrupt arrives while it loads
BREAKING = """
import importlib.abc, importlib.machinery, os, signal, sys, time
class Native(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path, target=None):
        return importlib.machinery.ModuleSpec(name, self) if name == "solver.cli" else None
    def create_module(self, spec):
        return None
    def exec_module(self, module):
        try:
            os.kill(os.getpid(), signal.SIG{sig})
            time.sleep(0.3)
        except BaseException as exc:
            raise ImportError("initialization failed") from exc
sys.meta_path.insert(0, Native())
import solver.entry
solver.entry.main()
"""


@pytest.mark.parametrize("sig", ["INT", "TERM"])
def test_an_interrupt_inside_a_native_import_is_a_quiet_130(tmp_path: Path, sig: str) -> None:
    done = subprocess.run([sys.executable, "-c", BREAKING.format(sig=sig), "rules"], cwd=tmp_path,
                          capture_output=True, timeout=60)
    assert done.returncode == 130, done.stderr.decode()
    assert b"Traceback" not in done.stderr and b"ImportError" not in done.stderr
