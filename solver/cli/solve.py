"""`salle solve`: schedule every session, show the run as it goes and in a few lines, write every file.

A live progress line while it works; Ctrl-C or SIGTERM once stops the search and writes the best schedule
within moments (assignments.csv, the report, summary.json, and the publications there is time for: those left
out are named, with the `salle export` command that writes them, and their earlier files are removed), twice
stops at once (nothing written, the previous outputs whole); then the summary, the assignments table and what
was written. `--time-limit` covers the whole run, from the command's start to the last file written.
"""

from __future__ import annotations

import math
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.live import Live
from rich.table import Table
from rich.text import Text

from solver import app as service
from solver.cli.console import (
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    EXIT_NO_SCHEDULE,
    EXIT_TIMEOUT,
    ConstraintsOpt,
    InputsArg,
    err,
    fail_input,
    interrupted,
    out,
)
from solver.engine import SolveOptions, Status, Stop
from solver.errors import InputError, Issue, SalleError
from solver.language import speaking
from solver.publish.atomic import committed
from solver.publish.summary import constraint_files_line
from solver.publish.tables import assignment_rows
from solver.rules import REGISTRY

TABLE_ROWS = 60  # a bigger schedule is summarized in the terminal: the files have it all


def solve(
    inputs: InputsArg = Path("inputs"),
    constraints: ConstraintsOpt = None,
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for the results.")] = Path("outputs"),
    time_limit: Annotated[float, typer.Option(help="Seconds for the whole run: reading, the search and writing "
                                                   "the files (the search stops in time to write them).",
                                              min=0.001)] = 30.0,
    seed: Annotated[int, typer.Option(help="Random seed (same inputs and seed, same schedule).", min=0,
                                      max=2**31 - 1)] = 0,
    workers: Annotated[int | None, typer.Option(
        help="Cores to search on, 1 to 64: CP-SAT workers on the exact path, processes on the neighbourhood search "
             "(default: 1 on the exact path, one per core up to 4 on the neighbourhood search; 1: deterministic).",
        min=1, max=64)] = None,
    rooms_per_session: Annotated[int | None, typer.Option(
        help="Large neighbourhood search: offer each freed session its N cheapest rooms besides the "
             "neighbourhood's (default 4); 0: all rooms.", min=0)] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No live progress line.")] = False,
    log: Annotated[bool, typer.Option("--log", help="Show CP-SAT's own search log.")] = False,
    allow_unscheduled: Annotated[bool, typer.Option(
        "--allow-unscheduled", help="When not every session fits, schedule as many as possible (weighted by "
        "attendance), write that schedule, list the others with reasons, and exit 2.")] = False,
    explain_time_limit: Annotated[float, typer.Option(help="Seconds to look for why there is no schedule.",
                                                      min=0.1)] = 10.0,
    previous: Annotated[Path | None, typer.Option(
        "--previous", help="A published assignments.csv to stay close to (rule keep_previous).")] = None,
    freeze: Annotated[str | None, typer.Option(
        help="With --previous: sessions that must not move, as ids separated by ',' or 'all'.")] = None,
    freeze_before: Annotated[str | None, typer.Option(
        help="With --previous: freeze every session starting before this moment (2027-05-13 12:00).")] = None,
    timezone: Annotated[str | None, typer.Option(help="The conference's time zone, for the calendars (default: "
                                                      "INPUTS/conference.yaml, else America/Toronto).")] = None,
    locale: Annotated[str | None, typer.Option(help="Language of the pages and calendars: fr_CA, en… (default: "
                                                    "INPUTS/conference.yaml, else the sessions' language, else the "
                                                    "titles).")] = None,
) -> None:
    """Schedule every session into a room and a slot; write assignments.csv, programme.md and the report."""
    from solver import entry

    started = entry.STARTED if entry.STARTED is not None else time.perf_counter()
    progress = LiveProgress(enabled=not quiet and not log)
    stop = Stop()
    options = SolveOptions(time_limit=time_limit, seed=seed, workers=workers, log=log,
                           explain_time_limit=explain_time_limit, rooms_per_session=rooms_per_session,
                           on_progress=progress.update, on_phase=progress.phase, stop=stop, started=started)
    try:
        from solver.api import check_options

        check_options(options)
    except ValueError as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(EXIT_INPUT) from None
    with interrupts(stop):  # until the very end: an interrupt after the files are written changes nothing
        try:
            before = service.parse_moment(freeze_before) if freeze_before else None
        except ValueError as exc:
            err.print(f"--freeze-before: {exc}", markup=False)
            raise typer.Exit(EXIT_INPUT) from None
        frozen = service.Freeze(tuple(x.strip() for x in (freeze or "").split(",") if x.strip()), before)
        try:
            if (frozen.sessions or frozen.before) and previous is None:
                raise InputError([Issue("--freeze", "needs --previous (the schedule to keep)")])
            with progress, speaking(locale) if locale else nullcontext():  # --locale: the sentences too
                run = service.run_solve(inputs, constraints, out_dir, options, allow_unscheduled, previous, frozen,
                                        timezone, locale)
        except InputError as exc:
            raise fail_input(exc) from None
        except SalleError as exc:
            err.print(str(exc), markup=False)
            raise typer.Exit(EXIT_INPUT) from None
        except KeyboardInterrupt as exc:  # a second Ctrl-C: stop at once, write nothing
            if committed(exc):  # it came while the files were renamed into place: held until the last one
                err.print("Interrupted twice: stopped at once, just after every file was written (the new outputs "
                          "are whole).")
            else:
                err.print("Interrupted twice: stopped at once. Nothing was written; the previous outputs are "
                          "untouched.")
            raise typer.Exit(EXIT_INTERRUPTED) from None
        for w in run.warnings:
            err.print(f"warning: {w}", markup=False)
        out.print(constraint_files_line(run.config.files), markup=False)
        r = run.result
        if r.status is Status.INFEASIBLE:
            out.print("[bold red]No schedule exists[/bold red] that meets every hard rule. Nothing was written.")
            for reason in r.reasons:
                out.print(f"  - {reason}", markup=False)
            raise typer.Exit(EXIT_NO_SCHEDULE)
        if r.status is Status.INTERRUPTED:
            out.print("[bold yellow]Interrupted[/bold yellow] before any schedule was found. Nothing was written; the "
                      "previous outputs are untouched.")
            raise typer.Exit(EXIT_INTERRUPTED)
        if r.status is Status.TIMEOUT:
            out.print(f"[bold yellow]Time limit reached[/bold yellow] ({time_limit:g} s) before any schedule was "
                      "found. Nothing was written; try a longer --time-limit.")
            for reason in r.reasons:
                out.print(f"  - {reason}", markup=False)
            raise typer.Exit(EXIT_TIMEOUT)

        if r.interrupted:
            out.print("[bold yellow]Interrupted[/bold yellow]: the best schedule found so far was written.")
        for line in summary_lines(run):
            out.print(line)
        if r.penalties:
            out.print("penalties: " + ", ".join(f"{k} {v}" for k, v in sorted(r.penalties.items()) if v), markup=False)
        rows = assignment_rows(run.problem, r.schedule)  # type: ignore[arg-type]
        out.print(assignments_table(rows[:TABLE_ROWS]))
        if len(rows) > TABLE_ROWS:
            out.print(f"… and {len(rows) - TABLE_ROWS} more sessions: see {out_dir / 'assignments.csv'} or "
                      f"{out_dir / 'timetable.html'}", markup=False)
        if run.written:
            shown = [p for p in run.written if p.parent == out_dir][:6]
            out.print(f"wrote {len(run.written)} files to {out_dir}: " + ", ".join(p.name for p in shown)
                      + (", …" if len(run.written) > len(shown) else ""), markup=False)
        if run.not_refreshed:
            out.print(f"[bold yellow]Not refreshed[/bold yellow] (no time left after the interrupt): "
                      f"{', '.join(run.not_refreshed)}; their earlier files were removed, so that none shows "
                      "another schedule. To write them:")
            out.print(f"  {run.refresh}", markup=False, soft_wrap=True)
        if run.moved:
            forced = sum(1 for why in run.moved.values() if not why.startswith("moved to make room"))
            out.print(f"[bold]{len(run.moved)} session(s) moved[/bold] from the previous schedule ({forced} because "
                      f"their place now breaks a hard rule):")
            for sid, why in list(run.moved.items())[:TABLE_ROWS]:
                out.print(f"  - {sid}: {why}", markup=False)
        if run.unscheduled:
            out.print(f"[bold yellow]{len(run.unscheduled)} session(s) left unscheduled[/bold yellow]:")
            for sid, reasons in run.unscheduled.items():
                s = run.problem.session[sid]
                out.print(f"  - {sid} « {s.title} » ({s.attendance} expected): " + "; ".join(reasons), markup=False)
            raise typer.Exit(EXIT_NO_SCHEDULE)


class LiveProgress:
    """A live line (elapsed, best objective, bound, gap) while salle works, shown once a second has passed."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and out.is_terminal
        self.started = 0.0
        self.best = math.nan
        self.bound = math.nan
        self.stage = "reading"
        self.placed = ""
        self.live: Live | None = None

    def __enter__(self) -> LiveProgress:
        self.started = time.perf_counter()
        if self.enabled:
            self.live = Live(self, console=out, transient=True, refresh_per_second=4)
            self.live.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.live is not None:
            self.live.stop()

    def update(self, seconds: float, objective: float, bound: float) -> None:
        """The solver's callback: a better schedule (objective) or a better bound (objective is NaN)."""
        if not math.isnan(objective):
            self.best = objective if math.isnan(self.best) else min(self.best, objective)
        if not math.isnan(bound):
            self.bound = bound if math.isnan(self.bound) else max(self.bound, bound)

    def phase(self, name: str, placed: int, total: int) -> None:
        """The engine's callback at each phase: construct, repair, plan, improve."""
        self.stage = name
        self.placed = f"{placed}/{total} placed" if placed else ""

    def __rich__(self) -> Text:
        elapsed = time.perf_counter() - self.started
        if elapsed < 1.0:
            return Text("")
        best = "—" if math.isnan(self.best) else f"{self.best:g}"
        bound = "—" if math.isnan(self.bound) else f"{self.bound:g}"
        gap = (self.best - self.bound) / self.best if self.best and not math.isnan(self.best + self.bound) else None
        return Text(f"{self.stage}… {elapsed:5.1f} s   {self.placed}   best {best}   bound {bound}   "
                    f"gap {'—' if gap is None else f'{gap:.1%}'}", style="cyan")


def summary_lines(run: service.SolveRun) -> list[str]:
    """The run in a few lines: what was placed, how, its score (the judge's), and how far from the bound."""
    r = run.result
    total = len(run.problem.sessions)
    placed = total - len(run.unscheduled)
    label = f"{r.status.value}, partial: {len(run.unscheduled)} unscheduled" if run.unscheduled else r.status.value
    gap = f"{r.gap:.1%}" if r.gap is not None else "n/a"
    bound = "n/a" if r.bound is None else f"{r.bound:,.0f}"
    covers = (f" (the bound counts {', '.join(r.bound_covers)} only)" if r.bound_covers else "")
    steps = f", {r.iterations - r.local_runs} neighbourhoods" + (f" and {r.local_runs} local search runs"
                                                                 if r.local_runs else "")
    if r.local_search_off and r.iterations:  # never hidden: a rule kept a phase of the search off
        steps += f" (no local search: {r.local_search_off})"
    how = r.engine + (steps if r.iterations else "") + (
        f", {r.workers} processes" if r.workers > 1 and r.iterations else "")
    first = "" if r.first_solution_seconds is None else f"first schedule at {r.first_solution_seconds:.1f} s, "
    # each rule's headline figure ("1,234 empty seats"), when it has one and it is not zero
    figures = "".join(f"; {r.penalties[name]:,} {rule.headline}" for name, rule in REGISTRY.items()
                      if rule.headline and r.penalties.get(name))
    if r.status.value == "optimal":
        verdict = "no better schedule exists"
    elif r.interrupted:
        verdict = "interrupted: a longer run may find a better one"
    else:
        verdict = "may improve with a longer --time-limit"
    plain = f"{placed} of {total} sessions placed{figures}; {verdict}"
    return [
        f"[bold green]{label}[/bold green]: {plain}",
        f"objective {r.objective:,} by the judge, bound {bound}, gap {gap}{covers}; {how}",
        f"{first}{r.build_seconds + r.solve_seconds:.1f} s in all"
        + (f", {r.variables:,} placement variables" if r.variables else ""),
    ]


@contextmanager
def interrupts(stop: threading.Event) -> Iterator[None]:
    """Ctrl-C or SIGTERM once: set `stop` (the solver keeps its best schedule, its partner processes end at once,
    and the run writes it in a hurry). Twice: KeyboardInterrupt, and nothing is written. OR-Tools' own handler is
    never involved."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        interrupted.append(signum)
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        err.print("stopping: keeping the best schedule found so far (interrupt again to quit at once)")

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def assignments_table(rows: list[dict[str, str]], width: int | None = None) -> Table:
    """The assignments as a terminal table: every column keeps its width; titles are cut to what is left."""
    cells = [
        [r["day"], f"{r['start']}–{r['end']}", r["room_name"], r["session_id"], r["title"],
         f"{r['attendance']}/{r['capacity']}"]
        for r in rows
    ]
    names = ("day", "time", "room", "session", "title", "seats")
    widths = [max([len(n), *(len(c[i]) for c in cells)]) for i, n in enumerate(names)]
    room_for_title = (width or out.width) - sum(w for i, w in enumerate(widths) if i != 4) - 3 * len(names) - 1
    widths[4] = max(12, min(widths[4], room_for_title))
    table = Table()
    for name, w in zip(names, widths, strict=True):
        justify: Literal["left", "right"] = "right" if name == "seats" else "left"
        table.add_column(name, no_wrap=True, width=w, overflow="ellipsis", justify=justify)
    for c in cells:
        if len(c[4]) > widths[4]:
            c[4] = c[4][: widths[4] - 1] + "…"
        table.add_row(*c)
    return table
