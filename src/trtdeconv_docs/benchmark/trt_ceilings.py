"""Ceilings and launch overhead measured by TensorRT itself, in the runner's process (GPU, ``python-trt``).

* ``copy``: a 1 GiB device-to-device ``cudaMemcpyAsync`` in a CUDA graph (bytes = read + write);
* ``matmul_<precision>``: a 1x1 convolution of :data:`CHANNELS` channels (a GEMM of
  ``positions x CHANNELS x CHANNELS``) in FP32 (TF32 cleared), TF32, FP16 (TF32 cleared, HWC8
  I/O) and INT8 (Q/DQ on input, kernel and output); the rate is its flops over the convolution
  layer's time from the ``IProfiler`` (Q/DQ reformats excluded), with the layer's tactic;
* ``launch``: a one-layer engine (ReLU on one element): one CUDA graph of
  :data:`.timing.LAUNCH_KERNELS` enqueues replayed / N (the GPU cost of one kernel), a graph
  of one enqueue, and the host enqueue time.

These are the ceilings the floors of the TensorRT rows use (:mod:`.analysis`), checked
against the spec sheet (:mod:`.specs`).
"""

from __future__ import annotations

from typing import Any, Dict

import numpy as np
import tensorrt as trt

from .. import tensorrt_versions
from . import engine_run, timing

CHANNELS = 2048
POSITIONS = {"fp32": 64 * 128, "tf32": 128 * 256, "fp16": 256 * 256, "int8": 256 * 256}
"""GEMM rows per precision: about a millisecond at the spec rate, many times the L2."""
COPY_BYTES = 1 << 30
CEILING_PROFILE_RUNS = 100


def _q_dq(network, tensor, scale: float, keep: list):
    value = np.array([scale], dtype=np.float32)
    keep.append(value)
    constant = network.add_constant([], value).get_output(0)
    return tensorrt_versions.quantize_dequantize(trt, network, tensor, constant)[1].get_output(0)


def matmul_network(builder, precision: str, keep: list):
    """The 1x1-convolution GEMM network of one precision."""
    network = builder.create_network(tensorrt_versions.network_flags(trt))
    rows = POSITIONS[precision]
    io = trt.float16 if precision == "fp16" else trt.float32
    x = network.add_input("x", io, (1, CHANNELS, rows // 128, 128))
    rng = np.random.default_rng(1)
    kernel = (rng.uniform(-1, 1, (CHANNELS, CHANNELS, 1, 1)) / np.sqrt(CHANNELS)).astype(np.float32)
    keep.append(kernel)
    if precision == "int8":
        x = _q_dq(network, x, 1 / 127, keep)
        weights = _q_dq(network, network.add_constant(kernel.shape, trt.Weights(kernel)).get_output(0),
                        float(np.abs(kernel).max()) / 127, keep)
        conv = network.add_convolution_nd(x, CHANNELS, (1, 1), trt.Weights(), trt.Weights())
        conv.set_input(1, weights)
    else:
        conv = network.add_convolution_nd(x, CHANNELS, (1, 1), trt.Weights(kernel), trt.Weights())
    conv.name = "gemm"
    out = conv.get_output(0)
    if precision == "int8":
        out = _q_dq(network, out, 2.0 / 127, keep)
    out.name = "y"
    network.mark_output(out)
    out.dtype = io
    if precision == "fp16":
        for tensor in (network.get_input(0), out):
            tensor.allowed_formats = 1 << int(trt.TensorFormat.HWC8)
    return network, 2 * rows * CHANNELS * CHANNELS


def _gemm_layer(times: Dict[str, Dict[str, float]]) -> str:
    return max(times, key=lambda name: times[name]["median"])


def matmul(builder, engines: engine_run.Engines, precision: str) -> Dict[str, Any]:
    """One GEMM ceiling: flops, the GEMM layer's profiled samples, its tactic."""
    keep: list = []
    network, flops = matmul_network(builder.builder, precision, keep)
    config = builder.config(precision)
    serialized = builder.builder.build_serialized_network(network, config)
    if serialized is None:
        return {"status": "refused", "messages": builder.logger.errors()[-5:]}
    engine = builder.runtime.deserialize_cuda_engine(serialized)
    shape = tuple(network.get_input(0).shape)
    x = np.random.default_rng(2).uniform(-1, 1, shape).astype(np.float16 if precision == "fp16" else np.float32)
    _, record = engines.measure(engine, x, profile_runs=CEILING_PROFILE_RUNS)
    times = record.get("layer_times_ms", {})
    if not times:
        return {"status": "failed", "messages": [record.get("layer_times_error", "no per-layer times")]}
    from .tensorrt import engine_layers, tactic  # the runner's inspector reader
    layers = [tactic(entry) for entry in engine_layers(engine)]
    name = _gemm_layer(times)
    samples = record["layer_samples_ms"][name]
    return {"status": "measured", "flops": flops, "samples_ms": samples,
            "latency_ms": {**timing.statistics(samples), "iterations": len(samples)},
            "graph_latency_ms": record["latency_ms"], "layer": name, "tactics": layers,
            "nvml_before": record["nvml_before"], "nvml_after": record["nvml_after"],
            "what": f"1x1 convolution {CHANNELS}->{CHANNELS} over {POSITIONS[precision]} positions ({precision}), "
                    "the GEMM layer's IProfiler time"}


def copy(engines: engine_run.Engines) -> Dict[str, Any]:
    """Device-to-device copy bandwidth from graph replays of one ``cudaMemcpyAsync``."""
    call, cudart = engines.call, engines.cudart
    source, target = call(cudart.cudaMalloc, COPY_BYTES), call(cudart.cudaMalloc, COPY_BYTES)
    try:
        call(cudart.cudaMemset, source, 0x3C, COPY_BYTES)

        def enqueue(stream):
            call(cudart.cudaMemcpyAsync, target, source, COPY_BYTES,
                 cudart.cudaMemcpyKind.cudaMemcpyDeviceToDevice, stream)
        captured = engines.timer.capture(enqueue)
        try:
            measured = engines.timer.measure(captured)
        finally:
            engines.timer.release(captured)
    finally:
        call(cudart.cudaFree, source)
        call(cudart.cudaFree, target)
    return {"status": "measured", "bytes": 2 * COPY_BYTES, **measured,
            "what": "cudaMemcpyAsync device to device of 1 GiB in a CUDA graph: bytes counts the read and the write"}


def launch(builder, engines: engine_run.Engines) -> Dict[str, Any]:
    """GPU launch overhead per kernel, from a one-layer engine (ReLU on one element)."""
    network = builder.builder.create_network(tensorrt_versions.network_flags(trt))
    x = network.add_input("x", trt.float32, (1, 1, 1, 1))
    relu = network.add_activation(x, trt.ActivationType.RELU)
    relu.get_output(0).name = "y"
    network.mark_output(relu.get_output(0))
    engine = builder.runtime.deserialize_cuda_engine(
        builder.builder.build_serialized_network(network, builder.config("fp32")))
    context = engine.create_execution_context()
    call, cudart = engines.call, engines.cudart
    pointers = [call(cudart.cudaMalloc, 4) for _ in range(2)]
    try:
        call(cudart.cudaMemset, pointers[0], 0, 4)
        context.set_tensor_address("x", int(pointers[0]))
        context.set_tensor_address("y", int(pointers[1]))

        def enqueue(stream):
            if not context.execute_async_v3(stream):
                raise RuntimeError("execute_async_v3 returned False")
        enqueue(int(engines.timer.stream))
        engines.timer.synchronize()
        result = engines.timer.launch_overhead(enqueue)
    finally:
        for pointer in pointers:
            call(cudart.cudaFree, pointer)
    from .tensorrt import engine_layers, tactic
    result.update(status="measured", layers=[tactic(entry) for entry in engine_layers(engine)],
                  samples_ms=result["per_kernel"]["samples_ms"], latency_ms=result["per_kernel"]["latency_ms"],
                  what="one-layer TensorRT engine (ReLU of one element): a CUDA graph of N enqueues replayed, / N")
    return result


def measure_all(builder, engines: engine_run.Engines, log=print) -> Dict[str, Any]:
    """Every ceiling and the launch overhead; a failure is recorded, never fatal."""
    result: Dict[str, Any] = {}
    steps = [("copy", lambda: copy(engines)), ("launch", lambda: launch(builder, engines))]
    steps += [(f"matmul_{p}", (lambda p=p: matmul(builder, engines, p))) for p in ("fp16", "int8", "tf32", "fp32")]
    for name, step in steps:
        try:
            result[name] = step()
        except Exception as error:
            result[name] = {"status": "failed", "messages": [f"{type(error).__name__}: {error}"]}
        log(f"ceiling {name}: {result[name].get('status')} "
            f"{result[name].get('latency_ms', {}).get('median', '')}")
    return result
