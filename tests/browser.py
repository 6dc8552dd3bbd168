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


# ---- axe-core (from the npm registry) and screenshots

AXE_VERSION = "4"  # the major version the checks were written for
AXE_CACHE = Path(os.environ.get("CREVAL_AXE_CACHE", Path.home() / ".cache" / "creval-tests" / "axe"))
ARTEFACTS = Path(os.environ.get("CREVAL_ARTEFACTS", REPO / "tmp" / "artefacts"))


def axe_script() -> tuple[str | None, str]:
    """axe.min.js, installed with npm into AXE_CACHE on first use (.ci/run installs it
    beforehand); (None, the reason) where npm is not available or the install fails."""
    path = AXE_CACHE / "node_modules" / "axe-core" / "axe.min.js"
    if not path.exists():
        import shutil

        npm = shutil.which("npm")
        if npm is None:
            return None, "npm is not installed: axe-core cannot be fetched from the npm registry (apt-get install npm)"
        AXE_CACHE.mkdir(parents=True, exist_ok=True)
        done = subprocess.run([npm, "install", "--prefix", str(AXE_CACHE), "--no-audit", "--no-fund", "--silent",
                               f"axe-core@{AXE_VERSION}"], capture_output=True, text=True, timeout=300)
        if done.returncode != 0 or not path.exists():
            return None, f"npm install axe-core failed: {(done.stderr or done.stdout).strip()[:300]}"
    return path.read_text(encoding="utf-8"), ""


def axe_violations(page, script: str) -> list[dict]:
    """The serious and critical axe-core violations of the page as loaded (WCAG 2.1 A and AA
    and best practices), each with the elements it was found on."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=script)  # the context bypasses the page's CSP for this
    found = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
    }""")
    return [v for v in found if v["impact"] in ("serious", "critical")]


def screenshot(page, name: str) -> Path:
    """A full-page PNG under ARTEFACTS (not committed: tmp/ is ignored), for people to look at."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def overflows(page) -> int:
    """How many pixels the page is wider than its viewport (0: nothing runs off the right edge)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
