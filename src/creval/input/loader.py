"""Reading scenario files: YAML or JSON in, a validated scenario or one-line errors out.

Every error names the file, the line where there is one, and the field. Reading is
defensive: size, nesting and the number of values are bounded, YAML aliases are refused (an
alias bomb expands exponentially), so are YAML tags, merge keys and YAML 1.1 (each changes
what a value means without showing it), text must be UTF-8, and duplicate keys are errors.
A file gets at most MAX_ERRORS error lines. Limits: docs/limits.md.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Iterator

import orjson
from pydantic import BaseModel, ValidationError

from creval.law.rulebook import RuleBook
from creval.core.text import Msg, messages, tr
from creval.input.forgiving import bool_word, close_matches, either, suggest
from creval.input.quick import quick_validator
from creval.input.refusal import MAX_DEPTH, MAX_NODES, Refused
from creval.input.scenario import FieldError, scenario_model, short_repr

__all__ = [
    "InputError", "Loaded", "MAX_DEPTH", "MAX_ERRORS", "MAX_FIELD_SHOWN", "MAX_FILE_BYTES", "MAX_NODES",
    "Refused", "SCENARIO_SUFFIXES", "StopOnInput", "decode_utf8", "find_files", "in_language", "line_of",
    "load_file", "load_paths", "parse_document", "parse_json", "parse_yaml", "read_document", "unexpected",
    "validate"
]

MAX_FILE_BYTES = 1_000_000  # a scenario is a page of facts; anything larger is refused unread
MAX_ERRORS = 20  # error lines shown per file; the rest are counted in one more line
MAX_FIELD_SHOWN = 200  # characters of a field path in a message (a key may be 900 KB long)
SCENARIO_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass
class InputError:
    file: str
    message: str
    line: int | None = None
    field: str | None = None

    def __post_init__(self) -> None:
        if self.field is not None and len(self.field) > MAX_FIELD_SHOWN:
            self.field = self.field[:MAX_FIELD_SHOWN - 3] + "..."

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        text = f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        return text.replace("\r", "\\r").replace("\n", "\\n")  # one line, whatever the names hold


class StopOnInput(Exception):
    """Input that stops a whole command (a bad pack, answer sheet or twin file): each line
    is printed on standard error, and the exit status is 2."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass
class Loaded:
    file: str
    scenario: BaseModel | None = None
    errors: list[InputError] = field(default_factory=list)
    doc: Any = None  # the parsed document (ruamel nodes for YAML: line numbers)


def find_files(paths: list[str]) -> tuple[list[Path], list[InputError]]:
    """Scenario files named or found under folders (symlinked folders are not followed)."""
    files, errors = [], []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found: list[Path] = []
            unreadable: list[InputError] = []
            # a folder that cannot be listed is an input error, not an empty folder: without
            # onerror, os.walk skips it and its scenarios would silently go unchecked
            for root, dirs, names in os.walk(path, onerror=lambda exc: unreadable.append(_unreadable_folder(exc, raw))):
                dirs.sort()
                found.extend(Path(root) / n for n in sorted(names) if n.endswith(SCENARIO_SUFFIXES))
                errors.extend(InputError(str(Path(root) / d), Msg("input.link_loop")) for d in dirs if _link_loop(Path(root), d))
            errors.extend(unreadable)
            if not found and not unreadable:
                errors.append(InputError(raw, Msg("input.no_scenario_files", patterns=", ".join("*" + s for s in SCENARIO_SUFFIXES))))
            files.extend(found)
        elif path.is_file():
            files.append(path)
        elif path.is_symlink() or path.exists():
            errors.append(InputError(raw, Msg("input.not_regular")))
        else:
            errors.append(InputError(raw, Msg("input.no_such_file")))
    return files, errors


def _unreadable_folder(exc: OSError, top: str) -> InputError:
    return InputError(str(exc.filename or top), Msg("input.cannot_read_folder", reason=exc.strerror or str(exc)))


def _link_loop(root: Path, name: str) -> bool:
    """A symlinked folder that leads back to a folder containing it (never followed: os.walk
    does not follow links; this only reports the loop)."""
    link = root / name
    if not link.is_symlink():
        return False
    try:
        target, here = link.resolve(), root.resolve()
    except (OSError, RuntimeError):  # a chain of links that never ends
        return True
    return here == target or target in here.parents


def read_document(path: Path) -> Any:
    """The parsed document, with line numbers for YAML (ruamel's round-trip nodes)."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):  # a FIFO or a device would block or never end
        raise Refused(Msg("input.not_regular"))
    size = info.st_size
    if size > MAX_FILE_BYTES:
        raise Refused(Msg("input.too_big", size=f"{size:,}", limit=f"{MAX_FILE_BYTES:,}"))
    with path.open("rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    return parse_document(data, path.suffix)


def parse_document(data: bytes, suffix: str) -> Any:
    """The bytes of a scenario document parsed as JSON (`suffix` ".json") or YAML, with the
    same limits as a file: `creval serve` reads uploads and request bodies through here."""
    if len(data) > MAX_FILE_BYTES:  # a file that grew after stat, or a body over the limit
        raise Refused(Msg("input.over_limit", limit=f"{MAX_FILE_BYTES:,}"))
    if b"\0" in data:
        raise Refused(Msg("input.binary"))
    text = decode_utf8(data).removeprefix("\ufeff")  # a byte-order mark, as some editors write: not content
    if suffix == ".json":
        return parse_json(text)
    return parse_yaml(text)


def parse_yaml(text: str) -> Any:
    """A YAML scenario document (ruamel's round-trip nodes: line numbers)."""
    # imported here: ruamel takes 9 ms to import, and JSON (`creval batch`) needs none of it
    from creval.input import yamldoc

    return yamldoc.parse_yaml(text)


def decode_utf8(data: bytes) -> str:
    """`data` as text; bytes that are not UTF-8 are refused, naming the first and its line."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refused(Msg("input.not_utf8", byte=exc.start, hex=data[exc.start:exc.start + 1].hex()), data.count(b"\n", 0, exc.start) + 1) from None


class _Duplicated(dict):
    """A JSON object that had a key twice; found again after parsing, to name its path."""
    duplicate: str = ""


def parse_json(text: str) -> Any:
    read, doc = _quick_json(text)
    duplicated = False
    if not read:
        doc, duplicated = _standard_json(text)
    # fewer brackets than the depth limit cannot nest past it: skip the walk (the usual case)
    deep = _too_deep(doc, ()) if text.count("{") + text.count("[") > MAX_DEPTH else None
    if deep is not None:
        raise Refused(Msg("input.too_deep", max=MAX_DEPTH), field=".".join(map(str, deep)) or None)
    # each value takes at least two characters (`1,`), so a shorter text cannot hold too many
    if len(text) > 2 * MAX_NODES and _too_many(doc):
        raise Refused(Msg("input.too_many_values", max=f"{MAX_NODES:,}"))
    if duplicated:  # only then walk the document, to name the key's path
        found = _find_duplicate(doc, ())
        if found:
            raise Refused(Msg("input.duplicate_key", name=short_repr(found[-1])), field=".".join(map(str, found)))
    if _SURROGATE_ESCAPE.search(text):  # \ud800 and the like: legal JSON, not legal text
        found = _lone_surrogate(doc, ())
        if found is not None:
            raise Refused(Msg("input.surrogate"), field=".".join(map(str, found)) or None)
    return doc


# The end of a key: its closing quote, white space and the colon (inside a string, `\":` matches too).
_KEY_END = re.compile(r'"[ \t\n\r]*:')


def _quick_json(text: str) -> tuple[bool, Any]:
    """(True, the document) when orjson reads `text` as the standard library does, about four
    times faster; (False, None) when it may not. orjson refuses NaN, lone surrogates and
    deep nesting, keeps the last of duplicate keys, and reads an integer past 64 bits as a
    float: a document without floats and with a key for each colon (or each quote-colon)
    has neither a duplicate key nor such an integer."""
    try:
        doc = orjson.loads(text)
    except orjson.JSONDecodeError:  # the standard library reads it again and words the problem
        return False, None
    keys = _keys_unless_float(doc)
    return keys == text.count(":") or keys == len(_KEY_END.findall(text)), doc


def _keys_unless_float(doc: Any) -> int:
    """The number of keys in a parsed JSON document's objects; -1 when it holds a float."""
    count, todo = 0, [doc]
    for value in todo:  # the list grows as it is read: every value once, without popping
        kind = type(value)
        if kind is dict:
            count += len(value)
            todo.extend(value.values())
        elif kind is list:
            todo.extend(value)
        elif kind is float:
            return -1
    return count


def _standard_json(text: str) -> tuple[Any, bool]:
    """The document read by the standard library, and whether an object in it had a key twice."""
    duplicated = False

    def no_duplicates(pairs):
        nonlocal duplicated
        obj = dict(pairs)
        if len(obj) == len(pairs):
            return obj
        seen: set = set()
        for key, _ in pairs:
            if key in seen:
                duplicated = True
                obj = _Duplicated(pairs)
                obj.duplicate = key
                return obj
            seen.add(key)
        return obj

    try:
        doc = json.loads(text, object_pairs_hook=no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise Refused(Msg("input.bad_json", problem=exc.msg), exc.lineno) from None
    except RecursionError:
        raise Refused(Msg("input.too_deep", max=MAX_DEPTH)) from None
    except ValueError:  # an integer of more than sys.get_int_max_str_digits() digits
        raise Refused(Msg("input.json_digits", digits=f"{sys.get_int_max_str_digits():,}")) from None
    return doc, duplicated


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _lone_surrogate(value: Any, path: tuple) -> tuple | None:
    """The path of the first key or string holding a lone surrogate (cannot be written as UTF-8)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path
        return None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        if isinstance(key, str) and _lone_surrogate(key, ()) is not None:
            return path + (key.encode("utf-8", "backslashreplace").decode("utf-8"),)
        found = _lone_surrogate(item, path + (key,))
        if found is not None:
            return found
    return None


def _too_many(doc: Any) -> bool:
    """Whether a parsed JSON document holds more than MAX_NODES keys and values (as YAML counts them)."""
    count, todo = 0, [doc]
    while todo:
        value = todo.pop()
        count += 1
        if isinstance(value, dict):
            count += len(value)  # the keys
            todo.extend(value.values())
        elif isinstance(value, list):
            todo.extend(value)
        if count > MAX_NODES:
            return True
    return False


def _find_duplicate(value: Any, path: tuple) -> tuple | None:
    if isinstance(value, _Duplicated):
        return path + (value.duplicate,)
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _find_duplicate(item, path + (key,))
        if found:
            return found
    return None


def _no_constant(name: str):
    raise Refused(Msg("input.bad_constant", name=name))


def _too_deep(value: Any, path: tuple) -> tuple | None:
    """The path of the first mapping or list nested deeper than MAX_DEPTH (the top one is 1)."""
    if not isinstance(value, (dict, list)):
        return None
    if len(path) >= MAX_DEPTH:
        return path
    for key, item in value.items() if isinstance(value, dict) else enumerate(value):
        found = _too_deep(item, path + (key,))
        if found is not None:
            return found
    return None


def line_of(doc: Any, loc: tuple) -> int | None:
    """The line of the deepest key on `loc` that exists in a ruamel document."""
    line, node = None, doc
    for key in loc:
        lc = getattr(node, "lc", None)
        if isinstance(node, dict) and key in node:
            if lc is not None:
                line = lc.key(key)[0] + 1
            node = node[key]
        elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
            if lc is not None:
                line = lc.item(key)[0] + 1
            node = node[key]
        else:
            break
    return line


_PATH_PREFIX = re.compile(r"^(?:Value error, )?((?:[A-Za-z_][\w-]*)(?:\.[\w-]+)*): (.*)$", re.S)


def _at_most(errors: list[InputError], name: str) -> list[InputError]:
    """The first MAX_ERRORS errors, and a line counting the rest (97,000 unknown keys made 30 MB)."""
    if len(errors) <= MAX_ERRORS:
        return errors
    return errors[:MAX_ERRORS] + [InputError(name, Msg("input.more_errors", count=f"{len(errors) - MAX_ERRORS:,}"))]


def _errors(file: str, doc: Any, exc: ValidationError, book: RuleBook) -> list[InputError]:
    out = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith(("function-", "constrained-"))))
        message = _pydantic(err)
        cause = (err.get("ctx") or {}).get("error")
        if isinstance(cause, FieldError):
            loc, message = cause.loc, cause.message
        elif err["type"] == "extra_forbidden":
            message = _unknown_name(loc, book)
        elif err["type"] == "missing":
            message = Msg("input.missing")
        elif err["type"] != "value_error" and isinstance(err.get("input"), (str, int, float, bool, type(None))):
            message = _near_value(Msg("input.got", message=message, value=_shown(err["input"])), err, loc, book)
        elif err["type"] != "value_error":
            pass  # a list or mapping given: pydantic's message, by key, without the value
        elif cause is not None and cause.args and isinstance(cause.args[0], Msg):
            message = cause.args[0]
        else:
            message = err["msg"].removeprefix("Value error, ")
            found = _PATH_PREFIX.match(message)
            if not loc and found:
                loc, message = tuple(found.group(1).split(".")), found.group(2)
        path = ".".join(str(p) for p in loc) or None
        out.append(InputError(file, message if isinstance(message, Msg) else message.replace("\n", " "), line_of(doc, loc), path))
    return out


def _unknown_name(loc: tuple, book: RuleBook) -> Msg:
    """An unknown field, matter or fact, with the name it is near or the matter it belongs to."""
    if not loc:
        return Msg("input.unknown_field_bare")
    if len(loc) == 2 and loc[0] == "facts":
        near = close_matches(loc[1], book.matters, n=2)
        if near:  # the near names say more than the whole list
            return Msg("forgiving.unknown_matter", name=short_repr(loc[1]), suggestion=either(near))
        return Msg("input.unknown_matter", name=short_repr(loc[1]), known=", ".join(sorted(book.matters)))
    if len(loc) == 3 and loc[0] == "facts" and loc[1] in book.matters:
        name, matter = loc[2], loc[1]
        elsewhere = [m for m, tests in book.matters.items() if m != matter and any(name in t.rule.facts for t in tests)]
        known = list(dict.fromkeys(f for test in book.matters[matter] for f in test.rule.facts))
        near = close_matches(name, known, n=2)
        if elsewhere:  # a fact placed under the wrong matter, or a name this matter spells otherwise
            other = ", ".join(map(repr, elsewhere))
            if near:
                return Msg("forgiving.other_matter_or_near", name=short_repr(name), matter=short_repr(matter), other=other, suggestion=either(near))
            return Msg("forgiving.other_matter", name=short_repr(name), matter=short_repr(matter), other=other)
        if near:
            return Msg("forgiving.unknown_fact", name=short_repr(name), matter=short_repr(matter), suggestion=either(near))
        return Msg("input.unknown_fact", name=short_repr(name), matter=short_repr(matter), known=", ".join(known))
    message = Msg("input.unknown_field", name=short_repr(loc[-1]))
    if len(loc) == 1:
        return suggest(message, loc[0], scenario_model(book).model_fields)
    return message


def _near_value(message: Msg, err: dict, loc: tuple, book: RuleBook) -> Msg:
    """A wrong value, with "did you mean" for a choice spelt differently or yes/no for a boolean."""
    given = err.get("input")
    if err["type"] == "bool_type":
        meant = bool_word(given)
        # pydantic's "valid boolean" says nothing to someone who wrote yes: say what to write
        return message if meant is None else Msg("forgiving.bool_word", value=_shown(given), suggestion=str(meant).lower())
    if err["type"] == "literal_error" and len(loc) == 3 and loc[0] == "facts" and loc[1] in book.matters:
        for test in book.matters[loc[1]]:
            spec = test.rule.facts.get(loc[2])
            if spec is not None and spec.values:
                return suggest(message, given, spec.values)
    return message


def _pydantic(err: dict) -> Msg:
    """pydantic's message for an error type, verbatim in English, by key in other languages."""
    if err["type"] == "model_type":  # "... or instance of Matter_abduction": an internal class name
        return Msg("input.pydantic.dict_type", en="Input should be a valid dictionary")
    key = f"input.pydantic.{err['type']}"
    if key not in messages():
        return Msg("input.pydantic.other", en=err["msg"], type=err["type"])
    ctx = {k: v for k, v in (err.get("ctx") or {}).items() if k != "error"}
    if isinstance(ctx.get("pattern"), str):
        ctx["pattern"] = repr(ctx["pattern"])
    if isinstance(ctx.get("expected"), str):  # "'custody', 'access' or 'none'": "or" is a word to translate
        items = re.findall(r"'(?:[^'\\]|\\.)*'", ctx["expected"])
        if len(items) > 1 and ctx["expected"] == ", ".join(items[:-1]) + " or " + items[-1]:
            ctx["expected"] = Msg("input.list_or", head=", ".join(items[:-1]), last=items[-1])
    return Msg(key, en=err["msg"], **ctx)


def in_language(loaded: Loaded, lang: str) -> Loaded:
    """The same result with its error messages in `lang` (messages stay English str otherwise)."""
    if lang == "en" or not loaded.errors:
        return loaded
    return replace(loaded, errors=[replace(e, message=tr(e.message, lang)) for e in loaded.errors])


def _shown(value: Any) -> str:
    text = "null" if value is None else "true" if value is True else "false" if value is False else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def load_file(path: Path, book: RuleBook, as_of: date | None = None, lang: str = "en") -> Loaded:
    """Read and validate one scenario file; `as_of` overrides the file's assessment date;
    error messages are in `lang`."""
    return in_language(_load_file(path, book, as_of), lang)


def _load_file(path: Path, book: RuleBook, as_of: date | None = None) -> Loaded:
    name = str(path)
    try:
        doc = read_document(path)
    except Refused as exc:
        return Loaded(name, errors=[InputError(name, exc.args[0], exc.line, exc.field)])
    except OSError as exc:
        return Loaded(name, errors=[InputError(name, Msg("input.cannot_read", reason=exc.strerror or str(exc)))])
    return validate(doc, name, book, as_of)


def validate(doc: Any, name: str, book: RuleBook, as_of: date | None = None, lang: str = "en") -> Loaded:
    """A parsed document checked against the scenario model; error messages are in `lang`."""
    return in_language(_validate(doc, name, book, as_of), lang)


def _validate(doc: Any, name: str, book: RuleBook, as_of: date | None = None) -> Loaded:
    if not isinstance(doc, dict):
        kind = Msg("input.kind.empty" if doc is None else "input.kind.list" if isinstance(doc, list) else "input.kind.value")
        return Loaded(name, errors=[InputError(name, Msg("input.not_mapping", kind=kind))], doc=doc)
    data = doc if as_of is None else {**doc, "as_of": as_of}  # the caller's document is never changed
    model = scenario_model(book)
    try:  # the usual document, in pydantic-core alone (input/quick.py)
        return Loaded(name, quick_validator(model).validate_python(data), doc=doc)
    except (ValidationError, RecursionError):
        pass  # the model itself reads it again: what it accepts, or its own messages
    try:
        return Loaded(name, model.model_validate(data), doc=doc)
    except ValidationError as exc:
        return Loaded(name, errors=_at_most(_errors(name, doc, exc, book), name), doc=doc)
    except RecursionError:
        return Loaded(name, errors=[InputError(name, Msg("input.too_deep", max=MAX_DEPTH))], doc=doc)


def unexpected(name: str, exc: BaseException, lang: str = "en") -> InputError:
    """The error of a file on which creval itself failed (a bug, not bad input), in `lang`."""
    message = Msg("input.unexpected", error=f"{type(exc).__name__}: {exc}")
    return InputError(name, message if lang == "en" else tr(message, lang))


def load_paths(paths: list[str], book: RuleBook, as_of: date | None = None, lang: str = "en") -> Iterator[Loaded]:
    """Every scenario under `paths`, in order; ids must be unique within the run; error
    messages are in `lang`."""
    files, errors = find_files(paths)
    for err in errors:
        yield in_language(Loaded(err.file, errors=[err]), lang)
    seen: dict[str, str] = {}
    for path in files:
        try:
            loaded = load_file(path, book, as_of)
        except Exception as exc:  # a bug, met on one file: that file gets its line, the others their results
            loaded = Loaded(str(path), errors=[unexpected(str(path), exc)])
        if loaded.scenario is not None:
            sid = loaded.scenario.id
            if sid in seen:
                line = line_of(loaded.doc, ("id",))
                loaded = Loaded(loaded.file, errors=[InputError(loaded.file, Msg("input.duplicate_id", id=short_repr(sid), file=seen[sid]), line, "id")], doc=loaded.doc)
            else:
                seen[sid] = loaded.file
        yield in_language(loaded, lang)
