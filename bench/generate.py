"""Realistic conferences in salle's input contract, each with a planted feasible schedule.

`generate(size, seed)` is a pure function of its arguments: the same (size, seed) gives the same files, byte for
byte. The planted schedule is built first (every session gets a room and a first slot), and every other fact is
drawn so that it stays true: attendance fits the planted room, required features are ones it has, speakers are
never planted in two places at once, unavailability windows and room closures avoid the planted times, pins
repeat the plant. So the instance is feasible under salle's default hard rules, and `planted.csv` proves it.

What makes it realistic: room capacities are skewed (most rooms small, a few large halls), 1–3 speakers per
session with some people on several sessions, 20–30 % of speakers with unavailability windows, tracks, a few
two-slot workshops, an opening and a closing plenary slot holding the keynotes, a few pins and a few room closures.

    python bench/generate.py L --seed 1 --out bench/instances/L-1
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
CACHE = BENCH / "instances"

PLENARY = "pleniere"
WORKSHOP = "atelier"
FIRST_DAY = dt.date(2027, 6, 7)


@dataclass(frozen=True)
class Size:
    """One benchmark size: how many sessions, rooms, days and slots per day."""

    name: str
    sessions: int
    rooms: int
    days: int
    slots_per_day: int

    @property
    def slots(self) -> int:
        return self.days * self.slots_per_day


SIZES: dict[str, Size] = {
    "S": Size("S", 30, 5, 2, 6),
    "M": Size("M", 300, 15, 3, 10),
    "L": Size("L", 1500, 60, 4, 8),
    "XL": Size("XL", 5000, 150, 5, 8),
}

COLUMNS = {
    "rooms.csv": ["room_id", "name", "capacity", "features", "building"],
    "slots.csv": ["slot_id", "day", "start", "end", "kind", "label"],
    "sessions.csv": ["session_id", "title", "speakers", "attendance", "kind", "track", "requires", "length",
                     "room", "slot", "description"],
    "speakers.csv": ["speaker_id", "name", "affiliation"],
    "unavailability.csv": ["who", "day", "start", "end", "note"],
    "planted.csv": ["session_id", "room_id", "slot_id"],
}

TOPICS = ("données ouvertes", "santé publique", "mobilité", "climat", "éducation", "logement", "IA", "énergie",
          "culture", "agriculture", "finances publiques", "justice", "numérique", "eau", "participation")
FORMATS = ("Retour d'expérience", "Panorama", "Étude de cas", "Table ronde", "Atelier", "Conférence")
FIRST_NAMES = ("Camille", "Louis", "Inès", "Hugo", "Léa", "Karim", "Sofia", "Jules", "Aïcha", "Marc", "Nora",
               "Paul", "Chloé", "Yanis", "Emma", "Théo", "Zoé", "Malik", "Anaïs", "Victor")
LAST_NAMES = ("Martin", "Bernard", "Tremblay", "Gagnon", "Roy", "Diallo", "Nguyen", "Moreau", "Lefebvre",
              "Côté", "Bouchard", "Garcia", "Petit", "Lambert", "Fontaine", "Mercier", "Dubois", "Girard")
AFFILIATIONS = ("Université Laval", "ENAP", "HEC Montréal", "Ville de Québec", "Inria", "CNRS", "Sciences Po",
                "Polytechnique Montréal", "Ministère de la Santé", "Mila")


@dataclass
class Instance:
    """A generated conference: one list of row dicts per file of the input contract, plus the plant."""

    size: Size
    seed: int
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def planted(self) -> list[dict[str, Any]]:
        return self.tables["planted.csv"]

    def write(self, folder: Path) -> Path:
        """Write every table as CSV (UTF-8, `,`); returns the folder."""
        folder.mkdir(parents=True, exist_ok=True)
        for name, rows in self.tables.items():
            with (folder / name).open("w", newline="", encoding="utf-8") as fh:
                writer = csv.DictWriter(fh, fieldnames=COLUMNS[name], lineterminator="\n")
                writer.writeheader()
                for row in rows:
                    writer.writerow({k: "" if v is None else v for k, v in row.items()})
        return folder


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _slot_times(n: int) -> list[tuple[int, int]]:
    """`n` slots of 45 min every hour from 08:30, with a one-hour lunch break after the first half."""
    out = []
    for i in range(n):
        start = 8 * 60 + 30 + 60 * i + (60 if i >= n // 2 else 0)
        out.append((start, start + 45))
    return out


def _capacities(rng: random.Random, n: int) -> list[int]:
    """Skewed: ~6 % large halls (300–1,200 seats), the rest log-normal around 60 seats (20–250)."""
    halls = max(1, round(0.06 * n))
    caps = [5 * round(rng.uniform(300, 1200) / 5) for _ in range(halls)]
    caps += [5 * round(min(250, max(20, math.exp(rng.gauss(math.log(60), 0.55)))) / 5) for _ in range(n - halls)]
    rng.shuffle(caps)
    return caps


def _rooms(rng: random.Random, size: Size) -> list[dict[str, Any]]:
    rooms = []
    buildings = [f"Pavillon {chr(65 + i)}" for i in range(max(1, size.rooms // 12))]
    for i, cap in enumerate(_capacities(rng, size.rooms)):
        features = ["projecteur"] if rng.random() < 0.9 or cap >= 150 else []
        if cap >= 150 or rng.random() < 0.3:
            features.append("micro")
        if cap >= 300 or rng.random() < 0.05:
            features.append("captation")
        if cap <= 80 and rng.random() < 0.35:
            features.append("tables")
        hall = cap >= 300
        rooms.append({"room_id": f"R{i + 1:03d}", "name": f"{'Amphithéâtre' if hall else 'Salle'} {i + 1:03d}",
                      "capacity": cap, "features": ";".join(features), "building": rng.choice(buildings)})
    return rooms


def _slots(size: Size) -> list[dict[str, Any]]:
    slots = []
    for d in range(size.days):
        day = FIRST_DAY + dt.timedelta(days=d)
        for i, (start, end) in enumerate(_slot_times(size.slots_per_day)):
            plenary = (d, i) in ((0, 0), (size.days - 1, size.slots_per_day - 1))  # opening and closing
            slots.append({"slot_id": f"D{d + 1}-{i + 1:02d}", "day": day.isoformat(), "start": _hhmm(start),
                          "end": _hhmm(end), "kind": PLENARY if plenary else "",
                          "label": "Plénière" if plenary else ""})
    return slots


@dataclass
class _Plant:
    """The planted schedule under construction: which (room, slot index) cells are taken."""

    rooms: list[dict[str, Any]]
    slots: list[dict[str, Any]]
    per_day: int
    taken: set[tuple[int, int]] = field(default_factory=set)

    def free_runs(self, length: int, kind: str) -> list[tuple[int, int]]:
        """(room index, first slot index) of every free run of `length` same-day slots of the given kind."""
        out = []
        for t, _slot in enumerate(self.slots):
            if (t % self.per_day) + length > self.per_day:
                continue
            if any(self.slots[t + k]["kind"] != kind for k in range(length)):
                continue
            for r in range(len(self.rooms)):
                if all((r, t + k) not in self.taken for k in range(length)):
                    out.append((r, t))
        return out

    def take(self, r: int, t: int, length: int) -> None:
        for k in range(length):
            self.taken.add((r, t + k))


def _speakers_for(rng: random.Random, count: int, busy: dict[str, set[int]], cells: set[int],
                  people: list[str]) -> list[str]:
    """Pick `count` speakers free at `cells`: ~18 % reuse someone already speaking, the rest are new people."""
    chosen: list[str] = []
    for _ in range(count):
        person = None
        if people and rng.random() < 0.18:
            for _attempt in range(6):
                cand = rng.choice(people)
                if cand not in chosen and not (busy[cand] & cells):
                    person = cand
                    break
        if person is None:
            person = f"P{len(people) + 1:05d}"
            people.append(person)
            busy[person] = set()
        busy[person] |= cells
        chosen.append(person)
    return chosen


def _unavailability(rng: random.Random, size: Size, slots: list[dict[str, Any]], people: list[str],
                    busy: dict[str, set[int]], share: float) -> list[dict[str, Any]]:
    """Windows for `share` of the speakers, each avoiding that speaker's planted slots (whole days or halves)."""
    times = _slot_times(size.slots_per_day)
    half = size.slots_per_day // 2
    halves = [(0, half, "matin", "08:00", "12:30"), (half, size.slots_per_day, "après-midi", "13:30", "20:00")]
    target = round(share * len(people))
    rows: list[dict[str, Any]] = []
    count = 0
    for person in rng.sample(people, len(people)):
        if count == target:
            break
        options = []
        for d in range(size.days):
            day_cells = set(range(d * size.slots_per_day, (d + 1) * size.slots_per_day))
            day = slots[d * size.slots_per_day]["day"]
            if not busy[person] & day_cells:
                options.append({"who": person, "day": day, "start": "", "end": "", "note": "absent ce jour-là"})
                continue
            for lo, hi, name, start, end in halves:
                cells = {d * size.slots_per_day + i for i in range(lo, hi)}
                if not busy[person] & cells:
                    options.append({"who": person, "day": day, "start": start, "end": end,
                                    "note": f"indisponible l'{name}" if name[0] == "a" else f"indisponible le {name}"})
            # a one-slot window: a meeting elsewhere
            free = [i for i in range(size.slots_per_day) if d * size.slots_per_day + i not in busy[person]]
            if free:
                i = rng.choice(free)
                options.append({"who": person, "day": day, "start": _hhmm(times[i][0] - 10),
                                "end": _hhmm(times[i][1] + 5), "note": "réunion"})
        if not options:
            continue
        rows.extend(rng.sample(options, min(len(options), rng.choice((1, 1, 1, 2)))))
        count += 1
    return rows


def generate(size: Size | str, seed: int = 1) -> Instance:
    """A conference of `size` drawn from `seed` (deterministic), with its planted schedule."""
    size = SIZES[size] if isinstance(size, str) else size
    rng = random.Random(f"salle-bench/{size.name}/{seed}")
    rooms = _rooms(rng, size)
    slots = _slots(size)
    plant = _Plant(rooms, slots, size.slots_per_day)
    caps = [r["capacity"] for r in rooms]
    biggest = sorted(range(len(rooms)), key=lambda r: -caps[r])
    tracks = [f"{t.capitalize()}" for t in TOPICS[: max(3, min(len(TOPICS), size.sessions // 40))]]
    if size.sessions > 600:
        tracks += [f"{t.capitalize()} {k}" for k in (2, 3) for t in TOPICS][: size.sessions // 100]

    # What each session is: keynotes (one per plenary slot), ~3 % two-slot workshops, talks.
    plenary_slots = [t for t, s in enumerate(slots) if s["kind"] == PLENARY]
    keynotes = len(plenary_slots)
    workshops = max(1, round(0.03 * size.sessions))
    plan: list[tuple[str, int]] = [("keynote", 1)] * keynotes + [("workshop", 2)] * workshops
    plan += [("talk", 1)] * (size.sessions - len(plan))

    busy: dict[str, set[int]] = {}
    people: list[str] = []
    sessions: list[dict[str, Any]] = []
    planted: list[dict[str, Any]] = []
    for n, (what, length) in enumerate(plan):
        sid = f"S{n + 1:05d}"
        if what == "keynote":
            r, t = biggest[n % len(biggest)], plenary_slots[n]
        elif length == 1:
            r, t = _free_cell(rng, plant, len(rooms), len(slots))
        else:
            runs = plant.free_runs(length, "")
            if not runs:
                raise ValueError(f"size {size.name}: no free run of {length} slots left for {sid}")
            r, t = rng.choice([rt for rt in runs if caps[rt[0]] <= 120] or runs)  # workshops: small rooms
        plant.take(r, t, length)
        room = rooms[r]
        cap = room["capacity"]
        share = rng.uniform(0.6, 1.0) if what == "keynote" else rng.betavariate(4, 2)
        attendance = max(5, min(cap, round(cap * share)))
        have = [f for f in room["features"].split(";") if f]
        requires = [f for f in have if rng.random() < (0.8 if f == "projecteur" else 0.25)]
        if what == "workshop" and "tables" in have:
            requires.append("tables")
        count = 1 if what == "keynote" else rng.choices((1, 2, 3), (0.7, 0.22, 0.08))[0]
        speakers = _speakers_for(rng, count, busy, set(range(t, t + length)), people)
        topic = rng.choice(TOPICS)
        fmt = "Atelier" if what == "workshop" else "Conférence plénière" if what == "keynote" else rng.choice(
            FORMATS[:4])
        pin_room = what == "keynote" or rng.random() < 0.02
        pin_slot = what == "keynote" or rng.random() < 0.02
        sessions.append({
            "session_id": sid, "title": f"{fmt} : {topic} ({sid})", "speakers": ";".join(speakers),
            "attendance": attendance, "kind": PLENARY if what == "keynote" else "",
            "track": "Plénière" if what == "keynote" else rng.choice(tracks),
            "requires": ";".join(dict.fromkeys(requires)), "length": length if length > 1 else "",
            "room": room["room_id"] if pin_room else "", "slot": slots[t]["slot_id"] if pin_slot else "",
            "description": "",
        })
        planted.append({"session_id": sid, "room_id": room["room_id"], "slot_id": slots[t]["slot_id"]})

    speakers = [{"speaker_id": p, "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                 "affiliation": rng.choice(AFFILIATIONS)} for p in people]
    unavailability = _unavailability(rng, size, slots, people, busy, rng.uniform(0.21, 0.29))
    unavailability += _closures(rng, size, rooms, plant)
    order = list(range(len(sessions)))
    rng.shuffle(order)  # keynotes and workshops are not all at the top of sessions.csv
    inst = Instance(size, seed)
    inst.tables = {
        "rooms.csv": rooms, "slots.csv": slots, "sessions.csv": [sessions[i] for i in order],
        "speakers.csv": speakers, "unavailability.csv": unavailability,
        "planted.csv": [planted[i] for i in order],
    }
    return inst


def _free_cell(rng: random.Random, plant: _Plant, rooms: int, slots: int) -> tuple[int, int]:
    """A random free (room, slot) cell outside plenary slots: rejection sampling, then a scan."""
    for _ in range(200):
        r, t = rng.randrange(rooms), rng.randrange(slots)
        if (r, t) not in plant.taken and not plant.slots[t]["kind"]:
            return r, t
    free = [(r, t) for t in range(slots) for r in range(rooms)
            if (r, t) not in plant.taken and not plant.slots[t]["kind"]]
    if not free:
        raise ValueError("the planted schedule is full: more sessions than free (room, slot) cells")
    return rng.choice(free)


def _closures(rng: random.Random, size: Size, rooms: list[dict[str, Any]], plant: _Plant) -> list[dict[str, Any]]:
    """~5 % of rooms closed for a half day where the plant does not use them."""
    out = []
    half = size.slots_per_day // 2
    for r in rng.sample(range(len(rooms)), max(1, round(0.05 * len(rooms)))):
        d = rng.randrange(size.days)
        base = d * size.slots_per_day
        for lo, hi, start, end in ((0, half, "08:00", "12:30"), (half, size.slots_per_day, "13:30", "20:00")):
            if all((r, base + i) not in plant.taken for i in range(lo, hi)):
                out.append({"who": rooms[r]["room_id"], "day": plant.slots[base]["day"], "start": start,
                            "end": end, "note": "salle réservée"})
                break
    return out


def instance_dir(size: str, seed: int, cache: Path = CACHE) -> Path:
    """The cached folder of (size, seed), generated on first use."""
    folder = cache / f"{size}-{seed}"
    if not (folder / "planted.csv").is_file():
        generate(size, seed).write(folder)
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", choices=list(SIZES))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="folder to write (default bench/instances/SIZE-SEED)")
    args = parser.parse_args(argv)
    folder = generate(args.size, args.seed).write(args.out) if args.out else instance_dir(args.size, args.seed)
    print(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
