"""Explanations come from the rule modules: each rule's own pre-check, core sentence and specificity, so that a
new rule plugs in by its module alone and explain.py, app.py and the cli package name no rule."""

import dataclasses
import datetime as dt
import re
import types
from collections import defaultdict
from pathlib import Path

import pytest
from ortools.sat.python import cp_model
from typer.testing import CliRunner

from solver.cli import cli
from solver.config import Config, RuleConfig, default_config
from solver.engine.candidates import candidate_runs
from solver.engine.model import build_model
from solver.explain import explain
from solver.inputs import Problem, load_problem
from solver.rules import REGISTRY, _rule, room_capacity
from solver.rules.base import Guards, JudgeView, Params, Placement, RuleSettings, Violation
from solver.rules.findings import Finding, SessionCheck
from tests.conftest import ROOT, make_conference, write_csv

D1, D2 = "2027-05-13", "2027-05-14"
HARDABLE = [name for name, rule in REGISTRY.items() if "hard" in rule.modes]


def _everything(tmp_path: Path) -> Problem:
    """A small conference giving every rule that can be hard something to guard."""
    rooms = [{"room_id": "R1", "name": "Salle 1", "capacity": 50, "features": "projecteur", "building": "A",
              "changeover": 30},
             {"room_id": "R2", "name": "Salle 2", "capacity": 20, "building": "B"}]
    slots = [{"slot_id": "T1", "day": D1, "start": "9h", "end": "10h", "kind": "atelier", "block": "B1"},
             {"slot_id": "T2", "day": D1, "start": "10h", "end": "11h", "block": "B1"},
             {"slot_id": "T3", "day": D1, "start": "11h", "end": "11h30", "block": "B2"},
             {"slot_id": "U1", "day": D2, "start": "9h", "end": "10h", "block": "B3"},
             {"slot_id": "U2", "day": D2, "start": "10h", "end": "11h", "block": "B3"}]
    common = {"title": "t", "attendance": 15, "tags": "ia", "track": "Santé"}
    sessions = [
        {**common, "session_id": "S1", "speakers": "ana", "attendance": 40, "requires": "projecteur",
         "language": "fr", "room": "R1", "prefers_rooms": "R2", "avoids_slots": "T1"},
        {**common, "session_id": "S2", "speakers": "ana;bo", "language": "fr", "after": "S1",
         "avoids_rooms": "R1", "prefers_slots": "U1"},
        {**common, "session_id": "S3", "speakers": "bo", "language": "en", "kind": "atelier", "slot": "T1"},
        {**common, "session_id": "S4", "speakers": "bo", "language": "fr", "duration": 60},
        {**common, "session_id": "S5", "track": "Ville", "tags": "", "length": 2},
    ]
    speakers = [{"speaker_id": "ana", "name": "Ana", "needs": "accessible"}, {"speaker_id": "bo", "name": "Bo"}]
    folder = make_conference(tmp_path, rooms=rooms, slots=slots, sessions=sessions, speakers=speakers,
                             unavailability=[{"who": "ana", "day": D1, "start": "9h", "end": "10h"},
                                             {"who": "R2", "day": D2}])
    write_csv(folder / "interests.csv", [{"attendee_id": "a1", "session_id": s, "weight": ""} for s in ("S1", "S4")],
              ["attendee_id", "session_id", "weight"])
    problem = load_problem(folder)
    return dataclasses.replace(problem, previous={"S1": ("R1", "T2"), "S4": ("R2", "U1")})


@pytest.mark.parametrize("name", HARDABLE)
def test_every_rule_that_can_be_hard_says_its_guards_in_its_own_words(name: str, tmp_path: Path) -> None:
    """Each guard of an explaining model reads as its rule's own sentence (not the generic summary), naming the
    rule, with the ids it is about."""
    problem = _everything(tmp_path)
    base = default_config()
    rc = next(rc for rc in base.rules if rc.name == name)
    hard = RuleConfig(rc.rule, rc.settings.model_copy(update={"enabled": True, "hard": True}), rc.params)
    guards = Guards(cp_model.CpModel())
    build_model(problem, Config((hard,)), guards)
    entities = defaultdict(list)
    for rule, entity in guards.literals:
        entities[rule].append(entity)
    assert entities[name], f"the test conference gives {name} nothing to guard"
    assert rc.rule.core_sentence is not None
    for entity in entities[name]:
        found = rc.rule.core_sentence(problem, rc.params, entity)
        assert found is not None, f"{name} says nothing of its guard {entity!r}"
        assert found.rule == name and found.sentence and not found.sentence.startswith(f"{name} (")


def test_a_pre_check_sentence_is_the_rule_modules_own(tmp_path: Path) -> None:
    """The capacity pre-check explain reports is room_capacity.precheck's, called on the same session."""
    problem = load_problem(make_conference(tmp_path, rooms=[{"room_id": "R1", "name": "Salle 1", "capacity": 50}],
                                           sessions=[{"session_id": "S12", "title": "t", "attendance": 550}]))
    assert REGISTRY["room_capacity"].precheck is room_capacity.precheck
    s = problem.sessions[0]
    own = room_capacity.precheck(SessionCheck(problem, s, default_config().is_hard, list(problem.rooms),
                                              candidate_runs(problem, s)), room_capacity.Params())
    why = explain(problem, default_config())
    assert why.method == "pre-check" and why.findings == own
    assert own == [Finding("S12 expects 550; the largest room, Salle 1, seats 50", ("S12",), "room_capacity")]


def _no_friday_module(with_precheck: bool) -> types.ModuleType:
    """A rule written as a new module would be: no session on 2027-05-14, with its own explanation hooks."""
    rule = types.ModuleType("no_friday", "Hard: no session on 2027-05-14.")
    friday = dt.date(2027, 5, 14)

    def cost(problem: Problem, params: Params, p: Placement) -> int:
        return int(p.day == friday)

    def judge(view: JudgeView, params: Params) -> list[Violation]:
        return [Violation("no_friday", 1, "on Friday", (p.session.session_id,)) for p in view.placed if p.day == friday]

    def precheck(check: SessionCheck, params: Params) -> list[Finding]:
        if all(run[0].day == friday for run in check.runs):
            return [Finding(f"{check.session.session_id} could only run on Friday", check.ids, "no_friday")]
        return []

    def core_sentence(problem: Problem, params: Params, entity: str) -> Finding:
        return Finding(f"{entity} may not run on Friday", (entity,), "no_friday")

    rule.__dict__.update(NAME="no_friday", DEFAULTS=RuleSettings(hard=True), MODES=("hard", "soft"), UNIT="session",
                         SCOPE="time", SPECIFICITY=5, cost=cost, judge=judge, core_sentence=core_sentence)
    if with_precheck:
        rule.__dict__["precheck"] = precheck
    return rule


def _with(module: types.ModuleType) -> Config:
    rule = _rule(module)
    return Config((*default_config().rules, RuleConfig(rule, rule.defaults, rule.params())))


@pytest.mark.parametrize("with_precheck", [True, False])
def test_a_new_rule_explains_itself_by_its_module_alone(with_precheck: bool, tmp_path: Path) -> None:
    """A rule explain.py has never heard of: its pre-check finds the cause; without one, its core sentence names
    it, ranked by its own specificity before "must be scheduled"."""
    problem = load_problem(make_conference(tmp_path, slots=[
        {"slot_id": "F1", "day": "2027-05-14", "start": "9h", "end": "10h"}]))
    why = explain(problem, _with(_no_friday_module(with_precheck)))
    if with_precheck:
        assert why.method == "pre-check" and why.sentences() == ["S1 could only run on Friday"]
    else:
        assert why.method == "core"
        assert why.sentences() == ["S1 may not run on Friday", "S1 « Talk » must be scheduled"]


def test_explain_app_and_cli_name_no_rule() -> None:
    """The modules around the rules ask the registry; none spells a rule's name (issue 10)."""
    quoted = re.compile(r"""["']([a-z_]+)["']""")
    for path in (ROOT / "solver/explain.py", ROOT / "solver/app.py", *sorted((ROOT / "solver/cli").glob("*.py"))):
        module = path.relative_to(ROOT).as_posix()
        text = path.read_text(encoding="utf-8")
        named = sorted({m for m in quoted.findall(text) if m in REGISTRY})
        assert not named, f"{module} names {named}"


def test_the_solve_summary_gives_a_rules_headline_figure(tmp_path: Path) -> None:
    """capacity_fit's HEADLINE: the summary line says how many seats stay empty, as the judge counts them."""
    assert REGISTRY["capacity_fit"].headline == "empty seats"
    folder = make_conference(tmp_path / "in", sessions=[{"session_id": "S1", "title": "t", "attendance": 10}])
    r = CliRunner().invoke(cli, ["solve", str(folder), "--out", str(tmp_path / "out"), "--workers", "1"])
    assert r.exit_code == 0, r.output
    assert "1 of 1 sessions placed; 40 empty seats; no better schedule exists" in r.output
