"""The `salle` command's entry point: an interrupt while Python is still importing exits 130, quietly.

Importing pandas, OR-Tools and typer takes a moment; a Ctrl-C then would print a traceback. Nothing has been
read or written yet, so the quiet exit is all there is to do. `salle solve` installs its own handler later
(stop the search, keep the best schedule).
"""

from __future__ import annotations

import signal
import sys


def _quiet_exit(signum: int, frame: object) -> None:
    sys.exit(130)


def main() -> None:
    previous = {sig: signal.signal(sig, _quiet_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
    from solver.cli import main as run

    for sig, handler in previous.items():
        signal.signal(sig, handler)
    try:
        run()
    except KeyboardInterrupt:  # outside `solve`'s own handling: nothing half-written to keep
        print("Interrupted.", file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":
    main()
