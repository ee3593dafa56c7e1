"""The matmul + overlap-add (col2im) formulation and its GEMM shapes, against the float64 reference model.

torch is not needed: :func:`col2im.columns` is the runner's own code (it runs on NumPy arrays too), and
:func:`col2im.fold` follows ``torch.nn.functional.fold`` with the arguments the runner passes it.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trtdeconv_docs.layer import reference
from trtdeconv_docs.layer.attributes import resolve
from trtdeconv_docs.benchmark import col2im, roofline
from trtdeconv_docs.benchmark.formulations import NotApplicable
from trtdeconv_docs.benchmark.workloads import WORKLOADS, by_name

from .support.strategies import accepted_case, small_layers as layers


@settings(max_examples=150, deadline=None)
@given(layers(), st.integers(0, 2 ** 31 - 1))
def test_matmul_and_overlap_add_equal_the_deconvolution(drawn, seed):
    layer, x, kernel, bias = accepted_case(drawn, seed, lambda shape, _kernel, layer: col2im.plan(shape, layer),
                                           (NotApplicable,))
    try:
        got = col2im.matmul_overlap_add(x, kernel, bias, layer)
    except NotApplicable as error:
        assert layer.spatial_rank == 3 and "2-D only" in str(error)
        return
    np.testing.assert_allclose(got, reference.deconvolve(x, kernel, bias, layer), rtol=1e-10, atol=1e-10)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 2), st.integers(1, 3), st.integers(1, 2), st.integers(1, 3), st.integers(1, 3),
       st.integers(0, 2 ** 31 - 1))
def test_3d_kernel_equal_to_stride_is_a_rearrangement(n, groups, maps, stride, size, seed):
    layer = resolve(num_output_maps=groups * maps, kernel_size_nd=(stride, 2, 1), stride_nd=(stride, 2, 1),
                    num_groups=groups)
    shape = (n, 2 * groups, size, size + 1, 2)
    rng = np.random.default_rng(seed)
    x, kernel = rng.standard_normal(shape), rng.standard_normal(reference.kernel_shape(layer, shape[1]))
    bias = rng.standard_normal(layer.num_output_maps)
    assert col2im.plan(shape, layer).overlap_add_unavailable() is None
    np.testing.assert_allclose(col2im.matmul_overlap_add(x, kernel, bias, layer),
                               reference.deconvolve(x, kernel, bias, layer), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("workload", WORKLOADS, ids=lambda w: w.name)
def test_gemm_shape_of_every_workload_has_the_deconvolutions_flops(workload):
    p = col2im.plan(workload.input_shape, workload.layer)
    assert p.flops == roofline.flops(workload) - workload.block_elementwise_flops() == 2 * workload.macs()
    assert p.gemm["batch"] == workload.layer.num_groups
    assert col2im.plan(workload.input_shape, workload.layer).output_shape == workload.output_shape


def test_gemm_shapes_of_the_issues_workloads():
    """Shapes from issue 12's workload list: U-Net 2-D 256->128, 64x64, k2 s2, batch 8; depthwise C = 128."""
    assert col2im.plan(by_name("unet2d").input_shape, by_name("unet2d").layer).gemm == \
        {"batch": 1, "m": 8 * 64 * 64, "k": 256, "n": 128 * 2 * 2}
    depthwise = by_name("depthwise")
    assert col2im.plan(depthwise.input_shape, depthwise.layer).gemm == \
        {"batch": 128, "m": 8 * 128 * 128, "k": 1, "n": 4 * 4}


def test_which_workloads_have_an_overlap_add():
    unavailable = {w.name: col2im.plan(w.input_shape, w.layer).overlap_add_unavailable() for w in WORKLOADS}
    assert [name for name, reason in unavailable.items() if reason] == []  # unet3d is k2 s2: a rearrangement
    layer = resolve(num_output_maps=2, kernel_size_nd=(3, 3, 3), stride_nd=(2, 2, 2))
    assert "2-D only" in col2im.plan((1, 2, 3, 3, 3), layer).overlap_add_unavailable()
