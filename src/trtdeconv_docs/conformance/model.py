"""What the reference model makes of a conformance case: its layer, verdict and expected output.

A case (see :mod:`.generate`) lists the setters called on the TensorRT layer in order;
:func:`attributes` turns them into :func:`trtdeconv_docs.layer.attributes.resolve`'s keyword
arguments, so the reference model sees the layer that the setters leave behind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, Optional, Tuple

import numpy as np

from ..layer import reference, shapes
from ..layer.attributes import DEFAULT_PADDING_MODE, Deconvolution, DeconvolutionError, check_setter, resolve
from ..layer.limits import INT32_MAX, MAX_DIMS


@dataclass
class Expected:
    """The reference output of a case with what its tolerance needs (see :mod:`trtdeconv_docs.layer.tolerance`)."""

    values: np.ndarray
    absolute_terms: np.ndarray
    term_counts: np.ndarray


def attributes(case: Dict[str, Any]) -> Dict[str, Any]:
    """``resolve()``'s keyword arguments after the case's setters, applied in order.

    ``padding_nd`` sets pre and post padding both, so it undoes an earlier
    ``pre_padding`` or ``post_padding``; a later one replaces its side again.
    """
    kwargs: Dict[str, Any] = {"num_output_maps": case["num_output_maps"], "kernel_size_nd": case["kernel_size_nd"]}
    for name, value in case["set"]:
        if name == "padding_nd":
            kwargs.pop("pre_padding", None)
            kwargs.pop("post_padding", None)
        kwargs[name] = value
    return kwargs


def layer(case: Dict[str, Any]) -> Deconvolution:
    """The resolved layer, or :class:`DeconvolutionError` if the reference model refuses its attributes."""
    return resolve(**attributes(case))


def int8_kernel_quantized(case: Dict[str, Any]) -> bool:
    """Whether TensorRT 8.6 computes an INT8 case with its quantized kernel: one-group 2-D layers only.

    Measured in ``recordings/conformance`` (engine inspector): TensorRT 8.6.0 runs one-group
    2-D INT8 deconvolutions with an INT8 tactic (``i8f32_i8i32``, weights ``Int8``). For
    3-D or grouped ones it picks an FP32 tactic (``f32f32_f32f32``) and fuses the kernel's
    quantize/dequantize pair into weights of type ``Float`` that are the kernel as given,
    unquantized; the input's pair stays. So those layers compute quantized input times
    the unquantized kernel, in FP32.
    """
    if case["kind"] != "int8":
        return False
    resolved = layer(case)
    return resolved.spatial_rank == 2 and resolved.num_groups == 1


def model_inputs(case: Dict[str, Any], arrays: Dict[str, np.ndarray]) -> Tuple[np.ndarray, np.ndarray, Optional[np.ndarray]]:
    """Input, kernel and bias as TensorRT's deconvolution uses them.

    INT8 cases: the input through quantize/dequantize, the kernel too where TensorRT keeps
    its pair (:func:`int8_kernel_quantized`).
    """
    x, kernel, bias = arrays["input"], arrays["kernel"], arrays.get("bias")
    if case["kind"] == "int8":
        scales = case["int8"]
        x = reference.quantize_dequantize(x, scales["input_scale"])
        if int8_kernel_quantized(case):
            kernel = reference.quantize_dequantize(kernel, scales["kernel_scale"])
    return x, kernel, bias


def expected(case: Dict[str, Any], arrays: Dict[str, np.ndarray]) -> Expected:
    """The reference model's output, absolute terms and term counts for the case."""
    resolved = layer(case)
    x, kernel, bias = model_inputs(case, arrays)
    return Expected(
        values=reference.deconvolve(x, kernel, bias, resolved),
        absolute_terms=reference.absolute_terms(x, kernel, bias, resolved),
        term_counts=reference.term_counts(np.shape(x), resolved),
    )


INT8_DILATED_2D = ("TensorRT 8.6.0 finds no INT8 implementation for a one-group 2-D deconvolution with "
                   "dilation_nd > 1 (measured: every such layer in recordings/conformance)")


def _setters_alone(case: Dict[str, Any]) -> None:
    """What TensorRT checks while an "add" probe is added: each attribute by itself, in call order."""
    check_setter("num_output_maps", case["num_output_maps"])
    check_setter("kernel_size_nd", case["kernel_size_nd"])
    if any(v > INT32_MAX for v in case["input_shape"]):
        raise DeconvolutionError(f"input shape {case['input_shape']}: TensorRT takes 32-bit dimensions", "int32")
    if len(case["input_shape"]) > MAX_DIMS:
        raise DeconvolutionError(f"input shape {case['input_shape']}: {len(case['input_shape'])} dimensions, but "
                                 f"nvinfer1::Dims holds at most {MAX_DIMS}: TensorRT's Python binding refuses "
                                 f"the shape (add_input)", "input_rank")
    for name, value in case["set"]:
        check_setter(name, value)


def verdict(case: Dict[str, Any], arrays: Dict[str, np.ndarray]) -> Optional[DeconvolutionError]:
    """``None`` if the reference model accepts the case, else its refusal (with TensorRT's reason).

    An "add" probe (:mod:`.probes`) is judged by its setters alone; a "build" probe by its
    output shape (it is never run); every other case by running the reference model.
    """
    try:
        if case.get("probe") == "add":
            _setters_alone(case)
            return None
        resolved = layer(case)
        if case.get("probe") == "build":
            shapes.output_shape(case["input_shape"], resolved)
            return None
        reference.deconvolve(*model_inputs(case, arrays), resolved)
    except DeconvolutionError as error:
        return error
    if (case["kind"] == "int8" and resolved.spatial_rank == 2 and resolved.num_groups == 1
            and max(resolved.dilation_nd) > 1):
        return DeconvolutionError(INT8_DILATED_2D, "int8_dilated")
    return None


def label(case: Dict[str, Any]) -> str:
    """A readable pytest id: ``c0042-2d-SAME_UPPER-g4`` (``-int8`` added), or ``r07-negative-padding_nd``."""
    if "note" in case:
        return f"{case['id']}-" + re.sub(r"[^A-Za-z0-9_]+", "-", case["note"]).strip("-")
    kwargs = attributes(case)
    name = (f"{case['id']}-{len(case['kernel_size_nd'])}d-{kwargs.get('padding_mode', DEFAULT_PADDING_MODE)}"
            f"-g{kwargs.get('num_groups', 1)}")
    return name + ("-int8" if case["kind"] == "int8" else "")
