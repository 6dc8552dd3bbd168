"""Every threshold of every legal test, from both sides, with the outcome and the key date.

Twin cases sit on the day before and on the day of each threshold (birthdays, the one-year
period, entry into force, three quarters of a term, the end of a ban). The expected dates
are worked out by hand from the legal tests, not computed with creval.core.dates.
The last part reaches every outcome of every test from a direct fact dict and checks the
`missing` list.
"""

from __future__ import annotations

import pytest

from helpers import (
    ADOPTION,
    CHILD_LABOUR,
    CONSCRIPTION,
    HAGUE,
    MAINTENANCE,
    MILITARY,
    PAROLE,
    PERIODICALS,
    WORK_BAN,
    Runner,
    d,
    day_before,
    bundled,
    key_dates,
    statuses,
)


@pytest.fixture(scope="module")
def runner() -> Runner:
    return Runner(bundled())


def check(result, outcome, dates=None, crit=None, missing=()):
    """Outcome, the key dates given (a subset), criterion statuses given, and `missing`."""
    assert result.outcome == outcome, (result.outcome, result.missing, statuses(result))
    if dates is not None:
        got = key_dates(result)
        assert {k: got.get(k) for k in dates} == dates
    if crit is not None:
        got = statuses(result)
        assert {k: got.get(k) for k in crit} == crit
    assert result.missing == list(missing)


# --------------------------------------------------------------------------- Hague 1980

# KZ -> RU: the pair is in force from 2016-04-01 (rules/data/hague-1980.yaml).
CUSTODY = {"habitual_residence": "KZ", "taken_to": "RU", "left_behind_right": "custody", "rights_exercised": True}


def hague(runner, as_of, **facts):
    return runner.run(HAGUE, {**CUSTODY, **facts}, as_of)


class TestHague:
    def test_day_before_16th_birthday_convention_applies(self, runner):
        r = hague(runner, "2027-03-09", child_birth_date="2011-03-10", removal_date="2026-09-01")
        check(r, "return-forthwith", {"child-attains-16": "2027-03-10", "one-year-after-removal": "2027-09-01"},
              {"child-under-16": "met", "within-one-year": "met"})

    def test_on_16th_birthday_convention_ceases(self, runner):
        r = hague(runner, "2027-03-10", child_birth_date="2011-03-10", removal_date="2026-09-01")
        check(r, "not-applicable", {"child-attains-16": "2027-03-10"}, {"child-under-16": "unmet"})

    def test_16th_birthday_ends_pending_proceedings(self, runner):
        # Proceedings began before the birthday, but the age is tested on as_of (Art 4).
        r = hague(runner, "2027-03-10", child_birth_date="2011-03-10", removal_date="2026-09-01",
                  proceedings_date="2027-01-15")
        check(r, "not-applicable", {"child-attains-16": "2027-03-10"}, {"child-under-16": "unmet"})
        assert r.assessed_on == "2027-01-15"

    @pytest.mark.parametrize("as_of, outcome, status", [("2028-02-28", "return-forthwith", "met"),
                                                        ("2028-02-29", "not-applicable", "unmet")])
    def test_29_february_child_attains_16_on_29_february_of_leap_2028(self, runner, as_of, outcome, status):
        r = hague(runner, as_of, child_birth_date="2012-02-29", removal_date="2027-06-01")
        check(r, outcome, {"child-attains-16": "2028-02-29"}, {"child-under-16": status})

    @pytest.mark.parametrize("as_of, outcome, status", [("2100-02-27", "return-forthwith", "met"),
                                                        ("2100-02-28", "not-applicable", "unmet")])
    def test_29_february_child_attains_16_on_28_february_of_common_2100(self, runner, as_of, outcome, status):
        r = hague(runner, as_of, child_birth_date="2084-02-29", removal_date="2099-06-01")
        check(r, outcome, {"child-attains-16": "2100-02-28"}, {"child-under-16": status})

    @pytest.mark.parametrize("proceedings, outcome, status", [("2024-05-09", "return-forthwith", "met"),
                                                              ("2024-05-10", "return-unless-settled", "unmet")])
    def test_one_year_period_on_proceedings_date(self, runner, proceedings, outcome, status):
        r = hague(runner, "2024-06-01", child_birth_date="2015-01-01", removal_date="2023-05-10",
                  proceedings_date=proceedings)
        check(r, outcome, {"one-year-after-removal": "2024-05-10", "child-attains-16": "2031-01-01"},
              {"within-one-year": status})
        assert r.assessed_on == proceedings

    @pytest.mark.parametrize("as_of, outcome, status", [("2024-05-09", "return-forthwith", "met"),
                                                        ("2024-05-10", "return-unless-settled", "unmet")])
    def test_one_year_period_falls_back_to_as_of(self, runner, as_of, outcome, status):
        r = hague(runner, as_of, child_birth_date="2015-01-01", removal_date="2023-05-10")
        check(r, outcome, {"one-year-after-removal": "2024-05-10"}, {"within-one-year": status})
        assert r.assessed_on == as_of

    @pytest.mark.parametrize("proceedings, outcome", [("2024-05-09", "return-forthwith"),
                                                      ("2024-05-10", "return-may-be-refused")])
    def test_settlement_counts_only_after_one_year(self, runner, proceedings, outcome):
        r = hague(runner, "2024-06-01", child_birth_date="2015-01-01", removal_date="2023-05-10",
                  proceedings_date=proceedings, settled_in_new_environment=True)
        check(r, outcome, {"one-year-after-removal": "2024-05-10"})

    @pytest.mark.parametrize("proceedings, outcome", [("2025-02-27", "return-forthwith"),
                                                      ("2025-02-28", "return-unless-settled")])
    def test_removal_on_29_february_one_year_ends_28_february(self, runner, proceedings, outcome):
        r = hague(runner, "2025-03-15", child_birth_date="2015-01-01", removal_date="2024-02-29",
                  proceedings_date=proceedings)
        check(r, outcome, {"one-year-after-removal": "2025-02-28"})

    def test_removal_day_before_kazakhstan_entry_into_force(self, runner):
        # 2013-08-31: before KZ's own entry into force, whatever the pair: not applicable.
        for other in ("DE", "RU", "US", "TR"):
            r = hague(runner, "2014-01-01", child_birth_date="2010-01-01", removal_date="2013-08-31", taken_to=other)
            check(r, "not-applicable", {"one-year-after-removal": "2014-08-31"}, {"states-party": "unmet"})

    def test_removal_on_kazakhstan_entry_into_force_pair_unsettled(self, runner):
        # 2013-09-01: in force for KZ, but no acceptance found for KZ-DE: unknown, so the
        # caseworker must check and state convention_in_force.
        r = hague(runner, "2014-01-01", child_birth_date="2010-01-01", removal_date="2013-09-01", taken_to="DE")
        check(r, "undetermined", {"one-year-after-removal": "2014-09-01"}, {"states-party": "unknown"},
              missing=["convention_in_force"])

    def test_removal_on_kazakhstan_entry_into_force_with_stated_convention(self, runner):
        r = hague(runner, "2014-01-01", child_birth_date="2010-01-01", removal_date="2013-09-01", taken_to="DE",
                  convention_in_force=True)
        check(r, "return-forthwith", {"one-year-after-removal": "2014-09-01"}, {"states-party": "met"})

    def test_from_germany_to_kazakhstan_same_rule(self, runner):
        facts = dict(CUSTODY, habitual_residence="DE", taken_to="KZ", child_birth_date="2010-01-01")
        before = runner.run(HAGUE, dict(facts, removal_date="2013-08-31"), "2014-01-01")
        on = runner.run(HAGUE, dict(facts, removal_date="2013-09-01"), "2014-01-01")
        check(before, "not-applicable", crit={"states-party": "unmet"})
        check(on, "undetermined", crit={"states-party": "unknown"}, missing=["convention_in_force"])

    @pytest.mark.parametrize(
        "removal, outcome, status, missing",
        [
            ("2013-08-31", "not-applicable", "unmet", []),  # KZ not yet bound
            ("2016-01-04", "not-applicable", "unmet", []),  # 04/01/2016 is 1 April: Art 38 dates are 1sts
            ("2016-03-31", "not-applicable", "unmet", []),
            ("2016-04-01", "return-forthwith", "met", []),
        ],
    )
    def test_kazakhstan_russia_pair(self, runner, removal, outcome, status, missing):
        r = hague(runner, "2016-06-01", child_birth_date="2010-01-01", removal_date=removal)
        check(r, outcome, {"child-attains-16": "2026-01-01"}, {"states-party": status}, missing)

    def test_stated_convention_decides_over_tables(self, runner):
        r = hague(runner, "2016-06-01", child_birth_date="2010-01-01", removal_date="2016-03-31",
                  convention_in_force=True)
        check(r, "return-forthwith", crit={"states-party": "met"})
        r = hague(runner, "2016-06-01", child_birth_date="2010-01-01", removal_date="2016-04-01",
                  convention_in_force=False)
        check(r, "not-applicable", crit={"states-party": "unmet"})

    def test_kyrgyzstan_not_a_party(self, runner):
        r = hague(runner, "2020-06-01", child_birth_date="2010-01-01", removal_date="2020-01-01", taken_to="KG")
        check(r, "not-applicable", crit={"states-party": "unmet"})

    @pytest.mark.parametrize(
        "removal, outcome, status, missing",
        [
            ("2013-08-31", "not-applicable", "unmet", []),  # KZ not yet bound
            ("2013-09-01", "undetermined", "unknown", ["convention_in_force"]),  # start of the pair NOT FOUND
            ("2019-11-30", "undetermined", "unknown", ["convention_in_force"]),
            # in force for a removal of 29 Dec 2019 (AB v CD [2021] EWHC 665 (Fam)), and an Art 38
            # relation starts on the 1st of a month: so in force by 1 Dec 2019
            ("2019-12-01", "return-forthwith", "met", []),
            ("2019-12-29", "return-forthwith", "met", []),
        ],
    )
    def test_kazakhstan_united_kingdom_pair_known_in_force_by_1_december_2019(self, runner, removal, outcome,
                                                                                status, missing):
        r = hague(runner, "2020-03-01", child_birth_date="2012-01-01", removal_date=removal, taken_to="GB",
                  proceedings_date=removal)
        check(r, outcome, crit={"states-party": status}, missing=missing)

    @pytest.mark.parametrize("origin, removal, outcome", [("BY", "2003-09-30", "not-applicable"),
                                                          ("BY", "2003-10-01", "return-forthwith"),
                                                          ("AM", "2016-06-30", "not-applicable"),
                                                          ("AM", "2016-07-01", "return-forthwith")])
    def test_united_kingdom_acceptances_of_belarus_and_armenia(self, runner, origin, removal, outcome):
        r = hague(runner, removal, child_birth_date="2001-01-01", removal_date=removal, habitual_residence=origin,
                  taken_to="GB")
        check(r, outcome)

    def test_removal_within_one_state_names_no_status_table(self, runner):
        r = hague(runner, "2025-10-01", child_birth_date="2016-03-14", removal_date="2025-06-01", taken_to="KZ")
        check(r, "not-applicable", crit={"international-removal": "unmet", "states-party": "unmet"})
        reason = {c.id: c.reason for c in r.criteria}["states-party"]
        assert "KZ is the only state involved" in reason and "HCCH" not in reason

    @pytest.mark.parametrize("exercised", [True, False, None])
    def test_access_only_whether_or_not_access_was_exercised(self, runner, exercised):
        r = hague(runner, "2025-11-01", child_birth_date="2017-01-20", removal_date="2025-08-01",
                  left_behind_right="access", rights_exercised=exercised)
        check(r, "access-only", crit={"rights-breached": "met"})

    def test_unknown_right_with_rights_not_exercised_is_undetermined(self, runner):
        # The right might be access, for which exercise does not matter.
        r = hague(runner, "2025-11-01", child_birth_date="2017-01-20", removal_date="2025-08-01",
                  left_behind_right=None, rights_exercised=False)
        check(r, "undetermined", crit={"rights-breached": "unknown"}, missing=["left_behind_right"])


# -------------------------------------------------------------------- conscription

MALE_CITIZEN = {"sex": "male", "citizenship": "KZ"}


class TestConscription:
    @pytest.mark.parametrize(
        "as_of, outcome, crit",
        [
            ("2019-06-14", "under-age", {"aged-18-or-over": "unmet", "under-27": "met"}),
            ("2019-06-15", "subject-to-conscription", {"aged-18-or-over": "met", "under-27": "met"}),
            ("2028-06-14", "subject-to-conscription", {"aged-18-or-over": "met", "under-27": "met"}),
            ("2028-06-15", "over-age", {"aged-18-or-over": "met", "under-27": "unmet"}),
        ],
    )
    def test_18th_and_27th_birthdays(self, runner, as_of, outcome, crit):
        r = runner.run(CONSCRIPTION, {**MALE_CITIZEN, "birth_date": "2001-06-15"}, as_of)
        check(r, outcome, {"attains-18": "2019-06-15", "attains-27": "2028-06-15"}, crit)

    @pytest.mark.parametrize(
        "as_of, outcome",
        [
            ("2018-02-27", "under-age"),
            ("2018-02-28", "subject-to-conscription"),  # 18th birthday of a 29 Feb child in 2018
            ("2027-02-27", "subject-to-conscription"),
            ("2027-02-28", "over-age"),  # 27th birthday in common 2027
        ],
    )
    def test_29_february_birth(self, runner, as_of, outcome):
        r = runner.run(CONSCRIPTION, {**MALE_CITIZEN, "birth_date": "2000-02-29"}, as_of)
        check(r, outcome, {"attains-18": "2018-02-28", "attains-27": "2027-02-28"})

    @pytest.mark.parametrize("as_of, outcome", [("2023-02-27", "subject-to-conscription"), ("2023-02-28", "over-age")])
    def test_29_february_birth_1996(self, runner, as_of, outcome):
        # 18 and 27 are not multiples of 4: a 29 Feb child's 18th and 27th birthdays always fall
        # in common years (here 2014 and 2023), on 28 February.
        r = runner.run(CONSCRIPTION, {**MALE_CITIZEN, "birth_date": "1996-02-29"}, as_of)
        check(r, outcome, {"attains-18": "2014-02-28", "attains-27": "2023-02-28"})


# ------------------------------------------------------------ military involvement

class TestMilitary:
    @pytest.mark.parametrize("activity, outcome, status", [("2026-02-27", "prohibited", "met"),
                                                           ("2026-02-28", "not-prohibited", "unmet")])
    def test_29_february_child_18_on_28_february(self, runner, activity, outcome, status):
        r = runner.run(MILITARY, {"birth_date": "2008-02-29", "activity": "armed_conflict", "activity_date": activity},
                       "2026-06-01")
        check(r, outcome, {"attains-18": "2026-02-28"}, {"under-18": status})
        assert r.assessed_on == activity

    @pytest.mark.parametrize("as_of, outcome", [("2025-07-19", "prohibited"), ("2025-07-20", "not-prohibited")])
    def test_activity_date_falls_back_to_as_of(self, runner, as_of, outcome):
        r = runner.run(MILITARY, {"birth_date": "2007-07-20", "activity": "paramilitary_formation"}, as_of)
        check(r, outcome, {"attains-18": "2025-07-20"})
        assert r.assessed_on == as_of


# -------------------------------------------------------------------- adoption

FOREIGN_APPLICANT = {
    "child_citizenship": "KZ",
    "applicant_citizenship": "DE",
    "applicant_residence": "DE",
    "applicant_is_relative": False,
    "applicant_birth_date": "1975-03-10",  # 16 years older than every child below
    "domestic_placement_exhausted": True,
    "family_selected_by": "authority",
}


class TestAdoption:
    @pytest.mark.parametrize("decision, outcome, status", [("2026-02-27", "permitted", "met"),
                                                           ("2026-02-28", "not-permitted", "unmet")])
    def test_29_february_child_18_on_28_february(self, runner, decision, outcome, status):
        r = runner.run(ADOPTION, {**FOREIGN_APPLICANT, "child_birth_date": "2008-02-29", "decision_date": decision},
                       "2026-06-01")
        check(r, outcome, {"child-attains-18": "2026-02-28"}, {"child-under-18": status})

    @pytest.mark.parametrize("as_of, outcome", [("2024-03-11", "permitted"), ("2024-03-12", "not-permitted")])
    def test_18th_birthday_decision_date_falls_back_to_as_of(self, runner, as_of, outcome):
        r = runner.run(ADOPTION, {**FOREIGN_APPLICANT, "child_birth_date": "2006-03-12"}, as_of)
        check(r, outcome, {"child-attains-18": "2024-03-12"})

    @pytest.mark.parametrize("decision, outcome, status", [("2016-10-31", "not-permitted", "unmet"),
                                                           ("2016-11-01", "permitted", "met")])
    def test_kyrgyzstan_entry_into_force_of_1993_convention(self, runner, decision, outcome, status):
        facts = dict(FOREIGN_APPLICANT, applicant_citizenship="KG", applicant_residence="KG",
                     child_birth_date="2012-05-05", decision_date=decision)
        r = runner.run(ADOPTION, facts, "2016-12-01")
        check(r, outcome, {"child-attains-18": "2030-05-05"}, {"equivalent-obligations": status})

    @pytest.mark.parametrize("state", ["DE", "US", "GB", "TR", "BY", "CN", "AM", "AZ", "GE", "MN"])
    @pytest.mark.parametrize("decision, outcome, status", [("2010-10-31", "not-permitted", "unmet"),
                                                           ("2010-11-01", "permitted", "met")])
    def test_partners_bound_before_kazakhstan_so_its_1_november_2010_decides(self, runner, state, decision,
                                                                             outcome, status):
        # Each partner's computed date (Art 46(2)) is earlier than KZ's; no 2022 scrape date is left.
        facts = dict(FOREIGN_APPLICANT, applicant_citizenship=state, applicant_residence=state,
                     child_birth_date="2006-01-01", decision_date=decision)
        r = runner.run(ADOPTION, facts, "2011-06-01")
        check(r, outcome, crit={"equivalent-obligations": status})


# ---------------------------------------------------------------------- parole

def sentence(start, years=0, months=0, days=0, credited=0, offence="sexual_offence_against_minor",
             offence_date="2009-06-01", minor=False):
    """An offence before 2015 (the article's three-quarters rule) unless `offence_date` says
    otherwise; `credited=None` and `offence_date=None` leave those facts unknown."""
    facts = {"offence": offence, "offender_was_minor": minor, "sentence_start": start,
             "term": {"years": years, "months": months, "days": days}}
    if credited is not None:
        facts["credited_days"] = credited
    if offence_date is not None:
        facts["offence_date"] = offence_date
    return facts


class TestParole:
    @pytest.mark.parametrize(
        "facts, eligible_on, ends_on",
        [
            (sentence("2022-01-31", 3, 7), "2024-10-08", "2025-08-31"),  # 32 months 8 days
            (sentence("2023-03-31", 1, 2), "2024-02-15", "2024-05-31"),  # 10 months 15 days
            (sentence("2020-03-01", 8), "2026-03-01", "2028-03-01"),  # 72 months
            (sentence("2021-09-01", 5, credited=120), "2025-02-01", "2026-05-04"),  # 45 months - 120 days
            (sentence("2020-03-01", 2, days=10), "2021-09-09", "2022-03-11"),  # 18 months + 7.5 -> 8 days
            (sentence("2024-01-01", days=5), "2024-01-05", "2024-01-06"),  # 3.75 -> 4 days
            (sentence("2022-01-31", 3, 7, credited=0), "2024-10-08", "2025-08-31"),
            (sentence("2022-01-31", 3, 7, credited=8), "2024-09-30", "2025-08-23"),
        ],
    )
    def test_three_quarters_day_before_and_on(self, runner, facts, eligible_on, ends_on):
        dates = {"three-quarters-served": eligible_on, "sentence-ends": ends_on}
        eligible = runner.run(PAROLE, facts, eligible_on)
        check(eligible, "eligible", dates, {"three-quarters-served": "met", "covered-offence": "met"})
        before = runner.run(PAROLE, facts, day_before(d(eligible_on)))
        check(before, "not-yet-eligible", dates, {"three-quarters-served": "unmet"})

    def test_credited_days_move_eligibility(self, runner):
        none = runner.run(PAROLE, sentence("2021-09-01", 5), "2025-02-01")
        check(none, "not-yet-eligible", {"three-quarters-served": "2025-06-01", "sentence-ends": "2026-09-01"})
        with_credit = runner.run(PAROLE, sentence("2021-09-01", 5, credited=120), "2025-02-01")
        check(with_credit, "eligible", {"three-quarters-served": "2025-02-01"})

    @pytest.mark.parametrize("as_of, outcome, statuses, missing", [
        # credit could bring three quarters forward, or even end the sentence
        ("2025-05-31", "undetermined", {"three-quarters-served": "unknown", "sentence-running": "unknown"}, ["credited_days"]),
        ("2025-06-01", "undetermined", {"three-quarters-served": "met", "sentence-running": "unknown"}, ["credited_days"]),
        ("2026-08-31", "undetermined", {"three-quarters-served": "met", "sentence-running": "unknown"}, ["credited_days"]),
        ("2026-09-01", "sentence-served", {"three-quarters-served": "met", "sentence-running": "unmet"}, []),  # ended even without credit
    ])
    def test_credited_days_unknown_decide_only_what_holds_without_them(self, runner, as_of, outcome, statuses, missing):
        r = runner.run(PAROLE, sentence("2021-09-01", 5, credited=None), as_of)
        check(r, outcome, {"three-quarters-served-at-latest": "2025-06-01", "three-quarters-served": None}, statuses, missing)

    @pytest.mark.parametrize("offence_date, minor, outcome, version, change", [
        ("2014-12-31", False, "eligible", "cc-1997", "2015-01-01"),  # the article's rule
        ("2015-01-01", False, "excluded", "cc-2014", "2015-01-01"),  # Art 72(8)(4)
        # a minor: the article's three quarters was never found for minors, under either Code
        ("2014-12-31", True, "not-covered", "cc-1997", None),
        ("2015-01-01", True, "not-covered", "cc-2014", None),  # the exclusion does not reach minors
    ])
    def test_the_offence_date_selects_the_code(self, runner, offence_date, minor, outcome, version, change):
        r = runner.run(PAROLE, sentence("2016-03-01", 8, offence_date=offence_date, minor=minor), "2023-06-01")
        check(r, outcome, {"law-change-cc-2014": change})
        assert r.law_version["id"] == version

    def test_an_unknown_offence_date_is_missing_when_the_codes_disagree(self, runner):
        r = runner.run(PAROLE, sentence("2016-03-01", 8, offence_date=None), "2023-06-01")
        check(r, "undetermined", {"law-change-cc-2014": "2015-01-01"}, {"offence-under-2014-code": "unknown"}, ["offence_date"])
        assert r.law_version is None

    def test_an_unknown_offence_date_decides_when_the_codes_agree(self, runner):
        r = runner.run(PAROLE, sentence("2016-03-01", 8, offence_date=None, offence="other"), "2023-06-01")
        check(r, "not-covered", {"law-change-cc-2014": None}, missing=[])

    @pytest.mark.parametrize("as_of, outcome", [("2024-02-29", "excluded"), ("2024-03-01", "sentence-served")])
    def test_sentence_served_from_the_day_it_ends(self, runner, as_of, outcome):
        r = runner.run(PAROLE, sentence("2016-03-01", 8, offence_date="2015-06-01"), as_of)
        check(r, outcome, {"sentence-ends": "2024-03-01"})

    def test_the_pre_2015_version_prints_its_assumption(self, runner):
        r = runner.run(PAROLE, sentence("2016-03-01", 8, offence_date="2014-06-01"), "2023-06-01")
        assert [a["treated_as"] for a in r.assumptions] == ["law_version"]
        assert "not verified" in r.assumptions[0]["text"]

    def test_other_offence_not_covered_even_when_served(self, runner):
        r = runner.run(PAROLE, sentence("2010-01-01", 1, offence="other"), "2020-01-01")
        # three quarters decide nothing for another offence: that key date is not shown
        check(r, "not-covered", {"three-quarters-served": None, "sentence-ends": "2011-01-01"})


# ------------------------------------------------------------ work-with-children ban

COVERED = {"offence_article": 120, "duty_to_educate": True}


class TestWorkBan:
    UNKNOWN_TERM = {"ban-ends-earliest": "2014-02-28", "ban-ends-latest": "2024-02-29"}

    @pytest.mark.parametrize(
        "activity, outcome, status, missing",
        [
            ("2004-02-28", "not-banned", "unmet", []),  # before the sentence is completed
            ("2004-02-29", "banned", "met", []),  # the day it is completed
            ("2014-02-27", "banned", "met", []),  # day before +10 years (2014 has no 29 Feb)
            ("2014-02-28", "undetermined", "unknown", ["ban_years"]),
            ("2024-02-28", "undetermined", "unknown", ["ban_years"]),  # day before +20 years
            ("2024-02-29", "not-banned", "unmet", []),
        ],
    )
    def test_ban_years_unknown(self, runner, activity, outcome, status, missing):
        # an offence before 2015: the article's 10-20 year range
        r = runner.run(WORK_BAN, {**COVERED, "offence_date": "1999-03-10", "sentence_completed": "2004-02-29",
                                  "activity_date": activity}, "2026-01-15")
        check(r, outcome, self.UNKNOWN_TERM, {"within-ban-period": status}, missing)
        assert "ban-ends" not in key_dates(r)
        assert r.law_version["id"] == "cc-1997"

    @pytest.mark.parametrize("activity, outcome, missing", [
        ("2016-02-28", "not-banned", []),  # before the sentence is completed
        ("2017-02-27", "banned", []),  # day before +1 year, the shortest term of Art 50(2)
        ("2017-02-28", "undetermined", ["ban_years"]),
        ("2070-01-01", "undetermined", ["ban_years"]),  # never not-banned: the ban may be for life
    ])
    def test_ban_years_unknown_under_the_2014_code(self, runner, activity, outcome, missing):
        r = runner.run(WORK_BAN, {**COVERED, "offence_date": "2015-01-01", "sentence_completed": "2016-02-29",
                                  "activity_date": activity}, "2026-01-15")
        check(r, outcome, {"ban-ends-earliest": "2017-02-28", "ban-ends-latest": None}, missing=missing)
        assert r.law_version["id"] == "cc-2014"

    def test_the_day_before_2015_keeps_the_article_range(self, runner):
        facts = {**COVERED, "sentence_completed": "2016-02-29", "activity_date": "2036-03-01"}
        old = runner.run(WORK_BAN, {**facts, "offence_date": "2014-12-31"}, "2026-01-15")
        check(old, "not-banned", {"ban-ends-latest": "2036-02-29", "law-change-cc-2014": "2015-01-01"})
        new = runner.run(WORK_BAN, {**facts, "offence_date": "2015-01-01"}, "2026-01-15")
        check(new, "undetermined", {"law-change-cc-2014": "2015-01-01"}, missing=["ban_years"])

    def test_a_lifelong_ban_never_ends(self, runner):
        r = runner.run(WORK_BAN, {**COVERED, "offence_date": "2016-01-01", "sentence_completed": "2020-06-15",
                                  "ban_years": "life", "activity_date": "2090-01-01"}, "2026-01-15")
        check(r, "banned", {"ban-ends": None, "ban-ends-latest": None}, {"within-ban-period": "met"})

    def test_unknown_term_and_offence_date_are_both_missing(self, runner):
        r = runner.run(WORK_BAN, {**COVERED, "sentence_completed": "2016-02-29", "activity_date": "2040-01-01"}, "2026-01-15")
        check(r, "undetermined", missing=["offence_date", "ban_years"])

    @pytest.mark.parametrize(
        "years, ends",
        [(10, "2014-02-28"), (15, "2019-02-28"), (16, "2020-02-29"), (20, "2024-02-29")],
    )
    def test_known_ban_years_end_day(self, runner, years, ends):
        facts = {**COVERED, "sentence_completed": "2004-02-29", "ban_years": years}
        last = runner.run(WORK_BAN, {**facts, "activity_date": day_before(d(ends))}, "2026-01-15")
        check(last, "banned", {"ban-ends": ends}, {"within-ban-period": "met"})
        end = runner.run(WORK_BAN, {**facts, "activity_date": d(ends)}, "2026-01-15")
        check(end, "not-banned", {"ban-ends": ends}, {"within-ban-period": "unmet"})
        assert set(key_dates(end)) == {"ban-ends"}

    @pytest.mark.parametrize("as_of, outcome", [("2030-06-14", "banned"), ("2030-06-15", "undetermined")])
    def test_activity_date_falls_back_to_as_of(self, runner, as_of, outcome):
        r = runner.run(WORK_BAN, {**COVERED, "offence_date": "2012-01-01", "sentence_completed": "2020-06-15"}, as_of)
        check(r, outcome, {"ban-ends-earliest": "2030-06-15", "ban-ends-latest": "2040-06-15"},
              missing=["ban_years"] if outcome == "undetermined" else [])
        assert r.assessed_on == as_of


# ------------------------------------------------------- worst forms of child labour

class TestChildLabour:
    @pytest.mark.parametrize("work, outcome", [("2026-02-27", "prohibited"), ("2026-02-28", "not-a-child")])
    def test_29_february_worker_18_on_28_february(self, runner, work, outcome):
        r = runner.run(CHILD_LABOUR, {"birth_date": "2008-02-29", "work_type": "pornography", "work_date": work},
                       "2026-03-15")
        check(r, outcome, {"attains-18": "2026-02-28"})

    @pytest.mark.parametrize("as_of, outcome", [("2022-02-27", "prohibited"), ("2022-02-28", "not-a-child")])
    def test_work_date_falls_back_to_as_of(self, runner, as_of, outcome):
        r = runner.run(CHILD_LABOUR, {"birth_date": "2004-02-29", "work_type": "hazardous_work"}, as_of)
        check(r, outcome, {"attains-18": "2022-02-28"})
        assert r.assessed_on == as_of


# ----------------------------------------------------- erotic periodicals, sale by minors

class TestPeriodicals:
    @pytest.mark.parametrize("sale, outcome", [("2022-02-27", "prohibited"), ("2022-02-28", "not-prohibited")])
    def test_29_february_seller(self, runner, sale, outcome):
        r = runner.run(PERIODICALS, {"seller_birth_date": "2004-02-29", "erotic_content": True, "sale_date": sale},
                       "2022-03-15")
        check(r, outcome, {"attains-18": "2022-02-28"})

    @pytest.mark.parametrize("as_of, outcome", [("2025-09-30", "prohibited"), ("2025-10-01", "not-prohibited")])
    def test_sale_date_falls_back_to_as_of(self, runner, as_of, outcome):
        r = runner.run(PERIODICALS, {"seller_birth_date": "2007-10-01", "erotic_content": True}, as_of)
        check(r, outcome, {"attains-18": "2025-10-01"})


# ------------------------------------------------------------ maintenance recovery

class TestMaintenance:
    @pytest.mark.parametrize(
        "application, outcome, status, instruments",
        [
            # New York 1956: in force for KZ from 2000-04-27 (TR since 1971). The day before, no
            # instrument is in force: TR is not a party to Minsk 1993 or Chisinau 2002.
            ("2000-04-26", "no-treaty-channel", "unmet", []),
            ("2000-04-27", "treaty-channel", "met", ["New York 1956"]),
        ],
    )
    def test_new_york_1956_enters_into_force_for_kazakhstan(self, runner, application, outcome, status, instruments):
        r = runner.run(MAINTENANCE, {"child_residence": "KZ", "debtor_residence": "TR", "application_date": application},
                       "2001-01-15")
        check(r, outcome, crit={"cross-border": "met", "treaty-in-force": status})
        assert r.details == {"applicable_law": "KZ", "instruments": instruments}
        assert r.assessed_on == application

    @pytest.mark.parametrize("application, outcome, instruments", [("2024-07-01", "undetermined", []),
                                                                   ("2024-07-02", "treaty-channel", ["Hague 2007"])])
    def test_hague_2007_kazakhstan_united_states_pair(self, runner, application, outcome, instruments):
        r = runner.run(MAINTENANCE, {"child_residence": "KZ", "debtor_residence": "US", "application_date": application},
                       "2026-01-15")
        check(r, outcome, missing=["treaty_in_force"] if outcome == "undetermined" else [])
        assert r.details["instruments"] == instruments

    @pytest.mark.parametrize("as_of, outcome", [("2000-04-26", "no-treaty-channel"), ("2000-04-27", "treaty-channel")])
    def test_application_date_falls_back_to_as_of(self, runner, as_of, outcome):
        r = runner.run(MAINTENANCE, {"child_residence": "KZ", "debtor_residence": "TR"}, as_of)
        check(r, outcome)
        assert r.assessed_on == as_of

    @pytest.mark.parametrize("stated, outcome, status", [(True, "treaty-channel", "met"),
                                                         (False, "no-treaty-channel", "unmet")])
    def test_a_stated_treaty_in_force_decides_instead_of_the_tables(self, runner, stated, outcome, status):
        # the caseworker's check decides instead of the tables, whatever they say
        facts = {"child_residence": "KZ", "debtor_residence": "TR", "application_date": "2000-04-26",
                 "treaty_in_force": stated}
        r = runner.run(MAINTENANCE, facts, "2001-01-15")
        check(r, outcome, crit={"treaty-in-force": status})
        assert "stated by the caseworker" in {c.id: c.reason for c in r.criteria}["treaty-in-force"]

    def test_before_any_instrument_no_treaty_channel(self, runner):
        r = runner.run(MAINTENANCE, {"child_residence": "KZ", "debtor_residence": "TR", "application_date": "1992-06-01"},
                       "1992-09-01")
        check(r, "no-treaty-channel", crit={"treaty-in-force": "unmet"})
        assert r.details == {"applicable_law": "KZ", "instruments": []}

    def test_applicable_law_is_the_childs_residence(self, runner):
        r = runner.run(MAINTENANCE, {"child_residence": "DE", "debtor_residence": "KZ", "application_date": "2025-03-12"},
                       "2026-01-15")
        assert r.details["applicable_law"] == "DE"

    def test_domestic(self, runner):
        r = runner.run(MAINTENANCE, {"child_residence": "KZ", "debtor_residence": "KZ", "application_date": "2020-01-01"},
                       "2020-06-01")
        check(r, "domestic", crit={"cross-border": "unmet"})

    # Each new treaty date, from both sides: (child's state, debtor's state, application date,
    # outcome, instruments in force). The tables are in rules/data/.
    @pytest.mark.parametrize(
        "child, debtor, application, outcome, instruments",
        [
            # New York 1956: GB in force 1975-04-12 (TR since 1971); TR and GB are in no CIS convention
            ("TR", "GB", "1975-04-11", "no-treaty-channel", []),
            ("TR", "GB", "1975-04-12", "treaty-channel", ["New York 1956"]),
            # KZ-GB: New York 1956 from KZ's 2000-04-27; GB in no CIS convention, Hague 2007 later
            ("KZ", "GB", "2000-04-26", "no-treaty-channel", []),
            ("KZ", "GB", "2000-04-27", "treaty-channel", ["New York 1956"]),
            # New York 1956: MD in force 2006-08-23; TR is in no CIS convention, nor yet in Hague 2007
            ("TR", "MD", "2006-08-22", "no-treaty-channel", []),
            ("TR", "MD", "2006-08-23", "treaty-channel", ["New York 1956"]),
            # Hague 2007: US in force 2017-01-01 (DE since 2014-08-01); US in no other instrument
            ("DE", "US", "2016-12-31", "no-treaty-channel", []),
            ("DE", "US", "2017-01-01", "treaty-channel", ["Hague 2007"]),
            # Hague 2007 replaces New York 1956 between common parties (Art 49): TR from 2017-02-01
            ("DE", "TR", "2017-01-31", "treaty-channel", ["New York 1956"]),
            ("DE", "TR", "2017-02-01", "treaty-channel", ["Hague 2007"]),
            # ... and for KZ from 2019-06-14 (unknown from 2018-06-15, so New York 1956 still counts)
            ("KZ", "TR", "2019-06-13", "treaty-channel", ["New York 1956"]),
            ("KZ", "TR", "2019-06-14", "treaty-channel", ["Hague 2007"]),
            # KZ-US: not in New York 1956, Minsk or Chisinau; Hague 2007 pair not before 2024-05-14
            ("KZ", "US", "2024-05-13", "no-treaty-channel", []),
            ("KZ", "US", "2024-05-14", "undetermined", []),
            # Minsk 1993: Ukraine listed as a party from 2022-12-01, left with effect from 2023-12-29
            ("KZ", "UA", "2022-11-30", "treaty-channel", ["Hague 2007"]),
            ("KZ", "UA", "2022-12-01", "treaty-channel", ["Minsk 1993", "Hague 2007"]),
            ("KZ", "UA", "2023-12-28", "treaty-channel", ["Minsk 1993", "Hague 2007"]),
            ("KZ", "UA", "2023-12-29", "treaty-channel", ["Hague 2007"]),
            # Minsk 1993 suspended between Ukraine and Russia, and Ukraine and Belarus, from 2022-12-23
            ("UA", "RU", "2022-12-22", "treaty-channel", ["Minsk 1993"]),
            ("UA", "RU", "2022-12-23", "no-treaty-channel", []),
            ("UA", "BY", "2022-12-22", "treaty-channel", ["Minsk 1993", "Hague 2007"]),
            ("UA", "BY", "2022-12-23", "treaty-channel", ["Hague 2007"]),
            # Minsk 1993: Turkmenistan known as a party on 2023-12-28 (date it joined NOT FOUND)
            ("KZ", "TM", "2023-12-27", "undetermined", []),
            ("KZ", "TM", "2023-12-28", "treaty-channel", ["Minsk 1993"]),
            # Chisinau 2002 replaces Minsk 1993 for KZ-KG once in force for both: by 2004-10-02
            ("KZ", "KG", "2004-10-01", "treaty-channel", ["New York 1956", "Minsk 1993"]),
            ("KZ", "KG", "2004-10-02", "treaty-channel", ["New York 1956", "Chisinau 2002"]),
        ],
    )
    def test_treaty_dates_on_each_side(self, runner, child, debtor, application, outcome, instruments):
        r = runner.run(MAINTENANCE, {"child_residence": child, "debtor_residence": debtor,
                                     "application_date": application}, "2026-01-15")
        check(r, outcome, missing=["treaty_in_force"] if outcome == "undetermined" else [])
        assert r.details["instruments"] == instruments

    def test_a_withdrawal_is_named_with_its_date_and_source(self, runner):
        r = runner.run(MAINTENANCE, {"child_residence": "KZ", "debtor_residence": "UA",
                                     "application_date": "2023-12-29"}, "2026-01-15")
        reason = {c.id: c.reason for c in r.criteria}["treaty-in-force"]
        assert "Minsk 1993 for Ukraine: the withdrawal took effect on 2023-12-29, so it is not in force from that day (confirmed)" in reason
        assert any("Minsk 1993 table, Ukraine (withdrawal): Law of Ukraine No. 2783-IX" in s for s in r.sources)
        before = runner.run(MAINTENANCE, {"child_residence": "KZ", "debtor_residence": "UA",
                                          "application_date": "2023-12-28"}, "2026-01-15")
        assert "the withdrawal takes effect on 2023-12-29" in {c.id: c.reason for c in before.criteria}["treaty-in-force"]


# ------------------------------------------------------------- treaty tables alone

class TestTreatyTables:
    """The notes of the tables' statuses (each date the legal review added, on each side, is
    decided in test_treaty_tables.py, with every other pair)."""

    def test_a_scrape_date_is_never_shown_as_entry_into_force(self):
        from creval.law.treaties import status

        tables = bundled().tables
        note = status(tables["minsk-1993"], "KZ", "TM", d("2023-12-27")).note
        assert "a source of 2023-12-28 lists it as a party" in note
        note = status(tables["minsk-1993"], "KZ", "TM", d("2024-01-10")).note
        assert "Turkmenistan listed as a party in a source of 2023-12-28 (likely)" in note  # named, not coded
        assert "Turkmenistan from" not in note and "party by" not in note

    @pytest.mark.parametrize("lang, word", [("en", "(likely)"), ("ru", "(вероятно)"), ("kk", "(ықтимал)")])
    def test_notes_are_sentences_with_the_confidence_word_translated(self, lang, word):
        from creval.law.treaties import status
        from creval.render.i18n import tr

        found = status(bundled().tables["hague-1980"], "KZ", "RU", d("2016-03-31"))
        text = tr(found.note, lang)
        assert word in text and "LIKELY" not in text
        assert "forum" not in text and "detective" not in text  # provenance is in the sources
        assert any("forum.detective-agency.info" in s for s in found.sources)


# ============================================== every outcome, and the `missing` list

H = {**CUSTODY, "child_birth_date": "2010-01-01", "removal_date": "2016-04-01"}  # in force, within one year
C = {**MALE_CITIZEN, "birth_date": "2000-01-01"}
A = {**FOREIGN_APPLICANT, "child_birth_date": "2015-01-01", "decision_date": "2023-01-01"}
P = sentence("2022-01-31", 3, 7)
W = {**COVERED, "offence_date": "2012-01-01", "sentence_completed": "2020-01-01", "ban_years": 12}
J = {"birth_date": "2011-02-10", "contract_date": "2026-02-15", "work_kind": "ordinary", "prohibited_work": False,
     "in_secondary_education": True, "parental_consent": True}
EMPLOYMENT = "minimum-working-age"


def drop(facts, *names):
    return {k: v for k, v in facts.items() if k not in names}


# The `missing` list of chosen cases. That every outcome of every test is reached is checked
# against the scenario packs' answer keys (test_rulefiles.py), not against this list.
OUTCOME_CASES = [
    # minimum working age (Labour Code 2015 Art 31, Art 26(1)(2)); born 2011-02-10
    (EMPLOYMENT, {**J, "contract_date": "2027-02-10"}, "2027-03-01", "permitted", []),  # 16
    (EMPLOYMENT, J, "2026-03-01", "permitted-with-consent", []),  # 15, a pupil, consent
    (EMPLOYMENT, {**J, "parental_consent": False}, "2026-03-01", "prohibited", []),
    (EMPLOYMENT, {**J, "prohibited_work": True}, "2026-03-01", "prohibited", []),
    (EMPLOYMENT, {**J, "contract_date": "2029-02-10", "prohibited_work": True}, "2029-03-01", "permitted", []),  # 18
    (EMPLOYMENT, drop(J, "parental_consent"), "2026-03-01", "undetermined", ["parental_consent"]),
    (EMPLOYMENT, {**drop(J, "parental_consent"), "contract_date": "2027-02-10"}, "2027-03-01", "permitted", []),
    # test, facts, as_of, outcome, missing
    (HAGUE, H, "2016-06-01", "return-forthwith", []),
    (HAGUE, {**H, "taken_to": "KZ"}, "2016-06-01", "not-applicable", []),
    (HAGUE, {**H, "rights_exercised": False}, "2016-06-01", "not-applicable", []),
    (HAGUE, {**H, "left_behind_right": "none"}, "2016-06-01", "not-applicable", []),
    (HAGUE, drop(H, "child_birth_date"), "2016-06-01", "undetermined", ["child_birth_date"]),
    (HAGUE, drop(H, "rights_exercised"), "2016-06-01", "undetermined", ["rights_exercised"]),
    (HAGUE, drop(H, "left_behind_right"), "2016-06-01", "undetermined", ["left_behind_right"]),
    (HAGUE, drop(H, "removal_date"), "2016-06-01", "undetermined", ["removal_date", "convention_in_force"]),
    (HAGUE, {**drop(H, "removal_date"), "convention_in_force": True}, "2016-06-01", "undetermined", ["removal_date"]),
    (HAGUE, {**H, "left_behind_right": "access"}, "2016-06-01", "access-only", []),
    (HAGUE, {**H, "left_behind_right": "access", "grave_risk": True}, "2016-06-01", "access-only", []),
    (HAGUE, {**H, "grave_risk": True}, "2016-06-01", "return-may-be-refused", []),
    (HAGUE, {**H, "consent_or_acquiescence": True}, "2016-06-01", "return-may-be-refused", []),
    (HAGUE, {**H, "child_objects": True}, "2016-06-01", "return-may-be-refused", []),
    (HAGUE, {**H, "settled_in_new_environment": True}, "2017-04-01", "return-may-be-refused", []),
    (HAGUE, {**H, "settled_in_new_environment": False}, "2017-04-01", "return-unless-settled", []),
    (HAGUE, {**H, "grave_risk": False, "child_objects": False, "consent_or_acquiescence": False}, "2016-06-01",
     "return-forthwith", []),
    (HAGUE, {**H, "convention_in_force": False}, "2016-06-01", "not-applicable", []),
    (CONSCRIPTION, C, "2020-01-01", "subject-to-conscription", []),
    (CONSCRIPTION, {**C, "sex": "female"}, "2020-01-01", "not-subject", []),
    (CONSCRIPTION, {**C, "citizenship": "RU"}, "2020-01-01", "not-subject", []),
    (CONSCRIPTION, {**C, "citizenship": "RU", "birth_date": None}, "2020-01-01", "not-subject", []),
    (CONSCRIPTION, C, "2017-12-31", "under-age", []),
    (CONSCRIPTION, C, "2027-01-01", "over-age", []),
    (CONSCRIPTION, drop(C, "birth_date"), "2020-01-01", "undetermined", ["birth_date"]),
    (CONSCRIPTION, drop(C, "sex"), "2020-01-01", "undetermined", ["sex"]),
    (CONSCRIPTION, drop(C, "citizenship"), "2020-01-01", "undetermined", ["citizenship"]),
    (CONSCRIPTION, {}, "2020-01-01", "undetermined", ["birth_date", "sex", "citizenship"]),
    (CONSCRIPTION, {**C, "exemption": "academic-degree"}, "2020-01-01", "exempt", []),
    (CONSCRIPTION, {**C, "deferment": "study"}, "2020-01-01", "deferred", []),  # Art 35
    (CONSCRIPTION, {**C, "deferment": "none"}, "2020-01-01", "subject-to-conscription", []),
    (CONSCRIPTION, {**C, "deferment": "family"}, "2017-12-31", "under-age", []),  # age first
    (CONSCRIPTION, {**C, "deferment": "health", "exemption": "clergy"}, "2020-01-01", "exempt", []),
    (CONSCRIPTION, {**C, "resides_abroad_permanently": True}, "2020-01-01", "exempt", []),
    (CONSCRIPTION, {**C, "exemption": "none", "resides_abroad_permanently": False}, "2020-01-01",
     "subject-to-conscription", []),
    (CONSCRIPTION, {**C, "exemption": "health"}, "2017-12-31", "under-age", []),  # age first
    (CONSCRIPTION, {**C, "exemption": "health"}, "2027-01-01", "over-age", []),
    (CONSCRIPTION, {**C, "exemption": "clergy", "sex": "female"}, "2020-01-01", "not-subject", []),
    (CONSCRIPTION, {**drop(C, "birth_date"), "exemption": "health"}, "2020-01-01", "undetermined", ["birth_date"]),
    (MILITARY, {"birth_date": "2010-01-01", "activity": "conscription"}, "2020-01-01", "prohibited", []),
    (MILITARY, {"birth_date": "2000-01-01", "activity": "conscription"}, "2020-01-01", "not-prohibited", []),
    (MILITARY, {"activity": "conscription"}, "2020-01-01", "undetermined", ["birth_date"]),
    # a cadet's enrolment under 18 (Law 561-IV Art 38(1)(3), OPAC Art 3(5)); not for hostilities
    (MILITARY, {"birth_date": "2003-01-01", "activity": "voluntary_recruitment", "military_school_cadet": True},
     "2020-01-01", "not-prohibited", []),
    (MILITARY, {"birth_date": "2003-01-01", "activity": "armed_conflict", "military_school_cadet": True},
     "2020-01-01", "prohibited", []),
    (MILITARY, {"birth_date": "2003-01-01", "activity": "voluntary_recruitment", "military_school_cadet": False},
     "2020-01-01", "prohibited", []),
    (MILITARY, {"birth_date": "2003-01-01", "military_school_cadet": True}, "2020-01-01", "undetermined", ["activity"]),
    (ADOPTION, A, "2023-06-01", "permitted", []),
    (ADOPTION, {**A, "child_citizenship": "RU"}, "2023-06-01", "not-applicable", []),
    (ADOPTION, {**A, "applicant_is_relative": True}, "2023-06-01", "domestic-priority", []),
    (ADOPTION, {**A, "applicant_citizenship": "KZ", "applicant_residence": "KZ"}, "2023-06-01", "domestic-priority", []),
    (ADOPTION, {**A, "applicant_citizenship": "KZ"}, "2023-06-01", "permitted", []),  # a citizen abroad
    (ADOPTION, drop(A, "applicant_is_relative"), "2023-06-01", "undetermined", ["applicant_is_relative"]),
    (ADOPTION, {**A, "family_selected_by": "applicant"}, "2023-06-01", "not-permitted", []),
    (ADOPTION, {**A, "domestic_placement_exhausted": False}, "2023-06-01", "not-permitted", []),
    (ADOPTION, {**A, "applicant_residence": "RU"}, "2023-06-01", "not-permitted", []),
    (ADOPTION, {**A, "receiving_state_bound": False}, "2023-06-01", "not-permitted", []),
    (ADOPTION, {**A, "applicant_residence": "RU", "receiving_state_bound": True}, "2023-06-01", "permitted", []),
    (ADOPTION, drop(A, "family_selected_by"), "2023-06-01", "undetermined", ["family_selected_by"]),
    (ADOPTION, drop(A, "child_citizenship"), "2023-06-01", "undetermined", ["child_citizenship"]),
    (ADOPTION, drop(A, "child_birth_date"), "2023-06-01", "undetermined", ["child_birth_date"]),
    (ADOPTION, drop(A, "domestic_placement_exhausted"), "2023-06-01", "undetermined", ["domestic_placement_exhausted"]),
    (ADOPTION, {**A, "applicant_residence": "AE"}, "2023-06-01", "undetermined", ["receiving_state_bound"]),
    (ADOPTION, {**A, "applicant_barred": True}, "2023-06-01", "not-permitted", []),
    (ADOPTION, {**A, "applicant_barred": False}, "2023-06-01", "permitted", []),
    (ADOPTION, {**A, "applicant_birth_date": "2000-01-01"}, "2023-06-01", "not-permitted", []),  # 15 years older
    (ADOPTION, drop(A, "applicant_birth_date"), "2023-06-01", "undetermined", ["applicant_birth_date"]),
    (ADOPTION, {**drop(A, "applicant_birth_date"), "applicant_barred": True}, "2023-06-01", "not-permitted", []),
    (ADOPTION, {**drop(A, "applicant_birth_date"), "family_selected_by": "applicant"}, "2023-06-01", "not-permitted", []),
    (ADOPTION, {**drop(A, "applicant_birth_date"), "applicant_is_relative": True}, "2023-06-01", "domestic-priority", []),
    # the applicant's birth date alone cannot decide while the child's is unknown: not asked yet
    (ADOPTION, drop(A, "applicant_birth_date", "child_birth_date"), "2023-06-01", "undetermined",
     ["child_birth_date"]),
    (PAROLE, P, "2024-10-08", "eligible", []),
    (PAROLE, P, "2024-10-07", "not-yet-eligible", []),
    (PAROLE, {**P, "offence": "other"}, "2024-10-08", "not-covered", []),
    (PAROLE, drop(P, "offence"), "2024-10-08", "undetermined", ["offence"]),
    (PAROLE, drop(P, "sentence_start"), "2024-10-08", "undetermined", ["sentence_start"]),
    (PAROLE, drop(P, "term"), "2024-10-08", "undetermined", ["term"]),
    (PAROLE, {**P, "offence_date": "2015-01-01"}, "2024-10-08", "excluded", []),
    (PAROLE, {**P, "offence_date": "2015-01-01", "offender_was_minor": True}, "2024-10-08", "not-covered", []),
    (PAROLE, drop(P, "offence_date"), "2024-10-08", "undetermined", ["offence_date"]),
    (PAROLE, P, "2025-08-31", "sentence-served", []),
    (WORK_BAN, W, "2025-01-01", "banned", []),
    (WORK_BAN, W, "2032-01-01", "not-banned", []),
    (WORK_BAN, {**W, "offence_article": 125}, "2025-01-01", "banned", []),  # the court's ban decides
    (WORK_BAN, {**drop(W, "ban_years"), "offence_article": 125}, "2025-01-01", "not-covered", []),
    # the court's ban decides whatever duty_to_educate; that fact narrows only the article's rule
    (WORK_BAN, {**W, "duty_to_educate": False}, "2025-01-01", "banned", []),
    (WORK_BAN, drop(W, "duty_to_educate"), "2025-01-01", "banned", []),
    (WORK_BAN, {**drop(W, "ban_years"), "duty_to_educate": False}, "2025-01-01", "not-covered", []),
    (WORK_BAN, drop(W, "ban_years", "duty_to_educate"), "2025-01-01", "undetermined", ["duty_to_educate", "ban_years"]),
    (WORK_BAN, drop(W, "offence_article"), "2025-01-01", "banned", []),  # the court's ban decides
    (WORK_BAN, drop(W, "offence_article", "ban_years"), "2025-01-01", "undetermined", ["offence_article"]),
    (WORK_BAN, drop(W, "sentence_completed"), "2025-01-01", "undetermined", ["sentence_completed"]),
    (WORK_BAN, drop(W, "ban_years"), "2031-01-01", "undetermined", ["ban_years"]),
    (CHILD_LABOUR, {"birth_date": "2010-01-01", "work_type": "debt_bondage"}, "2020-01-01", "prohibited", []),
    (CHILD_LABOUR, {"birth_date": "2000-01-01", "work_type": "debt_bondage"}, "2020-01-01", "not-a-child", []),
    (CHILD_LABOUR, {"birth_date": "2000-01-01"}, "2020-01-01", "not-a-child", []),
    (CHILD_LABOUR, {"birth_date": "2010-01-01", "work_type": "other"}, "2020-01-01", "not-a-worst-form", []),
    (CHILD_LABOUR, {"work_type": "other"}, "2020-01-01", "not-a-worst-form", []),
    (CHILD_LABOUR, {"work_type": "slavery"}, "2020-01-01", "undetermined", ["birth_date"]),
    (CHILD_LABOUR, {"birth_date": "2010-01-01"}, "2020-01-01", "undetermined", ["work_type"]),
    (PERIODICALS, {"seller_birth_date": "2010-01-01", "erotic_content": True}, "2020-01-01", "prohibited", []),
    (PERIODICALS, {"seller_birth_date": "2000-01-01", "erotic_content": True}, "2020-01-01", "not-prohibited", []),
    (PERIODICALS, {"seller_birth_date": "2010-01-01", "erotic_content": False}, "2020-01-01", "not-prohibited", []),
    (PERIODICALS, {"erotic_content": False}, "2020-01-01", "not-prohibited", []),
    (PERIODICALS, {"erotic_content": True}, "2020-01-01", "undetermined", ["seller_birth_date"]),
    (PERIODICALS, {"seller_birth_date": "2010-01-01"}, "2020-01-01", "undetermined", ["erotic_content"]),
    (MAINTENANCE, {"child_residence": "KZ", "debtor_residence": "KZ"}, "2020-01-01", "domestic", []),
    (MAINTENANCE, {"child_residence": "KZ", "debtor_residence": "RU", "application_date": "2025-03-12"},
     "2026-01-15", "treaty-channel", []),
    (MAINTENANCE, {"child_residence": "KZ", "debtor_residence": "TR", "application_date": "1992-06-01"},
     "1992-09-01", "no-treaty-channel", []),
    # treaty_in_force alone cannot decide while the debtor's state is unknown: not asked yet
    (MAINTENANCE, {"child_residence": "KZ"}, "2020-01-01", "undetermined", ["debtor_residence"]),
]


def _case_id(case):
    test_id, facts, as_of, outcome, _ = case
    return f"{test_id}:{outcome}:{'-'.join(sorted(facts))[:40]}@{as_of}"


@pytest.mark.parametrize(
    "test_id, facts, as_of, outcome, missing",
    [pytest.param(*case, id=_case_id(case)) for case in OUTCOME_CASES],
)
def test_outcome_and_missing(runner, test_id, facts, as_of, outcome, missing):
    r = runner.run(test_id, {k: v for k, v in facts.items() if v is not None}, as_of)
    check(r, outcome, missing=missing)
    # `missing` names bare facts of the test, never a matter prefix or a derived value.
    assert set(r.missing) <= set(bundled().tests[test_id].rule.facts)


@pytest.mark.parametrize("commenced, outcome, missing", [
    (None, "return-forthwith", []),  # not said: as if commenced on the assessment date (an assumption)
    (False, "return-forthwith", []),
    (True, "undetermined", ["proceedings_date"]),  # commenced, but when is not known
])
def test_proceedings_commenced_without_a_date(runner, commenced, outcome, missing):
    facts = drop(H, "proceedings_date")
    if commenced is not None:
        facts["proceedings_commenced"] = commenced
    r = runner.run(HAGUE, facts, "2016-06-01")
    check(r, outcome, missing=missing)


@pytest.mark.parametrize("filed, status", [("2017-03-31", "met"), ("2017-04-01", "unmet")])
def test_proceedings_commenced_with_a_date_uses_it(runner, filed, status):
    r = runner.run(HAGUE, {**H, "proceedings_commenced": True, "proceedings_date": filed}, "2017-06-01")
    check(r, "return-forthwith" if status == "met" else "return-unless-settled", {"one-year-after-removal": "2017-04-01"},
          {"within-one-year": status})


def test_hague_both_undetermined_lines_are_reachable(runner):
    # Line 2 (applicability unknown) and line 7 (only the one-year period unknown).
    applicability = runner.run(HAGUE, drop(H, "child_birth_date"), "2016-06-01")
    period = runner.run(HAGUE, {**drop(H, "removal_date"), "convention_in_force": True}, "2016-06-01")
    assert applicability.outcome == period.outcome == "undetermined"
    assert applicability.explanation != period.explanation
    assert statuses(period)["within-one-year"] == "unknown"
    assert all(statuses(period)[c] == "met" for c in ("international-removal", "states-party", "child-under-16",
                                                      "rights-breached"))


def test_hague_missing_does_not_list_absent_defences(runner):
    facts = {**drop(H, "removal_date"), "convention_in_force": True, "settled_in_new_environment": True}
    r = runner.run(HAGUE, facts, "2016-06-01")
    assert r.outcome == "undetermined"
    assert r.missing == ["removal_date"]
