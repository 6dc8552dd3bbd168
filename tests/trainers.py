"""Shared pieces of the trainer-command tests (exercise, coverage, twin).

Other engineers edit `rules/` while tests run, so these tests pin a copy of the two rule files
they use (Hague 1980 and conscription), the treaty tables and the message catalogue, taken
when the session starts, and point CREVAL_RULES at it. Scenario packs are written into
tmp_path, so that edits to `scenarios/` cannot break them either.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from creval.cli import app
from helpers import copy_rules

REPO = Path(__file__).resolve().parents[1]
HAGUE = "hague-abduction-return"
CONSCRIPTION = "conscription"
HAGUE_OUTCOMES = ["not-applicable", "undetermined", "access-only", "return-may-be-refused", "return-forthwith",
                  "return-unless-settled"]
CONSCRIPTION_OUTCOMES = ["not-subject", "under-age", "over-age", "undetermined", "subject-to-conscription"]


def hague(id: str, *, title: str = "Girl taken from Almaty to Novosibirsk", narrative: str = "",
          expected: str | None = None, **facts) -> str:
    """A Hague scenario; by default: removal 2025-06-15, proceedings 2025-07-01 -> return-forthwith."""
    values = dict(child_birth_date="2017-08-03", habitual_residence="KZ", taken_to="RU", removal_date="2025-06-15",
                  proceedings_date="2025-07-01", left_behind_right="custody", rights_exercised="true")
    values.update(facts)
    lines = [f"id: {id}", f"title: {title}", "as_of: 2025-09-01"]
    if narrative:
        lines.append(f"narrative: {narrative}")
    lines += ["facts:", "  abduction:"] + [f"    {k}: {v}" for k, v in values.items() if v is not None]
    if expected:
        lines += ["expected:", f"  {HAGUE}: {expected}"]
    return "\n".join(lines) + "\n"


def conscription(id: str, *, birth: str = "2008-04-15", expected: str | None = None, narrative: str = "") -> str:
    """A male Kazakhstan citizen, assessed on 2026-04-15 (by default his 18th birthday)."""
    lines = [f"id: {id}", "title: Call-up considered", "as_of: 2026-04-15"]
    if narrative:
        lines.append(f"narrative: {narrative}")
    lines += ["facts:", "  conscription:", f"    birth_date: {birth}", "    sex: male", "    citizenship: KZ"]
    if expected:
        lines += ["expected:", f"  {CONSCRIPTION}: {expected}"]
    return "\n".join(lines) + "\n"


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def trainer_rules_dir(tmp_path_factory) -> Path:
    return copy_rules(tmp_path_factory.mktemp("rules-trainers"), [HAGUE, CONSCRIPTION])


@pytest.fixture
def trainer_rules(trainer_rules_dir, monkeypatch) -> Path:
    monkeypatch.setenv("CREVAL_RULES", str(trainer_rules_dir))
    return trainer_rules_dir


@pytest.fixture
def run(trainer_rules):
    runner = CliRunner()

    def invoke(*args, input: str | None = None):
        result = runner.invoke(app, [str(a) for a in args], input=input)
        # a crash inside the app is a test failure, never an expected outcome
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert "Traceback" not in result.stdout + result.stderr
        return result

    return invoke
