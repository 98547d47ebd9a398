"""The files people read, without a browser: language (French and English), what attendees and organizers see,
sessions without a time, calendars that update (stable UID, DTSTAMP, SEQUENCE)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from icalendar import Calendar

from solver.inputs import load_problem
from solver.publish import render_publications
from solver.publish.ical import read_sequences
from solver.publish.locale import guess_locale, texts
from tests.conftest import ROOT, make_conference
from tests.publish_cases import STAMP, english, long_day, publish, seed

NBSP = "\u00a0"


def plain(text: str | bytes) -> str:
    """Text with no-break spaces read as spaces (CLDR puts one before AM/PM)."""
    return (text.decode() if isinstance(text, bytes) else text).replace(NBSP, " ")


def visible(page: str | bytes) -> str:
    """The page's text as a reader gets it: no tags, no style, no script."""
    return re.sub(r"<script>.*?</script>|<style>.*?</style>|<[^>]+>", " ", plain(page), flags=re.S)


def events(ics: str | bytes) -> dict[str, dict]:
    cal = Calendar.from_ical(ics)
    return {str(e["uid"]).split("@")[0]: e for e in cal.walk("VEVENT")}


# -- language -----------------------------------------------------------------------------------------------
def test_texts_format_dates_and_times_as_each_locale_does() -> None:
    fr, en = texts("fr_CA"), texts("en")
    day = dt.date(2027, 5, 13)
    assert (fr.day(day), fr.long_day(day), fr.time(810), fr.hours(810, 885)) == (
        "jeudi 13 mai", "jeudi 13 mai 2027", "13 h 30", "13 h 30 – 14 h 45")
    assert plain(en.day(day)) == "Thursday, May 13" and plain(en.time(810)) == "1:30 PM"
    assert plain(en.hours(810, 885)) == "1:30 – 2:45 PM" and plain(en.hours(540, 840)) == "9:00 AM – 2:00 PM"
    assert (fr.names(["Ana", "Bob"]), en.names(["Ana", "Bob", "Carl"])) == ("Ana et Bob", "Ana, Bob, and Carl")
    assert (fr("seats", n=1), fr("seats", n=2), en("seats", n=1), en("seats", n=10_000)) == (
        "1 place", "2 places", "1 seat", "10,000 seats")
    assert texts("fr-CA").lang == "fr-CA" and texts("en_GB").time(810) == "13:30"


def test_unknown_or_unsupported_locale_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown locale"):
        texts("xx_YY")
    with pytest.raises(ValueError, match=r"no texts in 'de_DE': salle speaks en, fr"):
        texts("de_DE")
    problem, schedule = seed()
    with pytest.raises(ValueError):
        publish(problem, schedule, locale="klingon")


def test_the_conference_says_which_language_it_is_in(tmp_path: Path) -> None:
    problem, _ = seed()
    assert guess_locale(problem) == "fr_CA"
    problem, _ = english(tmp_path)
    assert guess_locale(problem) == "en"
    folder = make_conference(tmp_path / "tagged", sessions=[
        {"session_id": "S1", "title": "Le sujet du jour", "attendance": 1, "language": "en"},
        {"session_id": "S2", "title": "La suite", "attendance": 1, "language": "en"}])
    assert guess_locale(load_problem(folder)) == "en"  # the language column wins over the words


def test_the_seed_reads_entirely_in_french() -> None:
    """Default locale for French data: every page says jeudi, 13 h 30, places; lang is fr-CA."""
    problem, schedule = seed()
    files = publish(problem, schedule)
    md, page, orga = (str(files[n]) for n in ("programme.md", "timetable.html", "timetable-organizers.html"))
    assert "## jeudi 13 mai 2027" in md and "### 13 h 30 – 14 h 45" in md and "**Études de cas**" in md
    for html_page in (page, orga, str(files["programme.html"])):
        assert '<html lang="fr-CA">' in html_page
    assert "jeudi 13 mai" in page and "13 h 30 – 14 h 45" in page and "Grille horaire" in page
    assert "Ajouter à l’agenda" in page and "Toutes les salles" in page and "Heures de Toronto" in page
    english_words = re.compile(r"\b(Thursday|seats?|Timetable|Track|Room|Search|Add to calendar|sessions?)\b")
    assert english_words.findall(visible(page)) == []
    assert "85 personnes attendues / 90 places" in orga and "90 places" in orga


def test_a_locale_en_run_reads_entirely_in_english() -> None:
    problem, schedule = seed()
    files = publish(problem, schedule, locale="en")
    md, page = plain(files["programme.md"]), plain(files["timetable.html"])
    assert "## Thursday, May 13, 2027" in md and "### 1:30 – 2:45 PM" in md
    assert '<html lang="en">' in page and "Thursday, May 13" in page and "1:30 – 2:45 PM" in page
    assert "Add to calendar" in page and "Times in Toronto" in page
    for french in ("jeudi", "Grille", "Ajouter", "places", "Salle à venir", "Toutes les salles", "Heures de"):
        assert french not in visible(page)
    orga = plain(files["timetable-organizers.html"])
    assert "85 expected / 90 seats" in orga
    assert '<html lang="en">' in str(files["programme.html"])


def test_a_session_in_another_language_says_so(tmp_path: Path) -> None:
    folder = make_conference(tmp_path / "mixed", sessions=[
        {"session_id": "S1", "title": "Les données de la ville", "attendance": 1, "language": "fr"},
        {"session_id": "S2", "title": "City data", "attendance": 1, "language": "en"}],
        slots=[{"slot_id": "T1", "day": "2027-05-13", "start": "09:00", "end": "10:00"},
               {"slot_id": "T2", "day": "2027-05-13", "start": "10:00", "end": "11:00"}])
    problem = load_problem(folder)
    from solver.schedule import Assignment, Schedule

    files = publish(problem, Schedule((Assignment("S1", "R1", "T1"), Assignment("S2", "R1", "T2"))),
                    locale="fr_CA")
    page = str(files["timetable.html"])
    assert re.search(r'id="s-S2"[^>]*lang="en"', page) and not re.search(r'id="s-S1"[^>]*lang=', page)
    assert 'SUMMARY;LANGUAGE=en:City data' in plain(files["calendar.ics"])


# -- what attendees see, what organizers see -----------------------------------------------------------------
def test_public_timetable_hides_seats_the_organizers_keep_them(tmp_path: Path) -> None:
    problem, schedule = english(tmp_path)
    files = publish(problem, schedule)
    public, orga = visible(files["timetable.html"]), plain(files["timetable-organizers.html"])
    assert "seat" not in public.lower() and "40/50" not in public and "expected" not in public
    assert "seat" not in plain(files["programme.html"]).lower()
    assert "40 expected / 50 seats" in orga and "35 expected / 20 seats · room too small" in orga


def test_each_session_has_its_room_time_anchor_and_calendar_link(tmp_path: Path) -> None:
    problem, schedule = english(tmp_path)
    page = plain(publish(problem, schedule)["timetable.html"])
    s2 = page[page.index('id="s-S2"'):page.index("</article>", page.index('id="s-S2"'))]
    assert '<time datetime="2027-05-13T10:00-04:00">10:00 – 11:00 AM</time>' in s2
    assert ", Room two</span>" in s2 and 'href="talks/S2.html"' in s2  # the talk's own page
    assert 'href="talks/S2.ics"' in s2  # and its own calendar (one event), not its room's
    assert 'href="calendar.ics"' in page
    assert '<th class="room" scope="col" data-room="R1">Main hall</th>' in page
    assert '<td data-room="R1" rowspan="2" class="busy"' in page  # the two-hour workshop spans two one-hour rows
    assert "<select" in page and 'id="f-speaker"' not in page and 'type="search"' in page


def test_unscheduled_sessions_are_announced_not_dropped(tmp_path: Path) -> None:
    problem, schedule = english(tmp_path)
    files = publish(problem, schedule)
    for name in ("timetable.html", "programme.html", "programme.md"):
        text = plain(files[name])
        assert "Time to be announced" in text and "A talk without a room yet" in text, name
    assert "A talk without a room yet" not in plain(files["calendar.ics"])
    french = publish(*seed({"EC-CNR": "A-1100", "EC-COP": "B-2305"}))
    for name in ("timetable.html", "programme.html", "programme.md"):
        text = str(french[name])
        assert "Horaire à venir" in text and "Transformer les services publics" in text, name
    # only the sessions named in `pending` are announced
    none = publish(problem, schedule, pending=[])
    assert "A talk without a room yet" not in plain(none["programme.md"])


def test_big_conferences_get_a_page_per_day(tmp_path: Path) -> None:
    problem, schedule = english(tmp_path)
    files = publish(problem, schedule)
    assert "timetable-2027-05-14.html" not in files  # small: one page with both days
    paged = render_publications(problem, schedule, stamp=STAMP)  # same thing through the entry point
    assert set(paged) == set(files)
    from solver.publish.pages import render_pages
    from solver.publish.view import Conference, entries

    pages = render_pages(problem, entries(problem, schedule), Conference(), stamp=STAMP, paged=True)
    first, second = str(pages["timetable.html"]), str(pages["timetable-2027-05-14.html"])
    assert "The long workshop" in first and "Winter is coming" not in first
    assert "Winter is coming" in second and 'href="timetable-2027-05-14.html#day-2027-05-14"' in first
    assert 'href="timetable.html#tba"' in second and "A talk without a room yet" not in second
    assert "timetable-organizers-2027-05-14.html" in pages


def test_over_300_sessions_pages_by_default(tmp_path: Path) -> None:
    problem, schedule = long_day(tmp_path, rooms=20, slots=16)  # 320 sessions, one day
    files = publish(problem, schedule)
    assert [n for n in files if n.startswith("timetable")] == ["timetable.html", "timetable-organizers.html"]
    assert "Timetable · Thursday, May 13</title>" in str(files["timetable.html"])  # the page of one day


# -- calendars ----------------------------------------------------------------------------------------------
def test_uid_depends_on_the_conference_and_session_only() -> None:
    """Renaming the conference or a session keeps every UID, so calendars update instead of duplicating."""
    problem, schedule = seed()
    before = events(publish(problem, schedule, title="Colloque 2027")["calendar.ics"])
    after = events(publish(problem, schedule, title="Un tout autre nom")["calendar.ics"])
    assert {str(e["uid"]) for e in before.values()} == {str(e["uid"]) for e in after.values()} == {
        f"{s}@conference-2027-05-13.salle" for s in ("EC-CNR", "EC-COP", "EC-MIS")}
    with_acronym = events(publish(problem, schedule, acronym="ENAP-2027", title="X")["calendar.ics"])
    assert str(with_acronym["EC-CNR"]["uid"]) == "EC-CNR@enap-2027.salle"


def test_uid_survives_a_session_title_change_in_the_files(tmp_path: Path) -> None:
    folder = make_conference(tmp_path / "a", sessions=[{"session_id": "S1", "title": "Old title", "attendance": 1}])
    again = make_conference(tmp_path / "b", sessions=[{"session_id": "S1", "title": "New title", "attendance": 1}])
    from solver.schedule import Assignment, Schedule

    schedule = Schedule((Assignment("S1", "R1", "T1"),))
    old = events(publish(load_problem(folder), schedule)["calendar.ics"])["S1"]
    new = events(publish(load_problem(again), schedule)["calendar.ics"])["S1"]
    assert str(old["uid"]) == str(new["uid"]) and str(old["summary"]) != str(new["summary"])


def test_dtstamp_is_the_run_time_or_the_stamp_given(monkeypatch: pytest.MonkeyPatch) -> None:
    problem, schedule = seed()
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    stamped = events(render_publications(problem, schedule)["calendar.ics"])["EC-CNR"]["dtstamp"].dt
    assert before <= stamped <= dt.datetime.now(dt.UTC)
    given = events(publish(problem, schedule)["calendar.ics"])["EC-CNR"]["dtstamp"].dt
    assert given == STAMP
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    reproducible = events(render_publications(problem, schedule)["calendar.ics"])["EC-CNR"]["dtstamp"].dt
    assert reproducible == dt.datetime.fromtimestamp(1_800_000_000, dt.UTC)


def test_a_moved_session_gets_a_higher_sequence_the_others_keep_theirs() -> None:
    problem, schedule = seed()
    first = publish(problem, schedule)["calendar.ics"]
    assert {k: int(e["sequence"]) for k, e in events(first).items()} == {"EC-CNR": 0, "EC-COP": 0, "EC-MIS": 0}
    published = {"EC-CNR": ("A-1100", "J1-1330"), "EC-COP": ("B-2305", "J1-1330"), "EC-MIS": ("B-2310", "J1-1330")}
    moved_problem, moved = seed({"EC-CNR": "AUD", "EC-COP": "B-2305", "EC-MIS": "B-2310"})
    second = publish(moved_problem, moved, previous=published, sequences=read_sequences(first))["calendar.ics"]
    got = events(second)
    assert {k: int(e["sequence"]) for k, e in got.items()} == {"EC-CNR": 1, "EC-COP": 0, "EC-MIS": 0}
    assert str(got["EC-CNR"]["uid"]) == str(events(first)["EC-CNR"]["uid"])
    assert "Auditorium Jean-Lesage" in str(got["EC-CNR"]["location"])
    # moved again: 1 -> 2; per-room and per-speaker calendars carry the same event
    again_problem, again = seed({"EC-CNR": "A-1100", "EC-COP": "B-2305", "EC-MIS": "B-2310"})
    third = publish(again_problem, again, previous={k: (v, "J1-1330") for k, v in
                                                    {"EC-CNR": "AUD", "EC-COP": "B-2305"}.items()},
                    sequences=read_sequences(second))
    assert int(events(third["calendar.ics"])["EC-CNR"]["sequence"]) == 2
    assert int(events(third["rooms/A-1100.ics"])["EC-CNR"]["sequence"]) == 2
    assert int(events(third["speakers/berkesse.ics"])["EC-CNR"]["sequence"]) == 2


def test_calendar_links_to_the_session_online_and_says_the_language(tmp_path: Path) -> None:
    problem, schedule = english(tmp_path)
    got = events(publish(problem, schedule, base_url="https://conf.example.org/2027/")["calendar.ics"])
    assert str(got["S1"]["url"]) == "https://conf.example.org/2027/talks/S1.html"  # the talk's own page
    assert str(got["S1"]["description"]).startswith("Ana and Bob\n\nHow to plan")
    assert got["S1"]["summary"].params["LANGUAGE"] == "en"


def test_same_schedule_and_stamp_same_bytes() -> None:
    problem, schedule = seed()
    assert publish(problem, schedule) == publish(problem, schedule)


def test_seed_inputs_untouched() -> None:
    """The tests read the bundled conference; none of them writes into it."""
    assert (ROOT / "inputs" / "sessions.csv").is_file()


# -- the table itself ---------------------------------------------------------------------------------------
def grid_shapes(page: str) -> list[list[int]]:
    """For each day's table: how many room columns each time row covers, counting cells that span from above."""
    from html.parser import HTMLParser

    class Grid(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tables: list[list[int]] = []
            self.pending: list[int] = []  # rows still covered by each open rowspan
            self.in_body = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "table":
                self.tables.append([])
                self.pending = []
            elif tag == "tbody":
                self.in_body = True
            elif tag == "tr" and self.in_body:
                self.pending = [n - 1 for n in self.pending if n > 1]
                self.tables[-1].append(len(self.pending))
            elif tag == "td" and self.in_body:
                span = int(dict(attrs).get("rowspan") or 1)
                self.tables[-1][-1] += 1
                if span > 1:
                    self.pending.append(span)

        def handle_endtag(self, tag: str) -> None:
            if tag == "tbody":
                self.in_body = False

    parser = Grid()
    parser.feed(page)
    return parser.tables


def test_every_time_row_covers_every_room_once(tmp_path: Path) -> None:
    """Rowspans and merged empty stretches add up: each row of each day's table has exactly one cell per room,
    even when a room is double-booked by hand (both sessions share one cell)."""
    from solver.schedule import Assignment, Schedule

    problem, schedule = english(tmp_path)
    clash = Schedule((*schedule.assignments[:3], Assignment("S4", "R1", "T2"), Assignment("S5", "R1", "T1")))
    for sched in (schedule, clash):
        for name in ("timetable.html", "timetable-organizers.html"):
            page = str(publish(problem, sched)[name])
            rooms = [len(re.findall(r'<th class="room"', day)) for day in page.split("<table")[1:]]
            assert [set(t) for t in grid_shapes(page)] == [{n} for n in rooms], name
    page = str(publish(problem, clash)["timetable.html"])
    cell = page[page.index('<td data-room="R1" rowspan="2">'):]
    cell = cell[:cell.index("</td>")]
    assert {"s-S1", "s-S4", "s-S5"} <= set(re.findall(r'id="(s-S\d)"', cell))
    big_problem, big = long_day(tmp_path, rooms=7, slots=9)
    assert {n for t in grid_shapes(str(publish(big_problem, big)["timetable.html"])) for n in t} == {7}


def test_an_empty_schedule_still_publishes(tmp_path: Path) -> None:
    from solver.schedule import Schedule

    problem, _ = english(tmp_path)
    files = publish(problem, Schedule(()))
    page = plain(files["timetable.html"])
    assert "Time to be announced" in page and "The long workshop" in page
    assert "BEGIN:VEVENT" not in plain(files["calendar.ics"])


def test_programme_md_keeps_organizers_texts_literal(tmp_path: Path) -> None:
    """The published programme.md (which replaces the solver's) escapes titles like the rest of salle does."""
    problem, schedule = english(tmp_path)
    md = plain(publish(problem, schedule)["programme.md"])
    assert "<script>" not in md and "#### &lt;script&gt;alert(\"x\")&lt;/script&gt;" in md
    assert "#### The long workshop" in md and "*Main hall*" in md
