"""The tally (penalties counted move by move from the rules' structural helpers) and the local search on it.

The tally shares no code with the judge: every count is checked against the rules' judge functions, after
each of many random moves, on conferences where every rule it counts has something to count."""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.generate import SIZES, Size, generate
from solver.config import Config, load_config
from solver.engine.board import Board
from solver.engine.candidates import Candidates
from solver.engine.construct import construct
from solver.engine.local import LocalSearch
from solver.engine.price import judged
from solver.engine.tally import Tally, record
from solver.inputs import Problem, load_problem
from solver.judge import judge
from solver.schedule import Assignment, Schedule
from tests.planted import planted_conference

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "constraints" / "default.yaml"


def _schedule(chosen: dict) -> Schedule:
    return Schedule(tuple(sorted(Assignment(*k) for k in chosen.values())))


def _random_moves(problem: Problem, config: Config, seed: int, moves: int) -> list[int]:
    """Move sessions anywhere their candidates allow (hard rules between sessions ignored: the soft counts do
    not care) and check the tally's total against the judge's after each move: the totals seen."""
    candidates = Candidates(problem, config)
    recorded = record(problem, config)
    assert recorded is not None
    board = Board(problem, config)  # only for its instants
    tally = Tally(problem, candidates, recorded, board.run_instants)
    rng = random.Random(seed)
    chosen = {}
    running = 0
    for s in problem.sessions:
        opts = candidates.of(s)
        if opts.rooms and opts.runs:
            key = (s.session_id, rng.choice(list(opts.rooms)), rng.choice(list(opts.runs)))
            chosen[s.session_id] = key
            running += tally.add(key, opts.pair(problem, key[1], key[2])[0])[0]
    assert running == sum(judged(problem, config, candidates, chosen).values())
    seen = [running]
    for _ in range(moves):
        sid = rng.choice(sorted(chosen))
        opts = candidates.of(problem.session[sid])
        key = (sid, rng.choice(list(opts.rooms)), rng.choice(list(opts.runs)))
        p = opts.pair(problem, key[1], key[2])[0]
        foreseen = tally.moving(key, p)
        d_out, s_out = tally.remove(sid)
        d_in, s_in = tally.add(key, p)
        assert foreseen == (d_out + d_in, s_out + s_in)  # the change foreseen is the change made
        chosen[sid] = key
        running += d_out + d_in
        assert running == sum(judged(problem, config, candidates, chosen).values())
        # two sessions sharing no term: their moves priced alone add up to the pair's
        a, b = rng.sample(sorted(chosen), 2) if len(chosen) > 1 else (sid, sid)
        to_a = (a, rng.choice(list(candidates.of(problem.session[a]).rooms)),
                rng.choice(list(candidates.of(problem.session[a]).runs)))
        to_b = (b, rng.choice(list(candidates.of(problem.session[b]).rooms)),
                rng.choice(list(candidates.of(problem.session[b]).runs)))
        p_a = candidates.of(problem.session[a]).pair(problem, to_a[1], to_a[2])[0]
        p_b = candidates.of(problem.session[b]).pair(problem, to_b[1], to_b[2])[0]
        if a != b and tally.apart(to_a, p_a, to_b, p_b):
            alone = tally.moving(to_a, p_a)[0] + tally.moving(to_b, p_b)[0]
            together = tally.remove(a)[0] + tally.remove(b)[0] + tally.add(to_a, p_a)[0] + tally.add(to_b, p_b)[0]
            assert alone == together
            chosen[a], chosen[b] = to_a, to_b
            running += together
            assert running == sum(judged(problem, config, candidates, chosen).values())
        seen.append(running)
    return seen


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=10**9))
def test_the_tally_counts_as_the_judge_move_after_move(seed: int) -> None:
    """Tracks, tags, buildings, speakers on several sessions, preferences, attendees' wishes, orders between
    sessions, languages: every count the judge's."""
    with tempfile.TemporaryDirectory() as tmp:
        folder, _ = planted_conference(Path(tmp) / "in", seed, rich=True)
        problem, config = load_problem(folder), load_config([DEFAULT])
        _random_moves(problem, config, seed, 30)


def test_the_tally_counts_a_generated_conference_as_the_judge(tmp_path: Path) -> None:
    """Thirty sessions in tracks, speakers with several sessions, rooms in several buildings."""
    problem = load_problem(generate(SIZES["S"], 5).write(tmp_path / "S"))
    _random_moves(problem, load_config([DEFAULT]), 5, 60)


def test_the_tally_starts_from_the_judges_total(tmp_path: Path) -> None:
    problem = load_problem(generate(SIZES["S"], 6).write(tmp_path / "S"))
    config = load_config([DEFAULT])
    candidates = Candidates(problem, config)
    board = construct(problem, candidates, config)
    recorded = record(problem, config)
    assert recorded is not None
    tally = Tally(problem, candidates, recorded, board.run_instants)
    total = sum(tally.add(key, board.placement[sid])[0] for sid, key in board.chosen.items())
    assert total == judge(problem, _schedule(board.chosen), config).total


def test_hard_rules_linking_sessions_are_counted_at_hard_unless_their_model_is_their_own(tmp_path: Path) -> None:
    """A rule that builds its own model declares what the tally counts (an order between sessions); made hard,
    what it declares is counted at HARD in the score (no kept move breaks it, nothing in the objective), as is a
    hard rule made of the structural helpers (a track in one room per day); a rule whose model is more than the
    helpers and declares nothing leaves the search to neighbourhoods."""
    from solver.engine.structure import HARD
    from tests.conftest import make_conference

    sessions = [{"session_id": "A", "title": "A", "attendance": 5, "track": "T"},
                {"session_id": "B", "title": "B", "attendance": 5, "track": "T", "after": "A"}]
    folder = make_conference(tmp_path / "c", sessions=sessions, slots=[
        {"slot_id": "T1", "day": "2027-05-13", "start": "09:00", "end": "10:00"},
        {"slot_id": "T2", "day": "2027-05-13", "start": "10:00", "end": "11:00"}])
    problem, config = load_problem(folder), load_config([DEFAULT])
    recorded = record(problem, config)
    assert recorded is not None and len(recorded.pairs) == 2  # speaker_changeover's, order's
    hard = record(problem, config.with_settings("order", hard=True))
    assert hard is not None and (0, HARD) in [pair[:2] for pair in hard.pairs]
    track_room = record(problem, config.with_settings("track_room", hard=True))
    assert track_room is not None and (0, HARD) in [spread[:2] for spread in track_room.spreads]


SHAPES = [Size("wide", 100, 12, 2, 7), Size("tight", 80, 6, 2, 9)]


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.name)
def test_the_local_search_never_worsens_never_breaks_a_hard_rule_never_moves_a_pin(shape: Size,
                                                                                  tmp_path: Path) -> None:
    problem = load_problem(generate(shape, 11).write(tmp_path / shape.name))
    config = load_config([DEFAULT])
    candidates = Candidates(problem, config)
    board = construct(problem, candidates, config)
    before = judge(problem, _schedule(board.chosen), config)
    assert before.ok
    pinned = {s.session_id: board.chosen[s.session_id] for s in problem.sessions if s.room and s.slot}
    recorded = record(problem, config)
    assert recorded is not None
    d_objective, _ = LocalSearch(problem, candidates, recorded).run(board, random.Random(2), 3000)
    after = judge(problem, _schedule(board.chosen), config)
    assert after.ok, [v.message for v in after.hard[:3]]
    assert d_objective <= 0 and after.total == before.total + d_objective
    assert d_objective < 0  # a constructed schedule always has something a move improves
    assert {sid: board.chosen[sid] for sid in pinned} == pinned


def test_a_search_reports_its_local_search_runs(tmp_path: Path) -> None:
    """The summary's neighbourhoods and local search runs add up to the search's steps."""
    from solver.engine import SolveOptions, solve

    problem = load_problem(generate(SHAPES[0], 4).write(tmp_path / "wide"))
    config = load_config([DEFAULT])
    result = solve(problem, config, SolveOptions(time_limit=30, workers=1, seed=1, engine="lns", iterations=12))
    assert result.iterations == 12 and 0 < result.local_runs < 12
    assert judge(problem, result.schedule, config).total == result.objective  # type: ignore[arg-type]
