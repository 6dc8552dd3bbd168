"""Fuzzing the loader, the engine and `batch` with hypothesis.

Random and malformed scenarios (wrong types, huge numbers, NaN, odd unicode, deep nesting,
duplicate keys, enormous strings, dates at the edges of the calendar, unknown names) must
each either evaluate, or be rejected with errors that are single lines naming the field.
Never a traceback (an exception escaping), never a hang, never a crash of the engine.

CREVAL_FUZZ_EXAMPLES multiplies the number of examples for a one-off deep run.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
import time
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from creval.render.explain import explain
from creval.tools import batch
from creval.engine import oracle
from creval.law import rulebook
from creval.engine.engine import Engine, EngineError
from creval.engine.evaluate import Evaluator
from creval.input.loader import MAX_DEPTH, MAX_ERRORS, Refused, parse_json, parse_yaml, validate

REPO = Path(__file__).resolve().parents[1]
SCALE = int(os.environ.get("CREVAL_FUZZ_EXAMPLES", "1"))
SLOW = 5.0  # seconds one example may take before it counts as a hang (a loaded CI machine included)


def fuzz(examples: int):
    return settings(max_examples=examples * SCALE, deadline=None, database=None, derandomize=False,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much, HealthCheck.large_base_example])


@lru_cache(maxsize=1)
def world():
    """A copy of the rules, its book, both deciders."""
    folder = Path(tempfile.mkdtemp(prefix="creval-fuzz-")) / "rules"
    shutil.copytree(REPO / "rules", folder)
    book = rulebook.load(folder)
    engine = Engine(book)
    by_engine = Evaluator(book, engine.decide)
    by_oracle = Evaluator(book, lambda test_id, values: oracle.decide(book.tests[test_id], values))
    return book, engine, by_engine, by_oracle, folder


# --- values ------------------------------------------------------------------------------

ODD_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)  # any code point but surrogates
SURROGATE_TEXT = st.text(st.characters(whitelist_categories=("Cs", "Ll")), min_size=1, max_size=5)
EDGE_DATES = st.sampled_from([date.min, date.max, date(1799, 12, 31), date(1800, 1, 1), date(2199, 12, 31),
                              date(2200, 1, 1), date(2000, 2, 29), date(2100, 2, 28), date(1900, 2, 28)])
DATES = st.one_of(st.dates(date(1800, 1, 1), date(2199, 12, 31)), EDGE_DATES, st.dates())
DATE_TEXT = st.one_of(DATES.map(date.isoformat), st.sampled_from([
    "0000-00-00", "2023-02-29", "2024-02-30", "2024-13-01", "2024-1-1", "20240101", "2024-01-01T00:00:00",
    "9999-12-31", "0001-01-01", "+2024-01-01", " 2024-01-01", "2024-01-01\n", "२०२४-०१-०१", "",
]))
HUGE = st.sampled_from([2**63 - 1, 2**63, -(2**63), 2**64 + 1, 10**100, -(10**100), 10**4000])
FLOATS = st.one_of(st.floats(), st.sampled_from([math.nan, math.inf, -math.inf, 1e308, -1e308, 5e-324, -0.0]))
ENORMOUS = st.sampled_from(["x" * 300_000, "é" * 100_000, "\U0001F600" * 50_000])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), HUGE, FLOATS, ODD_TEXT, DATE_TEXT, DATES,
                    st.datetimes(), ENORMOUS, st.sampled_from(["KZ", "RU", "kz", "XX", "custody", "true", "null"]))


def nested(depth: int):
    """Lists and mappings nested up to `depth` (past MAX_DEPTH on purpose)."""
    def wrap(inner):
        return st.one_of(st.lists(inner, max_size=3), st.dictionaries(ODD_TEXT, inner, max_size=3))
    return st.recursive(SCALARS, wrap, max_leaves=depth * 2)


def deep(levels: int) -> Any:
    value: Any = "bottom"
    for i in range(levels):
        value = [value] if i % 2 else {"k": value}
    return value


JUNK = st.one_of(SCALARS, nested(8), st.integers(MAX_DEPTH - 2, MAX_DEPTH + 40).map(deep))


VALID_DATES = st.dates(date(1990, 1, 1), date(2040, 12, 31)).map(date.isoformat)


@st.composite
def fact_value(draw, spec, hostile: bool) -> Any:
    """A value of the fact's type; when hostile, often a malformed or junk one."""
    if hostile and draw(st.integers(0, 3)) == 0:
        return draw(JUNK)
    if spec.type == "date":
        return draw(st.one_of(VALID_DATES, DATE_TEXT) if hostile else VALID_DATES)
    if spec.type == "state":
        states = ["KZ", "RU", "DE", "KG", "US", "TR", "GB", "UZ", "CN"]
        return draw(st.sampled_from(states + (["XX", "ru", "KAZ", ""] if hostile else [])))
    if spec.type == "bool":
        return draw(st.one_of(st.booleans(), st.none()))
    if spec.type == "enum":
        values = st.sampled_from(spec.values or ["?"])
        return draw(st.one_of(values, ODD_TEXT) if hostile else values)
    if spec.type == "int":
        low = spec.min if isinstance(spec.min, int) else 0
        high = spec.max if isinstance(spec.max, int) else 400
        return draw(st.one_of(st.integers(-5, 200), HUGE) if hostile else st.integers(low, high))
    if spec.type == "term":
        unit = st.one_of(st.integers(-2, 30), HUGE, FLOATS, st.text(max_size=3)) if hostile else st.integers(0, 12)
        keys = ["years", "months", "days"] + (["weeks"] if hostile else [])
        return draw(st.dictionaries(st.sampled_from(keys), unit, min_size=0 if hostile else 1, max_size=4))
    return draw(JUNK)


@st.composite
def scenarios(draw) -> Any:
    """Half the time a well-typed scenario (which may still break a cross-field rule), half
    the time a hostile one: junk values, unknown names, malformed dates, not a mapping."""
    book = world()[0]
    hostile = draw(st.booleans())
    if hostile and draw(st.integers(0, 9)) == 0:
        return draw(JUNK)  # not even a mapping
    doc: dict[str, Any] = {}
    if not hostile or draw(st.integers(0, 9)):
        doc["id"] = draw(st.one_of(st.from_regex(r"[A-Za-z0-9._-]{1,30}", fullmatch=True), JUNK) if hostile
                         else st.from_regex(r"[A-Za-z0-9._-]{1,30}", fullmatch=True))
    for key in ("title", "narrative"):
        if draw(st.booleans()):
            doc[key] = draw(st.one_of(ODD_TEXT, ENORMOUS, JUNK) if hostile else st.one_of(ODD_TEXT, ENORMOUS))
    if draw(st.integers(0, 3)):
        doc["as_of"] = draw(st.one_of(DATE_TEXT, DATES, JUNK) if hostile else st.dates(date(2000, 1, 1), date(2045, 1, 1)).map(date.isoformat))
    matters = sorted(book.matters) + (["no_such_matter", ""] if hostile else [])
    facts: dict[str, Any] = {}
    for matter in draw(st.lists(st.sampled_from(matters), min_size=0 if hostile else 1, max_size=3, unique=True)):
        specs = {}
        for test in book.matters.get(matter, []):
            specs.update(test.rule.facts)
        names = draw(st.lists(st.sampled_from(sorted(specs) + (["no_such_fact"] if hostile else [])),
                              max_size=len(specs) + 1, unique=True))
        facts[matter] = {n: draw(fact_value(specs[n], hostile)) if n in specs else draw(JUNK) for n in names}
        if hostile and draw(st.integers(0, 9)) == 0:
            facts[matter] = draw(JUNK)
    doc["facts"] = draw(JUNK) if hostile and draw(st.integers(0, 9)) == 0 else facts
    if hostile and draw(st.integers(0, 4)) == 0:
        tests = sorted(book.tests) + ["no-such-test"]
        doc["expected"] = draw(st.one_of(
            st.dictionaries(st.sampled_from(tests), st.one_of(st.sampled_from(["undetermined", "nonsense"]), JUNK),
                            max_size=2),
            JUNK))
    if hostile and draw(st.integers(0, 9)) == 0:
        doc[draw(ODD_TEXT)] = draw(JUNK)  # an unknown top-level key
    return doc


# --- properties ---------------------------------------------------------------------------


def one_line(text: str) -> None:
    assert text and "\n" not in text and "\r" not in text, repr(text)
    assert "Traceback" not in text


def check_loaded(loaded, name: str, doc: Any) -> None:
    assert (loaded.scenario is None) == bool(loaded.errors)
    # past MAX_ERRORS the last line only counts the rest ("and 3 more errors") and names no field
    named = loaded.errors[:MAX_ERRORS]
    for err in loaded.errors:
        shown = str(err)
        one_line(shown)
        assert shown.startswith(name)
        if isinstance(doc, dict) and err in named:
            # a mapping's errors always name the field (an empty key name is quoted instead)
            assert err.field or "''" in shown, shown


def check_result(result) -> None:
    """Evaluated: no engine error, and the JSON is writable as UTF-8."""
    for error in result.errors:
        one_line(error)
    assert result.errors == [], result.errors
    for lang in ("en", "ru", "kk"):
        json.dumps(explain(result, lang).to_json(), ensure_ascii=False).encode("utf-8")


@fuzz(400)
@given(scenarios())
def test_validate_then_evaluate_never_raises(doc):
    book, _, by_engine, by_oracle, _ = world()
    started = time.perf_counter()
    loaded = validate(doc, "fuzz.json", book)
    check_loaded(loaded, "fuzz.json", doc)
    event("evaluated" if loaded.scenario is not None else "rejected")
    if loaded.scenario is not None:
        result = by_engine.scenario(loaded.scenario, "fuzz.json")
        check_result(result)
        floor = by_oracle.scenario(loaded.scenario, "fuzz.json")
        assert [(r.test, r.outcome) for r in result.results] == [(r.test, r.outcome) for r in floor.results]
    assert time.perf_counter() - started < SLOW


def _dump(doc: Any) -> str:
    """JSON text for any drawn value (dates as text; NaN and huge numbers as Python writes them)."""
    return json.dumps(doc, default=lambda o: o.isoformat(), ensure_ascii=False)


MUTATIONS = st.sampled_from(["none", "truncate", "duplicate", "nan", "bom", "garbage", "close", "deep"])


def mutate(text: str, how: str, data) -> str:
    if how == "truncate":
        return text[: data.draw(st.integers(0, max(0, len(text) - 1)))]
    if how == "duplicate" and text.startswith("{") and len(text) > 2:
        return '{"id": 1, "id": 2, ' + text[1:]
    if how == "nan" and text.startswith("{") and len(text) > 2:
        return '{"x": ' + data.draw(st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999", "-0"])) + ", " + text[1:]
    if how == "bom":
        return "\ufeff" + text
    if how == "garbage":
        at = data.draw(st.integers(0, len(text)))
        return text[:at] + data.draw(st.text(max_size=5)) + text[at:]
    if how == "close":
        return text + "}"
    if how == "deep":
        n = data.draw(st.integers(MAX_DEPTH - 1, 5000))
        return "[" * n + text + "]" * n
    return text


@fuzz(300)
@given(scenarios(), MUTATIONS, st.data())
def test_parse_json_refuses_cleanly(doc, how, data):
    book = world()[0]
    text = mutate(_dump(doc), how, data)
    started = time.perf_counter()
    try:
        parsed = parse_json(text)
    except Refused as exc:
        one_line(str(exc))
    else:
        check_loaded(validate(parsed, "fuzz.json", book), "fuzz.json", parsed)
    assert time.perf_counter() - started < SLOW


@fuzz(150)
@given(st.text(max_size=300))
def test_parse_json_on_random_text(text):
    try:
        parse_json(text)
    except Refused as exc:
        one_line(str(exc))


YAML_ALPHABET = st.sampled_from(list("abcxyz019 :-[]{},'\"&*!|>#%@`?\n\t\\") + ["\n  ", ": ", "- ", "&a ", "*a", "!!str ",
                                                                             "!!python/object ", "<<: *a", "\ufeff", "\x85"])


@fuzz(250)
@given(st.one_of(st.text(max_size=200), st.lists(YAML_ALPHABET, max_size=80).map("".join)))
def test_parse_yaml_on_random_text(text):
    book = world()[0]
    started = time.perf_counter()
    try:
        doc = parse_yaml(text)
    except Refused as exc:
        one_line(str(exc))
    else:
        check_loaded(validate(doc, "fuzz.yaml", book), "fuzz.yaml", doc)
    assert time.perf_counter() - started < SLOW


@fuzz(150)
@given(scenarios())
def test_yaml_rendering_of_a_scenario_loads_or_is_refused(doc):
    book = world()[0]
    text = _dump(doc)  # JSON is YAML 1.2 flow style
    try:
        parsed = parse_yaml(text)
    except Refused as exc:
        one_line(str(exc))
    else:
        check_loaded(validate(parsed, "fuzz.yaml", book), "fuzz.yaml", parsed)


ENGINE_VALUES = st.one_of(st.none(), st.booleans(), st.integers(), HUGE, FLOATS, ODD_TEXT, SURROGATE_TEXT, DATES,
                          st.lists(st.one_of(st.integers(), ODD_TEXT, FLOATS), max_size=3),
                          st.dictionaries(ODD_TEXT, st.integers(), max_size=2))


@fuzz(300)
@given(st.data())
def test_the_engine_decides_or_refuses_any_values(data):
    book, engine, _, _, _ = world()
    test = book.tests[data.draw(st.sampled_from(sorted(book.tests)))]
    fields = sorted(set(test.field_types) | set(test.rule.facts))
    values = data.draw(st.dictionaries(st.sampled_from(fields + ["zz_extra"]), ENGINE_VALUES, max_size=len(fields)))
    try:
        decision = engine.decide(test.id, values)
    except EngineError as exc:
        event("refused by the engine")
        one_line(str(exc))
    else:
        event("decided")
        assert set(decision.statuses) == set(test.rule.criteria)
    # whatever happened, the engine still works
    assert engine.decide(test.id, {"as_of": date(2026, 1, 1)}).statuses


@fuzz(200)
@given(st.lists(st.one_of(scenarios().map(lambda d: _dump(d).encode("utf-8")), st.binary(max_size=200),
                          st.text(max_size=50).map(lambda t: t.encode("utf-8", "surrogatepass"))),
                min_size=1, max_size=6))
def test_batch_lines_always_give_one_json_line_each(raw_lines):
    folder = world()[4]
    worker = _worker(str(folder))
    lines = [(n, data.replace(b"\n", b" "), None) for n, data in enumerate(raw_lines, start=1)]
    out, errors = worker.chunk(lines)
    assert out.count(b"\n") == len(lines) and out.endswith(b"\n")
    assert len(out.decode("utf-8").splitlines()) == len(lines)  # no U+2028 and the like left raw
    results = [json.loads(line) for line in out.split(b"\n")[:-1]]
    for n, result in enumerate(results, start=1):
        if "error" in result:
            assert set(result) == {"line", "error"} and result["line"] == n
            one_line(result["error"])
            assert "internal error" not in result["error"], result["error"]
        else:
            assert result["file"] == f"<stdin>:{n}" and "Traceback" not in json.dumps(result)


@lru_cache(maxsize=1)
def _worker(folder: str) -> batch.Worker:
    return batch.Worker(batch.Options(rules=folder))


def test_dates_at_the_edges_of_the_calendar_are_refused_by_name():
    book = world()[0]
    for value in ("0001-01-01", "9999-12-31", "1799-12-31", "2200-01-01"):
        loaded = validate({"id": "edge", "facts": {"abduction": {"removal_date": value}}}, "edge.json", book)
        assert [e.field for e in loaded.errors] == ["facts.abduction.removal_date"], loaded.errors
    for value in ("1800-01-01", "2199-12-31"):
        loaded = validate({"id": "edge", "as_of": "2199-12-31", "facts": {"abduction": {"removal_date": value}}},
                          "edge.json", book)
        assert loaded.scenario is not None, loaded.errors
        check_result(world()[2].scenario(loaded.scenario, "edge.json"))
    loaded = validate({"id": "edge", "facts": {"abduction": {}}}, "edge.json", book, as_of=date(9999, 12, 31))
    assert [e.field for e in loaded.errors] == ["as_of"]
