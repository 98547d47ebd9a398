"""The server's re-plans: one runs at a time (a CP-SAT search takes the machine's cores), a newer one from the
same tab replaces the older, a run whose tab stopped asking about it (closed, navigated away) is stopped, and
when the server stops every run is stopped and its thread joined before the process exits (a CP-SAT search
still running in a thread when the interpreter exits aborts it: "terminate called without an active exception").
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from solver.config import Config
from solver.inputs import Problem
from solver.language import say
from solver.serve.guards import Refused
from solver.serve.replan import Replan

ABANDONED = 90.0  # seconds without a request from its tab: the tab is gone (a hidden tab still asks once a minute)
STOP_WAIT = 15.0  # seconds to wait for a stopped run's thread (an explanation under way ends within 10 s)


class Leash(threading.Event):
    """A run's stop request, also set as soon as `gone()` says its tab is gone. The engine asks `is_set()` many
    times a second: no watchdog thread is needed."""

    def __init__(self, gone: Callable[[], bool]) -> None:
        super().__init__()
        self.gone = gone

    def is_set(self) -> bool:
        if not super().is_set() and self.gone():
            self.set()
        return super().is_set()


class Replans:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.lock = threading.Lock()
        self.runs: dict[str, Replan] = {}  # tab id -> its latest run
        self.closing = False

    def start(self, owner: str, last_seen: Callable[[], float], run: Replan, problem: Problem,
              config: Config) -> None:
        """Start `run` for tab `owner` (`last_seen()`: when that tab last asked anything); Refused (429) while
        another tab's run is under way, (503) when the server is stopping."""
        with self.lock:
            if self.closing:
                raise Refused(503, say("salle serve is stopping: no new re-plan"))
            self.runs = {who: r for who, r in self.runs.items() if not r.done}
            for who, other in self.runs.items():
                if who != owner and not other.stop.is_set():
                    raise Refused(429, say("another tab is re-planning (one re-plan runs at a time): wait until it "
                                           "ends, or stop it in that tab, then try again"))
            for other in self.runs.values():  # this tab's older run, or runs already told to stop
                other.stop.set()
                if not other.join(STOP_WAIT):
                    raise Refused(429, say("the previous re-plan is still stopping: try again in a few seconds"))
            run.stop = Leash(lambda: self.clock() - last_seen() > ABANDONED)
            self.runs = {owner: run}
            run.start(problem, config)

    def forget(self, owner: str) -> None:
        """Stop tab `owner`'s run (discarded, or the tab was forgotten)."""
        with self.lock:
            run = self.runs.pop(owner, None)
        if run is not None:
            run.stop.set()

    def stop_all(self) -> list[Replan]:
        """Refuse new runs and stop every one (without waiting); the runs."""
        with self.lock:
            self.closing = True
            runs = list(self.runs.values())
        for run in runs:
            run.stop.set()
        return runs

    def close(self, wait: float = STOP_WAIT) -> bool:
        """Stop every run and wait for their threads (at most `wait` seconds in all); whether they all ended."""
        runs = self.stop_all()
        deadline = time.monotonic() + wait
        return all(run.join(max(0.0, deadline - time.monotonic())) for run in runs)
