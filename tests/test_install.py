"""What the README promises about installing creval, checked against the files that do it.

The install itself is exercised by `.ci/run`, which runs the README's test command on Python
3.11 and 3.13 in fresh venvs; these tests keep the README, pyproject.toml and `.ci/run` in step.
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
FLAG = "CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject pip install --no-cache-dir"


def section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start:end if end != -1 else None]


def test_setup_has_exactly_two_commands_and_both_build_durable_for_python_3_13():
    blocks = re.findall(r"```bash\n(.*?)```", section("Set up"), re.S)
    assert len(blocks) == 2
    for block in blocks:
        [command] = block.strip().splitlines()
        assert command.startswith("python3 -m venv .venv && . .venv/bin/activate && ")
        assert FLAG in command


def test_setup_names_the_compiler_for_each_system():
    text = section("Set up")
    for needed in ("apt-get install build-essential python3-dev", "dnf install gcc python3-devel",
                   "xcode-select --install", "3.11, 3.12 and 3.13"):
        assert needed in text


def test_requires_python_is_what_ci_tests():
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^requires-python = ">=3\.11,<3\.14"$', pyproject, re.M)
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "find_python 3.11" in ci and "find_python 3.13" in ci
    assert "CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject" in ci and "--no-cache-dir '.[test]'" in ci


def test_commands_table_is_one_table_with_every_command():
    table = section("Commands").split("\n\n")[1]  # the first paragraph after the heading
    rows = table.splitlines()
    assert rows[0] == "| command | does |" and all(row.startswith("|") for row in rows)
    commands = {re.match(r"\| `creval ([\w-]+)", row).group(1) for row in rows[2:]}
    assert commands >= {"check", "verify", "rules", "schema", "batch", "exercise", "coverage", "twin", "ask", "deadlines"}


def test_nothing_shipped_points_to_the_project_workspace():
    for path in [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        assert "shared/" not in text, f"{path.relative_to(REPO)} mentions shared/"
    assert "docs/legal-notes.md" in section("Legal caveats")
    notes = (REPO / "docs" / "legal-notes.md").read_text(encoding="utf-8")
    assert all(f"| {label} |" in notes for label in ("CONFIRMED", "LIKELY", "NOT FOUND"))
