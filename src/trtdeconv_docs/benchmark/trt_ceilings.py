"""Ceilings and launch overhead measured by TensorRT itself, in the runner's process (GPU, ``python-trt``).

* ``copy``: a 1 GiB device-to-device ``cudaMemcpyAsync`` in a CUDA graph (bytes = read + write);
* ``matmul_<precision>``: a 1x1 convolution of :data:`CHANNELS` channels (a GEMM of
  ``positions x CHANNELS x CHANNELS``) in FP32 (TF32 cleared), TF32, FP16 (TF32 cleared, HWC8
  I/O) and INT8 (Q/DQ on input, kernel and output); the rate is its flops over the convolution
  layer's time from the ``IProfiler`` (Q/DQ reformats excluded), with the layer's tactic;
* ``launch``: a one-layer engine (ReLU on one element): one CUDA graph of
  :data:`trtdeconv_docs.trt.timing.LAUNCH_KERNELS` enqueues replayed / N (the GPU cost of one kernel), a graph
  of one enqueue, and the host enqueue time.

These are the ceilings the floors of the TensorRT rows use (:mod:`.analysis`), checked
against the spec sheet (:mod:`.specs`).
"""

from __future__ import annotations

from typing import Any, Callable, Dict

import numpy as np
import tensorrt as trt

from ..errors import EngineBuildError
from ..trt import engine as engines
from ..trt import timing
from ..trt.inspector import engine_layers
from ..trt.versions import quantize_dequantize
from .kernels import tactic

MakeBuilder = Callable[[str], engines.Builder]
"""A precision -> a fresh :class:`trtdeconv_docs.trt.engine.Builder` with the runner's settings for it."""

CHANNELS = 2048
POSITIONS = {"fp32": 64 * 128, "tf32": 128 * 256, "fp16": 256 * 256, "int8": 256 * 256}
"""GEMM rows per precision: about a millisecond at the spec rate, many times the L2."""
COPY_BYTES = 1 << 30
CEILING_PROFILE_RUNS = 100


def matmul_network(network, precision: str, keep: list) -> int:
    """Add the 1x1-convolution GEMM network of one precision to ``network``; its flops."""
    rows = POSITIONS[precision]
    io = trt.float16 if precision == "fp16" else trt.float32
    x = network.add_input("x", io, (1, CHANNELS, rows // 128, 128))
    rng = np.random.default_rng(1)
    kernel = (rng.uniform(-1, 1, (CHANNELS, CHANNELS, 1, 1)) / np.sqrt(CHANNELS)).astype(np.float32)
    keep.append(kernel)
    if precision == "int8":
        x = quantize_dequantize(trt, network, x, 1 / 127, keep=keep)
        weights = quantize_dequantize(trt, network, network.add_constant(kernel.shape, trt.Weights(kernel)).get_output(0),
                                      float(np.abs(kernel).max()) / 127, keep=keep)
        conv = network.add_convolution_nd(x, CHANNELS, (1, 1), trt.Weights(), trt.Weights())
        conv.set_input(1, weights)
    else:
        conv = network.add_convolution_nd(x, CHANNELS, (1, 1), trt.Weights(kernel), trt.Weights())
    conv.name = "gemm"
    out = conv.get_output(0)
    if precision == "int8":
        out = quantize_dequantize(trt, network, out, 2.0 / 127, keep=keep)
    out.name = "y"
    network.mark_output(out)
    out.dtype = io
    if precision == "fp16":
        for tensor in (network.get_input(0), out):
            tensor.allowed_formats = 1 << int(trt.TensorFormat.HWC8)
    return 2 * rows * CHANNELS * CHANNELS


def _gemm_layer(times: Dict[str, Dict[str, float]]) -> str:
    return max(times, key=lambda name: times[name]["median"])


def matmul(make_builder: MakeBuilder, timer: engines.Timer, precision: str) -> Dict[str, Any]:
    """One GEMM ceiling: flops, the GEMM layer's profiled samples, its tactic."""
    keep: list = []
    builder = make_builder(precision)
    flops = matmul_network(builder.network, precision, keep)
    try:
        engine = builder.build()
    except EngineBuildError as error:
        return {"status": "refused", "messages": error.messages[-5:]}
    shape = tuple(builder.network.get_input(0).shape)
    x = np.random.default_rng(2).uniform(-1, 1, shape).astype(np.float16 if precision == "fp16" else np.float32)
    _, record = timer.measure(engine, {"x": x}, profile_runs=CEILING_PROFILE_RUNS)
    times = record.get("layer_times_ms", {})
    if not times:
        return {"status": "failed", "messages": [record.get("layer_times_error", "no per-layer times")]}
    layers = [tactic(entry) for entry in engine_layers(engines.layer_information(engine))]
    name = _gemm_layer(times)
    samples = record["layer_samples_ms"][name]
    return {"status": "measured", "flops": flops, "samples_ms": samples,
            "latency_ms": {**timing.statistics(samples), "iterations": len(samples)},
            "graph_latency_ms": record["latency_ms"], "layer": name, "tactics": layers,
            "nvml_before": record["nvml_before"], "nvml_after": record["nvml_after"],
            "what": f"1x1 convolution {CHANNELS}->{CHANNELS} over {POSITIONS[precision]} positions ({precision}), "
                    "the GEMM layer's IProfiler time"}


def copy(timer: engines.Timer) -> Dict[str, Any]:
    """Device-to-device copy bandwidth from graph replays of one ``cudaMemcpyAsync``."""
    call, cudart = timer.call, timer.cudart
    source, target = call(cudart.cudaMalloc, COPY_BYTES), call(cudart.cudaMalloc, COPY_BYTES)
    try:
        call(cudart.cudaMemset, source, 0x3C, COPY_BYTES)

        def enqueue(stream):
            call(cudart.cudaMemcpyAsync, target, source, COPY_BYTES,
                 cudart.cudaMemcpyKind.cudaMemcpyDeviceToDevice, stream)
        captured = timer.graphs.capture(enqueue)
        try:
            measured = timer.graphs.measure(captured)
        finally:
            timer.graphs.release(captured)
    finally:
        call(cudart.cudaFree, source)
        call(cudart.cudaFree, target)
    return {"status": "measured", "bytes": 2 * COPY_BYTES, **measured,
            "what": "cudaMemcpyAsync device to device of 1 GiB in a CUDA graph: bytes counts the read and the write"}


def launch(make_builder: MakeBuilder, timer: engines.Timer) -> Dict[str, Any]:
    """GPU launch overhead per kernel, from a one-layer engine (ReLU on one element)."""
    builder = make_builder("fp32")
    network = builder.network
    x = network.add_input("x", trt.float32, (1, 1, 1, 1))
    relu = network.add_activation(x, trt.ActivationType.RELU)
    relu.get_output(0).name = "y"
    network.mark_output(relu.get_output(0))
    engine = builder.build()
    context = engine.create_execution_context()
    call, cudart = timer.call, timer.cudart
    pointers = [call(cudart.cudaMalloc, 4) for _ in range(2)]
    try:
        call(cudart.cudaMemset, pointers[0], 0, 4)
        context.set_tensor_address("x", int(pointers[0]))
        context.set_tensor_address("y", int(pointers[1]))

        def enqueue(stream):
            if not context.execute_async_v3(stream):
                raise RuntimeError("execute_async_v3 returned False")
        enqueue(int(timer.graphs.stream))
        timer.graphs.synchronize()
        result = timer.graphs.launch_overhead(enqueue)
    finally:
        for pointer in pointers:
            call(cudart.cudaFree, pointer)
    result.update(status="measured", layers=[tactic(entry) for entry in engine_layers(engines.layer_information(engine))],
                  samples_ms=result["per_kernel"]["samples_ms"], latency_ms=result["per_kernel"]["latency_ms"],
                  what="one-layer TensorRT engine (ReLU of one element): a CUDA graph of N enqueues replayed, / N")
    return result


def measure_all(make_builder: MakeBuilder, timer: engines.Timer, log=print) -> Dict[str, Any]:
    """Every ceiling and the launch overhead; a failure is recorded, never fatal."""
    result: Dict[str, Any] = {}
    steps = [("copy", lambda: copy(timer)), ("launch", lambda: launch(make_builder, timer))]
    steps += [(f"matmul_{p}", (lambda p=p: matmul(make_builder, timer, p))) for p in ("fp16", "int8", "tf32", "fp32")]
    for name, step in steps:
        try:
            result[name] = step()
        except Exception as error:
            result[name] = {"status": "failed", "messages": [f"{type(error).__name__}: {error}"]}
        log(f"ceiling {name}: {result[name].get('status')} "
            f"{result[name].get('latency_ms', {}).get('median', '')}")
    return result
