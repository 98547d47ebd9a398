"""The foundation's hard rules: for each, a case where it holds and one where it is violated.

"Holds": the solver must pick the only placement that respects it, and the judge agrees.
"Violated": the judge reports a hand-made violating schedule with the exact amount, and when no schedule can
respect the rule the solver says so (infeasible) naming the session.
"""

from pathlib import Path

from solver.config import Config, default_config
from solver.engine import Result, SolveOptions, Status, solve
from solver.inputs import Problem, load_problem
from solver.judge import judge
from solver.schedule import Assignment, Schedule
from tests.conftest import config_with, make_conference

DAY = "2027-05-13"
TWO_ROOMS = [{"room_id": "BIG", "name": "Big", "capacity": 100, "features": "projecteur"},
             {"room_id": "SMALL", "name": "Small", "capacity": 20}]
TWO_SLOTS = [{"slot_id": "AM", "day": DAY, "start": "9h", "end": "10h"},
             {"slot_id": "PM", "day": DAY, "start": "14h", "end": "15h"}]


def _solve(problem: Problem, config: Config | None = None) -> Result:
    result = solve(problem, config or default_config(), SolveOptions(time_limit=10, workers=1))
    if result.schedule is not None:
        verdict = judge(problem, result.schedule, config or default_config())
        assert verdict.ok, [v.message for v in verdict.hard]
    return result


def _placed(result: Result) -> dict[str, tuple[str, str]]:
    assert result.schedule is not None, result.reasons
    return {a.session_id: (a.room_id, a.slot_id) for a in result.schedule.assignments}


def _judge(problem: Problem, rows: list[tuple[str, str, str]], config: Config | None = None):
    return judge(problem, Schedule(tuple(Assignment(*r) for r in rows)), config or default_config())


def _amounts(verdict, rule: str) -> list[int]:
    return [v.amount for v in verdict.hard + verdict.soft if v.rule == rule]


# -- room_capacity -------------------------------------------------------------------------------------------
def test_room_capacity_holds(tmp_path: Path) -> None:
    p = load_problem(make_conference(tmp_path, rooms=TWO_ROOMS, slots=TWO_SLOTS[:1],
                                     sessions=[{"session_id": "S", "title": "t", "attendance": 60}]))
    assert _placed(_solve(p)) == {"S": ("BIG", "AM")}


def test_room_capacity_violated(tmp_path: Path) -> None:
    p = load_problem(make_conference(tmp_path, rooms=TWO_ROOMS[1:], slots=TWO_SLOTS[:1],
                                     sessions=[{"session_id": "S", "title": "t", "attendance": 60}]))
    assert _amounts(_judge(p, [("S", "SMALL", "AM")]), "room_capacity") == [40]
    result = _solve(p)
    assert result.status is Status.INFEASIBLE and "S" in result.reasons[0] and "seats 20" in result.reasons[0]


def test_room_capacity_soft_pays_each_seat_short(tmp_path: Path) -> None:
    p = load_problem(make_conference(tmp_path, rooms=TWO_ROOMS[1:], slots=TWO_SLOTS[:1],
                                     sessions=[{"session_id": "S", "title": "t", "attendance": 60}]))
    config = config_with(tmp_path, "room_capacity: {hard: false, weight: 3}")
    result = _solve(p, config)
    assert result.status is Status.OPTIMAL and result.penalties["room_capacity"] == 3 * 40


# -- room_features ---------------------------------------------------------------------------------------------
def test_room_features_holds(tmp_path: Path) -> None:
    p = load_problem(make_conference(tmp_path, rooms=TWO_ROOMS, slots=TWO_SLOTS[:1],
                                     sessions=[{"session_id": "S", "title": "t", "attendance": 5,
                                                "requires": "projecteur"}]))
    assert _placed(_solve(p)) == {"S": ("BIG", "AM")}  # capacity_fit alone would pick SMALL


def test_room_features_violated(tmp_path: Path) -> None:
    p = load_problem(make_conference(tmp_path, rooms=TWO_ROOMS, slots=TWO_SLOTS[:1],
                                     sessions=[{"session_id": "S", "title": "t", "attendance": 5,
                                                "requires": "projecteur;micro"}]))
    assert _amounts(_judge(p, [("S", "SMALL", "AM")]), "room_features") == [2]
    result = _solve(p)
    assert result.status is Status.INFEASIBLE and "requires" in result.reasons[0]


# -- slot_kind -------------------------------------------------------------------------------------------------
def test_slot_kind_holds_both_ways(tmp_path: Path) -> None:
    slots = [{**TWO_SLOTS[0], "kind": "atelier"}, TWO_SLOTS[1]]
    p = load_problem(make_conference(tmp_path, rooms=TWO_ROOMS[:1], slots=slots, sessions=[
        {"session_id": "W", "title": "w", "attendance": 5, "kind": "atelier"},
        {"session_id": "T", "title": "t", "attendance": 5},
    ]))
    assert _placed(_solve(p)) == {"W": ("BIG", "AM"), "T": ("BIG", "PM")}


def test_slot_kind_violated(tmp_path: Path) -> None:
    slots = [{**TWO_SLOTS[0], "kind": "atelier"}]
    p = load_problem(make_conference(tmp_path, rooms=TWO_ROOMS[:1], slots=slots,
                                     sessions=[{"session_id": "T", "title": "t", "attendance": 5}]))
    assert _amounts(_judge(p, [("T", "BIG", "AM")]), "slot_kind") == [1]
    assert _solve(p).status is Status.INFEASIBLE


# -- pins ------------------------------------------------------------------------------------------------------
def test_pins_hold(tmp_path: Path) -> None:
    p = load_problem(make_conference(tmp_path, rooms=TWO_ROOMS, slots=TWO_SLOTS, sessions=[
        {"session_id": "S", "title": "t", "attendance": 5, "room": "BIG", "slot": "PM"}]))
    assert _placed(_solve(p)) == {"S": ("BIG", "PM")}


def test_pins_violated(tmp_path: Path) -> None:
    p = load_problem(make_conference(tmp_path, rooms=TWO_ROOMS, slots=TWO_SLOTS, sessions=[
        {"session_id": "S", "title": "t", "attendance": 50, "room": "SMALL"}]))
    assert _amounts(_judge(p, [("S", "BIG", "AM")]), "pins") == [1]
    assert _solve(p).status is Status.INFEASIBLE  # pinned to a room that is too small


# -- speaker_availability ----------------------------------------------------------------------------------------
def test_speaker_availability_holds(tmp_path: Path) -> None:
    p = load_problem(make_conference(tmp_path, rooms=TWO_ROOMS[:1], slots=TWO_SLOTS,
                                     sessions=[{"session_id": "S", "title": "t", "attendance": 5, "speakers": "ana"}],
                                     unavailability=[{"who": "ana", "day": DAY, "start": "8h", "end": "12h"}]))
    assert _placed(_solve(p)) == {"S": ("BIG", "PM")}


def test_speaker_availability_violated(tmp_path: Path) -> None:
    p = load_problem(make_conference(tmp_path, rooms=TWO_ROOMS[:1], slots=TWO_SLOTS,
                                     sessions=[{"session_id": "S", "title": "t", "attendance": 5, "speakers": "ana"}],
                                     unavailability=[{"who": "ana", "day": DAY, "note": "en congé"}]))
    verdict = _judge(p, [("S", "BIG", "AM")])
    assert _amounts(verdict, "speaker_availability") == [1]
    assert "Ana" in verdict.hard[0].message and "all day (en congé)" in verdict.hard[0].message
    result = _solve(p)
    assert result.status is Status.INFEASIBLE and "Ana" in result.reasons[0]


# -- room_closures -----------------------------------------------------------------------------------------------
def test_room_closures_hold(tmp_path: Path) -> None:
    p = load_problem(make_conference(tmp_path, rooms=TWO_ROOMS, slots=TWO_SLOTS[:1],
                                     sessions=[{"session_id": "S", "title": "t", "attendance": 5}],
                                     unavailability=[{"who": "SMALL", "day": DAY, "start": "8h30", "end": "9h15"}]))
    assert _placed(_solve(p)) == {"S": ("BIG", "AM")}


def test_room_closures_violated(tmp_path: Path) -> None:
    p = load_problem(make_conference(tmp_path, rooms=TWO_ROOMS[:1], slots=TWO_SLOTS[:1],
                                     sessions=[{"session_id": "S", "title": "t", "attendance": 5}],
                                     unavailability=[{"who": "BIG", "day": DAY}]))
    assert _amounts(_judge(p, [("S", "BIG", "AM")]), "room_closures") == [1]
    result = _solve(p)
    assert result.status is Status.INFEASIBLE and "closed" in result.reasons[0]


# -- room_conflict -----------------------------------------------------------------------------------------------
def test_room_conflict_holds(tmp_path: Path) -> None:
    p = load_problem(make_conference(tmp_path, rooms=TWO_ROOMS[:1], slots=TWO_SLOTS, sessions=[
        {"session_id": "A", "title": "a", "attendance": 5}, {"session_id": "B", "title": "b", "attendance": 5}]))
    placed = _placed(_solve(p))
    assert {placed["A"][1], placed["B"][1]} == {"AM", "PM"}


def test_room_conflict_violated_by_clock_overlap_not_slot_ids(tmp_path: Path) -> None:
    """Two different slots whose clock times overlap (9h–10h and 9h30–10h30) clash in one room."""
    slots = [TWO_SLOTS[0], {"slot_id": "AM2", "day": DAY, "start": "9h30", "end": "10h30"}]
    p = load_problem(make_conference(tmp_path, rooms=TWO_ROOMS[:1], slots=slots, sessions=[
        {"session_id": "A", "title": "a", "attendance": 5}, {"session_id": "B", "title": "b", "attendance": 5}]))
    verdict = _judge(p, [("A", "BIG", "AM"), ("B", "BIG", "AM2")])
    assert _amounts(verdict, "room_conflict") == [1]
    assert "Big holds 2 sessions at once on May 13, 9:30\u00a0AM" in verdict.hard[0].message
    assert _solve(p).status is Status.INFEASIBLE


# -- speaker_conflict --------------------------------------------------------------------------------------------
def test_speaker_conflict_holds(tmp_path: Path) -> None:
    p = load_problem(make_conference(tmp_path, rooms=TWO_ROOMS, slots=TWO_SLOTS, sessions=[
        {"session_id": "A", "title": "a", "attendance": 5, "speakers": "ana"},
        {"session_id": "B", "title": "b", "attendance": 5, "speakers": "ana;bo"}]))
    placed = _placed(_solve(p))
    assert placed["A"][1] != placed["B"][1]


def test_speaker_conflict_violated(tmp_path: Path) -> None:
    p = load_problem(make_conference(tmp_path, rooms=TWO_ROOMS, slots=TWO_SLOTS[:1], sessions=[
        {"session_id": "A", "title": "a", "attendance": 5, "speakers": "ana"},
        {"session_id": "B", "title": "b", "attendance": 5, "speakers": "ana"}]))
    verdict = _judge(p, [("A", "BIG", "AM"), ("B", "SMALL", "AM")])
    assert _amounts(verdict, "speaker_conflict") == [1] and "Ana is in 2 sessions at once" in verdict.hard[0].message
    assert _solve(p).status is Status.INFEASIBLE
    soft = config_with(tmp_path, "speaker_conflict: {hard: false, weight: 7}")
    result = _solve(p, soft)
    assert result.status is Status.OPTIMAL and result.penalties["speaker_conflict"] == 7


# -- length: consecutive slots of one day ---------------------------------------------------------------------------
def test_two_slot_session_occupies_the_next_slot_in_time_order(tmp_path: Path) -> None:
    slots = [{"slot_id": "Z-late", "day": DAY, "start": "10h", "end": "11h"},
             {"slot_id": "A-early", "day": DAY, "start": "9h", "end": "10h"}]
    p = load_problem(make_conference(tmp_path, rooms=TWO_ROOMS[:1], slots=slots, sessions=[
        {"session_id": "W", "title": "w", "attendance": 5, "length": 2},
        {"session_id": "T", "title": "t", "attendance": 5}]))
    assert _solve(p).status is Status.INFEASIBLE  # one room, W needs both slots
    p2 = load_problem(make_conference(tmp_path / "two", rooms=TWO_ROOMS, slots=slots, sessions=[
        {"session_id": "W", "title": "w", "attendance": 5, "length": 2}]))
    assert _placed(_solve(p2))["W"][1] == "A-early"
    verdict = _judge(p2, [("W", "SMALL", "Z-late")])
    assert not verdict.ok and "the day ends first (May 13)" in verdict.hard[0].message


# -- speaker_needs ---------------------------------------------------------------------------------------------------
def test_speaker_needs_hold(tmp_path: Path) -> None:
    rooms = [{**TWO_ROOMS[0], "features": "projecteur;accessible"}, TWO_ROOMS[1]]
    p = load_problem(make_conference(tmp_path, rooms=rooms, slots=TWO_SLOTS[:1],
                                     sessions=[{"session_id": "S", "title": "t", "attendance": 5, "speakers": "ana"}],
                                     speakers=[{"speaker_id": "ana", "name": "Ana", "needs": "accessible"}]))
    assert _placed(_solve(p)) == {"S": ("BIG", "AM")}  # capacity_fit alone would pick SMALL


def test_speaker_needs_violated(tmp_path: Path) -> None:
    p = load_problem(make_conference(tmp_path, rooms=TWO_ROOMS, slots=TWO_SLOTS[:1],
                                     sessions=[{"session_id": "S", "title": "t", "attendance": 5, "speakers": "ana"}],
                                     speakers=[{"speaker_id": "ana", "name": "Ana", "needs": "accessible;micro"}]))
    verdict = _judge(p, [("S", "SMALL", "AM")])
    assert _amounts(verdict, "speaker_needs") == [2]
    assert "Ana needs accessible and micro, which Small (S) lacks" in verdict.hard[0].message
    result = _solve(p)
    assert result.status is Status.INFEASIBLE
