"""Every file of a run, rendered from one schedule and written together: what `salle solve`, `salle export` and
the desk's Save share.

`render_all` returns every file (assignments.csv, report.md, report.csv, the publications, summary.json) keyed
by its path in the output folder, writing nothing; it reads the folder's calendar.ics, the one published before,
so that each calendar event's SEQUENCE counts the moves across runs (solve, export, the desk's Save alike).
`publish` checks the folder, writes them all-or-nothing
(solver.publish.atomic) with the manifest of what salle wrote (solver.publish.manifest), and removes the files
the previous run wrote for rooms, speakers or days that are gone (only those: never a file of the user's).
What differs between the commands is `RunFacts`: the command's name, and what only a solver run knows
(objective, bound, status and timings, sessions left out or moved).

How `publish` goes fast, and how it stops. The publications are rendered as jobs
(solver.publish.publications.publication_jobs), side by side in forked processes (one per core, up to
`PROCESSES`), each job's files written there as flushed temp files; the main process meanwhile renders the
run's own files (assignments.csv, report.md, report.csv), then writes summary.json and the manifest and renames
everything into place in one switch (solver.publish.atomic), removing the earlier run's files that this one does
not write in the same switch. `publish_seconds` says about how long that takes for a conference, so that
`salle solve` stops its search in time to write within its time limit.

Given a `stop` event (`salle solve`'s Ctrl-C), publishing is hurried as soon as it is set: what is not rendered
`HURRY_SECONDS` after the Ctrl-C is left out, a publication (`publications.GROUPS`) as a whole. The run's own
files are always written. A publication left out is not left stale: its earlier files are removed in the same
switch (a timetable or calendar never claims to show a schedule it does not show), summary.json lists it under
`not_refreshed` with the command that writes it (`salle export …`), and the calendar published before is kept
as the hidden `.salle-calendar.ics`, so that the calendars written later still count SEQUENCE from what
subscribers last saw. A second Ctrl-C (KeyboardInterrupt) stops everything: nothing is written, every temp file
is removed, the previous outputs stay whole.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import signal
import stat
import sys
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from solver.config import Config
from solver.engine import Result
from solver.errors import Issue, OutputError
from solver.inputs import Problem
from solver.inputs.conference import DEFAULT_TIMEZONE, ConferenceFile
from solver.judge import Judgement
from solver.publish.atomic import (
    TEMP,
    Prestaged,
    check_out_folder,
    discard,
    stage_files,
    sweep,
    write_atomically,
)
from solver.publish.attendees import report_lines
from solver.publish.manifest import (
    LINKED,
    MANIFEST,
    check_inside,
    digest,
    manifest_text,
    prune,
    read_manifest,
    read_manifest_stamps,
    relative,
)
from solver.publish.publications import (
    FILE_SECONDS,
    FILES_PER_SESSION,
    GROUPS,
    PAGES,
    PAGES_SECONDS,
    SECONDS,
    Job,
    check_conference_url,
    failure,
    publication_jobs,
    render_publications,
)
from solver.publish.report import report_csv, report_markdown, report_rows
from solver.publish.summary import SUMMARY, summary_json
from solver.publish.tables import assignments_csv
from solver.schedule import Schedule

ASSIGNMENTS = "assignments.csv"
REPORT_FILES = ("report.md", "report.csv", SUMMARY)  # what `render_report` renders
CARRIED_CALENDAR = ".salle-calendar.ics"  # calendar.ics as published before, kept while the calendars are left out
HURRY_SECONDS = 1.4  # after a Ctrl-C: how long the publications may go on before what is not done is left out
LATE_SECONDS = 0.5  # hurried, with less time than this left: no publication is even begun
PROCESSES = 4  # processes rendering the publications side by side, at most (one per core)
ABANDON_SECONDS = 0.5  # given up (a failure, a second Ctrl-C): how long its temp files are deleted, at most
SWEEP_SECONDS = 1.0  # what an interrupted run left to delete: removed for this long at most by the next one
CLEANUP_SECONDS = 0.3  # hurried: what the switch moved aside is deleted for this long after it, at least (in
# time: out of time already, a moment only)


@dataclass(frozen=True)
class RunFacts:
    """What report.md and summary.json say besides the schedule and its verdict."""

    command: str  # summary.json's "command": solve, export, check
    objective: int | None = None  # quoted in report.md's headline (solve, the desk)
    bound: float | None = None  # idem, as the proven bound
    result: Result | None = None  # the solver's status, bound and timings (solve only; else summary.json's null)
    unscheduled: tuple[str, ...] = ()  # sessions left out (--allow-unscheduled)
    moved: tuple[str, ...] = ()  # sessions moved from the previous schedule (--previous)
    refresh: str | None = None  # the command that writes the publications a hurried run left out (salle export …)


def render_all(problem: Problem, schedule: Schedule, config: Config, verdict: Judgement, out: Path,
               facts: RunFacts, *, conference: ConferenceFile | None = None,
               failures: list[str] | None = None, manifest: bool = False) -> dict[Path, str | bytes]:
    """Every file of a run, keyed by its path under `out`: assignments.csv, report.md, report.csv, the
    publications (solver.publish.render_publications, named after `conference`: its time zone, locale, title,
    acronym and base URL) and summary.json, which lists them all.

    With a `failures` list, a publication whose renderer fails is left out and named there (else it raises):
    `publish` then writes nothing. With `manifest`, summary.json lists the manifest `publish` adds."""
    conf = conference or ConferenceFile()
    files: dict[Path, str | bytes] = {out / ASSIGNMENTS: assignments_csv(problem, schedule)}
    files.update(_report(problem, schedule, config, verdict, out, facts))
    published = render_publications(problem, schedule, timezone=conf.timezone or DEFAULT_TIMEZONE,
                                    report=report_rows(config, verdict), failures=failures, locale=conf.locale,
                                    previous=problem.previous or None, title=conf.title or "Programme",
                                    acronym=conf.acronym or "", base_url=conf.base_url, config=config,
                                    calendar=previous_calendar(out))
    files.update({out / name: content for name, content in published.items()})
    listed = [*files, *([out / MANIFEST] if manifest else [])]
    files[out / SUMMARY] = _summary(problem, schedule, config, verdict, out, facts, conference, listed)
    return files


CALENDAR = "calendar.ics"
MAX_CALENDAR_BYTES = 50 * 1024 * 1024


def previous_calendar(out: Path) -> bytes | None:
    """OUT/calendar.ics as the previous run published it (its SEQUENCE numbers, start times and rooms: a session
    moved since gets the next SEQUENCE; solver.publish.ical.moves), else the one a hurried run kept aside
    (OUT/.salle-calendar.ics), or None: absent, a symbolic link, too large or unreadable (then every SEQUENCE
    starts again from `problem.previous`)."""
    for path in (out / CALENDAR, out / CARRIED_CALENDAR):
        try:
            if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_CALENDAR_BYTES:
                continue
            return path.read_bytes()
        except OSError:
            continue
    return None


def render_report(problem: Problem, schedule: Schedule, config: Config, verdict: Judgement, out: Path,
                  facts: RunFacts, *, conference: ConferenceFile | None = None) -> dict[Path, str | bytes]:
    """report.md, report.csv and summary.json alone, as `render_all` renders them (what `salle check --out`
    writes)."""
    files = _report(problem, schedule, config, verdict, out, facts)
    files[out / SUMMARY] = _summary(problem, schedule, config, verdict, out, facts, conference, files)
    return files


def _report(problem: Problem, schedule: Schedule, config: Config, verdict: Judgement, out: Path,
            facts: RunFacts) -> dict[Path, str | bytes]:
    wishes = "\n".join(report_lines(problem, schedule))
    return {out / "report.md": report_markdown(config, verdict, facts.objective, facts.bound)
            + (f"\n{wishes}" if wishes else ""),
            out / "report.csv": report_csv(config, verdict)}


def _summary(problem: Problem, schedule: Schedule, config: Config, verdict: Judgement, out: Path,
             facts: RunFacts, conference: ConferenceFile | None, others: Iterable[Path],
             left_out: Iterable[str] = ()) -> str:
    return summary_json(command=facts.command, problem=problem, schedule=schedule, config=config, verdict=verdict,
                        out=out, files=list(others), result=facts.result, unscheduled=facts.unscheduled,
                        moved=facts.moved, conference=conference, not_refreshed=list(left_out),
                        refresh=facts.refresh)


def publish(problem: Problem, schedule: Schedule, config: Config, verdict: Judgement, out: Path,
            facts: RunFacts, *, conference: ConferenceFile | None = None, schedule_file: Path | None = None,
            failures: list[str] | None = None, stop: threading.Event | None = None,
            left_out: list[str] | None = None) -> list[Path]:
    """Write every file of `render_all` into `out` atomically (all renamed together at the end) with the
    manifest of what was written (solver.publish.manifest), remove in the same switch the files the previous
    run wrote and this one does not (a room, speaker or day that is gone), and return the paths written.

    The publications are rendered side by side (the module's docstring). With `stop` (a threading.Event, or
    solver.engine.Stop, which says when it was set): once it is set, publications not done `HURRY_SECONDS`
    after it are left out, named in `left_out` (and in summary.json, with `facts.refresh`). Refused as
    `prepare` refuses (OutputError, nothing written). `failures` gets a sentence for a file of the previous
    run that could not be removed (without that list, the `salle` logger prints it on stderr)."""
    # what exists now (a solve's whole search state: millions of objects) is left out of the garbage
    # collector's passes while publishing: a full pass over it took a second or two, here and in every
    # rendering process (where it also copied every page of memory it touched)
    gc.freeze()
    try:
        return _publish(problem, schedule, config, verdict, out, facts, conference=conference,
                        schedule_file=schedule_file, failures=failures, stop=stop, left_out=left_out)
    finally:
        gc.unfreeze()


def _publish(problem: Problem, schedule: Schedule, config: Config, verdict: Judgement, out: Path,
             facts: RunFacts, *, conference: ConferenceFile | None, schedule_file: Path | None,
             failures: list[str] | None, stop: threading.Event | None, left_out: list[str] | None) -> list[Path]:
    kept = out / ASSIGNMENTS if schedule_file is not None and _same(schedule_file, out / ASSIGNMENTS) else None
    check_out_folder(out, [problem.source, *config.files, None if kept else schedule_file])
    check_conference_url(conference.base_url if conference else None, problem.source)
    conf = conference or ConferenceFile()
    folders = [out, *(out / name for name in LINKED)]
    existed = {f for f in folders if f.is_dir()}
    sweep([f for f in folders if f in existed], until=time.perf_counter() + SWEEP_SECONDS)
    before, stamps = read_manifest_stamps(out)
    calendar = previous_calendar(out)
    late = stop is not None and stop.is_set() and _hurried_until(stop) - time.perf_counter() < LATE_SECONDS
    jobs = [] if late else publication_jobs(  # out of time already (a Ctrl-C long ago): the run's own files only
        problem, schedule, timezone=conf.timezone or DEFAULT_TIMEZONE, report=report_rows(config, verdict),
        locale=conf.locale, previous=problem.previous or None, title=conf.title or "Programme",
        acronym=conf.acronym or "", base_url=conf.base_url, config=config, calendar=calendar)
    render = _Rendering(jobs, out, stop)
    try:
        core: dict[Path, str | bytes | Prestaged] = {out / ASSIGNMENTS: assignments_csv(problem, schedule)}
        core.update(_report(problem, schedule, config, verdict, out, facts))
        salles = _still_salles(out, before, stamps)  # while the publications render
        done = render.wait()
        skipped = [g for g in GROUPS if g not in done]
        files: dict[Path, str | bytes | Prestaged] = {p: c for p, c in core.items() if p != kept}
        for group in done.values():
            files.update(group)
        if PAGES in skipped and calendar is not None:
            files[out / CARRIED_CALENDAR] = calendar  # for the SEQUENCE of the calendars written later
        check_inside(out, [*files, out / MANIFEST])
        files[out / SUMMARY] = _summary(problem, schedule, config, verdict, out, facts, conference,
                                        [*files, *([kept] if kept else []), out / MANIFEST], skipped)
        files[out / MANIFEST] = manifest_text(out, files, [kept] if kept else [])
        now = {relative(out, p) for p in [*files, *([kept] if kept else [])]}
        stale = [path for rel, path in salles.items() if rel not in now]
        problems: list[str] = []
        render.handing_over()
        written = write_atomically(files, remove=stale, problems=problems, until=render.cleanup_until(),
                                   also=render.leftovers, grace=CLEANUP_SECONDS if render.until is None
                                   or render.until > time.perf_counter() else 0.05)
    except BaseException:
        render.abandon()
        _remove_new_folders(folders, existed)
        raise
    render.close()
    for sentence in problems:
        if failures is not None:
            failures.append(sentence)
        else:
            logging.getLogger("salle").warning("warning: %s", sentence)
    if left_out is not None:
        left_out.extend(skipped)
    return written


def _still_salles(out: Path, before: Mapping[str, str],
                  stamps: Mapping[str, tuple[int, int]] | None = None) -> dict[str, Path]:
    """The files of the previous manifest `before` that still hold what salle wrote (`manifest.prune`'s
    choice), by relative path: those this run does not write again are removed in the same switch as the new
    files are written. A file whose size and modification time are still those the manifest kept (`stamps`)
    is not read again."""
    stamps = stamps or {}
    root = str(out)
    out_real = out.resolve()
    inside: dict[str, bool] = {}  # each folder resolved once (through no link out of `out`)
    found: dict[str, Path] = {}
    for rel, wrote in before.items():
        if rel == MANIFEST:
            continue
        path = os.path.join(root, *rel.split("/"))  # text: thousands of paths, Path objects cost more
        folder = os.path.dirname(path)
        try:
            if folder not in inside:
                real = Path(folder).resolve()
                inside[folder] = real == out_real or out_real in real.parents
            if not inside[folder]:
                continue
            st = os.lstat(path)
            if not stat.S_ISREG(st.st_mode):
                continue  # a link, or not a file any more: not salle's to remove
            if stamps.get(rel) == (st.st_size, st.st_mtime_ns):
                found[rel] = Path(path)
                continue
            with open(path, "rb") as f:
                if digest(f.read()) == wrote:
                    found[rel] = Path(path)
        except OSError:
            continue
    return found


def _remove_new_folders(folders: list[Path], existed: set[Path]) -> None:
    """After a failed or abandoned publication: the folders it made, when they are still empty."""
    for folder in reversed(folders):
        if folder not in existed:
            with contextlib.suppress(OSError):
                folder.rmdir()


def publish_seconds(problem: Problem, processes: int | None = None) -> float:
    """About how long `publish` takes for `problem` (judging the schedule included): the jobs of
    solver.publish.publications balanced over the processes (`processes`: default, one per core up to
    `PROCESSES`), the run's own files, and renaming every file into place. Measured on the 2-core benchmark
    machine (a slower one takes longer: `salle solve` adds a margin)."""
    n = max(1, len(problem.sessions))
    files = FILE_SECONDS * n
    from solver.publish.pages import PARTS

    loads = [n * SECONDS[g] for g in ("speakers.csv", "schedule.json", "schedule.xml", "schedule.xlsx")]
    loads.append(n * SECONDS["rooms/*.csv"] + FILE_SECONDS * len(problem.rooms))
    loads += [n * PAGES_SECONDS * share + files * FILES_PER_SESSION.get(part, 0) for part, share in PARTS.items()]
    count = processes or _processes(len(loads))
    bins = [0.0] * max(1, count)
    for load in sorted(loads, reverse=True):
        bins[bins.index(min(bins))] += load
    total_files = n * (1 + sum(FILES_PER_SESSION.values())) + 2 * len(problem.rooms) + 20
    own = n * (JUDGE_SECONDS + CORE_SECONDS) + total_files * RENAME_SECONDS
    return own + max(bins)


JUDGE_SECONDS = 1.0e-4  # per session: the judge's verdict (measured: 0.38 s on XL, 5,000 sessions)
CORE_SECONDS = 6.0e-5  # per session: assignments.csv, report.md, report.csv, summary.json
RENAME_SECONDS = 2.0e-4  # per file: the switch (renames, the previous file moved aside, then deleted)


def _processes(jobs: int) -> int:
    """Processes to render `jobs` side by side: one per core, up to PROCESSES; 0: in this process (no fork)."""
    if not (sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()):
        return 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(PROCESSES, cores, jobs))


class _Rendering:
    """The publications' jobs, rendered and staged (flushed temp files beside their targets) by forked processes,
    or in this process where there is no fork. `wait` gives each publication whose jobs are all done; a job
    that failed is an OutputError (nothing written); `abandon` ends the processes and removes every temp file."""

    def __init__(self, jobs: list[Job], out: Path, stop: threading.Event | None) -> None:
        self.jobs = jobs
        self.out = out
        self.stop = stop
        self.until: float | None = None  # once hurried: when what is not done is left out
        self.done: dict[str, list[tuple[Path, Prestaged]]] = {}  # job name -> its staged files
        self.created: list[Path] = []
        self.failed: list[str] = []
        self.errors: list[Issue] = []
        self.workers: list[tuple[Any, Any, set[str]]] = []  # (process, its end of the pipe, its jobs not done)
        self.pids: list[int] = []
        self.leftovers: list[Path] = []  # temp files of jobs cut short, to delete
        self.slow = 1.0  # once hurried: how much slower than measured the machine runs (`_slowness`)
        if self._hurry():  # hurried from the start (the search was interrupted): only what may be done in time
            count = max(1, _processes(len(jobs)))
            groups = {g: [j for j in jobs if j.group == g] for g in dict.fromkeys(j.group for j in jobs)}
            self.jobs = [j for mine in groups.values() if sum(x.seconds for x in mine) / min(count, len(mine))
                         * self.slow < (self.until or 0.0) - time.perf_counter() for j in mine]
        count = _processes(len(self.jobs))
        if count and self.jobs:
            self._start(count)

    # -- hurrying ----------------------------------------------------------------------------------------------
    def _hurry(self) -> bool:
        """Whether publishing is hurried (a stop was asked); the first time, fix when it must end."""
        if self.until is None and self.stop is not None and self.stop.is_set():
            self.until = _hurried_until(self.stop)
            self.slow = _slowness()
        return self.until is not None

    def _fits(self, job: Job, parallel: int = 1) -> bool:
        """Whether `job` may still be done in time (hurried: its estimate, slowed by the machine's load, before
        `until`); always when not hurried."""
        if not self._hurry():
            return True
        assert self.until is not None
        return job.seconds * self.slow / max(1, parallel) < self.until - time.perf_counter()

    def cleanup_until(self) -> float | None:
        """How long deleting the previous files moved aside may go on: a hurried run stops at its end (what is
        left goes with the next run into the folder)."""
        return self.until if self._hurry() else None

    # -- processes -----------------------------------------------------------------------------------------------
    def _start(self, count: int) -> None:
        context = multiprocessing.get_context("fork")
        bins: list[list[Job]] = [[] for _ in range(count)]
        loads = [0.0] * count
        for job in sorted(self.jobs, key=lambda j: -j.seconds):  # the longest first, each to the least loaded
            i = loads.index(min(loads))
            bins[i].append(job)
            loads[i] += job.seconds
        for mine in bins:
            if not mine:
                continue
            mine.sort(key=lambda j: j.seconds)  # the quickest first: hurried, the most publications are done
            reader, writer = context.Pipe(duplex=False)
            process = context.Process(target=_worker, args=(mine, self.out, writer), name="salle-publish",
                                      daemon=True)
            held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
            try:  # the process is born with Ctrl-C held, and ignores it before letting it through
                process.start()
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, held)
            writer.close()
            self.workers.append((process, reader, {j.name for j in mine}))
            if process.pid is not None:
                self.pids.append(process.pid)

    def wait(self) -> dict[str, dict[Path, Prestaged]]:
        """Every publication whose jobs are all done (rendered and staged), as `path: Prestaged`; the others,
        when hurried and out of time, are left out. OutputError when a job failed (nothing is written)."""
        if self.workers:
            self._collect()
        else:
            self._in_process()
        if self.failed or self.errors:
            issues = [Issue(str(self.out), f"{sentence}: nothing was written and the previous outputs are intact "
                                           "(a bug in salle: please report it)") for sentence in self.failed]
            raise OutputError(issues + self.errors)
        by_group: dict[str, dict[Path, Prestaged]] = {}
        complete = {g for g in (j.group for j in self.jobs)
                    if all(j.name in self.done for j in self.jobs if j.group == g)}
        for job in self.jobs:
            if job.group in complete:
                by_group.setdefault(job.group, {}).update(self.done[job.name])
        self._unused = [pre.temp for job in self.jobs if job.group not in complete
                        for _, pre in self.done.get(job.name, [])]
        return {g: by_group.get(g, {}) for g in GROUPS if g in complete}

    def _collect(self) -> None:
        from multiprocessing.connection import wait

        while any(waiting for _, _, waiting in self.workers):
            hurried = self._hurry()
            if hurried and (time.perf_counter() >= (self.until or 0.0) or not self._worth_waiting()):
                break
            readers = [reader for _, reader, waiting in self.workers if waiting]
            for reader in wait(readers, timeout=0.05):
                self._receive(reader)
            if self.failed or self.errors:
                break
        self._end_workers()

    def _worth_waiting(self) -> bool:
        """Hurried: whether some publication can still be complete in time (else stop waiting at once)."""
        for group in dict.fromkeys(j.group for j in self.jobs):
            left = [j for j in self.jobs if j.group == group and j.name not in self.done]
            if left and all(self._fits(j, 1) for j in left):
                return True
        return False

    def _receive(self, reader: Any) -> None:
        try:
            message = reader.recv()
        except (EOFError, OSError):  # the process ended (its jobs not done are left out, or failed: see below)
            message = None
        for i, (process, mine, waiting) in enumerate(self.workers):
            if mine is not reader:
                continue
            if message is None:
                if waiting and not self._hurry():  # ended without finishing, unasked: a crash, not a hurry
                    self.failed.append(f"{', '.join(sorted(waiting))} could not be rendered (its process ended "
                                       f"with code {process.exitcode})")
                self.workers[i] = (process, mine, set())
                return
            kind, name = message[0], message[1]
            waiting.discard(name)
            if kind == "done":  # paths travel as text (lighter to send than Path objects)
                self.done[name] = [(Path(target), Prestaged(temp, dig, stamp))
                                   for target, temp, dig, stamp in message[2]]
                self.created += [Path(folder) for folder in message[3]]
            elif kind == "failed":
                self.failed.append(message[2])
            else:
                self.errors += message[2]

    def _end_workers(self) -> None:
        """End every process (done or not: SIGKILL, nothing of theirs is needed any more), and note the temp files
        they wrote that are not in hand (`leftovers`: deleted after the switch, or by a later sweep)."""
        for process, _, _ in self.workers:
            with contextlib.suppress(Exception):
                if process.exitcode is None and process.pid is not None:
                    os.kill(process.pid, signal.SIGKILL)
        end = time.perf_counter() + 1.0  # a killed process ends in moments; else it is reaped at exit
        for process, reader, _ in self.workers:
            with contextlib.suppress(Exception):
                process.join(max(0.0, end - time.perf_counter()))
            with contextlib.suppress(Exception):
                reader.close()
        self.workers = [(p, r, set()) for p, r, _ in self.workers]
        self.leftovers = self._theirs()

    def _theirs(self) -> list[Path]:
        """The temp files the ended processes wrote that are not in hand (a job cut short)."""
        if not self.pids:
            return []
        mine = {pre.temp for staged in self.done.values() for _, pre in staged}  # paths as text
        marks = tuple(f".{pid}." for pid in self.pids)
        found = []
        for folder in {self.out, *(self.out / name for name in LINKED), *(p.parent for p in self.created)}:
            try:
                names = [e.name for e in os.scandir(folder)
                         if e.name.endswith(TEMP) and any(m in e.name for m in marks)]
            except OSError:
                continue
            found += [folder / name for name in names if str(folder / name) not in mine]
        return found

    def _in_process(self) -> None:
        """Where processes cannot be forked: the jobs one by one, in this process (hurried: those that fit)."""
        for job in sorted(self.jobs, key=lambda j: (list(GROUPS).index(j.group), j.seconds)):
            if not self._fits(job):
                continue
            try:
                made = job.make()
            except Exception as exc:
                self.failed.append(failure(job.group, exc))
                return
            staged: list[tuple[Path, Prestaged]] = []
            try:
                stage_files({self.out / rel: content for rel, content in made.items()}, staged, self.created)
            except OutputError as exc:
                self.errors += exc.issues
                return
            self.done[job.name] = staged

    # -- the end -------------------------------------------------------------------------------------------------
    def handing_over(self) -> None:
        """The staged files in use now belong to `write_atomically` (removed by it on failure); the others (of a
        publication left out) join the leftovers, deleted after the switch."""
        self.leftovers += [Path(temp) for temp in getattr(self, "_unused", [])]
        self._unused = []
        self._handed = True

    def close(self) -> None:
        """After the switch (which deleted the leftovers with what it moved aside): nothing left to remove."""
        self.leftovers = []
        self.done.clear()

    def abandon(self) -> None:
        """A failure or a second Ctrl-C: end the processes, remove every temp file not handed over."""
        self._end_workers()
        mine = [] if getattr(self, "_handed", False) else [Path(pre.temp) for staged in self.done.values()
                                                           for _, pre in staged]
        # for a moment at most (a second Ctrl-C asks to stop at once): a later run's sweep removes the rest
        discard([*mine, *(Path(t) for t in getattr(self, "_unused", [])), *self.leftovers],
                time.perf_counter() + ABANDON_SECONDS)
        self.done.clear()
        for folder in sorted(set(self.created), key=lambda p: len(p.parts), reverse=True):
            with contextlib.suppress(OSError):
                folder.rmdir()


def _hurried_until(stop: threading.Event) -> float:
    """When a publication hurried by `stop` (set) must be done: HURRY_SECONDS after the stop was asked (when a
    solver.engine.Stop says when; else from now)."""
    at = getattr(stop, "at", None)
    return (at if isinstance(at, float) else time.perf_counter()) + HURRY_SECONDS


def _slowness() -> float:
    """How much slower than measured the machine runs now, by the processes that want its cores besides this one
    (the kernel's count of runnable tasks, /proc/loadavg, at this moment: the load average would still count
    what ran a minute ago); 1.0 when it cannot be known."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    counts = []
    for i in range(3):
        try:
            with open("/proc/loadavg", encoding="ascii") as f:
                counts.append(int(f.read().split()[3].split("/")[0]) - 1)  # this process is one of them
        except (OSError, ValueError, IndexError):
            return 1.0
        if i < 2:
            time.sleep(0.005)
    others = sorted(counts)[1]
    return max(1.0, min(4.0, (others + 1) / max(1, cores)))


slowness = _slowness


def _worker(jobs: list[Job], out: Path, conn: Any) -> None:
    """A rendering process: each job rendered, its files staged (flushed temp files beside their targets), and
    sent to the main process as done; a failure is sent instead. Ctrl-C is the main process's; the main process
    ends this one with SIGKILL and removes what it wrote and did not take."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        for job in jobs:
            try:
                made = job.make()
            except Exception as exc:
                conn.send(("failed", job.name, failure(job.group, exc)))
                return
            staged: list[tuple[Path, Prestaged]] = []
            created: list[Path] = []
            try:
                stage_files({out / rel: content for rel, content in made.items()}, staged, created)
            except OutputError as exc:
                conn.send(("error", job.name, exc.issues))
                return
            conn.send(("done", job.name, [(str(t), pre.temp, pre.digest, pre.stamp) for t, pre in staged],
                       [str(folder) for folder in created]))
    except BaseException:  # the main process is gone (a broken pipe): it removes what is left, or a later sweep does
        pass
    finally:
        with contextlib.suppress(Exception):
            conn.close()
        os._exit(0)


@dataclass(frozen=True)
class Staged:
    """A publication rendered and checked, not yet written: `files` (the manifest included) to write all at once
    (with any other file of the same step, e.g. the desk's rules file), then `finish`."""

    out: Path
    files: dict[Path, str | bytes]
    before: dict[str, str]  # the previous run's manifest
    kept: Path | None  # OUT/assignments.csv left as it is (salle export's defaults)


def prepare(problem: Problem, schedule: Schedule, config: Config, verdict: Judgement, out: Path,
            facts: RunFacts, *, conference: ConferenceFile | None = None,
            schedule_file: Path | None = None) -> Staged:
    """Every file of `render_all` and the manifest, checked, touching nothing.

    `out` is refused (OutputError) when it holds the inputs, a constraint file or `schedule_file` (the schedule
    read, for export), or when a file would be written through a symbolic link leading out of it
    (solver.publish.atomic.check_out_folder, solver.publish.manifest.check_inside); only when `schedule_file`
    is OUT/assignments.csv itself (`salle export`'s defaults) is it left as it is: it already holds this
    schedule. A bad `base_url` is an InputError naming conference.yaml. A publication that cannot be rendered (a
    bug) is an OutputError naming it: nothing is written, so a run never leaves an old timetable or calendar
    beside a new schedule."""
    kept = out / ASSIGNMENTS if schedule_file is not None and _same(schedule_file, out / ASSIGNMENTS) else None
    check_out_folder(out, [problem.source, *config.files, None if kept else schedule_file])
    check_conference_url(conference.base_url if conference else None, problem.source)
    missed: list[str] = []
    files = render_all(problem, schedule, config, verdict, out, facts, conference=conference, failures=missed,
                       manifest=True)
    if missed:
        raise OutputError([Issue(str(out), f"{sentence}: nothing was written and the previous outputs are intact "
                                           "(a bug in salle: please report it)") for sentence in missed])
    files = {path: content for path, content in files.items() if path != kept}
    check_inside(out, [*files, out / MANIFEST])
    files[out / MANIFEST] = manifest_text(out, files, [kept] if kept else [])
    return Staged(out, files, read_manifest(out), kept)


def finish(staged: Staged, written: Iterable[Path], failures: list[str] | None = None) -> None:
    """After `staged.files` were written: remove what the previous run wrote and this one did not."""
    for sentence in prune(staged.out, staged.before, [*written, *([staged.kept] if staged.kept else [])]):
        if failures is not None:
            failures.append(sentence)
        else:
            logging.getLogger("salle").warning("warning: %s", sentence)


def _prune(out: Path, written: Iterable[Path]) -> None:
    """What `finish` does, for a caller that wrote `render_all`'s files itself (no manifest of its own): remove
    what the folder's manifest lists and `written` does not, when it still holds what salle wrote. Prefer
    `prepare` and `finish`, which write the manifest and refuse a failed publication."""
    finish(Staged(out, {}, read_manifest(out), None), written)


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False
