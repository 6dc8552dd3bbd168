"""Parsed rule files, cached: a cold `creval check` spent most of its time parsing YAML.

The rule files (and the i18n and treaty tables) are parsed by ruamel's pure-Python safe
loader, which took about 250 ms for the bundled rules on every start. The parsed data is
cached as JSON, keyed by the SHA-256 of the file's text (and this module's format), so an
edited file is simply parsed again. The cache is only an accelerator: a cache that cannot
be read or written is ignored, and whatever comes out of it is validated by the same
schemas as freshly parsed YAML.

Location: $CREVAL_CACHE_DIR, else $XDG_CACHE_HOME/creval, else ~/.cache/creval.
CREVAL_CACHE_DIR=off (or an empty value) disables it.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

_FORMAT = b"creval-yaml-cache-1\0"
_MAX_FILES = 256  # entries kept; the oldest half is dropped beyond that
_DATE_TAG = "$date"


class _Uncacheable(Exception):
    """The data holds something JSON would not give back unchanged."""


def cache_dir() -> Path | None:
    env = os.environ.get("CREVAL_CACHE_DIR")
    if env is not None:
        return None if env.strip() in ("", "off") else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "creval"


def safe_load(path: Path, yaml: Any = None) -> Any:
    """`YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))`, from the cache
    when the same text was parsed before. Parse errors propagate unchanged."""
    text = path.read_text(encoding="utf-8")
    folder = cache_dir()
    entry = None
    if folder is not None:
        key = hashlib.sha256(_FORMAT + text.encode("utf-8", "surrogatepass")).hexdigest()
        entry = folder / f"{key}.json"
        try:
            return json.loads(entry.read_text(encoding="utf-8"), object_hook=_decode)
        except (OSError, ValueError):
            pass
    if yaml is None:
        from ruamel.yaml import YAML

        yaml = YAML(typ="safe", pure=True)
    data = yaml.load(text)
    if entry is not None:
        _store(entry, data)
    return data


def _store(entry: Path, data: Any) -> None:
    try:
        blob = json.dumps(_encode(data), ensure_ascii=False, allow_nan=False)
    except (_Uncacheable, ValueError, TypeError, RecursionError):
        return
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        tmp = entry.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(blob, encoding="utf-8")
        os.replace(tmp, entry)  # atomic: a reader sees the whole entry or none
        _prune(entry.parent)
    except OSError:
        pass


def _prune(folder: Path) -> None:
    entries = list(folder.glob("*.json"))
    if len(entries) <= _MAX_FILES:
        return
    entries.sort(key=lambda p: p.stat().st_mtime)
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
