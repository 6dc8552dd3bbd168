"""Rough answers (a year, a month, a range) everywhere a date goes, as a person meets them:
`ask --save` keeps them in the form given, `ask --from` reads them back, and the review, the
memos (Markdown, HTML, DOCX), the twin and the exercise show them in words, never as
`DateRange(...)`. Each through a real `creval` process."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from datetime import date

import pytest
from helpers import REPO, RULES

from creval.core.dates import DateRange, as_saved, parse_date_fact
from creval.input.scenario import FIRST_DATE, LAST_DATE, parse_iso_date
from creval.render.words import date_range as rough_date

HAGUE = "hague-abduction-return"
MONTH_SCENARIO = REPO / "scenarios" / "ranged" / "removal-month-near-one-year.yaml"
ENV = {**os.environ, "CREVAL_RULES": str(RULES), "CREVAL_LANG": "en"}


def creval(*args, stdin: str = "", cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "creval", *map(str, args)], input=stdin, env=ENV, cwd=cwd,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("lang, words", [
    ("en", "some day in January 2026"), ("ru", "в январе 2026 г."), ("kk", "2026 жылғы қаңтарда")])
def test_a_month_in_words(lang, words):
    assert rough_date(DateRange(date(2026, 1, 1), date(2026, 1, 31)), lang) == words


@pytest.mark.parametrize("given", [2010, "2024-02", {"from": "2024-06-01", "to": "2024-06-14"},
                                   {"from": "1800-01-01", "to": "2025-03-31"}])
def test_a_rough_date_is_saved_as_given_and_read_back(given):
    parsed = parse_date_fact(given, exact=parse_iso_date, first=FIRST_DATE, last=LAST_DATE)
    assert as_saved(parsed) == given
    assert parse_date_fact(as_saved(parsed), exact=parse_iso_date, first=FIRST_DATE, last=LAST_DATE) == parsed


def test_ask_save_keeps_a_year_answer(tmp_path):
    saved = tmp_path / "case.yaml"
    done = creval("ask", HAGUE, "--as-of", "2024-01-01", "--save", saved, stdin="2010\n" + "\n" * 12)
    assert done.returncode == 0, done.stderr
    assert "DateRange" not in done.stderr + done.stdout
    assert "1. the child's date of birth: some day in 2010" in done.stderr  # the review
    assert "    child_birth_date: 2010\n" in saved.read_text(encoding="utf-8")
    checked = creval("check", "--format", "json", saved)
    assert checked.returncode == 0, checked.stderr
    assert '"child_birth_date"' in checked.stdout


@pytest.mark.parametrize("lang, words", [("en", "some day in June 2024"), ("ru", "в июне 2024 г.")])
def test_ask_from_a_month_only_file_saves_and_resumes(tmp_path, lang, words):
    saved = tmp_path / "again.yaml"
    done = creval("ask", "--from", MONTH_SCENARIO, "--save", saved, "--lang", lang, stdin="\n" * 8)
    assert done.returncode == 0, done.stderr
    assert words in done.stderr and "DateRange" not in done.stderr
    text = saved.read_text(encoding="utf-8")
    assert '    removal_date: "2024-06"\n' in text
    again = creval("ask", "--from", saved, "--save", saved, "--force", stdin="\n" * 8)
    assert again.returncode == 0, again.stderr
    assert saved.read_text(encoding="utf-8").count('removal_date: "2024-06"') == 1
    verified = creval("verify", saved)  # the answer key the file carries still holds
    assert verified.returncode == 0, verified.stdout + verified.stderr


@pytest.mark.parametrize("fmt", ["markdown", "html"])
@pytest.mark.parametrize("lang, words", [("en", "some day in June 2024"), ("ru", "в июне 2024 г."),
                                         ("kk", "2024 жылғы маусымда")])
def test_memos_show_a_rough_date_in_words(fmt, lang, words):
    done = creval("check", "--format", fmt, "--lang", lang, MONTH_SCENARIO)
    assert done.returncode in (0, 1), done.stderr
    assert words in done.stdout
    assert "DateRange" not in done.stdout


def test_the_docx_memo_shows_a_rough_date_in_words(tmp_path):
    out = tmp_path / "memo.docx"
    done = creval("check", "--format", "docx", "-o", out, MONTH_SCENARIO)
    assert done.returncode in (0, 1), done.stderr
    body = zipfile.ZipFile(out).read("word/document.xml").decode()
    assert "some day in June 2024" in body and "DateRange" not in body


@pytest.mark.parametrize("given, expected", [
    ("не позднее 2025-03-31", DateRange(FIRST_DATE, date(2025, 3, 31))),
    ("Не ранее 2025-03-31", DateRange(date(2025, 3, 31), LAST_DATE)),
    ("2025-03-31 кешіктірмей", DateRange(FIRST_DATE, date(2025, 3, 31))),
    ("2025-03-31 ерте емес", DateRange(date(2025, 3, 31), LAST_DATE)),
])
def test_the_open_ends_the_russian_and_kazakh_hints_name_are_taken(given, expected):
    # The ask hint reads «before 2024-06-01 (не позднее)»; «не позднее 2015-06-01» was refused
    # with «Это не дата в виде ГГГГ-ММ-ДД».
    assert parse_date_fact(given, exact=parse_iso_date, first=FIRST_DATE, last=LAST_DATE) == expected


def test_ask_in_russian_takes_not_later_than():
    done = creval("ask", "hague-abduction-return", "--lang", "ru", "--as-of", "2026-12-01", "--format", "json",
                  stdin="не позднее 2015-06-01\n\n\n\n\n\n\n\n\n\n")
    assert done.returncode == 0, done.stderr
    assert "Это не дата" not in done.stderr
    assert "не позднее 1 июня 2015" in done.stderr.replace("\u00a0", " ") or "2015-06-01" in done.stdout
    with pytest.raises(ValueError):  # «до» alone stays refused: whether it includes the day is not clear
        parse_date_fact("до 2015-06-01", exact=parse_iso_date, first=FIRST_DATE, last=LAST_DATE)
