"""Check, without TensorRT, that Python code uses only TensorRT API present in every stored version.

:func:`check_source` reads one file's syntax tree and reports each use that some tag of
:data:`CHECKED_TAGS` (8.6.0, the first and the newest 10.x, 11.0 and the newest 11.x) lacks:

1. **Module chains**: every ``trt.Name``, ``trt.Enum.MEMBER``, ``trt.Class.member`` (``trt`` being
   whatever name ``import tensorrt`` bound) must exist (:meth:`TensorRTApi.resolve`).
2. **Members of objects**: every ``x.name`` (and ``getattr(x, "name")``, ``setattr(x, "name", v)``)
   whose ``name`` is a member of some TensorRT class or enum in 8.6 must be a member of some class
   or enum in each other version; ``x`` being a name that an import bound (``np``, ``compare``,
   a module or a lower-case function) is not a TensorRT object and is skipped. The type of ``x`` is not known, so a name that TensorRT 8.6 uses
   counts as TensorRT's wherever it appears: this catches removed APIs (``max_workspace_size``,
   ``execute_async_v2``, ``get_binding_shape``, ``kernel_size``) on any object.
3. **Calls**: a call ``x.name(a, b, k=c)`` that some TensorRT 8.6 class having method ``name`` accepts
   (count of positional arguments, keyword names) must be accepted by some class of each other
   version that has ``name`` (this catches ``network.add_quantize(x, scale)`` for 11). Calls of
   ``trt.Class(...)`` and ``trt.function(...)`` are checked the same way against ``__init__`` and the
   module function. Calls with ``*args`` / ``**kwargs`` are not counted.

A use is **guarded**, and then needs to exist in only one version (any), when it is

- the name tested by ``hasattr(X, "name")`` or fetched by ``getattr(X, "name", default)``;
- ``X.name`` (or a longer chain through it) inside the body of an ``if`` / conditional expression
  whose test contains ``hasattr(X, "name")`` (the ``else`` side when the test is ``not hasattr(...)``),
  or after ``hasattr(X, "name") and`` in a boolean expression;
- as above, where the test names a variable (or attribute, ``self.int8``) that was assigned an
  expression containing ``hasattr(X, "name")`` or ``getattr(X, "name", default)`` in the same file;
- inside either branch of an ``if`` / conditional expression whose test reads the TensorRT version:
  ``trt.__version__``, a call of a function named ``tensorrt_major``, or a variable assigned from
  one of those in the same file.

What this cannot see: which class an object is (a name is judged against all classes), the types
of arguments, names built at run time (``getattr(trt.PaddingMode, mode)``, ``setattr(layer, name, v)``),
whether a version branch runs on the version it was written for, and arities the sources do not
state (overloads with unknown arguments accept any call). Executing each example against a stand-in
built from the same lists catches those.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List, Optional, Sequence, Set, Tuple

from . import TensorRTApi, load

CHECKED_TAGS = ("v8.6.0", "v10.0.0", "v10.16", "v11.0", "v11.1")
"""The tags whose API the checked code must use only what they all have."""

BASELINE = "v8.6.0"
"""The version whose member names count as TensorRT's (the runtime of the recordings)."""


@dataclass(frozen=True)
class Problem:
    """One use of TensorRT API that ``missing_in`` versions lack."""

    path: str
    line: int
    use: str
    missing_in: Tuple[str, ...]
    guarded: bool

    def __str__(self) -> str:
        if self.guarded:
            return f"{self.path}:{self.line}: {self.use} (guarded) exists in no version"
        return f"{self.path}:{self.line}: {self.use} is missing in {', '.join(self.missing_in)}"


def _text(node: ast.AST) -> str:
    return ast.unparse(node)


def _literal(node: ast.AST) -> Optional[str]:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _hasattr_tests(test: ast.AST, positive: bool = True) -> Iterable[Tuple[Tuple[str, str], bool]]:
    """``((object text, name), positive?)`` for each ``hasattr(X, "name")`` in a test expression."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        yield from _hasattr_tests(test.operand, not positive)
        return
    if isinstance(test, ast.Call) and getattr(test.func, "id", None) in ("hasattr", "getattr") \
            and len(test.args) >= 2 and _literal(test.args[1]) is not None \
            and (test.func.id == "hasattr" or len(test.args) == 3):
        yield (_text(test.args[0]), _literal(test.args[1])), positive
    for child in ast.iter_child_nodes(test):
        if not (isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)):
            yield from _hasattr_tests(child, positive)


class _Checker(ast.NodeVisitor):
    def __init__(self, path: str, apis: Sequence[TensorRTApi]):
        self.path = path
        self.apis = apis
        self.baseline = next(api for api in apis if api.tag == BASELINE)
        self.aliases: Set[str] = set()
        self.guards: List[Tuple[str, str]] = []  # active (object text, name) guards
        self.version_depth = 0
        self.guard_variables: dict = {}  # variable text -> guards its value tested
        self.version_variables: Set[str] = set()
        self.problems: List[Problem] = []
        self.reported: Set[Tuple[int, str]] = set()
        self.modules: Set[str] = set()  # names bound by import: their attributes are not TensorRT objects'
        self.runtime_calls: Set[str] = set()  # names bound to the session's runtime_calls: `trt, cudart = runtime_calls(...)`

    # --- what counts as a guard ----------------------------------------------------------

    def _reads_version(self, test: ast.AST) -> bool:
        for node in ast.walk(test):
            if isinstance(node, ast.Attribute) and node.attr == "__version__":
                return True
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "tensorrt_major":
                return True
            if isinstance(node, (ast.Name, ast.Attribute)) and _text(node) in self.version_variables:
                return True
        return False

    def _test_guards(self, test: ast.AST) -> Tuple[List[Tuple[str, str]], List[Tuple[str, str]]]:
        """Guards for the true side and for the false side of a test."""
        true_side, false_side = [], []
        for guard, positive in _hasattr_tests(test):
            (true_side if positive else false_side).append(guard)
        for node in ast.walk(test):
            if isinstance(node, (ast.Name, ast.Attribute)) and _text(node) in self.guard_variables:
                true_side.extend(self.guard_variables[_text(node)])
        return true_side, false_side

    def _is_guarded(self, chain: str) -> bool:
        return self.version_depth > 0 or any(chain == f"{obj}.{name}" or chain.startswith(f"{obj}.{name}.")
                                             for obj, name in self.guards)

    def _branches(self, test, body, orelse) -> None:
        self.visit(test)
        true_side, false_side = self._test_guards(test)
        version = self._reads_version(test)
        for side, guards in ((body, true_side), (orelse, false_side)):
            self.guards.extend(guards)
            self.version_depth += version
            for node in side if isinstance(side, list) else [side]:
                self.visit(node)
            self.version_depth -= version
            del self.guards[len(self.guards) - len(guards):]

    # --- statements and expressions ------------------------------------------------------

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name == "tensorrt":
                self.aliases.add(alias.asname or "tensorrt")
            else:
                self.modules.add(alias.asname or alias.name.split(".")[0])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            if _is_session_trt(node, alias):
                self.aliases.add(alias.asname or alias.name)
            elif _is_session_runtime_calls(node, alias):
                self.runtime_calls.add(alias.asname or alias.name)
            elif node.module != "tensorrt" and alias.name[:1].islower():  # modules and functions, not classes
                self.modules.add(alias.asname or alias.name)

    def visit_Assign(self, node: ast.Assign) -> None:
        if (isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name)
                and node.value.func.id in self.runtime_calls):
            for target in node.targets:  # trt, cudart = runtime_calls(label): trt is TensorRT
                if isinstance(target, ast.Tuple) and target.elts and isinstance(target.elts[0], ast.Name):
                    self.aliases.add(target.elts[0].id)
        guards = [guard for guard, positive in _hasattr_tests(node.value) if positive]
        for target in node.targets:
            if guards:
                self.guard_variables[_text(target)] = guards
            if self._reads_version(node.value):
                self.version_variables.add(_text(target))
        self.generic_visit(node)

    def visit_If(self, node: ast.If) -> None:
        self._branches(node.test, node.body, node.orelse)

    def visit_IfExp(self, node: ast.IfExp) -> None:
        self._branches(node.test, node.body, node.orelse)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        added = 0
        for value in node.values:
            self.visit(value)
            if isinstance(node.op, ast.And):
                guards = self._test_guards(value)[0]
                self.guards.extend(guards)
                added += len(guards)
        del self.guards[len(self.guards) - added:]

    def _chain(self, node: ast.AST) -> Optional[List[str]]:
        """``["PaddingMode", "SAME_UPPER"]`` for ``trt.PaddingMode.SAME_UPPER``; None if not rooted at trt."""
        names: List[str] = []
        while isinstance(node, ast.Attribute):
            names.insert(0, node.attr)
            node = node.value
        return names if isinstance(node, ast.Name) and node.id in self.aliases and names else None

    def visit_Attribute(self, node: ast.Attribute) -> None:
        chain = self._chain(node)
        if chain is not None:
            self._check_chain(node, chain)
            return
        if not self._imported(node.value):
            self._check_member(node, node.attr, _text(node))
        self.visit(node.value)

    def visit_Call(self, node: ast.Call) -> None:
        function = getattr(node.func, "id", None)
        if function in ("hasattr", "getattr", "setattr") and len(node.args) >= 2 and _literal(node.args[1]):
            self.visit(node.args[0])
            for argument in node.args[2:]:
                self.visit(argument)
            name = _literal(node.args[1])
            if function == "hasattr" or (function == "getattr" and len(node.args) == 3):
                return  # the test itself, or a fetch with a default
            chain = self._chain(node.args[0])
            if chain is not None:
                self._check_chain(node, chain + [name])
            else:
                self._check_member(node, name, f"{_text(node.args[0])}.{name}")
            return
        self._check_call(node)
        self.generic_visit(node)

    # --- the three checks ----------------------------------------------------------------

    def _report(self, node: ast.AST, use: str, guard_text: str, missing: List[str]) -> None:
        """Record a problem: a use missing somewhere, or a guarded use missing everywhere."""
        guarded = self._is_guarded(guard_text)
        if ((guarded and len(missing) == len(self.apis)) or (not guarded and missing)) \
                and (node.lineno, guard_text) not in self.reported:
            self.reported.add((node.lineno, guard_text))  # a call's member is not reported again
            self.problems.append(Problem(self.path, node.lineno, use, tuple(missing), guarded))

    def _check_chain(self, node: ast.AST, chain: List[str]) -> None:
        self._report(node, ".".join(["trt"] + chain), ".".join([self._root_alias(node)] + chain),
                     [api.tag for api in self.apis if not api.resolve(chain)])

    def _root_alias(self, node: ast.AST) -> str:
        for child in ast.walk(node):
            if isinstance(child, ast.Name) and child.id in self.aliases:
                return child.id
        return "trt"

    def _imported(self, node: ast.AST) -> bool:
        """Whether ``node`` is a name bound by an import (a module or function, not a TensorRT object)."""
        return isinstance(node, ast.Name) and node.id in self.modules

    def _check_member(self, node: ast.AST, name: str, use: str) -> None:
        if name.startswith("__") or name not in self.baseline.member_names:
            return
        self._report(node, use, use, [api.tag for api in self.apis if name not in api.member_names])

    def _check_call(self, node: ast.Call) -> None:
        if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
            return
        positional, keywords = len(node.args), [k.arg for k in node.keywords]
        chain = self._chain(node.func) if isinstance(node.func, ast.Attribute) else None
        if chain is not None:
            target = self._call_target(chain, positional)
            if target is None:
                return
            class_name, method, positional = target
            missing = [api.tag for api in self.apis if not api.accepts(class_name, method, positional, keywords)]
        elif isinstance(node.func, ast.Attribute) and not self._imported(node.func.value):
            method = node.func.attr
            if method.startswith("__") or not self._accepted_by_some_class(self.baseline, method, positional, keywords):
                return
            missing = [api.tag for api in self.apis
                       if not self._accepted_by_some_class(api, method, positional, keywords)]
        else:
            return
        shown = ", ".join(["_"] * len(node.args) + [f"{k}=_" for k in keywords])
        self._report(node, f"{_text(node.func)}({shown})", _text(node.func), missing)

    def _call_target(self, chain: List[str], positional: int) -> Optional[Tuple[Optional[str], str, int]]:
        """What ``trt.<chain>(...)`` calls: ``(class or None, method, positional count)``; None if not judged."""
        baseline = self.baseline
        if len(chain) == 1 and chain[0] in baseline.classes:
            return chain[0], "__init__", positional
        if len(chain) == 1 and baseline._module.get(chain[0], {}).get("kind") == "function":
            return None, chain[0], positional
        if len(chain) == 2 and chain[0] in baseline.classes and baseline.has(chain[0], chain[1]):
            kind = baseline.entry(chain[0], chain[1]).get("kind")
            if kind == "method":
                return chain[0], chain[1], positional - 1  # called through the class: self is explicit
        return None

    @staticmethod
    def _accepted_by_some_class(api: TensorRTApi, method: str, positional: int, keywords: List[str]) -> bool:
        return any(api.accepts(name, method, positional, keywords) for name in api.classes_with(method))


def check_source(source: str, path: str = "<source>", tags: Sequence[str] = CHECKED_TAGS) -> List[Problem]:
    """The problems of one file's source (see the module docstring); [] if it imports no TensorRT."""
    tree = ast.parse(source)
    checker = _Checker(path, [load(tag) for tag in tags])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            checker.visit_Import(node)
        elif isinstance(node, ast.ImportFrom):
            checker.visit_ImportFrom(node)
    if not checker.aliases and not checker.runtime_calls:
        return []
    checker.visit(tree)
    return checker.problems


def _is_session_trt(node: ast.ImportFrom, alias: ast.alias) -> bool:
    """``from trtdeconv_docs.session import trt`` (or ``from .session import trt``): TensorRT as the examples get it."""
    return alias.name == "trt" and (node.module or "").split(".")[-1] == "session"


def _is_session_runtime_calls(node: ast.ImportFrom, alias: ast.alias) -> bool:
    """``from trtdeconv_docs.session import runtime_calls``: ``trt, cudart = runtime_calls(label)`` binds TensorRT."""
    return alias.name == "runtime_calls" and (node.module or "").split(".")[-1] == "session"


def imports_tensorrt(path: Path) -> bool:
    """Whether the file imports ``tensorrt`` (or the examples' ``trt`` or ``runtime_calls`` from the session module) anywhere."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any((isinstance(node, ast.Import) and any(a.name == "tensorrt" for a in node.names))
               or (isinstance(node, ast.ImportFrom) and any(_is_session_trt(node, a) or _is_session_runtime_calls(node, a)
                                                            for a in node.names))
               for node in ast.walk(tree))
