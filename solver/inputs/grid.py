"""Time as CfPs give it: slots.csv rows that declare a grid, and sessions that give their length in minutes.

A slots.csv row with a `step` (minutes) stands for the slots of a regular grid from its start to its end: a row
`sat-am, 2025-02-01, 09:00, 12:30, step 5` is the 42 slots `sat-am-0900`, `sat-am-0905`, … `sat-am-1225`, all in
one block (the row's `block`, else its slot_id), so no session spans the gap between two rows (a break). Every
slot keeps the row's kind and label.

A session's `duration` (minutes) sets its `length` when it gives none: on a grid, the fewest steps that hold it
(a 25-minute talk takes 5 steps of 5 minutes, 3 of 10); where every slot has one length, the fewest slots; with
slots of mixed lengths (an imported frab programme) it stays one slot, and the rule `session_duration` keeps it
out of slots shorter than itself. It is published as lasting its duration, to the minute.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from solver.errors import Issue, shown
from solver.inputs.records import Session, Slot
from solver.inputs.values import MAX_LENGTH, format_time


def slot_id(row: Slot, minutes: int) -> str:
    """`sat-am-0905`: the row's id and the slot's start."""
    return f"{row.slot_id}-{format_time(minutes).replace(':', '')}"


def expand(rows: Iterable[Slot], issues: list[Issue]) -> list[Slot]:
    """The slots of slots.csv with every grid row replaced by its steps (ids checked unique again)."""
    out: list[Slot] = []
    for row in rows:
        if row.step is None:
            out.append(row)
            continue
        block = row.block or row.slot_id
        out.extend(row.model_copy(update={"slot_id": slot_id(row, t), "start": t, "end": t + row.step,
                                          "step": None, "block": block})
                   for t in range(row.start, row.end, row.step))
    seen: dict[str, Slot] = {}
    for s in out:
        if s.slot_id in seen:
            other = seen[s.slot_id]
            issues.append(Issue(Slot.FILE, f"slot id {shown(s.slot_id)} is made twice (rows {other.row} and "
                                           f"{s.row}): rename one of the rows", s.row, "slot_id"))
        seen[s.slot_id] = s
    return out


def step_of(rows: Iterable[Slot], issues: list[Issue]) -> int | None:
    """The minutes a duration is counted in: the grid's step, else the one length every slot shares, else None."""
    rows = list(rows)
    steps = {r.step for r in rows if r.step is not None}
    if len(steps) > 1:
        last = [r for r in rows if r.step is not None][-1]
        issues.append(Issue(Slot.FILE, f"grid rows have different steps ({', '.join(map(str, sorted(steps)))} "
                                       "minutes): give every grid row the same step", last.row, "step"))
        return None
    if steps:
        return steps.pop()
    lengths = {r.end - r.start for r in rows}
    return lengths.pop() if len(lengths) == 1 else None


def with_lengths(sessions: Iterable[Session], step: int | None, issues: list[Issue]) -> list[Session]:
    """Sessions giving a duration but no length get the length their duration takes on the grid."""
    out = []
    for s in sessions:
        if s.duration is not None and step:
            need = math.ceil(s.duration / step)
            if s.length is None:
                if need > MAX_LENGTH:
                    issues.append(Issue(Session.FILE, f"{s.duration} minutes are {need} steps of {step} minutes, "
                                                      f"more than {MAX_LENGTH}", s.row, "duration"))
                    continue
                s = s.model_copy(update={"length": need})
            elif s.length < need:
                issues.append(Issue(Session.FILE, f"{s.duration} minutes do not fit in {s.length} slot(s) of {step} "
                                                  f"minutes (length): leave length empty or make it {need}",
                                    s.row, "duration"))
        out.append(s)
    return out
