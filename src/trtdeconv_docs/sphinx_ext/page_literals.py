"""Find the numbers a page states by hand, and say where each one comes from.

A page (``docs/**/*.md``, and the text blocks of ``examples/*.py``) may show numbers that
TensorRT printed only through ``trt-output`` (rendered from ``recordings/``). Everything
else numeric that a reader could take for TensorRT's output is a *literal*:

``matrix``
    a LaTeX ``matrix``/``bmatrix``/``pmatrix``/``vmatrix``/``array`` holding a digit, in
    display math (``$$ ... $$`` or a ``{math}`` block);
``formula``
    any other display-math block holding a digit;
``printed``
    a fenced code block (not ``trt-output``, not a doctest) with a line that looks like a
    printed array row: two or more numbers, optionally in brackets;
``shape``
    a tuple of two or more integers in prose, ``(1, 1, 7, 5)`` or ``(2,2)``;
``size``
    a product of integers in prose, ``5×5`` or ``1×1×3×3``;
``quantity``
    a number with a unit of :data:`.prose.units.UNITS` (the one table, which the translation check reads
    too: time, size, bandwidth, compute rate, clock, or a ratio word) in prose (``5 微秒``, ``3 µs``,
    ``快 8.0 倍``, ``2x faster``, ``30%``; :data:`QUANTITY`), whatever its digits.
    Its digits in the code are no source: a number the page's doctests print, a median or
    quartile of a recorded benchmark run (for a time, rounded to the digits shown) or the
    allow-list is.

A literal is *sourced* when it is computed by a doctest on the same page (it appears in
a ``>>>`` example or its output there), when TensorRT recorded it for an example the page
shows (``recordings/tensors/<example>.json``, read through :mod:`trtdeconv_docs.cassette.store`:
a tensor's shape, a layer attribute TensorRT read back, or a row of an integral input or
kernel; see :func:`recorded_shapes`), or when it is an attribute value written in
the code of that page or example. Every other literal must be listed in the one allow-list
file ``docs/literals.json`` (:data:`ALLOW_LIST`) with the source it comes from, a file of the
repository and a key in it that the check resolves (:func:`source_problem`), not a free-text reason. Literals are
compared with their whitespace removed, so changing one digit of an allowed matrix or
formula makes it a new, unlisted literal.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Sequence, Set, Tuple

from ..cassette import store
from ..cassette.recording import Recording, path_of
from ..layer.attributes import DeconvolutionError, resolve
from ..layer.reference import kernel_shape
from ..layer.shapes import volume
from ..prose import units

ROOT = store.REPOSITORY_ROOT
ALLOW_LIST = ROOT / "docs" / "literals.json"
"""``[{"page", "kind", "literal", "source", "key"}, ...]``: the hand-written numbers a page may show, and where from."""

MATH_BLOCK = re.compile(r"^\$\$[ \t]*\n(.*?)^\$\$|^(`{3,}|:{3,})\{math\}[^\n]*\n(.*?)^\2", re.M | re.S)
OPENING = re.compile(r"^(`{3,}|~{3,}|:{3,})(.*)$")
MATRIX = re.compile(r"\\begin\{(?:[bpvV]?matrix|array)\}")
ARRAY_ROW = re.compile(r"^[\s\[\]]*[-+]?\d+(?:\.\d*)?(?:e[-+]?\d+)?(?:[\s,]+[-+]?\d+(?:\.\d*)?(?:e[-+]?\d+)?)+[\s\]]*,?$",
                       re.M | re.I)
TUPLE = re.compile(r"\(\s*-?\d+(?:\s*,\s*-?\d+)+\s*,?\s*\)")
PRODUCT = re.compile(r"(?<![\w.])\d+(?:\s*×\s*\d+)+")
DIRECTIVE = re.compile(
    r"^(?:`{3,}|:{3,})\{trt-output\}[ \t]*(?P<example>[^\n]*)\n(?P<options>(?:[ \t]*:[\w-]+:[^\n]*\n)*)", re.M)
"""A ``trt-output`` directive in a MyST page: its example (argument) and its option lines."""
CODE_DIRECTIVES = ("{code", "{literalinclude", "{doctest", "{testcode", "{testoutput", "{trt-output", "{math")
"""Fenced directives whose body is code (a source); the other directives' bodies are prose."""
DOCTEST_LINE = re.compile(r"^\s*(>>>|\.\.\.)")
NUMBER = re.compile(r"(?<![\w.])[-\u2212]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w.])")
QUANTITY = re.compile(r"(?<![\w.])[-\u2212]?\d+(?:\.\d+)?")
"""The number of a quantity: a quantity is such a number followed by a unit of :data:`.prose.units.UNITS` (a time,
size, bandwidth, compute rate or clock, or a ratio: ``5 微秒``, ``3 µs``, ``快 8.0 倍``, ``2x faster``, ``30%``),
whatever its digits."""

INLINE_CODE = re.compile(r"``(.+?)``|`([^`]+)`")


@dataclass(frozen=True)
class Literal:
    """One hand-written number (or group of numbers) on a page."""

    page: str
    kind: str
    literal: str
    line: int

    @property
    def key(self) -> str:
        """The literal without whitespace: what the allow-list and the sources are compared by."""
        return normalized(self.literal)


def normalized(text: str) -> str:
    """``text`` without whitespace."""
    return re.sub(r"\s+", "", text)


def _line(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


@dataclass(frozen=True)
class Fence:
    """A fenced code block of a MyST page: its info string, body, and first and last line (1-based)."""

    info: str
    body: str
    line: int
    end: int


def fences(text: str) -> List[Fence]:
    """The code fences of a MyST page (``` or ~~~), also inside ``:::`` directives, which hold prose."""
    found, lines, index = [], text.split("\n"), 0
    while index < len(lines):
        opening = OPENING.match(lines[index])
        if opening and not opening.group(1).startswith(":"):
            marker, info, start = opening.group(1), opening.group(2).strip(), index
            index += 1
            while index < len(lines) and lines[index].strip() != marker:
                index += 1
            found.append(Fence(info, "\n".join(lines[start + 1:index]), start + 1, min(index, len(lines) - 1) + 1))
        index += 1
    return found


def prose_of(text: str) -> str:
    """A page without its code fences and display math (lines kept, so line numbers stay)."""
    lines = text.split("\n")
    for fence in fences(text):
        lines[fence.line - 1:fence.end] = [""] * (fence.end - fence.line + 1)
    return MATH_BLOCK.sub(lambda m: "\n" * m.group(0).count("\n"), "\n".join(lines))


def page_text(path: Path) -> str:
    """A page's text as the reader sees it: a MyST page whole, an example's docstring and ``# %%`` comments."""
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        return text
    blocks = re.findall(r'"""(.*?)"""', text, re.S)
    comments = re.findall(r"^# %%\n((?:#[^\n]*\n)+)", text, re.M)
    return "\n\n".join(blocks + [re.sub(r"^# ?", "", c, flags=re.M) for c in comments])


def literals(path: Path, page: str) -> List[Literal]:
    """Every literal of one page (see the module docstring for the kinds)."""
    text = page_text(path)
    found = []
    for match in MATH_BLOCK.finditer(text):
        block = match.group(1) if match.group(1) is not None else match.group(3)
        if re.search(r"\d", block):
            kind = "matrix" if MATRIX.search(block) else "formula"
            found.append(Literal(page, kind, block.strip(), _line(text, match.start())))
    for fence in fences(text):
        if "trt-output" in fence.info or "math" in fence.info:
            continue
        if ARRAY_ROW.search(fence.body) and not any(DOCTEST_LINE.match(line) for line in fence.body.splitlines()):
            found.append(Literal(page, "printed", fence.body.strip(), fence.line))
    prose = prose_of(text)
    for kind, pattern in (("shape", TUPLE), ("size", PRODUCT)):
        for match in pattern.finditer(prose):
            found.append(Literal(page, kind, match.group(0), _line(prose, match.start())))
    for number, line in enumerate(prose.split("\n"), 1):
        found += quantities(line, page, number)
    return found


def unsourced_quantities(text: str, page: str, allowed: Iterable[Dict[str, str]] = (), doctests: str = "") -> List[Literal]:
    """The quantities of ``text`` (a page's prose, or a catalog's translations of it) that neither a source nor
    the allow-list gives: what the doctree check reports of them, for a text not built (the performance page's
    prose guard uses it)."""
    listed = {(e["page"], e["kind"], normalized(e["literal"])) for e in allowed}
    found = {"printed": doctest_numbers(doctests)}
    return [literal for literal in quantities(text, page)
            if (page, literal.kind, literal.key) not in listed and not source_of(literal, found)]


def _doctest_lines(text: str) -> List[str]:
    """The lines of a page's doctests: each ``>>>`` example with the output lines that follow it."""
    kept, inside = [], False
    for line in text.splitlines():
        if DOCTEST_LINE.match(line):
            inside = True
        elif not line.strip():
            inside = False
        if inside:
            kept.append(line)
    return kept


def _doctest_text(text: str) -> str:
    """The doctests of a page, without whitespace."""
    return normalized("\n".join(_doctest_lines(text)))


def _without_comments(script: str) -> str:
    """A Python script without its comments and string-only statements (docstrings, text blocks): its code."""
    import io
    import tokenize

    kept = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(script).readline))
    except (tokenize.TokenError, SyntaxError):
        return re.sub(r"#[^\n]*", " ", script)
    previous = tokenize.NEWLINE
    for token in tokens:
        if token.type == tokenize.COMMENT:
            continue
        if token.type == tokenize.STRING and previous in (tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT):
            previous = token.type
            continue  # a string on its own: a docstring or text block, prose
        kept.append(token.string)
        if token.type not in (tokenize.NL, tokenize.COMMENT):
            previous = token.type
    return " ".join(kept)


def _code(path: Path, text: str, inline: bool = True) -> str:
    """The code of a page: fenced code blocks (with trt-output run labels) and, if ``inline``, inline code;
    or an example's script without its comments and text blocks (those are the page)."""
    if path.suffix == ".py":
        return _without_comments(path.read_text(encoding="utf-8"))
    # code fences only: a directive fence ({note}, {figure}, {glossary}, {eval-rst}) holds prose, no source;
    # a trt-output's :run: names the recorded run's attributes
    parts = [fence.body for fence in fences(text) if not fence.info.startswith("{") or fence.info.startswith(CODE_DIRECTIVES)]
    if inline:
        parts += [m.group(1) or m.group(2) for m in INLINE_CODE.finditer(prose_of(text))]
    return "\n".join(parts)


def _code_text(path: Path, text: str, inline: bool = True) -> str:
    """:func:`_code` without whitespace."""
    return normalized(_code(path, text, inline))


def code_numbers(path: Path, text: str) -> Set[str]:
    """The numbers written in a page's doctests (examples and output) and code blocks, or in an example's code, each
    a whole number as written (``98765.4321``; not ``98765.432`` inside it). Inline code is prose: no source."""
    written = "\n".join(_doctest_lines(text)) + "\n" + _code(path, text, inline=False)
    return {match.group(0).replace("\u2212", "-") for match in NUMBER.finditer(written)}


def _shape_keys(shape: Sequence[int]) -> Set[str]:
    """A shape and its trailing parts of two or more dimensions, as normalized tuples and products."""
    shape = [int(v) for v in shape]
    found = set()
    for part in (shape, shape[1:], shape[2:], shape[-2:]):
        if len(part) >= 2:
            found.add("(" + ",".join(map(str, part)) + ")")
            found.add("×".join(map(str, part)))
    return found


def _row_keys(values: Sequence[float], shape: Sequence[int]) -> Set[str]:
    """The whole of an integral tensor's values and each of its last-axis rows, as normalized tuples."""
    if not values or any(float(v) != int(v) for v in values):
        return set()
    numbers = [str(int(v)) for v in values]
    width = int(shape[-1]) if shape and int(shape[-1]) > 1 else len(numbers)
    rows = {"(" + ",".join(numbers) + ")"}
    rows.update("(" + ",".join(numbers[i:i + width]) + ")" for i in range(0, len(numbers), width))
    return {row for row in rows if "," in row}


def _engine_dimensions(run: Dict) -> List[List[int]]:
    """The dimensions of every tensor in the engine inspector's layers (intermediate tensors included)."""
    layers = run.get("engine", {}).get("layers")
    if isinstance(layers, str):
        try:
            layers = json.loads(layers)
        except ValueError:
            return []
    if not isinstance(layers, dict):
        return []
    return [tensor["Dimensions"] for layer in layers.get("Layers", []) if isinstance(layer, dict)
            for tensor in layer.get("Inputs", []) + layer.get("Outputs", []) if "Dimensions" in tensor]


def _kernel_layout(attributes: Dict) -> List[List[int]]:
    """A recorded deconvolution's kernel shape in TensorRT's layout (:func:`trtdeconv_docs.layer.reference.kernel_shape`)."""
    count = len(attributes.get("kernel", {}).get("values", []))
    try:
        layer = resolve(num_output_maps=attributes["num_output_maps"], kernel_size_nd=attributes["kernel_size_nd"],
                        num_groups=attributes.get("num_groups", 1))
    except (KeyError, DeconvolutionError):
        return []
    per_input_channel = layer.num_output_maps // layer.num_groups * volume(layer.kernel_size_nd)
    if not count or count % per_input_channel:
        return []
    return [list(kernel_shape(layer, count // per_input_channel))]


def recorded_shapes(example: str) -> Set[str]:
    """What TensorRT recorded for ``example`` that a page may quote, as normalized tuples and products.

    Every tensor shape (the inputs as declared, ``-1`` for a dynamic dimension, and as run; the
    outputs; every tensor of the built engine, intermediate ones included), every attribute
    TensorRT read back from a layer (``stride_nd`` (2, 2), a 3×3 ``kernel_size_nd``), the shape
    of a layer's kernel in TensorRT's layout (from its recorded count and attributes), and the
    values of integral inputs and kernels, whole or row by row (an input row (7, 8, 9)).
    """
    path = path_of(example)
    if not path.is_file():
        return set()
    found: Set[str] = set()
    for run in (recorded.data for recorded in Recording.read(path).runs):
        network = run.get("network", {})
        shapes = [tensor["shape"] for tensor in network.get("inputs", [])] + _engine_dimensions(run)
        for tensors in (run.get("inputs", {}), run.get("outputs", {})):
            for tensor in tensors.values():
                shapes.append(tensor["shape"])
                if tensors is run.get("inputs"):
                    found |= _row_keys(tensor.get("values", []), tensor["shape"])
        for layer in network.get("layers", []):
            for name, value in layer.get("attributes", {}).items():
                if isinstance(value, list) and len(value) >= 2 and all(isinstance(v, int) for v in value):
                    shapes.append(value)
                elif name == "kernel" and isinstance(value, dict):
                    found |= _row_keys(value.get("values", []), layer["attributes"].get("kernel_size_nd", []))
                    shapes += _kernel_layout(layer["attributes"])
        for shape in shapes:
            found |= _shape_keys(shape)
    return found


def sources(path: Path) -> Dict[str, Set[str]]:
    """What a page's literals may come from: ``doctest`` and ``code`` text, ``recorded`` shapes (and ``blocks``:
    the code without inline code spans, the source of a literal that is an inline code span itself; ``numbers``:
    :func:`code_numbers`, the source of a ``value``)."""
    text = page_text(path)
    examples = {match["example"].strip() for match in DIRECTIVE.finditer(path.read_text(encoding="utf-8"))}
    if path.suffix == ".py":
        examples.add(path.stem)
    recorded: Set[str] = set()
    for example in examples:
        recorded |= recorded_shapes(example)
    return {"doctest": {_doctest_text(text)}, "code": {_code_text(path, text)}, "recorded": recorded,
            "blocks": {_code_text(path, text, inline=False)}, "printed": doctest_numbers(text),
            "numbers": code_numbers(path, text)}


def quantities(text: str, page: str, line: int = 0) -> Iterator[Literal]:
    """The quantities of a text (:data:`QUANTITY`), each as ``number unit`` with the unit by its name in
    :data:`.prose.units.UNITS`, one for both editions (``倍``, ``x``, ``times`` -> ``×``; ``微秒``, ``us`` -> ``µs``)."""
    for match in QUANTITY.finditer(text):
        unit = units.after(text, match.end())
        if unit is not None:
            yield Literal(page, "quantity", f"{match.group(0).replace(chr(0x2212), '-')} {unit.name}", line)


@lru_cache(maxsize=None)
def benchmark_times_ms() -> Tuple[float, ...]:
    """Every median and quartile (ms) of the benchmark recording's runs, computed from their samples."""
    from ..benchmark import analysis

    folder = store.root() / "benchmark"
    if not (folder / store.MANIFEST).is_file():
        return ()
    bench = analysis.load(folder)
    found = set()
    for record in bench.tensorrt["runs"] + bench.pytorch["runs"] + bench.pytorch.get("col2im", []):
        if record.get("samples_ms") and analysis.unusable(record) is None:
            found.update(analysis.statistics(record["samples_ms"]).values())
    return tuple(sorted(found))


def doctest_numbers(text: str) -> Set[str]:
    """The numbers a page's doctests print (their output lines), as written."""
    return {match.group(0).replace("\u2212", "-") for line in _doctest_lines(text) if not DOCTEST_LINE.match(line)
            for match in NUMBER.finditer(line)}


def quotes_a_recorded_value(text: str, values: Tuple[float, ...]) -> bool:
    """Whether the decimal ``text`` is a recorded value rounded to the digits it shows."""
    literal = Decimal(text.replace("\u2212", "-"))
    half = Decimal(1).scaleb(literal.as_tuple().exponent) / 2
    low = float(literal - half)
    start = bisect.bisect_left(values, low - abs(low) * 1e-12 - 1e-300)  # values are sorted; float rounding aside
    for value in values[start:]:
        if Decimal(repr(value)) > literal + half:
            return False
        if abs(Decimal(repr(value)) - literal) <= half:
            return True
    return False


def source_of(literal: Literal, found: Dict[str, Set[str]]) -> str:
    """Where a literal comes from (``doctest``, ``recorded``, ``code``, ``benchmark``), or "" if from nowhere.

    A quantity is not sourced by code or prose that merely holds its digits: by a number the page's doctests
    print, or, for a time, by a median or quartile of a recorded benchmark run rounded to the digits shown
    (else the allow-list, with a file and a key)."""
    if literal.kind == "quantity":
        number, unit = literal.literal.split(" ")
        if number in found.get("printed", ()):
            return "doctest"
        unit = units.named(unit)
        if unit.quantity == "time" and quotes_a_recorded_value(
                number, tuple(ms / unit.scale for ms in benchmark_times_ms())):
            return "benchmark"
        return ""
    if literal.kind in ("shape", "size"):
        key = literal.key.rstrip(",)").rstrip(",") + (")" if literal.key.startswith("(") else "")
        if key in found["recorded"]:
            return "recorded"
        if any(key in text for text in found["doctest"]):
            return "doctest"
        if any(key in text for text in found["code"]):
            return "code"
    return ""


def pages(root: Path = ROOT) -> Dict[str, Path]:
    """Every page checked: ``docs/**/*.md`` (not the generated gallery) and ``examples/*.py``."""
    found = {p.relative_to(root).as_posix(): p for p in sorted((root / "docs").rglob("*.md"))
             if "gallery" not in p.relative_to(root / "docs").parts}
    found.update({p.relative_to(root).as_posix(): p for p in sorted((root / "examples").glob("*.py"))})
    return found


def _json_at(document, key: str):
    """The value at ``key`` in a JSON document: ``/``-separated names, list indexes, or ``field=value`` to pick
    the list element whose ``field`` (``id``, ``label``) is ``value``; ``KeyError`` naming the step that fails."""
    value = document
    for step in filter(None, key.split("/")):
        field, equals, wanted = step.partition("=")
        if isinstance(value, list) and equals:
            value = next((item for item in value if isinstance(item, dict) and str(item.get(field)) == wanted), None)
        elif isinstance(value, list) and step.isdigit() and int(step) < len(value):
            value = value[int(step)]
        elif isinstance(value, dict) and step in value:
            value = value[step]
        else:
            value = None
        if value is None:
            raise KeyError(step)
    return value


def source_problem(entry: Dict[str, str], root: Path = ROOT) -> str:
    """Why an allow-list entry's source does not resolve ("" when it does).

    ``source`` is a file of the repository; ``key`` names where in it the literal comes from:
    a top-level name defined in a ``.py`` file (a function, class or constant that computes
    or holds it); a path into a ``.json`` file (a recording, through the verified reader);
    in any other text file (the seed page, a page), a passage of the file that holds the
    literal itself (whitespace aside).
    """
    source, key = entry.get("source", ""), entry.get("key", "")
    path = root / source
    if not source or not key:
        return "names no source and key"
    if not path.is_file():
        return f"source {source}: no such file"
    if path.suffix == ".py":
        import ast

        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
        names |= {name.id for node in tree.body if isinstance(node, (ast.Assign, ast.AnnAssign))  # LOW, HIGH = ...
                  for target in getattr(node, "targets", [getattr(node, "target", None)])
                  for name in ast.walk(target) if isinstance(name, ast.Name)}
        return "" if key in names else f"source {source}: defines no {key!r} at its top level"
    if path.suffix == ".json":
        document = store.read_json(path) if store.MANIFEST in {p.name for p in path.parent.iterdir()} \
            else json.loads(path.read_text(encoding="utf-8"))
        try:
            _json_at(document, key)
        except KeyError as step:
            return f"source {source}: key {key!r} does not resolve (at {step})"
        return ""
    text = path.read_text(encoding="utf-8")
    if key not in text:
        return f"source {source}: the passage {key!r} is not in it"
    if normalized(entry["literal"]) not in normalized(key):
        return f"source {source}: the passage {key!r} does not hold the literal"
    return ""


def load_allow_list(path: Path = ALLOW_LIST, root: Path = ROOT) -> List[Dict[str, str]]:
    """The allow-list's entries; each has a page, a kind, a literal and a ``source`` with a ``key`` that resolves."""
    entries = json.loads(path.read_text(encoding="utf-8"))
    for entry in entries:
        missing = {"page", "kind", "literal", "source", "key"} - set(entry)
        if missing:
            raise ValueError(f"{path}: entry {entry} lacks {', '.join(sorted(missing))}")
        problem = source_problem(entry, root)
        if problem:
            raise ValueError(f"{path}: the entry for {entry['kind']} {entry['literal'][:60]!r} of {entry['page']}: "
                             f"{problem}; name the file and the key the number comes from")
    return entries


def unsourced(root: Path = ROOT, allowed: Iterable[Dict[str, str]] = ()) -> List[Literal]:
    """Every literal of every page that is neither sourced nor in the allow-list."""
    listed = {(e["page"], e["kind"], normalized(e["literal"])) for e in allowed}
    result = []
    for page, path in pages(root).items():
        found = sources(path)
        for literal in literals(path, page):
            if (page, literal.kind, literal.key) in listed or source_of(literal, found):
                continue
            result.append(literal)
    return result


def stale_entries(root: Path = ROOT, allowed: Iterable[Dict[str, str]] = ()) -> List[Dict[str, str]]:
    """Allow-list entries whose literal no page shows any more, or that a source now covers (remove them)."""
    needed = set()
    for page, path in pages(root).items():
        found = sources(path)
        needed |= {(page, l.kind, l.key) for l in literals(path, page) if not source_of(l, found)}
    return [e for e in allowed if (e["page"], e["kind"], normalized(e["literal"])) not in needed]
