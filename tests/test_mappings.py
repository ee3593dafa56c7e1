"""Every row of the PyTorch / ONNX mapping table (:data:`trtdeconv_docs.layer.mappings.ROWS`), run.

Each case of a row is translated into TensorRT's attributes and run through the reference
model; the result must equal an independent oracle:

* ONNX with ``group == 1``: ``onnx.reference``'s ConvTranspose on a one-node model;
* PyTorch, and ONNX with ``group > 1`` (where ``onnx.reference`` is wrong, checked below):
  the adjoint of a direct convolution, since PyTorch defines ``ConvTranspose`` as the
  gradient of ``Conv`` with respect to its input, sized by the framework's own formula.

Data are small integers in float64, so every sum is exact and results must be equal. The
two tables' Sphinx directives are checked at the end (built from the test root tests/roots/test-tables).
"""

from __future__ import annotations


import numpy as np
import pytest
from docutils import nodes
from onnx import TensorProto, helper
from onnx.reference import ReferenceEvaluator

from trtdeconv_docs.layer import mappings, reference, shapes
from trtdeconv_docs.layer.attributes import SAME_MODES, resolve
from trtdeconv_docs.layer.mappings import ROWS, Inexpressible

from .support.adjoint import transpose_by_adjoint


def onnx_reference(x, w, bias, attributes):
    """``onnx.reference``'s ConvTranspose of (X, W, B) with these node attributes."""
    node = helper.make_node("ConvTranspose", ["X", "W", "B"], ["Y"], **attributes)
    value = lambda name: helper.make_tensor_value_info(name, TensorProto.DOUBLE, None)  # noqa: E731
    graph = helper.make_graph([node], "g", [value("X"), value("W"), value("B")], [value("Y")])
    return ReferenceEvaluator(helper.make_model(graph)).run(None, {"X": x, "W": w, "B": bias})[0]


def _pytorch_arguments(case):
    rank = len(case.input_shape) - 2
    a = {k: mappings._tuple(v, rank) if k in ("kernel_size", "stride", "padding", "output_padding", "dilation")
         else v for k, v in case.attributes.items()}
    defaults = dict(stride=(1,) * rank, padding=(0,) * rank, output_padding=(0,) * rank, dilation=(1,) * rank)
    return rank, {**defaults, "groups": 1, **a}


def data(case, seed: int = 0):
    """Integer (x, weight, bias) for the case, the weight in the framework's layout."""
    rng = np.random.default_rng(seed)
    if case.framework == "pytorch":
        _, a = _pytorch_arguments(case)
        weight_shape = (a["in_channels"], a["out_channels"] // a["groups"]) + a["kernel_size"]
    else:
        weight_shape = case.weight_shape
    maps = weight_shape[1] * (case.attributes.get("group", 1) if case.framework == "onnx"
                              else _pytorch_arguments(case)[1]["groups"])
    draw = lambda shape: rng.integers(-9, 10, shape).astype(np.float64)  # noqa: E731
    return draw(case.input_shape), draw(weight_shape), draw(maps)


def translate(case):
    """TensorRT attributes of the case, by :mod:`trtdeconv_docs.layer.mappings`."""
    if case.framework == "pytorch":
        return mappings.from_pytorch(len(case.input_shape) - 2, **case.attributes)
    return mappings.from_onnx(case.attributes, case.weight_shape)


def oracle(case, x, w, bias):
    """The framework's output, from ``onnx.reference`` or the adjoint of a convolution (module docstring)."""
    spatial = x.shape[2:]
    if case.framework == "pytorch":
        rank, a = _pytorch_arguments(case)
        out = [(i - 1) * s - 2 * p + d * (k - 1) + op + 1 for i, s, p, d, k, op in
               zip(spatial, a["stride"], a["padding"], a["dilation"], a["kernel_size"], a["output_padding"])]
        return transpose_by_adjoint(x, w, bias, a["stride"], a["dilation"], a["padding"], out, a["groups"])
    a = case.attributes
    if a.get("group", 1) == 1:
        return onnx_reference(x, w, bias, a)
    rank = len(spatial)
    assert a.get("auto_pad", "NOTSET") == "NOTSET", "no SAME case with groups: no oracle sizes it"
    stride, dilation = a.get("strides", (1,) * rank), a.get("dilations", (1,) * rank)
    pads, extra = a.get("pads", (0,) * 2 * rank), a.get("output_padding", (0,) * rank)
    out = [s * (i - 1) + op + 1 + d * (k - 1) - b - e for s, i, op, d, k, b, e in
           zip(stride, spatial, extra, dilation, w.shape[2:], pads[:rank], pads[rank:])]
    return transpose_by_adjoint(x, w, bias, stride, dilation, pads[:rank], out, a["group"])


CASES = [pytest.param(row, case, id=f"{row.topic.split()[-1]}-{case.framework}-{n}")
         for row in ROWS for n, case in enumerate(row.cases)]


@pytest.mark.parametrize("row, case", CASES)
def test_each_row_case_computes_what_the_framework_computes(row, case):
    if case.inexpressible:
        with pytest.raises(Inexpressible, match=case.inexpressible):
            translate(case)
        return
    x, w, bias = data(case)
    actual = reference.deconvolution(x, w, bias, **translate(case))
    expected = oracle(case, x, w, bias)
    assert actual.shape == expected.shape
    np.testing.assert_array_equal(actual, expected)


def test_every_row_has_a_case_and_both_frameworks_are_covered():
    assert all(row.cases for row in ROWS)
    assert {case.framework for row in ROWS for case in row.cases} == {"pytorch", "onnx"}
    assert any(len(case.input_shape) == 5 for row in ROWS for case in row.cases)  # a 3-D layer too


def test_the_adjoint_oracle_agrees_with_onnx_reference_without_groups():
    """The adjoint oracle is itself checked where onnx.reference is trusted."""
    rng = np.random.default_rng(7)
    x, w, bias = rng.integers(-9, 10, (1, 2, 3, 2)), rng.integers(-9, 10, (2, 3, 2, 3)), rng.integers(-9, 10, 3)
    x, w, bias = x.astype(float), w.astype(float), bias.astype(float)
    a = dict(strides=[2, 3], dilations=[1, 2], pads=[1, 0, 0, 2], output_padding=[1, 0])
    expected = onnx_reference(x, w, bias, a)
    np.testing.assert_array_equal(
        transpose_by_adjoint(x, w, bias, (2, 3), (1, 2), (1, 0), expected.shape[2:], 1), expected)


def _row(topic_word):
    (row,) = [row for row in ROWS if topic_word in row.topic]
    return row


def test_pytorch_output_padding_beyond_padding_adds_only_bias():
    """The row's claim: where op > p, the extra trailing elements lie past the full output and hold the bias."""
    (case,) = [c for c in _row("output_padding").cases if c.framework == "pytorch" and c.inexpressible]
    rank, a = _pytorch_arguments(case)
    x, w, bias = data(case)
    expected = oracle(case, x, w, bias)
    cropped = reference.deconvolution(x, w, bias, **dict(mappings.from_pytorch(
        rank, **dict(case.attributes, output_padding=0)), post_padding=(0,) * rank))  # pre = p only
    box = tuple(slice(0, min(e, c)) for e, c in zip(expected.shape[2:], cropped.shape[2:]))
    np.testing.assert_array_equal(expected[(Ellipsis,) + box], cropped[(Ellipsis,) + box])
    outside = np.ones(expected.shape, bool)
    outside[(Ellipsis,) + box] = False
    assert outside.any()
    np.testing.assert_array_equal(expected[outside], np.broadcast_to(bias.reshape(1, -1, 1, 1), expected.shape)[outside])


@pytest.mark.parametrize("mode", SAME_MODES)
def test_onnx_same_sizes_differ_where_the_dilated_kernel_is_shorter_than_the_stride(mode):
    """The page's claim: ONNX outputs I*S, TensorRT (I-1)*S+DK; ONNX's extra element (bias only) comes
    first in SAME_UPPER and last in SAME_LOWER (here DK - S = -1 in both dimensions)."""
    (case,) = [c for c in _row(mode).cases if c.inexpressible]
    x, w, bias = data(case)
    onnx = onnx_reference(x, w, bias, case.attributes)
    layer = resolve(num_output_maps=1, kernel_size_nd=w.shape[2:], stride_nd=case.attributes["strides"],
                    padding_mode=mode)
    assert [dk - s for dk, s in zip(layer.dilated_kernel, layer.stride_nd)] == [-1, -1]
    assert onnx.shape[2:] == tuple(i * s for i, s in zip(x.shape[2:], layer.stride_nd))
    tensorrt = reference.deconvolve(x, w, bias, layer)
    assert tensorrt.shape[2:] == shapes.full_size(layer, x.shape[2:]) != onnx.shape[2:]
    kept = (slice(1, None),) * 2 if mode == "SAME_UPPER" else (slice(None, -1),) * 2
    np.testing.assert_array_equal(onnx[(Ellipsis,) + kept], tensorrt)
    extra = np.ones(onnx.shape, bool)
    extra[(Ellipsis,) + kept] = False
    np.testing.assert_array_equal(onnx[extra], np.broadcast_to(bias.reshape(1, -1, 1, 1), onnx.shape)[extra])


@pytest.mark.parametrize("case", [c for c in _row("groups").cases if c.framework == "onnx"])
def test_onnx_reference_is_wrong_with_groups(case):
    """Backs the groups row's note; when this fails, onnx.reference can be the oracle for groups too."""
    x, w, bias = data(case)
    expected = oracle(case, x, w, bias)
    try:
        result = onnx_reference(x, w, bias, case.attributes)
    except ValueError:
        return
    assert result.shape != expected.shape or not np.array_equal(result, expected)


def test_onnx_output_shape_is_not_mapped_and_onnx_reference_cannot_check_it():
    attributes = dict(strides=[1, 2], output_shape=[1, 6])
    with pytest.raises(Inexpressible, match="output_shape"):
        mappings.from_onnx(attributes, (1, 1, 1, 3))
    x, w = np.arange(1.0, 4.0).reshape(1, 1, 1, 3), np.ones((1, 1, 1, 3))
    with pytest.raises(ValueError):
        onnx_reference(x, w, np.zeros(1), attributes)


@pytest.mark.parametrize("arguments, phrase", [
    (dict(in_channels=1, out_channels=1, kernel_size=3, padding="same"), "padding"),
    (dict(in_channels=1, out_channels=1, kernel_size=3, padding_mode="reflect"), "padding_mode"),
    (dict(in_channels=3, out_channels=2, kernel_size=3, groups=2), "groups"),
])
def test_pytorch_arguments_without_a_tensorrt_layer(arguments, phrase):
    with pytest.raises(Inexpressible, match=phrase):
        mappings.from_pytorch(2, **arguments)


def test_one_dimensional_layers_are_refused():
    with pytest.raises(Inexpressible, match="2-D or 3-D"):
        mappings.from_onnx({}, (1, 1, 3))
    with pytest.raises(Inexpressible, match="2-D or 3-D"):
        mappings.from_pytorch(1, in_channels=1, out_channels=1, kernel_size=3)


def _table_text(document):
    (table,) = document.findall(nodes.table)
    rows = [[entry.astext() for entry in row.findall(nodes.entry)] for row in table.findall(nodes.row)]
    return rows[0], rows[1:]


@pytest.mark.sphinx("dummy", testroot="tables", srcdir="tables-mapping")
def test_mapping_table_directive_renders_every_row_and_its_note(app):
    app.build()
    document = app.env.get_doctree("mapping")
    header, body = _table_text(document)
    assert len(header) == 4 and len(body) == len(ROWS)
    notes = [item.astext() for item in document.findall(nodes.list_item)]
    for cells, note, row in zip(body, notes, ROWS):
        assert cells == [text.replace("``", "") for text in (row.topic, row.pytorch, row.onnx, row.tensorrt)]
        assert note == f"{row.topic}：{row.note.replace('``', '')}"
    assert len(notes) == len(ROWS)
    assert app.warning.getvalue() == ""


@pytest.mark.sphinx("dummy", testroot="tables", srcdir="tables-formula")
def test_formula_table_directive_renders_shapes_formulas(app):
    app.build()
    header, body = _table_text(app.env.get_doctree("formula"))
    assert header[0] == "padding_mode" and len(header) == 4
    assert body == [[rule.mode, rule.total, rule.split, rule.output] for rule in shapes.FORMULAS]
    assert app.warning.getvalue() == ""
