"""The depthwise alternatives (zero insertion, resize, resize + 3x3 convolution) and the fused blocks' reference,
against the float64 reference model and independent oracles (PyTorch's documented ``fill_up_weights``, hand-derived
half-pixel interpolation)."""

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trtdeconv_docs.benchmark import blocks, check, plan, upsampling
from trtdeconv_docs.benchmark.formulations import NotApplicable
from trtdeconv_docs.benchmark.workloads import BLOCKS, WORKLOADS, Workload, bilinear_kernel, by_name
from trtdeconv_docs.layer import reference
from trtdeconv_docs.layer.attributes import resolve

from .support.strategies import accepted_case, small_layers


@settings(max_examples=150, deadline=None)
@given(small_layers(), st.integers(0, 2 ** 31 - 1))
def test_zero_insertion_equals_the_deconvolution(drawn, seed):
    """Any layer (dense, grouped, depthwise, 2-D, 3-D) that zero insertion can express, exactly."""
    layer, x, kernel, bias = accepted_case(
        drawn, seed, lambda shape, kernel, layer: upsampling.zero_insertion_plan(shape, kernel, None, layer),
        (NotApplicable,))
    zero_plan = upsampling.zero_insertion_plan(x.shape, kernel, bias, layer)
    np.testing.assert_allclose(upsampling.evaluate(zero_plan, x), reference.deconvolve(x, kernel, bias, layer),
                               rtol=1e-12, atol=1e-12)


def test_bilinear_kernel_is_fill_up_weights():
    """DLA/DRN's ``fill_up_weights`` as written there (a loop over i, j), for k = 4, 8, 16."""
    for size in (4, 8, 16):
        f = int(np.ceil(size / 2))
        c = (2 * f - 1 - f % 2) / (2.0 * f)
        expected = np.array([[(1 - abs(i / f - c)) * (1 - abs(j / f - c)) for j in range(size)] for i in range(size)])
        np.testing.assert_allclose(bilinear_kernel((size, size)), expected, rtol=1e-7)


def small_bilinear(stride: int, channels=3, spatial=(5, 6)) -> Workload:
    return Workload(f"b{stride}", "test", (2, channels) + spatial,
                    dict(num_output_maps=channels, kernel_size_nd=(2 * stride,) * 2, stride_nd=(stride,) * 2,
                         padding_nd=(stride // 2,) * 2, num_groups=channels), "bilinear", "bilinear")


@pytest.mark.parametrize("stride", [2, 4, 8])
def test_resize_equals_the_bilinear_deconvolution_inside_and_differs_on_the_border(stride):
    workload = small_bilinear(stride)
    arrays = workload.arrays(seed=3)
    expected = reference.deconvolve(arrays["input"], arrays["kernel"], arrays["bias"], workload.layer)
    resize_plan = upsampling.resize_plan(workload.input_shape, arrays["kernel"], arrays["bias"], workload.layer)
    got = upsampling.evaluate(resize_plan, arrays["input"])
    assert got.shape == expected.shape and resize_plan.border == (stride // 2,) * 2
    np.testing.assert_allclose(upsampling.interior(got, resize_plan.border),
                               upsampling.interior(expected, resize_plan.border), rtol=1e-12, atol=1e-12)
    # on the border the deconvolution reads zero padding where the resize repeats the edge element: the whole
    # deconvolution is the resize of the input padded with one zero on each side, cut back by S on each side
    assert upsampling.border_difference(got, expected, resize_plan.border) > 0.01
    padded = np.pad(arrays["input"].astype(np.float64), ((0, 0), (0, 0), (1, 1), (1, 1)))
    np.testing.assert_allclose(upsampling.resize(padded, (stride,) * 2, "linear")[:, :, stride:-stride, stride:-stride],
                               expected, rtol=1e-12, atol=1e-12)


def test_half_pixel_resize_by_hand():
    """The NumPy resize against the half-pixel rule written out: x = [a, b] up by 2 is [a, 3a/4 + b/4, a/4 + 3b/4, b]."""
    a, b = 2.0, 6.0
    got = upsampling.resize(np.array([[[a, b]]]), (2,), "linear")
    np.testing.assert_allclose(got[0, 0], [a, 0.75 * a + 0.25 * b, 0.25 * a + 0.75 * b, b])
    np.testing.assert_array_equal(upsampling.resize(np.array([[[a, b]]]), (2,), "nearest")[0, 0], [a, a, b, b])


def test_resize_is_refused_for_other_kernels_and_layers():
    workload = small_bilinear(2)
    arrays = workload.arrays()
    with pytest.raises(NotApplicable, match="bilinear"):
        upsampling.resize_plan(workload.input_shape, arrays["kernel"] * 1.5, None, workload.layer)
    with pytest.raises(NotApplicable, match="bias"):
        upsampling.resize_plan(workload.input_shape, arrays["kernel"], np.ones(3), workload.layer)
    assert upsampling.not_applicable("resize", by_name("depthwise")) == "the kernel is not the frozen bilinear kernel"
    assert "depthwise" in upsampling.not_applicable("zero_insertion", by_name("dcgan"))


def test_resize_conv_is_timed_but_labelled_not_equivalent():
    workload = small_bilinear(2)
    arrays = workload.arrays()
    conv_plan = upsampling.resize_conv_plan(workload.input_shape, arrays["kernel"], None, workload.layer)
    got = upsampling.evaluate(conv_plan, arrays["input"])
    assert got.shape == workload.output_shape
    assert not np.allclose(got, reference.deconvolve(arrays["input"], arrays["kernel"], arrays["bias"], workload.layer))
    assert upsampling.EQUIVALENCE["resize_conv"] == upsampling.NOT_EQUIVALENT == "not equivalent: needs retraining"


def test_the_plan_builds_every_alternative_the_issue_names():
    built = {run.id for run in plan.runs() if run.skipped is None}
    for name in ("idaup_f2", "idaup_f4", "drn_head"):
        for formulation in ("deconvolution", "subpixel", "subpixel_phases") + upsampling.ALTERNATIVES:
            assert f"{name}/{formulation}/fp16" in built
    assert {"depthwise/zero_insertion/fp16", "depthwise/resize_conv/fp16"} <= built
    assert "depthwise/resize/fp16" not in built  # its kernel is not bilinear
    for workload in WORKLOADS:
        if workload.sweep in ("3d_64", "hifigan", "fused", "dynamic"):
            assert f"{workload.name}/deconvolution/fp16" in built
    assert {w.block for w in WORKLOADS} >= set(BLOCKS)
    assert all(r.formulation == "deconvolution" for r in plan.runs(["dynamic"]) if r.skipped is None)


@pytest.mark.parametrize("block", ["bias_relu", "bn_relu", "add", "concat"])
def test_block_reference_is_the_block_applied_to_the_reference(block):
    workload = Workload("blk", "test", (2, 3, 4, 5), dict(num_output_maps=4, kernel_size_nd=(4, 4), stride_nd=(2, 2),
                                                          padding_nd=(1, 1)), "fused", block=block)
    arrays = workload.arrays(seed=2)
    checked = check.reference_slice(arrays["input"], arrays["kernel"], arrays["bias"], workload.layer)
    got = blocks.reference_slice(checked, block, arrays)
    y = reference.deconvolve(arrays["input"][:1], arrays["kernel"], arrays["bias"], workload.layer)[:, :checked.channels]
    if block == "bn_relu":
        y = np.maximum(y * arrays["scale"][:4].reshape(1, -1, 1, 1) + arrays["shift"][:4].reshape(1, -1, 1, 1), 0)
    elif block == "bias_relu":
        y = np.maximum(y, 0)
    elif block == "add":
        y = y + arrays["skip"][:1, :checked.channels]
    np.testing.assert_allclose(got.expected, y, rtol=1e-12, atol=1e-12)
    assert np.all(got.absolute_terms >= np.abs(got.expected) - 1e-12)
    assert workload.block_output_shape[1] == (8 if block == "concat" else 4)


def test_per_channel_quantization_is_per_map():
    kernel = np.arange(2 * 3 * 2 * 2, dtype=np.float64).reshape(2, 3, 2, 2) - 10
    layer = resolve(num_output_maps=3, kernel_size_nd=(2, 2), stride_nd=(2, 2))
    scales, axis = check.int8_kernel_scales(kernel, layer)
    assert axis == 1 and len(scales) == 3
    for m in range(3):
        np.testing.assert_allclose(scales[m], np.abs(kernel[:, m]).max() / 127)
        np.testing.assert_allclose(check.quantized(kernel, scales, axis)[:, m], check.quantized(kernel[:, m], scales[m]))
    grouped = dataclasses.replace(layer, num_groups=2, num_output_maps=2)
    assert check.int8_kernel_scales(kernel[:, :1], grouped)[1] is None


@pytest.mark.parametrize("name", ["dcgan", "segmentation", "unet2d", "idaup_f2", "idaup_f4", "depthwise"])
def test_formulation_flops_and_bytes_by_hand(name):
    """Per output element, a phase convolution sums exactly (K / S)^R taps of C / g inputs, zero insertion all K^R
    (each at every output position), the aligned sub-pixel convolution its K'^R; the weights' bytes follow."""
    from trtdeconv_docs.benchmark import roofline

    workload = by_name(name)
    layer = workload.layer
    outputs = int(np.prod(workload.output_shape))
    per_tap = 2 * outputs * workload.input_shape[1] // layer.num_groups
    taps = int(np.prod([k // s for k, s in zip(layer.kernel_size_nd, layer.stride_nd)]))
    assert roofline.formulation_flops(workload, "subpixel_phases") == per_tap * taps
    assert roofline.formulation_flops(workload, "deconvolution") == roofline.flops(workload)
    if layer.num_groups > 1:
        assert roofline.formulation_flops(workload, "zero_insertion") == per_tap * int(np.prod(layer.kernel_size_nd))
    aligned = aligned_subpixel_taps(workload)
    assert roofline.formulation_flops(workload, "subpixel") == per_tap * aligned
    extra = (aligned * int(np.prod(layer.stride_nd)) - int(np.prod(layer.kernel_size_nd))) * workload.kernel_shape[0] \
        * workload.kernel_shape[1] * 2
    assert roofline.formulation_bytes(workload, "subpixel", "fp16") == roofline.bytes_moved(workload, "fp16") + extra


def aligned_subpixel_taps(workload) -> int:
    """K'^R of the aligned sub-pixel plan: ceil(K / S) taps per phase, one more where the crop is not a multiple of
    S (k4 s2 p1: 3)."""
    taps = 1
    for k, s, p in zip(workload.layer.kernel_size_nd, workload.layer.stride_nd, workload.layer.pre_padding):
        taps *= -(-k // s) + (1 if p % s else 0)
    return taps
