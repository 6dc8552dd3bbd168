"""`creval rules show ID`: one test described from its rule file."""

from __future__ import annotations

import textwrap

from .rulebook import Test


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


def describe(test: Test) -> str:
    rule = test.rule
    out = [f"{rule.id}: {rule.title.en}", f"  ru: {rule.title.ru}", f"  kk: {rule.title.kk}", ""]
    out += [_para(rule.summary.en), "", f"Matter `{rule.matter}`; facts:"]
    for name, spec in rule.facts.items():
        kind = f"{spec.type}: {' | '.join(spec.values)}" if spec.values else spec.type
        out.append(f"  {name} ({kind}): {spec.title.en}")
    if rule.parameters:
        out += ["", "Parameters:"]
        for name, p in rule.parameters.items():
            out.append(f"  {name} = {p.value}{' ' + p.unit if p.unit else ''}  [{rule.sources[p.source].cite()}]")
    if rule.derived:
        out += ["", "Derived quantities (computed, then compared by the engine):"]
        for name, spec in rule.derived.items():
            out.append(f"  {name} = {spec}")
    out += ["", "Criteria (met when; unmet is the negation unless stated):"]
    for cid, crit in rule.criteria.items():
        out.append(f"  {cid}: {crit.title.en}")
        out.append(f"    met:   {_cond(crit.met)}")
        if crit.unmet:
            out.append(f"    unmet: {_cond(crit.unmet)}")
        out.append(f"    source: {'; '.join(rule.sources[s].cite() for s in crit.sources)}")
    out += ["", "Outcomes, first that applies:"]
    for i, row in enumerate(rule.outcome_table, 1):
        out.append(f"  {i}. {row.outcome}: when {row.when if row.when == 'always' else _when(row.when)}")
        out.append(_para(row.text.en, "       "))
    if rule.key_dates:
        out += ["", "Key dates:"] + [f"  {kd.event}: {kd.text.en}" for kd in rule.key_dates]
    out += ["", "Sources:"]
    for s in rule.sources.values():
        out.append(f"  - {s.cite()} [{s.confidence}]")
        out.append(_para(f'"{s.quote}"', "      "))
    for title, items in (("Notes", rule.notes), ("Caveats", rule.caveats)):
        if items:
            out += ["", f"{title}:"] + [_para(f"- {i.en}") for i in items]
    return "\n".join(out)


def _when(raw) -> str:
    (key, arg), = raw.items()
    if key == "fact":
        return _cond(arg)
    if key in ("all", "any"):
        return f"{key}(" + ", ".join(_when(p) if p != "always" else p for p in arg) + ")"
    return f"{key} {', '.join(arg) if isinstance(arg, list) else arg}"
