"""The benchmark: generator (seeded, realistic, planted schedule valid), objectives, checkpoints, best knowns,
the report, log parsing, and small runs of salle (Timefold's scoring check is marked slow: it starts a JVM)."""

from __future__ import annotations

import dataclasses
import importlib.util
from collections import Counter
from pathlib import Path

import pytest

from bench import best as best_known
from bench.common import DEFAULT_FILE, HARD, bench_config, complete, config_yaml, fingerprint
from bench.generate import SIZES, generate
from bench.peers import why_not
from bench.peers.salle_tool import api, make_options
from bench.results import ToolRun, parse_cbc_log, parse_cpsat_log
from bench.run import checkpoint, held, ratio, render, run_tool, targets_default
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


# -- objectives, checkpoints, best knowns, the report ---------------------------------------------------------
def test_default_objective_is_the_bundled_file(tmp_path: Path) -> None:
    """`default` is constraints/default.yaml as shipped: the same rules, modes, weights and parameters."""
    config = bench_config(tmp_path, "default")
    shipped = load_config([DEFAULT_FILE])
    assert [(rc.name, rc.settings, rc.params) for rc in config.rules] == [
        (rc.name, rc.settings, rc.params) for rc in shipped.rules]
    soft = {rc.name for rc in config.enabled if not rc.settings.hard}
    assert {"capacity_fit", "track_room", "track_days", "track_parallel", "speaker_changeover", "speaker_days",
            "speaker_room"} <= soft
    assert (tmp_path / "constraints.yaml").read_text(encoding="utf-8") == DEFAULT_FILE.read_text(encoding="utf-8")
    with pytest.raises(KeyError, match="default, seats"):
        bench_config(tmp_path, "nope")


def test_checkpoints_read_the_stream_of_improving_solutions() -> None:
    """The objective held at t: the last improvement by t; the judge's figure once the run has ended; 'none'
    before the first schedule, '—' past the end of a run stopped by its limit, kept after a proof."""
    run = ToolRun("salle", "M-1", 60, "feasible", total_s=61.0, trace=[(3.0, 900.0), (10.0, 800.0), (40.0, 790.0)],
                  valid=True, judged=785)
    assert [run.at(t) for t in (2, 5, 15, 60)] == [None, 900.0, 800.0, 790.0]
    assert [checkpoint(run, t) for t in (2, 5, 60)] == ["none", "900", "790"]
    assert held(run, 61) == 785 and checkpoint(run, 120) == "—"
    short = ToolRun("salle", "S-1", 20, "feasible", total_s=20.5, trace=[(0.5, 10.0)], valid=True, judged=10)
    assert checkpoint(short, 15) == "10" and checkpoint(short, 60) == "—"
    proven = dataclasses.replace(short, status="optimal")
    assert checkpoint(proven, 60) == "10"
    assert checkpoint(dataclasses.replace(short, valid=False), 5) == "invalid"
    assert checkpoint(dataclasses.replace(short, valid=False, trace=[]), 5) == "none"
    assert checkpoint(ToolRun("timefold", "L-1", 60, "no schedule", total_s=80.0), 15) == "none"
    run.bounds = [(1.0, 700.0), (30.0, 750.0)]
    assert run.bound_at(0.5) is None and run.bound_at(31) == 750.0


def test_tool_run_reads_older_files(tmp_path: Path) -> None:
    """A run.json written before objective sets and bound traces existed loads as an empty-seats run."""
    (tmp_path / "run.json").write_text('{"tool": "salle", "instance": "S-1", "trace": [[0.1, 5]], "gone": 1}',
                                       encoding="utf-8")
    run = ToolRun.load(tmp_path / "run.json")
    assert (run.objective_set, run.trace, run.bounds) == ("seats", [(0.1, 5)], [])


def test_best_known_keeps_the_best_valid_run_of_the_same_conference(tmp_path: Path) -> None:
    """Only valid runs count; a better one replaces the record; another conference (fingerprint) starts afresh."""
    records: best_known.Records = {}
    a = ToolRun("timefold", "M-1", 60, "feasible", objective_set="default", trace=[(9.0, 120.0)], valid=True,
                judged=120)
    b = ToolRun("salle", "M-1", 60, "feasible", objective_set="default", trace=[(1.0, 100.0)], valid=True,
                judged=100)
    bad = ToolRun("salle", "M-1", 60, "feasible", objective_set="default", valid=False, judged=50)
    assert best_known.offer(records, a, "fp1", today="2026-11-26")
    assert not best_known.offer(records, bad, "fp1")
    assert best_known.offer(records, b, "fp1", commit="abc")
    assert not best_known.offer(records, a, "fp1")
    rec = best_known.best(records, "default", "M-1", "fp1")
    assert rec is not None and (rec["objective"], rec["tool"], rec["commit"], rec["reached_s"]) == (
        100, "salle", "abc", 1.0)
    assert best_known.best(records, "default", "M-1", "fp2") is None
    assert best_known.best(records, "seats", "M-1", "fp1") is None
    best_known.save(records, tmp_path / "best.json")
    assert best_known.load(tmp_path / "best.json") == records
    assert best_known.distance(102, 100) == pytest.approx(0.02) and best_known.distance(None, 100) is None


def test_fingerprint_follows_the_inputs(small: Path, tmp_path: Path) -> None:
    other = generate("S", 4).write(tmp_path / "S-4")
    assert fingerprint(small) == fingerprint(small) != fingerprint(other)


def test_report_has_both_objectives_best_known_and_targets() -> None:
    """RESULTS.md: a table per objective with checkpoints, best known and distance, skipped peers with their
    reason, issue 9's targets from the numbers, and notes where salle's figure differs from the judge's."""
    salle = ToolRun("salle", "M-1", 60, "feasible", objective_set="default", first_s=0.8, total_s=60.5,
                    trace=[(0.8, 9000.0), (4.0, 8000.0), (50.0, 7700.0)], objective=7700, bound=7000,
                    peak_mb=300, valid=True, judged=7690, penalties={"capacity_fit": 5690, "track_room": 2000})
    tf = ToolRun("timefold", "M-1", 60, "feasible", objective_set="default", first_s=18.0, total_s=75.0,
                 trace=[(18.0, 9500.0), (70.0, 8200.0)], objective=8200, peak_mb=600, valid=True, judged=8200)
    cs = ToolRun("conference-scheduler", "M-1", 60, "skipped", objective_set="default", note="empty seats only")
    seats = ToolRun("salle", "M-1", 60, "optimal", objective_set="seats", first_s=0.5, total_s=30.0,
                    trace=[(0.5, 5500.0), (28.0, 5405.0)], objective=5405, bound=5405, valid=True, judged=5405)
    runs = {(r.objective_set, r.instance, r.tool, 60.0): r for r in (salle, tf, cs, seats)}
    records: best_known.Records = {"default": {"M-1": {"objective": 7600, "fingerprint": "fp"}},
                                   "seats": {"M-1": {"objective": 5405, "fingerprint": "fp"}}}
    text = render(runs, {("default", "M-1"): 12049, ("seats", "M-1"): 9395}, records, {"M-1": "fp"})
    assert "## Default constraint file" in text and "## Empty seats only" in text
    assert "| M-1 | salle | 60 | feasible | yes | 0.80 | 8,000 | 8,000 | 7,700 | 7,690 | 7,000 | 8.97 % | 7,600 | " \
           "1.18 % |" in text
    assert "| M-1 | timefold | 60 | feasible | yes | 18.00 | none | none | 9,500 | 8,200 |" in text
    assert "| M-1 | conference-scheduler | 60 | skipped (below) |" in text
    assert "Skipped: conference-scheduler on M-1: empty seats only." in text
    assert "reported objective 7,700, the judge's 7,690" in text
    assert "| M-1 | salle | 60 | 5,690 | 2,000 | 7,690 |" in text
    lines = targets_default(runs, {"M-1": 7600.0})
    assert any("M-1: first valid schedule under 1 s: met" in ln for ln in lines)
    assert any("within 2 % of the best known at 60 s: met — 7,700 at 60 s" in ln and "1.32 %" in ln for ln in lines)
    assert any("better than Timefold's at 5, 15 and 60 s: met" in ln for ln in lines)


# -- the tools -------------------------------------------------------------------------------------------------
def test_salle_adapter_finds_the_api_and_keeps_known_options() -> None:
    """solver.engine or solver.solve; options the API does not have are left out rather than failing."""
    module, solve, _options = api()
    assert module in ("solver.engine", "solver.solve") and callable(solve)

    @dataclasses.dataclass(frozen=True)
    class Options:
        time_limit: float = 1.0
        seed: int = 0

    assert make_options(Options, time_limit=5.0, on_progress=print, seed=2) == Options(5.0, 2)


def test_conference_scheduler_says_why_it_is_not_run(small: Path) -> None:
    """Empty seats only; the default rules do not fit its model (the report says so)."""
    if importlib.util.find_spec("conference_scheduler") is None:
        pytest.skip("conference-scheduler not installed")
    assert "empty seats only" in (why_not("conference-scheduler", small, "default") or "")
    assert why_not("conference-scheduler", small, "seats") is None


@pytest.mark.slow
@pytest.mark.parametrize("objective", ["seats", "default"])
def test_timefold_scores_like_the_judge(small: Path, tmp_path: Path, objective: str) -> None:
    """Timefold's constraint streams give the planted schedule the judge's total, soft rule for soft rule."""
    if why_not("timefold", small, objective):
        pytest.skip(why_not("timefold", small, objective) or "")
    import csv

    from bench.peers.timefold_peer import score_schedule

    with (small / "planted.csv").open(encoding="utf-8") as fh:
        placed = {r["session_id"]: (r["room_id"], r["slot_id"]) for r in csv.DictReader(fh)}
    hard, soft = score_schedule(small, placed, objective, tmp_path)
    problem = load_problem(small)
    verdict = judge(problem, read_schedule(small / "planted.csv", problem), bench_config(tmp_path, objective))
    assert (hard, -soft) == (0, verdict.total)


# -- small benchmarks, salle only -----------------------------------------------------------------------------
@pytest.mark.parametrize(("objective", "limit"), [("seats", 10.0), ("default", 3.0)])
def test_small_benchmark_salle_is_valid(small: Path, tmp_path: Path, objective: str, limit: float) -> None:
    """salle on S in its own process: a schedule the independent judge accepts, objective ≤ the plant's, and
    the best-known file records it."""
    best_file = tmp_path / "best.json"
    run = run_tool("salle", small, limit, 0, tmp_path / "salle", wall=3.0, objective=objective, best_file=best_file)
    assert run.status in ("optimal", "feasible"), run.note
    assert run.valid is True, run.violations
    assert run.objective_set == objective and run.trace and run.first_s == run.trace[0][0]
    problem = load_problem(small)
    planted = judge(problem, read_schedule(small / "planted.csv", problem), bench_config(tmp_path, objective))
    assert run.judged is not None and run.judged <= planted.total
    assert run.first_s is not None and run.peak_mb and run.peak_mb > 0
    rec = best_known.best(best_known.load(best_file), objective, small.name, fingerprint(small))
    assert rec is not None and rec["objective"] == run.judged
