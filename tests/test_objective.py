"""The score is the judge's, and it adds up: on random instances, for every rule, the evaluator's total on the
schedule CP-SAT returns equals CP-SAT's objective (rule by rule)."""

import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver.config import load_config
from solver.engine import SolveOptions, solve
from solver.inputs import load_problem
from solver.judge import judge
from solver.rules import REGISTRY
from tests.planted import planted_conference

SOFT_DEFAULTS: dict = {}
ALL_SOFT = {name: {"hard": False, "weight": 1 + i % 4} for i, (name, rule) in enumerate(REGISTRY.items())
            if "soft" in rule.modes}
ALL_SOFT["all_scheduled"]["weight"] = 50  # unscheduling stays possible but rare, so the other rules get exercised


def _config(tmp: Path, overrides: dict):
    path = tmp / "c.yaml"
    path.write_text(yaml.safe_dump(overrides), encoding="utf-8")
    return load_config([path])


@pytest.mark.parametrize("overrides", [SOFT_DEFAULTS, ALL_SOFT], ids=["defaults", "every-rule-soft"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=10**9))
def test_judge_total_equals_cp_sat_objective(overrides: dict, seed: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder, _ = planted_conference(Path(tmp) / "in", seed, rich=True)
        problem = load_problem(folder)
        config = _config(Path(tmp), overrides)
        result = solve(problem, config, SolveOptions(time_limit=10, workers=1))
        assert result.schedule is not None, result.reasons
        verdict = judge(problem, result.schedule, config)
        assert verdict.ok, [v.message for v in verdict.hard]
        assert {k: v for k, v in verdict.penalties.items() if v} == {k: v for k, v in result.penalties.items() if v}
        assert verdict.total == result.objective
