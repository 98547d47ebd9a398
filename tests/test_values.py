"""Cell parsers: the formats organizers type in spreadsheets."""

import datetime as dt

import pytest

from solver.inputs.values import format_time_fr, parse_day, parse_int, parse_list, parse_time


@pytest.mark.parametrize(("text", "minutes"), [
    ("13:30", 810), ("13h30", 810), ("13h", 780), ("13H", 780), ("9:05", 545), ("09h05", 545),
    ("13:30:00", 810), (" 8h ", 480), ("0:00", 0), ("24:00", 1440),
])
def test_times_in_every_accepted_spelling(text: str, minutes: int) -> None:
    """`13:30`, `13h30`, `13h` and Excel's `13:30:00` all read as the same minute."""
    assert parse_time(text) == minutes


@pytest.mark.parametrize("text", ["", "13", "1330", "25:00", "13:60", "midi", "13h3", "12:30pm"])
def test_bad_times_are_refused_with_the_value(text: str) -> None:
    """A time that is not one gives a message quoting it."""
    with pytest.raises(ValueError, match="time"):
        parse_time(text)


def test_french_time_format() -> None:
    assert (format_time_fr(810), format_time_fr(780)) == ("13h30", "13h")


def test_days() -> None:
    """ISO dates, and Excel's midnight suffix; French day-first dates are refused with an example."""
    assert parse_day("2027-05-13") == dt.date(2027, 5, 13)
    assert parse_day("2027-05-13 00:00:00") == dt.date(2027, 5, 13)
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_day("13/05/2027")


def test_integers_as_spreadsheets_write_them() -> None:
    assert [parse_int("90"), parse_int("90.0"), parse_int("1 200"), parse_int("1\u202f200")] == [90, 90, 1200, 1200]
    with pytest.raises(ValueError, match="whole number"):
        parse_int("quatre-vingt-dix")
    with pytest.raises(ValueError):
        parse_int("90.5")


def test_lists_split_on_semicolon_or_comma() -> None:
    assert parse_list("a;b, c;;a") == ("a", "b", "c")
    assert parse_list("") == ()
