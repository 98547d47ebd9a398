"""The score report: per rule its total penalty, and every violation as a sentence (report.md, report.csv).

Built from the judge's verdict on the finished schedule, never from the model's variables, so the same report
explains a solver's schedule and a hand-edited one.
"""

from __future__ import annotations

from solver.config import Config
from solver.judge import Judgement
from solver.publish.summary import constraint_file_names
from solver.publish.tables import to_csv

REPORT_COLUMNS = ("rule", "mode", "weight", "amount", "penalty", "sessions", "message")


def report_rows(config: Config, verdict: Judgement) -> list[dict[str, str]]:
    """One row per violation (hard ones first), with its amount and what it costs."""
    rows = []
    for v in verdict.hard + verdict.soft:
        rc = next((r for r in config.rules if r.name == v.rule), None)
        mode = rc.mode if rc else "hard"
        weight = rc.settings.weight if rc and mode == "soft" else 0
        rows.append({"rule": v.rule, "mode": mode, "weight": str(weight), "amount": str(v.amount),
                     "penalty": str(weight * v.amount) if mode == "soft" else "", "sessions": ";".join(v.sessions),
                     "message": v.message})
    return rows


def report_csv(config: Config, verdict: Judgement) -> str:
    return to_csv(report_rows(config, verdict), REPORT_COLUMNS)


def report_markdown(config: Config, verdict: Judgement, objective: int | None = None,
                    bound: float | None = None) -> str:
    """A summary table of every enabled rule, then each rule's violations as sentences."""
    lines = ["# Score report", ""]
    total = verdict.total
    head = f"Total penalty: **{total}**"
    if objective is not None:
        head += f" (CP-SAT objective {objective}" + (f", proven bound {bound:g})" if bound is not None else ")")
    lines += [head, ""]
    lines += ["Constraint files: " + (", ".join(f"`{f}`" for f in constraint_file_names(config.files))
                                      if config.files
                                      else "none (built-in defaults)"), ""]
    if verdict.hard:
        lines += [f"**{len(verdict.hard)} hard rule violation(s): this schedule is not valid.**", ""]
    lines += ["| rule | mode | weight | violations | amount | penalty |", "|---|---|---:|---:|---:|---:|"]
    for rc in config.enabled:
        found = [v for v in verdict.hard + verdict.soft if v.rule == rc.name]
        amount = sum(v.amount for v in found)
        penalty = verdict.penalties.get(rc.name, 0) if rc.mode == "soft" else "—"
        weight = rc.settings.weight if rc.mode == "soft" else "—"
        lines.append(f"| {rc.name} | {rc.mode} | {weight} | {len(found)} | {amount} | {penalty} |")
    structural = [v for v in verdict.hard if v.rule not in {rc.name for rc in config.enabled}]
    if structural:
        lines.append(f"| {structural[0].rule} | hard | — | {len(structural)} | "
                     f"{sum(v.amount for v in structural)} | — |")
    lines.append("")
    for rc in [*config.enabled]:
        found = [v for v in verdict.hard + verdict.soft if v.rule == rc.name]
        if not found:
            continue
        if rc.mode == "soft":
            lines += [f"## {rc.name}: {verdict.penalties.get(rc.name, 0)} "
                      f"({rc.rule.unit}, weight {rc.settings.weight})", ""]
            lines += [f"- {v.message} — {v.amount} × {rc.settings.weight} = {v.amount * rc.settings.weight}"
                      for v in found]
        else:
            lines += [f"## {rc.name}: hard, {len(found)} violation(s)", ""]
            lines += [f"- {v.message}" for v in found]
        lines.append("")
    if structural:
        lines += [f"## {structural[0].rule}: hard, {len(structural)} violation(s)", ""]
        lines += [f"- {v.message}" for v in structural]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
