"""``deconv-mapping-table``: the PyTorch / ONNX / TensorRT table of :data:`trtdeconv_docs.mappings.ROWS`.

Usage in a MyST page::

    ```{deconv-mapping-table}
    ```

It renders a four-column table (topic, PyTorch, ONNX, TensorRT) followed by one bullet
per row with that row's note. Every row shown is one that ``tests/test_mappings.py``
runs against an oracle.
"""

from __future__ import annotations

from docutils import nodes
from docutils.parsers.rst import Directive

from ..mappings import ROWS
from .formula_table import inline, table_node

HEADERS = ("项目 (topic)", "PyTorch ConvTranspose2d/3d", "ONNX ConvTranspose", "TensorRT IDeconvolutionLayer")


class MappingTable(Directive):
    """Renders :data:`~trtdeconv_docs.mappings.ROWS` as a table and a list of notes."""

    def run(self):
        """Build the table, one row per mapping row, then the notes."""
        table = table_node(HEADERS, [(row.topic, row.pytorch, row.onnx, row.tensorrt) for row in ROWS],
                           widths=(2, 3, 3, 3))
        notes = nodes.bullet_list()
        for row in ROWS:
            notes += nodes.list_item("", nodes.paragraph("", "", nodes.strong(row.topic, row.topic),
                                                         nodes.Text("："), *inline(row.note)))
        return [table, notes]


def setup(app):
    """Register ``deconv-mapping-table``."""
    app.add_directive("deconv-mapping-table", MappingTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
