"""Input that is almost right: the value meant, when it is certain, or a suggestion.

People type dates as 20.05.2016, codes as `kz`, choices as `Male`, and names with a letter
wrong. What can be read one way only (a different case) is read that way; anything else is
refused with a suggestion ("did you mean ...?"), never silently guessed. A date such as
05/06/2016 reads two ways: the message says so and gives both.
"""

from __future__ import annotations

import difflib
import re
from datetime import date
from typing import Any, Iterable

from creval.core.text import LANGUAGES, Msg, messages

__all__ = [
    "MAX_NAME", "bool_word", "close_matches", "date_hint", "date_readings", "either", "one_of", "state_code",
    "state_meant", "suggest", "words"
]

MAX_NAME = 200  # longer text is compared with no name

# Day, month and year with one separator: 20.05.2016, 5/6/2016, 20-05-2016.
_DAY_FIRST = re.compile(r"(\d{1,2})([./-])(\d{1,2})\2(\d{4})")
# Year first with another separator or without padding: 2016.05.20, 2016/5/20, 2016-5-20.
_YEAR_FIRST = re.compile(r"(\d{4})([./-])(\d{1,2})\2(\d{1,2})")


def close_matches(word: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """The choices nearest to `word`, ignoring case, best first (a ratio of 0.75 or more: a letter or two wrong)."""
    if len(word) > MAX_NAME:  # a 900 KB "name" from a hostile file is near nothing
        return []
    folded: dict[str, str] = {}
    for choice in choices:
        folded.setdefault(choice.casefold(), choice)
    wanted = word.casefold()
    found = difflib.get_close_matches(wanted, list(folded), n=n, cutoff=0.75)
    if not found:
        return []
    # a second name only when it is about as near as the first (abducton: abduction, not adoption)
    best = difflib.SequenceMatcher(None, wanted, found[0]).ratio()
    return [folded[f] for f in found if difflib.SequenceMatcher(None, wanted, f).ratio() >= best - 0.05]


def suggest(message: Any, word: Any, choices: Iterable[str]) -> Any:
    """`message`, with "did you mean X?" added when `word` is near one of `choices`."""
    if not isinstance(word, str):
        return message
    found = close_matches(word, choices, n=2)
    if not found:
        return message
    return Msg("forgiving.did_you_mean", message=message, suggestion=either(found))


def either(names: list[str]) -> Any:
    return names[0] if len(names) == 1 else Msg("forgiving.either", first=names[0], second=names[1])


def one_of(value: Any, values: Iterable[str]) -> Any:
    """The enumerated value `value` names in another case (`Male` -> `male`); else `value`."""
    if isinstance(value, str):
        for choice in values:
            if choice.casefold() == value.casefold():
                return choice
    return value


def state_code(value: Any) -> Any:
    """A two-letter code in any case, in upper case (`kz` -> `KZ`); anything else unchanged."""
    if isinstance(value, str) and len(value) == 2 and value.isascii() and value.isalpha():
        return value.upper()
    return value


def state_meant(value: Any) -> str | None:
    """The two-letter code of a state written another way: its three-letter code (KAZ) or
    its English name (Kazakhstan); None when it names no state."""
    if not isinstance(value, str) or not 3 <= len(value.strip()) <= 60:
        return None
    import pycountry

    try:
        return pycountry.countries.lookup(value.strip()).alpha_2
    except LookupError:
        return None


def date_readings(text: str) -> list[date]:
    """The calendar dates a date typed in another layout can mean, each once.

    Dotted day-first dates (20.05.2016) are the usual layout in Kazakhstan and read one way;
    with a slash or a dash the day and the month may be either way round (05/06/2016)."""
    text = text.strip()
    found: list[date] = []
    match = _YEAR_FIRST.fullmatch(text)
    if match:
        orders = [(int(match.group(1)), int(match.group(3)), int(match.group(4)))]
    else:
        match = _DAY_FIRST.fullmatch(text)
        if not match:
            return []
        first, sep, second, year = int(match.group(1)), match.group(2), int(match.group(3)), int(match.group(4))
        orders = [(year, second, first)] if sep == "." else [(year, second, first), (year, first, second)]
    for year, month, day in orders:
        try:
            found.append(date(year, month, day))
        except ValueError:
            pass
    return list(dict.fromkeys(found))


def date_hint(text: Any) -> Msg | None:
    """What to say about a date not written as YYYY-MM-DD: "did you mean ...?" when it reads
    one way, both readings when it reads two; None when it reads as no date at all."""
    if not isinstance(text, str):
        return None
    readings = date_readings(text)
    if len(readings) == 1:
        return Msg("forgiving.date_one", suggestion=readings[0].isoformat())
    if len(readings) == 2:
        return Msg("forgiving.date_two", first=readings[0].isoformat(), second=readings[1].isoformat())
    return None


def words(key: str) -> set[str]:
    """The words of an `ask.words.*` key in every language (answers are accepted in any)."""

    entry = messages().get(key) or {}
    return {w.strip().casefold() for lang in LANGUAGES for w in (entry.get(lang) or "").split(",") if w.strip()}


def bool_word(text: Any) -> bool | None:
    """True or False for yes/no in any of the three languages; None for anything else."""
    if not isinstance(text, str):
        return None
    word = " ".join(text.split()).casefold()
    if word in words("ask.words.yes"):
        return True
    if word in words("ask.words.no"):
        return False
    return None
