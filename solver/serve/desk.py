"""One tab's editing session: its working schedule (judged live), pins, undo/redo, rule settings and re-plan.

Every tab starts from the schedule last saved; its changes stay its own until it saves (a version check then
refuses to overwrite a save made meanwhile by another tab).
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field

from solver.config import Config
from solver.errors import shown
from solver.language import current, either, say
from solver.serve.i18n import desk_text
from solver.serve.incremental import Change, LiveJudge, MoveRefused, Place
from solver.serve.replan import Replan
from solver.serve.state import Shared

Move = tuple[str, Place | None, Place | None]  # (session, before, after)


@dataclass
class Step:
    """One gesture, undone and redone as a whole: a drag, a dialog choice, an accepted re-plan."""

    label: str
    moves: list[Move] = field(default_factory=list)


class Desk:
    def __init__(self, shared: Shared) -> None:
        self.id = secrets.token_urlsafe(16)
        self.csrf = secrets.token_urlsafe(24)
        self.shared = shared
        self.lock = threading.RLock()
        self.base_version = shared.saved.version
        self.initial: dict[str, Place] = dict(shared.saved.places)
        self.saved_places: dict[str, Place] = dict(self.initial)  # as this tab last saved them (or found them)
        self.config: Config = shared.config
        self.live = shared.start(self._ordered)
        self.pinned: set[str] = set()
        self.released: set[str] = set()  # hand-moved sessions the organizer let the re-plan move again
        self.undo_stack: list[Step] = []
        self.redo_stack: list[Step] = []
        self.replan: Replan | None = None
        self.touched = time.monotonic()  # when the tab last asked anything (the app's clock)
        self.claimed = False  # the page's script has used it (a page only loaded, by an <img> say, has not)

    def _ordered(self, places: dict[str, Place]) -> dict[str, Place]:
        """As assignments.csv orders them (day, start, room), so sentences read as `salle check` on that file."""
        slot = self.shared.problem.slot

        def key(item: tuple[str, Place]) -> tuple:
            sid, (room, first) = item
            return (slot[first].day, slot[first].start, room, sid)

        return dict(sorted(places.items(), key=key))

    # ---- moving
    def frozen(self) -> set[str]:
        """Pinned sessions and those moved by hand from the schedule this tab started from."""
        moved = {sid for sid, place in self.live.places.items() if self.initial.get(sid) != place}
        return self.pinned | (moved - self.released)

    def move(self, session_id: str, place: Place | None, label: str = "move") -> Change:
        with self.lock:
            self.released.discard(session_id)  # moved by hand again: frozen again
            before = self.live.places.get(session_id)
            change = self.live.move(session_id, place)
            self.undo_stack.append(Step(label, [(session_id, before, place)]))
            self.redo_stack.clear()
            return change

    def swap(self, first: str, second: str) -> Change:
        """`first` takes `second`'s place and `second` takes `first`'s (nowhere when `first` was unscheduled):
        one gesture, one undo step, judged as the two moves it is. MoveRefused when a session does not fit where
        it would go (the day ends first), or `second` is pinned here."""
        with self.lock:
            problem = self.shared.problem
            for sid in (first, second):
                if sid not in problem.session:
                    raise MoveRefused(say("unknown session {id}", id=shown(sid)))
            there, here = self.live.places.get(second), self.live.places.get(first)
            if first == second or there is None:
                raise MoveRefused(say("{id} has no place to swap with", id=shown(second)))
            if second in self.pinned:
                raise MoveRefused(self.shared.t("swap_refused", id=second))
            one = self.live.move(first, there)
            try:
                two = self.live.move(second, here)
            except MoveRefused:
                self.live.move(first, here)
                raise
            self.released.difference_update((first, second))
            self.undo_stack.append(Step("swap", [(first, here, there), (second, there, here)]))
            self.redo_stack.clear()
            new, resolved = list(one.new), list(one.resolved)
            for v in two.resolved:  # a sentence the first move brought and the second took away is no news
                if v in new:
                    new.remove(v)
                else:
                    resolved.append(v)
            for v in two.new:
                if v in resolved:
                    resolved.remove(v)
                else:
                    new.append(v)
            return Change(new, resolved, one.total_before, two.total_after, one.hard_before, two.hard_after)

    def moved(self) -> dict[str, Place | None]:
        """The sessions this tab placed elsewhere than the schedule it last saved (or started from), and where
        (None: unscheduled): what a reload would lose."""
        places, saved = self.live.places, self.saved_places
        return {sid: places.get(sid) for sid in {*places, *saved} if places.get(sid) != saved.get(sid)}

    def apply(self, moves: list[tuple[str, Place | None]], label: str) -> Step:
        """Several moves as one step (an accepted re-plan); the verdict is then recomputed whole."""
        with self.lock:
            step = Step(label)
            for sid, place in moves:
                step.moves.append((sid, self.live.places.get(sid), place))
            self._replay([(sid, place) for sid, _, place in step.moves])
            self.undo_stack.append(step)
            self.redo_stack.clear()
            return step

    def _replay(self, moves: list[tuple[str, Place | None]]) -> None:
        if len(moves) <= 3:
            for sid, place in moves:
                self.live.move(sid, place)
            return
        places = dict(self.live.places)
        for sid, place in moves:
            if place is None:
                places.pop(sid, None)
            else:
                places[sid] = place
        self.live = LiveJudge(self.shared.problem, self.config, places)

    def undo(self) -> Step | None:
        with self.lock:
            if not self.undo_stack:
                return None
            step = self.undo_stack.pop()
            self._replay([(sid, before) for sid, before, _ in reversed(step.moves)])
            self.redo_stack.append(step)
            return step

    def redo(self) -> Step | None:
        with self.lock:
            if not self.redo_stack:
                return None
            step = self.redo_stack.pop()
            self._replay([(sid, after) for sid, _, after in step.moves])
            self.undo_stack.append(step)
            return step

    def pin(self, session_id: str, pinned: bool) -> None:
        if session_id not in self.shared.problem.session:
            raise MoveRefused(say("unknown session {id}", id=shown(session_id)))
        with self.lock:
            if pinned:
                self.pinned.add(session_id)
                self.released.discard(session_id)
            else:  # unpinned, and not frozen either when it was moved by hand
                self.pinned.discard(session_id)
                self.released.add(session_id)

    def unsaved(self) -> bool:
        """Whether the tab holds work a reload would lose (moves, pins, rule changes, a re-plan)."""
        return bool(self.undo_stack or self.redo_stack or self.pinned or self.replan or self.changed_rules())

    # ---- rules
    def set_rule(self, name: str, mode: str, weight: int | None) -> None:
        rc = self.config[name]
        if mode not in ("off", *rc.rule.modes):
            raise MoveRefused(say("{rule} can be {modes}, not {mode}", rule=name,
                                  modes=either(_mode(m) for m in ("off", *rc.rule.modes)), mode=mode))
        changes: dict[str, object] = {"enabled": mode != "off"}
        if mode != "off":
            changes["hard"] = mode == "hard"
        if weight is not None:
            changes["weight"] = weight
        with self.lock:
            self.config = self.config.with_settings(name, **changes)
            self.live.set_config(self.config)

    def changed_rules(self) -> dict[str, dict[str, object]]:
        """The settings this tab changed from the files' (what the rules panel writes into constraints.yaml)."""
        out: dict[str, dict[str, object]] = {}
        for rc in self.config.rules:
            old = self.shared.config[rc.name].settings
            diff = {k: v for k, v in rc.settings.model_dump().items() if getattr(old, k) != v}
            if diff:
                out[rc.name] = diff
        return out

    # ---- saving
    def save(self) -> list[str]:
        with self.lock:
            verdict = self.live.judgement()
            version, written = self.shared.save(self.base_version, self.live.schedule(), self.config, verdict,
                                                verdict.total, self.changed_rules())
            self.base_version = version
            self.saved_places = dict(self.live.places)
            self.config = self.shared.config if not self.changed_rules() else self.config
            return [str(p) for p in written]


def _mode(mode: str) -> str:
    """A rule's mode (`off`, `soft`, `hard`) as the desk's page names it."""
    return desk_text(current(), f"mode_{mode}")
