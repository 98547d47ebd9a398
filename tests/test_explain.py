"""Why there is no schedule: each cause reported with the right ids; feasible instances never blamed."""

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from solver.cli import cli
from solver.config import default_config
from solver.explain import core, explain
from solver.inputs import load_problem
from tests.conftest import config_with, make_conference
from tests.planted import planted_conference

D = "2027-05-13"
ROOMS = [{"room_id": "R1", "name": "Salle 1", "capacity": 50, "features": "projecteur"},
         {"room_id": "R2", "name": "Salle 2", "capacity": 30}]
SLOTS = [{"slot_id": f"T{i}", "day": D, "start": f"{9 + i}h", "end": f"{10 + i}h"} for i in range(3)]
runner = CliRunner()


def _text(sentences: list[str]) -> str:
    return "\n".join(sentences)


def test_capacity_names_session_numbers_and_largest_fitting_room(tmp_path: Path) -> None:
    p = load_problem(make_conference(tmp_path, rooms=ROOMS, slots=SLOTS, sessions=[
        {"session_id": "S12", "title": "t", "attendance": 550, "requires": "projecteur"}]))
    why = explain(p, default_config())
    assert why.method == "pre-check"
    assert why.sentences() == ["S12 expects 550; the largest room with projecteur, Salle 1, seats 50"]


def test_speaker_squeezed_by_unavailability(tmp_path: Path) -> None:
    p = load_problem(make_conference(tmp_path, rooms=ROOMS, slots=SLOTS, sessions=[
        {"session_id": f"S{i}", "title": "t", "attendance": 10, "speakers": "ana"} for i in range(3)],
        unavailability=[{"who": "ana", "day": D, "start": "11h", "end": "12h", "note": "vol"}]))
    why = explain(p, default_config())
    assert why.method == "core" and why.complete
    text = _text(why.sentences())
    assert "Ana is unavailable May 13, 11:00\u00a0AM – 12:00\u00a0PM (vol)" in text
    assert "Ana cannot be in two sessions at once (S0, S1, S2)" in text
    assert "Salle" not in text  # rooms are not the problem


def test_speaker_with_no_slot_at_all(tmp_path: Path) -> None:
    p = load_problem(make_conference(tmp_path, rooms=ROOMS, slots=SLOTS, sessions=[
        {"session_id": "S1", "title": "t", "attendance": 10, "speakers": "ana;bo"}],
        unavailability=[{"who": "ana", "day": D, "start": "9h", "end": "11h"},
                        {"who": "bo", "day": D, "start": "11h", "end": "12h"}]))
    [sentence] = explain(p, default_config()).sentences()
    assert sentence.startswith("S1 has no slot its speakers can all attend (Ana: May 13, 9:00 – 11:00\u00a0AM; Bo: ")


def test_pigeonhole_of_a_kind(tmp_path: Path) -> None:
    slots = [{**s, "kind": "etude-de-cas"} for s in SLOTS[:2]] + SLOTS[2:]
    p = load_problem(make_conference(tmp_path, rooms=ROOMS, slots=slots, sessions=[
        {"session_id": f"C{i}", "title": "t", "attendance": 10, "kind": "etude-de-cas"} for i in range(5)],
        unavailability=[{"who": "R2", "day": D, "start": "9h", "end": "10h"}]))
    [sentence] = explain(p, default_config()).sentences()
    assert sentence == ("5 sessions of kind etude-de-cas need 5 room-slots, but only 2 slots × 2 rooms − 1 closed "
                        "= 3 places exist")


def test_pin_against_closure(tmp_path: Path) -> None:
    p = load_problem(make_conference(tmp_path, rooms=ROOMS, slots=SLOTS, sessions=[
        {"session_id": "S7", "title": "t", "attendance": 10, "room": "R1", "slot": "T1"}],
        unavailability=[{"who": "R1", "day": D, "start": "10h", "end": "12h", "note": "travaux"}]))
    [sentence] = explain(p, default_config()).sentences()
    assert sentence == ("S7 is pinned to Salle 1 at T1 (May 13, 10:00 – 11:00\u00a0AM), but the room is closed "
                        "May 13, 10:00\u00a0AM – 12:00\u00a0PM (travaux)")


def test_order_cycle(tmp_path: Path) -> None:
    p = load_problem(make_conference(tmp_path, rooms=ROOMS, slots=SLOTS, sessions=[
        {"session_id": "A", "title": "t", "attendance": 10, "after": "C"},
        {"session_id": "B", "title": "t", "attendance": 10, "after": "A"},
        {"session_id": "C", "title": "t", "attendance": 10, "after": "B"},
        {"session_id": "Z", "title": "t", "attendance": 10}]))
    config = config_with(tmp_path, "order: {hard: true}")
    why = explain(p, config)
    assert why.method == "core"
    rules = [f.rule for f in why.findings]
    assert rules.count("order") == 3 and "Z" not in _text(why.sentences())
    assert "A must start after C ended" in why.sentences()


def test_cli_solve_exit_2_prints_the_reason_and_explain_agrees(tmp_path: Path) -> None:
    folder = make_conference(tmp_path / "in", rooms=ROOMS, slots=SLOTS, sessions=[
        {"session_id": "S12", "title": "t", "attendance": 550}])
    solved = runner.invoke(cli, ["solve", str(folder), "--out", str(tmp_path / "out")])
    assert solved.exit_code == 2 and "S12 expects 550; the largest room, Salle 1, seats 50" in solved.output
    explained = runner.invoke(cli, ["explain", str(folder)])
    assert explained.exit_code == 2 and "S12 expects 550" in explained.output


def test_allow_unscheduled_schedules_the_most_attendees_and_says_why(tmp_path: Path) -> None:
    folder = make_conference(tmp_path / "in", rooms=ROOMS[:1], slots=SLOTS[:2], sessions=[
        {"session_id": "BIG", "title": "t", "attendance": 40, "speakers": "ana"},
        {"session_id": "MID", "title": "t", "attendance": 30, "speakers": "ana"},
        {"session_id": "SMALL", "title": "t", "attendance": 20}])
    out = tmp_path / "out"
    r = runner.invoke(cli, ["solve", str(folder), "--out", str(out), "--allow-unscheduled", "--workers", "1"])
    assert r.exit_code == 2, r.output
    assert "1 session(s) left unscheduled" in r.output and "SMALL" in r.output.split("left unscheduled")[1]
    rows = (out / "assignments.csv").read_text(encoding="utf-8")
    assert "BIG" in rows and "MID" in rows and "\nSMALL," not in rows
    assert runner.invoke(cli, ["explain", str(folder)]).exit_code == 2


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=10**9))
def test_feasible_instances_are_never_reported_infeasible(seed: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder, _ = planted_conference(Path(tmp) / "in", seed, rich=True)
        problem = load_problem(folder)
        assert explain(problem, default_config()).findings == []
        assert core(problem, default_config()).findings == []


def test_bundled_conference_made_infeasible_three_ways(seed_copy: Path, tmp_path: Path) -> None:
    """An organizer breaks the bundled conference three ways; each time `salle solve` names the cause, in the
    conference's language (French)."""
    def solve_says(*lines: str) -> str:
        r = runner.invoke(cli, ["solve", str(seed_copy), "--out", str(tmp_path / "out")])
        assert r.exit_code == 2, r.output
        return r.output

    unavailability = (seed_copy / "unavailability.csv").read_text(encoding="utf-8")
    (seed_copy / "unavailability.csv").write_text(unavailability + "A-1100,2027-05-13,,,Dégât des eaux\n",
                                                  encoding="utf-8")
    said = solve_says()
    assert "EC-CNR demande 85 places avec projecteur et micro, et chacune de ces salles est fermée" in said
    assert "Salle A-1100 (90) est fermée\u00a0: 13 mai, toute la journée (Dégât des eaux)" in said

    (seed_copy / "unavailability.csv").write_text(unavailability + "berkesse,2027-05-13,,,Grève\n", encoding="utf-8")
    said = solve_says()
    assert "EC-CNR n’a aucune plage où toutes ses personnes conférencières peuvent venir (Alexandre Berkesse\u00a0:" \
        in said and "(Grève)" in said

    (seed_copy / "unavailability.csv").write_text(unavailability, encoding="utf-8")
    with (seed_copy / "sessions.csv").open("a", encoding="utf-8") as fh:
        for i in range(4):
            fh.write(f"EC-X{i},Atelier ajouté {i},,30,etude-de-cas,,projecteur,,,,\n")
    said = solve_says()
    assert "7 séances de type etude-de-cas demandent 7 salles-plages, mais il n’existe que 2 plages × 4 salles − 2 " \
        "fermées = 6 places" in said


def test_a_kind_no_slot_has_is_named_before_any_closure(tmp_path: Path) -> None:
    p = load_problem(make_conference(tmp_path, rooms=ROOMS, slots=SLOTS, sessions=[
        {"session_id": "S1", "title": "t", "attendance": 10, "kind": "atelier"}],
        unavailability=[{"who": "R1", "day": D}, {"who": "R2", "day": D}]))
    sentences = explain(p, default_config()).sentences()
    assert sentences[0] == "S1 is of kind atelier but no slot has that kind"
    assert not any("closed" in s for s in sentences)
