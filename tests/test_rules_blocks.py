"""The rules of block-based conferences (slots.csv `block`): for each, a hand-made schedule where it holds
(penalty 0) and one where it is broken with the exact penalty, scored by the judge; then the same schedules
priced by the model (CP-SAT with every placement fixed), which must agree with the judge."""

from pathlib import Path

import pytest
from ortools.sat.python import cp_model

from solver.config import Config
from solver.engine.model import build_model
from solver.errors import InputError
from solver.explain import explain
from solver.inputs import Problem, load_problem
from solver.judge import judge
from solver.rules import block_plan, block_room_track
from solver.schedule import Assignment, Schedule
from tests.conftest import config_with, make_conference, write_csv

DAY = "2027-05-13"
ROOMS = [{"room_id": r, "name": f"Room {r}", "capacity": 50} for r in ("R1", "R2", "R3")]
# blocks B1 (9h–10h), B2 (10h30–11h30) and B3 (13h–14h), two slots each
SLOTS = [{"slot_id": f"{b}-{k}", "day": DAY, "start": f"{h}:{'00' if k == 1 else '30'}",
          "end": f"{h if k == 1 else h + 1}:{'30' if k == 1 else '00'}", "block": b}
         for b, h in (("B1", 9), ("B2", 10), ("B3", 13)) for k in (1, 2)]
SLOTS[2:4] = [{"slot_id": "B2-1", "day": DAY, "start": "10:30", "end": "11:00", "block": "B2"},
              {"slot_id": "B2-2", "day": DAY, "start": "11:00", "end": "11:30", "block": "B2"}]

Rows = list[tuple[str, str, str]]


def _session(sid: str, track: str = "", **extra: object) -> dict:
    return {"session_id": sid, "title": sid, "attendance": 10, "track": track, **extra}


def _problem(tmp_path: Path, sessions: list[dict], **files: list[dict]) -> Problem:
    folder = make_conference(tmp_path / "in", rooms=ROOMS, slots=SLOTS, sessions=sessions)
    for name, rows in files.items():
        write_csv(folder / f"{name}.csv", rows)
    return load_problem(folder)


def _config(tmp_path: Path, rule: str, settings: str = "") -> Config:
    return config_with(tmp_path, f"{rule}: {{enabled: true, hard: false, weight: 3{settings}}}\n"
                                 "capacity_fit: false\nspeaker_conflict: false\n")


def _judged(problem: Problem, rows: Rows, config: Config, rule: str) -> int:
    verdict = judge(problem, Schedule(tuple(Assignment(*r) for r in rows)), config)
    assert verdict.ok, [v.message for v in verdict.hard]
    return verdict.penalties.get(rule, 0)


def _modelled(problem: Problem, rows: Rows, config: Config, rule: str) -> int:
    """The rule's terms in the model where every session is fixed to its row."""
    built = build_model(problem, config, only={s: [(r, t)] for s, r, t in rows}, fixed=[s for s, _, _ in rows])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(built.cp) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return sum(p.weight * (p.expr if isinstance(p.expr, int) else int(solver.value(p.expr)))
               for p in built.penalties if p.rule == rule)


def _pair(problem: Problem, config: Config, rule: str, good: Rows, bad: Rows, penalty: int) -> None:
    """`good` costs nothing, `bad` costs exactly `penalty`, for the judge and for the model."""
    assert _judged(problem, good, config, rule) == 0
    assert _judged(problem, bad, config, rule) == penalty
    assert _modelled(problem, good, config, rule) == 0
    assert _modelled(problem, bad, config, rule) == penalty


def test_within_block(tmp_path: Path) -> None:
    p = _problem(tmp_path, [_session("W", length=2)])
    config = config_with(tmp_path, "capacity_fit: false\n")
    assert judge(p, Schedule((Assignment("W", "R1", "B1-1"),)), config).ok
    crossing = judge(p, Schedule((Assignment("W", "R1", "B1-2"),)), config)
    assert [v.rule for v in crossing.hard] == ["within_block"]
    built = build_model(p, config)
    assert {k[2] for k in built.placements} == {"B1-1", "B2-1", "B3-1"}  # never across a boundary


def test_block_room_track(tmp_path: Path) -> None:
    p = _problem(tmp_path, [_session("A1", "A"), _session("A2", "A"), _session("B1", "B")])
    c = _config(tmp_path, "block_room_track")
    _pair(p, c, "block_room_track", [("A1", "R1", "B1-1"), ("A2", "R1", "B1-2"), ("B1", "R2", "B1-1")],
          [("A1", "R1", "B1-1"), ("B1", "R1", "B1-2"), ("A2", "R2", "B1-1")], 3)


def test_track_block_penalty(tmp_path: Path) -> None:
    p = _problem(tmp_path, [_session("A1", "A"), _session("A2", "A")],
                 penalties=[{"kind": "track_block", "a": "A", "b": "B2", "penalty": 7}])
    c = _config(tmp_path, "track_block_penalty")
    # in B2 in two rooms: the block's cost twice
    _pair(p, c, "track_block_penalty", [("A1", "R1", "B1-1"), ("A2", "R1", "B1-2")],
          [("A1", "R1", "B2-1"), ("A2", "R2", "B2-2")], 3 * 7 * 2)


def test_track_room_penalty(tmp_path: Path) -> None:
    p = _problem(tmp_path, [_session("A1", "A"), _session("A2", "A"), _session("A3", "A")],
                 penalties=[{"kind": "track_room", "a": "A", "b": "R2", "penalty": 5}])
    c = _config(tmp_path, "track_room_penalty")
    # two blocks in R2 (one of them with two sessions): twice the cost
    _pair(p, c, "track_room_penalty", [("A1", "R1", "B1-1"), ("A2", "R1", "B1-2"), ("A3", "R3", "B2-1")],
          [("A1", "R2", "B1-1"), ("A2", "R2", "B1-2"), ("A3", "R2", "B3-1")], 3 * 5 * 2)


def test_block_room_penalty(tmp_path: Path) -> None:
    p = _problem(tmp_path, [_session("S1"), _session("S2")],
                 penalties=[{"kind": "block_room", "a": "B3", "b": "R3", "penalty": 4}])
    c = _config(tmp_path, "block_room_penalty")
    _pair(p, c, "block_room_penalty", [("S1", "R3", "B1-1"), ("S2", "R1", "B3-1")],
          [("S1", "R3", "B3-1"), ("S2", "R3", "B3-2")], 3 * 4)


def test_session_block_penalty(tmp_path: Path) -> None:
    p = _problem(tmp_path, [_session("L", length=2), _session("S")],
                 penalties=[{"kind": "session_block", "a": "L", "b": "B2", "penalty": 6},
                            {"kind": "session_block", "a": "S", "b": "B2", "penalty": 1}])
    c = _config(tmp_path, "session_block_penalty")
    # per slot used: L's two slots in B2 cost twice
    _pair(p, c, "session_block_penalty", [("L", "R1", "B1-1"), ("S", "R1", "B3-1")],
          [("L", "R1", "B2-1"), ("S", "R2", "B2-2")], 3 * (6 * 2 + 1))


def test_session_room_penalty(tmp_path: Path) -> None:
    p = _problem(tmp_path, [_session("L", length=2)],
                 penalties=[{"kind": "session_room", "a": "L", "b": "R2", "penalty": 2}])
    c = _config(tmp_path, "session_room_penalty")
    _pair(p, c, "session_room_penalty", [("L", "R1", "B1-1")], [("L", "R2", "B3-1")], 3 * 2 * 2)


def test_similar_tracks(tmp_path: Path) -> None:
    p = _problem(tmp_path, [_session("A1", "A"), _session("A2", "A"), _session("B1", "B"), _session("C1", "C")],
                 penalties=[{"kind": "similar_tracks", "a": "B", "b": "A", "penalty": 10}])
    c = _config(tmp_path, "similar_tracks")
    # A in two rooms of B1 beside B: two pairs of rooms
    _pair(p, c, "similar_tracks", [("A1", "R1", "B1-1"), ("A2", "R1", "B1-2"), ("B1", "R2", "B2-1"),
                                   ("C1", "R2", "B1-1")],
          [("A1", "R1", "B1-1"), ("A2", "R3", "B1-2"), ("B1", "R2", "B1-1"), ("C1", "R1", "B2-1")], 3 * 10 * 2)


def test_track_hopping(tmp_path: Path) -> None:
    p = _problem(tmp_path, [_session("A1", "A"), _session("A2", "A"), _session("A3", "A")])
    c = _config(tmp_path, "track_hopping", ", multiplier: 2")
    _pair(p, c, "track_hopping", [("A1", "R2", "B1-1"), ("A2", "R2", "B2-1"), ("A3", "R2", "B3-1")],
          [("A1", "R1", "B1-1"), ("A2", "R2", "B2-1"), ("A3", "R3", "B3-1")], 3 * 2 * 2)


def test_track_block_rooms(tmp_path: Path) -> None:
    p = _problem(tmp_path, [_session("A1", "A"), _session("A2", "A"), _session("A3", "A")])
    c = _config(tmp_path, "track_block_rooms")
    _pair(p, c, "track_block_rooms", [("A1", "R1", "B1-1"), ("A2", "R1", "B1-2"), ("A3", "R2", "B2-1")],
          [("A1", "R1", "B1-1"), ("A2", "R2", "B1-2"), ("A3", "R3", "B1-1")], 3 * 2)


def test_track_consecutive(tmp_path: Path) -> None:
    p = _problem(tmp_path, [_session("A1", "A"), _session("A2", "A"), _session("B1", "B"), _session("B2", "B")])
    c = _config(tmp_path, "track_consecutive")
    _pair(p, c, "track_consecutive", [("A1", "R1", "B1-1"), ("A2", "R1", "B2-1"), ("B1", "R2", "B3-1"),
                                      ("B2", "R2", "B3-2")],
          [("A1", "R1", "B1-1"), ("A2", "R1", "B3-1"), ("B1", "R2", "B2-1"), ("B2", "R2", "B3-2")], 3)


def test_track_position(tmp_path: Path) -> None:
    p = _problem(tmp_path, [_session("A1", "A", position=1), _session("A2", "A", position=2),
                            _session("A3", "A"), _session("A4", "A", position=4)])
    c = _config(tmp_path, "track_position")
    _pair(p, c, "track_position", [("A1", "R1", "B1-1"), ("A2", "R1", "B1-2"), ("A3", "R1", "B2-1"),
                                   ("A4", "R1", "B2-2")],
          # A1 and A2 at the same slot (1 pair); counted block, room, start: A2, A1, A4, A3 → A1, A2, A4 misplaced
          [("A1", "R2", "B1-1"), ("A2", "R1", "B1-1"), ("A3", "R1", "B3-1"), ("A4", "R1", "B2-1")], 3 * (1 + 3))
    # a weight above 10,000 (the library's 1,000,000 for the order in GECCO22-23) as weight × multiplier
    c = _config(tmp_path, "track_position", ", multiplier: 5")
    _pair(p, c, "track_position", [("A1", "R1", "B1-1"), ("A2", "R1", "B1-2"), ("A3", "R1", "B2-1"),
                                   ("A4", "R1", "B2-2")],
          [("A1", "R2", "B1-1"), ("A2", "R1", "B1-1"), ("A3", "R1", "B3-1"), ("A4", "R1", "B2-1")], 3 * 5 * (1 + 3))


def test_presenter_timezone(tmp_path: Path) -> None:
    p = _problem(tmp_path, [_session("T", timezone="GMT+9")])
    c = _config(tmp_path, "presenter_timezone", ", timezone: GMT+0, span: block, less_suitable: 1, unsuitable: 10")
    # 9h–10h at GMT+0 is 18h–19h in Tokyo: suitable. 13h–14h is 22h–23h: ends after 21h30, less suitable.
    _pair(p, c, "presenter_timezone", [("T", "R1", "B1-2")], [("T", "R1", "B3-1")], 3 * 1)
    scaled = _config(tmp_path, "presenter_timezone", ", timezone: GMT+0, span: block, less_suitable: 1, "
                                                     "unsuitable: 10, multiplier: 7")
    _pair(p, scaled, "presenter_timezone", [("T", "R1", "B1-2")], [("T", "R1", "B3-1")], 3 * 7 * 1)
    late = _config(tmp_path, "presenter_timezone", ", timezone: GMT-3, span: slot")
    # 13h–13h30 at GMT−3 is 01h–01h30 in Tokyo: unsuitable
    assert _judged(p, [("T", "R1", "B3-1")], late, "presenter_timezone") == 3 * 10
    assert _modelled(p, [("T", "R1", "B3-1")], late, "presenter_timezone") == 3 * 10


@pytest.mark.parametrize("per", ["block", "slot"])
def test_presenter_conflicts(tmp_path: Path, per: str) -> None:
    p = _problem(tmp_path, [_session("S1", "A", speakers="ana"), _session("S2", "B", speakers="ana"),
                            _session("S3", "C", speakers="bo")], tracks=[{"track": "C", "chairs": "ana"}])
    rule = f"presenter_{per}_conflicts"
    c = _config(tmp_path, rule)
    # ana presents S1 and S2, and chairs track C (S3)
    good = [("S1", "R1", "B1-1"), ("S2", "R1", "B1-2"), ("S3", "R2", "B2-1")]
    if per == "block":  # one block, three rooms: three pairs
        _pair(p, c, rule, good, [("S1", "R1", "B1-1"), ("S2", "R2", "B1-2"), ("S3", "R3", "B1-2")], 3 * 3)
    else:  # one slot: S2 and S3 together
        _pair(p, c, rule, good, [("S1", "R1", "B1-1"), ("S2", "R2", "B1-2"), ("S3", "R3", "B1-2")], 3 * 1)


@pytest.mark.parametrize("per", ["block", "slot"])
def test_attendee_conflicts_per_block_or_slot(tmp_path: Path, per: str) -> None:
    p = _problem(tmp_path, [_session("S1", "A"), _session("S2", "B", speakers="zoe"), _session("S3", "C")],
                 interests=[{"attendee_id": "max", "session_id": "S1"}, {"attendee_id": "max", "session_id": "S3"},
                            {"attendee_id": "zoe", "session_id": "S1"}])
    rule = f"attendee_{per}_conflicts"
    c = _config(tmp_path, rule)
    # pairs: S1–S3 (max wants both), S1–S2 (zoe attends S1, presents S2)
    good = [("S1", "R1", "B1-1"), ("S2", "R1", "B2-1"), ("S3", "R1", "B3-1")]
    bad = [("S1", "R1", "B1-1"), ("S2", "R2", "B1-1"), ("S3", "R3", "B1-2")]
    _pair(p, c, rule, good, bad, 3 * (2 if per == "block" else 1))


def test_chair_conflicts(tmp_path: Path) -> None:
    p = _problem(tmp_path, [_session("A1", "A"), _session("A2", "A"), _session("B1", "B"), _session("C1", "C")],
                 tracks=[{"track": "A", "chairs": "eve"}, {"track": "B", "chairs": "eve;bo"},
                         {"track": "C", "chairs": "kim"}])
    c = _config(tmp_path, "chair_conflicts")
    # A in two rooms of B1 beside B: two pairs of rooms
    _pair(p, c, "chair_conflicts", [("A1", "R1", "B1-1"), ("A2", "R1", "B1-2"), ("B1", "R1", "B2-1"),
                                    ("C1", "R2", "B1-1")],
          [("A1", "R1", "B1-1"), ("A2", "R3", "B1-2"), ("B1", "R2", "B1-1"), ("C1", "R1", "B2-1")], 3 * 2)


def test_penalty_tables_name_what_exists(tmp_path: Path) -> None:
    folder = make_conference(tmp_path / "in", rooms=ROOMS, slots=SLOTS, sessions=[_session("S", "A")])
    write_csv(folder / "penalties.csv", [{"kind": "room_day", "a": "R1", "b": "B1", "penalty": 1}])
    with pytest.raises(InputError, match=r"penalties\.csv:2: kind: must be one of track_block"):
        load_problem(folder)
    write_csv(folder / "penalties.csv", [{"kind": "track_block", "a": "A", "b": "B9", "penalty": 1},
                                         {"kind": "track_block", "a": "A", "b": "B1", "penalty": 1},
                                         {"kind": "track_block", "a": "A", "b": "B1", "penalty": 2}])
    with pytest.raises(InputError) as caught:
        load_problem(folder)
    assert [str(i) for i in caught.value.issues] == [
        "penalties.csv:2: b: 'B9' is not a block of slots.csv (track_block)",
        "penalties.csv:4: b: the same cell again (first on row 3)"]


def test_explain_names_the_room_and_block(tmp_path: Path) -> None:
    """Two tracks, one room, one block: the core reads as block_room_track's own sentence."""
    p = load_problem(make_conference(tmp_path / "in", rooms=ROOMS[:1], slots=SLOTS[:2],
                                     sessions=[_session("A1", "A"), _session("B1", "B")]))
    why = explain(p, config_with(tmp_path, "block_room_track: {enabled: true, hard: true}\ncapacity_fit: false\n"))
    assert why.method == "core"
    assert [f.sentence for f in why.findings if f.rule == "block_room_track"] == ["Room R1 hosts one track in block B1"]


def test_block_room_track_start_keeps_one_track_per_room_and_block(tmp_path: Path) -> None:
    """The start offered to engines deals each track its own room-blocks, cheapest in the penalty tables first."""
    p = _problem(tmp_path, [_session("A1", "A"), _session("A2", "A"), _session("A3", "A"), _session("B1", "B"),
                            _session("L", "B", length=2)],
                 penalties=[{"kind": "track_block", "a": "A", "b": "B1", "penalty": 50}])
    start = block_room_track.start(p, block_room_track.Params())
    assert set(start) == {"A1", "A2", "A3", "B1", "L"}
    placed = {(p.block_of(p.slot[slot]), room): set() for room, slot in start.values()}
    for sid, (room, slot) in start.items():
        placed[(p.block_of(p.slot[slot]), room)].add(p.session[sid].track)
    assert all(len(tracks) == 1 for tracks in placed.values())
    assert not any(block == "B1" and tracks == {"A"} for (block, _), tracks in placed.items())
    c = _config(tmp_path, "block_room_track")
    assert _judged(p, [(s, r, t) for s, (r, t) in start.items()], c, "block_room_track") == 0
    # weights scale the tables: at weight 0 the table is as good as absent
    plain = _problem(tmp_path / "plain", [_session("A1", "A"), _session("A2", "A"), _session("A3", "A"),
                                          _session("B1", "B"), _session("L", "B", length=2)])
    unweighted = block_room_track.start(p, block_room_track.Params(), {"track_block_penalty": 0})
    assert unweighted == block_room_track.start(plain, block_room_track.Params()) != start


def test_block_room_track_plans_room_blocks_when_given_time_to_think(tmp_path: Path) -> None:
    """With the engine's CP-SAT runner, the start is the block-level plan: every session placed, one track per
    room and block, the track-block table's cost avoided, and a track kept to one room (track_hopping)."""
    from solver.engine.cpsat import thinker

    p = _problem(tmp_path, [_session("A1", "A"), _session("A2", "A"), _session("A3", "A"), _session("B1", "B"),
                            _session("L", "B", length=2)],
                 penalties=[{"kind": "track_block", "a": "A", "b": "B1", "penalty": 50}])
    soft = {"track_block_penalty": (1, block_room_track.Params()), "track_hopping": (1, block_room_track.Params())}
    start = block_room_track.start(p, block_room_track.Params(), soft=soft, solve=thinker(4.0, 0, 1, lambda: False))
    assert set(start) == {"A1", "A2", "A3", "B1", "L"}
    dealt = block_room_track.deal(p, block_room_track.Params(), soft=soft)
    assert start == block_plan.plan(p, {"track_block_penalty": 1, "track_hopping": 1},
                                    thinker(4.0, 0, 1, lambda: False), hint=dealt)  # the plan, not the deal
    placed: dict[tuple[str, str], set[str]] = {}
    for sid, (room, slot) in start.items():
        placed.setdefault((p.block_of(p.slot[slot]), room), set()).add(p.session[sid].track)
    assert all(len(tracks) == 1 for tracks in placed.values())
    assert not any(block == "B1" and tracks == {"A"} for (block, _), tracks in placed.items())
    assert len({room for (_, room), tracks in placed.items() if tracks == {"A"}}) == 1
    c = _config(tmp_path, "block_room_track")
    assert _judged(p, [(s, r, t) for s, (r, t) in start.items()], c, "block_room_track") == 0


def test_the_plan_keeps_to_the_blocks_the_hard_rules_allow_and_the_soft_ones_prefer(tmp_path: Path) -> None:
    """With the engine's block costs (solver.engine.improve.block_costs), the plan sends a session only to blocks
    its hard per-placement rules allow (its speaker is away in B3) and to the cheapest of those for its soft ones
    (a penalty in B2): B1, the one block left, although the penalty table alone would allow B3."""
    from functools import partial

    from solver.engine.candidates import Candidates
    from solver.engine.cpsat import thinker
    from solver.engine.improve import block_costs

    p = _problem(tmp_path, [_session("A1", "A"), _session("A2", "A"), _session("B1", "B", speakers="pia"),
                            _session("B2", "B")],
                 penalties=[{"kind": "session_block", "a": "B1", "b": "B2", "penalty": 50}],
                 unavailability=[{"who": "pia", "day": DAY, "start": "12:30", "end": "15:00"}])
    config = config_with(tmp_path, "session_block_penalty: {enabled: true, hard: false, weight: 1}\n"
                                   "block_room_track: {enabled: true, hard: true}\ncapacity_fit: false\n")
    costs = partial(block_costs, p, Candidates(p, config))
    assert costs("B1") == {"B1": 0, "B2": 50}  # B3: pia is away
    start = block_room_track.start(p, block_room_track.Params(), soft={}, solve=thinker(4.0, 0, 1, lambda: False),
                                   block_costs=costs)
    assert set(start) == {"A1", "A2", "B1", "B2"}
    assert p.block_of(p.slot[start["B1"][1]]) == "B1"
    assert judge(p, Schedule(tuple(Assignment(s, r, t) for s, (r, t) in start.items())), config).ok


def test_the_plan_packs_a_nearly_full_conference(tmp_path: Path) -> None:
    """16 sessions in 5 tracks for 9 room-blocks of two slots (18 places, 8 room-blocks needed): the plan, with
    no start to go on from, packs by counts first (solver.rules.block_plan._packed) and places every session."""
    from solver.engine.cpsat import thinker

    sizes = {"A": 4, "B": 4, "C": 4, "D": 2, "E": 2}
    p = _problem(tmp_path, [_session(f"{t}{k}", t) for t, n in sizes.items() for k in range(n)])
    plan = block_plan.plan(p, {}, thinker(4.0, 0, 1, lambda: False))
    assert len(plan) == 16
    c = _config(tmp_path, "block_room_track")
    assert _judged(p, [(s, r, t) for s, (r, t) in plan.items()], c, "block_room_track") == 0
