"""The organizers' desk as a Starlette application: the page, its JSON API, and the guards in front of them.

Guards: requests must name an allowed Host (no DNS rebinding); with an access token (any --host other than
127.0.0.1), every request needs it (`?token=` once, then a cookie); every POST needs the tab's CSRF token in a
header, a JSON body and, when the browser sends one, an Origin equal to the desk's own. No route takes a path.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import Environment, PackageLoader, select_autoescape
from pydantic import BaseModel, ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from solver.errors import InputError, SalleError
from solver.serve import models, views
from solver.serve.desk import Desk
from solver.serve.incremental import MoveRefused
from solver.serve.replan import Replan
from solver.serve.state import Conflict, Shared

MAX_DESKS = 32  # tabs kept; the least recently used one is forgotten beyond
MAX_BODY = 64 * 1024
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
B = TypeVar("B", bound=BaseModel)


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def _error(status: int, message: str, details: list[str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "details": details or []}, status_code=status)


class DeskApp:
    def __init__(self, shared: Shared, token: str | None = None, allowed_hosts: set[str] | None = None,
                 replan_limit: float | None = None) -> None:
        self.shared, self.token, self.allowed_hosts = shared, token, allowed_hosts
        self.replan_limit = replan_limit  # caps the browser's time limit (tests use a short one)
        self.desks: dict[str, Desk] = {}
        self.templates = Environment(loader=PackageLoader("solver.serve", "templates"),
                                     autoescape=select_autoescape(["html", "j2"]))

    # ---- guards
    def _guard(self, request: Request) -> None:
        host = request.headers.get("host", "")
        if self.allowed_hosts is not None and host not in self.allowed_hosts:
            raise Refused(400, f"unexpected Host '{host[:80]}': open the address `salle serve` printed")
        if self.token is not None:
            given = request.query_params.get("token") or request.cookies.get("salle_token") or ""
            if not hmac.compare_digest(given.encode(), self.token.encode()):
                raise Refused(403, "this desk needs its access token: open the address `salle serve` printed "
                                   "(it ends with ?token=…)")
        if request.method == "POST":
            origin = request.headers.get("origin")
            if origin is not None and origin != f"{request.url.scheme}://{host}":
                raise Refused(403, f"cross-site request refused (Origin {origin[:80]})")
            if request.headers.get("sec-fetch-site") not in (None, "same-origin", "none"):
                raise Refused(403, "cross-site request refused (Sec-Fetch-Site)")
            if not request.headers.get("content-type", "").startswith("application/json"):
                raise Refused(415, "send JSON (Content-Type: application/json)")

    def _desk(self, request: Request) -> Desk:
        desk = self.desks.get(request.headers.get("x-salle-desk", ""))
        if desk is None:
            raise Refused(410, "this page's editing session is gone (the server restarted or the tab was idle "
                               "too long): reload the page; changes not saved are lost")
        if request.method == "POST" and not hmac.compare_digest(
                request.headers.get("x-csrf-token", "").encode(), desk.csrf.encode()):
            raise Refused(403, "missing or wrong CSRF token: reload the page")
        desk.touched = time.monotonic()
        return desk

    async def _body(self, request: Request, model: type[B]) -> B:
        raw = await request.body()
        if len(raw) > MAX_BODY:
            raise Refused(413, f"request body over {MAX_BODY // 1024} KB")
        try:
            return model.model_validate_json(raw or b"{}")
        except ValidationError as exc:
            lines = models.messages(exc)
            raise Refused(422, "; ".join(lines)) from None

    def endpoint(self, handler: Callable[..., Any], body: type[BaseModel] | None = None, desk: bool = True):
        async def run(request: Request) -> Response:
            try:
                self._guard(request)
                args: list[Any] = [request]
                if desk:
                    args.append(self._desk(request))
                if body is not None:
                    args.append(await self._body(request, body))
                started = time.perf_counter()
                from starlette.concurrency import run_in_threadpool

                response = await run_in_threadpool(handler, *args)
                if isinstance(response, dict):
                    response["server_ms"] = round((time.perf_counter() - started) * 1000, 2)
                    response = JSONResponse(response)
            except Refused as exc:
                response = _error(exc.status, exc.message)
            except MoveRefused as exc:
                response = _error(400, str(exc))
            except Conflict as exc:
                response = _error(409, str(exc))
            except InputError as exc:
                response = _error(400, "; ".join(str(i) for i in exc.issues))
            except SalleError as exc:
                response = _error(500, str(exc))
            except Exception as exc:  # a bug in salle: one line to the page, the details to the server's log
                logging.getLogger("salle").exception("salle serve: %s %s failed", request.method, request.url.path)
                response = _error(500, f"internal error in salle ({type(exc).__name__}); the server's terminal "
                                       "has the details")
            if self.token is not None and request.query_params.get("token") == self.token:
                response.set_cookie("salle_token", self.token, httponly=True, samesite="strict")
            response.headers["Content-Security-Policy"] = CSP
            response.headers["X-Content-Type-Options"] = "nosniff"
            response.headers["Referrer-Policy"] = "no-referrer"
            response.headers["Cache-Control"] = "no-store"
            return response
        return run

    # ---- routes
    def page(self, request: Request) -> Response:
        desk = Desk(self.shared)
        if len(self.desks) >= MAX_DESKS:
            oldest = min(self.desks.values(), key=lambda d: d.touched)
            self.desks.pop(oldest.id, None)
        self.desks[desk.id] = desk
        title = self.shared.conference.title or "Programme"
        html = self.templates.get_template("desk.html.j2").render(desk=desk, title=title)
        return HTMLResponse(html)

    def conference(self, request: Request, desk: Desk) -> dict:
        return views.conference(self.shared.problem, self.shared.conference.title or "Programme")

    def state(self, request: Request, desk: Desk) -> dict:
        return {"state": views.state(desk)}

    def blocked(self, request: Request, desk: Desk) -> dict:
        sid, day = request.query_params.get("session", ""), request.query_params.get("day", "")
        if sid not in self.shared.problem.session:
            raise MoveRefused(f"unknown session '{sid[:80]}'")
        if "room" in request.query_params or "slot" in request.query_params:
            day = self.shared.problem.days[0].isoformat()  # replaced by the slot's own day below
        try:
            if dt.date.fromisoformat(day) not in self.shared.problem.days:
                raise ValueError
        except ValueError:
            raise MoveRefused(f"no day '{day[:20]}' in this conference") from None
        room, slot = request.query_params.get("room"), request.query_params.get("slot")
        if room is not None or slot is not None:  # one placement (the keyboard dialog)
            if room not in self.shared.problem.room or slot not in self.shared.problem.slot:
                raise MoveRefused("give a known room and slot")
            day = self.shared.problem.slot[slot].day.isoformat()
            return {"session": sid, "day": day, "cells": views.blocked(desk, sid, day, (room, slot))}
        return {"session": sid, "day": day, "cells": views.blocked(desk, sid, day)}

    def move(self, request: Request, desk: Desk, body: models.MoveBody) -> dict:
        place = None if body.room is None or body.slot is None else (body.room, body.slot)
        change = desk.move(body.session, place)
        return {"change": views.change(change, desk), "state": views.state(desk)}

    def pin(self, request: Request, desk: Desk, body: models.PinBody) -> dict:
        desk.pin(body.session, body.pinned)
        return {"state": views.state(desk)}

    def undo(self, request: Request, desk: Desk, body: models.Empty) -> dict:
        step = desk.undo()
        return {"step": step.label if step else None, "state": views.state(desk)}

    def redo(self, request: Request, desk: Desk, body: models.Empty) -> dict:
        step = desk.redo()
        return {"step": step.label if step else None, "state": views.state(desk)}

    def rules(self, request: Request, desk: Desk, body: models.RuleBody) -> dict:
        if body.rule not in {rc.name for rc in desk.config.rules}:
            raise MoveRefused(f"unknown rule '{body.rule[:80]}'")
        before = desk.live.totals()[0]
        desk.set_rule(body.rule, body.mode, body.weight)
        return {"delta": desk.live.totals()[0] - before, "state": views.state(desk)}

    def replan(self, request: Request, desk: Desk, body: models.ReplanBody) -> dict:
        if desk.replan is not None and not desk.replan.done:
            raise MoveRefused("a re-plan is already running in this tab")
        limit = min(body.time_limit, self.replan_limit) if self.replan_limit else body.time_limit
        desk.replan = Replan(dict(desk.live.places), tuple(sorted(desk.frozen())), limit)
        config = desk.config
        if not body.stability and config["keep_previous"].settings.enabled:  # let the rest trade stability
            config = config.with_settings("keep_previous", level=0)
        desk.replan.start(self.shared.problem, config)
        return {"replan": desk.replan.payload()}

    def replan_status(self, request: Request, desk: Desk) -> dict:
        return {"replan": desk.replan.payload() if desk.replan else None}

    def accept(self, request: Request, desk: Desk, body: models.Empty) -> dict:
        run = desk.replan
        if run is None or not run.done or run.proposal is None:
            raise MoveRefused("there is no finished re-plan to accept")
        if run.working != desk.live.places:
            raise MoveRefused("the schedule changed since this re-plan started: discard it and re-plan again")
        desk.apply([(sid, after) for sid, _, after in run.changes()], "re-plan")
        desk.replan = None
        return {"state": views.state(desk)}

    def discard(self, request: Request, desk: Desk, body: models.Empty) -> dict:
        if desk.replan is not None:
            desk.replan.stop.set()
        desk.replan = None
        return {"state": views.state(desk)}

    def save(self, request: Request, desk: Desk, body: models.SaveBody) -> dict:
        if body.version != desk.base_version:
            raise MoveRefused(f"this page holds version {desk.base_version}, not {body.version}: reload the page")
        hard = desk.live.totals()[1]
        if hard and not body.force:
            raise Refused(412, f"this schedule breaks {hard} hard rule(s); save anyway?")
        written = desk.save()
        out = self.shared.out
        return {"version": desk.base_version, "files": len(written),
                "message": f"Saved version {desk.base_version}: {out / 'assignments.csv'} and "
                           f"{len(written) - 1} other file(s).", "state": views.state(desk)}

    def app(self) -> Starlette:
        e = self.endpoint
        static = StaticFiles(directory=str(Path(__file__).parent / "static"))
        routes = [
            Route("/", e(self.page, desk=False)),
            Route("/api/conference", e(self.conference)),
            Route("/api/state", e(self.state)),
            Route("/api/blocked", e(self.blocked)),
            Route("/api/move", e(self.move, models.MoveBody), methods=["POST"]),
            Route("/api/pin", e(self.pin, models.PinBody), methods=["POST"]),
            Route("/api/undo", e(self.undo, models.Empty), methods=["POST"]),
            Route("/api/redo", e(self.redo, models.Empty), methods=["POST"]),
            Route("/api/rules", e(self.rules, models.RuleBody), methods=["POST"]),
            Route("/api/replan", e(self.replan, models.ReplanBody), methods=["POST"]),
            Route("/api/replan/status", e(self.replan_status)),
            Route("/api/replan/accept", e(self.accept, models.Empty), methods=["POST"]),
            Route("/api/replan/discard", e(self.discard, models.Empty), methods=["POST"]),
            Route("/api/save", e(self.save, models.SaveBody), methods=["POST"]),
            Mount("/static", app=static, name="static"),
        ]
        app = Starlette(routes=routes)
        app.state.desk = self  # for benchmarks and tests that look inside a tab
        return app
