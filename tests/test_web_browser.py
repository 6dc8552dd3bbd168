"""`creval serve` in a real browser: Playwright driving Debian's Chromium (launched by its path).

- the case page in Russian and in Kazakh: the form from the rule file, the answer with its
  missing facts as questions, the SVG timeline, the memo and scenario downloads;
- a classroom: a trainer and three trainees, each in a separate browser context, with the
  server restarted in the middle of the session (nothing is lost).

Skipped, with the reason, when /usr/bin/chromium (or CREVAL_CHROMIUM) or the playwright
package is absent. `.ci/run` installs chromium with apt-get.
"""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.request

import pytest

from browser import CHROMIUM, REPO, Server, launch
from creval.render.i18n import outcome_label, t

playwright_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed (pip install '.[test]')")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}: apt-get install chromium (or set CREVAL_CHROMIUM)")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = Server(tmp_path_factory.mktemp("serve") / "state.sqlite3").start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        chromium = launch(p)
        yield chromium
        chromium.close()


def test_case_page_in_russian_with_timeline_memo_and_scenario(server, browser, tmp_path):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(server.url + "/?lang=ru")
    assert page.locator("h1").inner_text() == t("web.index.title", "ru")
    page.click('a[data-test="hague-abduction-return"]')
    page.fill('input[name="id"]', "arman")
    page.fill('input[name="as_of"]', "2026-05-19")
    page.fill('input[name="f.child_birth_date"]', "2010-05-20")
    page.fill('input[name="f.habitual_residence"]', "ru")
    page.fill('input[name="f.taken_to"]', "KZ")
    page.fill('input[name="f.removal_date"]', "2025-11-10")
    page.fill('input[name="f.proceedings_date"]', "2026-02-02")
    page.select_option('select[name="f.left_behind_right"]', "custody")
    page.select_option('select[name="f.rights_exercised"]', "true")
    page.click('button[type="submit"]')

    outcome = page.locator('[data-outcome]')
    assert outcome.get_attribute("data-outcome") == "return-forthwith"
    assert outcome.inner_text() == outcome_label("", "return-forthwith", "ru")
    assert not page.locator("details").first.evaluate("d => d.open")  # criteria one click away
    page.locator("details summary").first.click()
    assert page.locator("table.criteria tr.status-met").count() >= 4
    assert page.locator("ul.assumptions li").count() >= 1  # the defences not stated: assumed not established

    # the timeline: the case's three dates above the line, the law's key dates below, today marked
    svg = page.locator("svg.timeline")
    assert svg.locator("g.point.fact").count() == 3
    key_dates = svg.locator("g.point.key")
    assert key_dates.count() >= 2
    assert "2026-05-20" in [key_dates.nth(i).get_attribute("data-date") for i in range(key_dates.count())]  # the 16th birthday
    assert svg.locator("g.mark.today").count() == 1 and svg.locator("g.mark.as_of").count() == 1
    assert page.locator("ol.timeline-legend li").count() == svg.locator("g.point").count()

    with page.expect_download() as memo_download:
        page.click('[data-download="memo"]')
    memo = memo_download.value
    assert memo.suggested_filename == "arman-memo.md"
    text = open(memo.path(), encoding="utf-8").read()
    assert t("memo.title", "ru") in text and "`return-forthwith`" in text

    with page.expect_download() as yaml_download:
        page.click('[data-download="yaml"]')
    saved = tmp_path / "arman.yaml"
    yaml_download.value.save_as(saved)
    request = urllib.request.Request(server.url + "/api/v1/check", data=saved.read_bytes(), headers={"content-type": "application/yaml"})
    assert json.loads(urllib.request.urlopen(request).read())["results"][0]["outcome"] == "return-forthwith"
    context.close()


def test_case_page_in_kazakh_asks_for_the_missing_facts(server, browser):
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.url + "/case/parole-three-quarters")
    page.click('a[hreflang="kk"]')  # switch the language on the form itself
    assert page.locator("html").get_attribute("lang") == "kk"
    assert [s.strip() for s in page.locator('[data-fact="term"] .term label').all_inner_texts()] == [t(f"web.term.{p}", "kk") for p in ("years", "months", "days")]
    page.select_option('select[name="f.offence"]', "sexual_offence_against_minor")
    page.select_option('select[name="f.offender_was_minor"]', "false")
    page.fill('input[name="f.term.years"]', "4")
    page.click('button[type="submit"]')  # the start of the sentence left unknown

    assert page.locator("[data-outcome]").get_attribute("data-outcome") == "undetermined"
    assert page.locator("[data-outcome]").inner_text() == outcome_label("", "undetermined", "kk")
    assert page.locator('[data-missing="sentence_start"]').inner_text() == "Жаза мерзімі қашан басталды?"
    assert page.locator("h3", has_text=t("web.result.questions", "kk")).count() == 1

    # a wrong value comes back at its field, with the loader's message, in Kazakh
    page.goto(server.url + "/case/work-with-children-ban")
    page.fill('input[name="f.ban_years"]', "30")
    page.click('button[type="submit"]')
    field = page.locator('.field.invalid[data-fact="ban_years"]')
    assert field.count() == 1 and "30" in field.locator(".error").inner_text()
    assert page.locator("p.error").inner_text() == t("web.form.has_errors", "kk")
    context.close()


def _join(browser, server, code: str, name: str, lang: str):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server.url}/class?lang={lang}")
    page.fill('form.join input[name="code"]', code.lower())
    page.fill('form.join input[name="name"]', name)
    page.click('form.join button')
    page.wait_for_url(re.compile(r"/play"))
    return context, page


def _answer(page, question: str, choice: str) -> None:
    block = page.locator(f'.question[data-question="{question}"]')
    block.locator(f'input[value="{choice}"]').check()
    block.locator("button").click()
    page.wait_for_load_state()


def test_classroom_with_a_trainer_three_trainees_and_a_restart(server, browser):
    trainer_context = browser.new_context(accept_downloads=True)
    trainer = trainer_context.new_page()
    trainer.goto(server.url + "/class?lang=en")
    trainer.select_option('form.open select[name="pack"]', "military")
    trainer.click("form.open button")
    trainer.wait_for_url(re.compile(r"/trainer$"))
    code = trainer.locator(".join-code").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{6}", code)

    first_file = sorted((REPO / "scenarios" / "military").glob("*.yaml"))[0]
    request = urllib.request.Request(server.url + "/api/v1/check", data=first_file.read_bytes(), headers={"content-type": "application/yaml"})
    engine = json.loads(urllib.request.urlopen(request).read())
    question = f"{engine['scenario']}/child-military-involvement"
    right = engine["results"][0]["outcome"]
    wrong = next(o for o in ("prohibited", "not-prohibited", "undetermined") if o != right)

    people = [_join(browser, server, code, name, lang) for name, lang in (("Aigerim", "ru"), ("Bolat", "kk"), ("Dana", "en"))]
    (_, aigerim), (_, bolat), (_, dana) = people
    assert "expected" not in aigerim.content() and engine["scenario"] in aigerim.content()
    assert aigerim.locator(".story").count() == 7
    _answer(aigerim, question, right)
    _answer(bolat, question, wrong)

    panel = trainer.locator(f'#panel .question[data-question="{question}"]')
    panel.locator('.rate[data-total="2"]').wait_for()  # live: the panel polls
    assert trainer.locator("table.trainees tbody tr").count() == 3

    server.restart()  # mid-session: sessions, names, answers and keys are in the SQLite file

    _answer(dana, question, right)  # a page loaded before the restart still posts (same CSRF secret)
    aigerim.reload()
    assert aigerim.locator(f'.question[data-question="{question}"] input[value="{right}"]').is_checked()
    assert "Bolat" not in aigerim.content() and "Dana" not in aigerim.content()
    panel.locator('.rate[data-total="3"][data-right="2"]').wait_for()
    assert panel.locator(f'g.bar.right[data-choice="{right}"]').get_attribute("data-count") == "2"
    assert panel.locator(f'g.bar[data-choice="{wrong}"]').get_attribute("data-count") == "1"

    panel.locator(f'button[data-reveal="{question}"]').click()
    trainer.wait_for_url(re.compile(r"/trainer$"))
    assert panel.locator(".revealed").count() == 1
    # each trainee's page reloads itself on the reveal and shows the engine's explanation
    explanation = engine["results"][0]["explanation"]
    dana.locator(f'.question[data-question="{question}"] .verdict.right').wait_for()
    assert explanation in dana.locator(f'.question[data-question="{question}"]').inner_text()
    bolat.locator(f'.question[data-question="{question}"] .verdict.wrong').wait_for()
    assert t("web.class.you_wrong", "kk", answer=outcome_label("", wrong, "kk")) in bolat.content()

    with trainer.expect_download() as exported:
        trainer.click('[data-download="csv"]')
    rows = list(csv.DictReader(io.StringIO(open(exported.value.path(), encoding="utf-8").read())))
    assert sorted((r["trainee"], r["answer"], r["correct"]) for r in rows) == sorted(
        [("Aigerim", right, "true"), ("Bolat", wrong, "false"), ("Dana", right, "true")])
    for context, _ in people:
        context.close()
    trainer_context.close()
