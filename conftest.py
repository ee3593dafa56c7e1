"""pytest configuration: doctests over the MyST pages, modules that need TensorRT, Sphinx's test fixtures.

What the tests share (paths, Sphinx test roots, hypothesis strategies) is in ``tests/conftest.py``.
"""

import importlib.util

import pytest

# tests.support.onnx_fake: the fake ONNX checkout fixtures (fake_checkout, fake_recordings) of the ONNX tests
pytest_plugins = ("sphinx.testing.fixtures", "tests.support.onnx_fake")

collect_ignore_glob = ["examples/*", "build/*", "docs/gallery/*", "docs/conf.py", "tests/roots/*",
                       "tests/fake_tensorrt/*"]  # a fake `tensorrt` module: never imported for doctests

# Modules that import TensorRT (run on the GPU machine) are collected only where it exists.
if importlib.util.find_spec("tensorrt") is None:
    collect_ignore_glob += [
        "src/trtdeconv_docs/trt/engine.py",
        "src/trtdeconv_docs/trt/network_description.py",
        "src/trtdeconv_docs/conformance/run_on_tensorrt.py",
        "src/trtdeconv_docs/benchmark/tensorrt.py",
        "src/trtdeconv_docs/trt/tactic_selector.py",
        "src/trtdeconv_docs/benchmark/trt_ceilings.py",
    ]
# The benchmark's PyTorch runner runs on the GPU machine's own Python, which has PyTorch.
if importlib.util.find_spec("torch") is None:
    collect_ignore_glob += ["src/trtdeconv_docs/benchmark/pytorch.py"]


@pytest.fixture(autouse=True)
def _numpy_print_options(doctest_namespace):
    """Doctests print arrays as the examples do."""
    import numpy as np

    np.set_printoptions(precision=8, linewidth=200, suppress=True)
    yield
    np.set_printoptions(edgeitems=3, infstr="inf", linewidth=75, nanstr="nan", precision=8,
                        suppress=False, threshold=1000, formatter=None)
