"""Tests for bot.core.jalali: conversion (cross-checked), periods, parsing, formatting, Tehran
time."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import jdatetime
import pytest
from hypothesis import given
from hypothesis import strategies as st
from persiantools.jdatetime import JalaliDate

from bot.core import jalali
from bot.core.i18n import LOCALE_DIR, label
from bot.core.jalali import (
    TEHRAN,
    DateError,
    DateReason,
    days_in_month,
    format_date,
    format_datetime,
    format_day_month,
    format_numeric,
    format_range,
    from_jalali,
    is_leap,
    month_names,
    month_of,
    now,
    parse_date,
    to_jalali,
    today,
    week_of,
    weekday,
    weekday_names,
    year_of,
)
from bot.core.text import to_latin_digits

FIRST = from_jalali(1390, 1, 1)
END = from_jalali(1411, 1, 1)  # exclusive
EXAMPLE = date(2026, 11, 22)  # ۱ آذر ۱۴۰۵, «today» in the UX transcripts


def jalali_days() -> list[date]:
    """Every Gregorian day of Jalali 1390-1410."""
    return [FIRST + timedelta(days=i) for i in range((END - FIRST).days)]


# --- conversion, cross-checked with persiantools --------------------------------------------------


def test_every_day_of_1390_to_1410_matches_persiantools() -> None:
    days = jalali_days()
    assert len(days) == 21 * 365 + sum(is_leap(y) for y in range(1390, 1411))
    for d in days:
        other = JalaliDate(d)
        expected = (other.year, other.month, other.day)
        assert to_jalali(d) == expected, d
        assert from_jalali(*expected) == d, expected
        assert JalaliDate(*to_jalali(d)).to_gregorian() == d, d
        assert weekday(d) == other.weekday() == jdatetime.date.fromgregorian(date=d).weekday(), d


def test_month_lengths_and_leap_years_match_persiantools() -> None:
    for year in range(1390, 1411):
        assert is_leap(year) == JalaliDate.is_leap(year), year
        for month in range(1, 13):
            assert days_in_month(year, month) == JalaliDate.days_in_month(month, year), (
                year,
                month,
            )
    assert [y for y in range(1390, 1411) if is_leap(y)] == [1391, 1395, 1399, 1403, 1408]


def test_days_are_consecutive() -> None:
    previous = to_jalali(FIRST)
    assert previous == (1390, 1, 1)
    for d in jalali_days()[1:]:
        y, m, day = to_jalali(d)
        if day > 1:
            assert (y, m, day - 1) == previous
        elif m > 1:
            assert (y, m - 1, days_in_month(y, m - 1)) == previous
        else:
            assert (y - 1, 12, days_in_month(y - 1, 12)) == previous
        previous = (y, m, day)


def test_known_dates() -> None:
    assert to_jalali(date(2026, 3, 21)) == (1405, 1, 1)  # Nowruz 1405, a Saturday
    assert to_jalali(date(2025, 3, 20)) == (1403, 12, 30)  # Esfand 30 of the leap year 1403
    assert to_jalali(date(2026, 11, 21)) == (1405, 8, 30)
    assert weekday(date(2026, 11, 21)) == 0  # Saturday
    assert weekday(date(2026, 11, 27)) == 6  # Friday
    with pytest.raises(ValueError):
        from_jalali(1404, 12, 30)
    with pytest.raises(ValueError):
        days_in_month(1404, 13)


# --- periods -----------------------------------------------------------------------------------


@pytest.mark.parametrize("d", [date(2026, 11, 21) + timedelta(days=i) for i in range(7)])
def test_week_of_runs_saturday_to_friday(d: date) -> None:
    assert week_of(d) == (date(2026, 11, 21), date(2026, 11, 27))


def test_week_of_every_day() -> None:
    for d in jalali_days():
        start, end = week_of(d)
        assert weekday(start) == 0
        assert weekday(end) == 6
        assert start <= d <= end
        assert end - start == timedelta(days=6)


def test_weeks_spanning_months_and_years() -> None:
    assert week_of(date(2026, 11, 22)) == (date(2026, 11, 21), date(2026, 11, 27))
    assert format_range(*week_of(date(2026, 11, 22))) == "۳۰ آبان تا ۶ آذر ۱۴۰۵"
    # Nowruz 1404 was a Friday: its week starts on 25 Esfand 1403 (a 30-day Esfand).
    assert week_of(date(2025, 3, 21)) == (date(2025, 3, 15), date(2025, 3, 21))
    assert format_range(*week_of(date(2025, 3, 21))) == "۲۵ اسفند ۱۴۰۳ تا ۱ فروردین ۱۴۰۴"
    # Nowruz 1405 is a Saturday: the week is entirely in the new year.
    assert week_of(date(2026, 3, 21)) == (date(2026, 3, 21), date(2026, 3, 27))
    assert week_of(date(2026, 3, 20)) == (date(2026, 3, 14), date(2026, 3, 20))


def test_month_of() -> None:
    assert month_of(date(2026, 11, 21)) == (date(2026, 10, 23), date(2026, 11, 21))  # Aban: 30
    assert month_of(date(2026, 3, 21)) == (date(2026, 3, 21), date(2026, 4, 20))  # Farvardin: 31
    assert month_of(date(2025, 3, 20)) == (date(2025, 2, 19), date(2025, 3, 20))  # Esfand 1403: 30
    assert month_of(date(2026, 3, 1)) == (date(2026, 2, 20), date(2026, 3, 20))  # Esfand 1404: 29
    assert month_of(date(2026, 9, 23)) == (date(2026, 9, 23), date(2026, 10, 22))  # Mehr: 30


def test_month_of_every_day() -> None:
    for d in jalali_days():
        start, end = month_of(d)
        y, m, _ = to_jalali(d)
        assert to_jalali(start) == (y, m, 1)
        assert to_jalali(end) == (y, m, days_in_month(y, m))


def test_year_of() -> None:
    assert year_of(date(2024, 3, 20)) == (date(2024, 3, 20), date(2025, 3, 20))  # 1403: 366 days
    assert year_of(date(2025, 3, 20)) == (date(2024, 3, 20), date(2025, 3, 20))  # Esfand 30
    assert year_of(date(2025, 3, 21)) == (date(2025, 3, 21), date(2026, 3, 20))  # Nowruz 1404
    assert year_of(date(2026, 3, 20)) == (date(2025, 3, 21), date(2026, 3, 20))  # Esfand 29
    start, end = year_of(date(2026, 11, 22))
    assert (to_jalali(start), to_jalali(end)) == ((1405, 1, 1), (1405, 12, 29))


# --- parsing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "۱۴۰۴/۰۹/۱۰",
        "1404-9-10",
        "١٤٠٤/٩/١٠",
        "1404.9.10",
        "04/9/10",
        "  ۱۴۰۴/۹/۱۰  ",
        "۱۴۰۴ / ۹ / ۱۰",
        "1404/09/10",
        "\u200f۱۴۰۴/۰۹/۱۰\u200e",
        "۱۰/۹/۱۴۰۴",  # day first, recognised by the four-digit year at the end
        "۴/۹/۱۰",
    ],
)
def test_parse_date_accepts(text: str) -> None:
    assert parse_date(text) == from_jalali(1404, 9, 10)


def test_parse_date_accepts_esfand_30_in_a_leap_year() -> None:
    assert parse_date("1403/12/30") == date(2025, 3, 20)


@pytest.mark.parametrize(
    ("text", "reason", "details", "message"),
    [
        (
            "1405/13/01",
            DateReason.MONTH,
            {"month": 13},
            label("calendar-error-month", month="۱۳", example="۱۴۰۵/۰۹/۰۱"),
        ),
        (
            "1405/0/01",
            DateReason.MONTH,
            {"month": 0},
            label("calendar-error-month", month="۰", example="۱۴۰۵/۰۹/۰۱"),
        ),
        (
            "۱۴۰۵/۰۷/۳۱",
            DateReason.DAY,
            {"month": 7, "day": 31, "days_in_month": 30},
            label("calendar-error-day", month="مهر", year="۱۴۰۵", days="۳۰", example="۱۴۰۵/۰۹/۰۱"),
        ),
        (
            "1404/12/30",
            DateReason.DAY,
            {"year": 1404, "month": 12, "day": 30, "days_in_month": 29},
            label(
                "calendar-error-day", month="اسفند", year="۱۴۰۴", days="۲۹", example="۱۴۰۵/۰۹/۰۱"
            ),
        ),
        ("1404/01/32", DateReason.DAY, {"days_in_month": 31}, None),
        ("1404/01/00", DateReason.DAY, {"day": 0}, None),
        (
            "1550/01/01",
            DateReason.YEAR,
            {"year": 1550},
            label("calendar-error-year", year="۱۵۵۰", example="۱۴۰۵/۰۹/۰۱"),
        ),
        ("1299/12/29", DateReason.YEAR, {"year": 1299}, None),
        ("404/09/10", DateReason.YEAR, {"year": 404}, None),
        (
            "2025/11/22",
            DateReason.YEAR,
            {"year": 2025},
            label("calendar-error-year-gregorian", year="۲۰۲۵", example="۱۴۰۵/۰۹/۰۱"),
        ),
        ("", DateReason.FORMAT, {}, "تاریخ را به شکل سال/ماه/روز بنویسید؛ مثلاً ۱۴۰۵/۰۹/۰۱."),
        ("دیروز", DateReason.FORMAT, {}, None),
        ("😀", DateReason.FORMAT, {}, None),
        ("1404/9", DateReason.FORMAT, {}, None),
        ("1404/9/10/1", DateReason.FORMAT, {}, None),
        ("14040/9/10", DateReason.FORMAT, {}, None),
        ("1404 9 10", DateReason.FORMAT, {}, None),
        ("۱۰ آذر ۱۴۰۴", DateReason.FORMAT, {}, None),
    ],
)
def test_parse_date_rejects(
    text: str, reason: DateReason, details: dict[str, int], message: str | None
) -> None:
    with pytest.raises(DateError) as caught:
        parse_date(text)
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.reason is reason
    assert error.text == text
    for name, value in details.items():
        assert getattr(error, name) == value
    described = error.describe(EXAMPLE)
    assert described
    if message is not None:
        assert described == message


def test_date_error_example_defaults_to_today() -> None:
    with pytest.raises(DateError) as caught:
        parse_date("1405/13/01")
    assert format_numeric(today()) in caught.value.describe()


jalali_dates = st.dates(min_value=from_jalali(1300, 1, 1), max_value=from_jalali(1500, 12, 29))


@given(jalali_dates)
def test_format_numeric_then_parse_date_is_identity(d: date) -> None:
    assert parse_date(format_numeric(d)) == d


DIGITS = {
    "persian": str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"),
    "arabic": str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"),
    "latin": str.maketrans("", ""),
}


@given(jalali_dates, st.sampled_from(sorted(DIGITS)), st.sampled_from(["/", "-", "."]))
def test_format_numeric_round_trips_in_every_digit_system_and_separator(
    d: date, digits: str, separator: str
) -> None:
    text = to_latin_digits(format_numeric(d)).replace("/", separator).translate(DIGITS[digits])
    assert parse_date(text) == d


@given(
    jalali_dates,
    st.sampled_from(sorted(DIGITS)),
    st.sampled_from(["/", "-", "."]),
    st.booleans(),
    st.booleans(),
)
def test_parse_date_reads_unpadded_and_spaced_dates(
    d: date, digits: str, separator: str, padded: bool, spaces: bool
) -> None:
    year, month, day = to_jalali(d)
    parts = [
        str(year),
        f"{month:02d}" if padded else str(month),
        f"{day:02d}" if padded else str(day),
    ]
    text = separator.join(parts).translate(DIGITS[digits])
    if spaces:
        text = f"  {text} "
    assert parse_date(text) == d


@given(st.dates(min_value=from_jalali(1400, 1, 1), max_value=from_jalali(1499, 12, 29)))
def test_parse_date_reads_two_digit_years_as_14xx(d: date) -> None:
    year, month, day = to_jalali(d)
    assert parse_date(f"{year - 1400:02d}/{month}/{day}") == d


# --- formatting --------------------------------------------------------------------------------


def test_names_come_from_the_locale() -> None:
    assert month_names() == (
        "فروردین",
        "اردیبهشت",
        "خرداد",
        "تیر",
        "مرداد",
        "شهریور",
        "مهر",
        "آبان",
        "آذر",
        "دی",
        "بهمن",
        "اسفند",
    )
    assert weekday_names()[0] == "شنبه"
    assert weekday_names()[6] == "جمعه"
    assert len(weekday_names()) == 7
    assert [
        format_date(date(2026, 11, 21) + timedelta(days=i)).split()[0] for i in range(7)
    ] == list(weekday_names())


def test_format_date() -> None:
    assert format_date(date(2026, 11, 21)) == "شنبه ۳۰ آبان ۱۴۰۵"
    assert format_date(date(2026, 11, 21), weekday=False) == "۳۰ آبان ۱۴۰۵"
    assert format_date(date(2025, 3, 20)) == "پنج‌شنبه ۳۰ اسفند ۱۴۰۳"
    assert format_day_month(date(2026, 11, 22)) == "۱ آذر"
    assert format_numeric(date(2026, 11, 22)) == "۱۴۰۵/۰۹/۰۱"
    assert format_numeric(date(2026, 3, 21)) == "۱۴۰۵/۰۱/۰۱"


@given(jalali_dates)
def test_formats_use_persian_digits_only(d: date) -> None:
    for text in (format_date(d), format_day_month(d), format_numeric(d)):
        assert not re.search(r"[0-9٬]", text), text  # no Latin digits, no thousands separator
    y, m, day = to_jalali(d)
    assert to_latin_digits(format_date(d, weekday=False)).split() == [
        str(day),
        month_names()[m - 1],
        str(y),
    ]


def test_format_range() -> None:
    assert format_range(date(2026, 11, 14), date(2026, 11, 20)) == "۲۳ تا ۲۹ آبان ۱۴۰۵"
    assert format_range(date(2026, 11, 18), date(2026, 11, 24)) == "۲۷ آبان تا ۳ آذر ۱۴۰۵"
    assert format_range(date(2026, 3, 17), date(2026, 3, 23)) == "۲۶ اسفند ۱۴۰۴ تا ۳ فروردین ۱۴۰۵"
    assert format_range(date(2026, 11, 21), date(2026, 11, 21)) == "۳۰ آبان ۱۴۰۵"
    with pytest.raises(ValueError):
        format_range(date(2026, 11, 21), date(2026, 11, 20))


def test_format_datetime_in_tehran_time() -> None:
    assert format_datetime(datetime(2026, 11, 22, 11, 0, tzinfo=UTC)) == "۱ آذر ۱۴۰۵، ساعت ۱۴:۳۰"
    assert format_datetime(datetime(2026, 11, 22, 9, 5, tzinfo=TEHRAN)) == "۱ آذر ۱۴۰۵، ساعت ۹:۰۵"
    # 21:00 UTC is already the next day in Tehran.
    assert format_datetime(datetime(2026, 11, 21, 21, 0, tzinfo=UTC)) == "۱ آذر ۱۴۰۵، ساعت ۰:۳۰"
    with pytest.raises(ValueError):
        format_datetime(datetime(2026, 11, 22, 11, 0))


# --- Tehran time -------------------------------------------------------------------------------


def test_now_and_today_follow_the_clock() -> None:
    late = datetime(2026, 11, 21, 21, 0, tzinfo=UTC)
    assert now(lambda: late).utcoffset() == timedelta(hours=3, minutes=30)
    assert now(lambda: late).tzinfo is TEHRAN
    assert now(lambda: late) == late
    assert today(lambda: late) == date(2026, 11, 22)
    assert today(lambda: late - timedelta(minutes=31)) == date(2026, 11, 21)
    with pytest.raises(ValueError):
        now(lambda: datetime(2026, 11, 22))


def test_now_without_a_clock_is_real_tehran_time() -> None:
    current = now()
    assert current.tzinfo is TEHRAN
    assert abs(current - datetime.now(UTC)) < timedelta(minutes=1)
    assert today() in (current.date(), current.date() + timedelta(days=1))


def test_system_clock_can_be_replaced_in_one_place(monkeypatch: pytest.MonkeyPatch) -> None:
    fixed = datetime(2026, 3, 20, 23, 0, tzinfo=TEHRAN)
    monkeypatch.setattr(jalali, "system_clock", lambda: fixed)
    assert today() == date(2026, 3, 20)
    assert now() == fixed


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2023, 6, 21, 12, tzinfo=UTC),  # 1402, the first summer without DST
        datetime(2024, 8, 1, 12, tzinfo=UTC),
        datetime(2026, 1, 1, 12, tzinfo=UTC),
        datetime(2026, 7, 1, 12, tzinfo=UTC),
        datetime(2026, 3, 21, 0, tzinfo=UTC),  # around Nowruz, when DST used to start
        datetime(2026, 9, 22, 0, tzinfo=UTC),  # when DST used to end
    ],
)
def test_tehran_is_utc_plus_3_30_without_dst(moment: datetime) -> None:
    local = now(lambda: moment)
    assert local.utcoffset() == timedelta(hours=3, minutes=30)
    assert local.dst() in (None, timedelta(0))


def test_tehran_history_is_known_to_tzdata() -> None:
    # Before 2022 Iran had DST; the database must know both, or offsets would be off by an hour.
    summer_2021 = datetime(2021, 7, 1, 12, tzinfo=UTC).astimezone(TEHRAN)
    assert summer_2021.utcoffset() == timedelta(hours=4, minutes=30)
    assert TEHRAN.utcoffset(datetime(2026, 7, 1)) == timedelta(hours=3, minutes=30)


# --- locale keys -------------------------------------------------------------------------------


def test_every_calendar_key_is_used_literally() -> None:
    ftl = (LOCALE_DIR / "calendar.ftl").read_text(encoding="utf-8")
    keys = re.findall(r"^([a-z][a-z0-9-]*) =", ftl, flags=re.MULTILINE)
    source = Path(jalali.__file__).read_text(encoding="utf-8")
    assert keys
    for key in keys:
        assert f'label("{key}"' in source, key
