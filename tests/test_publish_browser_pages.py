"""The attendee pages in headless Chromium driven by Playwright, served over http as a site would be: the room
filter keeps the room in view, search lists the matches and lives in the address, stars and "my schedule"
survive a reload and travel by link, a talk page fits a 390 px phone, a door screen shows now and next for a
fixed time, and axe-core finds no violation on the new pages.

Skips when chromium, Playwright or (for the audit) axe-core is missing, saying which.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from tests.conftest import SHARED
from tests.publish_cases import english, long_day, publish

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
try:
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError:  # pragma: no cover - the venv has it
    sync_playwright = None  # type: ignore[assignment]

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="needs a headless chromium on PATH (Debian: apt-get install chromium)"),
    pytest.mark.skipif(sync_playwright is None, reason="needs playwright (pip install playwright)"),
]


def _axe() -> Path | None:
    from tests.test_publish_browser import _axe as find

    return find()


AXE = _axe() if CHROMIUM else None


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


def serve(files: dict[str, str | bytes], folder: Path) -> tuple[str, http.server.ThreadingHTTPServer]:
    """Write `files` under `folder` and serve them on localhost; returns the site's address and the server."""
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Any]:
    servers: list[http.server.ThreadingHTTPServer] = []

    def make(files: dict[str, str | bytes]) -> str:
        url, server = serve(files, tmp_path / f"site{len(servers)}")
        servers.append(server)
        return url

    yield make
    for s in servers:
        s.shutdown()
        s.server_close()


def watch(page: Page) -> list[str]:
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"error: {e}"))
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    return problems


def test_room_filter_keeps_the_room_in_view_on_a_40_room_day(browser: Browser, site: Any, tmp_path: Path) -> None:
    problem, schedule = long_day(tmp_path, rooms=40, slots=4)
    base = site(publish(problem, schedule, locale="en"))
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems = watch(page)
    page.goto(base + "timetable.html")
    page.select_option("#f-room", "R39")
    head = page.locator('thead th.room[data-room="R39"]').bounding_box()
    assert head is not None and head["x"] >= 0 and head["x"] + head["width"] <= 1280
    card = page.locator('article[data-session="S39-00"]').bounding_box()
    assert card is not None and card["x"] >= 0 and card["x"] + card["width"] <= 1280
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert "room=R39" in page.url
    page.reload()
    assert page.input_value("#f-room") == "R39"
    head = page.locator('thead th.room[data-room="R39"]').bounding_box()
    assert head is not None and head["x"] + head["width"] <= 1280
    page.select_option("#f-room", "")
    assert page.locator('thead th.room[data-room="R39"]').bounding_box()["x"] > 1280  # type: ignore[index]
    assert problems == []


def test_search_lists_the_matches_and_stays_in_the_address(browser: Browser, site: Any, tmp_path: Path) -> None:
    problem, schedule = english(tmp_path)
    base = site(publish(problem, schedule))
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems = watch(page)
    page.goto(base + "timetable.html")
    page.fill("#f-search", "carl")
    assert page.locator("#found-title").inner_text() == "2 sessions found"
    assert page.locator("#found-list a").all_inner_texts() == ["Operations for the rest of us", "Winter is coming"]
    assert page.locator('article[data-session="S1"]').evaluate("e => getComputedStyle(e).visibility") == "hidden"
    assert page.locator('article[data-session="S2"]').is_visible()
    assert "q=carl" in page.url
    page.reload()
    assert page.input_value("#f-search") == "carl" and page.locator("#found-list li").count() == 2
    page.locator("#found-list a").first.click()
    page.wait_for_url("**/talks/S2.html")
    assert page.locator("h1").inner_text() == "Operations for the rest of us"
    assert problems == []


def test_per_day_pages_say_what_search_covers_and_share_stars(browser: Browser, site: Any, tmp_path: Path) -> None:
    """Per-day pages search their own day (and say so); a star given on one day's page is listed on another's."""
    from solver.publish.pages import render_pages
    from solver.publish.view import Conference, entries

    problem, schedule = english(tmp_path)
    files = render_pages(problem, entries(problem, schedule), Conference(), locale="en", paged=True)
    base = site(files)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems = watch(page)
    page.goto(base + "timetable-2027-05-14.html?q=winter")
    assert "Search covers the day shown." in page.inner_text("header")
    assert page.locator("#found-list a").all_inner_texts() == ["Winter is coming"]
    assert page.locator("#found-list a").get_attribute("href") == "talks/S4.html"
    page.click('article[data-session="S4"] button.star')
    page.goto(base + "timetable.html?q=winter")
    assert page.locator("#found-title").inner_text() == "0 sessions found"
    assert page.locator("#mine-list a").all_text_contents() == ["Winter is coming"]
    assert problems == []


def test_stars_and_my_schedule_survive_a_reload_and_travel_by_link(browser: Browser, site: Any,
                                                                    tmp_path: Path) -> None:
    problem, schedule = english(tmp_path)
    files = publish(problem, schedule)
    base = site(files)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    problems = watch(page)
    page.goto(base + "timetable.html")
    page.click('article[data-session="S4"] button.star')
    page.click('article[data-session="S1"] button.star')
    page.reload()
    assert page.get_attribute('article[data-session="S1"] button.star', "aria-pressed") == "true"
    page.click("#mine summary")
    assert page.locator("#mine-count").inner_text() == "2"
    assert page.locator("#mine-list a").all_inner_texts() == ["The long workshop", "Winter is coming"]  # by time
    with page.expect_download() as got:
        page.click("#mine-ics")
    ics = Path(got.value.path()).read_bytes()
    events = list(Calendar.from_ical(ics).walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == ["The long workshop", "Winter is coming"]
    assert events[0].decoded("dtstart").isoformat() == "2027-05-13T13:00:00+00:00"
    assert str(events[1]["url"]).endswith("/talks/S4.html")
    # the published calendars' UID and SEQUENCE: a calendar app takes both files' events for one
    talk = Calendar.from_ical(files["talks/S4.ics"])
    published = next(iter(talk.walk("VEVENT")))
    assert str(events[1]["uid"]) == str(published["uid"]) and int(events[1]["sequence"]) == int(published["sequence"])
    link = page.input_value("#mine-link")
    assert link.endswith("?mine=S1&mine=S4#mine")
    # the talk page's star is the same star
    page.goto(base + "talks/S1.html")
    assert page.get_attribute("#star", "aria-pressed") == "true"
    page.click("#star")
    assert page.get_attribute("#star", "aria-pressed") == "false"
    page.goto(base + "timetable.html")
    assert page.locator("#mine-count").inner_text() == "1"
    assert problems == []
    # someone else opens the shared link: they see the two sessions and may keep them
    other = browser.new_context(viewport={"width": 390, "height": 800}).new_page()
    other.goto(link)
    assert other.locator("#mine-shared").is_visible() and other.locator("#mine-list li").count() == 2
    other.click("#mine-keep")
    assert other.evaluate("JSON.parse(localStorage.getItem(Object.keys(localStorage)[0]))") == ["S1", "S4"]
    assert "mine=" not in other.url
    context.close()


def test_talk_page_fits_a_phone(browser: Browser, site: Any, tmp_path: Path) -> None:
    from tests.test_publish_attendee_pages import talky

    problem, schedule = talky(tmp_path)
    files = publish(problem, schedule, locale="en")
    name = next(n for n in files if n.startswith("talks/") and n.endswith(".html"))
    base = site(files)
    page = browser.new_page(viewport={"width": 390, "height": 800})
    problems = watch(page)
    page.goto(base + name)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator("pre").bounding_box()["width"] <= 390  # type: ignore[index]
    assert page.locator("h1").is_visible() and page.locator("text=Add to calendar").is_visible()
    assert problems == []
    page.emulate_media(media="print")
    assert not page.locator(".actions").is_visible()


def test_door_page_shows_now_and_next_for_a_fixed_time(browser: Browser, site: Any, tmp_path: Path) -> None:
    problem, schedule = english(tmp_path)
    base = site(publish(problem, schedule))
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    problems = watch(page)
    page.goto(base + "now/R3.html?now=2027-05-13T09:30:00-04:00")
    assert page.locator("#now .title").inner_text() == '<script>alert("x")</script>'
    assert page.locator("#next .title").inner_text() == "Winter is coming"
    assert "Friday, May 14" in page.locator("#next .hours").inner_text()  # another day: says which
    assert page.locator("#clock").inner_text().replace("\u202f", " ") == "9:30 AM"
    page.goto(base + "now/R3.html?now=2027-05-14T20:00:00-04:00")
    assert page.locator("#now").inner_text() == "No session right now."
    assert page.locator("#next").inner_text() == "No more sessions planned in this room."
    page.goto(base + "now/R1.html?now=2027-05-13T08:00:00-04:00")
    assert page.locator("#next .title").inner_text() == "The long workshop"
    assert "Friday" not in page.locator("#next .hours").inner_text()
    assert problems == []


@pytest.mark.skipif(AXE is None, reason="needs axe-core from npm (npm install -g axe-core, or ./node_modules)")
@pytest.mark.parametrize(("name", "width"), [("timetable.html?q=carl&mine=S1#mine", 1280),
                                             ("timetable.html?q=carl", 390), ("talks/S1.html", 390),
                                             ("talks/S5.html", 1280),
                                             ("now/R3.html?now=2027-05-13T09:30:00-04:00", 1280)])
def test_no_accessibility_violation_on_the_new_pages(browser: Browser, site: Any, tmp_path: Path, name: str,
                                                     width: int) -> None:
    assert AXE is not None
    problem, schedule = english(tmp_path)
    base = site(publish(problem, schedule))
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(base + name)
    if "timetable" in name:
        page.click('article[data-session="S2"] button.star')
    page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate("axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => "
                          "({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))")
    assert found == []
    context.close()


FOSDEM = SHARED / "data" / "frab" / "fosdem-2025.xml"


@pytest.mark.skipif(not FOSDEM.is_file(), reason=f"needs {FOSDEM} (shared data)")
def test_fosdem_room_filter_shows_the_room(browser: Browser, site: Any, tmp_path: Path) -> None:
    """The issue's case: FOSDEM's Saturday, Room = K.3.401, in a 1,280 px window."""
    from solver.importers.frab import import_frab

    done = import_frab(FOSDEM, tmp_path / "in")
    assert done.schedule is not None
    room = next(r.room_id for r in done.problem.rooms if r.name == "K.3.401")
    from solver.publish.pages import render_pages
    from solver.publish.view import Conference, entries

    files = render_pages(done.problem, entries(done.problem, done.schedule),
                         Conference(title="FOSDEM 2025", timezone="Europe/Brussels"), locale="en")
    base = site({k: v for k, v in files.items() if k.startswith("timetable") and "organizers" not in k})
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems = watch(page)
    page.goto(base + "timetable.html")
    page.select_option("#f-room", room)
    head = page.locator(f'thead th.room[data-room="{room}"]').bounding_box()
    assert head is not None and head["x"] >= 0 and head["x"] + head["width"] <= 1280
    first = page.locator(f'article.session[data-room="{room}"]').first.bounding_box()
    assert first is not None and first["x"] + first["width"] <= 1280
    assert problems == []

