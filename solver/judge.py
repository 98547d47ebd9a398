"""The independent judge: checks a finished schedule against every rule with plain Python.

It reads only the problem and the assignments (session, room, first slot), recomputes which slots each session
occupies from the input contract, and asks each rule's `judge` function; it shares no code with the model.
`salle check` and the tests use it to verify what the solver writes. Its sentences are in the conference's
language (solver.language: conference.yaml `locale`, else the data's), unless the caller speaks another one.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from solver.config import Config
from solver.inputs import Problem, Slot
from solver.language import day, for_conference, say
from solver.rules.base import JudgeView, Placed, Violation
from solver.schedule import Schedule

STRUCTURE = "one_room_one_slot"


def occupied_slots(problem: Problem, first: Slot, length: int) -> tuple[Slot, ...] | None:
    """The first slot and the next length−1 slots of its day in start-time order (None: the day ends first)."""
    same_day = sorted((s for s in problem.slots if s.day == first.day), key=lambda s: (s.start, s.end, s.slot_id))
    i = [s.slot_id for s in same_day].index(first.slot_id)
    run = same_day[i : i + length]
    return tuple(run) if len(run) == length else None


@dataclass
class Judgement:
    """What the judge found: hard violations (any one makes the schedule invalid) and soft penalties."""

    hard: list[Violation] = field(default_factory=list)
    soft: list[Violation] = field(default_factory=list)
    penalties: dict[str, int] = field(default_factory=dict)  # rule -> weight × amount
    locale: str = "en"  # the language of the sentences (report.md is written in it too)

    @property
    def ok(self) -> bool:
        return not self.hard

    @property
    def total(self) -> int:
        return sum(self.penalties.values())


def judge(problem: Problem, schedule: Schedule, config: Config) -> Judgement:
    """Check `schedule` against the enabled rules of `config` (and that no session has two places), in the
    conference's language unless a `solver.language.speaking` block chose one."""
    with for_conference(problem) as locale:
        return _judge(problem, schedule, config, Judgement(locale=locale))


def _judge(problem: Problem, schedule: Schedule, config: Config, verdict: Judgement) -> Judgement:
    counts = Counter(a.session_id for a in schedule.assignments)
    for s in problem.sessions:
        if counts[s.session_id] > 1:
            verdict.hard.append(Violation(STRUCTURE, counts[s.session_id] - 1,
                                          say("{id} is scheduled {n} times", id=s.session_id, n=counts[s.session_id]),
                                          (s.session_id,)))
    placed: list[Placed] = []
    seen: set[str] = set()
    for a in schedule.assignments:
        if a.session_id in seen:
            continue
        seen.add(a.session_id)
        session, room, first = problem.session[a.session_id], problem.room[a.room_id], problem.slot[a.slot_id]
        run = occupied_slots(problem, first, session.length or 1)
        if run is None:
            verdict.hard.append(Violation(
                STRUCTURE, 1,
                say("{id} lasts {n} slots but starting at {slot} the day ends first ({day})", id=session.session_id,
                    n=session.length, slot=first.slot_id, day=day(first.day)), (session.session_id,)))
            continue
        placed.append(Placed(session, room, run))
    view = JudgeView(problem, tuple(placed))
    penalties: dict[str, int] = defaultdict(int)
    for rc in config.enabled:
        found = rc.rule.judge(view, rc.params)
        if rc.settings.hard:
            verdict.hard.extend(found)
        else:
            verdict.soft.extend(found)
            penalties[rc.name] += rc.settings.weight * sum(v.amount for v in found)
    verdict.penalties = {k: v for k, v in penalties.items()}
    return verdict
