"""`salle serve` in a real headless browser (Debian's chromium, driven by Playwright for Python through
`executable_path`; `playwright install` is never needed): drag a session into a room too small and read the
judge's sentence, move it back, the keyboard dialog, pin two and re-plan, change a weight, and two tabs saving
in turn. Screenshots go to test-artifacts/serve/ for a human (and CI) to keep.

Skips, saying why, where chromium or the playwright package is absent (.ci/run installs chromium).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from solver.config import load_config
from solver.inputs import load_problem
from solver.inputs.assignments import read_schedule
from solver.judge import judge
from tests.conftest import ROOT

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs a headless chromium on PATH (Debian: apt-get "
                                                          "install chromium; .ci/run does it)")
sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package (pip install -e '.[test]')")
expect = sync_api.expect  # waits by locators: the page's Content-Security-Policy forbids evaluated strings
expect.set_options(timeout=20_000)  # a save writes every publication: slow on a busy machine
ARTIFACTS = ROOT / "test-artifacts" / "serve"
PLACES = {"EC-CNR": ("A-1100", "J1-1330"), "EC-COP": ("B-2305", "J1-1330"), "EC-MIS": ("B-2310", "J1-1330")}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("serve")
    shutil.copytree(ROOT / "inputs", base / "inputs")
    rows = "".join(f"{sid},{room},{slot}\n" for sid, (room, slot) in PLACES.items())
    (base / "start.csv").write_text("session_id,room_id,slot_id\n" + rows, encoding="utf-8")
    return base


@pytest.fixture(scope="module")
def url(folder: Path) -> Iterator[str]:
    """The desk on a free port, in a thread, for the whole module."""
    import uvicorn

    from solver.serve import make_app

    port = _free_port()
    app = make_app(folder / "inputs", folder / "start.csv", None, folder / "out", replan_limit=2,
                   allowed_hosts={f"127.0.0.1:{port}"}, locale="en")  # French desk: test_serve_desk_ux
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}/"
    server.should_exit = True
    thread.join(5)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        except sync_api.Error as exc:  # the machine's chromium, not salle: say so rather than fail
            pytest.skip(f"Playwright cannot start {CHROMIUM}: {str(exc).splitlines()[0]}")
        yield b
        b.close()


@pytest.fixture(scope="module")
def desk(browser, url: str):  # type: ignore[no-untyped-def]
    """One tab for the tests below, which go on from each other in order (a page load costs about a second)."""
    page = open_desk(browser, url)
    yield page
    page.close()


def open_desk(browser, url: str):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text)  # a 409 or 412 answer is logged too: expected there
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    # nothing from the internet: every request goes to the desk itself
    page.on("request", lambda r: None if r.url.startswith((url, "data:")) else errors.append(f"fetched {r.url}"))
    page.goto(url)
    page.wait_for_selector('#grid .card[data-session="EC-CNR"]')
    page.errors = errors
    return page


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def drag(page, session: str, room: str, start: str = "810") -> None:  # type: ignore[no-untyped-def]
    """A real HTML5 drag with the mouse; checks the target cell is marked before the drop when it breaks a hard
    rule (returns after the drop's answer)."""
    page.hover(f'.card[data-session="{session}"] .title')
    page.mouse.down()
    page.hover(f'#grid .cell[data-room="{room}"][data-start="{start}"]', force=True)
    page.wait_for_timeout(150)
    page.hover(f'#grid .cell[data-room="{room}"][data-start="{start}"]', force=True)
    with page.expect_response(lambda r: r.url.endswith("/api/move")):
        page.mouse.up()


def test_drag_into_a_small_room_then_back(desk) -> None:  # type: ignore[no-untyped-def]
    page = desk
    page.hover('.card[data-session="EC-CNR"] .title')
    page.mouse.down()
    page.hover('#grid .cell[data-room="C-010"][data-start="810"]', force=True)
    page.wait_for_selector('#grid .cell.blocked[data-room="C-010"][data-start="810"]')  # marked before the drop
    assert "room_capacity" in page.get_attribute('#grid .cell[data-room="C-010"][data-start="810"]', "title")
    assert not page.query_selector('#grid .cell.blocked[data-room="A-1100"][data-start="810"]')
    shot(page, "1-dragging")
    with page.expect_response(lambda r: r.url.endswith("/api/move")):
        page.mouse.up()
    news = page.wait_for_selector("#news li.new.hard")
    assert "Salon C-010 seats 25" in news.inner_text() and "(60 short)" in news.inner_text()
    assert int(page.inner_text("#hardcount")) >= 1
    shot(page, "2-too-small")
    drag(page, "EC-CNR", "A-1100")
    resolved = page.wait_for_selector("#news li.resolved")
    assert "resolved" in resolved.inner_text() and "Salon C-010" in resolved.inner_text()
    assert page.inner_text("#hardcount") == "0"
    shot(page, "3-moved-back")
    assert not page.errors


def test_keyboard_dialog_moves_a_session(desk) -> None:  # type: ignore[no-untyped-def]
    page = desk
    page.focus('.card[data-session="EC-MIS"]')
    page.keyboard.press("Enter")
    page.wait_for_selector("#move-dialog[open]")
    page.select_option("#move-slot", "J1-1515")
    page.select_option("#move-room", "C-010")
    expect(page.locator("#move-warning")).to_contain_text("room_capacity")
    page.select_option("#move-room", "B-2310")
    expect(page.locator("#move-warning")).to_contain_text("No hard rule")
    page.click("#move-ok")
    # the news of the move made here (the heading of an earlier move may still be shown a moment on a busy machine)
    expect(page.locator("#news h2")).to_contain_text("Salle B-2310, Thursday, May 13")
    page.click("#undo")
    expect(page.locator("#redo")).to_be_enabled()
    assert not page.errors


def test_pin_two_replan_accept_save(desk, folder: Path) -> None:  # type: ignore[no-untyped-def]
    page = desk
    for sid in ("EC-COP", "EC-MIS"):
        page.click(f'.card[data-session="{sid}"] .pin')
        page.wait_for_selector(f'.card[data-session="{sid}"] .pin[aria-pressed="true"]')
    page.fill("#replan-limit", "2")
    page.click("#replan")
    page.wait_for_selector("#replan-accept:not([hidden])", timeout=20_000)
    assert "pinned: 2" in page.inner_text("#replan-progress")
    shot(page, "4-replan")
    page.click("#replan-accept")
    expect(page.locator("#replan-panel")).to_be_hidden()
    page.click("#save")
    expect(page.locator("#status")).to_contain_text("Saved version")
    problem = load_problem(folder / "inputs")
    saved = read_schedule(folder / "out" / "assignments.csv", problem)
    places = {a.session_id: (a.room_id, a.slot_id) for a in saved.assignments}
    assert places["EC-COP"] == PLACES["EC-COP"] and places["EC-MIS"] == PLACES["EC-MIS"]
    assert judge(problem, saved, load_config([])).ok
    assert not page.errors


def test_a_weight_changes_the_score(desk, folder: Path) -> None:  # type: ignore[no-untyped-def]
    page = desk
    before = int(page.inner_text("#total"))
    assert before > 0
    page.fill('input.weight[data-rule="capacity_fit"]', "3")
    page.press('input.weight[data-rule="capacity_fit"]', "Enter")
    expect(page.locator("#total")).to_have_text(str(before * 3))
    shot(page, "5-weight")
    assert not page.errors


def test_two_tabs_saving_in_turn(browser, url: str, desk, folder: Path) -> None:  # type: ignore[no-untyped-def]
    """The tab that saved version 2 saves again (3); a tab opened on version 2 then gets the conflict."""
    first, second = desk, open_desk(browser, url)
    first.click("#save")
    expect(first.locator("#status")).to_contain_text("Saved version 3")
    assert load_config([folder / "inputs" / "constraints.yaml"])["capacity_fit"].settings.weight == 3
    second.click("#save")
    conflict = second.wait_for_selector("#conflict:not([hidden])")
    assert "saved from another tab" in conflict.inner_text() and "Nothing was written" in conflict.inner_text()
    shot(second, "6-conflict")
    assert not first.errors and not second.errors
