"""A float64 NumPy model of what TensorRT's deconvolution layer computes.

``deconvolution(x, kernel, bias, **attributes)`` takes TensorRT's attribute names
(see :mod:`trtdeconv_docs.layer.attributes`) and TensorRT's kernel layout
``(C_in, num_output_maps / num_groups, *kernel_size_nd)``. Each input element
``x[n, c, i]`` adds ``x[n, c, i] * kernel[c, m, k]`` to the output at ``i * S + k * D``
of the full output; the padding mode's crop (:mod:`trtdeconv_docs.layer.shapes`) is then cut
away and the bias added. ``quantize_dequantize`` emulates an INT8 Q/DQ pair.
"""

from __future__ import annotations

import itertools
from typing import Optional

import numpy as np

from . import shapes
from .attributes import Deconvolution, DeconvolutionError, resolve

INT8_RANGE = (-128, 127)


def _as_array(name: str, value, dtype=np.float64) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError):
        raise DeconvolutionError(f"{name} must be numeric, got {type(value).__name__}", "values") from None
    if not np.all(np.isfinite(array)):
        raise DeconvolutionError(f"{name} holds NaN or infinite values", "values")
    return array


def kernel_shape(layer: Deconvolution, input_channels: int):
    """TensorRT's kernel layout: ``(C_in, num_output_maps / num_groups, *kernel_size_nd)``."""
    return (input_channels, layer.num_output_maps // layer.num_groups) + layer.kernel_size_nd


def _kernel(kernel, layer: Deconvolution, channels: int) -> np.ndarray:
    """The kernel in TensorRT's layout; a flat one is read in that layout, any other shape is refused."""
    expected = kernel_shape(layer, channels)
    kernel = _as_array("kernel", kernel)
    count = shapes.volume(expected)
    if kernel.ndim > 1 and kernel.shape != expected:
        raise DeconvolutionError(
            f"kernel has shape {kernel.shape}, not TensorRT's layout (C_in, num_output_maps / num_groups, "
            f"*kernel_size_nd) = {expected}: pass that shape, or the values flat", "kernel_count")
    if kernel.size != count:
        raise DeconvolutionError(
            f"kernel weights has count {kernel.size} but {count} was expected: kernel_size_nd="
            f"{layer.kernel_size_nd}, {channels} input channels, num_output_maps={layer.num_output_maps} and "
            f"num_groups={layer.num_groups} (layout {expected})", "kernel_count")
    return kernel.reshape(expected)


def _bias(bias, layer: Deconvolution) -> np.ndarray:
    if bias is None:
        return np.zeros(layer.num_output_maps)
    bias = _as_array("bias", bias).reshape(-1)
    if bias.size == 0:
        return np.zeros(layer.num_output_maps)
    if bias.size != layer.num_output_maps:
        raise DeconvolutionError(
            f"bias weights has count {bias.size} but {layer.num_output_maps} was expected (num_output_maps)",
            "bias_count")
    return bias


def working_bytes(input_shape, layer: Deconvolution) -> int:
    """Bytes of float64 the model holds at once for this input: the full output, the cropped one, one tap."""
    out = shapes.output_shape(input_shape, layer)
    axis = shapes.channel_axis(input_shape, layer)
    full = shapes.volume(out[:axis + 1] + shapes.full_size(layer, tuple(input_shape)[axis + 1:]))
    tap = shapes.volume(tuple(input_shape)[:axis]) * layer.num_output_maps * shapes.volume(tuple(input_shape)[axis + 1:])
    return 8 * (2 * full + shapes.volume(out) + 2 * tap)


def deconvolve(x, kernel, bias, layer: Deconvolution) -> np.ndarray:
    """Run the resolved ``layer`` on ``x`` in float64; see the module docstring.

    Dimensions before the channels are batch dimensions (:func:`~trtdeconv_docs.layer.shapes.channel_axis`).
    """
    x = _as_array("input", x)
    out_shape = shapes.output_shape(x.shape, layer)
    axis = shapes.channel_axis(x.shape, layer)
    channels = x.shape[axis]
    kernel = _kernel(kernel, layer, channels)
    bias = _bias(bias, layer)
    spatial = x.shape[axis + 1:]
    x = x.reshape((-1, channels) + spatial)
    full = np.zeros((x.shape[0], layer.num_output_maps) + shapes.full_size(layer, spatial))
    groups, c_per_group = layer.num_groups, channels // layer.num_groups
    m_per_group = layer.num_output_maps // groups
    for g in range(groups):
        xg = x[:, g * c_per_group:(g + 1) * c_per_group]
        wg = kernel[g * c_per_group:(g + 1) * c_per_group]
        target = full[:, g * m_per_group:(g + 1) * m_per_group]
        for tap in itertools.product(*(range(k) for k in layer.kernel_size_nd)):
            contribution = np.einsum("nc...,cm->nm...", xg, wg[(slice(None), slice(None)) + tap])
            window = tuple(
                slice(t * d, t * d + (i - 1) * s + 1, s)
                for t, d, i, s in zip(tap, layer.dilation_nd, spatial, layer.stride_nd)
            )
            target[(slice(None), slice(None)) + window] += contribution
    cropped = tuple(
        slice(before, size - after)
        for (before, after), size in zip(shapes.crop(layer), full.shape[2:])
    )
    out = full[(slice(None), slice(None)) + cropped]
    out = out + bias.reshape((1, -1) + (1,) * layer.spatial_rank)
    return out.reshape(out_shape)


def deconvolution(x, kernel, bias=None, **attributes) -> np.ndarray:
    """What TensorRT's deconvolution outputs for ``x``, computed in float64.

    ``attributes`` are TensorRT's names and defaults, as :func:`~trtdeconv_docs.layer.attributes.resolve`
    takes them (``num_output_maps``, ``kernel_size_nd``, ``stride_nd``, ...); invalid
    layers raise :class:`~trtdeconv_docs.layer.attributes.DeconvolutionError`.
    """
    return deconvolve(x, kernel, bias, resolve(**attributes))


def quantize_dequantize(x, scale: float) -> np.ndarray:
    """TensorRT's IQuantizeLayer then IDequantizeLayer with one scale: round half to even, clamp to int8."""
    scale = float(scale)
    if not scale > 0 or not np.isfinite(scale):
        raise DeconvolutionError(f"quantization scale must be a positive finite number, got {scale}", "values")
    q = np.clip(np.rint(_as_array("input", x) / scale), *INT8_RANGE)
    return q * scale


def absolute_terms(x, kernel, bias, layer: Deconvolution) -> np.ndarray:
    """Per output element, the sum of the absolute values of every product and bias that TensorRT adds up."""
    absolute_bias: Optional[np.ndarray] = None if bias is None else np.abs(np.asarray(bias, np.float64))
    return deconvolve(np.abs(np.asarray(x, np.float64)), np.abs(np.asarray(kernel, np.float64)), absolute_bias, layer)


def term_counts(input_shape, layer: Deconvolution) -> np.ndarray:
    """Per output element, how many terms TensorRT adds up: products, plus one for the bias."""
    channels = input_shape[shapes.channel_axis(input_shape, layer)]
    ones_kernel = np.ones(shapes.volume(kernel_shape(layer, channels)))
    return deconvolve(np.ones(input_shape), ones_kernel, np.ones(layer.num_output_maps), layer)
