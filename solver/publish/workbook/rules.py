"""The « Règles » / "Rules" sheet: every rule of the catalogue with the mode, weight, level and parameters the
schedule was made with, for an organizer to change and give back to `salle import xlsx` (which writes them as
`constraints.yaml`: solver.importers.xlsx_rules).

Editable columns: mode (a list: off, soft, hard), weight (a whole number 0–10,000), level (0–2) and parameters
(`minutes=15; travel_minutes=30`). The others (can be, default, unit of penalty, meaning) are there to read.
"""

from __future__ import annotations

from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from solver.config import Config, default_config
from solver.importers.labels import COLUMNS, label
from solver.inputs.values import MAX_WEIGHT
from solver.language import speaking, summary, unit
from solver.publish.workbook.cells import Sheets

RULE_COLUMNS = ("rule", "mode", "weight", "level", "parameters", "modes", "default", "unit", "meaning")


def params_text(values: dict[str, object]) -> str:
    """`minutes=15; travel_minutes=30` (what the importer reads back)."""
    return "; ".join(f"{k}={v}" for k, v in values.items())


def rule_rows(config: Config | None) -> list[dict[str, object]]:
    """One row per rule of the catalogue, as `config` (default: the catalogue's own defaults) sets it."""
    rows: list[dict[str, object]] = []
    for rc in (config or default_config()).rules:
        rule = rc.rule
        default = "soft" if not rule.defaults.hard or "hard" not in rule.modes else "hard"
        default = default if rule.defaults.enabled else "off"
        said = summary(rule.summary)
        meaning = said.split(":", 1)[1].strip() if ":" in said else said
        rows.append({"rule": rc.name, "mode": rc.mode, "weight": rc.settings.weight, "level": rc.settings.level,
                     "parameters": params_text(rc.params.model_dump()), "modes": " / ".join(("off", *rule.modes)),
                     "default": default, "unit": unit(rule.unit), "meaning": meaning})
    return rows


def write_rules(sheets: Sheets, ws: Worksheet, config: Config | None, language: str) -> int:
    """The rules sheet, with drop-down modes and checked weights; returns its number of rows."""
    with speaking(language):  # the meanings and units in the workbook's language
        rows = rule_rows(config)
    sheets.write(ws, RULE_COLUMNS, rows, headers=[label(COLUMNS, c, language) for c in RULE_COLUMNS])
    last = len(rows) + 1
    modes = DataValidation(type="list", formula1='"off,soft,hard"', allow_blank=False, showErrorMessage=True,
                           error="off, soft or hard", errorTitle="mode")
    modes.add(f"B2:B{last}")
    weights = DataValidation(type="whole", operator="between", formula1="0", formula2=str(MAX_WEIGHT),
                             showErrorMessage=True, error=f"a whole number from 0 to {MAX_WEIGHT}",
                             errorTitle="weight")
    weights.add(f"C2:C{last}")
    levels = DataValidation(type="whole", operator="between", formula1="0", formula2="2", showErrorMessage=True,
                            error="0, 1 or 2", errorTitle="level")
    levels.add(f"D2:D{last}")
    for dv in (modes, weights, levels):
        ws.data_validations.append(dv)
    return len(rows)
