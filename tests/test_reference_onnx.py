"""The reference model reproduces ONNX's own ConvTranspose test cases (an independent oracle).

The cases ship inside the ``onnx`` package (``collect_testcases`` builds them in memory).
ONNX's ConvTranspose and TensorRT's deconvolution compute the same sum with the same
weight layout ``(C_in, M / group, *kernel)``; they differ in how the output is sized:

* 1-D cases: TensorRT's deconvolution is 2-D or 3-D only (a network could reshape a 1-D
  input to 2-D, but that is no longer this layer), so they are not expressible.
* ``pads`` (begin..., end...): TensorRT's ``pre_padding`` and ``post_padding``.
* ``auto_pad`` SAME_UPPER / SAME_LOWER: TensorRT's padding modes of the same names (their
  formulas agree whenever the dilated kernel is at least the stride, as in ONNX's case).
* ``output_padding`` appends elements to the end of the output, that is a *negative* post
  padding, and ``output_shape`` asks for an output size, from which ONNX's spec derives the
  padding. TensorRT refuses negative padding, so such a case is expressible only where
  ``post = pads_end - output_padding`` and the derived padding are all >= 0. The three ONNX
  cases that use them ask for outputs larger than the full deconvolution: not expressible.
"""

from __future__ import annotations

import importlib
import warnings

import numpy as np
import pytest
from onnx import helper

from trtdeconv_docs.layer import mappings, reference, tolerance
from trtdeconv_docs.layer.attributes import resolve
from trtdeconv_docs.layer.mappings import Inexpressible

INEXPRESSIBLE = {
    "test_convtranspose_1d": "1-D",
    "test_convtranspose_output_shape": "post_padding",
    "test_convtranspose_pad": "post_padding",
    "test_convtranspose_kernel_shape": "post_padding",
}
"""Every ONNX ConvTranspose case that TensorRT's deconvolution cannot express, and why."""


def _onnx_cases():
    # ONNX's collect_testcases("ConvTranspose") imports every node-case module and runs every
    # operator's exporters (pooling ones for seconds) before filtering: 5 s in each test process.
    # Importing the ConvTranspose module alone runs only its exporters, whose expect() calls
    # record their cases in the package's case list.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import onnx.backend.test.case.node as node_cases
        importlib.import_module("onnx.backend.test.case.node.convtranspose")  # for its side effect

    return [case for case in node_cases._NodeTestCases if case.model.graph.node[0].op_type == "ConvTranspose"]


CASES = _onnx_cases()


def tensorrt_attributes(node, x: np.ndarray, w: np.ndarray) -> dict:
    """The TensorRT attributes of the layer computing ONNX ``node``; raises :class:`Inexpressible`.

    ``output_shape`` is first turned into ``pads`` by the ONNX spec's formula (total
    padding split end-light, as for NOTSET); the rest is :func:`mappings.from_onnx`.
    """
    onnx = {a.name: helper.get_attribute_value(a) for a in node.attribute}
    onnx = {name: value.decode() if isinstance(value, bytes) else value for name, value in onnx.items()}
    if "output_shape" in onnx:
        rank = x.ndim - 2
        stride = onnx.get("strides", (1,) * rank)
        dilation = onnx.get("dilations", (1,) * rank)
        output_padding = onnx.get("output_padding", (0,) * rank)
        total = [s * (i - 1) + op + 1 + d * (k - 1) - o for s, i, op, d, k, o in
                 zip(stride, x.shape[2:], output_padding, dilation, w.shape[2:], onnx.pop("output_shape"))]
        onnx["pads"] = [t - t // 2 for t in total] + [t // 2 for t in total]
    return mappings.from_onnx(onnx, w.shape)


def translate(case):
    """(inputs, expected output, TensorRT attributes) of an ONNX case."""
    inputs, (expected,) = case.data_sets[0]
    x, w = inputs[:2]
    return inputs, expected, tensorrt_attributes(case.model.graph.node[0], x, w)


def _expressible(case) -> bool:
    try:
        translate(case)
    except Inexpressible:
        return False
    return True


EXPRESSIBLE = [pytest.param(case, id=case.name) for case in CASES if _expressible(case)]


def test_every_case_is_run_or_listed_as_inexpressible():
    assert {case.name for case in CASES if not _expressible(case)} == set(INEXPRESSIBLE)
    assert len(EXPRESSIBLE) + len(INEXPRESSIBLE) == len(CASES) >= 11


@pytest.mark.parametrize("name, why", sorted(INEXPRESSIBLE.items()))
def test_inexpressible_for_the_stated_reason(name, why):
    (case,) = [case for case in CASES if case.name == name]
    with pytest.raises(Inexpressible, match=why):
        translate(case)


@pytest.mark.parametrize("case", EXPRESSIBLE)
def test_reference_matches_onnx_case(case):
    inputs, expected, attributes = translate(case)
    x, w = inputs[:2]
    bias = inputs[2] if len(inputs) > 2 else None
    actual = reference.deconvolution(x, w, bias, **attributes)
    assert actual.shape == expected.shape
    layer = resolve(**attributes)
    ratio = tolerance.worst_ratio(expected, actual, reference.absolute_terms(x, w, bias, layer),
                                  reference.term_counts(x.shape, layer), "fp32")
    assert ratio <= 1.0, f"{case.name}: {ratio:.3g} x the float32 bound"
