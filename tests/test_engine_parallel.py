"""Pricing a change rule by rule, and the partner processes of the neighbourhood search, checked with the judge.

The pricer's change of a few placements equals the judge's difference on the whole schedules; a proposal made
on an older schedule is applied only when it still fits and still lowers the score; a run with partners writes a
valid schedule whose reported objective is the judge's total.
"""

import random

import pytest

from bench.generate import SIZES, Size, generate
from solver.config import load_config
from solver.engine import SolveOptions, solve
from solver.engine.board import Board
from solver.engine.candidates import Candidates
from solver.engine.construct import construct
from solver.engine.delta import Pricer
from solver.engine.lns import Incumbent, LargeNeighbourhoodSearch
from solver.engine.parallel import Partners, available, move
from solver.engine.price import judged, score
from solver.engine.search import changes
from solver.inputs import load_problem
from solver.judge import judge
from solver.schedule import Assignment, Schedule
from tests.test_engine import DEFAULT

WIDE = Size("wide", 100, 12, 2, 7)


def _schedule(chosen: dict) -> Schedule:
    return Schedule(tuple(sorted(Assignment(*k) for k in chosen.values())))


@pytest.fixture(scope="module")
def conference(tmp_path_factory):
    folder = generate(WIDE, 3).write(tmp_path_factory.mktemp("wide-3"))
    problem, config = load_problem(folder), load_config([DEFAULT])
    candidates = Candidates(problem, config)
    board = construct(problem, candidates, config)
    assert len(board.chosen) == len(problem.sessions)
    return problem, config, candidates, board


def _random_change(problem, candidates, board: Board, rng: random.Random, n: int) -> dict | None:
    """A few sessions moved to places left free by the others (hard rules kept by the board); None when one of
    them found no place."""
    chosen = dict(board.chosen)
    moved = rng.sample(sorted(chosen), n)
    for sid in moved:
        board.remove(sid)
    after = dict(chosen)
    for sid in moved:
        opts = candidates.of(problem.session[sid])
        places = [(r, t) for t in opts.runs for r in opts.rooms]
        rng.shuffle(places)
        for room, slot in [*places, chosen[sid][1:]]:
            p, against, _ = opts.pair(problem, room, slot)
            if not against and board.free(p):
                board.place((sid, room, slot), p)
                if after is not None:
                    after[sid] = (sid, room, slot)
                break
        else:
            after = None
    for sid in moved:  # the board as it was
        if sid in board.chosen:
            board.remove(sid)
    for sid in moved:
        key = chosen[sid]
        board.place(key, candidates.of(problem.session[sid]).pair(problem, key[1], key[2])[0])
    return after


def test_a_change_is_priced_as_the_judge_counts_the_whole_schedules(conference) -> None:
    problem, config, candidates, board = conference
    pricer = Pricer(problem, config, candidates)
    rng = random.Random(5)
    before = dict(board.chosen)
    whole_before = judged(problem, config, candidates, before)
    for _ in range(25):
        after = _random_change(problem, candidates, board, rng, rng.randint(1, 6))
        if after is None:
            continue
        changed = {sid for sid in after if after[sid] != before[sid]}
        d_objective, d_score, broken = pricer.delta(before, after, changed)
        whole_after = judged(problem, config, candidates, after)
        assert d_objective == sum(whole_after.values()) - sum(whole_before.values())
        assert d_score == score(config, whole_after) - score(config, whole_before)
        assert not broken
        assert judge(problem, _schedule(after), config).ok


def test_a_change_that_breaks_a_hard_rule_is_flagged(conference) -> None:
    problem, config, candidates, board = conference
    pricer = Pricer(problem, config, candidates)
    before = dict(board.chosen)
    for a in sorted(before):
        for b in sorted(before):
            place, opts = before[a][1:], candidates.of(problem.session[b])
            if a != b and before[b][1:] != place and place[0] in opts.rooms and place[1] in opts.runs \
                    and not opts.pair(problem, *place)[1]:
                after = dict(before)
                after[b] = (b, *place)  # into a's room at a's time: a room double-booked
                assert pricer.delta(before, after, {b})[2]
                return
    pytest.fail("no two sessions could share a place")


def test_a_stale_proposal_is_checked_again_on_the_current_schedule(conference) -> None:
    """Proposals made on an older version: applied when they still fit and lower the score, else refused; the
    board always matches the incumbent."""
    if not available():
        pytest.skip("partner processes need fork (Linux)")
    problem, config, candidates, board = conference
    board = Board(problem, config)
    for sid, key in conference[3].chosen.items():
        board.place(key, candidates.of(problem.session[sid]).pair(problem, key[1], key[2])[0])
    search = LargeNeighbourhoodSearch(problem, config, candidates, seed=1)
    priced = judged(problem, config, candidates, board.chosen)
    incumbent = Incumbent(dict(board.chosen), sum(priced.values()), score(config, priced))
    partners = Partners(search, lambda i: search, board, incumbent, 0, deadline=0.0, stop=lambda: False)
    # proposals made on version 0: improving steps of another search (each from version 0), and random moves
    other = LargeNeighbourhoodSearch(problem, config, candidates, seed=2)
    proposals = []
    for _ in range(12):
        found, better, _ = other.step(incumbent, board, 12, 0.1, lambda: False)
        if better:
            proposals.append({sid: key for sid, key in found.chosen.items() if incumbent.chosen[sid] != key})
            move(search, board, changes(board.chosen, incumbent.chosen))  # back to version 0
    rng = random.Random(11)
    for _ in range(10):
        after = _random_change(problem, candidates, board, rng, 3)
        if after is not None:
            proposals.append({sid: key for sid, key in after.items() if incumbent.chosen[sid] != key})
    assert board.chosen == incumbent.chosen
    partners.version = 3  # the main process has moved on since
    partners.history = {}  # and no partner's whole schedule is known: each proposal stands alone
    kept = refused = 0
    for change in proposals:
        after = {**incumbent.chosen, **change}
        changed = {sid for sid, key in change.items() if incumbent.chosen[sid] != key}
        d_objective, d_score, broken = search.pricer.delta(incumbent.chosen, after, changed)
        # each claims a saving; checked again, the claim is ignored and the true change decides
        result = partners._take(incumbent, board, 0, change, -1, -1)
        if result is None:
            refused += 1
            assert board.chosen == incumbent.chosen
            continue
        kept += 1
        assert d_score < 0 and not broken
        assert result.objective == incumbent.objective + d_objective
        incumbent = result
        assert board.chosen == incumbent.chosen
        assert sum(judged(problem, config, candidates, incumbent.chosen).values()) == incumbent.objective
        assert judge(problem, _schedule(incumbent.chosen), config).ok
    assert kept and refused


def _taking_a_place(problem, candidates, board: Board, change: dict) -> dict | None:
    """The board's schedule with one session not in `change` moved to a place that `change` gives another."""
    for key in change.values():
        if key is None:
            continue
        target = key[1:]
        for sid in sorted(board.chosen):
            opts = candidates.of(problem.session[sid])
            if sid in change or target[0] not in opts.rooms or target[1] not in opts.runs:
                continue
            p, against, _ = opts.pair(problem, *target)
            if against:
                continue
            old = board.remove(sid)
            fits = board.free(p)
            board.place(old, opts.pair(problem, old[1], old[2])[0])
            if fits:
                return {**board.chosen, sid: (sid, *target)}
    return None


def test_a_partner_ahead_has_its_whole_schedule_adopted(conference) -> None:
    """A partner that went on from an older version sends its whole change since: when the main process's own
    schedule has moved meanwhile and scores worse, the partner's schedule is taken whole, priced as the judge
    prices it, and the board follows."""
    if not available():
        pytest.skip("partner processes need fork (Linux)")
    problem, config, candidates, built = conference
    board = Board(problem, config)
    for sid, key in built.chosen.items():
        board.place(key, candidates.of(problem.session[sid]).pair(problem, key[1], key[2])[0])
    search = LargeNeighbourhoodSearch(problem, config, candidates, seed=1)
    priced = judged(problem, config, candidates, board.chosen)
    start = Incumbent(dict(board.chosen), sum(priced.values()), score(config, priced))
    partners = Partners(search, lambda i: search, board, start, 0, deadline=0.0, stop=lambda: False)
    # the partner: several improving steps from version 0
    theirs = start
    other = LargeNeighbourhoodSearch(problem, config, candidates, seed=2)
    for _ in range(8):
        theirs, _, _ = other.step(theirs, board, 12, 0.1, lambda: False)
    assert theirs.score < start.score
    move(search, board, changes(board.chosen, start.chosen))
    # the main process meanwhile (version 1): another session in a place the partner moved one to
    after = _taking_a_place(problem, candidates, board, changes(start.chosen, theirs.chosen))
    assert after is not None, "no session could take a place the partner's change uses"
    mine_priced = judged(problem, config, candidates, after)
    mine = Incumbent(after, sum(mine_priced.values()), score(config, mine_priced))
    move(search, board, changes(board.chosen, mine.chosen))
    partners.kept(mine, changes(start.chosen, mine.chosen))
    assert mine.score > theirs.score
    result = partners._take(mine, board, 0, changes(start.chosen, theirs.chosen), theirs.objective - start.objective,
                            theirs.score - start.score)
    assert result is not None and result.score <= theirs.score
    assert partners.adopted == 1  # the partner's change no longer fits the main process's schedule
    assert board.chosen == result.chosen
    assert sum(judged(problem, config, candidates, result.chosen).values()) == result.objective
    assert judge(problem, _schedule(result.chosen), config).ok


@pytest.mark.skipif(not available(), reason="partner processes need fork (Linux)")
def test_a_run_with_partners_writes_a_valid_schedule_priced_as_the_judge_does(tmp_path) -> None:
    folder = generate(SIZES["M"], 2).write(tmp_path / "m")
    problem, config = load_problem(folder), load_config([DEFAULT])
    result = solve(problem, config, SolveOptions(time_limit=8, workers=2, engine="lns"))
    assert result.schedule is not None and result.workers == 2
    verdict = judge(problem, result.schedule, config)
    assert verdict.ok
    assert result.objective == verdict.total
