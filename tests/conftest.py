"""Shared test helpers: write tiny conferences in the input contract, find the shared folder."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from solver.config import Config, load_config

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seeds" / "000_98629d2860d4d206.txt"

COLUMNS = {
    "rooms.csv": ["room_id", "name", "capacity", "features", "building"],
    "slots.csv": ["slot_id", "day", "start", "end", "kind", "label"],
    "sessions.csv": ["session_id", "title", "speakers", "attendance", "kind", "track", "requires", "length",
                     "room", "slot", "description"],
    "speakers.csv": ["speaker_id", "name", "affiliation", "needs"],
    "unavailability.csv": ["who", "day", "start", "end", "note"],
}


def write_csv(path: Path, rows: list[dict[str, Any]], columns: list[str] | None = None, delimiter: str = ",",
              bom: bool = False) -> Path:
    columns = columns or list(dict.fromkeys(k for r in rows for k in r))
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, delimiter=delimiter, extrasaction="ignore")
        writer.writeheader()
        for r in rows:
            writer.writerow({k: ("" if v is None else v) for k, v in r.items()})
    return path


def make_conference(
    folder: Path,
    rooms: list[dict[str, Any]] | None = None,
    slots: list[dict[str, Any]] | None = None,
    sessions: list[dict[str, Any]] | None = None,
    speakers: list[dict[str, Any]] | None = None,
    unavailability: list[dict[str, Any]] | None = None,
) -> Path:
    """Write a conference; speakers named in sessions but not listed are created. Returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    rooms = rooms if rooms is not None else [{"room_id": "R1", "name": "Room 1", "capacity": 50}]
    slots = slots if slots is not None else [
        {"slot_id": "T1", "day": "2027-05-13", "start": "09:00", "end": "10:00"}
    ]
    sessions = sessions if sessions is not None else [{"session_id": "S1", "title": "Talk", "attendance": 10}]
    listed = {p["speaker_id"] for p in speakers or []}
    named = [p for s in sessions for p in str(s.get("speakers") or "").split(";") if p]
    speakers = list(speakers or []) + [{"speaker_id": p, "name": p.title()} for p in dict.fromkeys(named)
                                       if p not in listed]
    tables = {"rooms.csv": rooms, "slots.csv": slots, "sessions.csv": sessions, "speakers.csv": speakers}
    if unavailability is not None:
        tables["unavailability.csv"] = unavailability
    for name, rows in tables.items():
        extra = [k for r in rows for k in r if k not in COLUMNS[name]]
        write_csv(folder / name, rows, COLUMNS[name] + list(dict.fromkeys(extra)))
    return folder


def config_with(tmp_path: Path, yaml_text: str) -> Config:
    """A Config from the built-in defaults plus one override file."""
    path = tmp_path / "override.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    return load_config([path])


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """The bundled conference copied to a scratch folder (so a test may edit it)."""
    folder = tmp_path / "inputs"
    folder.mkdir()
    for f in (ROOT / "inputs").glob("*.csv"):
        (folder / f.name).write_bytes(f.read_bytes())
    return folder


@pytest.fixture
def seed_inputs() -> Path:
    return ROOT / "inputs"


def require_shared() -> None:
    if not SHARED.is_dir():
        pytest.skip(f"../shared is absent ({SHARED}): the seed and data sets live there")
