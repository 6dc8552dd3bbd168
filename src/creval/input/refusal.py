"""A scenario document refused while it is read, and the bounds both readers (JSON in
loader, YAML in yamldoc) keep. Limits: docs/limits.md."""

from __future__ import annotations

__all__ = ["MAX_DEPTH", "MAX_NODES", "Refused"]

MAX_DEPTH = 20  # nesting of mappings and lists
# keys, values, lists and mappings in one document. A scenario holds a few dozen; the
# pure-Python YAML parser takes about 60 us per value, so a 999 KB list of 250,000 values
# took 30 s and 729 MB to build: counting from the event stream stops it after 10,000.
MAX_NODES = 10_000


class Refused(Exception):
    def __init__(self, message: str, line: int | None = None, field: str | None = None):
        super().__init__(message)
        self.line = line
        self.field = field
