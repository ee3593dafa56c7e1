"""Write a tensor as nested LaTeX matrices, each number as NumPy prints it.

The examples print with ``np.set_printoptions(precision=8, suppress=True)``, so a
float32 element shows the shortest text that identifies it, with at most 8 digits after
the point (``10000.``, ``98765.43``, ``0.0009``). :func:`text` gives exactly that text,
whatever the global print options are. (NumPy 2 switches float32 arrays holding values
of 10^6 or more to scientific notation; :func:`text` stays positional, the same on every
NumPy version.) :func:`tensor` nests one ``\\left[\\begin{matrix} ... \\end{matrix}\\right]``
per leading dimension around the rows of the last two, as the original page does (a 4-D
tensor nests 3 deep). Sibling matrices would differ in width (``10000.`` is narrower than
``-10000.``) and their brackets would stagger, so every innermost matrix is padded on both
sides to the widest one's width (:func:`natural_width`, from the TeX fonts' advance widths):
the brackets of one level line up, and the entries stay exactly the printed text.
"""

from __future__ import annotations

from typing import Dict, Tuple

import numpy as np

COLORS = {"green": "0,0.5,0", "blue": "0,0,1", "red": "1,0,0"}
"""Highlight colours of the original page, as ``\\textcolor[rgb]`` arguments."""

ADVANCE_EM = {".": 0.278, "-": 0.778}
"""Advance widths in em of TeX's math fonts (MathJax's too) that differ from a digit's 0.5 em."""
DIGIT_EM = 0.5

Index = Tuple[int, ...]


def text(value) -> str:
    """One number as the examples print it: floats with at most 8 decimals, shortest unique."""
    if isinstance(value, (float, np.floating)):
        return np.format_float_positional(value, precision=8, unique=True, trim=".")
    return str(value)


def entries(array) -> np.ndarray:
    """Each element's :func:`text`, as an object array of the same shape."""
    array = np.asarray(array)
    return np.array([text(value) for value in array.reshape(-1)], dtype=object).reshape(array.shape)


def colored(entry: str, color: str) -> str:
    """``entry`` in one of :data:`COLORS`."""
    if color not in COLORS:
        raise ValueError(f"unknown colour {color!r}; use one of {', '.join(COLORS)}")
    return rf"\textcolor[rgb]{{{COLORS[color]}}}{{{entry}}}"


def natural_width(block) -> float:
    """Width in em of a 2-D block of entry texts as a matrix sets it, less the (equal) column gaps."""
    widths = np.vectorize(lambda entry: sum(ADVANCE_EM.get(ch, DIGIT_EM) for ch in entry), otypes=[float])(block)
    return float(widths.max(axis=0).sum()) if widths.size else 0.0


def _matrix(rows, pad: float = 0.0) -> str:
    kern = rf"\kern{pad:.3f}em" if pad > 0.0005 else ""
    return "\n".join([rf"\left[{kern}\begin{{matrix}}", " \\\\\n".join(rows), rf"\end{{matrix}}{kern}\right]"]
                     if rows else ["\\left[\\begin{matrix}\\end{matrix}\\right]"])


def tensor(array, highlights: Dict[Index, str] = None) -> str:
    """LaTeX of ``array``: nested bracketed matrices, ``highlights`` (index -> colour) coloured.

    A 0-D or 1-D array prints as one bracketed row.
    """
    texts = entries(array)
    plain = texts.copy()
    for index, color in (highlights or {}).items():
        if len(index) != texts.ndim or not all(0 <= i < n for i, n in zip(index, texts.shape)):
            raise ValueError(f"highlight index {index} is outside the tensor's shape {texts.shape}")
        texts[index] = colored(texts[index], color)
    if texts.ndim < 2:
        return _matrix([" & ".join(texts.reshape(-1))])

    planes = plain.reshape((int(np.prod(plain.shape[:-2])),) + plain.shape[-2:])
    widest = max((natural_width(plane) for plane in planes), default=0.0)

    def nest(block, plain_block) -> str:
        if block.ndim == 2:
            return _matrix([" & ".join(row) for row in block], (widest - natural_width(plain_block)) / 2)
        return _matrix([nest(inner, plain_inner) for inner, plain_inner in zip(block, plain_block)])

    return nest(texts, plain)
