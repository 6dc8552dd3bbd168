"""Command-line conventions, tried as a user would: --version, -h, shell completion, help
without Python types, NO_COLOR, colour on a terminal only, --lang in any case, and --test on a
scenario that has no matter for that test."""

from __future__ import annotations

import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from trainers import CONSCRIPTION, HAGUE, conscription, hague, run, trainer_rules, trainer_rules_dir, write  # noqa: F401

BIN = Path(sys.executable).parent  # where the `creval` script is installed
COMMANDS = ["check", "verify", "batch", "schema", "exercise", "coverage", "twin", "ask", "deadlines", "completion",
            "rules", "rules show"]
ESC = "\x1b["


def on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """What `creval ARGS` writes to a terminal (a pty), escape codes included."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: creval on the pty
        os.execve(sys.executable, [sys.executable, "-m", "creval", *args], {**os.environ, "COLUMNS": "100", **env})
    chunks = []
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.waitpid(pid, 0)
    os.close(fd)
    return b"".join(chunks).decode("utf-8", "replace")


def without(env: dict[str, str], *names: str) -> dict[str, str]:
    return {k: v for k, v in env.items() if k not in names}


# ---------------------------------------------------------------- --version and -h


@pytest.mark.parametrize("lang, word", [("en", "rules"), ("ru", "правила"), ("kk", "ережелер")])
def test_version_names_the_program_and_the_rules_digest(run, monkeypatch, lang, word):
    from creval import __version__

    monkeypatch.setenv("CREVAL_LANG", lang)
    digest = re.search(r"sha256:[0-9a-f]{64}", run("rules").stdout).group(0)
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"creval {__version__}, {word} {digest}\n"


@pytest.mark.parametrize("command", COMMANDS)
def test_dash_h_is_help_everywhere(run, command):
    short = run(*command.split(), "-h")
    long = run(*command.split(), "--help")
    assert short.exit_code == long.exit_code == 0
    assert short.stdout == long.stdout
    assert "Usage: " in short.stdout and f" {command} [OPTIONS]" in short.stdout
    # help names values by what they are, not by their Python type
    for python_type in ("<bool>", "<list[", "<str>", "<int>", "<path>"):
        assert python_type not in short.stdout, (command, python_type)


def test_help_names_values_by_what_they_are(run):
    text = run("exercise", "-h").stdout
    for shown in ("PATH", "--answers", "FILE", "--seed", "N", "--trainee", "NAME", "--handout", "--csv"):
        assert shown in text
    assert re.search(r"--as-of\s+DATE", run("check", "-h").stdout)
    assert re.search(r"--test\s+ID", run("check", "-h").stdout)


# ---------------------------------------------------------------- completion


def test_bash_completion_script_is_valid_and_completes(run, tmp_path):
    script = run("completion", "bash")
    assert script.exit_code == 0, script.stderr
    path = write(tmp_path, "creval.bash", script.stdout)
    assert subprocess.run(["bash", "-n", str(path)], capture_output=True).returncode == 0
    probe = (f'source "{path}"\n'
             'COMP_WORDS=(creval ch); COMP_CWORD=1; _creval_completion creval; echo "${COMPREPLY[*]}"\n'
             'COMP_WORDS=(creval check --la); COMP_CWORD=2; _creval_completion creval; echo "${COMPREPLY[*]}"\n')
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["check", "--lang"]


@pytest.mark.parametrize("shell, says", [
    ("zsh", "compdef _creval_completion creval"),
    ("fish", "complete --command creval"),
    ("BASH", "complete -o default -F _creval_completion creval"),
])
def test_zsh_and_fish_completion_scripts(run, shell, says):
    result = run("completion", shell)
    assert result.exit_code == 0 and says in result.stdout
    assert "_CREVAL_COMPLETE=complete_" in result.stdout


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_accepts_its_script(run, tmp_path):
    path = write(tmp_path, "_creval", run("completion", "zsh").stdout)
    assert subprocess.run(["zsh", "-n", str(path)], capture_output=True).returncode == 0


def test_an_unknown_shell_is_refused(run):
    result = run("completion", "tcsh")
    assert result.exit_code == 2 and "tcsh" in result.stderr


# ---------------------------------------------------------------- colour


@pytest.fixture
def unmet(tmp_path):
    """A scenario with an UNMET criterion and a MISSING fact: the child stays in its own state."""
    return write(tmp_path, "internal.yaml", hague("cl-internal", taken_to="KZ", left_behind_right=None))


def test_no_color_means_no_escape_codes_at_all(trainer_rules, unmet):
    env = {"NO_COLOR": "1", "CREVAL_RULES": str(trainer_rules)}
    for args in (["check", "--help"], ["--help"], ["check", "--full", str(unmet)], ["check", str(unmet)],
                 ["check", "--lang", "nope", str(unmet)]):
        shown = on_a_terminal(args, env)
        assert "Usage" in shown or "UNMET" in shown or "OUTCOME" in shown or "nope" in shown, shown
        assert ESC not in shown, (args, shown[:300])


@pytest.mark.parametrize("lang, word", [("en", "UNMET"), ("ru", "НЕ ВЫПОЛНЕНО"), ("kk", "ОРЫНДАЛМАДЫ")])
def test_unmet_is_coloured_on_a_terminal_only(trainer_rules, unmet, lang, word):
    env = without({**os.environ, "CREVAL_RULES": str(trainer_rules), "TERM": "xterm"}, "NO_COLOR")
    shown = on_a_terminal(["check", "--full", "--lang", lang, str(unmet)], without(env, "NO_COLOR"))
    assert f"\x1b[1;31m{word}\x1b[0m" in shown
    piped = subprocess.run([sys.executable, "-m", "creval", "check", "--full", "--lang", lang, str(unmet)],
                           capture_output=True, text=True, env=env, timeout=120)
    assert word in piped.stdout and ESC not in piped.stdout


# ---------------------------------------------------------------- --lang and --test


@pytest.mark.parametrize("given, word", [("RU", "РЕЗУЛЬТАТ"), ("Kk", "НӘТИЖЕ"), ("EN", "OUTCOME")])
def test_lang_in_any_case(run, tmp_path, given, word):
    path = write(tmp_path, "a.yaml", hague("cl-a"))
    result = run("check", path, "--lang", given)
    assert result.exit_code == 0, result.stderr
    assert word in result.stdout


@pytest.mark.parametrize("lang, says", [
    ("en", "--test conscription: the scenario has no conscription facts, so the test does not run on it (its matters: abduction)"),
    ("ru", "--test conscription: в сценарии нет фактов раздела conscription, поэтому тест к нему не применяется (его разделы: abduction)"),
    ("kk", "--test conscription: сценарийде conscription бөлімінің фактілері жоқ, сондықтан тест оған қолданылмайды (оның бөлімдері: abduction)"),
])
def test_test_without_its_matter_is_an_error(run, tmp_path, lang, says):
    path = write(tmp_path, "a.yaml", hague("cl-a"))
    result = run("check", path, "--test", CONSCRIPTION, "--lang", lang)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"{path}: {says}"
    assert result.stdout == ""
    assert run("verify", path, "--test", CONSCRIPTION).exit_code == 2


def test_test_over_a_folder_runs_where_the_matter_is(run, tmp_path):
    folder = tmp_path / "pack"
    write(folder, "a.yaml", hague("cl-a"))
    write(folder, "b.yaml", conscription("cl-b"))
    mixed = run("check", folder, "--test", CONSCRIPTION, "--format", "json")
    assert mixed.exit_code == 0, mixed.stderr
    assert '"scenario": "cl-b"' in mixed.stdout and "cl-a" not in mixed.stdout
    only_hague = tmp_path / "hague"
    write(only_hague, "a.yaml", hague("cl-a"))
    none = run("check", only_hague, "--test", CONSCRIPTION)
    assert none.exit_code == 2
    assert f"--test conscription: no scenario in {only_hague} has the facts this test needs" in none.stderr


def test_coverage_marks_missing_in_colour_on_a_terminal_only(trainer_rules, tmp_path):
    folder = tmp_path / "pack"
    write(folder, "a.yaml", hague("cl-a"))
    env = without({**os.environ, "CREVAL_RULES": str(trainer_rules), "TERM": "xterm"}, "NO_COLOR")
    shown = on_a_terminal(["coverage", str(folder), "--lang", "ru"], env)
    assert "\x1b[1;33mНЕ ПОКРЫТ\x1b[0m" in shown
    assert ESC not in on_a_terminal(["coverage", str(folder)], {**env, "NO_COLOR": "1"})


def test_deadlines_with_a_test_the_file_has_no_matter_for(run, tmp_path):
    path = write(tmp_path, "a.yaml", hague("cl-a"))
    result = run("deadlines", path, "--test", CONSCRIPTION, "--lang", "kk")
    assert result.exit_code == 2
    assert f"{path}: --test conscription: сценарийде conscription бөлімінің фактілері жоқ" in result.stderr
    folder = tmp_path / "pack"
    write(folder, "a.yaml", hague("cl-a"))
    write(folder, "b.yaml", conscription("cl-b", birth="2010-01-01"))
    mixed = run("deadlines", folder, "--test", CONSCRIPTION, "--format", "json")
    assert mixed.exit_code == 0, mixed.stderr
    assert "cl-b" in mixed.stdout and "cl-a" not in mixed.stdout


def test_check_offers_every_format_of_the_one_table():
    """`check --format` names exactly the formats of render/formats.py (the CLI keeps the names
    itself, so that --help imports no renderer)."""
    from creval.cli import CheckFormat
    from creval.render.formats import FORMATS

    assert [f.value for f in CheckFormat] == list(FORMATS)


def test_every_format_option_is_a_table_of_renderers():
    """`--format` of ask, deadlines and compare names renderers of a table, not of an if/elif."""
    from creval.cli import Format
    from creval.render.formats import FORMATS
    from creval.tools import compare, deadlines

    names = [f.value for f in Format]
    assert set(names) <= set(FORMATS)
    assert list(deadlines.FORMATS) == list(compare.FORMATS) == names
