"""The memo a caseworker files, driven through `creval check` as a person would, in en, ru
and kk: the facts as given in words, the missing facts as questions, the stamp; as Markdown,
as one self-contained HTML page that prints well, and as a Word document read back with
python-docx."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from creval.cli import app

REPO = Path(__file__).resolve().parents[1]
CASE = REPO / "scenarios" / "multi" / "abduction-to-germany-and-maintenance.yaml"
PAROLE = REPO / "scenarios" / "parole" / "offence-unknown.yaml"
LANGS = ("en", "ru", "kk")

# the facts of CASE in words: (title start, value) by language
FACTS = {
    "en": [("The child's date of birth", "2014-10-22"), ("The state of habitual residence", "Kazakhstan (KZ)"),
           ("The state where the child now is", "Germany (DE)"), ("The left-behind parent's right", "custody"),
           ("Whether those rights were actually exercised", "yes")],
    "ru": [("Дата рождения ребёнка", "2014-10-22"), ("Государство постоянного проживания", "Казахстан (KZ)"),
           ("Государство, в котором ребёнок находится сейчас", "Германия (DE)"), ("Право оставленного родителя", "опека"),
           ("Осуществлялись ли эти права", "да")],
    "kk": [("Баланың туған күні", "2014-10-22"), ("Әкетуге дейін бала тұрақты тұрған мемлекет", "Қазақстан (KZ)"),
           ("Бала қазір жүрген мемлекет", "Германия (DE)"), ("Баласы әкетілген ата-ананың құқығы", "қамқорлық"),
           ("Бұл құқықтар сол кезде нақты жүзеге асырылды ма", "иә")],
}
HEADINGS = {"en": "Facts as given", "ru": "Факты, как они указаны", "kk": "Көрсетілген фактілер"}
STAMP = {"en": "Rules digest", "ru": "Хеш правил", "kk": "Ережелер хеші"}


@pytest.fixture(autouse=True)
def _bundled_rules(monkeypatch):
    monkeypatch.delenv("CREVAL_RULES", raising=False)


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def questions(path: Path, lang: str) -> list[str]:
    """The rule files' questions for the facts the result says are missing."""
    import json

    from creval.law.rulebook import load

    book = load()
    doc = json.loads(run("check", "--format", "json", path).stdout)
    return [book.tests[r["test"]].rule.facts[m].question.get(lang) for r in doc["results"] for m in r["missing"]]


def facts_shown(text: str, lang: str) -> None:
    flat = " ".join(text.split())
    for title, value in FACTS[lang]:
        assert re.search(re.escape(title) + r"[^|\n]*?[:|]\s*" + re.escape(value), flat) or \
            (title in flat and value in flat), (title, value)
    assert HEADINGS[lang] in flat
    assert "taken_to" not in flat.split(HEADINGS[lang])[1].split("##")[0]  # words, not codes


@pytest.mark.parametrize("lang", LANGS)
def test_markdown_memo_restates_the_facts_and_asks_what_is_missing(lang):
    result = run("check", "--format", "markdown", "--lang", lang, CASE)
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    section = text.split(f"## {HEADINGS[lang]}")[1].split("\n## ")[0]
    for title, value in FACTS[lang]:
        assert any(line.startswith(f"- {title}") and line.endswith(f": {value}") for line in section.splitlines()), (title, value)
    for q in questions(CASE, lang):
        assert f"- {q} (`" in text
    assert STAMP[lang] in text


def test_markdown_memo_shows_a_term_in_words(tmp_path):
    text = run("check", "--format", "markdown", "--lang", "ru", PAROLE).stdout
    assert "Срок лишения свободы (годы, месяцы, дни): 6 лет, 0 мес., 0 дн." in text
    for q in questions(PAROLE, "ru"):
        assert q in text


@pytest.mark.parametrize("lang", LANGS)
def test_html_memo_is_one_self_contained_page_that_prints(lang):
    result = run("check", "--format", "html", "--lang", lang, CASE)
    assert result.exit_code == 0, result.stderr
    page = result.stdout
    assert page.startswith("<!DOCTYPE html>")
    assert f'<html lang="{lang}">' in page
    assert "<style>" in page and "@media print" in page
    assert not re.search(r"""(src|href)\s*=|<script|<link|@import|url\(""", page)  # nothing fetched
    import html as html_mod

    facts_shown(html_mod.unescape(re.sub(r"<[^>]+>", " ", page)), lang)
    for q in questions(CASE, lang):
        assert html_mod.escape(q) in page
    assert STAMP[lang] in page


def test_html_escapes_what_the_scenario_says(tmp_path):
    hostile = tmp_path / "x.yaml"
    hostile.write_text(CASE.read_text(encoding="utf-8").replace(
        "\n  en: ", "\n  en: <script>alert(1)</script> & ", 1), encoding="utf-8")  # the title's English
    page = run("check", "--format", "html", hostile).stdout
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in page


def docx_text(data: bytes) -> tuple[str, list]:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts), document


@pytest.mark.parametrize("lang", LANGS)
def test_docx_memo_written_with_output_reads_back(tmp_path, lang):
    out = tmp_path / f"memo-{lang}.docx"
    result = run("check", "--format", "docx", "--lang", lang, "--output", out, CASE)
    assert result.exit_code == 0, result.stderr
    assert str(out) in result.stderr and result.stdout == ""
    text, document = docx_text(out.read_bytes())
    assert document.core_properties.language == lang
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert HEADINGS[lang] in headings
    facts_shown(text, lang)
    for q in questions(CASE, lang):
        assert q in text
    assert STAMP[lang] in text and "sha256:" in text


def test_docx_is_never_written_to_a_terminal_but_may_be_piped(tmp_path):
    from test_cli_conventions import on_a_terminal

    shown = on_a_terminal(["check", "--format", "docx", str(CASE)], {})
    assert "creval: a docx document is not written to a terminal: give --output FILE" in shown
    assert "PK" not in shown
    piped = subprocess.run([sys.executable, "-m", "creval", "check", "--format", "docx", str(CASE)],
                           capture_output=True, timeout=120,
                           env={k: v for k, v in os.environ.items() if k != "CREVAL_RULES"})
    assert piped.returncode == 0 and piped.stdout[:2] == b"PK"
    text, _ = docx_text(piped.stdout)
    assert "Facts as given" in text


def test_output_to_a_missing_folder_is_one_line_exit_2(tmp_path):
    result = run("check", "--format", "docx", "--output", tmp_path / "no" / "m.docx", CASE)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"creval: cannot write {tmp_path / 'no' / 'm.docx'}: no such folder"
