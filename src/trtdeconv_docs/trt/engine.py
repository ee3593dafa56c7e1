"""Real TensorRT (GPU only), the one engine module of the gallery, the conformance runner and the benchmark.

:class:`Builder` holds a capturing logger, a builder, a network and a builder config: a
workspace pool (1 GiB unless asked), the builder optimization level asked for (0 for the
documentation's tiny networks; ``None`` keeps TensorRT's default), DETAILED profiling
verbosity (the engine inspector names the tactics), ``BuilderFlag.TF32`` cleared unless
asked for, and one timing cache shared by every builder of the process. :func:`execute` runs
an engine once; :class:`Timer` times it with CUDA events. Uses the API common to TensorRT
8.6, 10 and 11 (named I/O tensors, ``execute_async_v3``, ``set_memory_pool_limit``).
"""

from __future__ import annotations

import math
import time
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import tensorrt as trt

from ..errors import EngineBuildError
from . import cuda_runtime, versions

WORKSPACE_BYTES = 1 << 30
_shared_timing_cache = None


class CapturingLogger(trt.ILogger):
    """A TensorRT logger that keeps warnings and errors, as ``(severity, message)``, instead of printing them."""

    def __init__(self):
        trt.ILogger.__init__(self)
        self.messages: List[Tuple[str, str]] = []

    def log(self, severity, msg):
        if severity <= trt.ILogger.Severity.WARNING:
            self.messages.append((str(severity).split(".")[-1], msg))

    def lines(self) -> List[str]:
        """``[SEVERITY] message`` for every message logged so far."""
        return [f"[{severity}] {msg}" for severity, msg in self.messages]

    def errors(self) -> List[str]:
        """``[SEVERITY] message`` for every error logged so far."""
        return [f"[{severity}] {msg}" for severity, msg in self.messages if severity != "WARNING"]


class Builder:
    """One logger, builder, network and builder config with the settings of the module docstring.

    ``errors_refuse``: an error logged while building is a refusal even when TensorRT returns
    an engine (TensorRT 8.6 logs an error and keeps the old value for some refused setters,
    such as a negative ``padding_nd``, and then builds).
    """

    def __init__(self, *, tf32: bool = False, int8: bool = False, fp16: bool = False,
                 optimization_level: Optional[int] = 0, obey_precision: bool = False,
                 workspace_bytes: int = WORKSPACE_BYTES, errors_refuse: bool = True):
        self.logger = CapturingLogger()
        self.builder = trt.Builder(self.logger)
        self.network = self.builder.create_network(versions.network_flags(trt))
        self.config = self.builder.create_builder_config()
        self.config.set_memory_pool_limit(trt.MemoryPoolType.WORKSPACE, workspace_bytes)
        if optimization_level is not None and hasattr(self.config, "builder_optimization_level"):
            self.config.builder_optimization_level = optimization_level
        self.config.profiling_verbosity = trt.ProfilingVerbosity.DETAILED
        if not tf32:
            self.config.clear_flag(trt.BuilderFlag.TF32)
        # Weakly typed precision flags exist in 8.6 and 10 (deprecated in 10.12); TensorRT 11 has none.
        # OBEY_PRECISION_CONSTRAINTS holds layers to the precision set on them (8.6, 10; not in 11)
        for wanted, flag in ((int8, "INT8"), (fp16, "FP16"), (obey_precision, "OBEY_PRECISION_CONSTRAINTS")):
            if wanted and hasattr(trt.BuilderFlag, flag):
                self.config.set_flag(getattr(trt.BuilderFlag, flag))
        global _shared_timing_cache
        if _shared_timing_cache is None:
            _shared_timing_cache = self.config.create_timing_cache(b"")
        self.config.set_timing_cache(_shared_timing_cache, False)
        self.errors_refuse = errors_refuse
        self.build_seconds: Optional[float] = None

    def add_profile(self, shapes: Dict[str, Sequence[Sequence[int]]]) -> None:
        """One optimization profile: input name -> (min, opt, max) shapes."""
        profile = self.builder.create_optimization_profile()
        for name, (smallest, usual, largest) in shapes.items():
            profile.set_shape(name, tuple(smallest), tuple(usual), tuple(largest))
        self.config.add_optimization_profile(profile)

    def build(self):
        """Build and deserialize the engine (an ``ICudaEngine``), or raise :class:`EngineBuildError`."""
        start = time.perf_counter()
        try:
            serialized = self.builder.build_serialized_network(self.network, self.config)
        except Exception as error:  # some refusals are raised rather than logged
            self.build_seconds = time.perf_counter() - start
            raise EngineBuildError(self.logger.errors() + [str(error)]) from error
        self.build_seconds = time.perf_counter() - start
        if serialized is None or (self.errors_refuse and self.logger.errors()):
            raise EngineBuildError(self.logger.errors())
        return trt.Runtime(self.logger).deserialize_cuda_engine(bytes(serialized))


def layer_information(engine) -> str:
    """The engine inspector's JSON (chosen tactics, per layer), or '' if unavailable."""
    if not hasattr(engine, "create_engine_inspector"):
        return ""
    return engine.create_engine_inspector().get_engine_information(trt.LayerInformationFormat.JSON)


class _Buffers:
    """Host and device buffers of an engine's named I/O tensors, bound to an execution context."""

    def __init__(self, engine, inputs: Dict[str, np.ndarray], context=None):
        self.cudart, self.call = cuda_runtime.runtime_module(), cuda_runtime.call
        self.context = context or engine.create_execution_context()
        names = [engine.get_tensor_name(i) for i in range(engine.num_io_tensors)]
        self.inputs = [n for n in names if engine.get_tensor_mode(n) == trt.TensorIOMode.INPUT]
        self.outputs = [n for n in names if n not in self.inputs]
        missing = sorted(set(self.inputs) - set(inputs))
        if missing:
            raise ValueError(f"inputs missing for the network's input tensors: {missing}")
        self.host: Dict[str, np.ndarray] = {}
        for name in self.inputs:
            self.host[name] = np.ascontiguousarray(inputs[name], dtype=trt.nptype(engine.get_tensor_dtype(name)))
            if -1 in tuple(engine.get_tensor_shape(name)):
                self.context.set_input_shape(name, self.host[name].shape)
        for name in self.outputs:
            self.host[name] = np.empty(tuple(self.context.get_tensor_shape(name)),
                                       dtype=trt.nptype(engine.get_tensor_dtype(name)))
        self.device: Dict[str, int] = {}

    def __enter__(self) -> "_Buffers":
        for name in self.inputs + self.outputs:
            self.device[name] = self.call(self.cudart.cudaMalloc, max(self.host[name].nbytes, 1))
            self.context.set_tensor_address(name, int(self.device[name]))
        return self

    def __exit__(self, *_exc) -> None:
        for pointer in self.device.values():
            self.call(self.cudart.cudaFree, pointer)

    def copy_in(self, stream) -> None:
        """Copy the inputs to the device, on ``stream``."""
        for name in self.inputs:
            self.call(self.cudart.cudaMemcpyAsync, self.device[name], self.host[name].ctypes.data,
                      self.host[name].nbytes, self.cudart.cudaMemcpyKind.cudaMemcpyHostToDevice, stream)

    def copy_out(self, stream) -> Dict[str, np.ndarray]:
        """Copy the outputs back to the host, on ``stream``, and wait for them."""
        for name in self.outputs:
            self.call(self.cudart.cudaMemcpyAsync, self.host[name].ctypes.data, self.device[name],
                      self.host[name].nbytes, self.cudart.cudaMemcpyKind.cudaMemcpyDeviceToHost, stream)
        self.call(self.cudart.cudaStreamSynchronize, stream)
        return {name: self.host[name] for name in self.outputs}

    def launch(self, stream) -> None:
        """One ``execute_async_v3`` on ``stream``."""
        if not self.context.execute_async_v3(int(stream)):
            raise RuntimeError("execute_async_v3 returned False")


def execute(engine, inputs: Dict[str, np.ndarray], context=None) -> Dict[str, np.ndarray]:
    """Run an ``ICudaEngine`` once with named I/O tensors and ``execute_async_v3``; the outputs by name."""
    cudart, call = cuda_runtime.runtime_module(), cuda_runtime.call
    stream = call(cudart.cudaStreamCreate)
    try:
        with _Buffers(engine, inputs, context) as buffers:
            buffers.copy_in(stream)
            buffers.launch(stream)
            return buffers.copy_out(stream)
    finally:
        call(cudart.cudaStreamDestroy, stream)


class Timer:
    """A stream and a pool of CUDA events: an engine's latency, between events around each launch."""

    def __init__(self, *, warmup: int = 10, min_iterations: int = 100, max_iterations: int = 300,
                 timed_seconds: float = 0.2):
        self.warmup, self.min_iterations, self.max_iterations = warmup, min_iterations, max_iterations
        self.timed_seconds = timed_seconds
        self.cudart, self.call = cuda_runtime.runtime_module(), cuda_runtime.call
        self.stream = self.call(self.cudart.cudaStreamCreate)
        self.events = [self.call(self.cudart.cudaEventCreate) for _ in range(2 * max_iterations)]

    def _time(self, buffers: _Buffers, iterations: int) -> List[float]:
        call, cudart = self.call, self.cudart
        for i in range(iterations):
            call(cudart.cudaEventRecord, self.events[2 * i], self.stream)
            buffers.launch(self.stream)
            call(cudart.cudaEventRecord, self.events[2 * i + 1], self.stream)
        call(cudart.cudaStreamSynchronize, self.stream)
        return [call(cudart.cudaEventElapsedTime, self.events[2 * i], self.events[2 * i + 1]) for i in range(iterations)]

    def measure(self, engine, inputs: Dict[str, np.ndarray]) -> Tuple[Dict[str, np.ndarray], int, List[float]]:
        """Run ``engine`` once for its outputs, warm it up, then time it: (outputs, launches before timing, ms samples).

        The timed iterations last about ``timed_seconds``, within [``min_iterations``, ``max_iterations``].
        """
        with _Buffers(engine, inputs) as buffers:
            buffers.copy_in(self.stream)
            self._time(buffers, 1)
            outputs = buffers.copy_out(self.stream)
            estimate = float(np.median(self._time(buffers, self.warmup)))
            wanted = math.ceil(self.timed_seconds / max(estimate * 1e-3, 1e-9))
            samples = self._time(buffers, int(min(max(wanted, self.min_iterations), self.max_iterations)))
        return {name: array.copy() for name, array in outputs.items()}, 1 + self.warmup, samples
