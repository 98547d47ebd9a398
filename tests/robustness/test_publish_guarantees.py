"""The publication's promises (reliability issue, defects 1, 2, 8 and 10), each through the command a user runs.

1. A line break in a name (Excel's Alt+Enter) reaches every publication intact, and a publication that cannot be
   rendered fails the run with one sentence and leaves the previous outputs as they were: never an old
   timetable beside a new assignments.csv.
2. Only what salle wrote is ever removed (its manifest, `.salle-manifest.json`), and nothing is written or
   removed through a symbolic link that leads out of --out.
8. `all_scheduled: false` still places every session that fits, and gives true reasons for those left out.
10. schedule.xml and schedule.json carry no markup an app could run, and base_url is a real web address.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from icalendar import Calendar
from openpyxl import load_workbook
from typer.testing import CliRunner

from solver.cli import cli
from solver.inputs import load_problem
from solver.publish import render_publications
from solver.publish.manifest import MANIFEST
from solver.schedule import Assignment, Schedule
from tests.conftest import SHARED, make_conference
from tests.robustness.cases import base
from tests.robustness.test_corpus import no_traceback, snapshot

runner = CliRunner()


def solve(inputs: Path, out: Path, *more: str) -> object:
    result = runner.invoke(cli, ["solve", str(inputs), "--out", str(out), "--quiet", *more])
    no_traceback(result)
    return result


# -- 1. line breaks in names, and a publication that fails ---------------------------------------------------
def _broken_names(tmp: Path) -> Path:
    return make_conference(
        tmp / "inputs",
        rooms=[{"room_id": "R1", "name": "Salle\nA", "capacity": 50, "building": "Pavillon\r\nNord"},
               {"room_id": "R2", "name": "Salle B", "capacity": 30}],
        slots=[{"slot_id": "T1", "day": "2027-05-13", "start": "09:00", "end": "10:00"},
               {"slot_id": "T2", "day": "2027-05-13", "start": "10:00", "end": "11:00"}],
        sessions=[{"session_id": "S1", "title": "Ouver\nture", "attendance": 40, "speakers": "ana",
                   "track": "Data\nScience"},
                  {"session_id": "S2", "title": "Atelier", "attendance": 20, "speakers": "bob"}],
        speakers=[{"speaker_id": "ana", "name": "Ana\nMaria"}, {"speaker_id": "bob", "name": "Bob"}])


def test_line_breaks_in_names_reach_every_publication(tmp_path: Path) -> None:
    """Defect 1: room, building, speaker, title and track with line breaks: every file is written and reads
    back; calendars hold no bare line break, one-line fields (headings, frab names) are on one line."""
    inputs, out = _broken_names(tmp_path), tmp_path / "out"
    result = solve(inputs, out)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    for ics in [out / "calendar.ics", *(out / "rooms").glob("*.ics"), *(out / "speakers").glob("*.ics")]:
        data = ics.read_bytes()
        assert b"\n" not in data.replace(b"\r\n", b"") and b"\r" not in data.replace(b"\r\n", b""), ics
        cal = Calendar.from_ical(data)
        assert "\n" not in str(cal["X-WR-CALNAME"]), ics
    [room] = [e for e in Calendar.from_ical((out / "rooms" / "R1.ics").read_bytes()).walk("VEVENT")]
    assert str(room["LOCATION"]) == "Salle\nA, Pavillon\nNord" and str(room["SUMMARY"]) == "Ouver\nture"
    assert "Ana\nMaria" in str(room["DESCRIPTION"])
    assert "Programme – Ana Maria" in (out / "speakers" / "ana.ics").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO((out / "rooms" / "R1.csv").read_text(encoding="utf-8"))))
    assert [(r["title"], r["speakers"]) for r in rows] == [("Ouver\nture", "Ana\nMaria")]
    assert "#### Ouver ture\n\n*Salle A*\n\nAna Maria\n" in (out / "programme.md").read_text(encoding="utf-8")
    assert "Salle\nA" in (out / "timetable.html").read_text(encoding="utf-8")
    xml = ET.parse(out / "schedule.xml").getroot()
    assert {r.get("name") for r in xml.iter("room") if r.get("name")} == {"Salle A", "Salle B"}
    assert [e.findtext("title") for e in xml.iter("event")] == ["Ouver ture", "Atelier"]
    doc = json.loads((out / "schedule.json").read_text(encoding="utf-8"))
    assert set(doc["schedule"]["conference"]["days"][0]["rooms"]) == {"Salle A", "Salle B"}
    cells = [c for ws in load_workbook(out / "schedule.xlsx") for row in ws.iter_rows(values_only=True) for c in row]
    assert "Ouver\nture" in cells


def test_a_failing_publication_fails_the_run_and_leaves_nothing_stale(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Defect 1: the pages cannot be rendered (a bug): the run says which publication failed (exit 1), and the
    folder holds the previous run whole: no new assignments.csv beside the old timetable and calendars."""
    import solver.publish.publications as publications

    inputs, out = base(tmp_path), tmp_path / "out"
    assert solve(inputs, out).exit_code == 0  # type: ignore[attr-defined]
    before = snapshot(out)
    sessions = inputs / "sessions.csv"
    sessions.write_text(sessions.read_text(encoding="utf-8").replace("Ouverture", "Ouverture 2"), encoding="utf-8")

    def broken(*args: object, **options: object) -> dict[str, str]:
        raise RuntimeError("template missing")

    monkeypatch.setattr(publications, "render_pages", broken)
    result = solve(inputs, out)
    assert result.exit_code == 1, result.output  # type: ignore[attr-defined]
    assert ("pages and calendars could not be rendered (RuntimeError: template missing): nothing was written "
            "and the previous outputs are intact") in result.output  # type: ignore[attr-defined]
    assert snapshot(out) == before


# -- 2. pruning only what salle wrote, never through a link --------------------------------------------------
def _drop_room_two(inputs: Path) -> None:
    """R2 and its session S2 gone from the conference."""
    for name, first in (("rooms.csv", "R2,"), ("sessions.csv", "S2,")):
        path = inputs / name
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join(line for line in lines if not line.startswith(first)), encoding="utf-8")


def test_pruning_removes_only_what_salle_wrote(tmp_path: Path) -> None:
    """Defect 2: a room gone takes its door list and calendar with it; the user's rooms/floorplan.csv,
    speakers/notes.ics and timetable-print.html stay, and so does a file of salle's the user edited since."""
    inputs, out = base(tmp_path), tmp_path / "out"
    assert solve(inputs, out).exit_code == 0  # type: ignore[attr-defined]
    assert "rooms/R2.ics" in json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    mine = {out / "rooms" / "floorplan.csv": b"x,y\n", out / "speakers" / "notes.ics": b"BEGIN:VCALENDAR\r\n",
            out / "timetable-print.html": b"<p>mine</p>"}
    for path, data in mine.items():
        path.write_bytes(data)
    (out / "rooms" / "R2.csv").write_text("edited by hand\n", encoding="utf-8")
    _drop_room_two(inputs)
    assert solve(inputs, out).exit_code == 0  # type: ignore[attr-defined]
    assert not (out / "rooms" / "R2.ics").exists()
    assert (out / "rooms" / "R2.csv").read_text(encoding="utf-8") == "edited by hand\n"
    assert all(path.read_bytes() == data for path, data in mine.items())
    assert (out / "rooms" / "R1.ics").is_file()
    assert "rooms/R2.ics" not in json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]


def test_a_folder_without_a_manifest_loses_nothing(tmp_path: Path) -> None:
    """Defect 2: a folder written by an older salle (no manifest): nothing unknown is removed."""
    inputs, out = base(tmp_path), tmp_path / "out"
    (out / "rooms").mkdir(parents=True)
    (out / "rooms" / "OLD.ics").write_text("BEGIN:VCALENDAR\r\n", encoding="utf-8")
    (out / "timetable-2020-01-01.html").write_text("<p>old</p>", encoding="utf-8")
    assert solve(inputs, out).exit_code == 0  # type: ignore[attr-defined]
    assert (out / "rooms" / "OLD.ics").is_file() and (out / "timetable-2020-01-01.html").is_file()


def test_a_forged_manifest_removes_nothing_outside(tmp_path: Path) -> None:
    """Defect 2: a manifest naming files outside --out (even with their right digest) removes none of them."""
    from solver.publish.manifest import digest

    inputs, out = base(tmp_path), tmp_path / "out"
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    out.mkdir()
    forged = {"../victim.txt": digest(b"precious"), "rooms/../../victim.txt": digest(b"precious"),
              str(victim): digest(b"precious")}
    (out / MANIFEST).write_text(json.dumps({"format": "salle-manifest/1", "files": forged}), encoding="utf-8")
    assert solve(inputs, out).exit_code == 0  # type: ignore[attr-defined]
    assert victim.read_text(encoding="utf-8") == "precious"


@pytest.mark.parametrize("folder", ["rooms", "speakers"])
def test_a_linked_folder_is_refused(tmp_path: Path, folder: str) -> None:
    """Defect 2: OUT/rooms (or speakers) a link to another folder: one sentence, exit 1, nothing written or
    removed there or in --out."""
    inputs, out, elsewhere = base(tmp_path), tmp_path / "out", tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "R1.csv").write_text("theirs\n", encoding="utf-8")
    out.mkdir()
    (out / folder).symlink_to(elsewhere, target_is_directory=True)
    before = snapshot(tmp_path)
    result = solve(inputs, out)
    assert result.exit_code == 1, result.output  # type: ignore[attr-defined]
    assert f"{out / folder}: is a symbolic link: salle writes only inside --out" in result.output  # type: ignore
    assert snapshot(tmp_path) == before


def test_a_file_linked_outside_is_refused(tmp_path: Path) -> None:
    """Defect 2: OUT/timetable.html a link to a file elsewhere: refused, the file elsewhere untouched."""
    inputs, out, target = base(tmp_path), tmp_path / "out", tmp_path / "site.html"
    target.write_text("<p>the real site</p>", encoding="utf-8")
    out.mkdir()
    (out / "timetable.html").symlink_to(target)
    result = solve(inputs, out)
    assert result.exit_code == 1, result.output  # type: ignore[attr-defined]
    assert "timetable.html: leads outside --out through a symbolic link" in result.output  # type: ignore
    assert target.read_text(encoding="utf-8") == "<p>the real site</p>"
    assert sorted(p.name for p in out.iterdir()) == ["timetable.html"]


# -- 8. all_scheduled switched off ---------------------------------------------------------------------------
@pytest.mark.parametrize("setting", ["all_scheduled: false\n", "all_scheduled:\n  hard: false\n  weight: 0\n"])
def test_all_scheduled_off_still_places_what_fits(tmp_path: Path, setting: str) -> None:
    """Defect 8: with the rule off (or soft at weight 0) every session that fits is placed, over a previous
    schedule too, and the run says the rule is off."""
    inputs, out = base(tmp_path), tmp_path / "out"
    assert solve(inputs, out).exit_code == 0  # type: ignore[attr-defined]
    off = tmp_path / "off.yaml"
    off.write_text(setting, encoding="utf-8")
    result = solve(inputs, out, "--constraints", str(off))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    rows = list(csv.DictReader(io.StringIO((out / "assignments.csv").read_text(encoding="utf-8"))))
    assert sorted(r["session_id"] for r in rows) == ["S1", "S2"] and all(r["room_id"] for r in rows)
    assert "all_scheduled is off: every session that fits is still placed" in result.output  # type: ignore


def test_all_scheduled_off_leaves_out_only_what_cannot_fit(tmp_path: Path) -> None:
    """Defect 8: a session no room can hold is the only one left out, with that reason (exit 2: a session was
    left out); the others are placed."""
    inputs, out = base(tmp_path), tmp_path / "out"
    with (inputs / "sessions.csv").open("a", encoding="utf-8") as fh:
        fh.write("S3,Plénière,cara,400\n")
    assert (inputs / "sessions.csv").read_text(encoding="utf-8").startswith("session_id,title,speakers,attendance")
    with (inputs / "speakers.csv").open("a", encoding="utf-8") as fh:
        fh.write("cara,Cara\n")
    off = tmp_path / "off.yaml"
    off.write_text("all_scheduled: false\n", encoding="utf-8")
    result = solve(inputs, out, "--constraints", str(off))
    assert result.exit_code == 2, result.output  # type: ignore[attr-defined]
    rows = list(csv.DictReader(io.StringIO((out / "assignments.csv").read_text(encoding="utf-8"))))
    assert sorted(r["session_id"] for r in rows if r["room_id"]) == ["S1", "S2"]
    [line] = [line for line in result.output.splitlines() if line.strip().startswith("- S3")]  # type: ignore
    assert "400" in line and "every room and slot it could use is taken" not in line


# -- 10. frab files and base_url -----------------------------------------------------------------------------
HOSTILE = {"title": '<img src=x onerror=alert(1)>Keynote', "description": (
    "[click](javascript:alert(1)) <iframe src=https://evil.example></iframe> <script>alert(2)</script> "
    "`<svg onload=alert(3)>` Option<T> and <https://ok.example/a_b>"), "details": '<a href="javascript:x">y</a>'}


def test_frab_files_carry_no_markup_an_app_could_run(tmp_path: Path) -> None:
    """Defect 10: titles as plain text (markup gone, words kept), descriptions as sanitized Markdown where no
    HTML renderer finds an element: no javascript: link, no script, iframe, img or event attribute."""
    inputs = make_conference(
        tmp_path / "inputs", slots=[{"slot_id": "T1", "day": "2027-05-13", "start": "09:00", "end": "10:00"}],
        sessions=[{"session_id": "S1", "attendance": 10, "speakers": "ana", **HOSTILE},
                  {"session_id": "S2", "title": "Why Option<T> matters", "attendance": 5}],
        speakers=[{"speaker_id": "ana", "name": "<b onmouseover=alert(4)>Ana</b>", "biography": "<script>x</script>"}],
        rooms=[{"room_id": "R1", "name": "Room 1", "capacity": 50}, {"room_id": "R2", "name": "R 2", "capacity": 50}])
    files = render_publications(load_problem(inputs), Schedule((Assignment("S1", "R1", "T1"),
                                                                Assignment("S2", "R2", "T1"))))
    xml = ET.fromstring(files["schedule.xml"])
    doc = json.loads(files["schedule.json"])
    events = [e for d in doc["schedule"]["conference"]["days"] for r in d["rooms"].values() for e in r]
    texts = [el.text or "" for el in xml.iter()] + [str(v) for e in events for v in e.values()]
    texts += [str(p) for e in events for p in e["persons"]]
    for text in texts:
        low = text.lower()
        assert not re.search(r"(?<!\\)\]\(\s*javascript:", low), text  # no Markdown link to run
        assert "<script" not in low and "<iframe" not in low, text
        assert "<img" not in low and "<svg" not in low and "<b " not in low and "<a " not in low, text
    rich = [e.findtext(k) or "" for e in xml.iter("event") for k in ("abstract", "description")]
    rich += [str(e[k]) for e in events for k in ("abstract", "description")] + [str(events[0]["persons"][0])]
    assert all(not re.search(r"<[a-z!/?]", text.lower()) for text in rich), rich  # no element in any renderer
    assert [e.findtext("title") for e in xml.iter("event")] == ["Keynote", "Why Option<T> matters"]
    assert [e["title"] for e in events] == ["Keynote", "Why Option<T> matters"]
    assert events[0]["persons"][0]["name"] == "Ana"
    assert "Option&lt;T>" in events[0]["abstract"] and "[https://ok.example/a\\_b](https://ok.example/a_b)" in (
        events[0]["abstract"])
    if (SHARED / "formats" / "voc-schedule").is_dir():
        from tests.test_publish_files import validate_frab

        validate_frab(files)


@pytest.mark.parametrize("url", ['https://example.org/x"><script>alert(1)</script>', "javascript:alert(1)",
                                 "https://exa mple.org/", "https://example.org/<b>", "https://:80/"])
def test_base_url_must_be_a_web_address(tmp_path: Path, url: str) -> None:
    """Defect 10: conference.yaml's base_url with a quote, an angle bracket, a space or no host: one sentence
    naming the file and key, exit 1, nothing written; the same value as --base-url names the option."""
    inputs, out = base(tmp_path), tmp_path / "out"
    (inputs / "conference.yaml").write_text(f"base_url: '{url}'\n", encoding="utf-8")
    result = solve(inputs, out)
    assert result.exit_code == 1, result.output  # type: ignore[attr-defined]
    said = result.output.splitlines()  # type: ignore[attr-defined]
    assert re.fullmatch(re.escape(str(inputs / "conference.yaml")) + r"(:1)?: base_url: .*", said[0]), said
    assert len(said) == 2 and not out.exists(), said
    (inputs / "conference.yaml").unlink()
    assert solve(inputs, out).exit_code == 0  # type: ignore[attr-defined]
    result = runner.invoke(cli, ["export", str(inputs), "--schedule", str(out / "assignments.csv"), "--out",
                                 str(tmp_path / "site"), "--base-url", url])
    no_traceback(result)
    assert result.exit_code == 1 and "--base-url: " in result.output, result.output
    assert not (tmp_path / "site").exists()
    with pytest.raises(ValueError, match="is not a web address"):
        render_publications(load_problem(inputs), Schedule(()), base_url=url)
