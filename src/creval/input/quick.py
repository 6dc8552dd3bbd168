"""The usual scenario validated by pydantic-core alone, without calling back into Python.

The scenario model checks some values in Python, to read what a person types (a date known
only roughly, `kz` for KZ, `Male` for male) and to word its messages. Most documents, and
every line a program writes, need none of that. A type checked in Python carries `Quick`:
a core schema that accepts a part of what its Python check accepts, with the same value.
`quick_validator(model)` is the model's own schema with each marked check swapped for its
quick schema: it builds the same model classes, and its checks not marked stay as they are.
A document it refuses goes to the model itself, whose messages are the only ones a reader
sees; so the swap changes how fast a document is read, never what is accepted or said.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, GetCoreSchemaHandler
from pydantic_core import CoreSchema, SchemaValidator

__all__ = ["Quick", "quick_validator"]

_KEY = "creval_quick"  # where a marked schema keeps its quick schema (its metadata)


@dataclass(frozen=True, eq=False)  # a schema is a dict: compared and hashed by identity
class Quick:
    """Marks a type checked in Python (the annotation before this one) with `schema`: a core
    schema that accepts only values that check accepts, and gives the same value for each."""

    schema: CoreSchema

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        schema = handler(source)
        return {**schema, "metadata": {**(schema.get("metadata") or {}), _KEY: self.schema}}  # type: ignore[return-value]


def _swapped(node: Any, changed: set[type]) -> Any:
    """`node` with each marked check swapped for its quick schema; the models whose schemas
    changed are added to `changed`."""
    if isinstance(node, dict):
        quick = (node.get("metadata") or {}).get(_KEY) if node.get("type") else None
        if quick is not None:
            return _swapped(quick, changed)
        swapped = {k: _swapped(v, changed) for k, v in node.items()}
        if node.get("type") == "model" and swapped != node:
            changed.add(node["cls"])
        return swapped
    if isinstance(node, list):
        return [_swapped(v, changed) for v in node]
    return node


@lru_cache(maxsize=4)
def quick_validator(model: type[BaseModel]) -> SchemaValidator:
    """A validator of `model`'s instances from its schema with every `Quick` check swapped in."""
    changed: set[type] = set()
    schema = _swapped(model.__pydantic_core_schema__, changed)
    # pydantic-core validates a field whose type is a complete model with that model's own
    # validator (its Python checks): the models changed here are marked incomplete while
    # this validator is built, so that each is built from its schema here
    try:
        for cls in changed:
            cls.__pydantic_complete__ = False
        return SchemaValidator(schema)
    finally:
        for cls in changed:
            cls.__pydantic_complete__ = True
