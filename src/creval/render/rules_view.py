"""`creval rules show ID`: one test described from its rule file."""

from __future__ import annotations

import textwrap

from creval.core.text import State
from creval.render import words
from creval.render.i18n import LANGUAGES, Msg, messages, outcome_shown, t, tr
from creval.law.rulebook import Test
from creval.law.treaties import AcceptanceRow, PairRow, StateRow, TreatyTable, confidence_word

__all__ = [
    "accepted_label", "describe", "row_dates"
]


def _para(text: str, indent: str = "  ") -> str:
    return textwrap.fill(" ".join(text.split()), 100, initial_indent=indent, subsequent_indent=indent)


def _cond(raw) -> str:
    """A compact one-line rendering of a condition as written in the rule file."""
    if isinstance(raw, dict) and len(raw) == 1:
        (op, arg), = raw.items()
        if op in ("all", "any"):
            return f"{op}(" + ", ".join(_cond(p) for p in arg) + ")"
        if isinstance(arg, list) and len(arg) == 2:
            right = arg[1]
            if isinstance(right, dict):
                right = next(iter(right.values()))
            return f"{arg[0]} {op} {right}"
        return f"{op} {arg}"
    return str(raw)


def describe(test: Test, lang: str = "en") -> str:
    """One test as its rule file states it; titles, texts and labels in `lang` (the
    conditions, ids and source quotations stay as written)."""
    rule = test.rule
    others = [other for other in LANGUAGES if other != lang]
    out = [f"{rule.id}: {rule.title.get(lang)}"] + [f"  {other}: {rule.title.get(other)}" for other in others] + [""]
    out += [_para(rule.summary.get(lang)), "", t("rules.facts", lang, matter=rule.matter)]
    for name, spec in rule.facts.items():
        kind = f"{spec.type}: {' | '.join(spec.values)}" if spec.values else spec.type
        out.append(f"  {name} ({kind}): {spec.title.get(lang)}")
    if rule.parameters:
        out += ["", t("rules.parameters", lang)]
        for name, p in rule.parameters.items():
            unit = (t(f"unit.{p.unit}", lang) if f"unit.{p.unit}" in messages() else p.unit) if p.unit else ""
            out.append(f"  {name} = {p.value}{' ' + unit if unit else ''}  [{rule.sources[p.source].cite(lang)}]")
    if rule.law_versions:
        out += ["", t("rules.versions", lang, selected_by=", ".join(rule.law_versions.selected_by))]
        for v in rule.law_versions.versions:
            period = " - ".join([v.from_.isoformat() if v.from_ else "...", v.until.isoformat() if v.until else "..."])
            out.append(f"  {v.id} ({period}): {v.title.get(lang)} [{t(f'law.confidence.{v.confidence}', lang)}]")
            if v.parameters:
                out.append("    " + ", ".join(f"{k} = {'-' if x is None else x}" for k, x in v.parameters.items()))
            out.append(f"    {t('rules.source', lang)} {'; '.join(rule.sources[s].cite(lang) for s in v.sources)}")
            if v.assumption:
                out.append(_para(t("rules.version_assumes", lang, text=v.assumption.get(lang)), "    "))
    if rule.derived:
        out += ["", t("rules.derived", lang)]
        for name, spec in rule.derived.items():
            out.append(f"  {name} = {spec}")
    out += ["", t("rules.criteria", lang)]
    met, unmet, source = t("rules.met", lang), t("rules.unmet", lang), t("rules.source", lang)
    width = max(len(met), len(unmet), len(source) - 1)
    for cid, crit in rule.criteria.items():
        out.append(f"  {cid}: {crit.title.get(lang)}")
        out.append(f"    {met:<{width}} {_cond(crit.met)}")
        if crit.unmet:
            out.append(f"    {unmet:<{width}} {_cond(crit.unmet)}")
        out.append(f"    {source} {'; '.join(rule.sources[s].cite(lang) for s in crit.sources)}")
    out += ["", t("rules.outcomes", lang)]
    when = t("rules.when", lang)
    for i, row in enumerate(rule.outcome_table, 1):
        out.append(f"  {i}. {outcome_shown(row.outcome, lang, test)}: {when} {row.when if row.when == 'always' else _when(row.when)}")
        out.append(_para(row.text.get(lang), "       "))
    if rule.key_dates:
        out += ["", t("rules.key_dates", lang)] + [f"  {kd.event}: {kd.text.get(lang)}" for kd in rule.key_dates]
    out += ["", t("rules.sources", lang)]
    for s in rule.sources.values():
        out.append(f"  - {s.cite(lang)} [{s.confidence}]")
        out.append(_para(f'"{s.quote}"', "      "))
    if test.treaty_tables:
        out += ["", t("rules.treaties", lang)]
        for table in test.treaty_tables.values():
            out += _table(table, lang)
    for key, items in (("rules.notes", rule.notes), ("rules.caveats", rule.caveats)):
        if items:
            out += ["", t(key, lang)] + [_para(f"- {i.get(lang)}") for i in items]
    return "\n".join(out)


def accepted_label(row: AcceptanceRow, lang: str) -> str:
    """An acceptance row as a line names it: «The United Kingdom accepted Kazakhstan's accession»."""
    return words.capitalized(t("treaty.show.accepted", lang, by=State(row.by), of=State(row.of)))


def _table(table: TreatyTable, lang: str) -> list[str]:
    """One treaty table: each row's dates in words, its confidence, and its sources."""
    about = [t(f"treaty.show.{table.accession_model}", lang)]
    if table.superseded_by:
        about.append(t("treaty.show.superseded", lang, successor=tr(Msg(f"instrument.{table.superseded_by}"), lang)))
    out = [f"  {tr(table.name, lang)}: {'; '.join(about)}", _para(table.source, "      ")]
    rows: list[tuple[str, StateRow | PairRow | AcceptanceRow]] = list(table.states.items())
    rows += [(accepted_label(row, lang), row) for row in table.acceptances]
    rows += [(f"{row.states[0]}-{row.states[1]}", row) for row in table.pairs]
    for who, row in rows:
        out.append(f"    {who}: {row_dates(row, lang)} [{tr(confidence_word(row.confidence), lang)}]")
        dated = f" ({t('treaty.show.source_date', lang, date=row.source_date)})" if row.source_date else ""
        out.append(_para(row.source + dated, "        "))
        for key, end in (("left", getattr(row, "left", None)), ("suspended", getattr(row, "suspended", None)),
                         ("ended", getattr(row, "ended", None))):
            if end is not None:
                out.append(f"      {t(f'treaty.show.{key}', lang, date=end.date)} [{tr(confidence_word(end.confidence), lang)}]")
                out.append(_para(end.source, "        "))
    return out


def row_dates(row: StateRow | PairRow | AcceptanceRow, lang: str) -> str:
    """When a row says the instrument starts to bind, in words."""
    if isinstance(row, StateRow) and not row.party:
        return t("treaty.show.not_party_checked", lang, date=row.checked) if row.checked else t("treaty.show.not_party", lang)
    if isinstance(row, PairRow) and not row.related:
        return t("treaty.show.no_relation", lang)
    if row.in_force is not None and row.in_force_earliest is not None:
        return t("treaty.show.window", lang, date=row.in_force, earliest=row.in_force_earliest)
    if row.in_force is not None:
        return t("treaty.show.in_force", lang, date=row.in_force)
    if isinstance(row, StateRow) and row.party_by is not None:
        listed = t("treaty.show.listed", lang, date=row.party_by)
        return (t("treaty.show.not_before", lang, date=row.in_force_earliest) + "; " + listed
                if row.in_force_earliest else listed)
    if row.in_force_earliest is not None:
        return t("treaty.show.not_before", lang, date=row.in_force_earliest)
    return t("treaty.show.from_states", lang) if isinstance(row, PairRow) else t("treaty.show.no_date", lang)


def _when(raw) -> str:
    (key, arg), = raw.items()
    if key == "fact":
        return _cond(arg)
    if key in ("all", "any"):
        return f"{key}(" + ", ".join(_when(p) if p != "always" else p for p in arg) + ")"
    return f"{key} {', '.join(arg) if isinstance(arg, list) else arg}"
