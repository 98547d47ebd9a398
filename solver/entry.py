"""The `salle` command's entry point: usage errors exit 64, and an interrupt during start-up exits 130 quietly.

Importing pandas, OR-Tools and typer takes a moment. An interrupt (Ctrl-C, SIGTERM) then must not raise inside
the imports: OR-Tools' native modules turn an exception raised during their initialization into `ImportError:
initialization failed`, with a traceback. So until the imports are done the first interrupt is only noted (a
second one quits at once), and the command exits 130 as soon as they are: nothing has been read or written yet,
so the quiet exit is all there is to do. `salle solve` installs its own handler later (stop the search, keep
the best schedule); an interrupt that breaks an import later on is still a quiet exit 130.

A usage error (an unknown option, a missing argument, a value of the wrong type, no command at all) exits
`EXIT_USAGE` (64, BSD's EX_USAGE) with click's message: distinct from 2, "no schedule exists". Every other exit
code is the command's own (see solver.cli.console).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

EXIT_USAGE = 64
EXIT_INTERRUPTED = 130
_noted: list[int] = []  # the signals received while starting up
STARTED: float | None = None  # when `main` began (time.perf_counter()): `salle solve`'s time limit counts from it


def _note(signum: int, frame: object) -> None:
    """During the start-up imports: note the first interrupt; quit at once on the second."""
    if _noted:
        os._exit(EXIT_INTERRUPTED)
    _noted.append(signum)


def _interrupted(exc: BaseException) -> bool:
    """Whether `exc` is, or was caused by, an interrupt (an import broken by Ctrl-C raises ImportError)."""
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        if isinstance(link, KeyboardInterrupt):
            return True
        seen.add(id(link))
        link = link.__cause__ or link.__context__
    return False


def _quiet_after_interrupts(default: object):  # type: ignore[no-untyped-def]
    """A `sys.unraisablehook` that says nothing of what an interrupt leaves behind: a generator or a file
    half-written when a second Ctrl-C stopped publishing (openpyxl's "Exception ignored in …"); other
    unraisable errors go to the default hook."""

    def hook(unraisable: object) -> None:
        from solver.cli.console import interrupted

        exc = getattr(unraisable, "exc_value", None)
        if _noted or interrupted or (exc is not None and _interrupted(exc)):
            return
        default(unraisable)  # type: ignore[operator]

    return hook


def _interrupt(signum: int, frame: object) -> None:
    """After start-up: an interrupt is noted (what it leaves behind is then not reported) and stops the command
    (KeyboardInterrupt: outputs are all or nothing, so the previous ones stay)."""
    from solver.cli.console import interrupted

    interrupted.append(signum)
    raise KeyboardInterrupt


def run(args: Sequence[str] | None = None) -> int:
    """Run the `salle` command line on `args` (default: sys.argv) and return its exit code."""
    from typer import Abort

    try:
        from typer._click.exceptions import UsageError
    except ImportError:  # typer before it vendored click
        from click.exceptions import UsageError  # type: ignore[no-redef,assignment]

    from solver.cli import cli

    try:
        code = cli(args=list(args) if args is not None else None, prog_name="salle", standalone_mode=False)
    except UsageError as exc:
        exc.show()
        return EXIT_USAGE
    except Abort:
        print("Aborted.", file=sys.stderr)
        return 1
    return code if isinstance(code, int) else 0


def main() -> None:
    global STARTED
    import time

    STARTED = time.perf_counter()
    previous = {sig: signal.signal(sig, _note) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        import solver.cli  # noqa: F401  (the slow imports: an interrupt is only noted meanwhile)
    except BaseException:
        if not _noted:
            raise
    if _noted:
        sys.exit(EXIT_INTERRUPTED)
    for sig in previous:
        signal.signal(sig, _interrupt)  # a command may install its own (solve: stop and keep the best schedule)
    sys.unraisablehook = _quiet_after_interrupts(sys.unraisablehook)
    try:
        code = run()
    except BaseException as exc:  # outside `solve`'s own handling: nothing half-written to keep
        if isinstance(exc, SystemExit) or not _interrupted(exc):
            raise
        print("Interrupted.", file=sys.stderr)
        code = EXIT_INTERRUPTED
    for sig in previous:  # the work is done (or abandoned): an interrupt while the process exits changes nothing
        signal.signal(sig, signal.SIG_IGN)
    _exit(code)


def _exit(code: int) -> None:
    """Exit with `code` as `sys.exit` would, without the interpreter's teardown: after a solve, freeing the
    search's millions of objects one by one (and a last pass of the garbage collector over them) took two
    seconds more, on XL, before the process ended. What an exit must do is done first: other (non-daemon)
    threads finish, the exit handlers run (partner and rendering processes reaped, logs flushed), and the
    standard streams are flushed."""
    import atexit
    import threading

    try:
        for thread in threading.enumerate():
            if thread is not threading.current_thread() and not thread.daemon:
                thread.join()
        atexit._run_exitfuncs()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):  # a closed or broken stream: nothing more to say
                stream.flush()
        os._exit(code)


if __name__ == "__main__":
    main()
