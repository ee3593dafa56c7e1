"""Whether a TensorRT output is the deconvolution's, judged on a slice small enough for NumPy.

The benchmark's layers are too big for the float64 reference model to run whole on the
GPU machine's CPU in the time budget, so the check takes the first image of the batch and
the first groups (or, without groups, the first output maps): every output element of that
slice is computed by :func:`trtdeconv_docs.layer.reference.deconvolve` and compared with
TensorRT's under the tolerance rule (:mod:`trtdeconv_docs.layer.tolerance`).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Dict, Optional

import numpy as np

from ..layer import reference, tolerance
from ..layer.attributes import Deconvolution
from .upsampling import interior

MAX_GROUPS = 4
MAX_MAPS = 8
RULES = {"fp32": "fp32", "tf32": "tf32", "int8": "int8", "int8_out": "int8", "fp16": None}
"""The tolerance rule of each precision; FP16 has none in :mod:`trtdeconv_docs.layer.tolerance`."""


@dataclasses.dataclass
class Slice:
    """The checked slice: its layer, inputs, and the float64 reference with the rule's ingredients."""

    layer: Deconvolution
    channels: int  # output channels checked (the first ones)
    expected: np.ndarray
    absolute_terms: np.ndarray
    term_counts: np.ndarray


def reference_slice(x, kernel, bias, layer: Deconvolution) -> Slice:
    """The float64 reference of batch 0 and the first groups/maps (inputs already quantized for INT8)."""
    groups = min(layer.num_groups, MAX_GROUPS)
    c_group = x.shape[1] // layer.num_groups
    m_group = layer.num_output_maps // layer.num_groups
    maps = min(m_group, MAX_MAPS) if layer.num_groups == 1 else m_group
    small = dataclasses.replace(layer, num_output_maps=groups * maps, num_groups=groups)
    x_small = np.asarray(x, np.float64)[:1, :groups * c_group]
    k_small = np.asarray(kernel, np.float64)[:groups * c_group, :maps]
    b_small = np.asarray(bias, np.float64)[:groups * maps]
    return Slice(small, groups * maps, reference.deconvolve(x_small, k_small, b_small, small),
                 reference.absolute_terms(x_small, k_small, b_small, small),
                 reference.term_counts(x_small.shape, small))


def output_quantization_ratio(got, expected: Slice, rule: str, output_scale: float) -> float:
    """max |error| / allowed for an output that went through a Q/DQ pair of ``output_scale``.

    Rounding ``reference + e`` (``|e|`` within the rule's bound) to the nearest step lands within
    half a step plus the bound of the reference: allowed = bound + step / 2 (times 1 + 1e-6 for the
    float32 scale), checked on a slice whose values stay inside the clamp.
    """
    error = np.abs(got - expected.expected)
    allowed = tolerance.bound(expected.absolute_terms, expected.term_counts, rule) + 0.5 * output_scale * (1 + 1e-6)
    return float((error / allowed).max(initial=0.0))


def judge(actual, expected: Slice, precision: str, other: Optional[np.ndarray] = None,
          output_scale: Optional[float] = None) -> Dict[str, Any]:
    """Compare ``actual`` (TensorRT's whole output) on the slice; with ``other`` (the deconvolution's) too.

    ``worst_ratio`` is max |error| / bound against the reference (<= 1: within the rule);
    ``worst_ratio_vs_deconvolution`` compares two TensorRT outputs, each allowed the bound,
    so their difference is allowed twice the bound. FP16 has no rule: only errors are recorded.
    With ``output_scale`` (INT8 output), the bound grows by half a quantization step
    (:func:`output_quantization_ratio`). A NaN anywhere in the slice (an unwritten, poisoned
    element) is never within the rule.
    """
    got = np.asarray(actual, np.float64)[:1, :expected.channels]
    rule = RULES[precision]
    result: Dict[str, Any] = {
        "elements": int(expected.expected.size), "rule": rule,
        "max_abs_error": float(np.abs(got - expected.expected).max(initial=0.0)),
        "max_abs_reference": float(np.abs(expected.expected).max(initial=0.0)),
        "non_finite": int((~np.isfinite(got)).sum()),
    }
    if output_scale is not None:
        result["output_scale"] = output_scale
        result["worst_ratio"] = output_quantization_ratio(got, expected, rule, output_scale)
    elif rule is not None:
        result["worst_ratio"] = tolerance.worst_ratio(got, expected.expected, expected.absolute_terms,
                                                      expected.term_counts, rule)
    if result["non_finite"] and rule is not None:
        result["worst_ratio"] = float("inf")
    if other is not None:
        theirs = np.asarray(other, np.float64)[:1, :expected.channels]
        result["max_abs_difference_vs_deconvolution"] = float(np.abs(got - theirs).max(initial=0.0))
        if rule is not None and output_scale is None:
            result["worst_ratio_vs_deconvolution"] = tolerance.worst_ratio(
                got, theirs, 2 * expected.absolute_terms, expected.term_counts, rule)
    return result


def quantized(array, scale, axis: Optional[int] = None) -> np.ndarray:
    """What an INT8 Q/DQ pair with this scale passes on, the scale held in float32 as TensorRT holds it.

    With the float64 scale instead, an element within rounding of a step's midpoint lands on the
    other step: one step of the kernel times one input value (recorded in the first benchmark
    recording, see :func:`trtdeconv_docs.benchmark.analysis.int8_check_problem`). With ``axis``,
    ``scale`` holds one scale per index of that axis (per-channel Q/DQ).
    """
    if axis is None:
        return reference.quantize_dequantize(array, float(np.float32(scale)))
    array = np.asarray(array, np.float64)
    shape = [1] * array.ndim
    shape[axis] = -1
    steps = np.asarray(scale, np.float32).astype(np.float64).reshape(shape)
    return np.clip(np.rint(array / steps), -128, 127) * steps


KERNEL_SCALE_AXIS = 1
"""The axis of per-output-channel kernel scales that TensorRT 8.6 accepts for a one-group deconvolution (its kernel
``(C_in, M, k...)``: axis 1, the output maps; recorded by plot_25, :mod:`trtdeconv_docs.layer.int8_axis`)."""


def int8_kernel_scales(kernel, layer: Deconvolution):
    """``(scales, axis)``: per output map on :data:`KERNEL_SCALE_AXIS` (``max |k| / 127`` over the map's taps) for
    a one-group layer; one scale and ``None`` for a grouped layer (TensorRT 8.6 keeps its kernel Float anyway)."""
    kernel = np.abs(np.asarray(kernel, np.float64))
    if layer.num_groups != 1:
        return int8_scale(kernel), None
    others = tuple(a for a in range(kernel.ndim) if a != KERNEL_SCALE_AXIS)
    return [float(v) for v in np.maximum(kernel.max(axis=others), 1e-30) / 127.0], KERNEL_SCALE_AXIS


def interior_slice(checked: Slice, border) -> Slice:
    """``checked`` without ``border`` elements at both ends of each spatial dimension."""
    return dataclasses.replace(checked, expected=interior(checked.expected, border),
                               absolute_terms=interior(checked.absolute_terms, border),
                               term_counts=interior(checked.term_counts, border))


def int8_weights_kept(engine_layers) -> bool:
    """Whether TensorRT kept INT8 weights (engine inspector ``Weights.Type == "Int8"``) in the main layer.

    TensorRT 8.6 fuses a 3-D or grouped deconvolution's kernel Q/DQ into ``Float`` weights, the
    kernel as given (see :func:`trtdeconv_docs.conformance.model.int8_kernel_quantized`).
    """
    return any(isinstance(entry, dict) and entry.get("Weights", {}).get("Type") == "Int8" for entry in engine_layers)


INT8_REFERENCE = "input Q/DQ'd; kernel Q/DQ'd only where the engine keeps Int8 weights; float32 scales"
"""What the INT8 reference emulates; a check recorded with it says so under ``check["int8_reference"]``."""


def int8_scale(array) -> float:
    """A per-tensor symmetric scale: ``max|a| / 127``."""
    return float(np.abs(np.asarray(array, np.float64)).max()) / 127.0
