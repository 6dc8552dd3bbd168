"""Forgiving input: what reads one way only is read that way, the rest is refused with a
suggestion, through `creval check` as a person would type it, in English, Russian and Kazakh.

The rules are pinned (Hague 1980 and maintenance recovery): the suggestions name matters and
facts, and a new rule file must not change them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from creval.cli import app
from helpers import copy_rules

HAGUE = "hague-abduction-return"
MAINTENANCE = "maintenance-recovery"

CASE = """\
id: case-1
as_of: 2025-09-01
facts:
  abduction:
    child_birth_date: {birth}
    habitual_residence: {home}
    taken_to: RU
    removal_date: 2025-06-15
    proceedings_date: 2025-07-01
    left_behind_right: {right}
    rights_exercised: {exercised}
{tail}"""


def case(birth="2017-08-03", home="KZ", right="custody", exercised="true", tail="") -> str:
    return CASE.format(birth=birth, home=home, right=right, exercised=exercised, tail=tail)


@pytest.fixture(scope="module")
def pinned(tmp_path_factory) -> Path:
    return copy_rules(tmp_path_factory.mktemp("rules-forgiving"), [HAGUE, MAINTENANCE])


@pytest.fixture(autouse=True)
def _rules(pinned, monkeypatch):
    monkeypatch.setenv("CREVAL_RULES", str(pinned))


def check(tmp_path: Path, text: str, *args: str):
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    return CliRunner().invoke(app, ["check", str(path), *args]), path


def one_line(result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert "Traceback" not in result.output
    return lines[0]


# ---------------------------------------------------------------- dates typed another way


@pytest.mark.parametrize("lang, says", [
    ("en", "expected a date as YYYY-MM-DD, got '20.05.2016'; did you mean 2016-05-20?"),
    ("ru", "ожидается дата в формате ГГГГ-ММ-ДД, получено '20.05.2016'; возможно, имелось в виду 2016-05-20?"),
    ("kk", "ЖЖЖЖ-АА-КК пішіміндегі күн күтіледі, алынғаны '20.05.2016'; мүмкін, 2016-05-20 деген болар?"),
])
def test_a_day_first_date_is_refused_with_the_date_it_reads_as(tmp_path, lang, says):
    result, path = check(tmp_path, case(birth="20.05.2016"), "--lang", lang)
    assert one_line(result) == f"{path}:5: facts.abduction.child_birth_date: {says}"
    assert result.stdout == ""  # refused, never guessed


def test_a_date_that_reads_two_ways_says_so_and_gives_both(tmp_path):
    result, _ = check(tmp_path, case(birth="05/06/2016"))
    line = one_line(result)
    assert "got '05/06/2016'; it could mean 2016-06-05 or 2016-05-06: write it as YYYY-MM-DD" in line
    assert "did you mean" not in line
    result, _ = check(tmp_path, case(birth="05/06/2016"), "--lang", "ru")
    assert "это может быть и 2016-06-05, и 2016-05-06" in one_line(result)


@pytest.mark.parametrize("typed, meant", [
    ("2016/5/20", "2016-05-20"), ("2016-5-20", "2016-05-20"), ("20/05/2016", "2016-05-20"), ("1.2.2016", "2016-02-01"),
])
def test_other_layouts_that_read_one_way(tmp_path, typed, meant):
    result, _ = check(tmp_path, case(birth=typed))
    assert f"did you mean {meant}?" in one_line(result)


@pytest.mark.parametrize("typed", ["31.02.2016", "20.05.16", "May 2016"])  # `2016` is the year 2016 (tests/test_ranged.py)
def test_no_suggestion_for_what_reads_as_no_date(tmp_path, typed):
    line = one_line(check(tmp_path, case(birth=typed))[0])
    assert "expected a date as YYYY-MM-DD" in line
    assert "did you mean" not in line and "could mean" not in line


def test_as_of_on_the_command_line_gets_the_suggestion_too(tmp_path):
    result, _ = check(tmp_path, case(), "--as-of", "01.09.2025")
    assert one_line(result) == "creval: --as-of: expected a date as YYYY-MM-DD, got '01.09.2025'; did you mean 2025-09-01?"


# ---------------------------------------------------------------- case does not matter


def test_enum_values_and_state_codes_in_any_case_are_read_in_their_canonical_form(tmp_path):
    text = case(home="kz", right="Custody").replace("taken_to: RU", "taken_to: Ru")
    result, _ = check(tmp_path, text, "--format", "json", "--lang", "KK")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["results"][0]["outcome"] == "return-forthwith"
    reasons = " ".join(c["reason"] for c in payload["results"][0]["criteria"])
    assert "Custody" not in reasons and "kz" not in reasons


def test_a_case_typed_in_another_case_is_the_same_case(tmp_path):
    """The canonical form is what is evaluated and stamped: the same scenario digest."""
    lower, _ = check(tmp_path, case(home="kz", right="CUSTODY"), "--format", "json")
    canonical, _ = check(tmp_path, case(), "--format", "json")
    assert lower.exit_code == canonical.exit_code == 0
    assert json.loads(lower.stdout)["scenario_digest"] == json.loads(canonical.stdout)["scenario_digest"]


@pytest.mark.parametrize("lang", ["RU", "Kk", "EN"])
def test_lang_in_any_case(tmp_path, lang):
    result, _ = check(tmp_path, case(), "--lang", lang)
    assert result.exit_code == 0, result.output
    assert {"RU": "РЕЗУЛЬТАТ", "Kk": "НӘТИЖЕ", "EN": "OUTCOME"}[lang] in result.stdout


# ---------------------------------------------------------------- did you mean


@pytest.mark.parametrize("lang, says", [
    ("en", "Input should be 'custody', 'access' or 'none', got 'custdy'; did you mean custody?"),
    ("ru", "; возможно, имелось в виду custody?"),
    ("kk", "; мүмкін, custody деген болар?"),
])
def test_a_misspelt_enum_value(tmp_path, lang, says):
    line = one_line(check(tmp_path, case(right="custdy"), "--lang", lang)[0])
    assert "facts.abduction.left_behind_right" in line and line.endswith(says)


def test_a_misspelt_fact(tmp_path):
    line = one_line(check(tmp_path, case(tail="    grave_rsk: true\n"))[0])
    assert line.endswith("facts.abduction.grave_rsk: unknown fact 'grave_rsk' for matter 'abduction'; did you mean grave_risk?")


def test_a_fact_far_from_every_name_lists_the_known_ones(tmp_path):
    line = one_line(check(tmp_path, case(tail="    child_name: Dana\n"))[0])
    assert "unknown fact 'child_name'" in line and "(known: child_birth_date" in line
    assert "did you mean" not in line


@pytest.mark.parametrize("lang, says", [
    ("en", "unknown matter 'abducton'; did you mean abduction?"),
    ("ru", "неизвестное дело 'abducton'; возможно, имелось в виду abduction?"),
    ("kk", "белгісіз іс 'abducton'; мүмкін, abduction деген болар?"),
])
def test_a_misspelt_matter(tmp_path, lang, says):
    text = case().replace("  abduction:", "  abducton:")
    assert one_line(check(tmp_path, text, "--lang", lang)[0]).endswith(f"facts.abducton: {says}")


@pytest.mark.parametrize("lang, says", [
    ("en", "'taken_to' is not a fact of matter 'maintenance'; it belongs under matter 'abduction'"),
    ("ru", "'taken_to' не относится к делу 'maintenance'; этот факт указывается в деле 'abduction'"),
    ("kk", "'taken_to' 'maintenance' ісінің фактісі емес; ол 'abduction' ісіне жатады"),
])
def test_a_fact_under_the_wrong_matter_names_its_matter(tmp_path, lang, says):
    text = case(tail="  maintenance:\n    child_residence: KZ\n    taken_to: RU\n")
    line = one_line(check(tmp_path, text, "--lang", lang)[0])
    assert line.endswith(f":14: facts.maintenance.taken_to: {says}")


def test_a_misspelt_outcome_and_test_in_expected(tmp_path):
    line = one_line(check(tmp_path, case(tail=f"expected:\n  {HAGUE}: Return-Forthwith\n"))[0])
    assert line.endswith("did you mean return-forthwith?")
    assert "expected.hague-abduction-return: 'Return-Forthwith' is not an outcome of this test" in line
    line = one_line(check(tmp_path, case(tail="expected:\n  hague-abduction-retrun: return-forthwith\n"))[0])
    assert line.endswith(f"did you mean {HAGUE}?")


@pytest.mark.parametrize("lang, says", [
    ("en", "expected true or false, got 'yes'; did you mean true?"),
    ("ru", "ожидается true или false, получено 'да'; возможно, имелось в виду true?"),
    ("kk", "true немесе false күтіледі, алынғаны 'жоқ'; мүмкін, false деген болар?"),
])
def test_yes_for_a_boolean_in_a_file_suggests_true(tmp_path, lang, says):
    word = {"en": "yes", "ru": "да", "kk": "жоқ"}[lang]
    line = one_line(check(tmp_path, case(exercised=word), "--lang", lang)[0])
    assert "facts.abduction.rights_exercised" in line and line.endswith(says)


# ---------------------------------------------------------------- a tab in the indentation


@pytest.mark.parametrize("lang, says", [
    ("en", "this line is indented with a Tab character; scenario files must be indented with spaces only"),
    ("ru", "в этой строке отступ сделан символом табуляции (Tab)"),
    ("kk", "бұл жолдың шегінісі табуляция (Tab) таңбасымен жасалған"),
])
def test_a_tab_is_explained_in_plain_words(tmp_path, lang, says):
    text = case().replace("    taken_to: RU", "\ttaken_to: RU")
    line = one_line(check(tmp_path, text, "--lang", lang)[0])
    assert line.startswith(f"{tmp_path / 'case.yaml'}:7: {says}")
    assert "token" not in line and "YAML" not in line


def test_a_tab_inside_a_value_is_no_indentation_problem(tmp_path):
    result, _ = check(tmp_path, case(tail="title: \"a\\tb\"\n"))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("typed, meant", [("KAZ", "KZ"), ("Russian Federation", "RU"), ("kazakhstan", "KZ")])
def test_a_state_written_another_way_is_refused_with_its_code(tmp_path, typed, meant):
    line = one_line(check(tmp_path, case(home=f'"{typed}"'))[0])
    assert "facts.abduction.habitual_residence: expected an ISO 3166-1 alpha-2 code" in line
    assert line.endswith(f"got '{typed}'; did you mean {meant}?")


def test_a_state_that_is_no_state_gets_no_suggestion(tmp_path):
    line = one_line(check(tmp_path, case(home="Narnia"))[0])
    assert "did you mean" not in line


def test_another_matters_fact_near_a_name_of_this_matter_gets_both(tmp_path):
    """`birth_date` is a fact of other matters; under abduction the child's date of birth is meant."""
    pinned_all = copy_rules(tmp_path / "all")
    text = case(tail="    birth_date: 2017-08-03\n")
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["--rules", str(pinned_all), "check", str(path)])
    line = one_line(result)
    assert "facts.abduction.birth_date: 'birth_date' is not a fact of matter 'abduction' (it belongs under matter" in line
    assert "'conscription'" in line and line.endswith("did you mean child_birth_date?")
