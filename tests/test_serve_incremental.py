"""The desk's incremental judge gives exactly what the full judge gives, after any sequence of moves."""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver.config import Config, load_config
from solver.inputs import load_problem
from solver.judge import Judgement, judge
from solver.serve.incremental import LiveJudge, MoveRefused
from solver.serve.rulesfile import updated_constraints
from tests.planted import planted_conference


def _every_rule_on() -> Config:
    config = load_config([])
    for rc in config.rules:
        config = config.with_settings(rc.name, enabled=True)
    return config


def _canon(verdict: Judgement) -> tuple:
    def rows(vs: list) -> list:
        return sorted((v.rule, v.message, v.sessions, v.amount) for v in vs)

    return rows(verdict.hard), rows(verdict.soft), {k: v for k, v in verdict.penalties.items() if v}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), moves=st.integers(1, 12), rich=st.booleans())
def test_random_moves_match_the_full_judge(seed: int, moves: int, rich: bool) -> None:
    """On a random conference with every rule on, each move (and each change of a rule's mode or weight) leaves
    the live verdict equal to the judge's."""
    with tempfile.TemporaryDirectory() as folder:
        path, planted = planted_conference(Path(folder), seed, rich=rich)
        problem = load_problem(path)
    config = _every_rule_on()
    original = LiveJudge(problem, config, {sid: (room, slot) for sid, room, slot in planted})
    at_start = _canon(original.judgement())
    assert at_start == _canon(judge(problem, original.schedule(), config))
    live = original.copy()  # as a new tab gets it: its moves leave the original as it was
    rng = random.Random(seed)
    rooms, slots = [r.room_id for r in problem.rooms], [s.slot_id for s in problem.slots]
    for step in range(moves):
        if step % 4 == 3:  # the rules panel: a rule off, on, soft or hard, or another weight
            rc = rng.choice(config.rules)
            mode = rng.choice(["off", *rc.rule.modes])
            config = config.with_settings(rc.name, enabled=mode != "off", hard=mode == "hard",
                                          weight=rng.randint(0, 5))
            live.set_config(config)
            assert _canon(live.judgement()) == _canon(judge(problem, live.schedule(), config))
        sid = rng.choice([s.session_id for s in problem.sessions])
        place = None if rng.random() < 0.15 else (rng.choice(rooms), rng.choice(slots))
        before = live.totals()
        try:
            change = live.move(sid, place)
        except MoveRefused:
            continue
        full = judge(problem, live.schedule(), config)
        assert _canon(live.judgement()) == _canon(full)
        assert (change.total_before, change.hard_before) == before
        assert change.total_after == full.total and change.hard_after == len(full.hard)
    assert _canon(original.judgement()) == at_start


def test_a_move_says_what_it_broke_and_what_it_resolved() -> None:
    """Moving a session into a small room adds the capacity sentence (in the conference's language, French);
    moving it back resolves it."""
    problem = load_problem(Path(__file__).resolve().parent.parent / "inputs")
    config = load_config([])
    live = LiveJudge(problem, config, {"EC-CNR": ("A-1100", "J1-1330")})
    change = live.move("EC-CNR", ("C-010", "J1-1330"))
    capacity = [v for v in change.new if v.rule == "room_capacity"]
    assert capacity and capacity[0].message == ("EC-CNR attend 85 personnes, mais Salon C-010 compte 25 places "
                                                "(il en manque 60)")
    back = live.move("EC-CNR", ("A-1100", "J1-1330"))
    assert any(v.rule == "room_capacity" for v in back.resolved)
    with pytest.raises(MoveRefused, match="salle inconnue"):
        live.move("EC-CNR", ("nowhere", "J1-1330"))


def test_the_rules_file_keeps_comments_and_other_rules() -> None:
    """The rules panel edits a constraint file in place: comments and untouched rules stay as written."""
    text = "# ours\nroom_capacity:\n  hard: true   # keep\n  weight: 10\ncapacity_fit: false\n"
    out = updated_constraints(text, {"room_capacity": {"hard": False}, "capacity_fit": {"enabled": True},
                                     "track_room": {"weight": 7}})
    assert out.startswith("# ours\nroom_capacity:\n  hard: false   # keep\n  weight: 10\n")
    assert "capacity_fit:\n  enabled: true\n" in out and out.endswith("track_room:\n  weight: 7\n")
