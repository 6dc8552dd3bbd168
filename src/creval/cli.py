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

from creval.render import colour

if not colour.allowed():
    # typer's help draws bold and dim text with rich even when colour is off (no-color.org
    # asks for no styling at all): without rich the help is plain text.
    os.environ.setdefault("TYPER_USE_RICH", "0")

import typer  # noqa: E402  (after TYPER_USE_RICH is settled)

HELP_OPTIONS = {"help_option_names": ["-h", "--help"]}  # subcommands inherit them

app = typer.Typer(
    add_completion=False,  # `creval completion SHELL` prints the script instead
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings=HELP_OPTIONS,
    help="Evaluate scenarios against Kazakhstan children's-rights rules, with criteria, sources and key dates.",
)
rules_app = typer.Typer(help="List the legal tests, show one (`creval rules show ID`), or lint rule files (`creval rules lint [DIR]`).", invoke_without_command=True,
                        context_settings=HELP_OPTIONS)
app.add_typer(rules_app, name="rules")


def _clean_help_types() -> None:
    """typer's help shows Python types: `<bool>` for a flag (which takes no value) and
    `<list[str]>` for a repeatable value. A flag shows no type; a parameter with a metavar
    (PATH, ID, DATE) shows that name only."""
    from typer import core

    for cls, plain in ((core.TyperOption, lambda p: p.is_flag), (core.TyperArgument, lambda p: p.metavar is not None)):
        shown = cls.__dict__.get("display_type_rich") or getattr(cls, "display_type_rich", None)
        if shown is None or getattr(shown, "_creval", False):
            continue  # an older typer without it, or patched already

        def display_type_rich(self, ctx, _shown=shown, _plain=plain):
            return "" if _plain(self) else _shown(self, ctx)

        display_type_rich._creval = True
        cls.display_type_rich = display_type_rich


_clean_help_types()

EXIT_OK, EXIT_MISMATCH, EXIT_INVALID = 0, 1, 2


class Format(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


class CheckFormat(str, Enum):
    """`check`'s formats: the three of `Format` and the memo to file as HTML or Word; the
    names of render/formats.FORMATS (kept here so that `--help` imports no renderer)."""
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"
    docx = "docx"


class Lang(str, Enum):
    en = "en"
    ru = "ru"
    kk = "kk"


class _State:
    rules: Optional[Path] = None
    lang: Lang = Lang.en  # `creval rules --lang`, for `rules show`


def echo(text="", err: bool = False, nl: bool = True, marked_for: str | None = None) -> None:
    """Print a line; characters a terminal would obey (escape sequences from a title or a
    field name) are shown as escapes (render/terminal.py). Everything creval prints passes here.
    `marked_for` (a language) colours UNMET and MISSING afterwards, on a terminal only."""
    from creval.render.terminal import safe

    text = safe(str(text))
    if marked_for is not None:
        text = colour.marked(text, marked_for, sys.stdout)
    typer.echo(text, err=err, nl=nl)


def fail(message: str) -> typer.Exit:
    echo(f"creval: {message}", err=True)
    return typer.Exit(EXIT_INVALID)


__all__ = ["app", "main"]


def _t(key: str, lang: str = "en", **values) -> str:
    from creval.render.i18n import t

    return t(key, lang, **values)


def _stop(exc) -> typer.Exit:
    """A loader.StopOnInput: its lines on stderr, exit status 2."""
    for line in exc.lines:
        echo(f"creval: {line}", err=True)
    return typer.Exit(EXIT_INVALID)


def _book():
    from creval.law.rulebook import RuleFileError, load

    try:
        return load(_State.rules)
    except RuleFileError as exc:
        raise fail(str(exc)) from None


def _as_of(value: Optional[str], lang: str = "en") -> Optional[date]:
    if value is None:
        return None
    from creval.input.scenario import parse_as_of  # the same rules as a scenario's dates, the API's message

    try:
        return parse_as_of(value, lang)
    except ValueError as exc:
        raise fail(str(exc)) from None


def _version(value: bool) -> None:
    """`creval --version`: the program's version and the digest of the rule files in use."""
    if not value:
        return
    from creval import __version__

    typer.echo(_t("cli.version", _env_lang(), version=__version__, digest=_book().digest))
    raise typer.Exit(EXIT_OK)


def _env_lang() -> str:
    """The language for output that takes no --lang (CREVAL_LANG, else English); commands
    with --lang read CREVAL_LANG through the option itself (`LangOpt`)."""
    lang = (os.environ.get("CREVAL_LANG") or "en").strip().lower()
    return lang if lang in Lang.__members__ else "en"


def _rules_option(value: Optional[Path]) -> Optional[Path]:
    _State.rules = value  # eager, so that --version reports the rules chosen before it
    return value


def _tests(book, wanted: Optional[List[str]], lang: str = "en") -> Optional[List[str]]:
    for test_id in wanted or []:
        if test_id not in book.tests:
            raise fail(_t("cli.unknown_test_option", lang, test=repr(test_id), known=", ".join(book.tests)))
    return wanted or None


@app.callback()
def _main(
    rules: Optional[Path] = typer.Option(None, "--rules", metavar="DIR", is_eager=True, callback=_rules_option,
                                         help="Use the rule files in this folder (default: the bundled rules; env CREVAL_RULES)."),
    version: bool = typer.Option(False, "--version", is_eager=True, callback=_version,
                                 help="Print creval's version and the digest of the rules in use, and stop."),
):
    _State.rules = rules


PathsArg = typer.Argument(..., metavar="PATH", help="Scenario files, or folders searched for *.yaml, *.yml and *.json.")
FormatOpt = typer.Option(Format.text, "--format", help="text, json or markdown.")
AsOfOpt = typer.Option(None, "--as-of", metavar="DATE", help="Assess every scenario on this date (YYYY-MM-DD).")
TestOpt = typer.Option(None, "--test", metavar="ID", help="Run only this test (repeatable).")
# CREVAL_LANG sets the default language of every command (any case); --lang overrides it.
LangOpt = typer.Option(Lang.en, "--lang", envvar="CREVAL_LANG", show_envvar=True, case_sensitive=False,
                       help="Language of the explanations: en, ru or kk (any case).")


def _evaluate_paths(paths, as_of, test, lang, scenarios: Optional[list] = None):
    """Every scenario evaluated on the one evaluation path (app/evaluation.py): the results as
    codes and values, each put into words by its command only as far as it shows them
    (render.explain); errors are reported on stderr and counted. `scenarios`, when given,
    receives each result's validated scenario (for the memo)."""
    from creval.app.evaluation import evaluate_paths

    book = _book()
    tests = _tests(book, test, lang.value)
    results, invalid = [], 0
    for evaluated in evaluate_paths(book, paths, _as_of(as_of, lang.value), tests):
        for line in evaluated.lines(lang.value):
            echo(line, err=True)
        invalid += bool(evaluated.errors)
        if evaluated.result is not None:
            results.append(evaluated.result)
            if scenarios is not None:
                scenarios.append(evaluated.scenario)
    return results, invalid


def _render(results, fmt: Enum, paths: List[str], lang: Optional[str] = None, full: bool = False,
            scenarios: Optional[list] = None, output: Optional[Path] = None) -> None:
    """Results in the format named (the table of render/formats.py), to `output` or stdout."""
    from creval.render.facts import given
    from creval.render.formats import FORMATS

    if not results:
        return
    chosen = FORMATS[fmt.value]
    stated = [given(s) for s in scenarios] if chosen.memo and scenarios is not None else None
    # One file named: one JSON object. Several files, or a folder: always an array.
    several = len(paths) > 1 or any(Path(p).is_dir() for p in paths)
    content = chosen.render(results, lang, _book(), stated, full=full, array=several)
    _write(content, output, lang or "en", marked=chosen.marked)


def _write(content, output: Optional[Path], lang: str, marked: bool = False) -> None:
    """Results to `output` when given, else to standard output; a binary document (docx)
    is never written to a terminal."""
    if output is not None:
        from creval.render.terminal import safe

        try:
            if isinstance(content, bytes):
                output.write_bytes(content)
            else:
                output.write_text(safe(content) + "\n", encoding="utf-8")
        except OSError as exc:
            raise fail(_t("cli.cannot_write", lang, file=str(output), reason=exc.strerror or str(exc))) from None
        echo(_t("cli.written", lang, file=str(output)), err=True)
    elif isinstance(content, bytes):
        if sys.stdout.isatty():
            raise fail(_t("cli.binary_to_terminal", lang))
        sys.stdout.flush()
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
    else:
        echo(content, marked_for=lang if marked else None)


FullOpt = typer.Option(False, "--full", help="Text: every section (criteria, sources, notes, caveats), not the short answer.")


@app.command()
def check(paths: List[str] = PathsArg,
          format: CheckFormat = typer.Option(CheckFormat.text, "--format", help="text (the short answer; --full for every section), json, or the memo to file: markdown, html or docx."),
          as_of: Optional[str] = AsOfOpt, test: Optional[List[str]] = TestOpt, lang: Lang = LangOpt,
          full: bool = FullOpt,
          output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE", help="Write the result to this file instead of standard output (needed for docx on a terminal).")):
    """Evaluate scenario files and explain every outcome: by default the short answer."""
    if output is not None and not output.parent.is_dir():
        raise fail(_t("cli.cannot_write", lang.value, file=str(output), reason=_t("cli.no_folder", lang.value)))
    from creval.render.explain import explain

    scenarios: list = []
    results, invalid = _evaluate_paths(paths, as_of, test, lang, scenarios)
    brief = format is CheckFormat.text and not full  # the short answer: only what it shows is put into words
    _render([explain(r, lang.value, brief) for r in results], format, paths, lang.value, full, scenarios, output)
    raise typer.Exit(EXIT_INVALID if invalid else EXIT_OK)


@app.command()
def verify(paths: List[str] = PathsArg, as_of: Optional[str] = AsOfOpt,
           test: Optional[List[str]] = TestOpt, lang: Lang = LangOpt, full: bool = FullOpt):
    """Evaluate scenarios and compare each outcome with its answer key (`expected`); each mismatch is followed by the test's short answer (--full: every section)."""
    from creval.render import report, short
    from creval.render.explain import explain
    from creval.render.i18n import outcome_shown

    results, invalid = _evaluate_paths(paths, as_of, test, lang)
    passed = failed = skipped = 0
    for result in results:
        if not result.expected:
            skipped += 1
            continue
        if result.mismatches or result.errors:
            failed += 1
        else:
            passed += 1
        if not result.mismatches:  # nothing of it is shown: not put into words
            continue
        result = explain(result, lang.value, brief=not full)
        outcomes = {r.test: r for r in result.results}
        for test_id in result.mismatches:
            got = outcomes[test_id]
            echo(_t("cli.mismatch", lang.value, scenario=result.scenario, file=result.file, test=test_id,
                          expected=outcome_shown(result.expected[test_id], lang.value, _book().tests.get(test_id)),
                          outcome=outcome_shown(got.outcome, lang.value, _book().tests.get(test_id)),
                          explanation=got.explanation))
            details = report.test_text(got, result.expected.get(test_id), lang.value, book=_book())[1:] if full else \
                short.test_lines(got, result.as_of, result.expected.get(test_id), lang.value, _book())
            echo("\n".join("   " + line if line else line for line in details) + "\n", marked_for=lang.value)
    failed += invalid
    # CI parses this last line: it stays English in every language.
    echo(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    raise typer.Exit(EXIT_INVALID if invalid else EXIT_MISMATCH if failed else EXIT_OK)


@rules_app.callback()
def rules_list(ctx: typer.Context, lang: Lang = LangOpt):
    """List the tests with their titles and sources."""
    _State.lang = lang
    if ctx.invoked_subcommand:
        return
    book = _book()
    echo(_t("rules.header", lang.value, digest=book.digest, count=len(book.tests)))
    for test in book.tests.values():
        echo(f"\n{test.id}  [{_t('rules.matter', lang.value, matter=test.matter)}]\n  {test.rule.title.get(lang.value)}")
        for source in test.rule.sources.values():
            echo(f"  - {source.cite(lang.value)}")


@rules_app.command("show")
def rules_show(test_id: str = typer.Argument(..., metavar="ID", help="A test id, as listed by `creval rules`."),
               lang: Optional[Lang] = typer.Option(None, "--lang", envvar="CREVAL_LANG", show_envvar=True, case_sensitive=False, help="Language of the titles and texts: en, ru or kk (any case).")):
    """Print one test: criteria, parameters, outcomes, key dates, sources, notes, caveats."""
    from creval.render.rules_view import describe

    lang = lang or _State.lang
    book = _book()
    if test_id not in book.tests:
        raise fail(_t("cli.unknown_test", lang.value, test=repr(test_id), known=", ".join(book.tests)))
    echo(describe(book.tests[test_id], lang.value))


@rules_app.command("lint")
def rules_lint(folder: Optional[Path] = typer.Argument(None, metavar="DIR", help="A rules folder (default: the rules in use: --rules, CREVAL_RULES, else the bundled ones)."),
               lang: Optional[Lang] = typer.Option(None, "--lang", envvar="CREVAL_LANG", show_envvar=True, case_sensitive=False, help="Language of the findings: en, ru or kk (any case).")):
    """Report what a rule file gets wrong without failing to load: a text without its Russian or Kazakh version, an outcome or value without words of its own, a fact no criterion reads, a fact a criterion depends on but leaves out of `reads` (or lists without depending on it), an outcome no row can give, a parameter nothing reads. Exit status: 0 clean, 1 with findings, 2 when a file cannot be loaded (the message names the file and the key)."""
    from creval.law.rulebook import RuleBook, RuleFileError, default_rules_folder
    from creval.tools import lint

    folder = folder or _State.rules or default_rules_folder()
    try:
        book = RuleBook(folder)  # the files as they are now, not a cached book
    except RuleFileError as exc:
        raise fail(str(exc)) from None
    lang = (lang or _State.lang).value
    findings = lint.check_book(book)
    for finding in findings:
        echo(finding.shown(lang))
    files = len({f.file for f in findings})
    echo(_t("lint.summary", lang, count=len(findings), files=files, total=len(book.tests)) if findings
         else _t("lint.clean", lang, total=len(book.tests)), err=True)  # stdout holds only the findings
    raise typer.Exit(EXIT_MISMATCH if findings else EXIT_OK)


@app.command()
def batch(file: Optional[str] = typer.Argument(None, metavar="FILE", help="A JSON Lines file, one scenario per line; '-' or absent: standard input."),
          workers: Optional[int] = typer.Option(None, "--workers", min=1, metavar="N", help="Processes to use (default: the number of cores)."),
          as_of: Optional[str] = AsOfOpt, test: Optional[List[str]] = TestOpt, lang: Lang = LangOpt,
          law_changes: bool = typer.Option(False, "--law-changes", help="Also the key dates at which a change of the law would change the outcome (law-change-*), as check gives them; off, a batch is faster."),
          oracle: bool = typer.Option(False, "--oracle", hidden=True, help="Decide with the plain-Python oracle (benchmarks).")):
    """JSON Lines in, one result line per input line out, in order; a bad line gives {"line": N, "error": ...}."""
    import gc

    # Start-up (imports, the rule book) makes some 60,000 objects that live as long as the
    # process and almost no garbage (a few hundred objects): collecting meanwhile only re-scanned
    # them, 10-15 ms. So collection is off until they are frozen (left out of every later
    # collection, the worker's gc.collect() among them), and on again whatever happens.
    gc.disable()
    try:
        from creval.tools import batch as batch_mod

        book = _book()  # rule-file errors are reported here, before any worker starts
        from creval.engine import engine  # noqa: F401  and a durable-rules that cannot load: once, not in every worker
        options = batch_mod.Options(
            rules=str(book.folder), as_of=_as_of(as_of), tests=tuple(_tests(book, test) or ()) or None,
            lang=lang.value, name=file if file not in (None, "-") else "<stdin>", oracle=oracle, law_changes=law_changes,
        )
        gc.freeze()
    finally:
        gc.enable()
    try:
        stream = sys.stdin.buffer if file in (None, "-") else open(file, "rb")
    except OSError as exc:
        raise fail(_t("cli.cannot_read", lang.value, file=file, reason=exc.strerror or str(exc))) from None
    out = sys.stdout.buffer

    def emit(data: bytes) -> None:  # at once: a caller may be waiting for this answer before it sends more
        out.write(data)
        out.flush()

    import signal

    # SIGTERM and Ctrl-C end the run at once, with 128 + the signal's number (143, 130); the
    # workers are killed on the way out, and the output holds the results of a prefix of the input
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda signum, frame: sys.exit(128 + signum))
    try:
        with stream:
            stats = batch_mod.run(stream, emit, options, workers or batch_mod.default_workers())
    except RuntimeError as exc:  # batch.pool.BatchAborted among them
        raise fail(f"{file or '<stdin>'}: {exc}") from None
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (| head): stop quietly
        raise typer.Exit(EXIT_OK)
    if stats.replaced:
        echo(f"creval: {_t('batch.workers_replaced', lang.value, count=f'{stats.replaced:,}')}", err=True)
    if stats.errors:
        echo(_t("cli.batch_errors", lang.value, errors=f"{stats.errors:,}", lines=f"{stats.lines:,}"), err=True)
    raise typer.Exit(EXIT_INVALID if stats.errors else EXIT_OK)


@app.command()
def compare(paths: List[str] = PathsArg,
            rules: List[Path] = typer.Option(..., "--rules", metavar="DIR",
                                             help="The old rule folder; given twice, the second is the new one (default: the rules in use)."),
            format: Format = FormatOpt, lang: Lang = LangOpt):
    """Evaluate every scenario under two rule folders and list those whose outcome, missing facts
    or key dates differ, with the criteria that changed and why. Exit status: 0 nothing
    differs, 1 something differs (as diff does), 2 invalid input or usage."""
    from creval.law.rulebook import RuleFileError, load
    from creval.tools import compare as comparing

    if len(rules) > 2:
        raise fail(_t("compare.rules_count", lang.value, count=len(rules)))
    try:
        old_book = load(rules[0])
        new_book = load(rules[1]) if len(rules) == 2 else _book()
    except RuleFileError as exc:
        raise fail(str(exc)) from None
    found = comparing.compare(paths, old_book, new_book, lang.value)
    echo(comparing.FORMATS[format.value](found, lang.value))
    raise typer.Exit(EXIT_MISMATCH if found.changed else EXIT_OK)


class TreatyFormat(str, Enum):
    text = "text"
    json = "json"


@app.command()
def treaties(args: Optional[List[str]] = typer.Argument(None, metavar="[INSTRUMENT [STATE [STATE]]]",
                                                       help="A treaty table (e.g. hague-1980), then one state (its row) or two (the pair), as ISO codes."),
             on: Optional[str] = typer.Option(None, "--on", metavar="DATE", help="With two states: also the answer on this date (YYYY-MM-DD)."),
             format: TreatyFormat = typer.Option(TreatyFormat.text, "--format", help="text or json."),
             lang: Lang = LangOpt):
    """Print the treaty tables: every table; one table's states; a state's row and its
    acceptances; or a pair's status on every stretch of dates, with the rows' sources."""
    from creval.input.scenario import is_state
    from creval.render import treaty_view

    book = _book()
    args = args or []
    instrument, states = (args[0], [code.upper() for code in args[1:]]) if args else (None, [])
    if instrument is not None and instrument not in book.tables:
        raise fail(_t("treaty.cli.unknown_instrument", lang.value, instrument=instrument, known=", ".join(book.tables)))
    if len(states) > 2:
        raise fail(_t("treaty.cli.too_many", lang.value))
    for code in states:  # XX is two letters, but no state's code
        if not is_state(code):
            raise fail(_t("treaty.cli.bad_state", lang.value, state=code))
    when = _as_of(on, lang.value) if on and instrument is not None else None
    echo(treaty_view.FORMATS[format.value](book.tables, instrument, states, lang.value, when))
    raise typer.Exit(EXIT_OK)


@app.command()
def schema():
    """Print the JSON Schema of a scenario file."""
    import json

    from creval.input.scenario import scenario_model

    echo(json.dumps(scenario_model(_book()).model_json_schema(), indent=2, ensure_ascii=False))


@app.command()
def exercise(paths: List[str] = PathsArg,
             answers: Optional[Path] = typer.Option(None, "--answers", metavar="FILE", help="Grade filled-in answer sheets (YAML or JSON: {trainee: NAME, answers: {scenario-id: {test-id: outcome or choice number}}}, or a list of them for a class) without prompts; a sheet with a mistake is named and set aside, the others are graded."),
             record: Optional[Path] = typer.Option(None, "--record", metavar="FILE", help="Add this session's answers and scores to a JSON results file (created if absent)."),
             shuffle: bool = typer.Option(False, "--shuffle", help="Present the scenarios in random order."),
             seed: Optional[int] = typer.Option(None, "--seed", metavar="N", help="Seed of the shuffle, to repeat an order (implies --shuffle)."),
             trainee: Optional[str] = typer.Option(None, "--trainee", metavar="NAME", help="The trainee's name, kept in the results file."),
             sheet: bool = typer.Option(False, "--sheet", help="Print a blank answer sheet for the pack and stop."),
             handout: bool = typer.Option(False, "--handout", help="Print the pack as one HTML page to print (a scenario per page, no answer keys, an answer grid) and stop."),
             csv: Optional[Path] = typer.Option(None, "--csv", metavar="FILE", help="Write the class's answers as CSV, a trainee per row and a question per column: of the sheets graded with --answers, or else of every session in the --record file."),
             lang: Lang = LangOpt):
    """A trainee session: show each scenario (never its answer key), ask each test's outcome, explain, score."""
    from creval.tools.exercise import ExerciseError, run

    try:
        code = run(_book(), paths, answers_file=answers, record=record, shuffle=shuffle, seed=seed, trainee=trainee,
                   sheet=sheet, handout=handout, csv_file=csv, lang=lang.value, out=echo,
                   warn=lambda m: echo(f"creval: {m}", err=True))
    except ExerciseError as exc:
        raise _stop(exc) from None
    raise typer.Exit(code)


class CoverageFormat(str, Enum):
    text = "text"
    json = "json"


@app.command()
def coverage(paths: List[str] = PathsArg,
             format: CoverageFormat = typer.Option(CoverageFormat.text, "--format", help="text or json."),
             test: Optional[List[str]] = TestOpt, lang: Lang = LangOpt):
    """Which outcomes and criterion states (met, unmet, unknown) of each test a pack exercises, and which it misses."""
    from creval.tools import coverage as cov

    results, invalid = _evaluate_paths(paths, None, test, lang)
    book = _book()
    found = cov.coverage(book, results, _tests(book, test), lang.value)
    render, marked = cov.FORMATS[format.value]
    echo(render(found, paths, len(results), book.digest, lang.value), marked_for=lang.value if marked else None)
    raise typer.Exit(EXIT_INVALID if invalid else EXIT_OK)


@app.command()
def twin(file: str = typer.Argument(..., metavar="FILE", help="One scenario file."),
         test: Optional[str] = typer.Option(None, "--test", metavar="ID", help="The test whose key dates the twins sit around (default: the file's only test)."),
         out: Path = typer.Option(Path("."), "--out", metavar="DIR", help="Folder to write the twins in (default: the current folder)."),
         force: bool = typer.Option(False, "--force", help="Overwrite existing files."),
         lang: Lang = LangOpt):
    """Write twin scenarios one day before and on each key date of a test, each with its answer key."""
    from creval.render.i18n import t
    from creval.tools.twin import TwinError, make_twins, only_test, write

    book = _book()
    try:
        test = test or only_test(book, file, lang.value)
        twins = make_twins(book, file, test, out, lang.value, warn=lambda m: echo(f"creval: {m}", err=True))
        if not twins:
            raise TwinError([t("twin.error.none", lang.value, test=test)])
        write(twins, file, test, out, force, lang.value, out=echo)
    except TwinError as exc:
        raise _stop(exc) from None


@app.command()
def ask(names: Optional[List[str]] = typer.Argument(None, metavar="TEST|MATTER", help="The tests to interview for, as listed by `creval rules`, or matters (each of its tests); with --from: default, the file's matters."),
        as_of: Optional[str] = typer.Option(None, "--as-of", metavar="DATE", help="Assessment date (YYYY-MM-DD; default: the --from file's, or today)."),
        save: Optional[Path] = typer.Option(None, "--save", metavar="FILE", help="Write every answer to this scenario file (YAML), which `creval check` accepts and --from resumes."),
        scenario_id: Optional[str] = typer.Option(None, "--id", metavar="ID", help="Scenario id for --save and the result (default: the --from file's, or TEST-interview)."),
        force: bool = typer.Option(False, "--force", help="Let --save overwrite an existing file."),
        from_file: Optional[Path] = typer.Option(None, "--from", metavar="FILE", help="Resume or correct a saved interview (any scenario file): its answers are kept and not asked again."),
        format: Format = typer.Option(Format.text, "--format", help="Result as text, json or markdown (a decision memo)."),
        lang: Lang = LangOpt):
    """Interview: ask for the facts the tests need, one question at a time, until the outcomes are decided; then review the answers.

    Questions go to standard error and the result to standard output, so answers can be piped in, one per line. An empty line, ? or "unknown" means not known; "back" returns to the previous question; the end of input leaves the remaining facts unknown. Ctrl-C stops the interview and keeps the answers given: in the --save file, else in a new file in the current folder (exit status 130).
    """
    import re

    from creval.render.explain import explain
    from creval.render.formats import FORMATS
    from creval.render.i18n import t
    from creval.tools.interview.conversation import converse
    from creval.tools.interview import InterviewError, keep_interrupted, save as save_answers
    from creval.input.scenario import ID_PATTERN

    book = _book()
    when = _as_of(as_of, lang.value)
    if scenario_id is not None and not re.fullmatch(ID_PATTERN, scenario_id):
        raise fail(t("ask.error.id", lang.value, value=scenario_id))
    if save is not None and not save.parent.is_dir():
        raise fail(t("ask.error.save_folder", lang.value, folder=str(save.parent)))
    if save is not None and not force and (save.exists() or save.is_symlink()):  # as `twin`: --force to overwrite
        raise fail(t("ask.error.save_exists", lang.value, file=str(save)))
    try:
        case = _case(book, names or [], from_file, when, lang.value, scenario_id)
    except InterviewError as exc:
        raise fail(str(exc)) from None
    try:
        asked = converse(case, sys.stdin.readline, lambda text, nl: echo(text, err=True, nl=nl),
                         echo_answers=not sys.stdin.isatty())
        result = explain(case.scenario_result(), lang.value)
    except InterviewError as exc:
        raise fail(str(exc)) from None
    except KeyboardInterrupt:  # Ctrl-C: the answers given so far are kept, never discarded
        echo("", err=True)
        echo(keep_interrupted(case, save, force), err=True)
        raise typer.Exit(130) from None
    echo(t("ask.done", lang.value, n=asked, outcome=case.outcomes(result)), err=True)
    if save is not None:
        try:
            save_answers(case, save, overwrite=force)
        except OSError as exc:
            raise fail(t("ask.error.save", lang.value, file=str(save), reason=exc.strerror or str(exc))) from None
        echo(t("ask.saved", lang.value, file=str(save)), err=True)
    # the full report (ask shows every section), a memo without the facts as given (they were just typed)
    content = FORMATS[format.value].render([result], lang.value, book, full=True)
    echo(content, nl=not content.endswith("\n"))


def _case(book, names: List[str], from_file: Optional[Path], when: Optional[date], lang: str, scenario_id: Optional[str]):
    """The interview `ask` runs: for the tests named, or resumed from a file (--from)."""
    from creval.render.i18n import t
    from creval.tools.interview import InterviewError
    from creval.tools.interview.case import CaseInterview, resolve

    tests = resolve(book, names, lang)
    if from_file is not None:
        return CaseInterview.resume(book, from_file, tests, when, lang, scenario_id)
    if not tests:
        raise InterviewError(t("ask.error.nothing", lang))
    return CaseInterview(book, tests, when or date.today(), lang, scenario_id)


@app.command()
def deadlines(paths: List[str] = PathsArg,
              format: Format = typer.Option(Format.text, "--format", help="text (a table), json or markdown."),
              ics: Optional[Path] = typer.Option(None, "--ics", metavar="FILE", help="Also write the dates as an iCalendar file of all-day events."),
              as_of: Optional[str] = AsOfOpt, test: Optional[List[str]] = TestOpt, lang: Lang = LangOpt):
    """The caseworker's calendar: every key date after the assessment date, sorted, with what it changes.

    Columns: date, scenario, test, event, what changes. A key date is left out when the date fact it moves is already stated and not in the future (proceedings already commenced).
    """
    from creval.tools import deadlines as dl
    from creval.render.i18n import t

    book = _book()
    found, errors, valid = dl.collect(book, paths, _as_of(as_of), _tests(book, test), lang.value)
    for error in errors:
        echo(error, err=True)
    if ics is not None:
        try:
            dl.write_ical(found, ics, lang.value)
        except OSError as exc:
            raise fail(t("deadlines.error.ics", lang.value, file=str(ics), reason=exc.strerror or str(exc))) from None
        echo(t("deadlines.ics.written", lang.value, count=sum(not d.last_day_of for d in found), file=str(ics)), err=True)
    if valid or not errors:  # every file invalid: no calendar, not «no key dates after the assessment date»
        echo(dl.FORMATS[format.value](found, lang.value))
    raise typer.Exit(EXIT_INVALID if errors else EXIT_OK)


class Shell(str, Enum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"


COMPLETE_VAR = "_CREVAL_COMPLETE"  # the variable the completion script sets when it calls creval


@app.command()
def completion(shell: Shell = typer.Argument(..., case_sensitive=False, help="bash, zsh or fish.")):
    """Print a shell completion script.

    bash: source <(creval completion bash); zsh: creval completion zsh > "${fpath[1]}/_creval"; fish: creval completion fish > ~/.config/fish/completions/creval.fish
    """
    from typer._completion_shared import get_completion_script

    typer.echo(get_completion_script(prog_name="creval", complete_var=COMPLETE_VAR, shell=shell.value))


@app.command()
def serve(host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0 opens it to a classroom network)."),
          port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on (0: any free port)."),
          db: Optional[Path] = typer.Option(None, "--db", help="The SQLite file that keeps cases and classroom sessions (default: ~/.local/share/creval/serve.sqlite3)."),
          time_limit: float = typer.Option(5.0, "--time-limit", min=0.1, max=600, metavar="SECONDS",
                                           help="Longest one request may evaluate; past it: 504 (or 422 naming the rough dates to narrow)."),
          class_days: float = typer.Option(30.0, "--class-days", min=0.001, max=3650, metavar="DAYS",
                                           help="Remove a classroom, its trainees and answers this many days after it was opened."),
          max_classes: int = typer.Option(200, "--max-classes", min=1, max=100_000,
                                          help="Classrooms kept at once; past it, opening one is refused with the reason."),
          lang: Lang = LangOpt):
    """Start the web server: a case page, a classroom and a JSON API under /api/v1 (OpenAPI at /docs)."""
    import socket
    import sqlite3

    try:
        import uvicorn

        from creval.web import guard
        from creval.web.app import create_app, default_db
    except ImportError as exc:
        raise fail(_t("serve.missing", lang.value, module=exc.name or str(exc))) from None
    db = (db or default_db()).expanduser().resolve()
    _book()  # a bad rule file is reported here, as by every command
    try:
        web_app = create_app(db, _State.rules, time_limit, class_days, max_classes)
    except (sqlite3.Error, OSError) as exc:
        raise fail(_t("serve.db_error", lang.value, db=str(db), reason=str(exc))) from None
    # bind first, so that the address printed is the one listened on (port 0: the one chosen)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        raise fail(f"{host}:{port}: {exc.strerror or exc}") from None
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    echo(_t("serve.listening", lang.value, url=f"http://{shown}:{bound}/", db=str(db)))
    if host not in ("127.0.0.1", "::1", "localhost"):
        echo(_t("serve.open_network", lang.value, host=host), err=True)
    sys.stdout.flush()
    guard.more_files()
    # header, body and keep-alive deadlines; SIGTERM stops evaluations, then the server (web/guard.py)
    guard.Server(guard.config(web_app), on_exit=web_app.state.service.close).run(sockets=[sock])
    web_app.state.service.end_workers()  # one that started while the server stopped


def main() -> None:
    if os.environ.get(COMPLETE_VAR):
        # typer registers its bash, zsh and fish completers only with add_completion=True
        from typer._completion_classes import completion_init

        completion_init()

    from creval.render.streams import OutputLost, guard_stdout, one_line_warnings

    one_line_warnings()
    if not guard_stdout():
        typer.echo(f"creval: {_t('streams.stdout_closed', _argv_lang())}", err=True)
        _exit(EXIT_INVALID)
    try:
        app()
        code = EXIT_OK
    except SystemExit as exc:  # typer always ends this way
        code = exc.code
    except KeyboardInterrupt:
        code = 130
    except OutputLost as exc:
        typer.echo(f"creval: {_t('streams.output_lost', _argv_lang(), reason=exc.reason)}", err=True)
        code = EXIT_INVALID
    except ImportError as exc:
        if exc.name not in _ENGINE_MODULES or os.environ.get("CREVAL_DEBUG"):
            raise
        # durable-rules is compiled on install: missing, or built for another Python (3.13 without the README's CPPFLAGS)
        typer.echo(f"creval: {_t('install.no_engine', _argv_lang(), reason=' '.join(str(exc).split()))}", err=True)
        code = EXIT_INVALID
    except Exception as exc:  # a bug, not bad input: one line unless CREVAL_DEBUG asks for more
        if os.environ.get("CREVAL_DEBUG"):
            raise
        echo(f"creval: internal error: {type(exc).__name__}: {exc} (set CREVAL_DEBUG=1 for details)", err=True)
        code = EXIT_INVALID
    _exit(code)


_ENGINE_MODULES = ("durable", "durable.engine", "durable_rules_engine")


def _argv_lang() -> str:
    """The --lang of the command line, for the few messages given outside a command."""
    args = sys.argv[1:]
    for i, arg in enumerate(args):
        value = args[i + 1] if arg == "--lang" and i + 1 < len(args) else arg.partition("=")[2] if arg.startswith("--lang=") else ""
        if value.lower() in Lang.__members__:  # --lang takes any case
            return value.lower()
    return _env_lang()


def _exit(code) -> None:
    """End the process without tearing the interpreter down.

    Freeing every object of every imported module one by one (pydantic's, typer's) took 40 to
    90 ms of a 300 ms `creval check`. Everything a normal exit does that has an effect outside
    the process still happens: exit handlers run (multiprocessing's among them) and the
    standard streams are flushed. With another thread alive, or a non-numeric code (which
    Python prints), the exit is the normal one."""
    import threading

    if not (code is None or isinstance(code, int)) or threading.active_count() > 1:
        sys.exit(code)
    import atexit

    from creval.render.streams import OutputLost

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):  # a closed stream (or none): nothing more to say
            pass
        except OutputLost as exc:  # results still buffered could not be written
            typer.echo(f"creval: {_t('streams.output_lost', _argv_lang(), reason=exc.reason)}", err=True)
            code = EXIT_INVALID if code in (None, EXIT_OK, EXIT_MISMATCH) else code
    os._exit(code or 0)
