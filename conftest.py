"""Every answer key of the bundled scenario packs is a test item of its own.

pytest collects `scenarios/**/*.yaml` (pyproject's testpaths name the folder) the way the
OpenFisca country template collects its YAML tests: each file is a collector, and each entry
of its `expected` (test id -> outcome) an item, named `scenarios/<pack>/<file>.yaml::<test id>`.
A failing key says the file, the test, the outcome expected and the one given, with the
explanation. A file that does not load is one failing item naming the file, line and field.

Evaluation goes through the same loader and evaluator as `creval verify`, on the repository's
rules/ (not CREVAL_RULES), once per file. `pytest scenarios/hague` runs one pack's keys.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent
PACKS = REPO / "scenarios"
SUFFIXES = (".yaml", ".yml", ".json")


def pytest_collect_file(file_path: Path, parent):
    if file_path.suffix in SUFFIXES and PACKS in file_path.parents:
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class _Evaluation:
    """The repository's rule book and one evaluator, built on first use and shared by the session."""

    _one = None

    @classmethod
    def get(cls):
        if cls._one is None:
            from creval.engine.evaluate import Evaluator
            from creval.law.rulebook import load

            book = load(REPO / "rules")
            cls._one = (book, Evaluator(book))
        return cls._one


class ScenarioFile(pytest.File):
    """One scenario file: an item per answer key, or one failing item when it does not load."""

    def collect(self):
        from creval.input.loader import load_file

        book, _ = _Evaluation.get()
        self.loaded = load_file(self.path, book)
        if self.loaded.errors:
            yield LoadItem.from_parent(self, name="load")
            return
        for test_id in (self.loaded.scenario.expected or {}):
            yield AnswerKey.from_parent(self, name=test_id)

    def result(self):
        """The scenario evaluated once, whichever of its keys asks first."""
        if not hasattr(self, "_result"):
            _, evaluator = _Evaluation.get()
            self._result = evaluator.scenario(self.loaded.scenario, self.loaded.file, None)
        return self._result


class LoadItem(pytest.Item):
    def runtest(self):
        raise ScenarioError("\n".join(str(e) for e in self.parent.loaded.errors))

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, ScenarioError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"{self.path.relative_to(REPO)}: loads"


class AnswerKey(pytest.Item):
    """`expected: {<test id>: <outcome>}` of one scenario file."""

    def runtest(self):
        result = self.parent.result()
        if result.errors:
            raise ScenarioError("; ".join(result.errors))
        by_test = {r.test: r for r in result.results}
        expected = result.expected[self.name]
        got = by_test.get(self.name)
        if got is None:
            raise ScenarioError(f"{self.name} was not evaluated (expected {expected})")
        if got.outcome != expected:
            raise ScenarioError(f"{self.name}: expected {expected}, got {got.outcome}: {got.explanation}")

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, ScenarioError):
            return f"{self.path.relative_to(REPO)}: {excinfo.value}"
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"{self.path.relative_to(REPO)}::{self.name}"


class ScenarioError(Exception):
    """An answer key the rules do not give, or a scenario file that does not load."""
