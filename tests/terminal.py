"""A terminal for tests that drive `creval ask` as a person would: the program runs in a
pseudo-terminal (standard input, output and error all on it), the test waits for what a
person would read, then types. Only the standard library (os.openpty, select, subprocess).
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time

TIMEOUT = 60  # seconds to wait for one piece of text (a cold start compiles every ruleset)


class Terminal:
    def __init__(self, *args: str, env: dict | None = None, cwd=None):
        master, slave = os.openpty()
        self.proc = subprocess.Popen([sys.executable, "-m", "creval", *map(str, args)], stdin=slave, stdout=slave,
                                     stderr=slave, env=env, cwd=cwd, close_fds=True, start_new_session=True)
        os.close(slave)
        self.master = master
        self.raw = b""
        self.seen = 0  # how much of the screen the test has read (expect moves it on)

    @property
    def text(self) -> str:
        """Everything on the screen so far, with the terminal's \\r\\n as \\n."""
        return self.raw.decode("utf-8", "replace").replace("\r\n", "\n")

    def _read(self, deadline: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            return False
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: the program has ended and closed the terminal
            chunk = b""
        if not chunk:
            return False
        self.raw += chunk
        return True

    def expect(self, wanted: str, timeout: float = TIMEOUT) -> str:
        """Wait until `wanted` appears after what was read before; the text up to it."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.text
            at = text.find(wanted, self.seen)
            if at >= 0:
                before, self.seen = text[self.seen:at], at + len(wanted)
                return before
            if not self._read(deadline):
                raise AssertionError(f"never saw {wanted!r}; the screen ended with:\n{text[-1500:]}")

    def type(self, line: str) -> None:
        """Type a line and press Enter (the prompt is waited for first)."""
        self.expect("> ")
        self.send(line)

    def send(self, line: str) -> None:
        """Type a line and press Enter, without waiting for a prompt."""
        os.write(self.master, (line + "\n").encode("utf-8"))

    def answer(self, question: str, line: str) -> None:
        """Wait for a question, then answer it."""
        self.expect(question)
        self.type(line)

    def close(self) -> None:
        """End the program if it still runs (a test that failed half-way) and free the terminal."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.master is not None:
            os.close(self.master)
            self.master = None

    def finish(self, timeout: float = TIMEOUT) -> tuple[int, str]:
        """Read to the end; the exit status and the whole screen."""
        deadline = time.monotonic() + timeout
        while self._read(deadline):
            pass
        try:
            code = self.proc.wait(timeout=max(1.0, deadline - time.monotonic()))
        finally:
            os.close(self.master)
            self.master = None
        return code, self.text
