"""Re-solving with few changes (--previous, keep_previous, --freeze) and telling people (salle diff)."""

import csv
import random
from pathlib import Path

from typer.testing import CliRunner

from solver.cli import cli
from tests.conftest import make_conference

ROOT = Path(__file__).resolve().parents[1]

runner = CliRunner()


def run(*args: object):
    return runner.invoke(cli, [str(a) for a in args])


def _rows(path: Path) -> dict[str, tuple[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return {r["session_id"]: (r["room_id"], r["slot_id"]) for r in csv.DictReader(fh)}


def test_new_unavailability_moves_one_session_and_names_who_to_tell(seed_copy: Path, tmp_path: Path) -> None:
    """The organizers' loop on the bundled conference: solve, a speaker cancels 13h30, re-solve, diff."""
    first = tmp_path / "v1"
    assert run("solve", seed_copy, "--out", first, "--workers", "1").exit_code == 0
    with (seed_copy / "unavailability.csv").open("a", encoding="utf-8") as fh:
        fh.write("therrien,2027-05-13,13h,14h,Comité de thèse\n")
    second = tmp_path / "v2"
    r = run("solve", seed_copy, "--out", second, "--previous", first / "assignments.csv", "--workers", "1")
    assert r.exit_code == 0, r.output
    old, new = _rows(first / "assignments.csv"), _rows(second / "assignments.csv")
    assert {s for s in old if old[s] != new[s]} == {"EC-COP"}
    assert new["EC-COP"][1] == "J1-1515"
    d = run("diff", first / "assignments.csv", second / "assignments.csv", "--inputs", seed_copy)
    assert d.exit_code == 1
    assert "EC-COP" in d.output and "Marie-Christine Therrien: EC-COP" in d.output
    with (second / "changes.csv").open(encoding="utf-8") as fh:
        [change] = list(csv.DictReader(fh))
    assert (change["speaker_id"], change["name"], change["old_time"], change["new_time"]) == (
        "therrien", "Marie-Christine Therrien", "13:30", "15:15")
    assert change["old_room"] == change["new_room"] == "Salle B-2305"
    same = run("diff", first / "assignments.csv", first / "assignments.csv", "--inputs", seed_copy)
    assert same.exit_code == 0 and "No change" in same.output


def _conference(folder: Path) -> Path:
    """20 sessions, 6 rooms, 6 slots: room to spare, so a closed room's sessions can move without others."""
    rng = random.Random(3)
    return make_conference(
        folder,
        rooms=[{"room_id": f"R{i}", "name": f"Salle {i}", "capacity": c} for i, c in enumerate([30, 40, 60, 80,
                                                                                                  100, 120])],
        slots=[{"slot_id": f"T{i}", "day": "2027-05-13", "start": f"{9 + i}h", "end": f"{10 + i}h"}
               for i in range(6)],
        sessions=[{"session_id": f"S{i:02d}", "title": f"Séance {i}", "attendance": rng.randint(10, 60),
                   "speakers": f"p{i % 12}"} for i in range(20)],
    )


def test_removing_a_room_moves_only_its_sessions(tmp_path: Path) -> None:
    folder = _conference(tmp_path / "in")
    first = tmp_path / "v1"
    assert run("solve", folder, "--out", first, "--workers", "1").exit_code == 0
    old = _rows(first / "assignments.csv")
    busiest = max({room for room, _ in old.values()}, key=lambda r: sum(v[0] == r for v in old.values()))
    with (folder / "unavailability.csv").open("w", encoding="utf-8") as fh:
        fh.write(f"who,day,start,end,note\n{busiest},2027-05-13,,,dégât des eaux\n")
    second = tmp_path / "v2"
    r = run("solve", folder, "--out", second, "--previous", first / "assignments.csv", "--workers", "1")
    assert r.exit_code == 0, r.output
    new = _rows(second / "assignments.csv")
    moved = {s for s in old if old[s] != new[s]}
    assert moved == {s for s, (room, _) in old.items() if room == busiest}
    # without --previous, the same change reshuffles more of the programme
    fresh = tmp_path / "fresh"
    assert run("solve", folder, "--out", fresh, "--workers", "1", "--seed", "5").exit_code == 0
    assert len({s for s in old if old[s] != _rows(fresh / "assignments.csv")[s]}) >= len(moved)


def test_freeze_keeps_sessions_or_says_why_not(seed_copy: Path, tmp_path: Path) -> None:
    first = tmp_path / "v1"
    assert run("solve", seed_copy, "--out", first, "--workers", "1").exit_code == 0
    with (seed_copy / "unavailability.csv").open("a", encoding="utf-8") as fh:
        fh.write("therrien,2027-05-13,13h,14h,\n")
    r = run("solve", seed_copy, "--out", tmp_path / "v2", "--previous", first / "assignments.csv",
            "--freeze", "EC-COP")
    assert r.exit_code == 2 and "EC-COP est épinglée\u00a0: plage J1-1330, mais Marie-Christine Therrien n’est pas " \
        "disponible" in r.output  # the seed is French
    r = run("solve", seed_copy, "--out", tmp_path / "v3", "--previous", first / "assignments.csv",
            "--freeze", "EC-CNR,EC-MIS", "--workers", "1")
    assert r.exit_code == 0
    assert _rows(tmp_path / "v3" / "assignments.csv")["EC-MIS"] == _rows(first / "assignments.csv")["EC-MIS"]
    r = run("solve", seed_copy, "--out", tmp_path / "v4", "--previous", first / "assignments.csv",
            "--freeze-before", "2027-05-13 14:00")
    assert r.exit_code == 2  # everything at 13h30 is frozen, including Therrien's session
    bad = run("solve", seed_copy, "--freeze", "EC-CNR")
    assert bad.exit_code == 1 and "needs --previous" in bad.output
    bad = run("solve", seed_copy, "--previous", first / "assignments.csv", "--freeze-before", "demain")
    assert bad.exit_code == 1 and "--freeze-before" in bad.output


def test_previous_schedule_with_a_room_that_no_longer_exists(seed_copy: Path, tmp_path: Path) -> None:
    first = tmp_path / "v1"
    assert run("solve", seed_copy, "--out", first, "--workers", "1").exit_code == 0
    rooms = (seed_copy / "rooms.csv").read_text(encoding="utf-8").splitlines()
    (seed_copy / "rooms.csv").write_text("\n".join(x for x in rooms if not x.startswith("B-2310")) + "\n",
                                         encoding="utf-8")
    text = (seed_copy / "rooms.csv").read_text(encoding="utf-8")
    text = text.replace("C-010,Salon C-010,25,tableau-blanc", "C-010,Salon C-010,45,projecteur")
    (seed_copy / "rooms.csv").write_text(text, encoding="utf-8")
    r = run("solve", seed_copy, "--out", tmp_path / "v2", "--previous", first / "assignments.csv", "--workers", "1")
    assert r.exit_code == 0, r.output
    assert "'B-2310' no longer exists: EC-MIS has to move" in r.output
    assert _rows(tmp_path / "v2" / "assignments.csv")["EC-MIS"] == ("C-010", "J1-1330")


def test_stability_comes_first_on_a_generated_conference(tmp_path: Path) -> None:
    """A published 80-session schedule, then a room closes: only what must move moves (keep_previous at level 1
    outweighs the empty seats the other sessions could save by moving), and the run says why each moved."""
    from bench.generate import Size, generate

    folder = generate(Size("stable", 80, 8, 2, 7), 3).write(tmp_path / "in")
    first = tmp_path / "v1"
    assert run("solve", folder, "--out", first, "--time-limit", "10").exit_code == 0
    old = _rows(first / "assignments.csv")
    pinned = {r["room"] for r in csv.DictReader((folder / "sessions.csv").open(encoding="utf-8")) if r["room"]}
    rooms = {r["room_id"]: (int(r["capacity"]), set(r["features"].split(";")))
             for r in csv.DictReader((folder / "rooms.csv").open(encoding="utf-8"))}
    replaceable = {r for r, (cap, feats) in rooms.items() if r not in pinned and any(
        other != r and c >= cap and feats <= f for other, (c, f) in rooms.items())}
    busiest = max(sorted(replaceable), key=lambda r: sum(v[0] == r for v in old.values()))
    closed = {s for s, (room, _) in old.items() if room == busiest}
    with (folder / "unavailability.csv").open("a", encoding="utf-8") as fh:
        for day in ("2027-06-07", "2027-06-08"):
            fh.write(f"{busiest},{day},,,fermée\n")
    second = tmp_path / "v2"
    r = run("solve", folder, "--out", second, "--previous", first / "assignments.csv", "--time-limit", "10")
    assert r.exit_code == 0, r.output
    new = _rows(second / "assignments.csv")
    moved = {s for s in old if old[s] != new[s]}
    assert closed <= moved and f"{len(moved)} session(s) moved" in r.output and "room_closures" in r.output
    for sid in moved - closed:
        assert f"{sid}: moved to make room" in r.output
    # the documented setting: at level 0, the other soft rules trade against stability and more changes
    (tmp_path / "trade.yaml").write_text("keep_previous:\n  level: 0\n", encoding="utf-8")
    third = tmp_path / "v3"
    r = run("solve", folder, "--out", third, "--previous", first / "assignments.csv", "--time-limit", "10",
            "--constraints", ROOT / "constraints" / "default.yaml", "--constraints", tmp_path / "trade.yaml")
    assert r.exit_code == 0, r.output
    assert _keep_previous(second) <= _keep_previous(third)


def _keep_previous(out: Path) -> int:
    rows = csv.DictReader((out / "report.csv").open(encoding="utf-8"))
    return sum(int(float(r["penalty"])) for r in rows if r["rule"] == "keep_previous" and r.get("penalty"))
