"""The desk's draft: each accepted gesture of a tab with unsaved work is written to OUT/.salle-desk-draft.json
(all-or-nothing, solver.publish.atomic), so a reload, a closed tab or a crash of the server loses nothing: a new
page offers to restore it or discard it. One draft per output folder: the last tab that changed something owns
it; a save from that tab removes it. Never one of the organizer's files (a hidden name in --out, which salle
alone writes)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
from pathlib import Path

from solver.errors import SalleError
from solver.language import say
from solver.publish.atomic import write_atomically
from solver.serve.desk import Desk
from solver.serve.incremental import MoveRefused, Place

NAME = ".salle-desk-draft.json"
MAX_DRAFT = 16 * 1024 * 1024  # bytes read back at most


def path(desk: Desk) -> Path:
    return desk.shared.out / NAME


def read(desk: Desk) -> dict | None:
    """The draft on disk, or None (absent, unreadable or not a draft)."""
    where = path(desk)
    try:
        if where.stat().st_size > MAX_DRAFT:
            return None
        data = json.loads(where.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != 1 or not isinstance(data.get("moves"), list):
        return None
    return data


def write(desk: Desk) -> None:
    """The tab's unsaved work as the draft (removed when there is none left and the draft is this tab's)."""
    moved = desk.moved()
    rules = desk.changed_rules()
    if not moved and not rules:
        drop(desk, own_only=True)
        return
    data = {
        "format": 1, "desk": desk.id, "at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "base_version": desk.base_version, "base_digest": desk.shared.saved.digest,
        "moves": [[sid, *(place or (None, None))] for sid, place in sorted(moved.items())],
        "pinned": sorted(desk.pinned), "rules": rules,
    }
    try:
        write_atomically({path(desk): json.dumps(data, ensure_ascii=False, indent=1) + "\n"})
    except (SalleError, OSError) as exc:  # the gesture stands; only its safety copy is missing
        logging.getLogger("salle").warning("salle serve: cannot write the desk's draft: %s", exc)


def drop(desk: Desk, own_only: bool = False) -> None:
    """Remove the draft (when `own_only`, only if this tab wrote it)."""
    if own_only:
        data = read(desk)
        if data is None or data.get("desk") != desk.id:
            return
    with contextlib.suppress(OSError):
        path(desk).unlink(missing_ok=True)


def offer(desk: Desk) -> dict | None:
    """What the page shows about a draft another tab (or a server now gone) left, or None."""
    data = read(desk)
    if data is None or data.get("desk") == desk.id:
        return None
    return {"at": str(data.get("at", ""))[:40], "moves": len(data["moves"]), "pinned": len(data.get("pinned", [])),
            "rules": sorted(data.get("rules", {}))[:50],
            "other_version": data.get("base_digest") != desk.shared.saved.digest}


def restore(desk: Desk) -> int:
    """Apply the draft to this tab as one undoable step (its pins and rule settings too); the moves applied.
    The draft is this tab's from then on."""
    data = read(desk)
    if data is None:
        raise MoveRefused(say("there is no draft to restore"))
    problem = desk.shared.problem
    moves: list[tuple[str, Place | None]] = []
    for row in data["moves"]:
        if not (isinstance(row, list) and len(row) == 3 and row[0] in problem.session):
            continue
        sid, room, slot = row
        if room is None and slot is None:
            moves.append((sid, None))
        elif room in problem.room and slot in problem.slot and problem.run(slot, problem.session[sid].length or 1):
            moves.append((sid, (room, slot)))
    moves = [(sid, place) for sid, place in moves if desk.live.places.get(sid) != place]
    with desk.lock:
        if moves:
            desk.apply(moves, "draft")
        desk.pinned |= {sid for sid in data.get("pinned", []) if isinstance(sid, str) and sid in problem.session}
        known = {rc.name for rc in desk.config.rules}
        rules = data.get("rules")
        for name, settings in (rules.items() if isinstance(rules, dict) else ()):
            if name not in known or not isinstance(settings, dict):
                continue  # a rule gone from the files: left as they say
            kept = {k: v for k, v in settings.items() if (k in ("enabled", "hard") and isinstance(v, bool))
                    or (k == "weight" and type(v) is int and v >= 0)}
            if kept:
                desk.config = desk.config.with_settings(name, **kept)
        desk.live.set_config(desk.config)
    write(desk)
    return len(moves)
