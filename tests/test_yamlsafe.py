"""The parsed-YAML cache gives back exactly what parsing gives, and is only ever a shortcut:
an entry that does not verify (edited, odd, a link, a FIFO) is ignored and rebuilt, and a
rule file beyond the bounds (an alias bomb, deep nesting, a FIFO) is refused with its name."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from creval.core import yamlsafe
from creval.law.rulebook import RuleBook, RuleFileError

REPO = Path(__file__).resolve().parents[1]


def parse(path: Path):
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CREVAL_CACHE_DIR", str(folder))
    monkeypatch.setattr(yamlsafe._Store, "_opened", {})  # the key is read once per process and folder
    return folder


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.entry"))


def test_every_rule_file_comes_back_identical_from_the_cache(cache, tmp_path):
    shutil.copytree(REPO / "rules", tmp_path / "rules")
    files = sorted((tmp_path / "rules").rglob("*.yaml"))
    assert files
    for path in files:
        first = yamlsafe.safe_load(path)  # parsed, then stored
        second = yamlsafe.safe_load(path)  # from the cache
        assert first == second == parse(path), path
    assert len(entries(cache)) == len({p.read_text(encoding="utf-8") for p in files})


def test_dates_and_odd_values_survive(cache, tmp_path):
    path = tmp_path / "odd.yaml"
    path.write_text('a: 2024-02-29\nb: {"$date": x}\nc: [1, 2.5, true, null, "é"]\nd: {$date: 2020-01-01}\n',
                    encoding="utf-8")
    assert yamlsafe.safe_load(path) == yamlsafe.safe_load(path) == parse(path)
    assert yamlsafe.safe_load(path)["a"] == date(2024, 2, 29)


def test_uncacheable_data_is_parsed_every_time(cache, tmp_path):
    path = tmp_path / "keys.yaml"
    path.write_text("1: one\n2024-01-01 10:00:00: stamp\nx: .inf\n", encoding="utf-8")
    assert yamlsafe.safe_load(path) == parse(path)
    assert not entries(cache)  # integer keys, datetimes and infinities are not stored


def test_an_edited_file_is_parsed_again(cache, tmp_path):
    path = tmp_path / "rule.yaml"
    path.write_text("value: 16\n", encoding="utf-8")
    assert yamlsafe.safe_load(path) == {"value": 16}
    path.write_text("value: 17\n", encoding="utf-8")
    assert yamlsafe.safe_load(path) == {"value": 17}


def test_a_corrupt_entry_is_ignored_and_replaced(cache, tmp_path):
    path = tmp_path / "rule.yaml"
    path.write_text("value: [1, 2]\n", encoding="utf-8")
    yamlsafe.safe_load(path)
    (entry,) = entries(cache)
    good = entry.read_bytes()
    entry.write_text("{not json", encoding="utf-8")
    assert yamlsafe.safe_load(path) == {"value": [1, 2]}
    assert entry.read_bytes() == good


def test_parse_errors_propagate_and_nothing_is_cached(cache, tmp_path):
    from ruamel.yaml.error import YAMLError

    path = tmp_path / "bad.yaml"
    path.write_text("a: [1, 2\n", encoding="utf-8")
    with pytest.raises(YAMLError):
        yamlsafe.safe_load(path)
    assert not entries(cache)


def test_the_cache_can_be_turned_off_or_be_unwritable(tmp_path, monkeypatch):
    path = tmp_path / "rule.yaml"
    path.write_text("value: 1\n", encoding="utf-8")
    monkeypatch.setenv("CREVAL_CACHE_DIR", "off")
    assert yamlsafe.cache_dir() is None and yamlsafe.safe_load(path) == {"value": 1}
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("CREVAL_CACHE_DIR", str(blocker / "cache"))
    assert yamlsafe.safe_load(path) == {"value": 1}


# ------------------------------------------------------------------ entries are verified, never trusted

HAGUE = "hague-abduction-return"
ON_16TH_BIRTHDAY = (REPO / "scenarios" / "hague" / "16th-birthday-day-before.yaml").read_text(
    encoding="utf-8").replace("as_of: 2026-05-19", "as_of: 2026-05-20")


def hague_rules(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    shutil.copy(REPO / "rules" / f"{HAGUE}.yaml", folder)
    shutil.copytree(REPO / "rules" / "data", folder / "data")
    return folder


def hague_entry(cache: Path) -> Path:
    (entry,) = [e for e in entries(cache) if b'"age_limit": {"value": 16' in e.read_bytes()]
    return entry


def test_an_edited_entry_changes_nothing_and_is_rebuilt(cache, tmp_path):
    """The attack: age_limit 16 -> 30 in the cached entry. The entry no longer verifies."""
    rules = hague_rules(tmp_path)
    first = RuleBook(rules)
    entry = hague_entry(cache)
    good = entry.read_bytes()
    entry.write_bytes(good.replace(b'"age_limit": {"value": 16', b'"age_limit": {"value": 30'))
    again = RuleBook(rules)
    assert again.tests[HAGUE].params["age_limit"] == 16 and again.digest == first.digest
    assert entry.read_bytes() == good  # parsed again and stored again


def test_an_entry_with_its_own_digest_recomputed_is_still_refused(cache, tmp_path):
    """A checksum an attacker can recompute proves nothing: the HMAC needs the key."""
    import hashlib

    rules = hague_rules(tmp_path)
    RuleBook(rules)
    entry = hague_entry(cache)
    header, _, blob = entry.read_bytes().partition(b"\n")
    blob = blob.replace(b'"age_limit": {"value": 16', b'"age_limit": {"value": 30')
    forged = yamlsafe._HEADER + hashlib.sha256(blob).hexdigest().encode() + b"\n" + blob
    entry.write_bytes(forged)
    assert RuleBook(rules).tests[HAGUE].params["age_limit"] == 16


def test_an_entry_moved_to_another_files_name_is_refused(cache, tmp_path):
    one, two = tmp_path / "one.yaml", tmp_path / "two.yaml"
    one.write_text("value: 1\n", encoding="utf-8")
    two.write_text("value: 2\n", encoding="utf-8")
    yamlsafe.safe_load(one)
    (entry_one,) = entries(cache)
    yamlsafe.safe_load(two)
    (entry_two,) = [e for e in entries(cache) if e != entry_one]
    shutil.copy(entry_one, entry_two)  # a valid entry, under the wrong name
    assert yamlsafe.safe_load(two) == {"value": 2}


@pytest.mark.parametrize("odd", ["empty mapping", "deep", "fifo", "link to /dev/zero", "folder", "huge"])
def test_odd_entries_are_ignored(cache, tmp_path, odd):
    rules = hague_rules(tmp_path)
    RuleBook(rules)
    entry = hague_entry(cache)
    entry.unlink()
    if odd == "empty mapping":
        entry.write_text("{}", encoding="utf-8")
    elif odd == "deep":
        entry.write_bytes(yamlsafe._HEADER + b"0" * 64 + b"\n" + b"[" * 200_000 + b"]" * 200_000)
    elif odd == "fifo":
        os.mkfifo(entry)
    elif odd == "link to /dev/zero":
        entry.symlink_to("/dev/zero")
    elif odd == "folder":
        entry.mkdir()
    else:
        with entry.open("wb") as handle:
            handle.truncate(yamlsafe.MAX_ENTRY_BYTES + 1)  # sparse: costs no disk
    book = RuleBook(rules)  # a FIFO would block here, /dev/zero would eat memory
    assert book.tests[HAGUE].params["age_limit"] == 16
    if odd != "folder":  # a folder cannot be replaced by a file; the others are rebuilt
        assert entry.is_file() and not entry.is_symlink() and b'"age_limit"' in entry.read_bytes()


def test_a_key_that_is_not_private_turns_the_cache_off(cache, tmp_path):
    path = tmp_path / "rule.yaml"
    path.write_text("value: 1\n", encoding="utf-8")
    yamlsafe.safe_load(path)
    key = cache / "key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(key.read_bytes()) == 32
    key.chmod(0o644)
    yamlsafe._Store._opened.clear()
    for entry in entries(cache):
        entry.unlink()
    assert yamlsafe.safe_load(path) == {"value": 1}
    assert not entries(cache)  # nothing stored under a key others may have read
    key.unlink()
    key.symlink_to(tmp_path / "elsewhere")
    yamlsafe._Store._opened.clear()
    assert yamlsafe.safe_load(path) == {"value": 1} and not entries(cache)


def test_a_cache_folder_others_can_write_is_made_private(cache, tmp_path):
    cache.mkdir(mode=0o777)
    cache.chmod(0o777)
    path = tmp_path / "rule.yaml"
    path.write_text("value: 1\n", encoding="utf-8")
    assert yamlsafe.safe_load(path) == {"value": 1}
    assert stat.S_IMODE(cache.stat().st_mode) == 0o755 and entries(cache)


def test_a_missing_home_is_never_created(tmp_path):
    home = tmp_path / "no-such-home"
    env = {k: v for k, v in os.environ.items() if k not in ("CREVAL_CACHE_DIR", "XDG_CACHE_HOME")}
    env["HOME"] = str(home)
    scenario = tmp_path / "s.yaml"
    scenario.write_text(ON_16TH_BIRTHDAY, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "creval", "check", str(scenario), "--format", "json"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["results"][0]["outcome"] == "not-applicable"
    assert not home.exists()
    home.mkdir()  # with a home, ~/.cache/creval is made in it, private
    subprocess.run([sys.executable, "-m", "creval", "check", str(scenario)], capture_output=True, env=env, timeout=120)
    assert stat.S_IMODE((home / ".cache" / "creval").stat().st_mode) == 0o700
    assert list((home / ".cache" / "creval").glob("*.entry"))


def test_the_attack_end_to_end_outcome_and_stamp_hold(tmp_path):
    """The reported attack through the command line: on the 16th birthday the Convention no
    longer applies; an entry edited to age_limit 30 must not say otherwise."""
    cache = tmp_path / "cache"
    env = {**os.environ, "CREVAL_CACHE_DIR": str(cache)}
    scenario = tmp_path / "s.yaml"
    scenario.write_text(ON_16TH_BIRTHDAY, encoding="utf-8")
    rules = hague_rules(tmp_path)
    cmd = [sys.executable, "-m", "creval", "--rules", str(rules), "check", str(scenario), "--format", "json"]
    before = json.loads(subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120).stdout)
    entry = hague_entry(cache)
    entry.write_bytes(entry.read_bytes().replace(b'"age_limit": {"value": 16', b'"age_limit": {"value": 30'))
    after = json.loads(subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120).stdout)
    assert before["results"][0]["outcome"] == after["results"][0]["outcome"] == "not-applicable"
    assert before["rules_digest"] == after["rules_digest"]


# ------------------------------------------------------------------ rule files within bounds

BOMB = "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 10))


def refused(folder: Path) -> str:
    with pytest.raises(RuleFileError) as caught:
        RuleBook(folder)
    return str(caught.value)


@pytest.mark.parametrize("cached", [True, False])
def test_an_alias_bomb_in_a_rule_file_is_refused_at_once(tmp_path, monkeypatch, cached):
    monkeypatch.setenv("CREVAL_CACHE_DIR", str(tmp_path / "cache") if cached else "off")
    monkeypatch.setattr(yamlsafe._Store, "_opened", {})
    rules = hague_rules(tmp_path)
    path = rules / f"{HAGUE}.yaml"
    path.write_text("l0: &l0 [lol]\n" + BOMB + path.read_text(encoding="utf-8"), encoding="utf-8")
    message = refused(rules)  # 9 ** 9 values if expanded: the cache writer took 49 s, then MemoryError
    assert message == (f"{path}: with its YAML aliases expanded, more than 100,000 values or 10,000,000 characters "
                       "of text (an alias bomb?); refused")
    assert not [e for e in entries(tmp_path / "cache") if b'"l1"' in e.read_bytes()]  # the bomb is not cached


def test_a_text_bomb_is_refused_too(tmp_path, monkeypatch):
    monkeypatch.setenv("CREVAL_CACHE_DIR", "off")
    path = tmp_path / "bomb.yaml"
    path.write_text(f"a: &a {'x' * 200_000}\nb: [{', '.join(['*a'] * 60)}]\n", encoding="utf-8")
    with pytest.raises(yamlsafe.LimitError) as caught:
        yamlsafe.safe_load(path)
    assert caught.value.key == "rulefile.too_many_values"


def test_a_few_aliases_in_a_rule_file_are_fine(tmp_path):
    path = tmp_path / "aliases.yaml"
    path.write_text("a: &x {en: one, ru: один}\nb: *x\nc: [*x, *x]\n", encoding="utf-8")
    assert yamlsafe.safe_load(path) == parse(path)


@pytest.mark.parametrize("text, expected", [
    ("a: &a [*a]\n", "a YAML alias inside its own anchor (it would expand without end)"),
    ("a: " + "[" * 60 + "]" * 60 + "\n", "nested more than 50 levels deep"),
    ("a: " + "[" * 5000 + "]" * 5000 + "\n", "nested more than 50 levels deep"),
])
def test_loops_and_deep_nesting_are_refused(tmp_path, monkeypatch, text, expected):
    monkeypatch.setenv("CREVAL_CACHE_DIR", "off")
    rules = hague_rules(tmp_path)
    path = rules / f"{HAGUE}.yaml"
    path.write_text(text, encoding="utf-8")
    assert refused(rules) == f"{path}: {expected}"


def test_a_fifo_or_a_huge_rule_file_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setenv("CREVAL_CACHE_DIR", "off")
    rules = hague_rules(tmp_path)
    fifo = rules / "zz-fifo.yaml"
    os.mkfifo(fifo)
    assert refused(rules) == f"{fifo}: not a regular file (a FIFO, socket or device); rule files must be plain files"
    fifo.unlink()
    huge = rules / "zz-huge.yaml"
    with huge.open("wb") as handle:
        handle.truncate(yamlsafe.MAX_SOURCE_BYTES + 1)
    assert refused(rules) == f"{huge}: larger than 1,000,000 bytes; not read"


@pytest.mark.parametrize("old, new, where", [
    ("  age_limit:\n    value: 16\n", "  age_limit:\n    value: 18446744073709551616\n", "parameters.age_limit.value"),
    ("  age_limit:\n    value: 16\n", "  age_limit:\n    value: -9223372036854775808\n", "parameters.age_limit.value"),
])
def test_integers_beyond_64_bits_are_refused_at_load(tmp_path, monkeypatch, old, new, where):
    """durable saturates them, the oracle does not: the two would disagree."""
    monkeypatch.setenv("CREVAL_CACHE_DIR", "off")
    rules = hague_rules(tmp_path)
    path = rules / f"{HAGUE}.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    value = new.split("value: ")[1].strip()
    assert refused(rules) == (f"{path}: {where}: the integer {value} does not fit in 64 bits, which the engine "
                              "compares; use a smaller number")


def test_the_widest_integers_the_engine_holds_still_load(tmp_path, monkeypatch):
    monkeypatch.setenv("CREVAL_CACHE_DIR", "off")
    rules = hague_rules(tmp_path)
    path = rules / f"{HAGUE}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  age_limit:\n    value: 16\n", f"  age_limit:\n    value: {2**63 - 1}\n"),
                    encoding="utf-8")
    assert RuleBook(rules).tests[HAGUE].params["age_limit"] == 2**63 - 1
