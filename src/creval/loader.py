"""Reading scenario files: YAML or JSON in, a validated scenario or one-line errors out.

Every error names the file, the line where there is one, and the field. Reading is
defensive: size and nesting are bounded, YAML aliases are refused (an alias bomb expands
exponentially), text must be UTF-8, and duplicate keys are errors.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterator

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, MappingStartEvent, ScalarEvent

from .rulebook import RuleBook
from .scenario import FieldError, scenario_model

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


@dataclass
class Loaded:
    file: str
    scenario: BaseModel | None = None
    errors: list[InputError] = field(default_factory=list)
    doc: Any = None  # the parsed document (ruamel nodes for YAML: line numbers)


class _Refused(Exception):
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
            if not found:
                errors.append(InputError(raw, f"no scenario files ({', '.join('*' + s for s in SCENARIO_SUFFIXES)}) in this folder"))
            files.extend(found)
        elif path.is_file():
            files.append(path)
        elif path.is_symlink() or path.exists():
            errors.append(InputError(raw, "not a regular file or folder (a broken or looping link?)"))
        else:
            errors.append(InputError(raw, "no such file or folder"))
    return files, errors


def read_document(path: Path) -> Any:
    """The parsed document, with line numbers for YAML (ruamel's round-trip nodes)."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise _Refused(f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
    with path.open("rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:  # grew after stat
        raise _Refused(f"file is over the limit of {MAX_FILE_BYTES:,} bytes")
    if b"\0" in data:
        raise _Refused("binary file, not YAML or JSON text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Refused(f"not UTF-8 text (byte {exc.start}: {data[exc.start:exc.start + 1].hex()})", data.count(b"\n", 0, exc.start) + 1) from None
    if path.suffix == ".json":
        return parse_json(text)
    return parse_yaml(text)


class _Duplicated(dict):
    """A JSON object that had a key twice; found again after parsing, to name its path."""
    duplicate: str = ""


def parse_json(text: str) -> Any:
    def no_duplicates(pairs):
        seen: set = set()
        for key, _ in pairs:
            if key in seen:
                obj = _Duplicated(pairs)
                obj.duplicate = key
                return obj
            seen.add(key)
        return dict(pairs)

    try:
        doc = json.loads(text, object_pairs_hook=no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise _Refused(f"not valid JSON: {exc.msg}", exc.lineno) from None
    except RecursionError:
        raise _Refused(f"nested deeper than {MAX_DEPTH} levels") from None
    deep = _too_deep(doc, ())
    if deep is not None:
        raise _Refused(f"nested deeper than {MAX_DEPTH} levels", field=".".join(map(str, deep)) or None)
    found = _find_duplicate(doc, ())
    if found:
        raise _Refused(f"duplicate key {found[-1]!r}", field=".".join(map(str, found)))
    return doc


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
    raise _Refused(f"{name} is not a valid value")


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
        if not isinstance(exc, _Refused):  # a syntax error: say where each open collection began
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
            raise _Refused("a key must be a plain name, not an alias, list or mapping", line, _where(stack[:-1]))
        key = event.value
        if key in top["keys"]:
            raise _Refused(f"duplicate key {key!r} (first on line {top['keys'][key]})", line, _where(stack[:-1], key))
        top["keys"][key], top["key"], top["want_key"] = line, key, False
        return
    if top is not None and not top["map"]:
        top["key"] += 1
    if isinstance(event, AliasEvent):
        raise _Refused("YAML aliases (*name) are not allowed in scenario files", line, _where(stack))
    if isinstance(event, CollectionStartEvent):
        if len(stack) >= MAX_DEPTH:
            raise _Refused(f"nested deeper than {MAX_DEPTH} levels", line, _where(stack))
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
    except _Refused:
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
                problem = f"the {bracket} opened here is not closed ({problem} on line {line})"
            line = opened
        raise _Refused(f"not valid YAML: {problem}", line, field) from None


def _line_of(doc: Any, loc: tuple) -> int | None:
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
        message = err["msg"]
        cause = (err.get("ctx") or {}).get("error")
        if isinstance(cause, FieldError):
            loc, message = cause.loc, cause.message
        elif err["type"] == "extra_forbidden":
            message = f"unknown field {loc[-1]!r}" if loc else "unknown field"
            if len(loc) == 2 and loc[0] == "facts":
                message = f"unknown matter {loc[1]!r} (known: {', '.join(sorted(book.matters))})"
            elif len(loc) == 3 and loc[0] == "facts" and loc[1] in book.matters:
                known = [f for test in book.matters[loc[1]] for f in test.rule.facts]
                message = f"unknown fact {loc[2]!r} for matter {loc[1]!r} (known: {', '.join(dict.fromkeys(known))})"
        elif err["type"] == "missing":
            message = "required field is missing"
        elif err["type"] != "value_error" and isinstance(err.get("input"), (str, int, float, bool, type(None))):
            message = f"{message}, got {_shown(err['input'])}"
        else:
            message = message.removeprefix("Value error, ")
            found = _PATH_PREFIX.match(message)
            if not loc and found:
                loc, message = tuple(found.group(1).split(".")), found.group(2)
        path = ".".join(str(p) for p in loc) or None
        out.append(InputError(file, message.replace("\n", " "), _line_of(doc, loc), path))
    return out


def _shown(value: Any) -> str:
    text = "null" if value is None else "true" if value is True else "false" if value is False else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def load_file(path: Path, book: RuleBook, as_of: date | None = None) -> Loaded:
    """Read and validate one scenario file; `as_of` overrides the file's assessment date."""
    name = str(path)
    try:
        doc = read_document(path)
    except _Refused as exc:
        return Loaded(name, errors=[InputError(name, str(exc), exc.line, exc.field)])
    except OSError as exc:
        return Loaded(name, errors=[InputError(name, f"cannot read: {exc.strerror or exc}")])
    return validate(doc, name, book, as_of)


def validate(doc: Any, name: str, book: RuleBook, as_of: date | None = None) -> Loaded:
    if not isinstance(doc, dict):
        kind = "an empty document" if doc is None else "a list" if isinstance(doc, list) else "a single value"
        return Loaded(name, errors=[InputError(name, f"a scenario is a mapping (id, facts, ...), not {kind}")], doc=doc)
    data = dict(doc)
    if as_of is not None:
        data["as_of"] = as_of
    try:
        return Loaded(name, scenario_model(book).model_validate(data), doc=doc)
    except ValidationError as exc:
        return Loaded(name, errors=_errors(name, doc, exc, book), doc=doc)
    except RecursionError:
        return Loaded(name, errors=[InputError(name, f"nested deeper than {MAX_DEPTH} levels")], doc=doc)


def load_paths(paths: list[str], book: RuleBook, as_of: date | None = None) -> Iterator[Loaded]:
    """Every scenario under `paths`, in order; ids must be unique within the run."""
    files, errors = find_files(paths)
    for err in errors:
        yield Loaded(err.file, errors=[err])
    seen: dict[str, str] = {}
    for path in files:
        loaded = load_file(path, book, as_of)
        if loaded.scenario is not None:
            sid = loaded.scenario.id
            if sid in seen:
                line = _line_of(loaded.doc, ("id",))
                loaded = Loaded(loaded.file, errors=[InputError(loaded.file, f"duplicate scenario id {sid!r} (also in {seen[sid]})", line, "id")], doc=loaded.doc)
            else:
                seen[sid] = loaded.file
        yield loaded
