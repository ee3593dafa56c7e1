"""Run one TensorRT engine the way NVIDIA measures it: CUDA graph, enqueue apart, per-layer profile, NVML.

Used by the TensorRT runner (:mod:`.tensorrt`) for every run and for the ceilings
(:mod:`.trt_ceilings`). :func:`measure` copies the input in (converted to the engine's
channels-last format when the run asks for one, :mod:`.layouts`), runs once for the output,
captures ``execute_async_v3`` into a CUDA graph and times its replays (:mod:`.timing`),
times the host enqueue apart, replays with the L2 flushed when the working set is under
twice the L2, and collects per-layer times from an ``IProfiler`` (separate, unreplayed
executions: TensorRT times each layer between events). GPU state comes from :mod:`.nvml`
before and after.
"""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

import numpy as np
import tensorrt as trt

from .. import cuda_runtime
from . import layouts, timing

PROFILE_RUNS = 20


class LayerProfiler(trt.IProfiler):
    """Keeps every ``report_layer_time`` call: layer name -> list of ms."""

    def __init__(self):
        trt.IProfiler.__init__(self)
        self.times: Dict[str, List[float]] = {}

    def report_layer_time(self, layer_name, ms):
        self.times.setdefault(layer_name, []).append(float(ms))


def tensor_layout(engine, name: str) -> Dict[str, Any]:
    """The I/O tensor's format as TensorRT describes it, its vectorized dimension and components."""
    fmt = engine.get_tensor_format(name)
    return {"format": getattr(fmt, "name", None) or str(fmt).split(".")[-1],
            "description": engine.get_tensor_format_desc(name),
            "vectorized_dim": int(engine.get_tensor_vectorized_dim(name)),
            "components": int(engine.get_tensor_components_per_element(name))}


def device_memory_bytes(engine) -> int:
    """The engine's device memory: ``device_memory_size`` (8.6, 10; removed in 11), else ``device_memory_size_v2``."""
    if hasattr(engine, "device_memory_size"):
        return int(engine.device_memory_size)
    return int(getattr(engine, "device_memory_size_v2", 0))


class Engines:
    """The CUDA side shared by every run: one stream and graph timer, the NVML monitor, the L2 size."""

    def __init__(self, monitor):
        self.cudart = cuda_runtime.runtime_module()
        self.call = cuda_runtime.call
        self.timer = timing.GraphTimer(self.cudart, self.call)
        self.monitor = monitor
        device = self.call(self.cudart.cudaGetDevice)
        self.l2_bytes = int(self.call(self.cudart.cudaGetDeviceProperties, device).l2CacheSize)
        self.timer.enable_flush(self.l2_bytes)

    def copy(self, destination, source, count: int, kind: str) -> None:
        """A synchronous ``cudaMemcpy`` (``kind``: ``HostToDevice`` or ``DeviceToHost``)."""
        self.call(self.cudart.cudaMemcpy, destination, source, count,
                  getattr(self.cudart.cudaMemcpyKind, f"cudaMemcpy{kind}"))

    def measure(self, engine, host_input: np.ndarray, profile_runs: int = PROFILE_RUNS,
                output_name: str = "y", input_name: str = "x") -> Tuple[np.ndarray, Dict[str, Any]]:
        """Run ``engine`` on ``host_input`` (NCHW); its output (NCHW) and everything measured."""
        call, cudart = self.call, self.cudart
        context = engine.create_execution_context()
        formats = {name: tensor_layout(engine, name) for name in (input_name, output_name)}
        device_input = layouts.to_engine(host_input, formats[input_name])
        out_dtype = trt.nptype(engine.get_tensor_dtype(output_name))
        logical_out = tuple(context.get_tensor_shape(output_name))
        device_out_shape = layouts.engine_shape(logical_out, formats[output_name])
        host_output = np.empty(device_out_shape, dtype=out_dtype)
        pointers = {input_name: call(cudart.cudaMalloc, max(device_input.nbytes, 1)),
                    output_name: call(cudart.cudaMalloc, max(host_output.nbytes, 1))}
        record: Dict[str, Any] = {"io_formats": formats, "nvml_before": self.monitor.snapshot()}
        captured = None
        try:
            for name, pointer in pointers.items():
                context.set_tensor_address(name, int(pointer))
            call(cudart.cudaMemset, pointers[output_name], 0xFF, host_output.nbytes)  # poisoned: NaN in float
            self.copy(pointers[input_name], device_input.ctypes.data, device_input.nbytes, "HostToDevice")

            def enqueue(stream: int) -> None:
                if not context.execute_async_v3(stream):
                    raise RuntimeError("execute_async_v3 returned False")

            enqueue(int(self.timer.stream))  # first run: the output, and TensorRT's lazy setup before capture
            self.timer.synchronize()
            self.copy(host_output.ctypes.data, pointers[output_name], host_output.nbytes, "DeviceToHost")
            captured = self.timer.capture_or_eager(enqueue)
            record.update(self.timer.measure(captured))
            record["enqueue_ms"] = self.timer.enqueue_ms(enqueue)
            working_set = device_input.nbytes + host_output.nbytes
            record["working_set_bytes"] = int(working_set)
            if working_set < 2 * self.l2_bytes:
                record["cold_l2"] = self.timer.measure_cold(captured)
            if profile_runs:
                try:
                    samples = self.profile(context, enqueue, profile_runs)
                    record["layer_samples_ms"] = samples
                    record["layer_times_ms"] = {name: {**timing.statistics(times), "count": len(times)}
                                                for name, times in samples.items()}
                except Exception as error:  # the timing stands without it; the record says why
                    record["layer_times_error"] = f"{type(error).__name__}: {error}"
            record["device_memory_bytes"] = device_memory_bytes(engine)
        finally:
            if captured is not None:
                self.timer.release(captured)
            for pointer in pointers.values():
                call(cudart.cudaFree, pointer)
            record["nvml_after"] = self.monitor.snapshot()
        return layouts.from_engine(host_output, logical_out, formats[output_name]), record

    def profile(self, context, enqueue, runs: int) -> Dict[str, List[float]]:
        """Per-layer times (ms) of ``runs`` profiled executions."""
        profiler = LayerProfiler()
        context.profiler = profiler  # the context is this run's only: never used again unprofiled
        for _ in range(runs):
            enqueue(int(self.timer.stream))
            self.timer.synchronize()
        return profiler.times
