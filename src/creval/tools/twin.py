"""Twin scenarios around a test's key dates: one day before, and on, each threshold.

A rule file's key date says, with `moves:`, which date fact (or `as_of`) crosses it: the
assessment date crosses the 16th birthday, the commencement of proceedings crosses the end
of the one-year period. For each key date the engine computes for a scenario, two variants
are written: the moving date set to the key date minus one day (`<id>-<event>-before`) and
to the key date itself (`<id>-<event>-on`), each with its answer key filled in by the engine.
"""

from __future__ import annotations

import copy
import io
import textwrap
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Callable, Optional

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import LiteralScalarString

from creval.engine.evaluate import Evaluator
from creval.output.i18n import t
from creval.input.loader import StopOnInput, load_file, validate
from creval.law.rulebook import RuleBook

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
        facts[matter] = model.model_dump(include=set(model.model_fields_set))
    doc["facts"] = facts
    return doc


def make_twins(book: RuleBook, file: str, test_id: str, out_dir: Path, lang: str = "en",
               warn: Callable[[str], None] = lambda _: None) -> list[Twin]:
    if test_id not in book.tests:
        raise TwinError([t("twin.error.test", lang, test=test_id, tests=", ".join(book.tests))])
    test = book.tests[test_id]
    path = Path(file)
    if not path.is_file():
        raise TwinError([t("twin.error.file", lang, file=file)])
    loaded = load_file(path, book, lang=lang)
    if loaded.errors:
        raise TwinError([str(e) for e in loaded.errors])
    scenario = loaded.scenario
    if test.matter not in scenario.facts.model_fields_set:
        raise TwinError([t("twin.error.matter", lang, file=file, test=test_id, matter=test.matter)])
    evaluator = Evaluator(book)
    original = evaluator.scenario(scenario, loaded.file, [test_id], lang)
    if original.errors:
        raise TwinError([f"{loaded.file}: {e}" for e in original.errors])
    computed = {d.event: date.fromisoformat(d.date) for d in original.results[0].dates}
    base = _base_doc(scenario)
    twins: list[Twin] = []
    for kd in test.rule.key_dates:
        if kd.event not in computed:
            warn(t("twin.warn.not_computed", lang, event=kd.event))
            continue
        if not kd.moves:
            warn(t("twin.warn.no_moves", lang, event=kd.event, test=test_id))
            continue
        key = computed[kd.event]
        outcomes = {}
        for side, value in (("before", key - timedelta(days=1)), ("on", key)):
            twin_id = f"{scenario.id}-{kd.event}-{side}"
            target = out_dir / f"{twin_id}.yaml"
            doc = copy.deepcopy(base)
            doc["id"] = twin_id
            if kd.moves == "as_of":
                doc["as_of"] = value
            else:
                doc["facts"][test.matter][kd.moves] = value
            values = dict(fact=kd.moves, value=value.isoformat(), event=kd.event, date=key.isoformat(), test=test_id)
            doc["title"] = t(f"twin.title.{side}", lang, title=scenario.title or scenario.id, **values)
            line = t(f"twin.narrative.{side}", lang, **values)
            doc["narrative"] = LiteralScalarString(_wrapped((scenario.narrative.rstrip() + "\n\n" if scenario.narrative else "") + line))
            checked = validate(doc, str(target), book, lang=lang)
            if checked.errors:
                warn(t("twin.warn.invalid", lang, id=twin_id, reason=checked.errors[0].message, field=checked.errors[0].field or "-"))
                continue
            result = evaluator.scenario(checked.scenario, str(target), None, lang)
            if result.errors:
                warn(t("twin.warn.invalid", lang, id=twin_id, reason="; ".join(result.errors), field="-"))
                continue
            doc["expected"] = {r.test: r.outcome for r in result.results}
            twin = Twin(twin_id, target, doc, kd.event, side, key, kd.moves, value, doc["expected"][test_id])
            outcomes[side] = twin.outcome
            twins.append(twin)
        if len(outcomes) == 2 and outcomes["before"] == outcomes["on"]:
            warn(t("twin.warn.same", lang, event=kd.event, date=key.isoformat(), test=test_id, outcome=outcomes["on"]))
    return twins


def dump(twin: Twin, source: str, test_id: str, lang: str = "en") -> str:
    yaml = YAML()
    yaml.width = 4096  # titles stay on one line; the narrative is wrapped below
    yaml.indent(mapping=2, sequence=4, offset=2)
    buffer = io.StringIO()
    yaml.dump(twin.doc, buffer)
    header = t("twin.comment", lang, source=source, test=test_id, fact=twin.fact, value=twin.value.isoformat(),
               event=twin.event, date=twin.key_date.isoformat())
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
