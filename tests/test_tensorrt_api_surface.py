"""The examples and the package use only TensorRT API that 8.6, 10 and 11 all have (or guard it).

The check (:mod:`trtdeconv_docs.trt.api.surface`, tags ``CHECKED_TAGS``: v8.6.0, v10.0.0,
v10.16, v11.0, v11.1) reads the code, not TensorRT: what it
counts as a guard, and what it cannot see, is in that module's docstring. The synthetic sources
below show that it fails on removed API.
"""

from pathlib import Path

import pytest

from trtdeconv_docs.trt.api.surface import check_source, imports_tensorrt

ROOT = Path(__file__).resolve().parents[1]
CHECKED = sorted(ROOT.glob("examples/*.py")) + sorted((ROOT / "src" / "trtdeconv_docs").rglob("*.py"))

NOT_TENSORRT = {
    ("src/trtdeconv_docs/trt/network_description.py", "array.strides"):
        "a NumPy array (np.asarray); `strides` is also IAlgorithmIOInfo's, removed in 11",
    ("src/trtdeconv_docs/benchmark/tensorrt.py", "run.precision"):
        "a benchmark.plan.Run (the planned run's precision name); `precision` is also ILayer's, removed in 11",
}
"""Uses that the check reports but that are not TensorRT objects, each with the reason."""


def _problems():
    return [(str(path.relative_to(ROOT)), problem) for path in CHECKED
            for problem in check_source(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]


def test_the_files_that_use_tensorrt_are_found():
    using = {str(p.relative_to(ROOT)) for p in CHECKED if imports_tensorrt(p)}
    assert {"examples/plot_00_full_plumbing.py", "examples/plot_07_padding_mode.py",
            "examples/plot_10_set_input_int8.py", "src/trtdeconv_docs/session.py",
            "src/trtdeconv_docs/trt/network_description.py", "src/trtdeconv_docs/conformance/run_on_tensorrt.py",
            "src/trtdeconv_docs/cassette/publisher.py"} <= using


def test_examples_and_package_use_only_api_common_to_8_6_10_and_11():
    problems = _problems()
    unexplained = [str(p) for path, p in problems if (path, p.use) not in NOT_TENSORRT]
    assert unexplained == []
    stale = set(NOT_TENSORRT) - {(path, p.use) for path, p in problems}
    assert not stale, f"entries of NOT_TENSORRT that nothing reports any more: {stale}"


def _uses(source):
    return [(p.line, p.use, p.missing_in) for p in check_source("import tensorrt as trt\n" + source)]


def test_removed_quantize_form_fails_for_11():
    assert _uses("network.add_quantize(x, scale)") == [(2, "network.add_quantize(_, _)", ("v11.0", "v11.1"))]
    assert _uses("q = net.add_dequantize(input=x, scale=s)") == [
        (2, "net.add_dequantize(input=_, scale=_)", ("v11.0", "v11.1"))]
    assert _uses("network.add_quantize(x, scale, trt.int8)") == []  # 10 and 11 take it; 8.6 is the stand-in's job


def test_the_old_int8_example_fails():
    old = ("quantizedInput = network.add_quantize(inputT0, scale).get_output(0)\n"
           "dequantizedInput = network.add_dequantize(quantizedInput, scale).get_output(0)\n")
    assert [use for _, use, _ in _uses(old)] == ["network.add_quantize(_, _)", "network.add_dequantize(_, _)"]


@pytest.mark.parametrize("source, use", [
    ("config.max_workspace_size = 1 << 30", "config.max_workspace_size"),
    ("context.execute_async_v2(bindings, stream)", "context.execute_async_v2(_, _)"),
    ("shape = context.get_binding_shape(0)", "context.get_binding_shape(_)"),
    ("n = engine.num_bindings", "engine.num_bindings"),
    ("engine = builder.build_engine(network, config)", "builder.build_engine(_, _)"),
    ("layer.kernel_size = (3, 3)", "layer.kernel_size"),
    ("print(getattr(engine, 'num_bindings'))", "engine.num_bindings"),
    ("setattr(layer, 'padding', (1, 1))", "layer.padding"),
    ("config.set_flag(trt.BuilderFlag.INT8)", "trt.BuilderFlag.INT8"),
    ("flags = 1 << int(trt.NetworkDefinitionCreationFlag.EXPLICIT_BATCH)", "trt.NetworkDefinitionCreationFlag.EXPLICIT_BATCH"),
    ("layer.padding_mode = trt.PaddingMode.CAFFE_ROUND_UP", "trt.PaddingMode.CAFFE_ROUND_UP"),
    ("layer = network.add_deconvolution(x, 1, (3, 3), w)", "network.add_deconvolution(_, _, _, _)"),
])
def test_removed_api_fails(source, use):
    assert [u for _, u, _ in _uses(source)] == [use]


@pytest.mark.parametrize("source", [
    "if hasattr(trt.PaddingMode, 'CAFFE_ROUND_UP'):\n    m = trt.PaddingMode.CAFFE_ROUND_UP",
    "m = trt.BuilderFlag.INT8 if hasattr(trt.BuilderFlag, 'INT8') else None",
    "ok = hasattr(trt.BuilderFlag, 'INT8') and trt.BuilderFlag.INT8",
    "flag = getattr(trt.NetworkDefinitionCreationFlag, 'EXPLICIT_BATCH', None)",
    "self.int8 = int8 and hasattr(trt.BuilderFlag, 'INT8')\nif self.int8:\n    config.set_flag(trt.BuilderFlag.INT8)",
    "if not hasattr(config, 'max_workspace_size'):\n    pass\nelse:\n    config.max_workspace_size = 1",
    "if int(trt.__version__.split('.')[0]) < 10:\n    f = trt.NetworkDefinitionCreationFlag.EXPLICIT_BATCH",
    "new = tensorrt_major() >= 9\nif new:\n    network.add_quantize(x, s, trt.int8)\nelse:\n    network.add_quantize(x, s)",
    "np.execute(1, 2)\nfrom . import compare\ncompare.precision",  # names bound by import are not TensorRT objects
])
def test_guarded_uses_pass(source):
    assert _uses("import numpy as np\n" + source) == []


@pytest.mark.parametrize("source, use", [
    ("if hasattr(trt.PaddingMode, 'CAFE'):\n    m = trt.PaddingMode.CAFE", "trt.PaddingMode.CAFE"),
    ("if hasattr(trt.PaddingMode, 'CAFFE_ROUND_UP'):\n    m = trt.BuilderFlag.INT8", "trt.BuilderFlag.INT8"),
    ("if hasattr(config, 'max_workspace_size'):\n    pass\nelse:\n    config.max_workspace_size = 1",
     "config.max_workspace_size"),
    ("if trt.__version__ >= '10':\n    x = trt.NoSuchClass", "trt.NoSuchClass"),
])
def test_guards_cover_only_what_they_test(source, use):
    assert [u for _, u, _ in _uses(source)] == [use]


def test_what_the_static_check_cannot_see():
    """A name that some class of 11 still has passes on any object: IDeconvolutionLayer.stride is
    gone from 10 on, ISliceLayer.stride is not. Executing the example on the stand-in catches it."""
    assert _uses("layer.stride = (2, 2)") == []
    assert _uses("getattr(trt.PaddingMode, mode)") == []  # a name built at run time


def test_a_file_without_tensorrt_is_not_judged():
    assert check_source("config.max_workspace_size = 1") == []
