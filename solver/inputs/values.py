"""Cell parsers for the input contract: times (`13:30`, `13h30`, `13h`), dates, integers, id lists.

Each parser takes the cell's text and returns a value or raises ValueError with a message an organizer can act
on; the records turn these into `file:row: column: message` lines.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated, Any

from pydantic import BeforeValidator

from solver.errors import shown

# Limits on numbers, so that every term of the objective (a weight times an amount) stays below 10^9 and the
# objective of any conference that fits in memory stays far below 2^53 (exact in a float) and CP-SAT's int64.
MAX_SEATS = 100_000  # capacity, attendance
MAX_WEIGHT = 10_000  # rule weights and parameters, interest and preference weights
MAX_LENGTH = 300  # consecutive slots of one session (a day of 5-minute steps is 288)
MAX_MINUTES = 24 * 60  # a duration, a grid step, a changeover
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2999, 12, 31)

_TIME = re.compile(r"^(?P<h>\d{1,2})\s*(?:[:hH]\s*(?P<m>\d{2})?)?(?::(?P<s>\d{2}))?$")


def parse_time(value: Any) -> int:
    """Minutes after midnight from `13:30`, `13h30`, `13h`, `9:05`, `13:30:00` (as Excel saves it)."""
    if isinstance(value, int):
        return value
    text = str(value).strip()
    match = _TIME.match(text)
    if not text or not match or (match.group("m") is None and not re.search(r"[hH]$", text)):
        raise ValueError(f"expected a time such as 13:30, 13h30 or 13h, got {shown(text)}")
    hours, minutes = int(match.group("h")), int(match.group("m") or 0)
    if hours > 24 or minutes > 59 or (hours == 24 and minutes > 0):
        raise ValueError(f"{shown(text)} is not a time of day")
    return hours * 60 + minutes


def format_time(minutes: int) -> str:
    """`13:30` for 810."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def format_time_fr(minutes: int) -> str:
    """`13h30` (and `13h` on the hour), as French programmes print times."""
    h, m = divmod(minutes, 60)
    return f"{h}h{m:02d}" if m else f"{h}h"


def parse_day(value: Any) -> dt.date:
    """A day as YYYY-MM-DD (Excel's `2027-05-13 00:00:00` is accepted too)."""
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    text = re.sub(r"[ T]00:00(:00)?$", "", text)
    try:
        day = dt.date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        day = None
    if day is None:
        raise ValueError(f"expected a date as YYYY-MM-DD (for example 2027-05-13), got {shown(text)}")
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"expected a date between {FIRST_DAY.year} and {LAST_DAY.year}, got {shown(text)}")
    return day


def parse_int(value: Any) -> int:
    """A whole number; tolerates `90.0` and thousands separators (`1 200`) as spreadsheets write them.

    Read exactly (never through a float, so 9007199254740993 stays itself); ranges are the records' business.
    """
    if isinstance(value, bool):
        raise ValueError(f"expected a whole number, got {shown(value)}")
    if isinstance(value, int):
        return value
    text = re.sub(r"[\s\u00a0\u202f]", "", str(value))
    match = re.fullmatch(r"([+-]?\d{1,30})(\.0+)?", text)
    if match:
        return int(match.group(1))
    raise ValueError(f"expected a whole number, got {shown(value)}")


def parse_optional_int(value: Any) -> int | None:
    return None if value is None or str(value).strip() == "" else parse_int(value)


def parse_list(value: Any) -> tuple[str, ...]:
    """Ids separated by `;` (or `,`), blanks dropped, order kept, duplicates removed; an item holding an invisible
    formatting character is refused (it would name nothing, or something other than it seems)."""
    if isinstance(value, list | tuple):
        items = [str(v).strip() for v in value]
    else:
        items = [part.strip() for part in re.split(r"[;,]", str(value or ""))]
    for item in items:
        why = invisible(item)
        if why:
            raise ValueError(f"{shown(item)} {why}")
    return tuple(dict.fromkeys(i for i in items if i))


# CON, PRN, AUX, NUL, COM1-9, LPT1-9 (and con.txt, nul.csv…): names Windows keeps for its devices
_WINDOWS_DEVICE = re.compile(r"(CON|PRN|AUX|NUL|COM[1-9¹²³]|LPT[1-9¹²³])(\..*)?", re.IGNORECASE)


def invisible(text: str) -> str | None:
    """A sentence naming the first invisible formatting character of `text` (Unicode category Cf: zero-width
    joiners and spaces, bidirectional overrides such as U+202E, soft hyphens…), or None."""
    for position, char in enumerate(text, start=1):
        if unicodedata.category(char) == "Cf":
            name = unicodedata.name(char, "a format character").lower()
            return (f"contains the invisible character U+{ord(char):04X} ({name}) at position {position}: two ids "
                    "that look the same would be two different ones; remove it")
    return None


def require_id(value: Any) -> str:
    """An id: one line of text without `;` or `,` (lists of ids are separated by them), without invisible
    formatting characters (`ali\u200dce` is not `alice`), and not a name Windows keeps for a device (`CON`,
    `nul.txt`: salle writes files named after ids)."""
    text = require_text(value)
    if re.search(r"[;,]", text):
        raise ValueError(f"an id must not contain ';' or ',' (lists of ids are separated by them), got {shown(text)}")
    if re.search(r"[\t\r\n]", text):
        raise ValueError(f"an id must be one line without tabs, got {shown(text)}")
    why = invisible(text)
    if why:
        raise ValueError(f"the id {why}")
    if _WINDOWS_DEVICE.fullmatch(text.rstrip(" .")):
        raise ValueError(f"{shown(text)} is a name Windows keeps for a device (CON, PRN, AUX, NUL, COM1-9, LPT1-9): "
                         "files named after it cannot be created there; choose another id")
    return text


def blank_to_none(value: Any) -> Any:
    return None if value is None or (isinstance(value, str) and value.strip() == "") else value


def require_text(value: Any) -> str:
    text = "" if value is None else str(value).strip()
    if not text:
        raise ValueError("must not be empty")
    return text


Time = Annotated[int, BeforeValidator(parse_time)]
OptionalTime = Annotated[int | None, BeforeValidator(lambda v: None if blank_to_none(v) is None else parse_time(v))]
Day = Annotated[dt.date, BeforeValidator(parse_day)]
Int = Annotated[int, BeforeValidator(parse_int)]
OptionalInt = Annotated[int | None, BeforeValidator(parse_optional_int)]
IdList = Annotated[tuple[str, ...], BeforeValidator(parse_list)]
Text = Annotated[str, BeforeValidator(require_text)]
Id = Annotated[str, BeforeValidator(require_id)]
OptionalText = Annotated[str | None, BeforeValidator(blank_to_none)]
