"""`INPUTS/conference.yaml`: what the conference is called, where its clocks are, and in which language it
publishes. Read by solve, export, check and diff; written by `salle import frab`; command-line options win.

```yaml
title: FOSDEM 2025
acronym: fosdem2025
timezone: Europe/Brussels      # IANA name: the calendars and schedule.xml/json are in this time zone
locale: en                     # fr_CA, fr, en, en_GB…: the language of the pages and calendars
base_url: https://fosdem.org/2025/schedule/
venue: ULB Solbosch, Brussels  # optional
```
Every key is optional. A bad file is reported like a constraint file: file, line, key and what is allowed
(`conference.yaml:3: timezone: unknown time zone 'Europe/Bruxelles' …; did you mean 'Europe/Brussels'?`).
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from solver.errors import InputError, Issue, clip, shown
from solver.inputs.files import NotReadable, read_limited

CONFERENCE = "conference.yaml"
MAX_CONFERENCE_BYTES = 64 * 1024
DEFAULT_TIMEZONE = "America/Toronto"
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ufffe\uffff]")


class ConferenceFile(BaseModel):
    """The conference's own settings; None where the file says nothing (salle's default, or the option, applies)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str | None = Field(default=None, min_length=1, max_length=200)
    acronym: str | None = Field(default=None, min_length=1, max_length=80)
    timezone: str | None = None
    locale: str | None = None
    base_url: str | None = Field(default=None, max_length=2000)
    venue: str | None = Field(default=None, min_length=1, max_length=200)
    # how many attendees the conference expects: sessions without an attendance get one estimated from the
    # wishes of interests.csv (solver.inputs.load)
    attendees: int | None = Field(default=None, ge=1, le=10_000_000)

    @field_validator("title", "acronym", "venue", "base_url")
    @classmethod
    def _printable(cls, value: str | None) -> str | None:
        if value is not None and _CONTROL.search(value):
            raise ValueError("contains a control character: keep it on one line of plain text")
        return value.strip() if value is not None else None

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            near = difflib.get_close_matches(value, sorted(available_timezones()), n=1)
            hint = f"; did you mean '{near[0]}'?" if near else ""
            raise ValueError(f"unknown time zone {shown(value)} (an IANA name such as Europe/Brussels){hint}") from None
        return value

    @field_validator("locale")
    @classmethod
    def _locale(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from solver.publish.locale import texts

        texts(value)  # ValueError: unknown, or neither French nor English
        return value

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"https?://[^\s/]+", value):
            raise ValueError(f"must start with http:// or https:// and a host name, got {shown(value)}")
        return value


def load_conference(folder: Path | None) -> ConferenceFile:
    """`folder/conference.yaml`, validated; an empty `ConferenceFile` when the folder has none."""
    if folder is None:
        return ConferenceFile()
    path = Path(folder) / CONFERENCE
    if not path.exists() and not path.is_symlink():
        return ConferenceFile()
    return read_conference(path)  # a device, a pipe or a broken link there is refused, not ignored


def read_conference(path: Path) -> ConferenceFile:
    """One conference file; InputError naming the file, line and key of every problem."""
    from solver.config import _lines, _parse, _Refused  # the constraint files' safe, line-aware YAML reader

    name = str(path)
    try:
        text = read_limited(path, MAX_CONFERENCE_BYTES, "conference file", "a conference file is limited to"
                            ).decode("utf-8-sig")
    except NotReadable as exc:
        raise InputError([Issue(name, exc.message)]) from None
    except UnicodeDecodeError as exc:
        raise InputError([Issue(name, f"not valid UTF-8 (byte {exc.start}): save it as UTF-8")]) from None
    try:
        data, node = _parse(text)
        lines = _lines(node)
    except _Refused as exc:
        raise InputError([Issue(name, exc.message, row=exc.line)]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError([Issue(name, f"not valid YAML: {problem}", row=mark.line + 1 if mark else None)]) from None
    if data is None:
        return ConferenceFile()
    if not isinstance(data, dict):
        raise InputError([Issue(name, "must be a mapping such as 'title: …', 'timezone: Europe/Brussels'")])
    allowed = list(ConferenceFile.model_fields)
    issues: list[Issue] = []
    values: dict[str, Any] = {}
    for key, value in data.items():
        key = str(key)
        row = lines.get((key,))
        if key not in allowed:
            near = difflib.get_close_matches(key, [*allowed, "time_zone", "url", "language"], n=1)
            alias = {"time_zone": "timezone", "url": "base_url", "language": "locale"}
            hint = f" Did you mean '{alias.get(near[0], near[0])}'?" if near else ""
            issues.append(Issue(name, f"unknown key.{hint} Allowed: {', '.join(allowed)}", row, clip(key)))
            continue
        if isinstance(value, bool) or (value is not None and not isinstance(value, str | int | float)):
            issues.append(Issue(name, f"expected text, got {shown(value)}", row, key))
            continue
        values[key] = None if value is None else str(value)
    if not issues:
        try:
            return ConferenceFile.model_validate(values)
        except ValidationError as exc:
            for e in exc.errors():
                key = str(e["loc"][0]) if e["loc"] else ""
                message = str(e["msg"]).removeprefix("Value error, ")
                if e["type"] == "string_too_long":
                    message = f"at most {e.get('ctx', {}).get('max_length')} characters"
                elif e["type"] == "string_too_short":
                    message = "must not be empty (leave the key out instead)"
                issues.append(Issue(name, message, lines.get((key,)), key or None))
    raise InputError(issues)


def conference_yaml(conf: ConferenceFile, note: str = "") -> str:
    """The file's text (keys in the documented order, empty ones left out)."""
    head = f"# {note}\n" if note else ""
    data = {k: v for k, v in conf.model_dump().items() if v is not None}
    return head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
