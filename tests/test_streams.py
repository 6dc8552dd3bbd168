"""Faults around the command rather than in its input, each run as a user would meet it, in a
real process: standard output closed, gone (`| head -0`) or full (`> /dev/full`); a rule engine
that cannot be loaded (durable-rules not installed, or built for another Python); a library's
warning; an assessment date outside the supported range; a byte-order mark before a JSON file
or a batch input. Each ends in one line on standard error, translated, with exit status 2
(or, for the date and the byte-order mark, in the result).
"""

from __future__ import annotations

import importlib.machinery
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from test_cli import good, run, stderr_lines, write  # noqa: F401  (run is a fixture)

pytestmark = pytest.mark.usefixtures("abduction_rules")

CREVAL = [sys.executable, "-m", "creval"]
LOST = "creval: cannot write the results to standard output ({reason}); what was written is incomplete"
CLOSED = "creval: standard output is closed: there is nowhere to write the results"


def creval(*args, stdout=subprocess.PIPE, env=None, input: bytes | None = None, timeout: float = 120, **kwargs):
    return subprocess.run([*CREVAL, *map(str, args)], stdout=stdout, stderr=subprocess.PIPE, input=input,
                          env={**os.environ, **(env or {})}, timeout=timeout, **kwargs)


def lines(stderr: bytes) -> list[str]:
    return [line for line in stderr.decode().splitlines() if line.strip()]


@pytest.fixture
def scenario(tmp_path) -> Path:
    return write(tmp_path, "good.yaml", good(expected="return-forthwith"))


# --- standard output closed, gone or full -------------------------------------------------

def test_closed_stdout_is_one_line_and_exit_2(scenario):
    # `creval check x >&-`: file descriptor 1 is not open at all
    proc = subprocess.run(["bash", "-c", 'exec "$@" >&-', "bash", *CREVAL, "check", str(scenario)],
                          stderr=subprocess.PIPE, timeout=120)
    assert proc.returncode == 2
    assert lines(proc.stderr) == [CLOSED]


def test_closed_stdout_in_russian(scenario):
    proc = subprocess.run([*CREVAL, "verify", "--lang", "ru", str(scenario)], stderr=subprocess.PIPE, timeout=120,
                          preexec_fn=lambda: os.close(1))
    assert proc.returncode == 2
    assert lines(proc.stderr) == ["creval: стандартный вывод закрыт: результаты некуда записать"]


def _reader_gone() -> int:
    """The write end of a pipe whose reader has already gone: `| head -0`, without the race."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    return write_end


@pytest.mark.parametrize("command", [["verify"], ["check"], ["check", "--format", "json"], ["deadlines"]])
def test_a_reader_that_has_gone_is_one_line_and_exit_2_not_1(scenario, command):
    # verify exits 1 for a mismatch: a lost output must not look like one
    write_end = _reader_gone()
    try:
        proc = creval(*command, scenario, stdout=write_end)
    finally:
        os.close(write_end)
    assert proc.returncode == 2
    assert lines(proc.stderr) == [LOST.format(reason="Broken pipe")]


def test_verify_piped_into_head_0(scenario):
    proc = subprocess.run(["bash", "-c", '"$@" | head -0; exit "${PIPESTATUS[0]}"', "bash", *CREVAL, "verify",
                           str(scenario)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    # head may exit before or after creval has written its one line: either it all fitted in
    # the pipe (exit 0, silent) or it was lost (exit 2, one line); never exit 1, never a traceback
    assert proc.stdout == b""
    assert (proc.returncode, lines(proc.stderr)) in [(0, []), (2, [LOST.format(reason="Broken pipe")])]


needs_dev_full = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")


@needs_dev_full
@pytest.mark.parametrize("lang, message", [
    ("en", LOST.format(reason="No space left on device")),
    ("kk", "creval: нәтижелерді стандартты шығысқа жазу мүмкін емес (No space left on device); жазылғаны толық емес"),
])
def test_a_full_disk_is_one_line_and_exit_2(scenario, lang, message):
    with open("/dev/full", "wb") as full:
        proc = creval("check", "--lang", lang, scenario, stdout=full)
    assert proc.returncode == 2
    assert lines(proc.stderr) == [message]


@needs_dev_full
def test_batch_to_a_full_disk_is_one_line_and_exit_2(scenario):
    line = json.dumps({"id": "s1", "as_of": "2025-09-01", "facts": {"abduction": {"child_birth_date": "2017-08-03"}}})
    with open("/dev/full", "wb") as full:
        proc = creval("batch", "--workers", "1", stdout=full, input=(line + "\n").encode() * 50)
    assert proc.returncode == 2
    assert lines(proc.stderr) == [LOST.format(reason="No space left on device")]


def test_output_that_can_be_written_is_unchanged(run, scenario):
    proc = creval("check", "--format", "json", scenario)
    assert proc.returncode == 0 and proc.stderr == b""
    assert json.loads(proc.stdout) == json.loads(run("check", "--format", "json", scenario).stdout)


# --- a rule engine that cannot be loaded -------------------------------------------------

ENGINE = ("the rule engine (durable-rules) cannot be loaded: {reason}. Reinstall it, with a C compiler and the Python "
          "headers installed: CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject pip install --no-cache-dir "
          "--force-reinstall durable-rules==2.0.28 (README, Set up)")


@pytest.fixture
def broken_engine(tmp_path) -> Path:
    """A folder that, first on PYTHONPATH, makes durable's C module fail to load as a build for
    another Python does (Python 3.13 without the README's CPPFLAGS: `undefined symbol`)."""
    folder = tmp_path / "shim"
    folder.mkdir()
    (folder / f"durable_rules_engine{importlib.machinery.EXTENSION_SUFFIXES[0]}").write_bytes(b"not a shared object")
    return folder


@pytest.fixture
def no_durable(tmp_path) -> Path:
    """A folder that, first on PYTHONPATH, makes `durable` look not installed."""
    package = tmp_path / "absent" / "durable"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("raise ModuleNotFoundError(\"No module named 'durable'\", name='durable')\n")
    return package.parent


@pytest.mark.parametrize("command", [["check"], ["verify"], ["coverage"], ["deadlines"], ["exercise", "--sheet"]])
def test_an_engine_that_cannot_load_is_one_line_with_what_to_do(scenario, broken_engine, command):
    proc = creval(*command, scenario, env={"PYTHONPATH": str(broken_engine)})
    assert proc.returncode == 2 and proc.stdout == b""
    [line] = lines(proc.stderr)
    shim = broken_engine / f"durable_rules_engine{importlib.machinery.EXTENSION_SUFFIXES[0]}"
    assert line.startswith("creval: " + ENGINE.split("{reason}")[0] + f"{shim}: ")
    assert line.endswith(ENGINE.split("{reason}")[1])
    assert "internal error" not in line


def test_an_engine_that_cannot_load_stops_batch_before_any_worker(broken_engine):
    line = json.dumps({"id": "s1", "facts": {"abduction": {}}}) + "\n"
    proc = creval("batch", "--workers", "2", env={"PYTHONPATH": str(broken_engine)}, input=line.encode())
    assert proc.returncode == 2 and proc.stdout == b""
    assert len(lines(proc.stderr)) == 1 and "cannot be loaded" in proc.stderr.decode()


def test_durable_not_installed_in_kazakh(scenario, no_durable):
    proc = creval("check", "--lang", "kk", scenario, env={"PYTHONPATH": str(no_durable)})
    assert proc.returncode == 2
    assert lines(proc.stderr) == [
        "creval: ережелер механизмін (durable-rules) жүктеу мүмкін емес: No module named 'durable'. Оны C компиляторы "
        "мен Python тақырып файлдарын орнатып, қайта орнатыңыз: CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject pip "
        "install --no-cache-dir --force-reinstall durable-rules==2.0.28 (README, Set up бөлімі)"]


def test_commands_without_the_engine_still_work(no_durable):
    proc = creval("rules", env={"PYTHONPATH": str(no_durable)})
    assert proc.returncode == 0 and b"hague-abduction-return" in proc.stdout


# --- warnings ----------------------------------------------------------------------------

def test_a_warning_is_one_line_and_library_deprecations_are_silent(tmp_path):
    # a command that warns on its way: a multi-line UserWarning and a DeprecationWarning
    script = (
        "import sys, warnings\n"
        "import creval.cli as cli\n"
        "book = cli._book\n"
        "def warned():\n"
        "    warnings.warn('first line\\n  second line', UserWarning)\n"
        "    warnings.warn('old API', DeprecationWarning)\n"
        "    return book()\n"
        "cli._book = warned\n"
        "sys.argv = ['creval', 'rules']\n"
        "cli.main()\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          env={k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == ["creval: warning: UserWarning: first line second line (<string>:5)"]


# --- the assessment date -----------------------------------------------------------------

@pytest.mark.parametrize("value", ["1799-12-31", "2200-01-01", "0001-01-01", "9999-12-31"])
def test_as_of_outside_the_supported_dates_says_so(run, scenario, value):
    result = run("check", "--as-of", value, scenario)
    assert result.exit_code == 2 and result.stdout == ""
    assert stderr_lines(result) == [f"creval: --as-of: {value} is outside the dates creval handles (1800-01-01 to 2199-12-31)"]


def test_as_of_outside_the_supported_dates_in_russian(run, scenario):
    result = run("verify", "--lang", "ru", "--as-of", "1799-12-31", scenario)
    assert result.exit_code == 2
    assert stderr_lines(result) == ["creval: --as-of: 1799-12-31 вне диапазона дат, с которыми работает creval (с 1800-01-01 по 2199-12-31)"]


@pytest.mark.parametrize("value", ["1800-01-01", "2199-12-31"])
def test_as_of_on_the_first_and_last_supported_dates_is_accepted(run, tmp_path, value):
    undated = write(tmp_path, "undated.yaml", good(drop=("child_birth_date", "removal_date", "proceedings_date")))
    result = run("check", "--format", "json", "--as-of", value, undated)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["as_of"] == value


# --- a byte-order mark -------------------------------------------------------------------

BOM = "\ufeff"
SCENARIO = {"id": "bom-1", "as_of": "2025-09-01",
            "facts": {"abduction": {"child_birth_date": "2017-08-03", "habitual_residence": "KZ", "taken_to": "RU",
                                    "removal_date": "2025-06-15", "proceedings_date": "2025-07-01",
                                    "left_behind_right": "custody", "rights_exercised": True}},
            "expected": {"hague-abduction-return": "return-forthwith"}}


@pytest.mark.parametrize("name, text", [
    ("bom.json", BOM + json.dumps(SCENARIO)),
    ("bom.yaml", BOM + good(id="bom-1", expected="return-forthwith")),
])
def test_a_byte_order_mark_is_accepted_in_json_and_yaml(run, tmp_path, name, text):
    path = write(tmp_path, name, text)
    result = run("verify", path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "1 passed, 0 failed"


def test_a_byte_order_mark_keeps_yaml_line_numbers(run, tmp_path):
    path = write(tmp_path, "bom.yaml", BOM + good(id="bom-1").replace("2025-06-15", "2025-13-01"))
    result = run("check", path)
    assert result.exit_code == 2
    assert stderr_lines(result)[0].startswith(f"{path}:9: facts.abduction.removal_date: ")


def test_a_byte_order_mark_starts_a_batch_input_only(tmp_path):
    line = json.dumps(SCENARIO)
    proc = creval("batch", "--workers", "1", input=(BOM + line + "\n" + BOM + line + "\n").encode())
    first, second = [json.loads(out) for out in proc.stdout.splitlines()]
    assert first["scenario"] == "bom-1" and first["results"][0]["outcome"] == "return-forthwith"
    # inside the input it is a stray character of line 2, as any other would be
    assert second["line"] == 2 and "error" in second
    assert proc.returncode == 2


def test_batch_workers_warn_in_one_line_too(tmp_path):
    # a worker is a fresh process, started without the command's settings
    (tmp_path / "warner.py").write_text(
        "import warnings\n"
        "from creval.tools import batch\n"
        "def task(lines):\n"
        "    warnings.warn('from a library\\n  on two lines', RuntimeWarning)\n"
        "    return batch.run_chunk(lines)\n")
    script = (
        "import io, sys, warner\n"
        "from creval.tools import batch\n"
        "options = batch.Options(rules=None, as_of=None, tests=None, lang='en', name='<stdin>', oracle=False)\n"
        "batch.run(io.BytesIO(b'{\"id\": \"s1\", \"facts\": {\"abduction\": {}}}\\n'), sys.stdout.buffer.write, options, 2,\n"
        "          task=warner.task)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["scenario"] == "s1"
    [warning] = proc.stderr.splitlines()
    assert warning.startswith("creval: warning: RuntimeWarning: from a library on two lines (")
