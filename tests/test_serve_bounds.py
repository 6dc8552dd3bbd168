"""A server no request can stall, against a real `creval serve` on 127.0.0.1: a slow scenario
does not hold up the others, a request past the time limit is refused with its reason,
half-open connections are closed, SIGTERM stops the server at once, and the API's date
errors are the CLI's. Loops are bounded; timings are generous (speed is bench/'s)."""

from __future__ import annotations

import http.client
import json
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
from browser import REPO, Server

WIDE = {"from": "1800-01-01", "to": "2199-12-31"}
SLOW = {"id": "slow", "as_of": "2024-01-01", "facts": {"abduction": {
    "child_birth_date": WIDE, "removal_date": WIDE, "proceedings_date": WIDE, "habitual_residence": "RU", "taken_to": "KZ"}}}
FAST = {"id": "fast", "as_of": "2024-01-01", "facts": {"abduction": {
    "child_birth_date": "2012-05-05", "removal_date": "2023-06-01", "proceedings_date": "2023-09-01",
    "habitual_residence": "RU", "taken_to": "KZ"}}}


def Limited(db, time_limit: float) -> Server:
    """`creval serve` with a time limit."""
    return Server(db, options=("--time-limit", str(time_limit)))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = Limited(tmp_path_factory.mktemp("serve-bounds") / "state.sqlite3", 20).start()
    yield running
    running.stop()


def post(server, body, path="/api/v1/check", timeout=60) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        conn.request("POST", path, json.dumps(body).encode(), {"content-type": "application/json"})
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


def test_a_slow_scenario_does_not_stall_the_others(server):
    slow: list[tuple[int, float]] = []

    def run_slow():
        start = time.monotonic()
        status, _ = post(server, SLOW)
        slow.append((status, time.monotonic() - start))

    workers = [threading.Thread(target=run_slow) for _ in range(2)]
    for w in workers:
        w.start()
    time.sleep(0.2)
    fast = []
    while any(w.is_alive() for w in workers) and len(fast) < 200:
        start = time.monotonic()
        status, body = post(server, FAST)
        assert status == 200 and body["results"][0]["test"] == "hague-abduction-return"
        fast.append(time.monotonic() - start)
    for w in workers:
        w.join(60)
    assert all(status == 422 for status, _ in slow), slow  # too wide: refused with the facts to narrow
    slowest = max(seconds for _, seconds in slow)
    fast.sort()
    assert fast and fast[len(fast) // 2] < max(0.5, slowest / 4), (fast, slowest)  # answered meanwhile, not after


def test_past_the_time_limit_the_reason_is_given(tmp_path):
    running = Limited(tmp_path / "s.sqlite3", 0.2).start()
    try:
        status, body = post(running, SLOW)
        assert status in (422, 504), body
        assert "longer" in body["detail"] or "too many combinations" in body["detail"]
        assert post(running, FAST)[0] == 200  # and the server goes on
    finally:
        running.stop()


def test_sigterm_stops_the_server_within_seconds_even_mid_evaluation(tmp_path):
    running = Limited(tmp_path / "s.sqlite3", 60).start()
    waiting = threading.Thread(target=lambda: post(running, SLOW), daemon=True)
    waiting.start()
    time.sleep(0.5)
    start = time.monotonic()
    running.process.send_signal(signal.SIGTERM)
    running.process.wait(10)
    assert time.monotonic() - start < 6


def test_half_open_connections_are_closed_and_others_served(server):
    held = []
    try:
        for _ in range(300):
            s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            s.sendall(b"POST /api/v1/check HTTP/1.1\r\nHost: x\r\n")  # headers never finished
            held.append(s)
        assert post(server, FAST)[0] == 200
        held[0].settimeout(20)
        assert held[0].recv(100) == b""  # closed by the server (headers deadline, 10 s)
    finally:
        for s in held:
            s.close()


@pytest.mark.parametrize("value", ["1799-12-31", "2200-01-01", "01.09.2025", "tomorrow"])
def test_the_apis_date_errors_are_the_clis(server, value, tmp_path):
    status, body = post(server, FAST, f"/api/v1/check?as_of={value}")
    assert status == 422
    path = tmp_path / "case.json"
    path.write_text(json.dumps(FAST), encoding="utf-8")
    cli = subprocess.run([sys.executable, "-m", "creval", "--rules", str(REPO / "rules"), "check", "--as-of", value, str(path)],
                         capture_output=True, text=True, timeout=60)
    assert cli.returncode == 2
    assert cli.stderr.strip() == f"creval: {body['detail']}"
    if value.startswith(("1799", "2200")):
        assert "1800-01-01 to 2199-12-31" in body["detail"]


def test_a_body_that_does_not_arrive_is_408():
    import asyncio

    from creval.web.common import BodyLimit

    async def app(scope, receive, send):  # reads the whole body, then answers
        while (await receive()).get("more_body"):
            pass
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def trickle():  # one chunk, then nothing
        if not sent:
            sent.append(1)
            return {"type": "http.request", "body": b"{", "more_body": True}
        await asyncio.sleep(3600)

    sent, answers = [], []

    async def send(message):
        answers.append(message)

    async def main():
        await asyncio.wait_for(BodyLimit(app, timeout=0.2)({"type": "http", "headers": []}, trickle, send), 10)

    asyncio.run(main())
    assert answers[0]["status"] == 408


def test_rough_scenarios_answer_over_http_exactly_as_the_cli(server):
    """Evaluated in the server's worker process, a rough scenario gives the CLI's object."""
    folder = REPO / "scenarios" / "ranged"
    cli = subprocess.run([sys.executable, "-m", "creval", "--rules", str(REPO / "rules"), "check", "--format", "json",
                          "--lang", "ru", str(folder)], capture_output=True, text=True, timeout=300)
    expected = {doc["scenario"]: doc for doc in json.loads(cli.stdout)}
    for path in sorted(folder.glob("*.yaml")):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        conn.request("POST", "/api/v1/check?lang=ru", path.read_bytes(), {"content-type": "application/yaml"})
        got = json.loads(conn.getresponse().read())
        conn.close()
        want = expected[got["scenario"]]
        got.pop("file"), want.pop("file")
        assert got == want, path.name
