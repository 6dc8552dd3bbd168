"""`creval ask --save`: an existing file is refused unless --force (as `twin`), and Ctrl-C keeps
the answers given so far. Ctrl-C is a real SIGINT to a real process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import copy_rules

HAGUE = "hague-abduction-return"
AS_OF = "2026-03-01"


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    rules = copy_rules(tmp_path_factory.mktemp("rules-ask-save"), [HAGUE])
    return {**os.environ, "CREVAL_RULES": str(rules)}


def ask(*args) -> list[str]:
    return [sys.executable, "-m", "creval", "ask", HAGUE, "--as-of", AS_OF, *map(str, args)]


def interrupted(env: dict, cwd: Path, *args, answers: list[str]) -> tuple[int, str]:
    """Answer the first questions, then press Ctrl-C at the next prompt (SIGINT, as a
    terminal sends it); the exit status and standard error."""
    proc = subprocess.Popen(ask(*args), cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        seen, deadline = b"", time.monotonic() + 120
        for n, answer in enumerate(answers + [None], 1):
            while f"({n}) ".encode() not in seen or not seen.endswith(b"> "):
                assert time.monotonic() < deadline, seen.decode(errors="replace")
                chunk = os.read(proc.stderr.fileno(), 65536)
                assert chunk, seen.decode(errors="replace")
                seen += chunk
            if answer is not None:
                proc.stdin.write(f"{answer}\n".encode())
                proc.stdin.flush()
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    return proc.returncode, (seen + err).decode()


def test_an_existing_file_is_refused_without_force(env, tmp_path):
    out = tmp_path / "case.yaml"
    out.write_text("mine\n", encoding="utf-8")
    done = subprocess.run(ask("--save", out), input="2015-04-02\n", env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr == f"creval: --save: {out} exists; give --force to overwrite it\n"
    assert out.read_text(encoding="utf-8") == "mine\n"  # refused before the first question
    done = subprocess.run(ask("--save", out, "--force", "--lang", "ru"), input="2015-04-02\n", env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "child_birth_date: 2015-04-02" in out.read_text(encoding="utf-8")


def test_force_replaces_a_link_not_the_file_it_points_to(env, tmp_path):
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me\n", encoding="utf-8")
    link = tmp_path / "case.yaml"
    link.symlink_to(target)
    refused = subprocess.run(ask("--save", link), input="", env=env, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and "exists; give --force" in refused.stderr
    done = subprocess.run(ask("--save", link, "--force"), input="2015-04-02\n", env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert not link.is_symlink() and target.read_text(encoding="utf-8") == "keep me\n"


def test_ctrl_c_keeps_the_answers_in_the_save_file(env, tmp_path):
    out = tmp_path / "case.yaml"
    code, err = interrupted(env, tmp_path, "--save", out, answers=["2015-04-02", "KZ"])
    assert code == 130
    assert err.endswith(f"Interrupted: the answers given so far (2) are saved to {out} "
                        f"(check it with: creval check {out}).\n")
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    text = out.read_text(encoding="utf-8")
    assert "child_birth_date: 2015-04-02" in text and 'habitual_residence: "KZ"' in text
    check = subprocess.run([sys.executable, "-m", "creval", "check", str(out), "--format", "json"], env=env,
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stderr  # the partial scenario is valid input


def test_ctrl_c_without_save_keeps_the_answers_in_a_new_file_here(env, tmp_path):
    (tmp_path / f"{HAGUE}-interview.partial.yaml").write_text("an earlier one\n", encoding="utf-8")
    code, err = interrupted(env, tmp_path, "--lang", "kk", answers=["2015-04-02"])
    kept = tmp_path / f"{HAGUE}-interview.partial-1.yaml"  # the earlier file is left alone
    assert code == 130
    assert err.endswith(f"Тоқтатылды: осы уақытқа дейін берілген жауаптар (1) {kept.name} файлына сақталды "
                        f"(тексеру: creval check {kept.name}).\n")
    assert "child_birth_date: 2015-04-02" in kept.read_text(encoding="utf-8")
    assert (tmp_path / f"{HAGUE}-interview.partial.yaml").read_text(encoding="utf-8") == "an earlier one\n"


def test_ctrl_c_before_any_answer_saves_nothing(env, tmp_path):
    code, err = interrupted(env, tmp_path, "--save", tmp_path / "case.yaml", answers=[])
    assert code == 130 and err.endswith("Interrupted: no answers were given, so nothing is saved.\n")
    assert not (tmp_path / "case.yaml").exists()
