"""Everything `creval serve` keeps, in one SQLite file (stdlib sqlite3): a restart loses nothing.

Tables: `meta` (the secret that signs CSRF tokens), `cases` (scenarios entered on the case
page, by an unguessable token), `sessions` (classrooms: the pack's validated scenarios and the
trainer key's hash), `trainees`, `answers`, `reveals`. Keys and trainee tokens are stored only
as SHA-256 hashes. All access happens on the server's event-loop thread.

The promise that a restart loses nothing holds only if no write is acknowledged that did not
reach the file: before each write the file is checked to be the one opened (same device and
inode, still an SQLite file), else the write is refused (StoreLost, 503) with the reason. A
file locked by another program is waited for BUSY_TIMEOUT seconds at most, then 503, so one
lock never stalls every other request. Classes are bounded in number and in stored bytes
(StoreFull, 507), and expire after `class_days`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

__all__ = ["CLASS_DAYS", "CODE_ALPHABET", "CODE_LENGTH", "MAX_CASES", "MAX_CLASSES", "SCHEMA", "Session", "Store", "StoreBusy",
           "StoreError", "StoreFull", "StoreLost", "Trainee", "check_key", "digest"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cases (token TEXT PRIMARY KEY, test TEXT, doc TEXT NOT NULL, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    code TEXT PRIMARY KEY, trainer_hash TEXT NOT NULL, pack TEXT NOT NULL, docs TEXT NOT NULL, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS trainees (
    id INTEGER PRIMARY KEY AUTOINCREMENT, code TEXT NOT NULL REFERENCES sessions(code),
    name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, joined REAL NOT NULL);
CREATE TABLE IF NOT EXISTS answers (
    trainee INTEGER NOT NULL REFERENCES trainees(id), question TEXT NOT NULL, answer TEXT NOT NULL,
    at REAL NOT NULL, PRIMARY KEY (trainee, question));
CREATE TABLE IF NOT EXISTS reveals (code TEXT NOT NULL, question TEXT NOT NULL, PRIMARY KEY (code, question));
"""

MAX_CASES = 100_000  # cases kept; the oldest go first (a case is a page of facts: tens of MB at most)
MAX_CLASSES = 200  # classes open at once on one server (`creval serve --max-classes`)
MAX_CLASS_BYTES = 100 * 1024 * 1024  # the packs of open classes together
CLASS_DAYS = 30.0  # a class is removed this many days after it was opened (`creval serve --class-days`)
BUSY_TIMEOUT = 0.2  # seconds to wait for a file another program has locked (then 503)
SQLITE_HEADER = b"SQLite format 3\x00"


class StoreError(Exception):
    """A write refused, with its reason (a translation key and values); `status` for HTTP."""
    status = 503

    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key, self.values = key, values


class StoreLost(StoreError):
    """The database file was deleted, replaced or overwritten while the server ran."""


class StoreFull(StoreError):
    """The server holds as many classes, or as many bytes of packs, as it keeps."""
    status = 507


class StoreBusy(StoreError):
    """Another program holds the database locked."""
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud in a classroom
CODE_LENGTH = 6


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass
class Session:
    code: str
    trainer_hash: str
    pack: str
    docs: list[dict]
    created: float


@dataclass
class Trainee:
    id: int
    code: str
    name: str


class Store:
    def __init__(self, path: Path, max_cases: int = MAX_CASES, max_classes: int = MAX_CLASSES,
                 max_class_bytes: int = MAX_CLASS_BYTES, class_days: float = CLASS_DAYS):
        self.path, self.max_cases = path, max_cases
        self.max_classes, self.max_class_bytes, self.class_days = max_classes, max_class_bytes, class_days
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=BUSY_TIMEOUT)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.executescript(SCHEMA)
        self.secret = self._secret()
        info = os.stat(path)
        self._identity = (info.st_dev, info.st_ino)
        self.expire()

    def _writable(self) -> None:
        """Refuse a write that would not reach the file opened: deleted, replaced or overwritten."""
        try:
            info = os.stat(self.path)
            with open(self.path, "rb") as handle:
                header = handle.read(len(SQLITE_HEADER))
        except OSError:
            raise StoreLost("web.store.lost", db=str(self.path)) from None
        if (info.st_dev, info.st_ino) != self._identity:
            raise StoreLost("web.store.lost", db=str(self.path))
        if header != SQLITE_HEADER:
            raise StoreLost("web.store.corrupt", db=str(self.path))

    def _write(self, sql: str, args: tuple = ()) -> sqlite3.Cursor:
        """One write, acknowledged only once it reached the file opened."""
        self._writable()
        try:
            cur = self.db.execute(sql, args)
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreBusy("web.store.busy", db=str(self.path)) from None
            raise StoreLost("web.store.corrupt", db=str(self.path)) from exc
        except sqlite3.DatabaseError as exc:  # "file is not a database", "disk image is malformed"
            raise StoreLost("web.store.corrupt", db=str(self.path)) from exc
        self._writable()  # replaced meanwhile: the write went to a file no restart reads
        return cur

    def expire(self) -> None:
        """Remove the classes opened more than `class_days` ago, with their trainees and answers."""
        cutoff = time.time() - self.class_days * 86400
        try:
            old = [row[0] for row in self.db.execute("SELECT code FROM sessions WHERE created < ?", (cutoff,))]
            for code in old:
                self.db.execute("DELETE FROM answers WHERE trainee IN (SELECT id FROM trainees WHERE code = ?)", (code,))
                self.db.execute("DELETE FROM trainees WHERE code = ?", (code,))
                self.db.execute("DELETE FROM reveals WHERE code = ?", (code,))
                self.db.execute("DELETE FROM sessions WHERE code = ?", (code,))
        except sqlite3.OperationalError:  # locked just now: the next class opened tries again
            pass

    def close(self) -> None:
        self.db.close()

    def _secret(self) -> str:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'secret'").fetchone()
        if row:
            return row[0]
        value = secrets.token_hex(32)
        self.db.execute("INSERT OR IGNORE INTO meta VALUES ('secret', ?)", (value,))
        return self.db.execute("SELECT value FROM meta WHERE key = 'secret'").fetchone()[0]

    def sign(self, text: str) -> str:
        return hmac.new(self.secret.encode(), text.encode(), hashlib.sha256).hexdigest()

    # -- cases --------------------------------------------------------------------------

    def save_case(self, doc: dict, test: Optional[str]) -> str:
        token = secrets.token_urlsafe(16)
        cur = self._write("INSERT INTO cases VALUES (?, ?, ?, ?)", (token, test, json.dumps(doc, ensure_ascii=False), time.time()))
        if cur.lastrowid % 1000 == 0:  # now and then, forget the oldest beyond the bound
            self.db.execute("DELETE FROM cases WHERE rowid <= ?", (cur.lastrowid - self.max_cases,))
        return token

    def case(self, token: str) -> Optional[tuple[dict, Optional[str]]]:
        row = self.db.execute("SELECT doc, test FROM cases WHERE token = ?", (token,)).fetchone()
        return (json.loads(row[0]), row[1]) if row else None

    # -- classroom sessions ---------------------------------------------------------------

    def open_session(self, pack: str, docs: list[dict]) -> tuple[str, str]:
        """A new session: (join code, trainer key). Only the key's hash is kept."""
        key = secrets.token_urlsafe(18)
        self._writable()
        self.expire()
        stored = json.dumps(docs, ensure_ascii=False)
        count, size = self.db.execute("SELECT count(*), coalesce(sum(length(CAST(docs AS BLOB))), 0) FROM sessions").fetchone()
        if count >= self.max_classes:
            raise StoreFull("web.store.full_classes", max=self.max_classes, days=f"{self.class_days:g}")
        if size + len(stored.encode("utf-8")) > self.max_class_bytes:
            raise StoreFull("web.store.full_bytes", mb=f"{self.max_class_bytes / 1048576:g}", days=f"{self.class_days:g}")
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            try:
                self._write("INSERT INTO sessions VALUES (?, ?, ?, ?, ?)", (code, digest(key), pack, stored, time.time()))
                return code, key
            except sqlite3.IntegrityError:  # the code is taken: draw again
                continue

    def session(self, code: str) -> Optional[Session]:
        row = self.db.execute("SELECT code, trainer_hash, pack, docs, created FROM sessions WHERE code = ?",
                              (code.upper(),)).fetchone()
        return Session(row[0], row[1], row[2], json.loads(row[3]), row[4]) if row else None

    def join(self, code: str, name: str) -> tuple[Trainee, str]:
        token = secrets.token_urlsafe(18)
        cur = self._write("INSERT INTO trainees (code, name, token_hash, joined) VALUES (?, ?, ?, ?)",
                              (code, name, digest(token), time.time()))
        return Trainee(cur.lastrowid, code, name), token

    def trainee(self, code: str, token: Optional[str]) -> Optional[Trainee]:
        if not token:
            return None
        row = self.db.execute("SELECT id, code, name FROM trainees WHERE token_hash = ? AND code = ?",
                              (digest(token), code)).fetchone()
        return Trainee(*row) if row else None

    def count_trainees(self, code: str) -> int:
        return self.db.execute("SELECT count(*) FROM trainees WHERE code = ?", (code,)).fetchone()[0]

    def trainees(self, code: str) -> list[Trainee]:
        rows = self.db.execute("SELECT id, code, name FROM trainees WHERE code = ? ORDER BY id", (code,))
        return [Trainee(*row) for row in rows]

    def answer(self, trainee: Trainee, question: str, answer: str) -> None:
        self._write("INSERT INTO answers VALUES (?, ?, ?, ?) ON CONFLICT (trainee, question) "
                        "DO UPDATE SET answer = excluded.answer, at = excluded.at",
                        (trainee.id, question, answer, time.time()))

    def answers_of(self, trainee: Trainee) -> dict[str, str]:
        rows = self.db.execute("SELECT question, answer FROM answers WHERE trainee = ?", (trainee.id,))
        return dict(rows.fetchall())

    def answers(self, code: str) -> list[tuple[int, str, str, str, float]]:
        """Every answer of a session: (trainee id, trainee name, question, answer, time)."""
        rows = self.db.execute(
            "SELECT t.id, t.name, a.question, a.answer, a.at FROM answers a JOIN trainees t ON t.id = a.trainee "
            "WHERE t.code = ? ORDER BY t.id, a.at", (code,))
        return rows.fetchall()

    def reveal(self, code: str, question: str) -> None:
        self._write("INSERT OR IGNORE INTO reveals VALUES (?, ?)", (code, question))

    def revealed(self, code: str) -> set[str]:
        return {row[0] for row in self.db.execute("SELECT question FROM reveals WHERE code = ?", (code,))}


def check_key(session: Session, key: Optional[str]) -> bool:
    return bool(key) and hmac.compare_digest(session.trainer_hash, digest(key))
