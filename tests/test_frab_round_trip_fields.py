"""A published frab schedule imported, then exported (`salle export --force`), compared field by field with the
source: what conference apps key on (guid, id, slug, url, type, acronym), what they show (feedback_url, links,
attachments) and when each event is (its instant, in schedule.xml, schedule.json and calendar.ics), for FOSDEM
2025 (time_zone_name Europe/Brussels) and 31C3 (no time zone: `+01:00` on every date, a few non-UUID guids)."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from solver.app import run_export
from solver.cli import cli
from solver.importers import import_frab
from solver.inputs.conference import load_conference
from tests.conftest import SHARED, require_shared
from tests.test_publish_files import validate_frab

FRAB = SHARED / "data" / "frab"
UUID = re.compile(r"^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$")


def _source(name: str) -> tuple[ET.Element, dict[str, ET.Element]]:
    require_shared()
    path = FRAB / name
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    root = ET.parse(path).getroot()
    return root, {e.get("id", ""): e for e in root.iter("event")}


def _round_trip(name: str, tmp_path: Path) -> tuple[ET.Element, dict[str, ET.Element], dict[str, dict],
                                                     dict[str, dict[str, object]], Path]:
    """The source, and the exported schedule.xml / schedule.json / calendar.ics events keyed by frab id (the
    ids are kept), with the folder the export wrote."""
    source, events = _source(name)
    inputs, site = tmp_path / "inputs", tmp_path / "site"
    import_frab(FRAB / name, inputs)
    run = run_export(inputs, inputs / "assignments.csv", site, None, force=True)
    assert not run.failures
    files: dict[str, str | bytes] = {n: (site / n).read_text(encoding="utf-8")
                                     for n in ("schedule.xml", "schedule.json")}
    validate_frab(files)  # both still valid for the voc schemas
    xml_out = {e.get("id", ""): e for e in ET.parse(site / "schedule.xml").getroot().iter("event")}
    doc = json.loads(files["schedule.json"])
    json_out = {str(e["id"]): e for d in doc["schedule"]["conference"]["days"] for evs in d["rooms"].values()
                for e in evs}
    cal = Calendar.from_ical((site / "calendar.ics").read_bytes())
    ics = {str(e["uid"]).split("@")[0]: {"start": e.decoded("dtstart"), "uid": str(e["uid"])}
           for e in cal.walk("VEVENT")}
    assert set(xml_out) == set(json_out) == set(events)
    assert len(ics) == len(events)
    return source, events, xml_out, {"json": doc, "ics": ics, "events": json_out}, site


def _instant(text: str | None) -> dt.datetime:
    when = dt.datetime.fromisoformat(str(text))
    assert when.utcoffset() is not None, f"{text} carries no UTC offset"
    return when


def _refs(e: ET.Element, group: str, tag: str) -> list[tuple[str | None, ...]]:
    return [(x.get("href"), x.get("type"), (x.text or "").strip()) for x in e.findall(f"{group}/{tag}")]


@pytest.mark.parametrize("name", ["fosdem-2025.xml", "31c3-schedule.xml"])
def test_round_trip_keeps_every_field_apps_use(name: str, tmp_path: Path) -> None:
    source, events, xml_out, other, site = _round_trip(name, tmp_path)
    json_out = other["events"]
    acronym = source.findtext("conference/acronym")
    out_root = ET.parse(site / "schedule.xml").getroot()
    assert out_root.findtext("conference/acronym") == acronym  # as given (fosdem-2025, 31c3)
    # schema.json allows a `-` in an acronym only before a year and a word: fosdem-2025 is written fosdem_2025
    assert other["json"]["schedule"]["conference"]["acronym"] == acronym.replace("-", "_")
    kept_guids = 0
    for ident, src in events.items():
        out, js = xml_out[ident], json_out[ident]
        guid = src.get("guid", "")
        if UUID.match(guid):
            assert out.get("guid") == js["guid"] == guid, ident
            kept_guids += 1
        else:  # only a guid the schema refuses is replaced
            assert UUID.match(out.get("guid", "")) and js["guid"] == out.get("guid"), ident
        for tag in ("type", "slug", "url", "feedback_url", "title"):
            assert (out.findtext(tag) or "").strip() == (src.findtext(tag) or "").strip(), (ident, tag)
        assert js["type"] == src.findtext("type")
        assert js["slug"] == (src.findtext("slug") or "").rstrip("-_")  # schema.json: no `-` at the end
        if src.findtext("url"):
            assert js["url"] == src.findtext("url")
        assert js.get("feedback_url") == (src.findtext("feedback_url") or None)
        assert _refs(out, "links", "link") == [(h, None, t or h) for h, _, t in _refs(src, "links", "link")]
        assert _refs(out, "attachments", "attachment") == _refs(src, "attachments", "attachment")
        # schema.json's links are URIs: a character outside ASCII (31C3's “quotes”) is percent-encoded
        assert [(unquote(r["url"]), r.get("title")) for r in js["links"]] == [
            (unquote(str(h)), t or None) for h, _, t in _refs(src, "links", "link")]
        assert [(r["url"], r.get("type")) for r in js.get("attachments", [])] == [
            (h, k) for h, k, _ in _refs(src, "attachments", "attachment")]
    assert kept_guids == sum(bool(UUID.match(e.get("guid", ""))) for e in events.values()) > 0


@pytest.mark.parametrize("name", ["fosdem-2025.xml", "31c3-schedule.xml"])
def test_round_trip_keeps_every_event_instant(name: str, tmp_path: Path) -> None:
    """Each event starts at the same instant (UTC) as in the source in schedule.xml, schedule.json and every
    .ics: 31C3 names no time zone, its `+01:00` becomes Etc/GMT-1 (it used to be published in America/Toronto,
    6 hours off)."""
    _, events, xml_out, other, site = _round_trip(name, tmp_path)
    json_out, ics = other["events"], other["ics"]
    for ident, src in events.items():
        start = _instant(src.findtext("date"))
        assert _instant(xml_out[ident].findtext("date")) == start, ident
        assert xml_out[ident].findtext("date") == src.findtext("date")  # same offset too
        assert _instant(json_out[ident]["date"]) == start, ident
        assert json_out[ident]["date"][-6:] == src.findtext("date")[-6:]
        got = ics[ident]["start"]
        assert isinstance(got, dt.datetime) and got.tzinfo is not None and got == start, ident
    for path in [*(site / "rooms").glob("*.ics"), *list((site / "speakers").glob("*.ics"))[:50]]:
        for e in Calendar.from_ical(path.read_bytes()).walk("VEVENT"):
            ident = str(e["uid"]).split("@")[0]
            assert e.decoded("dtstart") == _instant(events[ident].findtext("date")), (path.name, ident)


def test_31c3_import_writes_the_offset_zone(tmp_path: Path) -> None:
    _source("31c3-schedule.xml")
    import_frab(FRAB / "31c3-schedule.xml", tmp_path / "in")
    assert load_conference(tmp_path / "in").timezone == "Etc/GMT-1"


def test_import_says_the_schedule_breaks_a_hard_rule_and_how_to_publish_it(tmp_path: Path) -> None:
    """FOSDEM double-books a speaker: `salle export` refuses it (exit 2) unless --force, as the import says."""
    _source("fosdem-2025.xml")
    runner = CliRunner()
    result = runner.invoke(cli, ["import", "frab", str(FRAB / "fosdem-2025.xml"), "--out", str(tmp_path / "f")])
    assert result.exit_code == 0, result.output
    assert "the published schedule breaks 1 hard rule(s): speaker_conflict" in result.output
    assert "--force" in result.output and "salle check" in result.output
    refused = runner.invoke(cli, ["export", str(tmp_path / "f"), "--schedule", str(tmp_path / "f/assignments.csv"),
                                  "--out", str(tmp_path / "site")])
    assert refused.exit_code == 2
    forced = runner.invoke(cli, ["export", str(tmp_path / "f"), "--schedule", str(tmp_path / "f/assignments.csv"),
                                 "--out", str(tmp_path / "site"), "--force"])
    assert forced.exit_code == 0, forced.output
