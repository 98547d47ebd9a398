"""The pretalx round trip against a real pretalx (tests/pretalx/server.py, loopback, SQLite): import → solve →
push (dry run, then apply) → release → pretalx's own published schedule.xml read back by `salle import frab` →
`salle check`; restore from the backup; and each failure as one sentence with exit code 4, changing nothing.

Skips, saying why, where pretalx's virtualenv is absent (`bash tests/pretalx/install.sh` installs it).
"""

from __future__ import annotations

import csv
import http.server
import re
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from solver import app as service
from solver.cli import cli
from solver.engine import SolveOptions
from solver.inputs import load_problem
from tests.pretalx.server import Server, running_pretalx, why_unavailable

SLUG = "democon"


@pytest.fixture(scope="module")
def pretalx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    reason = why_unavailable()
    if reason:
        pytest.skip(reason)
    with running_pretalx(tmp_path_factory.mktemp("pretalx-round-trip")) as server:
        yield server


@pytest.fixture()
def salle(pretalx: Server, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """`salle …` with the server's token in PRETALX_TOKEN: (exit code, output)."""
    monkeypatch.setenv("PRETALX_TOKEN", pretalx.token)

    def run(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, list(args))
        return result.exit_code, result.output

    return run


def _wip(pretalx: Server) -> dict[int, tuple]:
    """Every talk slot of pretalx's work-in-progress schedule: id -> (submission, room, start, end)."""
    status, wip = pretalx.request("GET", f"/api/events/{SLUG}/schedules/wip/?expand=slots")
    assert status == 200, wip
    return {s["id"]: (s["submission"], s["room"], s["start"], s["end"]) for s in wip["slots"] if s["submission"]}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_round_trip_places_every_talk_in_pretalx_and_comes_back_the_same(pretalx: Server, salle, tmp_path: Path
                                                                         ) -> None:
    token = pretalx.token
    code, out = salle("import", "pretalx", pretalx.base_url, "--event", SLUG, "--out", str(tmp_path / "in"),
                      "--save", str(tmp_path / "saved"))
    assert code == 0, out
    assert token not in out
    problem = load_problem(tmp_path / "in")
    assert len(problem.sessions) == pretalx.info["confirmed"]
    assert {r.capacity for r in problem.rooms} == {r["capacity"] for r in pretalx.info["rooms"]}
    partial = set(pretalx.info["speaker_patterns"]["partial"]) & set(problem.speaker)
    assert partial and all(problem.unavailable.get(p) for p in partial)  # pretalx's "can" as salle's "cannot"
    assert "31 rejected" in out or "rejected" in out
    for path in (tmp_path / "in").rglob("*"):
        assert token not in path.read_text(encoding="utf-8", errors="replace"), path

    # the same import offline, from the saved answers
    code, out = salle("import", "pretalx", str(tmp_path / "saved"), "--out", str(tmp_path / "offline"))
    assert code == 0, out
    assert (tmp_path / "offline" / "sessions.csv").read_text() == (tmp_path / "in" / "sessions.csv").read_text()

    run = service.run_solve(tmp_path / "in", None, tmp_path / "plan", SolveOptions(time_limit=120, workers=1,
                                                                                     iterations=3, seed=1))
    assert run.result.schedule is not None
    plan_file = tmp_path / "plan" / "assignments.csv"
    placed = {r["session_id"]: r for r in _rows(plan_file)}
    assert len(placed) == len(problem.sessions)

    before = _wip(pretalx)
    code, out = salle("push", "pretalx", pretalx.base_url, "--event", SLUG, "--schedule", str(plan_file),
                      "--inputs", str(tmp_path / "in"))
    assert code == 0, out
    assert "dry run, nothing written" in out
    assert _wip(pretalx) == before

    backup = tmp_path / "backup.json"
    code, out = salle("push", "pretalx", pretalx.base_url, "--event", SLUG, "--schedule", str(plan_file),
                      "--inputs", str(tmp_path / "in"),
                      "--apply", "--backup", str(backup))
    assert code == 0, out
    assert backup.is_file() and token not in backup.read_text()
    after = _wip(pretalx)
    assert pretalx.schedule_warnings() == []  # no speaker double-booked, none outside their availability
    pretalx_room = {r.room_id: int(r.extra["pretalx_id"]) for r in problem.rooms}
    for sub, room, start, end in after.values():
        row = placed[sub]
        assert room == pretalx_room[row["room_id"]]
        assert start[:16].replace("T", " ") == f"{row['day']} {row['start']}", (sub, start, row)
        assert end[11:16] == row["end"], (sub, end, row)

    code, out = salle("push", "pretalx", pretalx.base_url, "--event", SLUG, "--schedule", str(plan_file),
                      "--inputs", str(tmp_path / "in"),
                      "--apply", "--backup", str(tmp_path / "second.json"))
    assert code == 0, out
    assert f"0 change(s) written ({len(placed)} unchanged)" in out, out
    assert not (tmp_path / "second.json").exists() and _wip(pretalx) == after

    code, out = salle("push", "pretalx", pretalx.base_url, "--event", SLUG, "--schedule", str(plan_file),
                      "--inputs", str(tmp_path / "in"),
                      "--apply", "--release", "salle-1", "--comment", "placed by salle")
    assert code == 0 and "released version salle-1" in out, out
    with urllib.request.urlopen(f"{pretalx.base_url}/{SLUG}/schedule.xml", timeout=30) as answer:
        (tmp_path / "schedule.xml").write_bytes(answer.read())
    code, out = salle("import", "frab", str(tmp_path / "schedule.xml"), "--out", str(tmp_path / "published"))
    assert code == 0, out
    code, out = salle("check", str(tmp_path / "published"), "--schedule",
                      str(tmp_path / "published" / "assignments.csv"))
    assert code == 0, out
    back = load_problem(tmp_path / "published")
    published = {re.search(r"/talk/([^/]+)/", s.extra["url"]).group(1): s  # type: ignore[union-attr]
                 for s in back.sessions}
    rooms = {r.room_id: r.name for r in problem.rooms}
    for a in _rows(tmp_path / "published" / "assignments.csv"):
        sid = next(s for s in back.sessions if s.session_id == a["session_id"]).session_id
        code_of = next(c for c, s in published.items() if s.session_id == sid)
        slot = back.slot[a["slot_id"]]
        mine = placed[code_of]
        assert (slot.day.isoformat(), f"{slot.start // 60:02d}:{slot.start % 60:02d}") == (mine["day"], mine["start"])
        assert back.room[a["room_id"]].name == rooms[mine["room_id"]]
    assert len(published) == len(placed)

    # undo: the backup taken before the first push puts every talk back (the release gave the work-in-progress
    # schedule new slot ids: each talk's slot is found by its code)
    code, out = salle("push", "pretalx", pretalx.base_url, "--event", SLUG, "--restore", str(backup), "--apply",
                      "--backup", str(tmp_path / "before-restore.json"))
    assert code == 0, out
    assert sorted(v[:3] for v in _wip(pretalx).values()) == sorted(v[:3] for v in before.values())
    assert pretalx.schedule_warnings() == []


class _Throttle(http.server.BaseHTTPRequestHandler):
    """A front in front of the real pretalx (as a hosted instance has one): the first `limited` requests get 429
    with Retry-After, and once `writes` PATCHes went through, every further PATCH gets 502 (the server went away
    halfway); the rest go through."""

    limited = 0
    writes: int | None = None
    upstream = ""

    def _any(self) -> None:
        cls = type(self)
        if self.command == "PATCH" and cls.writes is not None:
            if cls.writes <= 0:
                self.send_response(502)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            cls.writes -= 1
        if cls.limited > 0:
            cls.limited -= 1
            self.send_response(429)
            self.send_header("Retry-After", "0")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
        req = urllib.request.Request(cls.upstream + self.path, data=body, method=self.command, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=60) as answer:
                status, data, kind = answer.status, answer.read(), answer.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            status, data, kind = exc.code, exc.read(), exc.headers.get("Content-Type", "")
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_PATCH = do_POST = _any

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def throttled(pretalx: Server) -> Iterator[tuple[str, type[_Throttle]]]:
    handler = type("Throttle", (_Throttle,), {"limited": 0, "writes": None, "upstream": pretalx.base_url})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


def test_a_few_429_are_waited_out_and_many_give_one_sentence(pretalx: Server, salle, throttled, tmp_path: Path
                                                             ) -> None:
    url, handler = throttled
    handler.limited = 3
    code, out = salle("import", "pretalx", url, "--event", SLUG, "--out", str(tmp_path / "a"))
    assert code == 0, out
    handler.limited = 1000
    code, out = salle("import", "pretalx", url, "--event", SLUG, "--out", str(tmp_path / "b"))
    assert code == 4 and "HTTP 429" in out and "Traceback" not in out, out
    assert not (tmp_path / "b").exists()


def test_a_push_that_fails_halfway_says_so_and_the_same_command_finishes_it(pretalx: Server, salle, throttled,
                                                                          tmp_path: Path) -> None:
    code, out = salle("import", "pretalx", pretalx.base_url, "--event", SLUG, "--out", str(tmp_path / "in"))
    assert code == 0, out
    run = service.run_solve(tmp_path / "in", None, tmp_path / "plan", SolveOptions(time_limit=120, workers=1,
                                                                                     iterations=1, seed=11))
    assert run.result.schedule is not None
    url, handler = throttled
    handler.writes = 7  # a move is one PATCH of the slot and two of the talk's duration: dies in the third move
    push = ["push", "pretalx", url, "--event", SLUG, "--schedule", str(tmp_path / "plan" / "assignments.csv"),
            "--inputs", str(tmp_path / "in"), "--apply"]
    code, out = salle(*push, "--backup", str(tmp_path / "first.json"))
    if "0 change(s) written" in out:
        pytest.skip("the plan equals pretalx's placements: nothing to interrupt")
    assert code == 4, out
    assert "HTTP 502" in out and "after 2 of" in out and "run the same command again" in out, out
    handler.writes = None
    code, out = salle(*push, "--backup", str(tmp_path / "second.json"))
    assert code == 0, out
    code, out = salle(*push[:-1])
    assert code == 0 and "add --apply" in out and " 0 moved" not in out, out
    assert "moved" not in out.split("dry run")[1] and "placed" not in out.split("dry run")[1], out
    assert pretalx.schedule_warnings() == []


@pytest.fixture(scope="module")
def planned(pretalx: Server, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An import of the event and a schedule of it (OUT/in, OUT/plan/assignments.csv), made once."""
    out = tmp_path_factory.mktemp("planned")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PRETALX_TOKEN", pretalx.token)
        result = CliRunner().invoke(cli, ["import", "pretalx", pretalx.base_url, "--event", SLUG, "--out",
                                          str(out / "in")])
    assert result.exit_code == 0, result.output
    run = service.run_solve(out / "in", None, out / "plan", SolveOptions(time_limit=120, workers=1, iterations=1,
                                                                           seed=3))
    assert run.result.schedule is not None
    return out


@pytest.mark.parametrize("case", ["token", "event", "down", "error 500"])
def test_failures_say_one_sentence_exit_4_and_change_nothing(case: str, pretalx: Server, salle, planned: Path,
                                                            monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    before = _wip(pretalx)
    url, event = pretalx.base_url, SLUG
    extra: list[str] = []
    if case == "token":
        monkeypatch.setenv("PRETALX_TOKEN", "not-a-real-token")
    elif case == "event":
        event = "no-such-event"
    elif case == "down":
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            url = f"http://127.0.0.1:{s.getsockname()[1]}"
    else:  # pretalx answers 500 to releasing a version with a reserved name
        extra = ["--release", "wip"]
    code, out = salle("push", "pretalx", url, "--event", event, "--schedule", str(planned / "plan" /
                                                                                "assignments.csv"),
                      "--inputs", str(planned / "in"), "--apply", "--backup", str(tmp_path / "b.json"), *extra)
    assert code == 4, out
    assert "Traceback" not in out and pretalx.token not in out
    said = {"token": "refused the API token", "event": "no event 'no-such-event'", "down": "cannot be reached",
            "error 500": "HTTP 500"}[case]
    assert said in out, out
    if case != "error 500":
        assert _wip(pretalx) == before and not (tmp_path / "b.json").exists()
