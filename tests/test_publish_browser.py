"""timetable.html in a real headless browser (Debian's chromium), as attendees use it: at 1400 px (a table per
day whose room headers and time column stay in view while the page scrolls), at 400 px (a list by time), on
paper (each printed page repeats the day and the room headers), and through axe-core (no serious or critical
accessibility violation). Screenshots and the printed pages are kept in test-artifacts/ for a human to look at.

Needs `chromium` on PATH (.ci/run installs Debian's); the print test needs pdftotext/pdftoppm (poppler-utils);
the accessibility test needs axe-core from npm (`npm install -g axe-core`, or in ./node_modules). Each skips
saying what is missing.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHARED
from tests.publish_cases import EVIL, SEED_PLACES, english, long_day, publish, seed

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="needs a headless chromium on PATH (Debian: apt-get install chromium; .ci/run does it)")
ARTIFACTS = ROOT / "test-artifacts"


def _axe() -> Path | None:
    places = [ROOT / "node_modules"]
    npm = shutil.which("npm")
    if npm:
        root = subprocess.run([npm, "root", "-g"], capture_output=True, text=True, check=False).stdout.strip()
        if root:
            places.append(Path(root))
    return next((p / "axe-core" / "axe.min.js" for p in places if (p / "axe-core" / "axe.min.js").is_file()), None)


# Injected first in <head>: record uncaught errors, console.error calls and Content-Security-Policy blocks.
WATCH = """<script>window.__problems = [];
addEventListener("error", function (e) { __problems.push("error: " + e.message); });
addEventListener("securitypolicyviolation", function (e) { __problems.push("blocked: " + e.blockedURI); });
(function () { var f = console.error; console.error = function () {
  __problems.push("console.error: " + [].join.call(arguments, " ")); f.apply(console, arguments); }; })();
function __report(data) { data.problems = window.__problems;
  var pre = document.createElement("pre"); pre.id = "probe"; pre.hidden = true;
  pre.textContent = JSON.stringify(data); document.body.appendChild(pre);
  if (parent !== window) { parent.postMessage(pre.textContent, "*"); } }
function __rect(el) { if (!el) { return null; } var r = el.getBoundingClientRect();
  return {top: r.top, left: r.left, bottom: r.bottom, right: r.right, width: r.width, height: r.height}; }
</script>"""

# Where the browser drew each session and room header, what the filters do, and the room in the text.
LAYOUT = """<script>(function () {
  var heads = {};
  document.querySelectorAll("thead th.room").forEach(function (h) { heads[h.dataset.room] = __rect(h); });
  var sessions = [];
  document.querySelectorAll("article.session").forEach(function (s) {
    var r = __rect(s.closest("td") || s), cx = r.left + r.width / 2, column = null;
    var day = s.closest(".day");
    if (day) { day.querySelectorAll("thead th.room").forEach(function (h) {
      var b = h.getBoundingClientRect(); if (cx >= b.left && cx < b.right) { column = h.dataset.room; } }); }
    var where = s.querySelector(".where");
    sessions.push({session: s.dataset.session, column: column, text: s.innerText, rect: r,
                   where: where ? __rect(where) : null, whereText: where ? where.textContent : null});
  });
  function shown() { var ids = [];
    document.querySelectorAll("article.session:not(.dim)").forEach(function (s) { ids.push(s.dataset.session); });
    return ids; }
  function choose(id, value, event) { var el = document.getElementById(id); if (!el) { return null; }
    el.value = value; el.dispatchEvent(new Event(event)); var out = {shown: shown(),
      columns: [].filter.call(document.querySelectorAll("thead th.room"), function (h) { return h.offsetParent; })
        .map(function (h) { return h.dataset.room; }),
      count: document.getElementById("count").textContent};
    el.value = ""; el.dispatchEvent(new Event(event)); return out; }
  var room = document.querySelector("#f-room option:nth-child(2)");
  var track = document.querySelector("#f-track option:nth-child(2)");
  __report({sessions: sessions, heads: heads, width: innerWidth, scrollWidth: document.documentElement.scrollWidth,
            lang: document.documentElement.lang, count: document.getElementById("count").textContent,
            filters: {room: room && choose("f-room", room.value, "change"),
                      track: track && choose("f-track", track.value, "change"),
                      search: choose("f-search", "carl", "input"),
                      accents: choose("f-search", "RESILIENCE", "input")}});
})();</script>"""

# Scroll down into the table, then sideways: where are the room headers and the time column?
STICKY = """<script>(function () {
  var table = document.querySelector("table.grid"), head = document.querySelector("thead th.room");
  var start = {table: __rect(table), head: __rect(head), corner: __rect(document.querySelector("th.corner"))};
  scrollTo(0, table.getBoundingClientRect().top + scrollY + 700);
  var down = {scrollY: scrollY, table: __rect(table), head: __rect(head),
              corner: __rect(document.querySelector("th.corner"))};
  scrollTo(600, scrollY);
  var rows = [].filter.call(document.querySelectorAll("tbody th"), function (th) {
    var r = th.getBoundingClientRect(); return r.top > 100 && r.bottom < innerHeight - 10; });
  var across = {scrollX: scrollX, scrollY: scrollY, head: __rect(head), rowHeader: __rect(rows[0]),
                corner: __rect(document.querySelector("th.corner"))};
  __report({start: start, down: down, across: across, height: innerHeight});
})();</script>"""


def chromium(tmp_path: Path, *args: str, width: int = 1400, height: int = 900) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
         f"--user-data-dir={tmp_path / 'profile'}", f"--window-size={width},{height}", *args],
        capture_output=True, text=True, timeout=120, check=False,
    )


# A phone's viewport: headless chromium keeps its window at least 500 px wide, so a narrower page is loaded in
# an iframe of exactly that size (its media queries see the iframe's width) and reports through postMessage.
FRAME = """<!DOCTYPE html><html><body style="margin:0">
<iframe src="{src}" width="{width}" height="{height}" style="border:0;display:block"></iframe>
<script>addEventListener("message", function (e) {{ var pre = document.createElement("pre"); pre.id = "probe";
  pre.hidden = true; pre.textContent = e.data; document.body.appendChild(pre); }});</script></body></html>"""


def probe(page: str, tmp_path: Path, script: str, width: int = 1400, height: int = 900,
          budget: int | None = None, query: str = "") -> dict:
    """Load `page` with WATCH and `script` in chromium (`width` px wide); return what `script` reported."""
    probed = page.replace("<head>", "<head>" + WATCH, 1).replace("</body>", script + "</body>", 1)
    path = tmp_path / "probed.html"
    path.write_text(probed, encoding="utf-8")
    if width < 500:
        frame = tmp_path / "frame.html"
        frame.write_text(FRAME.format(src=path.name, width=width, height=height), encoding="utf-8")
        path, width, budget = frame, 1000, budget or 500
    extra = [f"--virtual-time-budget={budget}"] if budget else []
    run = chromium(tmp_path, *extra, "--dump-dom", path.as_uri() + query, width=width, height=height)
    match = re.search(r'<pre id="probe" hidden="">(.*?)</pre>', run.stdout, re.S)
    assert match, f"chromium printed no probe (exit {run.returncode}): {run.stderr[-2000:]}"
    return json.loads(html.unescape(match.group(1)))


def screenshot(page: str, tmp_path: Path, name: str, width: int, height: int = 900) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = tmp_path / f"{name}.html"
    path.write_text(page, encoding="utf-8")
    shot = ARTIFACTS / f"{name}.png"
    shot.unlink(missing_ok=True)
    chromium(tmp_path, f"--screenshot={shot}", path.as_uri(), width=width, height=height)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 5_000
    return shot


def test_seed_timetable_at_1400_px(tmp_path: Path) -> None:
    """The bundled conference in French: each case study in its room's column, times as Quebec writes them,
    the room in each session's text (for screen readers), no seats, working filters."""
    problem, schedule = seed()
    page = str(publish(problem, schedule)["timetable.html"])
    seen = probe(page, tmp_path, LAYOUT)
    assert seen["problems"] == [] and seen["lang"] == "fr-CA"
    assert seen["scrollWidth"] <= seen["width"]
    drawn = {s["session"]: s for s in seen["sessions"]}
    assert set(drawn) == set(SEED_PLACES)
    for session_id, room_id in SEED_PLACES.items():
        s = drawn[session_id]
        assert s["column"] == room_id and s["rect"]["width"] > 120 and s["rect"]["height"] > 80
        assert problem.session[session_id].title[:30] in s["text"] and "13 h 30 – 14 h 45" in s["text"]
        assert s["whereText"] == f", {problem.room[room_id].name}" and s["where"]["width"] <= 1  # read, not shown
        assert "place" not in s["text"] and "/" not in s["text"].split("\n")[0]
    assert set(seen["heads"]) == set(SEED_PLACES.values())  # rooms without a session that day are left out
    assert seen["count"] == "3 séances affichées"
    room = seen["filters"]["room"]
    assert room["columns"] == ["A-1100"] and room["shown"] == ["EC-CNR"] and room["count"] == "1 séance affichée"
    assert seen["filters"]["track"]["shown"] == ["EC-CNR"]  # Santé
    assert seen["filters"]["search"]["shown"] == []
    assert seen["filters"]["accents"]["shown"] == ["EC-COP"]  # « Résilience urbaine », typed without accents
    screenshot(page, tmp_path, "timetable-seed", 1400)


def test_english_page_filters_and_escaping(tmp_path: Path) -> None:
    problem, schedule = english(tmp_path)
    page = str(publish(problem, schedule)["timetable.html"])
    seen = probe(page, tmp_path, LAYOUT)
    assert seen["problems"] == [] and seen["lang"] == "en"
    drawn = {s["session"]: s for s in seen["sessions"]}
    assert {k: v["column"] for k, v in drawn.items()} == {"S1": "R1", "S2": "R/2", "S3": "R3", "S4": "R3",
                                                         "S5": None}  # S5: time to be announced
    assert drawn["S2"]["rect"]["top"] >= drawn["S1"]["rect"]["top"] + drawn["S1"]["rect"]["height"] / 2 - 5
    assert drawn["S1"]["rect"]["height"] >= 1.5 * drawn["S3"]["rect"]["height"]
    assert EVIL in drawn["S3"]["text"] and "Time to be announced" in drawn["S5"]["text"]
    assert seen["filters"]["search"]["shown"] == ["S2", "S4"]  # Carl's sessions, by a search, not a dropdown
    assert seen["filters"]["track"]["shown"] == ["S1", "S3"] and seen["count"] == "5 sessions shown"


NAV = """<script>__report({count: document.getElementById("count").textContent,
  search: document.getElementById("f-search").value, track: document.getElementById("f-track").value,
  links: [].map.call(document.querySelectorAll("nav a"), function (a) { return a.getAttribute("href"); })});</script>"""


def test_per_day_pages_keep_the_filters(tmp_path: Path) -> None:
    """Filters chosen on one day's page travel with the day links to the next page, which applies them."""
    from solver.publish.pages import render_pages
    from solver.publish.view import Conference, entries

    problem, schedule = english(tmp_path)
    pages = render_pages(problem, entries(problem, schedule), Conference(), locale="en", paged=True)
    seen = probe(str(pages["timetable-2027-05-14.html"]), tmp_path, NAV, query="?track=Ops&q=carl")
    assert seen["problems"] == [] and (seen["track"], seen["search"]) == ("Ops", "carl")
    assert seen["count"] == "0 sessions shown"  # Carl's Friday talk has no track
    assert seen["links"] == ["timetable.html?track=Ops&q=carl#day-2027-05-13",
                             "timetable-2027-05-14.html?track=Ops&q=carl#day-2027-05-14",
                             "timetable.html?track=Ops&q=carl#tba"]
    first = probe(str(pages["timetable.html"]), tmp_path, NAV, query="?q=carl&room=nowhere")
    assert first["count"] == "1 session shown" and first["links"][1].startswith("timetable-2027-05-14.html?q=carl#")


def test_room_headers_and_time_column_stay_in_view(tmp_path: Path) -> None:
    """Scrolled 700 px down into a long day, the room headers sit at the top of the window; scrolled 600 px
    sideways, the time column sits at its left edge (measured, not just declared)."""
    problem, schedule = long_day(tmp_path)
    page = str(publish(problem, schedule)["timetable.html"])
    seen = probe(page, tmp_path, STICKY)
    assert seen["problems"] == []
    down, across = seen["down"], seen["across"]
    assert down["table"]["top"] < -600  # the table's top is far above the window…
    assert abs(down["head"]["top"]) <= 1 and down["head"]["height"] > 20  # …its room headers are not
    assert abs(down["corner"]["top"]) <= 1
    assert across["scrollX"] >= 500 and across["scrollY"] == down["scrollY"]
    assert abs(across["rowHeader"]["left"]) <= 1 and abs(across["corner"]["left"]) <= 1
    assert across["head"]["left"] < seen["start"]["head"]["left"] - 400  # the room columns did scroll
    assert abs(across["head"]["top"]) <= 1


def test_phone_width_is_a_list_by_time(tmp_path: Path) -> None:
    """At 400 px: no sideways scrolling, each session the width of the screen, in time order, its room shown."""
    problem, schedule = english(tmp_path)
    page = str(publish(problem, schedule)["timetable.html"])
    seen = probe(page, tmp_path, LAYOUT, width=400)
    assert seen["problems"] == [] and seen["scrollWidth"] <= seen["width"] == 400
    drawn = sorted(seen["sessions"], key=lambda s: s["rect"]["top"])
    assert [s["session"] for s in drawn] == ["S1", "S3", "S2", "S4", "S5"]
    for s in drawn:
        assert s["rect"]["width"] > 330 and s["rect"]["left"] >= 0
    for s in drawn[:-1]:
        assert s["where"]["width"] > 30 and s["whereText"].strip(", ") in s["text"]
    assert all(a["rect"]["bottom"] <= b["rect"]["top"] for a, b in itertools.pairwise(drawn))
    screenshot(page, tmp_path, "timetable-phone", 400, 1200)
    screenshot(str(publish(*seed())["timetable.html"]), tmp_path, "timetable-seed-phone", 400, 900)


def test_printed_pages_repeat_the_day_and_the_rooms(tmp_path: Path) -> None:
    """Printed (PDF by chromium, read back with pdftotext): several pages, each with the day and every room."""
    if not (shutil.which("pdftotext") and shutil.which("pdftoppm")):
        pytest.skip("needs pdftotext and pdftoppm (Debian: apt-get install poppler-utils)")
    problem, schedule = long_day(tmp_path, rooms=6, slots=20)
    page = str(publish(problem, schedule, locale="fr_CA", title="Colloque")["timetable.html"])
    path = tmp_path / "print.html"
    path.write_text(page, encoding="utf-8")
    pdf = tmp_path / "timetable.pdf"
    chromium(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", path.as_uri())
    assert pdf.is_file() and pdf.read_bytes()[:5] == b"%PDF-"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) >= 2
    for number, printed in enumerate(pages, 1):
        assert "Colloque · jeudi 13 mai" in printed, f"page {number} has no day title"
        assert all(f"Room {r:02d}" in printed for r in range(6)), f"page {number} lost the room headers"
    assert "Filtrer" not in text and "Ajouter à l’agenda" not in text
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob("timetable-print-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "45", "-f", "1", "-l", "2", str(pdf),
                    str(ARTIFACTS / "timetable-print")], check=True)
    assert len(list(ARTIFACTS.glob("timetable-print-*.png"))) == 2


def test_a_day_with_many_rooms_prints_as_a_list(tmp_path: Path) -> None:
    """Twelve rooms would make an unreadable grid on paper: portrait pages, a list by time in two columns,
    every session with its day, time and room."""
    if not (shutil.which("pdftotext") and shutil.which("pdfinfo")):
        pytest.skip("needs pdftotext and pdfinfo (Debian: apt-get install poppler-utils)")
    problem, schedule = long_day(tmp_path, rooms=12, slots=8)
    path = tmp_path / "wide.html"
    path.write_text(str(publish(problem, schedule, locale="en")["timetable.html"]), encoding="utf-8")
    pdf = tmp_path / "wide.pdf"
    chromium(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", path.as_uri())
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    sizes = re.findall(r"Page +\d+ size: +([\d.]+) x ([\d.]+)", info)
    assert len(sizes) >= 2 and all(float(w) < float(h) for w, h in sizes)  # portrait
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = text.replace("\u00a0", " ")
    for r in range(12):
        for i in range(8):
            assert f"Talk {i} in room {r}" in text
    assert len(re.findall(r"Thursday, May 13 · \d+:\d\d(?: [AP]M)? – \d+:\d\d [AP]M, Room \d\d", text)) == 96
    for page in (p for p in text.split("\f") if p.strip()):
        assert "Thursday, May 13" in page


AXE = _axe()


@pytest.mark.skipif(AXE is None, reason="needs axe-core from npm (npm install -g axe-core, or ./node_modules)")
@pytest.mark.parametrize(("case", "width"), [("seed", 1400), ("seed-organizers", 1400), ("english", 400),
                                             ("seed-programme", 1400)])
def test_no_serious_accessibility_violation(tmp_path: Path, case: str, width: int) -> None:
    assert AXE is not None
    if case.startswith("seed"):
        files = publish(*seed({"EC-CNR": "A-1100", "EC-COP": "B-2305"}))  # one session time to be announced
    else:
        files = publish(*english(tmp_path))
    name = {"organizers": "timetable-organizers.html", "programme": "programme.html"}.get(case.split("-")[-1],
                                                                                         "timetable.html")
    page = str(files[name])
    if name == "programme.html":  # a page without scripts: let the audit's own script run
        page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page)
    run = ("<script>" + AXE.read_text(encoding="utf-8") + "</script><script>"
           "axe.run(document, {resultTypes: ['violations']}).then(function (r) { __report({violations: "
           "r.violations.map(function (v) { return {id: v.id, impact: v.impact, help: v.help, "
           "nodes: v.nodes.slice(0, 3).map(function (n) { return n.target.join(' '); })}; })}); },"
           " function (e) { __report({error: String(e)}); });</script>")
    seen = probe(page, tmp_path, run, width=width, budget=20_000)
    assert "error" not in seen and seen["problems"] == []
    bad = [v for v in seen["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == [], json.dumps(bad, indent=1)


FOSDEM = SHARED / "data" / "frab" / "fosdem-2025.xml"


@pytest.mark.slow  # ~20 s: run with `pytest -m slow`
@pytest.mark.skipif(not FOSDEM.is_file(), reason=f"needs {FOSDEM} (shared data)")
def test_fosdem_has_a_page_per_day_that_works(tmp_path: Path) -> None:
    """943 sessions in 40 rooms over two days: one page per day, each drawn without error, headers sticky,
    a search box instead of a dropdown of every speaker, Brussels time in the page."""
    from solver.importers.frab import import_frab

    done = import_frab(FOSDEM, tmp_path / "in")
    assert done.schedule is not None
    files = publish(done.problem, done.schedule, timezone="Europe/Brussels", title="FOSDEM 2025", locale="en")
    pages = sorted(n for n in files if n.startswith("timetable") and "organizers" not in n)
    assert pages == ["timetable-2025-02-02.html", "timetable.html"]
    page = str(files["timetable.html"])
    assert "<option" in page and page.count("<option") < 120 and 'type="search"' in page
    assert "Times in Brussels (Europe/Brussels)" in page
    seen = probe(page, tmp_path, STICKY)
    assert seen["problems"] == []
    assert abs(seen["down"]["head"]["top"]) <= 1 and abs(seen["across"]["rowHeader"]["left"]) <= 1
    screenshot(str(files["timetable-2025-02-02.html"]), tmp_path, "timetable-fosdem-sunday", 1400)
