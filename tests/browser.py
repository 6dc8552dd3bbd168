"""Helpers for the browser tests and the screenshot script: a `creval serve` process on a free
loopback port, and Debian's Chromium driven by Playwright (launched by its path; the browser
Playwright would download is never used)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("CREVAL_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`creval serve` in a subprocess; `restart()` stops it and starts it again on the same port and file."""

    def __init__(self, db: Path, port: int | None = None, rules: Path = REPO / "rules", options: tuple = ()):
        self.db, self.port, self.rules, self.options = db, port or free_port(), rules, tuple(options)
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Server":
        log = self.db.with_suffix(".log")
        with log.open("a") as errors:  # a file, not a pipe: nobody drains it while the tests run
            self.process = subprocess.Popen(
                [sys.executable, "-m", "creval", "--rules", str(self.rules), "serve", "--port", str(self.port), "--db", str(self.db),
                 *self.options],
                stdout=subprocess.PIPE, stderr=errors, text=True)
        first = self.process.stdout.readline()
        assert f"{self.url}/" in first, first + log.read_text()
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(self.url + "/api/v1/rules", timeout=2).read()
                return self
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


def launch(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
