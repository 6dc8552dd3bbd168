"""`--format markdown` as a decision memo: outcome, criteria, assumptions, facts still needed,
key dates, caveats, and a stamp (creval version, rules digest, assessment date, scenario
digest) that lets anyone reproduce it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from creval.cli import app
from creval.law.rulebook import load
from helpers import copy_rules

REPO = Path(__file__).resolve().parents[1]
HAGUE = "hague-abduction-return"
PAROLE = "parole-three-quarters"


def pin(folder: Path, *tests: str) -> Path:
    return copy_rules(folder, list(tests))


@pytest.fixture(scope="module")
def pinned_rules(tmp_path_factory) -> Path:
    return pin(tmp_path_factory.mktemp("rules-memo"), HAGUE)


@pytest.fixture(autouse=True)
def _rules(pinned_rules, monkeypatch):
    monkeypatch.setenv("CREVAL_RULES", str(pinned_rules))


# Removal date unknown: undetermined, with removal_date still needed.
UNDETERMINED = """\
id: memo-undetermined
title: Boy taken to Russia, date of removal not yet known
as_of: 2026-03-01
facts:
  abduction:
    child_birth_date: 2015-04-02
    habitual_residence: KZ
    taken_to: RU
    left_behind_right: custody
    rights_exercised: true
"""

# Everything needed for return-forthwith; proceedings and defences not stated.
DECIDED = UNDETERMINED.replace("id: memo-undetermined", "id: memo-decided").replace(
    "    left_behind_right", "    removal_date: 2025-09-10\n    left_behind_right")


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def run(*args):
    return CliRunner().invoke(app, [*map(str, args)])


def memo(path: Path, *extra: str) -> str:
    result = run("check", path, "--format", "markdown", *extra)
    assert result.exit_code == 0, result.output
    return result.stdout


def section(text: str, title: str) -> str:
    """The body of a `### title` (or `## title`) section."""
    after = text.split(f"# {title}\n", 1)[1]
    return after.split("\n#", 1)[0]


def canonical_digest(path: Path, book) -> str:
    from creval.input.loader import load_file

    loaded = load_file(path, book)
    data = loaded.scenario.model_dump(mode="json", exclude_none=True)
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_stamp_names_version_rules_digest_date_and_scenario_digest(tmp_path, pinned_rules):
    from creval import __version__
    from creval.law.rulebook import load

    book = load(pinned_rules)
    path = write(tmp_path, "case.yaml", DECIDED)
    stamp = section(memo(path), "Stamp")
    assert f"creval version: {__version__}" in stamp
    assert f"Rules digest: `{book.digest}`" in stamp
    assert "Assessment date: 2026-03-01" in stamp
    assert f"Scenario digest: `{canonical_digest(path, book)}`" in stamp
    assert "creval check --as-of 2026-03-01 --lang en --format markdown" in stamp  # the language and format kept


def test_scenario_digest_is_of_the_content_not_the_file(tmp_path):
    yaml_path = write(tmp_path, "a.yaml", DECIDED)
    reordered = {"facts": {"abduction": {
        "rights_exercised": True, "left_behind_right": "custody", "removal_date": "2025-09-10", "taken_to": "RU",
        "habitual_residence": "KZ", "child_birth_date": "2015-04-02", "proceedings_date": None}},
        "as_of": "2026-03-01", "title": "Boy taken to Russia, date of removal not yet known", "id": "memo-decided"}
    json_path = write(tmp_path, "b.json", json.dumps(reordered))
    changed = write(tmp_path, "c.yaml", DECIDED.replace("2025-09-10", "2025-09-11"))
    digests = [json.loads(run("check", p, "--format", "json").stdout)["scenario_digest"] for p in (yaml_path, json_path, changed)]
    assert digests[0] == digests[1]  # key order, format and explicit nulls do not matter
    assert digests[0] != digests[2]


def test_assumptions_say_how_absent_facts_were_treated(tmp_path):
    text = memo(write(tmp_path, "case.yaml", DECIDED))
    assert "**Outcome: `return-forthwith`.**" in text
    assumed = section(text, "Assumptions")
    assert "Proceedings not yet commenced: assessed as if commenced on the assessment date, 2026-03-01." in assumed
    for defence in ("consent_or_acquiescence", "grave_risk", "child_objects", "settled_in_new_environment"):
        assert f"`{defence}` not stated: treated as not established" in assumed
    assert "`convention_in_force` not stated: the treaty tables in the rules decided instead." in assumed
    assert "`removal_date`" not in assumed  # stated
    assert section(text, "Facts still needed").strip() == "None: the facts given decide the outcome."


def test_facts_still_needed_and_key_dates(tmp_path):
    text = memo(write(tmp_path, "case.yaml", UNDETERMINED))
    assert "**Outcome: `undetermined`.**" in text
    asked = load(None).tests["hague-abduction-return"].rule.facts["removal_date"].question.en
    assert f"- {asked} (`removal_date`)" in section(text, "Facts still needed").splitlines()  # asked, code beside
    assert "removal_date" not in section(text, "Assumptions")  # unknown is not an assumption: it is missing
    assert "**2031-04-02** `child-attains-16`" in section(text, "Key dates")
    assert "HCCH status table" in section(text, "Caveats")


def test_every_criterion_with_reason_and_source(tmp_path):
    text = memo(write(tmp_path, "case.yaml", DECIDED))
    table = section(text, "Criteria")
    assert "| Criterion | Status | Reason | Source |" in table
    for criterion in ("international-removal", "states-party", "child-under-16", "rights-breached",
                      "within-one-year", "no-exception-established"):
        row = next(line for line in table.splitlines() if f"(`{criterion}`)" in line)
        assert row.count(" | ") == 3 and "Hague Child Abduction Convention 1980" in row


def test_memo_is_reproducible(tmp_path):
    path = write(tmp_path, "case.yaml", DECIDED)
    assert memo(path) == memo(path)


def test_memo_in_kazakh_and_russian(tmp_path):
    path = write(tmp_path, "case.yaml", UNDETERMINED)
    ru = memo(path, "--lang", "ru")
    assert "## Отметка для воспроизведения" in ru and "### Допущения" in ru and "### Недостающие факты" in ru
    assert "Хеш правил" in ru
    kk = memo(path, "--lang", "kk")
    assert "### Болжамдар" in kk and "Сценарий хеші" in kk


def test_json_carries_the_digest_and_structured_assumptions(tmp_path):
    payload = json.loads(run("check", write(tmp_path, "case.yaml", DECIDED), "--format", "json").stdout)
    assert payload["scenario_digest"].startswith("sha256:")
    assumed = {a["fact"]: a for a in payload["results"][0]["assumptions"]}
    assert assumed["proceedings_date"]["treated_as"] == "as_of"
    assert assumed["proceedings_date"]["value"] == "2026-03-01"
    assert assumed["grave_risk"]["treated_as"] == "not_established"


def test_credited_days_not_stated_are_missing_not_assumed(tmp_path_factory, monkeypatch, tmp_path):
    monkeypatch.setenv("CREVAL_RULES", str(pin(tmp_path_factory.mktemp("rules-parole"), PAROLE)))
    base = """\
id: parole-memo
as_of: 2026-03-01
facts:
  parole:
    offence: sexual_offence_against_minor
    offender_was_minor: false
    offence_date: 2014-06-01
    sentence_start: 2020-03-01
    term: {years: 8, months: 0, days: 0}
"""
    text = memo(write(tmp_path, "p.yaml", base))
    assert "**Outcome: `undetermined`.**" in text  # days credited before 2020 could end the sentence earlier
    asked = load(None).tests["parole-three-quarters"].rule.facts["credited_days"].question.en
    assert f"- {asked} (`credited_days`)" in section(text, "Facts still needed").splitlines()
    assert "credited_days" not in section(text, "Assumptions")
    stated = memo(write(tmp_path, "q.yaml", base + "    credited_days: 0\n"))
    assert "**Outcome: `eligible`.**" in stated
    assert "credited_days" not in section(stated, "Assumptions")
    assert "three-quarters rule; its basis in the 1997 Criminal Code was not verified" in section(stated, "Assumptions")


def test_the_digest_from_the_scenario_facts_equals_the_canonical_json_for_every_bundled_scenario():
    """Evaluator.scenario passes the facts it already holds; the digest must not change."""
    from creval.input.loader import find_files, load_file
    from creval.core.facts import scenario_digest
    from creval.input.scenario import matter_facts
    from helpers import bundled

    book = bundled()  # every matter, not the module's pinned rules
    files, _ = find_files([str(Path(__file__).resolve().parents[1] / "scenarios")])
    checked = 0
    for path in files:
        scenario = load_file(path, book).scenario
        if scenario is None:
            continue
        assert scenario_digest(scenario, matter_facts(scenario)) == scenario_digest(scenario) == canonical_digest(path, book), path
        checked += 1
    assert checked > 100
