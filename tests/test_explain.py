"""Decide once, explain in any language.

The engine's result holds codes and values (engine/results.py); render/explain.py writes
its words, in any language, as often as asked. The exact and the rough-date paths return
the same result model, so both are put into words the same way. One value renderer
(render/words.py) gives every surface the same words.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from creval.cli import app
from creval.engine import engine
from creval.engine.evaluate import Evaluator
from creval.input.loader import load_file
from creval.law.rulebook import load
from creval.render import words
from creval.render.explain import explain

REPO = Path(__file__).resolve().parents[1]
RULES = REPO / "rules"
RANGED = REPO / "scenarios" / "ranged" / "birth-year-turns-16-around-proceedings.yaml"
EXACT = REPO / "scenarios" / "hague" / "16th-birthday-day-before.yaml"


def evaluated(path: Path):
    book = load(RULES)
    loaded = load_file(path, book)
    assert not loaded.errors
    return Evaluator(book).scenario(loaded.scenario, str(path))


def test_a_result_decided_once_is_explained_in_english_and_russian(monkeypatch):
    decisions = []
    real = engine.Engine.decide_again
    monkeypatch.setattr(engine.Engine, "decide_again", lambda self, *a: decisions.append(a) or real(self, *a))
    result = evaluated(EXACT)
    decided = len(decisions)
    english, russian = explain(result, "en"), explain(result, "ru")
    again = explain(result, "en")
    assert len(decisions) == decided  # explaining decides nothing
    assert english.to_json() == again.to_json()  # and any number of times
    en, ru = english.to_json(), russian.to_json()
    assert [(r["test"], r["outcome"], [c["status"] for c in r["criteria"]]) for r in en["results"]] == \
        [(r["test"], r["outcome"], [c["status"] for c in r["criteria"]]) for r in ru["results"]]
    assert en["results"][0]["explanation"] != ru["results"][0]["explanation"]
    assert re.search("[а-яё]", ru["results"][0]["explanation"], re.I)
    assert russian.lang == "ru" and english.lang == "en"


def test_the_engine_result_holds_no_text():
    result = evaluated(EXACT).results[0]
    assert not hasattr(result, "explanation") and not hasattr(result.criteria[0], "reason")
    assert all(not hasattr(d, "text") for d in result.dates)


def test_rough_dates_name_states_as_exact_dates_do():
    """The rough-date path returned its own texts with state codes: `в государстве RU … KZ`."""
    out = CliRunner().invoke(app, ["--rules", str(RULES), "check", "--full", "--lang", "ru", str(RANGED)])
    assert out.exit_code == 0, out.output
    flat = " ".join(out.stdout.split())
    assert "Российская Федерация" in flat
    assert "в государстве RU" not in flat and "государствами RU" not in flat


@pytest.mark.parametrize("lang, yes, no", [("en", "yes", "no"), ("ru", "да", "нет"), ("kk", "иә", "жоқ")])
def test_one_word_for_yes_and_no(lang, yes, no):
    assert (words.value(True, lang), words.value(False, lang)) == (yes, no)


def test_the_english_web_form_says_yes_and_no(tmp_path):
    with TestClient(__import__("creval.web.app", fromlist=["create_app"]).create_app(tmp_path / "s.sqlite3", RULES)) as client:
        page = client.get("/case/hague-abduction-return?lang=en").text
    assert re.search(r'<option value="true"[^>]*>\s*Yes\s*<', page), "the yes/no choice reads yes"
    assert not re.search(r'<option value="true"[^>]*>\s*(true|True)\s*<', page)


def test_states_terms_and_rough_dates_read_the_same_everywhere():
    from datetime import date

    from creval.core.dates import DateRange

    assert words.value("RU", "ru", "state") == "Российская Федерация"
    assert words.value("RU", "ru", "state", with_code=True) == "Российская Федерация (RU)"
    assert words.value({"years": 2, "months": 0, "days": 15}, "en", "term") == "2 years, 0 months, 15 days"
    assert words.value(None, "kk") == "белгісіз"
    january = DateRange(date(2026, 1, 1), date(2026, 1, 31))
    assert words.value(january, "en") == words.date_range(january, "en")


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_an_assumed_value_that_is_a_list_is_put_into_words(lang):
    """A rule may give a default of any shape: an assumption of a list is written like any
    other (the sentence cache once failed on an unhashable value)."""
    result = evaluated(EXACT)
    r = result.results[0]
    fact = next(iter(r.rule.rule.facts))
    r.assumptions.append({"fact": fact, "treated_as": "default", "value": ["KZ", "RU"]})
    (text,) = [a["text"] for a in explain(result, lang).results[0].assumptions if a["value"] == ["KZ", "RU"]]
    assert "KZ" in text or "Казахстан" in text or "Қазақстан" in text


def test_treaty_rows_are_cited_with_the_words_of_the_catalogue_in_use(tmp_path, monkeypatch):
    """The citations of treaty-table rows are kept per message catalogue (CREVAL_RULES), as
    every other word: a process that changes its rules folder never prints the old words."""
    import shutil

    result = evaluated(EXACT)
    r = result.results[0]
    assert r.row_sources
    before = explain(result, "ru").results[0].sources_shown
    copy = tmp_path / "rules"
    shutil.copytree(RULES, copy)
    changed = 0
    for path in (copy / "i18n").glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        if "treaty.source.row:" in text:
            lines = text.splitlines()
            at = next(i for i, line in enumerate(lines) if line.startswith("treaty.source.row:"))
            ru = next(i for i in range(at + 1, len(lines)) if lines[i].lstrip().startswith("ru:"))
            lines[ru] = lines[ru].replace("ru: \"", "ru: \"ИЗМЕНЕНО ", 1)
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            changed += 1
    assert changed == 1
    monkeypatch.setenv("CREVAL_RULES", str(copy))
    after = explain(result, "ru").results[0].sources_shown
    assert [s for s in after if "ИЗМЕНЕНО" in s] and before != after
