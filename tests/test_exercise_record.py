"""`exercise --record` with sessions that end together: each is added to the record as it then
is, under a lock, so no session is lost. Run as the trainers would: real, concurrent processes."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from trainers import CONSCRIPTION, HAGUE, conscription, hague, run, trainer_rules, trainer_rules_dir, write  # noqa: F401

FORTHWITH, CALL_UP = "rec-forthwith", "rec-call-up"
ANSWERS = "5\n5\n"  # both right


@pytest.fixture
def pack(tmp_path):
    folder = tmp_path / "pack"
    write(folder, "a.yaml", hague(FORTHWITH))
    write(folder, "b.yaml", conscription(CALL_UP))
    return folder


@pytest.fixture
def env(trainer_rules_dir, tmp_path):
    return {**os.environ, "CREVAL_RULES": str(trainer_rules_dir)}


def creval(*args) -> list[str]:
    return [sys.executable, "-m", "creval", *map(str, args)]


def sheet(tmp_path: Path, trainee: str) -> Path:
    return write(tmp_path, f"{trainee}.yaml", f"trainee: {trainee}\nanswers:\n  {FORTHWITH}: {{{HAGUE}: return-forthwith}}\n"
                                             f"  {CALL_UP}: {{{CONSCRIPTION}: under-age}}\n")


def trainees(record: Path) -> list[str]:
    return [t["trainee"] for s in json.loads(record.read_text(encoding="utf-8"))["sessions"] for t in s["trainees"]]


def read_until(proc: subprocess.Popen, text: str, timeout: float = 120) -> str:
    """Standard output of a running process until `text` appears (click flushes every echo)."""
    seen, deadline = b"", time.monotonic() + timeout
    while text.encode() not in seen:
        assert time.monotonic() < deadline, seen.decode(errors="replace")[-500:]
        chunk = os.read(proc.stdout.fileno(), 65536)
        assert chunk, f"ended before {text!r}: {seen.decode(errors='replace')[-500:]}"
        seen += chunk
    return seen.decode()


def test_a_session_that_ends_after_another_began_and_ended_keeps_both(pack, env, tmp_path):
    """The reported loss: A reads the record at its start, B starts and ends, A ends. Before
    the lock, A replaced the record with what it read at the start plus its own session."""
    record = tmp_path / "record.json"
    first = subprocess.run(creval("exercise", pack, "--answers", sheet(tmp_path, "Earlier"), "--record", record),
                           env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    a = subprocess.Popen(creval("exercise", pack, "--record", record, "--trainee", "Aigerim"), env=env,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        read_until(a, "Your answer")  # A has read the record and waits for its trainee
        b = subprocess.run(creval("exercise", pack, "--record", record, "--trainee", "Bolat"), input=ANSWERS,
                           env=env, capture_output=True, text=True, timeout=120)
        assert b.returncode == 0, b.stderr
        assert trainees(record) == ["Earlier", "Bolat"]
        _, err = a.communicate(ANSWERS.encode(), timeout=120)
    finally:
        a.kill()
    assert a.returncode == 0, err
    assert trainees(record) == ["Earlier", "Bolat", "Aigerim"]
    assert not list(tmp_path.glob("record.json.*.session.json"))


def test_sessions_ending_at_once_are_all_recorded(pack, env, tmp_path):
    record = tmp_path / "class.json"
    names = ["Aigerim", "Bolat", "Dana", "Erlan"]
    procs = [subprocess.Popen(creval("exercise", pack, "--answers", sheet(tmp_path, n), "--record", record), env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for n in names]
    for proc in procs:
        _, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err
    assert sorted(trainees(record)) == names
    doc = json.loads(record.read_text(encoding="utf-8"))
    assert all(s["trainees"][0]["score"] == {"right": 1, "answered": 2, "questions": 2} for s in doc["sessions"])


def test_a_session_waits_for_the_lock_then_adds_itself(pack, env, tmp_path):
    record = tmp_path / "record.json"
    lock = os.open(tmp_path / "record.json.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(lock, fcntl.LOCK_EX)  # another session, writing
    proc = subprocess.Popen(creval("exercise", pack, "--answers", sheet(tmp_path, "Aigerim"), "--record", record),
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        read_until(proc, "=== Class")  # graded: what is left is adding the session
        time.sleep(0.5)
        assert proc.poll() is None and not record.exists()
        os.close(lock)  # the other session is done
        out, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert trainees(record) == ["Aigerim"] and f"Results recorded in {record}." in out.decode()


def test_a_lock_held_too_long_saves_the_session_beside_the_record(run, pack, tmp_path, monkeypatch):
    from creval.tools.exercise import exercise

    monkeypatch.setattr(exercise, "RECORD_LOCK_WAIT", 0.3)
    record = write(tmp_path, "record.json", json.dumps({"format": "creval-exercise-record", "version": 1,
                                                        "sessions": []}))
    lock = os.open(tmp_path / "record.json.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(lock, fcntl.LOCK_EX)  # a stuck session
    try:
        result = run("exercise", pack, "--record", record, "--trainee", "Aigerim", input=ANSWERS)
    finally:
        os.close(lock)
    (aside,) = tmp_path.glob("record.json.*.session.json")
    assert result.exit_code == 2
    assert result.stderr == (f"creval: {record}: this session could not be added (another session kept the results "
                             f"file locked ({record}.lock) for 0.3 seconds); it is saved in {aside}\n")
    assert json.loads(record.read_text(encoding="utf-8"))["sessions"] == []
    saved = json.loads(aside.read_text(encoding="utf-8"))
    assert saved["format"] == "creval-exercise-record" and saved["sessions"][0]["trainees"][0]["trainee"] == "Aigerim"
    assert saved["sessions"][0]["trainees"][0]["score"]["right"] == 2


def test_a_record_spoilt_during_the_session_is_left_alone_and_the_session_saved(pack, env, tmp_path):
    record = tmp_path / "record.json"
    a = subprocess.Popen(creval("exercise", pack, "--record", record, "--trainee", "Aigerim", "--lang", "ru"),
                         env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        read_until(a, "1-6")
        record.write_text("my notes\n", encoding="utf-8")
        _, err = a.communicate(ANSWERS.encode(), timeout=120)
    finally:
        a.kill()
    (aside,) = tmp_path.glob("record.json.*.session.json")
    assert a.returncode == 2
    assert err.decode() == (f"creval: {record}: это занятие не удалось добавить (уже существует и не является файлом "
                            f"результатов упражнений creval; укажите другое имя файла); оно сохранено в {aside}\n")
    assert record.read_text(encoding="utf-8") == "my notes\n"
    assert json.loads(aside.read_text(encoding="utf-8"))["sessions"][0]["trainees"][0]["trainee"] == "Aigerim"


def test_ctrl_c_at_a_prompt_scores_and_records_the_answers_given(pack, env, tmp_path):
    record = tmp_path / "record.json"
    proc = subprocess.Popen(creval("exercise", pack, "--record", record, "--trainee", "Aigerim"), env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        seen = read_until(proc, "Your answer")
        proc.stdin.write(b"5\n")
        proc.stdin.flush()
        while seen.count("Your answer") < 2:
            seen += read_until(proc, "Your answer")
        proc.send_signal(signal.SIGINT)  # Ctrl-C at the second question
        out, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    out = out.decode()
    assert "Interrupted: the session stops here; the answers given so far are scored (and recorded, with --record)." in out
    assert "Stopped early: 1 of 2 questions answered." in out and f"Results recorded in {record}." in out
    (session,) = json.loads(record.read_text(encoding="utf-8"))["sessions"]
    (trainee,) = session["trainees"]
    assert trainee["complete"] is False and [a["answer"] for a in trainee["answers"]] == ["return-forthwith"]
