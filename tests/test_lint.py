"""`creval rules lint`: each kind of finding on a copy of the Hague rule, and the exit status."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from creval.cli import app
from creval.law.rulebook import RuleBook
from creval.tools import lint
from helpers import HAGUE, copy_rules, edit


@pytest.fixture
def hague(tmp_path):
    folder = copy_rules(tmp_path, only=[HAGUE])
    return folder, folder / f"{HAGUE}.yaml"


def findings(folder) -> list[tuple[str, str]]:
    return [(f.where, f.kind) for f in lint.check_book(RuleBook(folder))]


def lint_cli(*args):
    return CliRunner().invoke(app, ["rules", "lint", *map(str, args)])


def test_the_copy_is_clean(hague):
    folder, _ = hague
    assert findings(folder) == []
    result = lint_cli(folder)
    assert result.exit_code == 0 and "clean: 1 rule file(s)" in result.stderr


# (what the rule file's text becomes, the findings named): an exact list, or `expected ⊆ found`
# where a finding brings others with it
FINDINGS = [
    pytest.param('  access-only: {en: "access only", ru: "только право доступа", kk: "тек қарым-қатынас құқығы"}\n', "",
                 [("outcomes.access-only", "shared-word")], True, id="an outcome without words of its own uses the shared ones"),
    pytest.param("outcomes: [not-applicable,", "outcomes: [never-given, not-applicable,",
                 [("outcomes.never-given", "missing-word"), ("outcomes.never-given", "unreachable-outcome")], False,
                 id="a new outcome without any words"),
    pytest.param('custody: {en: "custody", ru: "опека", kk: "қамқорлық"}', 'custody: {en: "custody", ru: "опека"}',
                 [("facts.left_behind_right.values.custody", "missing-word")], True, id="a value word missing in Kazakh"),
    pytest.param("\nfacts:\n", "\nfacts:\n  shoe_size:\n    type: int\n    title: {en: shoe size, ru: размер обуви, kk: аяқ киім өлшемі}\n",
                 [("facts.shoe_size", "unread-fact")], True, id="a fact no criterion reads"),
    pytest.param("    reads: [child_birth_date]\n", "    reads: []\n",
                 [("criteria.child-under-16.reads", "reads-incomplete")], False, id="a fact left out of reads"),
    pytest.param("    reads: [child_birth_date]\n", "    reads: [child_birth_date, taken_to]\n",
                 [("criteria.child-under-16.reads", "reads-unused")], True, id="a fact in reads the criterion does not depend on"),
    pytest.param("\nparameters:\n", "\nparameters:\n  spare:\n    value: 7\n    source: art4\n",
                 [("parameters.spare", "unused-parameter")], True, id="a parameter nothing reads"),
]


@pytest.mark.parametrize("old, new, expected, exact", FINDINGS)
def test_each_kind_of_finding_is_named(hague, old, new, expected, exact):
    folder, path = hague
    edit(path, old, new)
    found = findings(folder)
    assert found == expected if exact else set(expected) <= set(found)


def test_a_reason_without_russian_is_named(hague):
    folder, path = hague
    text = path.read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if ln.strip().startswith("ru: ") and "Конвенция к этому перемещению" in ln)
    edit(path, line + "\n", "")
    assert findings(folder) == [("outcome_table[0].text", "missing-language")]


def test_exit_1_with_findings_2_on_a_broken_file(hague):
    folder, path = hague
    edit(path, "\nparameters:\n", "\nparameters:\n  spare:\n    value: 7\n    source: art4\n")
    result = lint_cli(folder)
    assert result.exit_code == 1
    assert f"{path}: parameters.spare: nothing reads this parameter" in result.stdout
    assert "1 finding(s) in 1 of 1 rule file(s)" in result.stderr
    edit(path, "    reads: [child_birth_date]\n", "    reads: [child_birth_dat]\n")
    result = lint_cli(folder)
    assert result.exit_code == 2 and "criteria.child-under-16.reads" in result.stderr and str(path) in result.stderr


def test_words_for_a_code_the_file_does_not_have_are_refused(hague):
    folder, path = hague
    edit(path, "  access-only: {en:", "  acess-only: {en:")
    result = lint_cli(folder)
    assert result.exit_code == 2 and "outcome_words: unknown outcome 'acess-only'" in result.stderr
