"""Where every number an example prints or draws comes from: a flow analysis of the example's source.

sphinx-gallery shows what an example prints under each code block (the ``sphx-glr-script-out``
blocks); :mod:`.rendered_literals` skips those blocks as generated, and relies on this module
to say that nothing typed by hand reaches them. A printed number may come from

* TensorRT: what a :class:`~trtdeconv_docs.session.Session` returns or reports (``run``'s outputs,
  which the replay answers from the recording, ``tactics()``, ``kernels()``, ``precision()``,
  ``setters``, ...), and what ``run`` prints itself (the inputs it fed and the outputs);
* the project's data helpers (:mod:`trtdeconv_docs.example_data`, :mod:`trtdeconv_docs.question_data`),
  whose arrays the examples feed TensorRT;
* a number the example hands TensorRT (an argument of a network call, of ``set_checked``, an
  attribute set on a layer): the call log holds it and the replay matches it against the recording;
* a computation of those that the check can see: arithmetic, reductions, comparisons, and shape and
  count arithmetic (``output.shape[2] // 2``, ``len(labels)``).

A number typed in the example (a numeric literal, a number inside a string literal, a file read,
random numbers) that flows into a ``print`` (or ``sys.stdout.write``, ``pprint``) without passing
through TensorRT is a :class:`Problem`: it names the example, the printing line and the number. The text a
Matplotlib figure draws is a sink like ``print`` (:data:`FIGURE_TEXT`: titles, axis labels, ``text``,
``annotate``, legend and tick labels, any ``label=``), and a typed number reaching it is a problem the same way;
where a figure's numbers sit (coordinates, sizes, ``fontsize=10``) is layout and is not read. The
analysis is flow-insensitive and over-approximates (a name that holds a typed number anywhere in
its scope holds it everywhere); indices, axes, int options (``precision=8``), reshapes and format
specifications pick or lay out numbers and never count as typed ones.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List, Optional, Set

DATA_HELPERS = ("trtdeconv_docs.example_data", "trtdeconv_docs.question_data")
"""Modules whose arrays are the examples' inputs (fed to TensorRT, so recorded)."""
SESSION = "trtdeconv_docs.session"
TENSORRT_MODULES = ("tensorrt", "cuda", "cuda.cudart", "cuda.bindings", "cuda.bindings.runtime")
"""TensorRT and the CUDA runtime (an example that drives them itself, like plot_00): what they are handed is
recorded with the run, what they answer is TensorRT's."""
RECORDED = frozenset({"run", "tactics", "kernels", "precision", "setters", "definition_errors", "description"})
"""What a session answers from TensorRT (live) or its recording (replayed)."""
PRINTS = frozenset({"print", "sys.stdout.write", "pprint", "pprint.pprint"})
FIGURE_TEXT = {
    # method (of the pyplot module, a figure, an axis, a colorbar...): (positions, keywords) of the text it draws
    "title": ((0,), ("label",)), "set_title": ((0,), ("label",)), "suptitle": ((0,), ("t",)),
    "supxlabel": ((0,), ("t",)), "supylabel": ((0,), ("t",)),
    "xlabel": ((0,), ("xlabel",)), "ylabel": ((0,), ("ylabel",)),
    "set_xlabel": ((0,), ("xlabel",)), "set_ylabel": ((0,), ("ylabel",)), "set_label": ((0,), ("s",)),
    "text": ((2,), ("s",)), "figtext": ((2,), ("s",)), "annotate": ((0,), ("text",)), "set_text": ((0,), ("s",)),
    "legend": ((-1,), ("labels",)), "set_xticklabels": ((0,), ("labels",)), "set_yticklabels": ((0,), ("labels",)),
    "set_ticklabels": ((0,), ("ticklabels", "labels")), "xticks": ((1,), ("labels",)), "yticks": ((1,), ("labels",)),
    "set_xticks": ((1,), ("labels",)), "set_yticks": ((1,), ("labels",)), "set_ticks": ((1,), ("labels",)),
}
"""Matplotlib calls that draw text into a figure, and where that text is among their arguments (``-1``: the last
positional one, a legend's labels after its handles)."""
FIGURE_KEYWORDS = frozenset({"label", "labels", "title", "xlabel", "ylabel"})
"""Keyword arguments that draw their text into a figure, in any call (``axis.plot(x, y, label=...)``, ``axis.set(title=...)``)."""
READS = frozenset({"open", "eval", "exec", "input", "np.load", "np.loadtxt", "np.fromfile", "np.genfromtxt",
                   "np.frombuffer", "numpy.load", "json.load", "json.loads", "pickle.load", "pickle.loads"})
"""Calls whose numbers come from outside the example's visible computation (a file, a string evaluated)."""
RANDOM = re.compile(r"^(np\.random|numpy\.random|random)\.")
MUTATORS = frozenset({"append", "extend", "insert", "fill", "update", "setdefault", "add", "put", "itemset"})
COUNTS = frozenset({"shape", "ndim", "size"})
FILLS = frozenset({"fill_value", "value", "values", "initial", "constant_values", "object", "data", "a", "x"})
"""Keyword arguments that give values, not a layout: a number written there is typed."""
NUMBER_IN_TEXT = re.compile(r"(?<![\w.])[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w])")
FIX = ("print or draw what TensorRT returned (session.run's outputs, the session's reports), the data helpers' inputs "
       "(trtdeconv_docs.example_data, question_data) or a computation of them; never a number typed in the example")


@dataclass(frozen=True)
class Typed:
    """A number typed in an example: where, and as written."""

    line: int
    text: str
    column: int = -1


@dataclass(frozen=True)
class Problem:
    """A typed number that reaches the example's printed output or the text of one of its figures."""

    example: str
    line: int
    number: str
    typed_at: int
    drawn: bool = False

    def __str__(self) -> str:
        where = "" if self.typed_at == self.line else f" (typed at line {self.typed_at})"
        shown = f"draws {self.number} into a figure" if self.drawn else f"prints {self.number}"
        return (f"{self.example}, line {self.line}: {shown}, a number typed by hand{where}, "
                f"which TensorRT never produced; {FIX}")


_NONE: FrozenSet[Typed] = frozenset()


def dotted(node: ast.AST) -> str:
    """``np.random.rand`` for the attribute chain of a call's function; "" when it is not a plain chain."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return ""
    return ".".join([node.id] + parts[::-1])


def _root(node: ast.AST) -> Optional[str]:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _layout(node: ast.AST) -> bool:
    """An int, a bool or a tuple of ints written as they are: an option, an axis or a shape."""
    if isinstance(node, ast.Tuple):
        return all(_layout(element) for element in node.elts)
    return isinstance(node, ast.Constant) and type(node.value) in (int, bool)


LINE_END = re.compile(r"\r\n|\r|\n")
"""Where Python's tokenizer ends a line (what ``lineno`` counts), as :func:`ast.get_source_segment` splits."""


class _Flow:
    """The typed numbers each name of an example may hold, found by iterating the statements to a fixed point."""

    def __init__(self, tree: ast.Module, source: str):
        self.source = source
        self.lines = LINE_END.split(source)
        self.tree = tree
        self.parents: Dict[ast.AST, ast.AST] = {}
        self.scope_of: Dict[ast.AST, ast.AST] = {}
        self.names: Dict[ast.AST, Dict[str, FrozenSet[Typed]]] = {tree: {}}
        self.functions: Dict[str, ast.AST] = {}
        self.modules: Set[str] = set()
        self.helpers: Set[str] = set()
        self.package: Set[str] = set()  # the project's other modules and functions (quantize_dequantize, ...)
        self.session_classes: Set[str] = set()
        self.tensorrt: Set[str] = set()  # names holding a session or an object of its network
        self.to_tensorrt: Set[Typed] = set()  # typed numbers handed to TensorRT (in the recording)
        self._index(tree, tree)
        self._imports()

    # structure -----------------------------------------------------------------------------------
    def _index(self, node: ast.AST, scope: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            self.parents[child] = node
            self.scope_of[child] = scope
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                self.names[child] = {}
                if not isinstance(child, ast.Lambda):
                    self.functions[child.name] = child
                self._index(child, child)
            else:
                self._index(child, scope)

    def _imports(self) -> None:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    name = alias.asname or alias.name.split(".")[0]
                    (self.helpers if alias.name in DATA_HELPERS else
                     self.tensorrt if alias.name in TENSORRT_MODULES else self.modules).add(name)
            elif isinstance(node, ast.ImportFrom):
                module = node.module or ""
                for alias in node.names:
                    name = alias.asname or alias.name
                    if module in DATA_HELPERS or f"{module}.{alias.name}" in DATA_HELPERS:
                        self.helpers.add(name)
                    elif module == SESSION and alias.name == "Session":
                        self.session_classes.add(name)
                    elif module == SESSION and alias.name == "trt" or module in TENSORRT_MODULES:
                        self.tensorrt.add(name)
                    else:
                        self.modules.add(name)
                        if module.split(".")[0] == "trtdeconv_docs":
                            self.package.add(name)

    def lookup(self, name: str, scope: ast.AST) -> FrozenSet[Typed]:
        while True:
            if name in self.names.get(scope, {}):
                return self.names[scope][name]
            if scope is self.tree:
                return _NONE
            scope = self.scope_of.get(scope, self.tree)

    def bind(self, name: str, scope: ast.AST, typed: Iterable[Typed]) -> bool:
        held = self.names.setdefault(scope, {}).get(name, _NONE)
        grown = held | frozenset(typed)
        if grown != held or name not in self.names[scope]:
            self.names[scope][name] = grown
            return grown != held
        return False

    def _is_tensorrt(self, node: ast.AST) -> bool:
        """Whether ``node`` is a TensorRT object (a session, its network, a layer, a builder, the CUDA runtime),
        not an answer of one (``session.run(...)``'s outputs are arrays, whatever is done to them after)."""
        if any(isinstance(n, ast.Attribute) and n.attr in RECORDED for n in ast.walk(node)):
            return False
        if isinstance(node, ast.Call) and dotted(node.func) in self.session_classes:
            return True
        return any(isinstance(n, ast.Name) and n.id in self.tensorrt for n in ast.walk(node))

    # expressions ---------------------------------------------------------------------------------
    def _constant(self, node: ast.Constant) -> FrozenSet[Typed]:
        value = node.value
        if isinstance(value, (int, float, complex)) and not isinstance(value, bool):
            return frozenset({Typed(node.lineno, self._segment(node) or repr(value), node.col_offset)})
        if isinstance(value, str):  # "1.5", or the text of an f-string: a number typed in words
            return frozenset(Typed(node.lineno, m.group(0), node.col_offset + m.start())
                             for m in NUMBER_IN_TEXT.finditer(value))
        return _NONE

    def _segment(self, node: ast.AST) -> Optional[str]:
        """:func:`ast.get_source_segment` of ``node``, from the lines split once (it splits the whole source per call)."""
        if node.end_lineno != node.lineno or node.end_col_offset is None:
            return ast.get_source_segment(self.source, node)
        return self.lines[node.lineno - 1].encode()[node.col_offset:node.end_col_offset].decode()

    def _in_format_spec(self, node: ast.AST) -> bool:
        while node in self.parents:
            parent = self.parents[node]
            if isinstance(parent, ast.FormattedValue) and parent.format_spec is node:
                return True
            node = parent
        return False

    @staticmethod
    def _counts(node: ast.AST) -> bool:
        """Shape or count arithmetic: the expression reads a shape, a size or a length."""
        return any(isinstance(n, ast.Attribute) and n.attr in COUNTS or
                   isinstance(n, ast.Call) and dotted(n.func) == "len" for n in ast.walk(node))

    def typed(self, node: Optional[ast.AST], scope: ast.AST) -> FrozenSet[Typed]:
        """The typed numbers the value of ``node`` may carry."""
        if node is None:
            return _NONE
        if isinstance(node, ast.Constant):
            return _NONE if self._in_format_spec(node) else self._constant(node)
        if isinstance(node, ast.Name):
            return self.lookup(node.id, scope)
        if isinstance(node, ast.Attribute):
            if node.attr in RECORDED and self._is_tensorrt(node.value):
                return _NONE  # session.setters, session.description: from the recording
            return self.typed(node.value, scope)
        if isinstance(node, ast.Subscript):  # the index picks a number, it does not type one
            return self.typed(node.value, scope)
        if isinstance(node, ast.BinOp):
            sides = []
            for side, other in ((node.left, node.right), (node.right, node.left)):
                if isinstance(side, ast.Constant) and type(side.value) is int and self._counts(other):
                    continue  # output.shape[2] // 2: shape arithmetic the check sees
                sides.append(self.typed(side, scope))
            return frozenset().union(*sides)
        if isinstance(node, ast.UnaryOp):
            return _NONE if isinstance(node.op, ast.Not) else self.typed(node.operand, scope)
        if isinstance(node, (ast.Compare, ast.Lambda)):
            return _NONE
        if isinstance(node, ast.IfExp):
            return self.typed(node.body, scope) | self.typed(node.orelse, scope)
        if isinstance(node, ast.Call):
            return self._call(node, scope)
        if isinstance(node, ast.FormattedValue):
            return self.typed(node.value, scope)
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
            return self.typed(node.elt, scope)
        if isinstance(node, ast.DictComp):
            return self.typed(node.key, scope) | self.typed(node.value, scope)
        if isinstance(node, ast.NamedExpr):
            return self.typed(node.value, scope)
        if isinstance(node, ast.Slice):
            return _NONE
        return frozenset().union(_NONE, *(self.typed(child, scope) for child in ast.iter_child_nodes(node)
                                          if isinstance(child, ast.expr)))

    def _arguments(self, node: ast.Call, scope: ast.AST, constants: bool) -> FrozenSet[Typed]:
        found = set()
        for argument in node.args:
            if constants or not isinstance(argument, ast.Constant):
                found |= self.typed(argument, scope)
        for keyword in node.keywords:  # an int option or a shape (precision=8, axis=0, kernel_size_nd=(2, 2))
            value = keyword.value     # lays numbers out; a value to fill with types one
            if keyword.arg in FILLS or not _layout(value):
                found |= self.typed(value, scope)
        return frozenset(found)

    def _call(self, node: ast.Call, scope: ast.AST) -> FrozenSet[Typed]:
        name = dotted(node.func)
        root = _root(node.func)
        if isinstance(node.func, ast.Attribute) and node.func.attr in RECORDED and self._is_tensorrt(node.func.value):
            return _NONE  # session.run(...), session.tactics(): TensorRT's answers
        if name in self.session_classes or root in self.helpers:
            return _NONE
        if name in READS or RANDOM.match(name):
            return frozenset({Typed(node.lineno, f"{name}(...)", node.col_offset)})
        if name in ("len", "range", "enumerate", "zip", "type", "isinstance", "id", "hash"):
            return _NONE if name in ("len", "range", "type", "isinstance", "id", "hash") else \
                self._arguments(node, scope, constants=False)
        if isinstance(node.func, ast.Name) and node.func.id in self.functions:
            function = self.functions[node.func.id]
            return frozenset().union(_NONE, *(self.typed(r.value, function) for r in ast.walk(function)
                                              if isinstance(r, ast.Return) and self.scope_of.get(r) is function))
        method = isinstance(node.func, ast.Attribute) and not (name and root in self.modules)
        if method:  # x.reshape(1, 1, 3, 3), x.max(axis=0): constants are axes and shapes
            return self.typed(node.func.value, scope) | self._arguments(node, scope, constants=False)
        return self._arguments(node, scope, constants=True)

    # statements ----------------------------------------------------------------------------------
    def _assign(self, target: ast.AST, typed: FrozenSet[Typed], scope: ast.AST, tensorrt: bool) -> bool:
        changed = False
        if isinstance(target, ast.Name):
            changed |= self.bind(target.id, scope, typed)
            if tensorrt and target.id not in self.tensorrt:
                self.tensorrt.add(target.id)
                changed = True
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                changed |= self._assign(element, typed, scope, tensorrt)
        elif isinstance(target, ast.Starred):
            changed |= self._assign(target.value, typed, scope, tensorrt)
        elif isinstance(target, (ast.Subscript, ast.Attribute)):  # x[0] = 1.5, layer.stride_nd = (2, 2)
            if isinstance(target, ast.Attribute) and self._is_tensorrt(target.value):
                changed |= self._to_tensorrt(typed)  # a layer's attribute: the call log records it
            root = _root(target)
            if root is not None:
                changed |= self.bind(root, self._scope_holding(root, scope), typed)
        return changed

    def _scope_holding(self, name: str, scope: ast.AST) -> ast.AST:
        while scope is not self.tree and name not in self.names.get(scope, {}):
            scope = self.scope_of.get(scope, self.tree)
        return scope

    def _to_tensorrt(self, typed: Iterable[Typed]) -> bool:
        new = set(typed) - self.to_tensorrt
        self.to_tensorrt |= new
        return bool(new)

    def step(self) -> bool:
        """One pass over every node; whether anything grew."""
        changed = False
        for node in ast.walk(self.tree):
            scope = self.scope_of.get(node, self.tree)
            if isinstance(node, ast.Assign):
                typed, tensorrt = self.typed(node.value, scope), self._is_tensorrt(node.value)
                for target in node.targets:
                    changed |= self._assign(target, typed, scope, tensorrt)
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and node.value is not None:
                changed |= self._assign(node.target, self.typed(node.value, scope), scope,
                                        self._is_tensorrt(node.value))
            elif isinstance(node, ast.NamedExpr):
                changed |= self._assign(node.target, self.typed(node.value, scope), scope, False)
            elif isinstance(node, (ast.For, ast.comprehension)):
                for target, iterated in self._elements(node.target, node.iter):
                    typed = _NONE if isinstance(iterated, ast.Call) and dotted(iterated.func) == "range" \
                        else self.typed(iterated, scope)
                    changed |= self._assign(target, typed, scope, self._is_tensorrt(iterated))
            elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                changed |= self._assign(node.optional_vars, self.typed(node.context_expr, scope), scope,
                                        self._is_tensorrt(node.context_expr))
            elif isinstance(node, ast.Call):
                changed |= self._call_effects(node, scope)
        return changed

    @staticmethod
    def _elements(target: ast.AST, iterated: ast.AST):
        """``for a, b in zip(x, y)`` binds ``a`` from ``x`` and ``b`` from ``y``; ``for i, v in enumerate(x)``
        binds ``v`` from ``x``; a literal of tuples binds each name from its column; else the whole iterable."""
        if isinstance(target, ast.Tuple) and isinstance(iterated, ast.Call) and not iterated.keywords:
            if dotted(iterated.func) == "zip" and len(iterated.args) == len(target.elts):
                return list(zip(target.elts, iterated.args))
            if dotted(iterated.func) == "enumerate" and len(iterated.args) == 1 and len(target.elts) == 2:
                return [(target.elts[1], iterated.args[0])]
        if isinstance(target, ast.Tuple) and isinstance(iterated, (ast.Tuple, ast.List)) and all(
                isinstance(row, ast.Tuple) and len(row.elts) == len(target.elts) for row in iterated.elts):
            return [(element, ast.Tuple([row.elts[i] for row in iterated.elts], ast.Load()))
                    for i, element in enumerate(target.elts)]
        return [(target, iterated)]

    def _call_effects(self, node: ast.Call, scope: ast.AST) -> bool:
        changed = False
        arguments = self._arguments(node, scope, constants=True)
        if isinstance(node.func, ast.Attribute) and node.func.attr in MUTATORS:  # values.append(1.5)
            root = _root(node.func.value)
            if root is not None:
                changed |= self.bind(root, self._scope_holding(root, scope), arguments)
        method = isinstance(node.func, ast.Attribute) and node.func.attr not in MUTATORS
        if method and self._is_tensorrt(node.func.value) or \
                _root(node.func) in self.package and any(self._is_tensorrt(a) for a in node.args):
            changed |= self._to_tensorrt(arguments)  # handed to TensorRT: the call log records it
        if isinstance(node.func, ast.Name) and node.func.id in self.functions:
            function = self.functions[node.func.id]
            parameters = [a.arg for a in function.args.posonlyargs + function.args.args]
            for parameter, argument in zip(parameters, node.args):
                changed |= self._assign(ast.Name(parameter), self.typed(argument, scope), function,
                                        self._is_tensorrt(argument))
            for keyword in node.keywords:
                if keyword.arg is not None:
                    changed |= self._assign(ast.Name(keyword.arg), self.typed(keyword.value, scope), function,
                                            self._is_tensorrt(keyword.value))
            defaults = function.args.defaults
            for parameter, default in zip(parameters[len(parameters) - len(defaults):], defaults):
                changed |= self.bind(parameter, function, self.typed(default, scope))
        return changed

    @staticmethod
    def shown(node: ast.Call) -> List[ast.expr]:
        """The arguments of ``node`` that reach the reader: all of a print's, the text of a figure call."""
        if dotted(node.func) in PRINTS:
            return list(node.args)
        keywords = set(FIGURE_KEYWORDS)
        arguments = []
        if isinstance(node.func, ast.Attribute) and node.func.attr in FIGURE_TEXT:
            positions, named = FIGURE_TEXT[node.func.attr]
            keywords.update(named)
            arguments = [node.args[i] for i in positions if -len(node.args) <= i < len(node.args)]
        return arguments + [keyword.value for keyword in node.keywords if keyword.arg in keywords]

    def printed(self) -> List[tuple]:
        """Every typed number that reaches a print or a figure's text, once the flow is known:
        ``(line, Typed, drawn)``."""
        found = []
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call):
                shown = self.shown(node)
                scope = self.scope_of.get(node, self.tree)
                typed = set(self.typed(ast.Tuple(shown, ast.Load()), scope)) - self.to_tensorrt if shown else set()
                for number in sorted(typed, key=lambda t: (t.line, t.text)):
                    found.append((node.lineno, number, dotted(node.func) not in PRINTS))
        return found


def problems(path: Path, name: Optional[str] = None) -> List[Problem]:
    """The typed numbers the example at ``path`` prints or draws (empty when every shown number has a source)."""
    source = path.read_text(encoding="utf-8")
    flow = _Flow(ast.parse(source, filename=str(path)), source)
    for _ in range(50):
        if not flow.step():
            break
    example = name or f"examples/{path.name}"
    return [Problem(example, line, number.text, number.line, drawn) for line, number, drawn in flow.printed()]

