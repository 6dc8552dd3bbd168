"""Invalid facts of the work-ban, child-labour, periodicals and maintenance matters are
rejected as the interface says: one message naming the field, and the range the rule file
sets for a court's ban term."""

from __future__ import annotations

import pytest

from creval.input.loader import validate
from helpers import bundled


def load(matter: str, facts: dict, as_of: str = "2026-01-01"):
    return validate({"id": "x", "as_of": as_of, "facts": {matter: facts}}, "x.yaml", bundled())


BAN = {"offence_article": 120, "duty_to_educate": True, "sentence_completed": "2015-01-01"}


@pytest.mark.parametrize("years", [1, 10, 15, 20, "life"])
def test_ban_years_inside_the_range_is_valid(years):
    assert not load("work_ban", {**BAN, "ban_years": years}).errors


@pytest.mark.parametrize("years", [21, 0, -3])
def test_ban_years_outside_the_range_cites_it(years):
    (error,) = load("work_ban", {**BAN, "ban_years": years}).errors
    assert error.field == "facts.work_ban.ban_years"
    assert str(error.message) == f"{years} is outside the range the rule allows: 1 to 20"


def test_the_range_comes_from_the_rule_file(tmp_path):
    from creval.law.rulebook import RuleBook
    from helpers import copy_rules, edit

    folder = copy_rules(tmp_path, only=["work-with-children-ban"])
    edit(folder / "work-with-children-ban.yaml", "value: 20", "value: 25")
    doc = {"id": "x", "as_of": "2026-01-01", "facts": {"work_ban": {**BAN, "ban_years": 22}}}
    assert not validate(doc, "x.yaml", RuleBook(folder)).errors


@pytest.mark.parametrize("matter, facts, field", [
    ("work_ban", {**BAN, "ban_years": 12.5}, "ban_years"),
    ("work_ban", {**BAN, "duty_to_educate": "yes"}, "duty_to_educate"),
    ("work_ban", {**BAN, "offence_article": "120"}, "offence_article"),
    ("child_labour", {"birth_date": "2010-01-01", "work_type": "mining"}, "work_type"),
    ("child_labour", {"birth_date": "2010-01-01", "work_date": "2009-12-31"}, "work_date"),
    ("child_labour", {"birth_date": "2026-06-01"}, "birth_date"),
    ("periodicals_sale", {"seller_birth_date": "2010-01-01", "erotic_content": 1}, "erotic_content"),
    ("periodicals_sale", {"seller_birth_date": "2010-01-01", "sale_date": "2009-06-01"}, "sale_date"),
    ("maintenance", {"child_residence": "XX", "debtor_residence": "KZ"}, "child_residence"),
    ("maintenance", {"child_residence": "KZ", "debtor_residence": "kzz"}, "debtor_residence"),
    ("maintenance", {"child_residence": "KZ", "application_date": "2025-02-30"}, "application_date"),
    ("maintenance", {"child_residence": "KZ", "creditor": "mother"}, "creditor"),
])
def test_invalid_fact_names_its_field(matter, facts, field):
    errors = load(matter, facts).errors
    assert [e.field for e in errors] == [f"facts.{matter}.{field}"], errors
    assert "\n" not in str(errors[0])
