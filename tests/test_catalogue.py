"""The catalogue: every rule is well formed, the README's table is the registry's, and reports add up."""

from pathlib import Path

from typer.testing import CliRunner

from solver.cli import cli
from solver.rules import MODULES, REGISTRY
from solver.rules.catalogue import markdown_table
from tests.conftest import ROOT

runner = CliRunner()


def test_every_rule_module_is_well_formed() -> None:
    """A NAME, a one-line docstring starting Hard:/Soft: that matches its default, a judge, and one way in."""
    assert len(MODULES) == len(REGISTRY) >= 21
    for name, rule in REGISTRY.items():
        assert rule.summary.startswith("Hard:" if rule.defaults.hard else "Soft:"), name
        assert rule.summary.endswith("."), name
        assert (rule.cost is None) != (rule.add is None), name
        assert ("hard" if rule.defaults.hard else "soft") in rule.modes, name


def test_readme_table_is_generated_from_the_registry() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    embedded = readme.split("<!-- rules:start -->\n")[1].split("<!-- rules:end -->")[0]
    assert embedded == markdown_table(), "README is stale: run python -m solver.rules.catalogue README.md"


def test_default_yaml_lists_every_rule() -> None:
    text = (ROOT / "constraints" / "default.yaml").read_text(encoding="utf-8")
    for name in REGISTRY:
        assert f"\n{name}:" in text, name


def test_check_writes_the_same_report_for_a_hand_edited_schedule(tmp_path: Path) -> None:
    out = tmp_path / "solved"
    assert runner.invoke(cli, ["solve", str(ROOT / "inputs"), "--out", str(out), "--workers", "1"]).exit_code == 0
    solved_report = (out / "report.csv").read_text(encoding="utf-8")
    hand = tmp_path / "hand.csv"
    hand.write_text("session_id,room_id,slot_id\nEC-CNR,A-1100,J1-1330\nEC-COP,B-2310,J1-1330\n"
                    "EC-MIS,B-2305,J1-1330\n", encoding="utf-8")
    r = runner.invoke(cli, ["check", str(ROOT / "inputs"), "--schedule", str(hand), "--out", str(tmp_path / "rep")])
    assert r.exit_code == 2  # EC-COP (55) does not fit B-2310 (45)
    report = (tmp_path / "rep" / "report.md").read_text(encoding="utf-8")
    assert "EC-COP attend 55 personnes, mais Salle B-2310 compte 45 places (il en manque 10)" in report  # French
    assert "EC-MIS attend 40 personnes dans Salle B-2305 (60 places)\u00a0: 20 places vides — 20 × 1 = 20" in report
    assert "capacity_fit,soft,1,5,5,EC-CNR" in solved_report
    same = runner.invoke(cli, ["check", str(ROOT / "inputs"), "--schedule", str(out / "assignments.csv"),
                               "--out", str(tmp_path / "again")])
    assert same.exit_code == 0 and (tmp_path / "again" / "report.csv").read_text(encoding="utf-8") == solved_report
