"""A small JSON client over HTTP(S) for the connectors: a token, paging, rate limits, and one sentence per
failure (never the token, never a traceback).

Failures are `ConnectError` (exit code EXIT_CONNECT in the command line): the server cannot be reached, it
refuses the token or the event, it answers 5xx, it keeps answering 429 past the retries, or its answer is not
the JSON expected.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

from solver.errors import SalleError, clip

MAX_BYTES = 50 * 1024 * 1024  # one answer
TIMEOUT = 30.0  # seconds per request
RETRIES = 4  # answers 429 (or 503 with Retry-After) waited out before giving up
MAX_WAIT = 60.0  # seconds one Retry-After may ask for
MAX_PAGES = 1000


class ConnectError(SalleError):
    """Another system could not be reached, or refused what was asked: one sentence for the user."""

    def __init__(self, message: str, status: int | None = None) -> None:
        self.status = status
        super().__init__(message)


class Client:
    """JSON requests to one server, with an optional API token (`Authorization: Token …`, as pretalx wants)."""

    def __init__(self, base_url: str, token: str | None = None, what: str = "the server",
                 sleep: Callable[[float], None] = time.sleep, user_agent: str = "salle",
                 headers: dict[str, str] | None = None) -> None:
        parsed = urllib.parse.urlsplit(base_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ConnectError(f"{clip(base_url)} is not an http(s) address (for example https://pretalx.com)")
        self.base = base_url.rstrip("/")
        self.token = token
        self.what = what
        self.sleep = sleep
        self.user_agent = user_agent
        self.headers = dict(headers or {})
        self.requests = 0

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else f"{self.base}/{path.lstrip('/')}"

    def request(self, method: str, path: str, body: Any = None, explain: Callable[[int, str], str | None] | None
                = None) -> Any:
        """The decoded JSON answer (None for an empty one); `explain(status, text)` may give the sentence for an
        error status before the generic ones."""
        url = self.url(path)
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Accept": "application/json", "User-Agent": self.user_agent, **self.headers}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        for attempt in range(RETRIES + 1):
            self.requests += 1
            req = urllib.request.Request(url, data=data, method=method, headers=headers)
            try:
                with urllib.request.urlopen(req, timeout=TIMEOUT) as answer:
                    raw = answer.read(MAX_BYTES + 1)
                    if len(raw) > MAX_BYTES:
                        raise ConnectError(f"{self.what} answered more than {MAX_BYTES // 2**20} MB for {method} "
                                           f"{_path(url)}")
                    return json.loads(raw) if raw.strip() else None
            except urllib.error.HTTPError as exc:
                text = _body(exc)
                wait = _retry_after(exc)
                if exc.code in (429, 503) and wait is not None and attempt < RETRIES:
                    self.sleep(min(wait, MAX_WAIT))
                    continue
                said = explain(exc.code, text) if explain else None
                raise ConnectError(said or self._status(exc.code, method, url, text), exc.code) from None
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                raise ConnectError(f"{self.what} at {self.base} cannot be reached ({clip(str(reason), 80)}): is the "
                                   "address right and the server up?") from None
            except json.JSONDecodeError:
                raise ConnectError(f"{self.what} did not answer JSON for {method} {_path(url)}: is {self.base} the "
                                   "right address?") from None
        raise ConnectError(f"{self.what} kept asking to slow down (HTTP 429) for {method} {_path(url)}; try again "
                           "later", 429)  # pragma: no cover (the loop's last try raises)

    def _status(self, code: int, method: str, url: str, text: str) -> str:
        where = f"{method} {_path(url)}"
        if code == 401:
            return (f"{self.what} refused the API token (HTTP 401 on {where}): check PRETALX_TOKEN or --token-file")
        if code == 403:
            return f"the API token may not do this (HTTP 403 on {where}): give the token this permission"
        if code == 404:
            return f"{self.what} has no {where} (HTTP 404): check the address and the event"
        if code == 429:
            return f"{self.what} kept asking to slow down (HTTP 429 on {where}); try again later"
        if code >= 500:
            return f"{self.what} failed on {where} (HTTP {code}); nothing more was sent, try again later"
        detail = f": {clip(text, 200)}" if text else ""
        return f"{self.what} refused {where} (HTTP {code}){detail}"

    def get_all(self, path: str, explain: Callable[[int, str], str | None] | None = None) -> list[Any]:
        """Every result of a paged list (`{count, next, previous, results}`, following `next`), or a plain list."""
        found: list[Any] = []
        url: str | None = path
        for _ in range(MAX_PAGES):
            if url is None:
                return found
            page = self.request("GET", url, explain=explain)
            if isinstance(page, list):
                return found + page
            if not isinstance(page, dict) or not isinstance(page.get("results"), list):
                raise ConnectError(f"{self.what} answered {_path(self.url(path))} with something else than a list")
            found += page["results"]
            url = page.get("next") or None
        raise ConnectError(f"{self.what} gave more than {MAX_PAGES} pages for {_path(self.url(path))}")


def _path(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _body(exc: urllib.error.HTTPError) -> str:
    try:
        text = exc.read(4096).decode("utf-8", errors="replace")
    except Exception:  # a body that cannot be read says nothing more
        return ""
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return " ".join(text.split())[:200] if not text.lstrip().startswith("<") else ""
    if isinstance(data, dict) and "detail" in data:
        return str(data["detail"])
    return json.dumps(data, ensure_ascii=False)[:300]


def _retry_after(exc: urllib.error.HTTPError) -> float | None:
    value = exc.headers.get("Retry-After") if exc.headers else None
    if value is None:
        return 1.0 if exc.code == 429 else None
    try:
        return max(0.0, float(value))
    except ValueError:
        return 5.0
