"""The one engine module (trt/engine.py) on CPU, against a FAKE TensorRT: settings, refusals, buffers, timing."""

from __future__ import annotations

import importlib
import sys

import numpy as np
import pytest

from trtdeconv_docs.errors import EngineBuildError

from .support import fake_tensorrt


@pytest.fixture
def engine(monkeypatch):
    """``trtdeconv_docs.trt.engine`` imported against the fakes (and forgotten afterwards)."""
    for name, module in fake_tensorrt.modules().items():
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.delitem(sys.modules, "trtdeconv_docs.trt.engine", raising=False)
    monkeypatch.setattr(fake_tensorrt.Builder, "behaviour", "build")
    module = importlib.import_module("trtdeconv_docs.trt.engine")
    yield module
    sys.modules.pop("trtdeconv_docs.trt.engine", None)


def test_builder_settings(engine):
    trt = fake_tensorrt.tensorrt
    plain, wide = engine.Builder(), engine.Builder(tf32=True, fp16=True, workspace_bytes=4 << 30, optimization_level=None)
    assert plain.config.flags == set() and plain.config.pool == (trt.MemoryPoolType.WORKSPACE, 1 << 30)
    assert plain.config.builder_optimization_level == 0 and wide.config.builder_optimization_level == 3  # kept
    assert wide.config.flags == {trt.BuilderFlag.TF32, trt.BuilderFlag.FP16} and wide.config.pool[1] == 4 << 30
    assert plain.config.cache is wide.config.cache is not None  # one timing cache for the process
    assert plain.network.flags == 1  # EXPLICIT_BATCH on 8.x


@pytest.mark.parametrize("behaviour, refuses, messages", [
    ("refuse", (True, True), ["[ERROR] the fake logs an error"]),
    ("log_error", (True, False), ["[ERROR] the fake logs an error"]),
    ("raise", (True, True), ["the fake refuses by raising"]),
])
def test_a_refusal_is_one_exception_with_tensorrt_s_messages(engine, monkeypatch, behaviour, refuses, messages):
    monkeypatch.setattr(fake_tensorrt.Builder, "behaviour", behaviour)
    for errors_refuse, refused in zip((True, False), refuses):
        builder = engine.Builder(errors_refuse=errors_refuse)
        if refused:
            with pytest.raises(EngineBuildError) as error:
                builder.build()
            assert error.value.messages == messages
        else:  # the benchmark's rule: an engine returned is an engine, whatever was logged
            assert builder.build() is not None and builder.build_seconds is not None


def test_execute_and_measure_copy_through_device_buffers_and_free_them(engine):
    built = engine.Builder().build()
    x = np.arange(6, dtype=np.float32).reshape(1, 1, 2, 3)
    assert np.array_equal(engine.execute(built, {"x": x})["y"], 2 * x)
    timer = engine.Timer(warmup=3, min_iterations=5, max_iterations=8, timed_seconds=1.0)
    outputs, launches, samples = timer.measure(built, {"x": x})
    assert np.array_equal(outputs["y"], 2 * x) and launches == 4 and samples == [0.5] * 8
    assert fake_tensorrt.live_buffers() == 0
    assert engine.layer_information(built) == '{"Layers": [{"Name": "fake"}]}'
    with pytest.raises(ValueError, match=r"inputs missing for the network's input tensors: \['x'\]"):
        engine.execute(built, {})
