"""Twin scenarios around a test's key dates: one day before, and on, each threshold.

A rule file's key date says, with `moves:`, which date fact (or `as_of`) crosses it: the
assessment date crosses the 16th birthday, the commencement of proceedings crosses the end
of the one-year period. For each key date the engine computes for a scenario, two variants
are written: the moving date set to the key date minus one day and to the key date itself,
each with its answer key filled in by the engine.

Twins are for trainees, so nothing a trainee sees gives the answer away: they are numbered
`<id>-t1`, `<id>-t2`, ... in an order drawn from a hash of the scenario, test, key date and
side (stable from run to run, unrelated to before/on), their titles are the test's title and
the number, and the story is the source's only when it names none of the dates the twin
changed; otherwise it is a plain account of the twin's facts. Which key date a twin teaches,
and on which side, is a comment on its answer key (`expected`), which `exercise` never shows.
"""

from __future__ import annotations

import copy
import hashlib
import io
import re
import textwrap
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Callable, Optional

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import LiteralScalarString

from creval.engine.evaluate import Evaluator
from creval.render.i18n import t, tr
from creval.input.loader import StopOnInput, load_file, validate
from creval.core.dates import DateRange
from creval.render import facts
from creval.law.rulebook import RuleBook

__all__ = ["SIDES", "Twin", "TwinError", "WIDTH", "dump", "make_twins", "only_test", "teaching_note", "write"]

SIDES = ("before", "on")
WIDTH = 96


class TwinError(StopOnInput):
    """Input that stops `creval twin`."""


@dataclass
class Twin:
    id: str
    path: Path
    doc: dict
    event: str
    side: str
    key_date: date
    fact: str  # the date fact (or as_of) that was moved
    value: date
    outcome: str  # the engine's outcome of the test being taught


def _wrapped(text: str) -> str:
    """Long lines wrapped at WIDTH, blank lines kept, for a readable literal block."""
    return "\n".join(textwrap.fill(line, WIDTH) if line.strip() else "" for line in text.splitlines()) + "\n"


def _base_doc(scenario) -> dict:
    """A plain document of a validated scenario, with its assessment date made explicit
    (a twin without one would change its answer as the calendar moves on)."""
    doc: dict[str, Any] = {"id": scenario.id}
    if scenario.title:
        doc["title"] = scenario.title
    doc["as_of"] = scenario.as_of or date.today()
    if scenario.narrative:
        doc["narrative"] = scenario.narrative
    facts = {}
    for matter in sorted(scenario.facts.model_fields_set):
        model = getattr(scenario.facts, matter)
        facts[matter] = {k: (v.as_json() if isinstance(v, DateRange) else v)  # a rough date as {from, to}
                         for k, v in model.model_dump(include=set(model.model_fields_set)).items()}
    doc["facts"] = facts
    return doc


def _order(scenario_id: str, test_id: str, event: str, side: str) -> str:
    """A sort key that is the same on every run and says nothing about the side."""
    return hashlib.sha256(f"{scenario_id}|{test_id}|{event}|{side}".encode()).hexdigest()


_RELATIVE = re.compile(r"\b(ago|later|since|назад|спустя|бұрын|кейін)\b", re.IGNORECASE)


def _names_date(narrative: str, moved: date) -> bool:
    """Whether a story states the date a twin changes (in ISO or DD.MM.YYYY form, or its
    year), or counts time relative to it ("eleven months ago"): the twin then needs
    another story."""
    written = (moved.isoformat(), moved.strftime("%d.%m.%Y"), str(moved.year))
    return any(w in narrative for w in written) or bool(_RELATIVE.search(narrative))


def _story(narrative: Any, moved_from: Any, facts_in_words: Callable[[], str]) -> Any:
    """The source's story if it names no date the twin changes, else the facts in words.
    A story given by language (a mapping) is judged in every language."""
    texts = list(narrative.values()) if isinstance(narrative, dict) else [narrative] if narrative else []
    if texts and not (isinstance(moved_from, date) and any(_names_date(str(x), moved_from) for x in texts)):
        if isinstance(narrative, dict):
            return {k: LiteralScalarString(_wrapped(str(v).rstrip())) for k, v in narrative.items()}
        return LiteralScalarString(_wrapped(narrative.rstrip()))
    return LiteralScalarString(_wrapped(facts_in_words()))


def _facts_in_words(book: RuleBook, scenario, lang: str) -> str:
    """A neutral story: the assessment date and every fact given, by its title, in `lang`."""
    lines = [t("twin.story.as_of", lang, date=scenario.as_of.isoformat()), t("twin.story.facts", lang)]
    given = facts.given(scenario, unknown=True)
    for matter in sorted(given):
        lines += [f"- {title}: {value}" for _, title, value in facts.rows(book, matter, given[matter], lang)]
    return "\n".join(lines)


def _loaded(book: RuleBook, file: str, lang: str):
    """The scenario file, validated; TwinError naming the file or its errors."""
    path = Path(file)
    if not path.is_file():
        raise TwinError([t("twin.error.file", lang, file=file)])
    loaded = load_file(path, book, lang=lang)
    if loaded.errors:
        raise TwinError([str(e) for e in loaded.errors])
    return loaded


def only_test(book: RuleBook, file: str, lang: str = "en") -> str:
    """The one test a scenario file's matters have (for `twin` without --test); TwinError
    naming the choices when there are several, or the file's own error."""
    loaded = _loaded(book, file, lang)
    tests = [test.id for matter in sorted(loaded.scenario.facts.model_fields_set) for test in book.matters.get(matter, [])]
    if len(tests) != 1:
        raise TwinError([t("twin.error.choose", lang, file=file, tests=", ".join(tests) or "-")])
    return tests[0]


def make_twins(book: RuleBook, file: str, test_id: str, out_dir: Path, lang: str = "en",
               warn: Callable[[str], None] = lambda _: None) -> list[Twin]:
    if test_id not in book.tests:
        raise TwinError([t("twin.error.test", lang, test=test_id, tests=", ".join(book.tests))])
    test = book.tests[test_id]
    loaded = _loaded(book, file, lang)
    scenario = loaded.scenario
    if test.matter not in scenario.facts.model_fields_set:
        raise TwinError([t("twin.error.matter", lang, file=file, test=test_id, matter=test.matter)])
    evaluator = Evaluator(book)
    original = evaluator.scenario(scenario, loaded.file, [test_id])
    if original.errors:
        raise TwinError([f"{loaded.file}: {tr(e, lang)}" for e in original.errors])
    computed = {d.event: date.fromisoformat(d.date) for d in original.results[0].dates}
    base = _base_doc(scenario)
    variants = []  # (order, key date, side, moved value, key)
    for kd in test.rule.key_dates:
        if kd.event not in computed:
            warn(t("twin.warn.not_computed", lang, event=kd.event))
            continue
        if not kd.moves:
            warn(t("twin.warn.no_moves", lang, event=kd.event, test=test_id))
            continue
        key = computed[kd.event]
        for side, value in (("before", key - timedelta(days=1)), ("on", key)):
            variants.append((_order(scenario.id, test_id, kd.event, side), kd, side, value, key))
    twins: list[Twin] = []
    outcomes: dict[str, dict[str, str]] = {}  # event -> side -> outcome
    for _, kd, side, value, key in sorted(variants, key=lambda v: v[0]):
        twin_id = f"{scenario.id}-t{len(twins) + 1}"
        target = out_dir / f"{twin_id}.yaml"
        doc = copy.deepcopy(base)
        doc["id"] = twin_id
        moved_from = doc["as_of"] if kd.moves == "as_of" else doc["facts"][test.matter].get(kd.moves)
        if kd.moves == "as_of":
            doc["as_of"] = value
        else:
            doc["facts"][test.matter][kd.moves] = value
        # the source's title often names the threshold ("one day short of a year"): not kept
        doc["title"] = t("twin.title", lang, title=test.rule.title.get(lang), n=len(twins) + 1)
        checked = validate(doc, str(target), book, lang=lang)
        if checked.errors:
            warn(t("twin.warn.invalid", lang, id=f"{scenario.id} ({kd.event}, {side})", reason=checked.errors[0].message,
                   field=checked.errors[0].field or "-"))
            continue
        doc["narrative"] = _story(scenario.narrative, moved_from, lambda: _facts_in_words(book, checked.scenario, lang))
        result = evaluator.scenario(checked.scenario, str(target), None)
        if result.errors:
            warn(t("twin.warn.invalid", lang, id=f"{scenario.id} ({kd.event}, {side})", reason="; ".join(tr(e, lang) for e in result.errors), field="-"))
            continue
        doc["expected"] = {r.test: r.outcome for r in result.results}
        twin = Twin(twin_id, target, doc, kd.event, side, key, kd.moves, value, doc["expected"][test_id])
        outcomes.setdefault(kd.event, {})[side] = twin.outcome
        twins.append(twin)
    for kd in test.rule.key_dates:
        pair = outcomes.get(kd.event, {})
        if len(pair) == 2 and pair["before"] == pair["on"]:
            warn(t("twin.warn.same", lang, event=kd.event, date=computed[kd.event].isoformat(), test=test_id,
                   outcome=pair["on"]))
    return twins


def teaching_note(twin: Twin, test_id: str, lang: str = "en") -> str:
    """What the twin teaches: the key date, and the side of it the twin sits on."""
    return t(f"twin.note.{twin.side}", lang, test=test_id, event=twin.event, date=twin.key_date.isoformat(),
             fact=twin.fact, value=twin.value.isoformat())


def dump(twin: Twin, source: str, test_id: str, lang: str = "en") -> str:
    yaml = YAML()
    yaml.width = 4096  # titles stay on one line; the narrative is wrapped below
    yaml.indent(mapping=2, sequence=4, offset=2)
    buffer = io.StringIO()
    doc = CommentedMap(twin.doc)
    # the teaching note sits on the answer key, which `exercise` never shows
    doc.yaml_set_comment_before_after_key("expected", before=teaching_note(twin, test_id, lang))
    yaml.dump(doc, buffer)
    header = t("twin.comment", lang, source=source, test=test_id)
    return "".join(f"# {line}\n" for line in header.splitlines()) + buffer.getvalue()


def write(twins: list[Twin], source: str, test_id: str, out_dir: Path, force: bool = False, lang: str = "en",
          out: Optional[Callable[[str], None]] = None) -> None:
    """Write every twin, or none: existing files are refused unless `force`."""
    if out_dir.exists() and not out_dir.is_dir():
        raise TwinError([t("twin.error.out", lang, dir=str(out_dir))])
    existing = [tw.path for tw in twins if tw.path.exists() or tw.path.is_symlink()]
    if existing and not force:
        raise TwinError([t("twin.error.exists", lang, file=str(p)) for p in existing])
    texts = [(tw, dump(tw, source, test_id, lang)) for tw in twins]
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for tw, text in texts:
            if tw.path.is_symlink():
                tw.path.unlink()  # --force replaces the link, never the file it points to
            tw.path.write_text(text, encoding="utf-8")
            if out:
                out(t("twin.wrote", lang, file=str(tw.path), fact=tw.fact, value=tw.value.isoformat(), test=test_id,
                      outcome=tw.outcome))
    except OSError as exc:
        raise TwinError([t("twin.error.write", lang, dir=str(out_dir), reason=exc.strerror or str(exc))]) from None
