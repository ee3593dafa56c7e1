"""The examples' text blocks are valid reStructuredText inline markup next to Chinese punctuation.

docutils ends an inline literal or role only before whitespace or certain punctuation: ``x``（ (a full-width
opening parenthesis) does not end it, so the literal swallows the text up to the next `` and no warning is given.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from docutils import nodes
from docutils.core import publish_doctree
from docutils.parsers.rst import roles
from sphinx_gallery.py_source_parser import split_code_and_text_blocks

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("plot_*.py"))
SPHINX_ROLES = ("doc", "mod", "func", "class", "ref")
"""Sphinx's roles that the examples use, known to plain docutils here as generic inline roles."""
for _role in SPHINX_ROLES:
    roles.register_generic_role(_role, nodes.inline)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.stem)
def test_no_inline_markup_swallows_text(example):
    for label, content, line in split_code_and_text_blocks(str(example))[1]:
        if label != "text":
            continue
        document = publish_doctree(content, settings_overrides={"report_level": 5})
        for node in document.findall(nodes.Text):
            assert "``" not in node and ":math:`" not in node and ":doc:`" not in node, f"{example.name}:{line}: {node}"
