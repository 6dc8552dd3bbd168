"""`creval exercise`: a trainee session driven through standard input, as a user would."""

from __future__ import annotations

import json
import random
import re

import pytest

from trainers import CONSCRIPTION, HAGUE, HAGUE_OUTCOMES, CONSCRIPTION_OUTCOMES, conscription, hague, run, trainer_rules, trainer_rules_dir, write  # noqa: F401

# The pack, in load order (files are read in name order):
#   1. a-forthwith: hague, return-forthwith (choice 5); its answer key agrees
#   2. b-access:    hague, access-only (choice 3)
#   3. c-call-up:   conscription, subject-to-conscription (choice 5); its answer key says under-age
FORTHWITH, ACCESS, CALL_UP = "ex-forthwith", "ex-access", "ex-call-up"
NARRATIVE = "Dana was taken from Almaty to Novosibirsk by her mother on 15 June 2025."


@pytest.fixture
def pack(tmp_path):
    folder = tmp_path / "pack"
    write(folder, "a-forthwith.yaml", hague(FORTHWITH, narrative=NARRATIVE, expected="return-forthwith"))
    write(folder, "b-access.yaml", hague(ACCESS, title="Father with contact rights only", left_behind_right="access"))
    write(folder, "c-call-up.yaml", conscription(CALL_UP, expected="under-age"))
    return folder


def choice(outcome: str) -> str:
    outcomes = HAGUE_OUTCOMES if outcome in HAGUE_OUTCOMES else CONSCRIPTION_OUTCOMES
    return str(outcomes.index(outcome) + 1)


def test_session_shows_the_scenario_but_not_the_answer_key_before_answering(run, pack):
    result = run("exercise", pack, input="5\n3\n5\n")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    before = out[: out.index("Your answer")]
    assert "Scenario 1 of 3: Girl taken from Almaty to Novosibirsk" in before
    assert NARRATIVE in before
    assert "Assessed as of 2025-09-01" in before
    assert re.search(r"removal_date \(.*\): 2025-06-15", before)
    assert "rights_exercised (whether those rights were actually exercised at the time): yes" in before
    # the choices are the rule's outcomes, numbered
    for n, outcome in enumerate(HAGUE_OUTCOMES, 1):
        assert f"  {n}. {outcome}\n" in before
    # nothing of the answer key, nor of the engine's verdict, before the first answer
    for leak in ("expected", "answer key", "OUTCOME", "RIGHT", "WRONG", "[as expected]", "MISMATCH"):
        assert leak not in before


def test_session_grades_each_answer_and_explains_it(run, pack):
    result = run("exercise", pack, input="5\n1\n5\n")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "RIGHT: return-forthwith." in out
    assert "WRONG: you answered not-applicable; the outcome is access-only." in out
    assert "RIGHT: subject-to-conscription." in out
    # the engine's full explanation follows each verdict (report.as_text)
    after_first = out[out.index("RIGHT: return-forthwith."):]
    assert "The engine's outcome: return-forthwith" in after_first
    assert "OUTCOME  return-forthwith" in after_first
    assert "CRITERIA" in after_first and "within-one-year" in after_first and "SOURCES" in after_first
    # the final score, per test and in total
    score = out[out.index("=== Score"):]
    assert "hague-abduction-return: 1 of 2 right (50%)" in score
    assert "conscription: 1 of 1 right (100%)" in score
    assert "Total: 2 of 3 right (67%)" in score
    assert f"wrong      {ACCESS} / {HAGUE}: not-applicable (the outcome is access-only)" in score


def test_answer_key_that_disagrees_with_the_engine_is_reported_after_the_answer(run, pack):
    result = run("exercise", pack, input="5\n3\n5\n")
    out = result.stdout
    note = "this scenario's answer key says under-age, but the engine decides subject-to-conscription"
    assert note in out
    assert out.index(note) > out.index("RIGHT: subject-to-conscription.")
    assert f"answer key of {CALL_UP} says under-age for conscription" in result.stderr
    assert "Total: 3 of 3 right (100%)" in out  # graded against the engine, not the key


def test_invalid_choice_asks_again_and_codes_are_accepted(run, pack):
    result = run("exercise", pack, input="0\n7\nmaybe\n\nreturn-forthwith\n 3 \nsubject-to-conscription\n")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("Please answer with a number from 1 to 6") == 4
    assert result.stdout.count("Your answer (1-6): ") == 6
    assert result.stdout.count("Your answer (1-7): ") == 1  # conscription has seven outcomes (exempt, deferred)
    assert "Total: 3 of 3 right (100%)" in result.stdout


def test_end_of_input_stops_cleanly_with_the_score_so_far(run, pack, tmp_path):
    record = tmp_path / "record.json"
    result = run("exercise", pack, "--record", record, "--trainee", "Aigerim", input="5\n2\n")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "End of input: the session stops here." in out
    assert "Stopped early: 2 of 3 questions answered." in out
    assert "Total: 1 of 2 right (50%)" in out
    assert "Scenario 3 of 3" in out  # shown, then input ended at its question
    # the unanswered scenario's key disagreement is not revealed
    assert "under-age" not in result.stderr
    session = json.loads(record.read_text(encoding="utf-8"))["sessions"][0]
    trainee = session["trainees"][0]
    assert trainee["trainee"] == "Aigerim" and trainee["complete"] is False
    assert trainee["score"] == {"right": 1, "answered": 2, "questions": 2}
    assert [a["answer"] for a in trainee["answers"]] == ["return-forthwith", "undetermined"]


def test_empty_input_ends_at_once(run, pack):
    result = run("exercise", pack, input="")
    assert result.exit_code == 0
    assert "Stopped early: 0 of 3 questions answered." in result.stdout
    assert "Total: 0 of 0 right (-)" in result.stdout


def test_record_file_holds_every_answer_and_the_scores(run, pack, tmp_path):
    record = tmp_path / "record.json"
    result = run("exercise", pack, "--record", record, "--trainee", "Aigerim", input="5\n1\n5\n")
    assert result.exit_code == 0, result.stderr
    assert f"Results recorded in {record}." in result.stdout
    doc = json.loads(record.read_text(encoding="utf-8"))
    assert doc["format"] == "creval-exercise-record" and doc["version"] == 1
    (session,) = doc["sessions"]
    assert session["mode"] == "prompt" and session["pack"] == [str(pack)]
    assert session["rules_digest"].startswith("sha256:")
    assert session["order"] == [FORTHWITH, ACCESS, CALL_UP]
    assert session["questions"] == 3
    assert session["key_disagreements"] == [
        {"scenario": CALL_UP, "test": CONSCRIPTION, "answer_key": "under-age", "engine": "subject-to-conscription"}]
    (trainee,) = session["trainees"]
    assert trainee["trainee"] == "Aigerim" and trainee["complete"] is True
    assert trainee["score"] == {"right": 2, "answered": 3, "questions": 3}
    assert trainee["by_test"] == {HAGUE: {"right": 1, "answered": 2, "questions": 2},
                                  CONSCRIPTION: {"right": 1, "answered": 1, "questions": 1}}
    assert trainee["answers"][1] == {
        "scenario": ACCESS, "test": HAGUE, "answer": "not-applicable", "engine": "access-only", "correct": False,
        "answer_key": None, "key_disagrees": False}
    assert trainee["answers"][2]["key_disagrees"] is True

    # a second trainee's session is added to the same file
    run("exercise", pack, "--record", record, "--trainee", "Bolat", input="5\n3\n5\n")
    doc = json.loads(record.read_text(encoding="utf-8"))
    assert [s["trainees"][0]["trainee"] for s in doc["sessions"]] == ["Aigerim", "Bolat"]
    assert doc["sessions"][1]["trainees"][0]["score"]["right"] == 3


def test_record_refuses_a_file_that_is_not_a_record(run, pack, tmp_path):
    other = write(tmp_path, "notes.json", '{"mine": true}\n')
    result = run("exercise", pack, "--record", other, input="5\n3\n5\n")
    assert result.exit_code == 2
    assert "notes.json" in result.stderr and "not a creval exercise results file" in result.stderr
    assert "Your answer" not in result.stdout  # refused before the session starts
    assert other.read_text(encoding="utf-8") == '{"mine": true}\n'


CLASS = f"""\
- trainee: Aigerim
  answers:
    {FORTHWITH}: {{{HAGUE}: return-forthwith}}
    {ACCESS}: {{{HAGUE}: access-only}}
    {CALL_UP}: {{{CONSCRIPTION}: subject-to-conscription}}
- trainee: Bolat
  answers:
    {FORTHWITH}:
      {HAGUE}: return-unless-settled
    {CALL_UP}:
      {CONSCRIPTION}: under-age
"""


def test_answer_sheets_grade_a_class_without_prompts(run, pack, tmp_path):
    sheets = write(tmp_path, "class.yaml", CLASS)
    record = tmp_path / "class-record.json"
    result = run("exercise", pack, "--answers", sheets, "--record", record)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Your answer" not in out
    aigerim = out[out.index("=== Score of Aigerim"):out.index("=== Score of Bolat")]
    bolat = out[out.index("=== Score of Bolat"):out.index("=== Class")]
    assert "Total: 3 of 3 right (100%)" in aigerim
    assert "Total: 0 of 3 right (0%)" in bolat
    assert f"no answer  {ACCESS} / {HAGUE} (the outcome is access-only)" in bolat
    assert f"wrong      {FORTHWITH} / {HAGUE}: return-unless-settled (the outcome is return-forthwith)" in bolat
    assert f"{FORTHWITH} / {HAGUE}: 1 of 2 right; the outcome is return-forthwith" in out
    assert f"answer key of {CALL_UP} says under-age" in result.stderr
    session = json.loads(record.read_text(encoding="utf-8"))["sessions"][0]
    assert session["mode"] == "sheet" and session["answers_file"] == str(sheets)
    assert [(t["trainee"], t["score"]["right"], t["score"]["answered"]) for t in session["trainees"]] == [
        ("Aigerim", 3, 3), ("Bolat", 0, 2)]


def test_a_single_json_answer_sheet(run, pack, tmp_path):
    sheet = write(tmp_path, "one.json", json.dumps(
        {"trainee": "Dana", "answers": {ACCESS: {HAGUE: "access-only"}}}))
    result = run("exercise", pack, "--answers", sheet)
    assert result.exit_code == 0, result.stderr
    assert "Total: 1 of 3 right (33%)" in result.stdout


@pytest.mark.parametrize("text, where, what", [
    (f"trainee: Aigerim\nanswers:\n  {ACCESS}:\n    {HAGUE}: returned\n",
     f"class.yaml:4: answers.{ACCESS}.{HAGUE}", "returned is not an outcome of this test"),
    (f"trainee: Aigerim\nanswers:\n  nosuch-scenario: {{{HAGUE}: access-only}}\n",
     "class.yaml:3: answers.nosuch-scenario", "no scenario nosuch-scenario in this pack"),
    (f"trainee: Aigerim\nanswers:\n  {ACCESS}: {{conscription: under-age}}\n",
     f"class.yaml:3: answers.{ACCESS}.conscription", "this scenario has no test conscription"),
    ("trainee: A\nanswers: [1, 2]\n", "class.yaml:2: answers", "answers must map scenario ids"),
    ("trainee: [A\n", "class.yaml:", "not valid YAML"),
])
def test_bad_answer_sheet_names_file_and_field(run, pack, tmp_path, text, where, what):
    sheet = write(tmp_path, "class.yaml", text)
    result = run("exercise", pack, "--answers", sheet)
    assert result.exit_code == 2
    assert where in result.stderr and what in result.stderr, result.stderr
    assert result.stdout == ""


def test_bad_scenario_in_the_pack_is_refused(run, pack):
    write(pack, "d-bad.yaml", hague("ex-bad", removal_date="2025-02-30"))
    result = run("exercise", pack, input="5\n")
    assert result.exit_code == 2
    assert "d-bad.yaml:" in result.stderr and "facts.abduction.removal_date" in result.stderr
    assert "Your answer" not in result.stdout


def order_of(result) -> list[str]:
    return re.findall(r"^  (ex-[\w-]+):", result.stdout, re.M)


def test_shuffle_with_a_seed_is_repeatable(run, tmp_path):
    folder = tmp_path / "big"
    ids = [f"ex-{n:02d}" for n in range(8)]
    for sid in ids:
        write(folder, f"{sid}.yaml", hague(sid))
    first = order_of(run("exercise", folder, "--sheet", "--shuffle", "--seed", "7"))
    again = order_of(run("exercise", folder, "--sheet", "--shuffle", "--seed", "7"))
    assert first == again and sorted(first) == ids
    expected = list(ids)
    random.Random(7).shuffle(expected)
    assert first == expected
    assert order_of(run("exercise", folder, "--sheet")) == ids
    orders = {tuple(order_of(run("exercise", folder, "--sheet", "--seed", str(seed)))) for seed in range(5)}
    assert len(orders) > 1

    # --shuffle alone draws a seed, prints it, and records it: that seed repeats the order
    record = tmp_path / "shuffle.json"
    result = run("exercise", folder, "--shuffle", "--record", record, input="")
    seed = int(re.search(r"shuffled with seed (\d+)", result.stdout).group(1))
    session = json.loads(record.read_text(encoding="utf-8"))["sessions"][0]
    assert session["shuffle_seed"] == seed
    assert session["order"] == order_of(run("exercise", folder, "--sheet", "--seed", str(seed)))
    titles = re.findall(r"=== Scenario (\d) of 8", result.stdout)
    assert titles == ["1"]  # input ended at the first question


def test_blank_sheet_filled_in_grades(run, pack, tmp_path):
    blank = run("exercise", pack, "--sheet")
    assert blank.exit_code == 0
    assert f"    {HAGUE}:   # {' | '.join(f'{i} {o}' for i, o in enumerate(HAGUE_OUTCOMES, 1))}" in blank.stdout
    filled = blank.stdout.replace("trainee: ", "trainee: Aigerim", 1).replace(
        f"{CONSCRIPTION}:   #", f"{CONSCRIPTION}: over-age   #")
    sheet = write(tmp_path, "filled.yaml", filled)
    result = run("exercise", pack, "--answers", sheet)
    assert result.exit_code == 0, result.stderr
    assert "Total: 0 of 3 right (0%)" in result.stdout
    assert f"wrong      {CALL_UP} / {CONSCRIPTION}: over-age" in result.stdout


def test_russian_and_kazakh_sessions(run, pack):
    ru = run("exercise", pack, "--lang", "ru", input="5\n1\n")
    # an outcome as every ru/kk output names it: the code, then its words
    assert "Ваш ответ (1-6): " in ru.stdout and "ВЕРНО: return-forthwith (вернуть незамедлительно)." in ru.stdout
    assert "НЕВЕРНО: ваш ответ not-applicable (не применяется)" in ru.stdout
    assert "  1. not-applicable (не применяется)" in ru.stdout
    assert "Дата оценки: 1 сентября 2025\u00a0г." in ru.stdout
    kk = run("exercise", pack, "--lang", "kk", input="5\n")
    assert "Сіздің жауабыңыз (1-6): " in kk.stdout and "ДҰРЫС: return-forthwith (дереу қайтару)." in kk.stdout
