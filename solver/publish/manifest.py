"""What salle wrote into an output folder, so that a later run removes only that: `.salle-manifest.json`.

Every run that publishes (`salle solve`, `salle export`, the desk's Save) writes, with its other files and in the
same all-or-nothing step, the manifest: each file's path relative to the output folder and a digest of its
content. The next run removes a file of the previous manifest that it does not write again (the door list and
calendars of a room that is gone, the page of a day that is gone) only when the file still holds what salle
wrote: a file the user put there (`rooms/floorplan.csv`), or one salle wrote and the user has since edited, is
never removed. A folder without a manifest (written by an older salle) has nothing removed.

Links: salle never writes or removes through a symbolic link that leads out of the output folder; a `rooms`,
`speakers`, `talks` or `now` folder that is a link, or a file whose path resolves outside the folder, is refused
(OutputError) before anything is written.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

from solver.errors import Issue, OutputError

MANIFEST = ".salle-manifest.json"
FORMAT = "salle-manifest/1"
LINKED = ("rooms", "speakers", "talks", "now")  # folders salle writes into: refused when they are links


def digest(content: str | bytes) -> str:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def manifest_text(out: Path, files: Mapping[Path, object], kept: Iterable[Path] = ()) -> str:
    """The manifest of a run writing `files` under `out` (and leaving `kept` as they are, e.g. the
    assignments.csv `salle export` reads), as JSON. A content is text, bytes, or a file already staged with its
    `digest` (solver.publish.atomic.Prestaged), and then its `stamp` (size, modification time in ns), kept
    under "stamps": a later run knows the file unchanged since when both still match, without reading it."""
    entries = {_relative(out, path): _digest_of(content)
               for path, content in files.items()}
    stamps = {_relative(out, path): list(stamp) for path, content in files.items()
              if isinstance(stamp := getattr(content, "stamp", None), tuple)}
    for path in kept:
        with contextlib.suppress(OSError):
            entries[_relative(out, path)] = digest(path.read_bytes())
    doc: dict[str, object] = {"format": FORMAT, "files": dict(sorted(entries.items()))}
    if stamps:
        doc["stamps"] = dict(sorted(stamps.items()))
    return json.dumps(doc, indent=1) + "\n"


def _digest_of(content: object) -> str:
    if isinstance(content, str | bytes):
        return digest(content)
    found = getattr(content, "digest", None)
    if not isinstance(found, str):
        raise TypeError(f"no content nor digest: {type(content).__name__}")
    return found


def read_manifest(out: Path) -> dict[str, str]:
    """relative path -> digest of what the previous run wrote; empty when there is no manifest (an older salle)
    or it cannot be read (then nothing is removed: only what salle is sure it wrote ever is)."""
    return read_manifest_stamps(out)[0]


def read_manifest_stamps(out: Path) -> tuple[dict[str, str], dict[str, tuple[int, int]]]:
    """`read_manifest`, and the stamps (size, modification time in ns) it kept of the files it has them for."""
    path = out / MANIFEST
    try:
        if path.is_symlink():
            return {}, {}
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}, {}
    files = doc.get("files") if isinstance(doc, dict) and doc.get("format") == FORMAT else None
    if not isinstance(files, dict):
        return {}, {}
    found = {k: v for k, v in files.items() if isinstance(k, str) and isinstance(v, str) and _safe(k)}
    given = doc.get("stamps")
    stamps = {k: (v[0], v[1]) for k, v in (given.items() if isinstance(given, dict) else ())
              if k in found and isinstance(v, list) and len(v) == 2 and all(type(x) is int for x in v)}
    return found, stamps


def prune(out: Path, before: Mapping[str, str], written: Iterable[Path]) -> list[str]:
    """Remove the files of the previous manifest `before` that this run did not write and that still hold what
    salle wrote; return a sentence for each one that could not be removed."""
    now = {_relative(out, p) for p in written}
    problems = []
    for rel, wrote in before.items():
        if rel in now or rel == MANIFEST:
            continue
        path = out.joinpath(*PurePosixPath(rel).parts)
        try:
            if path.is_symlink() or not path.is_file() or not _inside(path, out) or digest(path.read_bytes()) != wrote:
                continue  # gone already, replaced by a link, or changed since: not salle's to remove
            path.unlink()
        except OSError as exc:
            problems.append(f"{path}: could not be removed ({exc.strerror or exc}); it is left from an earlier run")
    return problems


def check_links(out: Path) -> None:
    """OutputError when OUT/rooms, OUT/speakers, OUT/talks or OUT/now is a symbolic link: salle would write (and
    remove) through it."""
    for name in LINKED:
        folder = out / name
        if folder.is_symlink():
            raise OutputError([Issue(str(folder), "is a symbolic link: salle writes only inside --out and will not "
                                                  "write through it; remove the link or choose another --out")])


def check_inside(out: Path, paths: Iterable[Path]) -> None:
    """OutputError when a file to write (or its folder) resolves outside `out` through a symbolic link."""
    check_links(out)
    root = out.resolve()
    seen: set[Path] = set()
    for path in paths:
        if path.parent not in seen:
            seen.add(path.parent)
            if not _within(path.parent.resolve(), root):
                raise _outside(path.parent)
        if path.is_symlink() and not _within(path.resolve(), root):
            raise _outside(path)


def _outside(path: Path) -> OutputError:
    return OutputError([Issue(str(path), "leads outside --out through a symbolic link: salle writes only inside "
                                         "--out; remove the link or choose another --out")])


def _within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _inside(path: Path, out: Path) -> bool:
    return _within(path.parent.resolve(), out.resolve())


def relative(out: Path, path: Path) -> str:
    """`path` relative to `out`, as the manifest writes it (`rooms/R1.ics`)."""
    given, root = str(path), str(out)
    if os.path.isabs(given) != os.path.isabs(root):
        return PurePosixPath(*Path(os.path.relpath(path, out)).parts).as_posix()
    prefix = root.rstrip(os.sep) + os.sep
    if given.startswith(prefix) and "/." not in given[len(prefix) - 1:] and "\\" not in given:
        return given[len(prefix):].replace(os.sep, "/")  # the common case, without relpath's cost
    return PurePosixPath(*Path(os.path.relpath(path, out)).parts).as_posix()


_relative = relative


def _safe(rel: str) -> bool:
    """A path salle could have written: relative, at most one folder deep, no `..`, not the manifest."""
    parts = PurePosixPath(rel).parts
    return (0 < len(parts) <= 2 and not PurePosixPath(rel).is_absolute() and "\\" not in rel
            and all(p not in ("", ".", "..") for p in parts) and (len(parts) == 1 or parts[0] in LINKED)
            and rel != MANIFEST)
