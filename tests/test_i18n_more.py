"""Russian and Kazakh in everything printed (issue 10, item 2), driven through the CLI:

- no English word in the ru or kk output (text and Markdown) of any bundled scenario,
  outside codes, quoted sources and a short list of proper names (tests/english_words.py);
- states by their names, confidence words, enum choices and fact values in the language;
- a scenario's title and story given by language, shown in the chosen one (fallback: en);
- CREVAL_LANG as the default language of every command, --lang over it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from english_words import english_words
from typer.testing import CliRunner

from creval.cli import app

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = REPO / "scenarios"
RU_KZ = SCENARIOS / "hague" / "16th-birthday-day-before.yaml"  # habitual residence RU, taken to KZ


def run(*args, input: str | None = None, env: dict | None = None):
    result = CliRunner().invoke(app, [str(a) for a in args], input=input, env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.stdout + result.stderr
    return result


def _text_format() -> list[str]:
    """`--full` where the short answer exists (issue 10 item 1), else the default text."""
    return ["--full"] if "--full" in run("check", "--help").stdout else []


@pytest.mark.parametrize("lang", ["ru", "kk"])
@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_no_english_word_in_russian_or_kazakh_output_of_any_bundled_scenario(lang, fmt):
    extra = _text_format() if fmt == "text" else []
    result = run("check", "--lang", lang, "--format", fmt, *extra, SCENARIOS)
    assert result.stdout.count("\n") > 1000  # every bundled scenario was printed
    found = english_words(result.stdout)
    assert not found, "\n".join(f"{word!r} in …{context}…" for word, context in found[:20])


def test_the_word_scan_finds_english():
    # the same scan on the English output finds plenty: it is not blind
    words = {w for w, _ in english_words(run("check", *_text_format(), RU_KZ).stdout)}
    assert {"child", "habitually", "resident"} <= words


def test_states_are_named_in_every_language_and_stay_codes_in_json():
    ru = run("check", *_text_format(), "--lang", "ru", RU_KZ).stdout
    kk = run("check", *_text_format(), "--lang", "kk", RU_KZ).stdout
    en = run("check", *_text_format(), RU_KZ).stdout
    # declined as a sentence needs them (render/grammar.py), never "в государстве X"
    assert "постоянно проживал в Российской Федерации, а сейчас находится в Казахстане" in " ".join(ru.split())
    assert "Бала Ресейде тұрақты тұрған, ал қазір Қазақстанда жүр." in " ".join(kk.split())
    assert "в государстве" not in ru and "мемлекетінде" not in kk
    assert "habitually resident in the Russian Federation and is now in Kazakhstan" in " ".join(en.split())
    assert "в государстве KZ" not in ru and "KZ мемлекетінде" not in kk
    data = json.loads(run("check", "--lang", "ru", "--format", "json", RU_KZ).stdout)
    result = data["results"][0] if "results" in data else data[0]["results"][0]
    assert result["outcome"] == "return-forthwith"  # codes unchanged
    reasons = {c["id"]: c["reason"] for c in result["criteria"]}
    assert "Казахстан" in reasons["international-removal"]


def test_confidence_words_are_translated_and_english_keeps_the_codes():
    ru = " ".join(run("check", *_text_format(), "--lang", "ru", RU_KZ).stdout.split())
    kk = " ".join(run("check", *_text_format(), "--lang", "kk", RU_KZ).stdout.split())
    en = " ".join(run("check", *_text_format(), RU_KZ).stdout.split())
    assert "Российская Федерация с 1 октября 2011 г. (вероятно)" in ru and "Казахстан с 1 сентября 2013 г. (подтверждено)" in ru
    assert "(ықтимал)" in kk and "(расталған)" in kk
    for text in (ru, kk):
        assert not any(word in text for word in ("LIKELY", "CONFIRMED", "NOT FOUND"))
    assert "(likely)" in en and "(confirmed)" in en
    assert "relation between Kazakhstan and the Russian Federation" in en and "отношения между Казахстаном и Российской Федерацией" in ru


def test_matter_is_a_section_of_facts_in_russian_and_kazakh():
    assert "[раздел фактов: abduction]" in run("rules", "--lang", "ru").stdout
    assert "[фактілер бөлімі: abduction]" in run("rules", "--lang", "kk").stdout


def _scenario(tmp_path: Path, title, narrative) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(
        "id: languages\n"
        f"title: {json.dumps(title, ensure_ascii=False)}\n"
        "as_of: 2026-05-19\n"
        f"narrative: {json.dumps(narrative, ensure_ascii=False)}\n"
        "facts:\n  conscription:\n    birth_date: 2000-01-01\n    sex: male\n    citizenship: KZ\n",
        encoding="utf-8")
    return path


TITLE = {"en": "A young man", "ru": "Молодой человек", "kk": "Жас жігіт"}
STORY = {"en": "He lives in Almaty.", "ru": "Он живёт в Алматы.", "kk": "Ол Алматыда тұрады."}


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_title_and_story_by_language_in_check_exercise_and_handout(tmp_path, lang):
    path = _scenario(tmp_path, TITLE, STORY)
    assert f"== languages: {TITLE[lang]}" in run("check", "--lang", lang, path).stdout
    session = run("exercise", "--lang", lang, path, input="\n").stdout
    assert TITLE[lang] in session and STORY[lang] in session
    handout = run("exercise", "--lang", lang, "--handout", path).stdout
    assert TITLE[lang] in handout and STORY[lang] in handout
    other = {v for k, v in STORY.items() if k != lang}
    assert not any(text in session + handout for text in other)


def test_a_bundled_story_is_read_in_kazakh_in_an_exercise():
    out = run("exercise", "--lang", "kk", SCENARIOS / "hague" / "access-only.yaml", input="\n").stdout
    assert "Қамқорлықты жалғыз жүзеге асыратын ана 2025 жылғы 1 тамызда қызымен Оралдан Саратовқа көшті." in " ".join(out.split())
    assert "The mother, who has sole custody" not in out


def test_a_missing_language_falls_back_to_english_then_to_any(tmp_path):
    path = _scenario(tmp_path, {"en": "Only English"}, {"kk": "Тек қазақша."})
    out = run("exercise", "--lang", "ru", path, input="\n").stdout
    assert "Only English" in out and "Тек қазақша." in out


def test_an_unknown_language_in_a_title_is_refused_with_the_field(tmp_path):
    path = _scenario(tmp_path, {"en": "x", "de": "y"}, "story")
    result = run("check", path)
    assert result.exit_code == 2
    assert f"{path}:2: title" in result.stderr


def test_the_schema_documents_titles_by_language():
    schema = json.loads(run("schema").stdout)
    title = schema["properties"]["title"]
    assert "mapping by language" in title["description"]
    mapping = next(s for s in title["anyOf"] if s.get("type") == "object")
    assert mapping["propertyNames"]["enum"] == ["en", "ru", "kk"]
    assert "mapping by language" in schema["properties"]["narrative"]["description"]


def test_every_bundled_scenario_has_its_title_and_story_if_any_in_the_three_languages():
    from ruamel.yaml import YAML

    for path in sorted(SCENARIOS.rglob("*.yaml")):
        doc = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
        for key in ("title", "narrative"):
            text = doc.get(key)
            if key == "narrative" and text is None:
                continue  # a scenario without a story
            assert isinstance(text, dict) and set(text) == {"en", "ru", "kk"}, f"{path}: {key}"
            assert all(v.strip() for v in text.values()), f"{path}: {key}"


@pytest.mark.parametrize("lang, choices, answer", [
    ("en", "1 male, 2 female", "female"),
    ("ru", "1 мужской, 2 женский", "женский"),
    ("kk", "1 ер, 2 әйел", "Әйел"),
])
def test_ask_offers_enum_choices_as_words_and_takes_the_word(lang, choices, answer):
    result = run("ask", "conscription", "--lang", lang, input=f"2000-01-01\n{answer}\nKZ\n" + "\n" * 20)
    asked = result.stderr + result.stdout  # questions go to stderr, the result to stdout
    assert choices in asked
    assert asked.count(choices) == 1  # the word was accepted: not asked again


def test_exercise_shows_fact_values_in_words(tmp_path):
    path = _scenario(tmp_path, TITLE, STORY)
    ru = run("exercise", "--lang", "ru", path, input="\n").stdout
    kk = run("exercise", "--lang", "kk", path, input="\n").stdout
    assert "мужской" in ru and "Казахстан" in ru
    assert ": ер" in kk and "Қазақстан" in kk


def test_creval_lang_sets_the_default_and_lang_overrides_it():
    ru = run("check", RU_KZ, env={"CREVAL_LANG": "RU"})
    assert "РЕЗУЛЬТАТ" in ru.stdout
    assert "OUTCOME" in run("check", "--lang", "en", RU_KZ, env={"CREVAL_LANG": "kk"}).stdout
    assert "раздел фактов" in run("rules", env={"CREVAL_LANG": "ru"}).stdout
    assert "Қолданылуы" in run("rules", "show", "conscription", env={"CREVAL_LANG": "kk"}).stdout or \
        "әскер" in run("rules", "show", "conscription", env={"CREVAL_LANG": "kk"}).stdout.lower()
    bad = run("check", RU_KZ, env={"CREVAL_LANG": "de"})
    assert bad.exit_code == 2 and "CREVAL_LANG" in bad.stderr
