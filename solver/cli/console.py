"""What every command shares: the two consoles, the exit codes, the common arguments, and how errors are said.

Exit codes: 0 done; 1 invalid input (or constraint file, or an output that cannot be written); 2 no schedule
exists / the schedule breaks a rule; 3 the time limit ran out before any schedule was found; 64 a usage error
(solver.entry); 130 interrupted (Ctrl-C, SIGTERM) before any schedule.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from solver.errors import InputError

if TYPE_CHECKING:
    from solver.judge import Judgement

EXIT_OK, EXIT_INPUT, EXIT_NO_SCHEDULE, EXIT_TIMEOUT, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
EXIT_CONNECT = 4  # another system (pretalx, a URL) cannot be reached or refused the request
interrupted: list[int] = []  # the interrupts (Ctrl-C, SIGTERM) a command received: what they leave is not news
MAX_SHOWN = 20  # hard violations listed before a count

# Piped or captured output is never wrapped (one line per message, for grep and tests); on a terminal, rich
# wraps at spaces so that no word is cut at the edge (see `terminal`).
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

InputsArg = Annotated[Path, typer.Argument(help="Folder with rooms.csv, slots.csv, sessions.csv, speakers.csv.")]
ConstraintsOpt = Annotated[
    list[Path] | None,
    typer.Option("--constraints", "-c", help="Constraint YAML file; repeat to layer (later wins). "
                 "Default: constraints/default.yaml (from the current folder, else salle's copy); "
                 "INPUTS/constraints.yaml, when present, is layered last."),
]


def terminal() -> None:
    """Wrap at spaces on a terminal; never wrap piped or captured output."""
    for console in (out, err):
        console.soft_wrap = not console.is_terminal


def say(text: str) -> None:
    out.print(text, markup=False)


def warn(text: str) -> None:
    err.print(text, markup=False)


def fail_input(exc: InputError) -> typer.Exit:
    """One line per problem on stderr, then the count; the exit (EXIT_INPUT) to raise."""
    for issue in exc.issues:
        err.print(str(issue), markup=False)
    err.print(f"[red]{len(exc.issues)} problem(s) found; nothing was written.[/red]")
    return typer.Exit(EXIT_INPUT)


def show_broken(schedule: Path, verdict: Judgement) -> None:
    """Say which hard rules `schedule` breaks (at most MAX_SHOWN of them, then a count), on stderr."""
    warn(f"{schedule} breaks {len(verdict.hard)} hard rule(s):")
    for v in verdict.hard[:MAX_SHOWN]:
        warn(f"  - {v.rule}: {v.message}")
    if len(verdict.hard) > MAX_SHOWN:
        warn(f"  … and {len(verdict.hard) - MAX_SHOWN} more")
