"""`creval compare --rules OLD [--rules NEW] PATHS`: what a change of rules or tables changes.

Every scenario is evaluated under both rule folders, on the same date; a test's answer
differs when its outcome, its missing facts or its key dates differ. Each difference names
the criteria whose status changed, with the new reason (which quotes the treaty note or the
law version behind it), so a caseworker sees which open files to look at again and why, and
a trainer which answer keys a new version breaks. A scenario valid under one folder and not
the other is a difference too.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from creval.app.evaluation import evaluate_paths
from creval.law.rulebook import RuleBook
from creval.render.explain import ScenarioText as ScenarioResult, TestText as TestResult, explain
from creval.render.i18n import outcome_shown, t

__all__ = [
    "FORMATS", "Comparison", "CriterionChange", "ScenarioChange", "TestChange", "as_json", "as_markdown", "as_text",
    "compare"
]


@dataclass
class CriterionChange:
    id: str
    title: str
    old: str  # status under the old rules: met, unmet, unknown (or "-" when the criterion is new)
    new: str
    reason: str  # the new reason (the old one when the criterion is gone)
    old_reason: str = ""  # the reason under the old rules


@dataclass
class TestChange:
    test: str
    title: str
    old_outcome: str | None  # None: the test did not apply under that folder
    new_outcome: str | None
    missing_added: list[str] = field(default_factory=list)
    missing_removed: list[str] = field(default_factory=list)
    dates: list[dict] = field(default_factory=list)  # event, old, new (ISO or None)
    criteria: list[CriterionChange] = field(default_factory=list)


@dataclass
class ScenarioChange:
    file: str
    scenario: str
    title: str
    tests: list[TestChange] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)  # "old"/"new" -> messages of an invalid side


@dataclass
class Comparison:
    old_rules: str
    new_rules: str
    old_digest: str
    new_digest: str
    scenarios: int  # compared
    changed: list[ScenarioChange]


def _evaluate(paths: list[str], book: RuleBook, lang: str) -> dict[str, tuple[ScenarioResult | None, list[str], str]]:
    """file -> (result, errors, scenario id) under one rule folder."""
    out = {}
    for evaluated in evaluate_paths(book, paths):
        result = explain(evaluated.result, lang) if evaluated.result is not None else None
        out[evaluated.file] = (result, evaluated.lines(lang), evaluated.scenario.id if evaluated.scenario else "")
    return out


def _dates(result: TestResult) -> dict[str, str]:
    return {d.event: d.date + (f"..{d.until}" if d.until else "") for d in result.dates}


def _test_change(old: TestResult | None, new: TestResult | None) -> TestChange | None:
    base = new or old
    change = TestChange(base.test, base.title, old.outcome if old else None, new.outcome if new else None)
    if old and new:
        change.missing_added = sorted(set(new.missing) - set(old.missing))
        change.missing_removed = sorted(set(old.missing) - set(new.missing))
        before, after = _dates(old), _dates(new)
        change.dates = [{"event": e, "old": before.get(e), "new": after.get(e)}
                        for e in sorted(set(before) | set(after)) if before.get(e) != after.get(e)]
        old_crit = {c.id: c for c in old.criteria}
        new_crit = {c.id: c for c in new.criteria}
        for cid in [*new_crit, *[c for c in old_crit if c not in new_crit]]:
            was, now = old_crit.get(cid), new_crit.get(cid)
            if was and now and was.status == now.status and was.reason == now.reason:
                continue
            shown = now or was
            change.criteria.append(CriterionChange(cid, shown.title, was.status if was else "-", now.status if now else "-",
                                                   shown.reason, was.reason if was else ""))
        if (old.outcome == new.outcome and not change.missing_added and not change.missing_removed
                and not change.dates):
            return None  # a reason reworded, the answer the same: not a difference
    return change


def compare(paths: list[str], old_book: RuleBook, new_book: RuleBook, lang: str = "en") -> Comparison:
    before, after = _evaluate(paths, old_book, lang), _evaluate(paths, new_book, lang)
    changed = []
    for file in sorted(set(before) | set(after)):
        (old, old_errors, old_id), (new, new_errors, new_id) = before.get(file, (None, [], "")), after.get(file, (None, [], ""))
        entry = ScenarioChange(file, new_id or old_id, (new or old).title if (new or old) else "")
        if old_errors or new_errors:
            if old_errors != new_errors:
                entry.errors = {side: errs for side, errs in (("old", old_errors), ("new", new_errors)) if errs}
        if old and new:
            old_tests = {r.test: r for r in old.results}
            new_tests = {r.test: r for r in new.results}
            for test in [*new_tests, *[x for x in old_tests if x not in new_tests]]:
                found = _test_change(old_tests.get(test), new_tests.get(test))
                if found:
                    entry.tests.append(found)
        if entry.tests or entry.errors:
            changed.append(entry)
    return Comparison(str(old_book.folder), str(new_book.folder), old_book.digest, new_book.digest,
                      len(set(before) | set(after)), changed)


# ------------------------------------------------------------------------ renderers

def _outcome(value: str | None, lang: str) -> str:
    return outcome_shown(value, lang) if value is not None else t("compare.not_applied", lang)


def as_text(cmp: Comparison, lang: str = "en") -> str:
    out = [t("compare.header", lang, old=cmp.old_rules, new=cmp.new_rules, old_digest=cmp.old_digest,
             new_digest=cmp.new_digest),
           t("compare.summary", lang, changed=len(cmp.changed), total=cmp.scenarios)]
    for sc in cmp.changed:
        out += ["", f"{sc.file}: {sc.scenario}" + (f" - {sc.title}" if sc.title else "")]
        for side, errs in sc.errors.items():
            out.append("  " + t(f"compare.invalid_{side}", lang))
            out += [f"    {e}" for e in errs]
        for tc in sc.tests:
            if tc.old_outcome != tc.new_outcome:
                out.append(f"  {tc.test}: " + t("compare.outcome", lang, old=_outcome(tc.old_outcome, lang), new=_outcome(tc.new_outcome, lang)))
            else:
                out.append(f"  {tc.test}: " + t("compare.same_outcome", lang, outcome=_outcome(tc.new_outcome, lang)))
            if tc.missing_added:
                out.append("    " + t("compare.missing_added", lang, facts=", ".join(tc.missing_added)))
            if tc.missing_removed:
                out.append("    " + t("compare.missing_removed", lang, facts=", ".join(tc.missing_removed)))
            for d in tc.dates:
                out.append("    " + t("compare.date", lang, event=d["event"], old=d["old"] or "-", new=d["new"] or "-"))
            for c in tc.criteria:
                out.append("    " + t("compare.criterion", lang, id=c.id, old=c.old, new=c.new))
                out.append("      " + c.reason)
                if c.old_reason and c.old_reason != c.reason:
                    out.append("      " + t("compare.was", lang, reason=c.old_reason))
    return "\n".join(out)


def as_markdown(cmp: Comparison, lang: str = "en") -> str:
    out = ["# " + t("compare.title", lang), "",
           t("compare.header", lang, old=f"`{cmp.old_rules}`", new=f"`{cmp.new_rules}`", old_digest=cmp.old_digest,
             new_digest=cmp.new_digest), "", t("compare.summary", lang, changed=len(cmp.changed), total=cmp.scenarios)]
    if cmp.changed:
        out += ["", "| " + " | ".join(t(f"compare.col.{c}", lang) for c in ("file", "test", "old", "new", "missing", "dates")) + " |",
                "|---|---|---|---|---|---|"]
        for sc in cmp.changed:
            for side in sc.errors:
                out.append(f"| `{sc.file}` | | {t('compare.invalid_' + side, lang)} | | | |")
            for tc in sc.tests:
                missing = ", ".join([f"+{m}" for m in tc.missing_added] + [f"-{m}" for m in tc.missing_removed])
                dates = "; ".join(f"{d['event']}: {d['old'] or '-'} → {d['new'] or '-'}" for d in tc.dates)
                out.append(f"| `{sc.file}` | {tc.test} | {_outcome(tc.old_outcome, lang)} | {_outcome(tc.new_outcome, lang)} | {missing} | {dates} |")
        out += ["", "## " + t("compare.why", lang)]
        for sc in cmp.changed:
            for tc in sc.tests:
                if tc.criteria:
                    out += ["", f"### {sc.scenario}: {tc.test}"]
                    out += [f"- **{c.id}** ({c.old} → {c.new}): {c.reason}" for c in tc.criteria]
    return "\n".join(out)


def as_json(cmp: Comparison, lang: str = "en") -> str:
    """JSON: codes and the texts already in the language asked (`lang` is the other formats')."""
    return json.dumps(asdict(cmp), ensure_ascii=False, indent=2)


# --format NAME -> the renderer (document, lang): one table, as render/formats.py is for results
FORMATS = {"text": as_text, "json": as_json, "markdown": as_markdown}
