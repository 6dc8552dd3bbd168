"""Rule files read within bounds, parsed, and cached: a cold `creval check` spent most of its
time parsing YAML.

The rule files (and the i18n and treaty tables) are parsed by ruamel's pure-Python safe
loader, which took about 250 ms for the bundled rules on every start. The parsed data is
cached as JSON, keyed by the SHA-256 of the file's bytes (and this module's format), so an
edited file is simply parsed again.

The cache is only an accelerator, and it is never trusted:
- every entry carries an HMAC of its name (the source's digest) and content, made with a
  random key kept in the cache folder (`key`, readable by its owner only). An entry that
  does not verify (edited, truncated, moved to another name, written by anyone without the
  key) is ignored and rebuilt, so it cannot change a decision or the `rules_digest` stamp;
- entries and the key are read like any hostile input: opened without following links and
  without blocking, regular files only, size-capped; the folder must belong to the user and
  be writable by no one else, else no cache is used;
- the folder is created only under a home (or $XDG_CACHE_HOME's parent) that exists: a
  missing HOME is never created, the run is simply uncached.
Someone who can read the user's own files can forge entries, but could as well edit the
rule files themselves: the key guards against everyone else.

Rule files themselves are bounded too (size, nesting, and the values aliases expand to: an
"alias bomb" of a few lines would otherwise expand to billions of values when cached or
validated); `LimitError` says which bound was crossed.

Location: $CREVAL_CACHE_DIR, else $XDG_CACHE_HOME/creval, else ~/.cache/creval.
CREVAL_CACHE_DIR=off (or an empty value) disables it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import os
import stat
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

__all__ = [
    "LimitError", "MAX_DEPTH", "MAX_ENTRY_BYTES", "MAX_NODES", "MAX_SOURCE_BYTES", "MAX_TEXT", "YAMLError", "cache_dir",
    "check_bounds", "read_regular", "read_source", "safe_load"
]

_FORMAT = b"creval-yaml-cache-2\0"
_HEADER = b"creval-yaml-cache-2 "  # then the entry's HMAC in hex, a newline, and the JSON
_SUFFIX = ".entry"
_MAX_FILES = 256  # entries kept; the oldest half is dropped beyond that
_DATE_TAG = "$date"
_KEY_BYTES = 32

MAX_SOURCE_BYTES = 1_000_000  # a rule file (the largest bundled one is 50 KB)
MAX_ENTRY_BYTES = 8_000_000  # a cache entry; one that is larger is not read
MAX_NODES = 100_000  # values in a file, with every alias expanded (bundled files: under 1,000)
MAX_TEXT = 10_000_000  # characters of text in a file, with every alias expanded
MAX_DEPTH = 50  # nesting of mappings and lists (bundled files: 13 at most)

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class LimitError(ValueError):
    """A YAML file beyond one of the bounds above. `key` is the message's key in
    rules/i18n (cachelock.yaml), `values` its placeholders."""

    def __init__(self, key: str, **values: Any):
        super().__init__(f"{key}: {values}")
        self.key, self.values = key, values


def __getattr__(name: str) -> Any:
    """`YAMLError`, ruamel's error class, imported only when asked for: ruamel takes 9 ms to
    import and a cached file needs none of it (a caller's `except (yamlsafe.YAMLError, ...)`
    asks only when an exception is on its way)."""
    if name == "YAMLError":
        from ruamel.yaml.error import YAMLError

        return YAMLError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _Uncacheable(Exception):
    """The data holds something JSON would not give back unchanged."""


# ---------------------------------------------------------------- reading within bounds


def read_source(path: Path) -> bytes:
    """The bytes of a rule file: a regular file (a FIFO would block, a device never end) of
    at most MAX_SOURCE_BYTES. OSError when it cannot be read; LimitError beyond a bound."""
    data = read_regular(path, MAX_SOURCE_BYTES, follow=True)
    if data is None:
        raise LimitError("rulefile.not_regular")
    if len(data) > MAX_SOURCE_BYTES:
        raise LimitError("rulefile.too_big", limit=f"{MAX_SOURCE_BYTES:,}")
    return data


def read_regular(path: Path, limit: int, follow: bool) -> bytes | None:
    """At most limit + 1 bytes of a regular file (more means too big); None for anything else
    (also used for other files creval keeps: exercise records).
    Opening with O_NONBLOCK makes a FIFO fail the check instead of waiting for a writer."""
    fd = os.open(path, _OPEN_FLAGS | (0 if follow else _NOFOLLOW))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None
        if info.st_size > limit:
            return b"\0" * (limit + 1)  # too big, known unread
        chunks, left = [], limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def check_bounds(data: Any) -> None:
    """Refuse data whose expanded size (values, and characters of text) or nesting is beyond
    the bounds. Aliases share one object among their uses, so each object is measured once:
    the walk is linear in the file, however much the aliases would expand."""
    sizes: dict[int, tuple[int, int]] = {}
    open_now: set[int] = set()

    def size(value: Any, depth: int) -> tuple[int, int]:
        if isinstance(value, str):
            return 1, len(value)
        if not isinstance(value, (dict, list)):
            return 1, 0
        ident = id(value)
        if ident in sizes:
            return sizes[ident]
        if ident in open_now:  # an alias inside its own anchor: endless
            raise LimitError("rulefile.alias_loop")
        if depth > MAX_DEPTH:
            raise LimitError("rulefile.too_deep", max=MAX_DEPTH)
        open_now.add(ident)
        values, chars = 1, 0
        items = [x for pair in value.items() for x in pair] if isinstance(value, dict) else value
        for item in items:
            more, text = size(item, depth + 1)
            values, chars = values + more, chars + text
            if values > MAX_NODES or chars > MAX_TEXT:
                raise LimitError("rulefile.too_many_values", max=f"{MAX_NODES:,}", chars=f"{MAX_TEXT:,}")
        open_now.discard(ident)
        sizes[ident] = values, chars
        return values, chars

    size(data, 1)


# ---------------------------------------------------------------- parse, through the cache


def safe_load(path: Path, data: bytes | None = None) -> Any:
    """`YAML(typ="safe", pure=True)` applied to the file (or to `data`, its bytes, when the
    caller has read them), from the cache when the same bytes were parsed before. Parse
    errors and UnicodeDecodeError propagate unchanged; LimitError beyond a bound."""
    if data is None:
        data = read_source(path)
    store = _Store.open()
    name = hashlib.sha256(_FORMAT + data).hexdigest()
    if store is not None:
        found = store.get(name)
        if found is not _MISS:
            return found
    from ruamel.yaml import YAML  # here: a start that finds every file in the cache never imports it

    yaml = YAML(typ="safe", pure=True)  # one per parse: a parser is not safe to share across threads
    try:
        parsed = yaml.load(data.decode("utf-8"))  # decoded only when parsed: entries are what was decodable
    except RecursionError:  # ruamel's composer recurses once per level
        raise LimitError("rulefile.too_deep", max=MAX_DEPTH) from None
    check_bounds(parsed)
    if store is not None:
        store.put(name, parsed)
    return parsed


_MISS = object()


def cache_dir() -> Path | None:
    env = os.environ.get("CREVAL_CACHE_DIR")
    if env is not None:
        return None if env.strip() in ("", "off") else Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "creval"
    home = os.environ.get("HOME") or os.path.expanduser("~")
    return Path(home) / ".cache" / "creval" if home and os.path.isabs(home) else None


class _Store:
    """An open cache folder: its path and its key. `open()` gives None when there is no
    usable one (turned off, not ours, writable by others, no home to put it in)."""

    _opened: dict[Path, "_Store | None"] = {}  # once per process and folder

    def __init__(self, folder: Path, key: bytes):
        self.folder, self.key = folder, key

    @classmethod
    def open(cls) -> "_Store | None":
        folder = cache_dir()
        if folder is None:
            return None
        if folder not in cls._opened:
            cls._opened[folder] = cls._open(folder)
        return cls._opened[folder]

    @classmethod
    def _open(cls, folder: Path) -> "_Store | None":
        try:
            if not _usable_folder(folder):
                return None
            key = _read_key(folder / "key")
            return None if key is None else cls(folder, key)
        except OSError:
            return None

    def _mac(self, name: str, blob: bytes) -> bytes:
        return hmac.new(self.key, name.encode("ascii") + b"\n" + blob, hashlib.sha256).hexdigest().encode("ascii")

    def get(self, name: str) -> Any:
        """The data of a verified entry, else _MISS."""
        try:
            raw = read_regular(self.folder / (name + _SUFFIX), MAX_ENTRY_BYTES, follow=False)
        except OSError:
            return _MISS
        if raw is None or len(raw) > MAX_ENTRY_BYTES or not raw.startswith(_HEADER):
            return _MISS
        mac, _, blob = raw[len(_HEADER):].partition(b"\n")
        if not hmac.compare_digest(mac, self._mac(name, blob)):
            return _MISS
        try:
            return json.loads(blob, object_hook=_decode)
        except (ValueError, RecursionError):
            return _MISS

    def put(self, name: str, data: Any) -> None:
        try:
            blob = json.dumps(_encode(data), ensure_ascii=False, allow_nan=False).encode("utf-8")
        except (_Uncacheable, ValueError, TypeError, RecursionError):
            return
        entry = _HEADER + self._mac(name, blob) + b"\n" + blob
        if len(entry) > MAX_ENTRY_BYTES:
            return
        try:
            _write_atomic(self.folder / (name + _SUFFIX), entry)
            _prune(self.folder)
        except OSError:
            pass


def _usable_folder(folder: Path) -> bool:
    """The cache folder, created if missing (with ~/.cache, but never a missing home), owned
    by this user; made writable by no one else."""
    try:
        info = os.stat(folder)
    except FileNotFoundError:
        if not folder.parent.is_dir() and not _make_base(folder.parent):
            return False
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            pass
        info = os.stat(folder)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
        return False
    if info.st_mode & 0o022:  # ours, but others may write in it (an older creval made it so)
        os.chmod(folder, stat.S_IMODE(info.st_mode) & ~0o022)
    return True


def _make_base(base: Path) -> bool:
    """~/.cache (or $XDG_CACHE_HOME) when its parent exists; a missing home is not made."""
    if os.environ.get("CREVAL_CACHE_DIR") is not None or not base.parent.is_dir():
        return False
    try:
        os.mkdir(base, 0o700)
    except FileExistsError:
        pass
    return base.is_dir()


def _read_key(path: Path) -> bytes | None:
    """The folder's key, made on first use; None if the file there is not one this user
    made (a link, another owner, readable by others, the wrong size)."""
    try:
        fd = os.open(path, _OPEN_FLAGS | _NOFOLLOW)
    except FileNotFoundError:
        _write_atomic(path, os.urandom(_KEY_BYTES), replace=False)
        fd = os.open(path, _OPEN_FLAGS | _NOFOLLOW)
    try:
        info = os.fstat(fd)
        if (not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o077
                or info.st_size != _KEY_BYTES):
            return None
        key = os.read(fd, _KEY_BYTES + 1)
        return key if len(key) == _KEY_BYTES else None
    finally:
        os.close(fd)


def _write_atomic(path: Path, data: bytes, replace: bool = True) -> None:
    """Write to a new private file, then move it in place: a reader sees all or nothing.
    With replace=False an existing file wins (two first runs make one key)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")  # mode 0600, O_EXCL
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if replace:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
    finally:
        Path(tmp).unlink(missing_ok=True)  # gone already once replaced


def _prune(folder: Path) -> None:
    entries = list(folder.glob("*" + _SUFFIX))
    if len(entries) <= _MAX_FILES:
        return
    entries.sort(key=lambda p: p.lstat().st_mtime)
    for old in entries[: len(entries) // 2]:
        try:
            old.unlink()
        except OSError:
            pass


def _encode(value: Any) -> Any:
    """Plain JSON, dates tagged; anything JSON would alter makes the entry uncacheable."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _Uncacheable
        return value
    if isinstance(value, datetime):  # a datetime is a date too: not cached, to stay exact
        raise _Uncacheable
    if isinstance(value, date):
        return {_DATE_TAG: value.isoformat()}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        if any(not isinstance(k, str) for k in value) or (_DATE_TAG in value and len(value) == 1):
            raise _Uncacheable
        return {k: _encode(v) for k, v in value.items()}
    raise _Uncacheable


def _decode(obj: dict) -> Any:
    if len(obj) == 1 and _DATE_TAG in obj:
        return date.fromisoformat(obj[_DATE_TAG])
    return obj
