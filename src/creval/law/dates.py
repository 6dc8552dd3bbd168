"""Calendar arithmetic for legal periods.

A period of years or months ends on the corresponding day of the last year or month; when
that month lacks the day (29 February, 31 April ...) it ends on the month's last day.
`dateutil.relativedelta` implements exactly that rule, so it does the arithmetic here.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from dateutil.relativedelta import relativedelta


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
    """`start` plus whole years and months (month-end rule), then plus days."""
    return start + relativedelta(years=years, months=months) + timedelta(days=days)


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
