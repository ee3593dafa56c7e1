"""The generated tables: ``trt-formula-table`` (output size per padding mode) and ``trt-mapping-table``.

Usage in a MyST page::

    ```{trt-formula-table}
    ```

    ```{trt-mapping-table}
    ```

``trt-formula-table`` shows :data:`trtdeconv_docs.layer.shapes.FORMULAS`: per padding mode
the cropped total ``P``, its split into ``B`` and ``A``, and the output size.
``trt-mapping-table`` shows :data:`trtdeconv_docs.layer.mappings.ROWS` as a four-column table
(topic, PyTorch, ONNX, TensorRT) followed by one bullet per row with that row's note; every
row shown is one that ``tests/test_mappings.py`` runs against an oracle. :func:`table_node`
and :func:`inline` turn text with ````code```` spans into docutils nodes (the benchmark's
tables use them too).
"""

from __future__ import annotations

import re
from typing import List, Sequence

from docutils import nodes
from docutils.parsers.rst import Directive

from ..layer.mappings import ROWS
from ..layer.shapes import FORMULAS
from . import html_nodes, messages
from .messages import _


def formula_headers() -> Sequence[str]:
    """The column headers, in the build's language."""
    return ("padding_mode", _("裁掉的总数 P (total cropped)"), _("前裁 B / 后裁 A (split)"), _("输出 O (output)"))


class wbr(nodes.Inline, nodes.Element):
    """A line-break opportunity: HTML ``<wbr>`` (copied text does not contain it), nothing in other builders."""


def _visit_wbr(translator, _node) -> None:
    translator.body.append("<wbr>")
    raise nodes.SkipNode  # an empty element: nothing to depart


def code(text: str) -> nodes.literal:
    """A literal node of ``text`` that may break only after "/" and "_" (run ids such as
    ``segmentation_odd/deconvolution/fp16``): a :class:`wbr` after each, and the ``trtdeconv-breaks`` class that
    keeps the browser from breaking it elsewhere (``docs/_static/trtdeconv.css``)."""
    parts = re.split(r"(?<=[/_])(?=.)", text)
    if len(parts) == 1:
        return nodes.literal(text, text)
    node = nodes.literal(text, "", classes=["trtdeconv-breaks"])
    for index, part in enumerate(parts):
        if index:
            node += wbr()
        node += nodes.Text(part)
    return node


def inline(text: str) -> List[nodes.Node]:
    """Text with ````code```` spans as literal nodes (:func:`code`)."""
    parts = re.split(r"``(.+?)``", text)
    return [code(part) if index % 2 else nodes.Text(part) for index, part in enumerate(parts) if part]


def table_node(headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int] = ()) -> nodes.table:
    """A docutils table with a header row; each cell's ````code```` spans become literals."""
    group = nodes.tgroup(cols=len(headers))
    for width in widths or [1] * len(headers):
        group += nodes.colspec(colwidth=width)
    for section, lines in ((nodes.thead(), [headers]), (nodes.tbody(), rows)):
        for line in lines:
            row = nodes.row()
            for text in line:
                row += nodes.entry("", nodes.paragraph("", "", *inline(text)))
            section += row
        group += section
    table = nodes.table("", group)
    table["translatable"] = False  # generated from code: not the page's text (rendered_literals skips it too)
    return table


class FormulaTable(Directive):
    """Renders one row per padding mode: P, its split into B and A, and the output size."""

    def run(self):
        """Build the table from :data:`~trtdeconv_docs.layer.shapes.FORMULAS`."""
        rows = [tuple(f"``{text}``" for text in (rule.mode, rule.total, rule.split, rule.output)) for rule in FORMULAS]
        return [table_node(formula_headers(), rows, widths=(3, 3, 3, 5))]


def mapping_headers() -> Sequence[str]:
    """The column headers, in the build's language."""
    return (_("项目 (topic)"), "PyTorch ConvTranspose2d/3d", "ONNX ConvTranspose", "TensorRT IDeconvolutionLayer")


class MappingTable(Directive):
    """Renders :data:`~trtdeconv_docs.layer.mappings.ROWS` as a table and a list of notes."""

    def run(self):
        """Build the table, one row per mapping row, then the notes."""
        rows = [[_(text) for text in (row.topic, row.pytorch, row.onnx, row.tensorrt)] for row in ROWS]
        table = table_node(mapping_headers(), rows, widths=(2, 3, 3, 3))
        notes = nodes.bullet_list()
        for row in ROWS:
            topic = _(row.topic)
            notes += nodes.list_item("", nodes.paragraph("", "", nodes.strong(topic, topic),
                                                         nodes.Text(_("：")), *inline(_(row.note))))
        return [table, notes]


def setup(app):
    """Register ``trt-formula-table`` and ``trt-mapping-table``."""
    app.setup_extension(messages.__name__)
    html_nodes.add_html_only(app, wbr, _visit_wbr)
    app.add_directive("trt-formula-table", FormulaTable)
    app.add_directive("trt-mapping-table", MappingTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
