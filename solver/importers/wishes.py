"""`salle import wishes`: attendees' wishes as conferences collect them, written as the inputs folder's
interests.csv (attendee_id, session_id, weight).

Formats (found by the file's shape, or given with `--format`):
- `pretalx-votes`: pretalx's public-voting plugin export `SLUG-public-votes.csv` (code, voter, timestamp, score):
  each vote is an interest of weight `score`; a score of 0 ("no") wants nothing and is left out;
- `halfnarp`: a halfnarp-style JSON export, a list of objects (or {"preferences": [...]}) each with the voter's
  hash (`hash`, `uid`, `uuid` or `id`) and the talks they want (`pref`, `preferred_submissions`, `preferences`,
  `submissions` or `talks`: a list, or ids separated by commas);
- `csv`: a long table, one row per wish: who (`attendee_id`, `attendee`, `who`, `voter` or `email`), which
  session (`session_id`, `session`, `talk`, `code` or `submission`) and optionally `weight` (or `score`).
A talk is found by its session_id, else by the sessions.csv columns imports keep (`pretalx_code`, `frab_id`,
`sessionize_id`, `guid`). Wishes for talks the conference does not have are counted in a note, never silently
dropped; voters stay pseudonymous (their hash, never an e-mail: an address is replaced by a short hash).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

from solver.errors import InputError, Issue, shown
from solver.inputs import load_problem
from solver.inputs.files import NotReadable, read_limited
from solver.publish.atomic import write_atomically

MAX_BYTES = 50 * 1024 * 1024
FORMATS = ("pretalx-votes", "halfnarp", "csv")
WHO = ("attendee_id", "attendee", "who", "voter", "email", "hash")
WHAT = ("session_id", "session", "talk", "code", "submission")
WEIGHT = ("weight", "score")
ALIASES = ("pretalx_code", "frab_id", "sessionize_id", "guid")


def _pseudonym(who: str) -> str:
    """A voter as interests.csv keeps them: their own id, or a short hash where it is an e-mail address."""
    who = who.strip()
    return "v" + hashlib.sha256(who.lower().encode()).hexdigest()[:12] if "@" in who else who


def _read(path: Path) -> str:
    try:
        return read_limited(path, MAX_BYTES, "wishes file", "a wishes file is limited to").decode("utf-8-sig")
    except NotReadable as exc:
        raise InputError([Issue(str(path), exc.message)]) from None
    except UnicodeDecodeError as exc:
        raise InputError([Issue(str(path), f"is not UTF-8 (byte {exc.start}): save it as UTF-8")]) from None


def _column(header: list[str], names: tuple[str, ...]) -> str | None:
    lowered = {h.strip().lower(): h for h in header}
    return next((lowered[n] for n in names if n in lowered), None)


def read_wishes(path: Path, fmt: str | None = None) -> tuple[list[tuple[str, str, int | None]], str]:
    """(voter, talk id, weight) triples and the format they were read as; InputError naming the file."""
    text = _read(path)
    if fmt is None:
        fmt = "halfnarp" if text.lstrip()[:1] in "[{" else None
    if fmt == "halfnarp":
        return _halfnarp(path, text), "halfnarp"
    sample = text[:4096]
    dialect = ";" if sample.count(";") > sample.count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=dialect))
    if not rows:
        raise InputError([Issue(str(path), "is empty")])
    header = rows[0]
    if fmt is None:
        fmt = "pretalx-votes" if {h.strip().lower() for h in header} >= {"code", "voter", "score"} else "csv"
    who, what, weight = _column(header, WHO), _column(header, WHAT), _column(header, WEIGHT)
    if who is None or what is None:
        raise InputError([Issue(str(path), f"needs a column for who ({', '.join(WHO)}) and one for the talk "
                                           f"({', '.join(WHAT)}); the header is {shown(','.join(header))}", 1)])
    at = {h: i for i, h in enumerate(header)}
    out: list[tuple[str, str, int | None]] = []
    issues: list[Issue] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {h: row[i].strip() if i < len(row) else "" for h, i in at.items()}
        value: int | None = None
        if weight is not None and cells[weight]:
            try:
                value = int(float(cells[weight]))
            except ValueError:
                issues.append(Issue(str(path), f"expected a whole number, got {shown(cells[weight])}", number, weight))
                continue
            if not 0 <= value <= 10_000:
                issues.append(Issue(str(path), f"must be from 0 to 10,000, got {value}", number, weight))
                continue
        if not cells[who] or not cells[what]:
            issues.append(Issue(str(path), "who and which talk must not be empty", number,
                                who if not cells[who] else what))
            continue
        out.append((_pseudonym(cells[who]), cells[what], value))
    if issues:
        raise InputError(issues[:50])
    return out, fmt


def _halfnarp(path: Path, text: str) -> list[tuple[str, str, int | None]]:
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError([Issue(str(path), f"is not JSON (line {exc.lineno}, column {exc.colno})")]) from None
    if isinstance(data, dict):
        data = next((data[k] for k in ("preferences", "votes", "results") if isinstance(data.get(k), list)), None)
    if not isinstance(data, list):
        raise InputError([Issue(str(path), "is not a halfnarp export: a list of {hash, pref} objects was expected")])
    out: list[tuple[str, str, int | None]] = []
    for n, item in enumerate(data):
        if not isinstance(item, dict):
            raise InputError([Issue(str(path), f"entry {n + 1} is not an object")])
        who = next((str(item[k]) for k in ("hash", "uid", "uuid", "id") if item.get(k) not in (None, "")), f"#{n + 1}")
        talks = next((item[k] for k in ("pref", "preferred_submissions", "preferences", "submissions", "talks")
                      if k in item), None)
        if isinstance(talks, str):
            talks = [t for t in talks.split(",") if t.strip()]
        if not isinstance(talks, list):
            raise InputError([Issue(str(path), f"entry {n + 1} ({shown(who)}) gives no list of talks (pref)")])
        out.extend((_pseudonym(who), str(t).strip(), None) for t in talks if str(t).strip())
    return out


def import_wishes(path: Path, inputs: Path, fmt: str | None = None, replace: bool = False) -> tuple[Path, list[str]]:
    """Write `inputs/interests.csv` from a wishes file; return it and notes (what was read, what left out)."""
    problem = load_problem(inputs)
    target = inputs / "interests.csv"
    if target.exists() and not replace:
        raise InputError([Issue(str(target), "already exists: give --force to replace it (its wishes would be lost)")])
    wishes, found = read_wishes(path, fmt)
    ids: dict[str, str] = {s.session_id: s.session_id for s in problem.sessions}
    for s in problem.sessions:
        for column in ALIASES:
            alias = s.extra.get(column, "").strip()
            if alias:
                ids.setdefault(alias, s.session_id)
    kept: dict[tuple[str, str], int | None] = {}
    unknown: Counter[str] = Counter()
    zero = 0
    for who, talk, weight in wishes:
        sid = ids.get(talk)
        if sid is None:
            unknown[talk] += 1
            continue
        if weight == 0:
            zero += 1
            continue
        previous = kept.get((who, sid))
        kept[(who, sid)] = weight if previous is None or (weight or 1) > (previous or 1) else previous
    notes = [f"{path}: {len(wishes):,} wishes read as {found}: {len(kept):,} kept, from "
             f"{len({w for w, _ in kept}):,} attendees on {len({s for _, s in kept}):,} sessions"]
    if unknown:
        notes.append(f"{sum(unknown.values()):,} wishes name {len(unknown)} talk(s) the conference does not have "
                     f"(left out): {', '.join(sorted(unknown)[:8])}{' …' if len(unknown) > 8 else ''}")
    if zero:
        notes.append(f"{zero:,} votes of score 0 (no) want nothing: left out")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["attendee_id", "session_id", "weight"])
    for (who, sid), weight in sorted(kept.items()):
        writer.writerow([who, sid, "" if weight is None else weight])
    write_atomically({target: out.getvalue()})
    return target, notes
