"""INPUTS/conference.yaml and INPUTS/constraints.yaml (issue 12): read by solve, export, check and diff, options
win, written by `salle import frab`; constraints/default.yaml falls back to the copy shipped with salle."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from solver import app
from solver.cli import cli
from solver.errors import InputError
from solver.importers import import_frab
from solver.inputs.conference import load_conference, read_conference

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]


def _issues(path: Path, text: str) -> list[str]:
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_conference(path)
    return [str(i) for i in caught.value.issues]


@pytest.mark.parametrize(("text", "expected"), [
    ("title: FOSDEM\ntimezone: Europe/Bruxelles\n",
     "conference.yaml:2: timezone: unknown time zone 'Europe/Bruxelles' (an IANA name such as Europe/Brussels); "
     "did you mean 'Europe/Brussels'?"),
    ("title: X\ntime_zone: Europe/Brussels\n", "conference.yaml:2: time_zone: unknown key. Did you mean 'timezone'?"),
    ("locale: de\n", "conference.yaml:1: locale: no texts in 'de'"),
    ("base_url: fosdem.org\n", "conference.yaml:1: base_url: must start with http:// or https://"),
    ("title: [a, b]\n", "conference.yaml:1: title: expected text"),
    ("title: ''\n", "conference.yaml:1: title: must not be empty"),
    ("title: a\ntitle: b\n", "conference.yaml:2: the key 'title' appears twice"),
    ("title: [unclosed\n", "conference.yaml:2: not valid YAML"),
    ("- a list\n", "conference.yaml: must be a mapping"),
])
def test_a_bad_conference_file_is_one_sentence_with_file_line_and_key(tmp_path: Path, text: str,
                                                                      expected: str) -> None:
    issues = _issues(tmp_path / "conference.yaml", text)
    assert len(issues) == 1 and issues[0].startswith(str(tmp_path / expected.split(":", 1)[0])), issues
    assert expected.split(":", 1)[1] in issues[0].removeprefix(str(tmp_path / "conference.yaml"))


def test_no_conference_file_means_every_default(tmp_path: Path) -> None:
    assert load_conference(tmp_path).model_dump() == dict.fromkeys(
        ("title", "acronym", "timezone", "locale", "base_url", "venue", "attendees"))


def test_solve_reads_the_conference_file_and_options_override_it(seed_copy: Path, tmp_path: Path) -> None:
    (seed_copy / "conference.yaml").write_text(
        "title: Colloque Santé 2027\nacronym: sante27\ntimezone: Europe/Paris\nlocale: en\n", encoding="utf-8")
    out = tmp_path / "out"
    assert runner.invoke(cli, ["solve", str(seed_copy), "--out", str(out)]).exit_code == 0
    ics = (out / "calendar.ics").read_text(encoding="utf-8")
    assert "TZID:Europe/Paris" in ics and "sante27" in ics
    page = (out / "timetable.html").read_text(encoding="utf-8")
    assert "Colloque Santé 2027" in page and 'lang="en"' in page
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["conference"]["timezone"] == "Europe/Paris"
    r = runner.invoke(cli, ["solve", str(seed_copy), "--out", str(out), "--timezone", "America/Vancouver",
                            "--locale", "fr_CA"])
    assert r.exit_code == 0, r.output
    assert "TZID:America/Vancouver" in (out / "calendar.ics").read_text(encoding="utf-8")
    assert 'lang="fr' in (out / "timetable.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", ["solve", "check", "export"])
def test_a_bad_conference_file_stops_solve_check_and_export_with_exit_1(seed_copy: Path, tmp_path: Path,
                                                                        command: str) -> None:
    out = tmp_path / "out"
    assert runner.invoke(cli, ["solve", str(seed_copy), "--out", str(out)]).exit_code == 0
    (seed_copy / "conference.yaml").write_text("timezone: Mars/Olympus\n", encoding="utf-8")
    args = {"solve": ["solve", str(seed_copy), "--out", str(tmp_path / "o2")],
            "check": ["check", str(seed_copy), "--schedule", str(out / "assignments.csv")],
            "export": ["export", str(seed_copy), "--schedule", str(out / "assignments.csv"), "--out",
                       str(tmp_path / "o3")]}[command]
    r = runner.invoke(cli, args)
    assert r.exit_code == 1 and "conference.yaml:1: timezone: unknown time zone 'Mars/Olympus'" in r.output
    assert "Traceback" not in r.output and not (tmp_path / "o2").exists() and not (tmp_path / "o3").exists()


def test_diff_reads_the_conference_title(seed_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert runner.invoke(cli, ["solve", str(seed_copy), "--out", str(out)]).exit_code == 0
    (seed_copy / "conference.yaml").write_text("title: Colloque 2027\n", encoding="utf-8")
    r = runner.invoke(cli, ["diff", str(out / "assignments.csv"), str(out / "assignments.csv"), "--inputs",
                            str(seed_copy)])
    assert r.exit_code == 0 and r.output.startswith("Colloque 2027\n")


def test_constraints_beside_the_inputs_are_layered_after_the_default(seed_copy: Path, tmp_path: Path) -> None:
    (seed_copy / "constraints.yaml").write_text("capacity_fit: false\n", encoding="utf-8")
    out = tmp_path / "out"
    r = runner.invoke(cli, ["solve", str(seed_copy), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert f"constraints: constraints/default.yaml + {seed_copy / 'constraints.yaml'}" in r.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["constraint_files"] == ["constraints/default.yaml", str(seed_copy / "constraints.yaml")]
    assert summary["objective"]["total"] == 0 and "capacity_fit" not in summary["objective"]["per_rule"]
    # given explicitly, it is not applied twice
    assert app.resolve_constraints([seed_copy / "constraints.yaml"], seed_copy) == [seed_copy / "constraints.yaml"]


def test_default_constraints_fall_back_to_the_copy_shipped_with_salle(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    assert app.PACKAGED_CONSTRAINTS.read_bytes() == (ROOT / "constraints" / "default.yaml").read_bytes()
    monkeypatch.chdir(tmp_path)
    assert app.resolve_constraints(None) == [app.PACKAGED_CONSTRAINTS]
    (tmp_path / "constraints").mkdir()
    (tmp_path / "constraints" / "default.yaml").write_text("capacity_fit: false\n", encoding="utf-8")
    assert app.resolve_constraints(None) == [Path("constraints/default.yaml")]


FRAB_XML = """<?xml version="1.0" encoding="UTF-8"?>
<schedule><version>1</version>
  <conference><acronym>fosdem-2025</acronym><title>FOSDEM 2025</title><venue>ULB</venue><city>Brussels</city>
    <base_url>https://fosdem.org/2025/schedule/</base_url><time_zone_name>Europe/Brussels</time_zone_name>
  </conference>
  <day index="1" date="2025-02-01" start="2025-02-01T09:00:00+01:00" end="2025-02-01T19:00:00+01:00">
    <room name="Janson">
      <event id="1" guid="g1"><date>2025-02-01T09:30:00+01:00</date><start>09:30</start><duration>00:25</duration>
        <room>Janson</room><title>Welcome</title><track>Keynotes</track><language>en</language>
        <persons><person id="7">Ada</person></persons></event>
    </room>
  </day>
</schedule>
"""


def test_import_frab_writes_the_conference_file_and_publishing_keeps_its_time_zone(tmp_path: Path) -> None:
    source = tmp_path / "fosdem.xml"
    source.write_text(FRAB_XML, encoding="utf-8")
    folder = tmp_path / "in"
    import_frab(source, folder)
    conf = load_conference(folder)
    assert (conf.title, conf.acronym, conf.timezone, conf.locale) == ("FOSDEM 2025", "fosdem-2025",
                                                                      "Europe/Brussels", "en")
    assert conf.base_url == "https://fosdem.org/2025/schedule/" and conf.venue == "ULB, Brussels"
    pub = tmp_path / "pub"
    r = runner.invoke(cli, ["export", str(folder), "--schedule", str(folder / "assignments.csv"), "--out", str(pub)])
    assert r.exit_code == 0, r.output
    assert f"+ {folder / 'constraints.yaml'}" in r.output  # the import's constraint file, layered by itself
    ics = (pub / "calendar.ics").read_text(encoding="utf-8")
    assert "TZID:Europe/Brussels" in ics and "DTSTART;TZID=Europe/Brussels:20250201T093000" in ics
    xml = (pub / "schedule.xml").read_text(encoding="utf-8")
    assert "<time_zone_name>Europe/Brussels</time_zone_name>" in xml and "<title>FOSDEM 2025</title>" in xml
