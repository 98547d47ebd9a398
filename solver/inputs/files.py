"""Opening a file salle reads: a regular file only, and never more than a limit.

A device (`/dev/zero`), a named pipe, a socket or a folder given where a file is expected is refused with one
sentence before anything is read (a pipe would block, a device would never end); a regular file is read up to
`limit` + 1 bytes, so a file that grows while it is read cannot get past the limit either.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
         (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"))


class NotReadable(Exception):
    """The file cannot be read: `message` says why, without the file's name (the caller names it)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def kind(mode: int) -> str | None:
    """What a file of this mode is, when it is not a regular file ("a named pipe (FIFO)"), else None."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in KINDS if test(mode)), "a special file")


def not_regular(path: Path) -> str | None:
    """A sentence saying `path` exists but is not a regular file, or None (a regular file, or nothing there)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    what = kind(mode)
    return None if what is None else f"cannot read the file: it is {what}, not a regular file"


def read_head(path: Path, size: int) -> bytes:
    """The first `size` bytes of the regular file `path` (fewer when it is shorter); NotReadable otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise NotReadable(f"cannot read the file: {exc.strerror or exc}") from None
    try:
        found = kind(os.fstat(fd).st_mode)
        if found is not None:
            raise NotReadable(f"cannot read the file: it is {found}, not a regular file")
        return os.read(fd, size)
    except OSError as exc:
        raise NotReadable(f"cannot read the file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def read_limited(path: Path, limit: int, what: str = "file", limited: str = "files are limited to") -> bytes:
    """The bytes of the regular file `path`, at most `limit` of them; NotReadable otherwise (`what` names the
    file in "cannot read the …", `limited` says the limit: "input files are limited to").

    The file is opened without blocking (a FIFO opens at once) and checked on the open descriptor, so nothing
    can be swapped in between the check and the read."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise NotReadable(f"cannot read the {what}: {exc.strerror or exc}") from None
    try:
        mode = os.fstat(fd).st_mode
        found = kind(mode)
        if found is not None:
            raise NotReadable(f"cannot read the {what}: it is {found}, not a regular file")
        size = os.fstat(fd).st_size
        if size > limit:
            raise NotReadable(f"is {size:,} bytes: {limited} {limit:,}")
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise NotReadable(f"is more than {limit:,} bytes: {limited} {limit:,}")
        return b"".join(chunks)
    except OSError as exc:
        raise NotReadable(f"cannot read the {what}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
