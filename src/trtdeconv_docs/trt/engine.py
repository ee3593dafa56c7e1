"""Real TensorRT (GPU only), the one engine module of the gallery, the conformance runner and the benchmark.

:class:`Builder` holds a capturing logger, a builder, a network and a builder config: a
workspace pool (1 GiB unless asked), the builder optimization level asked for (0 for the
documentation's tiny networks; ``None`` keeps TensorRT's default), DETAILED profiling
verbosity (the engine inspector names the tactics), ``BuilderFlag.TF32`` cleared unless
asked for, and timing caches by name: one shared by every builder of the process unless a
named or a fresh one is asked for (the shared one seeded from a file by
:func:`seed_timing_cache`, saved with :func:`timing_cache_bytes`). :func:`execute` runs an
engine once; :class:`Timer` runs it once for its outputs and then measures it the way NVIDIA
does (``trtexec --useCudaGraph``): CUDA-graph replay of ``execute_async_v3`` timed between
events (:mod:`.timing`), the host enqueue apart, cold-L2 replays, per-layer ``IProfiler``
times, GPU state around it. Both read and write channels-last I/O tensors in TensorRT's
format (:mod:`.layouts`) and hand back NCHW arrays. Uses the API common to TensorRT 8.6, 10
and 11 (named I/O tensors, ``execute_async_v3``, ``set_memory_pool_limit``).

A refusal is a build that produced no engine. An error TensorRT logs while the network is
being defined (a setter it rejected, such as a negative ``padding_nd``) is not a refusal:
TensorRT keeps the old value and builds; :attr:`Builder.definition_errors` keeps those
messages for the recording.
"""

from __future__ import annotations

import time
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
import tensorrt as trt

from ..errors import EngineBuildError
from . import cuda_runtime, layouts, timing, versions

WORKSPACE_BYTES = 1 << 30
PROFILE_RUNS = 20
"""Unreplayed executions under the ``IProfiler`` for per-layer times."""
SHARED = "shared"
"""The timing cache name of every builder that asks for no other: one cache for the process."""
FRESH = "fresh"
"""The timing cache name that gives a builder an empty cache of its own (every build times its tactics again)."""
_timing_caches: Dict[str, object] = {}
"""Timing caches by name: :data:`SHARED`, and those examples name."""
_timing_cache_seed = b""


def seed_timing_cache(data: bytes) -> None:
    """Start the process's shared timing cache from ``data`` (a serialized cache); call before the first Builder."""
    global _timing_cache_seed
    if SHARED in _timing_caches:
        raise RuntimeError("the shared timing cache exists already: seed it before the first Builder")
    _timing_cache_seed = bytes(data)


def timing_cache_bytes() -> Optional[bytes]:
    """The shared timing cache, serialized (``None`` before the first Builder that uses it)."""
    cache = _timing_caches.get(SHARED)
    return None if cache is None else bytes(cache.serialize())


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

    ``timing_cache``: :data:`SHARED` (one for the process), :data:`FRESH` (an empty one for this
    builder) or a name shared by the builders that give it; ``algorithm_selector``: pin the
    lowest tactic (:class:`~trtdeconv_docs.trt.tactic_selector.LowestTactic`) instead of the fastest.
    """

    def __init__(self, *, tf32: bool = False, int8: bool = False, fp16: bool = False,
                 optimization_level: Optional[int] = 0, obey_precision: bool = False,
                 workspace_bytes: int = WORKSPACE_BYTES, timing_cache: str = SHARED,
                 algorithm_selector: bool = False):
        self.logger = CapturingLogger()
        self.builder = trt.Builder(self.logger)
        self.network = self.builder.create_network(versions.network_flags(trt))
        self.config = self.builder.create_builder_config()
        self.config.set_memory_pool_limit(trt.MemoryPoolType.WORKSPACE, workspace_bytes)
        self.optimization_level = optimization_level
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
        seed = _timing_cache_seed if timing_cache == SHARED else b""
        if timing_cache == FRESH:
            cache = self.config.create_timing_cache(b"")
        else:
            if timing_cache not in _timing_caches:
                _timing_caches[timing_cache] = self.config.create_timing_cache(seed)
            cache = _timing_caches[timing_cache]
        self.config.set_timing_cache(cache, False)
        self.timing_cache = {"name": timing_cache, "seed_bytes": len(seed) if timing_cache != FRESH else 0}
        if algorithm_selector and hasattr(self.config, "algorithm_selector"):
            from .tactic_selector import LowestTactic
            self.config.algorithm_selector = self.selector = LowestTactic()
        elif algorithm_selector:  # IAlgorithmSelector: deprecated in TensorRT 10.8, removed in 11
            raise ValueError(f"TensorRT {trt.__version__} has no algorithm selector (IAlgorithmSelector)")
        self.build_seconds: Optional[float] = None
        self.engine_bytes: Optional[int] = None
        self.definition_errors: List[str] = []

    def method(self) -> Dict[str, Any]:
        """How this builder builds, read from what it set: the optimization level the builder config holds
        (TensorRT's own default when none was asked; ``None`` where the config has no such attribute), the precision
        flags it holds, and the timing cache it was given (:data:`SHARED`, :data:`FRESH` or a name; ``seed_bytes``:
        what the shared cache started from)."""
        level = getattr(self.config, "builder_optimization_level", None)
        return {"optimization_level": None if level is None else int(level),
                "optimization_level_asked": self.optimization_level, "timing_cache": dict(self.timing_cache)}

    def add_profile(self, shapes: Dict[str, Sequence[Sequence[int]]]) -> None:
        """One optimization profile: input name -> (min, opt, max) shapes."""
        profile = self.builder.create_optimization_profile()
        for name, (smallest, usual, largest) in shapes.items():
            profile.set_shape(name, tuple(smallest), tuple(usual), tuple(largest))
        self.config.add_optimization_profile(profile)

    def build(self):
        """Build and deserialize the engine (an ``ICudaEngine``), or raise :class:`EngineBuildError`."""
        self.definition_errors = self.logger.errors()  # logged while the network was defined
        start = time.perf_counter()
        try:
            serialized = self.builder.build_serialized_network(self.network, self.config)
        except Exception as error:  # some refusals are raised rather than logged
            self.build_seconds = time.perf_counter() - start
            raise EngineBuildError(self.logger.errors() + [str(error)]) from error
        self.build_seconds = time.perf_counter() - start
        # TensorRT 8.6 logs an error and keeps the old value for a setter it rejects (negative
        # padding_nd, say) and then builds: that is an ignored call, not a refusal (definition_errors)
        if serialized is None:
            raise EngineBuildError(self.logger.errors())
        self.engine_bytes = int(serialized.nbytes)  # IHostMemory has nbytes, no len()
        return trt.Runtime(self.logger).deserialize_cuda_engine(bytes(serialized))


def layer_information(engine) -> str:
    """The engine inspector's JSON (chosen tactics, per layer), or '' if unavailable."""
    if not hasattr(engine, "create_engine_inspector"):
        return ""
    return engine.create_engine_inspector().get_engine_information(trt.LayerInformationFormat.JSON)


def tensor_layout(engine, name: str) -> Dict[str, Any]:
    """An I/O tensor's format as TensorRT reports it: name, description, vectorized dimension, components."""
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


class LayerProfiler(trt.IProfiler):
    """Keeps every ``report_layer_time`` call: layer name -> list of ms."""

    def __init__(self):
        trt.IProfiler.__init__(self)
        self.times: Dict[str, List[float]] = {}

    def report_layer_time(self, layer_name, ms):
        self.times.setdefault(layer_name, []).append(float(ms))


class _Buffers:
    """Host and device buffers of an engine's named I/O tensors, bound to an execution context.

    Host arrays are kept in the tensor's format (:mod:`.layouts`: a channels-last tensor is
    stored ``(N, *spatial, C')``); :meth:`copy_out` hands back NCHW arrays. Output buffers
    are poisoned (every byte 0xFF, NaN in float) before the first run.
    """

    def __init__(self, engine, inputs: Dict[str, np.ndarray], context=None):
        self.cudart, self.call = cuda_runtime.runtime_module(), cuda_runtime.call
        self.context = context or engine.create_execution_context()
        self.context_call = self.context.execute_async_v3  # every launch's call; its name goes to the timing's record
        names = [engine.get_tensor_name(i) for i in range(engine.num_io_tensors)]
        self.inputs = [n for n in names if engine.get_tensor_mode(n) == trt.TensorIOMode.INPUT]
        self.outputs = [n for n in names if n not in self.inputs]
        missing = sorted(set(self.inputs) - set(inputs))
        if missing:
            raise ValueError(f"inputs missing for the network's input tensors: {missing}")
        self.layouts = {name: tensor_layout(engine, name) for name in names}
        self.shapes: Dict[str, Tuple[int, ...]] = {}
        self.host: Dict[str, np.ndarray] = {}
        for name in self.inputs:
            array = np.asarray(inputs[name], dtype=trt.nptype(engine.get_tensor_dtype(name)))
            if -1 in tuple(engine.get_tensor_shape(name)):
                self.context.set_input_shape(name, array.shape)
            self.shapes[name] = tuple(array.shape)
            self.host[name] = layouts.to_engine(array, self.layouts[name])
        for name in self.outputs:
            self.shapes[name] = tuple(self.context.get_tensor_shape(name))
            self.host[name] = np.empty(layouts.engine_shape(self.shapes[name], self.layouts[name]),
                                       dtype=trt.nptype(engine.get_tensor_dtype(name)))
        self.device: Dict[str, int] = {}

    def __enter__(self) -> "_Buffers":
        for name in self.inputs + self.outputs:
            self.device[name] = self.call(self.cudart.cudaMalloc, max(self.host[name].nbytes, 1))
            self.context.set_tensor_address(name, int(self.device[name]))
        for name in self.outputs:
            self.call(self.cudart.cudaMemset, self.device[name], 0xFF, self.host[name].nbytes)
        return self

    def __exit__(self, *_exc) -> None:
        for pointer in self.device.values():
            self.call(self.cudart.cudaFree, pointer)

    def nbytes(self) -> int:
        """Bytes of every I/O tensor together (the working set of one execution)."""
        return sum(array.nbytes for array in self.host.values())

    def copy_in(self, stream) -> None:
        """Copy the inputs to the device, on ``stream``."""
        for name in self.inputs:
            self.call(self.cudart.cudaMemcpyAsync, self.device[name], self.host[name].ctypes.data,
                      self.host[name].nbytes, self.cudart.cudaMemcpyKind.cudaMemcpyHostToDevice, stream)

    def copy_out(self, stream) -> Dict[str, np.ndarray]:
        """Copy the outputs back to the host, on ``stream``, and wait for them; NCHW arrays by name."""
        for name in self.outputs:
            self.call(self.cudart.cudaMemcpyAsync, self.host[name].ctypes.data, self.device[name],
                      self.host[name].nbytes, self.cudart.cudaMemcpyKind.cudaMemcpyDeviceToHost, stream)
        self.call(self.cudart.cudaStreamSynchronize, stream)
        return {name: layouts.from_engine(self.host[name], self.shapes[name], self.layouts[name]).copy()
                for name in self.outputs}

    def launch(self, stream) -> None:
        """One ``execute_async_v3`` on ``stream``."""
        if not self.context_call(int(stream)):
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
    """An engine's timed execute: one stream's CUDA graphs and events (:class:`.timing.GraphTimer`), the L2 flush
    buffer, and ``monitor`` (an object with ``snapshot()``: GPU clocks, power, temperature) read around each run."""

    def __init__(self, monitor=None):
        self.cudart, self.call = cuda_runtime.runtime_module(), cuda_runtime.call
        self.graphs = timing.GraphTimer(self.cudart, self.call)
        self.monitor = monitor
        device = self.call(self.cudart.cudaGetDevice)
        self.l2_bytes = int(self.call(self.cudart.cudaGetDeviceProperties, device).l2CacheSize)
        self.graphs.enable_flush(self.l2_bytes)

    def _snapshot(self, record: Dict[str, Any], key: str) -> None:
        if self.monitor is not None:
            record[key] = self.monitor.snapshot()

    def measure(self, engine, inputs: Dict[str, np.ndarray],
                profile_runs: int = PROFILE_RUNS) -> Tuple[Dict[str, np.ndarray], Dict[str, Any]]:
        """Run ``engine`` once for its outputs (NCHW, by name), then measure it; (outputs, record).

        The record holds the I/O formats, the graph replays (:meth:`.timing.GraphTimer.measure`:
        warm-up, ``samples_ms``, ``latency_ms``, ``cuda_graph``), ``enqueue_ms`` (host),
        ``cold_l2`` for working sets under twice the L2, ``layer_samples_ms`` and
        ``layer_times_ms`` from ``profile_runs`` profiled executions (or ``layer_times_error``),
        ``device_memory_bytes``, ``nvml_before``/``nvml_after`` with a monitor, and ``method``: the names of what
        the code called (the engine's ``call``, the graph ``launch``, the ``clock`` that read the events,
        ``calls_per_launch``; ``per_layer``: the profiler's TensorRT interface, its executions and their call).
        """
        graphs, captured = self.graphs, None
        stream = int(graphs.stream)
        with _Buffers(engine, inputs) as buffers:
            record: Dict[str, Any] = {"io_formats": buffers.layouts}
            self._snapshot(record, "nvml_before")
            try:
                buffers.copy_in(stream)
                buffers.launch(stream)  # the outputs, and TensorRT's lazy setup before capture
                outputs = buffers.copy_out(stream)
                captured = graphs.capture_or_eager(buffers.launch)
                record.update(graphs.measure(captured))
                record["method"] = {"call": timing.name_of(buffers.context_call), **record["method"]}
                record["enqueue_ms"] = graphs.enqueue_ms(buffers.launch)
                record["working_set_bytes"] = buffers.nbytes()
                if buffers.nbytes() < 2 * self.l2_bytes:
                    record["cold_l2"] = graphs.measure_cold(captured)
                if profile_runs:
                    try:
                        samples, profiler = self._profile(buffers, profile_runs)
                        record["method"]["per_layer"] = {"profiler": profiler, "executions": profile_runs,
                                                         "call": timing.name_of(buffers.context_call)}
                        record["layer_samples_ms"] = samples
                        record["layer_times_ms"] = {name: {**timing.statistics(times), "count": len(times)}
                                                    for name, times in samples.items()}
                    except Exception as error:  # the timing stands without it; the record says why
                        record["layer_times_error"] = f"{type(error).__name__}: {error}"
                record["device_memory_bytes"] = device_memory_bytes(engine)
            finally:
                if captured is not None:
                    graphs.release(captured)
                self._snapshot(record, "nvml_after")
        return outputs, record

    def _profile(self, buffers: _Buffers, runs: int) -> Tuple[Dict[str, List[float]], str]:
        """Per-layer times (ms) of ``runs`` profiled executions (the context is this measurement's only), and the
        TensorRT interface the installed profiler implements (``IProfiler``)."""
        profiler = LayerProfiler()
        buffers.context.profiler = profiler
        for _ in range(runs):
            buffers.launch(self.graphs.stream)
            self.graphs.synchronize()
        return profiler.times, timing.name_of(type(profiler).__base__)
