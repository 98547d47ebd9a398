"""changes.csv is for a mail merge: each speaker's contact columns from speakers.csv ride along."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from solver.cli import cli
from solver.diff import changes_csv, diff
from solver.inputs import load_problem
from tests.conftest import make_conference

HEADER = "session_id,room_id,slot_id\n"


def _inputs(tmp_path: Path) -> Path:
    return make_conference(
        tmp_path / "in",
        rooms=[{"room_id": "R1", "name": "Salle 1", "capacity": 50}, {"room_id": "R2", "name": "Salle 2",
                                                                      "capacity": 50}],
        slots=[{"slot_id": "T1", "day": "2027-05-13", "start": "09:00", "end": "10:00"},
               {"slot_id": "T2", "day": "2027-05-13", "start": "10:00", "end": "11:00"}],
        sessions=[{"session_id": "S1", "title": "Duo", "speakers": "ana;bob", "attendance": 10},
                  {"session_id": "S2", "title": "Solo", "speakers": "carl", "attendance": 10}],
        speakers=[{"speaker_id": "ana", "name": "Ana", "email": "ana@example.org", "phone": "+1 514 555 0101",
                   "biography": "Long *story*."},
                  {"speaker_id": "bob", "name": "Bob", "email": "=bob@example.org", "phone": ""},
                  {"speaker_id": "carl", "name": "Carl", "email": "carl@example.org", "phone": "555"}],
    )


def test_changes_csv_carries_every_contact_column(tmp_path: Path) -> None:
    """One row per (speaker, moved session), with email and phone after the name; the biography is not a
    contact; cells starting like a formula (`+1 514…`, `=bob…`) are neutralized; S2 did not move, so Carl is
    not written to."""
    folder = _inputs(tmp_path)
    old, new = tmp_path / "old.csv", tmp_path / "new.csv"
    old.write_text(HEADER + "S1,R1,T1\nS2,R2,T1\n", encoding="utf-8")
    new.write_text(HEADER + "S1,R1,T2\nS2,R2,T1\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["diff", str(old), str(new), "--inputs", str(folder),
                                      "--changes", str(tmp_path / "changes.csv")])
    assert result.exit_code == 1, result.output
    assert (tmp_path / "changes.csv").read_text(encoding="utf-8") == (
        "speaker_id,name,email,phone,session_id,title,old_day,old_time,old_room,new_day,new_time,new_room\n"
        "ana,Ana,ana@example.org,'+1 514 555 0101,S1,Duo,2027-05-13,09:00,Salle 1,2027-05-13,10:00,Salle 1\n"
        "bob,Bob,'=bob@example.org,,S1,Duo,2027-05-13,09:00,Salle 1,2027-05-13,10:00,Salle 1\n")


def test_without_inputs_the_columns_are_the_old_ones(tmp_path: Path) -> None:
    old, new = tmp_path / "old.csv", tmp_path / "new.csv"
    old.write_text(HEADER + "S1,R1,T1\n", encoding="utf-8")
    new.write_text(HEADER + "S1,R2,T1\n", encoding="utf-8")
    assert changes_csv(diff(old, new), None).splitlines()[0] == (
        "speaker_id,name,session_id,title,old_day,old_time,old_room,new_day,new_time,new_room")
    problem = load_problem(_inputs(tmp_path))
    assert changes_csv(diff(old, new, problem), problem).splitlines()[1:] == [
        "ana,Ana,ana@example.org,'+1 514 555 0101,S1,Duo,2027-05-13,09:00,Salle 1,2027-05-13,09:00,Salle 2",
        "bob,Bob,'=bob@example.org,,S1,Duo,2027-05-13,09:00,Salle 1,2027-05-13,09:00,Salle 2"]


def test_unreadable_inputs_are_a_warning_not_a_silent_loss(tmp_path: Path) -> None:
    """diff still writes changes.csv, but says why it has no names or contact columns."""
    folder = _inputs(tmp_path)
    (folder / "speakers.csv").write_text("speaker_id,name,name\nana,Ana,Ana\n", encoding="utf-8")
    old, new = tmp_path / "old.csv", tmp_path / "new.csv"
    old.write_text(HEADER + "S1,R1,T1\n", encoding="utf-8")
    new.write_text(HEADER + "S1,R2,T1\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["diff", str(old), str(new), "--inputs", str(folder)])
    assert result.exit_code == 1
    assert (f"warning: {folder} cannot be read (speakers.csv:1: name: the column appears more than once): "
            "changes.csv names speakers by id only, without their contact columns") in result.output
    missing = CliRunner().invoke(cli, ["diff", str(old), str(new), "--inputs", str(tmp_path / "nowhere")])
    assert f"warning: no inputs folder {tmp_path / 'nowhere'} (--inputs)" in missing.output
