"""Real TensorRT (GPU only): a builder for documentation networks, and one engine execution.

Builder settings for tiny documentation networks: a 1 GiB workspace pool, builder
optimization level 0 where available (unless asked for another), one timing cache shared by every builder of the
process, DETAILED profiling verbosity (the engine inspector names the tactics) and
``BuilderFlag.TF32`` cleared unless asked for. Uses the API common to TensorRT 8.6, 10
and 11 (named I/O tensors, ``execute_async_v3``, ``set_memory_pool_limit``).
"""

from __future__ import annotations

import time
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import tensorrt as trt

from . import cuda_runtime, versions as tensorrt_versions
from ..errors import EngineBuildError

WORKSPACE_BYTES = 1 << 30
DTYPES = {"float32": trt.float32, "float16": trt.float16, "int8": trt.int8, "int32": trt.int32}
_shared_timing_cache = None


class CapturingLogger(trt.ILogger):
    """A TensorRT logger that keeps warnings and errors instead of printing them."""

    def __init__(self):
        trt.ILogger.__init__(self)
        self.messages: List[Tuple[str, str]] = []

    def log(self, severity, msg):
        if severity <= trt.ILogger.Severity.WARNING:
            self.messages.append((str(severity).split(".")[-1], msg))

    def errors(self) -> List[str]:
        """``[SEVERITY] message`` for every error logged so far."""
        return [f"[{severity}] {msg}" for severity, msg in self.messages if severity != "WARNING"]


class Builder:
    """One logger, builder, network and builder config with the settings of the module docstring."""

    def __init__(self, *, tf32: bool = False, int8: bool = False, fp16: bool = False, optimization_level: int = 0,
                 obey_precision: bool = False):
        self.logger = CapturingLogger()
        self.builder = trt.Builder(self.logger)
        self.network = self.builder.create_network(tensorrt_versions.network_flags(trt))
        self.config = self.builder.create_builder_config()
        self.config.set_memory_pool_limit(trt.MemoryPoolType.WORKSPACE, WORKSPACE_BYTES)
        if hasattr(self.config, "builder_optimization_level"):
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
            raise EngineBuildError(self.logger.errors() + [str(error)]) from error
        self.build_seconds = time.perf_counter() - start
        # TensorRT 8.6 logs an error and keeps the old value for some refused setters
        # (negative padding_nd, say) and then builds: an error logged is a refusal.
        if serialized is None or self.logger.errors():
            raise EngineBuildError(self.logger.errors())
        return trt.Runtime(self.logger).deserialize_cuda_engine(bytes(serialized))


def layer_information(engine) -> str:
    """The engine inspector's JSON (chosen tactics, per layer), or '' if unavailable."""
    if not hasattr(engine, "create_engine_inspector"):
        return ""
    return engine.create_engine_inspector().get_engine_information(trt.LayerInformationFormat.JSON)


def execute(engine, inputs: Dict[str, np.ndarray], context=None) -> Dict[str, np.ndarray]:
    """Run an ``ICudaEngine`` once with named I/O tensors and ``execute_async_v3``."""
    cudart = cuda_runtime.runtime_module()
    call = cuda_runtime.call
    context = context or engine.create_execution_context()
    names = [engine.get_tensor_name(i) for i in range(engine.num_io_tensors)]
    is_input = {n: engine.get_tensor_mode(n) == trt.TensorIOMode.INPUT for n in names}
    missing = sorted(set(n for n in names if is_input[n]) - set(inputs))
    if missing:
        raise ValueError(f"inputs missing for the network's input tensors: {missing}")
    host = {}
    for name in names:
        if is_input[name]:
            host[name] = np.ascontiguousarray(inputs[name], dtype=trt.nptype(engine.get_tensor_dtype(name)))
            if -1 in tuple(engine.get_tensor_shape(name)):
                context.set_input_shape(name, host[name].shape)
    for name in names:
        if not is_input[name]:
            shape = tuple(context.get_tensor_shape(name))
            host[name] = np.empty(shape, dtype=trt.nptype(engine.get_tensor_dtype(name)))
    stream = call(cudart.cudaStreamCreate)
    device = {}
    try:
        for name in names:
            device[name] = call(cudart.cudaMalloc, max(host[name].nbytes, 1))
            context.set_tensor_address(name, int(device[name]))
        kind = cudart.cudaMemcpyKind
        for name in names:
            if is_input[name]:
                call(cudart.cudaMemcpyAsync, device[name], host[name].ctypes.data, host[name].nbytes,
                     kind.cudaMemcpyHostToDevice, stream)
        if not context.execute_async_v3(int(stream)):
            raise RuntimeError("execute_async_v3 returned False")
        for name in names:
            if not is_input[name]:
                call(cudart.cudaMemcpyAsync, host[name].ctypes.data, device[name], host[name].nbytes,
                     kind.cudaMemcpyDeviceToHost, stream)
        call(cudart.cudaStreamSynchronize, stream)
    finally:
        for pointer in device.values():
            call(cudart.cudaFree, pointer)
        call(cudart.cudaStreamDestroy, stream)
    return {name: host[name] for name in names if not is_input[name]}
