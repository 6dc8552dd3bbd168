"""`creval batch`: JSON Lines in, JSON Lines out, in input order, streaming.

Each input line is one scenario object; each output line is the result object of
`check --format json` for it, or `{"line": N, "error": "..."}` when the line cannot be read,
is not a valid scenario, or the engine fails on it. The count of lines out always equals
the count of lines in.

Memory stays flat: lines are read as they arrive, a line longer than MAX_LINE_BYTES is
skipped without being stored, and with several workers at most IN_FLIGHT chunks per worker
are read ahead of the output; workers send their output back already encoded. Whenever the
input pauses, what has been read is evaluated and written at once, so a program can send a
line and wait for its answer. With several workers, the processes are managed by
pool.Pool: a worker that dies or stalls is replaced, and costs no line unless the line
itself kills workers. Limits: docs/limits.md.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import IO, Callable, Optional

from creval.app.evaluation import evaluate
from creval.core.text import tr
from creval.engine import oracle
from creval.engine.evaluate import Evaluator
from creval.input.loader import Refused, decode_utf8, parse_json, validate
from creval.law import rulebook
from creval.render.explain import explain, words_memo
from creval.render.streams import one_line_warnings
from creval.tools.batch.lines import (CHUNK_LINES, IN_FLIGHT, Line, Options, Source, Stats, chunks, encode, error_line,
                                      one_line_each)

__all__ = ["Worker", "default_workers", "init_worker", "run", "run_chunk"]


class Worker:
    """Turns lines into output lines; one per process, with its own engine."""

    def __init__(self, options: Options):
        self.options = options
        self.book = rulebook.load(Path(options.rules) if options.rules else None)
        decide = None
        if options.oracle:
            tests = self.book.tests
            decide = lambda test_id, values: oracle.decide(tests[test_id], values)  # noqa: E731
        self.evaluator = Evaluator(self.book, decide, options.law_changes)
        self.tests = list(options.tests) if options.tests else None
        self.words = words_memo()  # the words of values already written, for every line
        gc.collect()  # quick in `creval batch`, which froze what its start-up made (15-25 ms to scan)
        gc.freeze()  # the rule book and compiled rules live as long as the process: stop re-scanning them

    def line(self, number: int, data: Optional[bytes], problem: Optional[str]) -> tuple[bytes, bool]:
        """The output line for one input line, as UTF-8 JSON, and whether it is an error."""
        if problem is None:
            try:
                problem, result = self._evaluate(number, data)
            except Exception as exc:  # never let one line stop the run
                problem = f"internal error: {type(exc).__name__}: {exc}"
            if problem is None:
                return encode(result), False
        return error_line(number, problem), True

    def _evaluate(self, number: int, data: bytes):
        if number == 1:  # a byte-order mark, as some editors write, starts the input, not the scenario
            data = data.removeprefix(b"\xef\xbb\xbf")
        if not data.strip():
            return "empty line: expected one scenario object", None
        try:
            doc = parse_json(decode_utf8(data))
        except Refused as exc:
            message = tr(exc.args[0], self.options.lang)
            return (f"{exc.field}: {message}" if exc.field else message), None
        name = f"{self.options.name}:{number}"
        loaded = validate(doc, name, self.book, self.options.as_of, self.options.lang)
        if loaded.errors:
            return "; ".join(f"{e.field}: {e.message}" if e.field else e.message for e in loaded.errors), None
        evaluated = evaluate(self.evaluator, loaded.scenario, name, self.tests)
        if evaluated.bug is not None:  # the line's own error, in the words batch has always used
            raise evaluated.bug
        if evaluated.errors:
            return "; ".join(evaluated.messages(self.options.lang)), None
        return None, explain(evaluated.result, self.options.lang, False, self.words).to_json()  # (result, lang, brief, memo)

    def chunk(self, lines: list[Line]) -> tuple[bytes, int]:
        """Output lines of a chunk, each ending in a newline, as UTF-8; and the count of errors."""
        out, errors = [], 0
        for number, data, problem in lines:
            text, bad = self.line(number, data, problem)
            out.append(text)
            errors += bad
        out.append(b"")
        return one_line_each(b"\n".join(out)), errors


# --- worker processes -------------------------------------------------------------------

_WORKER: Optional[Worker] = None


def init_worker(options: Options) -> None:
    global _WORKER
    # what the worker was forked with (the modules the pool's server imported) lives as long as
    # it does: frozen, the collection in Worker() scans only the rule book (15-25 ms less a worker)
    gc.freeze()
    one_line_warnings()  # as in the main process: a worker is started without its settings
    _WORKER = Worker(options)


def run_chunk(lines: list[Line]) -> tuple[bytes, int]:
    assert _WORKER is not None
    return _WORKER.chunk(lines)


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def run(stream: IO[bytes], write: Callable[[bytes], object], options: Options, workers: int = 1,
        chunk_lines: int = CHUNK_LINES, task: Callable = None, init: Callable = None,
        stall: Optional[float] = None) -> Stats:
    """Evaluate every line of `stream`; `write` gets the output lines, UTF-8, in order, a chunk at a time.

    Results are written as soon as they are known whenever the input pauses, so that a program
    that sends a line and waits for its answer gets it. With one worker the lines are evaluated
    in this process; with more, in a pool.Pool of processes (`task` replaces what a worker
    does with a chunk, and `init` how it starts, for tests; `stall` is the watchdog's limit in
    seconds, pool.stall_seconds() when None).
    """
    stats = Stats()
    source = Source(stream)
    if workers <= 1:
        worker = Worker(options)
        for chunk in chunks(source, chunk_lines):
            data, errors = worker.chunk(chunk)
            write(data)
            stats.lines += len(chunk)
            stats.errors += errors
        return stats
    from creval.tools.batch.pool import Pool  # here: one worker needs none of it (pickle alone is 3-5 ms of a start)

    with Pool(options, workers, task or run_chunk, init or init_worker, chunk_lines, IN_FLIGHT, stall) as pool:
        pool.run(source, write, stats)
    return stats


