"""`creval treaties [INSTRUMENT [STATE [STATE]]]`: the treaty tables as a lawyer reviews them.

Without an instrument: the tables and their size. With one: a line per state. With a state:
its row, its sources and the acceptance or pair rows that name it. With two: the pair's
answer on every stretch of days, each with the note a result would show, and the rows it
rests on. Words come from `rules/i18n/treaties.yaml`; states are named in the reader's
language; sources stay as written (they are citations). `as_data` is the same in JSON.
"""

from __future__ import annotations

import json

import textwrap
from datetime import date

from creval.law.treaties import (IN_FORCE, NOT_IN_FORCE, AcceptanceRow, PairRow, StateRow, TreatyTable,
                                 confidence_word, relations_of, status, timeline)
from creval.render.rules_view import accepted_label, row_dates
from creval.core.text import State
from creval.render import words
from creval.render.i18n import t, tr

__all__ = ["FORMATS", "VALUE_CODE", "VALUE_KEY", "as_data", "describe_pair", "describe_state", "describe_table",
           "list_tables"]

VALUE_KEY = {IN_FORCE: "treaty.value.in-force", NOT_IN_FORCE: "treaty.value.not-in-force", None: "treaty.value.unknown"}
VALUE_CODE = {IN_FORCE: IN_FORCE, NOT_IN_FORCE: NOT_IN_FORCE, None: "unknown"}


def _para(text: str, indent: str) -> str:
    return textwrap.fill(" ".join(text.split()), 100, initial_indent=indent, subsequent_indent=indent)


def _named(code: str, lang: str) -> str:
    return words.state(code, lang, with_code=True)


def _row_lines(who: str, row: StateRow | PairRow | AcceptanceRow, lang: str, indent: str = "  ") -> list[str]:
    out = [f"{indent}{who}: {row_dates(row, lang)} [{tr(confidence_word(row.confidence), lang)}]"]
    facts = []
    if isinstance(row, StateRow):
        if row.joined:
            facts.append(t(f"treaty.joined.{row.joined}", lang))
        if row.signature:
            facts.append(t("treaty.show.signature", lang, date=row.signature))
        if row.deposit:
            facts.append(t("treaty.show.deposit", lang, date=row.deposit))
        if isinstance(row.objected_by, list) and row.objected_by:
            facts.append(t("treaty.show.objected_by", lang, states=", ".join(words.state(c, lang) for c in row.objected_by)))
        elif row.objected_by == "unknown":
            facts.append(t("treaty.show.objected_unknown", lang))
        if row.left:
            facts.append(t("treaty.show.left", lang, date=row.left.date))
    if isinstance(row, AcceptanceRow) and row.deposit:
        facts.append(t("treaty.show.deposit", lang, date=row.deposit))
    if facts:
        out.append(f"{indent}    " + "; ".join(facts))
    dated = f" ({t('treaty.show.source_date', lang, date=row.source_date)})" if row.source_date else ""
    out.append(_para(row.source + dated, indent + "    "))
    return out


def _relation_label(row: AcceptanceRow | PairRow, lang: str) -> str:
    if isinstance(row, AcceptanceRow):
        return accepted_label(row, lang)
    return f"{row.states[0]}-{row.states[1]}"


def list_tables(tables: dict[str, TreatyTable], lang: str) -> str:
    out = [t("treaty.cli.tables", lang)]
    for table in tables.values():
        parties = sum(1 for row in table.states.values() if row.party)
        out.append(f"  {table.instrument}: {tr(table.name, lang)} - " + t(
            "treaty.cli.counts", lang, states=len(table.states), parties=parties,
            acceptances=len(table.acceptances), pairs=len(table.pairs)))
    return "\n".join(out)


def describe_table(table: TreatyTable, lang: str) -> str:
    parties = sum(1 for row in table.states.values() if row.party)
    out = [f"{table.instrument}: {tr(table.name, lang)}", _para(table.title, "  "),
           "  " + t(f"treaty.show.{table.accession_model}", lang),
           "  " + t("treaty.cli.counts", lang, states=len(table.states), parties=parties,
                    acceptances=len(table.acceptances), pairs=len(table.pairs))]
    if table.entry_into_force:
        model = table.entry_into_force
        out.append("  " + t(f"treaty.cli.rule.{model.rule}", lang, article=model.article, date=model.convention_in_force))
    out.append(_para(table.source, "  "))
    out += ["", t("treaty.cli.states", lang)]
    for code, row in sorted(table.states.items(), key=lambda item: words.state(item[0], lang)):
        out.append(f"  {_named(code, lang)}: {row_dates(row, lang)} [{tr(confidence_word(row.confidence), lang)}]")
    if table.acceptances or table.pairs:
        out += ["", t("treaty.cli.relations", lang)]
        for row in [*table.acceptances, *table.pairs]:
            out.append(f"  {_relation_label(row, lang)}: {row_dates(row, lang)} [{tr(confidence_word(row.confidence), lang)}]")
    return "\n".join(out)


def _not_listed(table: TreatyTable, code: str, lang: str) -> str:
    return "  " + words.capitalized(t("treaty.not_listed", lang, short=tr(table.name, lang), state=State(code)))


def describe_state(table: TreatyTable, code: str, lang: str) -> str:
    out = [f"{tr(table.name, lang)}: {_named(code, lang)}"]
    row = table.states.get(code)
    if row is None:
        out.append(_not_listed(table, code, lang))
        return "\n".join(out)
    out += _row_lines(code, row, lang)
    relations = relations_of(table, code)
    if relations:
        out += ["", t("treaty.cli.relations", lang)]
        for rel in relations:
            out += _row_lines(_relation_label(rel, lang), rel, lang)
    if table.accession_model == "opt-in" and table.needs_acceptance(code):
        out += ["", _para(t("treaty.cli.needs_acceptance", lang, state=State(code)), "")]
    return "\n".join(out)


def describe_pair(table: TreatyTable, a: str, b: str, lang: str, on: date | None = None) -> str:
    out = [t("treaty.cli.pair", lang, short=tr(table.name, lang), a=_named(a, lang), b=_named(b, lang))]
    for code in (a, b):
        row = table.states.get(code)
        if row is None:
            out.append(_not_listed(table, code, lang))
        else:
            out += _row_lines(code, row, lang)
    relation = table.pair(a, b)
    if relation is not None:
        out += _row_lines(t("treaty.cli.relation", lang), relation, lang)
    out += ["", t("treaty.cli.by_date", lang)]
    for period in timeline(table, a, b):
        when = (t("treaty.cli.from", lang, date=period.start) if period.start
                else t("treaty.cli.before", lang, date=period.end) if period.end else t("treaty.cli.always", lang))
        out.append(f"  {when}: {t(VALUE_KEY[period.status.value], lang)}")
        out.append(_para(tr(period.status.note, lang), "      "))
    if on is not None:
        found = status(table, a, b, on)
        out += ["", t("treaty.cli.on", lang, date=on, value=t(VALUE_KEY[found.value], lang))]
    return "\n".join(out)


def _row_data(row: StateRow | PairRow | AcceptanceRow) -> dict:
    return row.model_dump(mode="json", exclude_none=True)


def as_data(table: TreatyTable, states: list[str], lang: str, on: date | None = None) -> dict:
    """The same answers as data: codes, ISO dates, notes in `lang`, rows as in the table."""
    data: dict = {"instrument": table.instrument, "title": table.title, "accession_model": table.accession_model}
    if not states:
        data["states"] = {code: _row_data(row) | {"name": words.state(code, lang)} for code, row in table.states.items()}
        data["acceptances"] = [_row_data(row) for row in table.acceptances]
        data["pairs"] = [_row_data(row) for row in table.pairs]
        return data
    data["states"] = {code: (_row_data(table.states[code]) | {"name": words.state(code, lang)} if code in table.states
                             else {"name": words.state(code, lang), "listed": False}) for code in states}
    if len(states) == 1:
        data["relations"] = [_row_data(row) for row in relations_of(table, states[0])]
        return data
    a, b = states
    relation = table.pair(a, b)
    data["relation"] = _row_data(relation) if relation is not None else None
    data["periods"] = [{"from": p.start.isoformat() if p.start else None, "until": p.end.isoformat() if p.end else None,
                        "status": VALUE_CODE[p.status.value], "note": tr(p.status.note, lang),
                        "sources": [tr(s, lang) for s in p.status.sources]} for p in timeline(table, a, b)]
    if on is not None:
        found = status(table, a, b, on)
        data["on"] = {"date": on.isoformat(), "status": VALUE_CODE[found.value], "note": tr(found.note, lang)}
    return data


def _text(tables: dict[str, TreatyTable], instrument: str | None, states: list[str], lang: str, on: date | None) -> str:
    """Every table; one table's states; a state's row and its relations; a pair's periods."""
    if instrument is None:
        return list_tables(tables, lang)
    table = tables[instrument]
    if not states:
        return describe_table(table, lang)
    if len(states) == 1:
        return describe_state(table, states[0], lang)
    return describe_pair(table, states[0], states[1], lang, on)


def _json(tables: dict[str, TreatyTable], instrument: str | None, states: list[str], lang: str, on: date | None) -> str:
    if instrument is None:
        data = {k: as_data(v, [], lang) for k, v in tables.items()}
    else:
        data = as_data(tables[instrument], states, lang, on)
    return json.dumps(data, ensure_ascii=False, indent=2)


# `creval treaties --format NAME`: the same answers as words or as data
FORMATS = {"text": _text, "json": _json}
