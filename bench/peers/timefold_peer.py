"""Timefold Solver (Python API over the JVM): construction heuristic then local search on a constraint-stream model.

Planning entity: a session, with two planning variables, its room and its first slot. Hard constraints (each
penalized by the size of the violation): room conflict and speaker conflict (sessions overlapping in slot
positions), room capacity (seats short), room features, slot kind, pins, speaker unavailability, room closures,
and a run that would pass the end of the day. Timefold proves no bound. The community edition solves on one
thread (multi-threaded solving is enterprise).

Soft constraints, by objective (bench/common.py), each with the weight the constraint file gives the rule, and
counted as salle's judge counts it (so Timefold's soft score equals the judge's total; `score_schedule` checks it):

- `seats`: empty seats (capacity − attendance), salle's `capacity_fit`.
- `default`: `capacity_fit`, plus `track_room` (per track and day, rooms used − 1), `track_days` (per track, days
  − 1), `track_parallel` (per track and slot start, sessions running − 1), `speaker_days` (per speaker, days −
  1), `speaker_room` (per speaker, rooms − 1) and `speaker_changeover` (per pair of sessions sharing a speaker on
  one day, 1 when the later starts less than `minutes`, or `travel_minutes` across buildings, after the earlier
  ends). The default file's other soft rules read inputs a generated conference does not have (tags, languages,
  `after`, room and slot preferences, interests.csv, preferences.csv, a previous schedule); `unsupported` refuses
  an instance that has them rather than optimise a different objective.

Slot positions: the i-th slot of the d-th day is 1000·d + i, so a session of length n covers [p, p + n) and two
sessions overlap in time iff these ranges do (true when a day's slots do not overlap each other, as in every
generated instance; the judge checks clock times anyway).

No `from __future__ import annotations` here: Timefold reads the `Annotated` hints of the domain classes.
"""

import os
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path
from typing import Annotated, Any

from bench.common import Clock, bench_config, write_schedule
from bench.peers._rules import clashing_pairs, room_closed, room_reasons, start_reasons
from bench.results import ToolRun

NAME = "timefold"
OBJECTIVES = ("default", "seats")
JAVA_CANDIDATES = ("/usr/lib/jvm/java-17-openjdk-amd64", "/usr/lib/jvm/java-17-openjdk-arm64",
                   "/usr/lib/jvm/default-java")
SOFT = ("capacity_fit", "track_room", "track_days", "track_parallel", "speaker_days", "speaker_room",
        "speaker_changeover")  # the soft rules the constraint streams model
HARD = ("all_scheduled", "room_conflict", "speaker_conflict", "room_capacity", "room_features", "slot_kind",
        "pins", "speaker_availability", "room_closures", "speaker_needs")
NO_DAY = 10**6  # the end of a run that passes the end of the day (never chosen in a valid schedule)


def missing() -> str | None:
    if find_spec("timefold") is None:
        return "not installed (pip install -e '.[bench]')"
    if not _java_home():
        return "no Java 17 found (set JAVA_HOME)"
    return None


def _java_home() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and Path(home, "bin", "java").exists():
        return home
    return next((c for c in JAVA_CANDIDATES if Path(c, "bin", "java").exists()), None)


def unsupported(problem: Any, config: Any) -> list[str]:
    """What in (problem, config) the constraint streams do not model: rules that would cost something here."""
    inputs = {
        "avoid_parallel": any(s.tags for s in problem.sessions),
        "attendee_conflicts": bool(problem.interests),
        "speaker_preferences": bool(problem.preferences),
        "room_preference": any(s.prefers_rooms or s.avoids_rooms for s in problem.sessions),
        "slot_preference": any(s.prefers_slots or s.avoids_slots for s in problem.sessions),
        "order": any(s.after for s in problem.sessions),
        "language_mix": any(s.language for s in problem.sessions),
        "keep_previous": bool(problem.previous),
        "speaker_needs": any(getattr(p, "needs", None) for p in problem.speakers),
    }
    out = []
    for rc in config.enabled:
        modelled = rc.name in (HARD if rc.settings.hard else SOFT)
        if not modelled and inputs.get(rc.name, True):
            out.append(f"{rc.name} ({'hard' if rc.settings.hard else 'soft'}) not modelled")
    return out


def _conference(problem: Any, config: Any, objective: str) -> tuple[Any, Any]:
    """The planning problem (sessions unassigned) and the constraint provider for `objective`."""
    model = _domain()
    rooms = [model.Room(r.room_id, r.capacity, r.building or "") for r in problem.rooms]
    starts = []
    for d, day_slots in enumerate(problem.slots_by_day.values()):
        for i, s in enumerate(day_slots):
            ends = tuple(day_slots[i + n - 1].end if i + n <= len(day_slots) else NO_DAY for n in range(1, 9))
            starts.append(model.Start(s.slot_id, 1000 * d + i, d, s.start, ends))
    pairs = clashing_pairs(problem)
    clashes: dict[str, set[str]] = {s.session_id: set() for s in problem.sessions}
    for a, b in pairs:
        clashes[a].add(b)
        clashes[b].add(a)
    closed = {f"{room.room_id}@{s.slot_id}" for room in problem.rooms for s in problem.slots
              if room_closed(problem, room, (s,))}
    sessions = []
    for s in problem.sessions:
        if s.slots_needed > 8:
            raise ValueError(f"{s.session_id} lasts {s.slots_needed} slots; the adapter handles up to 8")
        bad_rooms = {room.room_id for room in problem.rooms
                     if {"room_features", "pins"} & set(room_reasons(s, room))}
        bad_starts = {first.slot_id for first in problem.slots
                      if start_reasons(problem, s, problem.run(first.slot_id, s.slots_needed))}
        cells = {f"{room.room_id}@{first.slot_id}" for room in problem.rooms for first in problem.slots
                 if (run_ := problem.run(first.slot_id, s.slots_needed)) is not None
                 and any(f"{room.room_id}@{x.slot_id}" in closed for x in run_)}
        sessions.append(model.Session(s.session_id, s.slots_needed, s.attendance, s.track or "",
                                      frozenset(clashes[s.session_id]), frozenset(bad_rooms),
                                      frozenset(bad_starts), frozenset(cells)))
    soft = {rc.name: rc for rc in config.enabled if not rc.settings.hard}
    links, pair_facts = [], []
    if objective == "default":
        links = [model.SpeakerOf(f"{p}/{s.session_id}", p, s.session_id) for s in problem.sessions
                 for p in dict.fromkeys(s.speakers)]
        changeover = soft.get("speaker_changeover")
        if changeover is not None:
            minutes, travel = changeover.params.minutes, changeover.params.travel_minutes
            pair_facts = [model.Pair(f"{a}/{b}", a, b, minutes, travel) for a, b in sorted(pairs)]
    weights = {name: rc.settings.weight for name, rc in soft.items() if name in SOFT}
    if objective == "seats":
        weights = {"capacity_fit": weights.get("capacity_fit", 1)}
    conference = model.Conference(rooms, starts, links, pair_facts, sessions)
    return conference, model.provider(weights)


def _solver_config(model: Any, provider: Any, time_limit: float, seed: int) -> Any:
    from timefold.solver.config import (
        Duration,
        EnvironmentMode,
        ScoreDirectorFactoryConfig,
        SolverConfig,
        TerminationConfig,
    )

    return SolverConfig(
        solution_class=model.Conference, entity_class_list=[model.Session],
        score_director_factory_config=ScoreDirectorFactoryConfig(constraint_provider_function=provider),
        termination_config=TerminationConfig(spent_limit=Duration(milliseconds=int(time_limit * 1000))),
        environment_mode=EnvironmentMode.NO_ASSERT,  # reproducible with the seed, no assertions
        random_seed=seed,
    )


def score_schedule(instance: Path, placed: dict[str, tuple[str, str]], objective: str,
                   workdir: Path) -> tuple[int, int]:
    """(hard, soft) score Timefold gives a schedule {session: (room, first slot)}: the check that its constraint
    streams count what the judge counts.

    (Not called `score`: Timefold translates to Java every module global whose name a translated function uses,
    attribute names included, and the solution's `score` field would drag this function, and through it salle's
    Config and Problem, into the translation: 60 s more to build.)"""
    os.environ.setdefault("JAVA_HOME", _java_home() or "")
    from timefold.solver import SolutionManager, SolverFactory

    from solver.inputs import load_problem

    problem = load_problem(instance)
    conference, provider = _conference(problem, bench_config(workdir, objective), objective)
    rooms = {r.id: r for r in conference.rooms}
    starts = {s.id: s for s in conference.starts}
    for s in conference.sessions:
        room_id, slot_id = placed[s.id]
        s.room, s.start = rooms[room_id], starts[slot_id]
    factory = SolverFactory.create(_solver_config(_domain(), provider, 1, 0))
    result = SolutionManager.create(factory).update(conference)
    return result.hard_score, result.soft_score


def run(instance: Path, time_limit: float, seed: int, workdir: Path, objective: str = "seats") -> ToolRun:
    os.environ.setdefault("JAVA_HOME", _java_home() or "")
    from solver.inputs import load_problem

    clock = Clock()
    out = ToolRun(NAME, instance.name, objective_set=objective)
    problem = load_problem(instance)
    config = bench_config(workdir, objective)
    out.load_s = clock()
    gaps = unsupported(problem, config)
    conference, provider = _conference(problem, config, objective)
    out.variables = len(conference.sessions)

    from timefold.solver import SolverFactory

    solver = SolverFactory.create(_solver_config(_domain(), provider, time_limit, seed)).build_solver()
    out.build_s = clock() - out.load_s
    events: list[tuple[float, int, int]] = []
    _listen(solver, lambda hard, soft: events.append((clock(), hard, soft)))
    best = solver.solve(conference)
    out.total_s = clock()
    feasible = [(t, -soft) for t, hard, soft in events if hard == 0]
    for t, value in feasible:
        if not out.trace or value < out.trace[-1][1]:
            out.trace.append((t, float(value)))
    final = best.score
    placed = [(s.id, s.room.id, s.start.id) for s in best.sessions if s.room is not None and s.start is not None]
    if placed:
        write_schedule(workdir / "schedule.csv", placed)
    notes = [f"not modelled here: {', '.join(gaps)}"] if gaps else []
    if final is not None and final.hard_score == 0 and len(placed) == len(problem.sessions):
        out.status = "feasible"
        out.objective = -final.soft_score
        out.first_s = out.trace[0][0] if out.trace else out.total_s
    else:
        out.status = "no schedule"
        if len(placed) < len(problem.sessions):
            notes.append(f"construction heuristic unfinished: {len(placed)} of {len(problem.sessions)} sessions "
                         f"placed (score {final})")
        else:
            notes.append(f"best score {final} (hard < 0: some hard constraint broken)")
    out.note = "; ".join(notes)
    return out


def _listen(solver: Any, record: Any) -> None:
    """Call `record(hard, soft)` at each new best solution, reading only its score.

    The Python API's `add_event_listener` turns every new best solution into Python objects before calling the
    listener, on the solver's thread: on a big conference that conversion, not the search, would take the time.
    This listener is registered on the Java solver directly and reads the score alone."""
    from ai.timefold.solver.core.api.solver.event import SolverEventListener
    from jpype import JImplements, JOverride
    from timefold.solver._jpype_type_conversions import to_python_score

    @JImplements(SolverEventListener)
    class Listener:
        @JOverride
        def bestSolutionChanged(self, event: Any) -> None:
            if event.isNewBestSolutionInitialized():
                score = to_python_score(event.getNewBestScore())
                record(score.hard_score, score.soft_score)

    solver._listener = Listener()  # keep a reference for as long as the solver lives
    solver._delegate.addEventListener(solver._listener)


_MODEL = None


def _domain() -> Any:
    """Define the domain once (Timefold compiles it when first used); `provider(weights)` makes the constraints."""
    global _MODEL
    if _MODEL is not None:
        return _MODEL
    from types import SimpleNamespace

    from timefold.solver.domain import (
        PlanningEntityCollectionProperty,
        PlanningId,
        PlanningScore,
        PlanningVariable,
        ProblemFactCollectionProperty,
        ValueRangeProvider,
        planning_entity,
        planning_solution,
    )
    from timefold.solver.score import (
        ConstraintCollectors,
        ConstraintFactory,
        HardSoftScore,
        Joiners,
        constraint_provider,
    )

    @dataclass
    class Room:
        id: Annotated[str, PlanningId]
        capacity: int
        building: str

    @dataclass
    class Start:
        id: Annotated[str, PlanningId]
        position: int  # 1000 · day + index in the day
        day: int
        minute: int  # clock time the slot starts, minutes since midnight
        ends: tuple  # ends[n − 1]: clock time a run of n slots from here ends (NO_DAY: past the day's end)

    @dataclass
    class SpeakerOf:
        id: Annotated[str, PlanningId]
        speaker: str
        session: str

    @dataclass
    class Pair:  # two sessions sharing a speaker
        id: Annotated[str, PlanningId]
        a: str
        b: str
        minutes: int
        travel: int

    @planning_entity
    @dataclass
    class Session:
        id: Annotated[str, PlanningId]
        length: int
        attendance: int
        track: str
        clashes: frozenset
        bad_rooms: frozenset
        bad_starts: frozenset
        closed_cells: frozenset
        room: Annotated[Room | None, PlanningVariable] = field(default=None)
        start: Annotated[Start | None, PlanningVariable] = field(default=None)

    @planning_solution
    @dataclass
    class Conference:
        rooms: Annotated[list[Room], ProblemFactCollectionProperty, ValueRangeProvider]
        starts: Annotated[list[Start], ProblemFactCollectionProperty, ValueRangeProvider]
        links: Annotated[list[SpeakerOf], ProblemFactCollectionProperty]
        pairs: Annotated[list[Pair], ProblemFactCollectionProperty]
        sessions: Annotated[list[Session], PlanningEntityCollectionProperty]
        score: Annotated[HardSoftScore | None, PlanningScore] = field(default=None)

    def too_close(p: Pair, a: Session, b: Session) -> bool:
        """salle's speaker_changeover on one pair: same day, the later starts too soon after the earlier ends."""
        if a.start.day != b.start.day:
            return False
        if a.start.minute <= b.start.minute:
            gap = b.start.minute - a.start.ends[a.length - 1]
        else:
            gap = a.start.minute - b.start.ends[b.length - 1]
        far = a.room.building != "" and b.room.building != "" and a.room.building != b.room.building
        return gap < (p.travel if far else p.minutes)

    def hard(cf: ConstraintFactory) -> list:
        return [
            cf.for_each_unique_pair(Session, Joiners.equal(lambda s: s.room.id),
                                    Joiners.overlapping(lambda s: s.start.position,
                                                        lambda s: s.start.position + s.length))
              .penalize(HardSoftScore.ONE_HARD).as_constraint("Room conflict"),
            cf.for_each_unique_pair(Session, Joiners.overlapping(lambda s: s.start.position,
                                                                 lambda s: s.start.position + s.length))
              .filter(lambda a, b: b.id in a.clashes)
              .penalize(HardSoftScore.ONE_HARD).as_constraint("Speaker conflict"),
            cf.for_each(Session).filter(lambda s: s.attendance > s.room.capacity)
              .penalize(HardSoftScore.ONE_HARD, lambda s: s.attendance - s.room.capacity)
              .as_constraint("Room capacity"),
            cf.for_each(Session).filter(lambda s: s.room.id in s.bad_rooms)
              .penalize(HardSoftScore.ONE_HARD).as_constraint("Room features or room pin"),
            cf.for_each(Session).filter(lambda s: s.start.id in s.bad_starts)
              .penalize(HardSoftScore.ONE_HARD)
              .as_constraint("Slot kind, slot pin, speaker unavailable or day too short"),
            cf.for_each(Session).filter(lambda s: (s.room.id + "@" + s.start.id) in s.closed_cells)
              .penalize(HardSoftScore.ONE_HARD).as_constraint("Room closed"),
        ]

    def provider(weights: dict[str, int]) -> Any:
        """The constraints: the hard rules, and each soft rule of `weights` at its weight (absent or 0: off)."""

        def soft(cf: ConstraintFactory) -> list:
            w = {name: HardSoftScore.of_soft(weight) for name, weight in weights.items() if weight}
            out = []
            if "capacity_fit" in w:
                out.append(cf.for_each(Session).filter(lambda s: s.room.capacity > s.attendance)
                           .penalize(w["capacity_fit"], lambda s: s.room.capacity - s.attendance)
                           .as_constraint("capacity_fit"))
            if "track_room" in w:
                out.append(cf.for_each(Session).filter(lambda s: s.track != "")
                           .group_by(lambda s: s.track, lambda s: s.start.day,
                                     ConstraintCollectors.count_distinct(lambda s: s.room.id))
                           .filter(lambda track, day, n: n > 1)
                           .penalize(w["track_room"], lambda track, day, n: n - 1).as_constraint("track_room"))
            if "track_days" in w:
                out.append(cf.for_each(Session).filter(lambda s: s.track != "")
                           .group_by(lambda s: s.track, ConstraintCollectors.count_distinct(lambda s: s.start.day))
                           .filter(lambda track, n: n > 1)
                           .penalize(w["track_days"], lambda track, n: n - 1).as_constraint("track_days"))
            if "track_parallel" in w:
                out.append(cf.for_each(Session).filter(lambda s: s.track != "")
                           .join(Start, Joiners.overlapping(lambda s: s.start.position,
                                                            lambda s: s.start.position + s.length,
                                                            lambda i: i.position, lambda i: i.position + 1))
                           .group_by(lambda s, i: s.track, lambda s, i: i.position, ConstraintCollectors.count_bi())
                           .filter(lambda track, instant, n: n > 1)
                           .penalize(w["track_parallel"], lambda track, instant, n: n - 1)
                           .as_constraint("track_parallel"))
            if "speaker_days" in w:
                out.append(cf.for_each(SpeakerOf)
                           .join(Session, Joiners.equal(lambda link: link.session, lambda s: s.id))
                           .group_by(lambda link, s: link.speaker,
                                     ConstraintCollectors.count_distinct(lambda link, s: s.start.day))
                           .filter(lambda who, n: n > 1)
                           .penalize(w["speaker_days"], lambda who, n: n - 1).as_constraint("speaker_days"))
            if "speaker_room" in w:
                out.append(cf.for_each(SpeakerOf)
                           .join(Session, Joiners.equal(lambda link: link.session, lambda s: s.id))
                           .group_by(lambda link, s: link.speaker,
                                     ConstraintCollectors.count_distinct(lambda link, s: s.room.id))
                           .filter(lambda who, n: n > 1)
                           .penalize(w["speaker_room"], lambda who, n: n - 1).as_constraint("speaker_room"))
            if "speaker_changeover" in w:
                out.append(cf.for_each(Pair)
                           .join(Session, Joiners.equal(lambda p: p.a, lambda s: s.id))
                           .join(Session, Joiners.equal(lambda p, a: p.b, lambda s: s.id))
                           .filter(too_close)
                           .penalize(w["speaker_changeover"]).as_constraint("speaker_changeover"))
            return out

        @constraint_provider
        def constraints(cf: ConstraintFactory) -> list:
            return hard(cf) + soft(cf)

        return constraints

    _MODEL = SimpleNamespace(Room=Room, Start=Start, SpeakerOf=SpeakerOf, Pair=Pair, Session=Session,
                             Conference=Conference, provider=provider)
    return _MODEL
