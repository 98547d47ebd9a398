"""Real data is untidy: importers take what the source accepted, with a note, and never refuse a whole published
programme for it."""

from __future__ import annotations

from pathlib import Path

from solver.importers import import_frab
from solver.publish import render_publications
from tests.conftest import SHARED, require_shared
from tests.test_publish_files import tiny


def test_rooms_differing_only_in_letter_case_are_kept_apart_with_a_note(tmp_path: Path) -> None:
    """Real data is untidy: a published programme with `Salle 2` and `SALLE 2` imports (salle refuses two rooms of
    one name), the second numbered, with a note."""
    problem, schedule = tiny(tmp_path)
    text = str(render_publications(problem, schedule)["schedule.json"])
    path = tmp_path / "schedule.json"
    path.write_text(text.replace('"Salle 1"', '"SALLE 2"'), encoding="utf-8")
    done = import_frab(path, tmp_path / "back")
    assert sorted(r.name for r in done.problem.rooms) == ["SALLE 2", "Salle 2 (2)", "Salle 3"] or \
        sorted(r.name for r in done.problem.rooms) == ["SALLE 2 (2)", "Salle 2", "Salle 3"]
    assert any("letter case" in n for n in done.notes)
    assert done.schedule is not None and len(done.schedule.assignments) == 4


def test_an_offset_without_a_zone_name_becomes_that_fixed_offset_zone(tmp_path: Path) -> None:
    """31C3 gives every <date> with +01:00 and no time_zone_name: the import writes Etc/GMT-1 (UTC+01:00) rather
    than leaving publishing to assume America/Toronto (6 hours off)."""
    require_shared()
    done = import_frab(SHARED / "data/frab/31c3-schedule.xml", tmp_path / "c3")
    text = (tmp_path / "c3" / "conference.yaml").read_text(encoding="utf-8")
    assert "timezone: Etc/GMT-1" in text
    assert any("offset +01:00" in n for n in done.notes)
