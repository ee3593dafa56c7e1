"""Output-shape rules of TensorRT's deconvolution, in one place.

Per spatial dimension, with input size ``I``, stride ``S`` and dilated kernel
``DK = 1 + D * (K - 1)``, the full (uncropped) deconvolution has :data:`FULL_SIZE`
elements; the padding mode then decides how many leading (``B``) and trailing (``A``)
elements are cropped away. :data:`FORMULAS` holds one :class:`Rule` per padding mode: the
function that computes the crop and the formula text that the site prints (the formula table,
this docstring's table, and calculators generated from the text); the tests check that
each text computes what its function does.

The CAFFE rows were measured, not taken from NVIDIA's documentation (which is silent):
on TensorRT 8.6.0 the CAFFE modes crop ``pre_padding`` at both ends and ignore
``post_padding`` (90 of 90 recorded CAFFE layers in ``recordings/conformance``).

===================  ===================  =========================
padding_mode         cropped total ``P``  split
===================  ===================  =========================
EXPLICIT_ROUND_DOWN  ``pre + post``       ``B = pre, A = post``
EXPLICIT_ROUND_UP    ``pre + post``       ``B = pre, A = post``
CAFFE_ROUND_DOWN     ``2 * pre``          ``B = pre, A = pre``
CAFFE_ROUND_UP       ``2 * pre``          ``B = pre, A = pre``
SAME_UPPER           ``max(DK - S, 0)``   ``B = P // 2, A = P - B``
SAME_LOWER           ``max(DK - S, 0)``   ``A = P // 2, B = P - A``
===================  ===================  =========================

so ``O = (I-1)*S + DK - P``; in the SAME modes ``O = (I-1)*S + DK - P = min(I*S, (I-1)*S + DK)``.
"""

from __future__ import annotations

from typing import Callable, Dict, List, NamedTuple, Sequence, Tuple

from . import limits
from .attributes import CAFFE_MODES, EXPLICIT_MODES, SAME_MODES, Deconvolution, DeconvolutionError

FULL_SIZE = "(I-1)*S + DK"
"""Elements of the full (uncropped) output of one spatial dimension (:func:`full_size` computes it)."""

OUTPUT = f"O = {FULL_SIZE} - P"
"""The output size of one spatial dimension, in every padding mode."""

SAME_OUTPUT = OUTPUT + f" = min(I*S, {FULL_SIZE})"
"""The output size in the SAME modes, where ``P = max(DK - S, 0)`` simplifies it."""


class Rule(NamedTuple):
    """One padding mode's crop of a spatial dimension: its function and its printed formulas."""

    mode: str
    total: str
    """The total cropped ``P``, over ``pre``, ``post``, ``DK`` and ``S``."""
    split: str
    """``P`` split into ``B`` leading and ``A`` trailing elements: two assignments, in order."""
    crop: Callable[[int, int, int, int], Tuple[int, int]]
    """``(pre, post, DK, S) -> (B, A)``: what :attr:`total` and :attr:`split` say."""

    @property
    def output(self) -> str:
        """The output size's formula (:data:`OUTPUT`, or :data:`SAME_OUTPUT` in the SAME modes)."""
        return SAME_OUTPUT if self.mode in SAME_MODES else OUTPUT


def _explicit(pre: int, post: int, dk: int, s: int) -> Tuple[int, int]:
    return pre, post


def _caffe(pre: int, post: int, dk: int, s: int) -> Tuple[int, int]:
    return pre, pre  # measured: post_padding is ignored


def _same_upper(pre: int, post: int, dk: int, s: int) -> Tuple[int, int]:
    total = max(dk - s, 0)
    return total // 2, total - total // 2


def _same_lower(pre: int, post: int, dk: int, s: int) -> Tuple[int, int]:
    total = max(dk - s, 0)
    return total - total // 2, total // 2


FORMULAS: Tuple[Rule, ...] = (
    *(Rule(mode, "pre + post", "B = pre, A = post", _explicit) for mode in EXPLICIT_MODES),
    *(Rule(mode, "2 * pre", "B = pre, A = pre", _caffe) for mode in CAFFE_MODES),
    Rule("SAME_UPPER", "max(DK - S, 0)", "B = P // 2, A = P - B", _same_upper),
    Rule("SAME_LOWER", "max(DK - S, 0)", "A = P // 2, B = P - A", _same_lower),
)
"""The output-size rule of every padding mode: the only definition :func:`crop` and the docs use."""

RULES: Dict[str, Rule] = {rule.mode: rule for rule in FORMULAS}


def crop(layer: Deconvolution) -> List[Tuple[int, int]]:
    """Leading and trailing elements cropped from the full output, per spatial dimension."""
    rule = RULES[layer.padding_mode]
    return [rule.crop(pre, post, dk, s) for pre, post, dk, s in
            zip(layer.pre_padding, layer.post_padding, layer.dilated_kernel, layer.stride_nd)]


def full_size(layer: Deconvolution, spatial: Sequence[int]) -> Tuple[int, ...]:
    """Uncropped output size (:data:`FULL_SIZE`) per spatial dimension."""
    return tuple((i - 1) * s + dk for i, s, dk in zip(spatial, layer.stride_nd, layer.dilated_kernel))


def channel_axis(input_shape: Sequence[int], layer: Deconvolution) -> int:
    """The input's channel dimension: the one before the spatial ones (TensorRT 8.6 reads it there).

    An input of more than ``rank + 2`` dimensions keeps its leading dimensions as batch
    dimensions: TensorRT reads the channels at ``-(rank + 1)`` (recorded: case r21's
    kernel was counted against dimension -3 of a rank-5 input).
    """
    return len(input_shape) - layer.spatial_rank - 1


def volume(shape: Sequence[int]) -> int:
    """The number of elements of a tensor of this shape (Python integers: no overflow)."""
    result = 1
    for size in shape:
        result *= int(size)
    return result


def _check_input(shape: Tuple[int, ...], layer: Deconvolution) -> None:
    rank = layer.spatial_rank
    if len(shape) < rank + 2:
        raise DeconvolutionError(
            f"input shape {shape}: at least {rank + 2} dimensions are required for input "
            f"(N, C and {rank} spatial) for kernel_size_nd={layer.kernel_size_nd}", "input_rank"
        )
    if len(shape) > limits.MAX_DIMS:
        raise DeconvolutionError(f"input shape {shape}: TensorRT tensors have at most {limits.MAX_DIMS} "
                                 f"dimensions", "input_rank")
    if any(v > limits.INT32_MAX for v in shape):
        raise DeconvolutionError(f"input shape {shape}: TensorRT takes 32-bit dimensions "
                                 f"(at most {limits.INT32_MAX})", "int32")
    if any(v < 1 for v in shape):
        raise DeconvolutionError(f"input shape {shape}: every dimension must be >= 1", "input_size")
    if volume(shape) > limits.MAX_TENSOR_VOLUME:
        raise DeconvolutionError(f"input shape {shape}: {volume(shape)} elements, more than TensorRT's "
                                 f"{limits.MAX_TENSOR_VOLUME}", "tensor_volume")


def output_shape(input_shape: Sequence[int], layer: Deconvolution) -> Tuple[int, ...]:
    """Shape TensorRT gives the output for ``input_shape`` (N, C, [D,] H, W).

    Raises :class:`~trtdeconv_docs.layer.attributes.DeconvolutionError` when the input does not fit the layer, the
    padding crops more than the full output, or a tensor passes TensorRT's limits
    (:mod:`trtdeconv_docs.layer.limits`). An output dimension of 0 is allowed: TensorRT 8.6
    builds and runs such a layer (measured: ``post_padding=(5, 5)`` on a 5×5 full output
    gives shape ``(1, 1, 0, 0)``). Dimensions before the channels are batch dimensions
    (see :func:`channel_axis`).
    """
    shape = tuple(int(v) for v in input_shape)
    _check_input(shape, layer)
    axis = channel_axis(shape, layer)
    channels = shape[axis]
    if channels % layer.num_groups:
        raise DeconvolutionError(
            f"num_groups={layer.num_groups} does not divide the input's {channels} channels",
            "groups_divide_channels",
        )
    out = []
    for size, (before, after), dim in zip(full_size(layer, shape[axis + 1:]), crop(layer), range(axis + 1, len(shape))):
        cropped = size - before - after
        if cropped < 0:
            raise DeconvolutionError(
                f"output dimension {dim} would be {cropped} (< 0): pre_padding/post_padding "
                f"crop {before}+{after} of {size} elements", "output_negative"
            )
        out.append(cropped)
    result = shape[:axis] + (layer.num_output_maps,) + tuple(out)
    if any(v > limits.INT32_MAX for v in result):
        raise DeconvolutionError(f"output shape {result}: a dimension passes TensorRT's 32-bit "
                                 f"{limits.INT32_MAX}", "int32")
    if volume(result) > limits.MAX_TENSOR_VOLUME:
        raise DeconvolutionError(f"output shape {result}: {volume(result)} elements, more than TensorRT's "
                                 f"{limits.MAX_TENSOR_VOLUME}", "tensor_volume")
    return result
