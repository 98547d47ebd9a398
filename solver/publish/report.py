"""The score report: per rule its total penalty, and every violation as a sentence (report.md, report.csv).

Built from the judge's verdict on the finished schedule, never from the model's variables, so the same report
explains a solver's schedule and a hand-edited one. report.md is written in the verdict's language (its sentences'),
report.csv keeps its column names and modes for scripts.
"""

from __future__ import annotations

from solver.config import Config
from solver.judge import Judgement
from solver.language import say, say_n, speaking, unit
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
    """A summary table of every enabled rule, then each rule's violations as sentences, in the verdict's language."""
    with speaking(verdict.locale):
        return _markdown(config, verdict, objective, bound)


def _mode(mode: str) -> str:
    """A rule's mode as report.md says it."""
    return say("soft") if mode == "soft" else say("hard")


def _markdown(config: Config, verdict: Judgement, objective: int | None, bound: float | None) -> str:
    lines = ["# " + say("Score report"), ""]
    head = say("Total penalty: **{total}**", total=verdict.total)
    if objective is not None and bound is not None:
        head += " (" + say("CP-SAT objective {objective}, proven bound {bound}", objective=objective,
                           bound=format(bound, "g")) + ")"
    elif objective is not None:
        head += " (" + say("CP-SAT objective {objective}", objective=objective) + ")"
    lines += [head, ""]
    files = ", ".join(f"`{f}`" for f in constraint_file_names(config.files)) if config.files \
        else say("none (built-in defaults)")
    lines += [say("Constraint files: {files}", files=files), ""]
    if verdict.hard:
        lines += [say_n("**{n} hard rule violation: this schedule is not valid.**",
                        "**{n} hard rule violations: this schedule is not valid.**", len(verdict.hard)), ""]
    columns = (say("rule"), say("mode"), say("weight"), say("violations"), say("amount"), say("penalty"))
    lines += ["| " + " | ".join(columns) + " |", "|---|---|---:|---:|---:|---:|"]
    for rc in config.enabled:
        found = [v for v in verdict.hard + verdict.soft if v.rule == rc.name]
        amount = sum(v.amount for v in found)
        penalty = verdict.penalties.get(rc.name, 0) if rc.mode == "soft" else "—"
        weight = rc.settings.weight if rc.mode == "soft" else "—"
        lines.append(f"| {rc.name} | {_mode(rc.mode)} | {weight} | {len(found)} | {amount} | {penalty} |")
    structural = [v for v in verdict.hard if v.rule not in {rc.name for rc in config.enabled}]
    if structural:
        lines.append(f"| {structural[0].rule} | {_mode('hard')} | — | {len(structural)} | "
                     f"{sum(v.amount for v in structural)} | — |")
    lines.append("")
    for rc in [*config.enabled]:
        found = [v for v in verdict.hard + verdict.soft if v.rule == rc.name]
        if not found:
            continue
        if rc.mode == "soft":
            lines += ["## " + say("{rule}: {penalty} ({unit}, weight {weight})", rule=rc.name,
                                  penalty=verdict.penalties.get(rc.name, 0), unit=unit(rc.rule.unit),
                                  weight=rc.settings.weight), ""]
            lines += [f"- {v.message} — {v.amount} × {rc.settings.weight} = {v.amount * rc.settings.weight}"
                      for v in found]
        else:
            lines += ["## " + _hard_heading(rc.name, len(found)), ""]
            lines += [f"- {v.message}" for v in found]
        lines.append("")
    if structural:
        lines += ["## " + _hard_heading(structural[0].rule, len(structural)), ""]
        lines += [f"- {v.message}" for v in structural]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _hard_heading(rule: str, n: int) -> str:
    return say_n("{rule}: hard, {n} violation", "{rule}: hard, {n} violations", n, rule=rule)
