"""Soft: parallel sessions offer more than one language (column `language`); each one-language instant costs.

An instant counts when two or more sessions with a language run then and all share one language.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from solver.inputs import Problem
from solver.language import moment, say
from solver.rules.base import BuildContext, Counting, Instant, JudgeView, Params, Placement, RuleSettings, Violation
from solver.rules.clock import grid_instants
from solver.rules.findings import Finding

NAME = "language_mix"
DEFAULTS = RuleSettings(hard=False, weight=2)
MODES = ("hard", "soft")
UNIT = "instant offering one language only"
SPECIFICITY = 210


def links(problem: Problem, p: Placement) -> list:
    """Sessions with a language are linked through their day."""
    return [p.day] if p.session.language else []


def add(ctx: BuildContext) -> None:
    if len(ctx.problem.languages) < 2:
        return
    at: dict[Instant, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    sessions_at: dict[Instant, int] = defaultdict(int)
    for s in ctx.problem.sessions:
        if s.language:
            for instant, lits in ctx.index.running(s.session_id).items():
                at[instant][s.language].extend(lits)
                sessions_at[instant] += 1
    m = ctx.model
    for instant, by_language in sorted(at.items()):
        if sessions_at[instant] < 2:
            continue  # never two sessions with a language at this instant
        everything = [lit for lits in by_language.values() for lit in lits]
        parallel = m.new_bool_var("parallel")
        m.add(sum(everything) <= 1 + len(everything) * parallel)
        has = []
        for lits in by_language.values():
            h = m.new_bool_var("has_language")
            m.add(h <= sum(lits))
            has.append(h)
        mixed = m.new_bool_var("mixed")
        m.add(2 * mixed <= sum(has))
        m.add(parallel <= mixed + ctx.violation(name=f"{instant[0]}_{instant[1]}"))


def tally(ctx: Counting) -> None:
    """What the local search counts (the model above is its own): an instant where two or more sessions with a
    language run, all in one language."""
    if len(ctx.problem.languages) >= 2:
        ctx.mixed(lambda p: p.session.language or None)


def judge(view: JudgeView, params: Params) -> list[Violation]:
    if len(view.problem.languages) < 2:
        return []
    out = []
    for day in sorted({p.day for p in view.placed}):
        for t in grid_instants(view, day):
            running = [p for p in view.placed if p.day == day and p.session.language
                       and any(a <= t < b for a, b in p.intervals)]
            languages = {p.session.language for p in running}
            if len(running) >= 2 and len(languages) == 1:
                out.append(Violation(NAME, 1, say("{n} sessions run on {when}, all in {language}", n=len(running),
                                                  when=moment(day, t), language=languages.pop()),
                                     tuple(sorted(p.session.session_id for p in running))))
    return out


def core_sentence(problem: Problem, params: Params, entity: str) -> Finding | None:
    """A guard per instant (`2027-05-13_540`: a day and a slot start in minutes)."""
    day, _, minute = entity.rpartition("_")
    try:
        date = dt.date.fromisoformat(day)
    except ValueError:
        return None
    if not minute.isdigit():
        return None
    return Finding(say("the sessions running on {when} offer more than one language", when=moment(date, int(minute))),
                   (), NAME)
