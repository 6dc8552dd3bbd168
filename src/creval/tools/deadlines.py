"""`creval deadlines PATH`: the caseworker's calendar of key dates still to come.

For every scenario under the paths, every key date of every test run on it that falls after
the scenario's assessment date, sorted by date, with what the date changes (the rule's key
date text). A key date that names the date fact it moves (`moves:` in the rule file) is left
out when that fact is stated and not after the assessment date: proceedings already commenced
are no longer affected by the end of the one-year period.

Output: a text table (date, scenario, test, event, text), JSON, Markdown, or an iCalendar
file of all-day events (`--ics`) whose UIDs are stable (scenario/test/event), so that
importing the file again updates the same events.

In the calendar each event has a readable title in the chosen language (the key date's
text up to its first colon, or `calendar.event.<event>` where a rule's text needs a shorter
name) and a reminder REMINDER_DAYS days before. A key date that is the FIRST day of a new
regime for an act (`calendar.last_day.<event>` exists: the Hague year, whose key date is
the first day of Art 12(2)) is entered as the LAST day for the act under the old one, the
day before: "the last day to file under Art 12(1)".
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

from creval import __version__
from creval.app.evaluation import evaluate_paths
from creval.input.scenario import matter_facts
from creval.render.explain import explain
from creval.render.i18n import messages, t
from creval.render.keydates import last_day_key

__all__ = [
    "FORMATS", "COLUMNS", "Deadline", "REMINDER_DAYS", "as_json", "as_markdown", "as_text", "calendar_entry", "collect",
    "to_ical", "write_ical"
]

REMINDER_DAYS = 7  # each calendar event reminds this many days before it


@dataclass(frozen=True)
class Deadline:
    date: str
    scenario: str
    test: str
    event: str
    text: str
    as_of: str
    file: str = ""
    title: str = ""  # the test's title
    last_day_of: str = ""  # the key date (event) this is the day before: the last day to act (output/keydates.py)

    @property
    def uid(self) -> str:
        return f"{self.scenario}/{self.test}/{self.event}@creval"


def collect(book, paths: list[str], as_of: date | None = None, tests: list[str] | None = None,
            lang: str = "en") -> tuple[list[Deadline], list[str], int]:
    """The deadlines of every valid scenario, sorted; one line per invalid input; and how many
    scenarios were evaluated (none: there is no calendar to print, not an empty one)."""
    found: list[Deadline] = []
    errors: list[str] = []
    valid = 0
    for evaluated in evaluate_paths(book, paths, as_of, tests):
        errors.extend(evaluated.lines(lang))
        if evaluated.result is None:
            continue
        valid += 1
        result = explain(evaluated.result, lang, brief=True)  # titles and key dates: all a calendar shows
        facts = matter_facts(evaluated.scenario)
        for r in result.results:
            test = book.tests[r.test]
            moves = {kd.event: kd.moves for kd in test.rule.key_dates}
            known = facts.get(test.matter, {})
            for d in r.dates:
                latest = getattr(d, "until", None) or d.date
                if latest <= result.as_of or _already_fixed(moves.get(d.event), known, result.as_of):
                    continue
                day, text = d.date, d.text
                if latest != d.date:  # computed from a date known only roughly: its earliest possible day to come
                    day = max(d.date, (date.fromisoformat(result.as_of) + timedelta(days=1)).isoformat())
                    # d.text already names the period («В период с … по …: …»): the latest day is said once
                    text = t("ranged.deadline_span", lang, text=d.text)
                found.append(Deadline(day, result.scenario, r.test, d.event, text, result.as_of,
                                      evaluated.file, r.title))
                last = last_day_key(d.event)
                if last is not None:  # the last day to act under the regime this key date ends
                    found.extend(_last_day(d, last, result, r, evaluated.file, lang))
    found.sort(key=lambda d: (d.date, d.scenario, d.test, 0 if d.last_day_of else 1, d.event))
    return found, errors, valid


def _last_day(d, key: str, result, r, file: str, lang: str) -> list[Deadline]:
    """The day before key date `d`, when it is still to come (the earliest such day to come,
    with its latest, when `d` is known only roughly)."""
    def before(iso: str) -> str:
        return (date.fromisoformat(iso) - timedelta(days=1)).isoformat()

    day, latest = before(d.date), before(getattr(d, "until", None) or d.date)
    if latest <= result.as_of:
        return []
    text = t(key, lang)
    if latest != day:
        day = max(day, (date.fromisoformat(result.as_of) + timedelta(days=1)).isoformat())
        text = t("ranged.deadline", lang, until=latest, text=text)
    return [Deadline(day, result.scenario, r.test, f"last-day-{d.event}", text, result.as_of, file, r.title, last_day_of=d.event)]


def _already_fixed(moves: str | None, facts: dict[str, Any], as_of: str) -> bool:
    """The date fact this key date moves is stated and not in the future: nothing left to move."""
    if not moves or moves == "as_of":
        return False
    value = facts.get(moves)
    value = getattr(value, "hi", value)  # a date known only roughly: fixed once its latest day has passed
    return isinstance(value, date) and value.isoformat() <= as_of


COLUMNS = ("date", "scenario", "test", "event", "text")


def as_text(deadlines: list[Deadline], lang: str = "en") -> str:
    if not deadlines:
        return t("deadlines.none", lang)
    header = [t(f"deadlines.col.{c}", lang) for c in COLUMNS]
    rows = [[getattr(d, c) for c in COLUMNS] for d in deadlines]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(COLUMNS) - 1)]
    lines = []
    for row in [header, *rows]:
        lines.append("  ".join([*(cell.ljust(w) for cell, w in zip(row, widths)), row[-1]]).rstrip())
    return "\n".join(lines)


def as_json(deadlines: list[Deadline], lang: str = "en") -> str:
    """JSON: codes and the texts already in the language asked (`lang` is the other formats')."""
    return json.dumps([asdict(d) for d in deadlines], ensure_ascii=False, indent=2)


def as_markdown(deadlines: list[Deadline], lang: str = "en") -> str:
    if not deadlines:
        return t("deadlines.none", lang)
    out = ["| " + " | ".join(t(f"deadlines.col.{c}", lang) for c in COLUMNS) + " |", "|---|---|---|---|---|"]
    for d in deadlines:
        cells = [d.date, f"`{d.scenario}`", f"`{d.test}`", f"`{d.event}`", d.text.replace("|", "\\|")]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def to_ical(deadlines: list[Deadline], lang: str = "en") -> bytes:
    """An iCalendar file: one all-day event per deadline, UID scenario/test/event@creval."""
    from icalendar import Alarm, Calendar, Event

    cal = Calendar()
    cal.add("prodid", f"-//creval//deadlines {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", t("deadlines.ics.calendar", lang))
    for d in deadlines:
        if d.last_day_of:  # the calendar enters the key date itself on its last day (calendar_entry)
            continue
        day, summary = calendar_entry(d, lang)
        event = Event()
        event.add("uid", d.uid)
        # DTSTAMP is required; the assessment date keeps the file reproducible.
        event.add("dtstamp", datetime.combine(date.fromisoformat(d.as_of), time(0), tzinfo=timezone.utc))
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("summary", summary)
        # an event moved to the day before names the key date itself, whose text it quotes
        text = d.text if day.isoformat() == d.date else f"{d.date}: {d.text}"
        event.add("description", t("deadlines.ics.description", lang, text=text, scenario=d.scenario,
                                   file=d.file or "-", test=d.test, title=d.title, as_of=d.as_of))
        event.add("categories", ["creval", d.test])
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", t("calendar.reminder", lang, days=REMINDER_DAYS, title=summary))
        alarm.add("trigger", timedelta(days=-REMINDER_DAYS))
        event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()


def calendar_entry(d: Deadline, lang: str = "en") -> tuple[date, str]:
    """The day a deadline is entered on and its readable title (see the module docstring)."""
    day = date.fromisoformat(d.date)
    last_day = f"calendar.last_day.{d.event}"
    if last_day in messages():
        return day - timedelta(days=1), t("calendar.summary", lang, title=t(last_day, lang), scenario=d.scenario)
    named = f"calendar.event.{d.event}"
    title = t(named, lang) if named in messages() else d.text.split(":")[0].rstrip(". ")
    return day, t("calendar.summary", lang, title=title, scenario=d.scenario)


def write_ical(deadlines: list[Deadline], path: Path, lang: str = "en") -> None:
    path.write_bytes(to_ical(deadlines, lang))


# --format NAME -> the renderer (document, lang): one table, as render/formats.py is for results
FORMATS = {"text": as_text, "json": as_json, "markdown": as_markdown}
