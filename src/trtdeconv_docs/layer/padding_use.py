"""Which padding attributes a padding mode reads, from its formulas in :data:`trtdeconv_docs.layer.shapes.FORMULAS`.

TensorRT accepts ``padding_nd``, ``pre_padding`` and ``post_padding`` in every padding mode, but the
SAME modes compute their own padding and the CAFFE modes ignore ``post_padding`` (measured). The
command line and the calculator say so instead of ignoring a value silently; both ask this module,
which reads the names the mode's formulas use (``pre``, ``post``).

>>> ignored_paddings("SAME_UPPER")
('padding_nd', 'pre_padding', 'post_padding')
>>> ignored_paddings("CAFFE_ROUND_DOWN")
('post_padding',)
>>> ignored_paddings("EXPLICIT_ROUND_DOWN")
()
"""

from __future__ import annotations

import ast
from typing import FrozenSet, Tuple

from .shapes import RULES


def formula_names(mode: str) -> FrozenSet[str]:
    """The names the formulas of ``mode``'s rule read (``pre``, ``post``, ``DK``, ``S``, ``P``, ...)."""
    rule = RULES[mode]
    texts = [rule.total] + [assignment.split(" = ")[1] for assignment in rule.split.split(", ")]
    return frozenset(node.id for text in texts for node in ast.walk(ast.parse(text, mode="eval"))
                     if isinstance(node, ast.Name))


def ignored_paddings(mode: str) -> Tuple[str, ...]:
    """The padding attributes whose values ``mode`` does not use (``padding_nd`` when it uses neither side)."""
    names = formula_names(mode)
    ignored = tuple(attribute for attribute, name in (("pre_padding", "pre"), ("post_padding", "post"))
                    if name not in names)
    return (("padding_nd",) if len(ignored) == 2 else ()) + ignored
