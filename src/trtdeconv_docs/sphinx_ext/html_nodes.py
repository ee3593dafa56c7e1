"""Nodes that only the HTML builders draw (the calculator's form, a ``<wbr>``, a collapsed ``<details>``)."""

from __future__ import annotations

from typing import Callable, Optional

from docutils import nodes

OTHER_BUILDERS = ("latex", "text", "man", "texinfo")
"""The builders that leave an HTML-only node out."""


def _skip(_translator, _node) -> None:
    raise nodes.SkipNode


def add_html_only(app, node: type, visit: Callable, depart: Optional[Callable] = None) -> None:
    """Register ``node``: drawn by ``visit`` (and ``depart``) in HTML, left out by every other builder."""
    app.add_node(node, html=(visit, depart), **{builder: (_skip, None) for builder in OTHER_BUILDERS})
