"""The `salle` command's entry point: usage errors exit 64, and an interrupt during start-up exits 130 quietly.

Importing pandas, OR-Tools and typer takes a moment; a Ctrl-C then would print a traceback. Nothing has been
read or written yet, so the quiet exit is all there is to do. `salle solve` installs its own handler later
(stop the search, keep the best schedule).

A usage error (an unknown option, a missing argument, a value of the wrong type, no command at all) exits
`EXIT_USAGE` (64, BSD's EX_USAGE) with click's message: distinct from 2, "no schedule exists". Every other exit
code is the command's own (see solver.cli.console).
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Sequence

EXIT_USAGE = 64


def _quiet_exit(signum: int, frame: object) -> None:
    sys.exit(130)


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
    previous = {sig: signal.signal(sig, _quiet_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
    import solver.cli  # noqa: F401  (the slow imports, under the quiet handler)

    for sig, handler in previous.items():
        signal.signal(sig, handler)
    try:
        code = run()
    except KeyboardInterrupt:  # outside `solve`'s own handling: nothing half-written to keep
        print("Interrupted.", file=sys.stderr)
        code = 130
    for sig in previous:  # the work is done (or abandoned): an interrupt while the process exits changes nothing
        signal.signal(sig, signal.SIG_IGN)
    sys.exit(code)


if __name__ == "__main__":
    main()
