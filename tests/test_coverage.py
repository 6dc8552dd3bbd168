"""`creval coverage`: the outcomes and criterion states a pack exercises, and its gaps."""

from __future__ import annotations

import json

import pytest

from trainers import CONSCRIPTION, HAGUE, HAGUE_OUTCOMES, conscription, hague, run, trainer_rules, trainer_rules_dir, write  # noqa: F401

CRITERIA = ["international-removal", "states-party", "child-under-16", "rights-breached", "within-one-year",
            "no-exception-established"]


@pytest.fixture
def pack(tmp_path):
    """Three Hague scenarios: return-forthwith, not-applicable (no international removal),
    undetermined (removal date unknown); and one conscription scenario."""
    folder = tmp_path / "pack"
    write(folder, "forthwith.yaml", hague("cov-forthwith"))
    write(folder, "internal.yaml", hague("cov-internal", taken_to="KZ"))
    write(folder, "no-date.yaml", hague("cov-no-date", removal_date=None, proceedings_date=None))
    write(folder, "call-up.yaml", conscription("cov-call-up"))
    return folder


def test_text_lists_what_the_pack_misses(run, pack):
    result = run("coverage", pack)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert f"Coverage of {pack}; scenarios: 4" in out
    hague_part = out[out.index(f"{HAGUE}:"):]
    hague_part = hague_part[:hague_part.index(f"\n{CONSCRIPTION}:")] if f"\n{CONSCRIPTION}:" in hague_part else hague_part
    assert "(scenarios: 3)" in hague_part
    gaps = hague_part[hague_part.index("missing ("):]
    for outcome in ("access-only", "return-may-be-refused", "return-unless-settled"):
        assert f"- outcome {outcome}: no scenario" in gaps
    for outcome in ("return-forthwith", "not-applicable", "undetermined"):
        assert f"outcome {outcome}:" not in gaps
    assert "- criterion within-one-year: never unmet" in gaps
    assert "- criterion within-one-year: never met" not in gaps
    assert "- criterion within-one-year: never unknown" not in gaps  # the scenario without a removal date
    assert "- criterion international-removal: never unknown" in gaps
    assert "- criterion international-removal: never unmet" not in gaps  # the internal removal
    assert "- criterion rights-breached: never unmet" in gaps
    # the table rows: outcome counts, and met / unmet / unknown per criterion
    assert "    access-only                       0  MISSING" in hague_part
    assert "    return-forthwith                  1" in hague_part
    assert "    international-removal       2      1        -" in hague_part
    assert "    within-one-year             2      -        1" in hague_part


def test_tests_without_scenarios_are_named(run, tmp_path):
    folder = tmp_path / "only-hague"
    write(folder, "forthwith.yaml", hague("cov-forthwith"))
    result = run("coverage", folder)
    assert result.exit_code == 0
    assert f"Tests with no scenario in this pack: {CONSCRIPTION}" in result.stdout


def test_json_lists_scenarios_per_outcome_and_state_and_the_gaps(run, pack):
    result = run("coverage", pack, "--format", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["scenarios"] == 4 and doc["pack"] == [str(pack)] and doc["rules_digest"].startswith("sha256:")
    tests = {t["test"]: t for t in doc["tests"]}
    assert set(tests) == {HAGUE, CONSCRIPTION}
    h = tests[HAGUE]
    assert h["scenarios"] == 3
    assert list(h["outcomes"]) == HAGUE_OUTCOMES
    assert h["outcomes"]["return-forthwith"] == ["cov-forthwith"]
    assert h["outcomes"]["not-applicable"] == ["cov-internal"]
    assert h["outcomes"]["undetermined"] == ["cov-no-date"]
    assert h["criteria"]["international-removal"] == {"met": ["cov-forthwith", "cov-no-date"], "unmet": ["cov-internal"], "unknown": []}
    assert h["missing"]["outcomes"] == ["access-only", "return-may-be-refused", "return-unless-settled"]
    missing_states = {(m["criterion"], m["status"]) for m in h["missing"]["criteria"]}
    assert ("within-one-year", "unmet") in missing_states
    assert ("international-removal", "unknown") in missing_states
    assert ("international-removal", "unmet") not in missing_states
    assert ("within-one-year", "unknown") not in missing_states
    c = tests[CONSCRIPTION]
    assert c["outcomes"]["subject-to-conscription"] == ["cov-call-up"]
    assert set(c["missing"]["outcomes"]) == {"not-subject", "under-age", "over-age", "undetermined", "exempt", "deferred"}
    assert {m["status"] for m in c["missing"]["criteria"]} == {"unmet", "unknown"}


def test_test_option_limits_the_report(run, tmp_path):
    folder = tmp_path / "conscription"
    write(folder, "a.yaml", conscription("c-subject"))
    result = run("coverage", folder, "--test", CONSCRIPTION)
    assert result.exit_code == 0
    assert f"{CONSCRIPTION}: Call-up" in result.stdout
    assert HAGUE not in result.stdout
    doc = json.loads(run("coverage", folder, "--test", CONSCRIPTION, "--format", "json").stdout)
    assert [t["test"] for t in doc["tests"]] == [CONSCRIPTION]


def test_bad_file_is_named_and_the_rest_is_still_covered(run, pack):
    write(pack, "broken.yaml", "id: broken\nfacts: [1\n")
    result = run("coverage", pack, "--format", "json")
    assert result.exit_code == 2
    assert "broken.yaml" in result.stderr
    assert json.loads(result.stdout)["scenarios"] == 4


def test_unknown_test_and_format_are_usage_errors(run, pack):
    assert run("coverage", pack, "--test", "nope").exit_code == 2
    assert run("coverage", pack, "--format", "markdown").exit_code == 2


def test_russian_table(run, pack):
    out = run("coverage", pack, "--lang", "ru").stdout
    assert "критерий within-one-year: нет сценария, где он не выполнен" in out
    assert "результат access-only: нет сценария" in out
