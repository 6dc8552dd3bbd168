"""The pieces every output of a result shares: its heading, the law applied, details, sources,
assumed facts, key dates and the outcomes of rough dates. Text, short text, Markdown, HTML and
Word all draw from here, so they say the same.
"""

from __future__ import annotations

from typing import Any

from creval.law.rulebook import load
from creval.render.explain import condition_shown, when_shown
from creval.render.i18n import State, country_name, outcome_shown, t, tr
from creval.render.keydates import key_dates, marked

__all__ = [
    "alternative", "alternatives_shown", "assumed_shown", "details", "key_date_lines", "law_line", "scenario_header",
    "source_shown", "sources_shown",
]


def scenario_header(result: Any, lang: str, last: str) -> list[str]:
    """A scenario's heading lines, short or full: id and title, file, assessment date, `last`
    (the hint to --full, or the rules digest), and any evaluation errors."""
    lines = [f"== {result.scenario}" + (f": {result.title}" if result.title else "")]
    lines.append(f"   {t('report.file', lang)} {result.file or '-'} | {t('report.assessed_as_of', lang)} {result.as_of}"
                 f" | {last}")
    lines += [f"   {t('report.error', lang)} {error}" for error in result.errors]
    return lines


def details(r, lang: str):
    """A result's details as (title, value) in `lang`; a list joined, an empty value None. A
    state is named as a table names it (`Russian Federation`, not a sentence's `the ...`)."""
    def word(v):
        return country_name(v, lang) if isinstance(v, State) else tr(v, lang)

    for name, value in r.details.items():
        shown = ", ".join(map(word, value)) if isinstance(value, list) else word(value) if value is not None else None
        yield (name if lang == "en" else r.detail_titles.get(name, name)), (None if shown in (None, "") else shown)


def alternatives_shown(r: Any, lang: str) -> list[str]:
    """The outcome on each part of the rough dates' ranges (engine/ranged.py), one line each,
    in date order; none when every date is exact or every possible day agrees."""
    if not getattr(r, "alternatives", None):
        return []
    test = load().tests.get(r.test) if lang != "en" else None  # the facts' words come from the rules in use
    titles = {c.id: c.title for c in r.criteria}
    return [f"{when_shown(a['when'], lang, test)}"
            + (f", {condition_shown(a, titles, lang)}" if a.get("if") else "")
            + f": {outcome_shown(a['outcome'], lang, test)}"
            + (f" [{_version_title(test, a['law_version'], lang)}]" if a.get("law_version") else "")  # that part's law
            for a in r.alternatives]


def _version_title(test: Any, version: str, lang: str) -> str:
    """A version of the law by its title in ru/kk (its id, `cc-1997`, in English and for a
    version the rules in use do not know)."""
    found = next((v for v in test.versions if v.id == version), None) if test is not None else None
    return tr(found.title, lang) if found is not None else version


def law_line(r: Any, lang: str) -> str:
    """The version of the law applied, its period and how sure its source is; '' for a test
    whose law has one version only."""
    v = r.law_version
    if v is None:
        return ""
    if v["from"] and v["until"]:
        period = t("law.period.between", lang, **{"from": v["from"], "until": v["until"]})
    elif v["from"] or v["until"]:
        period = t("law.period.from" if v["from"] else "law.period.until", lang, **{"from": v["from"], "until": v["until"]})
    else:
        period = ""
    sure = t(f"law.confidence.{v['confidence']}", lang)
    return f"{v['title']}" + (f" ({period}; {sure})" if period else f" ({sure})")


def assumed_shown(c, lang: str) -> str:
    assumed = getattr(c, "assumed", None)
    return f" ({t('report.assumed', lang, facts=', '.join(assumed))})" if assumed else ""


def sources_shown(r: Any) -> list[str]:
    """The sources as cited in the result's language (JSON keeps the English citations)."""
    shown = getattr(r, "sources_shown", None) or []
    return shown if len(shown) == len(r.sources) else r.sources


def source_shown(source: str, r: Any) -> str:
    """A criterion's `source` ("A; B") in the result's language."""
    for english, shown in sorted(zip(r.sources, sources_shown(r)), key=lambda pair: -len(pair[0])):
        if english != shown:
            source = source.replace(english, shown)
    return source


def key_date_lines(dates: list, as_of: str, lang: str, short: bool = True) -> list[tuple[str, bool]]:
    """Key dates in date order (render/keydates.py); a date before the assessment date is
    marked as passed, the assessment date itself as such. Each as (text, still to come).

    A key date that opens a new regime for an act is shown, in the short answer, as the last
    day to act under the old one (the day before: the last day to file under Art 12(1)); the
    memo (`short=False`) lists both."""
    lines = key_dates(dates, lang)
    if short:
        ended = {d.last_day_of for d in lines if d.last_day_of}
        lines = [d for d in lines if d.last_day_of or d.event not in ended]
    # ranked as still to come (kept first when the answer is cut): a date whose earliest day has not passed
    return [(marked(d, as_of, lang), d.date >= as_of) for d in lines]


def alternative(alt: Any, book: Any, test_id: str, lang: str) -> str:
    """One other outcome for a ranged date: `when` (fact, from, to) and the `outcome`,
    read as a mapping or an object."""
    def get(obj, key):
        return obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)

    test = book.tests.get(test_id)
    conditions = []
    for cond in get(alt, "when") or []:
        fact = get(cond, "fact")
        spec = test.rule.facts.get(fact) if test is not None and fact else None
        name = spec.title.get(lang) if spec is not None else str(fact)
        conditions.append(t("short.alternative.range", lang, fact=name, start=get(cond, "from") or "…", end=get(cond, "to") or "…"))
    outcome = get(alt, "outcome") or "-"
    when = "; ".join(conditions) or "-"
    if isinstance(alt, dict) and alt.get("if") and test is not None:  # the criteria that decide within those days
        when += ", " + condition_shown(alt, {cid: c.title.get(lang) for cid, c in test.rule.criteria.items()}, lang)
    return t("short.alternative", lang, when=when, outcome=outcome_shown(outcome, lang, test))
