"""`creval deadlines`: the caseworker's calendar over a folder of scenarios."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from creval.cli import app
from helpers import copy_rules

REPO = Path(__file__).resolve().parents[1]
HAGUE = "hague-abduction-return"


@pytest.fixture(scope="module")
def pinned_rules(tmp_path_factory) -> Path:
    return copy_rules(tmp_path_factory.mktemp("rules-deadlines"), [HAGUE])


@pytest.fixture(autouse=True)
def _rules(pinned_rules, monkeypatch):
    monkeypatch.setenv("CREVAL_RULES", str(pinned_rules))


def scenario(sid: str, birth: str, removal: str, proceedings: str | None = None, as_of: str = "2026-03-01") -> str:
    text = f"""\
id: {sid}
as_of: {as_of}
facts:
  abduction:
    child_birth_date: {birth}
    habitual_residence: KZ
    taken_to: RU
    removal_date: {removal}
    left_behind_right: custody
    rights_exercised: true
"""
    return text + (f"    proceedings_date: {proceedings}\n" if proceedings else "")


@pytest.fixture
def cases(tmp_path) -> Path:
    folder = tmp_path / "cases"
    folder.mkdir()
    # Removed five months ago, no proceedings yet: both dates ahead.
    (folder / "a.yaml").write_text(scenario("case-a", "2015-04-02", "2025-09-10"), encoding="utf-8")
    # Proceedings already commenced: the end of the year no longer moves anything.
    (folder / "b.yaml").write_text(scenario("case-b", "2014-01-01", "2025-06-10", "2025-08-01"), encoding="utf-8")
    # Removed over a year ago; the child turns 16 in two months.
    (folder / "sub").mkdir()
    (folder / "sub" / "c.yaml").write_text(scenario("case-c", "2010-05-01", "2024-01-01"), encoding="utf-8")
    # Proceedings planned after the end of the year: the date still matters.
    (folder / "d.yaml").write_text(scenario("case-d", "2016-01-01", "2025-12-01", "2026-12-15"), encoding="utf-8")
    return folder


EXPECTED = [
    ("2026-05-01", "case-c", "child-attains-16"),
    ("2026-09-10", "case-a", "one-year-after-removal"),
    ("2026-12-01", "case-d", "one-year-after-removal"),
    ("2030-01-01", "case-b", "child-attains-16"),
    ("2031-04-02", "case-a", "child-attains-16"),
    ("2032-01-01", "case-d", "child-attains-16"),
]
# as listed (text, JSON, Markdown): each end of the Hague year with the last day to file
# under Art 12(1) the day before it; the calendar enters the key date on that day instead
LISTED = [
    ("2026-05-01", "case-c", "child-attains-16"),
    ("2026-09-09", "case-a", "last-day-one-year-after-removal"),
    ("2026-09-10", "case-a", "one-year-after-removal"),
    ("2026-11-30", "case-d", "last-day-one-year-after-removal"),
    ("2026-12-01", "case-d", "one-year-after-removal"),
    ("2030-01-01", "case-b", "child-attains-16"),
    ("2031-04-02", "case-a", "child-attains-16"),
    ("2032-01-01", "case-d", "child-attains-16"),
]


def key_date_text(pinned_rules, event: str, lang: str = "en") -> str:
    from creval.law.rulebook import load

    rule = load(pinned_rules).tests[HAGUE].rule
    return next(kd.text.get(lang) for kd in rule.key_dates if kd.event == event)


def run(*args):
    return CliRunner().invoke(app, ["deadlines", *map(str, args)])


def test_text_calendar_sorted_future_only_with_texts(cases, pinned_rules):
    result = run(cases)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split()[:4] == ["date", "scenario", "test", "event"]
    rows = lines[1:]
    assert [(r.split()[0], r.split()[1], r.split()[3]) for r in rows] == LISTED
    for row, (_, _, event) in zip(rows, LISTED):
        assert row.split()[2] == HAGUE
        if not event.startswith("last-day-"):
            assert row.endswith(key_date_text(pinned_rules, event))
    assert rows[1].endswith("Last day to file under Art 12(1) of the Hague Convention (return forthwith)")
    assert "One year since the removal" in rows[2]


def test_dates_on_or_before_the_assessment_date_are_left_out(cases):
    found = json.loads(run(cases, "--format", "json").stdout)
    assert all(d["date"] > d["as_of"] for d in found)
    assert ("case-c", "one-year-after-removal") not in {(d["scenario"], d["event"]) for d in found}  # 2025-01-01
    assert ("case-b", "one-year-after-removal") not in {(d["scenario"], d["event"]) for d in found}  # proceedings filed


def test_json_format(cases, pinned_rules):
    result = run(cases, "--format", "json")
    assert result.exit_code == 0
    found = json.loads(result.stdout)
    assert [(d["date"], d["scenario"], d["event"]) for d in found] == LISTED
    assert [d["last_day_of"] for d in found[1:3]] == ["one-year-after-removal", ""]
    first = found[0]
    assert first["test"] == HAGUE
    assert first["as_of"] == "2026-03-01"
    assert first["file"].endswith("c.yaml")
    assert first["text"] == key_date_text(pinned_rules, "child-attains-16")


def test_ics_parses_back_with_all_day_events_and_stable_uids(cases, tmp_path, pinned_rules):
    from icalendar import Calendar

    ics = tmp_path / "deadlines.ics"
    result = run(cases, "--ics", ics)
    assert result.exit_code == 0, result.output
    assert f"6 dates written to {ics}" in result.stderr
    calendar = Calendar.from_ical(ics.read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert len(events) == len(EXPECTED)
    for event, (day, sid, name) in zip(events, EXPECTED):
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        # the end of the Hague year is the first day of Art 12(2): the calendar holds the day
        # before it, the last day to file under Art 12(1)
        last_day = name == "one-year-after-removal"
        assert start == date.fromisoformat(day) - timedelta(days=last_day) and type(start) is date  # all-day: a DATE
        assert end == start + timedelta(days=1)
        assert str(event["uid"]) == f"{sid}/{HAGUE}/{name}@creval"
        assert key_date_text(pinned_rules, name) in str(event["description"])
        assert sid in str(event["summary"])
        assert name not in str(event["summary"])  # a readable title, not the event's code
        if last_day:
            assert str(event["summary"]).startswith("Last day to file under Art 12(1)")
            assert day in str(event["description"])  # the key date itself is named
        else:
            assert str(event["summary"]).startswith("The child attains 16")
        (alarm,) = event.walk("VALARM")
        assert str(alarm["action"]) == "DISPLAY"
        assert alarm.decoded("trigger") == timedelta(days=-7)
    assert len({str(e["uid"]) for e in events}) == len(events)
    first = ics.read_bytes()
    assert run(cases, "--ics", ics).exit_code == 0
    assert ics.read_bytes() == first  # the same input gives the same file


def test_as_of_override_moves_the_horizon(cases):
    found = json.loads(run(cases, "--format", "json", "--as-of", "2026-07-01").stdout)
    assert [(d["date"], d["scenario"], d["event"]) for d in found] == [e for e in LISTED if e[0] > "2026-07-01"]


def test_invalid_scenario_is_named_and_the_rest_still_listed(cases):
    (cases / "bad.yaml").write_text("id: bad\nfacts:\n  abduction:\n    child_birth_date: 2015-13-01\n", encoding="utf-8")
    result = run(cases)
    assert result.exit_code == 2
    assert "bad.yaml" in result.stderr and "child_birth_date" in result.stderr
    assert len(result.stdout.splitlines()) == 1 + len(LISTED)


def test_only_invalid_files_print_no_calendar(tmp_path):
    # «После даты оценки ключевых дат нет.» once followed the errors of a file that was never
    # evaluated: the caseworker read that nothing was due.
    (tmp_path / "bad.yaml").write_text("id: bad\nfacts:\n  abduction:\n    child_birth_date: 2015-13-01\n", encoding="utf-8")
    for lang in ("en", "ru"):
        result = run(tmp_path / "bad.yaml", "--lang", lang)
        assert result.exit_code == 2 and "bad.yaml" in result.stderr
        assert result.stdout.strip() == ""
    (tmp_path / "old.yaml").write_text(scenario("old", "2000-01-01", "2010-01-01", as_of="2024-01-01"), encoding="utf-8")
    result = run(tmp_path)  # one valid file: its (empty) calendar is printed, the bad one named
    assert result.exit_code == 2 and result.stdout.strip() == "No key dates after the assessment date."


def test_nothing_ahead(tmp_path):
    (tmp_path / "old.yaml").write_text(scenario("old", "2000-01-01", "2010-01-01", as_of="2024-01-01"), encoding="utf-8")
    result = run(tmp_path)
    assert result.exit_code == 0
    assert result.stdout.strip() == "No key dates after the assessment date."
    assert json.loads(run(tmp_path, "--format", "json").stdout) == []


def test_russian_headers_and_texts(cases, pinned_rules):
    result = run(cases, "--lang", "ru")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("дата")
    assert key_date_text(pinned_rules, "child-attains-16", "ru") in result.stdout


def test_markdown_table(cases):
    result = run(cases, "--format", "markdown")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("| date | scenario |")
    assert len(lines) == 2 + len(LISTED)


def test_unwritable_ics_is_a_one_line_error(cases, tmp_path):
    result = run(cases, "--ics", tmp_path / "no" / "such" / "x.ics")
    assert result.exit_code == 2
    assert result.stderr.startswith("creval: --ics:")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("lang, last_day, attains", [
    ("ru", "Последний день для обращения по ст. 12(1)", "Ребёнку исполняется 16 лет"),
    ("kk", "12(1)-бабы бойынша жүгінудің соңғы күні", "Балаға 16 жас толады"),
])
def test_ics_titles_and_reminders_in_the_language(cases, tmp_path, lang, last_day, attains):
    from icalendar import Calendar

    ics = tmp_path / f"{lang}.ics"
    result = run(cases, "--ics", ics, "--lang", lang)
    assert result.exit_code == 0, result.output
    events = list(Calendar.from_ical(ics.read_bytes()).walk("VEVENT"))
    summaries = [str(e["summary"]) for e in events]
    assert sum(last_day in s for s in summaries) == 2 and sum(s.startswith(attains) for s in summaries) == 4
    for event in events:
        (alarm,) = event.walk("VALARM")
        assert str(event["summary"]) in str(alarm["description"])
        assert not re.search(r"[A-Za-z]{4,}", str(alarm["description"]).split("(")[0])  # no English words
