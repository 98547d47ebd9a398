"""What the page reads, as JSON-ready dicts: the conference (once), a tab's state, a move's sentences, and the
cells where a session would break a hard rule."""

from __future__ import annotations

import hashlib
from collections import defaultdict

from solver.config import RuleConfig
from solver.inputs import Problem, Slot
from solver.language import say, speaking, summary, unit
from solver.publish.locale import Texts
from solver.publish.locale import texts as locale_texts
from solver.rules.base import Placement, Violation
from solver.serve.desk import Desk
from solver.serve.i18n import desk_texts
from solver.serve.incremental import Change, Place

MAX_SENTENCES = 200  # per rule in the page's list (the counts and penalties are always complete)


PALETTE = 12  # track colours (desk.css .track-0 … .track-11), each 3:1 or more against the card's background


def track_colour(track: str) -> int:
    """A track's colour, the same in every run and every tab (a hash of its name)."""
    return int(hashlib.sha256(track.encode("utf-8")).hexdigest()[:8], 16) % PALETTE


def closed_rooms(problem: Problem) -> dict[str, list[str]]:
    """Day (ISO) -> the rooms closed for the whole of it (unavailability.csv covers each of its slots)."""
    out: dict[str, list[str]] = {}
    for day in problem.days:
        slots = [s for s in problem.slots if s.day == day]
        shut = [r.room_id for r in problem.rooms
                if slots and all(problem.unavailable_during(r.room_id, [s]) for s in slots)]
        if shut:
            out[day.isoformat()] = shut
    return out


def conference(problem: Problem, title: str, texts: Texts | None = None) -> dict:
    speakers = problem.speaker
    texts = texts or locale_texts("en")
    tracks = sorted({s.track for s in problem.sessions if s.track})
    return {
        "title": title, "lang": texts.lang,
        "texts": desk_texts(texts.name),
        "days": [d.isoformat() for d in problem.days],
        "day_labels": {d.isoformat(): texts.day(d) for d in problem.days},
        "closed": closed_rooms(problem),
        "colours": {t: track_colour(t) for t in tracks},
        "rooms": [{"id": r.room_id, "name": r.name, "capacity": r.capacity, "features": list(r.features)}
                  for r in problem.rooms],
        "slots": [{"id": s.slot_id, "day": s.day.isoformat(), "start": s.start, "end": s.end,
                   "label": texts.hours(s.start, s.end), "kind": s.kind or ""}
                  for s in sorted(problem.slots, key=lambda s: (s.day, s.start, s.end, s.slot_id))],
        "sessions": [{"id": s.session_id, "title": s.title, "track": s.track or "", "attendance": s.attendance,
                      "estimated": s.attendance_estimated, "length": s.length or 1, "kind": s.kind or "",
                      "speakers": [speakers[p].name if p in speakers else p for p in s.speakers]}
                     for s in problem.sessions],
    }


def _place(place: Place | None) -> list[str] | None:
    return None if place is None else [place[0], place[1]]


def sentence(v: Violation, hard: bool) -> dict:
    return {"rule": v.rule, "hard": hard, "message": v.message, "sessions": list(v.sessions)}


def state(desk: Desk) -> dict:
    live, config = desk.live, desk.config
    total, hard = live.totals()
    per_rule = []
    hard_sentences = [sentence(v, True) for v in live.structure]
    for rc in config.rules:
        found = live.found.get(rc.name, []) if rc.settings.enabled else []
        amount = sum(v.amount for v in found)
        per_rule.append({
            "rule": rc.name, "summary": summary(rc.rule.summary), "modes": ["off", *rc.rule.modes], "mode": rc.mode,
            "weight": rc.settings.weight, "count": len(found), "amount": amount, "unit": unit(rc.rule.unit),
            "penalty": rc.settings.weight * amount if rc.mode == "soft" else 0,
            "sentences": [sentence(v, rc.mode == "hard") for v in found[:MAX_SENTENCES]],
        })
        if rc.mode == "hard":
            hard_sentences += [sentence(v, True) for v in found]
    return {
        "version": desk.base_version, "saved_version": desk.shared.saved.version,
        "places": {sid: _place(p) for sid, p in live.places.items()},
        "pinned": sorted(desk.pinned), "frozen": sorted(desk.frozen()),
        "score": {"total": total, "hard": hard}, "rules": per_rule, "hard": hard_sentences,
        "undo": desk.undo_stack[-1].label if desk.undo_stack else None,
        "redo": desk.redo_stack[-1].label if desk.redo_stack else None,
        "changed_rules": sorted(desk.changed_rules()),
        "replan": replan(desk),
        "unsaved": bool(desk.moved() or desk.changed_rules()), "moved": sorted(desk.moved()),
    }


def replan(desk: Desk) -> dict | None:
    """The tab's re-plan as the page shows it: the sessions it keeps, pinned (here or in sessions.csv) or moved
    by hand, and the explanation's sentences saying "moved by hand" of the latter (the solver calls every
    session it must keep "pinned")."""
    run = desk.replan
    if run is None:
        return None
    payload = run.payload()
    problem = desk.shared.problem
    by_hand = {sid for sid in run.frozen if sid not in desk.pinned
               and not (sid in problem.session and (problem.session[sid].room or problem.session[sid].slot))}
    payload["pinned"] = [sid for sid in run.frozen if sid not in by_hand]
    payload["by_hand"] = [sid for sid in run.frozen if sid in by_hand]
    if run.reason:  # in the desk's language
        payload["message"] = desk.shared.t("replan_" + run.reason, n=len(payload["changes"]),
                                           limit=f"{run.time_limit:g}")
    with speaking(run.locale):  # the explanation's words for a pin (solver.rules.pins), said of a hand move
        swaps = [(say("{id} is pinned to", id=sid), say("{id} was moved by hand to", id=sid)) for sid in by_hand]
    for finding in payload["findings"]:
        for pinned, moved in swaps:
            finding["sentence"] = finding["sentence"].replace(pinned, moved)
    return payload


def change(ch: Change, desk: Desk) -> dict:
    soft = {rc.name: rc for rc in desk.config.enabled if not rc.settings.hard}  # the rest (structure too) is hard
    return {
        "new": [sentence(v, v.rule not in soft) for v in ch.new],
        "resolved": [sentence(v, v.rule not in soft) for v in ch.resolved],
        "delta": ch.total_after - ch.total_before, "hard_delta": ch.hard_after - ch.hard_before,
        "total": ch.total_after, "hard": ch.hard_after, "by_rule": by_rule(ch, soft),
    }


def by_rule(ch: Change, soft: dict[str, RuleConfig]) -> list[dict]:
    """How the move changed each soft rule, in the rule's own unit and in score (missed attendance, room
    changes…), in the request's language: the rules whose count changed, the largest change first."""
    amounts: dict[str, int] = defaultdict(int)
    for found, sign in ((ch.new, 1), (ch.resolved, -1)):
        for v in found:
            if v.rule in soft:
                amounts[v.rule] += sign * v.amount
    weight = {rule: rc.settings.weight for rule, rc in soft.items()}
    return [{"rule": rule, "amount": n, "unit": unit(soft[rule].rule.unit), "delta": n * weight[rule]}
            for rule, n in sorted(amounts.items(), key=lambda kv: (-abs(kv[1] * weight[kv[0]]), kv[0])) if n]


def picked_slots(problem: Problem, session_id: str, place: Place | None, day: str) -> list[Slot]:
    """The slot a drop at each start time of `day` means (as the page's `Desk.slotAt`): among the slots starting
    then, the first one as long as the session's current slot, else the first one."""
    now = problem.slot[place[1]] if place else None
    starts: dict[int, list[Slot]] = defaultdict(list)
    for slot in sorted(problem.slots, key=lambda s: (s.day, s.start, s.end, s.slot_id)):
        if slot.day.isoformat() == day:
            starts[slot.start].append(slot)
    out = []
    for here in starts.values():
        same = [s for s in here if now is not None and s.end - s.start == now.end - now.start]
        out.append((same or here)[0])
    return out


def blocked(desk: Desk, session_id: str, day: str, only: tuple[str, str] | None = None) -> list[list]:
    """[room, slot, rules] for each cell of `day` where the session would break a hard rule that decides per
    placement (its `cost`) or holds something exclusively (`owners`: a room, a speaker busy then): the cells a
    drop can mean (`picked_slots`), or the one (room, slot) in `only`. Rules linking sessions in other ways are
    judged after the drop."""
    problem, live, config = desk.shared.problem, desk.live, desk.config
    session = problem.session[session_id]
    hard = [rc for rc in config.enabled if rc.settings.hard]
    unary = [rc for rc in hard if rc.rule.cost is not None]
    exclusive = [rc for rc in hard if rc.rule.owners is not None]
    busy: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)  # (rule, owner) -> intervals
    for sid, p in live.placed.items():
        if sid == session_id or p.day.isoformat() != day:
            continue
        for rc in exclusive:
            for owner in rc.rule.owners(Placement(p.session, p.room, p.slots)):  # type: ignore[misc]
                busy[(rc.name, owner)] += [(s.start, s.end) for s in p.slots]
    if only is not None:
        slots, rooms = [problem.slot[only[1]]], [problem.room[only[0]]]
    else:
        slots, rooms = picked_slots(problem, session_id, live.places.get(session_id), day), list(problem.rooms)
    memo: dict[tuple[str, str], bool] = {}  # (rule, room or slot) for rules whose cost reads one of them only

    def breaks(rc: RuleConfig, placement: Placement) -> bool:
        key = {"room": placement.room.room_id, "time": placement.slots[0].slot_id}.get(rc.rule.scope)
        if key is None:
            return rc.rule.cost(problem, rc.params, placement) > 0  # type: ignore[misc]
        if (rc.name, key) not in memo:
            memo[(rc.name, key)] = rc.rule.cost(problem, rc.params, placement) > 0  # type: ignore[misc]
        return memo[(rc.name, key)]

    out: list[list] = []
    length = session.length or 1
    for slot in slots:
        run = live.run(slot.slot_id, length)
        for room in rooms:
            if run is None:
                out.append([room.room_id, slot.slot_id, [say("the day ends first")]])
                continue
            placement = Placement(session, room, run)
            rules = [rc.name for rc in unary if breaks(rc, placement)]
            for rc in exclusive:
                if any(a < e and s < b for owner in rc.rule.owners(placement)  # type: ignore[misc]
                       for a, b in busy.get((rc.name, owner), ()) for s, e in ((x.start, x.end) for x in run)):
                    rules.append(rc.name)
            if rules:
                out.append([room.room_id, slot.slot_id, rules])
    return out
