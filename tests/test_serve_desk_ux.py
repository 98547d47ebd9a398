"""The desk for its organizers: it speaks the conference's language (French for the bundled conference), keeps
unsaved moves in a draft on disk (restored after a reload or a crash) and asks before the tab goes, swaps two
sessions on a drop onto an occupied cell, marks a room closed for the day, tells what a refused save must redo,
names hand-moved sessions so in a re-plan, colours tracks, and needs its access token on 127.0.0.1 too.

The API through Starlette's TestClient; the page in a headless chromium (skipped, saying why, without one)."""

from __future__ import annotations

import json
import re
import shutil
import socket
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from solver.serve import make_app
from solver.serve.draft import NAME as DRAFT
from tests.conftest import ROOT
from tests.test_serve_api import PLACES, Tab

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "inputs", tmp_path / "inputs")
    rows = "".join(f"{sid},{room},{slot}\n" for sid, (room, slot) in PLACES.items())
    (tmp_path / "start.csv").write_text("session_id,room_id,slot_id\n" + rows, encoding="utf-8")
    return tmp_path


def client_for(folder: Path, **options: Any) -> TestClient:
    return TestClient(make_app(folder / "inputs", folder / "start.csv", None, folder / "out", replan_limit=2,
                               **options))


# ---- the API

def test_the_bundled_conference_gets_a_french_desk(folder: Path) -> None:
    client = client_for(folder)
    page = client.get("/").text
    assert '<html lang="fr-CA">' in page and "Enregistrer" in page and "Replanifier le reste" in page
    conf = Tab(client).get("/api/conference")
    assert conf["lang"] == "fr-CA" and conf["day_labels"] == {"2027-05-13": "jeudi 13 mai"}
    assert conf["texts"]["save"] == "Enregistrer" and conf["slots"][0]["label"] == "13 h 30 – 14 h 45"
    english = Tab(client_for(folder, locale="en")).get("/api/conference")
    assert english["day_labels"] == {"2027-05-13": "Thursday, May 13"} and english["texts"]["save"] == "Save"


def test_desk_texts_are_complete_in_both_languages() -> None:
    from solver.serve.i18n import DESK

    assert DESK["fr"].keys() == DESK["en"].keys()
    for key in DESK["en"]:  # the same {fields} in both
        assert set(re.findall(r"\{(\w+)\}", DESK["fr"][key])) == set(re.findall(r"\{(\w+)\}", DESK["en"][key])), key
    script = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "solver/serve/static").glob("*.js"))
    used = set(re.findall(r'Desk\.t\("(\w+)"[,)]', script)) | {"mode_off", "mode_soft", "mode_hard", "step_move",
                                                           "step_swap", "step_re-plan", "step_draft"}
    assert used <= DESK["en"].keys(), used - DESK["en"].keys()


def test_a_room_closed_all_day_and_track_colours(folder: Path) -> None:
    conf = Tab(client_for(folder)).get("/api/conference")
    assert conf["closed"] == {"2027-05-13": ["AUD"]}  # unavailability.csv: 12h00-17h00, every slot of the day
    again = Tab(client_for(folder)).get("/api/conference")
    assert conf["colours"] == again["colours"] and set(conf["colours"]) == {"Santé", "Résilience urbaine",
                                                                           "Innovation sociale"}
    assert all(0 <= c < 12 for c in conf["colours"].values())


def test_each_gesture_is_kept_in_a_draft_a_new_page_restores(folder: Path) -> None:
    client = client_for(folder)
    first = Tab(client)
    assert first.get("/api/draft")["draft"] is None
    state = first.post("/api/move", {"session": "EC-MIS", "room": "B-2305", "slot": "J1-1515"})["state"]
    assert state["unsaved"] and state["moved"] == ["EC-MIS"]
    draft = json.loads((folder / "out" / DRAFT).read_text(encoding="utf-8"))
    assert draft["moves"] == [["EC-MIS", "B-2305", "J1-1515"]]
    assert sorted(p.name for p in (folder / "out").iterdir()) == [DRAFT]  # nothing else written
    assert first.get("/api/draft")["draft"] is None  # its own draft is not offered back to it
    second = Tab(client)  # a reload: a new editing session
    offer = second.get("/api/draft")["draft"]
    assert offer["moves"] == 1 and not offer["other_version"]
    restored = second.post("/api/draft/restore", {})
    assert restored["restored"] == 1 and restored["state"]["places"]["EC-MIS"] == ["B-2305", "J1-1515"]
    assert restored["state"]["undo"] == "draft"
    assert second.post("/api/undo", {})["state"]["places"]["EC-MIS"] == list(PLACES["EC-MIS"])
    assert not (folder / "out" / DRAFT).exists()  # back to the saved schedule: nothing to keep
    second.post("/api/redo", {})
    saved = second.post("/api/save", {"version": 1})
    assert "Version 2 enregistrée" in saved["message"] and not saved["state"]["unsaved"]
    assert not (folder / "out" / DRAFT).exists()  # saved: the draft is gone


def test_a_draft_survives_a_server_restart_and_can_be_discarded(folder: Path) -> None:
    Tab(client_for(folder)).post("/api/move", {"session": "EC-CNR", "room": None, "slot": None})
    tab = Tab(client_for(folder))  # a new server (after a crash): same files
    assert tab.get("/api/draft")["draft"]["moves"] == 1
    tab.post("/api/draft/discard", {})
    assert not (folder / "out" / DRAFT).exists() and tab.get("/api/draft")["draft"] is None


def test_a_drop_on_an_occupied_cell_swaps_in_one_undo_step(folder: Path) -> None:
    tab = Tab(client_for(folder, locale="en"))
    answer = tab.post("/api/swap", {"session": "EC-COP", "other": "EC-MIS"})
    places = answer["state"]["places"]
    assert places["EC-COP"] == list(PLACES["EC-MIS"]) and places["EC-MIS"] == list(PLACES["EC-COP"])
    assert answer["state"]["undo"] == "swap"
    assert any("EC-COP" in v["message"] and "B-2310" in v["message"] for v in answer["change"]["new"])  # judged
    undone = tab.post("/api/undo", {})["state"]["places"]
    assert undone["EC-COP"] == list(PLACES["EC-COP"]) and undone["EC-MIS"] == list(PLACES["EC-MIS"])
    tab.post("/api/pin", {"session": "EC-MIS", "pinned": True})
    assert "pinned" in tab.post("/api/swap", {"session": "EC-COP", "other": "EC-MIS"}, 400)["error"]


def test_a_refused_save_lists_the_moves_to_redo_and_what_the_other_save_moved(folder: Path) -> None:
    client = client_for(folder, locale="en")
    first, second = Tab(client), Tab(client)
    first.post("/api/move", {"session": "EC-CNR", "room": "AUD", "slot": "J1-1515"})
    first.post("/api/save", {"version": 1, "force": True})
    second.post("/api/move", {"session": "EC-MIS", "room": "B-2305", "slot": "J1-1515"})
    refused = second.post("/api/save", {"version": 1}, 409)
    assert "saved from another tab" in refused["error"]
    assert refused["other"]["moved"] == ["EC-CNR"] and refused["other"]["version"] == 2
    assert re.fullmatch(r"\d\d:\d\d:\d\d", refused["other"]["at"])
    assert refused["refused"] == [{"session": "EC-MIS", "to": ["B-2305", "J1-1515"]}]


def test_a_replan_calls_hand_moved_sessions_so(folder: Path) -> None:
    tab = Tab(client_for(folder, locale="en"))
    tab.post("/api/move", {"session": "EC-CNR", "room": "AUD", "slot": "J1-1515"})
    tab.post("/api/pin", {"session": "EC-COP", "pinned": True})
    run = tab.post("/api/replan", {"time_limit": 1})["replan"]
    assert run["by_hand"] == ["EC-CNR"] and run["pinned"] == ["EC-COP"]


def test_the_loopback_desk_needs_its_token(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`salle serve` on 127.0.0.1 prints an address with a token; without it every request is refused."""
    from solver.serve import serve
    from solver.serve.guards import Guard

    apps: list[Any] = []
    said: list[str] = []
    monkeypatch.setattr("solver.serve.run_server", lambda app, host, port, on_signal: apps.append(app))
    serve(folder / "inputs", folder / "start.csv", None, folder / "out", "127.0.0.1", 8737, say=said.append)
    # the bundled conference is French: so is what `salle serve` prints
    token = re.fullmatch(r"salle serve\u00a0: ouvrez http://127\.0\.0\.1:8737/\?token=([\w-]{20,})",
                         said[0]).group(1)  # type: ignore[union-attr]
    client = TestClient(apps[0], base_url="http://127.0.0.1:8737")
    assert client.get("/").status_code == 403 and client.get("/static/api.js").status_code == 403
    assert client.get("/?token=wrong").status_code == 403
    page = client.get(f"/?token={token}")  # the printed address: the token goes into a cookie
    assert page.status_code == 200 and client.cookies.get(Guard(token, None).cookie) == token
    assert client.get("/").status_code == 200 and client.get("/static/api.js").status_code == 200
    assert TestClient(apps[0], base_url="http://evil.example:8737").get(f"/?token={token}").status_code == 400


# ---- the page in a browser

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    if CHROMIUM is None:
        pytest.skip("needs a headless chromium on PATH (Debian: apt-get install chromium; .ci/run does it)")
    import uvicorn

    base = tmp_path_factory.mktemp("desk-ux")
    shutil.copytree(ROOT / "inputs", base / "inputs")
    rows = "".join(f"{sid},{room},{slot}\n" for sid, (room, slot) in PLACES.items())
    (base / "start.csv").write_text("session_id,room_id,slot_id\n" + rows, encoding="utf-8")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    app = make_app(base / "inputs", base / "start.csv", None, base / "out", token="t0ken",
                   allowed_hosts={f"127.0.0.1:{port}"})
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}/", base
    server.should_exit = True
    thread.join(5)


@pytest.fixture(scope="module")
def browser(served: tuple[str, Path]) -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package")
    with sync_api.sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        except sync_api.Error as exc:
            pytest.skip(f"Playwright cannot start {CHROMIUM}: {str(exc).splitlines()[0]}")
        yield b
        b.close()


def open_desk(browser: Any, url: str, first: bool = True) -> Any:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(url + ("?token=t0ken" if first else ""))
    page.wait_for_selector('#grid .card[data-session="EC-CNR"]')
    return page


def drag_to(page: Any, session: str, room: str, start: str = "810") -> None:
    page.hover(f'.card[data-session="{session}"] .title')
    page.mouse.down()
    target = f'#grid .cell[data-room="{room}"][data-start="{start}"]'
    page.hover(target, force=True)
    page.wait_for_timeout(150)
    page.hover(target, force=True)
    page.mouse.up()


def test_the_page_speaks_french(browser: Any, served: tuple[str, Path]) -> None:
    page = open_desk(browser, served[0])
    assert page.get_attribute("html", "lang") == "fr-CA"
    assert page.inner_text('#days button[data-day="2027-05-13"]') == "jeudi 13 mai"
    assert page.inner_text("#save") == "Enregistrer"
    assert page.locator(".card.track-0, .card.track-1, .card.track-2, .card.track-3, .card.track-4, .card.track-5, "
                        ".card.track-6, .card.track-7, .card.track-8, .card.track-9, .card.track-10, "
                        ".card.track-11").count() == 3
    assert not page.errors
    page.close()


def test_a_closed_room_refuses_drops(browser: Any, served: tuple[str, Path]) -> None:
    page = open_desk(browser, served[0])
    assert page.locator('#grid .cell.closed[data-room="AUD"]').count() == 2
    assert "fermée" in page.inner_text('#grid .room-head[data-room="AUD"]')
    moves: list[str] = []
    page.on("request", lambda r: moves.append(r.url) if "/api/move" in r.url or "/api/swap" in r.url else None)
    drag_to(page, "EC-CNR", "AUD")
    page.wait_for_timeout(500)
    assert not moves and "Salle A-1100" in page.get_attribute('.card[data-session="EC-CNR"]', "aria-label")
    assert not page.errors
    page.close()


def test_a_drop_on_an_occupied_cell_swaps(browser: Any, served: tuple[str, Path]) -> None:
    page = open_desk(browser, served[0])
    with page.expect_response(lambda r: r.url.endswith("/api/swap")):
        drag_to(page, "EC-COP", "B-2310")
    page.wait_for_selector("#news h2")
    assert "EC-COP et EC-MIS échangées" in page.inner_text("#news h2")
    assert "Salle B-2310" in page.get_attribute('.card[data-session="EC-COP"]', "aria-label")
    assert "Salle B-2305" in page.get_attribute('.card[data-session="EC-MIS"]', "aria-label")
    page.click("#undo")  # one gesture, one step: both back
    page.wait_for_selector('.card[data-session="EC-COP"][aria-label*="Salle B-2305"]')
    page.wait_for_selector('.card[data-session="EC-MIS"][aria-label*="Salle B-2310"]')
    assert not page.errors
    page.close()


def test_unsaved_moves_arm_beforeunload_and_survive_a_reload(browser: Any, served: tuple[str, Path]) -> None:
    page = open_desk(browser, served[0])
    with page.expect_response(lambda r: r.url.endswith("/api/move")):
        drag_to(page, "EC-MIS", "B-2310", "915")  # to the 15 h 15 slot, empty
    page.wait_for_selector("#news h2")
    asked: list[str] = []

    def on_dialog(dialog: Any) -> None:
        asked.append(dialog.type)
        dialog.accept()

    page.on("dialog", on_dialog)
    page.reload()  # F5: the browser asks first
    page.wait_for_selector('#grid .card[data-session="EC-CNR"]')
    assert asked == ["beforeunload"]
    banner = page.wait_for_selector("#draft:not([hidden])")
    assert "1 séance(s) déplacée(s)" in banner.inner_text()
    assert "Salle B-2310" in page.get_attribute('.card[data-session="EC-MIS"]', "aria-label")
    assert "13 h 30" in page.get_attribute('.card[data-session="EC-MIS"]', "aria-label")  # not restored yet
    with page.expect_response(lambda r: r.url.endswith("/api/draft/restore")):
        page.click("#draft-restore")
    page.wait_for_selector("#draft", state="hidden")
    assert "15 h 15" in page.get_attribute('.card[data-session="EC-MIS"]', "aria-label")
    assert not page.errors
    page.close(run_before_unload=False)


def test_the_french_desk_has_no_serious_accessibility_violation(browser: Any, served: tuple[str, Path]) -> None:
    """axe-core (from npm) on the desk with its track colours and a closed room (skipped without axe-core)."""
    from tests.test_publish_browser import AXE

    if AXE is None:
        pytest.skip("needs axe-core from npm (npm install -g axe-core, or ./node_modules)")
    context = browser.new_context(bypass_csp=True, viewport={"width": 1400, "height": 900})  # axe's own script
    page = context.new_page()
    page.goto(served[0] + "?token=t0ken")
    page.wait_for_selector('#grid .card[data-session="EC-CNR"]')
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = page.evaluate("axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map("
                          "v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target)})))")
    context.close()
    bad = [v for v in found if v["impact"] in ("serious", "critical")]
    assert bad == [], json.dumps(bad, indent=1)
