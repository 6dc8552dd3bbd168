"""`creval ask` as a real interview: back, the review of answers, resuming with --from, and
several tests in one interview; in English, Russian and Kazakh.

Back, review and resume are driven in a pseudo-terminal (tests/terminal.py), as a person at a
keyboard would: wait for the question, type the answer. The rest is piped through CliRunner.
The rules are pinned (a copy taken at the start of the session); questions are read from them.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from creval.cli import app
from helpers import copy_rules
from terminal import Terminal

HAGUE = "hague-abduction-return"
ADOPTION = "intercountry-adoption"
MAINTENANCE = "maintenance-recovery"
AS_OF = "2026-03-01"


@pytest.fixture(scope="module")
def pinned(tmp_path_factory) -> Path:
    return copy_rules(tmp_path_factory.mktemp("rules-interview"))


@pytest.fixture(autouse=True)
def _rules(pinned, monkeypatch):
    monkeypatch.setenv("CREVAL_RULES", str(pinned))


@pytest.fixture(scope="module")
def book(pinned):
    from creval.law.rulebook import load

    return load(pinned)


def q(book, fact: str, lang: str = "en", test: str = HAGUE) -> str:
    """A fact's question as the rule file words it."""
    spec = book.tests[test].rule.facts[fact]
    return (spec.question or spec.title).get(lang)


@pytest.fixture
def terminal():
    """Start `creval ask ARGS` at a terminal; whatever still runs is ended after the test."""
    started: list[Terminal] = []

    def start(*args: str) -> Terminal:
        started.append(Terminal("ask", *args, env=os.environ.copy()))
        return started[-1]

    yield start
    for term in started:
        term.close()


def check_json(path: Path) -> dict:
    result = CliRunner().invoke(app, ["check", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# ---------------------------------------------------------------- back and review, at a keyboard


def test_back_and_a_changed_answer_at_the_review_in_english(book, tmp_path, terminal):
    saved = tmp_path / "case.yaml"
    term = terminal(HAGUE, "--as-of", AS_OF, "--save", saved)
    term.answer(q(book, "child_birth_date"), "2015-04-02")
    term.answer(q(book, "habitual_residence"), "kz")
    term.answer(q(book, "taken_to"), "DE")  # a slip: the child is in Russia
    term.expect("(4) ")
    term.type("back")
    assert term.expect(f"(3) {q(book, 'taken_to')}") is not None  # the same question again, same number
    term.type("RU")
    term.answer(q(book, "removal_date"), "2025-09-10")
    for fact, typed in [("left_behind_right", "Custody"), ("rights_exercised", "y"), ("proceedings_date", "2026-01-15"),
                        ("consent_or_acquiescence", "n"), ("grave_risk", "false"), ("child_objects", "no"),
                        ("convention_in_force", "")]:
        term.answer(q(book, fact), typed)
    term.expect("Your answers:")
    listed = term.expect("Press Enter to see the result")
    assert "  3. the state where the child now is: Russian Federation (RU)" in listed  # as every list of facts shows it
    assert "  5. the left-behind parent's right: custody" in listed
    assert "  6. whether those rights were actually exercised at the time: yes" in listed
    assert listed.rstrip().splitlines()[-1].endswith(": unknown")  # the Convention's status, asked and not known
    term.type("4")  # the removal was a year earlier
    term.answer(q(book, "removal_date"), "2024-09-10")
    # more than a year before the proceedings: settlement can now change the outcome, so it is asked
    term.answer(q(book, "settled_in_new_environment"), "yes")
    term.expect("Your answers:")
    listed = term.expect("> ")
    assert f"  4. {book.tests[HAGUE].rule.facts['removal_date'].title.en}: 2024-09-10" in listed
    assert "  12. whether the child is shown to be settled in its new environment: yes" in listed
    term.send("")
    code, screen = term.finish()
    assert code == 0, screen
    assert "OUTCOME  return-may-be-refused" in screen
    assert "Traceback" not in screen
    facts = check_json(saved)["results"][0]
    assert facts["outcome"] == "return-may-be-refused"
    text = saved.read_text(encoding="utf-8")
    assert 'taken_to: "RU"' in text and "DE" not in text
    assert "removal_date: 2024-09-10" in text and "convention_in_force: null" in text


def test_the_prompt_takes_rough_dates_and_a_number_with_unknown_at_the_review_changes_that_answer(book, tmp_path, terminal):
    saved = tmp_path / "case.yaml"
    term = terminal(HAGUE, "--as-of", AS_OF, "--save", saved)
    term.expect(q(book, "child_birth_date"))
    hint = term.expect("> ")
    assert "2026-01" in hint and "before 2024-06-01" in hint  # the rough answers taken are named
    term.send("2015-04-02")
    term.answer(q(book, "habitual_residence"), "KZ")
    term.answer(q(book, "taken_to"), "RU")
    term.answer(q(book, "removal_date"), "2025-09-10")
    for fact, typed in [("left_behind_right", "custody"), ("rights_exercised", "y"), ("proceedings_date", "2026-01-15"),
                        ("consent_or_acquiescence", "n"), ("grave_risk", "n"), ("child_objects", "n"),
                        ("convention_in_force", "")]:
        term.answer(q(book, fact), typed)
    term.expect("Your answers:")
    assert "(for example: 1 unknown)" in term.expect("> ")
    term.send("6 unknown")  # whether the rights were exercised: changed to not known at once
    term.expect("Your answers:")
    listed = term.expect("> ")
    assert "  6. whether those rights were actually exercised at the time: unknown" in listed
    term.send("")
    code, screen = term.finish()
    assert code == 0, screen
    assert check_json(saved)["results"][0]["outcome"] == "undetermined"
    assert "rights_exercised: null" in saved.read_text(encoding="utf-8")


def test_back_at_the_first_question_and_a_review_in_russian(book, tmp_path, terminal):
    saved = tmp_path / "дело.yaml"
    term = terminal(HAGUE, "--as-of", AS_OF, "--lang", "ru", "--save", saved)
    term.expect("Введите назад, чтобы вернуться к предыдущему вопросу")
    term.answer(q(book, "child_birth_date", "ru"), "назад")
    term.expect("Это первый вопрос опроса: вернуться к предыдущему нельзя.")
    term.expect(f"(1) {q(book, 'child_birth_date', 'ru')}")
    term.type("02.04.2015")  # typed the usual way: refused, with the date it reads as
    term.expect("Это не дата в виде ГГГГ-ММ-ДД: 02.04.2015; возможно, имелось в виду 2015-04-02?")
    term.type("2015-04-02")
    term.answer(q(book, "habitual_residence", "ru"), "KZ")
    term.answer(q(book, "taken_to", "ru"), "ru")
    term.answer(q(book, "removal_date", "ru"), "2025-09-10")
    term.answer(q(book, "left_behind_right", "ru"), "1")
    term.answer(q(book, "rights_exercised", "ru"), "Да")
    term.answer(q(book, "proceedings_date", "ru"), "2026-01-15")
    term.answer(q(book, "consent_or_acquiescence", "ru"), "да")  # consented: return may be refused
    term.answer(q(book, "convention_in_force", "ru"), "")
    term.expect("Ваши ответы:")
    listed = term.expect("Нажмите Enter, чтобы увидеть результат, или введите номер ответа (от 1 до 9)")
    assert ": опека" in listed and "custody" not in listed  # the choice by its name, as every list of facts shows it
    assert "  8. дал ли оставленный родитель согласие" in listed and listed.rstrip().splitlines()[-2].endswith(": да")
    assert listed.rstrip().endswith(": неизвестно")
    term.type("сорок")
    term.expect("Это не номер ответа: сорок.")
    term.type("8")
    term.answer(q(book, "consent_or_acquiescence", "ru"), "нет")  # corrected: no consent after all
    # the other defences can matter now: they are asked
    term.answer(q(book, "grave_risk", "ru"), "нет")
    term.answer(q(book, "child_objects", "ru"), "нет")
    term.expect("Ваши ответы:")
    term.type("")
    code, screen = term.finish()
    assert code == 0, screen
    assert "РЕЗУЛЬТАТ  return-forthwith" in screen
    assert "Задано вопросов: 11. Результат: return-forthwith" in screen
    assert "Ответы сохранены в" in screen
    assert check_json(saved)["results"][0]["outcome"] == "return-forthwith"


# ---------------------------------------------------------------- resuming a saved interview


PARTIAL = """\
id: case-17
title: Дети в Новосибирске
as_of: 2026-03-01
facts:
  abduction:
    child_birth_date: 2015-04-02
    habitual_residence: KZ
    taken_to: RU
    removal_date: 2025-09-10
    left_behind_right: custody
    rights_exercised: true
    grave_risk: null
    convention_in_force: null
"""


def test_resume_in_kazakh_asks_only_what_was_not_answered_and_saves_everything(book, tmp_path, terminal):
    start = tmp_path / "case.yaml"
    start.write_text(PARTIAL, encoding="utf-8")
    saved = tmp_path / "case-2.yaml"
    term = terminal("--from", start, "--lang", "kk", "--save", saved)
    term.expect("Сұхбат жалғасты: файлдағы 8 жауап сақталды және қайта сұралмайды")
    term.answer(q(book, "proceedings_date", "kk"), "2026-01-15")
    term.answer(q(book, "consent_or_acquiescence", "kk"), "иә")
    term.expect("Сіздің жауаптарыңыз:")  # the defence is established: nothing else can change the outcome
    term.type("артқа")
    term.expect(f"(2) {q(book, 'consent_or_acquiescence', 'kk')}")  # back to the last question
    term.type("жоқ")
    term.answer(q(book, "child_objects", "kk"), "ЖОҚ")
    term.expect("Сіздің жауаптарыңыз:")
    term.type("")
    code, screen = term.finish()
    assert code == 0, screen
    before_review = screen.split("Сіздің жауаптарыңыз:")[0]
    for fact in ("child_birth_date", "removal_date", "grave_risk", "convention_in_force"):
        assert q(book, fact, "kk") not in before_review  # answered in the file, null ones too: not asked
    assert "НӘТИЖЕ  return-forthwith" in screen
    text = saved.read_text(encoding="utf-8")
    assert 'id: "case-17"' in text and 'title: "Дети в Новосибирске"' in text
    assert "grave_risk: null" in text and "convention_in_force: null" in text
    assert "proceedings_date: 2026-01-15" in text and "consent_or_acquiescence: false" in text
    payload = check_json(saved)
    assert payload["scenario"] == "case-17" and payload["as_of"] == AS_OF
    assert payload["results"][0]["outcome"] == "return-forthwith"


def test_resume_of_a_finished_interview_goes_straight_to_the_review(tmp_path):
    start = tmp_path / "case.yaml"
    start.write_text(PARTIAL.replace("    grave_risk: null\n", "    proceedings_date: 2026-01-15\n    consent_or_acquiescence: true\n"),
                     encoding="utf-8")
    result = CliRunner().invoke(app, ["ask", "--from", str(start), "--format", "json"], input="\n")
    assert result.exit_code == 0, result.output
    assert "(1)" not in result.stderr  # nothing left to ask
    assert "Your answers:" in result.stderr
    assert json.loads(result.stdout)["results"][0]["outcome"] == "return-may-be-refused"


# ---------------------------------------------------------------- several tests in one interview


def test_abduction_and_maintenance_in_one_interview(book, tmp_path):
    saved = tmp_path / "both.yaml"
    answers = ["2015-04-02", "KZ", "RU", "2025-09-10", "1", "yes", "2026-01-15", "no", "no", "no", "",
               "KZ", "RU", "2026-01-20", ""] + [""] * 10
    result = CliRunner().invoke(app, ["ask", HAGUE, MAINTENANCE, "--as-of", AS_OF, "--save", str(saved)],
                                input="".join(f"{a}\n" for a in answers))
    assert result.exit_code == 0, result.output
    stderr = result.stderr
    assert stderr.index(f"--- {HAGUE}:") < stderr.index(f"--- {MAINTENANCE}:")
    assert q(book, "child_residence", test=MAINTENANCE) in stderr
    assert "OUTCOME  return-forthwith" in result.stdout
    assert result.stdout.count("OUTCOME") == 2
    assert f"Outcome: {HAGUE}: return-forthwith; {MAINTENANCE}: " in stderr
    payload = check_json(saved)
    assert [r["test"] for r in payload["results"]] == [HAGUE, MAINTENANCE]


def test_a_fact_two_matters_declare_alike_is_asked_once(book, tmp_path):
    saved = tmp_path / "both.yaml"
    result = CliRunner().invoke(app, ["ask", "abduction", "adoption", "--as-of", AS_OF, "--save", str(saved)],
                                input="2015-04-02\n" + "\n" * 30)
    assert result.exit_code == 0, result.output
    assert result.stderr.count(q(book, "child_birth_date")) == 1
    facts = check_json(saved)  # the answer is under both matters
    text = saved.read_text(encoding="utf-8")
    assert text.count("child_birth_date: 2015-04-02") == 2
    assert {r["test"] for r in facts["results"]} == {HAGUE, ADOPTION}


def test_facts_alike_by_name_only_are_asked_for_each_matter(book):
    from creval.tools.interview.case import CaseInterview

    case = CaseInterview(book, ["child-military-involvement", "work-with-children-ban", "conscription"], date(2026, 3, 1))
    # the date of the activity means another thing in each rule: asked for each matter
    assert case.key("military_involvement", "activity_date").matters == ("military_involvement",)
    assert case.key("work_ban", "activity_date").matters == ("work_ban",)
    # the person's date of birth is the same fact for military involvement and conscription
    assert case.key("military_involvement", "birth_date").matters == ("military_involvement", "conscription")


# ---------------------------------------------------------------- answers typed in any language and case


@pytest.mark.parametrize("lang, yes, no", [("en", "YES", "n"), ("ru", "да", "Нет"), ("kk", "Иә", "жоқ"), ("en", "true", "False")])
def test_yes_and_no_in_every_language_and_choices_in_any_case(lang, yes, no):
    answers = ["2015-04-02", "kz", "Ru", "2025-09-10", "CUSTODY", yes, "2026-01-15", no, no, no, ""]
    result = CliRunner().invoke(app, ["ask", HAGUE, "--as-of", AS_OF, "--lang", lang, "--format", "json"],
                                input="".join(f"{a}\n" for a in answers) + "\n")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["results"][0]["outcome"] == "return-forthwith"


@pytest.mark.parametrize("lang, says", [
    ("en", "Not one of the choices: custdy. Give a number from 1 to 3 or one of: custody, access, none.; did you mean custody?"),
    ("ru", "Такого варианта нет: custdy."),
    ("kk", "Мұндай нұсқа жоқ: custdy."),
])
def test_a_misspelt_choice_gets_a_suggestion(lang, says):
    answers = ["2015-04-02", "KZ", "RU", "2025-09-10", "custdy", "custody"]
    result = CliRunner().invoke(app, ["ask", HAGUE, "--as-of", AS_OF, "--lang", lang], input="".join(f"{a}\n" for a in answers))
    assert says in result.stderr
    assert {"en": "did you mean custody?", "ru": "возможно, имелось в виду custody?",
            "kk": "мүмкін, custody деген болар?"}[lang] in result.stderr


@pytest.mark.parametrize("typed, says", [
    ("20.05.2016", "Not a date as YYYY-MM-DD: 20.05.2016; did you mean 2016-05-20?"),
    ("05/06/2016", "Not a date as YYYY-MM-DD: 05/06/2016; it could mean 2016-06-05 or 2016-05-06: write it as YYYY-MM-DD"),
])
def test_a_date_typed_another_way_is_asked_again_with_a_suggestion(book, typed, says):
    result = CliRunner().invoke(app, ["ask", HAGUE, "--as-of", AS_OF], input=f"{typed}\n2010-03-01\n\n")
    assert says in result.stderr
    assert result.stderr.count(q(book, "child_birth_date")) == 2  # never guessed: asked again
    assert "OUTCOME  not-applicable" in result.stdout


def test_a_resumed_case_gives_another_matter_the_facts_it_shares(book, tmp_path):
    start = tmp_path / "case.yaml"
    start.write_text(PARTIAL, encoding="utf-8")
    saved = tmp_path / "with-adoption.yaml"
    result = CliRunner().invoke(app, ["ask", "adoption", "--from", str(start), "--save", str(saved)], input="\n" * 30)
    assert result.exit_code == 0, result.output
    assert q(book, "child_birth_date", test=ADOPTION) not in result.stderr  # known from the abduction facts
    assert q(book, "applicant_citizenship", test=ADOPTION) in result.stderr
    text = saved.read_text(encoding="utf-8")
    assert text.count("child_birth_date: 2015-04-02") == 2  # under abduction and adoption
    assert "  abduction:\n" in text and "    grave_risk: null" in text  # the other matter is kept as it was
    assert [r["test"] for r in check_json(saved)["results"]] == [HAGUE, ADOPTION]


@pytest.mark.parametrize("lang, says", [
    ("en", "Not an ISO 3166-1 two-letter country code: KAZ; did you mean KZ?"),
    ("ru", "Это не двухбуквенный код страны по ISO 3166-1: Kazakhstan; возможно, имелось в виду KZ?"),
    ("kk", "мүмкін, KZ деген болар?"),
])
def test_a_state_typed_another_way_is_asked_again_with_its_code(book, lang, says):
    typed = {"en": "KAZ", "ru": "Kazakhstan", "kk": "kaz"}[lang]
    result = CliRunner().invoke(app, ["ask", HAGUE, "--as-of", AS_OF, "--lang", lang],
                                input=f"2015-04-02\n{typed}\nkz\n")
    assert says in result.stderr
    assert result.stderr.count(q(book, "habitual_residence", lang)) == 2


def test_as_of_given_with_from_replaces_the_files_date(tmp_path):
    start = tmp_path / "case.yaml"
    start.write_text(PARTIAL, encoding="utf-8")
    saved = tmp_path / "later.yaml"
    result = CliRunner().invoke(app, ["ask", "--from", str(start), "--as-of", "2027-01-01", "--save", str(saved),
                                      "--format", "json"], input="\n" * 20)
    assert result.exit_code == 0, result.output
    assert "Assessment date: 2027-01-01." in result.stderr
    assert json.loads(result.stdout)["as_of"] == "2027-01-01"
    assert "as_of: 2027-01-01" in saved.read_text(encoding="utf-8")


def test_ctrl_c_in_a_two_matter_interview_keeps_the_shared_answer_for_both(book, tmp_path, terminal):
    import signal

    saved = tmp_path / "both.yaml"
    term = terminal("abduction", "adoption", "--as-of", AS_OF, "--save", saved)
    term.answer(q(book, "child_birth_date"), "2015-04-02")
    term.expect(q(book, "habitual_residence"))
    term.expect("> ")
    term.proc.send_signal(signal.SIGINT)
    code, screen = term.finish()
    assert code == 130, screen
    assert f"Interrupted: the answers given so far (1) are saved to {saved}" in screen
    text = saved.read_text(encoding="utf-8")
    assert text.count("child_birth_date: 2015-04-02") == 2  # under abduction and adoption
    assert "Traceback" not in screen
