"""Answers that change only on known dates, kept per interval between them.

A treaty's status between two states changes only on the dates its rows name; a batch asks
the same pairs on many dates. `ByInterval` keeps, per key (a pair of states), the sorted dates
on which the answer may change, and the answer found for each interval between them. Used by
the treaty tables, the bilateral table and the derivation that reads several of them.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date
from typing import Any, Callable, Hashable

__all__ = ["ByInterval"]


class ByInterval:
    """Per key: the dates an answer may change on, and the answer per interval between them.
    Bounded: past `limit` keys it starts again."""

    def __init__(self, limit: int = 100_000):
        self.limit = limit
        self._kept: dict[Hashable, tuple[list[date], dict[int, Any]]] = {}

    def dates(self, key: Hashable, find: Callable[[], list[date]]) -> list[date]:
        """The key's sorted dates (`find()` them the first time)."""
        return self._entry(key, find)[0]

    def answer(self, key: Hashable, on: date, find: Callable[[], list[date]], make: Callable[[], Any]) -> Any:
        """The answer on `on`: `make()` once per interval between the key's dates."""
        dates, answers = self._entry(key, find)
        at = bisect_right(dates, on)
        found = answers.get(at)
        if found is None:
            found = answers[at] = make()
        return found

    def _entry(self, key: Hashable, find: Callable[[], list[date]]) -> tuple[list[date], dict[int, Any]]:
        entry = self._kept.get(key)
        if entry is None:
            if len(self._kept) >= self.limit:
                self._kept.clear()
            entry = self._kept[key] = (find(), {})
        return entry
