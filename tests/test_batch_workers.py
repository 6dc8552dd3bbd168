"""`creval batch` under faults, as an attacker ran it: a worker killed with `kill -9` or stopped
with SIGSTOP while a slow reader takes the output, SIGTERM and Ctrl-C on creval itself, a line
that kills every worker that runs it, and a program that sends a line and waits for its answer.

Every input line must still get exactly one output line, in order. Workers are found as the
attacker found them: in /proc, as the grandchildren of the creval process (creval starts a
fork server, and the fork server starts the workers).
"""

from __future__ import annotations

import io
import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from creval.tools import batch
from creval.tools.batch import pool as batch_pool

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
import gen  # noqa: E402

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds worker processes in /proc")


@pytest.fixture(scope="module")
def pool() -> list[dict]:
    return gen.seeds()


@pytest.fixture(scope="module")
def source(pool, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("batch-workers") / "in.jsonl"
    gen.write(path, 4_000, bad_every=0, pool=pool)
    return path


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:  # the field after the command is the state, then ppid
                found.append(int(entry))
    return found


def workers_of(pid: int) -> list[int]:
    return sorted(grandchild for child in _children(pid) for grandchild in _children(child))


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def start(*args: str, env: dict | None = None, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "creval", "batch", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={**os.environ, **(env or {})}, **popen)


def read_slowly(proc: subprocess.Popen, at: dict[int, callable]) -> int:
    """Read the output a line at a time, pausing now and then (a slow reader); call at[n]() after
    line n; check that line n is the result of scenario n. The count of lines read."""
    count = 0
    for count, line in enumerate(proc.stdout, start=1):
        assert line.startswith(b'{"scenario":"gen-%07d"' % count), (count, line[:80])
        if count % 200 == 0:
            time.sleep(0.01)
        if count in at:
            at[count]()
    return count


def test_kill_9_of_a_worker_with_a_slow_reader_loses_no_line(source):
    proc = start(str(source), "--workers", "2")
    killed = []

    def kill_one() -> None:
        victims = workers_of(proc.pid)
        assert len(victims) == 2, victims
        os.kill(victims[0], signal.SIGKILL)
        killed.append(victims[0])

    try:
        count = read_slowly(proc, {800: kill_one, 2_400: kill_one})
        assert proc.wait(timeout=300) == 0
    finally:
        proc.kill()
    assert count == 4_000 and len(killed) == 2
    assert proc.stderr.read().decode() == (
        "creval: 2 worker process(es) died or stopped answering and were replaced; "
        "the lines they held were evaluated again\n")


def test_a_stopped_worker_is_killed_by_the_watchdog(source):
    # 3 s: low enough to keep the test short, high enough that a loaded machine seldom trips it
    # on a healthy worker (when it does, that chunk is run again: the output is the same)
    proc = start(str(source), "--workers", "2", env={batch_pool.STALL_ENV: "3"})
    stopped = []

    def stop_one() -> None:
        victim = workers_of(proc.pid)[0]
        os.kill(victim, signal.SIGSTOP)
        stopped.append(victim)

    try:
        count = read_slowly(proc, {500: stop_one})
        assert proc.wait(timeout=300) == 0
    finally:
        proc.kill()
        for pid in stopped:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
    assert count == 4_000
    assert b"worker process(es) died or stopped answering and were replaced" in proc.stderr.read()
    assert not _alive(stopped[0])  # killed, not left stopped behind creval


@pytest.mark.parametrize("signum, status", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_sigterm_and_ctrl_c_end_the_run_at_once_even_with_a_stopped_worker(source, signum, status):
    proc = start(str(source), "--workers", "2")
    try:
        assert proc.stdout.readline().startswith(b'{"scenario":"gen-0000001"')
        workers = workers_of(proc.pid)
        os.kill(workers[0], signal.SIGSTOP)  # the old pool waited for it for ever on the way out
        time.sleep(0.3)
        asked = time.monotonic()
        os.kill(proc.pid, signum)
        out, err = proc.communicate(timeout=60)
        took = time.monotonic() - asked
    finally:
        proc.kill()
    assert proc.returncode == status
    assert took < 20, took  # promptly (a generous bound on a loaded machine: it took 0.5 to 1 s)
    assert b"Traceback" not in err and err == b""
    assert not any(_alive(pid) for pid in workers)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_program_that_sends_a_line_and_waits_gets_each_answer(source, workers):
    lines = source.read_bytes().splitlines(keepends=True)[:3]
    proc = start("--workers", workers, stdin=subprocess.PIPE)

    def answer() -> dict:
        ready, _, _ = select.select([proc.stdout], [], [], 120)
        assert ready, "no answer while the input stays open"
        return json.loads(proc.stdout.readline())

    try:
        proc.stdin.write(lines[0])
        proc.stdin.flush()
        assert answer()["scenario"] == "gen-0000001"
        proc.stdin.write(lines[1][:40])  # half a line, then a pause, then the rest
        proc.stdin.flush()
        time.sleep(0.2)
        proc.stdin.write(lines[1][40:])
        proc.stdin.flush()
        assert answer()["scenario"] == "gen-0000002"
        proc.stdin.write(b"not json\n")
        proc.stdin.flush()
        assert answer()["line"] == 3
        proc.stdin.close()
        assert proc.wait(timeout=60) == 2 and proc.stdout.read() == b""
    finally:
        proc.kill()


# --- lines that kill or hang their worker (run in this process, with a task that misbehaves) ---


POISON = {7, 8, 23}


def _die_on_poison(lines):
    if any(number in POISON for number, _, _ in lines):
        os._exit(70)  # a worker dies, as on a crash in the C engine
    return batch.run_chunk(lines)


def _hang_on_line_5(lines):
    if any(number == 5 for number, _, _ in lines):
        time.sleep(600)
    return batch.run_chunk(lines)


def _die_at_start(options):
    os._exit(71)


def run(lines: list[bytes], **options) -> tuple[list[dict], batch.Stats]:
    out: list[bytes] = []
    settings = {key: options.pop(key) for key in ("task", "init", "stall", "chunk_lines") if key in options}
    stats = batch.run(io.BytesIO(b"".join(lines)), out.append, batch.Options(**options), workers=2, **settings)
    return [json.loads(line) for line in b"".join(out).splitlines()], stats


def generated(pool, n: int) -> list[bytes]:
    return [line.encode() + b"\n" for line in gen.lines(n, 0, 7, pool)]


def test_only_the_lines_that_kill_workers_get_an_error(pool):
    message = "the engine process crashed on this scenario"
    results, stats = run(generated(pool, 40), task=_die_on_poison, chunk_lines=10)
    assert len(results) == 40 and stats.errors == 3
    for number, result in enumerate(results, start=1):
        if number in POISON:
            assert result == {"line": number, "error": message}
        else:
            assert result["scenario"] == f"gen-{number:07d}"
    # each poisoned chunk is tried twice, then each poisoned line alone twice: 2 + 2 * 2 (lines 7, 8) + 2 + 2
    assert stats.replaced == 10


def test_a_line_that_hangs_its_worker_gets_an_error_after_the_watchdog_limit(pool):
    results, stats = run(generated(pool, 12), task=_hang_on_line_5, chunk_lines=4, stall=0.5)
    assert [r.get("scenario") for r in results] == [f"gen-{n:07d}" if n != 5 else None for n in range(1, 13)]
    assert results[4] == {"line": 5, "error": "the engine process gave no answer within 0.5 seconds on this scenario"}
    assert stats.errors == 1 and stats.replaced >= 4  # more if a slow machine trips the watchdog on a healthy chunk


def test_workers_that_die_as_they_start_end_the_run_with_one_message_in_its_language(pool):
    with pytest.raises(batch_pool.BatchAborted, match="^рабочие процессы завершились аварийно 20 раз подряд, "
                       "не обработав ни одной строки; работа прекращена$"):
        run(generated(pool, 5), init=_die_at_start, lang="ru")


def test_workers_that_cannot_load_the_rules_say_why(pool, tmp_path):
    with pytest.raises(batch_pool.BatchAborted, match="a worker process could not start: .*"):
        run(generated(pool, 5), rules=str(tmp_path / "no-rules"))


def test_the_watchdog_limit_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv(batch_pool.STALL_ENV, "2.5")
    assert batch_pool.stall_seconds() == 2.5
    for bad in ("0", "-1", "soon"):
        monkeypatch.setenv(batch_pool.STALL_ENV, bad)
        assert batch_pool.stall_seconds() == batch_pool.STALL_SECONDS


# --- lines as they arrive --------------------------------------------------------------------


def test_lines_are_the_same_however_the_bytes_arrive():
    data = b'{"a": 1}\r\n\n' + b"x" * 30 + b"\nlast"
    whole = list(batch.read_lines(io.BytesIO(data), limit=20))
    assert whole == [(1, b'{"a": 1}', None), (2, b"", None), (3, None, "line is 30 bytes; the limit is 20"),
                     (4, b"last", None)]
    for size in range(1, len(data) + 1):
        lines = batch.Lines(limit=20)
        got = []
        for at in range(0, len(data), size):
            got += lines.feed(data[at:at + size])
        assert got + lines.end() == whole, size
