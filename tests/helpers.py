"""Shared builders for the boundary, property, engine, rule-file and date tests.

These tests run against the rules in the source tree (`rules/`), loaded explicitly from the
repository (not through CREVAL_RULES, which conftest's fixtures may point elsewhere).

Building an Evaluator or Engine compiles every ruleset, so modules build one each in a
module-scoped fixture (`make_evaluator`, `make_engine`).
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any


from creval.law.derive import derive
from creval.engine.evaluate import Evaluator
from creval.render.explain import TestText as TestResult, explain_test
from creval.law.rulebook import RuleBook, load

REPO = Path(__file__).resolve().parents[1]
RULES = REPO / "rules"

HAGUE = "hague-abduction-return"
CONSCRIPTION = "conscription"
MILITARY = "child-military-involvement"
ADOPTION = "intercountry-adoption"
PAROLE = "parole-three-quarters"
WORK_BAN = "work-with-children-ban"
CHILD_LABOUR = "worst-forms-child-labour"
PERIODICALS = "erotic-periodicals-sale"
MAINTENANCE = "maintenance-recovery"


def bundled() -> RuleBook:
    """The rule book of the source tree's rules/ (cached per process by `load`)."""
    return load(RULES)


def d(text: str) -> date:
    return date.fromisoformat(text)


def anniversary(birth: date, years: int) -> date:
    """The N-th anniversary, computed independently of creval.core.dates: 29 Feb -> 28 Feb."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:  # 29 February in a common year
        return date(birth.year + years, 2, 28)


def day_before(value: date) -> date:
    return value - timedelta(days=1)


def key_dates(result: TestResult) -> dict[str, str]:
    return {kd.event: kd.date for kd in result.dates}


def statuses(result: TestResult) -> dict[str, str]:
    return {c.id: c.status for c in result.criteria}


class Runner:
    """One Evaluator on one rule book; `run` returns the result of one test, in English words."""

    def __init__(self, book: RuleBook):
        self.book = book
        self.evaluator = Evaluator(book)

    def run(self, test_id: str, facts: dict[str, Any], as_of: date | str) -> TestResult:
        as_of = d(as_of) if isinstance(as_of, str) else as_of
        facts = {k: (d(v) if isinstance(v, str) and len(v) == 10 and v[4] == "-" else v) for k, v in facts.items()}
        return explain_test(self.evaluator.test(self.book.tests[test_id], facts, as_of), "en")

    def values(self, test_id: str, facts: dict[str, Any], as_of: date) -> dict[str, Any]:
        return derive(self.book.tests[test_id], facts, as_of, self.book.tables).values


def copy_rules(tmp_path: Path, only: list[str] | None = None) -> Path:
    """A copy of rules/ (or of the named rule files plus rules/data) under tmp_path.

    Tests that count tests, matters or outcomes pin the rule files they are about, so adding a
    rule file to rules/ does not change them; the translations come from the bundled
    rules/i18n when the copy has none."""
    folder = tmp_path / "rules"
    if only is None:
        shutil.copytree(RULES, folder)
    else:
        folder.mkdir(parents=True)
        shutil.copytree(RULES / "data", folder / "data")
        for test_id in only:
            shutil.copy(RULES / f"{test_id}.yaml", folder / f"{test_id}.yaml")
    return folder


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace `old` by `new` in a file, checking that `old` occurs exactly `count` times."""
    text = path.read_text(encoding="utf-8")
    found = text.count(old)
    assert found == count, f"{path.name}: expected {count} occurrence(s) of {old!r}, found {found}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def answer_keys(folder: Path = REPO / "scenarios") -> dict[str, dict[str, list[str]]]:
    """The answer keys of the scenario packs: test id -> outcome -> the files that expect it."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    keys: dict[str, dict[str, list[str]]] = {}
    for path in sorted(folder.rglob("*.yaml")):
        doc = yaml.load(path.read_text(encoding="utf-8"))
        for test_id, outcome in ((doc or {}).get("expected") or {}).items():
            keys.setdefault(test_id, {}).setdefault(outcome, []).append(str(path.relative_to(folder)))
    return keys
