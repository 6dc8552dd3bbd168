"""Deterministic scenario generator for `bench/run` and the batch tests.

Seeds are the valid scenario files under `scenarios/` (those with an `as_of`); each
generated scenario takes a seed, shifts all of its dates by the same number of days (so
their order, and hence validity, is kept), forgets some facts (unknown), and gets a unique
id. A bad line, at the given rate, is one of several kinds of broken input.
"""

from __future__ import annotations

import json
import random
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

BAD_KINDS = ("not-json", "wrong-type", "unknown-matter", "bad-date", "duplicate-key", "nan", "empty", "not-object")


def seeds(folder: Path = ROOT / "scenarios", rules: Path | None = None) -> list[dict]:
    """The valid scenarios of the packs with an assessment date, as JSON-ready dicts."""
    from creval.law import rulebook
    from creval.input.loader import find_files, load_file

    book = rulebook.load(rules)
    files, _ = find_files([str(folder)])
    out = []
    for path in files:
        if "ranged" in Path(path).relative_to(folder).parts:  # rough dates: measured on their own (bench/run)
            continue
        loaded = load_file(path, book)
        if loaded.scenario is None or loaded.scenario.as_of is None:
            continue
        doc = loaded.scenario.model_dump(mode="json", exclude_unset=True)
        doc.pop("narrative", None)
        doc.pop("expected", None)
        out.append(doc)
    if not out:
        raise SystemExit(f"no valid scenario with as_of under {folder}")
    return out


def _shift(value, days: int):
    if isinstance(value, str) and _DATE.match(value):
        return (date.fromisoformat(value) + timedelta(days=days)).isoformat()
    if isinstance(value, dict):
        return {k: _shift(v, days) for k, v in value.items()}
    return value


def scenario(i: int, rng: random.Random, pool: list[dict]) -> dict:
    doc = _shift(rng.choice(pool), rng.randint(-600, 600))
    doc["id"] = f"gen-{i:07d}"
    for facts in doc["facts"].values():
        if isinstance(facts, dict) and facts and rng.random() < 0.3:
            facts[rng.choice(sorted(facts))] = None  # unknown
    return doc


def bad_line(i: int, rng: random.Random, pool: list[dict]) -> tuple[str, str]:
    kind = BAD_KINDS[i % len(BAD_KINDS)]
    doc = scenario(i, rng, pool)
    if kind == "not-json":
        return kind, json.dumps(doc)[:-7]
    if kind == "wrong-type":
        doc["as_of"] = 20260101
    elif kind == "unknown-matter":
        doc["facts"]["no_such_matter"] = {}
    elif kind == "bad-date":
        doc["as_of"] = "2026-02-30"
    elif kind == "duplicate-key":
        return kind, json.dumps(doc)[:-1] + ', "id": "again"}'
    elif kind == "nan":
        return kind, json.dumps(doc)[:-1] + ', "narrative": NaN}'
    elif kind == "empty":
        return kind, ""
    elif kind == "not-object":
        return kind, json.dumps([doc])
    return kind, json.dumps(doc, ensure_ascii=False)


def lines(n: int, bad_every: int = 0, seed: int = 2026, pool: list[dict] | None = None) -> Iterator[str]:
    """`n` JSON lines (without newlines); every `bad_every`-th one (if > 0) is broken."""
    rng = random.Random(seed)
    pool = pool or seeds()
    for i in range(1, n + 1):
        if bad_every and i % bad_every == 0:
            yield bad_line(i // bad_every, rng, pool)[1]
        else:
            yield json.dumps(scenario(i, rng, pool), ensure_ascii=False)


def write(path: Path, n: int, bad_every: int = 0, seed: int = 2026, pool: list[dict] | None = None) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for line in lines(n, bad_every, seed, pool):
            out.write(line + "\n")
    return path
