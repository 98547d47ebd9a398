"""Ctrl-C and SIGTERM stop `salle solve` promptly: with a schedule in hand it is written (exit 0, and the run
says it was interrupted); before any schedule, exit 130 and the previous outputs stay as they were."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.generate import Size, generate
from solver.config import load_config
from solver.inputs import load_problem
from solver.inputs.assignments import read_schedule
from solver.judge import judge
from tests.test_publish_hurry import _consistent, _tree

ROOT = Path(__file__).resolve().parents[1]
SALLE = [sys.executable, "-m", "solver"]


def _start(folder: Path, out: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([*SALLE, "solve", str(folder), "--out", str(out), "--quiet", *extra], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)


@pytest.fixture(scope="module")
def conference(tmp_path_factory) -> Path:
    return generate(Size("ctrl-c", 160, 10, 2, 10), 1).write(tmp_path_factory.mktemp("ctrl-c"))


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupt_during_the_search_writes_the_best_schedule(conference: Path, tmp_path: Path, sig) -> None:
    out = tmp_path / "out"
    proc = _start(conference, out, "--time-limit", "120")
    deadline = time.monotonic() + 60
    while not (out.exists() or proc.poll() is not None) and time.monotonic() < deadline:
        time.sleep(0.2)  # nothing is written before the end: wait for the search to be under way instead
        if time.monotonic() > deadline - 55:
            break
    time.sleep(3)
    sent = time.monotonic()
    proc.send_signal(sig)
    output, _ = proc.communicate(timeout=30)
    assert time.monotonic() - sent < 10, "the interrupt was not honoured promptly"
    assert proc.returncode == 0, output
    assert "Interrupted" in output and "best schedule found so far was written" in output
    problem = load_problem(conference)
    schedule = read_schedule(out / "assignments.csv", problem)
    verdict = judge(problem, schedule, load_config([ROOT / "constraints" / "default.yaml"]))
    assert verdict.ok and len(schedule.assignments) == len(problem.sessions)


def test_an_interrupt_before_any_schedule_keeps_the_previous_outputs(conference: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(ROOT / "outputs", out) if (ROOT / "outputs" / "assignments.csv").exists() else out.mkdir()
    (out / "assignments.csv").write_text("session_id,room_id,slot_id\nOLD,R,S\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    proc = _start(conference, out, "--time-limit", "120")
    time.sleep(0.3)  # still starting: reading the inputs at most
    proc.send_signal(signal.SIGINT)
    output, _ = proc.communicate(timeout=30)
    assert proc.returncode in (130, 0), output  # 0 only if a schedule was already in hand
    if proc.returncode == 130:
        assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
        assert "Traceback" not in output


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.3, 0.6, 0.9, 1.2, 1.5])
def test_two_interrupts_while_publishing_print_no_exception_ignored(tmp_path, delay: float) -> None:  # type: ignore[no-untyped-def]
    """Two Ctrl-C while a large conference is published (openpyxl's generators half-way): exit 130 or 0, and no
    "Exception ignored" nor traceback on stderr (the interrupt's leftovers are not news)."""
    import signal
    import subprocess
    import sys
    import time

    from bench.generate import SIZES, generate

    folder = generate(SIZES["M"], 1).write(tmp_path / "M")
    args = [sys.executable, "-m", "solver", "export", str(folder), "--schedule", str(folder / "planted.csv"),
            "--out", str(tmp_path / "out"), "--force"]
    subprocess.run(args, capture_output=True, timeout=300, check=True)  # a previous run to keep
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(2.0 + delay)  # past the imports: publishing
    proc.send_signal(signal.SIGINT)
    time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode in (0, 130)
    assert "Exception ignored" not in err and "Traceback" not in err, err


# -- an interrupt at a chosen phase (no timing: the run sends itself the signal when the phase begins) ----------
HOOKED = """
import os, signal, sys
from importlib import import_module

module, attr, nth, times = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
owner = import_module(module)
*classes, name = attr.split(".")
for cls in classes:
    owner = getattr(owner, cls)
real, calls, main_pid = getattr(owner, name), [0], os.getpid()
if os.environ.get("SALLE_TEST_HURRY"):  # how long a hurried publication may go on (0: leave every one out)
    import solver.publish.files
    solver.publish.files.HURRY_SECONDS = float(os.environ["SALLE_TEST_HURRY"])


def hooked(*args, **kwargs):
    calls[0] += 1
    if calls[0] == nth and os.getpid() == main_pid:
        for _ in range(times):
            os.kill(main_pid, signal.SIGINT)
    return real(*args, **kwargs)


setattr(owner, name, hooked)
sys.argv = ["salle", *sys.argv[5:]]
from solver.entry import main

main()
"""


def _hooked(where: str, nth: int, times: int, *args: str, hurry: float | None = None) -> subprocess.CompletedProcess:
    """`salle ARGS` interrupted `times` times (SIGINT) as the `nth` call of `where` (module:attribute) begins."""
    module, attr = where.split(":")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if hurry is not None:
        env["SALLE_TEST_HURRY"] = str(hurry)
    return subprocess.run([sys.executable, "-c", HOOKED, module, attr, str(nth), str(times), *args], cwd=ROOT,
                          capture_output=True, text=True, env=env, timeout=600)


def _whole(out: Path, folder: Path, mine: frozenset[str] = frozenset()) -> dict:
    """`out` holds one run whole (tests/test_publish_hurry.py's `_consistent`) with a valid schedule placing
    every session; returns its summary.json."""
    summary = _consistent(out, set(mine))
    problem = load_problem(folder)
    schedule = read_schedule(out / "assignments.csv", problem)
    assert judge(problem, schedule, load_config([ROOT / "constraints" / "default.yaml"])).ok
    assert len(schedule.assignments) == len(problem.sessions)
    return summary


@pytest.fixture(scope="module")
def medium(tmp_path_factory) -> Path:
    """300 sessions: the neighbourhood search's size (partner processes with --workers)."""
    from bench.generate import SIZES

    return generate(SIZES["M"], 2).write(tmp_path_factory.mktemp("M-2"))


def _previous_run(folder: Path, out: Path) -> dict[str, bytes]:
    """A complete earlier run in `out` (the planted schedule published), with a file of the user's beside it."""
    subprocess.run([*SALLE, "export", str(folder), "--schedule", str(folder / "planted.csv"), "--out", str(out),
                    "--force"], cwd=ROOT, capture_output=True, check=True, timeout=300)
    (out / "rooms" / "notes.txt").write_text("mine", encoding="utf-8")
    return _tree(out)


def test_ctrl_c_during_the_search_with_partners_writes_one_whole_run(medium: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _previous_run(medium, out)
    done = _hooked("solver.engine.parallel:Partners.exchange", 3, 1, "solve", str(medium), "--out", str(out),
                   "--time-limit", "300", "--workers", "4", "--quiet")
    assert done.returncode == 0, done.stderr + done.stdout
    assert "Interrupted" in done.stdout and "Traceback" not in done.stderr
    summary = _whole(out, medium, mine=frozenset({"rooms/notes.txt"}))
    assert summary["interrupted"] is True
    assert (out / "rooms" / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_ctrl_c_while_publishing_leaves_out_what_has_no_time_and_says_how_to_write_it(
        medium: Path, tmp_path: Path) -> None:
    """The search is over when Ctrl-C comes: the run's own files are written; with no time left (a hurry of
    0 s) every publication is left out, its earlier files removed, and the command printed writes them."""
    out = tmp_path / "out"
    _previous_run(medium, out)
    done = _hooked("solver.publish.files:_Rendering.wait", 1, 1, "solve", str(medium), "--out", str(out),
                   "--time-limit", "4", "--workers", "2", "--quiet", hurry=0.0)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "Not refreshed" in done.stdout and "Traceback" not in done.stderr
    summary = _whole(out, medium, mine=frozenset({"rooms/notes.txt"}))
    assert set(summary["not_refreshed"]["publications"]) == {"speakers.csv", "rooms/*.csv", "schedule.json",
                                                             "schedule.xml", "pages and calendars", "schedule.xlsx"}
    assert not (out / "timetable.html").exists() and not [p for p in (out / "talks").glob("*")
                                                          if not p.name.endswith(".salle-old")]
    command = summary["not_refreshed"]["command"]
    assert command in done.stdout.replace("\n", "")
    words = command.split()
    assert words[:2] == ["salle", "export"]
    again = subprocess.run([*SALLE, *words[1:]], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    summary = _whole(out, medium, mine=frozenset({"rooms/notes.txt"}))
    assert summary["not_refreshed"] is None and (out / "timetable.html").is_file()
    assert _tree(out) == _tree(out, pending=False)  # what the hurried run had no time to delete is gone now


def test_two_ctrl_c_while_publishing_keep_the_previous_run_whole(medium: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    before = _previous_run(medium, out)
    done = _hooked("solver.publish.files:_Rendering.wait", 1, 2, "solve", str(medium), "--out", str(out),
                   "--time-limit", "4", "--workers", "2", "--quiet")
    assert done.returncode == 130, done.stderr + done.stdout
    assert "Interrupted twice" in done.stderr + done.stdout and "Traceback" not in done.stderr
    # the earlier run whole; temp files the run had no time to delete are hidden, and the next run removes them
    assert _tree(out, pending=False) == before
    from solver.publish.atomic import sweep

    sweep([out, *(out / name for name in ("rooms", "speakers", "talks", "now"))])
    assert _tree(out) == before


@pytest.mark.slow
def test_a_large_conference_with_three_partners_interrupted_in_its_search_writes_one_whole_run(
        tmp_path: Path) -> None:
    """L (1,500 sessions, 4,900 files), --workers 4, an earlier run in the folder: Ctrl-C while the partners
    search; whatever the machine's speed, one whole run (the publications written or left out whole)."""
    from bench.generate import SIZES

    folder = generate(SIZES["L"], 1).write(tmp_path / "L-1")
    out = tmp_path / "out"
    _previous_run(folder, out)
    done = _hooked("solver.engine.parallel:Partners.exchange", 5, 1, "solve", str(folder), "--out", str(out),
                   "--time-limit", "300", "--workers", "4", "--quiet")
    assert done.returncode == 0, done.stderr + done.stdout
    summary = _whole(out, folder, mine=frozenset({"rooms/notes.txt"}))
    assert summary["interrupted"] is True and summary["counts"]["placed"] == 1500
