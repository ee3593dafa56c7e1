"""``deconv-mapping-table``: the PyTorch / ONNX / TensorRT table of :data:`trtdeconv_docs.layer.mappings.ROWS`.

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

from ..layer.mappings import ROWS
from . import messages
from .formula_table import inline, table_node
from .messages import _


def headers():
    """The column headers, in the build's language."""
    return (_("项目 (topic)"), "PyTorch ConvTranspose2d/3d", "ONNX ConvTranspose", "TensorRT IDeconvolutionLayer")


class MappingTable(Directive):
    """Renders :data:`~trtdeconv_docs.layer.mappings.ROWS` as a table and a list of notes."""

    def run(self):
        """Build the table, one row per mapping row, then the notes."""
        rows = [[_(text) for text in (row.topic, row.pytorch, row.onnx, row.tensorrt)] for row in ROWS]
        table = table_node(headers(), rows, widths=(2, 3, 3, 3))
        notes = nodes.bullet_list()
        for row in ROWS:
            topic = _(row.topic)
            notes += nodes.list_item("", nodes.paragraph("", "", nodes.strong(topic, topic),
                                                         nodes.Text(_("：")), *inline(_(row.note))))
        return [table, notes]


def setup(app):
    """Register ``deconv-mapping-table``."""
    app.setup_extension(messages.__name__)
    app.add_directive("deconv-mapping-table", MappingTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
