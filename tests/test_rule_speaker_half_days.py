"""A rule built from the declared structures alone (speaker_half_days: `spread`): its module, these tests and
the docs are all it took; the model, the local search's tally and the judge agree on it."""

from __future__ import annotations

from pathlib import Path

from solver.config import default_config
from solver.engine import SolveOptions, solve
from solver.engine.structure import record
from solver.inputs import load_problem
from solver.judge import judge
from solver.schedule import Assignment, Schedule
from tests.conftest import make_conference

DAY = "2027-05-13"


def _conference(tmp_path: Path):  # type: ignore[no-untyped-def]
    return load_problem(make_conference(
        tmp_path, rooms=[{"room_id": "A", "name": "A", "capacity": 50}, {"room_id": "B", "name": "B", "capacity": 50}],
        slots=[{"slot_id": "AM1", "day": DAY, "start": "9h", "end": "10h"},
               {"slot_id": "AM2", "day": DAY, "start": "10h", "end": "11h"},
               {"slot_id": "PM1", "day": DAY, "start": "14h", "end": "15h"}],
        sessions=[{"session_id": "T", "title": "talk", "speakers": "ana", "attendance": 10},
                  {"session_id": "P", "title": "panel", "speakers": "ana;bo", "attendance": 10},
                  {"session_id": "X", "title": "x", "speakers": "bo", "attendance": 10}]))


def _on(weight: int = 2):  # type: ignore[no-untyped-def]
    return default_config().with_settings("speaker_half_days", enabled=True, weight=weight)


def test_the_judge_counts_each_extra_half_day_per_speaker_and_day(tmp_path: Path) -> None:
    problem = _conference(tmp_path)
    both = Schedule((Assignment("T", "A", "AM1"), Assignment("P", "A", "PM1"), Assignment("X", "B", "AM1")))
    verdict = judge(problem, both, _on())
    assert verdict.penalties["speaker_half_days"] == 2 * 2  # ana and bo each come morning and afternoon
    apart = Schedule((Assignment("T", "A", "AM1"), Assignment("P", "A", "AM2"), Assignment("X", "B", "AM1")))
    assert judge(problem, apart, _on()).penalties.get("speaker_half_days", 0) == 0


def test_the_model_keeps_a_speaker_to_one_half_day_and_the_tally_counts_it(tmp_path: Path) -> None:
    problem = _conference(tmp_path)
    config = _on(weight=50).with_settings("capacity_fit", enabled=False)
    result = solve(problem, config, SolveOptions(time_limit=10, workers=1))
    assert result.schedule is not None
    verdict = judge(problem, result.schedule, config)
    assert verdict.ok and verdict.penalties.get("speaker_half_days", 0) == 0
    assert verdict.total == result.objective
    recorded = record(problem, config)
    assert recorded is not None and len(recorded.spreads) >= 1  # the local search counts it, from `spread`
