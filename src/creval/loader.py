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
from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent

from .rulebook import RuleBook
from .scenario import scenario_model

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
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


@dataclass
class Loaded:
    file: str
    scenario: BaseModel | None = None
    errors: list[InputError] = field(default_factory=list)


class _Refused(Exception):
    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


def find_files(paths: list[str]) -> tuple[list[Path], list[InputError]]:
    """Scenario files named or found under folders (symlinked folders are not followed)."""
    files, errors = [], []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, names in os.walk(path):
                dirs.sort()
                files.extend(Path(root) / n for n in sorted(names) if n.endswith(SCENARIO_SUFFIXES))
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
    if b"\0" in data:
        raise _Refused("binary file, not YAML or JSON text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Refused(f"not UTF-8 text (byte {exc.start})") from None
    if path.suffix == ".json":
        return parse_json(text)
    return parse_yaml(text)


def parse_json(text: str) -> Any:
    def no_duplicates(pairs):
        keys = [k for k, _ in pairs]
        dup = next((k for k in keys if keys.count(k) > 1), None)
        if dup is not None:
            raise _Refused(f"duplicate key {dup!r}")
        return dict(pairs)

    try:
        doc = json.loads(text, object_pairs_hook=no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise _Refused(f"not valid JSON: {exc.msg}", exc.lineno) from None
    except RecursionError:
        raise _Refused(f"nested deeper than {MAX_DEPTH} levels") from None
    if _depth(doc) > MAX_DEPTH:
        raise _Refused(f"nested deeper than {MAX_DEPTH} levels")
    return doc


def _no_constant(name: str):
    raise _Refused(f"{name} is not a valid value")


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level


def parse_yaml(text: str) -> Any:
    yaml = YAML(typ="rt")
    try:
        depth = 0
        for event in yaml.parse(text):  # events first: refuse aliases and deep nesting cheaply
            if isinstance(event, AliasEvent):
                raise _Refused("YAML aliases (*name) are not allowed in scenario files", event.start_mark.line + 1)
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _Refused(f"nested deeper than {MAX_DEPTH} levels", event.start_mark.line + 1)
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
        return YAML(typ="rt").load(text)
    except _Refused:
        raise
    except Exception as exc:  # ruamel raises several unrelated classes for malformed text
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise _Refused(f"not valid YAML: {problem}", mark.line + 1 if mark else None) from None


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


def _errors(file: str, doc: Any, exc: ValidationError) -> list[InputError]:
    out = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith(("function-", "constrained-"))))
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = f"unknown field {loc[-1]!r}" if loc else "unknown field"
        elif err["type"] == "missing":
            message = "required field is missing"
        else:
            message = message.removeprefix("Value error, ")
            found = _PATH_PREFIX.match(message)
            if not loc and found:
                loc, message = tuple(found.group(1).split(".")), found.group(2)
        path = ".".join(str(p) for p in loc) or None
        out.append(InputError(file, message.replace("\n", " "), _line_of(doc, loc), path))
    return out


def load_file(path: Path, book: RuleBook, as_of: date | None = None) -> Loaded:
    """Read and validate one scenario file; `as_of` overrides the file's assessment date."""
    name = str(path)
    try:
        doc = read_document(path)
    except _Refused as exc:
        return Loaded(name, errors=[InputError(name, str(exc), exc.line)])
    except OSError as exc:
        return Loaded(name, errors=[InputError(name, f"cannot read: {exc.strerror or exc}")])
    return validate(doc, name, book, as_of)


def validate(doc: Any, name: str, book: RuleBook, as_of: date | None = None) -> Loaded:
    if not isinstance(doc, dict):
        return Loaded(name, errors=[InputError(name, "a scenario is a mapping (id, facts, ...)")])
    data = dict(doc)
    if as_of is not None:
        data["as_of"] = as_of
    try:
        return Loaded(name, scenario_model(book).model_validate(data))
    except ValidationError as exc:
        return Loaded(name, errors=_errors(name, doc, exc))
    except RecursionError:
        return Loaded(name, errors=[InputError(name, f"nested deeper than {MAX_DEPTH} levels")])


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
                loaded = Loaded(loaded.file, errors=[InputError(loaded.file, f"duplicate scenario id {sid!r} (also in {seen[sid]})", field="id")])
            else:
                seen[sid] = loaded.file
        yield loaded
