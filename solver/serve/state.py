"""What the server holds for every tab: the conference, the constraint files, the schedule last saved and its
version, and the writing of a save (assignments.csv, every publication and the rules file, all-or-nothing).

No file name ever comes from the browser: every path here is fixed when `salle serve` starts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
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
from solver.language import say
from solver.publish import RunFacts, finish, prepare
from solver.publish.atomic import check_out_folder, write_atomically
from solver.publish.locale import DEFAULT_ENGLISH, Texts, resolve_locale, texts
from solver.schedule import Schedule
from solver.serve.fingerprint import Fingerprint
from solver.serve.i18n import desk_text
from solver.serve.incremental import LiveJudge, Place
from solver.serve.rulesfile import RulesFileError, updated_constraints

ASSIGNMENTS = "assignments.csv"


class Conflict(Exception):
    """The files on disk changed since this page was opened (another tab saved, another command wrote, or the
    inputs were edited). `other`: what that change was (when, which sessions it moved), for the page to show;
    `refused`: the moves of the tab whose save was refused (filled by the route)."""

    def __init__(self, message: str, other: dict | None = None) -> None:
        super().__init__(message)
        self.other = other
        self.refused: list[dict] = []


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
    moved: tuple[str, ...] = ()  # the sessions this version moved from the one before (a save from the desk)


class Shared:
    """The server's state, shared by every tab opened since the inputs were loaded (a lock guards saves)."""

    def __init__(self, inputs: Path, schedule: Path | None, constraints: list[Path] | None, out: Path,
                 locale: str | None = None) -> None:
        self.inputs, self.out, self.schedule_given = inputs, out, schedule
        self.constraints_given, self.locale_given = constraints, locale
        self.rules_file = inputs / BESIDE_INPUTS  # where the rules panel saves, layered last
        self.conference: ConferenceFile = with_conference(inputs)
        self.applied = resolve_constraints(constraints, inputs)
        self.fingerprint = Fingerprint(inputs, self.applied)  # before reading: an edit meanwhile is noticed
        self.config: Config = load_config(self.applied)
        self.problem: Problem
        self.problem, self.warnings = load_problem_with_warnings(inputs)
        try:  # the desk speaks the conference's language (French or English), as its public pages do
            self.texts: Texts = resolve_locale(self.problem, locale or self.conference.locale)
        except ValueError:
            self.texts = texts(DEFAULT_ENGLISH)
        check_out_folder(out, [inputs, *self.applied])
        source = schedule if schedule is not None else out / ASSIGNMENTS
        places: dict[str, Place] = {}
        if schedule is not None or source.is_file():
            places = _in_file_order(read_schedule(source, self.problem))
        self.source = source if places or schedule is not None else None
        self.saved = Saved(places, digest=_digest(out / ASSIGNMENTS))
        self.lock = threading.Lock()
        self._start: LiveJudge | None = None  # the saved schedule judged, copied by each new tab

    def reloaded(self) -> Shared:
        """The inputs loaded again (InputError when they are now invalid), starting from the schedule last saved;
        the version numbering goes on."""
        saved_here = self.saved.version > 1 and (self.out / ASSIGNMENTS).is_file()
        fresh = Shared(self.inputs, None if saved_here else self.schedule_given, self.constraints_given, self.out,
                       self.locale_given)
        fresh.saved.version = self.saved.version
        return fresh

    def stale(self) -> str | None:
        """A sentence when the input files changed since they were loaded, else None."""
        changed = self.fingerprint.changed()
        if not changed:
            return None
        names = ", ".join(changed[:5])
        if len(changed) > 5:
            names = say("{names} and {n} more", names=names, n=len(changed) - 5)
        return say("The input files changed since this page loaded them ({names}): reload the page to load them "
                   "(this page's unsaved changes are then lost); saving from this page is refused.", names=names)

    def start(self, ordered: Callable[[dict[str, Place]], dict[str, Place]]) -> LiveJudge:
        """The saved schedule's live verdict under the files' rules, for a new tab (a copy of its own)."""
        with self.lock:
            if self._start is None or self._start.config is not self.config:
                self._start = LiveJudge(self.problem, self.config, ordered(self.saved.places))
            return self._start.copy()

    def check_version(self, base: int) -> None:
        """Conflict when a save happened after version `base`, OUT/assignments.csv changed behind our back, or
        the inputs changed since they were loaded."""
        on_disk = _digest(self.out / ASSIGNMENTS)
        t = self.t
        if base != self.saved.version:
            raise Conflict(t("conflict_tab", at=f"{self.saved.at:%H:%M:%S}", version=self.saved.version, base=base),
                           {"by": "tab", "at": f"{self.saved.at:%H:%M:%S}", "version": self.saved.version,
                            "moved": list(self.saved.moved)})
        if on_disk != self.saved.digest:
            path = self.out / ASSIGNMENTS
            raise Conflict(t("conflict_disk", path=path, base=base),
                           {"by": "disk", "at": _mtime(path), "version": None, "moved": self._moved_on_disk(path)})
        stale = self.stale()
        if stale:
            raise Conflict(say("Nothing was written. {why}", why=stale))

    def save(self, base: int, schedule: Schedule, config: Config, verdict: Judgement, objective: int,
             changed_rules: dict[str, dict[str, object]]) -> tuple[int, list[Path]]:
        """Write the schedule, every publication and the rules changed in the panel (into INPUTS/constraints.yaml)
        in one all-or-nothing write; return the new version and the files written. Nothing is replaced unless
        the new rules file reads back, with salle's own loader, as the rules this tab shows."""
        with self.lock:
            self.check_version(base)
            files: dict[Path, str | bytes] = {}
            applied = self.applied
            if changed_rules:
                text = self._new_rules(changed_rules)
                applied = self._validated(text, changed_rules, config)
                files[self.rules_file] = text
            config = Config(config.rules, tuple(str(p) for p in applied))
            staged = prepare(self.problem, schedule, config, verdict, self.out, RunFacts("solve", objective),
                             conference=self.conference)  # checked and rendered, nothing written yet
            written = write_atomically({**staged.files, **files})  # the rules file with them, or nothing
            finish(staged, [p for p in written if p != self.rules_file])
            if changed_rules:
                self.applied, self.config = applied, config
                self.fingerprint.refresh(self.rules_file)
            places = {a.session_id: (a.room_id, a.slot_id) for a in schedule.assignments}
            moved = tuple(sorted(sid for sid in {*places, *self.saved.places}
                                 if places.get(sid) != self.saved.places.get(sid)))
            self.saved = Saved(places, self.saved.version + 1, _digest(self.out / ASSIGNMENTS), moved=moved)
            self._start = None
            return self.saved.version, written

    def t(self, key: str, **values: object) -> str:
        """The desk's text `key` in the conference's language."""
        return desk_text(self.texts.name, key, **values)

    def _moved_on_disk(self, path: Path) -> list[str]:
        """The sessions OUT/assignments.csv now places elsewhere than the version last read ([] when unreadable)."""
        try:
            places = _in_file_order(read_schedule(path, self.problem))
        except (InputError, OSError):
            return []
        return sorted(sid for sid in {*places, *self.saved.places} if places.get(sid) != self.saved.places.get(sid))

    def _new_rules(self, changed_rules: dict[str, dict[str, object]]) -> str:
        try:
            text = self.rules_file.read_bytes().decode("utf-8-sig") if self.rules_file.is_file() else ""
            return updated_constraints(text, changed_rules)
        except (OSError, UnicodeDecodeError, RulesFileError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else str(exc)
            raise InputError([Issue(str(self.rules_file), say("{reason}; nothing was written: fix the file by hand "
                                                              "(or move it aside), then save again",
                                                              reason=reason))]) from None

    def _validated(self, text: str, changed_rules: dict[str, dict[str, object]], config: Config) -> list[Path]:
        """The constraint files a run will apply once `text` is the rules file, after checking with
        `load_config` (from a temp file) that they give the rules this tab shows."""
        applied = resolve_constraints(self.constraints_given, self.inputs)
        if not any(p.resolve() == self.rules_file.resolve() for p in applied if p.exists()):
            applied.append(self.rules_file)  # written now: layered last, as resolve_constraints will find it
        with tempfile.TemporaryDirectory(prefix="salle-serve-") as folder:
            trial = Path(folder) / BESIDE_INPUTS
            trial.write_text(text, encoding="utf-8")
            layered = [trial if p == self.rules_file or (p.exists() and p.resolve() == self.rules_file.resolve())
                       else p for p in applied]
            try:
                check = load_config(layered)
            except InputError as exc:
                issues = [Issue(self.rules_file.as_posix() if i.file == str(trial) else i.file,
                                i.message, i.row, i.column) for i in exc.issues]
                raise InputError([*issues, Issue(str(self.rules_file), say("the rules panel's change would make it "
                                                                           "unreadable, so nothing was written"))]
                                 ) from None
        for rule in changed_rules:
            if check[rule].settings != config[rule].settings:
                raise InputError([Issue(str(self.rules_file), say("is not the last constraint file applied: the "
                                                                  "rules panel's {rule} would be overridden by a later "
                                                                  "one, so nothing was written; change that file "
                                                                  "instead", rule=rule))])
        return applied


def _mtime(path: Path) -> str | None:
    try:
        return f"{dt.datetime.fromtimestamp(path.stat().st_mtime).astimezone():%H:%M:%S}"
    except OSError:
        return None


def _in_file_order(schedule: Schedule) -> dict[str, Place]:
    return {a.session_id: (a.room_id, a.slot_id) for a in schedule.assignments}
