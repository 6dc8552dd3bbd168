"""The `creval` command line.

Results go to standard output and nothing else does; errors and warnings go to standard
error. Exit status: 0 all evaluated, 1 `verify` found mismatches, 2 invalid input or usage.
Heavy modules are imported inside the commands, so `creval --help` stays quick.
"""

from __future__ import annotations

import os
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


def _render(results, fmt: Format, paths: List[str]) -> None:
    from . import report

    if not results:
        return
    if fmt is Format.json:
        # One file named: one object. Several files, or a folder: always an array.
        several = len(paths) > 1 or any(Path(p).is_dir() for p in paths)
        typer.echo(report.as_json(results, array=several or len(results) > 1))
    elif fmt is Format.markdown:
        typer.echo("\n".join(report.as_markdown(r) for r in results))
    else:
        typer.echo("\n\n".join(report.as_text(r) for r in results))


@app.command()
def check(paths: List[str] = PathsArg, format: Format = FormatOpt, as_of: Optional[str] = AsOfOpt,
          test: Optional[List[str]] = TestOpt, lang: Lang = LangOpt):
    """Evaluate scenario files and explain every outcome."""
    results, invalid = _evaluate_paths(paths, as_of, test, lang)
    _render(results, format, paths)
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
def batch(file: Optional[str] = typer.Argument(None, help="A JSON Lines file, one scenario per line; '-' or absent: standard input."),
          workers: Optional[int] = typer.Option(None, "--workers", min=1, help="Processes to use (default: the number of cores)."),
          as_of: Optional[str] = AsOfOpt, test: Optional[List[str]] = TestOpt, lang: Lang = LangOpt,
          oracle: bool = typer.Option(False, "--oracle", hidden=True, help="Decide with the plain-Python oracle (benchmarks).")):
    """JSON Lines in, one result line per input line out, in order; a bad line gives {"line": N, "error": ...}."""
    from . import batch as batch_mod

    book = _book()  # rule-file errors are reported here, before any worker starts
    options = batch_mod.Options(
        rules=str(book.folder), as_of=_as_of(as_of), tests=tuple(_tests(book, test) or ()) or None,
        lang=lang.value, name=file if file not in (None, "-") else "<stdin>", oracle=oracle,
    )
    try:
        stream = sys.stdin.buffer if file in (None, "-") else open(file, "rb")
    except OSError as exc:
        raise fail(f"{file}: cannot read: {exc.strerror or exc}") from None
    out = sys.stdout.buffer
    try:
        with stream:
            stats = batch_mod.run(stream, lambda text: out.write(text.encode("utf-8", "backslashreplace")),
                                  options, workers or batch_mod.default_workers())
    except RuntimeError as exc:
        raise fail(f"{file or '<stdin>'}: {exc}") from None
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (| head): stop quietly
        raise typer.Exit(EXIT_OK)
    out.flush()
    if stats.errors:
        typer.echo(f"creval batch: {stats.errors:,} of {stats.lines:,} lines gave an error", err=True)
    raise typer.Exit(EXIT_INVALID if stats.errors else EXIT_OK)


@app.command()
def schema():
    """Print the JSON Schema of a scenario file."""
    import json

    from .scenario import scenario_model

    typer.echo(json.dumps(scenario_model(_book()).model_json_schema(), indent=2, ensure_ascii=False))


@app.command()
def exercise(paths: List[str] = PathsArg,
             answers: Optional[Path] = typer.Option(None, "--answers", help="Grade a filled-in answer sheet (YAML or JSON: {trainee: NAME, answers: {scenario-id: {test-id: outcome}}}, or a list of them for a class) without prompts."),
             record: Optional[Path] = typer.Option(None, "--record", help="Add this session's answers and scores to a JSON results file (created if absent)."),
             shuffle: bool = typer.Option(False, "--shuffle", help="Present the scenarios in random order."),
             seed: Optional[int] = typer.Option(None, "--seed", help="Seed of the shuffle, to repeat an order (implies --shuffle)."),
             trainee: Optional[str] = typer.Option(None, "--trainee", help="The trainee's name, kept in the results file."),
             sheet: bool = typer.Option(False, "--sheet", help="Print a blank answer sheet for the pack and stop."),
             lang: Lang = LangOpt):
    """A trainee session: show each scenario (never its answer key), ask each test's outcome, explain, score."""
    from .exercise import ExerciseError, run

    try:
        code = run(_book(), paths, answers_file=answers, record=record, shuffle=shuffle, seed=seed, trainee=trainee,
                   sheet=sheet, lang=lang.value, out=typer.echo, warn=lambda m: typer.echo(f"creval: {m}", err=True))
    except ExerciseError as exc:
        for line in exc.lines:
            typer.echo(f"creval: {line}", err=True)
        raise typer.Exit(EXIT_INVALID)
    raise typer.Exit(code)


class CoverageFormat(str, Enum):
    text = "text"
    json = "json"


@app.command()
def coverage(paths: List[str] = PathsArg,
             format: CoverageFormat = typer.Option(CoverageFormat.text, "--format", help="text or json."),
             test: Optional[List[str]] = TestOpt, lang: Lang = LangOpt):
    """Which outcomes and criterion states (met, unmet, unknown) of each test a pack exercises, and which it misses."""
    from . import coverage as cov

    results, invalid = _evaluate_paths(paths, None, test, lang)
    book = _book()
    found = cov.coverage(book, results, _tests(book, test), lang.value)
    if format is CoverageFormat.json:
        typer.echo(cov.as_json(found, paths, len(results), book.digest))
    else:
        typer.echo(cov.as_text(found, paths, len(results), lang.value))
    raise typer.Exit(EXIT_INVALID if invalid else EXIT_OK)


@app.command()
def twin(file: str = typer.Argument(..., help="One scenario file."),
         test: str = typer.Option(..., "--test", help="The test whose key dates the twins sit around."),
         out: Path = typer.Option(Path("."), "--out", help="Folder to write the twins in (default: the current folder)."),
         force: bool = typer.Option(False, "--force", help="Overwrite existing files."),
         lang: Lang = LangOpt):
    """Write twin scenarios one day before and on each key date of a test, each with its answer key."""
    from .i18n import t
    from .twin import TwinError, make_twins, write

    book = _book()
    try:
        twins = make_twins(book, file, test, out, lang.value, warn=lambda m: typer.echo(f"creval: {m}", err=True))
        if not twins:
            raise TwinError([t("twin.error.none", lang.value, test=test)])
        write(twins, file, test, out, force, lang.value, out=typer.echo)
    except TwinError as exc:
        for line in exc.lines:
            typer.echo(f"creval: {line}", err=True)
        raise typer.Exit(EXIT_INVALID)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # a bug, not bad input: one line unless CREVAL_DEBUG asks for more
        if os.environ.get("CREVAL_DEBUG"):
            raise
        typer.echo(f"creval: internal error: {type(exc).__name__}: {exc} (set CREVAL_DEBUG=1 for details)", err=True)
        sys.exit(EXIT_INVALID)
