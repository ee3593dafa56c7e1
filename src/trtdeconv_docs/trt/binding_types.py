"""The argument types TensorRT's Python binding (pybind11) checks, applied by the stand-in.

The API lists (:mod:`trtdeconv_docs.trt.api`) name every argument and property as NVIDIA's
binding sources spell them, but not their C++ types. TensorRT names them by one convention,
which this module reads from those names: ``num_*`` (``num_output_maps``, ``num_groups``) and
``index`` are ``int32_t``; ``*_nd``, ``shape``, ``kernel_shape``, ``kernel_size``, ``stride``,
``padding``, ``dilation``, ``pre_padding`` and ``post_padding`` are ``Dims``; ``kernel``,
``bias``, ``weights`` and ``scale`` are ``Weights``. pybind11 converts as the binding of
TensorRT 8.6 does:

* ``int32_t``: a Python ``int`` (``bool`` and NumPy integers too) within 32 bits; a ``float``
  (``1.0`` included) is ``TypeError``, as pybind11's integer caster refuses floats;
* ``Dims``: a tuple or list of such ints (a ``Dims`` object too), at most ``Dims.MAX_DIMS`` = 8
  of them; a float element is ``TypeError``;
* ``Weights``: a ``trt.Weights`` or a NumPy array (held by reference until the engine is built).

Anything the convention does not name is not checked here (enums, tensors and layers are
checked by the stand-in's class names).
"""

from __future__ import annotations

import numbers
from typing import Any, Optional

import numpy as np

MAX_DIMS = 8
"""``Dims.MAX_DIMS`` of TensorRT 8.6 (``nvinfer1::Dims::MAX_DIMS``)."""
DIMS_NAMES = {"shape", "kernel_shape", "kernel_size", "stride", "padding", "dilation", "pre_padding", "post_padding"}
WEIGHTS_NAMES = {"kernel", "bias", "weights"}
INT_NAMES = {"index"}


def kind_of(name: str) -> Optional[str]:
    """``"int"``, ``"dims"``, ``"weights"`` or ``None`` for an argument or property named ``name``."""
    if name.startswith("num_") or name in INT_NAMES:
        return "int"
    if name.endswith("_nd") or name in DIMS_NAMES:
        return "dims"
    if name in WEIGHTS_NAMES:
        return "weights"
    return None


def _int(value: Any, where: str) -> None:
    if isinstance(value, float) or not isinstance(value, (numbers.Integral, np.integer)):
        raise TypeError(f"{where}: incompatible function arguments: expected int (int32_t), "
                        f"got {type(value).__name__} {value!r}")
    if not -2 ** 31 <= int(value) < 2 ** 31:
        raise TypeError(f"{where}: {value} does not fit int32_t")


def check(name: str, value: Any, where: str) -> None:
    """``TypeError`` (worded like pybind11's) unless ``value`` converts to the type TensorRT binds ``name`` as."""
    kind = kind_of(name)
    if kind == "int":
        _int(value, where)
    elif kind == "dims":
        if type(value).__name__.startswith("Dims") or type(value).__name__ == "StandInObject":
            return
        if not isinstance(value, (tuple, list)):
            raise TypeError(f"{where}: incompatible function arguments: expected Dims (a tuple of ints), "
                            f"got {type(value).__name__}")
        if len(value) > MAX_DIMS:
            raise ValueError(f"{where}: {len(value)} dimensions; Dims holds at most {MAX_DIMS}")
        for item in value:
            _int(item, where)
    elif kind == "weights":
        if type(value).__name__ != "Weights" and not isinstance(value, np.ndarray):
            raise TypeError(f"{where}: incompatible function arguments: expected Weights or a NumPy array, "
                            f"got {type(value).__name__}")
