"""Fused blocks: the layers after the deconvolution (:data:`.workloads.BLOCKS`), in TensorRT and in float64.

``bias_relu``: the deconvolution's bias then ``IActivationLayer`` (ReLU); ``bn_relu``: a batch norm
as inference runs it, ``IScaleLayer`` in channel mode (scale and shift), then ReLU; ``add``:
``IElementWiseLayer`` (sum) with a second network input ``skip`` of the output's shape; ``concat``:
``IConcatenationLayer`` of the output and ``skip`` along the channels. :func:`reference_slice` turns
the deconvolution's checked slice (:class:`.check.Slice`) into the block's, with the tolerance rule's
ingredients carried through: a scale multiplies every term, a shift or an added element is one more
term, and ReLU (1-Lipschitz) keeps the bound.
"""

from __future__ import annotations

import dataclasses
from typing import Dict

import numpy as np

from .check import Slice
from .workloads import BLOCKS

SKIP = "skip"
"""The name of a block's second network input."""


def add_block(trt, network, out, block: str, arrays: Dict[str, np.ndarray], keep: list, skip=None):
    """The layers of ``block`` on ``out`` (``skip``: the second input tensor for ``add``/``concat``); the output."""
    if block and block not in BLOCKS:
        raise ValueError(f"unknown block {block!r}; choose one of {', '.join(BLOCKS)}")
    if block == "bn_relu":
        shift, scale = (np.ascontiguousarray(arrays[name], np.float32) for name in ("shift", "scale"))
        keep.extend([shift, scale])
        layer = network.add_scale(out, trt.ScaleMode.CHANNEL, trt.Weights(shift), trt.Weights(scale), trt.Weights())
        layer.name = "batch_norm"
        out = layer.get_output(0)
    if block in ("bias_relu", "bn_relu"):
        relu = network.add_activation(out, trt.ActivationType.RELU)
        relu.name = "relu"
        return relu.get_output(0)
    if block == "add":
        layer = network.add_elementwise(out, skip, trt.ElementWiseOperation.SUM)
        layer.name = "add"
        return layer.get_output(0)
    if block == "concat":
        layer = network.add_concatenation([out, skip])
        layer.axis = 1
        layer.name = "concat"
        return layer.get_output(0)
    return out


def reference_slice(checked: Slice, block: str, arrays: Dict[str, np.ndarray]) -> Slice:
    """The block's output on the checked slice (batch 0, the first ``checked.channels`` maps), float64."""
    expected, terms, counts = checked.expected, checked.absolute_terms, checked.term_counts
    channels, shape = checked.channels, (1, -1) + (1,) * (checked.expected.ndim - 2)
    if block == "bn_relu":
        scale = np.asarray(arrays["scale"], np.float64)[:channels].reshape(shape)
        shift = np.asarray(arrays["shift"], np.float64)[:channels].reshape(shape)
        expected, terms, counts = expected * scale + shift, terms * np.abs(scale) + np.abs(shift), counts + 1
    if block == "add":
        skip = np.asarray(arrays["skip"], np.float64)[:1, :channels]
        expected, terms, counts = expected + skip, terms + np.abs(skip), counts + 1
    if block in ("bias_relu", "bn_relu"):
        expected = np.maximum(expected, 0.0)
    return dataclasses.replace(checked, expected=expected, absolute_terms=terms, term_counts=counts)


def concat_copy_error(output, skip, maps: int) -> float:
    """The largest ``|output[:, maps:] - skip|`` of a ``concat`` block (0 when the skip was copied exactly)."""
    return float(np.abs(np.asarray(output, np.float64)[:, maps:] - np.asarray(skip, np.float64)).max(initial=0.0))
