"""The `creval` command line.

Results go to standard output and nothing else does; errors and warnings go to standard
error. Exit status: 0 all evaluated, 1 `verify` found mismatches, 2 invalid input or usage.
Heavy modules are imported inside the commands, so `creval --help` stays quick.
"""

from __future__ import annotations

import sys
from datetime import date
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Evaluate scenarios against Kazakhstan children's-rights rules, with criteria, sources and key dates.",
)
rules_app = typer.Typer(help="List the legal tests, or show one (`creval rules show ID`).", invoke_without_command=True)
app.add_typer(rules_app, name="rules")

EXIT_OK, EXIT_MISMATCH, EXIT_INVALID = 0, 1, 2


class Format(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


class Lang(str, Enum):
    en = "en"
    ru = "ru"
    kk = "kk"


class _State:
    rules: Optional[Path] = None


def fail(message: str) -> typer.Exit:
    typer.echo(f"creval: {message}", err=True)
    return typer.Exit(EXIT_INVALID)


def _book():
    from .rulebook import RuleFileError, load

    try:
        return load(_State.rules)
    except RuleFileError as exc:
        raise fail(str(exc)) from None


def _as_of(value: Optional[str]) -> Optional[date]:
    if value is None:
        return None
    try:
        return date.fromisoformat(value) if len(value) == 10 else date.fromisoformat("x")
    except ValueError:
        raise fail(f"--as-of: expected a date as YYYY-MM-DD, got {value!r}") from None


def _tests(book, wanted: Optional[List[str]]) -> Optional[List[str]]:
    for test_id in wanted or []:
        if test_id not in book.tests:
            raise fail(f"--test: unknown test {test_id!r} (known: {', '.join(book.tests)})")
    return wanted or None


@app.callback()
def _main(
    rules: Optional[Path] = typer.Option(None, "--rules", help="Use the rule files in this folder (default: the bundled rules; env CREVAL_RULES)."),
):
    _State.rules = rules


PathsArg = typer.Argument(..., help="Scenario files, or folders searched for *.yaml, *.yml and *.json.")
FormatOpt = typer.Option(Format.text, "--format", help="text, json or markdown.")
AsOfOpt = typer.Option(None, "--as-of", help="Assess every scenario on this date (YYYY-MM-DD).")
TestOpt = typer.Option(None, "--test", help="Run only this test (repeatable).")
LangOpt = typer.Option(Lang.en, "--lang", help="Language of the explanations: en, ru or kk.")


def _evaluate_paths(paths, as_of, test, lang):
    """Load and evaluate every scenario; invalid ones are reported on stderr and counted."""
    from .evaluate import Evaluator
    from .loader import load_paths

    book = _book()
    tests = _tests(book, test)
    when = _as_of(as_of)
    evaluator = Evaluator(book)
    results, invalid = [], 0
    for loaded in load_paths(paths, book, when):
        if loaded.errors:
            invalid += 1
            for err in loaded.errors:
                typer.echo(str(err), err=True)
            continue
        result = evaluator.scenario(loaded.scenario, loaded.file, tests, lang.value)
        for error in result.errors:
            typer.echo(f"{loaded.file}: {error}", err=True)
        invalid += bool(result.errors)
        results.append(result)
    return results, invalid


def _render(results, fmt: Format) -> None:
    from . import report

    if not results:
        return
    if fmt is Format.json:
        typer.echo(report.as_json(results))
    elif fmt is Format.markdown:
        typer.echo("\n".join(report.as_markdown(r) for r in results))
    else:
        typer.echo("\n\n".join(report.as_text(r) for r in results))


@app.command()
def check(paths: List[str] = PathsArg, format: Format = FormatOpt, as_of: Optional[str] = AsOfOpt,
          test: Optional[List[str]] = TestOpt, lang: Lang = LangOpt):
    """Evaluate scenario files and explain every outcome."""
    results, invalid = _evaluate_paths(paths, as_of, test, lang)
    _render(results, format)
    raise typer.Exit(EXIT_INVALID if invalid else EXIT_OK)


@app.command()
def verify(paths: List[str] = PathsArg, as_of: Optional[str] = AsOfOpt,
           test: Optional[List[str]] = TestOpt, lang: Lang = LangOpt):
    """Evaluate scenarios and compare each outcome with its answer key (`expected`)."""
    results, invalid = _evaluate_paths(paths, as_of, test, lang)
    passed = failed = skipped = 0
    for result in results:
        if not result.expected:
            skipped += 1
            continue
        outcomes = {r.test: r for r in result.results}
        if result.mismatches or result.errors:
            failed += 1
        else:
            passed += 1
        for test_id in result.mismatches:
            got = outcomes[test_id]
            typer.echo(f"MISMATCH {result.scenario} ({result.file}) {test_id}: expected {result.expected[test_id]}, got {got.outcome}: {got.explanation}")
    failed += invalid
    typer.echo(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    raise typer.Exit(EXIT_INVALID if invalid else EXIT_MISMATCH if failed else EXIT_OK)


@rules_app.callback()
def rules_list(ctx: typer.Context):
    """List the tests with their titles and sources."""
    if ctx.invoked_subcommand:
        return
    book = _book()
    typer.echo(f"rules {book.digest} ({len(book.tests)} tests)")
    for test in book.tests.values():
        typer.echo(f"\n{test.id}  [matter: {test.matter}]\n  {test.rule.title.en}")
        for source in test.sources_cited():
            typer.echo(f"  - {source}")


@rules_app.command("show")
def rules_show(test_id: str = typer.Argument(..., help="A test id, as listed by `creval rules`.")):
    """Print one test: criteria, parameters, outcomes, key dates, sources, notes, caveats."""
    from .rules_view import describe

    book = _book()
    if test_id not in book.tests:
        raise fail(f"unknown test {test_id!r} (known: {', '.join(book.tests)})")
    typer.echo(describe(book.tests[test_id]))


@app.command()
def schema():
    """Print the JSON Schema of a scenario file."""
    import json

    from .scenario import scenario_model

    typer.echo(json.dumps(scenario_model(_book()).model_json_schema(), indent=2, ensure_ascii=False))


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
