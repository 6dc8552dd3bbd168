"""Treaty tables: is an instrument in force between two states on a date?

The tables in `rules/data/` hold the facts, each row with its source and confidence; the
decision procedure is documented in `rules/data/README.md` and implemented here. The answer
is "in-force", "not-in-force" or None (unknown), with a note naming the rows it rests on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

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

    def pair(self, a: str, b: str) -> PairRow | None:
        wanted = {a, b}
        return next((row for row in self.pairs if set(row.states) == wanted), None)


@dataclass(frozen=True)
class Status:
    value: str | None  # IN_FORCE, NOT_IN_FORCE or None (unknown)
    note: str


def _dated(row: StateRow | PairRow, on: date, what: str) -> Status | None:
    """The date test shared by state and pair rows; None when the row says 'in force'."""
    label = f"{row.confidence}: {row.source}"
    if row.in_force is None:
        if row.in_force_earliest is not None and on < row.in_force_earliest:
            return Status(NOT_IN_FORCE, f"{what}: not in force before {row.in_force_earliest} ({label})")
        if isinstance(row, StateRow) and row.party_by is not None:
            if on >= row.party_by:
                return None
            return Status(None, f"{what}: party by {row.party_by}, entry into force not in the table ({label})")
        if isinstance(row, PairRow):
            return Status(NOT_IN_FORCE, f"{what}: no treaty relation ({label})")
        return Status(None, f"{what}: entry into force not in the table ({label})")
    earliest = row.in_force_earliest or row.in_force
    if on < earliest:
        return Status(NOT_IN_FORCE, f"{what}: in force only from {row.in_force} ({label})")
    if on < row.in_force:
        return Status(None, f"{what}: sources put entry into force between {earliest} and {row.in_force} ({label})")
    return None


def status(table: TreatyTable, a: str, b: str, on: date) -> Status:
    """Whether `table`'s instrument is in force between states a and b on `on`."""
    findings: list[Status] = []
    used: list[str] = []
    for state in (a, b):
        row = table.states.get(state)
        if row is None:
            findings.append(Status(None, f"the {table.short} table does not list {state}"))
            continue
        if not row.party:
            checked = f" as of {row.checked}" if row.checked else ""
            findings.append(Status(NOT_IN_FORCE, f"{state} is not a party to the {table.short}{checked} ({row.confidence}: {row.source})"))
            continue
        dated = _dated(row, on, f"{table.short} for {state}")
        if dated:
            findings.append(dated)
        else:
            used.append(f"{state} from {row.in_force or row.party_by} ({row.confidence})")
    pair = table.pair(a, b)
    if pair is not None:
        dated = _dated(pair, on, f"{table.short} between {a} and {b}")
        if dated:
            findings.append(dated)
        else:
            used.append(f"{a}-{b} relation from {pair.in_force} ({pair.confidence}: {pair.source})")
    elif table.accession_model == "opt-in" and any(
        (table.states.get(s) and table.states[s].joined == "accession") for s in (a, b)
    ):
        findings.append(Status(None, f"{table.short}: no acceptance of the accession found for {a}-{b}; check the depositary's table of acceptances"))
    for wanted in (NOT_IN_FORCE, None):
        hits = [f.note for f in findings if f.value == wanted]
        if hits:
            return Status(wanted, "; ".join(hits))
    return Status(IN_FORCE, f"{table.short} in force between {a} and {b} on {on} ({'; '.join(used)})")
