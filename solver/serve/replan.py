""""Re-plan the rest": the engine's solve in a background thread, with `salle solve --previous` semantics (the
working schedule as the previous one, rule keep_previous) and the pinned and hand-moved sessions frozen
(`--freeze`), reporting progress as it goes. When no schedule exists, the explanation's sentences."""

from __future__ import annotations

import math
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from solver.api import solve
from solver.app import Freeze, with_previous
from solver.config import Config
from solver.engine import SolveOptions, Status
from solver.errors import SalleError
from solver.explain import explain
from solver.inputs import Problem
from solver.judge import judge
from solver.language import say, say_n, speaking
from solver.publish.tables import assignments_csv
from solver.schedule import Assignment, Schedule
from solver.serve.incremental import Place


@dataclass
class Replan:
    """One run: its progress while it runs, then the proposal (or why there is none)."""

    working: dict[str, Place]
    frozen: tuple[str, ...]
    time_limit: float
    started: float = field(default_factory=time.monotonic)
    stop: threading.Event = field(default_factory=threading.Event)
    phase: str = "starting"
    placed: int = 0
    sessions: int = 0
    objective: float | None = None
    bound: float | None = None
    done: bool = False
    status: str = ""
    message: str = ""
    reason: str = ""  # which message: "moves", "none", "timeout", "stopped" (the page says it in its language)
    proposal: dict[str, Place] | None = None
    score: int | None = None  # the proposal's soft penalty total, judged with the tab's rules
    hard: int = 0
    findings: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)  # (sentence, rule, sessions)
    locale: str = "en"  # the language of its sentences (the desk's)

    def changes(self) -> list[tuple[str, Place | None, Place | None]]:
        if self.proposal is None:
            return []
        ids = sorted(set(self.working) | set(self.proposal))
        return [(sid, self.working.get(sid), self.proposal.get(sid)) for sid in ids
                if self.working.get(sid) != self.proposal.get(sid)]

    def start(self, problem: Problem, config: Config) -> None:
        self.thread = threading.Thread(target=self._run, args=(problem, config), name="salle-replan", daemon=True)
        self.thread.start()

    def join(self, timeout: float) -> bool:
        """Wait at most `timeout` seconds for the run's thread to end; whether it ended."""
        thread = getattr(self, "thread", None)
        if thread is not None:
            thread.join(timeout)
        return thread is None or not thread.is_alive()

    def _progress(self, seconds: float, best: float, bound: float) -> None:
        self.objective = None if math.isnan(best) else best
        self.bound = None if math.isnan(bound) or math.isinf(bound) else bound

    def _phase(self, phase: str, placed: int, sessions: int) -> None:
        self.phase, self.placed, self.sessions = phase, placed, sessions

    def _run(self, problem: Problem, config: Config) -> None:
        try:
            with speaking(self.locale):
                self._solve(problem, config)
        except SalleError as exc:
            self.status, self.message = "error", str(exc)
        except Exception as exc:  # a bug: say it in the page rather than leave the run spinning
            with speaking(self.locale):
                self.status, self.message = "error", say("internal error while re-planning: {error}", error=repr(exc))
        finally:
            self.done = True

    def _solve(self, problem: Problem, config: Config) -> None:
        with tempfile.TemporaryDirectory(prefix="salle-serve-") as folder:
            previous = Path(folder) / "working.csv"
            schedule = Schedule(tuple(_assignments(self.working)))
            previous.write_text(assignments_csv(problem, schedule), encoding="utf-8")
            frozen_problem, _ = with_previous(problem, previous, Freeze(self.frozen))
        # one process: the desk's server runs threads, and a re-plan is small (no partner processes forked)
        options = SolveOptions(time_limit=self.time_limit, on_progress=self._progress, on_phase=self._phase,
                               stop=self.stop, workers=1)
        result = solve(frozen_problem, config, options)
        self.status = str(result.status)
        if result.schedule is None:
            self.phase = "explaining"  # then "no schedule" below
            if result.status == Status.INFEASIBLE and not self.stop.is_set():  # (an explanation cannot be stopped)
                why = explain(frozen_problem, config, min(10.0, self.time_limit))
                self.findings = [(f.sentence, f.rule, tuple(f.sessions)) for f in why.findings]
                self.message = say("No schedule keeps the frozen sessions in place and meets every hard rule.")
                self.reason = "none"
            elif result.status == Status.TIMEOUT:
                self.message = say("The time limit ({limit} s) ran out before any schedule was found.",
                                   limit=format(self.time_limit, "g"))
                self.reason = "timeout"
            else:
                self.message = say("Stopped before any schedule was found.")
                self.reason = "stopped"
            self.phase = "no schedule"
            return
        self.proposal = {a.session_id: (a.room_id, a.slot_id) for a in result.schedule.assignments}
        verdict = judge(problem, result.schedule, config)
        self.score, self.hard = verdict.total, len(verdict.hard)
        self.phase = "done"
        self.message = say_n("{n} session would move.", "{n} sessions would move.", len(self.changes()))
        self.reason = "moves"

    def payload(self) -> dict:
        return {
            "running": not self.done, "phase": self.phase, "placed": self.placed, "sessions": self.sessions,
            "objective": self.objective, "bound": self.bound, "seconds": round(time.monotonic() - self.started, 1),
            "status": self.status, "message": self.message, "score": self.score, "hard": self.hard,
            "frozen": list(self.frozen),
            "changes": [{"session": sid, "from": _place(a), "to": _place(b)} for sid, a, b in self.changes()],
            "findings": [{"sentence": s, "rule": r, "sessions": [x for x in ids if x in self.frozen]}
                         for s, r, ids in self.findings],
        }


def _assignments(places: dict[str, Place]) -> list[Assignment]:
    return [Assignment(sid, room, slot) for sid, (room, slot) in sorted(places.items())]


def _place(place: Place | None) -> dict | None:
    return None if place is None else {"room": place[0], "slot": place[1]}
