"""Treaty tables: is an instrument in force between two states on a date?

The tables in `rules/data/` hold the facts, each row with its source and confidence; the
decision procedure is documented in `rules/data/README.md` and implemented here. The answer
is "in-force", "not-in-force" or None (unknown), with a note in plain words (the confidence
translated) and the sources of the rows it rests on, which a result lists among its sources.

A participation or a relation can also end: a state's withdrawal (`left`), a suspension
between two states (`suspended`) or the end of a pair's relation (`ended`). Each end has its
own date, source and confidence; from that date on, the instrument is not in force.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from creval.core.text import Msg, State
from creval.law.intervals import ByInterval

__all__ = [
    "AcceptanceRow", "Confidence", "End", "IN_FORCE", "NOT_IN_FORCE", "PairRow", "StateRow", "Status",
    "TreatyTable", "confidence_word", "relations_of", "status", "thresholds", "timeline"
]

IN_FORCE = "in-force"
NOT_IN_FORCE = "not-in-force"

Confidence = Literal["CONFIRMED", "LIKELY", "NOT FOUND"]


def confidence_word(confidence: str) -> Msg:
    """CONFIRMED / LIKELY / NOT FOUND as a word of the reader's language."""
    return Msg("treaty.confidence." + confidence.lower().replace(" ", "-"))


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    source: str  # public sources only: a citation a reader can look up
    confidence: Confidence
    source_date: Optional[date] = None  # the date of the latest source the row rests on
    note: Optional[str] = None  # for the table's maintainers; results do not show it


class End(BaseModel):
    """The day a participation or relation stops: not in force on and after `date`."""
    model_config = ConfigDict(extra="forbid", frozen=True)
    date: date
    source: str
    confidence: Confidence
    note: Optional[str] = None


def _ordered(pairs: list[tuple[str, Optional[date], str, Optional[date]]], strict: bool = False) -> None:
    """Raise when a date that must come later comes earlier (both given)."""
    for early_name, early, late_name, late in pairs:
        if early is not None and late is not None and (late < early or (strict and late == early)):
            raise ValueError(f"{late_name} {late} is {'not after' if strict else 'before'} {early_name} {early}")


class StateRow(_Row):
    party: bool
    # extension: a territory to which a state extended the instrument (Hong Kong, Macao)
    joined: Optional[Literal["ratification", "accession", "approval", "succession", "extension"]] = None
    signature: Optional[date] = None
    deposit: Optional[date] = None
    in_force: Optional[date] = None
    in_force_earliest: Optional[date] = None
    party_by: Optional[date] = None  # the date of a source that lists the state as party
    checked: Optional[date] = None  # party: false: the date of the source that shows it
    left: Optional[End] = None  # withdrawal or denunciation, in effect from left.date
    # Objections to this state's accession (opt-out instruments): the objecting states, each
    # with its own pair row, or "unknown" when the depositary records objections but the
    # objecting states were not read (a pair without a row of its own is then unknown).
    objected_by: Optional[list[str] | Literal["unknown"]] = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> "StateRow":
        if not self.party and (self.left or self.in_force or self.in_force_earliest or self.party_by):
            raise ValueError("a state with party: false has no in_force, in_force_earliest, party_by or left")
        _ordered([("signature", self.signature, "deposit", self.deposit)])
        # (in_force_earliest may precede the deposit: a state can be bound through another, as
        # the UK was through the EU before its own ratification)
        _ordered([("deposit", self.deposit, "in_force", self.in_force)])
        _ordered([("in_force_earliest", self.in_force_earliest, "in_force", self.in_force)], strict=True)
        end = self.left.date if self.left else None
        _ordered([(name, getattr(self, name), "left.date", end)
                  for name in ("deposit", "in_force", "in_force_earliest", "party_by")], strict=True)
        return self


class PairRow(_Row):
    states: tuple[str, str]
    related: bool = True  # false: no treaty relation at all (e.g. an objection never withdrawn)
    in_force: Optional[date] = None  # without in_force and in_force_earliest the state rows
    in_force_earliest: Optional[date] = None  # date the start; the row then only adds an end
    suspended: Optional[End] = None  # the relation suspended between the two, from suspended.date
    ended: Optional[End] = None  # the relation ended between the two, from ended.date

    @model_validator(mode="after")
    def _dates_in_order(self) -> "PairRow":
        if self.states[0] == self.states[1]:
            raise ValueError("a pair needs two different states")
        if not self.related and (self.in_force or self.in_force_earliest or self.suspended or self.ended):
            raise ValueError("a pair with related: false has no dates")
        _ordered([("in_force_earliest", self.in_force_earliest, "in_force", self.in_force)], strict=True)
        for name, end in (("suspended.date", self.suspended), ("ended.date", self.ended)):
            if end is not None:
                _ordered([("in_force", self.in_force, name, end.date),
                          ("in_force_earliest", self.in_force_earliest, name, end.date)], strict=True)
        if self.suspended and self.ended:
            _ordered([("suspended.date", self.suspended.date, "ended.date", self.ended.date)])
        return self

    @property
    def dated(self) -> bool:
        """Whether the row dates the start of the relation (else the state rows do)."""
        return self.in_force is not None or self.in_force_earliest is not None


class AcceptanceRow(_Row):
    """One declaration of acceptance of an accession (Hague 1980 Art 38): `by` accepted the
    accession `of`; the relation starts on `in_force` (the first day of the third calendar
    month after the deposit of the declaration). Without `in_force`, `in_force_earliest` is
    the first day the relation could start (e.g. an acceptance known not to exist by a date)."""
    by: str
    of: str
    deposit: Optional[date] = None  # the declaration of acceptance, when the source dates it
    in_force: Optional[date] = None
    in_force_earliest: Optional[date] = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> "AcceptanceRow":
        if self.by == self.of:
            raise ValueError("a state does not accept its own accession")
        if self.in_force is None and self.in_force_earliest is None:
            raise ValueError("an acceptance row needs in_force or in_force_earliest")
        _ordered([("in_force_earliest", self.in_force_earliest, "in_force", self.in_force)], strict=True)
        _ordered([("deposit", self.deposit, "in_force", self.in_force)], strict=True)
        return self

    def as_pair(self) -> "PairRow":
        return PairRow(states=(self.by, self.of), in_force=self.in_force, in_force_earliest=self.in_force_earliest,
                       source=self.source, confidence=self.confidence, source_date=self.source_date)


class EntryIntoForce(BaseModel):
    """The instrument's own rule for the date it binds a state, checked against every row."""
    model_config = ConfigDict(extra="forbid", frozen=True)
    # first-day-of-third-month: the first day of the third calendar month after the deposit
    #   (Hague 1980 Art 43; Art 38 for an acceptance);
    # first-day-after-three-months: the first day of the month following the expiration of
    #   three months after the deposit (Hague 1993 Art 46(2), Hague 2007 Art 60(2)(a));
    # thirtieth-day: the 30th day following the deposit (New York 1956 Art 14(2)).
    rule: Literal["first-day-of-third-month", "first-day-after-three-months", "thirtieth-day"]
    article: str
    convention_in_force: date  # the instrument's own entry into force: no state is bound before it
    # whether an accession follows the same rule (Hague 2007: no, the end of the objection period)
    accessions: bool = True
    acceptances: Optional[Literal["first-day-of-third-month"]] = None

    def date_for(self, deposit: date, rule: str | None = None) -> date:
        rule = rule or self.rule
        if rule == "thirtieth-day":
            found = deposit + timedelta(days=30)
        else:
            months = deposit.month - 1 + (3 if rule == "first-day-of-third-month" else 4)
            found = date(deposit.year + months // 12, months % 12 + 1, 1)
        return max(found, self.convention_in_force)


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
    entry_into_force: Optional[EntryIntoForce] = None
    states: dict[str, StateRow]
    acceptances: list[AcceptanceRow] = Field(default_factory=list)
    pairs: list[PairRow] = Field(default_factory=list)
    # per pair of states: the dates on which its answer may change, and the answer found for
    # each interval between them (status); per table, as two rule folders (creval compare) may differ
    _memo: ByInterval = PrivateAttr(default_factory=ByInterval)

    @model_validator(mode="after")
    def _pairs_checked(self) -> "TreatyTable":
        seen = set()
        for i, row in enumerate(self.pairs):
            key = frozenset(row.states)
            if key in seen:
                raise ValueError(f"pairs[{i}]: {row.states[0]}-{row.states[1]} is given twice")
            seen.add(key)
            # Under an opt-in model the relation starts with an acceptance: its date is the pair's.
            if self.accession_model == "opt-in" and row.related and not row.dated:
                raise ValueError(f"pairs[{i}]: an opt-in table's pair row needs in_force or in_force_earliest")
        for i, row in enumerate(self.acceptances):
            if self.accession_model != "opt-in":
                raise ValueError(f"acceptances[{i}]: only an opt-in table records acceptances")
            for role, code in (("by", row.by), ("of", row.of)):
                if code not in self.states or not self.states[code].party:
                    raise ValueError(f"acceptances[{i}]: {role} {code} is not a party in this table")
            if frozenset((row.by, row.of)) in seen:
                raise ValueError(f"acceptances[{i}]: {row.by}-{row.of} also has a pair row; keep one")
        for code, row in self.states.items():
            for other in row.objected_by if isinstance(row.objected_by, list) else ():
                if self.pair(code, other) is None:
                    raise ValueError(f"states.{code}: the objection by {other} needs a pair row")
        for where, problem in model_problems(self):
            raise ValueError(f"{where}: {problem}")
        return self

    @property
    def name(self) -> Msg:
        """The short name, translatable (`instrument.<id>` in rules/i18n; English: `short`)."""
        return Msg(f"instrument.{self.instrument}", en=self.short)

    def pair(self, a: str, b: str) -> PairRow | None:
        """The row that settles the relation between a and b: a pair row, or else the
        acceptance (either way round) that starts earliest."""
        wanted = {a, b}
        found = next((row for row in self.pairs if set(row.states) == wanted), None)
        if found is not None:
            return found
        accepted = [row for row in self.acceptances if {row.by, row.of} == wanted]
        if not accepted:
            return None
        best = min(accepted, key=lambda row: (row.in_force is None, row.in_force or row.in_force_earliest))
        return best.as_pair()

    def needs_acceptance(self, code: str) -> bool:
        row = self.states.get(code)
        return row is not None and row.joined == "accession"


def model_problems(table: "TreatyTable") -> list[tuple[str, str]]:
    """Rows whose dates the instrument's own rule contradicts: a ratification or accession
    whose entry into force is not the date its article gives for the deposit, an acceptance
    whose relation starts otherwise than Art 38 says, or a relation that starts before
    either state is bound. Windows (in_force_earliest) are the rows' own uncertainty."""
    model, found = table.entry_into_force, []
    if model is None:
        return found
    for code, row in table.states.items():
        if not row.party or row.deposit is None or row.in_force is None or row.in_force_earliest is not None:
            continue
        if row.joined in ("ratification", "approval") or (row.joined == "accession" and model.accessions):
            want = model.date_for(row.deposit)
            if row.in_force != want:
                found.append((f"states.{code}", f"in force {row.in_force}, but {model.article} gives {want} for a deposit of {row.deposit}"))
    for i, row in enumerate(table.acceptances):
        if model.acceptances and row.deposit is not None and row.in_force is not None:
            want = model.date_for(row.deposit, model.acceptances)
            bound = [table.states[c].in_force for c in (row.by, row.of) if c in table.states and table.states[c].in_force]
            want = max([want] + bound)
            if row.in_force != want:
                found.append((f"acceptances[{i}]", f"in force {row.in_force}, but Art 38 gives {want} for a deposit of {row.deposit}"))
        if row.in_force is not None and model.acceptances and row.in_force.day != 1 and row.confidence != "CONFIRMED":
            found.append((f"acceptances[{i}]", f"in force {row.in_force}: a relation under Art 38 starts on the 1st of a month"))
        for code in (row.by, row.of):
            start = table.states[code].in_force if code in table.states else None
            if start is not None and row.in_force is not None and row.in_force < start:
                found.append((f"acceptances[{i}]", f"in force {row.in_force}, before {code} is bound ({start})"))
    return found


@dataclass(frozen=True)
class Status:
    value: str | None  # IN_FORCE, NOT_IN_FORCE or None (unknown)
    note: str  # a Msg: English text, translatable
    sources: tuple = ()  # Msgs: "<table>, <row>: <source>", the rows the answer rests on


def _dated(row: StateRow | PairRow, on: date, what: Msg) -> Status | None:
    """The start-date test shared by state and pair rows; None when the row says 'in force'."""
    sure = confidence_word(row.confidence)
    if row.in_force is None:
        if row.in_force_earliest is not None and on < row.in_force_earliest:
            return Status(NOT_IN_FORCE, Msg("treaty.not_before", what=what, date=row.in_force_earliest, confidence=sure))
        if isinstance(row, StateRow) and row.party_by is not None:
            if on >= row.party_by:
                return None
            return Status(None, Msg("treaty.listed_later", what=what, date=row.party_by, confidence=sure))
        return Status(None, Msg("treaty.no_date", what=what, confidence=sure))
    earliest = row.in_force_earliest or row.in_force
    if on < earliest:
        return Status(NOT_IN_FORCE, Msg("treaty.only_from", what=what, date=row.in_force, confidence=sure))
    if on < row.in_force:
        return Status(None, Msg("treaty.between_dates", what=what, earliest=earliest, date=row.in_force, confidence=sure))
    return None


def _end(end: End | None, on: date, key: str, what: Msg) -> tuple[Status | None, Msg | None]:
    """An end already in effect on `on` (a finding), or one still to come (a remark)."""
    if end is None:
        return None, None
    now = on >= end.date
    msg = Msg(key if now else key + "_later", what=what, date=end.date, confidence=confidence_word(end.confidence))
    return (Status(NOT_IN_FORCE, msg), None) if now else (None, msg)


def status(table: TreatyTable, a: str, b: str, on: date) -> Status:
    """Whether `table`'s instrument is in force between states a and b on `on`.

    The answer changes only on the dates the rows name, so it is computed once per interval
    between those dates (a batch asks the same pairs again and again)."""
    return _memo(table).answer((a, b), on, lambda: _thresholds(table, a, b), lambda: _status(table, a, b, on))


def thresholds(table: TreatyTable, a: str, b: str) -> list[date]:
    """The dates on which the answer for a-b may change (sorted): between two of them, status
    gives one answer."""
    return _memo(table).dates((a, b), lambda: _thresholds(table, a, b))


def _memo(table: TreatyTable) -> ByInterval:
    # the private attribute read through its slot: pydantic's __getattr__ costs more than the lookup
    return table.__pydantic_private__["_memo"]


_DATES = ("in_force", "in_force_earliest", "party_by")
_ENDS = ("left", "suspended", "ended")


def _thresholds(table: TreatyTable, a: str, b: str) -> list[date]:
    """Every date on which the answer for a-b may change: starts and ends of the rows."""
    rows = [table.states.get(a), table.states.get(b), table.pair(a, b)]
    dates = {getattr(row, name, None) for row in rows if row for name in _DATES}
    dates |= {end.date for row in rows if row for name in _ENDS if (end := getattr(row, name, None))}
    return sorted(d for d in dates if d is not None)


def _cite(short: Msg, who: str | Msg, source: str, key: str = "treaty.source.row") -> Msg:
    return Msg(key, short=short, who=who, source=source)


def _status(table: TreatyTable, a: str, b: str, on: date) -> Status:
    findings: list[Status] = []
    used: list[Msg] = []
    cited: list[Msg] = []
    short = table.name
    a, b = State(a), State(b)  # notes name the states in the reader's language
    for state in (a, b):
        row = table.states.get(state)
        if row is None:
            findings.append(Status(None, Msg("treaty.not_listed", short=short, state=state)))
            continue
        cited.append(_cite(short, state, row.source))
        sure = confidence_word(row.confidence)
        if not row.party:
            findings.append(Status(NOT_IN_FORCE, Msg("treaty.not_party_checked", state=state, short=short, date=row.checked,
                                                     confidence=sure)
                                   if row.checked else Msg("treaty.not_party", state=state, short=short, confidence=sure)))
            continue
        what = Msg("treaty.what.state", short=short, state=state)
        if row.left:
            cited.append(_cite(short, state, row.left.source, "treaty.source.left"))
        ended, to_come = _end(row.left, on, "treaty.left", what)
        dated = ended or _dated(row, on, what)
        if dated:
            findings.append(dated)
            continue
        if row.in_force is not None:
            used.append(Msg("treaty.used_state", state=state, date=row.in_force, confidence=sure))
        else:
            used.append(Msg("treaty.used_listed", state=state, date=row.party_by, confidence=sure))
        if to_come:
            used.append(to_come)
    pair = table.pair(a, b)
    if pair is not None:
        who = Msg("treaty.who.pair", a=State(pair.states[0]), b=State(pair.states[1]))  # by name, not "KZ-RU"
        cited.append(_cite(short, who, pair.source))
        what = Msg("treaty.what.pair", short=short, a=State(pair.states[0]), b=State(pair.states[1]))
        sure = confidence_word(pair.confidence)
        ends = [(pair.ended, "treaty.ended", "treaty.source.ended"), (pair.suspended, "treaty.suspended", "treaty.source.suspended")]
        found = None
        for end, key, cite_key in ends:
            if end is not None:
                cited.append(_cite(short, who, end.source, cite_key))
                ended, to_come = _end(end, on, key, what)
                found = found or ended
                if to_come and not found:
                    used.append(to_come)
        if found is None and not pair.related:
            found = Status(NOT_IN_FORCE, Msg("treaty.no_relation", what=what, confidence=sure))
        if found is None and pair.dated:
            found = _dated(pair, on, what)
            if found is None:
                used.append(Msg("treaty.used_pair", a=State(pair.states[0]), b=State(pair.states[1]), date=pair.in_force, confidence=sure))
        if found:
            findings.append(found)
    elif table.accession_model == "opt-in" and any(table.needs_acceptance(s) for s in (a, b)):
        findings.append(Status(None, Msg("treaty.no_acceptance", short=short, a=a, b=b)))
    else:
        for acceding, other in ((a, b), (b, a)):
            row, later = table.states.get(acceding), table.states.get(other)
            if row is None or row.objected_by != "unknown" or later is None:
                continue
            # Only a Contracting State, or a state ratifying later, may object (Hague 1993
            # Art 44(3), 2007 Art 58(5)): a state that acceded after this accession could not.
            if later.joined == "accession" and later.deposit and row.deposit and later.deposit > row.deposit:
                continue
            findings.append(Status(None, Msg("treaty.objections_unknown", short=short, state=acceding, other=other)))
    sources = tuple(dict.fromkeys(cited))
    for wanted in (NOT_IN_FORCE, None):
        hits = [f.note for f in findings if f.value == wanted]
        if hits:
            return Status(wanted, Msg.joined("; ", hits), sources)
    return Status(IN_FORCE, Msg("treaty.in_force", short=short, a=a, b=b, used=Msg.joined("; ", used)), sources)


@dataclass(frozen=True)
class Period:
    """A stretch of days with one answer: from `start` (None: since ever) to `end` (exclusive;
    None: with no end known)."""
    start: date | None
    end: date | None
    status: Status


def timeline(table: TreatyTable, a: str, b: str) -> list[Period]:
    """The answer for a-b on every day, as periods between the dates the rows name; periods
    with the same answer are merged."""
    cuts = _thresholds(table, a, b)
    probes = [(None, cuts[0] - timedelta(days=1) if cuts else date(1900, 1, 1))] + [(cut, cut) for cut in cuts]
    periods: list[Period] = []
    for i, (start, probe) in enumerate(probes):
        found = status(table, a, b, probe)
        end = probes[i + 1][0] if i + 1 < len(probes) else None
        if periods and periods[-1].status.value == found.value and periods[-1].status.note == found.note:
            periods[-1] = Period(periods[-1].start, end, found)
        else:
            periods.append(Period(start, end, found))
    return periods


def relations_of(table: TreatyTable, code: str) -> list[AcceptanceRow | PairRow]:
    """The acceptance and pair rows that name a state."""
    return [row for row in table.acceptances if code in (row.by, row.of)] + [row for row in table.pairs if code in row.states]
