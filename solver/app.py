"""What each command does, as plain functions the CLI (and tests) call: load, solve, judge, write."""

from __future__ import annotations

import datetime as dt
import shlex
import time
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path

from solver.config import Config, load_config
from solver.engine import Result, SolveOptions, solve
from solver.errors import InputError, Issue, SalleError
from solver.explain import Explanation, explain
from solver.inputs import Problem, load_problem_with_warnings
from solver.inputs.assignments import read_previous, read_schedule
from solver.inputs.conference import DEFAULT_TIMEZONE, ConferenceFile, load_conference
from solver.judge import Judgement, judge
from solver.language import for_conference, speaking
from solver.publish import REPORT_FILES, RunFacts, check_conference_url, publish, render_report
from solver.publish.atomic import check_out_folder, write_atomically
from solver.publish.files import ASSIGNMENTS, publish_seconds, slowness
from solver.rules import EVERY_SESSION
from solver.schedule import Assignment, Schedule

DEFAULT_CONSTRAINTS = Path("constraints/default.yaml")
PACKAGED_CONSTRAINTS = Path(__file__).parent / "data" / "default.yaml"  # the same file, shipped with salle
BESIDE_INPUTS = "constraints.yaml"  # INPUTS/constraints.yaml: layered after the others (an import writes one)


class JudgeDisagrees(SalleError):
    """The solver produced a schedule the independent judge rejects: a bug in salle, never the user's fault."""


def default_constraints() -> Path | None:
    """constraints/default.yaml in the current folder, else the copy shipped with salle (None if neither)."""
    for candidate in (DEFAULT_CONSTRAINTS, PACKAGED_CONSTRAINTS):
        if candidate.is_file():
            return candidate
    return None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a == b


def resolve_constraints(paths: list[Path] | None, inputs: Path | None = None) -> list[Path]:
    """The constraint files a run applies, in order: the files given (else constraints/default.yaml from the
    current folder, else salle's own copy), then INPUTS/constraints.yaml when the inputs folder has one (and it
    is not already among them)."""
    files = list(paths) if paths else [p for p in [default_constraints()] if p is not None]
    if inputs is not None:
        beside = Path(inputs) / BESIDE_INPUTS
        if (beside.exists() or beside.is_symlink()) and not any(_same_file(beside, Path(p)) for p in files):
            files.append(beside)
    return files


@dataclass
class SolveRun:
    problem: Problem
    config: Config
    result: Result
    judgement: Judgement | None = None
    written: list[Path] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    unscheduled: dict[str, list[str]] = field(default_factory=dict)  # session_id -> reasons
    moved: dict[str, str] = field(default_factory=dict)  # with --previous: session_id -> why it had to move
    conference: ConferenceFile = field(default_factory=ConferenceFile)  # INPUTS/conference.yaml, options applied
    # publications a run interrupted by Ctrl-C had no time for (solver.publish.publications.GROUPS): their earlier
    # files were removed; `refresh` is the command that writes them
    not_refreshed: list[str] = field(default_factory=list)
    refresh: str = ""


def check_timezone(name: str) -> None:
    """An IANA time zone name such as America/Toronto, or an InputError before any work is done."""
    from solver.publish import check_timezone as valid

    try:
        valid(name)
    except ValueError as exc:
        raise InputError([Issue("--timezone", str(exc))]) from None


def check_locale(locale: str | None) -> None:
    """fr_CA, en… (French or English), or an InputError before any work is done."""
    if locale is None:
        return
    from solver.publish.locale import texts

    try:
        texts(locale)
    except ValueError as exc:
        raise InputError([Issue("--locale", str(exc))]) from None


@dataclass(frozen=True)
class Freeze:
    """Which sessions of the previous schedule must not move (they become pinned)."""

    sessions: tuple[str, ...] = ()  # ids, or "all"
    before: dt.datetime | None = None  # every session starting before this moment

    def applies(self, problem: Problem, session_id: str, slot_id: str) -> bool:
        if "all" in self.sessions or session_id in self.sessions:
            return True
        slot = problem.slot.get(slot_id)
        if self.before is None or slot is None:
            return False
        return dt.datetime.combine(slot.day, dt.time()) + dt.timedelta(minutes=slot.start) < self.before


def parse_moment(text: str) -> dt.datetime:
    """`2027-05-13`, `2027-05-13 12:00`, `2027-05-13T12h30`."""
    from solver.inputs.values import parse_day, parse_time

    parts = text.replace("T", " ").split()
    if not parts:
        raise ValueError("a moment is needed, such as 2027-05-13 12:00")
    day = parse_day(parts[0])
    minutes = parse_time(parts[1]) if len(parts) > 1 else 0
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes)


def with_previous(problem: Problem, previous_file: Path, freeze: Freeze) -> tuple[Problem, list[Issue]]:
    """The problem with the previous schedule attached, and frozen sessions pinned where they were."""
    previous, notes = read_previous(previous_file, problem)
    unknown = [s for s in freeze.sessions if s != "all" and s not in problem.session]
    if unknown:
        raise InputError([Issue("--freeze", f"unknown session '{s}'") for s in unknown])
    sessions = []
    for s in problem.sessions:
        old = previous.get(s.session_id)
        if old and freeze.applies(problem, s.session_id, old[1]):
            if old[0] in problem.room and old[1] in problem.slot:
                s = s.model_copy(update={"room": old[0], "slot": old[1]})
            else:
                notes.append(Issue(str(previous_file), f"cannot freeze {s.session_id}: its room or slot no "
                                                       "longer exists"))
        sessions.append(s)
    return replace(problem, sessions=tuple(sessions), previous=previous), notes


# `run_solve`'s time limit covers the whole run: the search stops early enough to judge and write the files.
# What that takes is estimated from the conference's size (solver.publish.files.publish_seconds) with a margin,
# plus the search's own end (its last step, its partners ended, its schedule priced).
WRITE_MARGIN = 1.25
AFTER_SEARCH_SECONDS = 0.4


def reserve_seconds(problem: Problem) -> float:
    """The seconds `run_solve` keeps, of its time limit, for what follows the search (`SolveOptions.reserve`):
    more when other processes want the cores now (solver.publish.files.slowness)."""
    after = AFTER_SEARCH_SECONDS + 6e-5 * len(problem.sessions) + WRITE_MARGIN * publish_seconds(problem)
    return after * slowness()


def run_solve(inputs: Path, constraints: list[Path] | None, out: Path, options: SolveOptions,
              allow_unscheduled: bool = False, previous: Path | None = None, freeze: Freeze | None = None,
              timezone: str | None = None, locale: str | None = None,
              conference: ConferenceFile | None = None) -> SolveRun:
    """Load, solve, verify with the judge, and write the outputs only when a valid schedule was found.

    With `allow_unscheduled`, sessions that cannot all fit are left out (the fewest attendees possible) and
    each one left out gets the reasons found for the full problem; so it is when a constraint file switches
    all_scheduled off (or makes it soft at weight 0), rather than placing nothing. With `previous`, the
    schedule stays close to that one (rule keep_previous, and CP-SAT starts from it); `freeze` pins some
    sessions where they were. INPUTS/conference.yaml gives the time zone, locale, title… that `timezone`,
    `locale` and `conference` (its non-empty fields) do not.

    `options.time_limit` covers the whole run, from `options.started` (default: now): unless `options.reserve`
    says otherwise, the search keeps `reserve_seconds` of it for judging and writing. `options.stop` (Ctrl-C)
    stops the search and hurries the writing (solver.publish.files.publish): the run's own files are written
    within moments; publications with no time left are left out (`SolveRun.not_refreshed`, with the command
    that writes them)."""
    if options.started is None:
        options = replace(options, started=time.perf_counter())
    conf = with_conference(inputs, conference, timezone=timezone, locale=locale)
    check_timezone(conf.timezone or DEFAULT_TIMEZONE)
    check_locale(conf.locale)
    check_conference_url(conf.base_url, inputs)
    applied = resolve_constraints(constraints, inputs)
    check_out_folder(out, [inputs, previous, *applied])  # before any work: --out must not hold what is read
    config = load_config(applied)
    problem, warnings = load_problem_with_warnings(inputs)
    if previous is not None:
        problem, notes = with_previous(problem, previous, freeze or Freeze())
        warnings += notes
    strict = config
    if allow_unscheduled:
        config = _every_session(config, enabled=True, hard=False)
    elif _leaves_out_for_nothing(config):
        config = _every_session(config, enabled=True, hard=False, weight=_EVERY_SESSION_WEIGHT)
        warnings.append(Issue(", ".join(map(str, config.files)) or "constraints", "all_scheduled is off: every "
                              "session that fits is still placed, and only those that cannot are left out"))
    if not options.reserve:
        options = replace(options, reserve=reserve_seconds(problem))
    with for_conference(problem):  # the engine's sentences (why a session has no place…) as the judge's
        result = solve(problem, config, options)
    run = SolveRun(problem, config, result, warnings=warnings, conference=conf)
    if result.schedule is None:
        return run
    stopped = result.interrupted or (options.stop is not None and options.stop.is_set())
    placed = {a.session_id for a in result.schedule.assignments}
    missing = [s.session_id for s in problem.sessions if s.session_id not in placed]
    if missing and stopped:  # interrupted: no time to look for reasons
        run.unscheduled = {sid: ["not looked for: the run was interrupted (salle explain says why)"]
                           for sid in missing}
    elif missing:
        why = explain(problem, _every_session(strict, enabled=True, hard=True), options.explain_time_limit)
        run.unscheduled = {
            sid: why.for_session(sid) or ["every room and slot it could use is taken by sessions with more "
                                          "attendees, or clashes with its speakers' other sessions"]
            for sid in missing
        }
    run.judgement = judge(problem, result.schedule, config)
    if not run.judgement.ok:
        lines = "\n".join(f"  - {v.message}" for v in run.judgement.hard)
        raise JudgeDisagrees(f"internal error: the solver's schedule breaks hard rules:\n{lines}")
    run.moved = moved_sessions(problem, result.schedule, config)
    # the judge's figure is the one reported (the model's auxiliary literals could overstate a schedule's cost)
    result = run.result = replace(result, objective=run.judgement.total,
                                  penalties={k: v for k, v in run.judgement.penalties.items() if v})
    assert result.schedule is not None
    failures: list[str] = []
    run.refresh = export_command(inputs, out, constraints, conference,
                                 timezone=timezone, locale=locale, force=bool(run.unscheduled))
    facts = RunFacts("solve", result.objective, result.bound, result, tuple(run.unscheduled), tuple(run.moved),
                     refresh=run.refresh)
    run.written = publish(problem, result.schedule, config, run.judgement, out, facts, conference=conf,
                          failures=failures, stop=options.stop, left_out=run.not_refreshed)
    run.warnings += [Issue(str(out), sentence) for sentence in failures]
    return run


def export_command(inputs: Path, out: Path, constraints: list[Path] | None, conference: ConferenceFile | None,
                   *, timezone: str | None = None, locale: str | None = None, force: bool = False) -> str:
    """The `salle export` command that publishes OUT/assignments.csv as this run would have (the publications an
    interrupted run left out): the same inputs, constraint files and conference options."""
    words = ["salle", "export", str(inputs), "--schedule", str(out / ASSIGNMENTS), "--out", str(out)]
    for file in constraints or []:
        words += ["--constraints", str(file)]
    given = {"timezone": timezone, "locale": locale}
    if conference is not None:
        for key in ("title", "acronym", "base_url"):
            value = getattr(conference, key, None)
            if value:
                given[key] = value
    for key, value in given.items():
        if value:
            words += [f"--{key.replace('_', '-')}", str(value)]
    if force:  # sessions left out: the strict rules would refuse the schedule
        words.append("--force")
    return shlex.join(words)


_EVERY_SESSION_WEIGHT = 1000  # all_scheduled's default weight: what leaving a session out costs when it is off


def _leaves_out_for_nothing(config: Config) -> bool:
    """Whether no rule asks to place the sessions (all_scheduled off, or soft at weight 0): the solver would
    gain nothing by placing one and might leave them all out, so such a run places every session that fits."""
    return not any(config[n].settings.enabled and (config[n].settings.hard or config[n].settings.weight > 0)
                   for n in EVERY_SESSION)


def _every_session(config: Config, **changes: bool | int) -> Config:
    """`config` with the rules that place every session (all_scheduled, as they say) changed as given."""
    for name in EVERY_SESSION:
        config = config.with_settings(name, **changes)
    return config


def moved_sessions(problem: Problem, schedule: Schedule, config: Config) -> dict[str, str]:
    """Sessions placed elsewhere than in the previous schedule, each with why: the hard rule its old place now
    breaks (as the judge says it), or that it made room for those."""
    if not problem.previous:
        return {}
    new = schedule.by_session()
    moved = [sid for sid, (room, slot) in problem.previous.items()
             if sid in new and (new[sid].room_id, new[sid].slot_id) != (room, slot)]
    if not moved:
        return {}
    old = Schedule(tuple(Assignment(sid, room, slot) for sid, (room, slot) in sorted(problem.previous.items())
                         if sid in problem.session and room in problem.room and slot in problem.slot))
    verdict = judge(problem, old, _every_session(config, enabled=False))
    broken: dict[str, str] = {}
    for v in verdict.hard:
        for sid in v.sessions:
            broken.setdefault(sid, f"{v.rule}: {v.message}")
    return {sid: broken.get(sid, "moved to make room for the sessions that had to move, or for a better schedule")
            for sid in moved}


def with_conference(inputs: Path | None, given: ConferenceFile | None = None, **options: str | None) -> ConferenceFile:
    """INPUTS/conference.yaml (validated: InputError with file, line and key), overridden by the non-empty
    fields of `given` and by the options that are not None (timezone=…, locale=…, title=…)."""
    conf = load_conference(inputs)
    changes = {k: v for k, v in (given.model_dump() if given else {}).items() if v is not None}
    changes.update({k: v for k, v in options.items() if v is not None})
    return conf.model_copy(update=changes)


def run_check(inputs: Path, schedule_file: Path, constraints: list[Path] | None,
              report_dir: Path | None = None) -> tuple[Config, Judgement]:
    """Judge a schedule file; with `report_dir`, write its report.md, report.csv and summary.json there
    (atomically). INPUTS/conference.yaml is validated and recorded in summary.json."""
    conf = load_conference(inputs)
    applied = resolve_constraints(constraints, inputs)
    if report_dir is not None:
        check_out_folder(report_dir, [inputs, schedule_file, *applied],
                         writes=[report_dir / name for name in REPORT_FILES])
    config = load_config(applied)
    problem, schedule, verdict = _judged(inputs, schedule_file, config)
    if report_dir is not None:
        write_atomically(render_report(problem, schedule, config, verdict, report_dir, RunFacts("check"),
                                       conference=conf))
    return config, verdict


def _judged(inputs: Path, schedule_file: Path, config: Config, force: bool = True
            ) -> tuple[Problem, Schedule, Judgement]:
    """The conference, the schedule file read against it, and the judge's verdict; BrokenSchedule when it breaks
    a hard rule, unless `force`."""
    problem, _ = load_problem_with_warnings(inputs)
    schedule = read_schedule(schedule_file, problem)
    verdict = judge(problem, schedule, config)
    if verdict.hard and not force:
        raise BrokenSchedule(schedule_file, verdict)
    return problem, schedule, verdict


class BrokenSchedule(SalleError):
    """The schedule to publish breaks a hard rule, and `force` was not given: nothing was written."""

    def __init__(self, schedule: Path, verdict: Judgement) -> None:
        super().__init__(f"{schedule} breaks {len(verdict.hard)} hard rule(s)")
        self.schedule, self.verdict = schedule, verdict


@dataclass
class ExportRun:
    problem: Problem
    config: Config
    verdict: Judgement  # hard violations only with `force`
    written: list[Path] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # publications that could not be rendered, in sentences


def run_export(inputs: Path, schedule_file: Path, out: Path, constraints: list[Path] | None, force: bool = False,
               **options: str | None) -> ExportRun:
    """Judge a schedule file, then write every file of a run into `out` as `run_solve` does (solver.publish:
    assignments.csv, report.md, report.csv, the publications, summary.json with command "export").

    A schedule that breaks a hard rule raises BrokenSchedule unless `force`. `options` (timezone, locale, title,
    acronym, base_url) override INPUTS/conference.yaml."""
    conf = with_conference(inputs, None, **options)
    config = load_config(resolve_constraints(constraints, inputs))
    check_timezone(conf.timezone or DEFAULT_TIMEZONE)
    check_locale(conf.locale)
    check_conference_url(conf.base_url, inputs, options.get("base_url"))
    check_out_folder(out, [inputs], writes=[])  # a file, or the inputs folder: refused before any work
    with speaking(options["locale"]) if options.get("locale") else nullcontext():  # --locale: the sentences too
        problem, schedule, verdict = _judged(inputs, schedule_file, config, force)
    run = ExportRun(problem, config, verdict)
    run.written = publish(problem, schedule, config, verdict, out, RunFacts("export"), conference=conf,
                          schedule_file=schedule_file, failures=run.failures)
    return run


def run_export_cosplib(schedule_file: Path, out: Path, inputs: Path | None, constraints: list[Path] | None,
                       force: bool = False) -> tuple[Path, Judgement, dict[str, int]]:
    """Judge a schedule file, then write CoSPLib's solution workbook (sheet `sol`); return where, the verdict
    and its score in the library's terms. `inputs` defaults to the schedule's folder when it holds
    sessions.csv, else inputs/; `out` is the workbook, or a folder for solution.xlsx."""
    from solver.importers.cosplib import library_names, library_terms
    from solver.publish.cosplib import solution_workbook

    if inputs is None:
        inputs = schedule_file.parent if (schedule_file.parent / "sessions.csv").is_file() else Path("inputs")
    target = out if out.suffix.lower() == ".xlsx" else out / "solution.xlsx"
    config = load_config(resolve_constraints(constraints, inputs))
    problem, schedule, verdict = _judged(inputs, schedule_file, config, force)
    write_atomically({target: solution_workbook(problem, schedule, library_names(inputs))})
    return target, verdict, library_terms(verdict.penalties)


def run_explain(inputs: Path, constraints: list[Path] | None, time_limit: float) -> tuple[Problem, Explanation]:
    """Why no schedule meets every hard rule (empty findings when one does)."""
    config = load_config(resolve_constraints(constraints, inputs))
    problem, _ = load_problem_with_warnings(inputs)
    return problem, explain(problem, config, time_limit)
