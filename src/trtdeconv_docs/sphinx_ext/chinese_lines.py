"""A line break inside a Chinese sentence of the source shows as nothing on the page, not as a space.

Chinese paragraphs in ``docs/*.md`` are wrapped at about 110 characters; a browser renders each of those
line breaks as a space, so "给\\n执行上下文" read "给 执行上下文". On ``doctree-resolved`` of the HTML builds (both editions) a
break whose neighbours on both sides are CJK characters or CJK punctuation is removed, with the blanks around
it; every other blank stays (beside Latin words, numbers, inline code and formulas), and code, formulas and
literal blocks are never touched. MyST keeps each soft line break as a text node of its own, so the neighbours
are looked up across sibling nodes. (``sphinxcontrib-trimblank`` 1.0.3 looks only inside one text node and so
misses MyST's breaks.)
"""

from __future__ import annotations

import re

from docutils import nodes

CJK = "[\u2e80-\u9fff\uf900-\ufaff\uff00-\uff60\uffe0-\uffe6\u2018\u2019\u201c\u201d]"
"""CJK ideographs, CJK punctuation (。，、（）), full-width forms (：；！？) and the curly quotes Chinese text uses."""
BREAK = re.compile(rf"(?<={CJK})[ \t]*\n\s*(?={CJK})")
UNTOUCHED = (nodes.FixedTextElement, nodes.literal, nodes.math, nodes.raw)


def join_lines(text: str, before: str = "", after: str = "") -> str:
    """``text`` without the line breaks that sit between two CJK characters (``before`` and ``after``: the
    characters just outside it, from the neighbouring nodes)."""
    joined = BREAK.sub("", before + text + after)
    return joined[len(before):len(joined) - len(after)]


def _neighbour(siblings, index: int, step: int) -> str:
    """The last (``step=-1``) or first (``step=1``) character beside ``siblings[index]``, if any. (By position:
    text nodes are strings, and ``Element.index`` finds the first equal one, such as another line break.)"""
    index += step
    while 0 <= index < len(siblings):
        text = siblings[index].astext()
        if text:
            return text[-1] if step < 0 else text[0]
        index += step
    return ""


def _join_document(app, doctree, _docname) -> None:
    if app.builder.format != "html":  # the gettext build's messages keep the source's lines
        return
    for element in list(doctree.findall(nodes.TextElement)):
        if isinstance(element, UNTOUCHED) or any(isinstance(a, UNTOUCHED) for a in _ancestors(element)):
            continue
        siblings = element.children
        for index, child in enumerate(siblings):
            if isinstance(child, nodes.Text) and "\n" in child:
                joined = join_lines(str(child), _neighbour(siblings, index, -1), _neighbour(siblings, index, 1))
                if joined != str(child):
                    siblings[index] = nodes.Text(joined)
                    siblings[index].parent = element


def _ancestors(node):
    node = node.parent
    while node is not None:
        yield node
        node = node.parent


def setup(app):
    """Join the source's line breaks inside Chinese sentences in every page."""
    app.connect("doctree-resolved", _join_document)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
