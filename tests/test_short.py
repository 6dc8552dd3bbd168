"""The short answer of `creval check` and `verify`, tried as a caseworker would, in en, ru, kk:
at most 15 lines for one test, the outcome, the law, assumptions, questions for what is
missing, key dates in date order with past ones marked; the rest only with --full."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from creval.cli import app

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = REPO / "scenarios"
LANGS = ("en", "ru", "kk")
LABELS = {  # CRITERIA, SOURCES, NOTES, CAVEATS: in --full only
    "en": ("CRITERIA", "SOURCES", "NOTES", "CAVEATS"),
    "ru": ("КРИТЕРИИ", "ИСТОЧНИКИ", "ПРИМЕЧАНИЯ", "ОГОВОРКИ"),
    "kk": ("КРИТЕРИЙЛЕР", "ДЕРЕККӨЗДЕР", "ЕСКЕРТПЕЛЕР", "ЕСКЕРТУЛЕР"),
}


@pytest.fixture(autouse=True)
def _bundled_rules(monkeypatch):
    monkeypatch.delenv("CREVAL_RULES", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def book():
    from creval.law.rulebook import load

    return load()


def blocks(text: str) -> list[list[str]]:
    """Each test's lines: from its `-- ` line to the line before the next test or scenario."""
    out: list[list[str]] = []
    current = None
    for line in text.splitlines():
        if line.startswith("-- "):
            current = [line]
            out.append(current)
        elif line.startswith("== "):
            current = None
        elif current is not None:
            current.append(line)
    for block in out:
        while block and not block[-1].strip():
            block.pop()
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_every_bundled_scenario_fits_in_15_lines_per_test(lang):
    result = run("check", "--lang", lang, SCENARIOS)
    assert result.exit_code == 0, result.stderr
    found = blocks(result.stdout)
    assert len(found) > 100  # every test of every scenario
    for block in found:
        assert len(block) <= 15, "\n".join(block)
    for label in LABELS[lang]:
        assert label not in result.stdout
    full = run("check", "--full", "--lang", lang, SCENARIOS).stdout
    assert max(len(b) for b in blocks(full)) > 15  # what the short answer saves
    for label in LABELS[lang]:
        assert label in full


def test_short_answer_of_a_hague_case():
    path = SCENARIOS / "hague" / "proceedings-not-yet-filed.yaml"
    out = run("check", path).stdout
    lines = out.splitlines()
    assert lines[0].startswith("== hague-proceedings-not-yet-filed:")
    assert "assessed as of 2026-03-10" in lines[1] and "--full" in lines[1]
    assert "OUTCOME      return-unless-settled  [as expected]" in out
    assert "More than one year had passed" in out
    # assumptions: the four defences on one line, the others as the result words them
    import json

    flat = " ".join(out.split())
    (res,) = json.loads(run("check", "--format", "json", path).stdout)["results"]
    for a in res["assumptions"]:
        if a["treated_as"] not in ("not_established", "tables"):
            assert " ".join(a["text"].split()) in flat
    assert ("Not stated, so not established (the burden is on the party relying on it): consent_or_acquiescence, "
            "grave_risk, child_objects, settled_in_new_environment.") in flat
    assert "Not stated, so the treaty tables in the rules decided: convention_in_force." in flat
    # key dates in date order, past ones marked; the end of the Hague year as the last day to
    # file under Art 12(1), the day before it (passed)
    dates = re.findall(r"(\d{4}-\d{2}-\d{2})  ", out)
    assert dates == ["2026-03-09", "2034-05-25"]
    assert "2026-03-09  (passed) Last day to file under Art 12(1)" in out
    for word in ("CRITERIA", "SOURCES", "NOTES", "CAVEATS", "[1]"):
        assert word not in out


@pytest.mark.parametrize("lang, passed, label", [("en", "(passed)", "MISSING"), ("ru", "(прошла)", "НЕ ХВАТАЕТ"),
                                                 ("kk", "(өтті)", "ЖЕТІСПЕЙДІ")])
def test_missing_facts_are_asked_as_the_rule_files_questions(lang, passed, label):
    path = SCENARIOS / "parole" / "offence-unknown.yaml"
    result = run("check", "--lang", lang, path)
    assert result.exit_code == 0
    out = " ".join(result.stdout.split())
    doc = run("check", "--format", "json", path).stdout
    import json

    (res,) = json.loads(doc)["results"]
    assert res["missing"]
    rule = book().tests["parole-three-quarters"].rule
    for fact in res["missing"]:
        assert " ".join(rule.facts[fact].question.get(lang).split()) in out
        if "_" in fact:
            assert fact not in out  # asked, not named by its code
    assert label in out
    # the key date before the assessment date (2025-06-01) is marked as passed
    assert f"2024-04-10 {passed}" in out


@pytest.mark.parametrize("lang", LANGS)
def test_law_version_and_its_assumption_are_in_the_short_answer(lang):
    from creval.engine.evaluate import Evaluator
    from creval.render.explain import explain
    from creval.input.loader import load_paths
    from creval.render.parts import law_line

    path = SCENARIOS / "parole" / "month-end-start.yaml"
    out = " ".join(run("check", "--lang", lang, path).stdout.split())
    (loaded,) = load_paths([str(path)], book(), None, lang)
    (r,) = explain(Evaluator(book()).scenario(loaded.scenario, str(path), None), lang).results
    assert r.law_version is not None
    assert " ".join(law_line(r, lang).split()) in out
    for a in r.assumptions:
        assert " ".join(a["text"].split()) in out


def test_full_gives_todays_text():
    path = SCENARIOS / "hague" / "proceedings-not-yet-filed.yaml"
    out = run("check", "--full", path).stdout
    assert "OUTCOME  return-unless-settled  [as expected]" in out
    for word in ("CRITERIA", "SOURCES", "NOTES", "CAVEATS", "within-one-year"):
        assert word in out


def test_verify_shows_the_short_answer_of_a_mismatch(tmp_path):
    text = (SCENARIOS / "hague" / "proceedings-not-yet-filed.yaml").read_text(encoding="utf-8")
    (tmp_path / "wrong.yaml").write_text(text.replace("hague-abduction-return: return-unless-settled",
                                                      "hague-abduction-return: return-forthwith"), encoding="utf-8")
    result = run("verify", "--lang", "ru", tmp_path)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("РАСХОЖДЕНИЕ hague-proceedings-not-yet-filed")
    assert any("РЕЗУЛЬТАТ" in l and "РАСХОЖДЕНИЕ: по ключу return-forthwith" in l for l in lines)
    assert "КРИТЕРИИ" not in result.stdout
    assert lines[-1] == "0 passed, 1 failed"
    full = run("verify", "--full", tmp_path).stdout
    assert "CRITERIA" in full and full.splitlines()[-1] == "0 passed, 1 failed"


def test_a_long_list_is_cut_with_a_count_and_alternatives_are_shown():
    """A result with more to say than 15 lines: the longest list is cut and says how many
    more --full shows; `alternatives` (ranged dates) are rendered whatever their source."""
    from creval.render.explain import KeyDateText as KeyDateResult, TestText as TestResult
    from creval.render.short import test_lines

    r = TestResult("hague-abduction-return", "undetermined", [], ["child_birth_date", "removal_date", "taken_to"],
                   [KeyDateResult(f"e{i}", f"20{30 + i}-01-01", f"Event {i}: something happens.") for i in range(12)],
                   [], [], title="Hague", explanation="Cannot be decided.")
    r.alternatives = [{"when": [{"fact": "removal_date", "from": "2025-01-01", "to": "2025-06-30"}],
                       "outcome": "return-forthwith"}]
    lines = test_lines(r, "2036-06-01", None, "en", book())
    assert len(lines) <= 15
    text = "\n".join(lines)
    assert "When was the child born?" in text
    assert re.search(r"… and \d+ more \(--full\)", text)
    title = book().tests["hague-abduction-return"].rule.facts["removal_date"].title.en
    assert f"{title} from 2025-01-01 to 2025-06-30: return-forthwith" in " ".join(text.split())
    assert "2041-01-01" in text and "2030-01-01" not in text  # a cut list keeps dates still to come


def test_missing_is_coloured_on_a_terminal_and_never_when_piped(tmp_path):
    from test_cli_conventions import on_a_terminal, without

    path = SCENARIOS / "parole" / "offence-unknown.yaml"
    env = without({**os.environ, "TERM": "xterm"}, "NO_COLOR", "CREVAL_RULES")
    shown = on_a_terminal(["check", str(path)], env)
    assert "\x1b[1;33mMISSING\x1b[0m" in shown
    piped = subprocess.run([sys.executable, "-m", "creval", "check", str(path)], capture_output=True, text=True,
                           env=env, timeout=120)
    assert "MISSING" in piped.stdout and "\x1b[" not in piped.stdout
    assert "\x1b[" not in on_a_terminal(["check", str(path)], {**env, "NO_COLOR": "1"})


def test_the_readmes_worked_example_is_the_short_answer(monkeypatch):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shown = readme.split("`creval check scenarios/hague/one-year-day-before.yaml` prints the short answer:\n\n```text\n")[1]
    shown = shown.split("```")[0]
    monkeypatch.chdir(REPO)  # the file as the README names it
    got = run("check", "scenarios/hague/one-year-day-before.yaml")
    assert got.stdout == shown


@pytest.mark.parametrize("lang", LANGS)
def test_the_short_answer_puts_into_words_only_what_it_shows(lang):
    """`check` without --full explains briefly (no criteria, notes, caveats or sources): the
    short answer of every bundled scenario, and of the rough-date ones, reads the same as from
    the full explanation, and the brief one has none of the parts left out."""
    from creval.app.evaluation import evaluate_paths
    from creval.render.explain import explain
    from creval.render.short import as_short_text

    results = [e.result for e in evaluate_paths(book(), [str(SCENARIOS)], None, None) if e.result is not None]
    assert len(results) > 250
    for result in results:
        brief = explain(result, lang, brief=True)
        assert as_short_text(brief, lang, book()) == as_short_text(explain(result, lang), lang, book())
        for r in brief.results:
            assert (r.criteria, r.notes, r.caveats, r.sources) == ([], [], [], [])


def test_verify_puts_into_words_only_the_mismatches(tmp_path, monkeypatch):
    """`verify` shows only the mismatches: the results that agree with their answer key are
    not explained at all."""
    import creval.render.explain as explain_module

    right = (SCENARIOS / "parole" / "month-end-start.yaml").read_text(encoding="utf-8")
    (tmp_path / "right.yaml").write_text(right, encoding="utf-8")
    wrong = (SCENARIOS / "hague" / "proceedings-not-yet-filed.yaml").read_text(encoding="utf-8")
    (tmp_path / "wrong.yaml").write_text(wrong.replace("hague-abduction-return: return-unless-settled",
                                                       "hague-abduction-return: return-forthwith"), encoding="utf-8")
    explained = []
    real = explain_module.explain
    monkeypatch.setattr(explain_module, "explain", lambda result, *a, **k: explained.append(result.scenario) or real(result, *a, **k))
    done = run("verify", tmp_path)
    assert done.exit_code == 1
    assert "1 passed, 1 failed" in done.stdout
    assert "return-unless-settled" in done.stdout
    assert explained == ["hague-proceedings-not-yet-filed"]


def test_a_brief_explanation_is_refused_where_the_full_one_is_needed():
    """A brief explanation lacks criteria, notes, caveats and sources: JSON and every format but
    the short answer refuse it rather than print empty sections."""
    from creval.app.evaluation import evaluate_paths
    from creval.render.explain import explain
    from creval.render.formats import FORMATS

    (evaluated,) = evaluate_paths(book(), [str(SCENARIOS / "parole" / "month-end-start.yaml")], None, None)
    brief = explain(evaluated.result, "en", brief=True)
    assert FORMATS["text"].render([brief], "en", book())  # the short answer
    for name, full in (("text", True), ("json", False), ("markdown", False), ("html", False)):
        with pytest.raises(ValueError, match="brief"):
            FORMATS[name].render([brief], "en", book(), full=full)
    with pytest.raises(ValueError, match="brief"):
        brief.to_json()
    assert explain(evaluated.result, "en").to_json()["results"]
