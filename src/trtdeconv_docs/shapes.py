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


def output_shape(input_shape: Sequence[int], layer: Deconvolution) -> Tuple[int, ...]:
    """Shape TensorRT gives the output for ``input_shape`` (N, C, [D,] H, W).

    Raises :class:`~trtdeconv_docs.attributes.DeconvolutionError` when the input does not fit the layer or the
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
