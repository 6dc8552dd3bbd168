"""A YAML scenario document, read by ruamel with every event checked as it is parsed.

Apart from loader so that reading JSON (every line of `creval batch`) never imports ruamel,
which takes about 9 ms of a start. What is refused and why: loader's docstring.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    MappingStartEvent,
    ScalarEvent,
)
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.parser import RoundTripParser
from ruamel.yaml.resolver import VersionedResolver

from creval.core.text import Msg
from creval.input.refusal import MAX_DEPTH, MAX_NODES, Refused
from creval.input.scenario import short_repr

__all__ = ["parse_yaml"]


class _Constructor(RoundTripConstructor):
    """Round-trip nodes (for line numbers), but dates stay text: the scenario model checks
    them, so that 2025-02-30 is reported at its field, not as a YAML error without a line."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_str)
# `=` and `<<` as values: ruamel resolves them to YAML 1.1's value and merge types, which
# became an internal object (TaggedScalar(...)) in messages; in YAML 1.2 they are text
_Constructor.add_constructor("tag:yaml.org,2002:value", _Constructor.construct_yaml_str)
_Constructor.add_constructor("tag:yaml.org,2002:merge", _Constructor.construct_yaml_str)


class _CheckingParser(RoundTripParser):
    """ruamel's parser, with every event checked (`_scan_event`) as the composer takes it:
    one pass over the text, and each refusal comes before the object is built (the
    composer builds nodes, the constructor objects only once the whole document is read)."""

    def reset_parser(self) -> None:
        super().reset_parser()
        self.collections: list[dict] = []  # open collections: {"map": bool, "key": current key or index, "keys": seen, ...}
        self.counts = {"nodes": 0, "documents": 0}

    def check_event(self, *choices: Any) -> bool:
        return self._annotated(super().check_event, *choices)

    def peek_event(self) -> Any:
        return self._annotated(super().peek_event)

    def get_event(self) -> Any:
        event = self._annotated(super().get_event)
        if event is not None:
            _scan_event(event, self.collections, self.counts)
        return event

    def _annotated(self, step, *args):
        try:
            return step(*args)
        except Exception as exc:  # a syntax error: say where each open collection began
            exc.open_flows = [(f["line"], f["at"], "{" if f["map"] else "[") for f in self.collections if f["flow"]]  # type: ignore[attr-defined]
            raise


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Parser = _CheckingParser
    yaml.Constructor = _Constructor
    return yaml


_RESOLVER = VersionedResolver(version=(1, 2))  # what a plain scalar means, as the loader will read it
_TEXT = ("tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp")  # timestamps are read as text (above)
_INT = "tag:yaml.org,2002:int"
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # "\ud800" in a double-quoted YAML string


def _where(frames: list[dict], *extra) -> str | None:
    return ".".join(str(k) for k in [f["key"] for f in frames] + list(extra)) or None


def _shown_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


def _directive_line(event) -> int | None:
    """The line of the %YAML directive before a document's `---` (the event's mark is the `---`)."""
    mark = event.start_mark
    text = getattr(mark, "buffer", None)
    if not isinstance(text, str):
        return None
    at = text.rfind("%YAML", 0, mark.index)
    return text.count("\n", 0, at) + 1 if at >= 0 else None


def _scan_event(event, stack: list[dict], seen: dict) -> None:
    """Refuse, naming the field path and the line: aliases, deep nesting, too many values,
    duplicate keys, keys that are not text, merge keys, tags, YAML versions other than 1.2,
    a second document, lone surrogates, numbers too long to convert."""
    line = event.start_mark.line + 1 if getattr(event, "start_mark", None) else None
    if isinstance(event, DocumentStartEvent):
        seen["documents"] += 1
        if seen["documents"] > 1:  # `---` again: a stream of documents (a million of them fit in 1 MB)
            raise Refused(Msg("input.yaml_documents"), line)
        # YAML 1.1 reads 017 as 15 and 1:30 as 90; creval reads YAML 1.2, where both are as written
        if event.version is not None and tuple(event.version) != (1, 2):
            raise Refused(Msg("input.yaml_version", version=".".join(map(str, event.version))), _directive_line(event) or line)
        return
    if isinstance(event, CollectionEndEvent):
        stack.pop()
        if stack and stack[-1]["map"]:
            stack[-1]["want_key"] = True
        return
    if not isinstance(event, (ScalarEvent, AliasEvent, CollectionStartEvent)):
        return
    seen["nodes"] += 1
    if seen["nodes"] > MAX_NODES:
        raise Refused(Msg("input.too_many_values", max=f"{MAX_NODES:,}"), line)
    top = stack[-1] if stack else None
    is_key = top is not None and top["map"] and top["want_key"]
    tag = getattr(event, "tag", None)
    if tag is not None:  # !!omap, !!pairs, !!set, !!binary, !python/...: each builds another kind of object
        raise Refused(Msg("input.yaml_tag", tag=_shown_tag(tag)), line, _where(stack[:-1] if is_key else stack))
    plain = isinstance(event, ScalarEvent) and event.style is None
    if is_key:
        if not isinstance(event, ScalarEvent):
            raise Refused(Msg("input.key_not_name"), line, _where(stack[:-1]))
        key = event.value
        if _LONE_SURROGATE.search(key):
            raise Refused(Msg("input.surrogate"), line, _where(stack[:-1], key.encode("utf-8", "backslashreplace").decode("utf-8")))
        if plain and key == "<<":  # a merge key: its keys could override those written here unseen
            raise Refused(Msg("input.merge_key"), line, _where(stack[:-1]))
        if plain and _RESOLVER.resolve(ScalarNode, key, (True, False)) not in _TEXT:
            # `1:`, `true:`, `null:` or `~:` would be a number, a boolean or None as a key
            raise Refused(Msg("input.key_not_text", name=short_repr(key)), line, _where(stack[:-1]))
        if key in top["keys"]:
            raise Refused(Msg("input.duplicate_key_line", name=short_repr(key), line=top["keys"][key]), line, _where(stack[:-1], key))
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
        return
    if _LONE_SURROGATE.search(event.value):
        raise Refused(Msg("input.surrogate"), line, _where(stack))
    if plain and len(event.value) > sys.get_int_max_str_digits() and _RESOLVER.resolve(ScalarNode, event.value, (True, False)) == _INT:
        raise Refused(Msg("input.yaml_digits", digits=f"{sys.get_int_max_str_digits():,}"), line, _where(stack))
    if top is not None and top["map"]:
        top["want_key"] = True


# The YAML parser's most common complaint, "expected ',' or '}', but got ':'", in the reader's
# language; the tokens stay as the parser names them. Other complaints keep its English words.
_EXPECTED = re.compile(r"expected (.+), but (?:got|found) (.+)")
_TOKENS = {"<stream end>": "input.yaml_token.end", "<block end>": "input.yaml_token.block_end",
           "<block mapping start>": "input.yaml_token.mapping", "<block sequence start>": "input.yaml_token.sequence"}


def _parser_words(problem: str) -> Any:
    found = _EXPECTED.fullmatch(problem)
    if found is None:
        return problem
    def token(text: str) -> Any:  # '<stream end>' in words; a character stays quoted: ','
        return Msg(_TOKENS[text.strip("'")]) if text.strip("'") in _TOKENS else text

    def either(text: str) -> Any:
        a, _, b = text.partition(" or ")
        return Msg("input.yaml_either", a=token(a), b=token(b)) if b else token(a)
    return Msg("input.yaml_expected", expected=either(found[1]), found=token(found[2]))


def parse_yaml(text: str) -> Any:
    yaml = _yaml()
    try:
        return yaml.load(text)
    except Refused:
        raise
    except Exception as exc:  # ruamel raises several unrelated classes for malformed text
        field = None
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = _parser_words(getattr(exc, "problem", None) or str(exc).splitlines()[0])
        line = mark.line + 1 if mark else None
        open_flows = getattr(exc, "open_flows", None)
        if "flow" in (getattr(exc, "context", None) or "") and open_flows:
            # inside [ ] or { }: name the innermost one still open, where the fix usually is
            opened, field, bracket = open_flows[-1]
            if line is not None and opened != line:
                problem = Msg("input.unclosed", bracket=bracket, problem=problem, line=line)
            line = opened
        tab = _tab_indent(text, line)
        if tab is not None:  # YAML's own words ("cannot start any token") mean nothing to most people
            raise Refused(Msg("forgiving.yaml_tab"), tab, field) from None
        raise Refused(Msg("input.bad_yaml", problem=problem), line, field) from None


def _tab_indent(text: str, line: int | None) -> int | None:
    """The line indented with a tab that broke the YAML: the line reported, else the first."""
    lines = text.splitlines()
    indented = [n for n, body in enumerate(lines, 1) if "\t" in body[:len(body) - len(body.lstrip())]]
    if not indented:
        return None
    return line if line in indented else indented[0]
