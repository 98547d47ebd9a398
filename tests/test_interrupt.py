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
