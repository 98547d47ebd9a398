"""Hypothesis fuzzing of the readers: random bytes, random cells and random YAML are either read or refused with
an InputError (exit 1), never anything else; what is read can always be published.

A few hundred examples run by default; bench/ (or `HYPOTHESIS_PROFILE=long`) runs many more.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver.config import load_config
from solver.errors import InputError
from solver.inputs import load_problem_with_warnings
from solver.inputs.table import TableError, read_table
from tests.robustness.cases import base

settings.register_profile("default", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=5_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

FILES = ("rooms.csv", "slots.csv", "sessions.csv", "speakers.csv", "unavailability.csv")
# cells salle must survive: anything Unicode has, plus the spellings its parsers look for
CELL = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "=1+1", "-S2", "'=x", "13h30", "24:00", "9999-12-31", "2027-05-13", "1e26", "90.0",
                     "9007199254740993", "-0", "R1;R2", "a,b", "\x0b", "\ufeff", "\uffff", "\x00", "\"", "\r\n"]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


@contextmanager
def _conference() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="salle-fuzz-") as tmp:
        yield base(Path(tmp))


def _reads_or_refuses(folder: Path) -> None:
    try:
        problem, _ = load_problem_with_warnings(folder)
    except InputError as exc:
        assert exc.issues and all(str(i) for i in exc.issues)
        assert all(len(str(i)) < 1_000 for i in exc.issues), "a message echoes an unbounded value"
        return
    assert problem.sessions and problem.rooms and problem.slots


@given(file=st.sampled_from(FILES), data=st.binary(max_size=400))
def test_random_bytes_in_any_input_file(file: str, data: bytes) -> None:
    with _conference() as folder:
        (folder / file).write_bytes(data)
        _reads_or_refuses(folder)


@given(file=st.sampled_from(FILES), header=st.booleans(), rows=st.lists(st.lists(CELL, max_size=7), max_size=5),
       delimiter=st.sampled_from([",", ";"]))
def test_random_cells_under_a_real_header(file: str, header: bool, rows: list[list[str]], delimiter: str) -> None:
    """Valid headers, hostile cells: every cell parser and record is reached."""
    with _conference() as folder:
        path = folder / file
        columns = next(csv.reader(io.StringIO(path.read_text(encoding="utf-8")))) if path.exists() else \
            ["who", "day", "start", "end", "note"]
        out = io.StringIO()
        writer = csv.writer(out, delimiter=delimiter)
        if header:
            writer.writerow(columns)
        writer.writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8", errors="surrogatepass")
        _reads_or_refuses(folder)


@given(text=st.text(max_size=300))
def test_random_text_through_the_table_reader(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rooms.csv"
        path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
        try:
            table = read_table(path, ["room_id"])
        except TableError as exc:
            assert exc.issues
            return
        assert "room_id" in table.columns
        assert all(r.number >= 2 for r in table.rows)


YAML_SCALAR = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**80), max_value=2**80),
                        st.floats(allow_nan=True), st.text(max_size=20))
YAML_VALUE = st.recursive(YAML_SCALAR, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)), max_leaves=12)
RULE_NAME = st.sampled_from(["room_capacity", "capacity_fit", "pins", "speaker_changeover", "keep_previous",
                             "nope", "weight"])
SETTING = st.dictionaries(st.sampled_from(["enabled", "hard", "weight", "minutes", "slot", "x"]), YAML_VALUE,
                          max_size=4)


def _loads_or_refuses(text: str | bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.yaml"
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", errors="surrogatepass"))
        try:
            config = load_config([path])
        except InputError as exc:
            assert exc.issues and all(len(str(i)) < 2_000 for i in exc.issues)
            return
        for rc in config.rules:
            assert 0 <= rc.settings.weight <= 10_000


@given(doc=st.dictionaries(RULE_NAME, st.one_of(SETTING, YAML_VALUE), max_size=4))
def test_random_constraint_documents(doc: dict) -> None:
    _loads_or_refuses(yaml.safe_dump(doc, allow_unicode=True))


@given(text=st.one_of(st.text(max_size=200), st.binary(max_size=200)))
def test_random_constraint_text(text: str | bytes) -> None:
    _loads_or_refuses(text)


@settings(max_examples=25)
@given(title=st.text(max_size=40), name=st.text(max_size=20), room=st.text(min_size=1, max_size=20))
def test_whatever_is_read_can_be_published(title: str, name: str, room: str) -> None:
    """Text the reader accepts never breaks a publication (the workbook, the XML, the calendars)."""
    from solver.publish import render_publications
    from solver.schedule import Assignment, Schedule

    with _conference() as folder:
        for file, old, new in (("sessions.csv", "Ouverture", title), ("speakers.csv", "Ana", name),
                               ("rooms.csv", "Salle A", room)):
            path = folder / file
            rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
            rows = [[new if cell == old else cell for cell in row] for row in rows]
            out = io.StringIO()
            csv.writer(out).writerows(rows)
            path.write_text(out.getvalue(), encoding="utf-8", errors="surrogatepass")
        try:
            problem, _ = load_problem_with_warnings(folder)
        except InputError:
            return
    schedule = Schedule((Assignment("S1", "R1", "T1"), Assignment("S2", "R2", "T2")))
    files = render_publications(problem, schedule)
    assert files["schedule.xlsx"] and files["schedule.xml"]


@settings(max_examples=30)
@given(file=st.sampled_from(FILES), data=st.binary(max_size=300), yaml_text=st.text(max_size=120))
def test_the_command_line_exits_0_or_1_never_a_traceback(file: str, data: bytes, yaml_text: str) -> None:
    """`salle validate` on a spoiled file and `salle rules --constraints` on random text: exit 0 or 1, a message,
    never a traceback."""
    from typer.testing import CliRunner

    from solver.cli import cli

    runner = CliRunner()
    with _conference() as folder:
        (folder / file).write_bytes(data)
        done = runner.invoke(cli, ["validate", str(folder)])
        assert done.exit_code in (0, 1) and "Traceback" not in done.output, done.output
        assert done.exception is None or isinstance(done.exception, SystemExit), repr(done.exception)
        (folder / "c.yaml").write_text(yaml_text, encoding="utf-8", errors="surrogatepass")
        done = runner.invoke(cli, ["rules", "--constraints", str(folder / "c.yaml")])
        assert done.exit_code in (0, 1) and "Traceback" not in done.output, done.output
        assert done.exception is None or isinstance(done.exception, SystemExit), repr(done.exception)
