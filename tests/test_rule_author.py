"""A rule author adds a legal test: one rule file plus its scenarios, no Python.

The rule file is the complete example of docs/rule-files.md (the age of criminal
responsibility, counted from the day after the birthday); its scenarios are
tests/data/rule-author/. Both go into a copy of rules/ and of a scenario pack, and every
command a rule author uses is run on them as a user would, through CREVAL_RULES.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import REPO, copy_rules

NEW = "criminal-responsibility-age"
DOC = REPO / "docs" / "rule-files.md"
SCENARIOS = Path(__file__).resolve().parent / "data" / "rule-author"


def doc_example() -> str:
    """The YAML block under "A complete example" in docs/rule-files.md."""
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## A complete example"):]
    return re.search(r"```yaml\n(.*?)```", section, re.S).group(1)


@pytest.fixture(scope="module")
def author(tmp_path_factory) -> Path:
    """A working folder: rules/ with the new rule file, scenarios/ with a bundled pack and the new one."""
    root = tmp_path_factory.mktemp("author")
    rules = copy_rules(root)
    (rules / f"{NEW}.yaml").write_text(doc_example(), encoding="utf-8")
    shutil.copytree(REPO / "scenarios" / "hague", root / "scenarios" / "hague")
    shutil.copytree(SCENARIOS, root / "scenarios" / "criminal")
    return root


def creval(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, CREVAL_RULES=str(root / "rules"))
    env.pop("CREVAL_LANG", None)
    return subprocess.run([sys.executable, "-m", "creval", *args], capture_output=True, text=True, env=env, cwd=root)


def test_lint_finds_the_new_rule_file_clean(author):
    done = creval(author, "rules", "lint")
    assert done.returncode == 0, done.stdout + done.stderr
    count = len(list((author / "rules").glob("*.yaml")))
    assert f"clean: {count} rule file(s)" in done.stderr


def test_verify_passes_the_new_pack_and_the_old_one(author):
    done = creval(author, "verify", "scenarios")
    assert done.returncode == 0, done.stdout + done.stderr
    count = len(list((author / "scenarios").rglob("*.yaml")))
    assert done.stdout.splitlines()[-1] == f"{count} passed, 0 failed"


def test_the_age_counts_from_the_day_after_the_birthday(author):
    """Each side of the boundary: on the 16th birthday not yet liable, the day after liable."""
    done = creval(author, "check", "--format", "json", "scenarios/criminal")
    assert done.returncode == 0, done.stderr
    outcomes = {r["scenario"]: {t["test"]: t for t in r["results"]} for r in json.loads(done.stdout)}
    on_the_day = outcomes["criminal-16th-birthday"][NEW]
    assert on_the_day["outcome"] == "not-liable"
    assert {d["event"]: d["date"] for d in on_the_day["dates"]}["liable-from-16"] == "2025-05-11"
    assert outcomes["criminal-day-after-16th-birthday"][NEW]["outcome"] == "liable"
    assert outcomes["criminal-listed-crime-14th-birthday"][NEW]["outcome"] == "not-liable"
    assert outcomes["criminal-listed-crime-day-after-14th-birthday"][NEW]["outcome"] == "liable"
    assert outcomes["criminal-birth-date-unknown"][NEW]["missing"] == ["birth_date"]


@pytest.mark.parametrize("lang, outcome, value", [
    ("ru", "подлежит уголовной ответственности", "преступление из перечня ч. 2 ст. 15"),
    ("kk", "қылмыстық жауапқа тартылады", "15-баптың 2-бөлігінің тізбесіндегі қылмыс"),
])
def test_check_shows_the_tests_own_words(author, lang, outcome, value):
    scenario = "scenarios/criminal/listed-crime-day-after-14th-birthday.yaml"
    done = creval(author, "check", "--full", "--lang", lang, scenario)
    assert done.returncode == 0, done.stderr
    assert f"liable ({outcome})" in done.stdout
    assert value in done.stdout  # the enum value in the reason, by the rule file's own word
    memo = creval(author, "check", "--format", "markdown", "--lang", lang, scenario)
    assert memo.returncode == 0 and value in memo.stdout and outcome in memo.stdout  # the facts as given, the outcome
    undetermined = creval(author, "check", "--lang", lang, "scenarios/criminal/birth-date-unknown.yaml").stdout
    own = {"ru": "возраст ответственности не установлен", "kk": "жауаптылық жасы анықталмаған"}[lang]
    assert own in undetermined  # its own word, not the shared catalogue's `undetermined`


def test_rules_lists_and_shows_the_new_test(author):
    listed = creval(author, "rules")
    assert listed.returncode == 0 and NEW in listed.stdout
    shown = creval(author, "rules", "show", NEW, "--lang", "ru")
    assert shown.returncode == 0, shown.stderr
    assert "Возраст уголовной ответственности" in shown.stdout and "days_after" in shown.stdout


def test_the_words_of_another_test_do_not_leak_into_the_new_one(author):
    """`eligible` is the parole test's word in the shared catalogue; a new test that owns the
    same code shows its own (the issue's example: a new test's `eligible` read as parole)."""
    rules = author / "rules"
    path = rules / f"{NEW}.yaml"
    original = path.read_text(encoding="utf-8")
    try:
        path.write_text(original.replace("liable: {en:", "eligible: {en:", 1).replace("[liable,", "[eligible,", 1)
                        .replace("outcome: liable\n", "outcome: eligible\n"), encoding="utf-8")
        scenario = author / "scenarios" / "criminal" / "day-after-16th-birthday.yaml"
        scenario.write_text(scenario.read_text(encoding="utf-8").replace(": liable\n", ": eligible\n"), encoding="utf-8")
        done = creval(author, "check", "--lang", "ru", str(scenario))
        assert "eligible (подлежит уголовной ответственности)" in done.stdout, done.stdout + done.stderr
        assert "УДО" not in done.stdout
    finally:
        path.write_text(original, encoding="utf-8")
        scenario.write_text(scenario.read_text(encoding="utf-8").replace(": eligible\n", ": liable\n"), encoding="utf-8")
