"""summary.json (issue 12): written with the other outputs by `solve` and by `check --out`, the judge's figures."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from solver.cli import cli

runner = CliRunner()


def test_solve_writes_summary_json_with_the_judges_figures(seed_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    mine = tmp_path / "mine.yaml"
    mine.write_text("capacity_fit:\n  weight: 2\n", encoding="utf-8")
    r = runner.invoke(cli, ["solve", str(seed_copy), "--out", str(out), "--constraints", str(mine)])
    assert r.exit_code == 0, r.output
    assert f"constraints: {mine}" in r.output
    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert data["command"] == "solve" and data["status"] == "optimal"
    assert data["counts"] == {"sessions": 3, "placed": 3, "unscheduled": 0, "moved": 0, "hard_violations": 0}
    assert data["objective"]["per_rule"]["capacity_fit"] == 30  # 15 empty seats at weight 2
    assert data["objective"]["total"] == sum(data["objective"]["per_rule"].values()) == 30
    assert data["bound"] == 30 and data["gap"] == 0 and data["bound_covers"] == "every rule"
    assert data["engine"] == "exact" and data["seconds"]["total"] >= 0
    assert data["constraint_files"] == [str(mine)]
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert set(data["files"]) == on_disk and "summary.json" in on_disk and "assignments.csv" in on_disk
    assert f"`{mine}`" in (out / "report.md").read_text(encoding="utf-8")


def test_check_out_writes_summary_json(seed_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert runner.invoke(cli, ["solve", str(seed_copy), "--out", str(out)]).exit_code == 0
    rows = list(csv.DictReader((out / "assignments.csv").open(encoding="utf-8")))
    for column in ("room_id", "room_name", "slot_id", "day", "start"):  # two sessions in one room: check it
        rows[1][column] = rows[0][column]
    edited = tmp_path / "edited.csv"
    with edited.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    report = tmp_path / "report"
    r = runner.invoke(cli, ["check", str(seed_copy), "--schedule", str(edited), "--out", str(report)])
    assert r.exit_code == 2 and "constraints: " in r.output
    data = json.loads((report / "summary.json").read_text(encoding="utf-8"))
    assert data["command"] == "check" and data["status"] == "hard violations"
    assert data["counts"]["hard_violations"] >= 1 and data["counts"]["placed"] == 3
    assert data["engine"] is None and data["bound"] is None
    assert data["neighbourhoods"] is None and data["local_search_runs"] is None
    assert sorted(data["files"]) == ["report.csv", "report.md", "summary.json"]
