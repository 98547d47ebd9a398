"""Neighbourhood search on more than one core: partner processes improve alongside the main one.

With `--workers N` (N > 1, on Linux), N − 1 partner processes are forked once the first schedule is priced. Each
runs its own neighbourhood search (its own random stream) from the main process's schedule and sends every
improvement it finds as a proposal: the placements it changed since the last schedule it was told about (its
*version*), and what that changed in the objective. The main process, between two of its own steps, takes each
proposal:

- made on the schedule it still holds: the partner priced it exactly on that very schedule, it is applied as is;
- made on an older one: it is checked again on the current schedule (every changed placement still free on the
  board, no hard rule that links sessions broken, priced again by the rules' judge functions over the sessions
  linked to the change), and applied only if it still lowers the score;
- when the search runs the local search (solver.engine.local), whose changes are too many for a proposal to stay
  valid long: a proposal that no longer fits brings the partner's whole schedule when that scores better, and a
  partner goes on from its own schedule while it is ahead.

Every schedule the main process keeps (its own steps' and the partners') is sent to the partners as a new
version; a partner goes on from the newest one it has. The main process stays the only one that reports,
writes and decides; partners ignore Ctrl-C and stop when told, when the main process is gone, or at the deadline.
Once the last proposals are taken (or at once on a stop request: from the Ctrl-C handler itself when the stop is
a `solver.engine.result.Stop`), the main process ends them (SIGKILL): nothing they could still send is waited
for, and the cores are free at once for what follows (writing the files). A run with one worker uses no partner
and stays deterministic.

No send ever blocks: messages go through queues whose feeder threads write the pipes, so a main process telling
partners a new version while they propose (each 100 KB or more on a large conference, more than a pipe holds)
never waits on a partner that is itself waiting to be read: both sides go on and read at their next step.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
import traceback
import warnings
from collections.abc import Callable
from typing import Any

from solver.engine.board import Board
from solver.engine.candidates import Key
from solver.engine.lns import DEBUG, Incumbent, LargeNeighbourhoodSearch
from solver.engine.result import Stop
from solver.engine.search import changes, next_size

Diff = dict[str, Key | None]  # session_id -> its new placement (None: taken out)
HISTORY = 64  # versions whose schedules the main process keeps


def available() -> bool:
    """Whether partner processes can be forked here (Linux)."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def move(search: LargeNeighbourhoodSearch, board: Board, change: Diff) -> None:
    """Apply a change to the board (assumed to fit)."""
    for sid in change:
        if sid in board.chosen:
            board.remove(sid)
    for key in change.values():
        if key is not None:
            board.place(key, search.placement(key))


class Partners:
    """The main process's side: start the partners, take their proposals, tell them what is kept."""

    def __init__(self, search: LargeNeighbourhoodSearch, make: Callable[[int], LargeNeighbourhoodSearch],
                 board: Board, incumbent: Incumbent, count: int, deadline: float, stop: Callable[[], bool],
                 event: object = None) -> None:
        """`count` partners, searching until `deadline` (time.perf_counter()) or `stop()`; with `event` a
        solver.engine.result.Stop, they are ended from its `set` (a Ctrl-C) without waiting for the search loop."""
        self.search = search
        self.version = 0
        self.accepted = self.checked = self.refused = self.adopted = 0
        # the schedules of the latest versions told to the partners, to rebuild a partner's whole schedule from
        self.history: dict[int, Incumbent] = {0: incumbent}
        self._links: list[tuple[Any, Link]] = []
        context = multiprocessing.get_context("fork")
        # what exists now is left out of the garbage collector's passes while the partners run: a full pass in
        # a partner would touch (and so copy) every page of the search's state it shares with this process
        self._frozen = count > 0
        if self._frozen:
            gc.freeze()
        for i in range(count):
            if stop():  # a Ctrl-C while forking (a fraction of a second each, for a large search): no more
                break
            link = Link(context.Queue(), context.Queue())
            process = context.Process(target=_partner, name=f"salle-lns-{i + 1}", daemon=True,
                                      args=(link.reversed(), make(i + 1), board, incumbent,
                                            deadline - time.perf_counter()))
            held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
            try:  # born with Ctrl-C held (the partner ignores it before letting it through: never this handler)
                with warnings.catch_warnings():  # Python 3.12+ warns about fork in a process with threads: the
                    warnings.simplefilter("ignore", DeprecationWarning)  # partner touches none of their locks
                    process.start()
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, held)
            self._links.append((process, link))
        self.stop = stop
        self.deadline = deadline
        self._forget = event.on_set(self.halt) if isinstance(event, Stop) else None

    def __len__(self) -> int:
        return len(self._links)

    def exchange(self, incumbent: Incumbent, board: Board, final: bool = False) -> Incumbent:
        """Take every pending proposal (in order of arrival per partner); the incumbent they lead to. `final`
        (closing, past the time limit): a stale proposal is refused rather than checked again."""
        for _, link in self._links:
            latest: dict[int, tuple[Diff, int, int]] = {}
            for base, change, d_objective, d_score in link.received():
                latest[base] = (change, d_objective, d_score)  # a later proposal on one base includes the earlier
            for base, (change, d_objective, d_score) in sorted(latest.items()):
                kept = self._take(incumbent, board, base, change, d_objective, d_score, final)
                if kept is not None:
                    self.kept(kept, diff_of=changes(incumbent.chosen, kept.chosen))
                    incumbent = kept
        return incumbent

    def kept(self, incumbent: Incumbent, diff_of: Diff, restart: bool = False) -> None:
        """Tell every partner the schedule the main process now holds (a new version); with `restart`, every
        partner goes on from it, whatever its own schedule scores (e.g. a second construction, better placed
        for what moves find hard to change)."""
        self.version += 1
        if restart:
            self.history.clear()  # a partner's schedule from before it is never adopted whole
        self.history[self.version] = incumbent
        self.history.pop(self.version - HISTORY, None)
        message = (self.version, diff_of, incumbent.objective, incumbent.score, restart)
        for _, link in self._links:
            link.send(message)

    def _take(self, incumbent: Incumbent, board: Board, base: int, proposed: Diff, d_objective: int,
              d_score: int, final: bool = False) -> Incumbent | None:
        """The incumbent after a partner's proposal: applied as is when made on the schedule held, else checked
        again on it; when it no longer fits or gains, the partner's whole schedule if it scores better (with the
        local search). None: refused."""
        change = {sid: key for sid, key in proposed.items() if incumbent.chosen.get(sid) != key}
        if not change:
            return None
        if base == self.version:  # priced by the partner on this very schedule
            move(self.search, board, change)
            self.accepted += 1
            return _applied(incumbent, change, d_objective, d_score)
        if final and time.perf_counter() > self.deadline:  # past the time limit: no time to check it again
            self.refused += 1
            return None
        self.checked += 1
        checked = self._check(incumbent, board, change)
        if checked is not None:
            self.accepted += 1
            return checked
        was = self.history.get(base)
        # the partner's whole schedule, when it scores better and the partners run the local search (by
        # neighbourhoods alone, taking whole schedules did worse: OR60F at 60 s 52, 53, 53 and 54, against 40
        # and 46 without, 35, 39 and 41 before either)
        if was is not None and self.search.mover is not None and was.score + d_score < incumbent.score:
            theirs = _with(was.chosen, proposed)
            move(self.search, board, changes(incumbent.chosen, theirs))
            self.adopted += 1
            return Incumbent(theirs, was.objective + d_objective, was.score + d_score)
        self.refused += 1
        return None

    def _check(self, incumbent: Incumbent, board: Board, change: Diff) -> Incumbent | None:
        """The incumbent with `change` applied, when it still fits the board, breaks no hard rule and lowers the
        score; else None (and the board as it was)."""
        search = self.search
        old = {sid: incumbent.chosen[sid] for sid in change if sid in incumbent.chosen}
        for sid in old:
            board.remove(sid)
        placed: list[str] = []
        fits = True
        for sid, key in change.items():
            if key is None:
                continue
            p = search.placement(key)
            if not board.free(p):
                fits = False
                break
            board.place(key, p)
            placed.append(sid)
        if fits:
            after = _with(incumbent.chosen, change)
            d_objective, d_score, broken = search.pricer.delta(incumbent.chosen, after, change)
            if d_score < 0 and not broken:
                return _applied(incumbent, change, d_objective, d_score)
        for sid in placed:  # refused: the board as it was
            board.remove(sid)
        for key in old.values():
            board.place(key, search.placement(key))
        return None

    def close(self, incumbent: Incumbent, board: Board) -> Incumbent:
        """Take the last proposals (unless stopped: then none is waited for), then end the partners at once: what
        they could still propose is not worth the time, and the main process needs the cores for what follows."""
        if not self.stop():
            incumbent = self.exchange(incumbent, board, final=True)
        if self._forget is not None:
            self._forget()
        self.halt()
        if self._frozen:
            gc.unfreeze()
            self._frozen = False
        if DEBUG:
            print(f"partners: {self.accepted} proposals kept ({self.checked} checked again, {self.refused} refused), "
                  f"{self.adopted} whole schedules adopted")
        end = time.perf_counter() + 2.0  # SIGKILL ends a process within milliseconds; the bound is a guard only
        for process, link in self._links:
            with contextlib.suppress(Exception):
                process.join(max(0.0, end - time.perf_counter()))
            link.close()
        return incumbent

    def halt(self) -> None:
        """End every partner now (SIGKILL; safe from a signal handler: it only sends signals). Idempotent. No lock
        is shared with a partner (a partner killed while holding one would leave it taken for good)."""
        for process, _ in self._links:
            with contextlib.suppress(Exception):  # already ended, or not started
                if process.pid is not None and process.exitcode is None:
                    os.kill(process.pid, signal.SIGKILL)


class Link:
    """One side's two queues to the other. `send` never blocks (the queue's feeder thread writes the pipe);
    a reader thread takes what arrives into a local queue, so `received` never blocks either, not even on a
    message the other side died while writing; `close` flushes what this side sent, a moment at most."""

    def __init__(self, outbox: Any, inbox: Any) -> None:
        self.outbox, self.inbox = outbox, inbox
        self._arrived: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._reader: threading.Thread | None = None

    def reversed(self) -> Link:
        return Link(self.inbox, self.outbox)

    def send(self, message: object) -> None:
        with contextlib.suppress(ValueError, OSError, AssertionError):  # closed: the other side is gone
            self.outbox.put(message)

    def _read(self) -> None:
        with contextlib.suppress(EOFError, OSError, ValueError):
            while True:
                self._arrived.put(self.inbox.get())

    def received(self) -> list[Any]:
        """Every message arrived so far (the reader starts at the first call: after every partner is forked)."""
        if self._reader is None:
            self._reader = threading.Thread(target=self._read, name="salle-partner-reader", daemon=True)
            self._reader.start()
        out = []
        while True:
            try:
                out.append(self._arrived.get_nowait())
            except queue.Empty:
                return out

    def close(self, flush: float = 0.0) -> None:
        """Stop sending; with `flush`, give the feeder that long to write what was sent (whole messages reach the
        other side), else never wait for a reader that is gone."""
        self.outbox.close()
        if flush > 0:
            done = threading.Thread(target=self.outbox.join_thread, daemon=True)
            done.start()
            done.join(flush)
        else:
            self.outbox.cancel_join_thread()
        self.inbox.cancel_join_thread()


def _with(chosen: dict[str, Key], change: Diff) -> dict[str, Key]:
    out = dict(chosen)
    for sid, key in change.items():
        if key is None:
            out.pop(sid, None)
        else:
            out[sid] = key
    return out


def _applied(incumbent: Incumbent, change: Diff, d_objective: int, d_score: int) -> Incumbent:
    return Incumbent(_with(incumbent.chosen, change), incumbent.objective + d_objective, incumbent.score + d_score)


def _partner(link: Link, search: LargeNeighbourhoodSearch, board: Board, incumbent: Incumbent,
             seconds: float) -> None:
    """A partner process: improve from the newest version, propose every improvement, until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    deadline = time.perf_counter() + seconds
    parent = os.getppid()
    version, synced = 0, incumbent
    size = search.first_size()

    def stop() -> bool:  # told by a None message (read between two steps), killed by the main process, or deadline
        return time.perf_counter() > deadline

    try:
        while time.perf_counter() < deadline - 0.05 and not stop() and os.getppid() == parent:
            told = forced = False
            for message in link.received():
                if message is None:
                    return
                version, change, objective, total, restart = message
                synced, told = Incumbent(_with(synced.chosen, change), objective, total), True
                forced = forced or restart
            # go on from the main process's schedule: always when searching by neighbourhoods alone (their small
            # proposals merge well), else when it is as good as this one (a local search changes too much for its
            # proposals to stay valid: the main process takes its whole schedule instead), or when told to
            if told and (forced or search.mover is None or synced.score <= incumbent.score):
                move(search, board, changes(board.chosen, synced.chosen))
                incumbent = synced
            incumbent, better, proven = search.step(incumbent, board, size, search.sub_seconds, stop, deadline)
            if better:
                link.send((version, changes(synced.chosen, incumbent.chosen), incumbent.objective - synced.objective,
                           incumbent.score - synced.score))
            size = next_size(size, proven, len(search.problem.sessions))
    except (EOFError, BrokenPipeError, OSError, KeyboardInterrupt):
        return
    except Exception:  # a partner's failure costs only its proposals: the main process goes on, with no traceback
        if DEBUG:
            traceback.print_exc()
        return
    finally:
        link.close(flush=0.4)  # its last proposals whole (the main process kills a partner 0.5 s after telling)
