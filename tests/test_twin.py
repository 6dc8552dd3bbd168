"""`creval twin`: scenarios one day before and on each key date of a test."""

from __future__ import annotations

import shutil
from datetime import date, timedelta

import pytest
from ruamel.yaml import YAML

from trainers import CONSCRIPTION, HAGUE, conscription, hague, run, trainer_rules, trainer_rules_dir, write  # noqa: F401

# Removal 2024-06-15, proceedings 2025-06-14 (the day before the year ends), child born 2017-08-03:
# key dates: child-attains-16 on 2033-08-03 (moves as_of), one-year-after-removal on 2025-06-15
# (moves proceedings_date).
SOURCE = hague("tw-dana", removal_date="2024-06-15", proceedings_date="2025-06-14",
               narrative="Dana was kept in Novosibirsk after a summer visit.", expected="return-forthwith")


def load(path):
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def d(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


@pytest.fixture
def source(tmp_path):
    return write(tmp_path / "src", "dana.yaml", SOURCE)


def by_note(out):
    """The twins written in `out`, keyed by what their teaching note says: (event, side)."""
    found = {}
    for path in out.iterdir():
        text = path.read_text(encoding="utf-8")
        note = next(line for line in text.splitlines() if line.startswith("# Teaching note:"))
        event = note.split("key date ")[1].split(" ")[0]
        side = "before" if "one day before it" in note else "on"
        found[(event, side)] = (path, load(path), text)
    return found


def test_twins_sit_one_day_each_side_of_every_key_date(run, source, tmp_path):
    out = tmp_path / "twins"
    result = run("twin", source, "--test", HAGUE, "--out", out)
    assert result.exit_code == 0, result.stderr
    # neutral names: numbered, in an order that does not follow before/on
    assert sorted(p.name for p in out.iterdir()) == [f"tw-dana-t{n}.yaml" for n in (1, 2, 3, 4)]
    twins = by_note(out)
    assert set(twins) == {(e, s) for e in ("child-attains-16", "one-year-after-removal") for s in ("before", "on")}
    docs = {key: doc for key, (_, doc, _) in twins.items()}
    for key, (path, doc, text) in twins.items():
        assert doc["id"] == path.stem
        assert doc["facts"]["abduction"]["removal_date"] in ("2024-06-15", date(2024, 6, 15))
        # nothing a trainee sees names the threshold or the side
        shown = " ".join([doc["id"], doc["title"], doc["narrative"]])
        for word in ("before", "on the day", "child-attains-16", "one-year-after-removal", "threshold", "Twin"):
            assert word not in shown, (word, shown)
        assert doc["title"] == f"Return of a wrongfully removed or retained child (Hague Convention 1980): variant {doc['id'][-1]}"
        # the note sits on the answer key
        lines = text.splitlines()
        assert lines[lines.index("expected:") - 1].startswith("# Teaching note: hague-abduction-return, key date ")

    # one-year-after-removal: proceedings_date moves, as_of stays
    before, on = docs[("one-year-after-removal", "before")], docs[("one-year-after-removal", "on")]
    assert d(on["facts"]["abduction"]["proceedings_date"]) == date(2025, 6, 15)
    assert d(before["facts"]["abduction"]["proceedings_date"]) == date(2025, 6, 14)
    assert d(before["as_of"]) == d(on["as_of"]) == date(2025, 9, 1)
    assert before["expected"] == {HAGUE: "return-forthwith"}
    assert on["expected"] == {HAGUE: "return-unless-settled"}

    # child-attains-16: the assessment date moves, the facts stay
    before, on = docs[("child-attains-16", "before")], docs[("child-attains-16", "on")]
    assert d(on["as_of"]) == date(2033, 8, 3) and d(before["as_of"]) == date(2033, 8, 2)
    assert d(before["facts"]["abduction"]["proceedings_date"]) == date(2025, 6, 14)
    assert before["expected"] == {HAGUE: "return-forthwith"}
    assert on["expected"] == {HAGUE: "not-applicable"}
    # the story names no date the twins change, so it is kept
    assert before["narrative"].strip() == "Dana was kept in Novosibirsk after a summer visit."
    note = twins[("child-attains-16", "before")][2]
    assert "key date child-attains-16 (2033-08-03); as_of = 2033-08-02 is one day before it." in note

    # stdout names every file written with its outcome; nothing on stderr
    assert result.stdout.count("wrote ") == 4
    assert "proceedings_date = 2025-06-15, hague-abduction-return: return-unless-settled" in result.stdout
    assert result.stderr == ""

    # the written files load and verify
    verified = run("verify", out)
    assert verified.exit_code == 0, verified.stdout + verified.stderr
    assert verified.stdout.strip().endswith("4 passed, 0 failed")


def test_a_one_test_scenario_needs_no_test_option_and_a_several_test_one_names_them(run, source, tmp_path):
    out = tmp_path / "twins"
    result = run("twin", source, "--out", out)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == [f"tw-dana-t{n}.yaml" for n in (1, 2, 3, 4)]
    several = tmp_path / "several.yaml"
    several.write_text(source.read_text(encoding="utf-8").replace("facts:\n", "facts:\n  conscription: {}\n", 1),
                       encoding="utf-8")
    result = run("twin", several, "--out", tmp_path / "other")
    assert result.exit_code == 2
    assert "choose one with --test" in result.stderr and CONSCRIPTION in result.stderr


def test_the_order_is_stable_and_does_not_follow_the_side(run, source, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    assert run("twin", source, "--test", HAGUE, "--out", first).exit_code == 0
    assert run("twin", source, "--test", HAGUE, "--out", second).exit_code == 0
    assert {k: p.name for k, (p, _, _) in by_note(first).items()} == {k: p.name for k, (p, _, _) in by_note(second).items()}
    sides = [side for (_, side), _ in sorted(by_note(first).items(), key=lambda item: item[1][0].name)]
    assert sides != ["before", "on", "before", "on"] and sides != ["on", "before", "on", "before"]


@pytest.mark.parametrize("lang, says, facts_word, aged_says", [
    ("en", "The case is assessed on 2025-09-01.", "What is known:", "The case is assessed on 2033-08-03."),
    ("ru", "Дело оценивается на 1 сентября 2025\u00a0г.", "Что известно:", "Дело оценивается на 3 августа 2033\u00a0г."),
    ("kk", "Іс 2025 жылғы 1 қыркүйектегі жағдай бойынша бағаланады.", "Белгілі мәліметтер:",
     "Іс 2033 жылғы 3 тамыздағы жағдай бойынша бағаланады."),
])
def test_a_story_that_names_a_moved_date_is_replaced_by_the_facts_in_words(run, tmp_path, lang, says, facts_word, aged_says):
    text = hague("tw-dated", removal_date="2024-06-15", proceedings_date="2025-06-14",
                 narrative="Proceedings were filed on 2025-06-14, a day short of the year.")
    source = write(tmp_path, "dated.yaml", text)
    out = tmp_path / "twins"
    result = run("twin", source, "--test", HAGUE, "--out", out, "--lang", lang)
    assert result.exit_code == 0, result.stderr
    twins = {}
    for path in out.iterdir():
        doc = load(path)
        twins[d(doc["facts"]["abduction"]["proceedings_date"]), d(doc["as_of"])] = doc
    moved = twins[(date(2025, 6, 15), date(2025, 9, 1))]
    assert "2025-06-14" not in moved["narrative"] and "a day short" not in moved["narrative"]
    assert moved["narrative"].startswith(says + "\n" + facts_word)
    assert "2025-06-15" in moved["narrative"]
    # a twin that moves only the assessment date still names 2025 in the story: replaced too
    aged = twins[(date(2025, 6, 14), date(2033, 8, 3))]
    assert aged["narrative"].startswith(aged_says)


def test_existing_files_are_refused_unless_forced(run, source, tmp_path):
    out = tmp_path / "twins"
    assert run("twin", source, "--test", HAGUE, "--out", out).exit_code == 0
    target = by_note(out)[("one-year-after-removal", "on")][0]
    target.write_text("# the trainer's edits\n", encoding="utf-8")
    refused = run("twin", source, "--test", HAGUE, "--out", out)
    assert refused.exit_code == 2
    assert f"{target}: exists; give --force to overwrite" in refused.stderr
    assert target.read_text(encoding="utf-8") == "# the trainer's edits\n"
    assert refused.stdout == ""
    forced = run("twin", source, "--test", HAGUE, "--out", out, "--force")
    assert forced.exit_code == 0
    assert load(target)["expected"] == {HAGUE: "return-unless-settled"}


def test_default_output_folder_is_the_current_one(run, source, tmp_path, monkeypatch):
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    assert run("twin", source, "--test", HAGUE).exit_code == 0
    assert len(list(here.glob("tw-dana-t*.yaml"))) == 4


def test_a_variant_that_would_be_invalid_is_skipped_with_a_warning(run, trainer_rules_dir, tmp_path, monkeypatch):
    """With a rule whose 16th birthday is crossed by the removal date, the variants would
    have proceedings before the removal: both are skipped, the one-year twins are written."""
    rules = tmp_path / "rules"
    shutil.copytree(trainer_rules_dir, rules)
    path = rules / f"{HAGUE}.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("    moves: as_of\n") == 1
    path.write_text(text.replace("    moves: as_of\n", "    moves: removal_date\n"), encoding="utf-8")
    monkeypatch.setenv("CREVAL_RULES", str(rules))
    source = write(tmp_path, "dana.yaml", SOURCE)
    out = tmp_path / "twins"
    result = run("twin", source, "--test", HAGUE, "--out", out)
    assert result.exit_code == 0, result.stderr
    warnings = [l for l in result.stderr.splitlines() if l]
    assert len(warnings) == 2
    assert all("skipped tw-dana (child-attains-16, " in w and "proceedings commence before the removal" in w for w in warnings)
    assert sorted(p.name for p in out.iterdir()) == ["tw-dana-t1.yaml", "tw-dana-t2.yaml"]
    assert {event for event, _ in by_note(out)} == {"one-year-after-removal"}


def test_key_date_that_cannot_be_computed_gives_a_warning(run, tmp_path):
    source = write(tmp_path, "no-birth.yaml", hague("tw-no-birth", child_birth_date=None))
    out = tmp_path / "twins"
    result = run("twin", source, "--test", HAGUE, "--out", out)
    assert result.exit_code == 0
    assert "key date child-attains-16 cannot be computed" in result.stderr
    assert len(list(out.iterdir())) == 2


def test_pair_with_the_same_outcome_is_flagged(run, tmp_path):
    # an internal removal is not-applicable on both sides of every key date
    source = write(tmp_path, "internal.yaml", hague("tw-internal", taken_to="KZ"))
    result = run("twin", source, "--test", HAGUE, "--out", tmp_path / "twins")
    assert result.exit_code == 0
    assert "is not-applicable on both sides of one-year-after-removal (2026-06-15)" in result.stderr


def test_conscription_twins_move_the_assessment_date(run, tmp_path):
    source = write(tmp_path, "c.yaml", conscription("tw-call-up", birth="2000-02-29"))
    out = tmp_path / "twins"
    result = run("twin", source, "--test", CONSCRIPTION, "--out", out)
    assert result.exit_code == 0, result.stderr
    docs = {key: doc for key, (_, doc, _) in by_note(out).items()}
    # 29 February: the 18th and 27th birthdays fall on 28 February in common years
    assert d(docs[("attains-18", "on")]["as_of"]) == date(2018, 2, 28)
    assert docs[("attains-18", "before")]["expected"] == {CONSCRIPTION: "under-age"}
    assert docs[("attains-18", "on")]["expected"] == {CONSCRIPTION: "subject-to-conscription"}
    assert d(docs[("attains-27", "before")]["as_of"]) == date(2027, 2, 27)
    assert docs[("attains-27", "on")]["expected"] == {CONSCRIPTION: "over-age"}
    assert run("verify", out).exit_code == 0


@pytest.mark.parametrize("args, message", [
    (["--test", "nope"], "--test: unknown test nope"),
    (["--test", CONSCRIPTION], "the scenario has no conscription matter"),
])
def test_usage_errors(run, source, tmp_path, args, message):
    result = run("twin", source, *args, "--out", tmp_path / "twins")
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / "twins").exists()


def test_bad_scenario_and_folder_are_refused(run, tmp_path):
    bad = write(tmp_path, "bad.yaml", hague("tw-bad", removal_date="2025-02-30"))
    result = run("twin", bad, "--test", HAGUE, "--out", tmp_path / "twins")
    assert result.exit_code == 2
    assert "bad.yaml:" in result.stderr and "removal_date" in result.stderr
    folder = run("twin", tmp_path, "--test", HAGUE, "--out", tmp_path / "twins")
    assert folder.exit_code == 2 and "expected one scenario file" in folder.stderr


def test_nothing_to_write_is_an_error(run, tmp_path):
    source = write(tmp_path, "bare.yaml", hague("tw-bare", child_birth_date=None, removal_date=None, proceedings_date=None))
    result = run("twin", source, "--test", HAGUE, "--out", tmp_path / "twins")
    assert result.exit_code == 2
    assert "no twins to write for hague-abduction-return" in result.stderr
    assert not (tmp_path / "twins").exists()
