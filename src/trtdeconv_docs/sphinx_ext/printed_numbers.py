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
``annotate``, legend and tick labels, table cells, any ``label=``), and so are tick positions placed without
labels, which Matplotlib labels with themselves (:data:`TICK_POSITIONS`, :data:`TICK_KEYWORDS`,
:data:`TICKS_DRAWN`), the axis limits and the line and scatter data Matplotlib picks tick labels from
(:data:`AXIS_LIMITS`, :data:`LINES`, :data:`DATA`, unless the axes hide or place that axis's ticks; data a
``transform=`` places in axes or figure fractions is layout, :data:`FRACTIONS`), the text of tick formatters
(:data:`FORMATTERS`: a formatting function's returns), the colour limits a colour bar labels (:data:`COLOUR_LIMITS`),
the bar values ``bar_label`` writes without labels (:data:`BARS`), and the array an image, a heatmap or a contour
draws (:data:`IMAGES`); a typed number reaching one is a problem the same way. Where a figure's numbers sit (text and
annotation coordinates, sizes, ``fontsize=10``) is layout and is not read.

The example's own functions (a ``def`` or a ``lambda``) are followed through any name that holds one (``say = show``,
``halve = lambda v: v / 2``, a parameter handed a function) and when handed on to another call (``map(scale, y)``,
``np.apply_along_axis(scale, ...)``, ``np.vectorize(scale)(y)``, ``FuncFormatter(label)``): the function's parameters
receive that call's other arguments (ints written as they are excepted) and its returns count in the call's result;
``print`` handed on (``map(print, values)``) or held by a name prints. A recursive function's returns are read once.

A call into a module of the package that draws with Matplotlib (:func:`drawing_module`:
:mod:`trtdeconv_docs.pictures`), by its name or an alias (``draw = gather_figure``, ``draw: Callable = gather_figure``,
``draw, other = gather_figure, f``, ``functools.partial(gather_figure, ...)``), is followed: that module's flow, with the called function's parameters
holding what the example hands it (a partial's bound arguments first), and the figure calls of every function it reaches; a number typed in the
module itself counts as well, and the problem names the function and the module's line. Other package
functions are trusted (their results count as computations of their arguments).

The analysis is flow-insensitive and over-approximates (a name that holds a typed number anywhere in
its scope holds it everywhere; a dictionary's subscript holds its values, not its keys); indices, axes, int
options (``precision=8``), ints handed to a parameter that a package function annotates as ints (a shape, an
index, a count), ``range`` and ``map(range, shape)``, reshapes and format specifications (an f-string's, and
``'%5.1f'``, ``'{x:5.1f}'`` in a string: :data:`FORMAT_SPEC`) pick or lay out numbers and never count as typed ones;
nor do a formula's integer constants and angles in text (:data:`NOT_A_VALUE`).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List, Optional, Set, Tuple

DATA_HELPERS = ("trtdeconv_docs.example_data", "trtdeconv_docs.question_data")
"""Modules whose arrays are the examples' inputs (fed to TensorRT, so recorded)."""
SESSION = "trtdeconv_docs.session"
TENSORRT_MODULES = ("tensorrt", "cuda", "cuda.cudart", "cuda.bindings", "cuda.bindings.runtime")
"""TensorRT and the CUDA runtime (an example that drives them itself, like plot_00): what they are handed is
recorded with the run, what they answer is TensorRT's."""
SESSION_TENSORRT = frozenset({"trt", "runtime_calls"})
"""What the session module hands an example as TensorRT itself: ``trt``, and ``runtime_calls``, whose answer is the
TensorRT module and the CUDA runtime with every call logged (plot_00)."""
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
    "set_zticks": ((1,), ("labels",)), "set_zticklabels": ((0,), ("labels",)),
    "table": ((0,), ("cellText", "rowLabels", "colLabels")), "bar_label": ((1,), ("labels",)),
    "clabel": ((1,), ("levels",)),
}
"""Matplotlib calls that draw text into a figure, and where that text is among their arguments (``-1``: the last
positional one, a legend's labels after its handles)."""
FIGURE_KEYWORDS = frozenset({"label", "labels", "title", "xlabel", "ylabel"})
"""Keyword arguments that draw their text into a figure, in any call (``axis.plot(x, y, label=...)``, ``axis.set(title=...)``)."""
TICK_POSITIONS = frozenset({"set_xticks", "set_yticks", "set_zticks", "set_ticks", "xticks", "yticks"})
"""Calls that place ticks (first argument or ``ticks=``): Matplotlib labels each tick with its position unless the
call gives labels (second argument or ``labels=``), so the positions are drawn text then."""
TICK_KEYWORDS = {"xticks": "xticklabels", "yticks": "yticklabels", "zticks": "zticklabels"}
"""``axis.set(xticks=...)``: positions drawn as their own labels unless the paired keyword gives labels."""
TICKS_DRAWN = {"FixedLocator": ((0,), ("locs",)), "colorbar": ((), ("ticks",)),
               "MultipleLocator": ((0, 1), ("base", "offset")), "IndexLocator": ((0, 1), ("base", "offset"))}
"""Ticks whose positions are always their labels: a fixed locator's, a colour bar's ``ticks=``, and those a locator
places from typed numbers (``MultipleLocator(2.5)`` labels ``2.5``, ``5``, ...; ``IndexLocator(base, offset)``)."""
IMAGES = {
    # method: ({number of positional arguments: positions of the drawn arrays}, keywords of the drawn arrays)
    "imshow": ({1: (0,)}, ("X",)), "matshow": ({1: (0,)}, ("Z",)), "figimage": ({1: (0,)}, ("X",)),
    "spy": ({1: (0,)}, ("Z",)), "heatmap": ({1: (0,)}, ("data", "annot")),
    "pcolor": ({1: (0,), 3: (2,)}, ("C",)), "pcolormesh": ({1: (0,), 3: (2,)}, ("C",)),
    "pcolorfast": ({1: (0,), 3: (2,)}, ("C",)),
    "contour": ({1: (0,), 2: (0, 1), 3: (2,), 4: (2, 3)}, ("Z", "levels")),
    "contourf": ({1: (0,), 2: (0, 1), 3: (2,), 4: (2, 3)}, ("Z", "levels")),
}
"""Matplotlib (and seaborn's ``heatmap``) calls that draw an array's values as colours (the colour bar prints them;
an annotated heatmap writes them in its cells) or contour levels. A coordinate grid (``pcolormesh(x, y, c)``'s
``x, y``) is layout."""
AXIS_LIMITS = {
    # method: (the axes it bounds, positions, keywords of the limits)
    "set_xlim": ("x", (0, 1), ("left", "right", "xmin", "xmax")), "xlim": ("x", (0, 1), ("left", "right", "xmin", "xmax")),
    "set_ylim": ("y", (0, 1), ("bottom", "top", "ymin", "ymax")), "ylim": ("y", (0, 1), ("bottom", "top", "ymin", "ymax")),
    "set_zlim": ("z", (0, 1), ("bottom", "top", "zmin", "zmax")),  # a 3-D axes' third axis, like its x and y
    "axis": ("xy", (0,), ("xmin", "xmax", "ymin", "ymax")),
}
"""Calls that bound an axis, from which Matplotlib picks the ticks it labels (``set_xlim(0, 98765.47)`` labels
``0`` .. ``80000``): the limits are drawn text unless the same axes hide their ticks or place them
(:data:`TICKS_HIDDEN`)."""
LIMIT_KEYWORDS = {"extent": "xy", "xlim": "x", "ylim": "y", "zlim": "z"}
"""Keywords that bound axes in any call (``imshow(..., extent=...)``, ``axis.set(xlim=...)``)."""
TICKS_HIDDEN = {"x": ("set_xticks", "xticks"), "y": ("set_yticks", "yticks"), "z": ("set_zticks",)}
"""Calls on the same axes after which an axis's limits pick no tick label: ticks placed by hand (checked themselves
as :data:`TICK_POSITIONS`), besides ``axis("off")`` and ``set_axis_off()``, which hide both axes."""
LINES = frozenset({"plot", "step", "stem"})
"""Calls whose positional arrays are line data: one array is ``y``, more alternate ``x``, ``y`` (a format string such as
``'o-'`` is skipped)."""
DATA = {
    # method: {axis: (positions, keywords) of the data plotted along it}
    "scatter": {"x": ((0,), ("x",)), "y": ((1,), ("y",))},
    "errorbar": {"x": ((0, 3), ("x", "xerr")), "y": ((1, 2), ("y", "yerr"))},
    "fill_between": {"x": ((0,), ("x",)), "y": ((1, 2), ("y1", "y2"))},
    "fill_betweenx": {"y": ((0,), ("y",)), "x": ((1, 2), ("x1", "x2"))},
    "axhline": {"y": ((0,), ("y",))}, "axvline": {"x": ((0,), ("x",))},  # their xmin/xmax, ymin/ymax: axes fractions
    "hlines": {"y": ((0,), ("y",)), "x": ((1, 2), ("xmin", "xmax"))},
    "vlines": {"x": ((0,), ("x",)), "y": ((1, 2), ("ymin", "ymax"))},
}
"""Line and scatter data (with :data:`LINES`): Matplotlib picks the tick labels of an axis from the data plotted along it
(and the data is read off them), so typed data is drawn text unless the same axes hide or place that axis's ticks
(:data:`TICKS_HIDDEN`), like a limit, or the call plots in axes or figure fractions (:data:`FRACTIONS`)."""
FRACTIONS = {"transAxes": "", "transFigure": "", "transSubfigure": "", "dpi_scale_trans": "",
             "get_xaxis_transform": "x", "get_yaxis_transform": "y"}
"""A ``transform=`` that places data in fractions of the axes or the figure, which set no tick: layout; a blended one
keeps its data axis (``get_xaxis_transform()``: x in data, y in axes fractions)."""
FORMATTERS = {"FixedFormatter": ((0,), ("seq",)), "FuncFormatter": ((0,), ("func",)),
              "StrMethodFormatter": ((0,), ("fmt",)), "FormatStrFormatter": ((0,), ("fmt",)),
              "set_major_formatter": ((0,), ("formatter",)), "set_minor_formatter": ((0,), ("formatter",)),
              "colorbar": ((), ("format",))}
"""Tick formatters, whose text is the tick labels: a fixed formatter's strings, a format string's text (its format
specifications excepted, :data:`FORMAT_SPEC`), and what a formatting function (a ``def`` or a ``lambda``) returns."""
COLOUR_LIMITS = {"set_clim": ((0, 1), ("vmin", "vmax")), "clim": ((0, 1), ("vmin", "vmax"))}
COLOUR_KEYWORDS = frozenset({"vmin", "vmax", "clim"})
NORMS = frozenset({"Normalize", "TwoSlopeNorm", "CenteredNorm", "LogNorm", "SymLogNorm", "PowerNorm", "AsinhNorm",
                   "BoundaryNorm"})
"""Colour limits (``vmin=``/``vmax=`` in any call, ``set_clim``, a norm's every argument): a colour bar that picks its
own ticks labels them, so they are drawn text when the example draws one (:meth:`_Flow.colour_bar_labels`)."""
BARS = {"bar": ((1,), ("height",)), "barh": ((1,), ("width",))}
"""The values a bar container holds (a bar's height, a horizontal bar's width): ``bar_label(bars)`` without labels
writes them above the bars."""
READS = frozenset({"open", "eval", "exec", "input", "np.load", "np.loadtxt", "np.fromfile", "np.genfromtxt",
                   "np.frombuffer", "numpy.load", "json.load", "json.loads", "pickle.load", "pickle.loads"})
"""Calls whose numbers come from outside the example's visible computation (a file, a string evaluated)."""
RANDOM = re.compile(r"^(np\.random|numpy\.random|random)\.")
MUTATORS = frozenset({"append", "extend", "insert", "fill", "update", "setdefault", "add", "put", "itemset"})
COUNTS = frozenset({"shape", "ndim", "size"})
FILLS = frozenset({"fill_value", "value", "values", "initial", "constant_values", "object", "data", "a", "x"})
"""Keyword arguments that give values, not a layout: a number written there is typed."""
NUMBER_IN_TEXT = re.compile(r"(?<![\w.])[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w])")
NOT_A_VALUE = re.compile(r"(?<=[A-Za-z][-+·*/])\d+(?![\d.°])|(?<![\d.])\d+(?=[-+·*/][A-Za-z])|(?<![\d.])\d+(?=°)")
"""Integers in text that are no value a tensor could hold: a constant of a formula written with symbols (the 1 of
``(I-1)·S``, the 2 of ``2·S``) and an angle in degrees (``180°``). A decimal is always a value."""
FORMAT_SPEC = re.compile(r"\{[^{}:]*:([^{}]*)\}|%[-+ #0]*(\d*(?:\.\d+)?)[diouxXeEfFgGrsa]")
"""A format specification in a string (``'{x:5.1f}'``, ``'%5.1f'``): its width and precision lay a number out; the
f-string's own are skipped the same way (:meth:`_Flow._in_format_spec`)."""
FIX = ("print or draw what TensorRT returned (session.run's outputs, the session's reports), the data helpers' inputs "
       "(trtdeconv_docs.example_data, question_data) or a computation of them; never a number typed in the example")


@dataclass(frozen=True)
class Typed:
    """A number typed in an example: where, and as written."""

    line: int
    text: str
    column: int = -1
    file: str = ""
    """The package module it is typed in (``src/trtdeconv_docs/pictures.py``); "" for the example itself."""


@dataclass(frozen=True)
class Problem:
    """A typed number that reaches the example's printed output or the text of one of its figures."""

    example: str
    line: int
    number: str
    typed_at: int
    drawn: bool = False
    via: str = ""
    """The package function the example called that drew it (``trtdeconv_docs.pictures.gather_figure``), if any."""
    typed_in: str = ""
    """The package module the number is typed in, when not the example."""

    def __str__(self) -> str:
        where = f" (typed at {self.typed_in}, line {self.typed_at})" if self.typed_in else \
            "" if self.typed_at == self.line else f" (typed at line {self.typed_at})"
        shown = f"draws {self.number} into a figure" if self.drawn else f"prints {self.number}"
        if self.via:
            shown += f" through {self.via}"
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
    """An int (``-1`` too), a bool or a tuple of ints written as they are: an option, an axis or a shape."""
    if isinstance(node, ast.Tuple):
        return all(_layout(element) for element in node.elts)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node = node.operand
    return isinstance(node, ast.Constant) and type(node.value) in (int, bool)


INT_ANNOTATION = frozenset({"int", "Sequence", "Tuple", "List", "Iterable", "Optional"})


def _takes_ints(parameter: ast.arg) -> bool:
    """Whether ``parameter`` is annotated as an int or a sequence of ints (``output_map: int``,
    ``input_spatial: Sequence[int]``): a shape, an index or a count, never a value."""
    annotation = parameter.annotation
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        annotation = ast.parse(annotation.value, mode="eval").body
    if annotation is None:
        return False
    names = [n.id for n in ast.walk(annotation) if isinstance(n, ast.Name)]
    return "int" in names and set(names) <= INT_ANNOTATION and all(
        isinstance(n, (ast.Name, ast.Subscript, ast.Tuple, ast.expr_context)) or
        isinstance(n, ast.Constant) and n.value is Ellipsis for n in ast.walk(annotation))


def _bindings(function: ast.AST, call: ast.Call, package: bool) -> List[Tuple[str, ast.expr, bool]]:
    """``(parameter, expression, layout)`` for what ``call`` hands each parameter of ``function``, and each default.
    From a ``*spread`` on, an argument may fill any parameter between the plain arguments before and after it; a
    ``**mapping`` any parameter. ``layout``: an int or a tuple of ints written as it is (:func:`_layout`), given to a
    parameter that a function of the package (``package``; never the example's own) annotates as ints
    (:func:`_takes_ints`)."""
    arguments = function.args
    positional = arguments.posonlyargs + arguments.args
    rest = [arguments.vararg] if arguments.vararg else []
    named = {a.arg: a for a in positional + arguments.kwonlyargs}
    pairs: List[Tuple[ast.arg, ast.expr]] = []
    plain = [not isinstance(argument, ast.Starred) for argument in call.args]
    for index, argument in enumerate(call.args):
        if all(plain[:index + 1]):
            targets = positional[index:index + 1] or rest
        else:  # *spatial: its length is not known here
            last = len(positional) - (0 if rest else sum(plain[index + 1:]))
            targets = positional[sum(plain[:index]):last] + rest
        value = argument.value if isinstance(argument, ast.Starred) else argument
        pairs.extend((parameter, value) for parameter in targets)
    for keyword in call.keywords:
        targets = list(named.values()) + ([arguments.kwarg] if arguments.kwarg else []) if keyword.arg is None else \
            [named[keyword.arg]] if keyword.arg in named else [arguments.kwarg] if arguments.kwarg else []
        pairs.extend((parameter, keyword.value) for parameter in targets)
    defaults = list(zip(positional[len(positional) - len(arguments.defaults):], arguments.defaults)) + [
        (parameter, default) for parameter, default in zip(arguments.kwonlyargs, arguments.kw_defaults)
        if default is not None]
    return [(parameter.arg, value, package and _takes_ints(parameter) and _layout(value))
            for parameter, value in pairs + defaults]


def _unpacked(target: ast.AST, value: ast.AST) -> List[Tuple[str, ast.AST]]:
    """``(name, expression)`` for each name an assignment binds to a whole expression: ``a = f`` and, element by
    element, ``a, (b, c) = f, (g, h)``."""
    if isinstance(target, ast.Name):
        return [(target.id, value)]
    if isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (ast.Tuple, ast.List)) and \
            len(target.elts) == len(value.elts) and not any(isinstance(e, ast.Starred) for e in target.elts + value.elts):
        return [pair for t, v in zip(target.elts, value.elts) for pair in _unpacked(t, v)]
    return []


PACKAGE = Path(__file__).resolve().parents[1]
"""The package's folder: its modules are read from here, never imported by the check."""


@lru_cache(maxsize=None)
def drawing_module(module: str) -> Optional[Tuple[ast.Module, str, str]]:
    """``(tree, source, shown path)`` of the package module ``module`` when it draws with Matplotlib (imports it,
    like :mod:`trtdeconv_docs.pictures`): a call into it is followed; ``None`` for any other module."""
    parts = module.split(".")
    if parts[0] != PACKAGE.name or not all(part.isidentifier() for part in parts):
        return None
    candidates = [PACKAGE.joinpath(*parts[1:]).with_suffix(".py"), PACKAGE.joinpath(*parts[1:], "__init__.py")]
    path = next((candidate for candidate in candidates if len(parts) > 1 and candidate.is_file()), None)
    if path is None:
        return None
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    imported = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names] + [
        n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    if not any(name.split(".")[0] == "matplotlib" for name in imported):
        return None
    return tree, source, "src/" + path.relative_to(PACKAGE.parent).as_posix()


LINE_END = re.compile(r"\r\n|\r|\n")
"""Where Python's tokenizer ends a line (what ``lineno`` counts), as :func:`ast.get_source_segment` splits."""


class _Flow:
    """The typed numbers each name of an example may hold, found by iterating the statements to a fixed point."""

    def __init__(self, tree: ast.Module, source: str, origin: str = "", module: str = ""):
        self.source = source
        self.origin = origin  # where a number typed here is shown to be typed: "" (the example) or a package module
        self.module = module  # this module's dotted name, for its relative imports ("" for an example)
        self.origins: Dict[str, str] = {}  # a name bound to a module of the package or one of its functions
        self.bound: Dict[str, Tuple[tuple, tuple]] = {}  # a partial's bound (arguments, keywords), by its name
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
        self.held: Dict[ast.AST, Dict[str, FrozenSet[object]]] = {tree: {}}  # names holding functions (_callables)
        self._returning: Set[ast.AST] = set()  # the functions whose returns are being read (a recursion ends there)
        self._colour_bar: Optional[bool] = None  # colour_bar_labels(), once
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
                    self.origins[name] = alias.name if alias.asname else name
                    (self.helpers if alias.name in DATA_HELPERS else
                     self.tensorrt if alias.name in TENSORRT_MODULES else self.modules).add(name)
            elif isinstance(node, ast.ImportFrom):
                module = node.module or ""
                if node.level:  # from .layer import shapes, inside the package
                    module = ".".join(self.module.split(".")[:-node.level] + ([module] if module else []))
                for alias in node.names:
                    name = alias.asname or alias.name
                    self.origins[name] = f"{module}.{alias.name}"
                    if module in DATA_HELPERS or f"{module}.{alias.name}" in DATA_HELPERS:
                        self.helpers.add(name)
                    elif module == SESSION and alias.name == "Session":
                        self.session_classes.add(name)
                    elif module == SESSION and alias.name in SESSION_TENSORRT or module in TENSORRT_MODULES:
                        self.tensorrt.add(name)
                    else:
                        self.modules.add(name)
                        if module.split(".")[0] == "trtdeconv_docs":
                            self.package.add(name)
        self._aliases()

    def _aliases(self) -> None:
        """``draw = gather_figure``, ``draw = pictures.gather_figure``, ``draw, other = gather_figure, f``,
        ``draw = functools.partial(gather_figure, stride)``, ``draw: Callable = gather_figure``: a name assigned a function or module of the package stands
        for it (its calls are followed like the original's, a partial's bound arguments handed first), through any
        chain of such names."""
        assigned = [(name, value) for n in ast.walk(self.tree) if isinstance(n, (ast.Assign, ast.AnnAssign))
                    and n.value is not None for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
                    for name, value in _unpacked(t, n.value)]
        changed = True
        while changed:
            changed = False
            for name, value in assigned:
                bound = self._partial(value)
                function = value.args[0] if bound else value
                root = dotted(function).partition(".")[0]
                resolved = self._package_name(dotted(function))
                if name not in self.origins and resolved:
                    self.origins[name] = resolved
                    (self.helpers if root in self.helpers else self.package).add(name)
                    earlier = self.bound.get(root, ((), ()))
                    if bound or root in self.bound:
                        self.bound[name] = (earlier[0] + tuple(value.args[1:] if bound else ()),
                                            earlier[1] + tuple(value.keywords if bound else ()))
                    changed = True

    def _partial(self, node: ast.AST) -> bool:
        """Whether ``node`` is ``functools.partial(function, ...)`` (by any name ``functools`` or ``partial`` has)."""
        if not isinstance(node, ast.Call) or not node.args or isinstance(node.args[0], ast.Starred):
            return False
        return bool(dotted(node.func)) and self._resolved(dotted(node.func)) == "functools.partial"

    def _resolved(self, name: str) -> str:
        """``name`` with its first part replaced by what that part was imported or aliased as
        (``pictures.gather_figure`` -> ``trtdeconv_docs.pictures.gather_figure``)."""
        root, _, rest = name.partition(".")
        return self.origins.get(root, root) + ("." + rest if rest else "")

    def _package_name(self, name: str) -> Optional[str]:
        """The package's dotted name that ``name`` stands for (``trtdeconv_docs.pictures.gather_figure``), else ``None``."""
        if name.partition(".")[0] not in self.origins:
            return None
        resolved = self._resolved(name)
        return resolved if resolved.split(".")[0] == "trtdeconv_docs" else None

    def lookup(self, name: str, scope: ast.AST, table: Optional[Dict[ast.AST, Dict[str, FrozenSet]]] = None) -> FrozenSet:
        """What ``name`` holds seen from ``scope`` (its typed numbers, or in ``table`` what else it holds)."""
        table = self.names if table is None else table
        while True:
            if name in table.get(scope, {}):
                return table[scope][name]
            if scope is self.tree:
                return _NONE
            scope = self.scope_of.get(scope, self.tree)

    def _callables(self, node: ast.AST, scope: ast.AST) -> FrozenSet[object]:
        """What ``node`` may stand for when called: a ``def`` or ``lambda`` of this source, written there, named, or held
        by a name assigned or handed one (``say = show``, a parameter ``callback`` given ``show``); ``"print"`` for a
        print (:data:`PRINTS`) by any of these ways."""
        if isinstance(node, ast.Lambda):
            return frozenset({node})
        if dotted(node) in PRINTS:
            return frozenset({"print"})
        if not isinstance(node, ast.Name):
            return _NONE
        own = {self.functions[node.id]} if node.id in self.functions else set()
        return self.lookup(node.id, scope, self.held) | own

    def _hold(self, name: str, scope: ast.AST, functions: FrozenSet[object]) -> bool:
        """Let ``name`` stand for ``functions`` too; whether it grew."""
        held = self.held.setdefault(scope, {}).get(name, _NONE)
        if functions <= held:
            return False
        self.held[scope][name] = held | functions
        return True

    def _returned(self, function: ast.AST) -> FrozenSet[Typed]:
        """What a ``def`` or a ``lambda`` of this source may return."""
        if function in self._returning:
            return _NONE
        self._returning.add(function)
        try:
            if isinstance(function, ast.Lambda):
                return self.typed(function.body, function)
            return frozenset().union(_NONE, *(self.typed(r.value, function) for r in ast.walk(function)
                                              if isinstance(r, ast.Return) and self.scope_of.get(r) is function))
        finally:
            self._returning.discard(function)

    def _handed(self, node: ast.Call, scope: ast.AST) -> List[Tuple[ast.AST, ast.Call]]:
        """The functions of this source that ``node`` hands on to a call that is none of them (``map(scale, y)``,
        ``np.apply_along_axis(scale, axis=-1, arr=y)``, ``FuncFormatter(label)``), each with the call it may receive:
        every other argument, spread (an int written as it is, an axis, left out)."""
        if any(not isinstance(f, str) for f in self._callables(node.func, scope)):
            return []
        given = list(node.args) + [keyword.value for keyword in node.keywords]
        return [(function, ast.Call(argument, [ast.Starred(other, ast.Load()) for other in given
                                               if other is not argument and not _layout(other)], []))
                for argument in given for function in self._callables(argument, scope) if not isinstance(function, str)]

    def bind(self, name: str, scope: ast.AST, typed: Iterable[Typed],
             values: Optional[Iterable[Typed]] = None) -> bool:
        """Let ``name`` hold ``typed`` too, and its elements (``name[...]``, kept as ``name[]``) ``values``: a
        dictionary's values without its keys; by default what the whole holds."""
        typed = frozenset(typed)
        changed = False
        for held_name, grown_by in ((name, typed), (name + "[]", typed if values is None else frozenset(values))):
            held = self.names.setdefault(scope, {}).get(held_name, _NONE)
            if held_name not in self.names[scope] or not grown_by <= held:
                self.names[scope][held_name] = held | grown_by
                changed |= not grown_by <= held
        return changed

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
            return frozenset({Typed(node.lineno, self._segment(node) or repr(value), node.col_offset, self.origin)})
        if isinstance(value, str):  # "1.5", or the text of an f-string: a number typed in words
            formula = {m.span() for m in NOT_A_VALUE.finditer(value)}
            specs = [m.span(group) for m in FORMAT_SPEC.finditer(value) for group in (1, 2) if m.group(group)]
            return frozenset(Typed(node.lineno, m.group(0), node.col_offset + m.start(), self.origin)
                             for m in NUMBER_IN_TEXT.finditer(value) if m.span() not in formula
                             and not any(start <= m.start() and m.end() <= end for start, end in specs))
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
            if isinstance(node.value, ast.Name):  # positions[p]: a dictionary's value, not its key
                return self.lookup(node.value.id + "[]", scope)
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
        """What the arguments of ``node`` carry; without ``constants``, an int written as a positional argument (a
        method's axis or shape) carries nothing."""
        found = set()
        for argument in node.args:
            if constants or not _layout(argument):
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
            return frozenset({Typed(node.lineno, f"{name}(...)", node.col_offset, self.origin)})
        if name == "map" and node.args and dotted(node.args[0]) == "range":
            return _NONE  # map(range, shape): the index ranges of a shape
        if name in ("len", "range", "enumerate", "zip", "type", "isinstance", "id", "hash"):
            return _NONE if name in ("len", "range", "type", "isinstance", "id", "hash") else \
                self._arguments(node, scope, constants=False)
        functions = [f for f in self._callables(node.func, scope) if not isinstance(f, str)]
        if functions:
            return frozenset().union(_NONE, *(self._returned(function) for function in functions))
        handed = frozenset().union(_NONE, *(self._returned(function) for function, _ in self._handed(node, scope)))
        method = isinstance(node.func, ast.Attribute) and not (name and root in self.modules)
        if method:  # x.reshape(1, -1), x.max(axis=0): ints are axes and shapes; y.clip(0, 1.5) types 1.5
            return self.typed(node.func.value, scope) | self._arguments(node, scope, constants=False) | handed
        made = self.typed(node.func, scope) if isinstance(node.func, ast.Call) else _NONE  # np.vectorize(scale)(y)
        return self._arguments(node, scope, constants=True) | handed | made

    # statements ----------------------------------------------------------------------------------
    def _assign(self, target: ast.AST, typed: FrozenSet[Typed], scope: ast.AST, tensorrt: bool,
                values: Optional[FrozenSet[Typed]] = None) -> bool:
        changed = False
        if isinstance(target, ast.Name):
            changed |= self.bind(target.id, scope, typed, values)
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
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                typed, tensorrt = self.typed(node.value, scope), self._is_tensorrt(node.value)
                values = self._values(node.value, scope) if isinstance(node, ast.Assign) or node.simple else None
                for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                    changed |= self._assign(target, typed, scope, tensorrt, values)
                    for name, value in _unpacked(target, node.value):  # say = show, halve = lambda v: v / 2
                        changed |= self._hold(name, scope, self._callables(value, scope))
            elif isinstance(node, ast.AugAssign):
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

    def _values(self, node: ast.AST, scope: ast.AST) -> Optional[FrozenSet[Typed]]:
        """What a dictionary written here holds as values (its keys left out); ``None`` for any other value."""
        if isinstance(node, ast.DictComp):
            return self.typed(node.value, scope)
        if isinstance(node, ast.Dict):
            return frozenset().union(_NONE, *(self.typed(value, scope) for value in node.values))  # {**other}: all
        return None

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
        for function in self._callables(node.func, scope):
            if isinstance(function, str):
                continue
            for parameter, argument, layout in _bindings(function, node, bool(self.origin)):
                changed |= self._assign(ast.Name(parameter), _NONE if layout else self.typed(argument, scope),
                                        function, self._is_tensorrt(argument))
                changed |= self._hold(parameter, function, self._callables(argument, scope))
        for function, call in self._handed(node, scope):  # map(show, values): show receives what map is handed
            for parameter, argument, _ in _bindings(function, call, False):
                changed |= self._assign(ast.Name(parameter), self.typed(argument, scope), function, False)
        return changed

    def settle(self) -> "_Flow":
        """Iterate the statements until no name grows."""
        for _ in range(50):
            if not self.step():
                break
        return self

    def followed(self, node: ast.Call, scope: ast.AST, stack: Tuple[str, ...] = ()) -> List[Tuple[Typed, str]]:
        """What a call of a drawing module's function (:func:`drawing_module`) draws that is typed, here or there:
        the callee's flow with its parameters holding what this call hands it, and the figure calls of every
        function it reaches. ``(number, the called function)``."""
        called = self._package_name(dotted(node.func))
        if called is None or called in stack:
            return []
        module, _, name = called.rpartition(".")
        loaded = drawing_module(module)
        if loaded is None:
            return []
        tree, source, shown = loaded
        callee = _Flow(tree, source, shown, module)
        function = callee.functions.get(name)
        if function is None or callee.scope_of.get(function) is not tree:
            return []
        bound = self.bound.get(dotted(node.func), ((), ()))
        call = ast.Call(node.func, list(bound[0]) + node.args, list(bound[1]) + node.keywords)
        for parameter, argument, layout in _bindings(function, call, True):
            callee.bind(parameter, function, _NONE if layout else self.typed(argument, self.scope_of.get(argument, scope)))
        callee.settle()
        return [(number, called) for _, number, _, _ in callee.printed(callee.reachable(function), stack + (called,))]

    def reachable(self, function: ast.AST) -> List[ast.AST]:
        """``function`` and every function of this module it may call."""
        seen: List[ast.AST] = []
        todo = [function]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.append(current)
                todo.extend(self.functions[n.func.id] for n in ast.walk(current)
                            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in self.functions)
        return seen

    def shown(self, node: ast.Call, scope: ast.AST) -> List[ast.expr]:
        """The arguments of ``node`` that reach the reader: all of a print's; of a figure call, its text, the tick
        positions it labels with themselves, the limits it picks tick labels from, the array an image or a table
        draws, the bar values ``bar_label`` writes, the data it plots and the text a formatter writes (a formatting
        function: what it returns)."""
        if self._prints(node, scope):  # print(...), say(...) with say = print, map(print, values)
            return [argument for argument in node.args if "print" not in self._callables(argument, scope)]
        method = node.func.attr if isinstance(node.func, ast.Attribute) else \
            node.func.id if isinstance(node.func, ast.Name) else ""
        given = {keyword.arg for keyword in node.keywords}
        keywords = set(FIGURE_KEYWORDS) | {k for k, labels in TICK_KEYWORDS.items() if labels not in given}
        arguments = []
        if isinstance(node.func, ast.Attribute) and method in FIGURE_TEXT:
            positions, named = FIGURE_TEXT[method]
            keywords.update(named)
            arguments = [node.args[i] for i in positions if -len(node.args) <= i < len(node.args)]
        if method in TICK_POSITIONS and len(node.args) < 2 and "labels" not in given:
            keywords.add("ticks")  # set_xticks([0, 1, 2]): Matplotlib labels each tick with its position
            arguments += node.args[:1]
        if method in TICKS_DRAWN:
            positions, named = TICKS_DRAWN[method]
            keywords.update(named)
            arguments += [node.args[i] for i in positions if i < len(node.args)]
        if method in IMAGES:
            positions, named = IMAGES[method]
            keywords.update(named)
            arguments += [node.args[i] for i in positions.get(len(node.args), ())]
        if method in FORMATTERS:
            positions, named = FORMATTERS[method]
            keywords.update(named)
            arguments += [node.args[i] for i in positions if i < len(node.args)]
        if method == "bar_label" and len(node.args) < 2 and "labels" not in given:
            containers = node.args[:1] + [keyword.value for keyword in node.keywords if keyword.arg == "container"]
            arguments += [value for container in containers for value in self._bar_values(container, scope)]
        shown = arguments + self._limits(node, method, scope) + [
            keyword.value for keyword in node.keywords if keyword.arg in keywords]
        return [ast.Call(value, [], []) if any(not isinstance(f, str) for f in self._callables(value, scope)) else value
                for value in shown]  # a formatting function: the text it returns

    def _prints(self, node: ast.Call, scope: ast.AST) -> bool:
        """Whether ``node`` prints its arguments: a print called by any name, or handed on (``map(print, values)``)."""
        return "print" in self._callables(node.func, scope) or any(
            "print" in self._callables(argument, scope) for argument in node.args)

    def _bar_values(self, container: ast.expr, scope: ast.AST) -> List[ast.expr]:
        """What ``bar_label(container)`` writes: the heights (widths) handed to the ``bar`` (``barh``) calls that made
        ``container``, written in the call or assigned to its name in the scope holding it; else the container."""
        holding = self._scope_holding(container.id, scope) if isinstance(container, ast.Name) else scope
        calls = [container] if isinstance(container, ast.Call) else [
            n.value for n in ast.walk(self.tree) if isinstance(n, ast.Assign) and self.scope_of.get(n) is holding and
            any(isinstance(t, ast.Name) and t.id == container.id for t in n.targets)] \
            if isinstance(container, ast.Name) else []
        bars = [c for c in calls if isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute) and c.func.attr in BARS]
        if not bars or len(bars) != len(calls):
            return [container]
        return [value for call in bars for value in
                [call.args[i] for i in BARS[call.func.attr][0] if i < len(call.args)] +
                [keyword.value for keyword in call.keywords if keyword.arg in BARS[call.func.attr][1]]]

    def _limits(self, node: ast.Call, method: str, scope: ast.AST) -> List[ast.expr]:
        """The axis limits ``node`` gives and the data it plots (:data:`LINES`, :data:`DATA`), along axes that label
        ticks chosen from them (:data:`AXIS_LIMITS`, :data:`LIMIT_KEYWORDS`; an int written beside a bound that reads
        a shape is an index range's end, like ``range``), and its colour limits when a colour bar labels them
        (:data:`COLOUR_LIMITS`)."""
        receiver = dotted(node.func.value) if isinstance(node.func, ast.Attribute) else ""
        bounds = [(LIMIT_KEYWORDS[k.arg], [k.value]) for k in node.keywords if k.arg in LIMIT_KEYWORDS]
        if method in AXIS_LIMITS:
            axes, positions, named = AXIS_LIMITS[method]
            bounds.append((axes, [node.args[i] for i in positions if i < len(node.args)] +
                           [keyword.value for keyword in node.keywords if keyword.arg in named]))
        bounds += [(axis, values) for axis, values in self._data(node, method) if axis in self._data_axes(node)]
        found = []
        for axes, values in bounds:
            if not all(self._ticks_hidden(receiver, axis, scope) for axis in axes):
                values = [e for v in values for e in (v.elts if isinstance(v, (ast.Tuple, ast.List)) else [v])]
                index_range = any(self._counts(value) for value in values)  # set_xlim(0, y.shape[3]): indices
                found += [value for value in values if not (index_range and _layout(value))]
        if self.colour_bar_labels():
            positions, named = COLOUR_LIMITS.get(method, ((), ()))
            found += [node.args[i] for i in positions if i < len(node.args)] + (list(node.args) if method in NORMS else [])
            found += [keyword.value for keyword in node.keywords
                      if keyword.arg in COLOUR_KEYWORDS or keyword.arg in named or method in NORMS]
        return found

    @staticmethod
    def _data(node: ast.Call, method: str) -> List[Tuple[str, List[ast.expr]]]:
        """``(axis, data)`` for the line or scatter data ``node`` plots (:data:`LINES`, :data:`DATA`)."""
        if isinstance(node.func, ast.Attribute) and method in LINES:
            arrays = [a for a in node.args if not (isinstance(a, ast.Constant) and isinstance(a.value, str))]
            return [(axis, [array]) for axis, array in zip("y" if len(arrays) == 1 else "xy" * len(arrays), arrays)]
        if not isinstance(node.func, ast.Attribute) or method not in DATA:
            return []
        return [(axis, [node.args[i] for i in positions if i < len(node.args)] +
                 [keyword.value for keyword in node.keywords if keyword.arg in named])
                for axis, (positions, named) in DATA[method].items()]

    @staticmethod
    def _data_axes(node: ast.Call) -> str:
        """The axes along which ``node`` plots in data coordinates: both, unless a ``transform=`` places it in
        fractions of the axes or the figure (:data:`FRACTIONS`)."""
        for keyword in node.keywords:
            if keyword.arg == "transform":
                value = keyword.value.func if isinstance(keyword.value, ast.Call) else keyword.value
                if isinstance(value, ast.Attribute) and value.attr in FRACTIONS:
                    return FRACTIONS[value.attr]
        return "xyz"

    def _ticks_hidden(self, receiver: str, axis: str, scope: ast.AST) -> bool:
        """Whether the axes ``receiver`` (``ax``, ``plt``) of ``scope`` hide their ticks (``axis("off")``,
        ``set_axis_off()``) or place those of ``axis`` ("x", "y") by hand, anywhere in ``scope``."""
        for call in (n for n in ast.walk(self.tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)):
            if not receiver or dotted(call.func.value) != receiver or self.scope_of.get(call) is not scope:
                continue
            name, first = call.func.attr, call.args[0] if call.args else None
            if name == "set_axis_off" or name == "axis" and isinstance(first, ast.Constant) and first.value in ("off", False) \
                    or name in TICKS_HIDDEN[axis] or name == "set" and any(k.arg == f"{axis}ticks" for k in call.keywords):
                return True
        return False

    def colour_bar_labels(self) -> bool:
        """Whether this source draws a colour bar that picks its own ticks (from the colour limits): a ``colorbar``
        call without ``ticks=`` whose ticks are not set afterwards, or a seaborn ``heatmap`` without ``cbar=False``."""
        if self._colour_bar is None:
            self._colour_bar = self._draws_colour_bar()
        return self._colour_bar

    def _draws_colour_bar(self) -> bool:
        set_later = {dotted(n.func.value) for n in ast.walk(self.tree) if isinstance(n, ast.Call)
                     and isinstance(n.func, ast.Attribute) and n.func.attr == "set_ticks"}
        for call in (n for n in ast.walk(self.tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)):
            keywords = {k.arg: k.value for k in call.keywords}
            parent = self.parents.get(call)
            named = [t.id for t in parent.targets if isinstance(t, ast.Name)] if isinstance(parent, ast.Assign) else []
            if call.func.attr == "colorbar" and "ticks" not in keywords and not set_later & set(named) and not (
                    isinstance(parent, ast.Attribute) and parent.attr == "set_ticks"):
                return True
            if call.func.attr == "heatmap" and not (isinstance(keywords.get("cbar"), ast.Constant)
                                                    and keywords["cbar"].value is False):
                return True
        return False

    def printed(self, functions: Optional[List[ast.AST]] = None, stack: Tuple[str, ...] = ()) -> List[tuple]:
        """Every typed number that reaches a print or a figure, once the flow is known (in ``functions`` only,
        when given), including what a called drawing module draws: ``(line, Typed, drawn, through)``."""
        found = []
        calls = {id(n): n for f in ([self.tree] if functions is None else functions) for n in ast.walk(f)
                 if isinstance(n, ast.Call)}
        for node in calls.values():
            scope = self.scope_of.get(node, self.tree)
            shown = self.shown(node, scope)
            typed = set(self.typed(ast.Tuple(shown, ast.Load()), scope)) - self.to_tensorrt if shown else set()
            for number in sorted(typed, key=lambda t: (t.line, t.text)):
                found.append((node.lineno, number, not self._prints(node, scope), ""))
            drawn = {number: through for number, through in self.followed(node, scope, stack)
                     if number not in self.to_tensorrt}
            for number in sorted(drawn, key=lambda t: (t.file, t.line, t.text)):
                found.append((node.lineno, number, True, drawn[number]))
        return found


def problems(path: Path, name: Optional[str] = None) -> List[Problem]:
    """The typed numbers the example at ``path`` prints or draws (empty when every shown number has a source)."""
    source = path.read_text(encoding="utf-8")
    flow = _Flow(ast.parse(source, filename=str(path)), source).settle()
    example = name or f"examples/{path.name}"
    return [Problem(example, line, number.text, number.line, drawn, through, number.file)
            for line, number, drawn, through in flow.printed()]

