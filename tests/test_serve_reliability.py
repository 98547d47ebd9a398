"""`salle serve` when things go wrong: a rules file with quoted keys, a Save that fails halfway, inputs edited
while the desk runs, other sites' pages, huge bodies, long ids, several re-plans, and Ctrl-C during a re-plan or
a save."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench.generate import Size, generate
from solver.config import load_config
from solver.inputs import load_problem
from solver.inputs.assignments import read_schedule
from solver.judge import judge
from solver.serve import make_app, models
from solver.serve.guards import Guard
from solver.serve.runs import ABANDONED
from solver.serve.web import MAX_DESKS, STOPPING
from tests.conftest import ROOT
from tests.test_serve_api import PLACES, Tab, client_for

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

SALLE = [sys.executable, "-m", "solver"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "inputs", tmp_path / "inputs")
    rows = "".join(f"{sid},{room},{slot}\n" for sid, (room, slot) in PLACES.items())
    (tmp_path / "start.csv").write_text("session_id,room_id,slot_id\n" + rows, encoding="utf-8")
    return tmp_path


def _wait(predicate: Any, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


# ---- 3. a Save edits the rules file correctly, or changes nothing


def test_a_quoted_rule_key_is_edited_in_place_and_the_folder_stays_readable(folder: Path) -> None:
    rules = folder / "inputs" / "constraints.yaml"
    rules.write_text('# our notes\n"room_capacity":   # quoted, as some editors write it\n  "weight": 1  # low\n'
                     "'capacity_fit': {weight: 1}  # inline\n", encoding="utf-8")
    tab = Tab(client_for(folder))
    tab.post("/api/rules", {"rule": "room_capacity", "mode": "soft", "weight": 20})
    tab.post("/api/rules", {"rule": "capacity_fit", "mode": "soft", "weight": 3})
    tab.post("/api/save", {"version": 1})
    assert rules.read_text(encoding="utf-8") == (
        '# our notes\n"room_capacity":   # quoted, as some editors write it\n  hard: false\n  "weight": 20  # low\n'
        "'capacity_fit':  # inline\n  weight: 3\n")
    config = load_config([rules])
    assert not config["room_capacity"].settings.hard and config["room_capacity"].settings.weight == 20
    assert config["capacity_fit"].settings.weight == 3
    again = Tab(client_for(folder))  # a later command still reads the folder, with the rules saved
    assert again.get("/api/state")["state"]["changed_rules"] == []


def test_a_save_whose_publishing_fails_leaves_the_rules_file_as_it_was(folder: Path) -> None:
    rules = folder / "inputs" / "constraints.yaml"
    rules.write_text("capacity_fit:\n  weight: 1\n", encoding="utf-8")
    (folder / "out" / "report.md").mkdir(parents=True)  # a folder where a publication goes: the write fails
    tab = Tab(client_for(folder))
    tab.post("/api/rules", {"rule": "capacity_fit", "mode": "soft", "weight": 3})
    error = tab.post("/api/save", {"version": 1}, 400)["error"]
    assert "report.md" in error and "intact" in error
    assert rules.read_text(encoding="utf-8") == "capacity_fit:\n  weight: 1\n"
    assert not (folder / "out" / "assignments.csv").exists()
    assert not [p for p in (folder / "inputs").iterdir() if p.name.startswith(".")]


def test_a_rules_file_the_loader_would_refuse_is_never_written(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the editor produces is read back by salle's own loader before anything is replaced."""
    rules = folder / "inputs" / "constraints.yaml"
    rules.write_text("capacity_fit:\n  weight: 1\n", encoding="utf-8")
    monkeypatch.setattr("solver.serve.state.updated_constraints",
                        lambda text, changes: text + "capacity_fit:\n  weight: 3\n")  # a repeated key
    tab = Tab(client_for(folder))
    tab.post("/api/rules", {"rule": "capacity_fit", "mode": "soft", "weight": 3})
    error = tab.post("/api/save", {"version": 1}, 400)["error"]
    assert "constraints.yaml" in error and "nothing was written" in error and "salle-serve-" not in error
    assert rules.read_text(encoding="utf-8") == "capacity_fit:\n  weight: 1\n"
    assert not (folder / "out" / "assignments.csv").exists()


# ---- 6. inputs changed while the desk runs

NEW_SESSION = "EC-NEW,Une session ajoutée,therrien,20,etude-de-cas,Santé,projecteur,,,,Ajoutée pendant,\n"


def test_inputs_changed_on_disk_are_noticed_and_a_new_page_loads_them(folder: Path) -> None:
    client = client_for(folder)
    old = Tab(client)
    sessions = folder / "inputs" / "sessions.csv"
    sessions.write_bytes(sessions.read_bytes())  # saved again, unchanged
    assert old.get("/api/state")["state"]["inputs"] is None
    with sessions.open("a", encoding="utf-8") as handle:
        handle.write(NEW_SESSION)
    banner = old.get("/api/state")["state"]["inputs"]
    assert "sessions.csv" in banner and "reload the page" in banner
    error = old.post("/api/save", {"version": 1, "force": True}, 409)["error"]
    assert "Nothing was written" in error and "sessions.csv" in error
    assert not (folder / "out" / "assignments.csv").exists()

    new = Tab(client)  # reloading the page loads the inputs as they are now
    assert "EC-NEW" in {s["id"] for s in new.get("/api/conference")["sessions"]}
    state = new.get("/api/state")["state"]
    assert state["inputs"] is None and state["score"]["hard"] >= 1  # EC-NEW is not scheduled: a hard rule says so
    assert "breaks" in new.post("/api/save", {"version": 1}, 412)["error"]
    new.post("/api/move", {"session": "EC-NEW", "room": "B-2305", "slot": "J1-1515"})
    new.post("/api/save", {"version": 1})
    problem = load_problem(folder / "inputs")
    assert judge(problem, read_schedule(folder / "out" / "assignments.csv", problem), load_config([])).ok
    assert "sessions.csv" in old.get("/api/state")["state"]["inputs"]  # the old tab still may not save


def test_inputs_that_no_longer_load_keep_the_desk_up_and_say_why(folder: Path) -> None:
    client = client_for(folder)
    tab = Tab(client)
    with (folder / "inputs" / "rooms.csv").open("a", encoding="utf-8") as handle:
        handle.write("D-1,Salle D,-5,,Pavillon D\n")
    again = Tab(client)  # served from the inputs last loaded, with the reason
    banner = again.get("/api/state")["state"]["inputs"]
    assert "cannot be loaded again" in banner and "rooms.csv" in banner
    assert tab.post("/api/save", {"version": 1}, 409)["error"].startswith("Nothing was written")


# ---- 9. a browser's other pages


def test_other_sites_cannot_open_pages_nor_evict_the_open_tab(folder: Path) -> None:
    client = client_for(folder)
    tab = Tab(client)
    tab.post("/api/move", {"session": "EC-MIS", "room": "B-2310", "slot": "J1-1515"})
    img = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"}
    refused = client.get("/", headers=img)
    assert refused.status_code == 403 and "cross-site" in refused.json()["error"]
    assert client.get("/", headers={**img, "Sec-Fetch-Dest": "iframe", "Sec-Fetch-Mode": "navigate"}).status_code \
        == 403
    followed = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}
    assert client.get("/", headers=followed).status_code == 200  # a link the organizer follows
    for _ in range(2 * MAX_DESKS):  # page loads that never use their page (a browser without Sec-Fetch-*)
        assert client.get("/").status_code == 200
    assert tab.get("/api/state")["state"]["places"]["EC-MIS"] == ["B-2310", "J1-1515"]


def test_the_static_files_check_the_host_and_the_token(folder: Path) -> None:
    client = client_for(folder, allowed_hosts={"testserver"})
    assert client.get("/static/api.js").status_code == 200
    rebound = client.get("/static/api.js", headers={"Host": "evil.example"})
    assert rebound.status_code == 400 and "unexpected Host" in rebound.json()["error"]
    guarded = client_for(folder, token="s3cret")
    assert guarded.get("/static/api.js").status_code == 403
    assert guarded.get("/static/api.js?token=s3cret").status_code == 200


def _post_raw(app: Any, tab: Tab, path: str, headers: dict[str, str], chunk: bytes, chunks: int) -> tuple[int, int]:
    """POST to the ASGI app directly, the body arriving in `chunks` pieces; (status, bytes the app pulled)."""
    pulled = [0]
    left = [chunks]

    async def receive() -> dict:
        if left[0] == 0:
            return {"type": "http.disconnect"}
        left[0] -= 1
        pulled[0] += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": left[0] > 0}

    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    base = {"host": "testserver", "content-type": "application/json", "x-salle-desk": tab.desk,
            "x-csrf-token": tab.csrf, **headers}
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(k.encode(), v.encode()) for k, v in base.items()],
             "server": ("testserver", 80), "client": ("127.0.0.1", 5000)}
    asyncio.run(app(scope, receive, send))
    return sent[0]["status"], pulled[0]


def test_a_huge_body_is_refused_as_it_arrives(folder: Path) -> None:
    client = client_for(folder)
    tab = Tab(client)
    chunk = b" " * 65536
    status, pulled = _post_raw(client.app, tab, "/api/undo", {}, chunk, 4000)  # 250 MB, never held
    assert status == 413 and pulled <= 64 * 1024 + len(chunk)
    status, pulled = _post_raw(client.app, tab, "/api/move", {"content-length": "300000000"}, chunk, 4000)
    assert status == 413 and pulled == 0  # refused from its Content-Length alone
    status, pulled = _post_raw(client.app, tab, "/api/move", {}, chunk, 4000)
    assert status == 413 and pulled <= models.ID_BODY + len(chunk)


def test_ids_as_long_as_sessions_csv_allows_can_be_moved_and_pinned(folder: Path) -> None:
    long_id = "EC-" + "x" * 400
    with (folder / "inputs" / "sessions.csv").open("a", encoding="utf-8") as handle:
        handle.write(NEW_SESSION.replace("EC-NEW", long_id))
    tab = Tab(client_for(folder))
    moved = tab.post("/api/move", {"session": long_id, "room": "B-2305", "slot": "J1-1515"})
    assert moved["state"]["places"][long_id] == ["B-2305", "J1-1515"]
    assert long_id in tab.post("/api/pin", {"session": long_id, "pinned": True})["state"]["pinned"]
    cells = tab.post("/api/blocked", {"session": long_id, "day": "2027-05-13"})["cells"]
    assert ["C-010", "J1-1515", ["room_features"]] in cells  # no projector there
    error = tab.post("/api/pin", {"session": "S" * 5000, "pinned": True}, 400)["error"]
    assert len(error) < 200  # an unknown id is quoted, not echoed whole


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """160 sessions: a re-plan with nothing frozen searches for a while."""
    return generate(Size("ctrl-c", 160, 10, 2, 10), 1).write(tmp_path_factory.mktemp("serve"))


def test_one_replan_at_a_time_and_a_newer_one_replaces_the_older(big: Path, tmp_path: Path) -> None:
    clock = [0.0]
    app = make_app(big, big / "planted.csv", None, tmp_path / "out", locale="en")  # (the generated titles are French)
    app.state.desk.clock = lambda: clock[0]
    client = TestClient(app)
    first, second = Tab(client), Tab(client)
    first.post("/api/replan", {"time_limit": 120, "stability": False})
    run = app.state.desk.desks[first.desk].replan
    error = second.post("/api/replan", {"time_limit": 5}, 429)["error"]
    assert "another tab is re-planning" in error
    first.post("/api/replan", {"time_limit": 120, "stability": False})  # the newer run replaces the older
    assert run.stop.is_set() and run.done
    newer = app.state.desk.desks[first.desk].replan
    assert newer is not run and not newer.done
    clock[0] += ABANDONED + 1  # the first tab stops asking (closed): its run stops
    _wait(lambda: newer.done)
    assert "Stopped" in newer.message or newer.status in ("feasible", "optimal")
    second.post("/api/replan", {"time_limit": 1})
    assert app.state.desk.close()


def _serve(conference: Path, out: Path, *extra: str) -> tuple[subprocess.Popen, str, dict[str, str]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen([*SALLE, "serve", str(conference), "--out", str(out), "--port", str(port), *extra],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    base = f"http://127.0.0.1:{port}"
    assert proc.stdout is not None
    token = re.search(r"\?token=([\w-]+)", proc.stdout.readline()).group(1)  # type: ignore[union-attr]
    deadline = time.monotonic() + 60
    while True:
        try:
            page = httpx.get(base + "/?token=" + token, timeout=5)
            break
        except httpx.HTTPError:
            assert proc.poll() is None and time.monotonic() < deadline, "salle serve did not start"
            time.sleep(0.1)
    desk = re.search(r'name="salle-desk" content="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    csrf = re.search(r'name="salle-csrf" content="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    return proc, base, {"X-Salle-Desk": desk, "X-CSRF-Token": csrf, "Origin": base,
                        "Cookie": f"{Guard(token, None).cookie}={token}"}  # the token on loopback too


def test_the_server_stops_its_replans_and_joins_their_threads_before_returning(
        big: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No CP-SAT search may still run in a thread when the interpreter exits (it aborts: exit 134)."""
    from solver.serve import serve

    def run_server(app: Any, host: str, port: int, on_signal: Any) -> None:  # a re-plan under way, then Ctrl-C
        tab = Tab(TestClient(app, base_url=f"http://127.0.0.1:{port}"), f"?token={app.state.desk.token}")
        tab.post("/api/replan", {"time_limit": 120})
        _wait(lambda: tab.get("/api/replan/status")["replan"]["phase"] == "improve")
        on_signal()

    monkeypatch.setattr("solver.serve.run_server", run_server)
    serve(big, None, None, tmp_path / "out", "127.0.0.1", 0, say=lambda line: None)
    assert not [t.name for t in threading.enumerate() if t.name in ("salle-replan", "cp-sat") and t.is_alive()]


def test_ctrl_c_during_a_replan_stops_it_and_exits_cleanly(big: Path, tmp_path: Path) -> None:
    """End to end: exit 0, no "terminate called without an active exception" (3 runs in 4 before)."""
    proc, base, headers = _serve(big, tmp_path / "out", "--locale", "en")  # (the generated titles are French)
    try:
        assert httpx.post(base + "/api/replan", json={"time_limit": 120}, headers=headers,
                          timeout=10).status_code == 200
        _wait(lambda: httpx.get(base + "/api/replan/status", headers=headers,
                                timeout=10).json()["replan"]["phase"] == "improve")
        time.sleep(3)  # into the search, where CP-SAT runs in its threads
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert "terminate called" not in err and "Traceback" not in err
    assert "stopped" in out


def test_two_ctrl_c_during_a_save_finish_it_without_a_traceback(big: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc, base, headers = _serve(big, out, "--schedule", str(big / "planted.csv"))
    answer: list[Any] = []

    def save() -> None:
        try:
            answer.append(httpx.post(base + "/api/save", json={"version": 1, "force": True}, headers=headers,
                                     timeout=60))
        except httpx.HTTPError as exc:
            answer.append(exc)

    try:
        saving = threading.Thread(target=save)
        saving.start()
        time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
        saving.join(60)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "Exception" not in err, err
    if isinstance(answer[0], httpx.Response):
        assert answer[0].status_code in (200, 503), answer[0].text
    if (out / "assignments.csv").exists():  # written whole, or not at all
        problem = load_problem(big)
        assert len(read_schedule(out / "assignments.csv", problem).assignments) == len(problem.sessions)
        assert (out / "summary.json").exists()


def test_a_stopping_desk_refuses_new_saves_and_replans(folder: Path) -> None:
    client = client_for(folder)
    tab = Tab(client)
    client.app.state.desk.close_soon()  # what the first Ctrl-C does
    assert tab.post("/api/save", {"version": 1}, 503)["error"] == STOPPING
    assert "stopping" in tab.post("/api/replan", {"time_limit": 1}, 503)["error"]
    assert client.app.state.desk.close(wait=5)
    assert not (folder / "out").exists()
