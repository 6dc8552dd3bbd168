"""The quick ways of reading a scenario give what the full ways give, or step aside.

parse_json reads with orjson when orjson reads the text as the standard library does, and
the loader checks a document with pydantic-core alone (input/quick.py) before the model's
Python checks. Neither may accept what the full way refuses, nor give another value: what
they do not take goes the full way, whose messages are the only ones a reader sees.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from creval.core.dates import DateRange
from creval.input.loader import Refused, parse_json, read_document, validate
from creval.input.quick import quick_validator
from creval.input.scenario import scenario_model
from creval.law.rulebook import load

REPO = Path(__file__).resolve().parents[1]
BOOK = load(REPO / "rules")
MODEL = scenario_model(BOOK)
QUICK = quick_validator(MODEL)


def same(a: Any, b: Any) -> bool:
    """Equal, of the same types all the way down, with the same fields given."""
    if type(a) is not type(b):
        return False
    if isinstance(a, BaseModel):
        return a.model_fields_set == b.model_fields_set and same(a.__dict__, b.__dict__)
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def standard(text: str) -> Any:
    return json.loads(text)


# --- JSON -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    '{"id": "a", "title": "Case 3: the appeal", "facts": {"parole": {}}}',  # a colon in a string
    '{"t": "say \\": hi", "n": 1}',  # a quote and a colon in a string
    '{"n": 9223372036854775807, "m": -9223372036854775808, "k": 18446744073709551615}',
    '{"big": 18446744073709551616, "neg": -9223372036854775809}',  # past 64 bits: orjson reads a float
    '{"e": "\\u00e9\\/\\n", "emoji": "\\ud83d\\ude00", "nul": "\\u0000"}',
    '{"f": 1.5, "g": 1e5, "z": -0}',
    '{"a" :1 ,\n"b"\t: [1, {"c": null}]}',
    '[1, 2, 3]', '"text"', 'null', '7',
])
def test_json_is_read_as_the_standard_library_reads_it(text):
    assert same(parse_json(text), standard(text))


@pytest.mark.parametrize("text, key", [
    ('{"a": 1, "a": 2}', "a"),
    ('{"t": "x:y", "facts": {"b": 1, "b": 1}}', "facts.b"),
    ('{"t": "\\u003a", "a": 1, "a": 2}', "a"),  # an escaped colon: the count cannot vouch for it
    ('{"t": "\\":", "a": 1, "a": 2}', "a"),
])
def test_a_key_given_twice_is_refused_however_the_text_counts(text, key):
    with pytest.raises(Refused) as refused:
        parse_json(text)
    assert refused.value.field == key and refused.value.args[0].key == "input.duplicate_key"


@pytest.mark.parametrize("text, key", [
    ('{"a": NaN}', "input.bad_constant"), ('[Infinity]', "input.bad_constant"),
    ('"\\ud800"', "input.surrogate"), ('{"a": 1,}', "input.bad_json"), ('\ufeff{}', "input.bad_json"),
])
def test_what_orjson_refuses_the_standard_library_words(text, key):
    with pytest.raises(Refused) as refused:
        parse_json(text)
    assert refused.value.args[0].key == key


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.sampled_from('ab:"\\\u00e9\u2028 \n'), max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(alphabet="ab:\"", max_size=3), inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values, st.sampled_from([(",", ":"), (", ", ": "), (",", " :")]), st.booleans())
def test_any_json_is_read_as_the_standard_library_reads_it(value, separators, twice):
    text = json.dumps(value, separators=separators)
    if twice and isinstance(value, dict) and value:  # the first key again, at the end
        key = next(iter(value))
        text = text[:-1] + separators[0] + json.dumps(key) + separators[1] + "1}"
        with pytest.raises(Refused):
            parse_json(text)
        return
    assert same(parse_json(text), standard(text))


# --- The quick check ------------------------------------------------------------------------

def both(doc: dict, as_of: date | None = None) -> tuple[Any, Any]:
    """The quick check's scenario (None when it steps aside) and the model's (None when it refuses)."""
    data = dict(doc, **({"as_of": as_of} if as_of else {}))
    try:
        quick = QUICK.validate_python(data)
    except ValidationError:
        quick = None
    try:
        full = MODEL.model_validate(data)
    except ValidationError:
        full = None
    return quick, full


def bundled_docs() -> list[Any]:
    return [read_document(p) for p in sorted((REPO / "scenarios").rglob("*.yaml"))]


def test_every_bundled_scenario_the_quick_check_takes_is_the_models():
    taken = 0
    for doc in bundled_docs():
        for as_of in (None, date(2025, 1, 1)):
            plain = json.loads(json.dumps(doc, default=str))  # as a JSON document holds it
            for given in (doc, plain):
                quick, full = both(given, as_of)
                if quick is not None:
                    assert full is not None and same(quick, full)
                    taken += 1
    assert taken > len(bundled_docs())  # the quick way is the usual one, not a dead branch


def test_the_quick_check_builds_the_models_own_classes():
    doc = {"id": "q", "as_of": "2025-01-01", "facts": {"parole": {"sentence_start": "2015-03-01",
                                                                   "term": {"years": 8}}}}
    quick, full = both(doc)
    assert quick is not None and same(quick, full)
    assert type(quick) is MODEL and type(quick.facts.parole.term) is type(full.facts.parole.term)


@pytest.mark.parametrize("facts", [
    {"abduction": {"habitual_residence": "kz"}},  # a code in small letters
    {"abduction": {"habitual_residence": "KAZ"}},
    {"abduction": {"left_behind_right": "Custody"}},  # a choice in another case
    {"abduction": {"removal_date": 2016}},  # a year
    {"abduction": {"removal_date": "2016-05"}},  # a month
    {"abduction": {"removal_date": {"from": "2016-05-01"}}},
    {"abduction": {"removal_date": "20.05.2016"}},
    {"abduction": {"removal_date": "2016-02-30"}},
    {"abduction": {"removal_date": "1700-01-01"}},
    {"abduction": None},  # a matter with every fact unknown
    {"work_ban": {"ban_years": "life"}},
    {"work_ban": {"ban_years": 99}},
])
def test_what_only_the_python_checks_read_goes_to_them(facts):
    doc = {"id": "q", "as_of": "2025-01-01", "facts": facts}
    quick, full = both(doc)
    if quick is None:  # stepped aside: the loader asks the model, as before
        loaded = validate(doc, "q.json", BOOK)
        assert (loaded.scenario is None) == (full is None)
    else:
        assert same(quick, full)


def fact_values() -> st.SearchStrategy:
    return st.sampled_from([
        None, True, False, 0, 1, -1, 12, 17, 20, 2**63, 1.0, "", "x", "2020-01-01", "2024-02-29", "2023-02-29",
        "1799-12-31", "1800-01-01", "2199-12-31", "2200-01-01", "2020-1-1", "2020-01-01T00:00:00", "2016",
        2016, "2016-05", {"from": "2020-01-01"}, {"to": "2020-01-01"}, date(2020, 1, 1), "KZ", "kz", "RU", "XX",
        "KAZ", "custody", "Custody", "none", "male", "Male", "life", "LIFE", {"years": 1}, {"years": 0},
        {"months": 3, "days": 2}, {}, [], "before 2020-01-01",
    ])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(BOOK.matters)), st.data())
def test_the_quick_check_never_takes_what_the_model_refuses_nor_reads_it_otherwise(matter, data):
    names = sorted({f for test in BOOK.matters[matter] for f in test.rule.facts})
    facts = data.draw(st.dictionaries(st.sampled_from(names), fact_values(), max_size=4))
    as_of = data.draw(st.sampled_from([None, "2025-06-01", "2000-01-01", date(2025, 6, 1)]))
    doc = {"id": "p", "facts": {matter: facts}, **({"as_of": as_of} if as_of else {})}
    quick, full = both(doc)
    if quick is not None:
        assert full is not None and same(quick, full)
        assert not any(type(v) is DateRange for v in quick.facts.__dict__[matter].__dict__.values())
