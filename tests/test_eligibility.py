"""Conscription exemptions (Law on military service Art 36(1), residence abroad) and the
adopter's eligibility (Marriage and Family Code: the list of persons who cannot adopt, the
16-year age gap of Art 92): the boundaries on each side, and the explicit assumptions that
every output format prints when the scenario does not state them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from creval.cli import app
from helpers import ADOPTION, CONSCRIPTION, REPO, Runner, bundled, copy_rules, statuses


@pytest.fixture(scope="module")
def runner() -> Runner:
    return Runner(bundled())


@pytest.fixture(autouse=True)
def _rules(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("CREVAL_RULES", str(copy_rules(tmp_path_factory.mktemp("rules-elig"), [CONSCRIPTION, ADOPTION])))


def run(*args):
    return CliRunner().invoke(app, [*map(str, args)])


MALE_CITIZEN = {"sex": "male", "citizenship": "KZ", "birth_date": "2000-05-03"}
FOREIGN_APPLICANT = {
    "child_citizenship": "KZ", "applicant_citizenship": "DE", "applicant_residence": "DE",
    "applicant_is_relative": False, "domestic_placement_exhausted": True, "family_selected_by": "authority",
    "decision_date": "2024-01-15",
}


# ------------------------------------------------------------------ conscription

@pytest.mark.parametrize("ground", ["health", "academic-degree", "clergy", "service-abroad",
                                    "relative-died-in-service", "special-state-body", "other"])
def test_every_ground_of_art_36_exempts_a_man_of_call_up_age(runner, ground):
    r = runner.run(CONSCRIPTION, {**MALE_CITIZEN, "exemption": ground}, "2026-04-01")
    assert r.outcome == "exempt"
    assert statuses(r)["no-exemption"] == "unmet"
    assert "A ground of Art 36(1) exempts from conscription" in next(c.reason for c in r.criteria if c.id == "no-exemption")


@pytest.mark.parametrize("facts, outcome", [
    ({"resides_abroad_permanently": True}, "exempt"),
    ({"resides_abroad_permanently": False}, "subject-to-conscription"),
    ({"exemption": "none"}, "subject-to-conscription"),
    ({}, "subject-to-conscription"),  # not stated: none / false (printed as assumptions, below)
])
def test_residence_abroad_and_no_ground(runner, facts, outcome):
    assert runner.run(CONSCRIPTION, {**MALE_CITIZEN, **facts}, "2026-04-01").outcome == outcome


@pytest.mark.parametrize("as_of, outcome", [
    ("2018-05-02", "under-age"), ("2018-05-03", "exempt"),  # the 18th birthday
    ("2027-05-02", "exempt"), ("2027-05-03", "over-age"),  # the 27th birthday
])
def test_an_exemption_counts_only_within_call_up_age(runner, as_of, outcome):
    assert runner.run(CONSCRIPTION, {**MALE_CITIZEN, "exemption": "academic-degree"}, as_of).outcome == outcome


# ---------------------------------------------------------------------- adoption

@pytest.mark.parametrize("applicant, child, outcome, status, gap_from", [
    ("1992-03-10", "2008-03-10", "permitted", "met", "2008-03-10"),  # born exactly 16 years after
    ("1992-03-11", "2008-03-10", "not-permitted", "unmet", "2008-03-11"),  # one day less
    ("1992-02-29", "2008-02-29", "permitted", "met", "2008-02-29"),  # 29 February, 16 years on a leap year
    ("1992-02-29", "2008-02-28", "not-permitted", "unmet", "2008-02-29"),
])
def test_age_gap_of_16_years_on_each_side(runner, applicant, child, outcome, status, gap_from):
    r = runner.run(ADOPTION, {**FOREIGN_APPLICANT, "applicant_birth_date": applicant, "child_birth_date": child},
                   "2024-02-01")
    assert (r.outcome, statuses(r)["age-gap"]) == (outcome, status)
    reason = next(c.reason for c in r.criteria if c.id == "age-gap")
    assert gap_from in reason and "16 years" in reason and "(Art 92)" in reason


@pytest.mark.parametrize("facts, outcome, missing", [
    ({"applicant_barred": True}, "not-permitted", []),
    ({"applicant_barred": True, "applicant_birth_date": None}, "not-permitted", []),  # gap unknown: still barred
    ({"applicant_birth_date": None}, "undetermined", ["applicant_birth_date"]),
    ({"applicant_birth_date": None, "family_selected_by": "applicant"}, "not-permitted", []),
    ({"applicant_birth_date": None, "applicant_is_relative": True}, "domestic-priority", []),
    ({"applicant_barred": True, "applicant_is_relative": True}, "domestic-priority", []),  # priority group first
])
def test_barred_applicant_and_unknown_age_gap(runner, facts, outcome, missing):
    given = {**FOREIGN_APPLICANT, "applicant_birth_date": "1980-01-01", "child_birth_date": "2015-06-01", **facts}
    r = runner.run(ADOPTION, {k: v for k, v in given.items() if v is not None}, "2024-02-01")
    assert (r.outcome, r.missing) == (outcome, missing)


# ------------------------------------------------------- assumptions in every format

CONSCRIPT = """\
id: elig-conscript
as_of: 2026-04-01
facts:
  conscription:
    birth_date: 2000-05-03
    sex: male
    citizenship: KZ
"""
ADOPTER = """\
id: elig-adopter
as_of: 2024-02-01
facts:
  adoption:
    child_birth_date: 2015-06-01
    child_citizenship: KZ
    applicant_citizenship: DE
    applicant_residence: DE
    applicant_is_relative: false
    domestic_placement_exhausted: true
    family_selected_by: authority
    applicant_birth_date: 1980-01-01
"""
EXEMPTION_EN = "No ground of exemption from conscription (Art 36(1)) was stated: creval assumes none applies."
ABROAD_EN = "Whether the person lives permanently abroad was not stated: creval assumes he lives in Kazakhstan."
BARRED_EN = "Whether a ground of the Code's list of persons who cannot adopt applies to the applicant was not stated"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_exemptions_not_stated_are_printed_as_assumptions_in_text_json_and_markdown(tmp_path):
    path = _write(tmp_path, CONSCRIPT)
    text = run("check", path, "--full")  # the criteria, with their markers, are in the full text
    assert text.exit_code == 0, text.output
    flat = " ".join(text.stdout.split())
    assert "OUTCOME subject-to-conscription" in flat and "ASSUMPTIONS" in flat
    assert EXEMPTION_EN in flat and ABROAD_EN in flat
    assert "(assumed: exemption, resides_abroad_permanently)" in flat  # beside the criterion
    payload = json.loads(run("check", path, "--format", "json").stdout)
    result = payload["results"][0]
    assumed = {a["fact"]: a for a in result["assumptions"]}
    assert assumed["exemption"]["treated_as"] == "default" and assumed["exemption"]["value"] == "none"
    assert assumed["resides_abroad_permanently"]["value"] in (False, "false")
    memo = run("check", path, "--format", "markdown").stdout
    assert EXEMPTION_EN in " ".join(memo.split())


def test_stated_exemptions_are_not_assumptions(tmp_path):
    path = _write(tmp_path, CONSCRIPT + "    exemption: clergy\n    resides_abroad_permanently: false\n")
    payload = json.loads(run("check", path, "--format", "json").stdout)
    result = payload["results"][0]
    assert result["outcome"] == "exempt"
    assert not [a for a in result["assumptions"] if a["fact"] in ("exemption", "resides_abroad_permanently")]


@pytest.mark.parametrize("lang, words", [
    ("ru", "Основание освобождения от призыва (п. 1 ст. 36) не указано"),
    ("kk", "Әскерге шақырудан босату негізі (36-баптың 1-тармағы) көрсетілмеген"),
])
def test_the_exemption_assumption_in_russian_and_kazakh(tmp_path, lang, words):
    out = run("check", _write(tmp_path, CONSCRIPT), "--lang", lang).stdout
    assert words in " ".join(out.split())


def test_applicant_not_barred_is_an_explicit_assumption(tmp_path):
    path = _write(tmp_path, ADOPTER)
    flat = " ".join(run("check", path, "--full").stdout.split())
    assert "OUTCOME permitted" in flat and BARRED_EN in flat
    assert "(assumed: applicant_barred)" in flat
    stated = json.loads(run("check", _write(tmp_path, ADOPTER + "    applicant_barred: true\n"), "--format", "json").stdout)
    result = stated["results"][0]
    assert result["outcome"] == "not-permitted"
    assert not [a for a in result["assumptions"] if a["fact"] == "applicant_barred"]


def test_law_in_time_scenarios_for_exemptions_and_eligibility_verify(tmp_path, monkeypatch):
    monkeypatch.setenv("CREVAL_RULES", str(REPO / "rules"))
    files = sorted((REPO / "scenarios" / "law-in-time").glob("conscription-*.yaml"))
    files += sorted((REPO / "scenarios" / "law-in-time").glob("adoption-*.yaml"))
    assert len(files) >= 12
    for path in files:
        result = run("verify", path)
        assert result.exit_code == 0, (path.name, result.output)
