"""`salle serve`'s JSON API through Starlette's TestClient: moves judged in sentences, validation, the access
token, cross-site requests refused, undo/redo, the rules panel, re-plan around pins, and the save's version check."""

from __future__ import annotations

import re
import shutil
import time
import warnings
from pathlib import Path
from typing import Any

import pytest

from solver.config import load_config
from solver.inputs import load_problem
from solver.inputs.assignments import read_schedule
from solver.judge import judge
from solver.serve import make_app
from tests.conftest import ROOT

with warnings.catch_warnings():  # starlette 1.x asks for httpx2 in its test client; httpx works the same here
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

PLACES = {"EC-CNR": ("A-1100", "J1-1330"), "EC-COP": ("B-2305", "J1-1330"), "EC-MIS": ("B-2310", "J1-1330")}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "inputs", tmp_path / "inputs")
    rows = "".join(f"{sid},{room},{slot}\n" for sid, (room, slot) in PLACES.items())
    (tmp_path / "start.csv").write_text("session_id,room_id,slot_id\n" + rows, encoding="utf-8")
    return tmp_path


class Tab:
    """One browser tab: its desk id and CSRF token, read from the page as the JavaScript does."""

    def __init__(self, client: TestClient, query: str = "") -> None:
        page = client.get("/" + query)
        assert page.status_code == 200, page.text
        self.client = client
        self.desk = re.search(r'name="salle-desk" content="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        self.csrf = re.search(r'name="salle-csrf" content="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]

    def get(self, path: str) -> dict:
        response = self.client.get(path, headers={"X-Salle-Desk": self.desk})
        assert response.status_code == 200, response.text
        return response.json()

    def post(self, path: str, body: dict, status: int = 200, **headers: str):
        sent = {"X-Salle-Desk": self.desk, "X-CSRF-Token": self.csrf, **headers}
        response = self.client.post(path, json=body, headers=sent)
        assert response.status_code == status, response.text
        return response.json()


def client_for(folder: Path, **options: Any) -> TestClient:
    options.setdefault("locale", "en")  # the bundled conference is French: its French desk is in test_serve_desk_ux
    app = make_app(folder / "inputs", folder / "start.csv", None, folder / "out", replan_limit=3, **options)
    return TestClient(app)


def test_a_move_gives_the_judges_sentences_and_moving_back_resolves_them(folder: Path) -> None:
    """A session dragged into a small room: the capacity sentence names the room and the seats short."""
    tab = Tab(client_for(folder))
    assert tab.get("/api/state")["state"]["score"] == {"total": 15, "hard": 0}
    answer = tab.post("/api/move", {"session": "EC-CNR", "room": "C-010", "slot": "J1-1330"})
    new = [v for v in answer["change"]["new"] if v["rule"] == "room_capacity"]
    assert new and new[0]["hard"] and "Salon C-010 seats 25" in new[0]["message"]
    assert "(60 short)" in new[0]["message"] and answer["change"]["hard_delta"] >= 1
    assert answer["server_ms"] < 1000
    back = tab.post("/api/move", {"session": "EC-CNR", "room": "A-1100", "slot": "J1-1330"})
    assert any(v["rule"] == "room_capacity" for v in back["change"]["resolved"])
    assert back["state"]["score"] == {"total": 15, "hard": 0}


def test_blocked_cells_are_marked_before_the_drop(folder: Path) -> None:
    """The cells where a session would break a hard rule, with the rules, for one day."""
    tab = Tab(client_for(folder))
    cells = tab.get("/api/blocked?session=EC-CNR&day=2027-05-13")["cells"]
    rules = {(room, slot): broken for room, slot, broken in cells}
    assert "room_capacity" in rules[("C-010", "J1-1330")]
    assert "room_conflict" in rules[("B-2305", "J1-1330")]
    assert ("A-1100", "J1-1330") not in rules
    one = tab.get("/api/blocked?session=EC-CNR&room=C-010&slot=J1-1515")["cells"]
    assert one == [["C-010", "J1-1515", ["room_capacity", "room_features"]]]


def test_bad_input_is_refused_with_one_sentence_per_field(folder: Path) -> None:
    tab = Tab(client_for(folder))
    error = tab.post("/api/move", {"session": "EC-CNR", "room": "C-010"}, 422)["error"]
    assert "give both room and slot" in error
    assert "path" in tab.post("/api/move", {"session": "EC-CNR", "path": "/etc/passwd"}, 422)["error"]
    assert "weight" in tab.post("/api/rules", {"rule": "capacity_fit", "mode": "soft", "weight": -1}, 422)["error"]
    assert "mode" in tab.post("/api/rules", {"rule": "capacity_fit", "mode": "strict"}, 422)["error"]
    assert "unknown room 'nowhere'" in tab.post("/api/move", {"session": "EC-CNR", "room": "nowhere",
                                                               "slot": "J1-1330"}, 400)["error"]
    assert "unknown session" in tab.post("/api/pin", {"session": "S404", "pinned": True}, 400)["error"]
    assert "capacity_fit can be off or soft" in tab.post("/api/rules", {"rule": "capacity_fit", "mode": "hard"},
                                                         400)["error"]


def test_cross_site_posts_are_refused(folder: Path) -> None:
    """Without the tab's CSRF token, from another Origin, or not as JSON: refused, nothing changes."""
    client = client_for(folder)
    tab = Tab(client)
    move = {"session": "EC-CNR", "room": "C-010", "slot": "J1-1330"}
    assert "CSRF" in tab.post("/api/move", move, 403, **{"X-CSRF-Token": "guess"})["error"]
    assert "cross-site" in tab.post("/api/move", move, 403, Origin="https://evil.example")["error"]
    assert "cross-site" in tab.post("/api/move", move, 403, **{"Sec-Fetch-Site": "cross-site"})["error"]
    form = client.post("/api/move", data={"session": "EC-CNR"}, headers={"X-Salle-Desk": tab.desk,
                                                                         "X-CSRF-Token": tab.csrf})
    assert form.status_code == 415
    assert "session is gone" in client.post("/api/move", json=move, headers={"X-Salle-Desk": "x"}).json()["error"]
    assert tab.get("/api/state")["state"]["places"]["EC-CNR"] == ["A-1100", "J1-1330"]


def test_another_host_needs_the_token(folder: Path) -> None:
    client = client_for(folder, token="s3cret")
    refused = client.get("/")
    assert refused.status_code == 403 and "access token" in refused.json()["error"]
    tab = Tab(client, "?token=s3cret")  # sets the cookie, as the printed address does
    assert tab.get("/api/state")["state"]["version"] == 1
    assert client.get("/api/state", headers={"X-Salle-Desk": tab.desk, "Cookie": "salle_token=guess"}).status_code \
        == 403


def test_on_loopback_another_host_name_is_refused(folder: Path) -> None:
    """Without a token (127.0.0.1), a request naming another Host (DNS rebinding) is refused."""
    client = client_for(folder, allowed_hosts={"testserver"})
    assert client.get("/").status_code == 200
    refused = client.get("/", headers={"Host": "evil.example"})
    assert refused.status_code == 400 and "unexpected Host" in refused.json()["error"]


def test_undo_redo_and_the_rules_panel(folder: Path) -> None:
    tab = Tab(client_for(folder))
    tab.post("/api/move", {"session": "EC-MIS", "room": None, "slot": None})
    assert tab.post("/api/undo", {})["state"]["places"]["EC-MIS"] == ["B-2310", "J1-1330"]
    assert "EC-MIS" not in tab.post("/api/redo", {})["state"]["places"]
    tab.post("/api/undo", {})
    answer = tab.post("/api/rules", {"rule": "capacity_fit", "mode": "soft", "weight": 3})
    assert answer["delta"] == 30 and answer["state"]["score"]["total"] == 45
    assert answer["state"]["changed_rules"] == ["capacity_fit"]
    assert tab.post("/api/rules", {"rule": "capacity_fit", "mode": "off"})["state"]["score"]["total"] == 0
    tab.post("/api/rules", {"rule": "capacity_fit", "mode": "soft", "weight": 3})
    tab.post("/api/save", {"version": 1})
    written = (folder / "inputs" / "constraints.yaml").read_text(encoding="utf-8")
    assert "capacity_fit:\n  weight: 3\n" in written
    assert load_config([folder / "inputs" / "constraints.yaml"])["capacity_fit"].settings.weight == 3


def test_two_tabs_saving_in_turn_get_the_conflict_message(folder: Path) -> None:
    client = client_for(folder)
    first, second = Tab(client), Tab(client)
    first.post("/api/move", {"session": "EC-MIS", "room": "B-2310", "slot": "J1-1515"})
    assert "Saved version 2" in first.post("/api/save", {"version": 1})["message"]
    second.post("/api/move", {"session": "EC-COP", "room": "B-2305", "slot": "J1-1515"})
    error = second.post("/api/save", {"version": 1}, 409)["error"]
    assert "saved from another tab" in error and "Nothing was written" in error
    problem = load_problem(folder / "inputs")
    saved = read_schedule(folder / "out" / "assignments.csv", problem).by_session()
    assert (saved["EC-MIS"].slot_id, saved["EC-COP"].slot_id) == ("J1-1515", "J1-1330")
    assert Tab(client).get("/api/state")["state"]["version"] == 2


def test_saving_a_schedule_that_breaks_a_hard_rule_needs_force(folder: Path) -> None:
    tab = Tab(client_for(folder))
    tab.post("/api/move", {"session": "EC-CNR", "room": "C-010", "slot": "J1-1330"})
    assert "breaks" in tab.post("/api/save", {"version": 1}, 412)["error"]
    assert not (folder / "out" / "assignments.csv").exists()
    tab.post("/api/save", {"version": 1, "force": True})
    assert (folder / "out" / "assignments.csv").exists()


def test_replan_keeps_pinned_sessions_and_the_result_passes_the_judge(folder: Path) -> None:
    tab = Tab(client_for(folder))
    tab.post("/api/move", {"session": "EC-COP", "room": "A-1100", "slot": "J1-1515"})  # hand-moved: frozen
    tab.post("/api/pin", {"session": "EC-MIS", "pinned": True})
    tab.post("/api/replan", {"time_limit": 3})
    for _ in range(100):
        run = tab.get("/api/replan/status")["replan"]
        if not run["running"]:
            break
        time.sleep(0.1)
    assert run["status"] in ("optimal", "feasible") and sorted(run["frozen"]) == ["EC-COP", "EC-MIS"]
    state = tab.post("/api/replan/accept", {})["state"]
    assert state["places"]["EC-COP"] == ["A-1100", "J1-1515"] and state["places"]["EC-MIS"] == ["B-2310", "J1-1330"]
    assert state["score"]["hard"] == 0
    tab.post("/api/save", {"version": 1})
    problem = load_problem(folder / "inputs")
    assert judge(problem, read_schedule(folder / "out" / "assignments.csv", problem), load_config([])).ok


def test_replan_without_a_schedule_explains_and_offers_the_rules(folder: Path) -> None:
    """A hand-moved session frozen in a room too small: no schedule; the page gets the explanation's sentences,
    each with its rule and the frozen sessions it names, to relax from there (here: let the session move)."""
    tab = Tab(client_for(folder))
    tab.post("/api/move", {"session": "EC-CNR", "room": "C-010", "slot": "J1-1330"})
    tab.post("/api/replan", {"time_limit": 3})
    for _ in range(100):
        run = tab.get("/api/replan/status")["replan"]
        if not run["running"]:
            break
        time.sleep(0.1)
    assert run["status"] == "infeasible" and run["changes"] == []
    assert run["findings"] and all(f["sentence"] for f in run["findings"])
    assert any("C-010" in f["sentence"] or "EC-CNR" in f["sentence"] for f in run["findings"])
    assert "no finished re-plan" in tab.post("/api/replan/accept", {}, 400)["error"]
    assert any(f["sessions"] == ["EC-CNR"] for f in run["findings"])  # the frozen session it names
    assert tab.post("/api/pin", {"session": "EC-CNR", "pinned": False})["state"]["frozen"] == []  # let it move
    tab.post("/api/replan", {"time_limit": 3})
    for _ in range(100):
        run = tab.get("/api/replan/status")["replan"]
        if not run["running"]:
            break
        time.sleep(0.1)
    assert run["status"] in ("optimal", "feasible") and run["changes"][0]["session"] == "EC-CNR"


def test_another_host_prints_an_address_with_a_token(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from solver.serve import serve

    said: list[str] = []
    monkeypatch.setattr("solver.serve.run_server", lambda app, host, port, on_signal: said.append(f"ran on {host}"))
    serve(folder / "inputs", folder / "start.csv", None, folder / "out", "0.0.0.0", 0, say=said.append, locale="en")
    assert re.search(r"open http://0\.0\.0\.0:0/\?token=[\w-]{20,}", said[0]) and "ran on 0.0.0.0" in said
    said.clear()
    serve(folder / "inputs", folder / "start.csv", None, folder / "out", "127.0.0.1", 0, say=said.append,
          locale="en")
    assert re.fullmatch(r"salle serve: open http://127\.0\.0\.1:0/\?token=[\w-]{20,}", said[0])  # loopback too


def test_the_command_refuses_bad_inputs_and_a_taken_port(folder: Path) -> None:
    """`salle serve` loads everything before listening: bad inputs or a port in use exit 1 with a sentence."""
    import socket

    from typer.testing import CliRunner

    from solver.cli import cli

    runner = CliRunner()
    missing = runner.invoke(cli, ["serve", str(folder / "nowhere"), "--out", str(folder / "out")])
    assert missing.exit_code == 1 and "nowhere" in missing.output and "Traceback" not in missing.output
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = runner.invoke(cli, ["serve", str(folder / "inputs"), "--schedule", str(folder / "start.csv"),
                                   "--out", str(folder / "out"), "--port", str(port)])
    assert busy.exit_code == 1 and f"cannot listen on 127.0.0.1:{port}" in busy.output
