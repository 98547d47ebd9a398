"""Every case of the robustness corpus (tests/robustness/cases.py), run in-process with typer's CliRunner.

Each asserts: the documented exit code; no traceback; the sentence naming the file and row (or YAML line and
key); nothing written outside --out; and, when the command fails, every file (the previous outputs included)
exactly as it was.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from solver.cli import cli
from tests.robustness.cases import CASES, Case, base

runner = CliRunner()
PREVIOUS = {"assignments.csv": "session_id,room_id,slot_id\nS1,R1,T1\nS2,R2,T2\n", "timetable.html": "<p>old</p>\n"}


def snapshot(folder: Path, skip: Path | None = None) -> dict[str, str]:
    """Every file under `folder` (except under `skip`) with a hash of its content."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if skip is not None and (path == skip or skip in path.parents):
            continue
        out[str(path.relative_to(folder))] = hashlib.sha1(path.read_bytes()).hexdigest() if path.is_file() else "/"
    return out


def invoke(args: tuple[str, ...], tmp: Path):
    words = [a.format(**{"in": tmp / "inputs", "out": tmp / "out", "tmp": tmp}) for a in args]
    return runner.invoke(cli, words)


def no_traceback(result) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.name, marks=[pytest.mark.xfail(reason=c.xfail, strict=True)]
                                               if c.xfail else []) for c in CASES])
def test_case(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # default paths (inputs/, outputs/, constraints/) resolve in the case's folder
    base(tmp_path)
    if case.setup:
        case.setup(tmp_path)
    for step in case.before:
        first = invoke(step, tmp_path)
        assert first.exit_code == 0, (step, first.output)
    if case.then:
        case.then(tmp_path)
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    for name, content in PREVIOUS.items():
        if not (out / name).exists():
            (out / name).write_text(content, encoding="utf-8")
    everything, outside = snapshot(tmp_path), snapshot(tmp_path, skip=out)
    if case.patch:
        case.patch(monkeypatch)

    result = invoke(case.args, tmp_path)
    monkeypatch.undo()

    no_traceback(result)
    assert result.exit_code == case.exit, result.output
    for fragment in case.says:
        assert fragment in result.output, result.output
    for fragment in case.never_says:
        assert fragment not in result.output, result.output
    assert result.output.count("\n") <= 205, "a hostile file must not flood the terminal (200 problems at most)"
    assert max(map(len, result.output.splitlines()), default=0) < 1_500, "a message echoes an unbounded value"
    assert snapshot(tmp_path, skip=out) == outside, "something was written outside --out"
    if case.exit != 0:
        assert snapshot(tmp_path) == everything, "a failed command changed a file (the previous outputs?)"
    if case.check:
        case.check(tmp_path)


def test_the_corpus_is_big_enough() -> None:
    """The issue asks for at least 60 cases; each has a unique name."""
    names = [c.name for c in CASES]
    assert len(names) >= 60 and len(set(names)) == len(names)
