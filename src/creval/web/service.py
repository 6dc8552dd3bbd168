"""The one evaluation path of the web app: the CLI's loader, evaluator and reports.

Every page and API call that reads a scenario goes through `Service.load` (the hardened
loader: size, depth, aliases, duplicate keys, UTF-8, then the scenario model) and
`Service.evaluate` (the Evaluator on the rule book `creval check` uses). All of it runs on
the event loop's thread, one call at a time, so the engine is never entered concurrently.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Optional

from creval.engine.evaluate import Evaluator, ScenarioResult
from creval.input.loader import InputError, Loaded, Refused, parse_document, validate
from creval.law import rulebook
from creval.render.i18n import tr

__all__ = ["BadInput", "LANGS", "Service"]

LANGS = ("en", "ru", "kk")


class BadInput(Exception):
    """A scenario that cannot be evaluated: the CLI's one-line messages (file:line: field: message)."""

    def __init__(self, errors: list[InputError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors

    def as_json(self) -> dict:
        return {"detail": str(self), "errors": [
            {"file": e.file, "line": e.line, "field": e.field, "message": str(e.message)} for e in self.errors]}


class Service:
    def __init__(self, rules: Optional[Path] = None):
        self.book = rulebook.load(rules)
        self.evaluator = Evaluator(self.book)

    def parse(self, data: bytes, name: str, suffix: str, lang: str = "en") -> Any:
        """Bytes of a YAML or JSON document, parsed by the loader; BadInput names the line and field."""
        try:
            return parse_document(data, suffix)
        except Refused as exc:
            raise BadInput([InputError(name, tr(exc.args[0], lang), exc.line, exc.field)]) from None

    def load(self, doc: Any, name: str, as_of: Optional[date] = None, lang: str = "en") -> Loaded:
        """A parsed document checked against the scenario model, as `creval check` checks a file."""
        loaded = validate(doc, name, self.book, as_of, lang)
        if loaded.errors:
            raise BadInput(loaded.errors)
        return loaded

    def evaluate(self, loaded: Loaded, tests: Optional[list[str]] = None, lang: str = "en") -> ScenarioResult:
        result = self.evaluator.scenario(loaded.scenario, loaded.file, tests, lang)
        if result.errors:  # the engine failed on a test: the CLI reports it and exits 2
            raise BadInput([InputError(loaded.file, e) for e in result.errors])
        return result

    def check(self, data: bytes, name: str, suffix: str, as_of: Optional[date] = None,
              tests: Optional[list[str]] = None, lang: str = "en") -> ScenarioResult:
        """Bytes in, a result out: what `creval check FILE` does for one file."""
        return self.evaluate(self.load(self.parse(data, name, suffix, lang), name, as_of, lang), tests, lang)

    def unknown_tests(self, tests: Optional[list[str]]) -> list[str]:
        return [t for t in tests or [] if t not in self.book.tests]
