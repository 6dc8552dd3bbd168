"""`creval batch`: JSON Lines in, JSON Lines out, in input order, streaming.

Each input line is one scenario object; each output line is the result object of
`check --format json` for it, or `{"line": N, "error": "..."}` when the line cannot be read,
is not a valid scenario, or the engine fails on it. The count of lines out always equals
the count of lines in.

Memory stays flat: lines are read lazily, a line longer than MAX_LINE_BYTES is skipped
without being stored, and with several workers at most IN_FLIGHT chunks per worker are
queued at any time (Pool.imap would read the whole input ahead), and workers send their
output back already encoded. Workers are started with `forkserver` (`spawn` where there is
none), never `fork` (the parent has threads by then): the server imports creval once, every
worker forks from it, and an initializer loads the rule book and builds one Evaluator, so
each ruleset is compiled once per process. A worker that dies costs only its line.
Limits: docs/limits.md.
"""

from __future__ import annotations

import gc
import json
import os
from collections import deque
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Callable, Iterator, Optional

import orjson

from creval.output.i18n import tr
from creval.input.loader import Refused, decode_utf8, parse_json, validate

MAX_LINE_BYTES = 1_000_000  # one scenario per line; the same bound as a scenario file
CHUNK_LINES = 250  # lines sent to a worker at a time
IN_FLIGHT = 3  # chunks queued per worker; bounds memory whatever the input length
_READ = 65_536
MAX_CRASHES = 20  # worker processes that may die in one run before it is abandoned


@dataclass(frozen=True)
class Options:
    rules: Optional[str] = None  # rules folder; None: the default
    as_of: Optional[date] = None
    tests: Optional[tuple[str, ...]] = None
    lang: str = "en"
    name: str = "<stdin>"  # shown in each result's `file`, with the line number
    oracle: bool = False  # decide with the plain-Python oracle (benchmarks, cross-checks)


@dataclass
class Stats:
    lines: int = 0
    errors: int = 0


# One line as read: (number, text bytes without the line end, or None with a reason).
Line = tuple[int, Optional[bytes], Optional[str]]


def read_lines(stream: IO[bytes], limit: int = MAX_LINE_BYTES) -> Iterator[Line]:
    """Lines of a binary stream, numbered from 1, never holding more than `limit` bytes of one.

    A line over the limit is drained unstored and reported. A last line without a newline
    counts; an empty input has no lines.
    """
    number = 0
    while True:
        raw = stream.readline(limit + 1)
        if not raw:
            return
        number += 1
        if len(raw) > limit and not raw.endswith(b"\n"):
            size = len(raw)
            while True:  # skip the rest of the line, a block at a time
                part = stream.readline(_READ)
                size += len(part)
                if not part or part.endswith(b"\n"):
                    size -= part.endswith(b"\n")  # the limit counts the line, not its newline
                    break
            yield number, None, f"line is {size:,} bytes; the limit is {limit:,}"
            continue
        yield number, raw.rstrip(b"\n").rstrip(b"\r"), None


class Worker:
    """Turns lines into output lines; one per process, with its own engine."""

    def __init__(self, options: Options):
        from creval.law import rulebook
        from creval.engine.evaluate import Evaluator

        self.options = options
        self.book = rulebook.load(Path(options.rules) if options.rules else None)
        decide = None
        if options.oracle:
            from creval.engine import oracle

            tests = self.book.tests
            decide = lambda test_id, values: oracle.decide(tests[test_id], values)  # noqa: E731
        self.evaluator = Evaluator(self.book, decide)
        self.tests = list(options.tests) if options.tests else None
        gc.collect()
        gc.freeze()  # the rule book and compiled rules live as long as the process: stop re-scanning them

    def line(self, number: int, data: Optional[bytes], problem: Optional[str]) -> tuple[bytes, bool]:
        """The output line for one input line, as UTF-8 JSON, and whether it is an error."""
        if problem is None:
            try:
                problem, result = self._evaluate(number, data)
            except Exception as exc:  # never let one line stop the run
                problem = f"internal error: {type(exc).__name__}: {exc}"
            if problem is None:
                return _encode(result), False
        return _error_line(number, problem), True

    def _evaluate(self, number: int, data: bytes):
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
        result = self.evaluator.scenario(loaded.scenario, name, self.tests, self.options.lang)
        if result.errors:
            return "; ".join(result.errors), None
        return None, result.to_json()

    def chunk(self, lines: list[Line]) -> tuple[bytes, int]:
        """Output lines of a chunk, each ending in a newline, as UTF-8; and the count of errors."""
        out, errors = [], 0
        for number, data, problem in lines:
            text, bad = self.line(number, data, problem)
            out.append(text)
            errors += bad
        out.append(b"")
        return _one_line_each(b"\n".join(out)), errors


# U+0085, U+2028 and U+2029 are valid inside JSON strings, but many readers (Python's
# str.splitlines among them) take them for line ends: they are escaped, so one line stays one.
# UTF-8 is self-synchronising: these byte sequences encode nothing else.
_LINE_ENDS = ((b"\xc2\x85", b"\\u0085"), (b"\xe2\x80\xa8", b"\\u2028"), (b"\xe2\x80\xa9", b"\\u2029"))


def _one_line_each(data: bytes) -> bytes:
    for raw, escaped in _LINE_ENDS:
        # the last byte alone first: a one-byte search is a memchr, fifty times faster than a
        # three-byte one over a chunk, and English output seldom holds such a byte at all
        if raw[-1:] in data and raw in data:
            data = data.replace(raw, escaped)
    return data


_stdlib_encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def _encode(result: dict) -> bytes:
    """One result as a line of UTF-8 JSON (orjson: the stdlib encoder was a sixth of batch time)."""
    try:
        return orjson.dumps(result)
    except orjson.JSONEncodeError:  # e.g. a lone surrogate in a title: the stdlib escapes it
        # backslashreplace: a lone surrogate becomes a JSON escape
        return _stdlib_encode(result).encode("utf-8", "backslashreplace")


def _error_line(number: int, problem: str) -> bytes:
    return json.dumps({"line": number, "error": _one_line(problem)}, ensure_ascii=False).encode("utf-8", "backslashreplace")


def _one_line(text: str) -> str:
    return " ".join(text.split("\n")).replace("\r", " ")


def _chunks(lines: Iterator[Line], size: int) -> Iterator[list[Line]]:
    chunk: list[Line] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --- worker processes -------------------------------------------------------------------

_WORKER: Optional[Worker] = None


def _init(options: Options) -> None:
    global _WORKER
    _WORKER = Worker(options)


def _run_chunk(lines: list[Line]) -> tuple[bytes, int]:
    assert _WORKER is not None
    return _WORKER.chunk(lines)


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def run(stream: IO[bytes], write: Callable[[bytes], object], options: Options, workers: int = 1,
        chunk_lines: int = CHUNK_LINES, task: Callable = None) -> Stats:
    """Evaluate every line of `stream`; `write` gets the output lines, UTF-8, in order, a chunk at a time."""
    stats = Stats()
    chunks = _chunks(read_lines(stream), chunk_lines)
    if workers <= 1:
        worker = Worker(options)
        for chunk in chunks:
            data, errors = worker.chunk(chunk)
            write(data)
            stats.lines += len(chunk)
            stats.errors += errors
        return stats
    with _Pool(options, workers, task or _run_chunk) as pool:
        pending: deque = deque()

        def drain_one() -> None:
            chunk, future = pending.popleft()
            data, errors = pool.result(chunk, future, pending)
            write(data)
            stats.lines += len(chunk)
            stats.errors += errors

        for chunk in chunks:
            pending.append((chunk, pool.submit(chunk)))
            if len(pending) >= workers * IN_FLIGHT:
                drain_one()
        while pending:
            drain_one()
    return stats


_PRELOAD = ("creval.tools.batch", "creval.engine.evaluate")  # and all they import: the loader, the engine, durable


class _Pool:
    """A process pool that survives a worker's death (a crash in the C engine).

    When a worker dies, the pool is rebuilt, the queued chunks are sent again, and the chunk
    being waited for is re-run one line at a time, so that only the line that kills a worker
    gets an error.
    """

    def __init__(self, options: Options, workers: int, task: Callable):
        import multiprocessing

        methods = multiprocessing.get_all_start_methods()
        self.context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if "forkserver" in methods:
            # the server imports these once, and every worker forked from it starts with them
            self.context.set_forkserver_preload(list(_PRELOAD))
        self.options, self.workers, self.task = options, workers, task
        self.crashes = 0
        self.executor = self._start(workers)

    def _start(self, workers: int):
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(workers, mp_context=self.context, initializer=_init, initargs=(self.options,))

    def __enter__(self) -> "_Pool":
        return self

    def __exit__(self, *exc) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)

    def submit(self, chunk: list[Line]):
        return self.executor.submit(self.task, chunk)

    def result(self, chunk: list[Line], future, pending: deque) -> tuple[bytes, int]:
        from concurrent.futures.process import BrokenProcessPool

        try:
            return future.result()
        except BrokenProcessPool:
            pass
        self.executor.shutdown(wait=True, cancel_futures=True)
        text, errors = self._isolate(chunk)
        self.executor = self._start(self.workers)
        for i, (queued, _) in enumerate(pending):
            pending[i] = (queued, self.submit(queued))
        return text, errors

    def _isolate(self, chunk: list[Line]) -> tuple[bytes, int]:
        from concurrent.futures.process import BrokenProcessPool

        executor = self._start(1)
        out, errors = [], 0
        try:
            for line in chunk:
                try:
                    text, bad = executor.submit(self.task, [line]).result()
                except BrokenProcessPool:
                    executor.shutdown(wait=True)
                    executor = self._start(1)
                    self.crashes += 1
                    if self.crashes > MAX_CRASHES:
                        raise RuntimeError(f"worker processes died {self.crashes} times; giving up") from None
                    text, bad = _one_line_each(_error_line(line[0], "the engine process crashed on this scenario") + b"\n"), 1
                out.append(text)
                errors += bad
        finally:
            executor.shutdown(wait=True)
        return b"".join(out), errors
