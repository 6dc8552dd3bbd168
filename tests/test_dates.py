"""Calendar arithmetic for legal periods (creval.core.dates), against the catalogue's rules:
a period in years or months ends on the corresponding day, 29 February and other missing
month-ends falling on the month's last day; three quarters of a term are counted in
calendar months plus days at 30 a month, rounded up, in exact fractions."""

from __future__ import annotations

import re
from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creval.core import dates
from creval.law.derive import derive
from helpers import PAROLE, bundled, d

THREE_QUARTERS = Fraction(3, 4)


@pytest.mark.parametrize(
    "start, years, expected",
    [
        ("2012-02-29", 16, "2028-02-29"),  # 2028 is a leap year
        ("2012-02-29", 18, "2030-02-28"),  # 2030 is not: the last day of February
        ("2012-02-29", 1, "2013-02-28"),
        ("2012-02-29", 4, "2016-02-29"),
        ("2000-02-29", 27, "2027-02-28"),
        ("2008-02-29", 18, "2026-02-28"),
        ("2084-02-29", 16, "2100-02-28"),  # 2100 is a common year (century rule)
        ("2000-02-29", 100, "2100-02-28"),
        ("1999-02-28", 1, "2000-02-28"),  # 28 Feb stays 28 Feb, even into a leap year
        ("2011-03-10", 16, "2027-03-10"),
        ("2024-12-31", 1, "2025-12-31"),
        ("2010-01-01", 0, "2010-01-01"),
    ],
)
def test_add_years(start, years, expected):
    assert dates.add_years(d(start), years) == d(expected)


@pytest.mark.parametrize(
    "start, years, months, days, expected",
    [
        ("2022-01-31", 0, 32, 0, "2024-09-30"),  # 30 September: no 31st
        ("2022-01-31", 0, 32, 8, "2024-10-08"),  # the catalogue's 3y7m example
        ("2022-01-31", 0, 1, 0, "2022-02-28"),
        ("2024-01-31", 0, 1, 0, "2024-02-29"),
        ("2022-01-31", 3, 7, 0, "2025-08-31"),  # the end of that 3y7m sentence
        ("2022-01-31", 0, 43, 0, "2025-08-31"),  # years and months are one calendar step
        ("2020-03-01", 0, 72, 0, "2026-03-01"),  # 6 years: 8 years x 3/4
        ("2024-02-29", 1, 0, 0, "2025-02-28"),
        ("2023-03-31", 0, 10, 15, "2024-02-15"),
        ("2021-09-01", 0, 45, -120, "2025-02-01"),  # minus credited days
        ("2021-09-01", 5, 0, -120, "2026-05-04"),
        ("2020-03-01", 0, 18, 8, "2021-09-09"),
        ("2023-12-31", 0, 0, 1, "2024-01-01"),
    ],
)
def test_add_period(start, years, months, days, expected):
    assert dates.add_period(d(start), years, months, days) == d(expected)


def test_add_period_adds_days_after_the_months():
    # Jan 31 + 1 month = Feb 28 (month-end rule), then + 1 day = Mar 1. Adding the day first
    # would give Feb 1 + 1 month = Mar 1 here too, but Jan 30 shows the order matters:
    # (Jan 30 + 1 month = Feb 28) + 2 days = Mar 2, not (Feb 1 + 1 month =) Mar 1.
    assert dates.add_period(d("2023-01-31"), months=1, days=1) == d("2023-03-01")
    assert dates.add_period(d("2023-01-30"), months=1, days=2) == d("2023-03-02")


@pytest.mark.parametrize(
    "years, months, days, expected",
    [
        (3, 7, 0, (32, 8)),  # 43 x 3/4 = 32.25 months; 0.25 x 30 = 7.5 -> 8 days
        (1, 2, 0, (10, 15)),  # 14 x 3/4 = 10.5 months -> 10 months 15 days
        (8, 0, 0, (72, 0)),
        (5, 0, 0, (45, 0)),
        (2, 0, 10, (18, 8)),  # 7.5 days -> 8
        (0, 0, 3, (0, 3)),  # 2.25 days -> 3
        (0, 0, 4, (0, 3)),  # exactly 3
        (0, 0, 1, (0, 1)),  # 0.75 -> 1
        (0, 1, 0, (0, 23)),  # 22.5 days -> 23
        (0, 2, 0, (1, 15)),  # 1.5 months
        (0, 4, 0, (3, 0)),
        (0, 1, 1, (0, 24)),  # 22.5 + 0.75 = 23.25 -> 24 (rounded once, at the end)
        (0, 0, 30, (0, 23)),  # 22.5 -> 23: days stay days, they are not turned into months
        (1, 1, 2, (9, 24)),  # 13 x 3/4 = 9.75 months: 22.5 + 1.5 = 24 days exactly
    ],
)
def test_part_of_term_three_quarters(years, months, days, expected):
    assert dates.part_of_term(years, months, days, THREE_QUARTERS, 30) == expected


def test_part_of_term_is_exact_not_floating_point():
    # 0.7 x 10 is 7.000000000000001 in floating point, which would round up to 8.
    assert dates.part_of_term(0, 0, 10, Fraction(7, 10), 30) == (0, 7)
    # 0.1 + 0.2 style residues in the month part: 10 months x 3/10 = 3 months exactly.
    assert dates.part_of_term(0, 10, 0, Fraction(3, 10), 30) == (3, 0)
    assert dates.part_of_term(1, 0, 0, Fraction(1, 3), 30) == (4, 0)
    assert dates.part_of_term(0, 1, 0, Fraction(1, 3), 30) == (0, 10)


def test_part_of_term_uses_the_given_fraction_and_month_length():
    assert dates.part_of_term(1, 2, 0, Fraction(1, 2), 30) == (7, 0)
    assert dates.part_of_term(1, 2, 0, Fraction(2, 3), 30) == (9, 10)  # 9.333 months -> 10 days
    assert dates.part_of_term(1, 2, 0, THREE_QUARTERS, 31) == (10, 16)  # 15.5 -> 16


def test_part_of_term_returns_integers():
    months, days = dates.part_of_term(3, 7, 0, THREE_QUARTERS, 30)
    assert type(months) is int and type(days) is int


def test_iso():
    assert dates.iso(date(2024, 2, 29)) == "2024-02-29"
    assert dates.iso(None) is None


# The same arithmetic as the parole rule file drives it (derive.part_of_term / end_of_term).

@pytest.fixture(scope="module")
def parole_values():
    book = bundled()  # no engine needed: derive only
    return lambda facts, as_of="2030-01-01": derive(book.tests[PAROLE], facts, d(as_of), book.tables).values


@pytest.mark.parametrize(
    "start, term, credited, three_quarters, ends",
    [
        ("2020-03-01", (8, 0, 0), 0, "2026-03-01", "2028-03-01"),
        ("2022-01-31", (3, 7, 0), 0, "2024-10-08", "2025-08-31"),
        ("2023-03-31", (1, 2, 0), 0, "2024-02-15", "2024-05-31"),
        ("2021-09-01", (5, 0, 0), 120, "2025-02-01", "2026-05-04"),
        ("2020-03-01", (2, 0, 10), 0, "2021-09-09", "2022-03-11"),
        ("2024-01-01", (0, 0, 3), 0, "2024-01-04", "2024-01-04"),  # 2.25 days -> 3
        ("2024-02-29", (1, 0, 0), 0, "2024-11-29", "2025-02-28"),
    ],
)
def test_parole_derived_dates(parole_values, start, term, credited, three_quarters, ends):
    years, months, days = term
    facts = {
        "offence": "sexual_offence_against_minor",
        "sentence_start": d(start),
        "term": {"years": years, "months": months, "days": days},
        "credited_days": credited,
    }
    values = parole_values(facts)
    assert values["three_quarters_date"] == d(three_quarters)
    assert values["sentence_ends"] == d(ends)


def test_parole_derived_dates_absent_when_term_or_start_unknown(parole_values):
    no_term = parole_values({"sentence_start": d("2022-01-31")})
    no_start = parole_values({"term": {"years": 1, "months": 0, "days": 0}})
    for values in (no_term, no_start):
        assert "three_quarters_date" not in values and "sentence_ends" not in values


@given(st.dates(min_value=date(1800, 1, 1), max_value=date(2150, 12, 31)), st.integers(0, 40))
@settings(max_examples=300, deadline=None)
def test_add_years_is_relativedelta(start, years):
    """The fast anniversary equals dateutil's (29 February falls on 28 February)."""
    from dateutil.relativedelta import relativedelta

    assert dates.add_years(start, years) == start + relativedelta(years=years)


@given(st.dates(min_value=date(1800, 1, 1), max_value=date(2150, 12, 31)), st.integers(0, 40), st.integers(-30, 40),
       st.integers(-400, 400))
@settings(max_examples=300, deadline=None)
def test_add_period_is_relativedelta(start, years, months, days):
    """The fast period equals dateutil's month-end rule, then the days."""
    from datetime import timedelta

    from dateutil.relativedelta import relativedelta

    assert dates.add_period(start, years, months, days) == start + relativedelta(years=years, months=months) + timedelta(days=days)


# ------------------------------------------- the day after / N days after (days_after, days_before)

@pytest.mark.parametrize("start, days, expected", [
    ("2025-05-10", 1, "2025-05-11"),   # the day after a birthday
    ("2024-02-28", 1, "2024-02-29"),   # into a leap day
    ("2025-12-31", 1, "2026-01-01"),   # over a year's end
    ("2025-03-01", -1, "2025-02-28"),  # the day before
    ("2025-01-31", 30, "2025-03-02"),
])
def test_add_days(start, days, expected):
    assert dates.add_days(d(start), days) == d(expected)


def _rule_with(tmp_path, derivation: str):
    """A copy of the Hague rule with one more derived value."""
    from helpers import HAGUE, copy_rules, edit
    from creval.law.rulebook import RuleBook

    folder = copy_rules(tmp_path, only=[HAGUE])
    edit(folder / f"{HAGUE}.yaml", "\nderived:\n", f"\nderived:\n  extra: {derivation}\n")
    return RuleBook(folder)


@pytest.mark.parametrize("derivation, birthday, expected", [
    ("{days_after: child_attains_16}", "2026-01-10", "2026-01-11"),
    ("{days_after: [child_attains_16, 3]}", "2026-01-10", "2026-01-13"),
    ("{days_after: [child_attains_16, return_period]}", "2026-01-10", "2026-01-11"),  # a parameter (1)
    ("{days_before: child_attains_16}", "2026-01-10", "2026-01-09"),
    ("{days_before: [child_attains_16, 10]}", "2026-01-10", "2025-12-31"),
])
def test_days_after_and_before_in_a_rule_file(tmp_path, derivation, birthday, expected):
    from helpers import HAGUE

    book = _rule_with(tmp_path, derivation.replace("child_attains_16", "removal_date"))
    test = book.tests[HAGUE]
    values = derive(test, {"removal_date": d(birthday)}, d("2026-06-01"), book.tables).values
    assert values["extra"] == d(expected)
    assert "extra" not in derive(test, {}, d("2026-06-01"), book.tables).values  # unknown date: no value


@pytest.mark.parametrize("derivation, message", [
    ("{days_after: habitual_residence}", "expects a date, or [date, days]"),
    ("{days_after: [removal_date, 1, 2]}", "expects a date, or [date, days]"),
    ("{days_after: [removal_date, half]}", "unknown field or parameter 'half'"),
    ("{days_before: [removal_date, 1.5]}", "whole number"),
    ("{add_years: [removal_date, 1, 2]}", "expects [date, years]"),
    ("{add_years: [habitual_residence, 1]}", "expects [date, years]"),
    ("{add_years: removal_date}", "expects [date, years]"),
])
def test_days_after_with_wrong_arguments_is_refused(tmp_path, derivation, message):
    from creval.law.rulebook import RuleFileError

    with pytest.raises(RuleFileError, match=re.escape(message)):
        _rule_with(tmp_path, derivation)
