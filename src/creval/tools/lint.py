"""`creval rules lint`: what a rule file gets wrong without failing to load.

The loader refuses what cannot work (an unknown key, a condition on a field that does not
exist, a placeholder no value fills): that is a broken file. Lint reports what works but
misleads a reader or a caseworker:

- a text without its Russian or Kazakh version (English is the only language the loader
  requires; every other language falls back to it, silently);
- an outcome or an enumerated value with no words in a language (neither the rule file's
  own nor the shared catalogue's): the reader then sees the code;
- an outcome that relies on the shared catalogue's words: another test may own that code
  (`eligible` would read as the parole test's "right to parole");
- a fact that no criterion reads and no text shows: asked for, never used;
- a fact a criterion depends on but does not list in `reads` (its absence would not be
  named in `missing`), and a fact in `reads` the criterion does not depend on (named in
  `missing` although it cannot change the outcome);
- an outcome that no row of the outcome table can give;
- a parameter nothing reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from creval.law import conditions
from creval.law.rulebook import GUARDS, LAW_VERSION, RuleBook, Test, Text
from creval.law.absent import UNKNOWN, treatments
from creval.render.i18n import LANGUAGES, Msg, messages, placeholders, tr

__all__ = ["Finding", "check_book", "check_test", "depends_on", "texts"]


@dataclass(frozen=True)
class Finding:
    file: str
    where: str  # the key path inside the file
    kind: str  # a stable code: missing-language, missing-word, shared-word, unread-fact, ...
    message: Msg  # its English text as a str; `shown` renders it in another language

    def __str__(self) -> str:
        return self.shown("en")

    def shown(self, lang: str) -> str:
        return f"{self.file}: {self.where}: {tr(self.message, lang)} [{self.kind}]"


def check_book(book: RuleBook) -> list[Finding]:
    """Every finding of every rule file in the book, file by file."""
    return [f for test in book.tests.values() for f in check_test(test)]


def check_test(test: Test) -> list[Finding]:
    file = str(test.path)
    found = [Finding(file, where, kind, message) for where, kind, message in _checks(test)]
    return found


def _checks(test: Test) -> Iterator[tuple[str, str, Msg]]:
    yield from _languages(test)
    yield from _words(test)
    yield from _facts_read(test)
    yield from _outcomes_reached(test)
    yield from _parameters_read(test)


# ------------------------------------------------------------------ texts in every language

def texts(test: Test) -> Iterator[tuple[str, Text]]:
    """Every text of a rule file a reader may see, with its key path."""
    rule = test.rule
    yield "title", rule.title
    yield "summary", rule.summary
    for name, fact in rule.facts.items():
        yield f"facts.{name}.title", fact.title
        for key in ("question", "assumption"):
            if getattr(fact, key) is not None:
                yield f"facts.{name}.{key}", getattr(fact, key)
    for i, c in enumerate(rule.constraints):
        yield f"constraints[{i}].message", c.message
    for cid, crit in rule.criteria.items():
        yield f"criteria.{cid}.title", crit.title
        for status, text in crit.reason.items():
            yield f"criteria.{cid}.reason.{status}", text
    for i, row in enumerate(rule.outcome_table):
        yield f"outcome_table[{i}].text", row.text
    for kd in rule.key_dates:
        yield f"key_dates.{kd.event}.text", kd.text
    if rule.law_versions:
        yield "law_versions.change_text", rule.law_versions.change_text
        for i, v in enumerate(rule.law_versions.versions):
            yield f"law_versions.versions[{i}].title", v.title
            if v.assumption is not None:
                yield f"law_versions.versions[{i}].assumption", v.assumption
    for rep in rule.report:
        yield f"report.{rep.name}.title", rep.title
    for i, note in enumerate(rule.notes):
        yield f"notes[{i}]", note
    for i, caveat in enumerate(rule.caveats):
        yield f"caveats[{i}]", caveat


def _languages(test: Test) -> Iterator[tuple[str, str, Msg]]:
    for where, text in texts(test):
        for lang in LANGUAGES[1:]:
            value = getattr(text, lang, None)
            if not (value and value.strip()):
                yield where, "missing-language", Msg(f"lint.missing_text.{lang}")
            elif set(placeholders(value)) != set(placeholders(text.en)):
                names = ", ".join(sorted(set(placeholders(text.en)) ^ set(placeholders(value))))
                yield where, "placeholders", Msg("lint.placeholders", lang=lang, names=names)


# ------------------------------------------------------------------ outcome and value words

def _words(test: Test) -> Iterator[tuple[str, str, Msg]]:
    catalogue = messages()
    for code in dict.fromkeys(test.rule.outcomes):
        own = test.outcome_words.get(code)
        if own is None:
            shared = catalogue.get(f"outcome.{code}")
            if shared is None:
                yield f"outcomes.{code}", "missing-word", Msg("lint.no_outcome_word")
            else:
                yield f"outcomes.{code}", "shared-word", Msg("lint.shared_outcome_word", entry=f"outcome.{code}")
                yield from _word_languages(f"outcomes.{code}", shared)
        else:
            yield from _word_languages(f"outcomes.{code}", own)
    for fact, values in test.enums.items():
        for value in values:
            where = f"facts.{fact}.values.{value}" if test.rule.facts[fact].type == "enum" else f"facts.{fact}.words.{value}"
            own = test.value_words.get(fact, {}).get(value)
            if own is None:
                shared = catalogue.get(f"enum.{fact}.{value}")
                if shared is None:
                    yield where, "missing-word", Msg("lint.no_value_word")
                else:
                    yield where, "shared-word", Msg("lint.shared_value_word", entry=f"enum.{fact}.{value}")
                    yield from _word_languages(where, shared)
            else:
                yield from _word_languages(where, own)


def _word_languages(where: str, words: Any) -> Iterator[tuple[str, str, Msg]]:
    for lang in LANGUAGES[1:]:
        value = words.get(lang) if isinstance(words, dict) else getattr(words, lang, None)
        if not value:
            yield where, "missing-word", Msg(f"lint.missing_word.{lang}")


# ------------------------------------------------------------------ facts and what reads them

def depends_on(test: Test, names: set[str]) -> set[str]:
    """The facts (and as_of) the fields `names` are computed from, through derivations, their
    guards and the version of the law."""
    rule = test.rule
    out: set[str] = set()
    todo = list(names)
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in rule.facts or name == "as_of":
            out.add(name)
        if name in rule.derived:
            todo += _derivation_reads(rule.derived[name], rule.facts)
        if name == LAW_VERSION or name in test.version_fields:
            todo += list(rule.law_versions.selected_by)
    return out


def _derivation_reads(spec: dict, facts: dict) -> list[str]:
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, dict):
            for k, v in value.items():
                if k not in ("instrument", "instruments"):
                    walk(v)

    for key, args in spec.items():
        if key in GUARDS:
            found.append(args)
        elif key == "is_word":
            found.append(args[0])
        else:
            walk(args)
    return found


def _facts_read(test: Test) -> Iterator[tuple[str, str, Msg]]:
    rule = test.rule
    read_by_any: set[str] = set()
    # facts whose absence has a meaning (a default, the assessment date, a defence not
    # established, the treaty tables) or that switch a derivation off: never "missing"
    meaningful = {name for name, kind in treatments(test).items() if kind != UNKNOWN}
    meaningful |= {spec[g] for spec in rule.derived.values() for g in GUARDS if g in spec}
    for cid, crit in rule.criteria.items():
        fields = conditions.fields(test.met[cid]) | conditions.fields(test.unmet[cid])
        needs = depends_on(test, fields) - {"as_of"}
        read_by_any |= needs | set(crit.reads)
        for name in sorted(needs - set(test.reads[cid]) - meaningful):
            yield f"criteria.{cid}.reads", "reads-incomplete", Msg("lint.reads_incomplete", fact=name)
        for name in [r for r in crit.reads if r not in needs]:
            yield f"criteria.{cid}.reads", "reads-unused", Msg("lint.reads_unused", fact=name)
    for i, row in enumerate(test.outcome_dnf):
        for conj in row:
            for cond in conj.facts:
                read_by_any |= depends_on(test, conditions.fields(cond))
    shown = {name for _, text in texts(test) for lang in LANGUAGES for name in placeholders(getattr(text, lang, None) or "")}
    for name in rule.facts:
        if name not in read_by_any and name not in shown:
            yield f"facts.{name}", "unread-fact", Msg("lint.unread_fact")


# ------------------------------------------------------------------ outcomes rows can give

def _outcomes_reached(test: Test) -> Iterator[tuple[str, str, Msg]]:
    rule = test.rule
    reachable: set[str] = set()
    for row, dnf in zip(rule.outcome_table, test.outcome_dnf):
        if any(_possible(conj) for conj in dnf):
            reachable.add(row.outcome)
        if any(not conj.crits and not conj.facts for conj in dnf):
            break  # `always`: no later row is ever reached
    for code in dict.fromkeys(rule.outcomes):
        if code not in reachable:
            yield f"outcomes.{code}", "unreachable-outcome", Msg("lint.unreachable_outcome")


def _possible(conj) -> bool:
    """False when a conjunction asks one criterion for two statuses at once."""
    wanted: dict[str, set[str]] = {}
    for atom in conj.crits:
        if len(atom.ids) == 1:
            wanted.setdefault(atom.ids[0], set()).add(atom.status)
    return all(len(statuses) == 1 for statuses in wanted.values())


# ------------------------------------------------------------------ parameters something reads

def _parameters_read(test: Test) -> Iterator[tuple[str, str, Msg]]:
    rule = test.rule
    used: set[str] = set()
    raw: list[Any] = [crit.met for crit in rule.criteria.values()] + [crit.unmet for crit in rule.criteria.values()]
    raw += [row.when for row in rule.outcome_table] + list(rule.derived.values())
    for value in raw:
        used |= _strings(value)
    for fact in rule.facts.values():
        for bound in (fact.min, fact.max):
            if bound is not None and hasattr(bound, "param"):
                used.add(bound.param)
    for _, text in texts(test):
        for lang in LANGUAGES:
            used.update(placeholders(getattr(text, lang, None) or ""))
    for name in rule.parameters:
        if name not in used:
            yield f"parameters.{name}", "unused-parameter", Msg("lint.unused_parameter")


def _strings(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return set().union(*(_strings(v) for v in value)) if value else set()
    if isinstance(value, dict):
        return set().union(*(_strings(v) for v in value.values())) if value else set()
    return set()
