#!/usr/bin/env python3
"""Make the README's screenshots of `creval serve`: the case page, the interview on a phone
and the trainer's page.

    docs/screenshots/make.py          # writes docs/screenshots/*.png (needs /usr/bin/chromium)

Starts a server on a free loopback port with a throw-away state file, fills in a case in
Russian, runs a small classroom (three trainees) and photographs the pages with Chromium.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
VENV_PYTHON = REPO / ".venv" / "bin" / "python"
try:
    import creval  # noqa: F401
except ImportError:  # run with the project's virtual environment when started from outside it
    if VENV_PYTHON.exists() and Path(sys.executable) != VENV_PYTHON:
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), __file__, *sys.argv[1:]])
    sys.exit("make.py: creval is not importable; activate the virtual environment")
sys.path.insert(0, str(REPO / "tests"))

from playwright.sync_api import sync_playwright  # noqa: E402

from browser import Server, launch  # noqa: E402

VIEW = {"width": 1100, "height": 900}


def case_page(browser, url: str, lang: str, out: Path) -> None:
    page = browser.new_page(viewport=VIEW)
    page.goto(f"{url}/case/hague-abduction-return?lang={lang}")
    for name, value in (("id", "arman"), ("title", "Arman, Omsk → Pavlodar"), ("as_of", "2026-05-19"),
                        ("f.child_birth_date", "2010-05-20"), ("f.habitual_residence", "RU"), ("f.taken_to", "KZ"),
                        ("f.removal_date", "2025-11-10"), ("f.proceedings_date", "2026-02-02")):
        page.fill(f'[name="{name}"]', value)
    page.select_option('select[name="f.left_behind_right"]', "custody")
    page.select_option('select[name="f.rights_exercised"]', "true")
    page.click('button[type="submit"]')
    page.wait_for_selector("svg.timeline")
    page.screenshot(path=str(out), full_page=True)
    page.close()


def interview_page(browser, url: str, out: Path) -> None:
    """The interview in Russian at a phone's width, at its third question."""
    page = browser.new_page(viewport={"width": 390, "height": 760})
    page.goto(f"{url}/ask/hague-abduction-return?lang=ru&as_of=2026-05-19")
    for answer in ("2010-05", "Российская Федерация (RU)"):
        page.fill("#answer", answer)
        with page.expect_navigation():
            page.keyboard.press("Enter")
    page.screenshot(path=str(out))
    page.close()


def trainer_page(browser, url: str, out: Path) -> None:
    trainer = browser.new_context(viewport=VIEW).new_page()
    trainer.goto(f"{url}/class?lang=en")
    trainer.select_option('form.open select[name="pack"]', "military")
    trainer.click("form.open button")
    code = trainer.locator(".join-code").inner_text()
    questions = trainer.locator("#panel .question").evaluate_all("els => els.map(e => e.dataset.question)")
    picks = {"Aigerim": ["prohibited", "prohibited", "not-prohibited"], "Bolat": ["not-prohibited", "prohibited", "prohibited"],
             "Dana": ["prohibited", "undetermined", "not-prohibited"]}
    for name, answers in picks.items():
        page = browser.new_context(viewport=VIEW).new_page()
        page.goto(f"{url}/class")
        page.fill('form.join input[name="code"]', code)
        page.fill('form.join input[name="name"]', name)
        page.click("form.join button")
        for question, answer in zip(questions, answers):
            block = page.locator(f'.question[data-question="{question}"]')
            block.locator(f'input[value="{answer}"]').check()
            block.locator("button").click()
            page.wait_for_load_state()
    trainer.locator(f'#panel button[data-reveal="{questions[0]}"]').click()
    trainer.wait_for_selector("#panel .revealed")
    trainer.screenshot(path=str(out), full_page=True, clip={"x": 0, "y": 0, "width": VIEW["width"], "height": 1300})


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(Path(tmp) / "state.sqlite3").start()
        try:
            with sync_playwright() as p:
                browser = launch(p)
                case_page(browser, server.url, "ru", HERE / "case-page-ru.png")
                case_page(browser, server.url, "en", HERE / "case-page.png")
                interview_page(browser, server.url, HERE / "interview-ru-phone.png")
                trainer_page(browser, server.url, HERE / "trainer-page.png")
                browser.close()
        finally:
            server.stop()
    for name in ("case-page.png", "case-page-ru.png", "interview-ru-phone.png", "trainer-page.png"):
        print(HERE / name)


if __name__ == "__main__":
    main()
