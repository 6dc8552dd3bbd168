"""The condition language of rule files: parsing, negation, compilation, plain matching.

A condition tests the fields of one matter fact. Rule files write it as YAML:

    {all: [c, ...]}   {any: [c, ...]}
    {eq: [field, v]}  {ne: [field, v]}  {lt|lte|gt|gte: [field, v]}
    {in: [field, [v, ...]]}  {not_in: [field, [v, ...]]}
    {is_true: field}  {is_false: field}  {not_true: field}   (not_true: absent or false)
    {known: field}    {unknown: field}

where `v` is a literal, `{field: name}` (another field of the same fact) or `{param: name}`
(a parameter of the rule, substituted when the rule is compiled). Only these operators
exist: anything else is rejected when the rule file loads, because durable_rules silently
never matches an operator it does not know (see docs/limits.md, Engine).

Matching is two-valued: a comparison on an absent field does not match. A criterion gets
two conditions, `met` and `unmet` (by default the negation of `met`, pushed down to the
leaves), and is unknown when neither matches: that is how unknown stays neither true nor
false.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Any, Union

__all__ = [
    "COMPARISONS", "Compare", "Condition", "ConditionError", "FieldRef", "Junction", "Member",
    "NEGATED_COMPARISON", "OPERATORS", "ORDERED", "Presence", "Schema", "Truth", "fields", "matches", "negate",
    "parse", "to_durable"
]

COMPARISONS = {"eq": "$eq", "ne": "$neq", "lt": "$lt", "lte": "$lte", "gt": "$gt", "gte": "$gte"}
ORDERED = {"lt", "lte", "gt", "gte"}
NEGATED_COMPARISON = {"eq": "ne", "ne": "eq", "lt": "gte", "gte": "lt", "lte": "gt", "gt": "lte"}
OPERATORS = frozenset(
    [*COMPARISONS, "all", "any", "in", "not_in", "is_true", "is_false", "not_true", "known", "unknown"]
)


class ConditionError(ValueError):
    """A condition that breaks the language; the message names the offending part."""


@dataclass(frozen=True)
class FieldRef:
    name: str


@dataclass(frozen=True)
class Compare:
    op: str  # one of COMPARISONS
    field: str
    operand: Any  # a literal or a FieldRef


@dataclass(frozen=True)
class Member:
    field: str
    values: tuple
    negated: bool  # not_in


@dataclass(frozen=True)
class Truth:
    field: str
    kind: str  # is_true | is_false | not_true


@dataclass(frozen=True)
class Presence:
    field: str
    known: bool


@dataclass(frozen=True)
class Junction:
    op: str  # all | any
    parts: tuple


Condition = Union[Compare, Member, Truth, Presence, Junction]


class Schema:
    """What a condition may mention: field types, enumerations and parameters."""

    def __init__(self, types: dict[str, str], enums: dict[str, list[str]], params: dict[str, Any]):
        self.types = types
        self.enums = enums
        self.params = params

    def field(self, name: Any, where: str) -> str:
        if not isinstance(name, str) or name not in self.types:
            known = ", ".join(sorted(self.types))
            raise ConditionError(f"{where}: unknown field {name!r} (known: {known})")
        return name

    def literal(self, field: str, value: Any, where: str) -> Any:
        if isinstance(value, dict):
            if set(value) == {"param"}:
                if value["param"] not in self.params:
                    raise ConditionError(f"{where}: unknown parameter {value['param']!r}")
                value = self.params[value["param"]]
            elif set(value) == {"field"}:
                other = self.field(value["field"], where)
                if self.types[other] != self.types[field]:
                    raise ConditionError(f"{where}: cannot compare {field} with {other}: different types")
                return FieldRef(other)
            else:
                raise ConditionError(f"{where}: an operand is a literal, {{field: name}} or {{param: name}}")
        kind = self.types[field]
        ok = {
            "bool": isinstance(value, bool),
            "int": isinstance(value, int) and not isinstance(value, bool),
            "enum": isinstance(value, str) and value in self.enums.get(field, ()),
            "state": isinstance(value, str) and len(value) == 2 and value.isupper(),
            "status": isinstance(value, str),
        }.get(kind, False)
        if not ok:
            raise ConditionError(f"{where}: {value!r} is not a valid {kind} value for {field}")
        return value


def parse(raw: Any, schema: Schema, where: str = "condition") -> Condition:
    """Turn the YAML form into a checked condition tree."""
    if not isinstance(raw, dict) or len(raw) != 1:
        raise ConditionError(f"{where}: a condition is a mapping with exactly one operator")
    (op, arg), = raw.items()
    here = f"{where}.{op}"
    if op not in OPERATORS:
        raise ConditionError(f"{where}: unknown operator {op!r} (allowed: {', '.join(sorted(OPERATORS))})")
    if op in ("all", "any"):
        if not isinstance(arg, list) or not arg:
            raise ConditionError(f"{here}: expects a non-empty list of conditions")
        return Junction(op, tuple(parse(part, schema, f"{here}[{i}]") for i, part in enumerate(arg)))
    if op in ("is_true", "is_false", "not_true", "known", "unknown"):
        field = schema.field(arg, here)
        if op in ("is_true", "is_false", "not_true") and schema.types[field] != "bool":
            raise ConditionError(f"{here}: {field} is not a yes/no fact")
        if op in ("known", "unknown"):
            return Presence(field, op == "known")
        return Truth(field, op)
    if not isinstance(arg, list) or len(arg) != 2:
        raise ConditionError(f"{here}: expects [field, value]")
    field = schema.field(arg[0], here)
    if op in ("in", "not_in"):
        values = arg[1]
        if isinstance(values, dict) and set(values) == {"param"}:
            if values["param"] not in schema.params:
                raise ConditionError(f"{here}: unknown parameter {values['param']!r}")
            values = schema.params[values["param"]]
        if not isinstance(values, list) or not values:
            raise ConditionError(f"{here}: expects a non-empty list of values")
        checked = tuple(schema.literal(field, v, here) for v in values)
        return Member(field, checked, op == "not_in")
    if op in ORDERED and schema.types[field] not in ("date", "int"):
        raise ConditionError(f"{here}: {field} cannot be ordered (only dates and numbers)")
    return Compare(op, field, schema.literal(field, arg[1], here))


def negate(cond: Condition) -> Condition:
    """The condition that matches exactly when `cond` is known to be false (Kleene negation)."""
    if isinstance(cond, Compare):
        return Compare(NEGATED_COMPARISON[cond.op], cond.field, cond.operand)
    if isinstance(cond, Member):
        return Member(cond.field, cond.values, not cond.negated)
    if isinstance(cond, Truth):
        # not_true is closed-world (absent counts as false), so its negation is simply is_true.
        return Truth(cond.field, {"is_true": "is_false", "is_false": "is_true", "not_true": "is_true"}[cond.kind])
    if isinstance(cond, Presence):
        return Presence(cond.field, not cond.known)
    return Junction("any" if cond.op == "all" else "all", tuple(negate(p) for p in cond.parts))


def fields(cond: Condition) -> set[str]:
    if isinstance(cond, Junction):
        return set().union(*(fields(p) for p in cond.parts))
    found = {cond.field}
    if isinstance(cond, Compare) and isinstance(cond.operand, FieldRef):
        found.add(cond.operand.name)
    return found


def to_durable(cond: Condition) -> dict:
    """The durable_rules JSON form of a condition (no `$not`, only allow-listed operators)."""
    if isinstance(cond, Compare):
        if isinstance(cond.operand, FieldRef):
            # durable matches every comparison against an absent `$m` field (lt and gte both
            # fire), so the other field must be known too, as in `matches` below.
            compare = {COMPARISONS[cond.op]: {cond.field: {"$m": cond.operand.name}}}
            return {"$and": [{"$ex": {cond.operand.name: 1}}, compare]}
        if cond.op == "eq":
            return {cond.field: cond.operand}
        return {COMPARISONS[cond.op]: {cond.field: cond.operand}}
    if isinstance(cond, Member):
        if cond.negated:
            return {"$and": [{"$neq": {cond.field: v}} for v in cond.values]}
        return {"$or": [{cond.field: v} for v in cond.values]}
    if isinstance(cond, Truth):
        if cond.kind == "not_true":
            return {"$or": [{"$nex": {cond.field: 1}}, {cond.field: False}]}
        return {cond.field: cond.kind == "is_true"}
    if isinstance(cond, Presence):
        return {("$ex" if cond.known else "$nex"): {cond.field: 1}}
    return {("$and" if cond.op == "all" else "$or"): [to_durable(p) for p in cond.parts]}


def matches(cond: Condition, fact: dict) -> bool:
    """Plain-Python matching with durable_rules' semantics: the oracle for the engine."""
    if isinstance(cond, Junction):
        if cond.op == "all":
            for part in cond.parts:
                if not matches(part, fact):
                    return False
            return True
        for part in cond.parts:
            if matches(part, fact):
                return True
        return False
    value = fact.get(cond.field)
    if isinstance(cond, Presence):
        return (value is not None) == cond.known
    if isinstance(cond, Truth):
        if cond.kind == "not_true":
            return value is None or value is False
        return value is (cond.kind == "is_true")
    if value is None:
        return False
    if isinstance(cond, Member):
        inside = value in cond.values
        return not inside if cond.negated else inside
    other = fact.get(cond.operand.name) if isinstance(cond.operand, FieldRef) else cond.operand
    if other is None:
        return False
    return _COMPARE[cond.op](value, other)


_COMPARE = {"eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "lte": operator.le, "gt": operator.gt, "gte": operator.ge}
