"""Jalali calendar helpers: Tehran time, periods, typed-date parsing and Persian formatting."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import Final
from zoneinfo import ZoneInfo

import jdatetime

from bot.core.i18n import label
from bot.core.text import to_latin_digits, to_persian_digits

TEHRAN: Final = ZoneInfo("Asia/Tehran")
MIN_YEAR: Final = 1300
MAX_YEAR: Final = 1500
GREGORIAN_YEARS: Final = (1900, 2200)  # a year typed here is Gregorian, not Jalali

Clock = Callable[[], datetime]
"""Returns the current time as an aware datetime; tests pass a fixed one."""


def system_clock() -> datetime:
    """Returns the real current time in Tehran."""
    return datetime.now(TEHRAN)


def now(clock: Clock | None = None) -> datetime:
    """Returns the current time in Tehran as an aware datetime."""
    current = (clock or system_clock)()
    if current.tzinfo is None:
        raise ValueError("the clock must return an aware datetime")
    return current.astimezone(TEHRAN)


def today(clock: Clock | None = None) -> date:
    """Returns today's (Gregorian) date in Tehran."""
    return now(clock).date()


# --- conversion --------------------------------------------------------------------------------


def to_jalali(d: date) -> tuple[int, int, int]:
    """Returns the Jalali (year, month, day) of a Gregorian date."""
    j = jdatetime.date.fromgregorian(date=d)
    return int(j.year), int(j.month), int(j.day)


def from_jalali(year: int, month: int, day: int) -> date:
    """Returns the Gregorian date of a Jalali date; ValueError if it does not exist."""
    gregorian: date = jdatetime.date(year, month, day).togregorian()
    return gregorian


def is_leap(year: int) -> bool:
    """Tells whether a Jalali year has 366 days (Esfand 30)."""
    return bool(jdatetime.date(year, 1, 1).isleap())


def days_in_month(year: int, month: int) -> int:
    """Returns the number of days in a Jalali month: 31, 30, or 29/30 for Esfand."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be in 1..12, not {month}")
    if month <= 6:
        return 31
    if month <= 11:
        return 30
    return 30 if is_leap(year) else 29


def weekday(d: date) -> int:
    """Returns the Persian weekday index: 0 = Saturday … 6 = Friday."""
    return (d.weekday() + 2) % 7


# --- periods -----------------------------------------------------------------------------------


def week_of(d: date) -> tuple[date, date]:
    """Returns the Saturday and the Friday of the week containing d."""
    start = d - timedelta(days=weekday(d))
    return start, start + timedelta(days=6)


def month_of(d: date) -> tuple[date, date]:
    """Returns the first and last day of the Jalali month containing d."""
    year, month, _ = to_jalali(d)
    first = from_jalali(year, month, 1)
    return first, first + timedelta(days=days_in_month(year, month) - 1)


def year_of(d: date) -> tuple[date, date]:
    """Returns the first and last day (Nowruz to Esfand 29/30) of the Jalali year containing d."""
    year = to_jalali(d)[0]
    return from_jalali(year, 1, 1), from_jalali(year + 1, 1, 1) - timedelta(days=1)


# --- parsing -----------------------------------------------------------------------------------


class DateReason(StrEnum):
    """Why a typed date was not accepted."""

    FORMAT = "format"
    YEAR = "year"
    MONTH = "month"
    DAY = "day"


class DateError(ValueError):
    """A typed date could not be read; reason and the parsed parts say what is wrong."""

    def __init__(
        self,
        reason: DateReason,
        text: str,
        *,
        year: int | None = None,
        month: int | None = None,
        day: int | None = None,
        days_in_month: int | None = None,
    ) -> None:
        super().__init__(f"{reason}: {text!r}")
        self.reason = reason
        self.text = text
        self.year = year
        self.month = month
        self.day = day
        self.days_in_month = days_in_month

    def describe(self, example: date | None = None) -> str:
        """Says in one Persian line what is wrong, with example (default today) as a model."""
        sample = format_numeric(example or today())
        if self.reason is DateReason.YEAR and self.year is not None:
            year = _digits(self.year)
            if GREGORIAN_YEARS[0] <= self.year <= GREGORIAN_YEARS[1]:
                return label("calendar-error-year-gregorian", year=year, example=sample)
            return label("calendar-error-year", year=year, example=sample)
        if self.reason is DateReason.MONTH and self.month is not None:
            return label("calendar-error-month", month=_digits(self.month), example=sample)
        if (
            self.reason is DateReason.DAY
            and self.year is not None
            and self.month is not None
            and self.days_in_month is not None
        ):
            month, year = month_name(self.month), _digits(self.year)
            days = _digits(self.days_in_month)
            return label("calendar-error-day", month=month, year=year, days=days, example=sample)
        return label("calendar-error-format", example=sample)


_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\u061c\ufeff]")
_SEPARATOR = r"\s*[/\-.٫]\s*"
_TYPED_DATE = re.compile(rf"(\d{{1,4}}){_SEPARATOR}(\d{{1,4}}){_SEPARATOR}(\d{{1,4}})", re.ASCII)


def parse_date(text: str) -> date:
    """Reads a Jalali date typed as year/month/day (or day/month/year with a 4-digit year).

    Accepts Persian, Arabic-Indic and Latin digits, / - . separators and a two-digit year
    (04 → 1404). Raises DateError with the reason; whether the date is sensible (not in the
    future, not too old) is for the caller to decide.
    """
    cleaned = to_latin_digits(_INVISIBLE.sub("", text)).strip()
    match = _TYPED_DATE.fullmatch(cleaned)
    if match is None:
        raise DateError(DateReason.FORMAT, text)
    first, middle, last = match.groups()
    if len(first) <= 2 and len(last) == 4:  # ۱۰/۹/۱۴۰۴: day first
        first, last = last, first
    year = 1400 + int(first) if len(first) <= 2 else int(first)
    month, day = int(middle), int(last)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DateError(DateReason.YEAR, text, year=year)
    if not 1 <= month <= 12:
        raise DateError(DateReason.MONTH, text, year=year, month=month)
    length = days_in_month(year, month)
    if not 1 <= day <= length:
        raise DateError(DateReason.DAY, text, year=year, month=month, day=day, days_in_month=length)
    return from_jalali(year, month, day)


def parse_spoken_date(text: str, today: date) -> date | None:
    """Reads «امروز», «دیروز», «پریروز» or a day and month name («۲۵ آبان», «۲۵ آبان ۱۴۰۵»).

    Without a year it is the most recent such day up to today. None when the text is neither.
    """
    words = to_latin_digits(_INVISIBLE.sub("", text)).split()
    relative = label("calendar-relative-days").split()
    if len(words) == 1 and words[0] in relative:
        return today - timedelta(days=relative.index(words[0]))
    if len(words) not in (2, 3) or not words[0].isdigit() or words[1] not in month_names():
        return None
    month, day = month_names().index(words[1]) + 1, int(words[0])
    if len(words) == 3 and not words[2].isdigit():
        return None
    year = int(words[2]) if len(words) == 3 else to_jalali(today)[0]
    try:
        found = parse_date(f"{year}/{month}/{day}")
    except DateError:
        return None
    if len(words) == 2 and found > today:
        found = parse_date(f"{year - 1}/{month}/{day}")
    return found


# --- formatting --------------------------------------------------------------------------------


def _digits(value: int) -> str:
    """Writes an integer in Persian digits without thousands separators (years, days)."""
    return to_persian_digits(str(value))


@cache
def month_names() -> tuple[str, ...]:
    """Returns the twelve Jalali month names from the locale, Farvardin first."""
    names = tuple(label("calendar-months").split())
    if len(names) != 12:
        raise ValueError(f"calendar-months must list 12 names, not {len(names)}")
    return names


@cache
def weekday_names() -> tuple[str, ...]:
    """Returns the seven weekday names from the locale, Saturday first."""
    names = tuple(label("calendar-weekdays").split())
    if len(names) != 7:
        raise ValueError(f"calendar-weekdays must list 7 names, not {len(names)}")
    return names


def month_name(month: int) -> str:
    """Returns the Persian name of a Jalali month (1 = Farvardin)."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be in 1..12, not {month}")
    return month_names()[month - 1]


def weekday_name(d: date) -> str:
    """Returns the Persian weekday name of a date: «شنبه» … «جمعه»."""
    return weekday_names()[weekday(d)]


def format_date(d: date, *, weekday: bool = True) -> str:
    """Formats a date as «شنبه ۳۰ آبان ۱۴۰۵» (or «۳۰ آبان ۱۴۰۵» without the weekday)."""
    year, month, day = to_jalali(d)
    parts = {"day": _digits(day), "month": month_name(month), "year": _digits(year)}
    if weekday:
        return label("calendar-date-weekday", weekday=weekday_name(d), **parts)
    return label("calendar-date", **parts)


def format_day_month(d: date) -> str:
    """Formats a date as day and month only: «۱ آذر»."""
    _, month, day = to_jalali(d)
    return label("calendar-day-month", day=_digits(day), month=month_name(month))


def format_numeric(d: date) -> str:
    """Formats a date as «۱۴۰۵/۰۹/۰۱», the form parse_date() reads back."""
    year, month, day = to_jalali(d)
    return to_persian_digits(f"{year:04d}/{month:02d}/{day:02d}")


def format_range(start: date, end: date) -> str:
    """Formats a period: «۲۳ تا ۲۹ آبان ۱۴۰۵», «۲۷ آبان تا ۳ آذر ۱۴۰۵», across years in full."""
    if end < start:
        raise ValueError(f"range ends before it starts: {start} > {end}")
    if start == end:
        return format_date(start, weekday=False)
    start_year, start_month, start_day = to_jalali(start)
    end_year, end_month, end_day = to_jalali(end)
    if start_year != end_year:
        first, last = format_date(start, weekday=False), format_date(end, weekday=False)
        return label("calendar-range", start=first, end=last)
    days = {"start_day": _digits(start_day), "end_day": _digits(end_day), "year": _digits(end_year)}
    if start_month != end_month:
        months = {"start_month": month_name(start_month), "end_month": month_name(end_month)}
        return label("calendar-range-year", **days, **months)
    return label("calendar-range-month", month=month_name(end_month), **days)


def format_datetime(dt: datetime) -> str:
    """Formats an aware datetime in Tehran time: «۱ آذر ۱۴۰۵، ساعت ۱۴:۳۰»."""
    if dt.tzinfo is None:
        raise ValueError("format_datetime needs an aware datetime")
    local = dt.astimezone(TEHRAN)
    day = format_date(local.date(), weekday=False)
    clock = to_persian_digits(f"{local.hour}:{local.minute:02d}")
    return label("calendar-datetime", date=day, time=clock)
