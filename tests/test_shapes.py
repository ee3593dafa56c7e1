"""The output-shape rules: the documented formula table is what the code does; refusals name the attribute."""

from __future__ import annotations

import dataclasses
import inspect
import re

import numpy as np
import pytest
from hypothesis import given, settings

from trtdeconv_docs.layer import reference, shapes
from trtdeconv_docs.layer.attributes import LAYER_ATTRIBUTES, PADDING_MODES, RESOLVED_ATTRIBUTES, Deconvolution, DeconvolutionError, resolve

from .support.formulas import crop_of_text, evaluate
from .support.strategies import layers


def test_formula_table_covers_every_padding_mode_once():
    assert sorted(rule.mode for rule in shapes.FORMULAS) == sorted(PADDING_MODES)


def test_docstring_table_is_the_formulas_table():
    rows = re.findall(r"^(\w+)\s+``(.+?)``\s+``(.+?)``\s*$", shapes.__doc__, re.MULTILINE)
    assert rows == [(rule.mode, rule.total, rule.split) for rule in shapes.FORMULAS]


def test_the_attribute_lists_are_resolves_arguments_and_the_resolved_fields():
    assert set(LAYER_ATTRIBUTES) <= set(inspect.signature(resolve).parameters)
    assert set(RESOLVED_ATTRIBUTES) == {field.name for field in dataclasses.fields(Deconvolution)}


def expected_crop(mode: str, pre: int, post: int, dk: int, s: int):
    """(B, A) from NVIDIA's header (EXPLICIT, SAME) and the GPU measurement (CAFFE), written apart from shapes.py."""
    if mode.startswith("EXPLICIT"):
        return pre, post
    if mode.startswith("CAFFE"):
        return pre, pre
    total = max(dk - s, 0)  # SAME: the extra element goes to the end (UPPER) or the start (LOWER)
    return (total // 2, total - total // 2) if mode == "SAME_UPPER" else (total - total // 2, total // 2)


@settings(max_examples=200, deadline=None)
@given(layers())
def test_output_shape_follows_the_padding_mode(case):
    attributes, input_shape = case
    layer = resolve(**attributes)
    rule = shapes.RULES[layer.padding_mode]
    out = shapes.output_shape(input_shape, layer)
    assert out[:2] == (input_shape[0], layer.num_output_maps)
    dims = zip(input_shape[2:], layer.kernel_size_nd, layer.stride_nd, layer.dilation_nd,
               layer.pre_padding, layer.post_padding, out[2:], shapes.crop(layer))
    for size, k, s, d, pre, post, o, crop in dims:
        dk = 1 + d * (k - 1)
        assert crop == expected_crop(layer.padding_mode, pre, post, dk, s)
        # the printed formulas compute what the code does
        assert crop_of_text(rule.total, rule.split, pre=pre, post=post, DK=dk, S=s) == crop
        assert evaluate(shapes.FULL_SIZE, I=size, S=s, DK=dk) == (size - 1) * s + dk
        assert o == (size - 1) * s + dk - sum(crop)
        # every expression of the documented output column evaluates to the output size
        for expression in rule.output.split(" = ")[1:]:
            assert evaluate(expression, I=size, S=s, DK=dk, P=sum(crop)) == o, expression


def test_an_output_dimension_of_zero_is_allowed():
    layer = resolve(num_output_maps=1, kernel_size_nd=(3, 3), post_padding=(5, 5))
    assert shapes.output_shape((1, 1, 3, 3), layer) == (1, 1, 0, 0)


BASE = dict(num_output_maps=2, kernel_size_nd=(3, 3))

LAYER_REFUSALS = [
    ("kernel_size_nd", dict(kernel_size_nd=(3,))),
    ("kernel_size_nd", dict(kernel_size_nd=(3, 3, 3, 3))),
    ("kernel_size_nd", dict(kernel_size_nd=None)),
    ("kernel_size_nd", dict(kernel_size_nd=(3, 0))),
    ("kernel_size_nd", dict(kernel_size_nd=(3, 2.5))),
    ("stride_nd", dict(stride_nd=(2, 2, 2))),
    ("stride_nd", dict(stride_nd=(0, 1))),
    ("stride_nd", dict(stride_nd=("a", 1))),
    ("dilation_nd", dict(dilation_nd=(1, 0))),
    ("dilation_nd", dict(dilation_nd=(1,))),
    ("padding_nd", dict(padding_nd=(-1, 0))),
    ("padding_nd", dict(padding_nd=(1, 1, 1))),
    ("pre_padding", dict(pre_padding=(0, -1))),
    ("post_padding", dict(post_padding=(-1, 0))),
    ("post_padding", dict(post_padding=(1.5, 0))),
    ("padding_mode", dict(padding_mode="VALID")),
    ("num_output_maps", dict(num_output_maps=0)),
    ("num_output_maps", dict(num_output_maps=1.5)),
    ("num_groups", dict(num_groups=0)),
    ("num_groups", dict(num_groups=3)),
]


@pytest.mark.parametrize("name, attributes", LAYER_REFUSALS)
def test_resolve_refusal_names_the_attribute(name, attributes):
    with pytest.raises(DeconvolutionError, match=name):
        resolve(**{**BASE, **attributes})


SHAPE_REFUSALS = [
    ("input shape", (1, 2, 3), {}),
    ("input shape", (1, 1, 1, 1, 1, 1, 1, 2, 3, 3), {}),
    ("input shape", (1, 2, 0, 3), {}),
    ("num_groups", (1, 3, 3, 3), dict(num_groups=2)),
    ("pre_padding/post_padding", (1, 2, 3, 3), dict(pre_padding=(3, 0), post_padding=(3, 0))),
    ("pre_padding/post_padding", (1, 2, 3, 3), dict(padding_nd=(0, 3))),
]


def test_leading_dimensions_are_batch_dimensions():
    """A rank-5 input to a 2-D layer: channels at dimension -3, as TensorRT 8.6 counted them (case r21)."""
    layer = resolve(**BASE)
    assert shapes.output_shape((2, 3, 2, 3, 3), layer)[:3] == (2, 3, BASE["num_output_maps"])
    x = np.random.default_rng(0).standard_normal((2, 3, 2, 3, 3))
    kernel = np.random.default_rng(1).standard_normal((2, BASE["num_output_maps"], 3, 3))
    stacked = reference.deconvolve(x, kernel, None, layer)
    for index in np.ndindex(2, 3):
        np.testing.assert_array_equal(stacked[index], reference.deconvolve(x[index][None], kernel, None, layer)[0])


@pytest.mark.parametrize("name, input_shape, attributes", SHAPE_REFUSALS)
def test_output_shape_refusal_names_the_attribute(name, input_shape, attributes):
    with pytest.raises(DeconvolutionError, match=re.escape(name)):
        shapes.output_shape(input_shape, resolve(**{**BASE, **attributes}))
