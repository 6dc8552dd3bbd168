"""The layers of creval import one way, with no cycle.

Read from the source with `ast` (imports inside functions count too): a module imports only
from its own layer and the layers below it, never a private name of another module, and only
the names another module exports in its `__all__`. The layers, from the bottom:

    core     messages, states, dates, the safe YAML reader: nothing of creval
    law      rule files, conditions, derivations, treaties, absent facts
    engine   decides (beside input: neither imports the other)
    input    scenario files
    render   results in words, in any language, in every output format
    app      the one evaluation path: load, select, evaluate, collect errors
    tools    one subpackage or module per tool; a tool never imports another tool
    web      the web pages and the API
    cli      the command line
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "creval"

BELOW = {
    "core": set(),
    "law": {"core"},
    "engine": {"core", "law"},
    "input": {"core", "law"},
    "render": {"core", "law", "engine"},
    "app": {"core", "law", "engine", "input", "render"},
    "tools": {"core", "law", "engine", "input", "render", "app"},
    "web": {"core", "law", "engine", "input", "render", "app", "tools"},
    "cli": {"core", "law", "engine", "input", "render", "app", "tools", "web"},
}
ROOT = {"creval": "core", "creval.__main__": "cli", "creval.cli": "cli"}  # modules outside the layer folders


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
TREES = {name: ast.parse(path.read_text(encoding="utf-8"), str(path)) for name, path in MODULES.items()}


def layer(module: str) -> str:
    if module in ROOT:
        return ROOT[module]
    return module.split(".")[1]


def tool(module: str) -> str | None:
    """The tool a module belongs to (tools/<tool>/... or tools/<tool>.py)."""
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[1] == "tools" else None


def is_package(module: str) -> bool:
    return MODULES[module].name == "__init__.py"


def from_base(module: str, node: ast.ImportFrom) -> str:
    """The module a `from ... import` names, relative imports resolved."""
    base = node.module or ""
    if node.level:
        package = module if is_package(module) else module.rpartition(".")[0]
        up = package.split(".")
        base = ".".join(up[: len(up) - node.level + 1] + ([base] if base else []))
    return base


def imports(module: str):
    """(line, imported module, names taken from it or None) for every import of creval."""
    for node in ast.walk(TREES[module]):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "creval":
                    yield node.lineno, alias.name, None
        elif isinstance(node, ast.ImportFrom):
            base = from_base(module, node)
            if base.split(".")[0] != "creval":
                continue
            plain = []
            for alias in node.names:
                if f"{base}.{alias.name}" in MODULES:  # `from creval.law import conditions`: a module
                    yield node.lineno, f"{base}.{alias.name}", None
                    if base in MODULES and base != module:  # ... taken from its package, which it runs
                        yield node.lineno, base, None
                else:
                    plain.append(alias.name)
            if plain:
                yield node.lineno, base, plain


def exported(module: str) -> set[str] | None:
    for node in TREES[module].body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return set(ast.literal_eval(node.value))
    return None


def test_every_module_is_known():
    assert all(layer(m) in BELOW or m in ROOT for m in MODULES), [m for m in MODULES if layer(m) not in BELOW]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down(module):
    here = layer(module)
    wrong = []
    for line, target, _ in imports(module):
        if target not in MODULES:
            wrong.append(f"line {line}: {target} does not exist")
            continue
        there = layer(target)
        if there != here and there not in BELOW[here]:
            wrong.append(f"line {line}: {here} imports {target} ({there}), a layer above or beside it")
        elif here == "tools" and tool(target) and tool(module) and tool(target) != tool(module):
            wrong.append(f"line {line}: the tool {tool(module)} imports another tool, {target}")
    assert not wrong, f"{module}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_only_exported_names_cross_modules(module):
    wrong = []
    bound = {}  # local name -> creval module it stands for (`from creval.tools import batch as b`)
    for node in ast.walk(TREES[module]):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                for _, target, names in imports_of(module, node):
                    if names is None and target.endswith("." + alias.name):
                        bound[alias.asname or alias.name] = target
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname and alias.name in MODULES:
                    bound[alias.asname] = alias.name
    for line, target, names in imports(module):
        if names is None or target == module or target not in MODULES:
            continue
        public = exported(target)
        for name in names:
            if name.startswith("_") and not name.startswith("__"):
                wrong.append(f"line {line}: private name {target}.{name}")
            elif public is not None and name not in public:
                wrong.append(f"line {line}: {target} does not export {name} (its __all__)")
    for node in ast.walk(TREES[module]):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in bound:
            if node.attr.startswith("_") and not node.attr.startswith("__"):
                wrong.append(f"line {node.lineno}: private name {bound[node.value.id]}.{node.attr}")
    assert not wrong, f"{module}:\n" + "\n".join(wrong)


def imports_of(module: str, node: ast.ImportFrom):
    base = from_base(module, node)
    for alias in node.names:
        if f"{base}.{alias.name}" in MODULES:
            yield node.lineno, f"{base}.{alias.name}", None


@pytest.mark.parametrize("package", sorted(m for m in MODULES if is_package(m)))
def test_every_package_names_its_exports(package):
    assert exported(package) is not None, f"{MODULES[package]} has no __all__"


def test_no_import_cycle():
    graph = {m: sorted({target for _, target, _ in imports(m) if target in MODULES and target != m}) for m in MODULES}
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        path.append(m)
        for n in graph[m]:
            if state.get(n) == 1:
                return path[path.index(n):] + [n]
            if n not in state:
                found = visit(n)
                if found:
                    return found
        path.pop()
        state[m] = 2
        return None

    for m in graph:
        if m not in state:
            cycle = visit(m)
            assert cycle is None, "import cycle: " + " -> ".join(cycle)


WORDING = {"t", "tr", "country_name", "messages", "in_language", "placeholder_parts"}  # the catalogue's words


@pytest.mark.parametrize("module", sorted(m for m in MODULES if layer(m) in ("engine", "law")))
def test_the_engine_and_the_law_write_no_text(module):
    """The engine decides and the law describes; neither puts anything into words (render
    does): a result holds codes and values, and a message is a `Msg` rendered later."""
    wrong = [f"line {line}: {target}.{name}" for line, target, names in imports(module)
             if names and target == "creval.core.text" for name in names if name in WORDING]
    assert not wrong, f"{module} words text itself:\n" + "\n".join(wrong)
