"""Output-shape rules of TensorRT's deconvolution, in one place.

Per spatial dimension, with input size ``I``, stride ``S`` and dilated kernel
``DK = 1 + D * (K - 1)``, the full (uncropped) deconvolution has ``(I - 1) * S + DK``
elements; the padding mode then decides how many leading (``B``) and trailing (``A``)
elements are cropped away:

=====================  ==================================  =====================
padding_mode           cropped total ``P``                 split
=====================  ==================================  =====================
EXPLICIT_ROUND_DOWN    ``pre + post``                      ``B = pre, A = post``
EXPLICIT_ROUND_UP      ``pre + post``                      ``B = pre, A = post``
CAFFE_ROUND_DOWN       ``2 * pre``                         ``B = pre, A = pre``
CAFFE_ROUND_UP         ``2 * pre``                         ``B = pre, A = pre``
SAME_UPPER             ``max(DK - S, 0)``                  ``B = P // 2, A = P - B``
SAME_LOWER             ``max(DK - S, 0)``                  ``A = P // 2, B = P - A``
=====================  ==================================  =====================

so ``O = (I - 1) * S + DK - P``; in the SAME modes that equals ``min(I * S, (I-1)*S + DK)``.
The CAFFE rows were measured, not taken from NVIDIA's documentation (which is silent):
on TensorRT 8.6.0 the CAFFE modes crop ``pre_padding`` at both ends and ignore
``post_padding`` (90 of 90 recorded CAFFE layers in ``recordings/conformance``).
:data:`FORMULAS` holds the same table as data for the documentation.
"""

from __future__ import annotations

from typing import List, Sequence, Tuple

from . import limits
from .attributes import SAME_MODES, Deconvolution, DeconvolutionError

CAFFE_MODES = ("CAFFE_ROUND_DOWN", "CAFFE_ROUND_UP")

FORMULAS = [
    (mode, "pre + post", "B = pre, A = post") for mode in ("EXPLICIT_ROUND_DOWN", "EXPLICIT_ROUND_UP")
] + [
    (mode, "2 * pre", "B = pre, A = pre") for mode in ("CAFFE_ROUND_DOWN", "CAFFE_ROUND_UP")
] + [
    ("SAME_UPPER", "max(DK - S, 0)", "B = P // 2, A = P - B"),
    ("SAME_LOWER", "max(DK - S, 0)", "A = P // 2, B = P - A"),
]
"""(padding_mode, total cropped P, split into B leading and A trailing) rows."""


def crop(layer: Deconvolution) -> List[Tuple[int, int]]:
    """Leading and trailing elements cropped from the full output, per spatial dimension."""
    if layer.padding_mode in CAFFE_MODES:  # measured on TensorRT 8.6.0: post_padding is ignored
        return [(pre, pre) for pre in layer.pre_padding]
    if layer.padding_mode not in SAME_MODES:
        return list(zip(layer.pre_padding, layer.post_padding))
    result = []
    for dk, s in zip(layer.dilated_kernel, layer.stride_nd):
        total = max(dk - s, 0)
        half = total // 2
        result.append((half, total - half) if layer.padding_mode == "SAME_UPPER" else (total - half, half))
    return result


def full_size(layer: Deconvolution, spatial: Sequence[int]) -> Tuple[int, ...]:
    """Uncropped output size ``(I - 1) * S + DK`` per spatial dimension."""
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

    Raises :class:`DeconvolutionError` when the input does not fit the layer, the
    padding crops more than the full output, or a tensor passes TensorRT's limits
    (:mod:`trtdeconv_docs.limits`). An output dimension of 0 is allowed: TensorRT 8.6
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
