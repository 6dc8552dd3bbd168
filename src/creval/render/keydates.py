"""Key dates as every output lists them: in date order, with the last day to act under a
regime that a key date ends, and those before the assessment date marked.

A rule's key date may be the FIRST day of a new regime for an act: the Hague year's key date
is the first day on which proceedings fall under Art 12(2). What a caseworker must know is the
day before, the LAST day to file under Art 12(1). Such key dates have a message
`calendar.last_day.<event>`; each gets a companion line on the day before, in the short answer,
`--full`, the memo, `creval deadlines`, the web page and the calendar file alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Optional

from creval.render.i18n import messages, t

__all__ = ["DateLine", "LAST_DAY", "key_dates", "last_day_key", "marked"]

LAST_DAY = "calendar.last_day."


@dataclass(frozen=True)
class DateLine:
    date: str
    event: str
    text: str
    until: Optional[str] = None  # the latest possible day, for a date known only roughly
    last_day_of: str = ""  # the key date (event) whose day before this is; "" for a rule's own key date

    def when(self, as_of: str) -> str:
        """'past', 'today' (the assessment date) or '' (to come)."""
        latest = self.until or self.date
        return "past" if latest < as_of else "today" if self.date == as_of else ""


def last_day_key(event: str) -> Optional[str]:
    key = LAST_DAY + event
    return key if key in messages() else None


def _day_before(iso: Optional[str]) -> Optional[str]:
    return None if iso is None else (date.fromisoformat(iso) - timedelta(days=1)).isoformat()


def key_dates(dates: list[Any], lang: str) -> list[DateLine]:
    """A test result's key dates (objects or mappings with event, date, text, until), with
    their last days, sorted by date; a stable sort keeps the rule's order on one day, and a
    last day comes before a key date of the same day."""
    out: list[DateLine] = []
    for d in dates:
        get = (lambda k: d.get(k)) if isinstance(d, dict) else (lambda k: getattr(d, k, None))
        line = DateLine(get("date"), get("event"), get("text"), get("until"))
        key = last_day_key(line.event)
        if key is not None:
            out.append(DateLine(_day_before(line.date), line.event, t(key, lang), _day_before(line.until), line.event))
        out.append(line)
    return sorted(out, key=lambda d: (d.date, 0 if d.last_day_of else 1))


def marked(d: DateLine, as_of: str, lang: str, with_event: bool = False) -> str:
    """'2026-11-09  (passed) text': the date, its mark against the assessment date, the text
    (after the rule's event code with `with_event`, as --full shows it)."""
    when = d.when(as_of)
    mark = t(f"short.date.{when}", lang) if when else ""
    if with_event and not d.last_day_of and lang != "en":  # ru/kk: the words first, the code after them
        return f"{d.date}  " + (f"({mark}) " if mark else "") + f"{d.text} ({d.event})"
    event = f"{d.event}: " if with_event and not d.last_day_of else ""
    return f"{d.date}  " + (f"({mark}) " if mark else "") + event + d.text
