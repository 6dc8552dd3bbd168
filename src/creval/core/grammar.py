"""Values as a Russian or Kazakh sentence needs them: states declined, dates and numbers in words.

A template names the form it needs after a colon: `{taken_to:in}` is «в Германии»,
`{taken_to:loc}` in Kazakh is «Германияда», `{removal_date:abl}` is «2025 жылғы 2 қарашадан»,
`{count:dat}` is «5-ке». `inflect(value, lang, form)` returns that form; `{name}` with no form
keeps today's text, except that a date in a Russian or Kazakh sentence is written in words
(ISO stays in tables, JSON and files, which do not go through here).

Russian forms: nom gen dat acc ins prep; `in` (place: «в Казахстане», «во Франции», «в ОАЭ»),
`from` («из Германии»), `to` («в Германию»), `words` (a date: «23 ноября 2025 г.»).
Kazakh forms: nom gen dat acc loc abl ins; `and` («Қазақстан мен», before a second name),
`attr` (a date as an attribute: «2025 жылғы 5 қыркүйектегі»), `words` (the nominative).
Every form has a fallback, so no template can print a broken word: a state creval has no table
row for keeps its name in the nominative inside a phrase that needs no ending
(«в государстве X», «X мемлекетінде»).
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Any, Callable

from creval.core.folders import bundled_rules_folder

__all__ = [
    "DateSpan", "FORMS", "KK_CASES", "KK_FORMS", "RU_CASES", "RU_FORMS", "as_date", "capitalized", "count", "date_words",
    "en_in_sentence", "inflect", "inflect_state", "inflect_text", "joined", "joined_span", "kk_case", "kk_ending", "kk_number",
    "kk_number_word", "kk_possessive", "plural", "plural_category", "ru_declined", "state_forms", "state_name"
]

RU_CASES = ("nom", "gen", "dat", "acc", "ins", "prep")
KK_CASES = ("nom", "gen", "dat", "acc", "loc", "abl", "ins")
RU_FORMS = RU_CASES + ("in", "from", "to", "words", "iso")
KK_FORMS = KK_CASES + ("and", "attr", "words", "iso")
FORMS = frozenset(RU_FORMS + KK_FORMS)

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# --- Kazakh endings ---------------------------------------------------------------------

_BACK = set("аоұыяюуё")
_FRONT = set("әеөүіиэ")
_VOICELESS = set("кқпстфхцчшщ")
_VOICED_STOPS = set("бвгд")  # pronounced voiceless at the end of a word: -та, -тан, -тың
_NASALS = set("мнң")
_SONORANTS = set("лрйу")  # у after a vowel is a glide
_VOWELS = set("аәеёиоөуұүыіэюя")


def _front(word: str) -> bool:
    """Whether `word` takes front-vowel endings: its last vowel, or a soft sign at the end."""
    w = word.lower().rstrip()
    if w.endswith("ь"):
        return True
    for ch in reversed(w):
        if ch in _FRONT:
            return True
        if ch in _BACK:
            return False
    return False


def _final(word: str) -> str:
    """The class of the last sound: vowel, nasal, sonorant, z (з ж), voiced, voiceless."""
    w = word.lower().rstrip(" ьъ)")
    if not w:
        return "vowel"
    ch = w[-1]
    if ch == "у" and len(w) > 1 and w[-2] in _VOWELS:
        return "sonorant"
    if ch in _VOWELS:
        return "vowel"
    if ch in _NASALS:
        return "nasal"
    if ch in _SONORANTS:
        return "sonorant"
    if ch in "зж":
        return "z"
    if ch in _VOICELESS or ch in _VOICED_STOPS:
        return "voiceless"
    return "vowel"


# The ending of each case after each class of final sound (_final), back / front vowels.
_FINALS = ("vowel", "nasal", "sonorant", "z", "voiceless")
_KK_ENDINGS: dict[str, dict[str, tuple[str, str]]] = {
    case: dict(zip(_FINALS, (tuple(pair.split("/")) for pair in row.split()))) for case, row in {
        #       vowel    nasal    sonorant z        voiceless
        "loc": "да/де    да/де    да/де    да/де    та/те",
        "abl": "дан/ден  нан/нен  дан/ден  дан/ден  тан/тен",
        "dat": "ға/ге    ға/ге    ға/ге    ға/ге    қа/ке",
        "gen": "ның/нің  ның/нің  дың/дің  дың/дің  тың/тің",
        "acc": "ны/ні    ды/ді    ды/ді    ды/ді    ты/ті",
        "ins": "мен/мен  мен/мен  мен/мен  бен/бен  пен/пен",
    }.items()
}


def kk_ending(word: str, case: str) -> str:
    """The Kazakh ending of `case` after `word` (by its last sound and vowel harmony)."""
    if case not in _KK_ENDINGS:
        return ""
    back, front = _KK_ENDINGS[case][_final(word)]
    return front if _front(word) else back


def kk_case(word: str, case: str) -> str:
    """`word` with the ending of `case` attached; `and` is the conjunction мен/бен/пен after it,
    `attr` the attributive -дағы/-дегі."""
    if case in ("nom", "words", ""):
        return word
    if case == "and":
        return f"{word} {kk_ending(word, 'ins')}"
    if case == "attr":
        loc = kk_case(word, "loc")
        return loc + ("гі" if _front(word) else "ғы")
    if " " in word.strip() and word.endswith(("сы", "сі")) and case in _KK_POSSESSIVE:  # «… Республикасы»
        return kk_possessive(word, case)
    return word + kk_ending(word, case)


# After a possessive ending (Республикасы, мемлекеті) a case ending takes -н-, back / front.
_KK_POSSESSIVE = {"loc": ("нда", "нде"), "abl": ("нан", "нен"), "dat": ("на", "не"), "gen": ("ның", "нің"),
                  "acc": ("н", "н"), "ins": ("мен", "мен")}


def kk_possessive(word: str, case: str) -> str:
    """`word`, which ends in a possessive, with the ending of `case`: Республикасында, мемлекетінен."""
    return word + _KK_POSSESSIVE[case][_front(word)] if case in _KK_POSSESSIVE else word


# How a number is read aloud decides its Kazakh ending: only the last word counts.
_UNITS = ["нөл", "бір", "екі", "үш", "төрт", "бес", "алты", "жеті", "сегіз", "тоғыз"]
_TENS = ["", "он", "жиырма", "отыз", "қырық", "елу", "алпыс", "жетпіс", "сексен", "тоқсан"]


def kk_number_word(n: int) -> str:
    """The last word of `n` read aloud in Kazakh (3 → үш, 40 → қырық, 1000 → мың)."""
    n = abs(int(n))
    if n == 0:
        return "нөл"
    if n % 10:
        return _UNITS[n % 10]
    if n % 100:
        return _TENS[(n % 100) // 10]
    if n % 1000:
        return "жүз"
    if n % 1_000_000:
        return "мың"
    if n % 1_000_000_000:
        return "миллион"
    return "миллиард"


def kk_number(n: int, case: str) -> str:
    """`n` in digits with its Kazakh case ending after a hyphen: 3-тен, 6-дан, 40-қа."""
    if case in ("nom", "words", "iso", ""):
        return str(n)
    if case == "and":
        return f"{n} {kk_ending(kk_number_word(n), 'ins')}"
    return f"{n}-{kk_ending(kk_number_word(n), 'loc' if case == 'attr' else case)}" + (
        ("гі" if _front(kk_number_word(n)) else "ғы") if case == "attr" else "")


# --- dates ---------------------------------------------------------------------------------

_KK_MONTHS = ["қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз", "қыркүйек",
              "қазан", "қараша", "желтоқсан"]


def as_date(value: Any) -> date | None:
    """A date for a date or an ISO date string; None for anything else."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def date_words(day: date, lang: str, case: str = "words") -> str:
    """A date as a sentence writes it: «23 ноября 2025 г.», «2025 жылғы 23 қараша» (the Kazakh
    ending goes on the month: «2025 жылғы 23 қарашада»); ISO in English and for `iso`."""
    if lang == "ru" and case != "iso":
        after = _ru_after_day(day.year, day.month)
        return f"{day.day}{after}" if after is not None else _ru_long(day)
    if lang == "kk" and case != "iso":
        return f"{day.year} жылғы {day.day} {_kk_month(day.month, case)}"
    return day.isoformat()


def _ru_long(day: date) -> str:
    from babel.dates import format_date

    return format_date(day, "long", locale="ru").replace("\u202f", "\u00a0")  # CLDR: «23 ноября 2025 г.», a no-break space before «г.»


@lru_cache(maxsize=4096)  # babel's format_date costs ~20 us, and explaining a result writes several dates
def _ru_after_day(year: int, month: int) -> str | None:
    """What follows the day's number in every date of a month (« июня 2004 г.» after «5»); None
    (each date then goes to babel) unless the 1st and the 28th show that the date begins with it."""
    first, later = _ru_long(date(year, month, 1)), _ru_long(date(year, month, 28))
    return first[1:] if first.startswith("1") and later == "28" + first[1:] else None


@lru_cache(maxsize=256)
def _kk_month(month: int, case: str) -> str:
    return kk_case(_KK_MONTHS[month - 1], case if case in KK_FORMS else "nom")


# --- plurals (CLDR) ------------------------------------------------------------------------

_UNIT_WORDS = {
    "ru": {"years": {"one": "год", "few": "года", "many": "лет", "other": "года"},
           "months": {"one": "месяц", "few": "месяца", "many": "месяцев", "other": "месяца"},
           "days": {"one": "день", "few": "дня", "many": "дней", "other": "дня"},
           "treaties": {"one": "договор", "few": "договора", "many": "договоров", "other": "договора"}},
    "kk": {"years": {"other": "жыл"}, "months": {"other": "ай"}, "days": {"other": "күн"},
           "treaties": {"other": "шарт"}},
    "en": {"years": {"one": "year", "other": "years"}, "months": {"one": "month", "other": "months"},
           "days": {"one": "day", "other": "days"}, "treaties": {"one": "treaty", "other": "treaties"}},
}


@lru_cache(maxsize=8)
def _plural_rule(lang: str):
    from babel import Locale

    return Locale.parse(lang).plural_form


def plural_category(n: int | float, lang: str) -> str:
    """The CLDR plural category of `n` in `lang`: one, few, many or other."""
    return _plural_rule(lang)(n)


def plural(n: int | float, forms: dict[str, str], lang: str) -> str:
    """The form of a noun after `n` by CLDR rules: {"one": "год", "few": "года", "many": "лет"}."""
    cat = plural_category(n, lang)
    return forms.get(cat) or forms.get("other") or forms.get("many") or next(iter(forms.values()))


def count(n: int, unit: str, lang: str) -> str:
    """A number and its unit: «1 год», «2 года», «5 лет»; «5 жыл»; "5 years"."""
    words = _UNIT_WORDS.get(lang, _UNIT_WORDS["en"]).get(unit)
    if words is None:
        return f"{n} {unit}"
    return f"{n} {plural(n, words, lang)}"


# --- states --------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _states() -> dict[str, dict[str, dict[str, str]]]:
    from ruamel.yaml import YAML

    with open(bundled_rules_folder() / "i18n" / "terms" / "states.yaml", encoding="utf-8") as f:
        return YAML(typ="safe", pure=True).load(f) or {}


def state_forms(code: str, lang: str) -> dict[str, str] | None:
    """The table row of a state in `lang` (None when creval has no row for it)."""
    row = _states().get(str(code).upper())
    return (row or {}).get(lang)


def state_name(code: str, lang: str) -> str | None:
    """The nominative a sentence uses for a state, when the table has it."""
    forms = state_forms(code, lang)
    return forms.get("nom") if forms else None


_RU_INDECLINABLE_END = tuple("оиуеюэ")  # not ы: a name in -ы is a plural (Багамы), declined by a table row
_RU_SIBILANT = set("гкхжчшщц")


def ru_declined(name: str) -> dict[str, str] | None:
    """The cases of a one-word state name that Russian declines by rule (Венгрия, Мальта,
    Египет); None for a name of several words, an indeclinable one (Перу, Того, Чили) or a
    plural (Нидерланды), which need a table row."""
    words = name.split()
    if len(words) == 2 and words[0].endswith("ая") and (noun := ru_declined(words[1])):  # Новая Зеландия
        adj = words[0][:-2]
        adjective = {"nom": words[0], "gen": adj + "ой", "dat": adj + "ой", "acc": adj + "ую", "ins": adj + "ой", "prep": adj + "ой"}
        return {case: f"{adjective[case]} {noun[case]}" for case in RU_CASES}
    if len(words) >= 2 and words[0] in ("Республика", "Федерация") and (head := ru_declined(words[0])):
        return {case: " ".join([head[case], *words[1:]]) for case in RU_CASES}  # Республика Корея: the name stays
    if not re.fullmatch(r"[А-ЯЁ][а-яё]+", name):
        return None
    if name.endswith(_RU_INDECLINABLE_END):  # Перу, Того, Чили, Конго: the same in every case
        return {case: name for case in RU_CASES}
    if name.endswith("ия"):
        stem = name[:-1]
        return {"nom": name, "gen": stem + "и", "dat": stem + "и", "acc": stem + "ю", "ins": stem + "ей", "prep": stem + "и"}
    if name.endswith("а"):
        stem = name[:-1]
        soft = stem[-1] in _RU_SIBILANT
        hush = stem[-1] in "жчшщц"
        return {"nom": name, "gen": stem + ("и" if soft else "ы"), "dat": stem + "е", "acc": stem + "у",
                "ins": stem + ("ей" if hush else "ой"), "prep": stem + "е"}
    if name.endswith(("ы", "я", "ь", "й")):
        return None  # plurals (Филиппины) and soft stems, which vary: a table row is safer
    return {"nom": name, "gen": name + "а", "dat": name + "у", "acc": name, "ins": name + "ом", "prep": name + "е"}


def _ru_state(code: str, form: str, fallback: str) -> str:
    forms = state_forms(code, "ru") or ru_declined(fallback)
    if forms is None:  # no table row and no rule: keep the name undeclined after a word that declines
        return {"gen": f"государства {fallback}", "dat": f"государству {fallback}",
                "acc": f"государство {fallback}", "ins": f"государством {fallback}",
                "prep": f"государстве {fallback}", "in": f"в государстве {fallback}",
                "from": f"из государства {fallback}", "to": f"в государство {fallback}"}.get(form, fallback)
    if form in ("in", "to"):
        word = forms["prep" if form == "in" else "acc"]
        on = forms.get("on") or (code.upper() in _RU_ON_ISLANDS)
        return f"{'на' if on else _ru_in(word)} {word}"
    if form == "from":
        word = forms["gen"]
        return f"{'изо' if word[:2].lower() in ('вс', 'вз', 'вн') else 'из'} {word}"
    return forms.get(form) or forms["nom"]


# island states take «на» (на Кипре, на Мальте, на Кубе), as Russian usage has it
_RU_ON_ISLANDS = {"CY", "MT", "CU", "JM", "MG", "MU", "HT", "BS", "SC", "PH", "FJ", "BB", "LK", "MV"}


def _ru_in(word: str) -> str:
    """в / во: «во Франции», «во Вьетнаме»; «в» otherwise."""
    w = word.lower()
    if w.startswith(("франц", "вьетн")) or (len(w) > 1 and w[0] in "вф" and w[1] not in "аеёиоуыэюя"):
        return "во"
    return "в"


def _kk_state(code: str, form: str, fallback: str) -> str:
    forms = state_forms(code, "kk")
    if forms is None and re.search(r"[а-яәіңғүұқөһё]$", fallback):  # a Kazakh noun declines by rule: Венгрияда
        return kk_case(fallback, form)
    if forms is None:  # an abbreviation or a code: «X мемлекетінде»
        if form == "and":
            return kk_case(f"{fallback} мемлекеті", "and")
        return kk_possessive(f"{fallback} мемлекеті", form) if form in _KK_POSSESSIVE else fallback
    return forms.get(form) or kk_case(forms["nom"], form)


def inflect_state(code: str, lang: str, form: str, name: Callable[[str, str], str]) -> str:
    """A state in the form a sentence needs; `name(code, lang)` gives the nominative of a state
    the table lacks. `start`: the state that starts a sentence («The United States …»); in
    English any other form is the bare name (a label: «table, Russian Federation: …»)."""
    if form == "start":
        return capitalized(en_in_sentence(code, name(code, lang)) if lang == "en" else name(code, lang))
    if lang == "ru":
        return _ru_state(code, form, name(code, lang))
    if lang == "kk":
        return _kk_state(code, form, name(code, lang))
    return name(code, lang)


# States whose English name takes "the" inside a sentence ("lives in the United States",
# "between Kazakhstan and the Russian Federation"); a list, a table or a form names them bare.
_EN_THE = frozenset("AE AX BS CC CF CK DO FO GB GM GS HM KM KY MH MP MV NL PH RU SB TC UM US VA".split())


def en_in_sentence(code: str, name: str) -> str:
    """A state's English `name` as a sentence says it: with "the" where the name takes it (an
    unknown code, shown as itself, takes none)."""
    return "the " + name if str(code).upper() in _EN_THE and name != code else name


def capitalized(text: str) -> str:
    """A text that starts a sentence, a line or a label, with a capital."""
    return text[:1].upper() + text[1:]


def joined(parts: list[str], places: tuple[int, ...] | None = None) -> str:
    """A filled template's parts joined: a value that ends a sentence with its own full stop
    («2025 г.») takes the place of the template's («… 2025 г..» would print twice). `places`:
    the values a full stop follows in the template, when the caller knows them (else every one)."""
    for i in range(1, len(parts) - 1, 2) if places is None else places:
        if parts[i].endswith(".") and parts[i + 1].startswith("."):
            parts[i + 1] = parts[i + 1][1:]
    return "".join(parts)


class DateSpan:
    """A date known only as lying between two days (engine/ranged.py), as a sentence shows it:
    «в период с 1 июня 2004 г. по 30 июня 2004 г.», «2004 жылғы 1 маусым мен 2004 жылғы 30 маусым
    аралығында»; the Kazakh case endings go on «аралығы»."""

    def __init__(self, low: date, high: date):
        self.low, self.high = low, high

    def words(self, lang: str, form: str = "") -> str:
        if lang == "ru":
            return f"в период с {date_words(self.low, 'ru')} по {date_words(self.high, 'ru')}"
        if lang == "kk":
            span = f"{date_words(self.low, 'kk', 'and')} {date_words(self.high, 'kk')} аралығы"
            ending = {"abl": "ндағы күннен", "dat": "ндағы күнге", "attr": "ндағы", "gen": "ндағы күннің",
                      "acc": "ндағы күнді"}.get(form, "нда")
            return span + ending
        return f"some day between {self.low.isoformat()} and {self.high.isoformat()}"

    def __str__(self) -> str:
        return self.words("en")


_RU_PREPOSITION = re.compile(r"(?:^|\s)(на|с|до|по|к|в|после)\s$", re.IGNORECASE)
# Prepositions that say where a day lies relative to the date («до», «после», «с», «к», «по»):
# dropping them would turn «начато до <дня в марте>» into «начато в марте», so they stay, with
# «даты, приходящейся на период …» in the case each governs.
_RU_KEPT = {"до": "даты, приходящейся", "после": "даты, приходящейся", "с": "даты, приходящейся",
            "к": "дате, приходящейся", "по": "дату, приходящуюся"}


def joined_span(before: str, span: str) -> tuple[str, str]:
    """The Russian text before a DateSpan and the span. «на»/«в» give way to the span's own
    «в период …» («на в период …» would print twice); a preposition that orders the day
    («до», «после», «с», «к», «по») stays, followed by «даты, приходящейся на период …»."""
    m = _RU_PREPOSITION.search(before)
    if not m:
        return before, span
    word = m.group(1)
    kept = _RU_KEPT.get(word.lower())
    if kept is not None and span.startswith("в период "):
        return before, f"{kept} на {span[len('в '):]}"
    if word[0].isupper():
        span = capitalized(span)
    return before[: m.start(1)], span


# --- any value -----------------------------------------------------------------------------

def inflect_text(text: str, lang: str, form: str) -> str:
    """A word or phrase already in words, in the form `form`: Kazakh endings go on its last word;
    Russian cannot be declined by rule and stays as it is."""
    if lang != "kk" or form in ("nom", "words", "iso", "") or not text:
        return text
    if re.fullmatch(r"-?\d+", text):
        return kk_number(int(text), form)
    if re.fullmatch(r"-?\d+[.,]\d+", text):  # read as "... бүтін ... оннан / жүзден ...": keep the hyphen form of its last digit
        return kk_number(int(text[-1]), form).replace(text[-1], text, 1)
    if not re.search(r"[^\W\d_]\W*$", text):  # ends in no letter («…», a code): no ending to choose
        return text
    return kk_case(text, form)


def inflect(value: Any, lang: str, form: str, text: Callable[[Any, str], str],
            is_state: bool = False, name: Callable[[str, str], str] | None = None) -> str:
    """`value` in `form` for a sentence in `lang`; `text(value, lang)` is its plain text,
    `is_state` marks a state code (`name` gives a state's nominative)."""
    day = as_date(value)
    if day is not None:
        return date_words(day, lang, form)
    if isinstance(value, DateSpan):
        return value.words(lang, form)
    if is_state and isinstance(value, str) and name is not None:
        return inflect_state(value, lang, form, name)
    if isinstance(value, bool):
        return inflect_text(text(value, lang), lang, form)
    if isinstance(value, int) and lang == "kk":
        return kk_number(value, form)
    return inflect_text(text(value, lang), lang, form)
