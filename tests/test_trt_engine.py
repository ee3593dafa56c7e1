"""The one engine module (trt/engine.py) on CPU, against a FAKE TensorRT: settings, refusals, buffers, timing."""

from __future__ import annotations

import importlib
import json
import sys

import numpy as np
import pytest

from trtdeconv_docs.errors import EngineBuildError

from .fake_tensorrt import tensorrt as fake_tensorrt


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
    trt = fake_tensorrt
    plain, wide = engine.Builder(), engine.Builder(tf32=True, fp16=True, workspace_bytes=4 << 30, optimization_level=None)
    assert plain.config.flags == set() and plain.config.pool == (trt.MemoryPoolType.WORKSPACE, 1 << 30)
    assert plain.config.builder_optimization_level == 0 and wide.config.builder_optimization_level == 3  # kept
    assert wide.config.flags == {trt.BuilderFlag.TF32, trt.BuilderFlag.FP16} and wide.config.pool[1] == 4 << 30
    assert plain.config.cache is wide.config.cache is not None  # one timing cache for the process
    assert plain.network.flags == 1  # EXPLICIT_BATCH on 8.x


@pytest.mark.parametrize("behaviour, messages", [
    ("refuse", ["[ERROR] the fake logs an error"]),
    ("raise", ["the fake refuses by raising"]),
])
def test_a_refusal_is_one_exception_with_tensorrt_s_messages(engine, monkeypatch, behaviour, messages):
    monkeypatch.setattr(fake_tensorrt.Builder, "behaviour", behaviour)
    with pytest.raises(EngineBuildError) as error:
        engine.Builder().build()
    assert error.value.messages == messages


def test_an_engine_returned_is_built_whatever_was_logged(engine, monkeypatch):
    """An error logged while the network was defined (an ignored setter) or while building is no refusal."""
    monkeypatch.setattr(fake_tensorrt.Builder, "behaviour", "log_error")
    builder = engine.Builder()
    builder.logger.log(fake_tensorrt.ILogger.Severity.ERROR, "a setter the fake rejected")
    assert builder.build() is not None and builder.build_seconds is not None
    assert builder.definition_errors == ["[ERROR] a setter the fake rejected"]  # not the error logged by the build
    assert builder.logger.errors() == ["[ERROR] a setter the fake rejected", "[ERROR] the fake logs an error"]


def test_timing_caches_shared_named_or_fresh(engine):
    shared, named, same_name, fresh = (engine.Builder(timing_cache=name).config.cache
                                       for name in ("shared", "mine", "mine", engine.FRESH))
    assert shared is engine.Builder().config.cache and named is same_name
    assert len({id(shared), id(named), id(fresh), id(engine.Builder(timing_cache=engine.FRESH).config.cache)}) == 4


def _relu_engine(engine, shape=(1, 1, 2, 3)):
    """y = ReLU(x), built by the engine module's Builder against the fake (which evaluates it in NumPy)."""
    builder = engine.Builder()
    x = builder.network.add_input("x", fake_tensorrt.float32, shape)
    y = builder.network.add_activation(x, fake_tensorrt.ActivationType.RELU).get_output(0)
    y.name = "y"
    builder.network.mark_output(y)
    return builder.build()


def test_execute_and_measure_copy_through_device_buffers_and_free_them(engine):
    built = _relu_engine(engine)
    x = np.arange(6, dtype=np.float32).reshape(1, 1, 2, 3) - 2
    before = fake_tensorrt.live_buffers()
    assert np.array_equal(engine.execute(built, {"x": x})["y"], np.maximum(x, 0))
    assert fake_tensorrt.live_buffers() == before
    timer = engine.Timer()  # holds its L2 flush buffer
    before = fake_tensorrt.live_buffers()
    outputs, record = timer.measure(built, {"x": x}, profile_runs=3)
    assert np.array_equal(outputs["y"], np.maximum(x, 0)) and fake_tensorrt.live_buffers() == before
    assert record["cuda_graph"] and record["warmup"]["settled"]
    assert len(record["samples_ms"]) == record["latency_ms"]["iterations"] >= 100
    assert record["enqueue_ms"]["latency_ms"]["iterations"] == 50 and "cold_l2" in record
    assert {name: times["count"] for name, times in record["layer_times_ms"].items()} == {"activation": 3}
    assert record["io_formats"]["x"]["format"] == "LINEAR" and "nvml_before" not in record
    assert json.loads(engine.layer_information(built))["Layers"][0]["LayerType"] == "FakeActivation"
    with pytest.raises(ValueError, match=r"inputs missing for the network's input tensors: \['x'\]"):
        engine.execute(built, {})


def test_channels_last_io_round_trips_and_the_output_is_poisoned_first(engine):
    built = engine.Builder()
    x = built.network.add_input("x", fake_tensorrt.float16, (1, 3, 2, 2))
    y = built.network.add_activation(x, fake_tensorrt.ActivationType.RELU).get_output(0)
    y.name, y.dtype = "y", fake_tensorrt.float16
    built.network.mark_output(y)
    for tensor in (x, y):
        tensor.allowed_formats = 1 << int(fake_tensorrt.TensorFormat.HWC8)
    compiled = built.build()
    values = np.linspace(-1, 1, 12, dtype=np.float16).reshape(1, 3, 2, 2)
    outputs, record = engine.Timer().measure(compiled, {"x": values}, profile_runs=0)
    assert np.array_equal(outputs["y"], np.maximum(values, 0)) and record["io_formats"]["y"]["components"] == 8
    assert "layer_times_ms" not in record


def test_the_timing_cache_is_seeded_once_and_serialized(engine, monkeypatch):
    monkeypatch.setattr(engine, "_timing_caches", {})
    monkeypatch.setattr(engine, "_timing_cache_seed", b"")  # restored afterwards: the seed is the process's
    assert engine.timing_cache_bytes() is None
    engine.seed_timing_cache(b"earlier")
    builder = engine.Builder()
    assert builder.config.cache.data == b"earlier" and engine.timing_cache_bytes() == b"fake-timing-cache"
    assert builder.method()["timing_cache"] == {"name": "shared", "seed_bytes": len(b"earlier")}
    assert engine.Builder(timing_cache=engine.FRESH).method()["timing_cache"] == {"name": "fresh", "seed_bytes": 0}
    with pytest.raises(RuntimeError, match="seed it before the first Builder"):
        engine.seed_timing_cache(b"late")
