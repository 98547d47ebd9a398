"""Why no schedule exists, in sentences: cheap pre-checks first, then a small infeasible core from CP-SAT.

Pre-checks read the problem directly (a session too big for every room, a speaker with no slot left, a pin
against a closure, more sessions of a kind than places). When they find nothing, the hard rules are rebuilt
with one guard literal per (rule, entity), CP-SAT is asked for a set of guards that cannot hold together
(`sufficient_assumptions_for_infeasibility`, one worker), and the set is shrunk by deletion within a time budget.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from solver.config import Config
from solver.engine.candidates import candidate_runs
from solver.engine.model import build_model
from solver.inputs import Problem, Session
from solver.inputs.values import format_time_fr
from solver.rules.base import Guards

# most specific first: what an organizer can change for one session or one person, then shared resources
SPECIFICITY = ("pins", "room_closures", "speaker_availability", "room_capacity", "room_features", "speaker_needs",
               "slot_kind",
               "order", "speaker_changeover", "speaker_conflict", "track_parallel", "avoid_parallel",
               "attendee_conflicts", "room_conflict", "track_room", "speaker_room", "speaker_days",
               "track_days", "room_preference", "slot_preference", "language_mix", "all_scheduled")


@dataclass(frozen=True)
class Finding:
    """One reason, as a sentence, and the ids it names (so a session's reasons can be looked up)."""

    sentence: str
    sessions: tuple[str, ...] = ()
    rule: str = ""


@dataclass
class Explanation:
    findings: list[Finding] = field(default_factory=list)
    method: str = ""  # "pre-check", "core", "none"
    seconds: float = 0.0
    complete: bool = True  # False when the core search ran out of time

    def sentences(self) -> list[str]:
        return [f.sentence for f in self.findings]

    def for_session(self, session_id: str) -> list[str]:
        return [f.sentence for f in self.findings if session_id in f.sessions]


def _when(day, start: int, end: int) -> str:
    return f"{day.isoformat()} {format_time_fr(start)}–{format_time_fr(end)}"


def _window(u) -> str:
    day, start, end = u.window
    text = f"{day.isoformat()} all day" if u.start is None else _when(day, start, end)
    return text + (f" ({u.note})" if u.note else "")



def precheck(problem: Problem, config: Config) -> list[Finding]:
    """Cheap, specific reasons that make a schedule impossible, each naming ids and numbers."""
    if not config.is_hard("all_scheduled"):
        return []
    found: list[Finding] = []
    by_kind_runs: dict[str, list] = {}
    for s in problem.sessions:
        found += _session_checks(problem, config, s, by_kind_runs)
    if config.is_hard("slot_kind") and config.is_hard("room_conflict"):
        found += _pigeonholes(problem, config)
    return found


def _session_checks(problem: Problem, config: Config, s: Session, cache: dict) -> list[Finding]:
    out: list[Finding] = []
    ids = (s.session_id,)
    rooms = list(problem.rooms)
    if config.is_hard("room_features") and s.requires:
        rooms = [r for r in rooms if set(s.requires) <= set(r.features)]
        if not rooms:
            have = {f: [r.room_id for r in problem.rooms if f in r.features] for f in s.requires}
            detail = "; ".join(f"{f}: {', '.join(v) if v else 'no room'}" for f, v in have.items())
            out.append(Finding(f"{s.session_id} requires {' and '.join(s.requires)}, but no room has all of them "
                               f"({detail})", ids, "room_features"))
            return out
    if config.is_hard("room_capacity") and rooms:
        largest = max(rooms, key=lambda r: r.capacity)
        if largest.capacity < s.attendance:
            among = f"the largest room with {' and '.join(s.requires)}" if s.requires else "the largest room"
            out.append(Finding(f"{s.session_id} expects {s.attendance}; {among}, {largest.name}, seats "
                               f"{largest.capacity}", ids, "room_capacity"))
    runs = candidate_runs(problem, s)
    if runs and config.is_hard("slot_kind"):  # before closures: a kind no slot has is the first thing to say
        kinds = [r for r in runs if all(slot.kind == s.kind for slot in r)]
        if not kinds:
            what = f"is of kind {s.kind} but no slot has that kind" if s.kind else \
                "has no kind but every slot is reserved for a kind"
            out.append(Finding(f"{s.session_id} {what}", ids, "slot_kind"))
            return out
        runs = kinds
    fitting = _usable(problem, config, s)
    if config.is_hard("room_closures") and fitting and runs and all(
            problem.unavailable_during(r.room_id, run) for r in fitting for run in runs):  # runs of its kind
        closed = "; ".join(f"{r.name} ({r.capacity}) is closed " + ", ".join(
            _window(u) for u in problem.unavailability if u.who == r.room_id) for r in fitting)
        out.append(Finding(f"{s.session_id} needs {s.attendance} seats" + (f" with {' and '.join(s.requires)}"
                           if s.requires else "") + f", and every such room is closed when it could run: {closed}",
                           (s.session_id, *(r.room_id for r in fitting)), "room_closures"))
        return out
    if not runs:
        out.append(Finding(f"{s.session_id} lasts {s.slots_needed} slots but no day has that many slots",
                           ids, "all_scheduled"))
        return out
    if s.slot:
        runs = [r for r in runs if r[0].slot_id == s.slot] or runs
    if config.is_hard("speaker_availability") and s.speakers:
        free = [r for r in runs if not any(problem.unavailable_during(who, r) for who in s.speakers)]
        if not free:
            blockers = sorted({who for r in runs for who in s.speakers if problem.unavailable_during(who, r)})
            windows = "; ".join(f"{problem.speaker[w].name}: " + ", ".join(_window(u) for u in problem.unavailability
                                                                          if u.who == w) for w in blockers)
            out.append(Finding(f"{s.session_id} has no slot its speakers can all attend ({windows})",
                               (s.session_id, *blockers), "speaker_availability"))
    if config.is_hard("pins") and (s.room or s.slot):
        out += _pin_checks(problem, config, s)
    return out


def _pin_checks(problem: Problem, config: Config, s: Session) -> list[Finding]:
    out: list[Finding] = []
    ids = (s.session_id,)
    room = problem.room.get(s.room or "")
    run = problem.run(s.slot, s.slots_needed) if s.slot else None
    if room and config.is_hard("room_capacity") and room.capacity < s.attendance:
        out.append(Finding(f"{s.session_id} is pinned to {room.name}, which seats {room.capacity}, but expects "
                           f"{s.attendance}", ids, "pins"))
    if room and run and config.is_hard("room_closures"):
        for u in problem.unavailable_during(room.room_id, run):
            out.append(Finding(f"{s.session_id} is pinned to {room.name} at {s.slot} "
                               f"({_when(run[0].day, run[0].start, run[-1].end)}), but the room is closed "
                               f"{_window(u)}", (s.session_id, room.room_id), "pins"))
    if run and config.is_hard("speaker_availability"):
        for who in s.speakers:
            for u in problem.unavailable_during(who, run):
                out.append(Finding(f"{s.session_id} is pinned to slot {s.slot}, but {problem.speaker[who].name} is "
                                   f"unavailable {_window(u)}", (s.session_id, who), "pins"))
    if s.slot and run is None:
        out.append(Finding(f"{s.session_id} is pinned to slot {s.slot}, but its {s.slots_needed} slots do not fit "
                           "before the day ends", ids, "pins"))
    return out


def _usable(problem: Problem, config: Config, s: Session) -> list:
    """The rooms `s` may use by features and capacity (as far as those rules are hard)."""
    features, capacity = config.is_hard("room_features"), config.is_hard("room_capacity")
    needs = set(s.requires)
    return [r for r in problem.rooms
            if not (features and not needs <= set(r.features)) and not (capacity and r.capacity < s.attendance)]


def _pigeonholes(problem: Problem, config: Config) -> list[Finding]:
    """More slot-units of a kind needed than places: (slot of that kind × open room that one of them can use)."""
    need: dict[str | None, list[Session]] = defaultdict(list)
    for s in problem.sessions:
        need[s.kind].append(s)
    out = []
    for kind, sessions in need.items():
        slots = [t for t in problem.slots if t.kind == kind]
        per_session = [_usable(problem, config, s) for s in sessions]
        if not all(per_session):
            continue  # a session no room suits is reported on its own
        usable = {r.room_id for rooms_of_s in per_session for r in rooms_of_s}
        rooms = [r for r in problem.rooms if r.room_id in usable]
        places = sum(1 for t in slots for r in rooms
                     if not (config.is_hard("room_closures") and problem.unavailable_during(r.room_id, (t,))))
        wanted = sum(s.slots_needed for s in sessions)
        if wanted > places:
            label = f"kind {kind}" if kind else "no kind"
            closed = len(slots) * len(rooms) - places
            unfit = len(problem.rooms) - len(rooms)
            detail = f"{len(slots)} slots × {len(rooms)} rooms" + (f" − {closed} closed" if closed else "")
            note = f" ({unfit} other room(s) suit none of them)" if unfit else ""
            out.append(Finding(f"{len(sessions)} sessions of {label} need {wanted} room-slots, but only {detail} = "
                               f"{places} places exist{note}", tuple(s.session_id for s in sessions), "slot_kind"))
    return out


# -- the CP-SAT core --------------------------------------------------------------------------------------------
def _say(problem: Problem, config: Config, rule: str, entity: str) -> Finding:
    """A guard of the core as a sentence."""
    s = problem.session.get(entity)
    if rule == "all_scheduled" and s:
        return Finding(f"{s.session_id} « {s.title} » must be scheduled", (entity,), rule)
    if rule == "room_conflict" and entity in problem.room:
        return Finding(f"{problem.room[entity].name} holds one session at a time", (), rule)
    if rule == "speaker_conflict" and entity in problem.speaker:
        mine = [x.session_id for x in problem.sessions_of(entity)]
        return Finding(f"{problem.speaker[entity].name} cannot be in two sessions at once ({', '.join(mine)})",
                       tuple(mine), rule)
    if rule == "speaker_availability" and entity in problem.speaker:
        windows = ", ".join(_window(u) for u in problem.unavailability if u.who == entity)
        theirs = tuple(x.session_id for x in problem.sessions_of(entity))
        return Finding(f"{problem.speaker[entity].name} is unavailable {windows}", theirs, rule)
    if rule == "room_closures" and entity in problem.room:
        windows = ", ".join(_window(u) for u in problem.unavailability if u.who == entity)
        return Finding(f"{problem.room[entity].name} is closed {windows}", (), rule)
    if rule == "room_capacity" and s:
        fits = [r.name for r in problem.rooms if r.capacity >= s.attendance]
        return Finding(f"{s.session_id} expects {s.attendance}: only {', '.join(fits) or 'no room'} seat that many",
                       (entity,), rule)
    if rule == "room_features" and s:
        return Finding(f"{s.session_id} requires {', '.join(s.requires)}", (entity,), rule)
    if rule == "slot_kind" and s:
        kinds = [t.slot_id for t in problem.slots if t.kind == s.kind]
        what = f"of kind {s.kind} goes only in slots " + ", ".join(kinds) if s.kind else "has no kind"
        return Finding(f"{s.session_id} {what}", (entity,), rule)
    if rule == "pins" and s:
        pins = " and ".join(x for x in (f"room {s.room}" if s.room else "", f"slot {s.slot}" if s.slot else "") if x)
        return Finding(f"{s.session_id} is pinned to {pins}", (entity,), rule)
    if rule == "order" and s:
        return Finding(f"{s.session_id} must start after {', '.join(s.after)} ended", (entity, *s.after), rule)
    summary = next((rc.rule.summary for rc in config.rules if rc.name == rule), rule)
    return Finding(f"{rule} ({entity}): {summary.split(':', 1)[-1].strip()}", (entity,), rule)


def core(problem: Problem, config: Config, time_limit: float = 10.0) -> Explanation:
    """A small set of hard-rule instances that cannot hold together, or an empty one if none is found."""
    t0 = time.perf_counter()
    hard = Config(tuple(rc for rc in config.rules if rc.settings.enabled and rc.settings.hard), config.files)
    guards = Guards(cp_model.CpModel())
    build_model(problem, hard, guards)
    keys = list(guards.literals)
    lits = [guards.literals[k] for k in keys]

    def infeasible(active: list[int], budget: float) -> tuple[bool | None, list[int]]:
        guards.model.clear_assumptions()
        guards.model.add_assumptions([lits[i] for i in active])
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = max(0.05, budget)
        status = solver.solve(guards.model)
        if status == cp_model.INFEASIBLE:
            chosen = set(solver.sufficient_assumptions_for_infeasibility())
            return True, [i for i in active if lits[i].index in chosen] or active
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return False, []
        return None, []

    verdict, kernel = infeasible(list(range(len(lits))), time_limit / 2)
    if not verdict:
        return Explanation([], "none", time.perf_counter() - t0, complete=verdict is not None)
    complete = True
    # deletion: try dropping each guard, least specific first; keep the drop when still infeasible
    order = sorted(kernel, key=lambda i: -SPECIFICITY.index(keys[i][0]) if keys[i][0] in SPECIFICITY else 0)
    for i in order:
        if i not in kernel:
            continue
        left = time_limit - (time.perf_counter() - t0)
        if left <= 0.05:
            complete = False
            break
        trial = [j for j in kernel if j != i]
        still, smaller = infeasible(trial, min(left, max(0.5, time_limit / 10)))
        if still:
            kernel = smaller
    findings = [_say(problem, config, *keys[i]) for i in kernel]
    findings.sort(key=lambda f: SPECIFICITY.index(f.rule) if f.rule in SPECIFICITY else len(SPECIFICITY))
    findings = _merge_sessions(findings)
    return Explanation(findings, "core", time.perf_counter() - t0, complete)


def _merge_sessions(findings: list[Finding]) -> list[Finding]:
    """Fold the "must be scheduled" guards into one closing sentence."""
    musts = [f for f in findings if f.rule == "all_scheduled"]
    rest = [f for f in findings if f.rule != "all_scheduled"]
    if len(musts) > 1:
        ids = tuple(s for f in musts for s in f.sessions)
        rest.append(Finding(f"…and sessions {', '.join(ids)} must all be scheduled", ids, "all_scheduled"))
    else:
        rest += musts
    return rest


def explain(problem: Problem, config: Config, time_limit: float = 10.0) -> Explanation:
    """Pre-checks first; when they find nothing, a CP-SAT core shrunk within `time_limit` seconds."""
    t0 = time.perf_counter()
    found = precheck(problem, config)
    if found:
        return Explanation(found, "pre-check", time.perf_counter() - t0)
    return core(problem, config, time_limit)
