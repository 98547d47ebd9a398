"""Random small conferences built around a planted schedule that meets every hard rule."""

from __future__ import annotations

import random
from pathlib import Path

from tests.conftest import make_conference, write_csv

DAYS = ("2027-05-13", "2027-05-14")
FEATURES = ("projecteur", "micro", "captation")


def _clash(a: tuple[str, int, int], b: tuple[str, int, int]) -> bool:
    return a[0] == b[0] and a[1] < b[2] and b[1] < a[2]


def planted_conference(folder: Path, seed: int, rich: bool = False) -> tuple[Path, list[tuple[str, str, str]]]:
    """Write a conference into `folder`; return it and the planted (session, room, first slot) rows.

    `rich` adds the optional columns and files the soft rules read (tracks, tags, languages, order, room and
    slot preferences, buildings, interests.csv, preferences.csv), filled at random.
    """
    rng = random.Random(seed)
    rooms = [{"room_id": f"R{i}", "name": f"Salle {i}", "capacity": rng.choice([10, 25, 40, 80, 200]),
              "features": ";".join(f for f in FEATURES if rng.random() < 0.5),
              "building": rng.choice(["A", "B"]) if rich else ""} for i in range(rng.randint(1, 4))]
    slots = []
    for d, day in enumerate(DAYS[: rng.randint(1, 2)]):
        t = 8 * 60
        for i in range(rng.randint(1, 4)):
            t += rng.choice([0, 15, 30])
            length = rng.choice([45, 60, 90])
            start = t - rng.choice([0, 0, 20]) if i else t  # sometimes overlapping the previous slot
            slots.append({"slot_id": f"D{d}S{i}", "day": day, "start": f"{start // 60}h{start % 60:02d}",
                          "end": f"{(start + length) // 60}h{(start + length) % 60:02d}",
                          "kind": rng.choice(["", "", "atelier"]), "_t": (day, start, start + length)})
            t = start + length
    by_day: dict[str, list[dict]] = {}
    for s in slots:
        by_day.setdefault(s["day"], []).append(s)
    for day_slots in by_day.values():
        day_slots.sort(key=lambda s: (s["_t"][1], s["_t"][2], s["slot_id"]))

    people = [f"p{i}" for i in range(rng.randint(1, 6))]
    busy_room: dict[str, list[tuple]] = {}
    busy_person: dict[str, list[tuple]] = {}
    sessions, planted, unavailability = [], [], []
    for n in range(rng.randint(1, 8)):
        room = rng.choice(rooms)
        day_slots = by_day[rng.choice(list(by_day))]
        i = rng.randrange(len(day_slots))
        length = 2 if rng.random() < 0.2 and i + 1 < len(day_slots) else 1
        run = day_slots[i : i + length]
        times = [s["_t"] for s in run]
        if any(_clash(t, u) for t in times for u in busy_room.get(room["room_id"], [])):
            continue
        kinds = {s["kind"] for s in run}
        if len(kinds) > 1:
            continue
        free = [p for p in people if not any(_clash(t, u) for t in times for u in busy_person.get(p, []))]
        speakers = rng.sample(free, k=min(len(free), rng.randint(0, 2)))
        busy_room.setdefault(room["room_id"], []).extend(times)
        for p in speakers:
            busy_person.setdefault(p, []).extend(times)
        sid = f"S{n}"
        feats = [f for f in room["features"].split(";") if f and rng.random() < 0.5]
        sessions.append({"session_id": sid, "title": f"Séance {n}", "speakers": ";".join(speakers),
                         "attendance": rng.randint(0, room["capacity"]), "kind": kinds.pop(),
                         "requires": ";".join(feats), "length": length if length > 1 else "",
                         "room": room["room_id"] if rng.random() < 0.1 else "",
                         "slot": run[0]["slot_id"] if rng.random() < 0.1 else ""})
        planted.append((sid, room["room_id"], run[0]["slot_id"]))
    if not sessions:
        sessions.append({"session_id": "S0", "title": "Seule", "attendance": 0, "kind": slots[0]["kind"]})
        planted.append(("S0", rooms[0]["room_id"], slots[0]["slot_id"]))
    # unavailability that never touches the planted schedule
    for who, busy in [*busy_person.items(), *busy_room.items()]:
        for day in by_day:
            window = (day, 6 * 60, 7 * 60 + 30) if rng.random() < 0.5 else (day, 20 * 60, 22 * 60)
            if rng.random() < 0.4 and not any(_clash(window, b) for b in busy):
                unavailability.append({"who": who, "day": day, "start": f"{window[1] // 60}h{window[1] % 60:02d}",
                                       "end": f"{window[2] // 60}h{window[2] % 60:02d}"})
    for s in slots:
        del s["_t"]
    folder = make_conference(folder, rooms=rooms, slots=slots, sessions=sessions, unavailability=unavailability)
    if rich:
        _enrich(folder, rng, rooms, slots, sessions, list(busy_person))
    return folder, planted


def _enrich(folder: Path, rng: random.Random, rooms: list[dict], slots: list[dict], sessions: list[dict],
            people: list[str]) -> None:
    ids = [s["session_id"] for s in sessions]
    for s in sessions:
        s["track"] = rng.choice(["", "Santé", "Ville"])
        s["tags"] = ";".join(t for t in ("ia", "climat") if rng.random() < 0.3)
        s["language"] = rng.choice(["", "fr", "en"])
        s["after"] = ";".join(o for o in ids if o != s["session_id"] and rng.random() < 0.15)
        s["prefers_rooms"] = rng.choice(["", rooms[0]["room_id"], rooms[-1]["building"] or ""])
        s["avoids_rooms"] = rng.choice(["", "", rooms[-1]["room_id"]])
        s["prefers_slots"] = rng.choice(["", slots[0]["slot_id"], slots[-1]["slot_id"]])
        s["avoids_slots"] = rng.choice(["", "", slots[0]["slot_id"]])
    write_csv(folder / "sessions.csv", sessions)
    attendees = [{"attendee_id": f"a{i}", "session_id": sid, "weight": rng.choice(["", 1, 2, 3])}
                 for i in range(rng.randint(0, 6)) for sid in ids if rng.random() < 0.5]
    write_csv(folder / "interests.csv", attendees, ["attendee_id", "session_id", "weight"])
    prefs = []
    for who in people:
        if rng.random() < 0.5:
            day = rng.choice(sorted({s["day"] for s in slots}))
            start = rng.choice([8, 9, 10, 11])
            prefs.append({"who": who, "day": day, "start": f"{start}h", "end": f"{start + rng.choice([1, 2, 3])}h",
                          "weight": rng.choice([-3, -1, 1, 2])})
    write_csv(folder / "preferences.csv", prefs, ["who", "day", "start", "end", "weight"])
