"""The law, round 3: each boundary and change of law from both sides, with outcomes and dates.

Cadets, deferments, minors' parole before 2015, courts' bans, the minimum working age, the
bilateral treaties and the conditional caveats (the anniversary day, the KZ-RU pair). Expected
dates are worked out by hand from the statutes, not computed with creval.core.dates.
"""

from __future__ import annotations

import pytest

from helpers import CONSCRIPTION, HAGUE, MAINTENANCE, MILITARY, PAROLE, PERIODICALS, WORK_BAN, Runner, bundled, key_dates

EMPLOYMENT = "minimum-working-age"


@pytest.fixture(scope="module")
def runner() -> Runner:
    return Runner(bundled())


# ----------------------------------------------------------------- military: cadets

CADET = {"birth_date": "2008-03-03", "activity": "voluntary_recruitment", "military_school_cadet": True}


@pytest.mark.parametrize("activity_date, outcome", [("2026-03-02", "not-prohibited"), ("2026-03-03", "not-prohibited")])
def test_a_cadets_enrolment_is_not_prohibited_on_either_side_of_18(runner, activity_date, outcome):
    r = runner.run(MILITARY, {**CADET, "activity_date": activity_date}, "2026-04-01")
    assert r.outcome == outcome and key_dates(r)["attains-18"] == "2026-03-03"


@pytest.mark.parametrize("cadet, activity, outcome", [
    (True, "voluntary_recruitment", "not-prohibited"),
    (False, "voluntary_recruitment", "prohibited"),
    (None, "voluntary_recruitment", "prohibited"),  # not stated: not a cadet, an assumption
    (True, "armed_conflict", "prohibited"),  # the exception covers enrolment only
    (True, None, "undetermined"),
])
def test_the_cadet_exception(runner, cadet, activity, outcome):
    facts = {"birth_date": "2008-03-03", "activity_date": "2025-08-15", "military_school_cadet": cadet, "activity": activity}
    r = runner.run(MILITARY, {k: v for k, v in facts.items() if v is not None}, "2025-09-01")
    assert r.outcome == outcome
    if outcome == "not-prohibited":
        assert {"Law of the RK of 16 February 2012 No. 561-IV on military service, Art 38(1)(3)"} <= set(r.sources)
        assert any("Art 3(5)" in s for s in r.sources)
    assert "countering extremism" not in r.explanation


# ----------------------------------------------------------------- conscription: deferments

MALE = {"sex": "male", "citizenship": "KZ", "birth_date": "1999-05-20"}


@pytest.mark.parametrize("as_of, deferment, outcome", [
    ("2026-05-19", "family", "deferred"), ("2026-05-20", "family", "over-age"),
    ("2026-05-19", "none", "subject-to-conscription"), ("2026-05-19", None, "subject-to-conscription"),
    ("2017-05-19", "study", "under-age"), ("2017-05-20", "study", "deferred"),
])
def test_a_deferment_between_18_and_27(runner, as_of, deferment, outcome):
    facts = {**MALE, **({"deferment": deferment} if deferment else {})}
    r = runner.run(CONSCRIPTION, facts, as_of)
    assert r.outcome == outcome
    assert key_dates(r) == {"attains-18": "2017-05-20", "attains-27": "2026-05-20"}
    if outcome == "deferred":
        assert "Art 35" in r.explanation and "secondary copy" in r.explanation


# ----------------------------------------------------------------- parole

def parole(offence_date, minor, start="2016-03-01"):
    return {"offence": "sexual_offence_against_minor", "offender_was_minor": minor, "offence_date": offence_date,
            "sentence_start": start, "term": {"years": 8, "months": 0, "days": 0}, "credited_days": 0}


@pytest.mark.parametrize("offence_date, minor, outcome", [
    ("2014-12-31", True, "not-covered"), ("2015-01-01", True, "not-covered"),  # minors: outside the test
    ("2014-12-31", False, "eligible"), ("2015-01-01", False, "excluded"),
])
def test_the_offence_date_and_a_minor(runner, offence_date, minor, outcome):
    r = runner.run(PAROLE, parole(offence_date, minor), "2023-06-01")
    assert r.outcome == outcome
    dates = key_dates(r)
    # three quarters (2022-03-01) are shown only where the three-quarters rule decides
    assert dates.get("three-quarters-served") == ("2022-03-01" if outcome == "eligible" else None)
    assert dates["sentence-ends"] == "2024-03-01"
    if outcome == "excluded":
        assert "not verified" in r.explanation


def test_the_parole_exclusion_is_likely_not_confirmed():
    assert bundled().tests[PAROLE].rule.sources["cc-art72-8"].confidence == "LIKELY"
    assert bundled().tests[WORK_BAN].rule.sources["cc-122"].confidence == "LIKELY"


# ----------------------------------------------------------------- work ban: the court's ban decides

BAN = {"offence_article": 122, "offence_date": "2016-08-01", "sentence_completed": "2021-02-15", "ban_years": 5}


@pytest.mark.parametrize("duty", [True, False, None])
@pytest.mark.parametrize("activity, outcome", [("2026-02-14", "banned"), ("2026-02-15", "not-banned")])
def test_a_court_ban_decides_whatever_the_duty_to_educate(runner, duty, activity, outcome):
    facts = {**BAN, "activity_date": activity, **({} if duty is None else {"duty_to_educate": duty})}
    r = runner.run(WORK_BAN, facts, "2026-03-01")
    assert r.outcome == outcome and key_dates(r)["ban-ends"] == "2026-02-15" and r.missing == []
    if outcome == "not-banned":
        assert "Labour Code" in r.explanation and "240-VI" in r.explanation


@pytest.mark.parametrize("article", [120, 125])
def test_a_lifelong_ban_decides_whatever_the_article_and_duty(runner, article):
    facts = {**BAN, "offence_article": article, "ban_years": "life", "duty_to_educate": False, "activity_date": "2060-01-01"}
    assert runner.run(WORK_BAN, facts, "2026-03-01").outcome == "banned"


def test_without_the_courts_term_the_duty_to_educate_narrows_the_article(runner):
    base = {k: v for k, v in BAN.items() if k != "ban_years"} | {"activity_date": "2022-01-01"}
    assert runner.run(WORK_BAN, {**base, "duty_to_educate": False}, "2026-03-01").outcome == "not-covered"
    assert runner.run(WORK_BAN, {**base, "duty_to_educate": True}, "2026-03-01").outcome == "banned"  # < 1 year


# ----------------------------------------------------------------- minimum working age

def job(birth, contract, kind="ordinary", school=True, consent=True, prohibited=False):
    return {"birth_date": birth, "contract_date": contract, "work_kind": kind, "in_secondary_education": school,
            "parental_consent": consent, "prohibited_work": prohibited}


@pytest.mark.parametrize("facts, outcome, shown", [
    (job("2010-05-20", "2026-05-19", consent=False), "prohibited", {"attains-16": "2026-05-20"}),
    (job("2010-05-20", "2026-05-20", consent=False), "permitted", {"attains-16": "2026-05-20"}),
    (job("2011-07-01", "2026-06-30"), "prohibited", {"attains-15": "2026-07-01"}),
    (job("2011-07-01", "2026-07-01"), "permitted-with-consent", {"attains-15": "2026-07-01", "attains-16": "2027-07-01"}),
    (job("2012-03-10", "2026-03-09", kind="light"), "prohibited", {"attains-14": "2026-03-10"}),
    (job("2012-03-10", "2026-03-10", kind="light"), "permitted-with-consent", {"attains-14": "2026-03-10"}),
    (job("2012-02-29", "2026-02-27", kind="light"), "prohibited", {"attains-14": "2026-02-28"}),
    (job("2012-02-29", "2026-02-28", kind="light"), "permitted-with-consent", {"attains-14": "2026-02-28"}),
    (job("2008-09-05", "2026-09-04", prohibited=True), "prohibited", {"attains-18": "2026-09-05"}),
    (job("2008-09-05", "2026-09-05", prohibited=True), "permitted", {"attains-18": "2026-09-05"}),
    (job("2015-08-14", "2026-04-20", kind="creative"), "permitted-with-consent", {"attains-16": "2031-08-14"}),
    (job("2010-11-02", "2026-02-01", school=False), "prohibited", {}),
    (job("2010-11-02", "2026-02-01", kind="light", school=False), "permitted-with-consent", {}),
])
def test_the_ages_of_art_31_on_each_side(runner, facts, outcome, shown):
    r = runner.run(EMPLOYMENT, facts, "2031-09-01")
    assert r.outcome == outcome, (r.outcome, r.criteria)
    dates = key_dates(r)
    assert {k: dates.get(k) for k in shown} == shown


def test_a_birthday_that_changes_nothing_is_not_a_key_date(runner):
    # a 17-year-old in ordinary work: 18 changes nothing (permitted either side)
    r = runner.run(EMPLOYMENT, job("2009-03-12", "2026-06-01", consent=False), "2026-06-15")
    assert r.outcome == "permitted" and "attains-18" not in key_dates(r)


# ----------------------------------------------------------------- maintenance: bilateral treaties

@pytest.mark.parametrize("debtor, day, outcome", [
    ("CN", "1995-05-29", "undetermined"), ("CN", "2023-05-16", "undetermined"), ("CN", "2023-05-17", "treaty-channel"),
    ("KP", "2001-07-27", "undetermined"), ("KP", "2001-07-28", "treaty-channel"),
])
def test_a_bilateral_treaty_is_a_channel(runner, debtor, day, outcome):
    r = runner.run(MAINTENANCE, {"child_residence": "KZ", "debtor_residence": debtor, "application_date": day}, "2025-06-01")
    assert r.outcome == outcome
    if outcome == "treaty-channel":
        assert len(r.details["instruments"]) == 1 and "Treaty between the Republic of Kazakhstan" in r.details["instruments"][0]


def test_a_pair_without_a_bilateral_row_says_none_was_checked(runner):
    r = runner.run(MAINTENANCE, {"child_residence": "KZ", "debtor_residence": "TR", "application_date": "1992-06-01"}, "1992-09-01")
    assert r.outcome == "no-treaty-channel"
    reason = next(c.reason for c in r.criteria if c.id == "treaty-in-force")
    assert "no bilateral treaty between Kazakhstan and" in reason and "was checked" in reason


# ----------------------------------------------------------------- Hague: conditional caveats

HAGUE_KZ_RU = {"child_birth_date": "2017-08-03", "habitual_residence": "KZ", "taken_to": "RU", "removal_date": "2024-06-15",
               "left_behind_right": "custody", "rights_exercised": True}


@pytest.mark.parametrize("proceedings, outcome, anniversary", [
    ("2025-06-14", "return-forthwith", False), ("2025-06-15", "return-unless-settled", True),
    ("2025-06-16", "return-unless-settled", False),
])
def test_the_anniversary_day_carries_a_counting_caveat(runner, proceedings, outcome, anniversary):
    r = runner.run(HAGUE, {**HAGUE_KZ_RU, "proceedings_date": proceedings}, "2025-09-01")
    assert r.outcome == outcome and key_dates(r)["one-year-after-removal"] == "2025-06-15"
    assert any("fixes no counting rule" in c for c in r.caveats) == anniversary


@pytest.mark.parametrize("home, taken, shown", [("KZ", "RU", True), ("RU", "KZ", True), ("KZ", "GB", False)])
def test_every_kz_ru_answer_names_the_pairs_confidence(runner, home, taken, shown):
    r = runner.run(HAGUE, {**HAGUE_KZ_RU, "habitual_residence": home, "taken_to": taken, "proceedings_date": "2025-01-10"},
                   "2025-09-01")
    assert any("1 April 2016" in c and "LIKELY" in c for c in r.caveats) == shown


def test_the_media_laws_switch_date_is_said_to_have_no_source(runner):
    r = runner.run(PERIODICALS, {"seller_birth_date": "2010-01-01", "erotic_content": True, "sale_date": "2024-06-20"},
                   "2024-07-01")
    assert "not found" in r.law_version["title"]
    assert any("has no source" in a["text"] for a in r.assumptions)


# ----------------------------------------------------------------- what the facts prove

def scenario_result(tmp_path, matter, facts, as_of):
    """Through the scenario path (Evaluator.scenario), where an order constraint can prove a date."""
    from creval.engine.evaluate import Evaluator
    from creval.input.loader import load_file

    lines = [f"id: proof", f"as_of: {as_of}", "facts:", f"  {matter}:"]
    for k, v in facts.items():
        lines.append(f"    {k}: {v}")
    path = tmp_path / "s.yaml"
    path.write_text("\n".join(lines) + "\n")
    loaded = load_file(path, bundled())
    assert not loaded.errors, loaded.errors
    (result,) = Evaluator(bundled()).scenario(loaded.scenario).results
    return result


@pytest.mark.parametrize("start, outcome, version", [
    ("2014-12-31", "eligible", "cc-1997"),  # the offence preceded it: before 2015, whatever the day
    ("2015-01-01", "undetermined", None),  # the offence may be on 1 January 2015 or before
])
def test_an_offence_before_a_sentence_that_began_in_2014_is_under_the_1997_code(tmp_path, start, outcome, version):
    facts = {"offence": "sexual_offence_against_minor", "offender_was_minor": "false", "sentence_start": start,
             "term": "{years: 8}", "credited_days": 0}
    r = scenario_result(tmp_path, "parole", facts, "2021-06-01")
    assert r.outcome == outcome
    if version:
        assert r.law_version == version and r.missing == []
        # the offence date is the range the constraint proves: on or before the sentence's start
        assert r.ranged == [{"fact": "offence_date", "from": "1800-01-01", "to": start}]
        # and it says why, in the rule's words, with the sentence's start as a person writes it
        from creval.render.explain import explain_test
        assert f"the offence preceded the sentence that began on {start}" in " ".join(explain_test(r, "en").notes)
        assert "преступление предшествовало наказанию, срок которого начался 31 декабря 2014" in " ".join(
            explain_test(r, "ru").notes)
    else:
        assert r.missing == ["offence_date"]


def test_an_adults_2016_offence_is_excluded_whatever_the_credited_days(runner):
    facts = {"offence": "sexual_offence_against_minor", "offender_was_minor": False, "offence_date": "2016-05-01",
             "sentence_start": "2017-01-01", "term": {"years": 8, "months": 0, "days": 0}}
    r = runner.run(PAROLE, facts, "2023-06-01")
    assert r.outcome == "excluded" and r.missing == []
    assert "three-quarters-served-at-latest" not in key_dates(r)  # the 1997 rule's date does not apply
