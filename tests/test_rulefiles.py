"""The rule files: they load, they are complete (titles, sources, thresholds), thresholds live
in them and not in Python, and broken files are refused with the file and the key named."""

from __future__ import annotations

import io
import re
import tokenize
from datetime import date
from pathlib import Path

import pytest

from creval.engine.evaluate import Evaluator
from creval.tools import lint
from creval.law.rulebook import RuleBook, RuleFileError
from helpers import (
    CONSCRIPTION,
    HAGUE,
    MAINTENANCE,
    PAROLE,
    REPO,
    RULES,
    answer_keys,
    bundled,
    copy_rules,
    edit,
    key_dates,
)

CYRILLIC = re.compile(r"[\u0400-\u04FF]")
KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
RULE_FILES = sorted(p.stem for p in RULES.glob("*.yaml"))

def fresh(folder: Path = RULES) -> RuleBook:
    return RuleBook(folder)  # not the per-process cache: the files as they are now


def refused(folder: Path) -> str:
    with pytest.raises(RuleFileError) as caught:
        RuleBook(folder)
    return str(caught.value)


# ------------------------------------------------------------------ the bundled files

def test_every_bundled_rule_file_loads():
    book = fresh()
    assert sorted(book.tests) == RULE_FILES
    for test_id, test in book.tests.items():
        assert test.path.name == f"{test_id}.yaml"
    assert book.digest.startswith("sha256:") and len(book.digest) == 7 + 64


@pytest.mark.parametrize("test_id", RULE_FILES)
def test_every_outcome_is_the_answer_key_of_a_bundled_scenario(test_id):
    """Each outcome a rule file lists is some scenario's `expected`: the packs show every
    answer a test can give (and pytest checks each key, see conftest.py)."""
    outcomes = set(bundled().tests[test_id].rule.outcomes)
    keyed = answer_keys().get(test_id, {})
    assert outcomes - set(keyed) == set(), f"{test_id}: no scenario under scenarios/ expects these outcomes"


@pytest.mark.parametrize("test_id", RULE_FILES)
def test_bundled_rule_file_lints_clean(test_id):
    """`creval rules lint`: every text and word in three languages, every fact read, every
    outcome reachable, every parameter used, `reads` as the conditions depend."""
    assert [str(f) for f in lint.check_test(bundled().tests[test_id])] == []


@pytest.mark.parametrize("test_id", RULE_FILES)
def test_titles_in_english_russian_and_kazakh(test_id):
    rule = bundled().tests[test_id].rule
    titles = [("title", rule.title)] + [(f"criteria.{c}.title", crit.title) for c, crit in rule.criteria.items()]
    for where, title in titles:
        assert title.en.strip() and title.ru.strip() and title.kk.strip(), where
        assert CYRILLIC.search(title.ru) and CYRILLIC.search(title.kk), where
        assert KAZAKH_LETTERS & set(title.kk), f"{where}: kk title has no Kazakh letter: {title.kk}"
        assert len({title.en, title.ru, title.kk}) == 3, f"{where}: a language repeats another"


@pytest.mark.parametrize("test_id", RULE_FILES)
def test_every_criterion_and_parameter_cites_sources_that_exist(test_id):
    rule = bundled().tests[test_id].rule
    for cid, crit in rule.criteria.items():
        assert crit.sources, f"criteria.{cid} cites no source"
        for source in crit.sources:
            assert source in rule.sources, f"criteria.{cid}: {source}"
        assert set(crit.reason) == {"met", "unmet", "unknown"}
    for name, param in rule.parameters.items():
        assert param.source in rule.sources, f"parameters.{name}: {param.source}"
    for key, source in rule.sources.items():
        assert source.instrument.strip() and source.article.strip() and source.quote.strip(), key
    cited = {s for crit in rule.criteria.values() for s in crit.sources} | {p.source for p in rule.parameters.values()}
    assert cited <= set(rule.sources)


_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)(?::[a-z]+)?\}")  # {name} or {name:form}


@pytest.mark.parametrize("test_id", RULE_FILES)
def test_explanation_placeholders_name_known_values(test_id):
    # An unknown {name} would print "unknown" in every result: a typo must not pass.
    test = bundled().tests[test_id]
    rule = test.rule
    known = set(test.params) | set(test.field_types) | set(rule.facts)
    known |= {f"{name}_note" for name in rule.derived} | {f"{name}_list" for name in rule.derived}
    texts = [row.text for row in rule.outcome_table] + [kd.text for kd in rule.key_dates] + rule.notes + rule.caveats
    texts += [reason for crit in rule.criteria.values() for reason in crit.reason.values()]
    for text in texts:
        for lang in ("en", "ru", "kk"):
            for name in _PLACEHOLDER.findall(getattr(text, lang) or ""):
                assert name in known, f"{test_id}: {{{name}}} in a {lang} text"


def _missing_translations(test_id: str) -> list[str]:
    rule = bundled().tests[test_id].rule
    texts = [(f"outcome_table[{i}].text", row.text) for i, row in enumerate(rule.outcome_table)]
    texts += [(f"criteria.{c}.reason.{s}", t) for c, crit in rule.criteria.items() for s, t in crit.reason.items()]
    texts += [(f"key_dates.{kd.event}.text", kd.text) for kd in rule.key_dates]
    return [where for where, text in texts if not (text.ru and text.kk)]


@pytest.mark.parametrize("test_id", RULE_FILES)
def test_explanation_templates_in_english_russian_and_kazakh(test_id):
    assert _missing_translations(test_id) == []


# ------------------------------------------ thresholds live in the rule files, not in Python

def _child_aged_16(folder: Path):
    book = fresh(folder)
    facts = {"child_birth_date": date(2010, 1, 10), "habitual_residence": "KZ", "taken_to": "RU",
             "removal_date": date(2026, 3, 1), "left_behind_right": "custody", "rights_exercised": True}
    return Evaluator(book).test(book.tests[HAGUE], facts, date(2026, 6, 1))


def test_changing_16_to_17_in_the_rule_file_changes_the_decision(tmp_path):
    original = copy_rules(tmp_path / "a", only=[HAGUE])
    changed = copy_rules(tmp_path / "b", only=[HAGUE])
    edit(changed / f"{HAGUE}.yaml", "value: 16\n", "value: 17\n")
    before, after = _child_aged_16(original), _child_aged_16(changed)
    assert before.outcome == "not-applicable"
    assert key_dates(before)["child-attains-16"] == "2026-01-10"
    assert after.outcome == "return-forthwith"
    assert key_dates(after)["child-attains-16"] == "2027-01-10"
    assert {c.id: c.status for c in before.criteria}["child-under-16"] == "unmet"
    assert {c.id: c.status for c in after.criteria}["child-under-16"] == "met"


def test_changing_the_fraction_in_the_rule_file_moves_parole_eligibility(tmp_path):
    folder = copy_rules(tmp_path, only=[PAROLE])
    edit(folder / f"{PAROLE}.yaml", 'value: "3/4"', 'value: "2/3"')
    book = fresh(folder)
    facts = {"offence": "sexual_offence_against_minor", "sentence_start": date(2022, 1, 31),
             "term": {"years": 3, "months": 7, "days": 0}, "offence_date": date(2014, 6, 1), "credited_days": 0,
                 "offender_was_minor": False}
    result = Evaluator(book).test(book.tests[PAROLE], facts, date(2024, 6, 1))
    # 2/3 x 43 months = 28 2/3 months: 28 months and 20 days -> 2024-05-31 + 20 days.
    assert key_dates(result)["three-quarters-served"] == "2024-06-20"
    assert result.outcome == "not-yet-eligible"


def test_changing_27_in_the_rule_file_moves_the_upper_age(tmp_path):
    folder = copy_rules(tmp_path, only=[CONSCRIPTION])
    edit(folder / f"{CONSCRIPTION}.yaml", "value: 27\n", "value: 28\n")
    book = fresh(folder)
    facts = {"birth_date": date(2000, 5, 5), "sex": "male", "citizenship": "KZ"}
    result = Evaluator(book).test(book.tests[CONSCRIPTION], facts, date(2027, 5, 5))
    assert result.outcome == "subject-to-conscription"
    assert key_dates(result)["attains-27"] == "2028-05-05"


# Legal thresholds of the bundled rules (ages, the parole fraction) that must not appear as literals in Python code.
THRESHOLD_LITERALS = {"16", "18", "27", "0.75", ".75"}


def test_no_threshold_literal_in_python_code():
    found = []
    for path in sorted((REPO / "src" / "creval").glob("*.py")):
        for tok in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
            if tok.type == tokenize.NUMBER and tok.string in THRESHOLD_LITERALS:
                found.append(f"{path.name}:{tok.start[0]}: {tok.string}")
    assert found == [], "a legal threshold written in Python (if it is not one, say why and exclude it here)"


# ------------------------------------------------- broken rule files: file and key named

@pytest.fixture
def hague_copy(tmp_path) -> tuple[Path, Path]:
    folder = copy_rules(tmp_path, only=[HAGUE])
    return folder, folder / f"{HAGUE}.yaml"


def test_unknown_top_level_key_is_refused(hague_copy):
    folder, path = hague_copy
    edit(path, "\ncriteria:\n", "\ncritera: {}\ncriteria:\n")
    message = refused(folder)
    assert str(path) in message and "critera" in message


def test_misspelt_key_is_named(hague_copy):
    folder, path = hague_copy
    edit(path, "\ncriteria:\n", "\ncritera:\n")
    message = refused(folder)
    assert str(path) in message and "critera" in message


def test_unknown_key_inside_a_criterion_is_refused(hague_copy):
    folder, path = hague_copy
    edit(path, "    reads: [child_birth_date]\n", "    reads: [child_birth_date]\n    sorces: [art4]\n")
    message = refused(folder)
    assert str(path) in message and "criteria.child-under-16.sorces" in message


def test_unknown_fact_in_a_condition_is_refused(hague_copy):
    folder, path = hague_copy
    edit(path, "met: {lt: [as_of, {field: child_attains_16}]}", "met: {lt: [as_off, {field: child_attains_16}]}")
    message = refused(folder)
    assert str(path) in message and "criteria.child-under-16.met.lt" in message and "'as_off'" in message


def test_unknown_field_reference_in_a_condition_is_refused(hague_copy):
    folder, path = hague_copy
    edit(path, "met: {lt: [as_of, {field: child_attains_16}]}", "met: {lt: [as_of, {field: child_attains_61}]}")
    message = refused(folder)
    assert str(path) in message and "criteria.child-under-16.met.lt" in message and "'child_attains_61'" in message


def test_unknown_fact_in_reads_is_refused(hague_copy):
    folder, path = hague_copy
    edit(path, "    reads: [child_birth_date]\n", "    reads: [child_birth_dat]\n")
    message = refused(folder)
    assert str(path) in message and "criteria.child-under-16.reads" in message and "'child_birth_dat'" in message


def test_unknown_fact_in_an_outcome_condition_is_refused(hague_copy):
    folder, path = hague_copy
    edit(path, "when: {fact: {eq: [left_behind_right, access]}}", "when: {fact: {eq: [left_behind_rigt, access]}}")
    message = refused(folder)
    assert str(path) in message and "outcome_table[2].when.fact.eq" in message and "'left_behind_rigt'" in message


def test_unknown_criterion_in_an_outcome_line_is_refused(hague_copy):
    folder, path = hague_copy
    edit(path, "when: {met: within-one-year}", "when: {met: within-one-yaer}")
    message = refused(folder)
    assert str(path) in message and "outcome_table[4].when.met" in message and "'within-one-yaer'" in message


def test_unknown_parameter_is_refused(hague_copy):
    folder, path = hague_copy
    edit(path, "    met: {lt: [as_of, {field: child_attains_16}]}",
         "    met: {in: [left_behind_right, {param: rights_list}]}")
    message = refused(folder)
    assert str(path) in message and "'rights_list'" in message


def test_value_of_the_wrong_type_is_refused(hague_copy):
    folder, path = hague_copy
    edit(path, "when: {fact: {eq: [left_behind_right, access]}}", "when: {fact: {eq: [left_behind_right, acces]}}")
    message = refused(folder)
    assert str(path) in message and "outcome_table[2].when.fact.eq" in message and "'acces'" in message


def test_id_must_match_the_file_name(hague_copy):
    folder, path = hague_copy
    edit(path, f"id: {HAGUE}\n", "id: hague-abduction\n")
    message = refused(folder)
    assert str(path) in message and "'hague-abduction'" in message


def test_source_that_does_not_exist_is_refused(hague_copy):
    folder, path = hague_copy
    edit(path, "    sources: [art4]\n    reads: [child_birth_date]\n", "    sources: [art44]\n    reads: [child_birth_date]\n")
    message = refused(folder)
    assert str(path) in message and "criteria.child-under-16.sources" in message and "'art44'" in message


def test_title_without_kazakh_loads_and_lint_names_it(hague_copy):
    # One rule for every text: English is required to load, a missing ru/kk is a lint finding.
    folder, path = hague_copy
    text = path.read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if ln.startswith("  kk: ") and "Гаага" in ln)
    edit(path, line + "\n", "")
    findings = lint.check_book(fresh(folder))
    assert [(f.where, f.kind) for f in findings] == [("title", "missing-language")]
    assert "Kazakh (kk)" in findings[0].message and findings[0].file == str(path)


# --------------------------------------------------------------------- the digest

def test_digest_is_stable_and_changes_with_any_rule_or_data_file(tmp_path):
    folder = copy_rules(tmp_path / "copy")
    same = fresh(folder).digest
    assert same == fresh(RULES).digest == fresh(folder).digest  # content and relative paths only
    edit(folder / f"{HAGUE}.yaml", "value: 16\n", "value: 17\n")
    changed = fresh(folder).digest
    assert changed != same
    edit(folder / f"{HAGUE}.yaml", "value: 17\n", "value: 16\n")
    assert fresh(folder).digest == same
    table = folder / "data" / "hague-1980.yaml"
    table.write_text(table.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    assert fresh(folder).digest not in (same, changed)


def test_digest_is_printed_with_every_result(tmp_path):
    from creval.input.loader import validate

    folder = copy_rules(tmp_path, only=[HAGUE])
    book = fresh(folder)
    doc = {"id": "d", "as_of": "2020-01-01", "facts": {"abduction": {"child_birth_date": "2015-01-01"}}}
    result = Evaluator(book).scenario(validate(doc, "d.yaml", book).scenario)
    assert result.rules_digest == book.digest


# ------------------------------------------- broken treaty tables: file, row and key named

@pytest.fixture
def tables_copy(tmp_path) -> Path:
    return copy_rules(tmp_path, only=[MAINTENANCE])


def test_unknown_key_in_a_withdrawal_is_refused(tables_copy):
    path = tables_copy / "data" / "minsk-1993.yaml"
    edit(path, "      date: 2023-12-29\n", "      date: 2023-12-29\n      efective: yes\n")
    message = refused(tables_copy)
    assert str(path) in message and "states.UA.left.efective: unknown key" in message


def test_unknown_key_in_a_pair_row_is_refused(tables_copy):
    path = tables_copy / "data" / "minsk-1993.yaml"
    edit(path, "  - states: [UA, RU]\n", "  - states: [UA, RU]\n    until: 2023-01-01\n")
    message = refused(tables_copy)
    assert str(path) in message and "pairs.0.until: unknown key" in message


def test_a_withdrawal_before_the_state_joined_is_refused(tables_copy):
    path = tables_copy / "data" / "minsk-1993.yaml"
    edit(path, "      date: 2023-12-29\n", "      date: 2020-01-01\n")
    message = refused(tables_copy)
    assert str(path) in message and "states.UA" in message
    assert "left.date 2020-01-01 is not after party_by 2022-12-01" in message


def test_a_suspension_before_the_relation_began_is_refused(tables_copy):
    path = tables_copy / "data" / "hague-2007.yaml"
    edit(path, "    in_force_earliest: 2024-05-14\n",
         "    in_force_earliest: 2024-05-14\n    suspended: {date: 2024-01-01, source: x, confidence: LIKELY}\n")
    message = refused(tables_copy)
    assert str(path) in message and "pairs.0" in message
    assert "suspended.date 2024-01-01 is not after in_force 2024-07-02" in message


def test_entry_into_force_before_the_earliest_date_is_refused(tables_copy):
    path = tables_copy / "data" / "hague-1980.yaml"
    edit(path, "    in_force_earliest: 2013-09-01\n    in_force: 2019-12-01\n",
         "    in_force_earliest: 2020-09-01\n    in_force: 2019-12-01\n")
    message = refused(tables_copy)
    assert str(path) in message and "in_force 2019-12-01 is not after in_force_earliest 2020-09-01" in message


def test_a_non_party_with_a_withdrawal_is_refused(tables_copy):
    path = tables_copy / "data" / "new-york-1956.yaml"
    edit(path, "    source: \"UN status of the Convention (scrape of 2 Feb 2022): Russia not listed\"\n",
         "    source: \"UN status of the Convention (scrape of 2 Feb 2022): Russia not listed\"\n"
         "    left: {date: 2020-01-01, source: x, confidence: LIKELY}\n")
    message = refused(tables_copy)
    assert str(path) in message and "states.RU" in message and "party: false" in message


def test_an_opt_in_pair_row_must_date_the_acceptance(tables_copy):
    path = tables_copy / "data" / "hague-1980.yaml"
    edit(path, "    in_force_earliest: 2001-02-01\n", "", count=7)
    message = refused(tables_copy)
    assert str(path) in message and "pairs[0]" in message and "needs in_force or in_force_earliest" in message


def test_no_rules_data_file_cites_the_project_research_notes():
    # Tables cite public sources; the research summary is docs/treaty-tables.md.
    for path in sorted((RULES / "data").iterdir()):
        text = path.read_text(encoding="utf-8")
        assert "shared/" not in text and "legal-sources" not in text and "legal-review" not in text, path.name


# --- law versions: checked when the rule file loads ------------------------------------------

@pytest.mark.parametrize("old, new, message", [
    ("      from: 2015-01-01\n", "      from: 2015-01-02\n", "must be the day after the previous version's `until`"),  # a gap
    ("      from: 2015-01-01\n", "      from: 2014-12-31\n", "must be the day after the previous version's `until`"),  # an overlap
    ("  selected_by: [offence_date]\n", "  selected_by: [offence]\n", "'offence' is not a date fact or as_of"),
    ("      sources: [cc-art72-8, cc-2014-enactment, constitution-77]\n", "      sources: [cc-art72-8, nowhere]\n",
     "unknown source 'nowhere'"),
    ("      confidence: LIKELY\n", "      confidence: LIKELY\n      valid_for: all\n", "unknown key"),  # a misplaced key is never ignored
    ("    - id: cc-2014\n", "    - id: cc-1997\n", "two versions share an id"),
])
def test_law_versions_are_checked_at_load(tmp_path, old, new, message):
    folder = copy_rules(tmp_path, only=[PAROLE])
    edit(folder / f"{PAROLE}.yaml", old, new)
    with pytest.raises(RuleFileError) as caught:
        fresh(folder)
    assert message in str(caught.value) and f"{PAROLE}.yaml" in str(caught.value)


def test_rules_show_lists_the_versions_of_the_law():
    from creval.render.rules_view import describe

    shown = describe(bundled().tests[PAROLE])
    assert "Versions of the law (selected by the first known of: offence_date):" in shown
    assert "  cc-1997 (... - 2014-12-31): " in shown and "  cc-2014 (2015-01-01 - ...): " in shown
    assert "[not found in an official source]" in shown and "Assumes: For an adult's offence before 1 January 2015" in shown


@pytest.mark.parametrize("broken, line, says", [
    ("broken: [a, b\n", 2, "while parsing a flow sequence"),  # where the [ opened
    ("\ttab: 1\n", 2, "found character '\\t' that cannot start any token"),
])
def test_a_rule_file_that_is_not_yaml_is_named_with_its_line(tmp_path, broken, line, says):
    """A rule author sees where the file breaks: file, line and the parser's words."""
    folder = copy_rules(tmp_path, ["conscription"])
    path = folder / "conscription.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(lines[0] + broken + "".join(lines[1:]), encoding="utf-8")
    message = refused(folder)
    assert message.startswith(f"{path}:{line}: not valid YAML: ") and says in message
