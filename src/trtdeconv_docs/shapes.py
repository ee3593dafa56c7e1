"""Output-shape rules of TensorRT's deconvolution, in one place.

Per spatial dimension, with input size ``I``, stride ``S`` and dilated kernel
``DK = 1 + D * (K - 1)``, the full (uncropped) deconvolution has :data:`FULL_SIZE`
elements; the padding mode then decides how many leading (``B``) and trailing (``A``)
elements are cropped away. :data:`FORMULAS` holds one :class:`Rule` per padding mode as
formula text; :func:`crop` and :func:`full_size` evaluate that text, the documentation's
formula table shows it, and the table below is generated from it.

The CAFFE rows were measured, not taken from NVIDIA's documentation (which is silent):
on TensorRT 8.6.0 the CAFFE modes crop ``pre_padding`` at both ends and ignore
``post_padding`` (90 of 90 recorded CAFFE layers in ``recordings/conformance``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Dict, List, NamedTuple, Sequence, Tuple

from .attributes import CAFFE_MODES, EXPLICIT_MODES, SAME_MODES, Deconvolution, DeconvolutionError

FULL_SIZE = "(I-1)*S + DK"
"""Elements of the full (uncropped) output of one spatial dimension."""

OUTPUT = f"O = {FULL_SIZE} - P"
"""The output size of one spatial dimension, in every padding mode."""

SAME_OUTPUT = OUTPUT + f" = min(I*S, {FULL_SIZE})"
"""The output size in the SAME modes, where ``P = max(DK - S, 0)`` simplifies it."""


class Rule(NamedTuple):
    """One padding mode's crop of a spatial dimension, as formulas over ``pre``, ``post``, ``DK`` and ``S``."""

    mode: str
    total: str
    """The total cropped ``P``."""
    split: str
    """``P`` split into ``B`` leading and ``A`` trailing elements: two assignments, evaluated in order."""

    @property
    def output(self) -> str:
        """The output size's formula (:data:`OUTPUT`, or :data:`SAME_OUTPUT` in the SAME modes)."""
        return SAME_OUTPUT if self.mode in SAME_MODES else OUTPUT


FORMULAS: Tuple[Rule, ...] = (
    *(Rule(mode, "pre + post", "B = pre, A = post") for mode in EXPLICIT_MODES),
    *(Rule(mode, "2 * pre", "B = pre, A = pre") for mode in CAFFE_MODES),  # measured: post_padding is ignored
    Rule("SAME_UPPER", "max(DK - S, 0)", "B = P // 2, A = P - B"),
    Rule("SAME_LOWER", "max(DK - S, 0)", "A = P // 2, B = P - A"),
)
"""The output-size rule of every padding mode: the only definition :func:`crop` and the docs use."""

RULES: Dict[str, Rule] = {rule.mode: rule for rule in FORMULAS}


@lru_cache(maxsize=None)
def _compiled(expression: str):
    return compile(expression, f"<formula {expression}>", "eval")


def evaluate(expression: str, **names: int) -> int:
    """The value of one formula of this module (``+ - * //``, ``max``, ``min``) for integer ``names``."""
    return eval(_compiled(expression), {"__builtins__": {}, "max": max, "min": min}, names)  # noqa: S307 (own constants)


def _crop_one(rule: Rule, pre: int, post: int, dk: int, s: int) -> Tuple[int, int]:
    """``(B, A)`` of one spatial dimension under ``rule``, evaluated from its formulas."""
    names = {"pre": pre, "post": post, "DK": dk, "S": s}
    names["P"] = evaluate(rule.total, **names)
    for assignment in rule.split.split(", "):
        target, expression = assignment.split(" = ")
        names[target] = evaluate(expression, **names)
    return names["B"], names["A"]


def crop(layer: Deconvolution) -> List[Tuple[int, int]]:
    """Leading and trailing elements cropped from the full output, per spatial dimension."""
    rule = RULES[layer.padding_mode]
    return [_crop_one(rule, pre, post, dk, s) for pre, post, dk, s in
            zip(layer.pre_padding, layer.post_padding, layer.dilated_kernel, layer.stride_nd)]


def full_size(layer: Deconvolution, spatial: Sequence[int]) -> Tuple[int, ...]:
    """Uncropped output size (:data:`FULL_SIZE`) per spatial dimension."""
    return tuple(evaluate(FULL_SIZE, I=i, S=s, DK=dk) for i, s, dk in zip(spatial, layer.stride_nd, layer.dilated_kernel))


def rst_table() -> str:
    """:data:`FORMULAS` as a reStructuredText table (the one in this module's docstring)."""
    rows = [("padding_mode", "cropped total ``P``", "split")]
    rows += [(rule.mode, f"``{rule.total}``", f"``{rule.split}``") for rule in FORMULAS]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    rule_line = "  ".join("=" * width for width in widths)
    lines = [rule_line, "  ".join(text.ljust(width) for text, width in zip(rows[0], widths)).rstrip(), rule_line]
    lines += ["  ".join(text.ljust(width) for text, width in zip(row, widths)).rstrip() for row in rows[1:]]
    return "\n".join(lines + [rule_line])


__doc__ = (__doc__ or "") + f"""
{rst_table()}

so ``{OUTPUT}``; in the SAME modes ``{SAME_OUTPUT}``.
"""


def output_shape(input_shape: Sequence[int], layer: Deconvolution) -> Tuple[int, ...]:
    """Shape TensorRT gives the output for ``input_shape`` (N, C, [D,] H, W).

    Raises :class:`DeconvolutionError` when the input does not fit the layer or the
    padding crops more than the full output. An output dimension of 0 is allowed:
    TensorRT 8.6 builds and runs such a layer (measured: ``post_padding=(5, 5)`` on a
    5×5 full output gives shape ``(1, 1, 0, 0)``).
    """
    shape = tuple(int(v) for v in input_shape)
    rank = layer.spatial_rank
    if len(shape) != rank + 2:
        raise DeconvolutionError(
            f"input shape {shape} must have {rank + 2} dimensions (N, C and {rank} spatial) "
            f"for kernel_size_nd={layer.kernel_size_nd}"
        )
    if any(v < 1 for v in shape):
        raise DeconvolutionError(f"input shape {shape}: every dimension must be >= 1")
    channels = shape[1]
    if channels % layer.num_groups:
        raise DeconvolutionError(
            f"num_groups={layer.num_groups} does not divide the input's {channels} channels"
        )
    out = []
    for size, (before, after), dim in zip(full_size(layer, shape[2:]), crop(layer), range(rank)):
        cropped = size - before - after
        if cropped < 0:
            raise DeconvolutionError(
                f"output spatial dimension {dim} would be {cropped} (< 0): pre_padding/post_padding "
                f"crop {before}+{after} of {size} elements"
            )
        out.append(cropped)
    return (shape[0], layer.num_output_maps) + tuple(out)
