"""The workbook's Rules sheet round trip: change a weight in Excel, `salle import xlsx`, constraints.yaml, re-solve;
and a bad cell is one sentence naming the workbook, sheet, row and column."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from solver.cli import cli
from solver.config import load_config
from solver.errors import InputError
from solver.importers import import_xlsx
from solver.publish.view import entries
from solver.publish.workbook import schedule_xlsx
from tests.publish_cases import seed


def written_book(path: Path) -> Path:
    """salle's own schedule.xlsx of the bundled conference (French: the sheet is « Règles »)."""
    problem, schedule = seed()
    path.write_bytes(schedule_xlsx(problem, schedule, entries(problem, schedule), None))
    return path


def edit_rules(path: Path, changes: dict[tuple[str, str], object]) -> Path:
    """Set cells of the Règles sheet: (rule, column header) -> value."""
    wb = load_workbook(path)
    ws = wb["Règles"]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        for (rule, column), value in changes.items():
            if row[0].value == rule:
                row[header.index(column)].value = value
    wb.save(path)
    return path


def row_of(path: Path, rule: str) -> int:
    ws = load_workbook(path, read_only=True)["Règles"]
    return next(i for i, r in enumerate(ws.iter_rows(values_only=True), start=1) if r[0] == rule)


def test_a_weight_changed_in_the_sheet_is_applied(tmp_path: Path) -> None:
    """track_room 5 → 7 and capacity_fit off in Excel: import writes DIR/constraints.yaml, which `salle rules`
    shows and every command reading DIR applies after the defaults."""
    path = edit_rules(written_book(tmp_path / "schedule.xlsx"),
                      {("track_room", "poids"): 7, ("capacity_fit", "mode"): "off",
                       ("speaker_changeover", "paramètres"): "minutes=20; travel_minutes=45"})
    runner = CliRunner()
    result = runner.invoke(cli, ["import", "xlsx", str(path), "--out", str(tmp_path / "in")])
    assert result.exit_code == 0, result.output
    assert f"the Règles sheet is {tmp_path / 'in' / 'constraints.yaml'}" in result.output.replace("\n", " ")
    text = (tmp_path / "in" / "constraints.yaml").read_text(encoding="utf-8")
    assert "track_room:\n  enabled: true\n  hard: false\n  weight: 7\n  level: 0\n" in text
    assert "capacity_fit:\n  enabled: false\n  weight: 1\n" in text
    config = load_config([Path("constraints/default.yaml"), tmp_path / "in" / "constraints.yaml"])
    assert config["track_room"].settings.weight == 7 and config["capacity_fit"].mode == "off"
    assert config["speaker_changeover"].params.model_dump() == {"minutes": 20, "travel_minutes": 45}
    assert config["room_capacity"].mode == "hard" and config["room_capacity"].settings.weight == 10
    shown = runner.invoke(cli, ["rules", "--constraints", str(tmp_path / "in" / "constraints.yaml")],
                          env={"COLUMNS": "120"})
    assert shown.exit_code == 0, shown.output
    lines = {line.split("│")[1].strip(): line for line in shown.output.splitlines() if line.count("│") > 3}
    assert [c.strip() for c in lines["track_room"].split("│")[2:4]] == ["soft", "7"]
    assert [c.strip() for c in lines["capacity_fit"].split("│")[2:4]] == ["off (default soft)", "1"]


def test_an_unchanged_sheet_reads_back_as_the_rules_it_lists(tmp_path: Path) -> None:
    done = import_xlsx(written_book(tmp_path / "schedule.xlsx"), tmp_path / "in")
    assert tmp_path / "in" / "constraints.yaml" in done.written
    back = load_config([tmp_path / "in" / "constraints.yaml"])
    default = load_config([])
    assert [(r.name, r.mode, r.settings.weight, r.params) for r in back.rules] == [
        (r.name, r.mode, r.settings.weight, r.params) for r in default.rules]


def test_bad_cells_are_named_by_sheet_row_and_column(tmp_path: Path) -> None:
    path = edit_rules(written_book(tmp_path / "schedule.xlsx"),
                      {("track_room", "mode"): "parfois", ("track_days", "poids"): "beaucoup",
                       ("capacity_fit", "mode"): "hard", ("order", "poids"): 20000,
                       ("speaker_changeover", "paramètres"): "minuts=20"})
    with pytest.raises(InputError) as exc:
        import_xlsx(path, tmp_path / "in")
    rows = {rule: row_of(path, rule) for rule in ("track_room", "track_days", "capacity_fit", "order",
                                                   "speaker_changeover")}
    assert [str(i) for i in exc.value.issues] == [
        f"schedule.xlsx [Règles]:{rows['capacity_fit']}: mode: rule capacity_fit can only be soft (or off), got hard",
        f"schedule.xlsx [Règles]:{rows['track_room']}: mode: expected off, soft or hard, got 'parfois'",
        f"schedule.xlsx [Règles]:{rows['track_days']}: poids: must be a whole number from 0 to 10,000, got "
        "'beaucoup'",
        f"schedule.xlsx [Règles]:{rows['speaker_changeover']}: paramètres: speaker_changeover has no parameter "
        "'minuts' (its parameters: minutes, travel_minutes); did you mean 'minutes'?",
        f"schedule.xlsx [Règles]:{rows['order']}: poids: must be a whole number from 0 to 10,000, got '20000'"]
    assert not (tmp_path / "in").exists()
    result = CliRunner().invoke(cli, ["import", "xlsx", str(path), "--out", str(tmp_path / "in")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "schedule.xlsx [Règles]" in result.output and not (tmp_path / "in").exists()


def test_unknown_and_repeated_rules(tmp_path: Path) -> None:
    path = written_book(tmp_path / "schedule.xlsx")
    wb = load_workbook(path)
    ws = wb["Règles"]
    ws.append(["room_capacty", "hard", 10])
    ws.append(["pins", "soft", 3])
    wb.save(path)
    with pytest.raises(InputError) as exc:
        import_xlsx(path, tmp_path / "in")
    last = ws.max_row
    assert [str(i) for i in exc.value.issues] == [
        f"schedule.xlsx [Règles]:{last - 1}: règle: unknown rule 'room_capacty'; did you mean 'room_capacity'?",
        f"schedule.xlsx [Règles]:{last}: règle: rule pins is already on row {row_of(path, 'pins')}: keep one row "
        "per rule"]


def test_english_headers_and_blank_cells(tmp_path: Path) -> None:
    """An organizer's own Rules sheet: English headers, only the rules to change, a blank weight kept."""
    from tests.test_import_xlsx import organizer_book

    path = organizer_book(tmp_path / "orga.xlsx")
    wb = load_workbook(path)
    ws = wb.create_sheet("Rules")
    ws.append(["Rule", "Mode", "Weight"])
    ws.append(["track_room", "hard", None])
    ws.append(["capacity_fit", "Soft", 2.0])
    ws.append(["speaker_days", None, 4])
    wb.save(path)
    import_xlsx(path, tmp_path / "in")
    assert (tmp_path / "in" / "constraints.yaml").read_text(encoding="utf-8").splitlines()[1:] == [
        "track_room:", "  enabled: true", "  hard: true", "capacity_fit:", "  enabled: true", "  hard: false",
        "  weight: 2", "speaker_days:", "  weight: 4"]


def test_a_parameter_the_reader_refuses_is_placed_on_its_row(tmp_path: Path) -> None:
    """A parameter that is not a whole number (a choice, a time zone) is checked by the constraint-file reader;
    its sentence still names the sheet, the rule's row and the parameters column."""
    path = edit_rules(written_book(tmp_path / "schedule.xlsx"),
                      {("presenter_timezone", "paramètres"): "timezone=UTC; span=week"})
    with pytest.raises(InputError) as exc:
        import_xlsx(path, tmp_path / "in")
    [issue] = exc.value.issues
    assert (issue.file, issue.row, issue.column) == ("schedule.xlsx [Règles]", row_of(path, "presenter_timezone"),
                                                     "paramètres")
    assert issue.message.startswith("span: ") and "'slot'" in issue.message


def test_assignments_sheet_errors_name_its_own_headers(tmp_path: Path) -> None:
    """« Affectations » is read back by its French headers; a bad id is reported under the header shown."""
    path = written_book(tmp_path / "schedule.xlsx")
    wb = load_workbook(path)
    ws = wb["Affectations"]
    assert [c.value for c in ws[1]][9] == "salle"
    ws.cell(2, 10).value = "Z-999"
    wb.save(path)
    with pytest.raises(InputError) as exc:
        import_xlsx(path, tmp_path / "in")
    assert [str(i) for i in exc.value.issues] == ["schedule.xlsx [Affectations]:2: salle: unknown id 'Z-999'"]
