"""Read the seed page: its stated output shapes and the LaTeX output matrices printed under them.

A printed tensor is nested ``\\left[\\begin{matrix} ... \\end{matrix}\\right]`` blocks; the
innermost ``matrix`` bodies are its 2-D slices (rows split by ``\\\\``, entries by ``&``).
Nothing is repaired here: defects of the page stay visible to the tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional, Tuple

from .paths import DATA

SEED = DATA / "seed_deconvolution_zh.md"

STATED_SHAPE = re.compile(r"输出张量形状\s*\(([\d,\s]+)\)")
TEXTCOLOR = re.compile(r"\\textcolor\[rgb\]\{[^}]*\}\{([^}]*)\}")
INNERMOST_MATRIX = re.compile(r"\\begin\{matrix\}((?:(?!\\begin\{matrix\}).)*?)\\end\{matrix\}", re.DOTALL)
BRACKET = re.compile(r"\\left\[|\\right\]")


@dataclass(frozen=True)
class Statement:
    """A bullet stating an output shape, with the matrix printed under it (if any)."""

    section: str
    bullet: str
    stated_shape: Tuple[int, ...]
    latex: Optional[str]


def statements(text: str) -> List[Statement]:
    """Every bullet that states an output shape, in page order, under its ``###`` section, with
    the ``$$`` block that follows it before the next such bullet or section."""
    found: List[Statement] = []
    lines = text.splitlines()
    section = ""
    for number, line in enumerate(lines):
        if line.startswith("### "):
            section = line[4:].strip()
        match = STATED_SHAPE.search(line) if line.startswith("+ ") else None
        if match is None:
            continue
        latex = None
        for later, following in enumerate(lines[number + 1:], start=number + 1):
            if following.startswith("#") or (following.startswith("+ ") and STATED_SHAPE.search(following)):
                break
            if following.strip() == "$$":
                end = lines.index("$$", later + 1)
                latex = "\n".join(lines[later + 1:end])
                break
        shape = tuple(int(v) for v in match.group(1).split(","))
        found.append(Statement(section, line, shape, latex))
    return found


def slices(latex: str) -> List[List[List[str]]]:
    """The innermost matrices of a printed tensor: slices of rows of entries (whitespace-normalized)."""
    plain = TEXTCOLOR.sub(r"\1", latex)
    result = []
    for body in INNERMOST_MATRIX.findall(plain):
        rows = [row for row in body.split(r"\\") if row.strip()]
        result.append([[" ".join(entry.split()) for entry in row.split("&")] for row in rows])
    return result


def nesting_depth(latex: str) -> int:
    """How deeply the ``\\left[ ... \\right]`` brackets nest (a 4-D tensor prints 3 deep)."""
    depth = deepest = 0
    for bracket in BRACKET.findall(latex):
        depth += 1 if bracket == r"\left[" else -1
        deepest = max(deepest, depth)
    return deepest
