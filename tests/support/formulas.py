"""Evaluate the formula text that :mod:`trtdeconv_docs.layer.shapes` prints: the oracle that the text says what the code does."""

from __future__ import annotations

from typing import Dict, Tuple


def evaluate(expression: str, **names: int) -> int:
    """The value of one printed formula (``+ - * //``, ``max``, ``min``) for integer ``names``."""
    return eval(compile(expression, f"<formula {expression}>", "eval"),  # noqa: S307 (the package's own text)
                {"__builtins__": {}, "max": max, "min": min}, names)


def crop_of_text(total: str, split: str, **names: int) -> Tuple[int, int]:
    """``(B, A)`` as a rule's printed ``total`` and ``split`` say, for ``pre``, ``post``, ``DK`` and ``S``."""
    values: Dict[str, int] = dict(names, P=evaluate(total, **names))
    for assignment in split.split(", "):
        target, expression = assignment.split(" = ")
        values[target] = evaluate(expression, **values)
    return values["B"], values["A"]
