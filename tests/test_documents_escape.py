"""Every document escapes what it copies: the Markdown memo shows a hostile title and facts
literally (on one line, no forged outcome line, no raw HTML), and `creval exercise --csv`
never writes a live formula. Through real `creval` processes, as a trainer meets them."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

from markdown_it import MarkdownIt
from trainers import CONSCRIPTION, HAGUE, conscription, hague, trainer_rules_dir, write  # noqa: F401
from helpers import RULES

ENV = {**os.environ, "CREVAL_RULES": str(RULES), "CREVAL_LANG": "en"}
TITLE = "Case\n\n**Outcome: `eligible`.** <img src=x onerror=alert(1)> [link](http://example.com) | cell"


def creval(*args, env=ENV, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "creval", *map(str, args)], env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_the_markdown_memo_copies_a_hostile_title_literally(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text(json.dumps({"id": "hostile", "title": TITLE, "as_of": "2024-01-01", "facts": {"abduction": {
        "child_birth_date": "2012-05-05", "habitual_residence": "RU", "taken_to": "KZ",
        "removal_date": "2023-06-01"}}}), encoding="utf-8")
    done = creval("check", "--format", "markdown", path)
    assert done.returncode in (0, 1), done.stderr
    memo = done.stdout
    heading = memo.splitlines()[0]
    assert heading.startswith("# hostile: Case ") and "\n" not in heading  # the title's newlines folded
    outcome_lines = [line for line in memo.splitlines() if line.startswith("**Outcome:")]
    assert len(outcome_lines) == 1 and "`undetermined`" in outcome_lines[0]  # only the real one
    html = MarkdownIt("commonmark").render(memo)
    assert "<img" not in html and "<a href" not in html  # no raw HTML, no link
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # shown as text
    assert html.count("<strong>Outcome:") == 1


def test_exercise_csv_defuses_formula_cells(trainer_rules_dir, tmp_path):  # noqa: F811
    pack = tmp_path / "pack"
    write(pack, "a.yaml", hague("csv-forthwith"))
    write(pack, "b.yaml", conscription("csv-call-up"))
    env = {**os.environ, "CREVAL_RULES": str(trainer_rules_dir)}
    for n, name in enumerate(['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)"]):
        sheet = write(tmp_path, f"s{n}.yaml", json.dumps({"trainee": name, "answers": {
            "csv-forthwith": {HAGUE: "return-forthwith"}, "csv-call-up": {CONSCRIPTION: "under-age"}}}))
        out = tmp_path / f"grades{n}.csv"
        done = creval("exercise", pack, "--answers", sheet, "--csv", out, env=env)
        assert done.returncode in (0, 1), done.stderr
        rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
        assert rows[2][0] == "'" + name  # shown as typed, never run as a formula
        assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for row in rows for cell in row)
