"""Helpers shared by the rules of block-based conferences (slots.csv `block`): not a rule itself.

A *block* is a run of consecutive slots (a conference session of 90 minutes, say); in each room a block hosts
one track. Judge side: which track uses which room in which block, and who is in conflict with whom. Model side:
one literal per (track, block, room) meaning "this track uses this room in this block", and the literals that make
a session run in a block, a room or a slot.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from itertools import combinations
from typing import Any

from pydantic import Field, field_validator

from solver.inputs import Problem
from solver.inputs.values import MAX_WEIGHT, parse_time
from solver.language import say, say_n
from solver.rules.base import BuildContext, JudgeView, Params, Placed, Placement, Violation, pair_owners

Use = tuple[str, str, str]  # (track, block, room_id)


class Scaled(Params):
    """Parameters of a rule that counts occurrences: each one costs `weight × multiplier` (for costs above the
    10,000 a weight may be)."""

    multiplier: int = Field(default=1, ge=1, le=MAX_WEIGHT)


def block_of(problem: Problem, p: Placed | Placement) -> str:
    """The block a placed session is in (its first slot's)."""
    return problem.block_of(p.slots[0])


def uses(view: JudgeView) -> dict[Use, list[Placed]]:
    """(track, block, room) -> the sessions of that track placed in that room during that block."""
    out: dict[Use, list[Placed]] = defaultdict(list)
    for p in view.placed:
        if p.session.track:
            out[(p.session.track, block_of(view.problem, p), p.room.room_id)].append(p)
    return dict(out)


def use_order(problem: Problem) -> Callable[[Use], tuple[int, int, str]]:
    """Sort key of uses: block (in time order), then room (rooms.csv order), then track."""
    return lambda u: (problem.block_index.get(u[1], 0), problem.room_index.get(u[2], 0), u[0])


# -- who is in conflict with whom ----------------------------------------------------------------------------
def _pairs_sharing(owners: dict[str, set[str]]) -> set[tuple[str, str]]:
    """Pairs of keys (sorted) whose sets share an element."""
    by_item: dict[str, set[str]] = defaultdict(set)
    for key, items in owners.items():
        for item in items:
            by_item[item].add(key)
    out: set[tuple[str, str]] = set()
    for keys in by_item.values():
        for a, b in combinations(sorted(keys), 2):
            out.add((a, b))
    return out


_CACHE: dict[tuple[int, str], tuple[Problem, Any]] = {}


def cached(problem: Problem, name: str, compute: Callable[[Problem], Any]) -> Any:
    hit = _CACHE.get((id(problem), name))
    if hit is None or hit[0] is not problem:
        if len(_CACHE) > 32:
            _CACHE.clear()
        hit = _CACHE[(id(problem), name)] = (problem, compute(problem))
    return hit[1]


def presenter_pairs(problem: Problem) -> set[tuple[str, str]]:
    """Sessions that need one person in two places: they share a speaker, or a speaker of one chairs the
    other's (different) track."""
    return cached(problem, "presenters", _presenter_pairs)


def _presenter_pairs(problem: Problem) -> set[tuple[str, str]]:
    pairs = _pairs_sharing({s.session_id: set(s.speakers) for s in problem.sessions})
    chairs = problem.chairs
    chaired: dict[str, list[str]] = defaultdict(list)  # person -> tracks they chair
    for track, people in chairs.items():
        for person in people:
            chaired[person].append(track)
    by_track: dict[str, list[str]] = defaultdict(list)
    for s in problem.sessions:
        if s.track:
            by_track[s.track].append(s.session_id)
    for s in problem.sessions:
        for person in s.speakers:
            for track in chaired.get(person, ()):
                if track != s.track:
                    for other in by_track.get(track, ()):
                        pairs.add((min(s.session_id, other), max(s.session_id, other)))
    return pairs


def attendee_pairs(problem: Problem) -> set[tuple[str, str]]:
    """Sessions someone wants to attend both of (interests.csv), or attend one and present the other, or attend
    one and chair the other's (different) track."""
    return cached(problem, "attendees", _attendee_pairs)


def _attendee_pairs(problem: Problem) -> set[tuple[str, str]]:
    attending: dict[str, set[str]] = defaultdict(set)
    for i in problem.interests:
        attending[i.session_id].add(i.attendee_id)
    pairs = _pairs_sharing(dict(attending))
    chairs = problem.chairs
    for s in problem.sessions:
        people = attending.get(s.session_id)
        if not people:
            continue
        for other in problem.sessions:
            if other.session_id == s.session_id:
                continue
            busy = set(other.speakers)
            if other.track and other.track != s.track:
                busy |= set(chairs.get(other.track, ()))
            if people & busy:
                pairs.add((min(s.session_id, other.session_id), max(s.session_id, other.session_id)))
    return pairs


def chair_pairs(problem: Problem) -> set[tuple[str, str]]:
    """Tracks that share a chair (tracks.csv)."""
    return cached(problem, "chairs", lambda pr: _pairs_sharing({t: set(c) for t, c in pr.chairs.items()}))


def partners(pairs: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for a, b in pairs:
        out[a].add(b)
        out[b].add(a)
    return out


def partners_of(problem: Problem, pairs_of: Callable[[Problem], set[tuple[str, str]]]) -> dict[str, set[str]]:
    """`partners(pairs_of(problem))`, computed once per problem (rules ask it for every session and placement)."""
    return cached(problem, f"partners:{pairs_of.__name__}", lambda pr: partners(pairs_of(pr)))


# -- model side ----------------------------------------------------------------------------------------------
def indicators(ctx: BuildContext, name: str, keys: Callable[[Placement], Iterable[Hashable]]) -> dict[Any, Any]:
    """One boolean per key, true exactly when some placement with that key is chosen (cached per model)."""
    cache: dict[str, dict[Any, Any]] = ctx.index.__dict__.setdefault("_block_indicators", {})
    if name in cache:
        return cache[name]
    groups: dict[Hashable, list[Any]] = defaultdict(list)
    for key, placement in ctx.placements.items():
        for k in keys(placement):
            groups[k].append(ctx.literals[key])
    out: dict[Any, Any] = {}
    for k, lits in groups.items():
        y = ctx.model.new_bool_var(f"{name}[{k}]")
        for lit in lits:
            ctx.model.add_implication(lit, y)
        ctx.model.add_bool_or([y.Not(), *lits])
        out[k] = y
    cache[name] = out
    return out


def track_uses(ctx: BuildContext) -> dict[Any, Any]:
    """(track, block, room) -> true when that track uses that room in that block."""
    problem = ctx.problem
    return indicators(ctx, "uses", lambda p: [(p.session.track, block_of(problem, p), p.room.room_id)]
                      if p.session.track else [])


def penalize_pairs(ctx: BuildContext, a: Any, b: Any, amount: int, name: str) -> None:
    """Soft: cost `amount` when both literals hold."""
    both = ctx.model.new_bool_var(name)
    ctx.model.add_bool_or([a.Not(), b.Not(), both])
    ctx.penalize(both, amount)


# -- times of day --------------------------------------------------------------------------------------------
class Window(Params):
    """Parameters holding times of day ("09:30"; a YAML 9:30 reads as 570 minutes, which is the same)."""

    @field_validator("*", mode="before")
    @classmethod
    def _times(cls, value: Any, info: Any) -> Any:
        if info.field_name.endswith(("_from", "_to")):
            return value if isinstance(value, int) else parse_time(value)
        return value


def local_time(day: dt.date, minutes: int, clock: dt.tzinfo, there: dt.tzinfo) -> int:
    """The time of day (minutes) at `there` when the conference's clock shows `minutes` on `day`."""
    moment = dt.datetime.combine(day, dt.time(0, 0), tzinfo=clock) + dt.timedelta(minutes=minutes)
    local = moment.astimezone(there)
    return local.hour * 60 + local.minute


# -- pairs of sessions that should not meet ------------------------------------------------------------------
def add_pair_conflicts(ctx: BuildContext, pairs: set[tuple[str, str]], per: str, multiplier: int) -> None:
    """Each pair costs once per block where both run in different rooms (`per` "block"), or once per slot where
    both run (`per` "slot")."""
    problem, index = ctx.problem, ctx.index
    model = ctx.model
    if per == "slot":
        for a, b in sorted(pairs):
            run_a, run_b = index.running(a), index.running(b)
            for t in [t for t in run_a if t in run_b]:
                penalize_sum(ctx, sum(run_a[t]) + sum(run_b[t]) - 1, multiplier, f"meet[{a},{b},{t}]")
        return
    where: dict[str, dict[str, dict[str, list[Any]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for key, p in ctx.placements.items():
        where[key[0]][block_of(problem, p)][p.room.room_id].append(ctx.literals[key])
    for a, b in sorted(pairs):
        for block in set(where.get(a, {})) & set(where.get(b, {})):
            rooms_a, rooms_b = where[a][block], where[b][block]
            z = model.new_bool_var(f"meet[{a},{b},{block}]")
            in_b = sum(sum(lits) for lits in rooms_b.values())
            for room, lits in rooms_a.items():
                model.add(z >= sum(lits) + in_b - sum(rooms_b.get(room, [])) - 1)
            ctx.penalize(z, multiplier)


def pair_conflict_rule(pairs_of: Callable[[Problem], set[tuple[str, str]]], per: str, rule: str,
                       why: str) -> tuple[Callable, Callable, Callable, Callable]:
    """The hooks of a rule whose sessions in `pairs_of(problem)` should not meet (`per` "block" or "slot"):
    (relevant, links, add, judge), for the rule module to export under those names. `why` says what links a
    pair in the judge's sentences: "attendee" (one attendee wants both) or "presenter" (one person presents in
    both)."""

    def relevant(problem: Problem, session: Any) -> bool:
        return session.session_id in partners_of(problem, pairs_of)

    def links(problem: Problem, p: Placement) -> list:
        """A session is linked to each one it conflicts with."""
        sid = p.session.session_id
        return [tuple(sorted((sid, other))) for other in partners_of(problem, pairs_of).get(sid, ())]

    def add(ctx: BuildContext) -> None:
        add_pair_conflicts(ctx, pairs_of(ctx.problem), per, ctx.params.multiplier)  # type: ignore[attr-defined]

    def judge(view: JudgeView, params: Scaled) -> list[Violation]:
        return judge_pair_conflicts(view, pairs_of(view.problem), per, params.multiplier, rule, why)

    return relevant, links, add, judge


def penalize_sum(ctx: BuildContext, expr: Any, amount: int, name: str) -> None:
    """Cost `amount` when `expr` (at most 1) is 1."""
    z = ctx.model.new_bool_var(name)
    ctx.model.add(z >= expr)
    ctx.penalize(z, amount)


def _why(kind: str) -> str:
    """What links a pair of sessions, as words of a sentence."""
    return say("wanted by one attendee") if kind == "attendee" else say("a presenter in both")


def judge_pair_conflicts(view: JudgeView, pairs: set[tuple[str, str]], per: str, multiplier: int, rule: str,
                         why: str) -> list[Violation]:
    """The judge side of `add_pair_conflicts` (`why`: "attendee" or "presenter", as `pair_conflict_rule`)."""
    by_id = {p.session.session_id: p for p in view.placed}
    out = []
    why = _why(why)
    for a, b in sorted(pairs):
        pa, pb = by_id.get(a), by_id.get(b)
        if pa is None or pb is None:
            continue
        if per == "slot":
            common = len({s.slot_id for s in pa.slots} & {s.slot_id for s in pb.slots})
            if common:
                out.append(Violation(rule, common * multiplier,
                                     say_n("{a} and {b} ({why}) share {n} slot ({when})",
                                           "{a} and {b} ({why}) share {n} slots ({when})", common, a=a, b=b,
                                           why=why, when=pa.when()), (a, b)))
        elif block_of(view.problem, pa) == block_of(view.problem, pb) and pa.room.room_id != pb.room.room_id:
            out.append(Violation(rule, multiplier, say("{a} ({room_a}) and {b} ({room_b}) ({why}) are in the same "
                                                       "block {block}", a=a, room_a=pa.room.name, b=b,
                                                       room_b=pb.room.name, why=why, block=block_of(view.problem, pa)),
                                 (a, b)))
    return out


def any_of(ctx: BuildContext, name: str, groups: dict[Any, list[Any]]) -> dict[Any, Any]:
    """One boolean per key, true exactly when one of its literals is (cached per model, like `indicators`)."""
    cache: dict[str, dict[Any, Any]] = ctx.index.__dict__.setdefault("_block_indicators", {})
    if name not in cache:
        out: dict[Any, Any] = {}
        for k, lits in groups.items():
            if len(lits) == 1:
                out[k] = lits[0]
                continue
            y = ctx.model.new_bool_var(f"{name}[{k}]")
            for lit in lits:
                ctx.model.add_implication(lit, y)
            ctx.model.add_bool_or([y.Not(), *lits])
            out[k] = y
        cache[name] = out
    return cache[name]


def track_blocks(ctx: BuildContext) -> dict[Any, Any]:
    """(track, block) -> true when the track uses some room in that block (from `track_uses`)."""
    groups: dict[Any, list[Any]] = defaultdict(list)
    for (track, block, _), y in track_uses(ctx).items():
        groups[(track, block)].append(y)
    return any_of(ctx, "track_blocks", groups)


def excess_over_one(ctx: BuildContext, groups: dict[Any, list[Any]], amount: int, name: str) -> None:
    """Soft: each group costs `amount` per literal true beyond the first."""
    for k, lits in groups.items():
        if len(lits) < 2:
            continue
        extra = ctx.model.new_int_var(0, len(lits) - 1, f"{name}[{k}]")
        ctx.model.add(extra >= sum(lits) - 1)
        ctx.penalize(extra, amount)


# -- what the local search counts (solver.engine.structure) ---------------------------------------------------
def track_use(problem: Problem) -> Callable[[Placement], list[tuple[str, tuple[str, str, str]]]]:
    """For `grouped`: a placement's (its track, (track, block, room)) use; nothing for a session without one."""
    return lambda p: [(p.session.track, (p.session.track, block_of(problem, p), p.room.room_id))] \
        if p.session.track else []


def uses_in_block(problem: Problem) -> Callable[[Placement], list[tuple[str, tuple[str, str]]]]:
    """For `grouped`: a placement's (its block, (track, room)); nothing for a session without a track."""
    return lambda p: [(block_of(problem, p), (p.session.track, p.room.room_id))] if p.session.track else []


def pair_conflict_tally(pairs_of: Callable[[Problem], set[tuple[str, str]]], per: str) -> Callable[[Any], None]:
    """The `tally` of a `pair_conflict_rule`: each pair a pairwise clash costing what the judge counts."""

    def tally(ctx: Any) -> None:
        problem, multiplier = ctx.problem, ctx.params.multiplier

        def clash(pa: Placement, pb: Placement) -> int:
            if per == "slot":
                return multiplier * len({s.slot_id for s in pa.slots} & {s.slot_id for s in pb.slots})
            return multiplier * int(block_of(problem, pa) == block_of(problem, pb)
                                    and pa.room.room_id != pb.room.room_id)

        ctx.pairwise(pair_owners(pairs_of(problem)), clash)

    return tally
