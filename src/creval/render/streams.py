"""The standard streams of the `creval` command, made to fail in one clear line.

- Standard output that cannot take the results (closed, a reader gone as in `| head -0`, a
  full disk as in `> /dev/full`) raises OutputLost, which the command reports on one line
  with exit status 2. Left alone, typer turns a closed pipe into exit status 1, which is
  `verify`'s "mismatch", and any other write error into an "internal error".
- Python warnings (a library's deprecation notice, say) take one line on standard error
  instead of two or more; libraries' DeprecationWarnings are not shown at all.
"""

from __future__ import annotations

import io
import sys
import warnings

__all__ = ["OutputLost", "guard_stdout", "one_line_warnings"]


class OutputLost(Exception):
    """Standard output could not be written. Not an OSError, so that typer lets it through."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class _GuardedFile(io.FileIO):
    """File descriptor 1, whose first write error becomes OutputLost. Later writes are
    dropped: the loss has been reported once, and the final flush must not report it again."""

    lost = False

    def write(self, data) -> int:
        if self.lost:
            return len(data)
        try:
            return super().write(data)
        except OSError as exc:
            self.lost = True
            raise OutputLost(exc.strerror or str(exc)) from None


def guard_stdout() -> bool:
    """Route sys.stdout through _GuardedFile; False when there is no standard output at all
    (`creval check x >&-`: Python then sets sys.stdout to None and prints would vanish)."""
    old = sys.stdout
    if old is None:
        return False
    try:
        fd = old.fileno()
    except (OSError, ValueError, AttributeError):  # not a real file (a test's capture): leave it
        return True
    raw = _GuardedFile(fd, "wb", closefd=False)
    sys.stdout = io.TextIOWrapper(io.BufferedWriter(raw), encoding=old.encoding, errors=old.errors,
                                  line_buffering=old.line_buffering, write_through=getattr(old, "write_through", False))
    return True


def one_line_warnings() -> None:
    """Each warning as one line on standard error; libraries' deprecation notices hidden
    (they are for creval's developers, who see them in the test suite, not for its users).
    An explicit -W option or PYTHONWARNINGS still decides which warnings are shown."""
    if not sys.warnoptions:
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", PendingDeprecationWarning)
    warnings.formatwarning = _one_line


def _one_line(message, category, filename, lineno, line=None) -> str:
    text = " ".join(str(message).split())
    return f"creval: warning: {category.__name__}: {text} ({filename}:{lineno})\n"
