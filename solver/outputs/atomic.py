"""Write a set of output files all-or-nothing: each to a temp file beside it, then rename them into place.

A run that fails before the renames leaves the previous outputs untouched.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(files: dict[Path, str | bytes]) -> list[Path]:
    """Write every `path: content`; return the paths written. Temp files are removed on any failure."""
    temps: list[tuple[Path, Path]] = []
    tmp_name: str
    try:
        for path, content in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            with os.fdopen(fd, "wb") as fh:
                fh.write(content.encode("utf-8") if isinstance(content, str) else content)
                fh.flush()
                os.fsync(fh.fileno())
            temps.append((Path(tmp_name), Path(path)))
        for tmp, path in temps:
            os.replace(tmp, path)
    finally:
        for tmp, _ in temps:
            if tmp.exists():
                tmp.unlink()
    return [path for _, path in temps]
