"""`salle push pretalx`: write a schedule into pretalx's work-in-progress schedule (a dry run unless --apply).

Exit codes: 0 done (or the dry run printed), 1 invalid input (the schedule, the inputs, a backup file, no token),
2 the schedule breaks a hard rule (nothing written; --force), 4 pretalx cannot be reached or refused (what was
written before is said; the same command finishes it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from solver.cli.console import EXIT_CONNECT, EXIT_NO_SCHEDULE, fail_input, say, show_broken, warn
from solver.errors import InputError

push_cli = typer.Typer(help="Write a schedule into another system (pretalx).", no_args_is_help=True)


@push_cli.command("pretalx")
def push_pretalx(
    base_url: Annotated[str, typer.Argument(metavar="BASE_URL", help="pretalx's address, e.g. https://pretalx.com")],
    event: Annotated[str, typer.Option("--event", "-e", metavar="SLUG", help="The event's slug (as in its URLs).")],
    schedule: Annotated[Path | None, typer.Option("--schedule", "-s", metavar="FILE", help="The assignments CSV to "
                                                  "write (salle solve's OUT/assignments.csv).")] = None,
    inputs: Annotated[Path | None, typer.Option("--inputs", metavar="DIR", help="The inputs folder (default: the "
                                                "schedule's folder when it holds sessions.csv, else inputs/).")]
    = None,
    apply_: Annotated[bool, typer.Option("--apply", help="Write the changes (without it: a dry run that only "
                                         "prints them).")] = False,
    backup: Annotated[Path | None, typer.Option("--backup", metavar="FILE", help="Where to save pretalx's "
                                                "placements before writing (default: pretalx-backup-SLUG-TIME.json "
                                                "beside the schedule); never overwritten.")] = None,
    restore: Annotated[Path | None, typer.Option("--restore", metavar="FILE", help="Put pretalx's placements back "
                                                 "as a backup file has them (with --apply).")] = None,
    release_version: Annotated[str | None, typer.Option("--release", metavar="VERSION", help="Then release the "
                                                        "schedule as this version (with --apply).")] = None,
    comment: Annotated[str | None, typer.Option("--comment", metavar="TEXT", help="The release's comment.")] = None,
    token_file: Annotated[Path | None, typer.Option("--token-file", metavar="FILE", help="A file holding the API "
                                                    "token (default: the environment variable PRETALX_TOKEN).")]
    = None,
    constraints: Annotated[list[Path] | None, typer.Option("--constraints", "-c", metavar="FILE", help="Constraint "
                                                           "files the schedule is judged against first.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Write even a schedule that breaks a hard rule.")] = False,
) -> None:
    """Place each talk of a schedule in pretalx: a dry run listing what moves, unless --apply.

    Talks that are not in the schedule are never touched; pretalx's placements are saved to a backup before
    anything is written (--restore FILE --apply puts them back); a second identical push changes nothing."""
    from solver import app as service
    from solver.connect.http import ConnectError
    from solver.connect.pretalx_push import PushFailed
    from solver.connected import run_push_pretalx

    if restore is not None and schedule is not None:
        warn("give either --schedule (a push) or --restore (put back a backup), not both")
        raise typer.Exit(64)
    if release_version is not None and not apply_:
        say(f"dry run: with --apply the schedule would then be released as {release_version}")
    try:
        run = run_push_pretalx(base_url, event, token_file, schedule, inputs, constraints, apply_, backup, restore,
                               release_version if apply_ else None, comment, force,
                               progress=lambda c: say(f"  written: {c.code} ({c.kind})"),
                               before_writing=lambda r: say(f"saved pretalx's placements to {r.backup} (undo with: "
                                                            f"salle push pretalx {base_url} --event {event} "
                                                            f"--restore {r.backup} --apply)"))
    except service.BrokenSchedule as exc:
        show_broken(exc.schedule, exc.verdict)
        warn("Nothing was written to pretalx; fix the schedule, or push it anyway with --force.")
        raise typer.Exit(EXIT_NO_SCHEDULE) from None
    except InputError as exc:
        raise fail_input(exc) from None
    except PushFailed as exc:
        warn(f"{exc.reason}")
        warn(f"pretalx failed after {len(exc.done)} of {exc.total} change(s) were written; run the same command "
             "again to finish (what is in place is skipped)")
        raise typer.Exit(EXIT_CONNECT) from None
    except ConnectError as exc:
        warn(f"{exc}; nothing was written")
        raise typer.Exit(EXIT_CONNECT) from None
    plan = run.plan
    if not run.applied:
        for change in plan.todo:
            say(f"{change.kind}: {change.code} « {change.title} »: {plan.where(change.before)} → "
                f"{plan.where(change.after)}")
    for note in run.notes:
        say(f"note: {note}")
    counts = ", ".join(f"{plan.count(k)} {k}" for k in ("moved", "placed", "unplaced", "unchanged")
                       if plan.count(k) or k == "unchanged")
    if run.applied:
        say(f"pretalx {event}: {len(run.written)} change(s) written ({counts})")
        if run.released is not None:
            say(f"released version {release_version}")
    else:
        say(f"dry run, nothing written: {counts}; add --apply to write")

