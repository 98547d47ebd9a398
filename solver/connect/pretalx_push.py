"""`salle push pretalx`: a schedule (room and start per talk) written into pretalx's work-in-progress schedule.

A push is planned first against pretalx's current placements: each talk of the schedule is *unchanged*, *moved*
or *newly placed*; talks that are not in the schedule are never touched. The plan is printed; only with
`--apply` is it written, after pretalx's current placements are saved to a backup file (`restore` brings them
back from it, the same way). Each change is one request, so a push that fails halfway says what was written and
the same command finishes it: what is already in place counts as unchanged. `release` publishes the schedule.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from solver.connect.http import Client, ConnectError
from solver.connect.pretalx import Event, slot_order
from solver.errors import InputError, Issue, SalleError, shown
from solver.inputs import Problem
from solver.publish.view import entries
from solver.schedule import Schedule

BACKUP_FORMAT = "salle pretalx placements 1"


@dataclass(frozen=True)
class Change:
    """One pretalx slot: where it is now (`before`) and where the push puts it (`after`): (room id, start ISO);
    `minutes` the talk's length, `ends` when pretalx has it end now (a moved slot whose end pretalx did not
    follow is not in place yet)."""

    slot: int
    code: str
    title: str
    before: tuple[Any, str | None]
    after: tuple[Any, str | None]
    minutes: int | None = None
    ends: str | None = None

    @property
    def ends_right(self) -> bool:
        start, end = _instant(self.after[1]), _instant(self.ends)
        return self.minutes is None or start is None or (end is not None and
                                                          end - start == dt.timedelta(minutes=self.minutes))

    @property
    def kind(self) -> str:
        if _same(self.before, self.after) and self.ends_right:
            return "unchanged"
        if _same(self.before, self.after):
            return "end fixed"
        if self.after[1] is None:
            return "unplaced"
        return "placed" if self.before[1] is None or self.before[0] is None else "moved"


def _same(a: tuple[Any, str | None], b: tuple[Any, str | None]) -> bool:
    return a[0] == b[0] and _instant(a[1]) == _instant(b[1])


def _instant(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


@dataclass
class Plan:
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rooms: dict[Any, str] = field(default_factory=dict)  # pretalx room id -> its name

    def where(self, place: tuple[Any, str | None]) -> str:
        """`Room A, 2026-12-07 09:30` (or `unplaced`), for the user."""
        room, start = place
        moment = _instant(start)
        if moment is None or room is None:
            return "unplaced"
        return f"{self.rooms.get(room, f'room {room}')}, {moment.strftime('%Y-%m-%d %H:%M')}"

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)

    @property
    def todo(self) -> list[Change]:
        return [c for c in self.changes if c.kind != "unchanged"]


class PushFailed(SalleError):
    """pretalx refused or failed part way: `done` changes were written before it."""

    def __init__(self, reason: ConnectError, done: list[Change], total: int) -> None:
        self.reason, self.done, self.total = reason, done, total
        super().__init__(str(reason))


def plan_push(event: Event, problem: Problem, schedule: Schedule) -> Plan:
    """Where each talk of `schedule` goes in pretalx (room id and start), against where pretalx has it now."""
    plan = Plan(rooms={r.get("id"): event.text(r.get("name")) for r in event.rooms})
    rooms_by_name = {event.text(r.get("name")).casefold(): r.get("id") for r in event.rooms}
    room_ids = {r.get("id") for r in event.rooms}
    slots = {s.get("id"): s for s in event.slots}
    by_code: dict[str, list[dict]] = defaultdict(list)
    for s in sorted(event.slots, key=slot_order):
        if s.get("submission"):
            by_code[str(s["submission"])].append(s)
    used: set[Any] = set()
    missing: list[str] = []
    for e in entries(problem, schedule):
        session, room = e.session, e.room
        code = str(session.extra.get("pretalx_code") or session.session_id)
        slot = slots.get(_int(session.extra.get("pretalx_slot")))
        if slot is None or str(slot.get("submission")) != code or slot.get("id") in used:
            slot = next((s for s in by_code.get(code, ()) if s.get("id") not in used), None)
        if slot is None:
            missing.append(session.session_id)
            continue
        used.add(slot.get("id"))
        target = _int(room.extra.get("pretalx_id"))
        if target not in room_ids:
            target = rooms_by_name.get(room.name.casefold())
        if target is None:
            raise InputError([Issue("rooms.csv", f"room {shown(room.room_id)} ({room.name}) is not a room of pretalx "
                                                 "(no pretalx_id, no room of that name): add it in pretalx first",
                                    room.row, "pretalx_id")])
        start = event.aware(e.day, e.start)
        plan.changes.append(Change(slot["id"], code, session.title, (slot.get("room"), slot.get("start")),
                                   (target, start), e.end - e.start, slot.get("end")))
    if missing:
        plan.notes.append(f"{len(missing)} session(s) of the schedule have no slot in pretalx's work-in-progress "
                          f"schedule and are left out: {', '.join(missing[:10])}{' …' if len(missing) > 10 else ''}")
    return plan


def _int(value: Any) -> Any:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return value


def apply(client: Client, slug: str, plan: Plan, progress: Callable[[Change], None] = lambda c: None) -> list[Change]:
    """Write each change of the plan; PushFailed names what was written before a failure.

    A slot is moved with one PATCH of its room and start. pretalx (2025.2) keeps the slot's old end when its start
    changes, and lets no end be written for a talk, but recomputes the end of every placed slot of a talk when
    the talk's duration changes: so the duration is set one minute off, then back (two PATCHes of the talk)."""
    done: list[Change] = []
    todo = plan.todo
    for change in todo:
        room, start = change.after
        try:
            if not _same(change.before, change.after):
                client.request("PATCH", f"api/events/{slug}/slots/{change.slot}/", {"room": room, "start": start},
                               explain=lambda status, text: _no_write_api(client, status))
            if start is not None and change.minutes:
                for minutes in (change.minutes + 1, change.minutes):
                    client.request("PATCH", f"api/events/{slug}/submissions/{change.code}/", {"duration": minutes})
        except ConnectError as exc:
            raise PushFailed(exc, done, len(todo)) from None
        done.append(change)
        progress(change)
    return done


def _no_write_api(client: Client, status: int) -> str | None:
    if status == 405:
        return (f"pretalx at {client.base} does not let slots be changed through its API (HTTP 405): salle needs "
                "pretalx 2025.1 or newer")
    return None


def backup_data(event: Event, base_url: str) -> dict[str, Any]:
    """pretalx's placements of every talk slot of the work-in-progress schedule, as a backup file holds them."""
    return {"format": BACKUP_FORMAT, "pretalx": base_url, "event": event.slug,
            "saved": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "slots": [{"id": s.get("id"), "submission": s.get("submission"), "room": s.get("room"),
                       "start": s.get("start"), "end": s.get("end")}
                      for s in sorted(event.slots, key=slot_order) if s.get("submission")]}


def write_backup(path: Path, data: dict[str, Any]) -> None:
    """Written whole before any change, never over an existing file (an earlier backup is worth keeping)."""
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise InputError([Issue(str(path), "already exists: choose another --backup file (an earlier backup is "
                                           "kept as it is)")]) from None
    except OSError as exc:
        raise InputError([Issue(str(path), f"cannot be written ({exc.strerror})")]) from None
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def read_backup(path: Path, slug: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError([Issue(str(path), f"cannot be read as a backup of pretalx placements ({exc})")]) from None
    if not isinstance(data, dict) or data.get("format") != BACKUP_FORMAT or not isinstance(data.get("slots"), list):
        raise InputError([Issue(str(path), "is not a backup written by salle push pretalx")])
    if data.get("event") != slug:
        raise InputError([Issue(str(path), f"is a backup of event {shown(data.get('event'))}, not {shown(slug)}")])
    return [s for s in data["slots"] if isinstance(s, dict) and "id" in s]


def plan_restore(event: Event, saved: list[dict[str, Any]]) -> Plan:
    """Each saved slot back where the backup has it (placed, moved, or taken out of the grid). A release gives
    the work-in-progress schedule new slot ids: a slot is then found as the same talk's k-th slot."""
    plan = Plan(rooms={r.get("id"): event.text(r.get("name")) for r in event.rooms})
    now = {s.get("id"): s for s in event.slots}
    by_code: dict[str, list[dict]] = defaultdict(list)
    for s in sorted(event.slots, key=slot_order):
        if s.get("submission"):
            by_code[str(s["submission"])].append(s)
    seen: dict[str, int] = defaultdict(int)
    gone = 0
    for s in sorted(saved, key=slot_order):
        code = str(s.get("submission"))
        k = seen[code]
        seen[code] += 1
        current = now.get(s["id"])
        if current is None or str(current.get("submission")) != code:
            mine = by_code.get(code, [])
            current = mine[k] if k < len(mine) else None
        if current is None:
            gone += 1
            continue
        start, end = _instant(s.get("start")), _instant(s.get("end"))
        minutes = int((end - start).total_seconds() // 60) if start and end else None
        plan.changes.append(Change(current["id"], code, code, (current.get("room"), current.get("start")),
                                   (s.get("room"), s.get("start")), minutes, current.get("end")))
    if gone:
        plan.notes.append(f"{gone} slot(s) of the backup are no longer in pretalx's work-in-progress schedule")
    return plan


def release(client: Client, slug: str, version: str, comment: str | None) -> Any:
    body: dict[str, Any] = {"version": version}
    if comment:
        body["comment"] = comment
    return client.request("POST", f"api/events/{slug}/schedules/release/", body)
