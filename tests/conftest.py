"""Shared fixtures.

The loader and CLI tests pin their own rules folder, a copy of the Hague 1980 rule (matter
`abduction`) and the treaty tables, so that the messages they assert (known matters, known
tests) do not change when a rule file is added. Nothing here is autouse: a test module opts
in (see `abduction_rules`); the other tests use the bundled rules.
"""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

import pytest
from helpers import copy_rules

REPO = Path(__file__).resolve().parents[1]

# Several tests press Ctrl-C (SIGINT) on a creval process. A shell without job control starts
# `pytest &` with SIGINT ignored, every child inherits that, and Python then never raises
# KeyboardInterrupt: those tests would fail for how pytest was started. Children of a process
# with a handler get the default disposition back on exec.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
HAGUE = "hague-abduction-return"


@pytest.fixture(scope="session")
def abduction_rules_dir(tmp_path_factory) -> Path:
    """A rules folder holding only hague-abduction-return.yaml and rules/data."""
    return copy_rules(tmp_path_factory.mktemp("rules-abduction"), [HAGUE])


@pytest.fixture(scope="session")
def twin_rules_dir(tmp_path_factory) -> Path:
    """The same, plus a second test on the same matter (`hague-abduction-twin`), so that
    `--test` has something to leave out."""
    folder = tmp_path_factory.mktemp("rules-twin")
    text = (REPO / "rules" / f"{HAGUE}.yaml").read_text(encoding="utf-8")
    (folder / f"{HAGUE}.yaml").write_text(text, encoding="utf-8")
    twin = text.replace(f"id: {HAGUE}\n", "id: hague-abduction-twin\n", 1)
    assert twin != text
    (folder / "hague-abduction-twin.yaml").write_text(twin, encoding="utf-8")
    shutil.copytree(REPO / "rules" / "data", folder / "data")
    return folder


@pytest.fixture
def abduction_rules(abduction_rules_dir, monkeypatch) -> Path:
    """Point creval (in-process and in subprocesses) at the pinned abduction rules."""
    monkeypatch.setenv("CREVAL_RULES", str(abduction_rules_dir))
    return abduction_rules_dir


@pytest.fixture
def book(abduction_rules_dir):
    from creval.law.rulebook import load

    return load(abduction_rules_dir)
