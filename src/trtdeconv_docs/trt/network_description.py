"""Describe a TensorRT network as plain JSON-able data, read back from TensorRT itself.

The description lists each layer's type, input and output tensor names and, for the
layer types the documentation uses (deconvolution, constant, quantize, dequantize, and the
slice, shuffle and elementwise layers TensorRT's ONNX parser inserts),
the attributes as TensorRT reports them after they were set. It is what a recording
stores, so that the reference model can recompute the network without the example.
"""

from __future__ import annotations

import ctypes
from typing import Any, Dict, List

import numpy as np
import tensorrt as trt

from ..layer.attributes import LAYER_ATTRIBUTES

NUMERIC_ATTRIBUTES = tuple(name for name, kind in LAYER_ATTRIBUTES.items() if kind != "PaddingMode")
"""The attributes read back as numbers; ``padding_mode`` is read back by its enum name."""


def _weights(value) -> np.ndarray:
    """A copy of weights that TensorRT returned, read from their memory.

    TensorRT 8.6's bindings were built against NumPy 1.x; under NumPy 2 the arrays
    they return carry a wrong stride (measured on the GPU: every element read back as
    the first one). The values are read from the array's data pointer with the
    array's own dtype and length instead of through its strides.
    """
    if hasattr(value, "numpy"):
        value = value.numpy()
    array = np.asarray(value)
    if array.ndim != 1:
        raise ValueError(f"TensorRT returned weights of shape {array.shape}; expected one dimension")
    if array.size == 0 or array.strides[0] == array.itemsize:
        return np.array(array, copy=True)
    address = array.__array_interface__["data"][0]
    raw = (ctypes.c_char * (array.size * array.itemsize)).from_address(address)
    return np.frombuffer(raw, dtype=array.dtype).copy()


def _deconvolution(layer) -> Dict[str, Any]:
    layer.__class__ = trt.IDeconvolutionLayer
    described: Dict[str, Any] = {name: _plain(getattr(layer, name)) for name in NUMERIC_ATTRIBUTES}
    described["padding_mode"] = layer.padding_mode.name
    described["kernel"] = _weights(layer.kernel)
    described["bias"] = _weights(layer.bias)
    return described


def _constant(layer) -> Dict[str, Any]:
    layer.__class__ = trt.IConstantLayer
    return {"shape": _plain(layer.shape), "weights": _weights(layer.weights)}


def _quantize(layer) -> Dict[str, Any]:
    layer.__class__ = trt.IQuantizeLayer if layer.type == trt.LayerType.QUANTIZE else trt.IDequantizeLayer
    return {"axis": int(layer.axis)}


def _readable(read):
    """``read()`` as plain data, or ``None`` where TensorRT has no static value (set from a shape tensor)."""
    try:
        return _plain(read())
    except Exception:  # pybind11 raises several kinds for a Dims that TensorRT left unset
        return None


def _slice(layer) -> Dict[str, Any]:
    layer.__class__ = trt.ISliceLayer
    return {"start": _readable(lambda: layer.start), "shape": _readable(lambda: layer.shape),
            "stride": _readable(lambda: layer.stride), "mode": layer.mode.name}


def _shuffle(layer) -> Dict[str, Any]:
    layer.__class__ = trt.IShuffleLayer
    return {"first_transpose": _readable(lambda: layer.first_transpose),
            "reshape_dims": _readable(lambda: layer.reshape_dims),
            "second_transpose": _readable(lambda: layer.second_transpose)}


def _elementwise(layer) -> Dict[str, Any]:
    layer.__class__ = trt.IElementWiseLayer
    return {"op": layer.op.name}


_ATTRIBUTE_READERS = {
    "DECONVOLUTION": _deconvolution,
    "CONSTANT": _constant,
    "QUANTIZE": _quantize,
    "DEQUANTIZE": _quantize,
    # layers TensorRT's ONNX parser inserts around a ConvTranspose (trtdeconv_docs.onnx_path)
    "SLICE": _slice,
    "SHUFFLE": _shuffle,
    "ELEMENTWISE": _elementwise,
}


def _plain(value):
    if isinstance(value, (int, float, str)):
        return value
    return [int(v) for v in value]


def describe_network(network) -> Dict[str, Any]:
    """Inputs, outputs and layers of ``network`` as plain data (weights as NumPy arrays)."""
    inputs = [network.get_input(i) for i in range(network.num_inputs)]
    outputs = [network.get_output(i) for i in range(network.num_outputs)]
    layers: List[Dict[str, Any]] = []
    for index in range(network.num_layers):
        layer = network.get_layer(index)
        kind = layer.type.name
        tensors_in = [layer.get_input(j) for j in range(layer.num_inputs)]
        entry: Dict[str, Any] = {
            "type": kind,
            "name": layer.name,
            "inputs": [t.name if t is not None else None for t in tensors_in],
            "outputs": [layer.get_output(j).name for j in range(layer.num_outputs)],
        }
        if kind in _ATTRIBUTE_READERS:
            entry["attributes"] = _ATTRIBUTE_READERS[kind](layer)
        layers.append(entry)
    return {
        "inputs": [{"name": t.name, "shape": _plain(t.shape), "dtype": t.dtype.name} for t in inputs],
        "outputs": [t.name for t in outputs],
        "layers": layers,
    }
