"""The rewrite users can apply (trtdeconv_docs.benchmark.rewrite): equal to the deconvolution, on CPU.

The networks are built with the FAKE tensorrt of tests/fake_tensorrt/tensorrt.py, which evaluates every layer in
float64 NumPy (the deconvolution by the project's reference model): the rewritten network must
compute what the original computes, for every formulation and layer family. The GPU proof is the
benchmark recording (each formulation's output checked against the deconvolution's).
"""

import numpy as np
import pytest

from trtdeconv_docs.benchmark import analysis, formulations, rewrite, upsampling
from trtdeconv_docs.benchmark.workloads import FAMILIES, GUIDE, by_name, family_of
from trtdeconv_docs.cassette import store as recordings
from trtdeconv_docs.layer import reference
from trtdeconv_docs.layer.attributes import resolve

from .fake_tensorrt import tensorrt as trt

LAYERS = {
    "dense_k_2s": ((2, 4, 5, 6), dict(num_output_maps=3, kernel_size_nd=(4, 4), stride_nd=(2, 2), padding_nd=(1, 1))),
    "dense_k_eq_s": ((1, 3, 4, 5), dict(num_output_maps=2, kernel_size_nd=(2, 2), stride_nd=(2, 2))),
    "k3_s2_op1": ((1, 3, 4, 5), dict(num_output_maps=2, kernel_size_nd=(3, 3), stride_nd=(2, 2), pre_padding=(1, 1),
                                     post_padding=(0, 0))),
    "depthwise": ((1, 4, 5, 5), dict(num_output_maps=4, kernel_size_nd=(4, 4), stride_nd=(2, 2), padding_nd=(1, 1),
                                     num_groups=4)),
    "large_stride_head": ((1, 2, 3, 4), dict(num_output_maps=3, kernel_size_nd=(16, 16), stride_nd=(8, 8),
                                             padding_nd=(4, 4))),
    "3d": ((1, 2, 2, 3, 2), dict(num_output_maps=3, kernel_size_nd=(2, 2, 2), stride_nd=(2, 2, 2))),
}


def network_with(shape, attributes, consumer: bool, seed: int = 0):
    """x -> deconvolution (-> ReLU when ``consumer``) -> output "y"; the network, the layer and its arrays."""
    layer_attributes = resolve(**attributes)
    rng = np.random.default_rng(seed)
    # float32 values, as TensorRT's weights hold them
    kernel = rng.standard_normal(reference.kernel_shape(layer_attributes, shape[1])).astype(np.float32).astype(float)
    bias = rng.standard_normal(layer_attributes.num_output_maps).astype(np.float32).astype(float)
    network = trt.INetworkDefinition()
    x = network.add_input("x", trt.float32, shape)
    layer = network.add_deconvolution_nd(x, layer_attributes.num_output_maps, layer_attributes.kernel_size_nd,
                                         trt.Weights(kernel), trt.Weights(bias))
    layer.stride_nd, layer.num_groups = layer_attributes.stride_nd, layer_attributes.num_groups
    layer.pre_padding, layer.post_padding = layer_attributes.pre_padding, layer_attributes.post_padding
    layer.name = "up"
    out = layer.get_output(0)
    if consumer:
        out = network.add_activation(out, trt.ActivationType.RELU).get_output(0)
    out.name = "y"
    network.mark_output(out)
    return network, layer, layer_attributes, kernel, bias


@pytest.mark.parametrize("family", sorted(LAYERS))
@pytest.mark.parametrize("formulation", rewrite.REWRITES[1:])
@pytest.mark.parametrize("consumer", [True, False], ids=["consumed", "network_output"])
def test_the_rewritten_network_computes_the_deconvolution(family, formulation, consumer):
    shape, attributes = LAYERS[family]
    network, layer, resolved, kernel, bias = network_with(shape, attributes, consumer)
    assert family_of(resolved) == family
    try:
        out = rewrite.rewrite_deconvolution(trt, network, layer, formulation)
    except rewrite.RewriteError as error:
        if formulation == "zero_insertion":
            with pytest.raises(formulations.NotApplicable):
                upsampling.zero_insertion_plan(shape, kernel, bias, resolved)
        else:
            assert formulations.not_applicable(formulation, shape, resolved), error
        return
    x = np.random.default_rng(1).standard_normal(shape)
    values = network.evaluate({"x": x})
    expected = reference.deconvolve(x, kernel, bias, resolved)
    if consumer:
        expected = np.maximum(expected, 0)
    [y] = [t for t in network.outputs if t.name == "y"]
    np.testing.assert_allclose(values[id(y)], expected, rtol=1e-12, atol=1e-12)
    assert not consumer or y is not out
    assert all(inp is not layer.get_output(0) for other in network.layers if other is not layer for inp in other.inputs)


def test_the_default_follows_the_family_and_leaves_other_layers_alone():
    shape, attributes = LAYERS["dense_k_2s"]
    network, layer, *_ = network_with(shape, attributes, consumer=True)
    before = list(network.layers)
    assert rewrite.rewrite_deconvolution(trt, network, layer) is layer.get_output(0)
    assert network.layers == before
    shape, attributes = LAYERS["depthwise"]
    network, layer, *_ = network_with(shape, attributes, consumer=True)
    rewrite.rewrite_deconvolution(trt, network, layer)
    assert any(other.name == "up/subpixel" and other.kind == "convolution" for other in network.layers)


def test_a_kernel_given_as_a_tensor_is_refused_in_one_line():
    shape, attributes = LAYERS["dense_k_2s"]
    network, layer, *_ = network_with(shape, attributes, consumer=True)
    layer.set_input(1, network.add_constant((4, 3, 4, 4), np.zeros((4, 3, 4, 4))).get_output(0))
    with pytest.raises(rewrite.RewriteError, match="set_input"):
        rewrite.rewrite_deconvolution(trt, network, layer, "subpixel")


def test_every_family_has_a_recommendation():
    assert set(rewrite.RECOMMENDED) == set(FAMILIES)
    assert set(rewrite.RECOMMENDED.values()) <= set(formulations.FORMULATIONS)


def test_the_recommendations_are_what_the_recording_measured():
    """Per family: no formulation is faster than the recommended one with disjoint interquartile ranges."""
    bench = analysis.load(recordings.root() / "benchmark")
    for name in GUIDE:
        family = by_name(name).family
        for precision in ("fp16", "fp32"):
            runs = [r for r in analysis.shown(bench.tensorrt_runs(name, precision=precision))
                    if r.get("layout", "nchw") == "nchw"]
            if runs:
                break
        chosen = [r for r in runs if r["formulation"] == rewrite.RECOMMENDED[family]]
        if not chosen:
            continue
        for other in runs:
            slower = analysis.ratio(chosen[0], other)
            assert slower <= 1 or not analysis.disjoint(chosen[0], other), (name, precision, other["id"], slower)
