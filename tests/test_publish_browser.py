"""timetable.html in a real headless browser (Debian's chromium): no console errors, every session drawn in
its room's column, a screenshot kept in test-artifacts/ for a human to look at."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from solver.config import load_config
from solver.inputs import load_problem
from solver.publish import render_publications
from solver.solve import SolveOptions, solve
from tests.conftest import ROOT
from tests.test_publish_files import EVIL, tiny

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="needs a headless chromium on PATH (Debian: apt-get install chromium; .ci/run does it)")
ARTIFACTS = ROOT / "test-artifacts"

# Injected first in <head>: record uncaught errors, console.error calls and Content-Security-Policy blocks.
WATCH = """<script>window.__problems = [];
addEventListener("error", function (e) { __problems.push("error: " + e.message); });
addEventListener("securitypolicyviolation", function (e) { __problems.push("blocked: " + e.blockedURI); });
(function () { var f = console.error; console.error = function () {
  __problems.push("console.error: " + [].join.call(arguments, " ")); f.apply(console, arguments); }; })();
</script>"""

# Injected last in <body>: where the browser actually drew each session, read back through --dump-dom.
MEASURE = """<script>(function () {
  var out = [];
  document.querySelectorAll(".session").forEach(function (s) {
    var r = s.getBoundingClientRect(), cx = r.left + r.width / 2, column = null;
    s.closest(".day").querySelectorAll(".room").forEach(function (h) {
      var b = h.getBoundingClientRect(); if (cx >= b.left && cx < b.right) column = h.dataset.room; });
    out.push({session: s.dataset.session, column: column, text: s.innerText, top: r.top, height: r.height,
              width: r.width});
  });
  function dimmed(id, value) {  // choose a filter as a user would; which sessions fade?
    var select = document.getElementById(id); select.value = value;
    select.dispatchEvent(new Event("change"));
    var ids = []; document.querySelectorAll(".session.dim").forEach(function (s) { ids.push(s.dataset.session); });
    select.value = ""; select.dispatchEvent(new Event("change"));
    return ids;
  }
  var track = document.querySelector("#f-track option:nth-child(2)");
  var speaker = document.querySelector("#f-speaker option:nth-child(2)");
  var filters = {track: track ? dimmed("f-track", track.value) : null,
                 speaker: speaker ? dimmed("f-speaker", speaker.value) : null};
  var pre = document.createElement("pre"); pre.id = "probe";
  pre.textContent = JSON.stringify({problems: window.__problems, sessions: out, filters: filters});
  document.body.appendChild(pre);
})();</script>"""


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
         f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1400,900", *args],
        capture_output=True, text=True, timeout=90, check=False,
    )


def measure(page: str, tmp_path: Path) -> dict:
    """Load `page` (with the probes) in chromium and return what it measured."""
    probed = page.replace("<head>", "<head>" + WATCH, 1).replace("</body>", MEASURE + "</body>", 1)
    path = tmp_path / "probed.html"
    path.write_text(probed, encoding="utf-8")
    run = chromium(tmp_path, "--dump-dom", path.as_uri())
    match = re.search(r'<pre id="probe">(.*?)</pre>', run.stdout, re.S)
    assert match, f"chromium printed no probe (exit {run.returncode}): {run.stderr[-2000:]}"
    return json.loads(html.unescape(match.group(1)))


def test_seed_timetable_in_a_browser(tmp_path: Path) -> None:
    """The bundled conference, solved: each case study is drawn in the column of the room it got."""
    problem = load_problem(ROOT / "inputs")
    result = solve(problem, load_config([]), SolveOptions(time_limit=20, workers=1))
    assert result.schedule is not None
    page = str(render_publications(problem, result.schedule)["timetable.html"])
    seen = measure(page, tmp_path)
    assert seen["problems"] == []
    drawn = {s["session"]: s for s in seen["sessions"]}
    rooms = {a.session_id: a.room_id for a in result.schedule.assignments}
    assert set(drawn) == {s.session_id for s in problem.sessions}
    for session_id, room_id in rooms.items():
        s = drawn[session_id]
        assert s["column"] == room_id and s["width"] > 50 and s["height"] > 50
        assert problem.session[session_id].title[:30] in s["text"]
        assert f"{problem.session[session_id].attendance}/{problem.room[room_id].capacity} seats" in s["text"]
    ARTIFACTS.mkdir(exist_ok=True)
    page_path = tmp_path / "timetable.html"
    page_path.write_text(page, encoding="utf-8")
    shot = ARTIFACTS / "timetable-seed.png"
    shot.unlink(missing_ok=True)
    chromium(tmp_path, f"--screenshot={shot}", page_path.as_uri())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


def test_tiny_timetable_layout_and_escaping(tmp_path: Path) -> None:
    """Time runs down (a later session is lower, a two-hour one twice as tall) and `<script>` shows as text."""
    problem, schedule = tiny(tmp_path)
    page = str(render_publications(problem, schedule)["timetable.html"])
    seen = measure(page, tmp_path)
    assert seen["problems"] == []
    drawn = {s["session"]: s for s in seen["sessions"]}
    assert {k: v["column"] for k, v in drawn.items()} == {"S1": "R1", "S2": "R/2", "S3": "R3", "S4": "R3"}
    assert drawn["S2"]["top"] >= drawn["S1"]["top"] + drawn["S1"]["height"] / 2 - 5
    assert drawn["S1"]["height"] >= 1.8 * drawn["S3"]["height"]
    assert EVIL in drawn["S3"]["text"]
    assert seen["filters"] == {"track": ["S2", "S4"], "speaker": ["S2", "S4"]}  # track Data; speaker Ana
