"""`creval batch`'s lines: options and counts, input read as it arrives in numbered lines and
chunks, and output lines (one JSON object per line, whatever the text holds).

Shared by the batch run (run.py), its worker pool (pool.py) and the web API's batch endpoint.
"""

from __future__ import annotations

import json
import os
import select
from dataclasses import dataclass
from datetime import date
from typing import IO, Iterator, Optional

import orjson

__all__ = ["CHUNK_LINES", "IN_FLIGHT", "MAX_LINE_BYTES", "Line", "Lines", "Options", "Source", "Stats", "chunks", "encode",
           "error_line", "error_output", "one_line_each", "read_lines"]

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
    law_changes: bool = True  # key dates at which a change of law would change the outcome (`--law-changes`)


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


def chunks(source: Source, size: int) -> Iterator[list[Line]]:
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


# U+0085, U+2028 and U+2029 are valid inside JSON strings, but many readers (Python's
# str.splitlines among them) take them for line ends: they are escaped, so one line stays one.
# UTF-8 is self-synchronising: these byte sequences encode nothing else.
_LINE_ENDS = ((b"\xc2\x85", b"\\u0085"), (b"\xe2\x80\xa8", b"\\u2028"), (b"\xe2\x80\xa9", b"\\u2029"))


def one_line_each(data: bytes) -> bytes:
    for raw, escaped in _LINE_ENDS:
        # the last byte alone first: a one-byte search is a memchr, fifty times faster than a
        # three-byte one over a chunk, and English output seldom holds such a byte at all
        if raw[-1:] in data and raw in data:
            data = data.replace(raw, escaped)
    return data


_stdlib_encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def encode(result: dict) -> bytes:
    """One result as a line of UTF-8 JSON (orjson: the stdlib encoder was a sixth of batch time)."""
    try:
        return orjson.dumps(result)
    except orjson.JSONEncodeError:  # e.g. a lone surrogate in a title: the stdlib escapes it
        # backslashreplace: a lone surrogate becomes a JSON escape
        return _stdlib_encode(result).encode("utf-8", "backslashreplace")


def error_output(number: int, problem: str) -> bytes:
    """A whole output line, newline included, saying that line `number` gave no result."""
    return one_line_each(error_line(number, problem) + b"\n")


def error_line(number: int, problem: str) -> bytes:
    return json.dumps({"line": number, "error": _one_line(problem)}, ensure_ascii=False).encode("utf-8", "backslashreplace")


def _one_line(text: str) -> str:
    return " ".join(text.split("\n")).replace("\r", " ")
