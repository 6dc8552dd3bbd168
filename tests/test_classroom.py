"""The classroom kit, driven through the CLI as a trainer would: grading a class that has a
bad sheet, answers as numbers and in any case, the wrong answers chosen, a CSV of trainee by
question, a printable handout with an answer grid, and coverage that asks only for criterion
states that can occur. In English, Russian and Kazakh where text is involved."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil

import pytest

from trainers import CONSCRIPTION, HAGUE, HAGUE_OUTCOMES, conscription, hague, run, trainer_rules, trainer_rules_dir, write  # noqa: F401

FORTHWITH, ACCESS, CALL_UP = "ex-forthwith", "ex-access", "ex-call-up"


@pytest.fixture
def pack(tmp_path):
    folder = tmp_path / "pack"
    write(folder, "a-forthwith.yaml", hague(FORTHWITH, narrative="Dana <b>& her mother</b> left on 15 June 2025.",
                                            expected="return-forthwith"))
    write(folder, "b-access.yaml", hague(ACCESS, title="Father with contact rights only", left_behind_right="access"))
    write(folder, "c-call-up.yaml", conscription(CALL_UP))
    return folder


def choice(outcome: str) -> int:
    return HAGUE_OUTCOMES.index(outcome) + 1


# A class of four: Aigerim right throughout (numbers and odd case), Bolat wrong twice, a sheet
# with an answer that is not an outcome (Cholpan), and one without a name.
CLASS = f"""\
- trainee: Aigerim
  answers:
    {FORTHWITH}: {{{HAGUE}: {choice("return-forthwith")}}}
    {ACCESS}: {{{HAGUE}: "Access-Only"}}
    {CALL_UP}: {{{CONSCRIPTION}: SUBJECT-TO-CONSCRIPTION}}
- trainee: Bolat
  answers:
    {FORTHWITH}: {{{HAGUE}: return-unless-settled}}
    {ACCESS}: {{{HAGUE}: "{choice("return-unless-settled")}"}}
- trainee: Cholpan
  answers:
    {FORTHWITH}: {{{HAGUE}: returned}}
- answers:
    {ACCESS}: {{{HAGUE}: access-only}}
- trainee: Dana
  answers:
    {FORTHWITH}: {{{HAGUE}: return-unless-settled}}
    {ACCESS}: {{{HAGUE}: 3}}
"""


def test_every_readable_sheet_is_graded_and_bad_ones_are_named_by_trainee(run, pack, tmp_path):
    sheets = write(tmp_path, "class.yaml", CLASS)
    record = tmp_path / "record.json"
    result = run("exercise", pack, "--answers", sheets, "--record", record)
    assert result.exit_code == 2  # a sheet was set aside: the trainer must see it
    out, err = result.stdout, result.stderr
    # the good sheets are graded, numbers and any case accepted
    assert "=== Score of Aigerim" in out and "=== Score of Bolat" in out and "=== Score of Dana" in out
    aigerim = out[out.index("=== Score of Aigerim"):out.index("=== Score of Bolat")]
    assert "Total: 3 of 3 right (100%)" in aigerim
    assert "Cholpan" not in out
    # the bad ones are named by trainee, with file, line and field
    assert "creval: not graded: Cholpan:" in err
    # the field named within the sheet; the sheet by its trainee, or its 1-based number (not the list index)
    assert f"class.yaml:12: answers.{FORTHWITH}.{HAGUE}: returned is not an outcome of this test: give the number of a choice (1-6)" in err
    assert "creval: not graded: sheet 4 (no name):" in err
    assert "2 of 5 answer sheets not graded: Cholpan, sheet 4 (no name)" in err
    # the wrong answers chosen, per question, most chosen first
    assert f"{FORTHWITH} / {HAGUE}: 1 of 3 right; the outcome is return-forthwith" in out
    assert "wrong answers chosen: return-unless-settled (2)" in out
    access = out[out.index("=== Class"):]
    access = access[access.index(f"{ACCESS} / {HAGUE}: "):]
    assert access.splitlines()[0].endswith("2 of 3 right; the outcome is access-only")
    assert "wrong answers chosen: return-unless-settled (1)" in access
    # the record holds the graded sheets only
    session = json.loads(record.read_text(encoding="utf-8"))["sessions"][0]
    assert [t["trainee"] for t in session["trainees"]] == ["Aigerim", "Bolat", "Dana"]
    assert session["trainees"][0]["answers"][1]["answer"] == "access-only"


def test_a_second_sheet_for_the_same_trainee_is_set_aside(run, pack, tmp_path):
    sheets = write(tmp_path, "twice.yaml", f"- trainee: A\n  answers: {{{ACCESS}: {{{HAGUE}: 3}}}}\n- trainee: A\n")
    result = run("exercise", pack, "--answers", sheets)
    assert result.exit_code == 2
    assert "twice.yaml:3: trainee: a second sheet for A: only the first is graded" in result.stderr
    assert "Total: 1 of 3 right (33%)" in result.stdout


@pytest.mark.parametrize("lang, not_graded, wrong", [
    ("en", "not graded: Cholpan:", "wrong answers chosen: return-unless-settled (2)"),
    # in ru/kk an outcome is also named in words (the rule file's), as the choices name it
    ("ru", "не оценено: Cholpan:", "выбранные неверные ответы: return-unless-settled (вернуть, если ребёнок не адаптировался) — 2"),
    ("kk", "бағаланбады: Cholpan:", "таңдалған қате жауаптар: return-unless-settled (бала бейімделмесе, қайтару) — 2"),
])
def test_grading_a_class_in_each_language(run, pack, tmp_path, lang, not_graded, wrong):
    sheets = write(tmp_path, "class.yaml", CLASS)
    result = run("exercise", pack, "--answers", sheets, "--lang", lang)
    assert result.exit_code == 2
    assert not_graded in result.stderr
    assert wrong in result.stdout


def test_an_unreadable_answer_file_still_stops_the_grading(run, pack, tmp_path):
    sheets = write(tmp_path, "broken.yaml", "trainee: [A\n")
    result = run("exercise", pack, "--answers", sheets)
    assert result.exit_code == 2
    assert "broken.yaml:" in result.stderr and "not valid YAML" in result.stderr
    assert result.stdout == ""


def read_csv(path):
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_csv_of_the_sheets_graded(run, pack, tmp_path):
    sheets = write(tmp_path, "class.yaml", CLASS)
    table = tmp_path / "class.csv"
    result = run("exercise", pack, "--answers", sheets, "--csv", table)
    assert f"Wrote {table}: 3 trainee rows." in result.stdout
    rows = read_csv(table)
    assert rows[0] == ["trainee", "session", f"{FORTHWITH} / {HAGUE}", f"{ACCESS} / {HAGUE}",
                       f"{CALL_UP} / {CONSCRIPTION}", "right", "questions"]
    assert rows[1] == ["(the engine's outcome)", "", "return-forthwith", "access-only", "subject-to-conscription", "3", "3"]
    by_name = {r[0]: r for r in rows[2:]}
    assert by_name["Aigerim"][2:] == ["return-forthwith", "access-only", "subject-to-conscription", "3", "3"]
    assert by_name["Bolat"][2:] == ["return-unless-settled", "return-unless-settled", "", "0", "3"]
    assert set(by_name) == {"Aigerim", "Bolat", "Dana"}


@pytest.mark.parametrize("lang, header", [("en", "trainee"), ("ru", "обучающийся"), ("kk", "білім алушы")])
def test_csv_from_the_record_of_earlier_sessions(run, pack, tmp_path, lang, header):
    record = tmp_path / "record.json"
    run("exercise", pack, "--trainee", "Erlan", "--record", record, input="5\n1\n")  # stops after two answers
    run("exercise", pack, "--answers", write(tmp_path, "one.yaml", f"trainee: Farida\nanswers: {{{CALL_UP}: {{{CONSCRIPTION}: 5}}}}\n"),
        "--record", record)
    table = tmp_path / "all.csv"
    result = run("exercise", pack, "--record", record, "--csv", table, "--lang", lang)
    assert result.exit_code == 0, result.stderr
    assert "Your answer" not in result.stdout  # an export, not a session
    rows = read_csv(table)
    assert rows[0][0] == header
    assert [(r[0], r[2:]) for r in rows[2:]] == [
        ("Erlan", ["return-forthwith", "not-applicable", "", "1", "3"]),
        ("Farida", ["", "", "subject-to-conscription", "1", "3"]),
    ]
    assert len(json.loads(record.read_text(encoding="utf-8"))["sessions"]) == 2  # no session added


def test_csv_needs_sheets_or_a_record(run, pack, tmp_path):
    result = run("exercise", pack, "--csv", tmp_path / "x.csv")
    assert result.exit_code == 2
    assert "--csv: give --answers (the sheets to grade) or --record" in result.stderr
    missing = run("exercise", pack, "--csv", tmp_path / "x.csv", "--record", tmp_path / "none.json")
    assert missing.exit_code == 2 and "none.json: no such results file" in missing.stderr
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize("lang, words", [
    ("en", ["Scenario 1 of 3", "Answer grid", "Your answer", "Name:", "What is the outcome?"]),
    ("ru", ["Сценарий 1 из 3", "Таблица ответов", "Ваш ответ", "Имя:", "Каков результат?"]),
    ("kk", ["Сценарий 1 / 3", "Жауаптар кестесі", "Жауабыңыз", "Аты-жөні:", "Нәтижесі қандай?"]),
])
def test_handout_is_a_printable_page_without_keys(run, pack, lang, words):
    result = run("exercise", pack, "--handout", "--lang", lang)
    assert result.exit_code == 0, result.stderr
    page = result.stdout
    assert page.startswith("<!DOCTYPE html>") and f'<html lang="{lang}">' in page
    for word in words:
        assert word in page, word
    # one scenario per page, then the grid
    assert page.count('<section class="page">') == 4
    assert "page-break-after: always" in page and "break-after: page" in page
    # self-contained: no scripts, no outside files
    assert "<script" not in page and "http" not in page.replace('name="viewport"', "") and "<link" not in page
    # escaped: the story's markup is text
    assert "Dana &lt;b&gt;&amp; her mother&lt;/b&gt; left on 15 June 2025." in page
    assert "<b>" not in page
    # no answer keys and no outcome of the engine
    assert "expected" not in page and "RIGHT" not in page
    grid = page[page.rindex('<section class="page">'):]
    # the grid: every question, with its numbered choices and a box to fill
    assert grid.count('<td class="answer"></td>') == 3
    assert "1&nbsp;not-applicable" in grid and "6&nbsp;return-unless-settled" in grid
    assert "<td>3. Call-up considered</td>" in grid
    for sid in (FORTHWITH, ACCESS, CALL_UP):  # ids often name the point taught
        assert sid not in page


def test_handout_follows_the_shuffled_order(run, pack):
    page = run("exercise", pack, "--handout", "--seed", "3").stdout
    sheet = run("exercise", pack, "--sheet", "--seed", "3").stdout
    in_page = re.findall(r"<h1>Scenario \d of 3: (.*)</h1>", page)
    in_sheet = re.findall(r"^  ex-[\w-]+:  # (.*)$", sheet, re.M)
    assert in_page == in_sheet
    assert sorted(in_page) == ["Call-up considered", "Father with contact rights only", "Girl taken from Almaty to Novosibirsk"]


# ---------------------------------------------------------------- coverage


@pytest.fixture
def closed_world_rules(trainer_rules_dir, tmp_path, monkeypatch):
    """The Hague rule with a `no-exception-established` that reads only defences written
    with not_true: absent counts as not established, so the criterion is never unknown."""
    rules = tmp_path / "rules"
    shutil.copytree(trainer_rules_dir, rules)
    path = rules / f"{HAGUE}.yaml"
    text = path.read_text(encoding="utf-8")
    old = ("        - any:\n            - not_true: settled_in_new_environment\n"
           "            - lt: [proceedings_on, {field: one_year_after_removal}]\n")
    assert old in text
    path.write_text(text.replace(old, "        - not_true: settled_in_new_environment\n"), encoding="utf-8")
    monkeypatch.setenv("CREVAL_RULES", str(rules))
    return rules


@pytest.mark.parametrize("lang, na, note", [
    ("en", "n/a", "n/a: the criterion cannot be in that state"),
    ("ru", "н/п", "н/п: критерий не может быть в этом состоянии"),
    ("kk", "қ/е", "қ/е: критерий бұл күйде бола алмайды"),
])
def test_coverage_does_not_ask_for_a_state_that_cannot_occur(run, closed_world_rules, tmp_path, lang, na, note):
    folder = tmp_path / "pack"
    write(folder, "a.yaml", hague("cv-a"))
    write(folder, "b.yaml", hague("cv-b", grave_risk="true"))
    result = run("coverage", folder, "--lang", lang)
    assert result.exit_code == 0, result.stderr
    row = next(l for l in result.stdout.splitlines() if l.strip().startswith("no-exception-established"))
    assert row.split()[1:] == ["1", "1", na]
    assert note in result.stdout
    gaps = result.stdout[result.stdout.index(note):]
    assert "no-exception-established" not in gaps  # not a gap
    payload = json.loads(run("coverage", folder, "--format", "json").stdout)
    test = next(x for x in payload["tests"] if x["test"] == HAGUE)
    assert test["cannot_occur"] == [{"criterion": "no-exception-established", "status": "unknown"}]
    assert set(test["criteria"]["no-exception-established"]) == {"met", "unmet"}
    assert {"criterion": "no-exception-established", "status": "unknown"} not in test["missing"]["criteria"]


def test_coverage_still_asks_for_unknown_where_it_can_occur(run, tmp_path):
    # settled in the new environment, removal date unknown: neither met nor unmet
    folder = tmp_path / "pack"
    write(folder, "a.yaml", hague("cv-a"))
    result = run("coverage", folder, "--format", "json")
    test = next(x for x in json.loads(result.stdout)["tests"] if x["test"] == HAGUE)
    assert test["cannot_occur"] == []
    assert {"criterion": "no-exception-established", "status": "unknown"} in test["missing"]["criteria"]
    write(folder, "b.yaml", hague("cv-b", removal_date=None, settled_in_new_environment="true"))
    checked = json.loads(run("check", folder / "b.yaml", "--format", "json").stdout)
    statuses = {c["id"]: c["status"] for c in checked["results"][0]["criteria"]}
    assert statuses["no-exception-established"] == "unknown"
