"""What differs between TensorRT 8.6, 10 and 11 in the calls this package makes, in one place.

Each function takes the ``tensorrt`` module it should use: the real one (GPU commands), or
the one the examples get from :mod:`trtdeconv_docs.session` (real, or the replay stand-in).
The version facts are those of :mod:`trtdeconv_docs.trt.api` (NVIDIA's binding sources).
"""

from __future__ import annotations

from typing import Optional

import numpy as np


def major(trt) -> int:
    """The major version of ``trt``."""
    return int(trt.__version__.split(".")[0])


def network_flags(trt) -> int:
    """``EXPLICIT_BATCH`` where TensorRT has it and needs it (8.x; ignored in 10, removed in 11); else 0."""
    flag = getattr(trt.NetworkDefinitionCreationFlag, "EXPLICIT_BATCH", None)
    return 1 << int(flag) if flag is not None and major(trt) < 10 else 0


def quantize_dequantize(trt, network, tensor, scale, *, axis: Optional[int] = None, name: str = "",
                        keep: Optional[list] = None):
    """``tensor`` through an IQuantizeLayer (INT8) then an IDequantizeLayer (FP32) sharing ``scale``; the dequantized tensor.

    ``scale`` is a scale tensor, or a number: then a 0-d float32 constant is added, whose
    array is appended to ``keep`` (it must outlive the build). ``axis`` sets per-channel
    scales; ``name`` names the layers ``<name>_scale``, ``<name>_quantize`` and
    ``<name>_dequantize``. TensorRT 8.6 takes ``add_quantize(input, scale)``; from 9.1 a
    third argument gives the output type, and 11 requires it.
    """
    if isinstance(scale, (int, float, np.number)):  # a number, not a tensor
        value = np.array([scale], dtype=np.float32)
        if keep is None:
            raise ValueError("a numeric scale needs `keep`, the list that keeps its array alive until the build")
        keep.append(value)
        constant = network.add_constant([], value)
        if name:
            constant.name = f"{name}_scale"
        scale = constant.get_output(0)
    types = ([trt.int8], [trt.float32]) if major(trt) >= 9 else ([], [])
    quantize = network.add_quantize(tensor, scale, *types[0])
    if axis is not None:
        quantize.axis = axis
    dequantize = network.add_dequantize(quantize.get_output(0), scale, *types[1])
    if axis is not None:
        dequantize.axis = axis
    if name:
        quantize.name, dequantize.name = f"{name}_quantize", f"{name}_dequantize"
    return dequantize.get_output(0)
