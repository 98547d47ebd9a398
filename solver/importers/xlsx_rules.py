"""A workbook's « Règles » / "Rules" sheet as `constraints.yaml`: what an organizer changed in Excel, re-solved.

Row 1 names the columns (French or English, or the keys: rule, mode, weight, level, parameters); each row below
is one rule: mode `off`, `soft` or `hard`, weight a whole number 0–10,000, level 0–2, parameters
`minutes=15; travel_minutes=30`. A blank cell leaves that setting to the files applied before (the defaults);
other columns (can be, default, meaning…) are read by people only. Every rule named is written, so the file
says everything the sheet says; it is layered after constraints/default.yaml like any constraints file.
A bad cell is one sentence naming the workbook, sheet, row and column:
`orga.xlsx [Règles]:14: poids: must be a whole number from 0 to 10,000, got 'beaucoup'`.
"""

from __future__ import annotations

import difflib
import tempfile
from pathlib import Path

import yaml
from pydantic import ValidationError

from solver.config import load_config
from solver.errors import InputError, Issue, shown
from solver.importers.folder import Table
from solver.importers.labels import column_key
from solver.inputs.values import MAX_WEIGHT
from solver.rules import REGISTRY

MODES = ("off", "soft", "hard")
WRITTEN = "# written by salle import xlsx from {source} (its {sheet} sheet): every rule as the sheet sets it\n"


def _whole(text: str, low: int, high: int) -> int | None:
    """`text` as a whole number in [low, high] (`10`, `10.0`), else None."""
    try:
        number = float(text.replace("\u00a0", "").replace(" ", ""))
    except ValueError:
        return None
    if not number.is_integer() or not low <= number <= high:
        return None
    return int(number)


def _params(text: str, rule: str) -> tuple[dict[str, object], str | None]:
    """`minutes=15; travel_minutes=30` as {name: value}, or the reason it cannot be read. Whole-number
    parameters are checked here, the others (a time zone, a choice) by the constraint-file reader."""
    fields = REGISTRY[rule].params.model_fields
    allowed = list(fields)
    values: dict[str, object] = {}
    for part in filter(None, (p.strip() for p in text.replace(",", ";").split(";"))):
        name, equals, value = (s.strip() for s in part.partition("="))
        if not equals:
            return {}, f"expected name=value pairs separated by ';' (e.g. minutes=15), got {shown(part)}"
        if name not in allowed:
            near = difflib.get_close_matches(name, allowed, n=1)
            hint = f"; did you mean '{near[0]}'?" if near else ""
            return {}, (f"{rule} has no parameter {shown(name)} (its parameters: "
                        f"{', '.join(allowed) or 'none'}){hint}")
        if fields[name].annotation is not int:
            values[name] = value
            continue
        number = _whole(value, 0, MAX_WEIGHT)
        if number is None:
            return {}, f"{name} must be a whole number from 0 to {MAX_WEIGHT:,}, got {shown(value)}"
        values[name] = number
    return values, None


def rules_yaml(table: Table, where: str, source: str, sheet: str) -> str:
    """The sheet as constraint-file text, checked cell by cell and then by the constraint-file reader."""
    header = {column_key(c): c for c in table.columns}
    if "rule" not in header or "mode" not in header:
        raise InputError([Issue(where, "row 1 must name at least the columns rule and mode (règle, mode), with "
                                       "weight (poids) and level, parameters when you change them")])
    issues: list[Issue] = []
    settings: dict[str, dict[str, object]] = {}
    seen: dict[str, int] = {}
    for number, row in enumerate(table.rows, start=2):
        if row is None:
            continue
        cell = {key: row.get(column, "").strip() for key, column in header.items()}
        name = cell["rule"]
        if name not in REGISTRY:
            near = difflib.get_close_matches(name, list(REGISTRY), n=1)
            hint = f"; did you mean '{near[0]}'?" if near else " (salle rules lists them)"
            issues.append(Issue(where, f"unknown rule {shown(name)}{hint}", number, header["rule"]))
            continue
        if name in seen:
            issues.append(Issue(where, f"rule {name} is already on row {seen[name]}: keep one row per rule",
                                number, header["rule"]))
            continue
        seen[name] = number
        rule, mine = REGISTRY[name], dict[str, object]()
        mode = cell["mode"].lower()
        if not mode:
            pass  # left to the files applied before
        elif mode not in MODES:
            issues.append(Issue(where, f"expected off, soft or hard, got {shown(cell['mode'])}", number,
                                header["mode"]))
        elif mode != "off" and mode not in rule.modes:
            issues.append(Issue(where, f"rule {name} can only be {' or '.join(rule.modes)} (or off), got {mode}",
                                number, header["mode"]))
        else:
            mine["enabled"] = mode != "off"
            if mode != "off":
                mine["hard"] = mode == "hard"
        for key, high in (("weight", MAX_WEIGHT), ("level", 2)):
            if cell.get(key):
                value = _whole(cell[key], 0, high)
                if value is None:
                    issues.append(Issue(where, f"must be a whole number from 0 to {high:,}, got {shown(cell[key])}",
                                        number, header[key]))
                else:
                    mine[key] = value
        if cell.get("parameters"):
            params, problem = _params(cell["parameters"], name)
            if problem:
                issues.append(Issue(where, problem, number, header["parameters"]))
            mine.update(params)
        settings[name] = mine
    if issues:
        raise InputError(issues)
    text = WRITTEN.format(source=source, sheet=sheet) + yaml.safe_dump(settings, sort_keys=False,
                                                                        allow_unicode=True)
    _check(text, where, seen, header)
    return text


def _check(text: str, where: str, rows: dict[str, int], header: dict[str, str]) -> None:
    """What the constraint-file reader says of the result (a level on a hard rule…), placed on its rule's row."""
    with tempfile.TemporaryDirectory(prefix="salle-rules-") as tmp:
        path = Path(tmp) / "constraints.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            load_config([path])
        except InputError as exc:
            issues = []
            for i in exc.issues:
                rule, _, key = (i.column or "").partition(".")
                if key in header:
                    issues.append(Issue(where, i.message, rows.get(rule), header[key]))
                else:
                    issues.append(Issue(where, f"{key}: {i.message}" if key else i.message, rows.get(rule),
                                        header.get("parameters", i.column)))
            raise InputError(issues) from None
        except ValidationError as exc:  # pragma: no cover - load_config reports its own
            raise InputError([Issue(where, str(exc))]) from None
