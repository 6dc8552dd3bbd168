"""Three languages: every word creval prints exists in English, Russian and Kazakh.

- every key of rules/i18n/*.yaml and every text of every rule file has en, ru and kk, with the
  same {placeholders} in each;
- `check --lang ru|kk` prints Russian or Kazakh labels, outcome names and reasons, and none of
  the English labels; input errors are translated and still name file, line and field;
- the JSON codes (outcomes, statuses, ids, dates, missing facts) are the same in every
  language: only texts change; `verify`'s last line stays English for CI.

These tests run against the bundled rules (rules/ in the source tree).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from creval.cli import app
from creval.render.i18n import LANGUAGES, Msg, messages, outcome_shown, t, tr

REPO = Path(__file__).resolve().parents[1]
RULES = REPO / "rules"
I18N = RULES / "i18n"
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)(?::[a-z]+)?\}")  # {name} or {name:form}
CYRILLIC = re.compile(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]")
KAZAKH_ONLY = re.compile(r"[ӘәҒғҚқҢңӨөҰұҮүҺһІі]")
SCENARIO = REPO / "scenarios" / "hague" / "access-only.yaml"  # return under Hague 1980, access only
ENGLISH_LABELS = ["OUTCOME", "CRITERIA", "KEY DATES", "SOURCES", "NOTES", "CAVEATS", "MISSING",
                  "assessed as of", "as expected", "MISMATCH", "UNMET", " met ", "file "]


def _yaml(path: Path):
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def _texts(node, path=""):
    """Every multilingual text of a rule file: a mapping with `en` (and nothing but languages),
    and the constraints' messages, which must be such mappings too."""
    if isinstance(node, dict):
        if "en" in node and set(node) <= set(LANGUAGES):
            yield path, node
            return
        for key, value in node.items():
            if key == "message" and isinstance(value, str):
                yield f"{path}.{key}", {"en": value}  # a plain string: English only, reported below
                continue
            yield from _texts(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _texts(value, f"{path}[{i}]")


RULE_FILES = sorted(RULES.glob("*.yaml"))
RULE_TEXTS = [(f"{p.name}:{where}", text) for p in RULE_FILES for where, text in _texts(_yaml(p))]
KEYS = [(f"{p.name}:{key}", entry) for p in sorted(I18N.glob("*.yaml")) for key, entry in (_yaml(p) or {}).items()]


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args):
        result = runner.invoke(app, [str(a) for a in args])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        return result

    return invoke


# ---------------------------------------------------------------- completeness of the data


def test_rule_files_and_keys_are_found():
    assert len(RULE_FILES) >= 9
    assert len(RULE_TEXTS) > 300
    assert (I18N / "core.yaml").is_file()
    assert len(KEYS) > 100


@pytest.mark.parametrize("where,entry", KEYS, ids=[k for k, _ in KEYS])
def test_every_key_has_all_three_languages(where, entry):
    assert isinstance(entry, dict), where
    for lang in LANGUAGES:
        assert isinstance(entry.get(lang), str) and entry[lang].strip(), f"{where}: no {lang}"


@pytest.mark.parametrize("where,entry", KEYS, ids=[k for k, _ in KEYS])
def test_every_key_has_the_same_placeholders_in_each_language(where, entry):
    wanted = set(PLACEHOLDER.findall(entry.get("en", "")))
    for lang in ("ru", "kk"):
        assert set(PLACEHOLDER.findall(entry.get(lang) or "")) == wanted, f"{where}: {lang} placeholders differ from en"


def test_every_rule_text_has_all_three_languages():
    missing = [f"{where} ({lang})" for where, text in RULE_TEXTS for lang in LANGUAGES
               if not (isinstance(text.get(lang), str) and text[lang].strip())]
    assert not missing, "texts without a language:\n" + "\n".join(missing)


def test_every_rule_text_has_the_same_placeholders_in_each_language():
    wrong = []
    for where, text in RULE_TEXTS:
        wanted = set(PLACEHOLDER.findall(text["en"]))
        for lang in ("ru", "kk"):
            if set(PLACEHOLDER.findall(text.get(lang) or "")) != wanted:
                wrong.append(f"{where}.{lang}")
    assert not wrong, "placeholders differ from en in:\n" + "\n".join(wrong)


def test_translations_are_in_their_language():
    for where, text in RULE_TEXTS:
        assert text["ru"] != text["en"] or not re.search("[a-z]{4}", text["en"]), f"{where}: ru is the English text"
        assert CYRILLIC.search(text["ru"]) or not re.search("[a-z]{4}", text["en"]), f"{where}: ru has no Cyrillic"
        assert CYRILLIC.search(text["kk"]) or not re.search("[a-z]{4}", text["en"]), f"{where}: kk has no Cyrillic"
    kazakh = sum(bool(KAZAKH_ONLY.search(text["kk"])) for _, text in RULE_TEXTS)
    assert kazakh > len(RULE_TEXTS) * 0.8  # Kazakh letters (ә, қ, ү ...), not Russian text under kk


def test_every_source_is_cited_in_all_three_languages():
    missing = [f"{p.name}:sources.{sid}" for p in RULE_FILES for sid, source in (_yaml(p).get("sources") or {}).items()
               if not source.get("act")  # cited by the glossary's official title (tests/test_glossary.py)
               and not all(CYRILLIC.search((source.get("translated") or {}).get(lang) or "") for lang in ("ru", "kk"))]
    assert not missing, "sources without a Russian and Kazakh citation:\n" + "\n".join(missing)


def test_a_key_defined_twice_is_an_error(tmp_path):
    (tmp_path / "a.yaml").write_text("x.one: {en: a, ru: а, kk: а}\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("x.one: {en: b, ru: б, kk: б}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="x.one"):
        messages(tmp_path)


def test_every_outcome_and_enumerated_value_has_a_name():
    from creval.law.rulebook import load

    book = load(RULES)
    keys = messages()
    for test in book.tests.values():  # the rule file's own words, else the shared catalogue's
        for outcome in test.rule.outcomes:
            assert outcome in test.outcome_words or f"outcome.{outcome}" in keys, f"{test.id}: no words for {outcome}"
        for fact, values in test.enums.items():
            for value in values:
                assert value in test.value_words.get(fact, {}) or f"enum.{fact}.{value}" in keys, \
                    f"{test.id}: no words for {fact} = {value}"
    for table in book.tables.values():
        assert t(f"instrument.{table.instrument}", "en") == table.short
        assert tr(table.name, "ru") != table.short


def test_messages_render_in_every_language():
    message = Msg("input.got", message=Msg("input.pydantic.bool_type", en="Input should be a valid boolean"), value="'yes'")
    assert message == "Input should be a valid boolean, got 'yes'"
    assert tr(message, "ru") == "ожидается логическое значение (true или false), получено 'yes'"
    assert "логикалық" in tr(message, "kk")
    assert outcome_shown("return-forthwith", "en") == "return-forthwith"
    assert outcome_shown("return-forthwith", "ru") == "return-forthwith (вернуть незамедлительно)"


# ---------------------------------------------------------------- check, verify, rules


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("lang,outcome_word,label_words", [
    ("ru", "(только право доступа)", ["РЕЗУЛЬТАТ", "КРИТЕРИИ", "ИСТОЧНИКИ", "ПРИМЕЧАНИЯ", "ОГОВОРКИ", "КЛЮЧЕВЫЕ ДАТЫ",
                                      "дата оценки", "совпадает с ключом", "выполнено"]),
    ("kk", "(тек қарым-қатынас құқығы)", ["НӘТИЖЕ", "КРИТЕРИЙЛЕР", "ДЕРЕККӨЗДЕР", "ЕСКЕРТПЕЛЕР", "ЕСКЕРТУЛЕР",
                                          "НЕГІЗГІ КҮНДЕР", "бағалау күні", "кілтпен сәйкес", "орындалды"]),
])
def test_check_prints_labels_outcomes_and_reasons_in_the_language(run, lang, outcome_word, label_words):
    result = run("check", "--full", "--lang", lang, SCENARIO)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert f"access-only {outcome_word}" in out
    for word in label_words:
        assert word in out, f"{word!r} missing in the {lang} output"
    for word in ENGLISH_LABELS:
        assert word not in out, f"English label {word!r} in the {lang} output"
    # the reasons are the rule file's texts in this language, filled in
    doc = json.loads(run("check", "--lang", lang, "--format", "json", SCENARIO).stdout)
    english = json.loads(run("check", "--format", "json", SCENARIO).stdout)
    for crit, crit_en in zip(doc["results"][0]["criteria"], english["results"][0]["criteria"]):
        assert CYRILLIC.search(crit["reason"]) and crit["reason"] != crit_en["reason"]
        assert _flat(crit["reason"]) in _flat(out)
    rule = _yaml(RULES / "hague-abduction-return.yaml")
    template = rule["criteria"]["rights-breached"]["reason"]["met"][lang]
    assert _flat(template.split("{")[0]) in _flat(out)
    # values inside reasons: the enumerated right, treaty notes, instrument names
    assert "(доступ)" in out if lang == "ru" else "(қарым-қатынас)" in out
    assert "in force between" not in out and "relation from" not in out
    # sources are cited in the language too (JSON keeps the English citations: see below)
    cited = {"ru": "Конвенция о гражданско-правовых аспектах международного похищения детей 1980 года, ст. 21",
             "kk": "Балаларды халықаралық ұрлаудың азаматтық-құқықтық аспектілері туралы 1980 жылғы конвенция, 21-бап"}
    assert cited[lang] in _flat(out)
    assert "Hague Child Abduction Convention" not in out
    assert doc["results"][0]["sources"] == english["results"][0]["sources"]


def test_check_in_english_is_unchanged(run):
    out = run("check", "--full", SCENARIO).stdout
    for word in ("OUTCOME  access-only  [as expected]", "CRITERIA", "SOURCES", "NOTES", "CAVEATS",
                 "assessed as of", "The left-behind parent held rights of access (exercised: yes)."):
        assert word in _flat(out).replace("OUTCOME access-only [as expected]", "OUTCOME  access-only  [as expected]")


def test_booleans_and_unknown_values_are_words_of_the_language(run, tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(
        "id: unknown-right\nas_of: 2025-11-01\nfacts:\n  abduction:\n    child_birth_date: 2017-01-20\n"
        "    habitual_residence: KZ\n    taken_to: RU\n    removal_date: 2025-08-01\n    rights_exercised: false\n",
        encoding="utf-8")
    reasons = {lang: {c["id"]: c["reason"] for c in json.loads(run("check", "--lang", lang, "--format", "json", path)
                                                                  .stdout)["results"][0]["criteria"]}
               for lang in LANGUAGES}
    # An unknown right may be access, for which exercise does not matter: the criterion is unknown
    assert "(right: unknown; exercised: no)" in reasons["en"]["rights-breached"]
    assert "(право: неизвестно; фактически осуществлялось: нет)" in reasons["ru"]["rights-breached"]
    assert "(құқығы: белгісіз; нақты жүзеге асырылды ма: жоқ)" in reasons["kk"]["rights-breached"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_verify_last_line_stays_english(run, lang):
    result = run("verify", "--lang", lang, REPO / "scenarios" / "hague")
    assert result.exit_code == 0, result.stdout
    assert re.fullmatch(r"\d+ passed, 0 failed", result.stdout.splitlines()[-1])


def test_verify_mismatch_line_is_translated(run, tmp_path):
    text = SCENARIO.read_text(encoding="utf-8").replace("hague-abduction-return: access-only",
                                                        "hague-abduction-return: return-forthwith")
    assert "return-forthwith" in text
    path = tmp_path / "wrong-key.yaml"
    path.write_text(text, encoding="utf-8")
    result = run("verify", "--lang", "ru", path)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("РАСХОЖДЕНИЕ ") and "по ключу return-forthwith (вернуть незамедлительно)" in lines[0]
    assert lines[-1] == "0 passed, 1 failed"


def test_rules_list_and_show_in_the_language(run):
    listed = run("rules", "--lang", "kk").stdout
    assert listed.startswith("ережелер sha256:")
    assert "[фактілер бөлімі: abduction]" in listed and "Заңсыз әкетілген немесе ұсталған баланы қайтару" in listed
    shown = run("rules", "show", "hague-abduction-return", "--lang", "ru").stdout
    assert shown.startswith("hague-abduction-return: Возвращение незаконно перемещённого")
    for word in ("Критерии", "Результаты", "Ключевые даты", "Источники", "Примечания", "Оговорки",
                 "Ребёнок перемещён из одного государства в другое", "вернуть незамедлительно"):
        assert word in shown
    for word in ("Criteria (", "Outcomes, first", "Key dates:", "Notes:", "Caveats:"):
        assert word not in shown
    assert run("rules", "--lang", "ru", "show", "conscription").stdout.startswith("conscription: Призыв на срочную")


# ---------------------------------------------------------------- input errors


BAD = """\
id: bad-{n}
as_of: 2025-11-01
facts:
  abduction:
    child_birth_date: {birth}
    habitual_residence: KZ
    taken_to: RU
    removal_date: 2025-08-01
    rights_exercised: {exercised}
"""


@pytest.mark.parametrize("lang,birth,exercised,line,field,says", [
    ("ru", "2017-01-20", "1", 9, "facts.abduction.rights_exercised",
     "ожидается логическое значение (true или false), получено 1"),
    ("kk", "2017-01-20", "1", 9, "facts.abduction.rights_exercised", "логикалық мән күтіледі"),
    ("ru", "2017-01-20", "'yes'", 9, "facts.abduction.rights_exercised",
     "ожидается true или false, получено 'yes'; возможно, имелось в виду true?"),
    ("ru", "2026-01-20", "true", 8, "facts.abduction.removal_date",
     "перемещение произошло до рождения ребёнка (child_birth_date 2026-01-20, removal_date 2025-08-01)"),
    ("ru", "2017-02-30", "true", 5, "facts.abduction.child_birth_date", "'2017-02-30' — несуществующая календарная дата"),
])
def test_input_errors_are_translated_and_keep_file_line_and_field(run, tmp_path, lang, birth, exercised, line, field, says):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD.format(n=1, birth=birth, exercised=exercised), encoding="utf-8")
    result = run("check", "--lang", lang, path)
    assert result.exit_code == 2 and result.stdout == ""
    error = result.stderr.strip()
    assert error.startswith(f"{path}:{line}: {field}: "), error
    assert says in error, error
    assert not re.search(r"\b(should|expected|is before|not a calendar)\b", error), error


def test_unknown_names_and_json_errors_are_translated(run, tmp_path):
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text("id: u\nfacts:\n  custody_dispute: {}\n", encoding="utf-8")
    error = run("check", "--lang", "ru", unknown).stderr.strip()
    assert error.startswith(f"{unknown}:3: facts.custody_dispute: неизвестный раздел фактов 'custody_dispute' (известные: "), error
    broken = tmp_path / "broken.json"
    broken.write_text('{"id": "b", "facts": {"abduction": {"taken_to": "rus"}}}', encoding="utf-8")
    error = run("check", "--lang", "kk", broken).stderr.strip()
    assert error.startswith(f"{broken}: facts.abduction.taken_to: бас әріптермен жазылған ISO 3166-1 alpha-2 коды"), error
    missing = run("check", "--lang", "ru", tmp_path / "nowhere.yaml").stderr.strip()
    assert missing == f"{tmp_path / 'nowhere.yaml'}: нет такого файла или папки"
    bad_as_of = run("check", "--lang", "ru", "--as-of", "2025-13-01", unknown)
    assert bad_as_of.exit_code == 2 and "ожидается дата в формате ГГГГ-ММ-ДД" in bad_as_of.stderr


def test_english_input_errors_are_unchanged(run, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD.format(n=1, birth="2017-01-20", exercised="1"), encoding="utf-8")
    error = run("check", path).stderr.strip()
    assert error == f"{path}:9: facts.abduction.rights_exercised: Input should be a valid boolean, got 1"


# ---------------------------------------------------------------- JSON codes do not depend on the language


TEXT_KEYS = {"reason", "text", "explanation", "title", "fact_title"}
TEXT_LISTS = {"caveats", "notes"}


def _codes(node):
    """The result with every text replaced by a marker: what must not change with the language."""
    if isinstance(node, dict):
        return {k: ("<text>" if k in TEXT_KEYS else ["<text>"] * len(v) if k in TEXT_LISTS else _codes(v))
                for k, v in node.items() if k != "lang"}
    if isinstance(node, list):
        return [_codes(v) for v in node]
    return node


def test_json_codes_are_identical_in_every_language():
    from creval.engine.evaluate import Evaluator
    from creval.input.loader import load_paths
    from creval.law.rulebook import load
    from creval.render.explain import explain

    book = load(RULES)
    evaluator = Evaluator(book)
    scenarios = [l for l in load_paths([str(REPO / "scenarios")], book) if l.scenario is not None]
    assert len(scenarios) > 100
    changed = 0
    for loaded in scenarios:
        decided = evaluator.scenario(loaded.scenario, loaded.file, None)  # once: explained in each language
        out = {lang: explain(decided, lang).to_json() for lang in LANGUAGES}
        json.dumps(out)  # every value serialises
        assert _codes(out["ru"]) == _codes(out["en"]) == _codes(out["kk"]), loaded.file
        for en, ru in zip(out["en"]["results"], out["ru"]["results"]):
            changed += en["explanation"] != ru["explanation"]
            assert [c["source"] for c in en["criteria"]] == [c["source"] for c in ru["criteria"]]
    assert changed > 100


@pytest.mark.parametrize("lang, words", [
    ("en", ["Treaty tables", "UA: listed as a party in a source of 2022-12-01 [likely]",
            "withdrawal in effect from 2023-12-29 [confirmed]", "UA-RU: starts as the two states' rows say",
            "suspended from 2022-12-23 [confirmed]", "US: not a party: a source of 2022-02-02 does not list it"]),
    ("ru", ["Таблицы договоров", "UA: в списке участников по источнику от 1 декабря 2022\u00a0г. [вероятно]",
            "выход вступил в силу 29 декабря 2023\u00a0г. [подтверждено]", "приостановлено с 23 декабря 2022\u00a0г. [подтверждено]"]),
    ("kk", ["Шарттар кестелері", "UA: 2022 жылғы 1 желтоқсандағы дереккөзде қатысушы ретінде аталған [ықтимал]",
            "шығу 2023 жылғы 29 желтоқсанда күшіне енді [расталған]"]),
])
def test_rules_show_lists_every_treaty_row_with_its_source(run, lang, words):
    result = run("rules", "show", "maintenance-recovery", "--lang", lang)
    assert result.exit_code == 0
    out = result.stdout
    for word in words:
        assert word in out, word
    assert "Law of Ukraine No. 2783-IX of 1 Dec 2022" in out  # sources are citations, as written
    assert "shared/" not in out and "legal-sources" not in out
