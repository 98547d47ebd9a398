"""Large neighbourhood search: free a few sessions, fix the rest where they are, let CP-SAT re-place the few.

Each step picks a neighbourhood (neighbourhoods.py), gives the freed sessions the places that are free for them,
and builds a model in which every other session has exactly its current placement: when every rule linking
sessions says through what (`links`), only the freed sessions and the fixed ones linked to them, else the whole
conference. Either way every rule counts exactly as in the full model. CP-SAT solves it briefly from the current
schedule; the placements it changes are priced rule by rule with the rules' judge functions (solver.engine.delta)
and kept when they lower the score. Where the rules can be tallied move by move (solver.engine.tally), a run of
the local search (solver.engine.local) is one more kind of step. Kinds are drawn by what they have lately gained
per unit of effort. The neighbourhood size adapts: it grows while CP-SAT proves the sub-problems optimal and
shrinks when it runs out of time. Model size and memory follow the freed sessions' places, never sessions × rooms
× slots.
"""

from __future__ import annotations

import math
import os
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from solver.config import Config
from solver.engine.board import Board
from solver.engine.candidates import Candidates, Key
from solver.engine.cpsat import run_cpsat
from solver.engine.delta import Pricer
from solver.engine.local import MOVE_SECONDS, LocalSearch
from solver.engine.model import build_model
from solver.engine.neighbourhoods import Neighbourhoods
from solver.engine.price import soft_violations
from solver.engine.structure import recorded as structure_of
from solver.inputs import Problem
from solver.rules.base import Placement

DEBUG = bool(os.environ.get("SALLE_DEBUG_LNS"))  # one line per neighbourhood on stdout (for bench/ analysis)
PAIRS_PER_SESSION = 300  # most places offered to one freed session in a neighbourhood model
REJUDGE_EVERY = 3  # repairing: neighbourhood steps between two judgements of the violations aimed at
FLOOR = 0.05  # the least a kind of neighbourhood is drawn, as a share of the kinds' mean gain per effort
ROOMS_IN_PLAY = 8  # of the rooms the freed sessions hold, how many each freed session may move to
MOVES = "moves"  # the kind that runs the local search (solver.engine.local) instead of freeing sessions
MOVES_PER_STEP = 10_000  # a local search step's moves (L-1, one process, 60 s: 48,952 at 3,000; 48,774 and 48,976
# at 10,000; 48,813 at 30,000)


@dataclass
class Incumbent:
    """The best schedule so far (session_id -> placement), its objective (the penalties' total) and its score
    (the same penalties scaled by their rules' levels: what the search minimizes)."""

    chosen: dict[str, Key]
    objective: int
    score: int


@dataclass
class Stats:
    iterations: int = 0  # steps: neighbourhoods and local search runs
    local_runs: int = 0  # of which local search runs


class LargeNeighbourhoodSearch:
    def __init__(self, problem: Problem, config: Config, candidates: Candidates, seed: int = 0,
                 rooms_per_session: int = 4, repairing: bool = False) -> None:
        self.problem = problem
        self.config = config
        self.candidates = candidates
        self.rng = random.Random(seed)
        self.seed = seed
        self.rooms_per_session = rooms_per_session or len(problem.rooms)
        self.hoods = Neighbourhoods(problem, candidates, [rc.name for rc in config.enabled if not rc.settings.hard],
                                    repairing)
        self._judged_at: tuple[dict[str, Key], int] | None = None  # the schedule hoods.penalties describe
        self.kinds = list(self.hoods.kinds)
        # where every rule's model side can be tallied move by move, a local search is one more kind of step
        recorded, self.no_local_search = (None, None) if repairing else structure_of(problem, config)
        self.mover = LocalSearch(problem, candidates, recorded) if recorded is not None else None
        if self.mover is not None:
            self.kinds.append((MOVES, lambda rng, n: set()))
        self.rates: list[float | None] = [None] * len(self.kinds)  # each kind's gain per effort, smoothed
        self.stats = Stats()
        self.current: dict[str, Key] = {}
        # when every rule that links sessions says through what (`links`), a neighbourhood's model holds only the
        # freed sessions and the fixed ones linked to them; its objective then differs from the conference's by
        # a constant, so steps are compared by the change they bring
        self.pricer = Pricer(problem, config, candidates)
        self.local = not self.pricer.everywhere

    def members(self, board: Board, freed: set[str], only: dict[str, list[tuple[str, str]]]
                ) -> tuple[set[str], dict[str, set[str]] | None]:
        """The freed sessions and every fixed session linked to one of their possible placements, and for each
        rule that links sessions, the freed sessions and the fixed ones linked to them through it."""
        if not self.local:
            return {s.session_id for s in self.problem.sessions}, None
        keys = self.pricer.keys
        wanted: set = set()
        for sid in freed:
            for room_id, slot_id in only[sid]:
                wanted |= keys((sid, room_id, slot_id))
        groups = self.pricer.linked(wanted, board.chosen, freed)
        return set(freed).union(*groups.values()), groups

    def placement(self, key: Key) -> Placement:
        return self.pricer.placement(key)

    @property
    def sub_seconds(self) -> float:
        """CP-SAT's deterministic time for one neighbourhood."""
        return BLOCK_SUB_SECONDS if self.hoods.blocks else SUB_SECONDS

    def first_size(self) -> int:
        n = len(self.problem.sessions)
        return min(n, max(4, min(30, n // 3)))

    def _judge_penalties(self, incumbent: Incumbent) -> None:
        """Refresh the violations the neighbourhoods aim at (when the schedule changed, every few steps)."""
        at = self._judged_at
        if at is not None and (at[0] is incumbent.chosen or self.stats.iterations - at[1] < REJUDGE_EVERY):
            return
        found = soft_violations(self.problem, self.config, self.candidates, incumbent.chosen)
        self.hoods.penalties = {rule: [(v.amount, v.sessions) for v in vs] for rule, vs in found.items()}
        self._judged_at = (incumbent.chosen, self.stats.iterations)

    def weights(self) -> list[float]:
        """How likely each kind of neighbourhood is drawn: its gain per effort of late (a kind not tried yet: the
        mean), never under a twentieth of the mean, so that every kind keeps being tried."""
        known = [r for r in self.rates if r is not None]
        mean = sum(known) / len(known) if known else 1.0
        return [max(FLOOR * mean, mean if r is None else r) + 1e-9 for r in self.rates]

    def reward(self, k: int, rate: float) -> None:
        old = self.rates[k]
        self.rates[k] = rate if old is None else 0.8 * old + 0.2 * rate

    # -- one step --------------------------------------------------------------------------------------------
    def places(self, board: Board, freed: set[str]) -> dict[str, list[tuple[str, str]]]:
        """For each freed session: its current place and the places left free by the fixed sessions, in the rooms
        the freed sessions use plus its own cheapest rooms (the cheapest `PAIRS_PER_SESSION` of them)."""
        problem = self.problem
        rooms_in_play = {self.current[s][1] for s in freed if s in self.current}
        out: dict[str, list[tuple[str, str]]] = {}
        taken: dict[tuple[str, str, int], bool] = {}
        for sid in sorted(freed):
            opts = self.candidates.of(problem.session[sid])
            mine = [r for r in opts.rooms if r in rooms_in_play]
            if len(mine) > ROOMS_IN_PLAY:  # the rooms nearest in cost (most often: in size) to its own
                here = mine.index(self.current[sid][1]) if sid in self.current and self.current[sid][1] in mine else 0
                lo = max(0, min(here - ROOMS_IN_PLAY // 2, len(mine) - ROOMS_IN_PLAY))
                mine = mine[lo: lo + ROOMS_IN_PLAY]
            mine += list(opts.rooms)[: self.rooms_per_session]
            pairs: list[tuple[int, str, str]] = []
            for room_id in dict.fromkeys(mine):
                for slot_id, run in opts.runs.items():
                    slots = run.placement.slots
                    held = taken.get((room_id, slot_id, len(slots)))
                    if held is None:  # a quick test before the placement, shared by the freed sessions
                        held = taken[(room_id, slot_id, len(slots))] = board.room_taken(room_id, slots)
                    if held:
                        continue
                    p, against, costs = opts.pair(problem, room_id, slot_id)
                    if not against and board.free(p):
                        pairs.append((sum(c for _, c in costs), room_id, slot_id))
            pairs.sort()
            chosen = [(r, t) for _, r, t in pairs[:PAIRS_PER_SESSION]]
            if sid in self.current and self.current[sid][1:] not in chosen:
                chosen.append(self.current[sid][1:])  # type: ignore[arg-type]
            out[sid] = chosen
        return out

    def _moves(self, k: int, incumbent: Incumbent, board: Board, stop: Callable[[], bool], deadline: float
               ) -> tuple[Incumbent, bool, bool | None]:
        """One run of the local search on the board (it keeps only moves that cost nothing more)."""
        assert self.mover is not None
        d_objective, d_score = self.mover.run(board, self.rng, MOVES_PER_STEP, stop, deadline)
        self.stats.iterations += 1
        self.stats.local_runs += 1
        if DEBUG:
            print(f"step {self.stats.iterations} {MOVES:<26} gain={-d_objective} cur={incumbent.objective}")
        if not stop():
            self.reward(k, -d_score / (0.03 + MOVES_PER_STEP * MOVE_SECONDS))
        if board.chosen == incumbent.chosen:
            return incumbent, False, None
        changed = Incumbent(dict(board.chosen), incumbent.objective + d_objective, incumbent.score + d_score)
        return changed, True, None

    def step(self, incumbent: Incumbent, board: Board, size: int, seconds: float,
             stop: Callable[[], bool], deadline: float = math.inf) -> tuple[Incumbent, bool, bool | None]:
        """One neighbourhood, searched for `seconds` of CP-SAT's deterministic time (and never past `deadline`),
        or one run of the local search: (the incumbent, changed?, proven optimal within the neighbourhood? (None:
        not a neighbourhood)). A neighbourhood changes the schedule only to improve it; the local search may
        change it at equal cost."""
        self.current = self.hoods.current = incumbent.chosen
        rng = self.rng
        unplaced = sorted(s.session_id for s in self.problem.sessions if s.session_id not in self.current
                          and self.candidates.of(s).rooms)
        if unplaced and rng.random() < 0.8:  # repairing: make room for a session left out
            k, freed = -1, self.hoods.around(rng, size, rng.choice(unplaced), board)
        else:
            if self.hoods.aiming:
                self._judge_penalties(incumbent)
            for _ in range(5):  # a kind may find nothing to free (a rule without violations): it is drawn less
                k = rng.choices(range(len(self.kinds)), weights=self.weights())[0]
                if self.kinds[k][0] == MOVES:
                    return self._moves(k, incumbent, board, stop, deadline)
                freed = self.kinds[k][1](rng, size)
                if freed:
                    break
                self.reward(k, 0.0)
        if not freed:
            return incumbent, False, True
        for sid in freed:
            if sid in board.chosen:
                board.remove(sid)
        try:
            t_build = time.perf_counter()
            places = self.places(board, freed)
            members, groups = self.members(board, freed, places)  # all when a rule does not say its links
            problem = self.problem.restricted(members) if self.local else self.problem
            only: dict[str, Iterable[tuple[str, str]]] = {
                sid: places[sid] if sid in freed else ([self.current[sid][1:]] if sid in self.current else [])
                for sid in members}
            fixed = [sid for sid in members if sid not in freed and sid in self.current]
            built = build_model(problem, self.config, candidates=self.candidates, only=only, fixed=fixed,
                                groups=groups)
            for key, lit in built.literals.items():
                built.cp.add_hint(lit, self.current.get(key[0]) == key)
            solver = cp_model.CpSolver()
            # deterministic time, so that a run with a fixed number of steps is reproducible; the wall clock only
            # guards the overall deadline
            solver.parameters.max_deterministic_time = seconds
            solver.parameters.max_time_in_seconds = max(0.05, deadline - time.perf_counter())
            solver.parameters.num_workers = 1
            solver.parameters.random_seed = self.seed + self.stats.iterations
            t_solve = time.perf_counter()
            code = run_cpsat(solver, built.cp, stop=stop)
            self.stats.iterations += 1
            if DEBUG:
                kind = self.kinds[k][0] if k >= 0 else "repair"
                print(f"step {self.stats.iterations} {kind:<26} freed={len(freed):4d} lits={built.size:6d} "
                      f"build={t_solve - t_build:.2f}s solve={time.perf_counter() - t_solve:.2f}s "
                      f"status={code} obj={solver.objective_value if code in (2, 4) else None} "
                      f"cur={incumbent.objective}")
            proven = code == cp_model.OPTIMAL
            better, gain = False, 0
            if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) and built.penalties:
                after = built.chosen(solver)
                moved = {sid for sid in freed if after.get(sid) != self.current.get(sid)}
                if moved:  # priced by the rules' judge functions: the model's auxiliary literals may be left on
                    chosen = {sid: key for sid, key in self.current.items() if sid not in moved}
                    chosen.update({sid: after[sid] for sid in moved if sid in after})
                    d_objective, d_score, _ = self.pricer.delta(self.current, chosen, moved)
                    if d_score < 0:
                        better, gain = True, -d_score
                        incumbent = Incumbent(chosen, incumbent.objective + d_objective, incumbent.score + d_score)
            if k >= 0 and not stop():  # a stop asked before the solve: CP-SAT did not run, the step says nothing
                self.reward(k, gain / effort(solver.deterministic_time, built.size))
            return incumbent, better, proven
        finally:
            for sid in freed:
                kept = incumbent.chosen.get(sid)
                if kept is not None:
                    board.place(kept, self.placement(kept))


def effort(deterministic_time: float, literals: int) -> float:
    """About how many seconds a step took: CP-SAT's deterministic time (about a quarter of its wall time on one
    thread, measured on L) and the model's building (about 0.1 ms per literal), never the wall clock itself, so
    that the kinds drawn, and a run with `--workers 1`, stay reproducible."""
    return 0.03 + 4 * deterministic_time + 1e-4 * literals


# CP-SAT's deterministic time per neighbourhood. Measured on L-1 (one process, 60 s, seeds 0 and 1): 0.1 gave
# 51,334 and 51,364, 0.05 51,189 and 51,117, 0.03 51,225 and 51,183; M-1 7,183 at 0.05 against 7,215. Where
# slots have blocks a neighbourhood exchanges room-blocks whole and needs longer: GECCO21 at 30 s 10,969 at 0.1,
# 11,132 at 0.05.
SUB_SECONDS = 0.05
BLOCK_SUB_SECONDS = 0.1
