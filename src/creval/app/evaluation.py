"""The one evaluation path: scenario files in; per file its result, or why it has none.

`evaluate_paths` loads every scenario under the paths, keeps those the selected tests run on
(app/selection.py), evaluates each and collects the errors met on the way, file by file.
`evaluate` does the same for one scenario already validated (a line of `creval batch`, a
request of the web app). The command line, every tool and the web call these two and
nothing else decides which scenario is evaluated or what becomes an error.

What comes out knows no language: the result holds codes and values
(render.explain.explain puts it into words) and the errors are messages with keys
(`Evaluated.lines(lang)` puts them into words), so one run can be shown in any language.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Iterator, Optional, Union

from creval.app import selection
from creval.core.text import Msg, tr
from creval.engine.evaluate import Evaluator
from creval.engine.results import ScenarioResult
from creval.input.loader import InputError, load_paths, unexpected

__all__ = ["Evaluated", "evaluate", "evaluate_paths"]

# An error of one file: a loader's or engine's message with its file (line, field), or a
# whole line of its own (a named file none of the selected tests runs on; the run's own error).
Error = Union[InputError, Msg]


@dataclass
class Evaluated:
    """One scenario file on the evaluation path.

    `result` is None when the file could not be read or validated, or when creval itself failed
    on it (`bug` then holds the exception, for a caller that reports bugs its own way, such as
    the web app's 500). A result may come with errors too: a test the engine failed on.
    The run's own error (no scenario had the selected tests' matters) comes last, without a file.
    """
    file: str
    scenario: Any = None  # the validated scenario
    result: Optional[ScenarioResult] = None  # codes and values: render.explain.explain(result, lang)
    errors: list[Error] = field(default_factory=list)
    bug: Optional[BaseException] = None

    def lines(self, lang: str = "en") -> list[str]:
        """The errors as the command line prints them (file:line: field: message), in `lang`."""
        return [str(replace(e, message=tr(e.message, lang))) if isinstance(e, InputError) else tr(e, lang)
                for e in self.errors]

    def messages(self, lang: str = "en") -> list[str]:
        """The errors without their file, in `lang` (one batch line, one web request)."""
        return [(f"{e.field}: " if e.field else "") + tr(e.message, lang) if isinstance(e, InputError) else tr(e, lang)
                for e in self.errors]


def evaluate(evaluator: Evaluator, scenario: Any, file: str, tests: Optional[list[str]] = None) -> Evaluated:
    """One validated scenario evaluated: its result and the tests the engine failed on; a bug
    met on it becomes its error (and `bug`), so that the other scenarios of a run keep theirs."""
    try:
        result = evaluator.scenario(scenario, file, tests)
    except Exception as exc:
        return Evaluated(file, scenario, errors=[unexpected(file, exc)], bug=exc)
    return Evaluated(file, scenario, result, [InputError(file, e) for e in result.errors])


def evaluate_paths(book, paths: list[str], as_of: Optional[date] = None, tests: Optional[list[str]] = None,
                   evaluator: Optional[Evaluator] = None) -> Iterator[Evaluated]:
    """Every scenario under `paths` that the selected `tests` run on (None: every test), in
    order, evaluated on `as_of` (None: each file's own date). A scenario found in a folder that
    none of the tests runs on is passed over; a file named in `paths` is an error instead."""
    evaluator = evaluator or Evaluator(book)
    named = selection.named_files(paths)
    reported = skipped = 0  # files yielded; files passed over (found in a folder, no test runs on them)
    for loaded in load_paths(paths, book, as_of):
        if loaded.errors:
            reported += 1
            yield Evaluated(loaded.file, errors=list(loaded.errors))
            continue
        if not selection.applies(book, tests, loaded.scenario):
            if str(Path(loaded.file)) in named:
                reported += 1
                yield Evaluated(loaded.file, loaded.scenario, errors=[selection.no_matter(book, tests, loaded.file, loaded.scenario)])
            else:
                skipped += 1
            continue
        reported += 1
        yield evaluate(evaluator, loaded.scenario, loaded.file, tests)
    if skipped and not reported:  # the run would print nothing at all: say why
        yield Evaluated("", errors=[Msg.joined("", ["creval: ", selection.none_found(tests, paths)])])
