"""The classroom store holds its promise, against a real `creval serve` on 127.0.0.1: classes
are capped with a clear message and expire, a locked file gives 503 within a second while
other pages answer, and a deleted or overwritten `--db` file refuses writes with the reason:
never an acknowledged answer that a restart would lose."""

from __future__ import annotations

import re
import sqlite3
import time

import httpx
import pytest
from browser import Server

from creval.web.store import Store, StoreFull


def csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)


def open_class(client: httpx.Client) -> httpx.Response:
    token = csrf(client.get("/class").text)
    return client.post("/class/open", data={"csrf": token, "pack": "military"}, follow_redirects=True)


def save_case(client: httpx.Client) -> httpx.Response:
    page = client.get("/case/conscription").text
    return client.post("/case/conscription", data={"csrf": csrf(page), "f.birth_date": "2000-01-01", "f.sex": "male",
                                                   "f.citizenship": "KZ"})


@pytest.fixture
def server(tmp_path):
    running = Server(tmp_path / "state.sqlite3", options=("--max-classes", "2")).start()
    yield running
    running.stop()


def test_classes_are_capped_with_a_clear_message(server):
    with httpx.Client(base_url=server.url, timeout=30) as client:
        assert open_class(client).status_code == 200
        assert open_class(client).status_code == 200
        third = open_class(client)
        assert third.status_code == 507
        assert "already keeps 2 classrooms" in third.text and "--max-classes" in third.text


def test_old_classes_expire(tmp_path):
    store = Store(tmp_path / "s.sqlite3", max_classes=1, class_days=30)
    code, _ = store.open_session("pack", [{"id": "a"}])
    with pytest.raises(StoreFull):
        store.open_session("pack", [{"id": "b"}])
    store.db.execute("UPDATE sessions SET created = created - 31 * 86400")  # opened a month ago
    store.open_session("pack", [{"id": "b"}])  # the old one made room
    assert store.session(code) is None
    again = Store(tmp_path / "s.sqlite3", class_days=0.001)  # a restart also removes the expired
    time.sleep(0.2)
    again.expire()
    assert again.db.execute("SELECT count(*) FROM sessions").fetchone()[0] <= 1


def test_stored_bytes_are_capped(tmp_path):
    store = Store(tmp_path / "s.sqlite3", max_class_bytes=10_000)
    store.open_session("pack", [{"id": "a", "story": "x" * 6_000}])
    with pytest.raises(StoreFull) as refused:
        store.open_session("pack", [{"id": "b", "story": "x" * 6_000}])
    assert refused.value.key == "web.store.full_bytes"


def test_a_locked_file_is_503_within_a_second_and_others_are_served(server):
    with httpx.Client(base_url=server.url, timeout=30) as client:
        client.get("/case/conscription")
        lock = sqlite3.connect(str(server.db), timeout=0)
        lock.execute("BEGIN EXCLUSIVE")
        try:
            start = time.monotonic()
            saved = save_case(client)
            assert saved.status_code == 503 and "locked by another program" in saved.text
            assert time.monotonic() - start < 1.5
            assert client.post("/api/v1/check", json={"id": "x", "facts": {}}).status_code in (200, 422)
        finally:
            lock.rollback()
            lock.close()
        assert save_case(client).status_code == 303


@pytest.mark.parametrize("harm", ["deleted", "overwritten"])
def test_a_deleted_or_overwritten_db_refuses_writes_and_a_restart_loses_nothing_acknowledged(server, harm):
    with httpx.Client(base_url=server.url, timeout=30) as client:
        first = save_case(client)
        assert first.status_code == 303
        if harm == "deleted":
            for suffix in ("", "-wal", "-shm"):
                server.db.with_name(server.db.name + suffix).unlink(missing_ok=True)
        else:
            server.db.write_bytes(b"not a database at all" * 100)
        refused = save_case(client)
        assert refused.status_code == 503
        assert ("deleted or replaced" if harm == "deleted" else "damaged") in refused.text
        assert "location" not in refused.headers  # nothing acknowledged
        opened = open_class(client)
        assert opened.status_code == 503
    server.stop()
    if harm == "overwritten":
        server.db.unlink()
    server.start()  # the file the server now opens holds nothing it acknowledged and lost
    with httpx.Client(base_url=server.url, timeout=30) as client:
        assert save_case(client).status_code == 303
