"""A real pretalx server on loopback, for salle's integration tests (no mocks).

pretalx lives in its own virtualenv (``tests/pretalx/install.sh``; ``$SALLE_PRETALX_VENV``, default
``<repo>/.pretalx-venv``). This module only uses the standard library, so salle's tests import it from
their own interpreter; it runs *itself* with the venv's python for the Django side (``seed`` and
``exec`` sub-commands at the bottom).

    from tests.pretalx.server import running_pretalx, why_unavailable

    with running_pretalx(tmp_path) as server:
        requests.get(f"{server.api_url}/submissions/", headers=server.headers())
        server.orm("result = event.wip_schedule.talks.count()")

What ``running_pretalx`` builds, in a fresh folder each time:

* ``pretalx.cfg`` (SQLite db, data/media/logs in the folder, debug off, site url http://127.0.0.1:PORT) and
  a settings module that imports pretalx's settings and only swaps the mail backend for a dummy one
  (nothing is ever sent) and the static storage for the plain one (no ``rebuild`` needed);
* ``migrate``, an administrator, then pretalx's own ``create_test_event --stage schedule`` (event
  ``democon``: 3 days starting yesterday, Europe/Berlin, 2 rooms, 2 submission types, 2-5 tracks, 27 talks +
  9 workshops accepted and confirmed, all placed, released as ``v1.0``; the WIP schedule is a copy);
* then, through the ORM: room capacities and room availabilities (08:00-20:00 local, each day), the CfP
  asking for availabilities (otherwise pretalx neither serves nor checks speaker availabilities), an
  availability for every speaker (some only on part of the event, some all-day), ``unplaced`` WIP talks
  taken out of the grid (start/end/room null), a lunch break per room and day in the WIP, and two API
  tokens for the administrator: one with every permission on every endpoint, one read-only.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

PRETALX_VERSION = "2025.2.2"
REPO = Path(__file__).resolve().parents[2]
EVENT_SLUG = "democon"
ADMIN_EMAIL = "admin@example.org"
ADMIN_PASSWORD = "salle-test-admin-password"  # loopback-only test instance
START_TIMEOUT = 120.0  # seconds for the HTTP server to answer GET /api/events/
SEED_TIMEOUT = 240.0  # seconds for migrate + create_test_event + our changes
_MARK = "@@SALLE_PRETALX_RESULT@@"


def venv_dir() -> Path:
    return Path(os.environ.get("SALLE_PRETALX_VENV") or REPO / ".pretalx-venv")


@functools.cache
def _probe(python: str) -> str | None:
    """None when pretalx (and Faker, freezegun) import in that interpreter, else why not."""
    try:
        done = subprocess.run(
            [python, "-c", "import pretalx, faker, freezegun; print(pretalx.__version__)"],
            capture_output=True, text=True, timeout=60, env=_clean_env(),
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{python} does not run: {exc}"
    if done.returncode != 0:
        return f"pretalx does not import with {python}: {done.stderr.strip().splitlines()[-1:]}"
    return None


def pretalx_python() -> Path | None:
    """The venv's python if pretalx imports there, else None."""
    python = venv_dir() / "bin" / "python"
    if not python.exists() or _probe(str(python)) is not None:
        return None
    return python


def why_unavailable() -> str | None:
    """None when a pretalx server can be started, else a sentence saying why not (for pytest.skip)."""
    python = venv_dir() / "bin" / "python"
    if not python.exists():
        return (f"no pretalx virtualenv at {venv_dir()} (run `bash tests/pretalx/install.sh`, "
                "or set SALLE_PRETALX_VENV)")
    return _probe(str(python))


def _clean_env() -> dict[str, str]:
    """This process's environment without anything that would steer pretalx or Django elsewhere."""
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("PRETALX_", "DJANGO_")) and k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SETTINGS_MODULE = "salle_pretalx_settings"
SETTINGS_SOURCE = '''\
# Written by salle's tests/pretalx/server.py: pretalx's settings, with no mail ever sent
# and static files not needed (no `rebuild` step).
from pretalx.settings import *  # noqa: F401,F403

EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
'''


def write_config(workdir: Path, port: int, debug: bool = False) -> dict[str, str]:
    """pretalx.cfg + settings module in workdir; returns the environment for pretalx's processes."""
    workdir.mkdir(parents=True, exist_ok=True)
    data = workdir / "data"
    cfg = workdir / "pretalx.cfg"
    cfg.write_text(
        "[filesystem]\n"
        f"base = {workdir}\n"
        f"data = {data}\n"
        f"media = {data / 'media'}\n"
        f"logs = {data / 'logs'}\n"
        f"static = {workdir / 'static.dist'}\n"
        "[site]\n"
        f"debug = {'True' if debug else 'False'}\n"
        f"url = http://127.0.0.1:{port}\n"
        "[database]\n"
        "backend = sqlite3\n"
        f"name = {workdir / 'db.sqlite3'}\n"
        "[mail]\n"
        "from = pretalx@example.org\n"
        "[locale]\n"
        "language_code = en\n"
        "time_zone = UTC\n",
        encoding="utf-8",
    )
    (workdir / f"{SETTINGS_MODULE}.py").write_text(SETTINGS_SOURCE, encoding="utf-8")
    env = _clean_env()
    env.update({
        "PRETALX_CONFIG_FILE": str(cfg),
        "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
        "PYTHONPATH": str(workdir),
        "PYTHONUNBUFFERED": "1",
    })
    return env


def _run_self(python: Path, env: dict[str, str], workdir: Path, args: list[str], stdin: str,
              timeout: float) -> Any:
    """Run this file with pretalx's python; return the JSON it printed after the marker."""
    try:
        done = subprocess.run(
            [str(python), str(Path(__file__).resolve()), *args], input=stdin, capture_output=True, text=True,
            env=env, cwd=workdir, timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(f"pretalx {args[0]} did not finish within {timeout:.0f} s") from exc
    if done.returncode != 0 or _MARK not in done.stdout:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-30:])
        raise RuntimeError(f"pretalx {args[0]} failed (exit {done.returncode}):\n{tail}")
    return json.loads(done.stdout.split(_MARK, 1)[1])


@dataclasses.dataclass
class Server:
    """A running pretalx. ``token`` may do everything on every endpoint; ``readonly_token`` only read."""

    base_url: str  # http://127.0.0.1:PORT
    event: str  # event slug
    token: str
    readonly_token: str
    data_dir: Path
    workdir: Path
    python: Path
    env: dict[str, str]
    log_path: Path
    info: dict[str, Any]  # what seeding did: rooms, speakers' availability patterns, unplaced codes, warnings …
    process: subprocess.Popen | None = None

    @property
    def api_url(self) -> str:
        """The event's API root, without a trailing slash: f"{api_url}/submissions/"."""
        return f"{self.base_url}/api/events/{self.event}"

    def headers(self, token: str | None = None) -> dict[str, str]:
        """``token`` None: the read/write token; "": anonymous."""
        token = self.token if token is None else token
        return {"Accept": "application/json", **({"Authorization": f"Token {token}"} if token else {})}

    def request(self, method: str, path: str, body: Any = None, token: str | None = None,
                timeout: float = 60) -> tuple[int, Any]:
        """Plain-urllib helper: (status, parsed JSON or text). ``path`` is absolute or relative to base_url."""
        url = path if path.startswith("http") else self.base_url + path
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method=method, headers=self.headers(token))
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                status, raw, ctype = resp.status, resp.read(), resp.headers.get("Content-Type", "")
        except urllib.error.HTTPError as err:
            status, raw, ctype = err.code, err.read(), err.headers.get("Content-Type", "")
        text = raw.decode("utf-8", "replace")
        return status, (json.loads(text) if "json" in ctype and text else text)

    def run_python(self, code: str, timeout: float = 120) -> Any:
        """Run ``code`` with pretalx's python inside Django (scopes disabled).

        Names given: ``event`` (the test Event), ``scope``, ``scopes_disabled``, ``json``. Whatever the code
        assigns to ``result`` comes back, through JSON (``default=str``)."""
        return _run_self(self.python, self.env, self.workdir, ["exec", self.event], code, timeout)

    orm = run_python

    def schedule_warnings(self) -> list[dict[str, Any]]:
        """pretalx's own warnings for the WIP schedule: the ones the organiser UI shows before a release
        (room not available, room overlap, speaker not available, speaker double-booked)."""
        return self.run_python(WARNINGS_SNIPPET)


WARNINGS_SNIPPET = """
wip = event.wip_schedule
result = [
    {"slot": talk.pk, "submission": talk.submission.code, "room": talk.room_id,
     "start": talk.start.isoformat(), "end": talk.real_end.isoformat(),
     "warnings": [{"type": w["type"], "message": str(w["message"]),
                   "speaker": (w.get("speaker") or {}).get("code")} for w in warnings]}
    for talk, warnings in wip.get_all_talk_warnings().items()
]
"""


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@contextlib.contextmanager
def running_pretalx(tmpdir: Path | str, *, seed: int = 1, unplaced: int = 3, breaks: bool = True, debug: bool = False,
                    start_timeout: float = START_TIMEOUT, seed_timeout: float = SEED_TIMEOUT,
                    timings: dict[str, float] | None = None) -> Iterator[Server]:
    """Seed a fresh pretalx in ``tmpdir`` and serve it on 127.0.0.1 until the block ends.

    ``seed`` seeds Faker and ``random`` for create_test_event (names, titles, which talks are accepted …; codes,
    tokens and dates are not seeded: the event starts yesterday). ``unplaced`` WIP talks are taken out of the grid;
    ``breaks`` adds a WIP lunch break (13:00-14:00, no submission) in every room on every day.
    ``timings`` (if given) receives seconds for "seed" and "start"."""
    python = pretalx_python()
    if python is None:
        raise RuntimeError(why_unavailable() or "pretalx is not available")
    workdir = Path(tmpdir).resolve()
    port = _free_port()
    env = write_config(workdir, port, debug=debug)
    t0 = time.monotonic()
    opts = {"slug": EVENT_SLUG, "seed": seed, "unplaced": unplaced, "breaks": breaks, "email": ADMIN_EMAIL,
            "password": ADMIN_PASSWORD}
    info = _run_self(python, env, workdir, ["seed"], json.dumps(opts), seed_timeout)
    t1 = time.monotonic()
    log_path = workdir / "server.log"
    base_url = f"http://127.0.0.1:{port}"
    with log_path.open("ab") as log:
        proc = subprocess.Popen(
            [str(python), "-m", "pretalx", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
            cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group: _stop kills it whole
        )
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"pretalx server exited with {proc.returncode}:\n{_tail(log_path)}")
            try:
                with urllib.request.urlopen(f"{base_url}/api/events/", timeout=5) as resp:
                    if resp.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"pretalx did not answer on {base_url}/api/events/ within "
                                   f"{start_timeout:.0f} s:\n{_tail(log_path)}")
            time.sleep(0.2)
        if timings is not None:
            timings.update(seed=t1 - t0, start=time.monotonic() - t1)
        yield Server(base_url=base_url, event=EVENT_SLUG, token=info["token"], readonly_token=info["readonly_token"],
                     data_dir=workdir / "data", workdir=workdir, python=python, env=env, log_path=log_path,
                     info=info, process=proc)
    finally:
        _stop(proc)


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# --------------------------------------------------------------------------------------------------------------
# Below: runs inside pretalx's virtualenv (python server.py seed|exec), with DJANGO_SETTINGS_MODULE set.
# --------------------------------------------------------------------------------------------------------------

def _seed(opts: dict[str, Any]) -> dict[str, Any]:  # pragma: no cover - runs in pretalx's venv
    import datetime as dt
    import io
    import random

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)

    from django.db import transaction
    from django.utils.timezone import make_aware
    from django_scopes import scope, scopes_disabled
    from pretalx.event.models import Event
    from pretalx.person.models import SpeakerProfile, User, UserApiToken
    from pretalx.person.models.auth_token import ENDPOINTS, READ_PERMISSIONS, WRITE_PERMISSIONS
    from pretalx.schedule.models import Availability, TalkSlot

    admin = User.objects.create_superuser(password=opts["password"], email=opts["email"], name="Salle Admin")
    random.seed(opts["seed"])  # create_test_event uses `random` too, and only seeds Faker
    call_command("create_test_event", stage="schedule", slug=opts["slug"], seed=str(opts["seed"]),
                 stdout=io.StringIO())
    with scopes_disabled():
        event = Event.objects.get(slug=opts["slug"])
    info: dict[str, Any] = {"event": event.slug}
    with scope(event=event), transaction.atomic():
        # The organiser team create_test_event made only has organiser-level rights; the admin user bypasses
        # team rights anyway (is_administrator), but give the team the event rights too.
        for team in event.organiser.teams.all():
            team.can_change_event_settings = True
            team.can_change_submissions = True
            team.save()

        # Without this, pretalx neither shows speakers' availabilities in the API nor warns about them.
        event.cfp.fields["availabilities"] = {"visibility": "optional"}
        event.cfp.save()

        tz = event.tz
        days = [event.date_from + dt.timedelta(days=i) for i in range((event.date_to - event.date_from).days + 1)]

        def at(day: dt.date, hour: int) -> dt.datetime:
            return make_aware(dt.datetime.combine(day, dt.time(0, 0)) + dt.timedelta(hours=hour), tz)

        rooms = list(event.rooms.all())  # ordered by position: create_test_event puts talks in [0], workshops in [1]
        capacities = [150, 40, 60, 80]
        for i, room in enumerate(rooms):
            room.capacity = capacities[i % len(capacities)]
            room.save()
            for day in days:
                Availability.objects.create(event=event, room=room, start=at(day, 8), end=at(day, 20))
        info["rooms"] = [{"id": r.pk, "name": str(r.name), "capacity": r.capacity} for r in rooms]

        wip = event.wip_schedule
        placed = list(wip.talks.filter(submission__isnull=False, start__isnull=False).order_by("start", "room"))
        unplaced = []
        if opts["unplaced"]:
            step = max(1, len(placed) // opts["unplaced"])
            for slot in placed[step // 2 :: step][: opts["unplaced"]]:
                unplaced.append(slot.submission.code)
                slot.start = slot.end = slot.room = None
                slot.save()
        info["unplaced"] = unplaced

        # A lunch break (a slot without submission, with a description) in every room, every day, 13:00-14:00:
        # create_test_event leaves 13:00-14:00 free. WIP only; they become visible with the next release.
        breaks = []
        if opts["breaks"]:
            for day in days:
                for room in rooms:
                    brk = TalkSlot.objects.create(schedule=wip, room=room, start=at(day, 13), end=at(day, 14),
                                                  description="Lunch")
                    breaks.append(brk.pk)
        info["breaks"] = breaks

        # Every speaker gets availabilities. Patterns, by speakers sorted by e-mail (Faker-seeded):
        #   i % 4 == 1 "partial": 08:00-20:00 only on the days their placed WIP talks are (first two days if none)
        #   i % 4 == 3 "allday":  one availability from the first day 00:00 to the day after the last, 00:00
        #   otherwise "days":     08:00-20:00 every day
        # so the seeded WIP schedule breaks no availability; moving a "partial" speaker's talk to another day does.
        profiles = sorted(SpeakerProfile.objects.filter(event=event).select_related("user"),
                          key=lambda p: p.user.email)
        patterns: dict[str, list[str]] = {"partial": [], "allday": [], "days": []}
        for i, profile in enumerate(profiles):
            if i % 4 == 1:
                talk_days = sorted({
                    s.start.astimezone(tz).date()
                    for s in wip.talks.filter(submission__speakers=profile.user, start__isnull=False)
                }) or days[:2]
                windows = [(at(d, 8), at(d, 20)) for d in talk_days]
                patterns["partial"].append(profile.user.code)
            elif i % 4 == 3:
                windows = [(at(days[0], 0), at(days[-1] + dt.timedelta(days=1), 0))]
                patterns["allday"].append(profile.user.code)
            else:
                windows = [(at(d, 8), at(d, 20)) for d in days]
                patterns["days"].append(profile.user.code)
            for start, end in windows:
                Availability.objects.create(event=event, person=profile, start=start, end=end)
        info["speaker_patterns"] = patterns

        full = UserApiToken.objects.create(name="salle tests (read/write)", user=admin,
                                           endpoints={ep: list(WRITE_PERMISSIONS) for ep in ENDPOINTS})
        full.events.add(event)
        read = UserApiToken.objects.create(name="salle tests (read-only)", user=admin,
                                           endpoints={ep: list(READ_PERMISSIONS) for ep in ENDPOINTS})
        read.events.add(event)
        info.update(token=full.token, readonly_token=read.token)

        info["days"] = [d.isoformat() for d in days]
        info["timezone"] = str(event.timezone)
        info["submissions"] = event.submissions.count()
        info["confirmed"] = event.submissions.filter(state="confirmed").count()
        info["speakers"] = len(profiles)
        info["schedules"] = [s.version for s in event.schedules.all()]
    with scope(event=event):
        info["warnings"] = sum(len(w) for w in event.wip_schedule.get_all_talk_warnings().values())
    return info


def _exec(slug: str, code: str) -> Any:  # pragma: no cover - runs in pretalx's venv
    import django

    django.setup()
    from django_scopes import scope, scopes_disabled
    from pretalx.event.models import Event

    with scopes_disabled():
        namespace: dict[str, Any] = {"event": Event.objects.get(slug=slug), "scope": scope,
                                     "scopes_disabled": scopes_disabled, "json": json}
        exec(compile(code, "<pretalx snippet>", "exec"), namespace)
    return namespace.get("result")


def _main(argv: list[str]) -> int:  # pragma: no cover - runs in pretalx's venv
    if argv[:1] == ["seed"]:
        result = _seed(json.loads(sys.stdin.read()))
    elif argv[:1] == ["exec"] and len(argv) == 2:
        result = _exec(argv[1], sys.stdin.read())
    else:
        print("usage: server.py seed < options.json | server.py exec SLUG < snippet.py", file=sys.stderr)
        return 2
    sys.stdout.write("\n" + _MARK + json.dumps(result, default=str) + "\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(_main(sys.argv[1:]))
