"""schedule.xlsx colours only what needs a look (red: a hard rule broken; amber: a soft penalty worth a look),
says so in a legend, and wraps titles in rows tall enough; report.md and summary.json never name salle's
installation."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from solver import app
from solver.config import load_config
from solver.judge import judge
from solver.publish.report import report_markdown, report_rows
from solver.publish.summary import SHIPPED, constraint_file_name, constraint_files_line, summary_json
from solver.publish.view import Conference, entries
from solver.publish.workbook import schedule_xlsx
from solver.publish.workbook.grid import SOFT, text_lines
from tests.conftest import ROOT
from tests.publish_cases import seed

AMBER = "00" + SOFT.fgColor.rgb[-6:]


def _bundled_book():  # type: ignore[no-untyped-def]
    problem, schedule = seed()
    config = load_config([ROOT / "constraints" / "default.yaml"])
    report = report_rows(config, judge(problem, schedule, config))
    data = schedule_xlsx(problem, schedule, entries(problem, schedule), report, conf=Conference(title="Colloque"))
    return problem, report, load_workbook(io.BytesIO(data))


def test_the_bundled_conference_is_not_all_amber() -> None:
    _, report, wb = _bundled_book()
    assert report and all(r["rule"] == "capacity_fit" for r in report)  # every session has a few empty seats
    for name in ("Affectations", "jeudi 13 mai"):
        ws = wb[name]
        filled = [c for row in ws.iter_rows(min_row=2) for c in row if c.value is not None]
        assert filled and not all(c.fill.fgColor.rgb == AMBER for c in filled), name
    grid = wb["jeudi 13 mai"]
    sessions = [c for row in grid.iter_rows(min_row=2, min_col=2) for c in row if c.value and c.comment]
    assert sessions and all(c.fill.fill_type is None for c in sessions)  # said in the comment, not coloured


def test_the_grid_has_a_legend_and_wraps_titles() -> None:
    _, _, wb = _bundled_book()
    grid = wb["jeudi 13 mai"]
    column_a = [c.value for c in grid["A"]]
    assert {"rouge", "ambre", "sans couleur"} <= set(column_a)
    assert "capacity_fit" in str(grid.cell(column_a.index("ambre") + 1, 2).value)
    titled = [c for row in grid.iter_rows(min_row=2, min_col=2) for c in row if isinstance(c.value, str)
              and c.comment]
    assert titled and all(c.alignment.wrap_text and c.alignment.vertical == "top" for c in titled)
    for cell in titled:  # a long title gets a row tall enough for its lines
        lines = text_lines(cell.value)
        if lines > 1:
            assert grid.row_dimensions[cell.row].height >= 15 * lines / 2, cell.coordinate


def test_text_lines_estimates_wrapping() -> None:
    assert text_lines("short") == 1
    assert text_lines("x" * 60, width=28) == 3
    assert text_lines("title\nAna, Bob") == 2


def test_reports_name_salles_own_constraints_without_its_path(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    files = app.resolve_constraints(None)
    assert files == [app.PACKAGED_CONSTRAINTS]
    config = load_config(files)
    problem, schedule = seed()
    verdict = judge(problem, schedule, config)
    installed = str(app.PACKAGED_CONSTRAINTS.parent)
    markdown = report_markdown(config, verdict)
    summary = summary_json(command="check", problem=problem, schedule=schedule, config=config, verdict=verdict,
                           out=tmp_path / "out", files=[])
    assert installed not in markdown and f"`{SHIPPED}`" in markdown
    assert installed not in summary and json.loads(summary)["constraint_files"] == [SHIPPED]
    assert constraint_files_line(config.files) == f"constraints: {SHIPPED}"


def test_a_file_inside_the_current_folder_is_named_relative_to_it(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.yaml").write_text("capacity_fit: false\n", encoding="utf-8")
    assert constraint_file_name(tmp_path / "mine.yaml") == "mine.yaml"
    assert constraint_file_name("mine.yaml") == "mine.yaml"
    elsewhere = tmp_path.parent / "elsewhere.yaml"
    assert constraint_file_name(elsewhere) == str(elsewhere)
