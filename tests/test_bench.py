"""The benchmark: generator (seeded, realistic, planted schedule valid), log parsing, and one small run of salle."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bench.common import HARD, bench_config, complete, config_yaml
from bench.generate import SIZES, generate
from bench.results import ToolRun, parse_cbc_log, parse_cpsat_log
from bench.run import ratio, run_tool
from solver.config import load_config
from solver.inputs import load_problem
from solver.inputs.assignments import read_schedule
from solver.judge import judge


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Size S, seed 3, written once for the module."""
    return generate("S", 3).write(tmp_path_factory.mktemp("bench") / "S-3")


@pytest.fixture(scope="module")
def medium() -> dict:
    """Size M, seed 2, as tables (not written)."""
    return generate("M", 2).tables


# -- generator ------------------------------------------------------------------------------------------------
def test_same_seed_same_files(tmp_path: Path) -> None:
    """Two generations from (size, seed) write byte-identical files; another seed differs."""
    a = generate("S", 7).write(tmp_path / "a")
    b = generate("S", 7).write(tmp_path / "b")
    c = generate("S", 8).write(tmp_path / "c")
    for name in ("rooms.csv", "slots.csv", "sessions.csv", "speakers.csv", "unavailability.csv", "planted.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert (a / "sessions.csv").read_bytes() != (c / "sessions.csv").read_bytes()


@pytest.mark.parametrize("name", ["S", "M", "L"])
def test_sizes(name: str) -> None:
    """Each size has its number of sessions, rooms and slots, and a plant placing every session once."""
    size = SIZES[name]
    tables = generate(name, 1).tables
    assert len(tables["sessions.csv"]) == size.sessions
    assert len(tables["rooms.csv"]) == size.rooms
    assert len(tables["slots.csv"]) == size.slots
    assert sorted(p["session_id"] for p in tables["planted.csv"]) == sorted(
        s["session_id"] for s in tables["sessions.csv"])


def test_issue_sizes() -> None:
    """The sizes of issue 5: S 30 sessions, M 300, L 1,500 × 60 rooms × 32 slots, XL 5,000 × 150 × 40."""
    assert (SIZES["S"].sessions, SIZES["M"].sessions) == (30, 300)
    assert (SIZES["L"].sessions, SIZES["L"].rooms, SIZES["L"].slots) == (1500, 60, 32)
    assert (SIZES["XL"].sessions, SIZES["XL"].rooms, SIZES["XL"].slots) == (5000, 150, 40)


@pytest.mark.parametrize(("name", "seed"), [("S", 3), ("M", 2)])
def test_planted_schedule_passes_the_judge(tmp_path: Path, name: str, seed: int) -> None:
    """The planted schedule meets every default hard rule (what `salle check … --schedule planted.csv` says)."""
    folder = generate(name, seed).write(tmp_path / name)
    problem = load_problem(folder)
    verdict = judge(problem, read_schedule(folder / "planted.csv", problem), bench_config(tmp_path))
    assert verdict.ok, [v.message for v in verdict.hard[:5]]
    assert verdict.penalties["capacity_fit"] > 0


def test_capacities_are_skewed(medium: dict) -> None:
    """A few large halls (≥ 300 seats), most rooms small: the median is under a fifth of the largest."""
    caps = sorted(int(r["capacity"]) for r in medium["rooms.csv"])
    halls = [c for c in caps if c >= 300]
    assert 1 <= len(halls) <= len(caps) // 5
    assert caps[len(caps) // 2] * 5 < caps[-1]


def test_workshops_of_two_slots(medium: dict) -> None:
    """A few sessions (1–6 %) last two slots."""
    long = [s for s in medium["sessions.csv"] if s["length"] == 2]
    assert 0.01 * len(medium["sessions.csv"]) <= len(long) <= 0.06 * len(medium["sessions.csv"])


def test_speakers(medium: dict) -> None:
    """1–3 speakers per session, and some people speak in several sessions."""
    counts = Counter(p for s in medium["sessions.csv"] for p in s["speakers"].split(";"))
    per_session = Counter(len(s["speakers"].split(";")) for s in medium["sessions.csv"])
    assert set(per_session) <= {1, 2, 3} and per_session[1] > per_session[2] > 0
    assert sum(1 for n in counts.values() if n > 1) >= 10


def test_unavailability_share(medium: dict) -> None:
    """20–30 % of speakers have at least one unavailability window."""
    speakers = {p["speaker_id"] for p in medium["speakers.csv"]}
    with_window = {u["who"] for u in medium["unavailability.csv"] if u["who"] in speakers}
    assert 0.20 <= len(with_window) / len(speakers) <= 0.30


def test_tracks_pins_and_plenaries(medium: dict) -> None:
    """Sessions have tracks; some are pinned; plenary slots hold only the keynotes."""
    sessions = medium["sessions.csv"]
    assert len({s["track"] for s in sessions}) >= 3
    assert any(s["room"] for s in sessions) and any(s["slot"] for s in sessions)
    plenary = {s["slot_id"] for s in medium["slots.csv"] if s["kind"]}
    keynotes = {s["session_id"] for s in sessions if s["kind"]}
    assert plenary and {p["session_id"] for p in medium["planted.csv"] if p["slot_id"] in plenary} == keynotes


# -- the rules every tool meets -----------------------------------------------------------------------------
def test_bench_config_is_default_hard_rules_and_empty_seats(tmp_path: Path) -> None:
    """salle's default hard rules stay hard, capacity_fit is the only soft rule, at weight 1."""
    config = bench_config(tmp_path)
    default_hard = {rc.name for rc in load_config([]).enabled if rc.settings.hard}
    assert {rc.name for rc in config.enabled if rc.settings.hard} == default_hard | set(HARD)
    soft = [rc for rc in config.enabled if not rc.settings.hard]
    assert [(rc.name, rc.settings.weight) for rc in soft] == [("capacity_fit", 1)]
    assert "capacity_fit: {enabled: true, hard: false, weight: 1}" in config_yaml()


def test_complete() -> None:
    """A schedule must place each session of the instance exactly once, whatever the rules say."""
    assert complete(["a", "b"], ["b", "a"]) == []
    assert complete(["a", "b"], ["a", "a", "c"]) == ["b is not scheduled", "a is scheduled 2 times",
                                                     "c is not a session of the instance"]


# -- log parsing --------------------------------------------------------------------------------------------
CPSAT_LOG = """\
#Bound   0.09s best:inf   next:[1845,139023] initial_domain
#Model   0.09s var:857/857 constraints:361/361
#1       0.09s best:4295  next:[1845,4294] fj_restart_decay_compound_perturb_obj(batch:1)
#2       0.11s best:2802  next:[1845,2801] rnd_var_lns (d=5.00e-01 s=3 t=0.10 p=0.00 stall=0 h=base)
#Bound   0.18s best:2802  next:[1892,2801] default_lp
#3       0.26s best:1920  next:[1902,1919] default_lp
#Done    1.30s best:1912  next:[] default_lp
CpSolverResponse summary:
status: OPTIMAL
objective: 1912
best_bound: 1912
walltime: 1.34568
"""


def test_parse_cpsat_log() -> None:
    """Each improving solution with its time; the final status, objective, bound and wall time."""
    log = parse_cpsat_log(CPSAT_LOG)
    assert log.trace == [(0.09, 4295.0), (0.11, 2802.0), (0.26, 1920.0)]
    assert (log.status, log.objective, log.bound, log.wall_time) == ("OPTIMAL", 1912.0, 1912.0, 1.34568)


CBC_LOG = """\
Cbc0012I Integer solution of 9395 found by feasibility pump after 0 iterations and 0 nodes (1.23 seconds)
Cbc0038I Pass   1: (3.50 seconds) suminf.    0.00000 (0) obj. 9300 iterations 1401
Cbc0038I Solution found of 9300
Cbc0038I Mini branch and bound improved solution from 9300 to 9200 (4.10 seconds)
Cbc0038I Rounding solution of 9150 is better than previous of 9200
Cbc0010I After 100 nodes, 12 on tree, 9150 best solution, best possible 9100 (5.67 seconds)
Cbc0004I Integer solution of 9000 found after 1234 iterations and 56 nodes (7.89 seconds)
Cbc0010I After 200 nodes, 2 on tree, 9000 best solution, best possible 9050 (9.00 seconds)

Result - Stopped on time limit

Objective value:                9000.00000000
Lower bound:                    9050.000
Enumerated nodes:               200
Total time (CPU seconds):       10.02   (Wallclock seconds):       10.11
"""


def test_parse_cbc_log() -> None:
    """Improving integer solutions with CBC's times; result line, objective, last bound, wall clock."""
    log = parse_cbc_log(CBC_LOG)
    assert log.trace == [(1.23, 9395.0), (3.5, 9300.0), (4.1, 9200.0), (4.1, 9150.0), (7.89, 9000.0)]
    assert (log.result, log.objective, log.bound, log.seconds) == ("Stopped on time limit", 9000.0, 9050.0, 10.11)


def test_parse_empty_logs() -> None:
    """A missing or foreign log gives an empty result, not an error."""
    assert parse_cpsat_log("hello\n").trace == [] and parse_cbc_log("").objective is None


def test_tool_run_round_trip_and_ratio(tmp_path: Path) -> None:
    """A ToolRun survives JSON; gap and the salle/peer ratio come from the judged objectives and traces."""
    salle = ToolRun("salle", "S-1", 60, "optimal", first_s=0.1, trace=[(0.1, 120.0), (0.5, 100.0)], bound=95,
                    valid=True, judged=100)
    peer = ToolRun("timefold", "S-1", 60, "feasible", trace=[(10.0, 130.0), (20.0, 110.0)], valid=True,
                   judged=110)
    salle.save(tmp_path / "run.json")
    again = ToolRun.load(tmp_path / "run.json")
    assert again == salle
    assert again.gap == pytest.approx(0.05)
    assert salle.time_to_reach(110) == 0.5 and salle.time_to_reach(90) is None
    assert ratio(salle, peer) == "obj 0.909×, time 0.025× (0.5 s vs 20.0 s)"
    assert ratio(salle, ToolRun("timefold", "S-1", valid=False)) == "—"


# -- one small benchmark, salle only --------------------------------------------------------------------------
def test_small_benchmark_salle_is_valid(small: Path, tmp_path: Path) -> None:
    """salle on S in its own process: a schedule the independent judge accepts, objective ≤ the plant's."""
    run = run_tool("salle", small, 10.0, 0, tmp_path / "salle", wall=3.0)
    assert run.status in ("optimal", "feasible"), run.note
    assert run.valid is True, run.violations
    problem = load_problem(small)
    planted = judge(problem, read_schedule(small / "planted.csv", problem), bench_config(tmp_path))
    assert run.judged is not None and run.judged <= planted.total
    assert run.first_s is not None and run.peak_mb and run.peak_mb > 0
