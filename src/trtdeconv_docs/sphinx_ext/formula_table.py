"""``deconv-formula-table``: the output size per padding mode, from :data:`trtdeconv_docs.layer.shapes.FORMULAS`.

Usage in a MyST page::

    ```{deconv-formula-table}
    ```

The module also holds :func:`table_node` and :func:`inline`, which turn text with
````code```` spans into docutils nodes; :mod:`.mapping_table` uses them too.
"""

from __future__ import annotations

import re
from typing import List, Sequence

from docutils import nodes
from docutils.parsers.rst import Directive

from ..layer.shapes import FORMULAS
from . import messages
from .messages import _

def headers() -> Sequence[str]:
    """The column headers, in the build's language."""
    return ("padding_mode", _("裁掉的总数 P (total cropped)"), _("前裁 B / 后裁 A (split)"), _("输出 O (output)"))


def inline(text: str) -> List[nodes.Node]:
    """Text with ````code```` spans as literal nodes."""
    parts = re.split(r"``(.+?)``", text)
    return [nodes.literal(part, part) if index % 2 else nodes.Text(part)
            for index, part in enumerate(parts) if part]


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
    return nodes.table("", group)


class FormulaTable(Directive):
    """Renders one row per padding mode: P, its split into B and A, and the output size."""

    def run(self):
        """Build the table from :data:`~trtdeconv_docs.layer.shapes.FORMULAS`."""
        rows = [tuple(f"``{text}``" for text in (rule.mode, rule.total, rule.split, rule.output)) for rule in FORMULAS]
        return [table_node(headers(), rows, widths=(3, 3, 3, 5))]


def setup(app):
    """Register ``deconv-formula-table``."""
    app.setup_extension(messages.__name__)
    app.add_directive("deconv-formula-table", FormulaTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
