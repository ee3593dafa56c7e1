"""The benchmark's formulations and its correctness check, against the float64 reference model."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from trtdeconv_docs.layer import reference
from trtdeconv_docs.layer.attributes import DeconvolutionError, resolve
from trtdeconv_docs.benchmark import check, formulations
from trtdeconv_docs.benchmark.workloads import Workload

from .support.strategies import small_layers


@settings(max_examples=150, deadline=None)
@given(small_layers(), st.sampled_from(formulations.FORMULATIONS[1:]), st.integers(0, 2 ** 31 - 1))
def test_subpixel_equals_the_deconvolution(drawn, formulation, seed):
    attributes, shape = drawn
    layer = resolve(**attributes)
    try:
        reference.deconvolve(np.zeros(shape), np.zeros(reference.kernel_shape(layer, shape[1])), None, layer)
    except DeconvolutionError:
        assume(False)  # a layer TensorRT refuses has no formulation to compare
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    kernel = rng.standard_normal(reference.kernel_shape(layer, shape[1]))
    bias = rng.standard_normal(layer.num_output_maps)
    try:
        plan = formulations.plan_for(formulation, shape, kernel, bias, layer)
    except formulations.NotApplicable:
        assume(False)
    expected = reference.deconvolve(x, kernel, bias, layer)
    np.testing.assert_allclose(formulations.evaluate(plan, x), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", ["dcgan", "depthwise", "fcn_head"])
def test_subpixel_plans_of_the_workload_kinds_equal_the_deconvolution(name):
    """The benchmarked attributes, on small inputs (the GPU run checks the real sizes)."""
    from trtdeconv_docs.benchmark.workloads import by_name

    layer = by_name(name).layer
    channels = max(layer.num_groups, 2) if layer.num_groups > 1 else 3
    small = Workload("small", "test", (2, channels, 5, 4), {**by_name(name).attributes,
                     "num_output_maps": channels if layer.num_groups > 1 else 2,
                     "num_groups": channels if layer.num_groups > 1 else 1})
    arrays = small.arrays(seed=1)
    expected = reference.deconvolve(arrays["input"], arrays["kernel"], arrays["bias"], small.layer)
    for formulation in formulations.FORMULATIONS[1:]:
        plan = formulations.plan_for(formulation, small.input_shape, arrays["kernel"], arrays["bias"], small.layer)
        np.testing.assert_allclose(formulations.evaluate(plan, arrays["input"]), expected, rtol=1e-12, atol=1e-12)


def test_k4_s2_p1_is_a_3x3_convolution_without_slice_or_a_2x2_with_one():
    layer = resolve(num_output_maps=2, kernel_size_nd=(4, 4), stride_nd=(2, 2), padding_nd=(1, 1))
    kernel = np.zeros(reference.kernel_shape(layer, 3))
    aligned = formulations.plan_for("subpixel", (1, 3, 6, 6), kernel, None, layer)
    compact = formulations.plan_for("subpixel_compact", (1, 3, 6, 6), kernel, None, layer)
    assert (aligned.kernel_size, aligned.needs_slice, aligned.kernel.shape[0]) == ((3, 3), False, 8)
    assert (compact.kernel_size, compact.needs_slice, compact.start) == ((2, 2), True, (1, 1))


def test_dilated_layers_are_not_applicable():
    layer = resolve(num_output_maps=1, kernel_size_nd=(3, 3), stride_nd=(2, 2), dilation_nd=(2, 2))
    assert "dilation" in formulations.not_applicable("subpixel", (1, 1, 4, 4), layer)
    assert formulations.not_applicable("deconvolution", (1, 1, 4, 4), layer) is None


def test_the_check_slice_is_the_reference_of_that_slice():
    small = Workload("small", "test", (3, 8, 4, 5), dict(num_output_maps=8, kernel_size_nd=(3, 3), stride_nd=(2, 2),
                                                          padding_nd=(1, 1), num_groups=8))
    arrays = small.arrays(seed=2)
    full = reference.deconvolve(arrays["input"], arrays["kernel"], arrays["bias"], small.layer)
    sliced = check.reference_slice(arrays["input"], arrays["kernel"], arrays["bias"], small.layer)
    np.testing.assert_array_equal(sliced.expected, full[:1, :check.MAX_GROUPS])
    rounded = full.astype(np.float32)
    verdict = check.judge(rounded, sliced, "fp32", other=rounded)
    assert verdict["worst_ratio"] <= 1 and verdict["worst_ratio_vs_deconvolution"] == 0
    wrong = full.copy()
    wrong[0, 0, 0, 0] += 1e-3
    assert check.judge(wrong, sliced, "fp32")["worst_ratio"] > 1


def test_macs_count_every_product_when_nothing_is_cropped():
    """Independent oracle: the reference model's term counts (products + 1 bias per element)."""
    small = Workload("small", "test", (2, 4, 3, 5), dict(num_output_maps=6, kernel_size_nd=(3, 2), stride_nd=(2, 3),
                                                          num_groups=2))
    counts = reference.term_counts(small.input_shape, small.layer)
    assert small.macs() == int((counts - 1).sum())
