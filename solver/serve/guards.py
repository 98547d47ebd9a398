"""The checks in front of every route of the desk, and the reading of a request's body.

- Host: on 127.0.0.1, a request must name the desk's own address as its Host (no DNS rebinding); the static
  files too.
- Token: `salle serve` always has an access token (on 127.0.0.1 too: another user of the machine can reach a
  loopback port), and every request needs it (`?token=` once, then a cookie named after the token, so desks on
  other ports keep theirs); the static files too.
- Cross-site: a GET whose browser says it comes from another site (`Sec-Fetch-Site`) is refused, unless it is
  the user following a link to the page itself: an `<img>`, a frame or a script of another page cannot open
  editing sessions. A POST needs an Origin equal to the desk's own (when the browser sends one), JSON, and the
  tab's CSRF token (checked with the tab).
- Body: refused (413) from its Content-Length when that is too big, else counted as it arrives and refused as
  soon as it passes the limit: a huge body is never held in memory.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from solver.language import number, say

MAX_BODY = 64 * 1024
Scope = MutableMapping[str, Any]
ASGI = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def error(status: int, message: str, details: list[str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "details": details or []}, status_code=status)


class Guard:
    def __init__(self, token: str | None, allowed_hosts: set[str] | None) -> None:
        self.token, self.allowed_hosts = token, allowed_hosts
        # a cookie is shared by every port of a host: one name per token, so two desks never overwrite theirs
        self.cookie = "salle_token_" + hashlib.sha256((token or "").encode()).hexdigest()[:12]

    def host_and_token(self, request: Request) -> None:
        host = request.headers.get("host", "")
        if self.allowed_hosts is not None and host not in self.allowed_hosts:
            raise Refused(400, say("unexpected Host '{host}': open the address `salle serve` printed",
                                   host=host[:80]))
        if self.token is not None:
            given = request.query_params.get("token") or request.cookies.get(self.cookie) or ""
            if not hmac.compare_digest(given.encode(), self.token.encode()):
                raise Refused(403, say("this desk needs its access token: open the address `salle serve` printed "
                                       "(it ends with ?token=…)"))

    def check(self, request: Request, page: bool = False) -> None:
        """Every check but the tab's CSRF token; `page`: the route is the page itself (a link may open it)."""
        self.host_and_token(request)
        site = request.headers.get("sec-fetch-site")
        if request.method == "POST":
            origin = request.headers.get("origin")
            if origin is not None and origin != f"{request.url.scheme}://{request.headers.get('host', '')}":
                raise Refused(403, say("cross-site request refused (Origin {origin})", origin=origin[:80]))
            if site not in (None, "same-origin", "none"):
                raise Refused(403, say("cross-site request refused (Sec-Fetch-Site)"))
            if not request.headers.get("content-type", "").startswith("application/json"):
                raise Refused(415, say("send JSON (Content-Type: application/json)"))
        elif site not in (None, "same-origin", "none"):
            followed = (request.headers.get("sec-fetch-mode") == "navigate"
                        and request.headers.get("sec-fetch-dest") in (None, "document"))
            if not (page and followed):
                raise Refused(403, say("cross-site request refused (Sec-Fetch-Site): open the desk's address "
                                       "yourself"))

    def static(self, app: ASGI) -> ASGI:
        """`app` (the static files) behind the Host and token checks."""

        async def guarded(scope: Scope, receive: Callable[[], Awaitable[Any]],
                          send: Callable[[Any], Awaitable[None]]) -> None:
            if scope["type"] == "http":
                try:
                    self.host_and_token(Request(scope))
                except Refused as exc:
                    await error(exc.status, exc.message)(scope, receive, send)
                    return
            await app(scope, receive, send)

        return guarded


async def read_body(request: Request, limit: int = MAX_BODY) -> bytes:
    """The request's body, refused (413) as soon as it is known to pass `limit` bytes."""
    too_big = Refused(413, say("request body over {size} KB", size=number(limit // 1024)))
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise Refused(400, say("bad Content-Length"))
        if int(declared) > limit:
            raise too_big
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_big
        chunks.append(chunk)
    return b"".join(chunks)
