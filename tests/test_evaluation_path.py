"""The one evaluation path (app/evaluation.py): per file a result or its errors, in no language
until they are shown; a bug on one scenario is that file's error, the others keep their results."""

from __future__ import annotations

from pathlib import Path

from creval.app.evaluation import evaluate_paths
from creval.engine.evaluate import Evaluator
from creval.law.rulebook import load

ROOT = Path(__file__).resolve().parents[1]
HAGUE = ROOT / "scenarios" / "hague"


def test_a_bad_file_and_a_bug_are_errors_of_their_own_file(tmp_path):
    book = load(None)
    good = sorted(HAGUE.glob("*.yaml"))[:2]
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [unclosed\n", encoding="utf-8")

    class Failing(Evaluator):
        def scenario(self, scenario, file="", tests=None):
            if file == str(good[1]):
                raise RuntimeError("boom")
            return super().scenario(scenario, file, tests)

    found = list(evaluate_paths(book, [str(good[0]), str(bad), str(good[1])], evaluator=Failing(book)))
    assert [e.file for e in found] == [str(good[0]), str(bad), str(good[1])]
    assert found[0].result is not None and not found[0].errors
    assert found[1].result is None and found[1].lines("en")[0].startswith(f"{bad}:1: ")
    assert found[2].result is None and isinstance(found[2].bug, RuntimeError)
    assert "RuntimeError: boom" in found[2].lines("en")[0] and "RuntimeError: boom" in found[2].lines("ru")[0]
    assert found[2].lines("en") != found[2].lines("ru")  # the same error, put into words per language


def test_a_selection_no_scenario_has_is_the_runs_own_error():
    book = load(None)
    parole = next(t for t in book.tests if book.tests[t].matter == "parole")
    found = list(evaluate_paths(book, [str(HAGUE)], tests=[parole]))
    assert len(found) == 1 and found[0].file == "" and found[0].result is None
    assert found[0].lines("en")[0].startswith(f"creval: --test {parole}: ")
    named = sorted(HAGUE.glob("*.yaml"))[0]
    found = list(evaluate_paths(book, [str(named)], tests=[parole]))
    assert [e.file for e in found] == [str(named)] and found[0].lines("ru")[0].startswith(f"{named}: --test {parole}: ")
