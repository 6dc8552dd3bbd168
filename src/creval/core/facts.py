"""A validated scenario's facts as plain values, by matter, and the digest of the scenario.

The meeting point of input (which validates a scenario) and the engine (which decides from
its facts): both take a scenario through these two functions, so neither imports the other.
The scenario digest is the SHA-256 of the canonical JSON of the validated scenario (keys
sorted, no insignificant white space, unknown facts left out), so a memo names exactly the
facts it was computed from.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import orjson
from pydantic import BaseModel

__all__ = ["matter_facts", "scenario_digest"]


# The types of facts that are plain values already (a term is a model: it becomes a dict; a
# date known only roughly stays a DateRange)
_PLAIN = frozenset({type(None), bool, int, str, date})


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump()
    return value


def matter_facts(scenario: BaseModel) -> dict[str, dict[str, Any]]:
    """The matters a scenario names, each with its facts (None for unknown)."""
    out = {}
    for matter in scenario.facts.__pydantic_fields_set__:  # model_fields_set, without its property call
        values = getattr(scenario.facts, matter).__dict__  # the fields as validated (iterating a model is slow)
        # most matters hold plain values only: one copy, without a call for each value
        plain = _PLAIN.issuperset(map(type, values.values()))
        out[matter] = dict(values) if plain else {k: _plain(v) for k, v in values.items()}
    return out


def scenario_digest(scenario: Any, facts: dict[str, dict[str, Any]] | None = None) -> str:
    """sha256 of the canonical JSON of a validated scenario (a pydantic model). `facts` are
    its `matter_facts`, when the caller already has them."""
    if facts is None:
        facts = matter_facts(scenario)
    data = {k: v for k, v in scenario.__dict__.items() if v is not None and k != "facts"}
    data["facts"] = {m: {k: v for k, v in f.items() if v is not None} for m, f in facts.items()}
    # orjson with sorted keys gives the same bytes as json.dumps(sort_keys=True,
    # separators=(",", ":"), ensure_ascii=False) for these values (dates as ISO text), about
    # ten times faster
    return "sha256:" + hashlib.sha256(orjson.dumps(data, option=orjson.OPT_SORT_KEYS, default=_rough_date)).hexdigest()


def _rough_date(value: Any) -> Any:
    """A date known only roughly (core/dates.py) in the digest: {"from", "to"}."""
    as_json = getattr(value, "as_json", None)
    if as_json is None:
        raise TypeError(type(value).__name__)
    return as_json()
