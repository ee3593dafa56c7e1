"""The package's folders are its architecture: no import cycle, no import upward, few modules at the top."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, List, Set

from .support.paths import ROOT

PACKAGE = ROOT / "src" / "trtdeconv_docs"
ALLOWED = {
    "layer": {"layer"},
    "prose": {"prose"},
    "trt": {"trt", "layer", "errors"},
    "cassette": {"cassette", "trt", "layer", "errors"},
}
"""What each lower part may import (every import statement counts, at module level or not)."""
TOP_LEVEL_CEILING = 15
"""Issue 17: at most this many modules at the package's top; new code goes into a subpackage."""


def _name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports() -> Dict[str, Set[str]]:
    """``{module: the package's modules it imports}``, from every import statement of its source."""
    modules = {_name(path): path for path in PACKAGE.rglob("*.py")}
    graph: Dict[str, Set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = package.split(".")[:len(package.split(".")) - node.level + 1] if node.level else []
                module = ".".join(base + ([node.module] if node.module else []))
                named = [f"{module}.{alias.name}" for alias in node.names if f"{module}.{alias.name}" in modules]
                targets = named or [module]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            for target in targets:
                while target not in modules and "." in target:
                    target = target.rpartition(".")[0]
                if target in modules and target != name:
                    graph[name].add(target)
    return graph


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def cycles(graph: Dict[str, Set[str]]) -> List[List[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    found: List[List[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in graph[module]:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = []
            while True:
                other = stack.pop()
                component.append(other)
                if other == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in graph:
        if module not in index:
            visit(module)
    return found


def test_no_import_cycle():
    assert cycles(imports()) == []


def test_the_lower_parts_import_nothing_above_them():
    upward = [f"{module} -> {other}" for module, others in imports().items() if _part(module) in ALLOWED
              for other in others if _part(other) not in ALLOWED[_part(module)]]
    assert upward == []


def test_few_modules_at_the_top():
    top = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert len(top) <= TOP_LEVEL_CEILING, top


def test_the_checks_see_an_upward_import_and_a_cycle():
    graph = imports()
    assert {"trtdeconv_docs.cassette.store", "trtdeconv_docs.errors"} <= graph["trtdeconv_docs.cassette.player"]
    assert {"trtdeconv_docs.cassette.mode", "trtdeconv_docs.cassette.player"} <= graph["trtdeconv_docs.session"]
    assert cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
