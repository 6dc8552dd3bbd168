"""Treaty tables: is an instrument in force between two states on a date?

The tables in `rules/data/` hold the facts, each row with its source and confidence; the
decision procedure is documented in `rules/data/README.md` and implemented here. The answer
is "in-force", "not-in-force" or None (unknown), with a note naming the rows it rests on.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from creval.output.i18n import Msg

IN_FORCE = "in-force"
NOT_IN_FORCE = "not-in-force"


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    source: str
    confidence: Literal["CONFIRMED", "LIKELY", "NOT FOUND"]
    note: Optional[str] = None


class StateRow(_Row):
    party: bool
    joined: Optional[Literal["ratification", "accession", "approval", "succession"]] = None
    deposit: Optional[date] = None
    in_force: Optional[date] = None
    in_force_earliest: Optional[date] = None
    party_by: Optional[date] = None
    checked: Optional[date] = None


class PairRow(_Row):
    states: tuple[str, str]
    in_force: Optional[date] = None
    in_force_earliest: Optional[date] = None


class TreatyTable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    instrument: str
    title: str
    short: str
    accession_model: Literal["opt-in", "opt-out"]
    model_source: str
    superseded_by: Optional[str] = None
    source: str
    note: Optional[str] = None
    states: dict[str, StateRow]
    pairs: list[PairRow] = Field(default_factory=list)

    @property
    def name(self) -> Msg:
        """The short name, translatable (`instrument.<id>` in rules/i18n; English: `short`)."""
        return Msg(f"instrument.{self.instrument}", en=self.short)

    def pair(self, a: str, b: str) -> PairRow | None:
        wanted = {a, b}
        return next((row for row in self.pairs if set(row.states) == wanted), None)


@dataclass(frozen=True)
class Status:
    value: str | None  # IN_FORCE, NOT_IN_FORCE or None (unknown)
    note: str  # a Msg: English text, translatable


def _dated(row: StateRow | PairRow, on: date, what: Msg) -> Status | None:
    """The date test shared by state and pair rows; None when the row says 'in force'."""
    label = f"{row.confidence}: {row.source}"
    if row.in_force is None:
        if row.in_force_earliest is not None and on < row.in_force_earliest:
            return Status(NOT_IN_FORCE, Msg("treaty.not_before", what=what, date=row.in_force_earliest, label=label))
        if isinstance(row, StateRow) and row.party_by is not None:
            if on >= row.party_by:
                return None
            return Status(None, Msg("treaty.party_by", what=what, date=row.party_by, label=label))
        if isinstance(row, PairRow):
            return Status(NOT_IN_FORCE, Msg("treaty.no_relation", what=what, label=label))
        return Status(None, Msg("treaty.no_date", what=what, label=label))
    earliest = row.in_force_earliest or row.in_force
    if on < earliest:
        return Status(NOT_IN_FORCE, Msg("treaty.only_from", what=what, date=row.in_force, label=label))
    if on < row.in_force:
        return Status(None, Msg("treaty.between_dates", what=what, earliest=earliest, date=row.in_force, label=label))
    return None


def status(table: TreatyTable, a: str, b: str, on: date) -> Status:
    """Whether `table`'s instrument is in force between states a and b on `on`.

    The answer changes only on the dates the rows name, so it is computed once per interval
    between those dates (a batch asks the same pairs again and again)."""
    thresholds = _thresholds(table, a, b)
    key = (table.instrument, a, b, bisect_right(thresholds, on))
    found = _STATUS.get(key)
    if found is None:
        found = _status(table, a, b, on)
        if len(_STATUS) < 100_000:
            _STATUS[key] = found
    return found


_STATUS: dict[tuple, Status] = {}
_THRESHOLDS: dict[tuple, list[date]] = {}


def _thresholds(table: TreatyTable, a: str, b: str) -> list[date]:
    key = (table.instrument, a, b)
    found = _THRESHOLDS.get(key)
    if found is None:
        rows = [table.states.get(a), table.states.get(b), table.pair(a, b)]
        dates = {getattr(row, name, None) for row in rows if row for name in ("in_force", "in_force_earliest", "party_by")}
        found = sorted(d for d in dates if d is not None)
        if len(_THRESHOLDS) < 100_000:
            _THRESHOLDS[key] = found
    return found


def _status(table: TreatyTable, a: str, b: str, on: date) -> Status:
    findings: list[Status] = []
    used: list[Msg] = []
    short = table.name
    for state in (a, b):
        row = table.states.get(state)
        if row is None:
            findings.append(Status(None, Msg("treaty.not_listed", short=short, state=state)))
            continue
        if not row.party:
            label = f"{row.confidence}: {row.source}"
            findings.append(Status(NOT_IN_FORCE, Msg("treaty.not_party_checked", state=state, short=short, date=row.checked, label=label)
                                   if row.checked else Msg("treaty.not_party", state=state, short=short, label=label)))
            continue
        dated = _dated(row, on, Msg("treaty.what.state", short=short, state=state))
        if dated:
            findings.append(dated)
        else:
            used.append(Msg("treaty.used_state", state=state, date=row.in_force or row.party_by, confidence=row.confidence))
    pair = table.pair(a, b)
    if pair is not None:
        dated = _dated(pair, on, Msg("treaty.what.pair", short=short, a=a, b=b))
        if dated:
            findings.append(dated)
        else:
            used.append(Msg("treaty.used_pair", a=a, b=b, date=pair.in_force, label=f"{pair.confidence}: {pair.source}"))
    elif table.accession_model == "opt-in" and any(
        (table.states.get(s) and table.states[s].joined == "accession") for s in (a, b)
    ):
        findings.append(Status(None, Msg("treaty.no_acceptance", short=short, a=a, b=b)))
    for wanted in (NOT_IN_FORCE, None):
        hits = [f.note for f in findings if f.value == wanted]
        if hits:
            return Status(wanted, Msg.joined("; ", hits))
    return Status(IN_FORCE, Msg("treaty.in_force", short=short, a=a, b=b, used=Msg.joined("; ", used)))
