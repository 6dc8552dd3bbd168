"""`creval ask`: the caseworker's interview, driven as a user would, through standard input.

Questions go to standard error and the result to standard output (`result.stderr`,
`result.stdout`). The rules are pinned: a copy of the Hague 1980 rule, the treaty tables and
the message catalogue, taken at the start of the session.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from creval.cli import app
from helpers import copy_rules

REPO = Path(__file__).resolve().parents[1]
HAGUE = "hague-abduction-return"
AS_OF = "2026-03-01"

Q_BIRTH = "When was the child born?"
Q_REMOVAL = "On what date was the child removed"
Q_PROCEEDINGS = "On what date did (or will) proceedings commence"


@pytest.fixture(scope="module")
def pinned_rules(tmp_path_factory) -> Path:
    return copy_rules(tmp_path_factory.mktemp("rules-ask"), [HAGUE])


@pytest.fixture(autouse=True)
def _rules(pinned_rules, monkeypatch):
    monkeypatch.setenv("CREVAL_RULES", str(pinned_rules))


def ask(*args: str, answers: list[str] | None = None, text: str | None = None):
    stdin = text if text is not None else "".join(f"{a}\n" for a in answers or [])
    return CliRunner().invoke(app, ["ask", HAGUE, "--as-of", AS_OF, *map(str, args)], input=stdin)


def asked(result) -> int:
    """How many questions the interview put (numbered "(n) ...")."""
    return sum(1 for line in result.stderr.splitlines() if line[:1] == "(" and ") " in line[:5])


# A child taken from Kazakhstan to Russia five months before the assessment date.
RETURN_FORTHWITH = [
    "2015-04-02",  # child_birth_date
    "KZ",          # habitual_residence
    "RU",          # taken_to
    "2025-09-10",  # removal_date
    "1",           # left_behind_right: custody
    "yes",         # rights_exercised
    "2026-01-15",  # proceedings_date
    "no",          # consent_or_acquiescence
    "no",          # grave_risk
    "no",          # child_objects
    "",            # convention_in_force: not checked
]


def test_child_sixteen_on_the_assessment_date_stops_without_the_removal_date():
    result = ask(answers=["2010-03-01", "KZ", "RU", "2025-09-10"])
    assert result.exit_code == 0, result.output
    assert "OUTCOME  not-applicable" in result.stdout
    assert Q_BIRTH in result.stderr
    assert Q_REMOVAL not in result.stderr
    assert asked(result) == 1
    assert "Questions asked: 1. Outcome: not-applicable." in result.stderr


def test_interview_reaching_return_forthwith():
    result = ask(answers=RETURN_FORTHWITH)
    assert result.exit_code == 0, result.output
    assert "OUTCOME  return-forthwith" in result.stdout
    assert asked(result) == len(RETURN_FORTHWITH)
    # The settlement defence cannot matter within the year: it is never asked.
    assert "settled in its new environment" not in result.stderr
    stderr = result.stderr
    assert stderr.index(Q_BIRTH) < stderr.index(Q_REMOVAL) < stderr.index(Q_PROCEEDINGS)


def test_an_established_defence_is_asked_for_before_concluding():
    answers = RETURN_FORTHWITH[:7] + ["yes", ""]  # the left-behind parent consented
    result = ask(answers=answers)
    assert result.exit_code == 0, result.output
    assert "OUTCOME  return-may-be-refused" in result.stdout
    # One defence established: the other defences cannot change the outcome and are not
    # asked; only whether the Convention is in force (which could make it not-applicable).
    assert asked(result) == 9
    assert "grave risk" not in result.stderr
    assert "HCCH status table" in result.stderr


def test_unknown_answers_leave_it_undetermined_with_the_missing_facts():
    result = ask(text="\n?\nunknown\n" + "\n" * 20)
    assert result.exit_code == 0, result.output
    assert "OUTCOME  undetermined" in result.stdout
    missing = next(line for line in result.stdout.splitlines() if line.strip().startswith("MISSING"))
    for fact in ("child_birth_date", "habitual_residence", "taken_to", "left_behind_right"):
        assert fact in missing
    # whether the rights were exercised cannot change the outcome alone while all else is unknown
    assert "rights_exercised" not in missing
    # Nothing left that could change the outcome: the interview ends before the input does.
    assert "End of input" not in result.stderr


def test_invalid_date_is_reasked_with_a_one_line_message():
    result = ask(answers=["31.12.2015", "2015-02-30", "2010-03-01"])
    assert result.exit_code == 0, result.output
    assert result.stderr.count(Q_BIRTH) == 3
    assert "Not a date as YYYY-MM-DD: 31.12.2015" in result.stderr
    assert "No such day in the calendar: 2015-02-30" in result.stderr
    assert "OUTCOME  not-applicable" in result.stdout
    assert "Traceback" not in result.output


def test_invalid_choice_and_yes_no_are_reasked():
    answers = RETURN_FORTHWITH[:4] + ["4", "custody", "perhaps", "yes"]
    result = ask(answers=answers)
    assert "Not one of the choices: 4." in result.stderr
    assert "Please answer yes or no" in result.stderr
    assert "What right does the left-behind parent hold?" in result.stderr
    assert result.stderr.count("What right does the left-behind parent hold?") == 2


def test_contradicting_answer_is_rejected_and_reasked(tmp_path):
    out = tmp_path / "answers.yaml"
    answers = ["2015-04-02", "KZ", "RU", "2014-06-01", "2025-09-10"]  # a removal before the birth
    result = ask("--save", out, answers=answers)
    assert result.exit_code == 0, result.output
    assert "Not accepted:" in result.stderr
    assert "before the child's birth" in result.stderr
    assert result.stderr.count(Q_REMOVAL) == 2
    assert "removal_date: 2025-09-10" in out.read_text(encoding="utf-8")


def test_end_of_input_treats_the_rest_as_unknown_and_prints_the_result():
    result = ask(answers=["2015-04-02", "KZ"])
    assert result.exit_code == 0, result.output
    assert "End of input" in result.stderr
    assert "OUTCOME  undetermined" in result.stdout
    assert "MISSING" in result.stdout


def test_saved_answers_are_a_scenario_that_check_accepts_with_the_same_outcome(tmp_path):
    out = tmp_path / "case.yaml"
    result = ask("--save", out, "--id", "case-17", answers=RETURN_FORTHWITH)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert f"as_of: {AS_OF}" in text
    assert "convention_in_force: null" in text  # asked, not known
    checked = CliRunner().invoke(app, ["check", str(out), "--format", "json"])
    assert checked.exit_code == 0, checked.output
    payload = json.loads(checked.stdout)
    assert payload["scenario"] == "case-17"
    assert payload["as_of"] == AS_OF
    assert payload["results"][0]["outcome"] == "return-forthwith"


def test_saved_undetermined_interview_checks_the_same(tmp_path):
    out = tmp_path / "partial.yaml"
    result = ask("--save", out, answers=["2015-04-02", "", "RU"])
    assert "OUTCOME  undetermined" in result.stdout
    checked = CliRunner().invoke(app, ["check", str(out), "--format", "json"])
    assert checked.exit_code == 0, checked.output
    found = json.loads(checked.stdout)["results"][0]
    assert found["outcome"] == "undetermined"
    assert "habitual_residence" in found["missing"]


def test_json_result_and_questions_on_standard_error():
    result = ask("--format", "json", answers=["2010-03-01"])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)  # nothing but the result on standard output
    assert payload["results"][0]["outcome"] == "not-applicable"
    assert payload["scenario_digest"].startswith("sha256:")


def test_markdown_result_is_a_decision_memo():
    result = ask("--format", "markdown", answers=["2010-03-01"])
    assert result.exit_code == 0
    assert "## Stamp" in result.stdout
    assert "`child_birth_date`" not in result.stdout.split("### Assumptions")[1].split("###")[0]


def test_questions_and_hints_in_russian(pinned_rules):
    from creval.law.rulebook import load

    question = load(pinned_rules).tests[HAGUE].rule.facts["child_birth_date"].question
    result = ask("--lang", "ru", answers=["2010-03-01"])
    assert result.exit_code == 0
    assert "Опрос по тесту" in result.stderr
    assert "дата в виде ГГГГ-ММ-ДД" in result.stderr
    assert question.get("ru") in result.stderr  # English when the rule file has no Russian
    assert "Задано вопросов: 1" in result.stderr


def test_bool_answers_in_any_language():
    answers = RETURN_FORTHWITH[:5] + ["да", "2026-01-15", "жоқ", "нет", "n", ""]
    result = ask(answers=answers)
    assert "OUTCOME  return-forthwith" in result.stdout


@pytest.mark.parametrize("args, message", [
    (["ask", "no-such-test"], "unknown test or matter no-such-test"),
    (["ask", "hague-abduction-retrun"], "did you mean hague-abduction-return?"),
    (["ask"], "name a test or a matter to interview for"),
    (["ask", "--from", "/no/such/case.yaml"], "--from: /no/such/case.yaml: cannot read"),
    (["ask", HAGUE, "--as-of", "2026-02-30"], "--as-of"),
    (["ask", HAGUE, "--save", "/no/such/folder/x.yaml"], "--save"),
    (["ask", HAGUE, "--id", "bad id!"], "--id"),
])
def test_usage_errors_are_one_line_exit_2(args, message):
    result = CliRunner().invoke(app, args, input="")
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert result.stdout == ""


@pytest.mark.parametrize("name", [
    "consent-given", "settled-after-one-year", "16th-birthday-on-the-day", "override-false",
    "one-year-exactly", "internal-removal", "access-only", "removal-date-unknown",
])
def test_interview_agrees_with_check_on_the_scenario_pack(name, pinned_rules):
    """Answering from a scenario file (absent facts: unknown) gives the outcome `check` gives."""
    from creval.core.dates import iso
    from creval.tools.interview import Interview
    from creval.input.loader import load_file
    from creval.law.rulebook import load
    from creval.input.scenario import matter_facts

    book = load(pinned_rules)
    loaded = load_file(REPO / "scenarios" / "hague" / f"{name}.yaml", book)
    assert not loaded.errors
    scenario = loaded.scenario
    facts = matter_facts(scenario)["abduction"]
    stated = {k for k, v in scenario.facts.abduction if v is not None}
    interview = Interview(book, HAGUE, scenario.as_of)
    while (fact := interview.next_fact()) is not None:
        value = facts[fact] if fact in stated else None
        text = "" if value is None else {True: "yes", False: "no"}.get(value, str(iso(value)))
        assert interview.give(fact, text) is None
    assert interview.result().outcome == scenario.expected[HAGUE]


@pytest.mark.parametrize("text, term", [
    ("8y", {"years": 8, "months": 0, "days": 0}),
    ("1y 2m", {"years": 1, "months": 2, "days": 0}),
    ("3 years 7 months 10 days", {"years": 3, "months": 7, "days": 10}),
    ("3г 7м", {"years": 3, "months": 7, "days": 0}),
    ("2 жыл 3 ай 5 күн", {"years": 2, "months": 3, "days": 5}),
    ("3/7/0", {"years": 3, "months": 7, "days": 0}),
    ("0y 0m 45d", {"years": 0, "months": 0, "days": 45}),
])
def test_term_answers(text, term):
    from creval.tools.interview.interview import _parse_term

    assert _parse_term(text) == term


@pytest.mark.parametrize("text", ["8", "0y", "3 weeks", "1y 2y", "y", "3y and then some"])
def test_bad_term_answers(text):
    from creval.tools.interview.interview import _parse_term

    assert _parse_term(text) is None


@pytest.mark.parametrize("lang, typed", [("en", "life"), ("ru", "Пожизненно"), ("kk", "өмір бойы")])
def test_a_number_fact_takes_its_word_as_typed_or_in_words(lang, typed):
    """A ban for life is the only term that can still change a late activity's outcome, so the
    interview asks for it (tools/interview/probes.py tries the word too) and must take it."""
    from datetime import date

    from creval.law.rulebook import load
    from creval.tools.interview import Interview

    interview = Interview(load(Path(__file__).resolve().parents[1] / "rules"), "work-with-children-ban", date(2040, 1, 1), lang)
    assert interview.parse("ban_years", typed) == ("life", None)
    assert interview.parse("ban_years", "21")[0] is None  # the range still holds
    said = {"en": "a whole number from 1 to 20, or life", "ru": "целое число от 1 до 20 или пожизненно",
            "kk": "1-ден 20-ға дейінгі бүтін сан немесе өмір бойы"}[lang]
    assert said in interview.question("ban_years").hint  # and the hint says the word is taken
