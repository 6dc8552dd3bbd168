"""Derived quantities: the only legal arithmetic done in Python.

A rule file's `derived:` section names each quantity and the function that computes it from
facts and parameters (anniversaries, parts of a term, treaty status on a date). Python never
decides a criterion: it only fills in these values, which the engine then compares. A value
that cannot be computed (a fact it needs is unknown) is left out, so the comparisons that
read it stay unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date
from typing import Any

from creval.core import dates
from creval.core.text import Msg
from creval.law import bilateral, treaties
from creval.law.intervals import ByInterval
from creval.law.rulebook import GUARDS, LAW_VERSION, Test

__all__ = ["Derived", "derive", "derive_again", "derivation_reads", "template_values", "version_for"]


@dataclass
class Derived:
    values: dict[str, Any]  # facts, as_of and derived values; unknown ones absent
    notes: dict[str, str] = field(default_factory=dict)  # why a treaty value is what it is
    lists: dict[str, list[str]] = field(default_factory=dict)  # e.g. instruments in force
    version: Any = None  # the rule's LawVersion that governs the case; None if none or unknown
    sources: dict[str, list[str]] = field(default_factory=dict)  # the treaty-table rows a value rests on


def derive(test: Test, facts: dict[str, Any], as_of: date, tables: dict[str, treaties.TreatyTable]) -> Derived:
    values = {k: v for k, v in facts.items() if v is not None}
    values["as_of"] = as_of
    out = Derived(values)
    if test.versions:
        _select_version(test, out)
    _run(_steps(test), test, out, tables)
    return out


def _run(steps: tuple, test: Test, out: Derived, tables: dict[str, treaties.TreatyTable], again: bool = False) -> None:
    """Compute `steps`, in order, into `out.values`; `again`: the values hold earlier results of
    these steps, each dropped before its step runs (a step may give nothing this time)."""
    values = out.values
    for name, compute, args, unless_known, unless_true in steps:
        if again:
            values.pop(name, None)
        if unless_known and values.get(unless_known) is not None:
            continue
        if unless_true and values.get(unless_true) is True:
            continue
        value = compute(args, test, out, tables, name)
        if value is not None:
            values[name] = value


def derive_again(test: Test, facts: dict[str, Any], as_of: date, base: Derived, name: str, value: Any,
                 tables: dict[str, treaties.TreatyTable]) -> dict[str, Any]:
    """The values `derive` gives for `facts` with the fact `name` set to `value` (`base`: what it
    gave for `facts`), computing again only the derivations that read `name`, directly or
    through another: a missing fact is tried with many values, and most derivations (treaty
    status above all) do not read it. Only the values; notes, lists and sources are not kept."""
    again = _again(test).get(name)
    if again is None:  # it selects the law's version, or the rule's order defeats a partial run
        return derive(test, {**facts, name: value}, as_of, tables).values
    values = dict(base.values)
    if value is None:
        values.pop(name, None)
    else:
        values[name] = value
    _run(again, test, Derived(values), tables, again=True)
    return values


@lru_cache(maxsize=64)
def _again(test: Test) -> dict[str, tuple]:
    """For each fact, the derivations to compute again when it alone changes (derive_again),
    in the rule's order; a fact is left out (everything is derived again) when it selects the
    law's version, or when the rule's derivations are not each computed from facts and
    earlier ones only (a partial run would read a value a full one had not yet computed)."""
    steps, reads = _steps(test), derivation_reads(test)
    facts = set(test.rule.facts)
    taken = facts | {LAW_VERSION, "as_of"} | {p for v in test.versions for p in v.parameters}
    defined: set[str] = set()
    for name in reads:
        if name in taken or name in defined or reads[name] & (set(reads) - defined):
            return {}
        defined.add(name)
    selecting = set(test.rule.law_versions.selected_by) if test.versions else set()
    out = {}
    for fact in facts - selecting:
        changed, again = {fact}, []
        for step in steps:
            if reads[step[0]] & changed:
                again.append(step)
                changed.add(step[0])
        out[fact] = tuple(again)
    return out


@lru_cache(maxsize=64)
def derivation_reads(test: Test) -> dict[str, frozenset[str]]:
    """Each derivation, in the rule's order, with every name it reads: its arguments (facts,
    derived values, parameters, words) and its guards."""
    return {name: frozenset(_names(args) | {g for g in guards if g}) for name, _, args, *guards in _steps(test)}


def _names(args: Any) -> set[str]:
    """Every name a derivation's arguments hold (facts, derived values, parameters, words)."""
    if isinstance(args, str):
        return {args}
    if isinstance(args, dict):
        return set().union(*map(_names, args.values())) if args else set()
    if isinstance(args, (list, tuple)):
        return set().union(*map(_names, args)) if args else set()
    return set()


@lru_cache(maxsize=64)
def _steps(test: Test) -> tuple:
    """The rule's derivations, read once: name, function, its arguments and its guards."""
    steps = []
    for name, spec in test.rule.derived.items():
        fn = next(k for k in spec if k not in GUARDS)
        steps.append((name, _COMPUTE[fn], spec[fn], spec.get("unless_known"), spec.get("unless_true")))
    return tuple(steps)


def version_for(test: Test, values: dict[str, Any]):
    """The version whose period holds the selecting date, the first known of the rule's
    `selected_by` (facts or as_of); with none known, None: conditions on the version then
    stay unknown."""
    day = next((values[f] for f in test.rule.law_versions.selected_by if values.get(f) is not None), None)
    return test.version_on(day) if day is not None else None


def _select_version(test: Test, out: Derived) -> None:
    version = version_for(test, out.values)
    if version is not None:
        out.version = version
        out.values[LAW_VERSION] = version.id
        out.values.update((k, v) for k, v in version.parameters.items() if v is not None)


def _is_word(args, test, out, tables, name):
    value = out.values.get(args[0])
    return None if value is None else value == args[1]


def _arg(name: Any, test: Test, values: dict) -> Any:
    """A fact or derived value by name, else a parameter by name, else a literal number."""
    if isinstance(name, str):
        return values[name] if name in values else test.params.get(name)
    return name


def _first_known(args, test, out, tables, name):
    values = out.values
    for a in args:
        value = values.get(a)
        if value is not None:
            return value
    return None


def _copy(arg, test, out, tables, name):
    return out.values.get(arg)


def _add_years(args, test, out, tables, name):
    start, years = _arg(args[0], test, out.values), _arg(args[1], test, out.values)
    if start is None or not isinstance(years, int):  # unknown, or a word such as `life`
        return None
    return dates.add_years(start, years)


def _days(args, test, out, sign: int):
    """`date` alone: the day after (before) it; `[date, days]`: that many days after (before)."""
    day, count = (args, 1) if isinstance(args, str) else args
    start, count = out.values.get(day), _arg(count, test, out.values)
    return None if start is None else dates.add_days(start, sign * count)


def _days_after(args, test, out, tables, name):
    return _days(args, test, out, 1)


def _days_before(args, test, out, tables, name):
    return _days(args, test, out, -1)


def _term(args, out):
    term = out.values.get(args["term"])
    start = out.values.get(args["start"])
    credited = out.values.get(args["credited"]) if "credited" in args else 0
    if term is None or start is None or credited is None:  # credited days named but unknown: no date
        return None, None, 0
    return start, term, credited


def _part_of_term(args, test, out, tables, name):
    start, term, credited = _term(args, out)
    if start is None:
        return None
    months, days = dates.part_of_term(
        term["years"], term["months"], term["days"], test.params[args["fraction"]], test.params[args["days_per_month"]]
    )
    return dates.add_period(start, months=months, days=days - credited)


def _end_of_term(args, test, out, tables, name):
    start, term, credited = _term(args, out)
    if start is None:
        return None
    return dates.add_period(start, term["years"], term["months"], term["days"] - credited)


def _pair(args, test, out, name):
    """The two states and the date to look up; None when one is unknown, or when both states
    are one (then no treaty between states is in question, and the note says so)."""
    first, second = args["states"]
    a, b = _arg(first, test, out.values), _arg(second, test, out.values)
    on = out.values.get(args["on"])
    if a is not None and a == b:
        out.notes[name] = Msg("treaty.same_state", state=a)
        return None
    return (a, b, on) if None not in (a, b, on) else None


def _stated(args, out, name) -> bool:
    """Whether the caseworker stated the answer (the `override` fact): the tables are then
    not consulted, and the note says so."""
    stated = out.values.get(args.get("override"))
    if stated is None:
        return False
    out.notes[name] = _stated_note(args["override"], bool(stated))
    return True


@lru_cache(maxsize=64)
def _stated_note(fact: str, stated: bool) -> Msg:
    return Msg("treaty.stated", fact=fact, value=Msg("value.yes" if stated else "value.no"))


def _treaty_status(args, test, out, tables, name):
    if _stated(args, out, name):
        return None
    pair = _pair(args, test, out, name)
    if pair is None:
        return treaties.NOT_IN_FORCE if name in out.notes else None
    found = treaties.status(tables[args["instrument"]], *pair)
    out.notes[name] = found.note
    out.sources[name] = list(found.sources)
    return found.value


def _treaties_in_force(args, test, out, tables, name):
    """In force if any listed instrument is; not in force if none can be; else unknown.

    An instrument replaced between two states by its successor (Minsk 1993 by Chisinau
    2002) is not counted while the successor is in force between them.
    """
    if _stated(args, out, name):
        out.lists[name] = [Msg("treaty.stated_any")] if out.values[args["override"]] else []
        return None
    pair = _pair(args, test, out, name)
    if pair is None:
        if name in out.notes:
            out.lists[name] = []
            return treaties.NOT_IN_FORCE
        return None
    # the answer changes only on the dates of the instruments' rows (and the bilateral rows'):
    # it is made once per interval between them
    a, b, on = pair
    instruments, side_table = args["instruments"], test.bilateral if args.get("bilateral") else None

    def days() -> list[date]:
        found = [*(treaties.thresholds(tables[inst], a, b) for inst in instruments), bilateral.thresholds(side_table, a, b)]
        return sorted({d for part in found for d in part})

    def make() -> tuple:
        found = {inst: treaties.status(tables[inst], a, b, on) for inst in instruments}
        # Kazakhstan's bilateral treaties (rules/data/bilateral.yaml): one more channel; a pair
        # nobody checked counts as none, and the note says it was not checked
        side = bilateral.status(side_table, a, b, on) if args.get("bilateral") else None
        return _in_force_any(found, side, tables)

    kept = _memo(test).answer((name, a, b), on, days, make)
    value, in_force, note, sources = kept
    out.lists[name] = list(in_force)
    out.notes[name] = note
    out.sources[name] = list(sources)
    return value


def _in_force_any(found: dict[str, treaties.Status], side: bilateral.Found | None,
                  tables: dict[str, treaties.TreatyTable]) -> tuple:
    """treaties_in_force from the status of each instrument (and of the bilateral treaties):
    its value, the instruments in force, the note and the sources."""
    in_force, notes = [], []
    for inst, st in found.items():
        successor = tables[inst].superseded_by
        if st.value == treaties.IN_FORCE and successor in found and found[successor].value == treaties.IN_FORCE:
            notes.append(Msg("treaty.replaced", short=tables[inst].name, successor=tables[successor].name))
            continue
        if st.value == treaties.IN_FORCE:
            in_force.append(tables[inst].name)
        notes.append(st.note)
    if side is not None:
        in_force += side.in_force
        notes.append(side.note)
    sources = tuple(dict.fromkeys([*(s for st in found.values() for s in st.sources), *(side.sources if side else [])]))
    if in_force:
        value = treaties.IN_FORCE
    elif all(st.value == treaties.NOT_IN_FORCE for st in found.values()) and (side is None or side.value is not None):
        value = treaties.NOT_IN_FORCE
    else:
        value = None
    return value, tuple(in_force), Msg.joined("; ", notes), sources


@lru_cache(maxsize=64)
def _memo(test: Test) -> ByInterval:
    """A test's treaty derivations per pair of states: the dates their answer may change on,
    and the answer per interval between them (kept with the test)."""
    return ByInterval(10_000)


_COMPUTE = {
    "is_word": _is_word,
    "first_known": _first_known,
    "copy": _copy,
    "add_years": _add_years,
    "days_after": _days_after,
    "days_before": _days_before,
    "part_of_term": _part_of_term,
    "end_of_term": _end_of_term,
    "treaty_status": _treaty_status,
    "treaties_in_force": _treaties_in_force,
}


def template_values(test: Test, derived: Derived) -> dict[str, Any]:
    """The values a test's texts can name: its parameters, derived values, treaty notes and lists."""
    values = {**test.params, **derived.values}
    values.update({f"{k}_note": v for k, v in derived.notes.items()})
    values.update({f"{k}_list": v for k, v in derived.lists.items()})
    return values
