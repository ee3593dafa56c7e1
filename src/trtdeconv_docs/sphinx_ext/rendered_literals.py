"""Every number a reader sees, checked on the rendered page (the doctree) of each edition.

:mod:`.page_literals` defines the literals (a matrix or formula in math, a printed array,
a shape ``(1, 1, 7, 5)``, a size ``7×5`` or ``1x1x9x9``) and their sources (a doctest on the
page, the page's or example's code, what TensorRT recorded for the examples the page shows,
or an allow-list entry naming a source). This part applies them to what Sphinx renders,
wherever it sits: paragraphs, titles, captions, table cells, admonitions, glossary entries,
list items, math (inline or display, one line or many, amsmath or not) and code blocks, in
the Chinese edition and the English one. It adds one kind:

``value``
    a number with five or more significant digits (``98765.47``) in text or math, or an inline code span that is
    such a number and nothing else (code such as ``np.float32(98765.43)`` states nothing), which reads
    like one of TensorRT's outputs; it is sourced when it is a recorded output of one of the
    page's examples rounded to the digits shown, or is a whole number written in a doctest or
    the code (:func:`.page_literals.code_numbers`: an example's code line that creates the input
    it gives TensorRT; ``98765.4321`` is not sourced by ``98765.43215``), so that changing the code
    without the prose fails.

and the ``quantity`` kind of :mod:`.page_literals` (``5 微秒``, ``快 8.0 倍``, ``2x faster``, ``30%``:
any number with a unit or a ratio word) in every text node.

What the extension generates from recordings or code (``trt-output`` matrices and captions,
the benchmark's figures, the provenance note, claim values, the gallery's executed output,
images, download links and footers, API descriptions) is marked untranslatable or lives in
such blocks, and is not a literal; a gallery page's text blocks are prose like a page's,
in both editions (sphinx-gallery's class on the section around the whole page marks nothing),
and its code blocks are code. The
gallery's executed output holds what the example printed: :mod:`.printed_numbers` finds any
number typed in the example that reaches it, reported at the output block under the code
that printed it. Each unsourced literal is a warning at its node (an error under ``-W``),
naming the fix.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Set, Tuple

from docutils import nodes
from sphinx import addnodes
from sphinx.util import logging

from ..cassette.recording import Recording, path_of
from . import page_literals, printed_numbers
from .page_literals import (ARRAY_ROW, DOCTEST_LINE, MATRIX, PRODUCT, TUPLE, Literal, normalized,
                            quotes_a_recorded_value)

logger = logging.getLogger(__name__)

END = r"(?!\w|\.\d)"
"""After a number: no letter or digit, and no ``.5`` (a version ``8.6.0``); a full stop ends an English sentence."""
VALUE = re.compile(r"(?<![\w.])[-\u2212]?\d+\.\d+(?:[eE][-+]?\d+)?" + END)
ASCII_PRODUCT = re.compile(r"(?<![\w.])\d+(?:x\d+){2,}" + END)
"""``1x1x9x9``: a size written with the letter x (three factors or more, so that ``0x10`` hex is not one)."""
GENERATED_CLASSES = ("sphx-glr", "trt", "benchmark")
"""Class prefixes of what the extensions generate: sphinx-gallery's output, images, downloads, footers, timings and
thumbnails (``sphx-glr-*``), this project's recorded blocks (``trt-*``) and benchmark figures (``benchmark-*``)."""
GALLERY_PAGE = "sphx-glr-example-title"
"""The class sphinx-gallery gives the section that holds a whole example page: its text blocks are the example's
prose, typed like a page, so this class alone marks nothing as generated."""
CODE_LANGUAGES = ("python", "py", "python3", "bash", "console", "ini", "toml")
"""Languages of a code block that is code (its numbers are a source); any other block is read as printed text."""
try:  # sphinx-gallery >= 0.22 turns a gallery page's Python blocks into this node (tokens, links) after reading
    from sphinx_gallery._doctree_links import code_links_block
    CODE_BLOCKS: Tuple[type, ...] = (nodes.literal_block, code_links_block)
except ImportError:  # older releases (the GPU machine's 0.19) leave them literal blocks
    CODE_BLOCKS = (nodes.literal_block,)
FIX = ("show TensorRT's output with a trt-output directive, compute it in a doctest on the page, or list it in "
       "docs/literals.json with the source it comes from (a file and a key)")


def significant_digits(text: str) -> int:
    """How many significant digits a decimal literal shows (``98765.47``: 7; ``0.0009``: 1)."""
    mantissa = re.split(r"[eE]", text.replace("\u2212", "-").lstrip("-"))[0]
    return len(mantissa.replace(".", "").lstrip("0"))


def generated(node: nodes.Node) -> bool:
    """Whether the node is, or sits in, something generated from recordings or code (not typed on the page)."""
    while node is not None:
        if isinstance(node, (addnodes.desc, nodes.doctest_block, nodes.raw, nodes.comment)):
            return True
        if isinstance(node, nodes.Element) and (node.get("translatable") is False or any(
                name.startswith(GENERATED_CLASSES) and name != GALLERY_PAGE for name in node.get("classes", []))):
            return True
        node = node.parent
    return False


def _line(node: nodes.Node) -> int:
    while node is not None and not getattr(node, "line", None):
        node = node.parent
    return getattr(node, "line", 0) or 0


def literals(doctree: nodes.document, page: str) -> Iterator[Tuple[Literal, nodes.Node]]:
    """Every literal of a rendered page, with the node it sits in."""
    for node in doctree.findall(lambda n: isinstance(n, (nodes.math, nodes.math_block))):
        if generated(node):
            continue
        text = node.astext()
        if MATRIX.search(text) and re.search(r"\d", text):
            yield Literal(page, "matrix", text.strip(), _line(node)), node
        elif isinstance(node, nodes.math_block) and re.search(r"\d", text):
            yield Literal(page, "formula", text.strip(), _line(node)), node
        for match in VALUE.finditer(text):
            if significant_digits(match.group(0)) >= 5:
                yield Literal(page, "value", match.group(0), _line(node)), node
    for node in doctree.findall(lambda n: isinstance(n, CODE_BLOCKS)):
        text = node.astext()
        if generated(node) or any(DOCTEST_LINE.match(line) for line in text.splitlines()):
            continue
        # code (sphinx-gallery shows an example's code as language "Python") is a source, not a statement;
        # a block without a language (``::``, "default") is read as printed text
        language = node.get("language") or node.get("lang") or ""
        if language.lower() not in CODE_LANGUAGES and ARRAY_ROW.search(text):
            yield Literal(page, "printed", text.strip(), _line(node)), node
    for node in doctree.findall(nodes.literal):  # an inline code span that is a shape, a size or a value states it
        text = node.astext().strip()
        if generated(node):
            continue
        if TUPLE.fullmatch(text) or PRODUCT.fullmatch(text) or ASCII_PRODUCT.fullmatch(text):
            kind = "shape" if text.startswith("(") else "size"
            yield Literal(page, kind, text.replace("x", "×"), _line(node)), node
        elif VALUE.fullmatch(text) and significant_digits(text) >= 5:  # `98765.43`, not `np.float32(98765.43)`
            yield Literal(page, "value", text, _line(node)), node
    for node in doctree.findall(nodes.Text):
        parent = node.parent
        if generated(parent) or _inside(parent, CODE_BLOCKS + (nodes.math, nodes.math_block, nodes.literal,
                                                               nodes.target, nodes.reference)):
            continue
        text = node.astext()
        for kind, pattern in (("shape", TUPLE), ("size", PRODUCT), ("size", ASCII_PRODUCT)):
            for match in pattern.finditer(text):
                yield Literal(page, kind, match.group(0).replace("x", "×"), _line(parent)), parent
        for match in VALUE.finditer(text):
            if significant_digits(match.group(0)) >= 5:
                yield Literal(page, "value", match.group(0), _line(parent)), parent
        for literal in page_literals.quantities(text, page, _line(parent)):
            yield literal, parent


def _inside(node: nodes.Node, types) -> bool:
    while node is not None:
        if isinstance(node, types):
            return True
        node = node.parent
    return False


@lru_cache(maxsize=None)
def recorded_values(examples: Tuple[str, ...]) -> Tuple[float, ...]:
    """Every output value TensorRT recorded for the examples (float64 of the float32 it printed)."""
    found: Set[float] = set()
    for example in examples:
        path = path_of(example)
        if path.is_file():
            for run in Recording.read(path).runs:
                if run.refused is None:
                    for array in run.outputs().values():
                        found.update(float(v) for v in array.reshape(-1).tolist() if math.isfinite(v))
    return tuple(sorted(found))


def page_source(srcdir: Path, docname: str, gallery: str, examples: str = "../examples") -> Optional[Tuple[Path, str]]:
    """The file a page is written in and its name in the allow-list: ``docs/<page>.md``, or for a gallery
    page ``examples/<example>.py`` (in the gallery's ``examples_dirs``; the site's is beside the build's
    sources, a private copy of the checkout's)."""
    if docname.startswith(f"{gallery}/plot_"):
        name = f"examples/{docname.split('/')[-1]}.py"
        example = Path(srcdir) / examples / Path(name).name
        return (example, name) if example.is_file() else None
    page = Path(srcdir) / f"{docname}.md"
    return (page, f"docs/{docname}.md") if page.is_file() else None


def unsourced(doctree: nodes.document, path: Path, page: str,
              allowed: Set[Tuple[str, str, str]]) -> List[Tuple[Literal, nodes.Node]]:
    """The literals of a rendered page (written in ``path``, named ``page``) that nothing sources and the allow-list does not name."""
    found: Dict[str, Set[str]] = page_literals.sources(path)
    examples = tuple(sorted({m["example"].strip() for m in page_literals.DIRECTIVE.finditer(path.read_text(encoding="utf-8"))}
                            | ({path.stem} if path.suffix == ".py" else set())))
    result = []
    for literal, node in literals(doctree, page):
        # an inline code span is not its own source: it needs one beyond the page's inline code
        sources = {**found, "code": found["blocks"]} if isinstance(node, nodes.literal) else found
        if (page, literal.kind, literal.key) in allowed or page_literals.source_of(literal, sources):
            continue
        if literal.kind == "value" and (quotes_a_recorded_value(literal.literal, recorded_values(examples)) or
                                        literal.key.replace("\u2212", "-") in found["numbers"]):
            continue
        if literal.kind in ("matrix", "formula", "printed") and any(literal.key in text for text in found["doctest"]):
            continue
        result.append((literal, node))
    return result


@lru_cache(maxsize=1)
def _allowed() -> Set[Tuple[str, str, str]]:
    return {(e["page"], e["kind"], normalized(e["literal"])) for e in page_literals.load_allow_list()}


def check(app, doctree: nodes.document, docname: str) -> None:
    """Warn at every unsourced literal of the page (``doctree-resolved``; both editions)."""
    if app.builder.format != "html":
        return
    conf = getattr(app.config, "sphinx_gallery_conf", {})
    found = page_source(Path(app.srcdir), docname, conf.get("gallery_dirs", "gallery"), conf.get("examples_dirs", "../examples"))
    if found is None:
        return
    path, page = found
    for literal, node in unsourced(doctree, path, page, _allowed()):
        logger.warning("%s %r is typed by hand (%s): %s", literal.kind, literal.literal[:120], page, FIX,
                       location=node, type="trtdeconv", subtype="literal")
    if path.suffix == ".py":
        for problem in printed_numbers.problems(path, page):
            logger.warning("%s", problem, location=output_block(doctree, problem.line),
                           type="trtdeconv", subtype="literal")


SOURCE_LINES = re.compile(r"GENERATED FROM PYTHON SOURCE LINES (\d+)-(\d+)")


def output_block(doctree: nodes.document, line: int) -> nodes.Node:
    """The output sphinx-gallery shows under the code block holding the example's ``line`` (the first output
    block after it), else the page: where a typed number printed there is reported."""
    found, blocks = None, []
    for node in doctree.findall(lambda n: isinstance(n, nodes.comment) or
                                isinstance(n, nodes.literal_block) and "sphx-glr-script-out" in n.get("classes", [])):
        if isinstance(node, nodes.comment):
            match = SOURCE_LINES.search(node.astext())
            if match:
                blocks.append([int(match.group(1)), int(match.group(2)), None])
        elif blocks and blocks[-1][2] is None:
            blocks[-1][2] = node
    for first, last, output in blocks:
        if found is None and output is not None and (first <= line <= last or first > line):
            found = output
    return found if found is not None else doctree


def setup(app):
    """Check every page's literals once it is resolved."""
    app.connect("doctree-resolved", check)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
