"""Every word right in Russian and Kazakh: declined names, dates and numbers in words, official terms.

Three parts: the grammar (core/grammar.py) on known forms; the glossary (rules/i18n/terms/
glossary.yaml) against every Russian and Kazakh text that ships; and every bundled scenario's
short answer, full text, memo and deadlines in ru and kk, read for what a caseworker must never
see inside a sentence: an ISO date, a state code, a fact's code, a variant the glossary rules out.
The outputs are rendered in-process, once per language and format (CI runs this twice, on 2 cores).
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from babel.dates import format_date
from ruamel.yaml import YAML
from typer.testing import CliRunner

from creval.cli import app
from creval.law import glossary
from creval.law.rulebook import load
from creval.core import grammar

REPO = Path(__file__).resolve().parents[1]
RULES = REPO / "rules"
SCENARIOS = REPO / "scenarios"


def _name(code: str, lang: str) -> str:
    from creval.core.text import country_name

    return {"XX": "Сент-Китс и Невис", "XY": "ЦАР"}.get(code) or country_name(code, lang)


# --- the grammar ---------------------------------------------------------------------------

@pytest.mark.parametrize("code, form, words", [
    ("KZ", "in", "в Казахстане"), ("DE", "in", "в Германии"), ("AE", "in", "в ОАЭ"), ("FR", "in", "во Франции"),
    ("RU", "in", "в Российской Федерации"), ("KZ", "ins", "Казахстаном"), ("DE", "ins", "Германией"),
    ("KZ", "gen", "Казахстана"), ("TR", "from", "из Турции"), ("DE", "to", "в Германию"),
    ("US", "in", "в США"), ("MD", "in", "в Республике Молдова"),
    ("XX", "in", "в государстве Сент-Китс и Невис"),  # a state without a table row: its name stays undeclined
    # no table row, declined by rule: -ия, -а, a consonant, an adjective and a noun, an indeclinable name
    ("HU", "in", "в Венгрии"), ("AR", "ins", "Аргентиной"), ("CY", "in", "на Кипре"),
    ("NZ", "ins", "Новой Зеландией"), ("PE", "in", "в Перу"), ("CL", "ins", "Чили"),
])
def test_russian_states_take_the_case_and_preposition(code, form, words):
    assert grammar.inflect_state(code, "ru", form, _name) == words


@pytest.mark.parametrize("code, form, words", [
    ("KZ", "loc", "Қазақстанда"), ("KZ", "abl", "Қазақстаннан"), ("KZ", "dat", "Қазақстанға"), ("KZ", "gen", "Қазақстанның"),
    ("DE", "loc", "Германияда"), ("DE", "abl", "Германиядан"), ("DE", "dat", "Германияға"),
    ("RU", "loc", "Ресейде"), ("RU", "abl", "Ресейден"), ("RU", "gen", "Ресейдің"),
    ("KZ", "and", "Қазақстан мен"), ("US", "and", "АҚШ пен"), ("US", "loc", "АҚШ-та"), ("AE", "abl", "БАӘ-ден"),
    ("TR", "loc", "Түркияда"), ("BY", "loc", "Беларусьте"),
    ("XY", "loc", "ЦАР мемлекетінде"),  # an abbreviation without a table row
    ("HU", "loc", "Венгрияда"), ("NZ", "abl", "Жаңа Зеландиядан"), ("DO", "loc", "Доминикан Республикасында"),
])
def test_kazakh_states_take_their_ending_by_final_sound_and_vowel_harmony(code, form, words):
    assert grammar.inflect_state(code, "kk", form, _name) == words


@pytest.mark.parametrize("n, abl, dat", [
    (1, "1-ден", "1-ге"), (2, "2-ден", "2-ге"), (3, "3-тен", "3-ке"), (4, "4-тен", "4-ке"), (5, "5-тен", "5-ке"),
    (6, "6-дан", "6-ға"), (7, "7-ден", "7-ге"), (8, "8-ден", "8-ге"), (9, "9-дан", "9-ға"), (10, "10-нан", "10-ға"),
    (20, "20-дан", "20-ға"), (30, "30-дан", "30-ға"), (40, "40-тан", "40-қа"), (60, "60-тан", "60-қа"),
    (90, "90-нан", "90-ға"), (100, "100-ден", "100-ге"), (1000, "1000-нан", "1000-ға"), (26, "26-дан", "26-ға"),
])
def test_kazakh_endings_after_numbers_follow_how_the_number_is_read(n, abl, dat):
    assert grammar.kk_number(n, "abl") == abl and grammar.kk_number(n, "dat") == dat


@pytest.mark.parametrize("day, lang, form, words", [
    (date(2025, 11, 23), "ru", "words", "23 ноября 2025\u00a0г."),
    (date(2025, 11, 23), "kk", "words", "2025 жылғы 23 қараша"),
    (date(2025, 11, 23), "kk", "loc", "2025 жылғы 23 қарашада"),
    (date(2013, 9, 1), "kk", "abl", "2013 жылғы 1 қыркүйектен"),
    (date(2014, 12, 31), "kk", "dat", "2014 жылғы 31 желтоқсанға"),
    (date(2023, 9, 5), "kk", "attr", "2023 жылғы 5 қыркүйектегі"),
    (date(2005, 6, 15), "kk", "abl", "2005 жылғы 15 маусымнан"),
    (date(2024, 2, 1), "kk", "loc", "2024 жылғы 1 ақпанда"),
    (date(2025, 11, 23), "en", "words", "2025-11-23"),
])
def test_dates_in_words_with_the_kazakh_ending_on_the_month(day, lang, form, words):
    assert grammar.date_words(day, lang, form) == words


def test_a_russian_date_is_babels_long_date_every_day():
    # date_words writes babel's text of a month once and puts each day's number before it
    for first in (date(1900, 1, 1), date(1999, 12, 1), date(2024, 1, 1), date(2031, 6, 1)):
        for n in range(400):
            day = first + timedelta(days=n)
            assert grammar.date_words(day, "ru") == format_date(day, "long", locale="ru").replace("\u202f", "\u00a0")


def test_plurals_follow_cldr():
    assert [grammar.count(n, "years", "ru") for n in (1, 2, 5, 11, 21, 22, 25)] == [
        "1 год", "2 года", "5 лет", "11 лет", "21 год", "22 года", "25 лет"]
    assert grammar.count(5, "years", "kk") == "5 жыл" and grammar.count(1, "years", "en") == "1 year"


def test_a_date_span_brings_its_own_words_and_drops_the_template_preposition():
    span = grammar.DateSpan(date(2004, 6, 1), date(2004, 6, 30))
    assert span.words("kk", "loc") == "2004 жылғы 1 маусым мен 2004 жылғы 30 маусым аралығында"
    before, words = grammar.joined_span("На ", span.words("ru"))
    assert before + words == "В период с 1 июня 2004\u00a0г. по 30 июня 2004\u00a0г."


def test_a_template_names_the_form_and_a_value_without_a_form_keeps_its_text():
    from creval.core.text import State, fill_text

    assert fill_text("Ребёнок проживает {a:in}, должник — {b:in}.", "ru", a=State("KZ"), b=State("TR")) == \
        "Ребёнок проживает в Казахстане, должник — в Турции."
    assert fill_text("{a:and} {b} арасында {d:loc}.", "kk", a=State("KZ"), b=State("DE"), d=date(2025, 3, 1)) == \
        "Қазақстан мен Германия арасында 2025 жылғы 1 наурызда."
    assert fill_text("{low:abl} {high:dat} дейін", "kk", low=3, high="40") == "3-тен 40-қа дейін"
    assert fill_text("… {d}.", "ru", d="2025-11-23") == "… 23 ноября 2025\u00a0г."  # one full stop
    assert fill_text("on {d}", "en", d="2025-11-23") == "on 2025-11-23"


# --- the glossary --------------------------------------------------------------------------

def _yaml(path: Path):
    with open(path, encoding="utf-8") as f:
        return YAML(typ="safe", pure=True).load(f)


def _texts(node, lang: str, where: str):
    """Every string under a `lang` key, with where it is."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == lang and isinstance(v, str):
                yield f"{where}.{k}", v
            else:
                yield from _texts(v, lang, f"{where}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _texts(v, lang, f"{where}[{i}]")


def _shipped_texts(lang: str):
    files = sorted(RULES.glob("*.yaml")) + sorted((RULES / "i18n").glob("*.yaml")) + sorted(SCENARIOS.rglob("*.yaml"))
    for path in files:
        yield from _texts(_yaml(path), lang, str(path.relative_to(REPO)))


def _wrong_in(text: str, lang: str) -> list[str]:
    return [f"{variant!r} (glossary: {entry})" for variant, entry in glossary.wrong_variants()[lang]
            if re.search(r"(?<!\w)" + re.escape(variant) + r"(?!\w)", text, re.IGNORECASE)]


def test_every_glossary_entry_has_three_languages_and_a_source():
    g = glossary.glossary()
    for section in ("acts", "terms"):
        for entry_id, entry in g[section].items():
            assert all(entry.get(lang) for lang in ("en", "ru", "kk")), entry_id
            assert entry.get("source") and isinstance(entry.get("confirmed"), bool), entry_id
            for lang, variants in (entry.get("wrong") or {}).items():
                right = entry[lang]
                assert not any(v.lower() in right.lower() for v in variants), f"{entry_id}: a wrong variant is in its own title"


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_no_shipped_text_holds_a_variant_the_glossary_rules_out(lang):
    found = [f"{where}: {w}" for where, text in _shipped_texts(lang) for w in _wrong_in(text, lang)]
    assert not found, "\n".join(found[:30])


def test_a_source_named_by_act_is_cited_with_the_official_title():
    book = load(RULES)
    by_act = [(s, t) for t in book.tests.values() for s in t.rule.sources.values() if s.act]
    assert len(by_act) >= 10
    for source, _ in by_act:
        for lang in ("ru", "kk"):
            assert source.cite(lang).startswith(glossary.act_title(source.act, lang))
    art = book.tests["hague-abduction-return"].rule.sources["art35-38"]
    assert art.cite("kk") == "Балаларды халықаралық ұрлаудың азаматтық-құқықтық аспектілері туралы 1980 жылғы конвенция, 35, 38-баптар"
    assert art.cite("ru").endswith("1980 года, ст. 35, 38") and art.cite() == "Hague Child Abduction Convention 1980, Arts 35, 38"


def test_an_unknown_act_is_a_rule_file_error():
    from creval.law.rulebook import Source

    with pytest.raises(ValueError, match="not in the glossary"):
        Source(instrument="X", article="Art 1", quote="q", confidence="LIKELY", act="no-such-act")


def test_a_count_keeps_its_noun_in_kazakh():
    # «{days} күннен кейін» is «30 күннен кейін»; a case form on the count would drop the noun («30-дан кейін»)
    from creval.core.text import messages

    wrong = [k for k, e in messages().items() if re.search(r"\{(?:days|months|years)(?::\w+)\}", e.get("kk") or "")]
    assert not wrong, wrong


def test_the_glossary_guard_is_not_blind():
    assert _wrong_in("Балаларды халықаралық ұрлап әкетудің азаматтық-құқықтық аспектілері", "kk")
    assert _wrong_in("призыв на военную службу", "ru") and _wrong_in("мәртебе кестесі (HCCH)", "kk")
    assert not _wrong_in("призыв на воинскую службу", "ru")


# --- every bundled scenario, every text output, in ru and kk -------------------------------

OUTPUTS = {"short": ["check"], "full": ["check", "--full"], "memo": ["check", "--format", "markdown"],
           "deadlines": ["deadlines"]}


@pytest.fixture(scope="module")
def outputs() -> dict[tuple[str, str], str]:
    runner = CliRunner()
    out = {}
    for lang in ("ru", "kk"):
        for kind, args in OUTPUTS.items():
            result = runner.invoke(app, [*args, str(SCENARIOS), "--lang", lang])
            assert result.exit_code == 0, (lang, kind, result.stderr)
            out[(lang, kind)] = result.stdout
    return out


_ISO = re.compile(r"\b\d{4}-\d\d-\d\d\b")
_TABLE_DATE = re.compile(r"^\s*(?:[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ ]{4,}\s+)?\d{4}-\d\d-\d\d\s")  # a key-date row: the date is a column
_STATES = "KZ RU DE GB TR US KG UA TM MD BY AM UZ CN AE AZ GE TJ MN HK".split()
_STATE_CODE = re.compile(r"(?<![\w(-])(?:" + "|".join(_STATES) + r")(?![\w)-])")


def _prose(line: str) -> str:
    """A line as a reader reads it as a sentence: without the columns and codes a table shows
    (key-date dates, scenario ids in headings, the file line, commands to reproduce, `code`
    and «quotes» of sources written in English, which are marked as such)."""
    s = line.strip()
    if not s or s.startswith(("==", "#", "```", "creval ", "$ ")) or re.match(r"^(файл|file)\b", s):
        return ""
    if re.match(r"^\|?\s*[-:| ]+\|?$", s):  # a Markdown table's rule
        return ""
    s = _TABLE_DATE.sub(" ", s)
    s = re.sub(r"^\|\s*\d{4}-\d\d-\d\d\s*\|", "|", s)
    s = re.sub(r"^-\s*\*\*\d{4}-\d\d-\d\d\*\*", "-", s)  # a memo's key date: the date is the item's label
    s = re.sub(r"^(-\s*)?[^:]{2,200}:(\*\*)?\s*\d{4}-\d\d-\d\d\s*$", "", s)  # a field and its value, as the file has it
    s = re.sub(r"^(НЕ ХВАТАЕТ|ЖЕТІСПЕЙДІ|MISSING)\s+[a-z0-9_, ]+$", "", s)  # --full: the codes of the facts still needed
    s = re.sub(r"\((?:допущение|болжам): [a-z0-9_, ]+\)", "", s)  # --full: the assumptions a criterion relied on
    s = re.sub(r"`[^`]*`", "", s)
    s = re.sub(r"«[^«»]*(?:«[^«»]*»[^«»]*)*»", "«»", s)  # quoted citations stay as written
    s = re.sub(r"\b(?=[a-z0-9:-]*[a-z])[a-z0-9]+(?:[-:][a-z0-9]+)+\b", "", s)  # outcome, criterion and scenario ids
    s = re.sub(r"\((?:--full|[a-z_, ]+)\)", "", s)  # an id after its words, in parentheses
    return s


def _fact_codes() -> set[str]:
    return {f for t in load(RULES).tests.values() for f in t.rule.facts if "_" in f}


@pytest.mark.parametrize("lang", ["ru", "kk"])
@pytest.mark.parametrize("kind", list(OUTPUTS))
def test_no_iso_date_state_code_fact_code_or_wrong_term_inside_a_sentence(outputs, lang, kind):
    text = outputs[(lang, kind)]
    assert text.strip()
    facts = _fact_codes()
    found = []
    text = re.sub(r"«[^«»]*»", "«»", text)  # quoted titles and sources, also where a line wraps inside them
    # a fact's code may follow its words in parentheses (--full, memo): «(… гражданства ребёнка, child_citizenship)»
    text = re.sub(r"\(([^()]*)\)", lambda m: "(" + re.sub(r"\b[a-z]+(?:_[a-z0-9]+)+\b", "", m.group(1)) + ")", text)
    for n, line in enumerate(text.splitlines(), 1):
        prose = _prose(line)
        if not prose:
            continue
        found += [f"{n}: ISO date: {line.strip()}" for _ in _ISO.findall(prose)]
        found += [f"{n}: state code: {line.strip()}" for _ in _STATE_CODE.findall(prose)]
        found += [f"{n}: fact code {w}: {line.strip()}" for w in re.findall(r"\b[a-z]+(?:_[a-z0-9]+)+\b", prose) if w in facts]
        found += [f"{n}: {w}: {line.strip()}" for w in _wrong_in(prose, lang)]
    assert not found, f"{lang} {kind}:\n" + "\n".join(found[:40])


def test_the_scan_is_not_blind():
    assert _ISO.findall(_prose("Ребёнку исполняется 16 лет 2025-11-23."))
    assert _STATE_CODE.findall(_prose("Ребёнок проживает в KZ."))
    assert not _STATE_CODE.findall(_prose("Гражданство ребёнка: Казахстан (KZ)"))
    assert not _ISO.findall(_prose("   КЛЮЧЕВЫЕ ДАТЫ  2026-04-15  Исполняется 18 лет"))
    assert re.findall(r"\b[a-z]+(?:_[a-z0-9]+)+\b", _prose("`grave_risk` не указан, а treaty_in_force решает")) == ["treaty_in_force"]


# --- the web and the classroom ---------------------------------------------------------------

@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_web_and_classroom_strings_hold_no_wrong_term_no_iso_date_and_no_fixed_kazakh_ending(lang):
    from creval.core.text import messages

    # input hints show the form to type (ГГГГ-ММ-ДД, 2026-01): ISO there is the point
    keys = {k: v for k, v in messages().items() if k.startswith(("web.", "classroom.", "exercise.", "ask."))}
    typed = {k for k in keys if "hint" in k}
    assert len(keys) > 50
    found = []
    for key, entry in keys.items():
        text = entry.get(lang) or ""
        found += [f"{key}: {w}" for w in _wrong_in(text, lang)]
        if _ISO.search(text) and key not in typed:
            found.append(f"{key}: ISO date {text!r}")
        if lang == "kk" and re.search(r"\}-(?:ден|дан|тен|тан|нен|нан|ге|ға|ке|қа)\b", text):
            found.append(f"{key}: a fixed ending after a number {text!r}")
    assert not found, "\n".join(found)


# --- a fact's value in every list of facts ---------------------------------------------------

# A case whose facts name a state, a value with words only in its rule file (no catalogue entry),
# a rough date and a yes/no; each output lists them, and each must read them the same way.
LISTED = SCENARIOS / "ranged" / "adoption-applicant-chose-child-child-birth-date.yaml"
LISTED_WORDS = {
    "en": ["Germany (DE)", "the applicant", "some day in February 2021", "yes"],
    "ru": ["Германия (DE)", "заявитель", "в феврале 2021 г.", "да"],
    "kk": ["Германия (DE)", "өтініш беруші", "2021 жылғы ақпанда", "иә"],
}


def _lists_of_facts(lang: str) -> dict[str, str]:
    """The facts of LISTED as each output lists them, in `lang`."""
    from creval.input.loader import load_file
    from creval.tools import twin
    from creval.tools.interview.case import CaseInterview
    from creval.web.classroom import _evaluate_pack
    from creval.web.service import Service

    book = load(RULES)
    runner = CliRunner()
    out = {kind: runner.invoke(app, [*args, str(LISTED), "--lang", lang]).stdout for kind, args in
           {"memo": ["check", "--format", "markdown"], "exercise": ["exercise"], "handout": ["exercise", "--handout"]}.items()}
    loaded = load_file(LISTED, book)
    out["twin"] = twin._facts_in_words(book, loaded.scenario, lang)
    case = CaseInterview.from_loaded(book, loaded, None, None, lang)
    out["review"] = "\n".join(case.shown(key, value) for key, value in case.answered())
    doc = YAML(typ="safe", pure=True).load(LISTED.read_text(encoding="utf-8"))
    service = Service(processes=0)
    out["classroom"] = "\n".join(value for story in _evaluate_pack(service, [doc], lang) for _, value in story.facts)
    return out


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_a_fact_reads_the_same_in_every_list_of_facts(lang):
    """The memo, the exercise and its handout, a twin's story, the interview's review and the
    classroom: a state by name and code, the rule file's own word for a value, a rough date
    and yes/no in words, each from render/words.py."""
    found = _lists_of_facts(lang)
    for kind, text in found.items():
        assert text.strip(), kind
        for word in LISTED_WORDS[lang]:
            assert word in text, (lang, kind, word)
        if lang != "en":
            assert not re.search(r"(?<![-_])\bapplicant\b(?![-_])", text), (lang, kind)  # the word, never the code


@pytest.mark.parametrize("lang, words", [
    ("ru", {"deferment": "продолжение образования", "citizenship": "Казахстан (KZ)", "sex": "мужской"}),
    ("kk", {"deferment": "білім алуды жалғастыру", "citizenship": "Қазақстан (KZ)", "sex": "ер"}),
])
def test_a_fact_value_takes_its_words_from_its_rule_file(lang, words):
    from creval.render import facts

    book = load(RULES)
    given = {"birth_date": date(2006, 10, 12), "sex": "male", "citizenship": "KZ", "deferment": "study", "exemption": None}
    rows = {name: value for name, _, value in facts.rows(book, "conscription", given, lang)}
    assert {name: rows[name] for name in words} == words
    assert rows["birth_date"] == "2006-10-12"  # a list of facts is a table: the date as the file has it
    assert rows["exemption"] == {"ru": "неизвестно", "kk": "белгісіз"}[lang]


@pytest.mark.parametrize("lang, word", [("ru", "permitted (разрешено)"), ("kk", "permitted (рұқсат етілген)")])
def test_an_outcome_reads_with_its_rule_files_own_word_in_the_exercise_and_its_handout(lang, word):
    """minimum-working-age names `permitted` in its own words («разрешено», not the shared
    catalogue's «допускается»): the exercise's choices and feedback and the handout's choices and
    answer grid say the same as the check's output."""
    case = str(SCENARIOS / "employment" / "child-actor-aged-10.yaml")
    runner = CliRunner()
    handout = runner.invoke(app, ["exercise", "--handout", "--lang", lang, case]).stdout
    session = runner.invoke(app, ["exercise", "--lang", lang, case], input="1\n").stdout
    assert handout.count(word) >= 2  # the question's choices and the answer grid
    assert f"1. {word}" in session
    assert "(допускается)" not in handout + session  # the shared catalogue's word


@pytest.mark.parametrize("lang, lines", [
    ("ru", ["Присоединение Российской Федерации принято Казахстаном: действует с 1 апреля 2016 г.",
            "Присоединение Казахстана принято Мальтой:",
            "Казахстан — присоединившееся государство:"]),
    ("kk", ["Қазақстан Ресейдің қосылуын қабылдады: 2016 жылғы 1 сәуірден бастап күшінде",
            "Мальта Қазақстанның қосылуын қабылдады:"]),
    ("en", ["Kazakhstan accepted the Russian Federation's accession: in force from 2016-04-01",
            "The United Kingdom accepted Kazakhstan's accession"]),
])
def test_a_treaty_acceptance_names_both_states_declined(lang, lines):
    """`creval treaties hague-1980 KZ`: who accepted whose accession, by name and in the case
    the sentence needs (it printed «KZ приняло присоединение RU»)."""
    out = " ".join(CliRunner().invoke(app, ["treaties", "--lang", lang, "hague-1980", "KZ"]).output.split())
    for line in lines:
        assert line in out
    assert "приняло" not in out and "присоединилось" not in out
    out = " ".join(CliRunner().invoke(app, ["treaties", "--lang", "ru", "minsk-1993", "AF"]).output.split())
    assert "нет Афганистана" in out


@pytest.mark.parametrize("code, lang, form, words", [
    ("DO", "ru", "in", "в Доминиканской Республике"), ("DO", "ru", "nom", "Доминиканская Республика"),
    ("CV", "ru", "in", "в Кабо-Верде"), ("CV", "ru", "gen", "Кабо-Верде"), ("BW", "ru", "gen", "Ботсваны"),
    ("CV", "kk", "loc", "Кабо-Вердеде"), ("BW", "kk", "gen", "Ботсвананың"), ("GE", "kk", "abl", "Грузиядан"),
])
def test_states_added_to_the_treaty_tables_decline(code, lang, form, words):
    """Botswana, Cabo Verde and the Dominican Republic joined the tables in Dec 2026: CLDR's
    «Доминиканская республика» lacks the capital, and «Кабо-Верде» does not decline (it printed
    «в государстве Кабо-Верде»)."""
    assert grammar.inflect_state(code, lang, form, _name) == words


@pytest.mark.parametrize("lang, present, absent", [
    ("ru", ["Доминиканская Республика (DO)", "сдано на хранение 21 марта 2024",
            "сведения о возражениях не изучены"], ["возразило государство"]),
    ("kk", ["2024 жылғы 21 наурызда депозитарийге тапсырылды", "қарсылықтар туралы мәліметтер қаралмаған"],
     ["бір мемлекет қарсылық білдірген"]),
])
def test_an_unread_objection_record_is_not_told_as_an_objection(lang, present, absent):
    """objected_by: unknown also marks a row whose objection record was not read (Dec 2026 rows):
    the view said «против присоединения возразило государство» of the Dominican Republic, whose
    accession no one is known to have objected to; the Kazakh deposit date lacked its ending."""
    out = " ".join(CliRunner().invoke(app, ["treaties", "--lang", lang, "hague-2007", "DO"]).output.split())
    for words in present:
        assert words in out
    for words in absent:
        assert words not in out


def test_a_state_listed_as_a_party_needs_no_gender_in_russian():
    """«Грузия назван участником» (a masculine participle after a feminine name): the row now reads
    «Грузия — в списке участников …», which holds for every state."""
    out = " ".join(CliRunner().invoke(app, ["check", "--full", "--lang", "ru", str(
        SCENARIOS / "law-in-time" / "treaty-hague2007-kz-ge-2024-09-01.yaml")]).output.split())
    assert "Грузия — в списке участников по источнику от 28 марта 1997" in out
    assert "назван участником" not in out and "его не называет" not in out


@pytest.mark.parametrize("lang, words", [
    ("ru", "(источник на английском языке от 14 ноября 2022 г.)"),
    ("kk", "(2022 жылғы 14 қарашадағы ағылшын тіліндегі дереккөз)"),
])
def test_a_treaty_rows_english_source_says_so_in_the_treaty_view(lang, words):
    """The rows' sources are English (rules/data); `check` labels them, and `treaties` now does too."""
    out = " ".join(CliRunner().invoke(app, ["treaties", "--lang", lang, "hague-1980", "BW"]).output.split())
    assert words.replace("\u00a0", " ") in out.replace("\u00a0", " ")


@pytest.mark.parametrize("name, lang, words", [
    ("treaty-hague1980-kz-bw-2023-01-31", "ru", "Гаагская конвенция 1980 года для Ботсваны: действует только с 1 февраля 2023"),
    ("treaty-hague2007-kz-ge-2024-08-31", "ru", "Гаагская конвенция 2007 года для Грузии: действует только с 1 сентября 2024"),
    ("treaty-hague1980-kz-bw-2023-01-31", "kk", "Конвенция 2023 жылғы 31 қаңтарда (әкету күні) Қазақстан мен Ботсвана арасында күшінде емес"),
])
def test_a_state_after_a_preposition_and_a_date_in_a_kazakh_sentence_take_their_case(name, lang, words):
    """«для Ботсвана» (a nominative after «для») and «әкету күні 2023 жылғы 31 қаңтар …» (a date
    without its ending) in the law-in-time treaty scenarios of Dec 2026."""
    out = " ".join(CliRunner().invoke(app, ["check", "--full", "--lang", lang, str(
        SCENARIOS / "law-in-time" / f"{name}.yaml")]).output.split())
    assert words.replace("\u00a0", " ") in out.replace("\u00a0", " ")


def test_a_date_span_keeps_a_preposition_that_orders_the_day():
    # «начато до {дня в марте 2027}» once printed «начато в период с 1 марта 2027 г. по 31 марта
    # 2027 г.»: the «до» was dropped and the sentence said the opposite of the rule's reason.
    span = grammar.DateSpan(date(2027, 3, 1), date(2027, 3, 31)).words("ru")
    assert "".join(grammar.joined_span("Разбирательство начато до ", span)) == \
        "Разбирательство начато до даты, приходящейся на период с 1 марта 2027\u00a0г. по 31 марта 2027\u00a0г."
    assert "".join(grammar.joined_span("10 лет после ", span)).startswith("10 лет после даты, приходящейся на период с 1 марта")
    assert "".join(grammar.joined_span("срок истёк к ", span)).startswith("срок истёк к дате, приходящейся на период")
    assert "".join(grammar.joined_span("Ребёнок проживает в ", span)) == \
        "Ребёнок проживает в период с 1 марта 2027\u00a0г. по 31 марта 2027\u00a0г."



def test_a_rough_removal_date_keeps_before_in_the_russian_reason(tmp_path):
    from typer.testing import CliRunner

    from creval.cli import app

    case = tmp_path / "march.yaml"
    case.write_text("id: march\nas_of: 2026-12-01\nfacts:\n  abduction:\n    child_birth_date: 2015\n"
                    "    habitual_residence: RU\n    taken_to: KZ\n    removal_date: 2026-03\n"
                    "    left_behind_right: custody\n    rights_exercised: true\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(case), "--full", "--format", "markdown", "--lang", "ru"])
    assert result.exit_code == 0, result.output
    assert "return-forthwith" in result.stdout
    assert "начато до даты, приходящейся на период с 1 марта 2027\u00a0г. по 31 марта 2027\u00a0г." in result.stdout
    assert "начато в период с 1 марта 2027" not in result.stdout


@pytest.mark.parametrize("lang, words", [
    ("ru", "возражение против присоединения: США"), ("kk", "қосылуға қарсылық: АҚШ"),
    ("en", "objection to the accession by United States"),
])
def test_the_states_that_objected_are_named_not_coded(lang, words):
    """`creval treaties hague-2007 KZ GE` printed «қосылуға қарсылық: US» inside a Kazakh line."""
    out = " ".join(CliRunner().invoke(app, ["treaties", "--lang", lang, "hague-2007", "KZ", "GE"]).output.split())
    assert words in out


# --- wording when a placeholder's value is unknown (reviewer's findings) ------------------------

def _full(tmp_path, text, lang):
    case = tmp_path / "case.yaml"
    case.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(case), "--full", "--lang", lang])
    assert result.exit_code == 0, result.output
    return " ".join(result.stdout.split())


_BARE_ABDUCTION = ("id: bare\nas_of: 2025-10-01\nfacts:\n  abduction:\n    child_birth_date: 2014-11-30\n"
                   "    proceedings_date: 2025-06-01\n")


@pytest.mark.parametrize("lang, good, bad", [
    ("ru", "Не установлено, действует ли Конвенция между государством постоянного проживания и государством, "
           "куда перемещён ребёнок, на дату перемещения", "между неизвестно и неизвестно"),
    ("kk", "Конвенцияның баланың тұрақты тұратын мемлекеті мен ол әкетілген мемлекет арасында әкету күні "
           "күшінде екені анықталмаған", "белгісіз мен белгісіз"),
    ("en", "Not settled whether the Convention is in force between the state of habitual residence",
     "between unknown and unknown"),
])
def test_states_party_unknown_reads_well_without_the_states(tmp_path, lang, good, bad):
    out = _full(tmp_path, _BARE_ABDUCTION, lang)
    assert good in out
    assert bad not in out
    assert "на дату перемещения неизвестно не установлено" not in out


@pytest.mark.parametrize("lang, good, bad", [
    ("ru", "(право: неизвестно; фактически осуществлялось: неизвестно)", "родителя (неизвестно) или"),
    ("kk", "(құқығы: белгісіз; нақты жүзеге асырылды ма: белгісіз)", "құқығы (белгісіз) немесе"),
    ("en", "(right: unknown; exercised: unknown)", "right (unknown) or"),
])
def test_rights_breached_unknown_does_not_repeat_unknown_in_brackets(tmp_path, lang, good, bad):
    out = _full(tmp_path, _BARE_ABDUCTION, lang)
    assert good in out
    assert bad not in out


@pytest.mark.parametrize("lang, title", [
    ("ru", "право оставленного родителя"), ("kk", "баласы әкетілген ата-ананың құқығы"),
])
def test_left_behind_right_title_is_a_plain_noun_phrase(tmp_path, lang, title):
    """The missing facts, the answers review and the memo show the title: no list of choices in it."""
    out = _full(tmp_path, _BARE_ABDUCTION, lang)
    assert f"{title} (left_behind_right)" in out
    assert "никакого права" not in out and "ешқандай құқық жоқ" not in out and "access, or none" not in out


_START_ONLY = ("id: start-only\nas_of: 2025-10-01\nfacts:\n  parole:\n    offence: sexual_offence_against_minor\n"
               "    offence_date: 2014-11-20\n    offender_was_minor: false\n    sentence_start: 2015-03-01\n")


@pytest.mark.parametrize("lang, good, bad", [
    ("ru", ["начало срока: 1 марта 2015 г.; срок: неизвестно;", "три четверти без засчитанных дней: неизвестно)"],
     ["не хватает начала срока", "срок истёк бы неизвестно", "отбываются неизвестно"]),
    ("kk", ["мерзімнің басталуы: 2015 жылғы 1 наурыз; мерзім: белгісіз;"],
     ["мерзімнің басталуы (2015", "жоқ; есептелген күндерсіз мерзім", "белгісіз аяқталар еді"]),
    ("en", ["start of the sentence: 2015-03-01; term: unknown;"], ["the start (2015-03-01)", "would end on unknown"]),
])
def test_parole_unknown_reasons_name_what_is_unknown(tmp_path, lang, good, bad):
    """With the start given and the term unknown, the reasons said the start was missing."""
    out = _full(tmp_path, _START_ONLY, lang)
    for words in good:
        assert words in out
    for words in bad:
        assert words not in out


@pytest.mark.parametrize("key, lang, good", [
    (key, "ru", ["не позднее 2024-06-01", "не ранее 2024-06-01"]) for key in ("ask.hint.date", "web.ask.hint.date")
] + [
    (key, "kk", ["2024-06-01 кешіктірмей", "2024-06-01 ерте емес"]) for key in ("ask.hint.date", "web.ask.hint.date")
])
def test_the_date_hints_name_the_rough_dates_in_the_readers_words(key, lang, good):
    """The ru/kk hints led with the English «before 2024-06-01 (не позднее)»; the input takes the ru/kk words."""
    from creval.core.dates import parse_date_fact
    from creval.input.scenario import FIRST_DATE, LAST_DATE, parse_iso_date

    texts = {}
    for name in ("messages.yaml", "web-interview.yaml"):
        texts.update(YAML(typ="safe").load((RULES / "i18n" / name).read_text(encoding="utf-8")))
    hint = texts[key][lang]
    assert "before" not in hint and "after" not in hint
    for words in good:
        assert words in hint
        parse_date_fact(words, exact=parse_iso_date, first=FIRST_DATE, last=LAST_DATE)  # taken as typed


@pytest.mark.parametrize("lang, said", [
    ("en", "(expected ',' or '}', but found the end of the file on line 4)"),
    ("ru", "(ожидалось: ',' или '}'; встретилось: конец файла в строке 4)"),
    ("kk", "(4-жолда: күтілгені: ',' немесе '}'; кездескені: файлдың соңы)"),
])
def test_the_yaml_parsers_complaint_is_in_the_readers_language(tmp_path, lang, said):
    """A bracket left open: the parser's "expected ..., but got '<stream end>'" in words."""
    path = tmp_path / "case.yaml"
    path.write_text("id: x\nfacts:\n  abduction: {a: 1\n", encoding="utf-8")
    done = CliRunner().invoke(app, ["check", "--lang", lang, str(path)])
    assert done.exit_code == 2 and said in done.output and "stream end" not in done.output


@pytest.mark.parametrize("lang, good, bad", [
    ("ru", "Самая ранняя возможная дата. В период с 1 февраля 2026 г. по 28 февраля 2026 г.", "она может наступить и 28 февраля"),
    ("kk", "Ең ерте мүмкін күн. 2026 жылғы 1 ақпан мен 2026 жылғы 28 ақпан аралығында", "28 ақпанға дейін кешігуі мүмкін"),
    ("en", "The earliest possible date. Between 2026-02-01 and 2026-02-28", "it may be as late as 2026-02-28"),
])
def test_a_rough_deadline_names_its_latest_day_once(lang, good, bad):
    """The calendar read «Самая ранняя возможная дата: она может наступить и 28 февраля… В период с 1 февраля по 28 февраля…»."""
    done = CliRunner().invoke(app, ["deadlines", "--lang", lang, "--as-of", "2026-01-01",
                                    str(SCENARIOS / "ranged" / "military-29-february-18th-birthday-birth-date.yaml")])
    assert done.exit_code == 0, done.output
    out = " ".join(done.stdout.split())
    assert good in out
    assert bad not in out


def test_english_sentences_name_a_state_with_the_where_its_name_takes_it():
    """«The child was habitually resident in the Russian Federation», «between Kazakhstan and
    the United States»; lists, tables and forms keep the bare name, and JSON the code."""
    from creval.render import words

    assert words.state("RU", "en", in_text=True) == "the Russian Federation"
    assert words.state("US", "en", in_text=True) == "the United States"
    assert words.state("KZ", "en", in_text=True) == "Kazakhstan"
    assert words.state("RU", "en") == "Russian Federation"
    assert words.state("RU", "en", with_code=True) == "Russian Federation (RU)"
    assert words.state("RU", "ru", in_text=True) == "Российская Федерация"
    assert words.state("XX", "en", in_text=True) == "XX"
    # the forms, alike in a rule's text and in a message: a label bare, a sentence's start capital
    from creval.core.text import State, shown

    for form, name in (("nom", "United States"), ("start", "The United States")):
        assert words.in_text("US", "en", is_state=True, form=form) == shown(State("US"), "en", form) == name
    assert words.in_text("KZ", "ru", is_state=True, form="start") == "Казахстан"
    path = Path(__file__).resolve().parents[1] / "scenarios" / "hague" / "16th-birthday-day-before.yaml"
    out = " ".join(CliRunner().invoke(app, ["check", "--full", "--lang", "en", str(path)]).output.split())
    assert "habitually resident in the Russian Federation" in out
    assert "between Kazakhstan and the Russian Federation" in out
    assert " in Russian Federation" not in out and "and Russian Federation" not in out
    data = json.loads(CliRunner().invoke(app, ["check", "--format", "json", str(path)]).output)
    reasons = " ".join(c["reason"] for c in data["results"][0]["criteria"])
    assert "in the Russian Federation" in reasons and "the RU" not in json.dumps(data)
    # a citation names the table's row as a label: the bare name, in every language's JSON
    sources = " ".join(data["results"][0]["sources"])
    assert "Hague 1980 table, Russian Federation:" in sources and "Kazakhstan – Russian Federation:" in sources
    assert "table, the " not in sources and "– the " not in sources
    # a value echoed in parentheses is a label too; a paragraph that starts with a state, a capital
    adoption = Path(__file__).resolve().parents[1] / "scenarios" / "adoption"
    out = CliRunner().invoke(app, ["check", "--full", str(adoption)]).output
    assert "(the United States, the" not in " ".join(out.split()) and "(United States, United States)" in " ".join(out.split())
    out = " ".join(CliRunner().invoke(app, ["treaties", "hague-1980", "BY"]).output.split())
    assert "Belarus acceded: it is related only" in out


def test_a_russian_plural_state_name_is_not_taken_for_an_indeclinable_one():
    """«Багамы» is a plural, not a name like «Перу»: without a table row it stays in the
    nominative after a word that declines («нет государства Багамы», not «нет Багамы»)."""
    assert grammar.ru_declined("Багамы") is None and grammar.ru_declined("Филиппины") is None
    assert grammar.ru_declined("Перу")["gen"] == "Перу" and grammar.ru_declined("Мальта")["gen"] == "Мальты"
    out = " ".join(CliRunner().invoke(app, ["treaties", "--lang", "ru", "hague-2007", "BS"]).output.split())
    assert "нет государства Багамы" in out and "нет Багамы" not in out
