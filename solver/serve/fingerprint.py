"""What the desk loaded, to notice when it changes on disk while `salle serve` runs: a session added to
sessions.csv, a constraint file edited. Each file's size and modification time are compared first (a stat per
file, cheap enough for every state request); when they differ, its SHA-256 decides (a file saved unchanged is
not a change)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

READ = (".csv", ".yaml", ".yml")  # what the inputs folder holds that salle reads (hidden files are temp files)


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _hash(path: Path) -> str | None:
    try:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()
    except OSError:
        return None


def watched(inputs: Path, others: Iterable[Path]) -> list[Path]:
    """The input folder's files salle reads, and the other files given (constraint files)."""
    try:
        found = [p for p in Path(inputs).iterdir()
                 if p.suffix.lower() in READ and not p.name.startswith(".") and p.is_file()]
    except OSError:
        found = []
    return sorted({*found, *(Path(p) for p in others)})


@dataclass
class Entry:
    stat: tuple[int, int] | None
    digest: str | None


class Fingerprint:
    """The files of `watched(inputs, others)` as they were when taken."""

    def __init__(self, inputs: Path, others: Iterable[Path]) -> None:
        self.inputs, self.others = Path(inputs), [Path(p) for p in others]
        self.entries = {p: Entry(_stat(p), _hash(p)) for p in watched(self.inputs, self.others)}

    def changed(self) -> list[str]:
        """The names of the files added, removed or changed since the fingerprint was taken ([] when none)."""
        now = watched(self.inputs, self.others)
        out = [p for p in self.entries if p not in now] + [p for p in now if p not in self.entries]
        for path in now:
            entry = self.entries.get(path)
            if entry is None:
                continue
            stat = _stat(path)
            if stat == entry.stat:
                continue
            digest = _hash(path)
            if digest != entry.digest:
                out.append(path)
            elif stat is not None:
                entry.stat = stat  # saved again unchanged: not a change (and not hashed again)
        return sorted({p.name if p.parent == self.inputs else str(p) for p in out})

    def refresh(self, path: Path) -> None:
        """`path` (a file the desk itself wrote) as it is now."""
        self.entries[Path(path)] = Entry(_stat(path), _hash(path))
