"""The stored TensorRT API lists and their loader, checked against NVIDIA's sources.

Every expected line below was read with ``git show <tag>:<path>`` in NVIDIA/TensorRT (the
sources are the oracle; the extractor is what is tested). When a clone of that repository is
at hand (``TRTDECONV_TENSORRT_GIT_DIR``, or the default below), the lists are extracted again
and must equal the stored ones, and each cited line must bind the name it is cited for.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from trtdeconv_docs.trt.api import TAGS, VERSIONS, load
from trtdeconv_docs.trt.api import extract

GIT_DIR = Path(os.environ.get("TRTDECONV_TENSORRT_GIT_DIR", "/work/.mirror/NVIDIA+TensorRT/repo"))
ALL = ["8.6", "10", "v11.0", "11"]


def test_versions_name_the_tags_and_unknown_versions_are_refused():
    assert VERSIONS == {"8.6": "v8.6.0", "10": "v10.16", "11": "v11.1"}
    assert [load(v).tag for v in ALL] == ["v8.6.0", "v10.16", "v11.0", "v11.1"]
    with pytest.raises(ValueError, match="no TensorRT API list"):
        load("9")


@pytest.mark.parametrize("version", ALL)
def test_deconvolution_layer_has_the_nd_attributes_and_padding_mode(version):
    api = load(version)
    for name in ("num_output_maps", "kernel_size_nd", "stride_nd", "padding_nd", "pre_padding",
                 "post_padding", "padding_mode", "num_groups", "dilation_nd", "kernel", "bias"):
        assert api.has("IDeconvolutionLayer", name), name
    assert api.has("IDeconvolutionLayer", "get_output")  # from ILayer
    assert api.mro("IDeconvolutionLayer") == ["IDeconvolutionLayer", "ILayer"]


def test_dimshw_attributes_exist_in_8_6_only_and_warn_there():
    api = load("8.6")
    assert api.cite("IDeconvolutionLayer", "kernel_size") == "v8.6.0 python/src/infer/pyGraph.cpp:456"
    assert api.deprecation("IDeconvolutionLayer", "kernel_size") == {"wrapper_deprecated": "kernel_size_nd"}
    assert api.deprecation("IDeconvolutionLayer", "padding") == {"wrapper_deprecated": "padding_nd"}
    for version in ("10", "v11.0", "11"):
        for name in ("kernel_size", "stride", "padding"):
            assert not load(version).has("IDeconvolutionLayer", name), (version, name)
    assert load("8.6").has("INetworkDefinition", "add_deconvolution")
    assert not load("10").has("INetworkDefinition", "add_deconvolution")


def test_add_quantize_overloads_per_version():
    assert load("8.6").overloads("INetworkDefinition", "add_quantize") == [["input", "scale"]]
    assert load("10").overloads("INetworkDefinition", "add_quantize") == [["input", "scale"],
                                                                          ["input", "scale", "output_type"]]
    assert load("v11.0").overloads("INetworkDefinition", "add_quantize") == [["input", "scale", "output_type"]]
    assert load("11").overloads("INetworkDefinition", "add_dequantize") == [["input", "scale", "output_type"]]
    assert load("8.6").cite("INetworkDefinition", "add_quantize") == "v8.6.0 python/src/infer/pyGraph.cpp:986"
    assert load("10").cite("INetworkDefinition", "add_quantize") == "v10.16 python/src/infer/pyGraph.cpp:1097"
    assert load("11").cite("INetworkDefinition", "add_quantize") == "v11.1 python/src/infer/pyGraph.cpp:1139"


@pytest.mark.parametrize("version, two, three", [("8.6", True, False), ("10", True, True),
                                                 ("v11.0", False, True), ("11", False, True)])
def test_accepts_follows_the_overloads(version, two, three):
    api = load(version)
    assert api.accepts("INetworkDefinition", "add_quantize", 2) is two
    assert api.accepts("INetworkDefinition", "add_quantize", 3) is three
    assert api.accepts("INetworkDefinition", "add_quantize", 2, ["output_type"]) is three
    assert not api.accepts("INetworkDefinition", "add_quantize", 4)
    assert not api.accepts("INetworkDefinition", "add_quantize", 1)


@pytest.mark.parametrize("version", ALL)
def test_accepts_defaults_and_keywords(version):
    api = load(version)
    assert api.accepts("INetworkDefinition", "add_deconvolution_nd", 4)  # bias defaults
    assert api.accepts("INetworkDefinition", "add_deconvolution_nd", 5)
    assert api.accepts("INetworkDefinition", "add_deconvolution_nd", 4, ["bias"])
    assert not api.accepts("INetworkDefinition", "add_deconvolution_nd", 4, ["biases"])
    assert not api.accepts("INetworkDefinition", "add_deconvolution_nd", 3)
    assert not api.accepts("INetworkDefinition", "add_deconvolution_nd", 4, ["input"])  # given twice
    assert api.accepts("Weights", "__init__", 0) and api.accepts("Weights", "__init__", 1)
    assert api.accepts("Builder", "create_builder_config", 0)
    assert not api.accepts("Builder", "create_builder_config", 1)
    assert not api.accepts("IDeconvolutionLayer", "padding_mode", 0)  # a property, not a method
    assert not api.accepts("IDeconvolutionLayer", "no_such_method", 0)
    assert api.accepts(None, "nptype", 1) and not api.accepts(None, "nptype", 0)


def test_builder_flags_and_network_flags():
    v86, v10, v11 = load("8.6"), load("10"), load("11")
    assert v86.has("BuilderFlag", "INT8") and v86.deprecation("BuilderFlag", "INT8") == {}
    assert v10.deprecation("BuilderFlag", "INT8")["deprecated_since"] == "10.12"
    assert v10.deprecation("BuilderFlag", "FP16")["deprecated_since"] == "10.12"
    assert not v11.has("BuilderFlag", "INT8") and not v11.has("BuilderFlag", "FP16")
    assert v86.has("BuilderFlag", "TF32") and v11.has("BuilderFlag", "TF32")
    assert v86.resolve(["NetworkDefinitionCreationFlag", "EXPLICIT_BATCH"])
    assert v10.resolve(["NetworkDefinitionCreationFlag", "EXPLICIT_BATCH"])
    assert not v11.resolve(["NetworkDefinitionCreationFlag", "EXPLICIT_BATCH"])
    assert not v86.has("NetworkDefinitionCreationFlag", "STRONGLY_TYPED")
    assert v10.has("NetworkDefinitionCreationFlag", "STRONGLY_TYPED")
    assert v11.deprecation("NetworkDefinitionCreationFlag", "STRONGLY_TYPED")["deprecated_since"] == "11.0"


def test_padding_modes():
    six = {"EXPLICIT_ROUND_DOWN", "EXPLICIT_ROUND_UP", "SAME_UPPER", "SAME_LOWER", "CAFFE_ROUND_DOWN", "CAFFE_ROUND_UP"}
    assert load("8.6").enum_members("PaddingMode") == six
    for version in ("10", "v11.0", "11"):
        assert load(version).enum_members("PaddingMode") == six - {"CAFFE_ROUND_DOWN", "CAFFE_ROUND_UP"}


def test_binding_api_and_workspace_removed_after_8_6():
    removed = [("ICudaEngine", "num_bindings"), ("ICudaEngine", "get_binding_shape"), ("ICudaEngine", "binding_is_input"),
               ("IExecutionContext", "execute_async_v2"), ("IExecutionContext", "get_binding_shape"),
               ("Builder", "build_engine"), ("IBuilderConfig", "max_workspace_size")]
    for class_name, member in removed:
        assert load("8.6").has(class_name, member), (class_name, member)
        for version in ("10", "v11.0", "11"):
            assert not load(version).has(class_name, member), (version, class_name, member)
    assert load("8.6").deprecation("IBuilderConfig", "max_workspace_size") == {"wrapper_deprecated": "set_memory_pool_limit"}
    for version in ALL:
        api = load(version)
        for class_name, member in [("IExecutionContext", "execute_async_v3"), ("ICudaEngine", "num_io_tensors"),
                                   ("IExecutionContext", "set_tensor_address"), ("Builder", "build_serialized_network"),
                                   ("IBuilderConfig", "set_memory_pool_limit"), ("IExecutionContext", "set_input_shape")]:
            assert api.has(class_name, member), (version, class_name, member)


@pytest.mark.parametrize("version", ALL)
def test_module_names_and_python_level_additions(version):
    api = load(version)
    assert {"__version__", "nptype", "volume", "float32", "int8", "Builder", "Logger", "PaddingMode"} <= api.module_names
    assert api.resolve(["Logger", "ERROR"])  # copied from ILogger.Severity by the package's __init__.py
    assert api.resolve(["ILogger", "Severity", "WARNING"]) and api.resolve(["ILogger", "WARNING"])  # export_values
    assert api.has("DataType", "itemsize") and api.has("PaddingMode", "name")
    assert not api.resolve(["NoSuchName"]) and not api.resolve(["PaddingMode", "NO_SUCH_MODE"])
    assert api.where(None, "nptype")[0].endswith("tensorrt/__init__.py")


def test_stored_lists_record_their_provenance():
    for tag in TAGS:
        document = load(tag).document
        assert document["tag"] == tag and len(document["commit"]) == 40
        assert "python/src/infer/pyGraph.cpp" in document["sources"]
        assert document["macros"]["ENABLE_INETWORK_SERIALIZE"] is False


needs_clone = pytest.mark.skipif(not (GIT_DIR / "HEAD").exists() or shutil.which("git") is None,
                                 reason=f"no clone of NVIDIA/TensorRT at {GIT_DIR} (set TRTDECONV_TENSORRT_GIT_DIR)")


@needs_clone
@pytest.mark.parametrize("tag", TAGS)
def test_extraction_is_reproducible(tag):
    stored = json.loads((Path(extract.__file__).parent / f"{tag}.json").read_text(encoding="utf-8"))
    assert extract.extract(GIT_DIR, tag) == stored


@needs_clone
def test_cited_lines_bind_the_cited_names():
    for version in ALL:
        api = load(version)
        for class_name, member in [("IDeconvolutionLayer", "padding_mode"), ("INetworkDefinition", "add_quantize"),
                                   ("BuilderFlag", "TF32"), ("IExecutionContext", "execute_async_v3")]:
            path, line = api.where(class_name, member)
            text = subprocess.run(["git", "--git-dir", str(GIT_DIR), "show", f"{api.tag}:{path}"],
                                  capture_output=True, text=True, check=True).stdout
            assert f'"{member}"' in text.split("\n")[line - 1], (api.tag, path, line)


def test_extractor_splits_template_arguments_and_reads_argument_names():
    assert extract.split_arguments('"f", static_cast<A* (B::*)(C&, D&)>(&B::f), "x"_a, py::keep_alive<1, 2>{}') == [
        '"f"', "static_cast<A* (B::*)(C&, D&)>(&B::f)", '"x"_a', "py::keep_alive<1, 2>{}"]
    source = 'a // "x"\nb /* c */ "d // e"'
    assert extract.blank_comments(source) == "a" + " " * 7 + "\nb" + " " * 9 + '"d // e"'
    text, conditions = extract.apply_preprocessor("a\n#if ENABLE_INETWORK_SERIALIZE\nb\n#else\nc\n#endif\n#if FOO\nd\n#endif")
    assert text.split("\n") == ["a", "", "", "", "c", "", "", "d", ""]
    assert conditions == {8: "FOO"}


HEADER_CITATIONS = [  # cited by hand on the migration page (headers are not in the API lists)
    ("v8.6.0", "include/NvInferRuntime.h", 1555, "Deprecated in TensorRT 8.5. Superseded by getNbIOTensors."),
    ("v8.6.0", "include/NvInferRuntime.h", 2986, "Superseded by enqueueV3(). Deprecated in TensorRT 8.5"),
    ("v10.0.0", "include/NvInfer.h", 7370, "Deprecated in TensorRT 9.0. Superseded by three-argument addQuantize."),
]


@needs_clone
@pytest.mark.parametrize("tag, path, line, text", HEADER_CITATIONS)
def test_header_lines_cited_on_the_migration_page(tag, path, line, text):
    source = subprocess.run(["git", "--git-dir", str(GIT_DIR), "show", f"{tag}:{path}"],
                            capture_output=True, text=True, check=True).stdout
    assert text in source.split("\n")[line - 1]
    page = (Path(__file__).resolve().parents[1] / "docs" / "maps" / "migration.md").read_text(encoding="utf-8")
    assert f"{path}:{line}" in page or f":{line}`" in page


def test_two_argument_quantize_first_bound_with_the_three_argument_form_in_v9_x():
    assert load("v9.3.0").overloads("INetworkDefinition", "add_quantize") == [["input", "scale"],
                                                                              ["input", "scale", "output_type"]]
