"""Time zones as organizers write them: `GMT+2`, `UTC-05:30`, `+01:00` or an IANA name (`Asia/Tokyo`)."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

_OFFSET = re.compile(r"^(?:GMT|UTC)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)


def parse_timezone(text: str) -> dt.tzinfo:
    """The time zone `text` names; a ValueError saying what is accepted otherwise."""
    value = text.strip()
    if value.upper() in ("GMT", "UTC", "Z"):
        return dt.UTC
    match = _OFFSET.match(value)
    if match:
        sign, hours, minutes = match.group(1), int(match.group(2)), int(match.group(3) or 0)
        if hours > 14 or minutes >= 60:
            raise ValueError(f"{value!r} is not a UTC offset (at most ±14:00)")
        delta = dt.timedelta(hours=hours, minutes=minutes)
        return dt.timezone(-delta if sign == "-" else delta)
    try:
        return zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {value!r}: write GMT+2, UTC-05:30 or an IANA name such as "
                         "Asia/Tokyo") from exc
