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
batch_pool.Pool: a worker that dies or stalls is replaced, and costs no line unless the line
itself kills workers. Limits: docs/limits.md.
"""

from __future__ import annotations

import gc
import json
import os
import select
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
    replaced: int = 0  # worker processes that died or stalled and were replaced


# One line as read: (number, text bytes without the line end, or None with a reason).
Line = tuple[int, Optional[bytes], Optional[str]]


class Lines:
    """Splits bytes, as they arrive, into numbered lines, never holding more than `limit` bytes of one.

    A line over the limit is counted and dropped as it streams past, then reported. A last line
    without a newline counts; an empty input has no lines.
    """

    def __init__(self, limit: int = MAX_LINE_BYTES):
        self.limit = limit
        self.number = 0
        self.tail = b""  # the start of a line whose end has not arrived
        self.overlong: Optional[int] = None  # bytes so far of a line over the limit, being skipped

    def feed(self, data: bytes) -> list[Line]:
        out: list[Line] = []
        if self.overlong is not None:
            end = data.find(b"\n")
            if end < 0:
                self.overlong += len(data)
                return out
            out.append(self._too_long(self.overlong + end))
            data = data[end + 1:]
        parts = (self.tail + data).split(b"\n") if self.tail else data.split(b"\n")
        self.tail = parts.pop()
        for part in parts:
            self.number += 1
            out.append(self._too_long(len(part)) if len(part) > self.limit else (self.number, part.rstrip(b"\r"), None))
        if len(self.tail) > self.limit:
            self.number += 1
            self.overlong, self.tail = len(self.tail), b""
        return out

    def end(self) -> list[Line]:
        if self.overlong is not None:
            return [self._too_long(self.overlong)]
        if self.tail:
            self.number += 1
            tail, self.tail = self.tail, b""
            return [(self.number, tail.rstrip(b"\r"), None)]
        return []

    def _too_long(self, size: int) -> Line:
        self.overlong = None
        return self.number, None, f"line is {size:,} bytes; the limit is {self.limit:,}"


class Source:
    """The input, read as it arrives: a read returns the lines that are complete, and `ready()`
    says, without waiting, whether there is more to read now (for a stream without a file
    descriptor, such as BytesIO, always)."""

    def __init__(self, stream: IO[bytes], limit: int = MAX_LINE_BYTES):
        self.stream = stream
        try:
            self.fd: Optional[int] = stream.fileno()
        except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is an OSError
            self.fd = None
        self.lines = Lines(limit)
        self.eof = False

    def ready(self) -> bool:
        if self.fd is None or self.eof:
            return True
        return bool(select.select([self.fd], [], [], 0)[0])

    def read(self) -> list[Line]:
        """One read (which waits when nothing has arrived yet) and the lines it completes."""
        if self.fd is not None:
            while True:
                try:
                    data = os.read(self.fd, _READ)  # the file descriptor itself: a buffered reader would wait for more
                    break
                except BlockingIOError:  # a caller may hand over a non-blocking pipe
                    select.select([self.fd], [], [])
        else:
            data = self.stream.read1(_READ) if hasattr(self.stream, "read1") else self.stream.read(_READ)
        if data:
            return self.lines.feed(data)
        self.eof = True
        return self.lines.end()


def read_lines(stream: IO[bytes], limit: int = MAX_LINE_BYTES) -> Iterator[Line]:
    """Every line of a binary stream, numbered from 1 (see Lines)."""
    source = Source(stream, limit)
    while not source.eof:
        yield from source.read()


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


def error_output(number: int, problem: str) -> bytes:
    """A whole output line, newline included, saying that line `number` gave no result."""
    return _one_line_each(_error_line(number, problem) + b"\n")


def _error_line(number: int, problem: str) -> bytes:
    return json.dumps({"line": number, "error": _one_line(problem)}, ensure_ascii=False).encode("utf-8", "backslashreplace")


def _one_line(text: str) -> str:
    return " ".join(text.split("\n")).replace("\r", " ")


# --- worker processes -------------------------------------------------------------------

_WORKER: Optional[Worker] = None


def _init(options: Options) -> None:
    global _WORKER
    from creval.output.streams import one_line_warnings

    one_line_warnings()  # as in the main process: a worker is started without its settings
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
        chunk_lines: int = CHUNK_LINES, task: Callable = None, init: Callable = None,
        stall: Optional[float] = None) -> Stats:
    """Evaluate every line of `stream`; `write` gets the output lines, UTF-8, in order, a chunk at a time.

    Results are written as soon as they are known whenever the input pauses, so that a program
    that sends a line and waits for its answer gets it. With one worker the lines are evaluated
    in this process; with more, in a batch_pool.Pool of processes (`task` replaces what a worker
    does with a chunk, and `init` how it starts, for tests; `stall` is the watchdog's limit in
    seconds, batch_pool.stall_seconds() when None).
    """
    stats = Stats()
    source = Source(stream)
    if workers <= 1:
        worker = Worker(options)
        for chunk in _chunks(source, chunk_lines):
            data, errors = worker.chunk(chunk)
            write(data)
            stats.lines += len(chunk)
            stats.errors += errors
        return stats
    from creval.tools.batch_pool import Pool

    with Pool(options, workers, task or _run_chunk, init or _init, chunk_lines, IN_FLIGHT, stall) as pool:
        pool.run(source, write, stats)
    return stats


def _chunks(source: Source, size: int) -> Iterator[list[Line]]:
    """Chunks of `size` lines; a shorter one whenever the input pauses, and at its end."""
    chunk: list[Line] = []
    while not source.eof:
        if chunk and not source.ready():
            yield chunk
            chunk = []
        chunk.extend(source.read())  # waits only when there is nothing to evaluate
        while len(chunk) >= size:
            yield chunk[:size]
            del chunk[:size]
    if chunk:
        yield chunk
