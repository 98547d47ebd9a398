"""What the server holds for every tab: the conference, the constraint files, the schedule last saved and its
version, and the writing of a save (assignments.csv and every publication, atomically, through the service).

No file name ever comes from the browser: every path here is fixed when `salle serve` starts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from solver.app import BESIDE_INPUTS, resolve_constraints, with_conference
from solver.config import Config, load_config
from solver.errors import InputError, Issue
from solver.inputs import Problem, load_problem_with_warnings
from solver.inputs.assignments import read_schedule
from solver.inputs.conference import ConferenceFile
from solver.judge import Judgement
from solver.publish import RunFacts, publish
from solver.publish.atomic import check_out_folder, write_atomically
from solver.schedule import Schedule
from solver.serve.incremental import LiveJudge, Place
from solver.serve.rulesfile import updated_constraints

ASSIGNMENTS = "assignments.csv"


class Conflict(Exception):
    """The schedule on disk changed since this page was opened (another tab saved, or another command wrote)."""


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "absent"


@dataclass
class Saved:
    """The schedule every new tab starts from, and its version (1 when the server starts, +1 per save)."""

    places: dict[str, Place]
    version: int = 1
    digest: str = "absent"  # of OUT/assignments.csv when this version was read or written
    at: dt.datetime = field(default_factory=lambda: dt.datetime.now().astimezone())


class Shared:
    """The server's state, shared by every tab (a lock guards saves)."""

    def __init__(self, inputs: Path, schedule: Path | None, constraints: list[Path] | None, out: Path) -> None:
        self.inputs, self.out = inputs, out
        self.constraints_given = constraints
        self.conference: ConferenceFile = with_conference(inputs)
        self.applied = resolve_constraints(constraints, inputs)
        self.config: Config = load_config(self.applied)
        self.problem: Problem
        self.problem, self.warnings = load_problem_with_warnings(inputs)
        self.rules_file = inputs / BESIDE_INPUTS  # where the rules panel saves, layered last
        check_out_folder(out, [inputs, *self.applied])
        source = schedule if schedule is not None else out / ASSIGNMENTS
        places: dict[str, Place] = {}
        if schedule is not None or source.is_file():
            read = read_schedule(source, self.problem)
            places = _in_file_order(read)
        self.source = source if places or schedule is not None else None
        self.saved = Saved(places, digest=_digest(out / ASSIGNMENTS))
        self.lock = threading.Lock()
        self._start: LiveJudge | None = None  # the saved schedule judged, copied by each new tab

    def start(self, ordered: Callable[[dict[str, Place]], dict[str, Place]]) -> LiveJudge:
        """The saved schedule's live verdict under the files' rules, for a new tab (a copy of its own)."""
        with self.lock:
            if self._start is None or self._start.config is not self.config:
                self._start = LiveJudge(self.problem, self.config, ordered(self.saved.places))
            return self._start.copy()

    def check_version(self, base: int) -> None:
        """Conflict when a save happened after version `base`, or OUT/assignments.csv changed behind our back."""
        on_disk = _digest(self.out / ASSIGNMENTS)
        if base != self.saved.version:
            raise Conflict(f"This schedule was saved from another tab at {self.saved.at:%H:%M:%S} (version "
                           f"{self.saved.version}) after this page opened version {base}. Nothing was written: "
                           "reload the page to see that version, then redo your changes.")
        if on_disk != self.saved.digest:
            raise Conflict(f"{self.out / ASSIGNMENTS} was changed outside this page since version {base} was "
                           "read. Nothing was written: reload the page to start from the file as it is now.")

    def save(self, base: int, schedule: Schedule, config: Config, verdict: Judgement, objective: int,
             changed_rules: dict[str, dict[str, object]]) -> tuple[int, list[Path]]:
        """Write the schedule and every publication into OUT (atomically), and the rules changed in the panel
        into INPUTS/constraints.yaml; return the new version and the files written."""
        with self.lock:
            self.check_version(base)
            written: list[Path] = []
            if changed_rules:
                text = self.rules_file.read_text(encoding="utf-8") if self.rules_file.is_file() else ""
                written += write_atomically({self.rules_file: updated_constraints(text, changed_rules)})
                self.applied = resolve_constraints(self.constraints_given, self.inputs)
                try:
                    check = load_config(self.applied)
                except InputError as exc:  # a bug in the file's update: say so, keep the config in memory
                    raise InputError([Issue(str(self.rules_file), f"could not be re-read: {exc}")]) from None
                self.config = Config(config.rules, check.files)
                config = self.config
            failures: list[str] = []
            written += publish(self.problem, schedule, config, verdict, self.out, RunFacts("solve", objective),
                               conference=self.conference, failures=failures)
            self.saved = Saved({a.session_id: (a.room_id, a.slot_id) for a in schedule.assignments},
                               self.saved.version + 1, _digest(self.out / ASSIGNMENTS))
            self._start = None
            return self.saved.version, written


def _in_file_order(schedule: Schedule) -> dict[str, Place]:
    return {a.session_id: (a.room_id, a.slot_id) for a in schedule.assignments}
