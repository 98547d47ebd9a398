"""The service's commands that speak to other systems: `import pretalx`, `import sessionize`, `push pretalx`.

Like solver.app, each is one function the command line calls; they wire solver.connect (the other system's
interface) to the inputs, the judge and the atomic writer, and raise SalleError subclasses the command line turns
into sentences and exit codes. No token is ever printed or written.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from solver.connect.pretalx import Event, client, fetch, is_folder, read_folder, read_token
from solver.connect.pretalx_import import DEFAULT_STATES, HOURS, import_pretalx
from solver.connect.pretalx_push import (
    Change,
    Plan,
    apply,
    backup_data,
    plan_push,
    plan_restore,
    read_backup,
    release,
    write_backup,
)
from solver.errors import InputError, Issue
from solver.importers.folder import Imported


def load_event(source: str, slug: str | None, token: str | None, save: Path | None = None) -> Event:
    """A pretalx event from a live server (`source` an http(s) address) or a folder of saved API answers."""
    if is_folder(source):
        return read_folder(Path(source))
    if not slug:
        raise InputError([Issue("--event", "which pretalx event? give its slug with --event (as in its URLs)")])
    return fetch(client(source, token), slug, save)


def run_import_pretalx(source: str, out: Path, slug: str | None, token_file: Path | None, grid: int = 5,
                       states: tuple[str, ...] = DEFAULT_STATES, pin: bool = False, capacity: int = 10_000,
                       hours: tuple[int, int] = HOURS, save: Path | None = None, replace: bool = True) -> Imported:
    token = None if is_folder(source) else read_token(token_file, dict(os.environ))
    event = load_event(source, slug, token, save)
    return import_pretalx(event, out, slug or event.slug, grid, states, pin, capacity, hours, replace)


@dataclass
class PushRun:
    plan: Plan
    applied: bool
    written: list[Change] = field(default_factory=list)
    backup: Path | None = None
    released: Any = None
    notes: list[str] = field(default_factory=list)


def run_push_pretalx(base_url: str, slug: str, token_file: Path | None, schedule_file: Path | None = None,
                     inputs: Path | None = None, constraints: list[Path] | None = None, do_apply: bool = False,
                     backup: Path | None = None, restore: Path | None = None, version: str | None = None,
                     comment: str | None = None, force: bool = False,
                     progress: Callable[[Change], None] = lambda c: None,
                     before_writing: Callable[[PushRun], None] = lambda run: None) -> PushRun:
    """Plan a push (or a restore), and with `do_apply` save pretalx's placements to `backup`, then write."""
    from solver.app import _every_session, _judged, resolve_constraints
    from solver.config import load_config

    saved = read_backup(restore, slug) if restore is not None else None
    if saved is None and schedule_file is None:
        raise InputError([Issue("--schedule", "which schedule? give --schedule FILE (or --restore FILE)")])
    token = read_token(token_file, dict(os.environ))
    if not token:
        raise InputError([Issue("PRETALX_TOKEN", "no pretalx API token: set the environment variable PRETALX_TOKEN "
                                                 "or give --token-file FILE")])
    problem = schedule = None
    if saved is None:
        assert schedule_file is not None
        if inputs is None:  # the schedule's folder, or the inputs it was solved from (salle solve DIR --out DIR/x)
            inputs = next((d for d in (schedule_file.parent, schedule_file.parent.parent)
                           if (d / "sessions.csv").is_file()), Path("inputs"))
        # a push may place only some talks (the others stay as pretalx has them): rules asking for every session
        # to be placed are not the push's business
        config = _every_session(load_config(resolve_constraints(constraints, inputs)), enabled=False)
        problem, schedule, _ = _judged(inputs, schedule_file, config, force)
    server = client(base_url, token)
    event = fetch(server, slug)
    plan = plan_restore(event, saved) if saved is not None else plan_push(event, problem, schedule)  # type: ignore[arg-type]
    run = PushRun(plan, do_apply, notes=list(plan.notes))
    if not do_apply:
        return run
    if plan.todo:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
        where = (schedule_file.parent if schedule_file is not None else Path("."))
        run.backup = backup or where / f"pretalx-backup-{slug}-{stamp}.json"
        write_backup(run.backup, backup_data(event, server.base))
        before_writing(run)
        run.written = apply(server, slug, plan, progress)
    if version:
        run.released = release(server, slug, version, comment)
    return run
