"""The output-size rule and TensorRT's limits as JavaScript, generated from the package's one table.

The site's output-shape calculator (``trtdeconv_docs.sphinx_ext.calculator``) runs in the
reader's browser, so the rule must exist in JavaScript too. Rather than a second copy that could
drift, :func:`javascript` translates the formula strings of :data:`trtdeconv_docs.layer.shapes.FORMULAS`
and :data:`~trtdeconv_docs.layer.shapes.FULL_SIZE` mechanically (Python's own parser reads each formula;
``+ - *``, ``//``, ``max`` and ``min`` over the rule's names are all it accepts) and copies the
limits of :mod:`trtdeconv_docs.layer.limits` and :mod:`trtdeconv_docs.layer.attributes`. The build writes
the result as ``_static/trtdeconv-shape-rules.js``; ``tests/test_calculator.py`` runs it in
headless Chromium against :func:`trtdeconv_docs.layer.shapes.output_shape`.

>>> formula_to_javascript("max(DK - S, 0)")
'Math.max((v.DK - v.S), 0)'
>>> formula_to_javascript("P // 2")
'Math.floor(v.P / 2)'
"""

from __future__ import annotations

import ast
import json
from typing import Dict, List

from ..layer import attributes, limits, shapes
from ..layer.padding_use import ignored_paddings

NAMES = ("I", "S", "DK", "pre", "post", "P", "B", "A")
"""The names a formula may use: input size, stride, dilated kernel, paddings, cropped total and split."""

_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*"}


def _expression(node: ast.AST) -> str:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.FloorDiv):
        return f"Math.floor({_expression(node.left)} / {_expression(node.right)})"
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        return f"({_expression(node.left)} {_OPERATORS[type(node.op)]} {_expression(node.right)})"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("max", "min") \
            and not node.keywords:
        return f"Math.{node.func.id}({', '.join(_expression(argument) for argument in node.args)})"
    if isinstance(node, ast.Name) and node.id in NAMES:
        return f"v.{node.id}"
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return str(node.value)
    raise ValueError(f"a formula of trtdeconv_docs.layer.shapes uses {ast.dump(node)}, which the calculator cannot "
                     f"translate to JavaScript: extend trtdeconv_docs.sphinx_ext.shape_rules_js")


def formula_to_javascript(formula: str) -> str:
    """One formula (a Python expression over :data:`NAMES`) as a JavaScript expression over an object ``v``."""
    text = _expression(ast.parse(formula, mode="eval").body)
    return text[1:-1] if text.startswith("(") and text.endswith(")") else text


def _assignments(split: str) -> List[Dict[str, str]]:
    """``"B = P // 2, A = P - B"`` as ``[{target, text, js}]``, in order."""
    result = []
    for assignment in split.split(", "):
        target, formula = assignment.split(" = ")
        result.append({"target": target, "text": formula, "js": formula_to_javascript(formula)})
    return result


def table() -> Dict[str, object]:
    """Everything the calculator needs, as plain data (formulas still as text; see :func:`javascript`)."""
    return {
        "paddingModes": list(attributes.PADDING_MODES),
        "defaultPaddingMode": attributes.DEFAULT_PADDING_MODE,
        "sameModes": list(attributes.SAME_MODES),
        "fullSize": {"text": shapes.FULL_SIZE, "js": formula_to_javascript(shapes.FULL_SIZE)},
        "output": shapes.OUTPUT,
        "rules": {rule.mode: {"total": {"text": rule.total, "js": formula_to_javascript(rule.total)},
                              "split": _assignments(rule.split), "output": rule.output,
                              "ignores": list(ignored_paddings(rule.mode))}
                  for rule in shapes.FORMULAS},
        "limits": {
            "INT32_MAX": limits.INT32_MAX,
            "MAX_DIMS": limits.MAX_DIMS,
            "MAX_TENSOR_VOLUME": limits.MAX_TENSOR_VOLUME,
            "MAX_OUTPUT_MAPS": limits.MAX_OUTPUT_MAPS,
            "MAX_GROUPS": limits.MAX_GROUPS,
            "MAX_KERNEL_VOLUME": {str(rank): limits.max_kernel_volume(rank) for rank in (2, 3)},
        },
        "setterRanges": {name: list(value) for name, value in attributes.SETTER_RANGES.items()},
    }


def javascript() -> str:
    """The script ``trtdeconv-shape-rules.js``: ``window.TRTDECONV_RULES`` with each formula as a function."""
    data = table()
    functions = {"fullSize": data["fullSize"]["js"]}
    for mode, rule in data["rules"].items():
        functions[f"{mode}.total"] = rule["total"]["js"]
        for step in rule["split"]:
            functions[f"{mode}.{step['target']}"] = step["js"]
    body = ",\n".join(f"  {json.dumps(key)}: (v) => {expression}" for key, expression in functions.items())
    return ("// Generated at build time by trtdeconv_docs.sphinx_ext.shape_rules_js from trtdeconv_docs.layer.shapes.FORMULAS,\n"
            "// trtdeconv_docs.layer.limits and trtdeconv_docs.layer.attributes: do not edit.\n"
            f"window.TRTDECONV_RULES = {json.dumps(data, indent=1, sort_keys=True)};\n"
            f"window.TRTDECONV_RULES.evaluate = {{\n{body}\n}};\n")
