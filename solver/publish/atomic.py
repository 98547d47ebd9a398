"""Write a set of output files all-or-nothing, and refuse an output folder that would overwrite the inputs.

`write_atomically` stages every file as a hidden temp file beside its target (same file system), then commits
them: each existing target is first moved aside, then the new file renamed into place. If anything fails (a full
disk, a folder that is a file, no permission, a name too long), every target already committed is put back as it
was, every temp file is removed, and one `OutputError` names the file and the reason: the folder then holds the
previous run, complete. SIGINT and SIGTERM are held during the renames, so an interrupt never leaves a mix either.
Files get the permissions the umask gives (a web server can serve timetable.html).

Files may come already staged (`Prestaged`, by `stage_files`: e.g. in the processes that rendered them, side by
side, solver.publish.files); files to `remove` (an earlier run's that this one does not write again) are moved
aside in the same step, so they go with the switch and come back with a rollback. What is moved aside is deleted
after the switch, in threads and, when the run is short of time, only for a while: hidden `.salle-old` and
`.salle-tmp` files left behind by a process that is gone (killed, or out of time) are removed by the next
write into the folder (`sweep`). Their names carry the process id that wrote them.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import math
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from solver.errors import Issue, OutputError
from solver.publish.manifest import LINKED, MANIFEST, check_links, digest

# what salle writes into an output folder (besides rooms/, speakers/, talks/, now/): an input file with one of these
# names inside --out would be overwritten
OUTPUT_NAMES = frozenset({
    "assignments.csv", "programme.md", "programme.html", "report.md", "report.csv", "timetable.html",
    "calendar.ics", "schedule.xml", "schedule.json", "schedule.xlsx", "speakers.csv", "changes.csv", "summary.json",
    "timetable-organizers.html", MANIFEST,
})
PER_ITEM_FOLDERS = LINKED  # rooms, speakers, talks, now
TEMP, OLD = ".salle-tmp", ".salle-old"  # a staged file, and a previous file moved aside during the switch


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "no space left on the device"
    if exc.errno == errno.ENAMETOOLONG:
        return "the file name is too long for the file system"
    if exc.errno in (errno.ENOTDIR, errno.EEXIST):
        return "a file stands where a folder is needed"
    if exc.errno == errno.EISDIR:
        return "a folder stands where the file should go"
    return exc.strerror or str(exc)


def _fail(path: Path, exc: OSError) -> OutputError:
    return OutputError([Issue(str(path), f"cannot be written: {_reason(exc)}; the previous outputs are intact")])


def _same(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


def _inside(child: Path, folder: Path) -> bool:
    return folder.resolve() in child.resolve().parents


def check_out_folder(out: Path, inputs: Iterable[Path | str | None], writes: Iterable[Path] | None = None) -> None:
    """Refuse (`OutputError`) an output folder that is a file, that is or contains an inputs folder, or where
    writing would overwrite one of `inputs` (folders and files: the inputs folder, constraint files, a
    --previous or --schedule file).

    `writes` are the files the command will write; by default, every name salle writes into an output folder
    (`OUTPUT_NAMES`, and anything in its rooms/, speakers/, talks/ and now/ folders), and then such a folder
    that is a symbolic link is refused too (salle never writes through a link out of --out). Call it before any
    work is done, so a refused run costs nothing."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OutputError([Issue(str(out), "is a file: --out must name a folder")])
    if writes is None:
        check_links(out)
    targets = [Path(w) for w in writes] if writes is not None else None
    for given in inputs:
        if given is None:
            continue
        source = Path(given)
        if source.is_dir():
            if _same(source, out):
                raise OutputError([Issue(str(out), "is the inputs folder: writing the outputs there would "
                                                   "overwrite them; choose another --out")])
            if _inside(source, out):
                raise OutputError([Issue(str(out), f"contains the inputs folder {source}: writing the outputs "
                                                   "there could overwrite them; choose another --out")])
            continue
        if not source.exists():
            continue
        if targets is not None:
            clash = any(_same(t, source) for t in targets if t.exists())
        else:
            clash = _inside(source, out) and (
                (_same(source.parent, out) and source.name in OUTPUT_NAMES)
                or any(_same(source.parent, out / f) for f in PER_ITEM_FOLDERS))
        if clash:
            raise OutputError([Issue(str(out), f"writing the outputs there would overwrite the input file {source}; "
                                               "choose another --out or copy that file elsewhere first")])


SYNC_THREADS = 8  # fsyncs in flight at once: the file system commits them together instead of one by one
OPEN_AT_MOST = 1024  # staged files kept open (to be flushed by the descriptor that wrote them) before a flush


@dataclass(frozen=True)
class Prestaged:
    """A file already written and flushed as a hidden temp file beside its target (`stage_files`), with the
    digest of its content (solver.publish.manifest.digest): `write_atomically` only renames it into place.
    `temp` is a path as text (thousands of them travel between processes: text is lighter than Path); `stamp`
    its size and modification time (ns), which the manifest keeps to know the file unchanged without reading
    it (solver.publish.manifest)."""

    temp: str
    digest: str
    stamp: tuple[int, int] | None = None


def _stage(path: Path, content: str | bytes, mode: int) -> tuple[Path, int]:
    """`content` in a hidden temp file beside `path`; returns its path and its still open descriptor, to be
    flushed to disk and closed by `_flush`."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name[:40]}.{os.getpid()}.", suffix=TEMP, dir=path.parent)
    try:
        data = memoryview(content.encode("utf-8") if isinstance(content, str) else content)
        while data:
            data = data[os.write(fd, data):]
        os.chmod(name, mode)
    except BaseException:
        os.close(fd)
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name), fd


class _Unflushed(Exception):
    """A staged file could not be flushed to disk."""

    def __init__(self, target: Path, error: OSError) -> None:
        super().__init__(target, error)
        self.target, self.error = target, error


def _sync(fd: int) -> OSError | None:
    """fsync and close `fd` (the descriptor that wrote the file, so no write error goes unseen); the error, if any."""
    try:
        os.fsync(fd)
    except OSError as exc:
        return exc
    finally:
        os.close(fd)
    return None


def _flush(pending: list[tuple[Path, int]]) -> None:
    """Flush every staged file of `pending` (target, open descriptor) to disk and close it, emptying the list.

    Several fsyncs run at once, in threads, after the files are written: the file system then commits them
    together (one by one, interleaved with the writes, they cost a journal commit each). Raises `_Unflushed`
    for the first file, in order, that could not be flushed; every descriptor is closed in any case."""
    batch = list(pending)
    pending.clear()  # from here on the descriptors belong to this call, which closes each exactly once
    try:
        whole = len(batch) >= SYNCFS_ABOVE and _synced_whole(fd for _, fd in batch)
    except OSError as exc:
        for _, fd in batch:
            with contextlib.suppress(OSError):
                os.close(fd)
        raise _Unflushed(batch[0][0], exc) from None
    if whole:
        errors: list[OSError | None] = []
        for _, fd in batch:
            try:
                os.close(fd)
                errors.append(None)
            except OSError as exc:
                errors.append(exc)
    elif len(batch) == 1:
        errors = [_sync(batch[0][1])]
    else:
        with ThreadPoolExecutor(SYNC_THREADS, thread_name_prefix="salle-fsync") as pool:
            errors = list(pool.map(_sync, [fd for _, fd in batch]))
    for (target, _), error in zip(batch, errors, strict=True):
        if error is not None:
            raise _Unflushed(target, error)


# from this many files on, one syncfs (per file system) flushes them instead of an fsync each: a fraction of the
# time and of the processor (measured on 10,000 calendars: 0.35 s against 1.4 s, 0.3 s of processor against 1.1)
SYNCFS_ABOVE = 256


def _synced_whole(fds: Iterable[int]) -> bool:
    """Flush the file systems holding the files open as `fds` (Linux's syncfs, which reports the write errors
    met since, Linux 5.8 on): True when done, False when it cannot be used here (then fsync each file)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        syncfs = libc.syncfs
    except (OSError, AttributeError):
        return False
    devices: dict[int, int] = {}
    for fd in fds:
        devices.setdefault(os.fstat(fd).st_dev, fd)
    for fd in devices.values():
        if syncfs(fd) != 0:
            number = ctypes.get_errno()
            if number in (errno.ENOSYS, errno.EOPNOTSUPP, errno.EINVAL):
                return False
            raise OSError(number, os.strerror(number))
    return True


def _remove(paths: Iterable[Path]) -> None:
    for p in paths:
        with contextlib.suppress(OSError):
            p.unlink(missing_ok=True)


def write_atomically(files: Mapping[Path, str | bytes | Prestaged], *, remove: Iterable[Path] = (),
                     problems: list[str] | None = None, until: float | None = None,
                     also: Iterable[Path] = (), grace: float = 0.0) -> list[Path]:
    """Write every `path: content` all-or-nothing; return the paths written.

    Raises `OutputError` (one sentence naming the file) on any operating-system error; the targets then hold
    exactly what they held before, and no temp file is left behind (a `Prestaged` file's temp file included:
    it is this call's from the start). Every file is flushed to disk (fsync) before any is renamed into place.

    `remove`: files moved aside in the same switch (and deleted after it); one that cannot be moved is left
    where it is, with a sentence in `problems`. `until` (time.perf_counter()): how long the deletion of what
    was moved aside may go on, and at least `grace` seconds after the switch (what is left then is removed by a
    later `sweep`); `also`: other files deleted with it (temp files of work given up)."""
    mode = 0o666 & ~_umask()
    staged: list[tuple[Path, Path]] = []  # (temp, target)
    created: list[Path] = []  # folders this call created, removed again on failure
    folders: set[Path] = set()  # folders known to exist
    pending: list[tuple[Path, int]] = []  # (target, open descriptor of its temp file): written, not yet flushed
    current = Path()
    ready = [(Path(value.temp), Path(path)) for path, value in files.items() if isinstance(value, Prestaged)]
    try:
        try:
            for path, content in files.items():
                if isinstance(content, Prestaged):
                    continue
                current = Path(path)
                if current.parent not in folders:
                    _ensure_folder(current.parent, created)
                    folders.add(current.parent)
                if current.is_dir():
                    raise IsADirectoryError(errno.EISDIR, "is a folder", str(current))
                tmp, fd = _stage(current, content, mode)
                staged.append((tmp, current))
                pending.append((current, fd))
                if len(pending) >= OPEN_AT_MOST:
                    _flush(pending)
            _flush(pending)
            for _, target in ready:
                current = target
                if target.is_dir():
                    raise IsADirectoryError(errno.EISDIR, "is a folder", str(target))
        except _Unflushed as failed:
            current = failed.target
            raise failed.error from None
        finally:
            for _, fd in pending:  # written but not flushed when something else failed
                with contextlib.suppress(OSError):
                    os.close(fd)
    except OSError as exc:
        _remove(t for t, _ in [*staged, *ready])
        _remove_folders(created)
        raise _fail(current, exc) from None
    except BaseException:
        _remove(t for t, _ in [*staged, *ready])
        _remove_folders(created)
        raise

    written: list[Path] = []
    aside: list[Path] = []
    try:
        with _signals_held():
            written, aside = _commit([*staged, *ready], created, list(remove), problems, also)
            if until is not None:
                until = max(until, time.perf_counter() + grace)
            # what was moved aside goes too before an interrupt held meanwhile lands (SIGTERM ends the process
            # there), for a moment at most: what is left then is deleted below, or by a later sweep
            aside = discard(aside, min(until or math.inf, time.perf_counter() + HELD_DISCARD_SECONDS))
    except KeyboardInterrupt as exc:
        if written:  # the interrupt held during the renames: every file is in place
            exc.written = written  # type: ignore[attr-defined]
        raise
    discard([*aside, *also], until)
    return written


def committed(interrupt: BaseException) -> list[Path]:
    """The files in place when `interrupt` (a KeyboardInterrupt) came while they were renamed: it was held until
    the last rename, so all of them (empty: it came before, nothing was written)."""
    return list(getattr(interrupt, "written", []))


HELD_DISCARD_SECONDS = 0.3


def _ensure_folder(folder: Path, created: list[Path]) -> None:
    """Make `folder` (and its parents), noting in `created` those this call made."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    created += reversed(missing)


def stage_files(files: Mapping[Path, str | bytes], into: list[tuple[Path, Prestaged]],
                created: list[Path] | None = None) -> None:
    """Write every file of `files` as a hidden temp file beside its target, flushed to disk, for a later
    `write_atomically` (maybe in another process) to rename into place; they are appended to `into` (target,
    Prestaged) once all are flushed. Folders made are added to `created`. Raises `OutputError` (every temp file
    of this call removed) on an operating-system error."""
    mode = 0o666 & ~_umask()
    folders: set[Path] = set()
    made: list[Path] = []
    pending: list[tuple[Path, int]] = []
    mine: list[tuple[Path, Path, str, tuple[int, int]]] = []  # (target, temp, digest, stamp), not yet in `into`
    current = Path()
    try:
        try:
            for path, content in files.items():
                current = Path(path)
                if current.parent not in folders:
                    _ensure_folder(current.parent, made)
                    folders.add(current.parent)
                tmp, fd = _stage(current, content, mode)
                pending.append((current, fd))
                st = os.fstat(fd)
                mine.append((current, tmp, digest(content), (st.st_size, st.st_mtime_ns)))
                if len(pending) >= OPEN_AT_MOST:
                    _flush(pending)
            _flush(pending)
        except _Unflushed as failed:
            current = failed.target
            raise failed.error from None
        finally:
            for _, fd in pending:
                with contextlib.suppress(OSError):
                    os.close(fd)
    except OSError as exc:
        _remove(t for _, t, _, _ in mine)
        _remove_folders(made)
        raise _fail(current, exc) from None
    except BaseException:
        _remove(t for _, t, _, _ in mine)
        _remove_folders(made)
        raise
    into.extend((target, Prestaged(str(tmp), dig, stamp)) for target, tmp, dig, stamp in mine)
    if created is not None:
        created.extend(made)


def discard(paths: Iterable[Path], until: float | None = None) -> list[Path]:
    """Delete `paths` (files or folders moved aside), several at a time (each deletion may wait on the file
    system's journal); with `until` (time.perf_counter()), stop then: what is left (returned) stays as hidden
    `.salle-old` files for a later `sweep`."""
    if until is not None and time.perf_counter() >= until:
        return list(paths)  # no time: all of it for a later sweep
    batch, folders = [], []
    for path in paths:  # a folder moved aside whole: its files one by one (the time bound holds), then itself
        if path.is_dir() and not path.is_symlink():
            folders.append(path)
            with contextlib.suppress(OSError):
                batch += [Path(e.path) for e in os.scandir(path)]
        else:
            batch.append(path)
    if not batch and not folders:
        return []
    if len(batch) <= 1 and until is None:
        for p in batch:
            _delete(p)
        for folder in folders:
            _delete(folder)
        return []
    by_folder: dict[Path, list[Path]] = {}
    for p in batch:
        by_folder.setdefault(p.parent, []).append(p)
    # the folders side by side (deletions in one folder wait on each other: it is locked for each), in runs of
    # a few hundred files per thread (a future per file costs more than deleting it)
    chunks = [folder[i:i + DISCARD_CHUNK] for folder in by_folder.values()
              for i in range(0, len(folder), DISCARD_CHUNK)]
    left: list[Path] = []

    def delete(chunk: list[Path]) -> None:
        for i, path in enumerate(chunk):
            if until is not None and time.perf_counter() > until:
                left.extend(chunk[i:])  # list.extend is atomic: threads may add at once
                return
            _delete(path)

    if chunks:
        with ThreadPoolExecutor(min(SYNC_THREADS, len(chunks)), thread_name_prefix="salle-discard") as pool:
            list(pool.map(delete, chunks))
    for folder in folders:
        with contextlib.suppress(OSError):
            folder.rmdir()  # when emptied; else left for a later sweep
    return left + [f for f in folders if f.exists()]


DISCARD_CHUNK = 256


def _delete(path: Path) -> None:
    with contextlib.suppress(OSError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def sweep(folders: Iterable[Path], until: float | None = None) -> None:
    """Remove what a salle process that is gone left in `folders`: its hidden temp files (`.salle-tmp`) and
    the previous files (or folders) it moved aside (`.salle-old`); with `until`, only until then (the rest
    another time). Those of a process still running are left alone."""
    gone: list[Path] = []
    for folder in folders:
        try:
            names = [e.name for e in os.scandir(folder) if e.name.startswith(".") and e.name.endswith((TEMP, OLD))]
        except OSError:
            continue
        for name in names:
            pid = _writer(name)
            if pid is not None and pid != os.getpid() and not _alive(pid):
                gone.append(folder / name)
    discard(gone, until)


def _writer(name: str) -> int | None:
    """The process id in a temp or aside file's name (`.<name>.<pid>.<random>.salle-tmp`,
    `.<name>.<pid>.<n>.salle-old`)."""
    parts = name.split(".")
    field = parts[-3] if len(parts) >= 4 else ""
    return int(field) if field.isdigit() else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


@contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM wait while files are renamed into place (a few milliseconds): an interrupt then lands
    after the last rename, never between two, so the folder holds one run or the other, complete.

    A handler that only notes the signal replaces the current ones meanwhile; then the current handlers come
    back and the noted signal is raised again, so it does what it would have done (end the process, raise
    KeyboardInterrupt, or call salle's own handler). Outside the main thread, where handlers cannot be set, the
    rollback still puts the previous files back when an exception interrupts the renames."""
    held = (signal.SIGINT, signal.SIGTERM)
    if threading.current_thread() is not threading.main_thread() or any(signal.getsignal(s) is None for s in held):
        yield  # handlers cannot be set here, or one was set outside Python and could not be put back
        return
    noted: list[int] = []
    previous = {s: signal.signal(s, lambda number, frame: noted.append(number)) for s in held}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for number in dict.fromkeys(noted):
            signal.raise_signal(number)


def _commit(staged: list[tuple[Path, Path]], created: list[Path], remove: list[Path] | None = None,
            problems: list[str] | None = None, also: Iterable[Path] = ()) -> tuple[list[Path], list[Path]]:
    """Rename every staged temp file onto its target, and move every file of `remove` aside (a folder that
    holds nothing else, besides files of `also`, as a whole: one rename for thousands of files); on any failure
    put every target back as it was. Returns the targets written and what was moved aside (to delete)."""
    current = Path()
    committed: list[tuple[Path, Path | None]] = []  # (target, its previous content moved aside, or None)
    try:
        for tmp, target in staged:
            current = target
            aside = _aside(target)
            try:
                os.replace(target, aside)  # the previous file aside (one call: no test of its existence first)
                committed.append((target, aside))
            except FileNotFoundError:
                committed.append((target, None))
            os.replace(tmp, target)
        for path in _whole_folders(remove or [], also):
            current = path
            backup = _aside(path)
            try:
                os.replace(path, backup)
            except FileNotFoundError:
                continue
            except OSError as exc:  # left where it is: the switch itself does not depend on it
                if problems is not None:
                    problems.append(f"{path}: could not be removed ({_reason(exc)}); it is left from an earlier run")
                continue
            committed.append((path, backup))
    except BaseException as exc:
        for target, before in reversed(committed):
            try:
                if before is not None:
                    os.replace(before, target)
                else:
                    target.unlink(missing_ok=True)
            except OSError:
                pass
        _remove(t for t, _ in staged)
        _remove_folders(created)
        if isinstance(exc, OSError):
            raise _fail(current, exc) from None
        raise
    return [target for _, target in staged], [b for _, b in committed if b is not None]


def _whole_folders(remove: list[Path], also: Iterable[Path]) -> list[Path]:
    """`remove`, where a folder holds nothing but files of `remove` and `also` (after the new files are in
    place), as that folder (moved aside whole) instead of its files."""
    by_folder: dict[Path, set[str]] = {}
    for path in remove:
        by_folder.setdefault(path.parent, set()).add(path.name)
    extra: dict[Path, set[str]] = {}
    for path in also:
        extra.setdefault(path.parent, set()).add(path.name)
    out: list[Path] = []
    for folder, names in by_folder.items():
        try:
            whole = len(names) > 1 and not folder.is_symlink() and all(
                e.name in names or e.name in extra.get(folder, ()) for e in os.scandir(folder))
        except OSError:
            whole = False
        out += [folder] if whole else [folder / name for name in sorted(names)]
    return out


_asides = itertools.count()


def _aside(path: Path) -> Path:
    """Where `path` goes while it is replaced: a hidden name, unique among this process's (two long names may
    share their first 40 characters)."""
    return path.with_name(f".{path.name[:40]}.{os.getpid()}.{next(_asides)}{OLD}")


def _remove_folders(folders: list[Path]) -> None:
    """Remove the folders a failed write created (deepest first), when they are still empty."""
    for folder in sorted(set(folders), key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):
            folder.rmdir()
