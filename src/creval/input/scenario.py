"""The scenario model: pydantic models generated from the rule files' fact declarations.

Each rule file declares its matter's facts (type, enumeration, bounds); the models here are
built from those declarations, so a bound such as the 10-20 year ban range lives in the rule
file and drives validation too. Validation is strict: no string for a boolean, no number
for a date, no unknown matter or fact, and dates of one matter must come in order.
Each type checked in Python also names (`Quick`) the part of its values pydantic-core can
check alone, so that the usual document is checked without calling back into Python
(input/quick.py); what that leaves goes to the checks here, which word every message.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache, partial
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    StrictBool,
    StrictInt,
    WithJsonSchema,
    create_model,
    model_validator,
)
from pydantic_core import core_schema

from creval.core.dates import DATE_FACT_SCHEMA, FIRST_DATE, LAST_DATE, DateRange, parse_date_fact
from creval.core.facts import matter_facts  # noqa: F401  (exported: a scenario's facts by matter)
from creval.core.text import Msg, in_language, t, tr  # noqa: F401  (in_language: exported)
from creval.input.forgiving import date_hint, one_of, state_code, state_meant, suggest
from creval.input.quick import Quick, quick_validator
from creval.law.rulebook import Bound, FactSpec, RuleBook, order_constraints

__all__ = [
    "DateFact", "FIRST_DATE", "FieldError", "ID_PATTERN", "INT64_MAX", "INT64_MIN", "InLanguages", "IsoDate",
    "LAST_DATE", "LanguageKey", "MAX_TERM_YEARS", "State", "Term", "in_language", "is_state", "matter_facts",
    "parse_as_of", "parse_iso_date", "scenario_model", "short_repr"
]

ID_PATTERN = r"^[A-Za-z0-9._-]+$"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_TERM_YEARS = 100  # a sanity bound on input, not a legal threshold
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1  # integers the engine takes (docs/limits.md)


# A title or story: plain text, or the same text by language ({en: ..., ru: ..., kk: ...}).
LanguageKey = Literal["en", "ru", "kk"]
InLanguages = Union[str, Annotated[dict[LanguageKey, str], Field(min_length=1)]]


def short_repr(value: Any, limit: int = 60) -> str:
    """`repr(value)` for a message, cut to `limit` characters: a value or name from a file
    may be 900 KB long, and a message repeats it."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class FieldError(ValueError):
    """A cross-field error with its field path, so that the loader can give its line."""

    def __init__(self, loc: tuple, message: str):
        super().__init__(f"{'.'.join(map(str, loc))}: {message}")
        self.loc, self.message = loc, message


def parse_iso_date(value: Any) -> date:
    if isinstance(value, date) and not hasattr(value, "hour"):
        return _in_range(value)
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            raise ValueError(Msg("input.not_calendar_date", value=short_repr(value))) from None
        return _in_range(parsed)
    hint = date_hint(value)  # 20.05.2016: refused, with the date it reads as
    if hint is not None:
        raise ValueError(Msg("forgiving.date_format", value=short_repr(value), hint=hint))
    raise ValueError(Msg("input.date_format", value=short_repr(value)))


def _in_range(value: date) -> date:
    # Rules add up to MAX_TERM_YEARS and more to a date; near year 9999 that overflows.
    if not FIRST_DATE <= value <= LAST_DATE:
        raise ValueError(Msg("input.date_range", value=value.isoformat(), first=FIRST_DATE.isoformat(), last=LAST_DATE.isoformat()))
    return value


def _state(value: Any) -> str:
    value = state_code(value)  # `kz` is KZ
    if not isinstance(value, str) or not _STATE.fullmatch(value):
        meant = state_meant(value)  # KAZ, Kazakhstan: refused, with the code
        message = Msg("input.state_format", value=short_repr(value))
        raise ValueError(message if meant is None else Msg("forgiving.did_you_mean", message=message, suggestion=meant))
    if not _is_state(value):
        raise ValueError(Msg("input.state_unknown", value=short_repr(value)))
    return value


_STATE = re.compile(r"[A-Z]{2}")


def is_state(code: str) -> bool:
    """Whether `code` is an ISO 3166-1 alpha-2 code of a state."""
    return bool(_STATE.fullmatch(code)) and _is_state(code)


@lru_cache(maxsize=None)  # at most 26 * 26 codes
def _is_state(code: str) -> bool:
    import pycountry  # here: a scenario without a state never pays for its import (5 ms)

    return pycountry.countries.get(alpha_2=code) is not None


def _known_state(code: str) -> str:
    if not _is_state(code):
        raise ValueError(code)  # never shown: the model's own check (_state) words the message
    return code


# What the checks above accept without reading anything in another way, checked in
# pydantic-core (input/quick.py): a date as a `date` or as YYYY-MM-DD, a state's code in
# capitals. The rest (20.05.2016, 2016, `kz`) goes to the Python checks.
_EXACT_DATE = core_schema.union_schema([
    core_schema.date_schema(strict=True, ge=FIRST_DATE, le=LAST_DATE),
    core_schema.chain_schema([core_schema.str_schema(strict=True, pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
                              core_schema.date_schema(ge=FIRST_DATE, le=LAST_DATE)]),
], mode="left_to_right")
_STATE_CODE = core_schema.no_info_after_validator_function(_known_state, core_schema.str_schema(strict=True, pattern=r"^[A-Z]{2}$"))

IsoDate = Annotated[date, BeforeValidator(parse_iso_date), Quick(_EXACT_DATE)]
# A date fact: exact, or known only roughly (a year, a month, a range: core/dates.py)
DateFact = Annotated[
    Any,
    BeforeValidator(partial(parse_date_fact, exact=parse_iso_date, first=FIRST_DATE, last=LAST_DATE)),
    WithJsonSchema(DATE_FACT_SCHEMA),
    PlainSerializer(lambda v: v.as_json() if isinstance(v, DateRange) else v),  # a range dumps as {from, to}
    Quick(_EXACT_DATE),
]
State = Annotated[str, BeforeValidator(_state), Quick(_STATE_CODE)]


class Term(BaseModel):
    """A sentence's term in calendar units."""
    model_config = ConfigDict(extra="forbid")
    years: StrictInt = Field(0, ge=0, le=MAX_TERM_YEARS)
    months: StrictInt = Field(0, ge=0, le=MAX_TERM_YEARS * 12)
    days: StrictInt = Field(0, ge=0, le=MAX_TERM_YEARS * 366)

    @model_validator(mode="after")
    def _not_empty(self) -> "Term":
        if not (self.years or self.months or self.days):
            raise ValueError(Msg("input.term_empty"))
        return self


def _bound(value: int | Bound | None, params: dict) -> int | None:
    return params[value.param] if isinstance(value, Bound) else value


def _fact_type(spec: FactSpec, params: dict) -> Any:
    if spec.type == "date":
        return DateFact
    if spec.type == "state":
        return State
    if spec.type == "bool":
        return StrictBool
    if spec.type == "enum":  # any case: `Male` is male
        values = tuple(spec.values)
        choice = Annotated[Literal[values], BeforeValidator(partial(one_of, values=values))]
        if len({v.casefold() for v in values}) < len(values):  # one_of may read a value as another
            return choice
        return Annotated[choice, Quick(core_schema.literal_schema(list(values)))]
    if spec.type == "term":
        return Term
    low, high = _bound(spec.min, params), _bound(spec.max, params)
    # a fact without a bound still gets the engine's: a 64-bit integer (durable_rules
    # saturates beyond it, and the scenario digest cannot be written)
    low = INT64_MIN if low is None else max(low, INT64_MIN)
    high = INT64_MAX if high is None else min(high, INT64_MAX)
    in_range = core_schema.int_schema(strict=True, ge=low, le=high)
    if isinstance(spec.min, Bound) or isinstance(spec.max, Bound):
        # a legal range from the rule file (the ban's term in years): the message cites it
        number = Annotated[StrictInt, AfterValidator(partial(_in_legal_range, low=low, high=high)), Quick(in_range)]
    else:
        number = Annotated[StrictInt, Field(ge=low, le=high)]
    if spec.words:  # a number or one of the rule's words (a ban for `life`): one error, not one per branch
        words = tuple(spec.words)
        checked = partial(_number_or_word, words=words, low=low, high=high)
        either = core_schema.union_schema([core_schema.literal_schema(list(words)), in_range], mode="left_to_right")
        return Annotated[Union[int, str], PlainValidator(checked),
                         WithJsonSchema({"anyOf": [{"type": "integer", "minimum": low, "maximum": high}, {"enum": list(words)}]}),
                         Quick(either)]
    return number


def _number_or_word(value: Any, words: tuple, low: int | None, high: int | None) -> int | str:
    if isinstance(value, str) and value in words:
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(Msg("input.number_or_word", value=repr(value), words=", ".join(words)))
    return _in_legal_range(value, low, high)


def _in_legal_range(value: int, low: int | None, high: int | None) -> int:
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(Msg("input.legal_range", value=value, low=low, high=high))
    return value


def _matter_model(book: RuleBook, matter: str) -> type[BaseModel]:
    facts: dict[str, FactSpec] = {}
    params: dict = {}
    for test in book.matters[matter]:
        facts.update(test.rule.facts)
        params.update(test.params)
    fields = {
        name: (Optional[_fact_type(spec, params)], Field(spec.default, description=spec.title.en))
        for name, spec in facts.items()
    }
    return create_model(
        f"Matter_{matter}", __config__=ConfigDict(extra="forbid"), **fields  # type: ignore[call-overload]
    )


def _none_is_empty(value: Any) -> Any:
    # `abduction:` with nothing under it is a matter with every fact unknown.
    if isinstance(value, dict):
        return {k: ({} if v is None else v) for k, v in value.items()}
    return value


def _given(model: type[BaseModel]) -> Any:
    """A model as a field that may be given as null (_none_is_empty reads that); the quick
    check takes a mapping only."""
    return Annotated[Optional[model], Quick(model.__pydantic_core_schema__)]


@lru_cache(maxsize=4)
def scenario_model(book: RuleBook) -> type[BaseModel]:
    matters = {m: (_given(_matter_model(book, m)), None) for m in sorted(book.matters)}
    Facts = create_model("Facts", __config__=ConfigDict(extra="forbid"), **matters)  # type: ignore[call-overload]

    class Scenario(BaseModel):
        model_config = ConfigDict(extra="forbid", title="creval scenario")
        id: Annotated[str, Field(pattern=ID_PATTERN, min_length=1, max_length=200)]
        title: Optional[InLanguages] = Field(None, description="A short title: text, or a mapping by language {en, ru, kk}.")
        as_of: Optional[IsoDate] = None
        narrative: Optional[InLanguages] = Field(None, description="The story: text, or a mapping by language {en, ru, kk}.")
        facts: Annotated[Facts, BeforeValidator(_none_is_empty), Quick(Facts.__pydantic_core_schema__)]  # type: ignore[valid-type]
        expected: Optional[dict[str, str]] = None

        @model_validator(mode="after")
        def _check(self) -> "Scenario":
            facts = self.facts
            present = facts.__pydantic_fields_set__  # model_fields_set, without its property call
            if not present:
                raise FieldError(("facts",), Msg("input.no_matter"))
            for test_id, outcome in (self.expected or {}).items():
                test = book.tests.get(test_id)
                if test is None:
                    message = Msg("input.unknown_test", test=short_repr(test_id), known=", ".join(book.tests))
                    raise FieldError(("expected", test_id), suggest(message, test_id, book.tests))
                if outcome not in test.rule.outcomes:
                    message = Msg("input.not_outcome", outcome=short_repr(outcome), outcomes=", ".join(test.rule.outcomes))
                    raise FieldError(("expected", test_id), suggest(message, outcome, test.rule.outcomes))
                if test.matter not in present:
                    raise FieldError(("expected", test_id), Msg("input.no_matter_for_test", matter=repr(test.matter)))
            as_of = self.as_of or date.today()
            for matter in present:
                _check_order(book, matter, getattr(facts, matter), as_of)
            return self

    quick_validator(Scenario)  # built before these classes are shared: it marks them incomplete meanwhile
    return Scenario


@lru_cache(maxsize=64)
def parse_as_of(value: str, lang: str = "en") -> date:
    """An assessment date given as an option (`--as-of`, the API's `?as_of=`): ValueError with
    the one message both print, naming the supported range or the date it reads as."""
    try:
        return parse_iso_date(value)
    except ValueError as exc:
        problem = exc.args[0] if exc.args else None
        if getattr(problem, "key", None) == "input.date_range":  # well formed, but outside what creval handles
            raise ValueError(f"--as-of: {tr(problem, lang)}") from None
        hint = date_hint(value)  # 01.09.2025: the date it reads as
        message = t("cli.as_of", lang, value=repr(value))
        raise ValueError(message if hint is None else f"{message}; {tr(hint, lang)}") from None


def _check_order(book: RuleBook, matter: str, facts: BaseModel, as_of: date) -> None:
    values = facts.__dict__  # the fields as validated (iterating a model is slow)
    if DateRange in map(type, values.values()):
        _narrow_ranges(book, matter, values, as_of)
    for c in order_constraints(book, matter):
        earlier = as_of if c.earlier == "as_of" else values.get(c.earlier)
        later = as_of if c.later == "as_of" else values.get(c.later)
        if earlier is not None and later is not None and type(earlier) is not DateRange and type(later) is not DateRange \
                and later < earlier:  # rough dates were narrowed to their possible days above
            field = c.later if c.later != "as_of" else c.earlier
            raise FieldError(("facts", matter, field), Msg("input.order", message=c.message, earlier_name=c.earlier, earlier=earlier,
                                                          later_name=c.later, later=later))


def _narrow_ranges(book: RuleBook, matter: str, values: dict, as_of: date) -> None:
    """Leave out the days of each rough date that the order constraints make impossible
    (a removal known to the month cannot be after exact proceedings), until nothing changes;
    a range left with no possible day is an input error on its field."""
    def ends(name):
        value = as_of if name == "as_of" else values.get(name)
        if value is None:
            return None
        return (value.lo, value.hi) if type(value) is DateRange else (value, value)

    changed = True
    while changed:
        changed = False
        for c in order_constraints(book, matter):
            earlier, later = ends(c.earlier), ends(c.later)
            if earlier is None or later is None:
                continue
            for name, lo, hi in ((c.earlier, earlier[0], min(earlier[1], later[1])), (c.later, max(later[0], earlier[0]), later[1])):
                value = values.get(name) if name != "as_of" else None
                if type(value) is not DateRange or (lo, hi) == (value.lo, value.hi):
                    continue
                if hi < lo:
                    raise FieldError(("facts", matter, name), Msg("ranged.impossible", message=c.message, earlier_name=c.earlier,
                                                                  later_name=c.later, fact=name))
                values[name] = DateRange(lo, hi)
                changed = True
    for name, value in values.items():  # a range narrowed to one day leaves the exact date
        if type(value) is DateRange and value.lo == value.hi:
            values[name] = value.lo
