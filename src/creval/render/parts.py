"""The pieces every output of a result shares: its heading, the law applied, details, sources,
assumed facts, key dates and the outcomes of rough dates. Text, short text, Markdown, HTML and
Word all draw from here, so they say the same.
"""

from __future__ import annotations

from typing import Any

from creval.engine.texts import when_shown
from creval.render.i18n import outcome_shown, t, tr

__all__ = [
    "alternative", "alternatives_shown", "assumed_shown", "details", "key_dates", "law_line", "scenario_header",
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
    """A result's details as (title, value) in `lang`; a list joined, an empty value None."""
    for name, value in r.details.items():
        shown = ", ".join(tr(v, lang) for v in value) if isinstance(value, list) else tr(value, lang) if value is not None else None
        yield (name if lang == "en" else r.detail_titles.get(name, name)), (None if shown in (None, "") else shown)


def alternatives_shown(r: Any, lang: str) -> list[str]:
    """The outcome on each part of the rough dates' ranges (engine/ranged.py), one line each,
    in date order; none when every date is exact or every possible day agrees."""
    if not getattr(r, "alternatives", None):
        return []
    return [f"{when_shown(a['when'], lang)}: {outcome_shown(a['outcome'], lang)}"
            + (f" [{a['law_version']}]" if a.get("law_version") else "")  # the version of the law that part is under
            for a in r.alternatives]


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


def key_dates(dates: list, as_of: str, lang: str) -> list[tuple[str, bool]]:
    """Key dates in date order (a stable sort keeps the rule's order on one day); a date
    before the assessment date is marked as passed, the assessment date itself as such.
    Each as (text, still to come)."""
    out = []
    for d in sorted(dates, key=lambda d: d.date):
        mark = t("short.date.past", lang) if d.date < as_of else t("short.date.today", lang) if d.date == as_of else ""
        out.append((f"{d.date}  " + (f"({mark}) " if mark else "") + d.text, d.date >= as_of))
    return out


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
    return t("short.alternative", lang, when="; ".join(conditions) or "-", outcome=outcome_shown(outcome, lang))
