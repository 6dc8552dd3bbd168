"""`--test ID`: which scenarios a selection of tests runs on.

A test runs on a scenario that states its matter. A file named on the command line that
states none of the selected tests' matters is a usage error (exit 2): its output would be
empty, which reads as "nothing to report". Scenarios found in a folder are simply passed
over, unless none of them has the matter.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from creval.core.text import Msg

__all__ = ["applies", "named_files", "no_matter", "none_found"]


def applies(book, tests: Optional[list[str]], scenario) -> bool:
    """Whether any selected test runs on `scenario` (no selection: every test that can)."""
    if not tests:
        return True
    present = scenario.facts.model_fields_set
    return any(book.tests[x].matter in present for x in tests)


def named_files(paths: list[str]) -> set[str]:
    """The paths given as files, not found in a folder."""
    return {str(Path(p)) for p in paths if Path(p).is_file()}


def no_matter(book, tests: list[str], file: str, scenario) -> Msg:
    """The error for a named file that none of the selected tests runs on (a whole line)."""
    matters = sorted({book.tests[x].matter for x in tests})
    return Msg("cli.test_no_matter", file=file, test=", ".join(tests), matter=", ".join(matters),
             matters=", ".join(sorted(scenario.facts.model_fields_set)))


def none_found(tests: list[str], paths: list[str]) -> Msg:
    """The error for folders in which no scenario has the selected tests' matters."""
    return Msg("cli.test_no_scenario", test=", ".join(tests), paths=", ".join(paths))
