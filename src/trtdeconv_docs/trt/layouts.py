"""Channels-last I/O: which TensorRT format a run asks for, and the host arrays in that layout.

A channels-last run of the benchmark (:data:`trtdeconv_docs.benchmark.plan.LAYOUTS`) sets
``allowed_formats`` on the network's input and output: ``HWC8`` for FP16 in 2-D (``DHWC8`` in 3-D), ``HWC`` for FP32/TF32 in 2-D.
TensorRT then reads and writes ``(N, *spatial, C')`` with ``C'`` the channels rounded up to
the format's components per element (8 for ``HWC8``; the padding channels are zero on input
and ignored on output). :func:`to_engine` and :func:`from_engine` convert, given the format
TensorRT reports for the tensor (:func:`.engine.tensor_layout`); a linear tensor passes
unchanged. Nothing here imports TensorRT.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Sequence, Tuple

import numpy as np

FORMAT_NAMES = {("fp16", 2): "HWC8", ("fp16", 3): "DHWC8", ("fp32", 2): "HWC", ("tf32", 2): "HWC"}
"""(precision, spatial rank) -> the ``trt.TensorFormat`` member a channels-last run allows."""


def format_name(precision: str, rank: int) -> Optional[str]:
    """The channels-last format of a precision and spatial rank, or ``None`` (then the run is not built)."""
    return FORMAT_NAMES.get((precision, rank))


def channels_last(layout: Dict[str, Any]) -> bool:
    """Whether TensorRT's reported format (:func:`.engine.tensor_layout`) stores channels last."""
    return layout["format"] in ("HWC", "HWC8", "HWC16", "DHWC8", "DHWC")


def engine_shape(shape: Sequence[int], layout: Dict[str, Any]) -> Tuple[int, ...]:
    """The host array shape TensorRT reads or writes for a tensor of logical ``shape``."""
    if not channels_last(layout):
        return tuple(shape)
    vector = max(int(layout.get("components", 1)), 1)
    n, c = shape[:2]
    return (n,) + tuple(shape[2:]) + (-(-c // vector) * vector,)


def to_engine(array: np.ndarray, layout: Dict[str, Any]) -> np.ndarray:
    """``array`` (N, C, *spatial) in the tensor's layout, contiguous, padding channels zero."""
    if not channels_last(layout):
        return np.ascontiguousarray(array)
    shape = engine_shape(array.shape, layout)
    result = np.zeros(shape, dtype=array.dtype)
    moved = np.moveaxis(array, 1, -1)
    result[..., :array.shape[1]] = moved
    return result


def from_engine(array: np.ndarray, shape: Sequence[int], layout: Dict[str, Any]) -> np.ndarray:
    """The tensor of logical ``shape`` (N, C, *spatial) from what TensorRT wrote in its layout."""
    if not channels_last(layout):
        return array.reshape(tuple(shape))
    return np.ascontiguousarray(np.moveaxis(array[..., :shape[1]], -1, 1))
