"""The catalogue's soft rules: for each, a schedule where it holds (penalty 0), one where it is violated with
the exact penalty, and a case where the solver trades it off while soft but switching it to hard changes the
schedule. Schedules are scored by the judge, not the model."""

from pathlib import Path

import pytest

from solver.config import Config, default_config
from solver.engine import SolveOptions, Status, solve
from solver.errors import InputError
from solver.inputs import Problem, load_problem
from solver.judge import judge
from solver.schedule import Assignment, Schedule
from tests.conftest import config_with, make_conference, write_csv

D1, D2 = "2027-05-13", "2027-05-14"
ROOMS = [{"room_id": "SMALL", "name": "Small", "capacity": 20, "building": "A"},
         {"room_id": "BIG", "name": "Big", "capacity": 100, "building": "A"}]
AM = {"slot_id": "AM", "day": D1, "start": "9h", "end": "10h"}
AM2 = {"slot_id": "AM2", "day": D1, "start": "10h", "end": "11h"}
PM = {"slot_id": "PM", "day": D1, "start": "14h", "end": "15h"}


def _penalty(problem: Problem, rows: list[tuple[str, str, str]], rule: str, config: Config | None = None) -> int:
    verdict = judge(problem, Schedule(tuple(Assignment(*r) for r in rows)), config or default_config())
    return verdict.penalties.get(rule, 0)


def _placed(problem: Problem, config: Config) -> dict[str, tuple[str, str]]:
    result = solve(problem, config, SolveOptions(time_limit=10, workers=1))
    assert result.status is Status.OPTIMAL, result.reasons
    assert judge(problem, result.schedule, config).ok
    return {a.session_id: (a.room_id, a.slot_id) for a in result.schedule.assignments}


def _soft_then_hard(tmp_path: Path, problem: Problem, rule: str) -> tuple[dict, dict]:
    soft = _placed(problem, default_config())
    hard = _placed(problem, config_with(tmp_path, f"{rule}: {{hard: true}}"))
    assert soft != hard
    return soft, hard


def test_capacity_fit(tmp_path: Path) -> None:
    p = load_problem(make_conference(tmp_path, rooms=ROOMS, slots=[AM],
                                     sessions=[{"session_id": "S", "title": "t", "attendance": 15}]))
    assert _penalty(p, [("S", "SMALL", "AM")], "capacity_fit") == 5
    assert _penalty(p, [("S", "BIG", "AM")], "capacity_fit") == 85
    assert _placed(p, default_config()) == {"S": ("SMALL", "AM")}
    with pytest.raises(InputError, match="can only be soft"):
        config_with(tmp_path, "capacity_fit: {hard: true}")


def test_track_room(tmp_path: Path) -> None:
    p = load_problem(make_conference(tmp_path, rooms=ROOMS, slots=[AM, PM], sessions=[
        {"session_id": "S1", "title": "a", "attendance": 20, "track": "Santé"},
        {"session_id": "S2", "title": "b", "attendance": 90, "track": "Santé"}]))
    assert _penalty(p, [("S1", "BIG", "AM"), ("S2", "BIG", "PM")], "track_room") == 0
    assert _penalty(p, [("S1", "SMALL", "AM"), ("S2", "BIG", "PM")], "track_room") == 5  # 1 extra room × 5
    soft, hard = _soft_then_hard(tmp_path, p, "track_room")
    assert soft["S1"][0] == "SMALL" and hard["S1"][0] == "BIG"
    verdict = judge(p, Schedule((Assignment("S1", "SMALL", "AM"), Assignment("S2", "BIG", "PM"))), default_config())
    assert "Track Santé uses 2 rooms on May 13: Small (9:00\u00a0AM), Big (2:00\u00a0PM)" in [
        v.message for v in verdict.soft]


def test_speaker_room(tmp_path: Path) -> None:
    p = load_problem(make_conference(tmp_path, rooms=ROOMS, slots=[AM, PM], sessions=[
        {"session_id": "S1", "title": "a", "attendance": 20, "speakers": "ana"},
        {"session_id": "S2", "title": "b", "attendance": 90, "speakers": "ana"}]))
    assert _penalty(p, [("S1", "BIG", "AM"), ("S2", "BIG", "PM")], "speaker_room") == 0
    assert _penalty(p, [("S1", "SMALL", "AM"), ("S2", "BIG", "PM")], "speaker_room") == 2
    soft, hard = _soft_then_hard(tmp_path, p, "speaker_room")
    assert soft["S1"][0] == "SMALL" and hard["S1"][0] == "BIG"


def test_speaker_days(tmp_path: Path) -> None:
    slots = [AM, PM, {"slot_id": "J2", "day": D2, "start": "9h", "end": "10h"}]
    p = load_problem(make_conference(tmp_path, rooms=ROOMS, slots=slots, sessions=[
        {"session_id": "S1", "title": "a", "attendance": 20, "speakers": "ana"},
        {"session_id": "S2", "title": "b", "attendance": 20, "speakers": "ana"}],
        unavailability=[{"who": "SMALL", "day": D1, "start": "14h", "end": "15h"}]))
    assert _penalty(p, [("S1", "SMALL", "AM"), ("S2", "BIG", "PM")], "speaker_days") == 0
    assert _penalty(p, [("S1", "SMALL", "AM"), ("S2", "SMALL", "J2")], "speaker_days") == 3
    soft, hard = _soft_then_hard(tmp_path, p, "speaker_days")
    assert "J2" in {soft["S1"][1], soft["S2"][1]} and "J2" not in {hard["S1"][1], hard["S2"][1]}


def _parallel_case(tmp_path: Path, **extra: str) -> Problem:
    """S1 and S2 fit the small rooms only in the morning: running them in parallel saves 160 empty seats."""
    rooms = [*ROOMS, {"room_id": "SMALL2", "name": "Small 2", "capacity": 20}]
    closed = [{"who": r, "day": D1, "start": "14h", "end": "15h"} for r in ("SMALL", "SMALL2")]
    return load_problem(make_conference(tmp_path, rooms=rooms, slots=[AM, PM], sessions=[
        {"session_id": "S1", "title": "a", "attendance": 20, **extra},
        {"session_id": "S2", "title": "b", "attendance": 20, **extra}], unavailability=closed))


def test_track_parallel(tmp_path: Path) -> None:
    p = _parallel_case(tmp_path, track="Santé")
    assert _penalty(p, [("S1", "SMALL", "AM"), ("S2", "BIG", "PM")], "track_parallel") == 0
    assert _penalty(p, [("S1", "SMALL", "AM"), ("S2", "SMALL2", "AM")], "track_parallel") == 10
    soft, hard = _soft_then_hard(tmp_path, p, "track_parallel")
    assert soft["S1"][1] == soft["S2"][1] and hard["S1"][1] != hard["S2"][1]


def test_avoid_parallel(tmp_path: Path) -> None:
    p = _parallel_case(tmp_path, tags="ia;climat")
    assert _penalty(p, [("S1", "SMALL", "AM"), ("S2", "BIG", "PM")], "avoid_parallel") == 0
    assert _penalty(p, [("S1", "SMALL", "AM"), ("S2", "SMALL2", "AM")], "avoid_parallel") == 20  # two tags × 10
    soft, hard = _soft_then_hard(tmp_path, p, "avoid_parallel")
    assert soft["S1"][1] == soft["S2"][1] and hard["S1"][1] != hard["S2"][1]


def test_attendee_conflicts(tmp_path: Path) -> None:
    p = _parallel_case(tmp_path)
    write_csv(p.source / "interests.csv", [
        {"attendee_id": "x", "session_id": "S1"}, {"attendee_id": "x", "session_id": "S2"},
        {"attendee_id": "y", "session_id": "S1", "weight": 3}, {"attendee_id": "y", "session_id": "S2", "weight": 5}])
    p = load_problem(p.source)
    assert _penalty(p, [("S1", "SMALL", "AM"), ("S2", "BIG", "PM")], "attendee_conflicts") == 0
    # missed attendance (the default): x and y each miss one session at the one instant both run
    assert _penalty(p, [("S1", "SMALL", "AM"), ("S2", "SMALL2", "AM")], "attendee_conflicts") == 2
    soft, hard = _soft_then_hard(tmp_path, p, "attendee_conflicts")
    assert soft["S1"][1] == soft["S2"][1] and hard["S1"][1] != hard["S2"][1]


def test_attendee_conflicts_by_pairs(tmp_path: Path) -> None:
    """measure: pairs counts each wanted pair once, at the smaller of the attendee's two weights."""
    p = _parallel_case(tmp_path)
    write_csv(p.source / "interests.csv", [
        {"attendee_id": "x", "session_id": "S1"}, {"attendee_id": "x", "session_id": "S2"},
        {"attendee_id": "y", "session_id": "S1", "weight": 3}, {"attendee_id": "y", "session_id": "S2", "weight": 5}])
    p = load_problem(p.source)
    pairs = config_with(tmp_path, "attendee_conflicts:\n  measure: pairs\n")
    assert _penalty(p, [("S1", "SMALL", "AM"), ("S2", "SMALL2", "AM")], "attendee_conflicts", pairs) == 1 + 3
    assert _penalty(p, [("S1", "SMALL", "AM"), ("S2", "BIG", "PM")], "attendee_conflicts", pairs) == 0


def test_speaker_preferences(tmp_path: Path) -> None:
    folder = make_conference(tmp_path, rooms=ROOMS, slots=[AM, PM], sessions=[
        {"session_id": "S1", "title": "a", "attendance": 20, "speakers": "ana"},
        {"session_id": "S2", "title": "b", "attendance": 20, "speakers": "bo"}],
        unavailability=[{"who": "SMALL", "day": D1, "start": "14h", "end": "15h"}])
    write_csv(folder / "preferences.csv", [{"who": "ana", "day": D1, "start": "13h", "end": "17h", "weight": 4},
                                           {"who": "bo", "day": D1, "start": "9h", "end": "10h", "weight": -100}])
    p = load_problem(folder)
    assert _penalty(p, [("S1", "BIG", "PM"), ("S2", "SMALL", "PM")], "speaker_preferences") == 0
    assert _penalty(p, [("S1", "SMALL", "AM"), ("S2", "BIG", "AM")], "speaker_preferences") == 4 + 100
    placed = _placed(p, default_config())
    assert placed["S2"][1] == "PM"  # avoiding the morning is worth 100
    assert placed["S1"] == ("SMALL", "AM")  # ana's wish (4) is worth less than 80 empty seats


def test_speaker_changeover(tmp_path: Path) -> None:
    p = load_problem(make_conference(tmp_path, rooms=ROOMS, slots=[AM, AM2, PM], sessions=[
        {"session_id": "S1", "title": "a", "attendance": 20, "speakers": "ana"},
        {"session_id": "S2", "title": "b", "attendance": 20, "speakers": "ana"}],
        unavailability=[{"who": "SMALL", "day": D1, "start": "14h", "end": "15h"}]))
    assert _penalty(p, [("S1", "SMALL", "AM"), ("S2", "BIG", "PM")], "speaker_changeover") == 0
    assert _penalty(p, [("S1", "SMALL", "AM"), ("S2", "SMALL", "AM2")], "speaker_changeover") == 5
    soft, hard = _soft_then_hard(tmp_path, p, "speaker_changeover")
    assert {soft["S1"][1], soft["S2"][1]} == {"AM", "AM2"} and "PM" in {hard["S1"][1], hard["S2"][1]}
    gap = config_with(tmp_path, "speaker_changeover: {minutes: 0, travel_minutes: 0}")
    assert _penalty(p, [("S1", "SMALL", "AM"), ("S2", "SMALL", "AM2")], "speaker_changeover", gap) == 0


def test_speaker_changeover_across_buildings(tmp_path: Path) -> None:
    rooms = [ROOMS[0], {**ROOMS[1], "building": "B"}]
    gap = {"slot_id": "G", "day": D1, "start": "10h20", "end": "11h"}
    p = load_problem(make_conference(tmp_path, rooms=rooms, slots=[AM, gap], sessions=[
        {"session_id": "S1", "title": "a", "attendance": 20, "speakers": "ana"},
        {"session_id": "S2", "title": "b", "attendance": 20, "speakers": "ana"}]))
    assert _penalty(p, [("S1", "SMALL", "AM"), ("S2", "SMALL", "G")], "speaker_changeover") == 0  # 20 min ≥ 15
    assert _penalty(p, [("S1", "SMALL", "AM"), ("S2", "BIG", "G")], "speaker_changeover") == 5  # 20 min < 30


def test_room_preference(tmp_path: Path) -> None:
    p = load_problem(make_conference(tmp_path, rooms=ROOMS, slots=[AM], sessions=[
        {"session_id": "S", "title": "a", "attendance": 20, "prefers_rooms": "BIG"},
        {"session_id": "T", "title": "b", "attendance": 5, "avoids_rooms": "A"}]))
    assert _penalty(p, [("S", "BIG", "AM"), ("T", "SMALL", "AM")], "room_preference") == 5  # T avoids building A
    assert _penalty(p, [("S", "SMALL", "AM"), ("T", "BIG", "AM")], "room_preference") == 10
    p2 = load_problem(make_conference(tmp_path / "2", rooms=ROOMS, slots=[AM], sessions=[
        {"session_id": "S", "title": "a", "attendance": 20, "prefers_rooms": "BIG"}]))
    soft, hard = _soft_then_hard(tmp_path, p2, "room_preference")
    assert soft == {"S": ("SMALL", "AM")} and hard == {"S": ("BIG", "AM")}


def test_slot_preference(tmp_path: Path) -> None:
    slots = [{**AM, "kind": ""}, {**PM, "label": "Après-midi"}]
    p = load_problem(make_conference(tmp_path, rooms=ROOMS, slots=slots, sessions=[
        {"session_id": "S", "title": "a", "attendance": 20, "prefers_slots": "Après-midi"}],
        unavailability=[{"who": "SMALL", "day": D1, "start": "14h", "end": "15h"}]))
    assert _penalty(p, [("S", "BIG", "PM")], "slot_preference") == 0
    assert _penalty(p, [("S", "SMALL", "AM")], "slot_preference") == 5
    soft, hard = _soft_then_hard(tmp_path, p, "slot_preference")
    assert soft == {"S": ("SMALL", "AM")} and hard == {"S": ("BIG", "PM")}


def test_order(tmp_path: Path) -> None:
    p = load_problem(make_conference(tmp_path, rooms=ROOMS, slots=[AM, PM], sessions=[
        {"session_id": "S1", "title": "a", "attendance": 90},
        {"session_id": "S2", "title": "b", "attendance": 20, "after": "S1"}],
        unavailability=[{"who": "SMALL", "day": D1, "start": "14h", "end": "15h"}]))
    assert _penalty(p, [("S1", "BIG", "AM"), ("S2", "BIG", "PM")], "order") == 0
    assert _penalty(p, [("S1", "BIG", "AM"), ("S2", "SMALL", "AM")], "order") == 20  # parallel: not after
    soft, hard = _soft_then_hard(tmp_path, p, "order")
    assert soft["S2"] == ("SMALL", "AM") and hard == {"S1": ("BIG", "AM"), "S2": ("BIG", "PM")}


def test_language_mix(tmp_path: Path) -> None:
    rooms = [*ROOMS, {"room_id": "MID", "name": "Mid", "capacity": 40}]
    p = load_problem(make_conference(tmp_path, rooms=rooms, slots=[AM, PM], sessions=[
        {"session_id": "S1", "title": "a", "attendance": 20, "language": "fr"},
        {"session_id": "S2", "title": "b", "attendance": 90, "language": "fr"},
        {"session_id": "S3", "title": "c", "attendance": 95, "language": "en", "slot": "PM"}],
        unavailability=[{"who": "SMALL", "day": D1, "start": "14h", "end": "15h"},
                        {"who": "MID", "day": D1, "start": "9h", "end": "10h"}]))
    assert _penalty(p, [("S1", "MID", "PM"), ("S2", "BIG", "AM"), ("S3", "BIG", "PM")], "language_mix") == 0
    assert _penalty(p, [("S1", "SMALL", "AM"), ("S2", "BIG", "AM"), ("S3", "BIG", "PM")], "language_mix") == 2
    soft, hard = _soft_then_hard(tmp_path, p, "language_mix")
    assert soft["S1"] == ("SMALL", "AM") and hard["S1"] == ("MID", "PM")


def test_track_days(tmp_path: Path) -> None:
    slots = [AM, PM, {"slot_id": "J2", "day": D2, "start": "9h", "end": "10h"}]
    p = load_problem(make_conference(tmp_path, rooms=ROOMS, slots=slots, sessions=[
        {"session_id": "S1", "title": "a", "attendance": 20, "track": "Santé"},
        {"session_id": "S2", "title": "b", "attendance": 20, "track": "Santé"}],
        unavailability=[{"who": "SMALL", "day": D1, "start": "14h", "end": "15h"}]))
    assert _penalty(p, [("S1", "SMALL", "AM"), ("S2", "BIG", "PM")], "track_days") == 0
    assert _penalty(p, [("S1", "SMALL", "AM"), ("S2", "SMALL", "J2")], "track_days") == 1
    soft, hard = _soft_then_hard(tmp_path, p, "track_days")
    assert "J2" in {soft["S1"][1], soft["S2"][1]} and "J2" not in {hard["S1"][1], hard["S2"][1]}


def _hops_case(tmp_path: Path, block: str | None = None) -> Problem:
    """Two sessions three attendees want, two rooms, two slots in a row (in one block or not)."""
    rooms = [{"room_id": "R1", "name": "R1", "capacity": 50}, {"room_id": "R2", "name": "R2", "capacity": 50}]
    slots = [{**AM, "block": block or ""}, {**AM2, "block": block or ""}]
    folder = make_conference(tmp_path, rooms=rooms, slots=slots, sessions=[
        {"session_id": "A", "title": "a", "attendance": 3}, {"session_id": "B", "title": "b", "attendance": 3}])
    write_csv(folder / "interests.csv", [{"attendee_id": w, "session_id": s} for w in ("x", "y", "z")
                                         for s in ("A", "B")])
    return load_problem(folder)


def test_attendee_hops_judge_counts_each_attendee_changing_rooms(tmp_path: Path) -> None:
    p = _hops_case(tmp_path)
    assert _penalty(p, [("A", "R1", "AM"), ("B", "R2", "AM2")], "attendee_hops") == 3
    assert _penalty(p, [("A", "R1", "AM"), ("B", "R1", "AM2")], "attendee_hops") == 0
    assert _penalty(p, [("B", "R1", "AM"), ("A", "R2", "AM2")], "attendee_hops") == 3
    blocks = _hops_case(tmp_path / "b", block="morning")
    assert _penalty(blocks, [("A", "R1", "AM"), ("B", "R2", "AM2")], "attendee_hops") == 3


def test_attendee_hops_model_keeps_a_row_of_wanted_sessions_in_one_room(tmp_path: Path) -> None:
    """The schedule without missed attendance or hops puts A and B one after the other in one room: the solver
    finds it, and its objective is the judge's."""
    p = _hops_case(tmp_path)
    config = default_config().with_settings("capacity_fit", enabled=False)
    result = solve(p, config, SolveOptions(time_limit=10, workers=1))
    assert result.status is Status.OPTIMAL and result.objective == 0
    verdict = judge(p, result.schedule, config)
    assert verdict.ok and verdict.penalties.get("attendee_hops", 0) == 0
    placed = {a.session_id: (a.room_id, a.slot_id) for a in result.schedule.assignments}
    assert placed["A"][1] != placed["B"][1]  # missed attendance 0
    assert placed["A"][0] == placed["B"][0]  # no hop


def test_attendee_hops_within_a_block_counts_every_wanted_pair_in_two_rooms(tmp_path: Path) -> None:
    """within: block: A and B wanted together in one block cost a hop in two rooms even when not in a row; the
    model keeps them in one room, and its objective is the judge's."""
    rooms = [{"room_id": "R1", "name": "R1", "capacity": 50}, {"room_id": "R2", "name": "R2", "capacity": 50}]
    slots = [{**AM, "block": "m"}, {"slot_id": "MID", "day": D1, "start": "10h", "end": "11h", "block": "m"},
             {"slot_id": "LATE", "day": D1, "start": "11h", "end": "12h", "block": "m"}]
    folder = make_conference(tmp_path, rooms=rooms, slots=slots, sessions=[
        {"session_id": "A", "title": "a", "attendance": 3}, {"session_id": "B", "title": "b", "attendance": 3}])
    write_csv(folder / "interests.csv", [{"attendee_id": w, "session_id": s} for w in ("x", "y") for s in "AB"])
    p = load_problem(folder)
    block = config_with(tmp_path, "attendee_hops:\n  within: block\ncapacity_fit: false\n")
    assert _penalty(p, [("A", "R1", "AM"), ("B", "R2", "LATE")], "attendee_hops", block) == 2
    assert _penalty(p, [("A", "R1", "AM"), ("B", "R2", "LATE")], "attendee_hops") == 0  # not in a row
    assert _penalty(p, [("A", "R1", "AM"), ("B", "R1", "LATE")], "attendee_hops", block) == 0
    result = solve(p, block, SolveOptions(time_limit=10, workers=1))
    verdict = judge(p, result.schedule, block)
    assert verdict.ok and verdict.penalties.get("attendee_hops", 0) == 0 and verdict.total == result.objective


def test_attendee_hops_within_a_block_is_tallied_as_the_judge_counts(tmp_path: Path) -> None:
    """The local search's tally of the block measure equals the judge's, move after move: three blocks of four
    positions in four rooms, twenty attendees wishing six talks each."""
    import random

    from tests.test_engine_local import _random_moves

    rng = random.Random(3)
    rooms = [{"room_id": f"R{i}", "name": f"R{i}", "capacity": 100} for i in range(4)]
    def hhmm(minutes: int) -> str:
        return f"{minutes // 60}:{minutes % 60:02d}"

    slots = [{"slot_id": f"{b}{k}", "day": D1, "start": hhmm(480 + 120 * i + 20 * k),
              "end": hhmm(500 + 120 * i + 20 * k), "block": b} for i, b in enumerate("XYZ") for k in range(4)]
    sessions = [{"session_id": f"T{i:02d}", "title": "t", "attendance": 5} for i in range(40)]
    folder = make_conference(tmp_path, rooms=rooms, slots=slots, sessions=sessions)
    write_csv(folder / "interests.csv", [{"attendee_id": f"a{w}", "session_id": s["session_id"]}
                                         for w in range(20) for s in rng.sample(sessions, 6)])
    problem = load_problem(folder)
    config = config_with(tmp_path, "attendee_hops:\n  within: block\n")
    _random_moves(problem, config, 3, 60)
