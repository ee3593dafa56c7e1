"""GPU time from CUDA-graph replay, host enqueue time apart, warm-up until the medians settle.

NVIDIA's measurement practice for TensorRT (``trtexec --useCudaGraph``): the work of one
inference (``execute_async_v3`` on a stream) is captured once into a CUDA graph
(``cudaStreamBeginCapture`` .. ``cudaStreamEndCapture``, ``cudaGraphInstantiate``) and each
sample is one ``cudaGraphLaunch`` between two CUDA events, so the host's enqueue cost
stays out of the GPU time. The host's enqueue is timed apart (:meth:`GraphTimer.enqueue_ms`):
a run whose enqueue takes longer than its GPU time is host-bound. Warm-up runs batches of
:data:`WARMUP_BATCH` replays until two successive batch medians agree within
:data:`SETTLE_TOLERANCE` (at most :data:`WARMUP_SECONDS`). Cold-L2 samples memset a buffer of
twice the L2 size between replays, outside the events.

The GPU launch overhead (:meth:`GraphTimer.launch_overhead`) is one graph of ``N`` tiny
kernels replayed and divided by ``N``: what a kernel costs on the GPU beyond its work.

Everything here talks to the CUDA runtime through cuda-python's module passed in
(:func:`trtdeconv_docs.trt.cuda_runtime.runtime_module`), so the tests drive it with a fake.
"""

from __future__ import annotations

import math
import time
from typing import Any, Callable, Dict, List

import numpy as np

WARMUP_BATCH = 10
SETTLE_TOLERANCE = 0.02
WARMUP_SECONDS = 1.0
MIN_WARMUP_SECONDS = 0.02
MIN_ITERATIONS = 100
MAX_ITERATIONS = 300
TIMED_SECONDS = 0.15
ENQUEUE_SAMPLES = 50
COLD_SAMPLES = 100
LAUNCH_KERNELS = 100
"""How many tiny kernels one launch-overhead graph holds."""


def name_of(function) -> str:
    """The name of a function the timing called (``cudaEventElapsedTime``, ``execute_async_v3``), for the record's
    ``method``: what the code called, not a description typed beside it."""
    return getattr(function, "__name__", None) or type(function).__name__


def statistics(samples) -> Dict[str, float]:
    """Median, quartiles and minimum of raw samples (ms), NumPy's linear interpolation."""
    values = np.asarray(samples, np.float64)
    q1, median, q3 = (float(v) for v in np.percentile(values, [25, 50, 75]))
    return {"median": median, "q1": q1, "q3": q3, "min": float(values.min())}


def iterations_for(estimate_ms: float) -> int:
    """Timed replays: enough for :data:`TIMED_SECONDS`, within [MIN_ITERATIONS, MAX_ITERATIONS]."""
    wanted = math.ceil(TIMED_SECONDS / max(estimate_ms * 1e-3, 1e-9))
    return int(min(max(wanted, MIN_ITERATIONS), MAX_ITERATIONS))


def settled(medians: List[float]) -> bool:
    """Whether the last three batch medians agree pairwise within :data:`SETTLE_TOLERANCE`."""
    if len(medians) < 3:
        return False
    a, b, c = medians[-3:]
    return abs(b - a) <= SETTLE_TOLERANCE * a and abs(c - b) <= SETTLE_TOLERANCE * b


class GraphTimer:
    """CUDA graphs and events on one stream; ``cudart`` is cuda-python's runtime module (or a fake)."""

    def __init__(self, cudart, call: Callable, stream=None):
        self.cudart, self.call = cudart, call
        self.stream = stream if stream is not None else call(cudart.cudaStreamCreate)
        self.events = [call(cudart.cudaEventCreate) for _ in range(2 * MAX_ITERATIONS)]
        self.flush_buffer, self.flush_bytes = None, 0
        self.replayed: Dict[str, str] = {}

    def synchronize(self) -> None:
        """Wait for the stream."""
        self.call(self.cudart.cudaStreamSynchronize, self.stream)

    def capture(self, enqueue: Callable[[int], None], repeat: int = 1):
        """A graph executable of ``repeat`` calls of ``enqueue(stream_handle)`` captured on the stream."""
        cudart, call = self.cudart, self.call
        call(cudart.cudaStreamBeginCapture, self.stream,
             cudart.cudaStreamCaptureMode.cudaStreamCaptureModeThreadLocal)
        try:
            for _ in range(repeat):
                enqueue(int(self.stream))
        finally:
            graph = call(cudart.cudaStreamEndCapture, self.stream)
        executable = call(cudart.cudaGraphInstantiate, graph, 0)
        return {"graph": graph, "exec": executable, "repeat": repeat}

    def capture_or_eager(self, enqueue: Callable[[int], None]):
        """:meth:`capture`, or where capture fails, the eager enqueue timed the same way (``"graph_error"`` says why)."""
        try:
            return self.capture(enqueue)
        except RuntimeError as error:
            self.synchronize()
            return {"enqueue": enqueue, "repeat": 1, "graph_error": str(error)}

    def release(self, captured) -> None:
        """Free a captured graph."""
        if "exec" not in captured:
            return
        self.call(self.cudart.cudaGraphExecDestroy, captured["exec"])
        self.call(self.cudart.cudaGraphDestroy, captured["graph"])

    def replay(self, captured, count: int, flush: bool = False) -> List[float]:
        """Milliseconds of each of ``count`` graph launches between events (``flush``: memset the L2 flush
        buffer before each, outside the events). :attr:`replayed` then names the calls it made (:func:`name_of`)."""
        cudart, call = self.cudart, self.call
        count = min(count, MAX_ITERATIONS)
        graph = "exec" in captured
        launched = cudart.cudaGraphLaunch if graph else captured["enqueue"]
        record, elapsed = cudart.cudaEventRecord, cudart.cudaEventElapsedTime
        for i in range(count):
            if flush:
                call(cudart.cudaMemsetAsync, self.flush_buffer, i & 0xFF, self.flush_bytes, self.stream)
            call(record, self.events[2 * i], self.stream)
            if graph:
                call(launched, captured["exec"], self.stream)
            else:
                launched(int(self.stream))
            call(record, self.events[2 * i + 1], self.stream)
        self.synchronize()
        self.replayed = {"launch": name_of(launched), "clock": name_of(elapsed)}
        return [call(elapsed, self.events[2 * i], self.events[2 * i + 1]) for i in range(count)]

    def warm_up(self, captured) -> Dict[str, Any]:
        """Replay batches until the medians settle or :data:`WARMUP_SECONDS` pass; what it took."""
        started, medians, replays = time.perf_counter(), [], 0
        while True:
            medians.append(float(np.median(self.replay(captured, WARMUP_BATCH))))
            replays += WARMUP_BATCH
            elapsed = time.perf_counter() - started
            if (settled(medians) and elapsed >= MIN_WARMUP_SECONDS) or elapsed >= WARMUP_SECONDS:
                break
        return {"replays": replays, "seconds": round(elapsed, 4), "settled": settled(medians),
                "batch_medians_ms": [round(m, 6) for m in medians[-5:]]}

    def measure(self, captured) -> Dict[str, Any]:
        """Warm up, then time replays: ``{"warmup": ..., "samples_ms": [...], "latency_ms": statistics}``."""
        warmup = self.warm_up(captured)
        samples = self.replay(captured, iterations_for(warmup["batch_medians_ms"][-1]))
        per_call = [s / captured["repeat"] for s in samples]
        result = {"warmup": warmup, "samples_ms": per_call, "cuda_graph": "exec" in captured,
                  "latency_ms": {**statistics(per_call), "iterations": len(per_call)},
                  "method": {**self.replayed, "calls_per_launch": captured["repeat"]}}
        if "graph_error" in captured:
            result["graph_error"] = captured["graph_error"]
        return result

    def enable_flush(self, l2_bytes: int) -> None:
        """Allocate the cold-L2 buffer (twice ``l2_bytes``) once."""
        if self.flush_buffer is None:
            self.flush_bytes = 2 * int(l2_bytes)
            self.flush_buffer = self.call(self.cudart.cudaMalloc, self.flush_bytes)

    def measure_cold(self, captured) -> Dict[str, Any]:
        """Samples with the L2 flushed before each replay (:meth:`enable_flush` first)."""
        samples = self.replay(captured, COLD_SAMPLES, flush=True)
        return {"samples_ms": samples, "latency_ms": {**statistics(samples), "iterations": len(samples)},
                "flush_bytes": self.flush_bytes}

    def enqueue_ms(self, enqueue: Callable[[int], None], count: int = ENQUEUE_SAMPLES) -> Dict[str, Any]:
        """Host milliseconds of each ``enqueue(stream)`` call (the stream drained between calls, outside the timing)."""
        samples, clock = [], time.perf_counter
        for _ in range(count):
            started = clock()
            enqueue(int(self.stream))
            samples.append((clock() - started) * 1e3)
            self.synchronize()
        return {"samples_ms": samples, "latency_ms": {**statistics(samples), "iterations": len(samples)},
                "clock": name_of(clock)}

    def launch_overhead(self, enqueue_tiny: Callable[[int], None], kernels: int = LAUNCH_KERNELS) -> Dict[str, Any]:
        """GPU cost per kernel: one graph of ``kernels`` tiny launches, replayed, divided by ``kernels``;
        and one graph of a single launch (what a one-kernel run costs end to end on the GPU)."""
        result: Dict[str, Any] = {"kernels_per_graph": kernels}
        for name, repeat in (("per_kernel", kernels), ("single_graph", 1)):
            captured = self.capture(enqueue_tiny, repeat)
            try:
                result[name] = self.measure(captured)
            finally:
                self.release(captured)
        result["enqueue"] = self.enqueue_ms(enqueue_tiny)
        return result


def host_bound(gpu_ms: float, enqueue_ms: float) -> bool:
    """A run is host-bound when its host enqueue takes longer than its GPU time."""
    return enqueue_ms > gpu_ms
