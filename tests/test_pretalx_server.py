"""A real pretalx (tests/pretalx/server.py) answers salle's API calls: read, move a talk, release.

Skips, saying why, where pretalx's virtualenv is absent (install it with `bash tests/pretalx/install.sh`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest

from tests.pretalx.server import Server, running_pretalx, why_unavailable


@pytest.fixture(scope="session")
def pretalx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    reason = why_unavailable()
    if reason:
        pytest.skip(reason)
    with running_pretalx(tmp_path_factory.mktemp("pretalx")) as server:
        yield server


def test_token_reads_submissions_and_others_are_refused(pretalx: Server) -> None:
    status, page = pretalx.request("GET", "/api/events/democon/submissions/?page_size=250&state=confirmed")
    assert status == 200, page
    assert page["next"] is None and page["count"] == len(page["results"]) == pretalx.info["confirmed"] > 0
    assert all(s["state"] == "confirmed" and s["duration"] in (30, 90) for s in page["results"])

    status, body = pretalx.request("GET", "/api/events/democon/submissions/", token="not-a-token")
    assert (status, body) == (401, {"detail": "Invalid token."})
    status, body = pretalx.request("PATCH", "/api/events/democon/slots/1/", {"room": None},
                                   token=pretalx.readonly_token)
    assert status == 403, body


def _wip_slot(pretalx: Server, code: str) -> dict:
    status, wip = pretalx.request("GET", "/api/events/democon/schedules/wip/?expand=slots")
    assert status == 200, wip
    return next(s for s in wip["slots"] if s["submission"] == code)


def test_slot_patch_places_an_unplaced_talk(pretalx: Server) -> None:
    code = pretalx.info["unplaced"][0]
    slot = _wip_slot(pretalx, code)
    assert slot["start"] is None and slot["room"] is None
    status, talk = pretalx.request("GET", f"/api/events/democon/submissions/{code}/?expand=speakers")
    assert status == 200, talk

    # 16:00 local, after create_test_event's last session of the day (15:30), on a day all its speakers are there
    tz = ZoneInfo(pretalx.info["timezone"])
    length = dt.timedelta(minutes=talk["duration"])

    def everyone_there(start: dt.datetime) -> bool:
        def free(a: dict) -> bool:
            return dt.datetime.fromisoformat(a["start"]) <= start <= dt.datetime.fromisoformat(a["end"]) - length
        return all(any(free(a) for a in speaker["availabilities"]) for speaker in talk["speakers"])

    days = [dt.date.fromisoformat(day) for day in pretalx.info["days"]]
    starts = [dt.datetime.combine(day, dt.time(16, 0), tzinfo=tz) for day in days]
    start = next(s for s in starts if everyone_there(s))
    room = pretalx.info["rooms"][0]["id"]
    status, body = pretalx.request("PATCH", f"/api/events/democon/slots/{slot['id']}/",
                                   {"room": room, "start": start.isoformat()})
    assert status == 200, body
    assert body["room"] == room and body["duration"] == talk["duration"]
    assert dt.datetime.fromisoformat(body["start"]) == start
    assert dt.datetime.fromisoformat(body["end"]) == start + length

    in_db = pretalx.orm(f"""
from pretalx.schedule.models import TalkSlot
slot = TalkSlot.objects.get(pk={slot['id']})
result = {{"room": slot.room_id, "start": slot.start.isoformat(), "schedule": slot.schedule.version}}
""")
    assert in_db["room"] == room and in_db["schedule"] is None
    assert dt.datetime.fromisoformat(in_db["start"]) == start
    assert [w for w in pretalx.schedule_warnings() if w["submission"] == code] == []


def test_schedule_release_publishes_the_wip(pretalx: Server) -> None:
    status, body = pretalx.request("POST", "/api/events/democon/schedules/release/",
                                   {"version": "salle-test-1", "comment": "released by salle's tests"})
    assert status == 201, body
    assert body["version"] == "salle-test-1" and body["published"]
    status, again = pretalx.request("POST", "/api/events/democon/schedules/release/", {"version": "salle-test-1"})
    assert status == 400 and "already exists" in again["version"][0]

    status, latest = pretalx.request("GET", "/api/events/democon/schedules/latest/")
    assert status == 200 and latest["version"] == "salle-test-1"
    status, xml = pretalx.request("GET", "/democon/schedule.xml", token="")  # public, anonymous
    assert status == 200 and "<version>salle-test-1</version>" in xml
