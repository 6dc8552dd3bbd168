"""Files that attack the reader: each gets a clear one-line error naming it, exit 2, within
seconds and in bounded memory (limits: docs/limits.md). Nothing here may print a traceback.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
VALID = REPO / "scenarios" / "hague" / "16th-birthday-day-before.yaml"
SECONDS = 10  # generous for a loaded CI machine; each case takes well under a second alone
MAX_RSS_KB = 150_000  # a 100 MB file must not be read into memory

PROBE = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "done = subprocess.run(sys.argv[1:], capture_output=True, timeout=60)\n"
    "sys.stdout.buffer.write(b'%d %d %f\\n' % (done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,"
    " time.perf_counter() - t))\n"
    "sys.stdout.buffer.write(done.stdout + b'\\0' + done.stderr)\n"
)


class Run:
    def __init__(self, code: int, rss_kb: int, seconds: float, stdout: bytes, stderr: bytes):
        self.code, self.rss_kb, self.seconds = code, rss_kb, seconds
        self.stdout, self.stderr = stdout.decode("utf-8"), stderr.decode("utf-8")
        self.errors = self.stderr.splitlines()


@pytest.fixture(scope="module")
def rules(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("rules-hostile") / "rules"
    shutil.copytree(REPO / "rules", folder)
    return folder


@pytest.fixture
def check(rules):
    def run(*args: str) -> Run:
        out = subprocess.run([sys.executable, "-c", PROBE, sys.executable, "-m", "creval", "--rules", str(rules),
                              "check", *args], capture_output=True, timeout=120, check=True).stdout
        head, _, rest = out.partition(b"\n")
        code, rss, seconds = head.split()
        stdout, _, stderr = rest.partition(b"\0")
        return Run(int(code), int(rss), float(seconds), stdout, stderr)
    return run


def refused(run: Run, path: Path, *words: str) -> None:
    """Exit 2, nothing on stdout, one error line naming the file and saying why, quickly."""
    assert run.code == 2, run.stderr
    assert run.stdout == ""
    assert "Traceback" not in run.stderr
    assert len(run.errors) == 1, run.errors
    assert run.errors[0].startswith(str(path)), run.errors
    for word in words:
        assert word in run.errors[0], run.errors
    assert run.seconds < SECONDS
    assert run.rss_kb < MAX_RSS_KB


def test_a_yaml_alias_bomb(check, tmp_path):
    bomb = tmp_path / "bomb.yaml"
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    bomb.write_text("\n".join(lines) + "\n", encoding="utf-8")
    refused(check(str(bomb)), bomb, "alias")


def test_an_alias_hidden_under_facts(check, tmp_path):
    path = tmp_path / "alias.yaml"
    path.write_text("id: x\nfacts:\n  abduction: &a {taken_to: RU}\n  parole: *a\n", encoding="utf-8")
    refused(check(str(path)), path, "facts.parole", "alias")


def test_a_100_mb_file_is_refused_by_its_size_unread(check, tmp_path):
    big = tmp_path / "big.yaml"
    with big.open("wb") as f:
        f.truncate(100 * 1024 * 1024)  # sparse: costs no disk, and must cost no memory
    refused(check(str(big)), big, "104,857,600", "limit")


def test_a_binary_file(check, tmp_path):
    for name in ("binary.yaml", "binary.json"):
        path = tmp_path / name
        path.write_bytes(bytes(range(256)) * 64)
        refused(check(str(path)), path, "binary")


def test_a_file_that_is_not_utf8(check, tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("id: café\ntitle: Noël à Almaty\nfacts: {}\n".encode("latin-1"))
    refused(check(str(path)), path, "UTF-8")
    path = tmp_path / "utf16.json"
    path.write_bytes('{"id": "x"}'.encode("utf-16"))  # holds NUL bytes: reported as binary
    run = check(str(path))
    refused(run, path)
    assert "UTF-8" in run.errors[0] or "binary" in run.errors[0]


def test_a_symlink_loop_in_a_folder(check, tmp_path):
    folder = tmp_path / "pack"
    folder.mkdir()
    shutil.copy(VALID, folder / "valid.yaml")
    os.symlink(folder, folder / "loop")
    run = check(str(folder))
    assert run.code == 2 and "Traceback" not in run.stderr
    assert run.errors == [f"{folder / 'loop'}: a link back to a folder that contains it (a loop); not followed"]
    assert "hague-16th-birthday-day-before" in run.stdout  # the valid scenario is still evaluated
    assert run.seconds < SECONDS


def test_links_that_loop_between_files_and_a_fifo(check, tmp_path):
    folder = tmp_path / "pack"
    folder.mkdir()
    os.symlink(folder / "b.yaml", folder / "a.yaml")
    os.symlink(folder / "a.yaml", folder / "b.yaml")
    os.mkfifo(folder / "pipe.yaml")  # opening it would block for ever
    run = check(str(folder))
    assert run.code == 2 and run.stdout == "" and "Traceback" not in run.stderr
    assert [line.split(": ")[0] for line in run.errors] == [str(folder / n) for n in ("a.yaml", "b.yaml", "pipe.yaml")]
    assert run.seconds < SECONDS


def test_deep_nesting(check, tmp_path):
    yaml_file, json_file = tmp_path / "deep.yaml", tmp_path / "deep.json"
    yaml_file.write_text("id: x\nfacts: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    json_file.write_text('{"id": "x", "facts": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    refused(check(str(yaml_file)), yaml_file, "nested deeper than")
    refused(check(str(json_file)), json_file, "nested deeper than")


@pytest.mark.parametrize("text, words", [
    ('{"id": "x", "facts": {"abduction": {}}, "title": NaN}', ["NaN"]),
    ('{"id": "x", "facts": {"abduction": {}}, "title": Infinity}', ["Infinity"]),
    ('{"id": "x", "facts": {"abduction": {}}, "title": ' + "9" * 5000 + "}", ["number"]),
    ('{"id": "x", "id": "y", "facts": {"abduction": {}}}', ["id", "duplicate"]),
    ('{"id": "x", "facts": {"abduction": {}}, "title": "\\udc80"}', ["title", "surrogate"]),
    ('{"id": "x", "facts": {"abduction": {"removal_date": "9999-12-31"}}}', ["removal_date"]),
])
def test_hostile_json_values(check, tmp_path, text, words):
    path = tmp_path / "s.json"
    path.write_text(text, encoding="utf-8")
    refused(check(str(path)), path, *words)


def test_yaml_tags_construct_nothing(check, tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "tag.yaml"
    path.write_text(f'id: x\ntitle: !!python/object/apply:os.system ["touch {marker}"]\nfacts: {{abduction: {{}}}}\n',
                    encoding="utf-8")
    run = check(str(path))
    assert run.code == 2 and "Traceback" not in run.stderr and len(run.errors) == 1
    assert not marker.exists()


def test_an_enormous_string_within_the_size_limit(check, tmp_path):
    path = tmp_path / "long.yaml"
    path.write_text("id: long\ntitle: " + "a" * 900_000 + "\nfacts:\n  abduction: {taken_to: RU}\n", encoding="utf-8")
    run = check(str(path))
    assert run.code == 0, run.stderr
    assert run.seconds < SECONDS and run.rss_kb < MAX_RSS_KB


def test_many_hostile_files_at_once_each_named_and_the_valid_one_evaluated(check, tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(VALID, folder / "a-valid.yaml")
    (folder / "b-binary.yaml").write_bytes(b"\0\1\2" * 100)
    (folder / "c-latin1.yaml").write_bytes("id: é\n".encode("latin-1"))
    with (folder / "d-big.json").open("wb") as f:
        f.truncate(50 * 1024 * 1024)
    (folder / "e-empty.yaml").write_text("", encoding="utf-8")
    (folder / "f-list.yaml").write_text("- 1\n- 2\n", encoding="utf-8")
    run = check(str(folder))
    assert run.code == 2 and "Traceback" not in run.stderr
    named = [line.split(":")[0] for line in run.errors]
    assert named == [str(folder / n) for n in ("b-binary.yaml", "c-latin1.yaml", "d-big.json", "e-empty.yaml", "f-list.yaml")]
    assert "hague-16th-birthday-day-before" in run.stdout
    assert run.seconds < SECONDS and run.rss_kb < MAX_RSS_KB
