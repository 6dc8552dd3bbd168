"""Dates: calendar arithmetic for legal periods, and dates known only roughly.

A period of years or months ends on the corresponding day of the last year or month; when
that month lacks the day (29 February, 31 April ...) it ends on the month's last day.
`dateutil.relativedelta` implements exactly that rule; the arithmetic here does the same
directly (tests/test_dates.py checks them against it), as it runs for thousands of days.

A date known only roughly is a year, a month, or an inclusive range of days. A date fact
may be given as `2009` (any day of that year), `"2024-06"` (any day of that month), or `{from: 2024-06-01, to: 2024-06-30}` (either end may be absent: on or after /
on or before, bounded by the scenario date limits of docs/limits.md). `ask` also takes
`before 2025-03-31` and `after 2025-03-31`. An exact date stays a `date`: only a rough one
becomes a `DateRange`, so exact scenarios take exactly the path they took before.
"""

from __future__ import annotations

import calendar
import math
import re
from datetime import date, timedelta
from fractions import Fraction
from functools import lru_cache
from typing import Any


from creval.core.text import Msg

__all__ = [
    "DATE_FACT_SCHEMA", "FIRST_DATE", "LAST_DATE", "DateRange", "add_days", "add_period", "add_years", "as_saved", "iso", "parse_date_fact",
    "part_of_term",
]


# --- Calendar arithmetic ----------------------------------------------------

def add_years(start: date, years: int) -> date:
    """The N-th anniversary of `start` (29 February falls on 28 February in common years).

    The same as `start + relativedelta(years=years)` (a test checks it), done directly:
    anniversaries are computed for every scenario, and relativedelta is slow."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        if start.month == 2 and start.day == 29:  # no 29 February that year
            return start.replace(year=start.year + years, day=28)
        raise


def add_days(start: date, days: int) -> date:
    """`days` days after `start` (before it when negative): "the day after" is add_days(d, 1)."""
    return start + timedelta(days=days)


def add_period(start: date, years: int = 0, months: int = 0, days: int = 0) -> date:
    """`start` plus whole years and months (month-end rule), then plus days.

    The same as `start + relativedelta(years=years, months=months) + timedelta(days=days)`
    (a test checks it), done directly: rough dates compute it for thousands of days."""
    month = start.month - 1 + months + 12 * years
    year, month = start.year + month // 12, month % 12 + 1
    if not 1 <= year <= 9999:
        raise ValueError(f"year {year} is out of range")
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day) + timedelta(days=days)


@lru_cache(maxsize=1024)
def part_of_term(
    years: int, months: int, days: int, fraction: Fraction, days_per_month: int
) -> tuple[int, int]:
    """A fraction of a term in calendar units: (whole months, days rounded up).

    The whole months of fraction x (years x 12 + months) are counted as calendar months; the
    remaining fraction of a month is converted at `days_per_month` days, `fraction` x `days`
    is added, and the sum is rounded up to a whole day (a part of a day still has to be
    served).
    """
    month_part = fraction * (years * 12 + months)
    whole_months = math.floor(month_part)
    day_part = (month_part - whole_months) * days_per_month + fraction * days
    return whole_months, math.ceil(day_part)


def iso(value: Any) -> Any:
    """A date as ISO text (YYYY-MM-DD); any other value, None included, as it is."""
    return value.isoformat() if isinstance(value, date) else value


# --- Dates known only roughly ----------------------------------------------

FIRST_DATE, LAST_DATE = date(1800, 1, 1), date(2199, 12, 31)  # dates a scenario may hold (docs/limits.md)

_YEAR = re.compile(r"^\d{4}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WORDED = re.compile(r"^(before|after|on or before|on or after)\s+(\S+)$", re.IGNORECASE)
# The same open ends as the ask hints word them in Russian and Kazakh («не позднее 2024-06-01»,
# «2024-06-01 кешіктірмей»): a caseworker who reads the hint may type them. «до»/«после» are not
# taken: whether they include the day itself is not clear.
_WORDED_RU = re.compile(r"^не\s+(позднее|ранее)\s+(\S+)$", re.IGNORECASE)
_WORDED_KK = re.compile(r"^(\S+)\s+(кешіктірмей|ерте\s+емес)$", re.IGNORECASE)


class DateRange:
    """The inclusive range of days [lo, hi] on which a fact may have happened.

    A plain class (not a dataclass or tuple), so JSON writers never mistake it for a value:
    `as_json` says how it is written."""

    __slots__ = ("lo", "hi")

    def __init__(self, lo: date, hi: date):
        self.lo, self.hi = lo, hi

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DateRange) and (self.lo, self.hi) == (other.lo, other.hi)

    def __hash__(self) -> int:
        return hash((self.lo, self.hi))

    def __repr__(self) -> str:
        return f"DateRange({self.lo.isoformat()}, {self.hi.isoformat()})"

    @property
    def days(self) -> int:
        return (self.hi - self.lo).days + 1

    def as_json(self) -> dict:
        return {"from": self.lo.isoformat(), "to": self.hi.isoformat()}

    @property
    def year(self) -> int | None:
        """The year, when the range is exactly one whole year (a fact given as `2009`)."""
        if (self.lo.month, self.lo.day, self.hi.month, self.hi.day) == (1, 1, 12, 31) and self.lo.year == self.hi.year:
            return self.lo.year
        return None

    @property
    def month(self) -> tuple[int, int] | None:
        """(year, month), when the range is exactly one whole month (a fact given as `2024-06`)."""
        lo, hi = self.lo, self.hi
        if (lo.year, lo.month) == (hi.year, hi.month) and lo.day == 1 \
                and hi.day == calendar.monthrange(hi.year, hi.month)[1]:
            return lo.year, lo.month
        return None

    def as_given(self) -> int | str | dict:
        """The range in the shortest form a scenario file takes back: `2009`, `"2024-06"`,
        else `{from, to}` (what `ask --save` writes; parse_date_fact reads each back)."""
        if self.year is not None:
            return self.year
        if self.month is not None:
            return f"{self.month[0]:04d}-{self.month[1]:02d}"
        return self.as_json()


def as_saved(value: Any) -> Any:
    """A fact's value as a scenario file holds it: a date as ISO text, a rough date in the
    form it was given (DateRange.as_given), any other value as it is."""
    if type(value) is DateRange:
        return value.as_given()
    return value.isoformat() if isinstance(value, date) else value


def parse_date_fact(value: Any, exact, first: date, last: date) -> date | DateRange:
    """A date fact as given: an exact date (parsed by `exact`) or a rough one as a DateRange."""
    if isinstance(value, DateRange):
        return value
    if type(value) is str and len(value) == 10:  # YYYY-MM-DD, the common case: as before
        return exact(value)
    if isinstance(value, bool):
        return exact(value)  # exact's message: a boolean is not a date
    if (isinstance(value, int) and 1000 <= value <= 9999) or (isinstance(value, str) and _YEAR.match(value)):
        year = int(value)
        if not first.year <= year <= last.year:
            raise ValueError(Msg("input.date_range", value=str(value), first=first.isoformat(), last=last.isoformat()))
        return DateRange(date(year, 1, 1), date(year, 12, 31))
    if isinstance(value, str):
        month = _MONTH.match(value)
        if month:
            year, m = int(month.group(1)), int(month.group(2))
            if not 1 <= m <= 12:
                raise ValueError(Msg("input.not_calendar_date", value=repr(value)))
            if not first.year <= year <= last.year:
                raise ValueError(Msg("input.date_range", value=value, first=first.isoformat(), last=last.isoformat()))
            return DateRange(date(year, m, 1), date(year, m, calendar.monthrange(year, m)[1]))
        worded = _WORDED.match(value.strip())
        if worded:
            day = exact(worded.group(2))
            if worded.group(1).lower().endswith("before"):  # `before D` reads as on or before D, as `{to: D}`
                return _range(first, day, first, last)
            return _range(day, last, first, last)
        worded = _WORDED_RU.match(value.strip())
        if worded:
            day = exact(worded.group(2))
            return _range(first, day, first, last) if worded.group(1).lower() == "позднее" else _range(day, last, first, last)
        worded = _WORDED_KK.match(value.strip())
        if worded:
            day = exact(worded.group(1))
            return _range(first, day, first, last) if worded.group(2).lower() == "кешіктірмей" else _range(day, last, first, last)
        return exact(value)
    if isinstance(value, dict):
        unknown = set(value) - {"from", "to"}
        if unknown or not value:
            raise ValueError(Msg("ranged.format", value=repr(sorted(value))[:60]))
        lo = exact(value["from"]) if value.get("from") is not None else first
        hi = exact(value["to"]) if value.get("to") is not None else last
        return _range(lo, hi, first, last)
    return exact(value)


def _range(lo: date, hi: date, first: date, last: date) -> date | DateRange:
    if hi < lo:
        raise ValueError(Msg("ranged.empty", lo=lo.isoformat(), hi=hi.isoformat()))
    return DateRange(max(lo, first), min(hi, last))


# The JSON Schema of a date fact: `creval schema` documents the rough forms too.
DATE_FACT_SCHEMA = {
    "anyOf": [
        {"type": "string", "format": "date", "description": "an exact date, YYYY-MM-DD"},
        {"type": "integer", "description": "a year: any day of it"},
        {"type": "string", "pattern": r"^\d{4}-\d{2}$", "description": "a month, YYYY-MM: any day of it"},
        {
            "type": "object",
            "description": "an inclusive range of days; an absent end means on or after / on or before",
            "properties": {"from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"}},
            "additionalProperties": False,
            "minProperties": 1,
        },
    ]
}
