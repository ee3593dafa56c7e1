"""Property tests of the reference model against two independent oracles.

* :func:`gather`, written here from TensorRT's header formulas: each output element is the
  sum over input elements ``i`` and kernel taps ``k`` with ``i * S + k * D - B == o``
  (``B`` the leading crop). It works output by output, where the reference model scatters
  input by input, and it sizes the output without :mod:`trtdeconv_docs.layer.shapes`.
* ``onnx.reference``'s ConvTranspose, for ``num_groups == 1`` only: with groups it fails or
  is wrong (checked below, so we learn when that changes).

Inputs are small integers in float64, so every sum is exact and results must be equal.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from onnx import TensorProto, helper
from onnx.reference import ReferenceEvaluator

from trtdeconv_docs.layer import reference, shapes
from trtdeconv_docs.layer.attributes import SAME_MODES, TENSORRT_10_PADDING_MODES, resolve

from .support.strategies import layers

MODES = TENSORRT_10_PADDING_MODES
"""Modes with an oracle; what TensorRT 8.6 does in the CAFFE modes is measured on the GPU."""


def header_size(size: int, k: int, s: int, d: int, pre: int, post: int, mode: str):
    """(leading crop B, output size O) of one spatial dimension, from TensorRT's header formulas."""
    dk = 1 + d * (k - 1)
    full = (size - 1) * s + dk
    if mode not in SAME_MODES:
        return pre, full - pre - post
    total = max(dk - s, 0)
    before = total // 2 if mode == "SAME_UPPER" else total - total // 2
    return before, min(size * s, full)


def gather(x, kernel, bias, a) -> np.ndarray:
    """out[n, m, o] = bias[m] + sum of x[n, c, i] * kernel[c, m', k] over i * S + k * D - B == o."""
    batch, channels, spatial = x.shape[0], x.shape[1], x.shape[2:]
    groups, maps, taps = a["num_groups"], a["num_output_maps"], a["kernel_size_nd"]
    w = kernel.reshape((groups, channels // groups, maps // groups) + taps)
    xg = x.reshape((batch, groups, channels // groups) + spatial)
    dims = [header_size(*args, a["padding_mode"]) for args in
            zip(spatial, taps, a["stride_nd"], a["dilation_nd"], a["pre_padding"], a["post_padding"])]
    out = np.zeros((batch, maps) + tuple(size for _, size in dims))
    for o in itertools.product(*(range(size) for _, size in dims)):
        for k in itertools.product(*(range(t) for t in taps)):
            offsets = [p + b - t * d for p, (b, _), t, d in zip(o, dims, k, a["dilation_nd"])]
            if all(v % s == 0 and 0 <= v // s < n for v, s, n in zip(offsets, a["stride_nd"], spatial)):
                i = tuple(v // s for v, s in zip(offsets, a["stride_nd"]))
                products = np.einsum("ngc,gcm->ngm", xg[(Ellipsis,) + i], w[(Ellipsis,) + k])
                out[(slice(None), slice(None)) + o] += products.reshape(batch, maps)
    return out + (0 if bias is None else bias.reshape((1, maps) + (1,) * len(taps)))


def onnx_conv_transpose(x, kernel, bias, a) -> np.ndarray:
    """onnx.reference's ConvTranspose of the TensorRT layer ``a`` (explicit or SAME padding)."""
    attributes = dict(strides=a["stride_nd"], dilations=a["dilation_nd"], group=a["num_groups"])
    if a["padding_mode"] in SAME_MODES:
        attributes["auto_pad"] = a["padding_mode"]
    else:
        attributes["pads"] = a["pre_padding"] + a["post_padding"]
    names = ["X", "W"] + ([] if bias is None else ["B"])
    node = helper.make_node("ConvTranspose", names, ["Y"], **attributes)
    value = lambda name: helper.make_tensor_value_info(name, TensorProto.DOUBLE, None)  # noqa: E731
    graph = helper.make_graph([node], "deconvolution", [value(n) for n in names], [value("Y")])
    feeds = dict(zip(names, (x, kernel.reshape(x.shape[1], -1, *a["kernel_size_nd"]), bias)))
    return ReferenceEvaluator(helper.make_model(graph)).run(None, feeds)[0]


@st.composite
def cases(draw, groups=None):
    """(x, kernel, bias, attributes): a random valid 2-D or (smaller) 3-D layer with integer data."""
    limits = dict(modes=MODES, dilation=2, padding=2, groups=groups, per_group=2, batch=2)
    attributes, input_shape = draw(st.one_of(layers(ranks=(2,), kernel=3, stride=3, spatial=4, **limits),
                                             layers(ranks=(3,), kernel=2, stride=2, spatial=3, **limits)))
    g, maps = attributes["num_groups"], attributes["num_output_maps"]
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.integers(-9, 10, input_shape).astype(np.float64)
    w = rng.integers(-9, 10, (input_shape[1], maps // g) + attributes["kernel_size_nd"]).astype(np.float64)
    bias = rng.integers(-9, 10, maps).astype(np.float64) if draw(st.booleans()) else None
    return x, w, bias, attributes


@settings(max_examples=150, deadline=1000)
@given(cases())
def test_reference_equals_gather_oracle(case):
    x, w, bias, attributes = case
    actual = reference.deconvolution(x, w, bias, **attributes)
    expected = gather(x, w, bias, attributes)
    assert actual.shape == expected.shape == shapes.output_shape(x.shape, resolve(**attributes))
    np.testing.assert_array_equal(actual, expected)


@settings(max_examples=60, deadline=1000)
@given(cases(groups=st.just(1)))
def test_reference_equals_onnx_reference_without_groups(case):
    x, w, bias, attributes = case
    layer = resolve(**attributes)
    # ONNX's SAME pads the output to I * S even where the dilated kernel is shorter than the
    # stride; TensorRT's header says min(I * S, full). That case is kept apart (test below).
    assume(layer.padding_mode not in SAME_MODES or all(dk >= s for dk, s in zip(layer.dilated_kernel, layer.stride_nd)))
    assume(min(shapes.output_shape(x.shape, layer)) > 0)
    np.testing.assert_array_equal(reference.deconvolution(x, w, bias, **attributes),
                                  onnx_conv_transpose(x, w, bias, attributes))


def _layer(**attributes):
    base = dict(num_output_maps=1, kernel_size_nd=(3, 3), stride_nd=(1, 1), pre_padding=(0, 0),
                post_padding=(0, 0), padding_mode="EXPLICIT_ROUND_DOWN", dilation_nd=(1, 1), num_groups=1)
    return {**base, **attributes}


@pytest.mark.parametrize("channels, maps, with_bias", [(4, 2, False), (2, 4, False), (4, 4, False), (2, 2, True)])
def test_onnx_reference_is_no_oracle_with_groups(channels, maps, with_bias):
    rng = np.random.default_rng(channels * maps)
    a = _layer(num_output_maps=maps, num_groups=2)
    x = rng.integers(-9, 10, (1, channels, 3, 3)).astype(np.float64)
    w = rng.integers(-9, 10, (channels, maps // 2, 3, 3)).astype(np.float64)
    bias = np.arange(1.0, maps + 1.0) if with_bias else None
    expected = gather(x, w, bias, a)
    np.testing.assert_array_equal(reference.deconvolution(x, w, bias, **a), expected)
    try:
        onnx_result = onnx_conv_transpose(x, w, bias, a)
    except ValueError:  # it slices W by output channel, or writes one channel per group
        return
    assert not np.array_equal(onnx_result, expected), (
        "onnx.reference's ConvTranspose now handles groups: use it as an oracle for them too")


@pytest.mark.parametrize("mode", SAME_MODES)
def test_onnx_same_differs_where_dilated_kernel_is_shorter_than_stride(mode):
    a = _layer(kernel_size_nd=(1, 2), stride_nd=(2, 3), padding_mode=mode)
    x = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    w = np.array([2.0, 3.0])
    onnx_shape = onnx_conv_transpose(x, w, None, a).shape
    tensorrt_shape = reference.deconvolution(x, w, None, **a).shape
    assert tensorrt_shape == gather(x, w, None, a).shape
    assert onnx_shape[2:] == (3 * 2, 3 * 3)  # I * S
    assert tensorrt_shape[2:] == ((3 - 1) * 2 + 1, (3 - 1) * 3 + 2)  # (I - 1) * S + DK
