"""Dates known only roughly (core/dates.py, engine/ranged.py).

The property: the result over a range of days is exactly what the exact scenarios say, one
per choice of days - the same outcome when they all agree, else `undetermined` whose
alternatives give each possible choice of days its exact outcome, and leave out exactly the
impossible ones. Checked on every day of short ranges and on sampled days of long ones, for
every test, starting from the scenarios of scenarios/ with one or two date facts made rough.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from creval.engine.evaluate import Evaluator
from creval.core.dates import DateRange
from creval.input.loader import load_file
from creval.input.scenario import matter_facts, scenario_model
from creval.law.rulebook import order_constraints
from creval.render.explain import explain
from helpers import REPO, bundled

BOOK = bundled()
EV = Evaluator(BOOK)


def _bases():
    """(scenario data, matter, its known date facts) of every exact scenario in scenarios/."""
    out = []
    for path in sorted((REPO / "scenarios").rglob("*.yaml")):
        if "ranged" in path.relative_to(REPO).parts:
            continue
        loaded = load_file(path, BOOK)
        if loaded.scenario is None:
            continue
        data = json.loads(loaded.scenario.model_dump_json(exclude_none=True))
        for matter, facts in data["facts"].items():
            kinds = {f: spec.type for t in BOOK.matters[matter] for f, spec in t.rule.facts.items()}
            dated = [f for f, v in facts.items() if kinds.get(f) == "date"]
            if dated:
                out.append((data, matter, dated))
    return out


BASES = _bases()


def _possible(matter: str, facts: dict, as_of: date) -> bool:
    for c in order_constraints(BOOK, matter):
        earlier = as_of if c.earlier == "as_of" else facts.get(c.earlier)
        later = as_of if c.later == "as_of" else facts.get(c.later)
        if earlier is not None and later is not None and later < earlier:
            return False
    return True


def _inside(point: dict, alternative: dict) -> bool:
    return all(w["from"] <= point[w["fact"]].isoformat() <= w["to"] for w in alternative["when"])


def check(data: dict, matter: str, ranges: dict[str, tuple[date, date]], sample: int | None = None) -> None:
    rough = json.loads(json.dumps(data))
    rough["facts"] = {matter: dict(data["facts"][matter])}
    rough.pop("expected", None)
    for fact, (lo, hi) in ranges.items():
        rough["facts"][matter][fact] = {"from": lo.isoformat(), "to": hi.isoformat()}
    as_of = date.fromisoformat(data["as_of"]) if "as_of" in data else date.today()
    exact_facts = {k: (date.fromisoformat(v) if k in ranges or (isinstance(v, str) and len(v) == 10 and v[4] == "-") else v)
                   for k, v in data["facts"][matter].items()}
    names = list(ranges)
    points = [dict(zip(names, days)) for days in _days(ranges, sample)]
    possible = [p for p in points if _possible(matter, {**exact_facts, **p}, as_of)]
    try:
        scenario = scenario_model(BOOK).model_validate(rough)
    except ValidationError:
        assert not possible, "a range with possible days was refused"
        return
    facts = matter_facts(scenario)[matter]
    for test in BOOK.matters[matter]:
        evaluated = EV.scenario(scenario, tests=[test.id])
        if evaluated.errors:  # refused as too wide to decide exactly (engine/ranged.py MAX_POINTS): nothing to compare
            assert "too many combinations" in str(evaluated.errors[0]), evaluated.errors
            continue
        result = next(r for r in explain(evaluated, "en").results)
        # each possible day decided as an exact date would be (with what the known dates prove)
        exact = [EV.result(test, {**facts, **p}, as_of, matter, rough=False).outcome for p in possible]
        alternatives = result.alternatives or []
        if alternatives:
            assert result.outcome == "undetermined"
            assert [a["when"] for a in alternatives] == sorted((a["when"] for a in alternatives), key=lambda w: [x["from"] for x in w])
            assert len(alternatives) <= 12  # what a person reads (engine/ranged.py MAX_ALTERNATIVES)
            for p, outcome in zip(possible, exact):
                found = [a for a in alternatives if _inside(p, a)]
                if any("if" in a for a in alternatives):  # named by the criteria: spans may overlap
                    assert outcome in {a["outcome"] for a in found} or result.alternatives_more, (test.id, p, outcome, found)
                elif not result.alternatives_more:
                    assert len(found) == 1 and found[0]["outcome"] == outcome, (test.id, p, outcome, found)
            if sample is None:  # an alternative holds possible days (its ranges may also span a few
                # combinations the order constraints rule out, such as a removal before the birth)
                for a in alternatives:
                    assert any(_inside(p, a) for p in possible), (test.id, a)
            if sample is None and not result.alternatives_more:  # none is spurious, none left out
                assert {a["outcome"] for a in alternatives} == set(exact)
        else:
            assert set(exact) <= {result.outcome}, (test.id, result.outcome, set(exact))
            if sample is None and result.ranged:  # (a range narrowed to one day is an exact date)
                # "the same on every possible day", or what the known dates prove ("every possible day gives this outcome")
                assert any("every possible day" in n for n in result.notes), result.notes


def _days(ranges: dict[str, tuple[date, date]], sample: int | None):
    spans = [[lo + timedelta(days=i) for i in range((hi - lo).days + 1)] for lo, hi in ranges.values()]
    if sample is None:
        import itertools
        return list(itertools.product(*spans))
    rng = random.Random(sum(len(s) for s in spans))
    picked = {tuple(s[0] for s in spans), tuple(s[-1] for s in spans)}
    while len(picked) < min(sample, 10 ** 9):
        picked.add(tuple(rng.choice(s) for s in spans))
    return sorted(picked)


base_index = st.integers(0, len(BASES) - 1)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(base_index, st.integers(-40, 40), st.integers(0, 40), st.data())
def test_one_short_range_every_day(index, shift, width, data):
    scenario, matter, dated = BASES[index]
    fact = data.draw(st.sampled_from(dated))
    centre = date.fromisoformat(scenario["facts"][matter][fact]) + timedelta(days=shift)
    check(scenario, matter, {fact: (centre - timedelta(days=width // 2), centre + timedelta(days=width - width // 2))})


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(base_index, st.integers(-10, 10), st.integers(0, 12), st.integers(0, 12), st.data())
def test_two_short_ranges_every_pair_of_days(index, shift, w1, w2, data):
    scenario, matter, dated = BASES[index]
    assume(len(dated) >= 2)
    a, b = data.draw(st.lists(st.sampled_from(dated), min_size=2, max_size=2, unique=True))
    da = date.fromisoformat(scenario["facts"][matter][a]) + timedelta(days=shift)
    db = date.fromisoformat(scenario["facts"][matter][b]) - timedelta(days=shift)
    check(scenario, matter, {a: (da - timedelta(days=w1), da + timedelta(days=w1)), b: (db - timedelta(days=w2), db)})


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(base_index, st.integers(-400, 400), st.integers(100, 800), st.data())
def test_long_ranges_sampled_days(index, shift, width, data):
    scenario, matter, dated = BASES[index]
    facts = data.draw(st.lists(st.sampled_from(dated), min_size=1, max_size=2, unique=True))
    ranges = {}
    for f in facts:
        lo = date.fromisoformat(scenario["facts"][matter][f]) + timedelta(days=shift - width // 2)
        ranges[f] = (lo, lo + timedelta(days=width))
    check(scenario, matter, ranges, sample=60)


def test_ranges_parse_and_narrow():
    from creval.core.dates import parse_date_fact
    from creval.input.scenario import FIRST_DATE, LAST_DATE, parse_iso_date

    def parse(v):
        return parse_date_fact(v, exact=parse_iso_date, first=FIRST_DATE, last=LAST_DATE)

    assert parse(2009) == DateRange(date(2009, 1, 1), date(2009, 12, 31))
    assert parse("2024-02") == DateRange(date(2024, 2, 1), date(2024, 2, 29))
    assert parse({"to": "2025-03-31"}) == DateRange(FIRST_DATE, date(2025, 3, 31))
    assert parse("before 2025-03-31") == DateRange(FIRST_DATE, date(2025, 3, 31))
    assert parse("after 2025-03-31") == DateRange(date(2025, 3, 31), LAST_DATE)
    assert parse("2024-06-15") == date(2024, 6, 15)
    with pytest.raises(ValueError):
        parse({"from": "2025-01-02", "to": "2025-01-01"})
    with pytest.raises(ValueError):
        parse({"since": "2025-01-01"})


# --- outputs and commands -------------------------------------------------------------------

from typer.testing import CliRunner  # noqa: E402

from creval.cli import app  # noqa: E402
from helpers import RULES  # noqa: E402

NEAR_ONE_YEAR = REPO / "scenarios" / "ranged" / "removal-month-near-one-year.yaml"
BORN_2009 = REPO / "scenarios" / "ranged" / "birth-year-turns-16-around-proceedings.yaml"


def cli(*args, input=None):
    result = CliRunner().invoke(app, ["--rules", str(RULES), *map(str, args)], input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stdout + result.stderr
    return result


def test_json_gives_the_alternatives_in_date_order_and_the_fact_to_pin_down():
    r = json.loads(cli("check", "--format", "json", NEAR_ONE_YEAR).stdout)["results"][0]
    assert r["outcome"] == "undetermined" and r["missing"] == ["removal_date"]
    assert r["alternatives"] == [
        {"when": [{"fact": "removal_date", "from": "2024-06-01", "to": "2024-06-15"}], "outcome": "return-unless-settled"},
        {"when": [{"fact": "removal_date", "from": "2024-06-16", "to": "2024-06-30"}], "outcome": "return-forthwith"},
    ]
    assert r["ranged"] == [{"fact": "removal_date", "from": "2024-06-01", "to": "2024-06-30"}]
    year = next(c for c in r["criteria"] if c["id"] == "within-one-year")
    assert year["status"] == "unknown" and "2024-06-15" in year["reason"] and "2024-06-16" in year["reason"]
    one_year = next(d for d in r["dates"] if d["event"] == "one-year-after-removal")
    assert (one_year["date"], one_year["until"]) == ("2025-06-01", "2025-06-30")
    assert "Between 2025-06-01 and 2025-06-30" in one_year["text"]


def test_exact_results_gain_no_key():
    r = json.loads(cli("check", "--format", "json", REPO / "scenarios" / "hague" / "16th-birthday-day-before.yaml").stdout)
    assert "alternatives" not in r["results"][0] and "ranged" not in r["results"][0]
    assert all("until" not in d for d in r["results"][0]["dates"])


def test_one_outcome_for_every_day_says_so():
    r = json.loads(cli("check", "--format", "json", REPO / "scenarios" / "ranged" / "removal-month-well-within-year.yaml").stdout)
    r = r["results"][0]
    assert r["outcome"] == "return-forthwith" and r["alternatives"] == []
    assert any("removal_date from 2025-02-01 to 2025-02-28" in n and "same on every possible day" in n for n in r["notes"])


@pytest.mark.parametrize("lang, heading, when, edges", [
    ("en", "ALTERNATIVES", "child_birth_date from 2009-07-01 to 2009-12-31", ("2009-06-30", "2009-07-01")),
    # ru/kk: the fact in words, the dates in words with their case endings
    ("ru", "ВАРИАНТЫ", "дата рождения ребёнка с 1 июля 2009 г. по 31 декабря 2009 г.", ("1 января 2009", "30 июня 2009")),
    ("kk", "НҰСҚАЛАР", "баланың туған күні 2009 жылғы 1 шілдеден бастап 2009 жылғы 31 желтоқсанға дейін",
     ("2009 жылғы 1 қаңтар", "2009 жылғы 30 маусым")),
])
def test_text_and_memo_show_the_alternatives_in_the_language(lang, heading, when, edges):
    def flat(out: str) -> str:  # words as read, whatever the line breaks and no-break spaces
        return " ".join(out.split())

    text = flat(cli("check", "--full", "--lang", lang, BORN_2009).stdout)
    assert heading in text and when in text
    short = flat(cli("check", "--lang", lang, BORN_2009).stdout)  # the short answer names both parts too
    assert all(edge in short for edge in edges)
    memo = flat(cli("check", "--format", "markdown", "--lang", lang, BORN_2009).stdout)
    assert when in memo


def test_a_range_with_no_possible_day_is_an_input_error_naming_file_line_and_field(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nas_of: 2025-07-01\nfacts:\n  abduction:\n    removal_date: 2025-08\n"
                   "    proceedings_date: 2025-06-01\n", encoding="utf-8")
    result = cli("check", bad)
    assert result.exit_code == 2
    assert f"{bad}:5: facts.abduction.removal_date: no day of the range of removal_date is possible" in result.stderr


def test_a_range_outside_the_date_limits_is_refused(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nfacts:\n  abduction:\n    removal_date: {from: 2025-08-02, to: 2025-08-01}\n", encoding="utf-8")
    result = cli("check", bad)
    assert result.exit_code == 2 and "the range ends (2025-08-01) before it begins (2025-08-02)" in result.stderr


def test_verify_accepts_undetermined_keys_for_the_ranged_pack():
    result = cli("verify", REPO / "scenarios" / "ranged")
    assert result.exit_code == 0 and "27 passed, 0 failed" in result.stdout


def test_ask_takes_a_month_and_before_a_date():
    answers = "2015-03\nRU\nKZ\nbefore 2024-07-10\ncustody\nyes\n" + "\n" * 10
    result = cli("ask", "hague-abduction-return", "--as-of", "2025-07-01", "--format", "json", input=answers)
    r = json.loads(result.stdout)["results"][0]
    # the removal cannot be before the birth: `before` starts at the earliest possible birth day
    assert r["ranged"] == [{"fact": "child_birth_date", "from": "2015-03-01", "to": "2015-03-31"},
                           {"fact": "removal_date", "from": "2015-03-01", "to": "2024-07-10"}]
    assert r["outcome"] == "undetermined"
    assert r["alternatives"][-1] == {"when": [{"fact": "removal_date", "from": "2024-07-02", "to": "2024-07-10"}],
                                     "outcome": "return-forthwith"}


def test_deadlines_use_the_earliest_possible_day_and_say_so(tmp_path):
    case = tmp_path / "c.yaml"
    case.write_text("id: c\nas_of: 2025-01-10\nfacts:\n  abduction:\n    child_birth_date: 2015-03-01\n"
                    "    habitual_residence: RU\n    taken_to: KZ\n    removal_date: 2024-06\n", encoding="utf-8")
    rows = json.loads(cli("deadlines", "--format", "json", case).stdout)
    year = next(d for d in rows if d["event"] == "one-year-after-removal")
    assert year["date"] == "2025-06-01" and "The earliest possible date. Between 2025-06-01 and 2025-06-30" in year["text"]


def test_the_json_schema_documents_the_rough_forms():
    schema = cli("schema").stdout
    assert "a month, YYYY-MM: any day of it" in schema and "an inclusive range of days" in schema


def test_two_year_long_ranges_split_exactly():
    """Born some time in 2009, proceedings some time in 2025: the age splits at 2009-06-30
    (as_of 2025-06-30), the year at 2025-03-01 (removal 2024-03-01); nothing else."""
    doc = {"id": "two", "as_of": "2025-06-30", "facts": {"abduction": {
        "child_birth_date": 2009, "habitual_residence": "RU", "taken_to": "KZ", "removal_date": "2024-03-01",
        "proceedings_date": 2025, "left_behind_right": "custody", "rights_exercised": True}}}
    r = EV.scenario(scenario_model(BOOK).model_validate(doc)).results[0]
    assert [(tuple((w["fact"], w["from"], w["to"]) for w in a["when"]), a["outcome"]) for a in r.alternatives] == [
        ((("child_birth_date", "2009-01-01", "2009-06-30"), ("proceedings_date", "2025-01-01", "2025-12-31")), "not-applicable"),
        ((("child_birth_date", "2009-07-01", "2009-12-31"), ("proceedings_date", "2025-01-01", "2025-02-28")), "return-forthwith"),
        ((("child_birth_date", "2009-07-01", "2009-12-31"), ("proceedings_date", "2025-03-01", "2025-12-31")), "return-unless-settled"),
    ]


def test_a_rough_known_date_proves_on_the_days_it_can():
    """An offence date lost, a sentence that began on 31 December 2014 or 1 January 2015: the
    first day proves an offence under the 1997 Code (eligible), the second proves nothing. Each
    part of the rough decision is decided with what its days prove (found by hypothesis)."""
    data, matter, _ = next(b for b in BASES if b[0]["id"] == "law-parole-offence-date-unknown-sentence-2014-12-31")
    check(data, matter, {"sentence_start": (date(2014, 12, 31), date(2015, 1, 1))})
    rough = json.loads(json.dumps(data))
    rough["facts"][matter]["sentence_start"] = {"from": "2014-12-31", "to": "2015-01-01"}
    rough.pop("expected", None)
    result = EV.scenario(scenario_model(BOOK).model_validate(rough), tests=["parole-three-quarters"]).results[0]
    assert result.outcome == "undetermined"
    assert [(a["when"][0]["from"], a["when"][0]["to"], a["outcome"]) for a in result.alternatives] == [
        ("2014-12-31", "2014-12-31", "eligible"), ("2015-01-01", "2015-01-01", "undetermined")]


def test_each_part_names_its_law_by_title_in_russian_and_kazakh():
    """The alternatives of a rough decision name the version of the law each part is under by
    its title in ru/kk (they showed the id, «[cc-1997]»), and the outcome in the rule's words."""
    from creval.render.parts import alternatives_shown

    data, matter, _ = next(b for b in BASES if b[0]["id"] == "law-parole-offence-date-unknown-sentence-2014-12-31")
    rough = json.loads(json.dumps(data))
    rough["facts"][matter]["sentence_start"] = {"from": "2014-12-31", "to": "2015-01-01"}
    rough.pop("expected", None)
    evaluated = EV.scenario(scenario_model(BOOK).model_validate(rough), tests=["parole-three-quarters"])
    version = next(v for v in BOOK.tests["parole-three-quarters"].versions if v.id == "cc-1997")
    for lang in ("ru", "kk"):
        first = alternatives_shown(explain(evaluated, lang).results[0], lang)[0]
        assert f"[{version.title.get(lang)}]" in first and "cc-1997" not in first
    assert alternatives_shown(explain(evaluated, "en").results[0], "en")[0].endswith(": eligible [cc-1997]")
