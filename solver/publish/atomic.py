"""Write a set of output files all-or-nothing, and refuse an output folder that would overwrite the inputs.

`write_atomically` stages every file as a hidden temp file beside its target (same file system), then commits
them: each existing target is first moved aside, then the new file renamed into place. If anything fails (a full
disk, a folder that is a file, no permission, a name too long), every target already committed is put back as it
was, every temp file is removed, and one `OutputError` names the file and the reason: the folder then holds the
previous run, complete. SIGINT and SIGTERM are held during the renames, so an interrupt never leaves a mix either.
Files get the permissions the umask gives (a web server can serve timetable.html).
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import tempfile
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from solver.errors import Issue, OutputError
from solver.publish.manifest import MANIFEST, check_links

# what salle writes into an output folder (besides rooms/ and speakers/): an input file with one of these names
# inside --out would be overwritten
OUTPUT_NAMES = frozenset({
    "assignments.csv", "programme.md", "programme.html", "report.md", "report.csv", "timetable.html",
    "calendar.ics", "schedule.xml", "schedule.json", "schedule.xlsx", "speakers.csv", "changes.csv", "summary.json",
    "timetable-organizers.html", MANIFEST,
})
PER_ITEM_FOLDERS = ("rooms", "speakers")


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
    (`OUTPUT_NAMES`, and anything in its rooms/ and speakers/ folders), and then a rooms/ or speakers/ folder
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


def _stage(path: Path, content: str | bytes, mode: int) -> tuple[Path, int]:
    """`content` in a hidden temp file beside `path`; returns its path and its still open descriptor, to be
    flushed to disk and closed by `_flush`."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".salle-tmp", dir=path.parent)
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
    if len(batch) == 1:
        errors = [_sync(batch[0][1])]
    else:
        with ThreadPoolExecutor(SYNC_THREADS, thread_name_prefix="salle-fsync") as pool:
            errors = list(pool.map(_sync, [fd for _, fd in batch]))
    for (target, _), error in zip(batch, errors, strict=True):
        if error is not None:
            raise _Unflushed(target, error)


def _remove(paths: Iterable[Path]) -> None:
    for p in paths:
        with contextlib.suppress(OSError):
            p.unlink(missing_ok=True)


def write_atomically(files: dict[Path, str | bytes]) -> list[Path]:
    """Write every `path: content` all-or-nothing; return the paths written.

    Raises `OutputError` (one sentence naming the file) on any operating-system error; the targets then hold
    exactly what they held before, and no temp file is left behind. Every file is flushed to disk (fsync)
    before any is renamed into place."""
    mode = 0o666 & ~_umask()
    staged: list[tuple[Path, Path]] = []  # (temp, target)
    created: list[Path] = []  # folders this call created, removed again on failure
    folders: set[Path] = set()  # folders known to exist
    pending: list[tuple[Path, int]] = []  # (target, open descriptor of its temp file): written, not yet flushed
    current = Path()
    try:
        try:
            for path, content in files.items():
                current = Path(path)
                if current.is_dir():
                    raise IsADirectoryError(errno.EISDIR, "is a folder", str(current))
                if current.parent not in folders:
                    missing = [p for p in (current.parent, *current.parent.parents) if not p.exists()]
                    current.parent.mkdir(parents=True, exist_ok=True)
                    created += reversed(missing)
                    folders.add(current.parent)
                tmp, fd = _stage(current, content, mode)
                staged.append((tmp, current))
                pending.append((current, fd))
                if len(pending) >= OPEN_AT_MOST:
                    _flush(pending)
            _flush(pending)
        except _Unflushed as failed:
            current = failed.target
            raise failed.error from None
        finally:
            for _, fd in pending:  # written but not flushed when something else failed
                with contextlib.suppress(OSError):
                    os.close(fd)
    except OSError as exc:
        _remove(t for t, _ in staged)
        _remove_folders(created)
        raise _fail(current, exc) from None
    except BaseException:
        _remove(t for t, _ in staged)
        _remove_folders(created)
        raise

    with _signals_held():
        return _commit(staged, created)


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


def _commit(staged: list[tuple[Path, Path]], created: list[Path]) -> list[Path]:
    """Rename every staged temp file onto its target; on any failure put every target back as it was."""
    current = Path()
    committed: list[tuple[Path, Path | None]] = []  # (target, its previous content moved aside, or None)
    try:
        for tmp, target in staged:
            current = target
            backup = None
            if target.exists():
                backup = target.with_name(f".{target.name[:40]}.{os.getpid()}.salle-old")
                os.replace(target, backup)
            committed.append((target, backup))
            os.replace(tmp, target)
    except BaseException as exc:
        for target, backup in reversed(committed):
            try:
                if backup is not None:
                    os.replace(backup, target)
                else:
                    target.unlink(missing_ok=True)
            except OSError:
                pass
        _remove(t for t, _ in staged)
        _remove_folders(created)
        if isinstance(exc, OSError):
            raise _fail(current, exc) from None
        raise
    _remove(b for _, b in committed if b is not None)
    return [target for _, target in staged]


def _remove_folders(folders: list[Path]) -> None:
    """Remove the folders a failed write created (deepest first), when they are still empty."""
    for folder in sorted(set(folders), key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):
            folder.rmdir()
