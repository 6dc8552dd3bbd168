"""Kazakhstan's bilateral legal-assistance treaties (`rules/data/bilateral.yaml`).

Unlike the multilateral tables (treaties.py), this is one list of two-state treaties, each
with its own dates, source and confidence. Only the treaties listed were checked: a pair of
states without a row is "not checked", which a result says in plain words, never "no treaty".
A treaty's relation is:
- not in force before `in_force_earliest` (the day it could first bind: a ratification);
- in force from `in_force` (a known date), or from `in_force_by` (the date of a source that
  shows it in force, such as an amending protocol);
- unknown in between.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, PrivateAttr, model_validator

from creval.core.text import Msg, State
from creval.law.intervals import ByInterval

__all__ = ["BilateralTable", "BilateralTreaty", "Found", "IN_FORCE", "NOT_CHECKED", "NOT_IN_FORCE", "Title", "status", "thresholds"]

IN_FORCE = "in-force"
NOT_IN_FORCE = "not-in-force"
NOT_CHECKED = "not-checked"  # no treaty of this pair is in the table: nobody looked


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Title(_Strict):
    en: str
    ru: str
    kk: str

    def get(self, lang: str = "en") -> str:
        return getattr(self, lang, None) or self.en


class BilateralTreaty(_Strict):
    id: str
    states: tuple[str, str]
    title: Title
    signed: date
    covers: list[Literal["family", "enforcement", "maintenance"]]
    in_force_earliest: Optional[date] = None
    in_force: Optional[date] = None
    in_force_by: Optional[date] = None
    source: str  # public sources only
    confidence: Literal["CONFIRMED", "LIKELY", "NOT FOUND"]
    note: Optional[str] = None  # for maintainers; results do not show it

    @model_validator(mode="after")
    def _dates_in_order(self) -> "BilateralTreaty":
        if self.states[0] == self.states[1]:
            raise ValueError("a bilateral treaty needs two different states")
        if self.in_force is None and self.in_force_by is None:
            raise ValueError(f"{self.id}: needs in_force or in_force_by")
        days = [d for d in (self.signed, self.in_force_earliest, self.in_force or self.in_force_by) if d is not None]
        if days != sorted(days):
            raise ValueError(f"{self.id}: signed, in_force_earliest and in_force(_by) must come in that order")
        return self


class BilateralTable(_Strict):
    kind: Literal["bilateral"]
    title: str
    source: str
    checked: str  # what was searched, in plain words: the limits of the table
    treaties: list[BilateralTreaty]
    # per pair of states: the dates on which its answer may change, and the answer per interval (status)
    _memo: ByInterval = PrivateAttr(default_factory=ByInterval)

    @model_validator(mode="after")
    def _one_row_per_treaty(self) -> "BilateralTable":
        ids = [t.id for t in self.treaties]
        if len(ids) != len(set(ids)):
            raise ValueError("treaties: two rows share an id")
        return self

    def between(self, a: str, b: str) -> list[BilateralTreaty]:
        return [t for t in self.treaties if set(t.states) == {a, b}]


@dataclass
class Found:
    value: str | None  # IN_FORCE, NOT_IN_FORCE, NOT_CHECKED, or None (unknown)
    in_force: list  # the titles of the treaties in force
    note: Msg
    sources: list[str] = field(default_factory=list)


def status(table: BilateralTable | None, a: str, b: str, on: date) -> Found:
    """Whether a bilateral treaty covering family matters or enforcement binds a and b on `on`.

    The answer changes only on the dates the rows name: it is found once per interval between
    them (the same Found each time; callers only read it)."""
    if table is None:
        return _status(None, a, b, on)
    return _memo(table).answer((a, b), on, lambda: _dates(table, a, b), lambda: _status(table, a, b, on))


def thresholds(table: BilateralTable | None, a: str, b: str) -> list[date]:
    """The dates on which the answer for a-b may change (sorted)."""
    return _memo(table).dates((a, b), lambda: _dates(table, a, b)) if table is not None else []


def _memo(table: BilateralTable) -> ByInterval:
    return table.__pydantic_private__["_memo"]  # through the slot: pydantic's __getattr__ is slow


def _dates(table: BilateralTable, a: str, b: str) -> list[date]:
    rows = table.between(a, b)
    return sorted({d for row in rows for d in (row.in_force or row.in_force_by, row.in_force_earliest) if d is not None})


def _status(table: BilateralTable | None, a: str, b: str, on: date) -> Found:
    rows = [t for t in table.between(a, b)] if table else []
    if not rows:
        return Found(NOT_CHECKED, [], Msg("bilateral.not_checked", a=State(a), b=State(b)))
    values, in_force, notes = [], [], []
    for row in rows:
        word = Msg("treaty.confidence." + row.confidence.lower().replace(" ", "-"))
        start = row.in_force or row.in_force_by
        if on >= start:
            values.append(IN_FORCE)
            in_force.append(Msg("bilateral.title", title=row.title))  # a str in JSON, the title in texts
            key = "bilateral.in_force" if row.in_force else "bilateral.in_force_by"
            notes.append(Msg(key, title=row.title, day=start.isoformat(), confidence=word))
        elif row.in_force is not None or (row.in_force_earliest is not None and on < row.in_force_earliest):
            values.append(NOT_IN_FORCE)
            first = row.in_force or row.in_force_earliest
            notes.append(Msg("bilateral.not_yet", title=row.title, day=first.isoformat(), confidence=word))
        else:
            values.append(None)
            earliest = (row.in_force_earliest or row.signed).isoformat()
            notes.append(Msg("bilateral.unknown", title=row.title, earliest=earliest, day=start.isoformat(), confidence=word))
    value = IN_FORCE if IN_FORCE in values else None if None in values else NOT_IN_FORCE
    cited = [Msg("treaty.source.row", short=Msg("bilateral.short"), who="-".join(r.states), source=r.source) for r in rows]
    return Found(value, in_force, Msg.joined("; ", notes), cited)
