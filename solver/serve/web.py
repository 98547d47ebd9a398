"""The organizers' desk as a Starlette application: the page, its JSON API, and the guards in front of them
(solver.serve.guards). No route takes a path.

Tabs: each page load opens an editing session (a `Desk`); at most MAX_DESKS are kept. Beyond, the one forgotten
is a page never used by its script (an `<img>` of another site, say), else the least recently used tab without
unsaved work; a tab with unsaved work is never forgotten (the new page is refused instead).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import Environment, PackageLoader, select_autoescape
from pydantic import BaseModel, ValidationError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from solver.errors import InputError, SalleError, shown
from solver.language import say, say_n, speaking
from solver.serve import draft, models, views
from solver.serve.desk import Desk
from solver.serve.guards import MAX_BODY, Guard, Refused, error, read_body
from solver.serve.i18n import desk_text
from solver.serve.incremental import MoveRefused
from solver.serve.replan import Replan
from solver.serve.runs import Replans
from solver.serve.state import Conflict, Shared

MAX_DESKS = 32  # tabs kept
SAVE_WAIT = 120.0  # seconds a stopping server waits for a save under way to finish
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
STOPPING = "salle serve is stopping (Ctrl-C): nothing was saved; start it again and save from a new page"


def stopping() -> str:
    """`STOPPING` in the desk's language."""
    return say("salle serve is stopping (Ctrl-C): nothing was saved; start it again and save from a new page")
B = TypeVar("B", bound=BaseModel)


class DeskApp:
    def __init__(self, shared: Shared, token: str | None = None, allowed_hosts: set[str] | None = None,
                 replan_limit: float | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.shared, self.token = shared, token
        self.guard = Guard(token, allowed_hosts)
        self.replan_limit = replan_limit  # caps the browser's time limit (tests use a short one)
        self.clock = clock
        self.desks: dict[str, Desk] = {}
        self.replans = Replans(lambda: self.clock())
        self.reload_error: str | None = None  # why the changed inputs could not be loaded again
        self.closing = False
        self._saves = 0
        self._idle = threading.Condition()
        self.templates = Environment(loader=PackageLoader("solver.serve", "templates"),
                                     autoescape=select_autoescape(["html", "j2"]))

    # ---- tabs
    def _desk(self, request: Request) -> Desk:
        desk = self.desks.get(request.headers.get("x-salle-desk", ""))
        if desk is None:
            raise Refused(410, say("this page's editing session is gone (the server restarted or the tab was idle "
                                   "too long): reload the page; changes not saved are lost"))
        if request.method == "POST" and not hmac.compare_digest(
                request.headers.get("x-csrf-token", "").encode(), desk.csrf.encode()):
            raise Refused(403, say("missing or wrong CSRF token: reload the page"))
        desk.touched, desk.claimed = self.clock(), True
        return desk

    def _admit(self, desk: Desk) -> None:
        if len(self.desks) >= MAX_DESKS:
            victim = min(self.desks.values(), key=lambda d: (d.claimed, d.unsaved(), d.touched))
            if victim.claimed and victim.unsaved():
                raise Refused(503, say("{n} tabs hold unsaved changes: save or close one of them, then reload "
                                       "this page", n=MAX_DESKS))
            self.desks.pop(victim.id, None)
            self.replans.forget(victim.id)
        desk.touched = self.clock()
        self.desks[desk.id] = desk

    def notice(self, desk: Desk) -> str | None:
        """The banner's sentence when the inputs changed since this tab loaded them."""
        stale = desk.shared.stale()
        if stale and desk.shared is self.shared and self.reload_error:
            return say("The input files changed but cannot be loaded again: {error} Fix them, then reload the page; "
                       "saving is refused until then.", error=self.reload_error[:300])
        return stale

    # ---- the wrapper of every route
    async def _body(self, request: Request, model: type[B], limit: int) -> B:
        raw = await read_body(request, limit)
        try:
            return model.model_validate_json(raw or b"{}")
        except ValidationError as exc:
            raise Refused(422, "; ".join(models.messages(exc))) from None

    def endpoint(self, handler: Callable[..., Any], body: type[BaseModel] | None = None, desk: bool = True,
                 limit: int = MAX_BODY):
        page = not desk

        async def run(request: Request) -> Response:
            with speaking(self.shared.texts.name):  # every sentence of the answer in the desk's language
                return await answer(request)

        async def answer(request: Request) -> Response:
            args: list[Any] = [request]
            try:
                self.guard.check(request, page=page)
                if desk:
                    args.append(self._desk(request))
                if body is not None:
                    args.append(await self._body(request, body, limit))
                started = time.perf_counter()
                response = await run_in_threadpool(_speaking, self.shared.texts.name, handler, *args)
                if isinstance(response, dict):
                    if desk and isinstance(response.get("state"), dict):
                        response["state"]["inputs"] = self.notice(args[1])
                    response["server_ms"] = round((time.perf_counter() - started) * 1000, 2)
                    response = JSONResponse(response)
            except asyncio.CancelledError:  # the server stops at once (a second Ctrl-C): answer, no traceback
                if not self.closing:
                    raise
                response = error(503, say("salle serve stopped while answering; a save under way is finished first"))
            except Refused as exc:
                response = error(exc.status, exc.message)
            except MoveRefused as exc:
                response = error(400, str(exc))
            except Conflict as exc:  # what changed on disk, and the moves of this tab it refused
                response = JSONResponse({"error": str(exc), "details": [], "other": exc.other,
                                         "refused": exc.refused}, status_code=409)
            except InputError as exc:
                response = error(400, "; ".join(str(i) for i in exc.issues))
            except SalleError as exc:
                response = error(500, str(exc))
            except Exception as exc:  # a bug in salle: one line to the page, the details to the server's log
                logging.getLogger("salle").exception("salle serve: %s %s failed", request.method, request.url.path)
                response = error(500, say("internal error in salle ({error}); the server's terminal has the details",
                                          error=type(exc).__name__))
            if self.token is not None and request.query_params.get("token") == self.token:
                response.set_cookie(self.guard.cookie, self.token, httponly=True, samesite="strict")
            response.headers["Content-Security-Policy"] = CSP
            response.headers["X-Content-Type-Options"] = "nosniff"
            response.headers["Referrer-Policy"] = "no-referrer"
            response.headers["Cache-Control"] = "no-store"
            return response
        return run

    # ---- routes
    def page(self, request: Request) -> Response:
        if self.shared.stale():  # a new page loads the inputs as they are now; open tabs keep theirs
            try:
                self.shared, self.reload_error = self.shared.reloaded(), None
            except InputError as exc:
                self.reload_error = "; ".join(str(i) for i in exc.issues[:3])
        desk = Desk(self.shared)
        self._admit(desk)
        title = self.shared.conference.title or "Programme"
        texts = self.shared.texts
        html = self.templates.get_template("desk.html.j2").render(
            desk=desk, title=title, lang=texts.lang, t=lambda key, **v: desk_text(texts.name, key, **v))
        return HTMLResponse(html)

    def conference(self, request: Request, desk: Desk) -> dict:
        return views.conference(desk.shared.problem, desk.shared.conference.title or "Programme", desk.shared.texts)

    def state(self, request: Request, desk: Desk) -> dict:
        return {"state": views.state(desk)}

    def blocked(self, request: Request, desk: Desk) -> dict:
        q = request.query_params
        return self._blocked(desk, q.get("session", ""), q.get("day", ""), q.get("room"), q.get("slot"))

    def blocked_post(self, request: Request, desk: Desk, body: models.BlockedBody) -> dict:
        return self._blocked(desk, body.session, body.day or "", body.room, body.slot)

    def _blocked(self, desk: Desk, sid: str, day: str, room: str | None, slot: str | None) -> dict:
        problem = desk.shared.problem
        if sid not in problem.session:
            raise MoveRefused(say("unknown session {id}", id=shown(sid)))
        if room is not None or slot is not None:  # one placement (the keyboard dialog)
            if room not in problem.room or slot not in problem.slot:
                raise MoveRefused(say("give a known room and slot"))
            day = problem.slot[slot].day.isoformat()
            return {"session": sid, "day": day, "cells": views.blocked(desk, sid, day, (room, slot))}
        try:
            if dt.date.fromisoformat(day) not in problem.days:
                raise ValueError
        except ValueError:
            raise MoveRefused(say("no day {day} in this conference", day=shown(day[:20]))) from None
        return {"session": sid, "day": day, "cells": views.blocked(desk, sid, day)}

    def move(self, request: Request, desk: Desk, body: models.MoveBody) -> dict:
        place = None if body.room is None or body.slot is None else (body.room, body.slot)
        change = desk.move(body.session, place)
        draft.write(desk)
        return {"change": views.change(change, desk), "state": views.state(desk)}

    def swap(self, request: Request, desk: Desk, body: models.SwapBody) -> dict:
        change = desk.swap(body.session, body.other)
        draft.write(desk)
        return {"change": views.change(change, desk), "state": views.state(desk)}

    def pin(self, request: Request, desk: Desk, body: models.PinBody) -> dict:
        desk.pin(body.session, body.pinned)
        draft.write(desk)
        return {"state": views.state(desk)}

    def undo(self, request: Request, desk: Desk, body: models.Empty) -> dict:
        step = desk.undo()
        draft.write(desk)
        return {"step": step.label if step else None, "state": views.state(desk)}

    def redo(self, request: Request, desk: Desk, body: models.Empty) -> dict:
        step = desk.redo()
        draft.write(desk)
        return {"step": step.label if step else None, "state": views.state(desk)}

    def draft(self, request: Request, desk: Desk) -> dict:
        """A draft another tab (or a server now gone) left, for the page to offer to restore or discard."""
        return {"draft": draft.offer(desk)}

    def draft_restore(self, request: Request, desk: Desk, body: models.Empty) -> dict:
        n = draft.restore(desk)
        return {"restored": n, "state": views.state(desk)}

    def draft_discard(self, request: Request, desk: Desk, body: models.Empty) -> dict:
        draft.drop(desk)
        return {"state": views.state(desk)}

    def rules(self, request: Request, desk: Desk, body: models.RuleBody) -> dict:
        if body.rule not in {rc.name for rc in desk.config.rules}:
            raise MoveRefused(say("unknown rule {rule}", rule=shown(body.rule)))
        before = desk.live.totals()[0]
        desk.set_rule(body.rule, body.mode, body.weight)
        draft.write(desk)
        return {"delta": desk.live.totals()[0] - before, "state": views.state(desk)}

    def replan(self, request: Request, desk: Desk, body: models.ReplanBody) -> dict:
        """Start a re-plan (replacing this tab's running one); one runs at a time in the whole server."""
        limit = min(body.time_limit, self.replan_limit) if self.replan_limit else body.time_limit
        run = Replan(dict(desk.live.places), tuple(sorted(desk.frozen())), limit, locale=desk.shared.texts.name)
        config = desk.config
        if not body.stability and config["keep_previous"].settings.enabled:  # let the rest trade stability
            config = config.with_settings("keep_previous", level=0)
        self.replans.start(desk.id, lambda: desk.touched, run, desk.shared.problem, config)
        desk.replan = run
        return {"replan": views.replan(desk)}

    def replan_status(self, request: Request, desk: Desk) -> dict:
        return {"replan": views.replan(desk)}

    def accept(self, request: Request, desk: Desk, body: models.Empty) -> dict:
        run = desk.replan
        if run is None or not run.done or run.proposal is None:
            raise MoveRefused(say("there is no finished re-plan to accept"))
        if run.working != desk.live.places:
            raise MoveRefused(say("the schedule changed since this re-plan started: discard it and re-plan again"))
        desk.apply([(sid, after) for sid, _, after in run.changes()], "re-plan")
        desk.replan = None
        draft.write(desk)
        return {"state": views.state(desk)}

    def discard(self, request: Request, desk: Desk, body: models.Empty) -> dict:
        self.replans.forget(desk.id)
        if desk.replan is not None:
            desk.replan.stop.set()
        desk.replan = None
        return {"state": views.state(desk)}

    def save(self, request: Request, desk: Desk, body: models.SaveBody) -> dict:
        if body.version != desk.base_version:
            raise MoveRefused(say("this page holds version {version}, not {given}: reload the page",
                                  version=desk.base_version, given=body.version))
        hard = desk.live.totals()[1]
        if hard and not body.force:
            raise Refused(412, say_n("this schedule breaks {n} hard rule; save anyway?",
                                     "this schedule breaks {n} hard rules; save anyway?", hard))
        with self._idle:
            if self.closing:
                raise Refused(503, stopping())
            self._saves += 1
        try:
            written = desk.save()
        except Conflict as exc:  # list what this tab must redo (the draft keeps it for the reload)
            exc.refused = [{"session": sid, "to": None if p is None else list(p)}
                           for sid, p in sorted(desk.moved().items())]
            raise
        finally:
            with self._idle:
                self._saves -= 1
                self._idle.notify_all()
        draft.drop(desk, own_only=True)
        out = desk.shared.out
        return {"version": desk.base_version, "files": len(written),
                "message": desk.shared.t("saved", version=desk.base_version, path=out / "assignments.csv",
                                         n=len(written) - 1), "state": views.state(desk)}

    def close_soon(self) -> None:
        """The server was asked to stop (Ctrl-C): refuse new saves and re-plans, stop the running ones."""
        with self._idle:
            self.closing = True
        self.replans.stop_all()

    def close(self, wait: float = SAVE_WAIT) -> bool:
        """The server stops: refuse new saves and re-plans, stop the re-plans and wait for their threads, and
        for a save under way to finish (all-or-nothing either way). Whether everything ended in time."""
        with self._idle:
            self.closing = True
        ended = self.replans.close()
        with self._idle:
            return self._idle.wait_for(lambda: self._saves == 0, wait) and ended

    def app(self) -> Starlette:
        e = self.endpoint
        static = StaticFiles(directory=str(Path(__file__).parent / "static"))
        routes = [
            Route("/", e(self.page, desk=False)),
            Route("/api/conference", e(self.conference)),
            Route("/api/state", e(self.state)),
            Route("/api/blocked", e(self.blocked)),
            Route("/api/blocked", e(self.blocked_post, models.BlockedBody, limit=models.ID_BODY), methods=["POST"]),
            Route("/api/move", e(self.move, models.MoveBody, limit=models.ID_BODY), methods=["POST"]),
            Route("/api/swap", e(self.swap, models.SwapBody, limit=models.ID_BODY), methods=["POST"]),
            Route("/api/draft", e(self.draft)),
            Route("/api/draft/restore", e(self.draft_restore, models.Empty), methods=["POST"]),
            Route("/api/draft/discard", e(self.draft_discard, models.Empty), methods=["POST"]),
            Route("/api/pin", e(self.pin, models.PinBody, limit=models.ID_BODY), methods=["POST"]),
            Route("/api/undo", e(self.undo, models.Empty), methods=["POST"]),
            Route("/api/redo", e(self.redo, models.Empty), methods=["POST"]),
            Route("/api/rules", e(self.rules, models.RuleBody, limit=models.ID_BODY), methods=["POST"]),
            Route("/api/replan", e(self.replan, models.ReplanBody), methods=["POST"]),
            Route("/api/replan/status", e(self.replan_status)),
            Route("/api/replan/accept", e(self.accept, models.Empty), methods=["POST"]),
            Route("/api/replan/discard", e(self.discard, models.Empty), methods=["POST"]),
            Route("/api/save", e(self.save, models.SaveBody), methods=["POST"]),
            Mount("/static", app=self.guard.static(static), name="static"),
        ]
        app = Starlette(routes=routes)
        app.state.desk = self  # for benchmarks and tests that look inside a tab
        return app


def _speaking(locale: str, handler: Callable[..., Any], *args: Any) -> Any:
    """`handler(*args)` in a worker thread, its sentences in `locale`."""
    with speaking(locale):
        return handler(*args)
