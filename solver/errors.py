"""Domain errors: what the command line turns into messages and exit codes."""

from __future__ import annotations

from dataclasses import dataclass

SHOWN = 40  # characters of a user's value quoted in a message, at most


def clip(text: str, limit: int = SHOWN) -> str:
    """`text` cut to `limit` characters (with `…`), invisible characters written as `\\uXXXX`."""
    cut = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text[:limit])
    return cut if len(text) <= limit else f"{cut}…"


def shown(value: object, limit: int = SHOWN) -> str:
    """A user's value quoted for a message: cut to `limit` characters, invisible characters as `\\uXXXX`.

    Messages never echo an unbounded or unprintable value (a YAML alias bomb, a megabyte cell)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and len(repr(value)) <= limit:
        return repr(value)
    text = value if isinstance(value, str) else repr(value)
    return f"'{clip(text, limit)}'" if len(text) <= limit else f"'{clip(text, limit)}' ({len(text):,} characters)"


@dataclass(frozen=True)
class Issue:
    """One problem found in a user's file, located as precisely as we can."""

    file: str
    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        return f"{where}: {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


class SalleError(Exception):
    """Base class of every error salle reports to a user without a traceback."""


class InputError(SalleError):
    """The input files (or a constraint file, or a schedule) are invalid."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


class OutputError(InputError):
    """An output cannot be written (no room on the disk, a folder that is a file, no permission, an `--out` that
    would overwrite the inputs). Reported like invalid input, one sentence per file, exit 1; since every run is
    written all-or-nothing, the previous outputs are intact."""
