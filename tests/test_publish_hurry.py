"""Publishing side by side, and in a hurry (solver.publish.files): the same files whichever way they are made;
after a Ctrl-C the run's own files always, the publications there is time for, and none left stale.

No test here depends on the machine's speed: a hurried publication is made with a stop asked long ago (nothing
is left to wait for), so what it leaves out is known.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import time
from pathlib import Path

import pytest
from icalendar import Calendar

from bench.generate import Size, generate
from solver.app import run_export
from solver.config import default_config
from solver.engine import Stop
from solver.inputs import load_problem
from solver.inputs.assignments import read_schedule
from solver.judge import judge
from solver.publish import atomic, files
from solver.publish.atomic import Prestaged, stage_files, sweep, write_atomically
from solver.publish.files import CARRIED_CALENDAR, RunFacts, publish
from solver.publish.manifest import MANIFEST, digest
from solver.publish.pages import PARTS, render_pages
from solver.publish.publications import GROUPS, group_of, publication_jobs, render_publications
from solver.publish.view import Conference, entries

STAMP = dt.datetime(2027, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def conference(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    """60 sessions over two days (paged? no: under 300), with a planted schedule."""
    return generate(Size("hurry", 60, 6, 2, 8), 3).write(tmp_path_factory.mktemp("hurry"))


def _solved(folder: Path):  # type: ignore[no-untyped-def]
    problem, config = load_problem(folder), default_config()
    schedule = read_schedule(folder / "planted.csv", problem)
    return problem, config, schedule, judge(problem, schedule, config)


def _tree(out: Path, pending: bool = True) -> dict[str, bytes]:
    """Every file under `out`; without `pending`, not the files a hurried or interrupted run had no time to delete
    (hidden `.salle-old` and `.salle-tmp` files, removed by the next run into the folder)."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and (pending or not any(part.endswith((".salle-old", ".salle-tmp"))
                                                   for part in p.relative_to(out).parts))}


def _consistent(out: Path, mine: set[str] = frozenset()) -> dict:  # type: ignore[assignment]
    """The folder holds one run whole: summary.json lists exactly the files there (besides the user's `mine`),
    the manifest's digests match them, no temp or moved-aside file is left, and no file of a publication left
    out remains. Returns summary.json."""
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    present = set(_tree(out, pending=False)) - set(mine)
    assert set(summary["files"]) == present
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert set(manifest) == present - {MANIFEST}
    assert all(digest((out / rel).read_bytes()) == wrote for rel, wrote in manifest.items())
    # what is left to delete is hidden and names the process that wrote it (`atomic.sweep` removes it later)
    assert all(p.name.startswith(".") and p.name.split(".")[-3].isdigit()
               for p in out.rglob("*") if p.name.endswith((".salle-tmp", ".salle-old"))
               and not p.parent.name.endswith(".salle-old"))
    left_out = (summary["not_refreshed"] or {}).get("publications", {})
    assert not [rel for rel in present if group_of(rel) in left_out]
    return summary


# -- the same files, whichever way they are made ---------------------------------------------------------------
@pytest.mark.parametrize("paged", [False, True])
def test_the_pages_by_parts_are_the_pages(conference: Path, paged: bool) -> None:
    problem, _, schedule, _ = _solved(conference)
    items = entries(problem, schedule)
    whole = render_pages(problem, items, Conference(), stamp=STAMP, paged=paged)
    parts: dict[str, str | bytes] = {}
    for part in PARTS:
        made = render_pages(problem, items, Conference(), stamp=STAMP, paged=paged, parts=[part])
        assert not set(made) & set(parts), f"{part} writes files another part writes"
        parts.update(made)
    assert parts == whole
    folders = {}  # each folder of many files is written by one part (two processes at once slow each other)
    for part in PARTS:
        for rel in render_pages(problem, items, Conference(), stamp=STAMP, paged=paged, parts=[part]):
            if "/" in rel and not rel.startswith("rooms/"):
                assert folders.setdefault(rel.split("/")[0], part) == part
    with pytest.raises(ValueError, match="unknown part"):
        render_pages(problem, items, Conference(), parts=["nothing"])


def test_the_jobs_make_every_publication_and_each_file_belongs_to_one(conference: Path) -> None:
    problem, config, schedule, _ = _solved(conference)
    whole = render_publications(problem, schedule, stamp=STAMP, config=config)
    made: dict[str, str | bytes] = {}
    for job in publication_jobs(problem, schedule, stamp=STAMP, config=config):
        assert job.group in GROUPS and job.seconds > 0
        for rel, content in job.make().items():
            assert group_of(rel) == job.group, rel
            made[rel] = content
    assert made == whole


def test_side_by_side_or_in_this_process_the_same_files(conference: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")  # one DTSTAMP for both runs
    problem, config, schedule, verdict = _solved(conference)
    forked = publish(problem, schedule, config, verdict, tmp_path / "a", RunFacts("export"))
    monkeypatch.setattr(files, "_processes", lambda jobs: 0)
    alone = publish(problem, schedule, config, verdict, tmp_path / "b", RunFacts("export"))
    assert len(forked) == len(alone)
    a, b = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    a.pop("summary.json"), b.pop("summary.json")  # names its own folder
    a.pop(MANIFEST), b.pop(MANIFEST)  # lists summary.json's digest
    assert a == b
    _consistent(tmp_path / "a")
    summary = _consistent(tmp_path / "b")
    assert summary["not_refreshed"] is None


def test_a_publication_failing_in_its_process_fails_the_run_and_writes_nothing(
        conference: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import solver.publish.publications as publications
    from solver.errors import OutputError

    problem, config, schedule, verdict = _solved(conference)
    out = tmp_path / "out"
    publish(problem, schedule, config, verdict, out, RunFacts("export"))
    before = _tree(out)

    def broken(*args: object, **options: object) -> dict:
        raise RuntimeError("boom")

    monkeypatch.setattr(publications, "schedule_xml", broken)
    with pytest.raises(OutputError, match=r"schedule\.xml could not be rendered \(RuntimeError: boom\)"):
        publish(problem, schedule, config, verdict, out, RunFacts("export"))
    assert _tree(out, pending=False) == before
    # what is left to delete is hidden and names the process that wrote it (`atomic.sweep` removes it later)
    assert all(p.name.startswith(".") and p.name.split(".")[-3].isdigit()
               for p in out.rglob("*") if p.name.endswith((".salle-tmp", ".salle-old"))
               and not p.parent.name.endswith(".salle-old"))


# -- in a hurry ------------------------------------------------------------------------------------------------
def _long_ago() -> Stop:
    stop = Stop()
    stop.set()
    stop.at = time.perf_counter() - 3600  # asked an hour ago: no time for anything but the run's own files
    return stop


def _moved(folder: Path, tmp: Path) -> Path:
    """planted.csv with one session moved to a free slot of its room (the schedule still valid)."""
    problem, config = load_problem(folder), default_config()
    schedule = read_schedule(folder / "planted.csv", problem)
    taken = {(a.room_id, a.slot_id) for a in schedule.assignments}
    rows = [(a.session_id, a.room_id, a.slot_id) for a in schedule.assignments]
    path = tmp / "moved.csv"
    for i, (sid, room, _) in enumerate(rows):
        for slot in problem.slots:
            if (room, slot.slot_id) in taken:
                continue
            with path.open("w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(["session_id", "room_id", "slot_id"])
                writer.writerows([*rows[:i], (sid, room, slot.slot_id), *rows[i + 1:]])
            if judge(problem, read_schedule(path, problem), config).ok:
                return path
    pytest.skip("no free place to move a session to")


def test_a_hurried_publication_writes_the_runs_own_files_and_leaves_nothing_stale(
        conference: Path, tmp_path: Path) -> None:
    problem, config, schedule, verdict = _solved(conference)
    out = tmp_path / "out"
    run_export(conference, conference / "planted.csv", out, None)  # the previous run, complete
    (out / "rooms" / "notes.txt").write_text("mine", encoding="utf-8")
    old_calendar = (out / "calendar.ics").read_bytes()
    left_out: list[str] = []
    written = publish(problem, schedule, config, verdict, out, RunFacts("solve", refresh="salle export x"),
                      stop=_long_ago(), left_out=left_out)
    assert left_out == list(GROUPS)  # every publication: no time for any
    assert {p.relative_to(out).as_posix() for p in written} == {
        "assignments.csv", "report.md", "report.csv", "summary.json", MANIFEST, CARRIED_CALENDAR}
    summary = _consistent(out, mine={"rooms/notes.txt"})
    assert summary["not_refreshed"] == {"publications": {g: list(p) for g, p in GROUPS.items()},
                                        "command": "salle export x"}
    assert (out / "rooms" / "notes.txt").read_text(encoding="utf-8") == "mine"  # the user's file stays
    assert not (out / "timetable.html").exists() and not (out / "calendar.ics").exists()
    assert (out / CARRIED_CALENDAR).read_bytes() == old_calendar  # for the SEQUENCE of later calendars


def test_after_a_hurried_run_export_publishes_everything_and_counts_moves_from_what_was_published(
        conference: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_export(conference, conference / "planted.csv", out, None)
    published = {str(e["uid"]): int(e["sequence"]) for e in
                 Calendar.from_ical((out / "calendar.ics").read_bytes()).walk("VEVENT")}
    moved_file = _moved(conference, tmp_path)
    problem, config = load_problem(conference), default_config()
    moved = read_schedule(moved_file, problem)
    publish(problem, moved, config, judge(problem, moved, config), out, RunFacts("solve"), stop=_long_ago())
    assert (out / CARRIED_CALENDAR).is_file() and not (out / "calendar.ics").exists()
    # a second hurried run keeps the calendar published before, not a newer one it never wrote
    publish(problem, moved, config, judge(problem, moved, config), out, RunFacts("solve"), stop=_long_ago())
    run_export(conference, out / "assignments.csv", out, None)  # the command the hurried run names
    summary = _consistent(out)
    assert summary["not_refreshed"] is None and not (out / CARRIED_CALENDAR).exists()
    now = {str(e["uid"]): int(e["sequence"]) for e in
           Calendar.from_ical((out / "calendar.ics").read_bytes()).walk("VEVENT")}
    changed = {uid for uid in now if now[uid] != published.get(uid)}
    assert len(changed) == 1 and now[changed.pop()] == 1  # the moved session, once, from what was published


def test_a_stop_before_publishing_counts_from_when_it_was_asked(conference: Path, tmp_path: Path) -> None:
    """A stop asked just now leaves HURRY_SECONDS: the small conference's publications all fit (or some are
    left out on a very slow machine): either way one whole run."""
    problem, config, schedule, verdict = _solved(conference)
    stop = Stop()
    stop.set()
    left_out: list[str] = []
    publish(problem, schedule, config, verdict, tmp_path / "out", RunFacts("solve"), stop=stop, left_out=left_out)
    summary = _consistent(tmp_path / "out")
    assert (summary["not_refreshed"] or {"publications": {}})["publications"].keys() == set(left_out)


# -- the atomic switch -----------------------------------------------------------------------------------------
def test_a_switch_failing_midway_leaves_the_previous_run_whole(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A staged file (from a rendering process) failing to go into place: every target back as it was, the
    files to remove still there, no temp file left (the staged ones included)."""
    for name in ("a.csv", "gone.ics"):
        (tmp_path / name).write_text(f"old {name}", encoding="utf-8")
    staged: list[tuple[Path, Prestaged]] = []
    stage_files({tmp_path / "b.csv": "new b", tmp_path / "c.csv": "new c"}, staged)
    real, calls = os.replace, [0]

    def failing(src: object, dst: object) -> None:
        calls[0] += 1
        if calls[0] == 6:  # a.csv aside, a.csv in, b.csv aside (none), b.csv in, c.csv aside (none), c.csv in
            raise OSError(28, "No space left on device")
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", failing)
    from solver.errors import OutputError

    with pytest.raises(OutputError, match=r"c\.csv: cannot be written: no space left"):
        write_atomically({tmp_path / "a.csv": "new a", **dict(staged)}, remove=[tmp_path / "gone.ics"])
    monkeypatch.undo()
    assert _tree(tmp_path) == {"a.csv": b"old a.csv", "gone.ics": b"old gone.ics"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "gone.ics"]


def test_the_switch_removes_what_it_is_told_and_says_what_it_could_not(tmp_path: Path) -> None:
    (tmp_path / "gone.ics").write_text("old", encoding="utf-8")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "x.ics").write_text("old", encoding="utf-8")
    os.chmod(tmp_path / "locked", 0o500)
    problems: list[str] = []
    try:
        write_atomically({tmp_path / "a.csv": "a"}, remove=[tmp_path / "gone.ics", tmp_path / "locked" / "x.ics"],
                         problems=problems)
    finally:
        os.chmod(tmp_path / "locked", 0o700)
    assert not (tmp_path / "gone.ics").exists() and (tmp_path / "a.csv").read_text(encoding="utf-8") == "a"
    if os.geteuid() != 0:  # root may write in a read-only folder
        assert (tmp_path / "locked" / "x.ics").exists() and "could not be removed" in problems[0]
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(atomic.OLD)]


def test_a_sweep_removes_what_a_process_that_is_gone_left_and_nothing_else(tmp_path: Path) -> None:
    import subprocess
    import sys

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    dead = int(gone.stdout)
    left = {f".timetable.html.{dead}.k3j_x9.salle-tmp", f".calendar.ics.{dead}.7.salle-old"}
    alive = {f".timetable.html.{os.getppid()}.a1b2c3.salle-tmp", f".report.md.{os.getpid()}.0.salle-old"}
    mine = {"notes.salle-tmp", ".hidden", "timetable.html"}
    for name in left | alive | mine:
        (tmp_path / name).write_text("x", encoding="utf-8")
    sweep([tmp_path, tmp_path / "missing"])
    assert {p.name for p in tmp_path.iterdir()} == alive | mine


# -- the calendar published before, read quickly -----------------------------------------------------------------
def test_a_calendar_salle_wrote_is_read_plainly_as_icalendar_reads_it(tmp_path: Path) -> None:
    """Names with commas, semicolons, backslashes, line breaks and accents, long (folded) lines, two days: the
    quick reader gives what icalendar's parser gives; a calendar edited elsewhere is left to icalendar."""
    from solver.publish.ical import _read_parsed, _read_plainly, read_calendar
    from tests.conftest import make_conference

    inputs = make_conference(
        tmp_path / "in",
        rooms=[{"room_id": "R1", "name": "Salle A; B, C\\D", "capacity": 50, "building": "Pavillon\nNord"},
               {"room_id": "R2", "name": "Amphithéâtre " + "très " * 30 + "long", "capacity": 50}],
        slots=[{"slot_id": "T1", "day": "2027-05-13", "start": "09:00", "end": "10:00"},
               {"slot_id": "T2", "day": "2027-05-14", "start": "10:00", "end": "11:00"}],
        sessions=[{"session_id": "S1", "title": "Été, « ouverture »; 1\\2", "attendance": 10, "speakers": "ana"},
                  {"session_id": "S2", "title": "Deux " * 40, "attendance": 10, "speakers": "bob"}],
        speakers=[{"speaker_id": "ana", "name": "Ana\nMaria"}, {"speaker_id": "bob", "name": "Bob"}])
    problem = load_problem(inputs)
    from solver.schedule import Assignment, Schedule

    schedule = Schedule((Assignment("S1", "R1", "T1"), Assignment("S2", "R2", "T2")))
    for timezone in ("America/Toronto", "UTC", "Asia/Kolkata"):
        data = render_publications(problem, schedule, timezone=timezone, stamp=STAMP)["calendar.ics"]
        assert isinstance(data, bytes)
        plain = _read_plainly(data)
        assert plain is not None and plain == _read_parsed(data) and len(plain.events) == 2
        assert plain.events["S1"].location == "Salle A; B, C\\D, Pavillon\nNord"
    edited = data.replace(b"END:VEVENT", b"BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT5M\r\nEND:VALARM\r\n"
                                         b"END:VEVENT", 1)
    assert _read_plainly(edited) is None and read_calendar(edited) == _read_parsed(edited)
    assert _read_plainly(data.replace(b"\r\n", b"\n")) is None


def test_a_folder_of_nothing_but_stale_files_goes_whole_and_one_with_a_users_file_stays(tmp_path: Path) -> None:
    for folder in ("talks", "rooms"):
        (tmp_path / folder).mkdir()
        for name in ("a.html", "b.html", "c.html"):
            (tmp_path / folder / name).write_text("old", encoding="utf-8")
    (tmp_path / "rooms" / "notes.txt").write_text("mine", encoding="utf-8")
    stale = [tmp_path / folder / name for folder in ("talks", "rooms") for name in ("a.html", "b.html", "c.html")]
    write_atomically({tmp_path / "assignments.csv": "new"}, remove=stale)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "assignments.csv", "rooms", "rooms/notes.txt"]
