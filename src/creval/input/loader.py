"""Reading scenario files: YAML or JSON in, a validated scenario or one-line errors out.

Every error names the file, the line where there is one, and the field. Reading is
defensive: size and nesting are bounded, YAML aliases are refused (an alias bomb expands
exponentially), text must be UTF-8, and duplicate keys are errors.
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

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, MappingStartEvent, ScalarEvent

from creval.law.rulebook import RuleBook
from creval.output.i18n import Msg, messages, tr
from creval.input.scenario import FieldError, scenario_model

MAX_FILE_BYTES = 1_000_000  # a scenario is a page of facts; anything larger is refused unread
MAX_DEPTH = 20  # nesting of mappings and lists
SCENARIO_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass
class InputError:
    file: str
    message: str
    line: int | None = None
    field: str | None = None

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


class Refused(Exception):
    def __init__(self, message: str, line: int | None = None, field: str | None = None):
        super().__init__(message)
        self.line = line
        self.field = field


def find_files(paths: list[str]) -> tuple[list[Path], list[InputError]]:
    """Scenario files named or found under folders (symlinked folders are not followed)."""
    files, errors = [], []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = []
            for root, dirs, names in os.walk(path):
                dirs.sort()
                found.extend(Path(root) / n for n in sorted(names) if n.endswith(SCENARIO_SUFFIXES))
                errors.extend(InputError(str(Path(root) / d), Msg("input.link_loop")) for d in dirs if _link_loop(Path(root), d))
            if not found:
                errors.append(InputError(raw, Msg("input.no_scenario_files", patterns=", ".join("*" + s for s in SCENARIO_SUFFIXES))))
            files.extend(found)
        elif path.is_file():
            files.append(path)
        elif path.is_symlink() or path.exists():
            errors.append(InputError(raw, Msg("input.not_regular")))
        else:
            errors.append(InputError(raw, Msg("input.no_such_file")))
    return files, errors


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
    text = decode_utf8(data)
    if suffix == ".json":
        return parse_json(text)
    return parse_yaml(text)


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
    # fewer brackets than the depth limit cannot nest past it: skip the walk (the usual case)
    deep = _too_deep(doc, ()) if text.count("{") + text.count("[") > MAX_DEPTH else None
    if deep is not None:
        raise Refused(Msg("input.too_deep", max=MAX_DEPTH), field=".".join(map(str, deep)) or None)
    if duplicated:  # only then walk the document, to name the key's path
        found = _find_duplicate(doc, ())
        if found:
            raise Refused(Msg("input.duplicate_key", name=repr(found[-1])), field=".".join(map(str, found)))
    if _SURROGATE_ESCAPE.search(text):  # \ud800 and the like: legal JSON, not legal text
        found = _lone_surrogate(doc, ())
        if found is not None:
            raise Refused(Msg("input.surrogate"), field=".".join(map(str, found)) or None)
    return doc


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


class _Constructor(RoundTripConstructor):
    """Round-trip nodes (for line numbers), but dates stay text: the scenario model checks
    them, so that 2025-02-30 is reported at its field, not as a YAML error without a line."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_str)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    return yaml


def _scan_yaml(events) -> None:
    """Refuse aliases, deep nesting and duplicate keys from the event stream, before any
    object is built, naming the field path and the line."""
    stack: list[dict] = []  # open collections: {"map": bool, "key": current key or index, "keys": seen, ...}

    try:
        for event in events:
            _scan_event(event, stack)
    except Exception as exc:
        if not isinstance(exc, Refused):  # a syntax error: say where each open collection began
            exc.open_flows = [(f["line"], f["at"], "{" if f["map"] else "[") for f in stack if f["flow"]]  # type: ignore[attr-defined]
        raise


def _where(frames: list[dict], *extra) -> str | None:
    return ".".join(str(k) for k in [f["key"] for f in frames] + list(extra)) or None


def _scan_event(event, stack: list[dict]) -> None:
    line = event.start_mark.line + 1 if getattr(event, "start_mark", None) else None
    if isinstance(event, CollectionEndEvent):
        stack.pop()
        if stack and stack[-1]["map"]:
            stack[-1]["want_key"] = True
        return
    if not isinstance(event, (ScalarEvent, AliasEvent, CollectionStartEvent)):
        return
    top = stack[-1] if stack else None
    if top is not None and top["map"] and top["want_key"]:
        if not isinstance(event, ScalarEvent):
            raise Refused(Msg("input.key_not_name"), line, _where(stack[:-1]))
        key = event.value
        if key in top["keys"]:
            raise Refused(Msg("input.duplicate_key_line", name=repr(key), line=top["keys"][key]), line, _where(stack[:-1], key))
        top["keys"][key], top["key"], top["want_key"] = line, key, False
        return
    if top is not None and not top["map"]:
        top["key"] += 1
    if isinstance(event, AliasEvent):
        raise Refused(Msg("input.alias"), line, _where(stack))
    if isinstance(event, CollectionStartEvent):
        if len(stack) >= MAX_DEPTH:
            raise Refused(Msg("input.too_deep", max=MAX_DEPTH), line, _where(stack))
        mapping = isinstance(event, MappingStartEvent)
        stack.append({"map": mapping, "key": None if mapping else -1, "keys": {}, "want_key": True,
                      "line": line, "at": _where(stack), "flow": bool(event.flow_style)})
    elif top is not None and top["map"]:
        top["want_key"] = True


def parse_yaml(text: str) -> Any:
    yaml = _yaml()
    try:
        _scan_yaml(yaml.parse(text))  # events first: refuse aliases, deep nesting and duplicates cheaply
        return _yaml().load(text)
    except Refused:
        raise
    except Exception as exc:  # ruamel raises several unrelated classes for malformed text
        field = None
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        line = mark.line + 1 if mark else None
        open_flows = getattr(exc, "open_flows", None)
        if "flow" in (getattr(exc, "context", None) or "") and open_flows:
            # inside [ ] or { }: name the innermost one still open, where the fix usually is
            opened, field, bracket = open_flows[-1]
            if line is not None and opened != line:
                problem = Msg("input.unclosed", bracket=bracket, problem=problem, line=line)
            line = opened
        raise Refused(Msg("input.bad_yaml", problem=problem), line, field) from None


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


def _errors(file: str, doc: Any, exc: ValidationError, book: RuleBook) -> list[InputError]:
    out = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith(("function-", "constrained-"))))
        message = _pydantic(err)
        cause = (err.get("ctx") or {}).get("error")
        if isinstance(cause, FieldError):
            loc, message = cause.loc, cause.message
        elif err["type"] == "extra_forbidden":
            message = Msg("input.unknown_field", name=repr(loc[-1])) if loc else Msg("input.unknown_field_bare")
            if len(loc) == 2 and loc[0] == "facts":
                message = Msg("input.unknown_matter", name=repr(loc[1]), known=", ".join(sorted(book.matters)))
            elif len(loc) == 3 and loc[0] == "facts" and loc[1] in book.matters:
                known = [f for test in book.matters[loc[1]] for f in test.rule.facts]
                message = Msg("input.unknown_fact", name=repr(loc[2]), matter=repr(loc[1]), known=", ".join(dict.fromkeys(known)))
        elif err["type"] == "missing":
            message = Msg("input.missing")
        elif err["type"] != "value_error" and isinstance(err.get("input"), (str, int, float, bool, type(None))):
            message = Msg("input.got", message=message, value=_shown(err["input"]))
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


def _pydantic(err: dict) -> Msg:
    """pydantic's message for an error type, verbatim in English, by key in other languages."""
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
    data = dict(doc)
    if as_of is not None:
        data["as_of"] = as_of
    try:
        return Loaded(name, scenario_model(book).model_validate(data), doc=doc)
    except ValidationError as exc:
        return Loaded(name, errors=_errors(name, doc, exc, book), doc=doc)
    except RecursionError:
        return Loaded(name, errors=[InputError(name, Msg("input.too_deep", max=MAX_DEPTH))], doc=doc)


def load_paths(paths: list[str], book: RuleBook, as_of: date | None = None, lang: str = "en") -> Iterator[Loaded]:
    """Every scenario under `paths`, in order; ids must be unique within the run; error
    messages are in `lang`."""
    files, errors = find_files(paths)
    for err in errors:
        yield in_language(Loaded(err.file, errors=[err]), lang)
    seen: dict[str, str] = {}
    for path in files:
        loaded = load_file(path, book, as_of)
        if loaded.scenario is not None:
            sid = loaded.scenario.id
            if sid in seen:
                line = line_of(loaded.doc, ("id",))
                loaded = Loaded(loaded.file, errors=[InputError(loaded.file, Msg("input.duplicate_id", id=repr(sid), file=seen[sid]), line, "id")], doc=loaded.doc)
            else:
                seen[sid] = loaded.file
        yield in_language(loaded, lang)
