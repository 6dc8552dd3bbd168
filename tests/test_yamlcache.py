"""The parsed-YAML cache gives back exactly what parsing gives, and is only ever a shortcut."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from creval.input import yamlcache

REPO = Path(__file__).resolve().parents[1]


def parse(path: Path):
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CREVAL_CACHE_DIR", str(folder))
    return folder


def test_every_rule_file_comes_back_identical_from_the_cache(cache, tmp_path):
    shutil.copytree(REPO / "rules", tmp_path / "rules")
    files = sorted((tmp_path / "rules").rglob("*.yaml"))
    assert files
    for path in files:
        first = yamlcache.safe_load(path)  # parsed, then stored
        second = yamlcache.safe_load(path)  # from the cache
        assert first == second == parse(path), path
    assert len(list(cache.glob("*.json"))) == len({p.read_text(encoding="utf-8") for p in files})


def test_dates_and_odd_values_survive(cache, tmp_path):
    path = tmp_path / "odd.yaml"
    path.write_text('a: 2024-02-29\nb: {"$date": x}\nc: [1, 2.5, true, null, "é"]\nd: {$date: 2020-01-01}\n',
                    encoding="utf-8")
    assert yamlcache.safe_load(path) == yamlcache.safe_load(path) == parse(path)
    assert yamlcache.safe_load(path)["a"] == date(2024, 2, 29)


def test_uncacheable_data_is_parsed_every_time(cache, tmp_path):
    path = tmp_path / "keys.yaml"
    path.write_text("1: one\n2024-01-01 10:00:00: stamp\nx: .inf\n", encoding="utf-8")
    assert yamlcache.safe_load(path) == parse(path)
    assert not list(cache.glob("*.json"))  # integer keys, datetimes and infinities are not stored


def test_an_edited_file_is_parsed_again(cache, tmp_path):
    path = tmp_path / "rule.yaml"
    path.write_text("value: 16\n", encoding="utf-8")
    assert yamlcache.safe_load(path) == {"value": 16}
    path.write_text("value: 17\n", encoding="utf-8")
    assert yamlcache.safe_load(path) == {"value": 17}


def test_a_corrupt_entry_is_ignored_and_replaced(cache, tmp_path):
    path = tmp_path / "rule.yaml"
    path.write_text("value: [1, 2]\n", encoding="utf-8")
    yamlcache.safe_load(path)
    (entry,) = cache.glob("*.json")
    entry.write_text("{not json", encoding="utf-8")
    assert yamlcache.safe_load(path) == {"value": [1, 2]}
    assert entry.read_text(encoding="utf-8").startswith("{")


def test_parse_errors_propagate_and_nothing_is_cached(cache, tmp_path):
    from ruamel.yaml.error import YAMLError

    path = tmp_path / "bad.yaml"
    path.write_text("a: [1, 2\n", encoding="utf-8")
    with pytest.raises(YAMLError):
        yamlcache.safe_load(path)
    assert not list(cache.glob("*.json"))


def test_the_cache_can_be_turned_off_or_be_unwritable(tmp_path, monkeypatch):
    path = tmp_path / "rule.yaml"
    path.write_text("value: 1\n", encoding="utf-8")
    monkeypatch.setenv("CREVAL_CACHE_DIR", "off")
    assert yamlcache.cache_dir() is None and yamlcache.safe_load(path) == {"value": 1}
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("CREVAL_CACHE_DIR", str(blocker / "cache"))
    assert yamlcache.safe_load(path) == {"value": 1}
