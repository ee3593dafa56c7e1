"""The ONNX side of the guide: the ConvTranspose rewrite (onnx-graphsurgeon) equal on ONNX Runtime, and the
reproduction models and commands of every benchmark row (tests only on CPU; the trtexec lines are not run)."""

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
pytest.importorskip("onnx_graphsurgeon")
ort = pytest.importorskip("onnxruntime")

from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from trtdeconv_docs.benchmark import plan, reproduce, upsampling  # noqa: E402
from trtdeconv_docs.benchmark.formulations import FORMULATIONS  # noqa: E402
from trtdeconv_docs.benchmark.onnx_rewrite import OnnxRewriteError, rewrite_conv_transpose  # noqa: E402
from trtdeconv_docs.benchmark.workloads import Workload  # noqa: E402
from trtdeconv_docs.layer import reference  # noqa: E402


def run(model, feeds):
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(["y"], feeds)[0]


def conv_transpose_model(shape, weight, bias, **attrs):
    node = helper.make_node("ConvTranspose", ["x", "W", "B"], ["y"], name="up", **attrs)
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(shape))],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
                              [numpy_helper.from_array(weight, "W"), numpy_helper.from_array(bias, "B")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model


CASES = [  # (input shape, weight shape, attributes): dense, PyTorch's k3 s2 p1 op1, depthwise, 3-D, large stride
    ((1, 3, 5, 4), (3, 2, 4, 4), dict(strides=[2, 2], pads=[1, 1, 1, 1])),
    ((2, 3, 4, 5), (3, 2, 3, 3), dict(strides=[2, 2], pads=[1, 1, 1, 1], output_padding=[1, 1])),
    ((1, 4, 5, 5), (4, 1, 4, 4), dict(strides=[2, 2], pads=[1, 1, 1, 1], group=4)),
    ((1, 2, 3, 2, 3), (2, 3, 2, 2, 2), dict(strides=[2, 2, 2])),
    ((1, 2, 3, 3), (2, 2, 16, 16), dict(strides=[8, 8], pads=[4, 4, 4, 4])),
]


@pytest.mark.parametrize("shape, weight_shape, attrs", CASES)
@pytest.mark.parametrize("formulation", FORMULATIONS[1:] + ("zero_insertion",))
def test_the_rewritten_model_computes_the_conv_transpose_on_onnx_runtime(shape, weight_shape, attrs, formulation):
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, shape).astype(np.float32)
    weight = rng.uniform(-1, 1, weight_shape).astype(np.float32)
    bias = rng.uniform(-1, 1, weight_shape[1] * attrs.get("group", 1)).astype(np.float32)
    model = conv_transpose_model(shape, weight, bias, **attrs)
    try:
        rewritten = rewrite_conv_transpose(model, formulation)
    except OnnxRewriteError as error:
        assert "cannot express" in str(error) or "depthwise" in str(error)
        return
    assert "ConvTranspose" not in {node.op_type for node in rewritten.graph.node}
    expected = run(model, {"x": x})
    got = run(rewritten, {"x": x})
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


def test_the_guides_choice_is_the_default_and_refusals_name_the_node():
    rng = np.random.default_rng(1)
    weight = rng.uniform(-1, 1, (4, 1, 4, 4)).astype(np.float32)
    model = conv_transpose_model((1, 4, 5, 5), weight, np.zeros(4, np.float32), strides=[2, 2], pads=[1, 1, 1, 1],
                                 group=4)
    rewritten = rewrite_conv_transpose(model)  # depthwise: RECOMMENDED["depthwise"]
    assert "ConvTranspose" not in {node.op_type for node in rewritten.graph.node}
    for formulation in ("resize", "resize_conv"):
        with pytest.raises(OnnxRewriteError, match="never a rewrite"):
            rewrite_conv_transpose(model, formulation)
    shaped = conv_transpose_model((1, 4, 5, 5), weight, np.zeros(4, np.float32), strides=[2, 2], group=4,
                                  output_shape=[12, 12])
    with pytest.raises(OnnxRewriteError, match="up: output_shape"):
        rewrite_conv_transpose(shaped, "subpixel")
    dynamic = conv_transpose_model(("n", 4, 5, 5), weight, np.zeros(4, np.float32), strides=[2, 2], group=4)
    with pytest.raises(OnnxRewriteError, match="not static"):
        rewrite_conv_transpose(dynamic, "subpixel")


SMALL = [Workload("bil", "test", (1, 4, 5, 6), dict(num_output_maps=4, kernel_size_nd=(4, 4), stride_nd=(2, 2),
                                                    padding_nd=(1, 1), num_groups=4), "bilinear", "bilinear")] + [
    Workload(f"blk_{block}", "test", (2, 3, 4, 5), dict(num_output_maps=2, kernel_size_nd=(4, 4), stride_nd=(2, 2),
                                                        padding_nd=(1, 1)), "fused", block=block)
    for block in ("bias_relu", "bn_relu", "add", "concat")]


@pytest.mark.parametrize("workload", SMALL, ids=lambda w: w.name)
def test_reproduction_models_compute_what_the_runner_checks(workload):
    """Each formulation's model on ONNX Runtime against the float64 reference (with the block applied): exact ones
    everywhere, ``resize`` inside the border, ``resize_conv`` only its shape; INT8 models run and stay close."""
    from trtdeconv_docs.benchmark import blocks, check

    arrays = workload.arrays()
    feeds = {"x": arrays["input"]}
    if workload.skip_shape is not None:
        feeds["skip"] = arrays["skip"]
    full = check.reference_slice(arrays["input"][:1], arrays["kernel"], arrays["bias"], workload.layer)
    full = blocks.reference_slice(full, workload.block, arrays)
    formulations = FORMULATIONS + (upsampling.ALTERNATIVES if workload.weights == "bilinear" else ())
    for formulation in formulations:
        if plan.formulation_not_applicable(formulation, workload):
            continue
        got = run(reproduce.model(plan.Run(workload, formulation, "fp32")), feeds)[:1, :full.channels]
        if formulation == "resize_conv":
            assert got.shape == full.expected.shape
        elif formulation == "resize":
            np.testing.assert_allclose(upsampling.interior(got, (1, 1)), upsampling.interior(full.expected, (1, 1)),
                                       rtol=1e-5, atol=1e-5)
        else:
            np.testing.assert_allclose(got, full.expected, rtol=1e-5, atol=1e-5, err_msg=formulation)
    for precision in ("int8", "int8_out"):
        got = run(reproduce.model(plan.Run(workload, "deconvolution", precision)), feeds)[:1, :full.channels]
        assert np.abs(got - full.expected).max() < 0.1 * max(np.abs(full.expected).max(), 1)


def test_commands_for_every_planned_row():
    for run_ in plan.runs():
        if run_.skipped:
            continue
        found = reproduce.commands(run_)
        assert found["polygraphy"].startswith(f"polygraphy run onnx/{reproduce.model_name(run_)} --trt --onnxrt")
        assert found["trtexec"].startswith(f"trtexec --onnx=onnx/{reproduce.model_name(run_)} --useCudaGraph")
        assert "not run here" in found["trtexec_note"] and "--atol" in found["polygraphy_note"]
        if run_.precision == "fp16":
            assert "--fp16" in found["polygraphy"] and "--fp16 --noTF32" in found["trtexec"]
        if run_.layout == "channels_last":
            assert ":hwc" in found["trtexec"] or ":dhwc8" in found["trtexec"]
        if run_.workload.profile:
            assert "--trt-min-shapes x:[1,64,64,64]" in found["polygraphy"]
            assert "--maxShapes=x:1x64x256x256" in found["trtexec"]


def test_reproduce_writes_models_and_commands(tmp_path):
    assert reproduce.main([str(tmp_path), "--only", "idaup_f2"]) == 0
    text = (tmp_path / "commands.txt").read_text()
    assert "# idaup_f2/resize_conv/fp16 (not equivalent: needs retraining)" in text
    assert (tmp_path / "idaup_f2" / "zero_insertion.onnx").is_file()
    model = onnx.load(str(tmp_path / "idaup_f2" / "deconvolution.onnx"))
    kernel = numpy_helper.to_array(next(i for i in model.graph.initializer if i.name == "W"))
    np.testing.assert_array_equal(kernel, plan.runs(["idaup_f2"])[0].workload.arrays()["kernel"])
    assert reference.kernel_shape(plan.runs(["idaup_f2"])[0].workload.layer, 64) == kernel.shape
