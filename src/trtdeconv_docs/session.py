"""Build and run a small TensorRT network with the API common to TensorRT 8.6, 10 and 11.

An example creates a :class:`Session`, adds layers to ``session.network`` and calls
:meth:`Session.run`, which builds the engine, copies the inputs to the GPU, runs
``execute_async_v3`` on named I/O tensors and returns the outputs by name. When the
environment variable ``TRTDECONV_RECORD_DIR`` is set, each run is also written to a
recording (see :mod:`trtdeconv_docs.recording`).

Builder settings for tiny documentation networks: a 1 GiB workspace pool, builder
optimization level 0 where available, one timing cache shared by every session of the
process, and ``BuilderFlag.TF32`` cleared unless ``tf32=True`` (so FP32 layers are
computed in FP32 as the original page shows).
"""

from __future__ import annotations

import time
from typing import Dict, List, Optional, Tuple

import numpy as np
import tensorrt as trt

from . import cuda_runtime, recording
from .network_description import describe_network

WORKSPACE_BYTES = 1 << 30
_DTYPES = {"float32": trt.float32, "float16": trt.float16, "int8": trt.int8, "int32": trt.int32}
_shared_timing_cache = None


class EngineBuildError(RuntimeError):
    """TensorRT refused to build the network; ``messages`` holds what its logger said."""

    def __init__(self, messages: List[str]):
        super().__init__("TensorRT could not build the network:\n" + "\n".join(messages))
        self.messages = messages


class _CapturingLogger(trt.ILogger):
    """A TensorRT logger that keeps warnings and errors instead of printing them."""

    def __init__(self):
        trt.ILogger.__init__(self)
        self.messages: List[Tuple[str, str]] = []

    def log(self, severity, msg):
        if severity <= trt.ILogger.Severity.WARNING:
            self.messages.append((str(severity).split(".")[-1], msg))


def tensorrt_major() -> int:
    """Major version of the imported TensorRT."""
    return int(trt.__version__.split(".")[0])


def _network_flags() -> int:
    flag = getattr(trt.NetworkDefinitionCreationFlag, "EXPLICIT_BATCH", None)
    # TensorRT 8 needs EXPLICIT_BATCH; 10 ignores it (deprecated); 11 removed it.
    return 1 << int(flag) if flag is not None and tensorrt_major() < 10 else 0


class Session:
    """One logger, builder, network and builder config; see the module docstring."""

    def __init__(self, *, tf32: bool = False, int8: bool = False):
        self.logger = _CapturingLogger()
        self.builder = trt.Builder(self.logger)
        self.network = self.builder.create_network(_network_flags())
        self.config = self.builder.create_builder_config()
        self.config.set_memory_pool_limit(trt.MemoryPoolType.WORKSPACE, WORKSPACE_BYTES)
        if hasattr(self.config, "builder_optimization_level"):
            self.config.builder_optimization_level = 0
        self.config.profiling_verbosity = trt.ProfilingVerbosity.DETAILED
        self.tf32 = tf32
        if not tf32:
            self.config.clear_flag(trt.BuilderFlag.TF32)
        # Explicit Q/DQ networks need BuilderFlag.INT8 on TensorRT 8.6; TensorRT 11 has no such flag.
        self.int8 = int8 and hasattr(trt.BuilderFlag, "INT8")
        if self.int8:
            self.config.set_flag(trt.BuilderFlag.INT8)
        global _shared_timing_cache
        if _shared_timing_cache is None:
            _shared_timing_cache = self.config.create_timing_cache(b"")
        self.config.set_timing_cache(_shared_timing_cache, False)
        self.inputs: Dict[str, np.ndarray] = {}
        self.build_seconds: Optional[float] = None

    def build(self) -> bytes:
        """Build the serialized engine, or raise :class:`EngineBuildError`."""
        start = time.perf_counter()
        try:
            serialized = self.builder.build_serialized_network(self.network, self.config)
        except Exception as error:  # some refusals are raised rather than logged
            raise EngineBuildError(self._errors() + [str(error)]) from error
        self.build_seconds = time.perf_counter() - start
        # TensorRT 8.6 logs an error and keeps the old value for some refused setters
        # (negative padding_nd, say) and then builds: an error logged is a refusal.
        if serialized is None or self._errors():
            raise EngineBuildError(self._errors())
        return bytes(serialized)

    def _errors(self) -> List[str]:
        return [f"[{severity}] {msg}" for severity, msg in self.logger.messages if severity != "WARNING"]

    def add_input(self, name: str, array) -> "trt.ITensor":
        """Add a network input shaped and typed like ``array``, which :meth:`run` feeds it."""
        array = np.ascontiguousarray(array)
        self.inputs[name] = array
        if array.dtype.name not in _DTYPES:
            raise ValueError(f"input {name!r}: dtype {array.dtype} is not one of {sorted(_DTYPES)}")
        return self.network.add_input(name, _DTYPES[array.dtype.name], array.shape)

    def run(self, label: str, *outputs, show: bool = True) -> Dict[str, np.ndarray]:
        """Mark ``outputs`` (layers or tensors), build, execute once, return outputs by name.

        Prints every input and output as the original page does (unless ``show=False``).
        With ``TRTDECONV_RECORD_DIR`` set, the run is recorded under ``label`` for the
        example that called this method.
        """
        for output in outputs:
            self.network.mark_output(output.get_output(0) if hasattr(output, "get_output") else output)
        engine = deserialize(self.logger, self.build())
        results = execute(engine, self.inputs)
        if show:
            with np.printoptions(precision=8, linewidth=200, suppress=True):
                for name, array in list(self.inputs.items()) + list(results.items()):
                    print(f"{name}: {array.shape}")
                    print(array)
        record(label, self.network, self.inputs, results,
               {"tf32": self.tf32, "int8": self.int8, "build_seconds": self.build_seconds}, engine)
        return results


def record(label: str, network, inputs, outputs, settings=None, engine=None) -> None:
    """Record one run for the calling example when ``TRTDECONV_RECORD_DIR`` is set; else do nothing.

    ``settings`` (builder settings) and ``engine`` (an ``ICudaEngine``, for the chosen tactics) are optional.
    """
    if not recording.enabled():
        return
    settings = dict(settings or {})
    if engine is not None:
        settings["layers"] = layer_information(engine)
    recording.record_run(
        caller_file=recording.caller_file(),
        label=label,
        network=describe_network(network),
        inputs=inputs,
        outputs=outputs,
        settings=settings,
    )


def deserialize(logger, engine_bytes: bytes):
    """The ``ICudaEngine`` of a serialized engine."""
    return trt.Runtime(logger).deserialize_cuda_engine(engine_bytes)


def layer_information(engine) -> str:
    """The engine inspector's JSON (chosen tactics, per layer), or '' if unavailable."""
    if not hasattr(engine, "create_engine_inspector"):
        return ""
    return engine.create_engine_inspector().get_engine_information(trt.LayerInformationFormat.JSON)


def execute(engine, inputs: Dict[str, np.ndarray]) -> Dict[str, np.ndarray]:
    """Run an ``ICudaEngine`` once with named I/O tensors and ``execute_async_v3``."""
    cudart = cuda_runtime.runtime_module()
    call = cuda_runtime.call
    context = engine.create_execution_context()
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
