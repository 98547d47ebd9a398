"""A schedule as CoSPLib's solution workbook (sheet `sol`), which the library's own checker reads.

Layout: row 1 holds the rooms (column A empty); then one row per block (its name in column A, the track each
room hosts in that block); a blank row; then, block after block, one row per slot of the block (the block's name
in column A, the submission each room presents at that slot; a submission over several slots fills each of them).
Names are the library's own when the inputs were imported with `salle import cosplib` (INPUTS/cosplib.json keeps
them exactly), else salle's ids and track names.
"""

from __future__ import annotations

import io
from collections import defaultdict
from typing import Any

from openpyxl import Workbook

from solver.inputs import Problem
from solver.schedule import Schedule

SHEET = "sol"


def solution_rows(problem: Problem, schedule: Schedule, names: dict[str, Any] | None = None) -> list[list[Any]]:
    """The cells of sheet `sol`, row by row (None where a cell is empty)."""
    names = names or {}
    room_name = names.get("rooms", {})
    block_name = names.get("blocks", {})
    track_name = names.get("tracks", {})
    session_name = names.get("sessions", {})
    order = names.get("room_order") or [r.room_id for r in problem.rooms]
    rooms = [r for r in order if r in problem.room] + [r.room_id for r in problem.rooms if r.room_id not in order]
    blocks = problem.blocks
    position = {s.slot_id: (problem.block_of(s), k) for b, slots in problem.block_slots.items()
                for k, s in enumerate(slots)}
    track: dict[tuple[str, str], str] = {}
    held: dict[tuple[str, str, int], str] = {}
    firsts: dict[tuple[str, str], int] = defaultdict(lambda: 10**9)
    for a in schedule.assignments:
        session = problem.session.get(a.session_id)
        if session is None or a.slot_id not in position or a.room_id not in problem.room:
            continue
        block, k = position[a.slot_id]
        for i in range(session.slots_needed):
            held[(block, a.room_id, k + i)] = session_name.get(session.session_id, session.session_id)
        if session.track and k < firsts[(block, a.room_id)]:
            firsts[(block, a.room_id)] = k
            track[(block, a.room_id)] = track_name.get(session.track, session.track)
    rows: list[list[Any]] = [[None, *(room_name.get(r, problem.room[r].name) for r in rooms)]]
    for block in blocks:
        rows.append([block_name.get(block, block), *(track.get((block, r)) for r in rooms)])
    rows.append([None] * (len(rooms) + 1))
    for block in blocks:
        for k in range(len(problem.block_slots[block])):
            rows.append([block_name.get(block, block), *(held.get((block, r, k)) for r in rooms)])
    return rows


def solution_workbook(problem: Problem, schedule: Schedule, names: dict[str, Any] | None = None) -> bytes:
    """The .xlsx file's bytes."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    for row in solution_rows(problem, schedule, names):
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
