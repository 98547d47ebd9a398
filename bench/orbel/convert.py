"""Turn one instance of `felixrauh/conference_scheduler` (its `examples/orbel2017`, `examples/orbel2026`) into
salle's input contract, and turn schedules between the two formats.

The peer's instance is three CSV files:

- `talks.csv`: talk_id, presenter_id, keywords (numeric ids; the peer names talk 7 `T007`, its presenter `P007`);
- `preferences.csv`: participant_id, talk_id (one row per wish);
- `sessions.csv`: session_id, n_rooms, n_talks_per_room: one row per *block* ("TA", "FB", ...), `n_rooms`
  parallel rooms each holding `n_talks_per_room` consecutive talks.

salle's folder:

- rooms.csv: `Room_1` … `Room_N` (N = the largest `n_rooms`; the peer's own room names), capacity 1000 (the
  instance gives none);
- slots.csv: each block is a salle `block` of `n_talks_per_room` consecutive 20-minute slots (`TA-1`, `TA-2`, …),
  one day (2017-09-07: the instance gives no date), blocks in the file's order separated by 30-minute breaks;
- unavailability.csv: in a block with fewer rooms than N, rooms `Room_{n_rooms+1}` … `Room_N` are closed (so salle
  keeps the peer's structure: 4 rooms in TD and FC of 2026, 5 elsewhere);
- sessions.csv: one per talk, id `T007` (the peer's), speakers `P007`, attendance = participants who want it;
- speakers.csv: one row per presenter id;
- interests.csv: attendee_id (`A<participant_id>`), session_id, from preferences.csv.

Schedules: the peer writes one row per (block, room, position) with Block_ID, Room_ID, Slot (1-based position)
and Talk_ID (`PLACEHOLDER_<n>` in a cell no talk fills); salle writes assignments.csv (session_id, room_id,
slot_id). `salle_to_peer` fills every cell of the structure the same way, so the peer's evaluator sees the same
grid for both tools; `peer_to_salle` drops the placeholders.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

DAY = "2017-09-07"
DAY_START = dt.datetime(2017, 9, 7, 8, 0)
TALK_MINUTES = 20
BREAK_MINUTES = 30
CAPACITY = 1000


@dataclass(frozen=True)
class Block:
    block_id: str
    n_rooms: int
    n_talks: int


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        return [{k.strip(): (v or "").strip() for k, v in row.items()} for row in csv.DictReader(f)]


def _write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def talk_id(raw: str) -> str:
    """The peer's name for a numeric talk id: `7` -> `T007` (its evaluator's `T{int:03d}`)."""
    return f"T{int(raw):03d}" if raw.isdigit() else raw


def presenter_id(raw: str) -> str:
    return f"P{int(raw):03d}" if raw.isdigit() else raw


def blocks(example_dir: Path) -> list[Block]:
    """The instance's blocks, in the file's order."""
    return [Block(r["session_id"], int(r["n_rooms"]), int(r["n_talks_per_room"]))
            for r in _read(Path(example_dir) / "sessions.csv")]


def room_name(i: int) -> str:
    return f"Room_{i}"


def slot_id(block: str, position: int) -> str:
    return f"{block}-{position}"


def convert(example_dir: Path | str, out_dir: Path | str) -> Path:
    """Write salle's input folder for the peer instance in `example_dir` to `out_dir`; return `out_dir`."""
    src, out = Path(example_dir), Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    talks = _read(src / "talks.csv")
    prefs = _read(src / "preferences.csv")
    structure = blocks(src)
    n_rooms = max(b.n_rooms for b in structure)

    _write(out / "rooms.csv", ["room_id", "name", "capacity"],
           [[room_name(i), room_name(i), CAPACITY] for i in range(1, n_rooms + 1)])

    slots, closed = [], []
    t = DAY_START
    for b in structure:
        begin = t
        for pos in range(1, b.n_talks + 1):
            end = t + dt.timedelta(minutes=TALK_MINUTES)
            slots.append([slot_id(b.block_id, pos), DAY, t.strftime("%H:%M"), end.strftime("%H:%M"), b.block_id,
                          f"{b.block_id} talk {pos}"])
            t = end
        for i in range(b.n_rooms + 1, n_rooms + 1):
            closed.append([room_name(i), DAY, begin.strftime("%H:%M"), t.strftime("%H:%M"),
                           f"block {b.block_id} has {b.n_rooms} rooms"])
        t += dt.timedelta(minutes=BREAK_MINUTES)
    _write(out / "slots.csv", ["slot_id", "day", "start", "end", "block", "label"], slots)
    _write(out / "unavailability.csv", ["who", "day", "start", "end", "note"], closed)

    wanted = Counter(talk_id(p["talk_id"]) for p in prefs)
    _write(out / "sessions.csv", ["session_id", "title", "speakers", "attendance"],
           [[talk_id(r["talk_id"]), f"Talk {r['talk_id']}", presenter_id(r["presenter_id"]),
             wanted[talk_id(r["talk_id"])]] for r in talks])
    speakers = sorted({presenter_id(r["presenter_id"]) for r in talks})
    _write(out / "speakers.csv", ["speaker_id", "name"], [[s, f"Presenter {s}"] for s in speakers])
    _write(out / "interests.csv", ["attendee_id", "session_id"],
           [[f"A{p['participant_id']}", talk_id(p["talk_id"])] for p in prefs])
    return out


def salle_to_peer(assignments_csv: Path | str, example_dir: Path | str, out_csv: Path | str) -> Path:
    """salle's assignments.csv -> the peer's schedule CSV (Block_ID, Room_ID, Room_Name, Slot, Talk_ID, ...),
    every cell of the instance's structure present (`PLACEHOLDER_<n>` where no talk is)."""
    by_cell = {}
    for r in _read(Path(assignments_csv)):
        if r.get("slot_id") and r.get("room_id"):
            by_cell[(r["slot_id"], r["room_id"])] = r["session_id"]
    rows, n_empty = [], 0
    for b in blocks(Path(example_dir)):
        for i in range(1, b.n_rooms + 1):
            for pos in range(1, b.n_talks + 1):
                talk = by_cell.pop((slot_id(b.block_id, pos), room_name(i)), None)
                if talk is None:
                    n_empty += 1
                    talk = f"PLACEHOLDER_{n_empty}"
                paper = int(talk[1:]) if talk.startswith("T") and talk[1:].isdigit() else 0
                rows.append([b.block_id, room_name(i), room_name(i), pos, talk, paper, talk])
    if by_cell:
        raise ValueError(f"salle used cells outside the instance's structure: {sorted(by_cell)[:5]}")
    _write(Path(out_csv), ["Block_ID", "Room_ID", "Room_Name", "Slot", "Talk_ID", "Paper_ID", "Title"], rows)
    return Path(out_csv)


def peer_to_salle(schedule_csv: Path | str, out_csv: Path | str) -> Path:
    """The peer's schedule CSV -> salle's assignments CSV (session_id, room_id, slot_id), placeholders dropped."""
    rows = []
    for r in _read(Path(schedule_csv)):
        if r["Talk_ID"].startswith("PLACEHOLDER"):
            continue
        block = r.get("Block_ID") or r["Session_ID"]
        room = r.get("Room_ID") or r["Room"]
        rows.append([r["Talk_ID"], room, slot_id(block, int(r["Slot"]))])
    _write(Path(out_csv), ["session_id", "room_id", "slot_id"], rows)
    return Path(out_csv)


if __name__ == "__main__":
    import sys

    if len(sys.argv) != 3:
        sys.exit("usage: python -m bench.orbel.convert EXAMPLE_DIR OUT_DIR")
    print(convert(sys.argv[1], sys.argv[2]))
