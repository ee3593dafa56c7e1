"""The PyTorch runner: ``conv_transpose2d/3d`` (cuDNN) on every workload, and the measured ceilings.

Usage, on the GPU machine's own Python (PyTorch with CUDA; no TensorRT needed or imported)::

    PYTHONPATH=src python3 -m trtdeconv_docs.benchmark.pytorch --out /tmp/bench-torch

Variants: FP32 with TF32 off (cuDNN and matmul), TF32 on, FP16, each in the default
(contiguous NCHW) and the ``channels_last`` memory format; ``cudnn.benchmark`` on, so
cuDNN picks its fastest algorithm as TensorRT picks its tactics. Inputs, kernels and biases
are the TensorRT runner's (:meth:`~.workloads.Workload.arrays`); timing is CUDA events
around each replay of a ``torch.cuda.graph`` of one call (warm-up until the medians settle,
then at least 100 replays, :mod:`trtdeconv_docs.trt.timing`), the eager call's host time apart (``enqueue_ms``;
``host_bound`` when it exceeds the GPU time), NVML state around each run (:mod:`.nvml`); each
output is checked on a slice against the float64 reference model (:mod:`.check`). The
ceilings: device-to-device copy bandwidth (a 1 GiB ``copy_``, read plus write), FP32 / TF32 /
FP16 / INT8 matmul throughput (square 8192 matrices; INT8 through ``torch._int_mm`` with a
column-major right operand, cuBLASLt's fast layout) and the GPU launch overhead (``launch``:
a graph of :data:`trtdeconv_docs.trt.timing.LAUNCH_KERNELS` one-element ``add_`` kernels replayed, divided by N;
``eager_copy``: format 2's one-element ``copy_`` in eager mode, which is PyTorch's CPU dispatch).

Per workload and precision (FP32 with TF32 off, TF32, FP16) the col2im measurements
(:mod:`.col2im`, list ``col2im`` of the document): ``pytorch_gemm``, the deconvolution's own GEMM
alone at its exact shape (``[N * prod(I), C_in / g] x [C_in / g, M / g * prod(K)]``, one per
group, batched); ``pytorch_matmul_fold``, the real "matmul + overlap-add" formulation
(batched ``kernel^T @ x``, ``fold`` or the 3-D rearrangement, slice, bias), its output checked
against the reference slice and against ``conv_transpose``; and ``pytorch_matmul_fold_gemm``, that
formulation's matmul step alone. Everything goes to ``pytorch.json`` (format :data:`FORMAT`) in ``--out``.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import platform
import sys
import time
import traceback
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np
import torch
import torch.nn.functional as F

from ..cassette.publisher import write_json
from ..trt import timing
from . import check, col2im, nvml, pytorch_file
from .workloads import WORKLOADS, Workload

COPY_BYTES = 1 << 30
MATMUL_SIZE = 8192
FORMAT = 3
"""``pytorch.json`` format: 1 had no ``format`` key, no ``col2im`` list and no ``launch`` ceiling; 2 timed
eager calls between events and its ``launch`` was an eager one-element copy (CPU dispatch); 3 replays
CUDA graphs, times the enqueue apart, records NVML, and ``launch`` is the GPU launch overhead."""
MONITOR: Optional[nvml.Monitor] = None
COL2IM_PRECISIONS = ("fp32", "tf32", "fp16")
VARIANTS = ("fp32", "tf32", "fp16", "fp32_channels_last", "tf32_channels_last", "fp16_channels_last")


def provenance() -> Dict[str, Any]:
    """PyTorch, CUDA, cuDNN, GPU, Python, NumPy and the date."""
    major, minor = torch.cuda.get_device_capability()
    return {"torch": torch.__version__, "cuda": torch.version.cuda, "cudnn": torch.backends.cudnn.version(),
            "gpu": torch.cuda.get_device_name(), "compute_capability": f"{major}.{minor}",
            "python": platform.python_version(), "numpy": np.__version__,
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}


def backends() -> Dict[str, bool]:
    """What cuDNN and cuBLAS are set to now, read back from ``torch.backends`` (a run's ``method.backends``)."""
    return {"cudnn_benchmark": bool(torch.backends.cudnn.benchmark),
            "cudnn_allow_tf32": bool(torch.backends.cudnn.allow_tf32),
            "matmul_allow_tf32": bool(torch.backends.cuda.matmul.allow_tf32)}


def set_tf32(allowed: bool) -> None:
    """Allow or forbid TF32 in cuDNN convolutions and cuBLAS matmuls."""
    torch.backends.cudnn.allow_tf32 = allowed
    torch.backends.cuda.matmul.allow_tf32 = allowed


def called(method) -> str:
    """A bound method as ``Class.method`` (``CUDAGraph.replay``, ``Event.elapsed_time``): what the timing called,
    for the record's ``method``."""
    return f"{type(method.__self__).__name__}.{timing.name_of(method)}"


def replays(graph, count: int) -> Tuple[List[float], Dict[str, str]]:
    """Milliseconds of each of ``count`` replays of ``graph`` between CUDA events; and the calls that launched and
    timed them (``launch``, ``clock``)."""
    pairs = [(torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)) for _ in range(count)]
    launch = graph.replay
    for start, end in pairs:
        start.record()
        launch()
        end.record()
    torch.cuda.synchronize()
    return [start.elapsed_time(end) for start, end in pairs], {"launch": called(launch),
                                                                "clock": called(pairs[0][0].elapsed_time)}


def capture(function: Callable[[], Any], repeat: int = 1):
    """A ``torch.cuda.CUDAGraph`` of ``repeat`` calls (after three eager calls on a side stream, as PyTorch asks:
    cuDNN's benchmark picks its algorithm there)."""
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        for _ in range(3):
            function()
    torch.cuda.current_stream().wait_stream(side)
    torch.cuda.synchronize()
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        for _ in range(repeat):
            function()
    return graph


def timed_graph(graph, repeat: int = 1) -> Dict[str, Any]:
    """Warm up until the medians settle, then time replays (each divided by ``repeat``)."""
    started, medians, count = time.perf_counter(), [], 0
    while True:
        medians.append(float(np.median(replays(graph, timing.WARMUP_BATCH)[0])))
        count += timing.WARMUP_BATCH
        elapsed = time.perf_counter() - started
        if (timing.settled(medians) and elapsed >= timing.MIN_WARMUP_SECONDS) or elapsed >= timing.WARMUP_SECONDS:
            break
    timed, method = replays(graph, timing.iterations_for(medians[-1]))
    samples = [s / repeat for s in timed]
    return {"samples_ms": samples, "latency_ms": {**timing.statistics(samples), "warmup": count,
                                                  "iterations": len(samples)},
            "warmup": {"replays": count, "seconds": round(elapsed, 4), "settled": timing.settled(medians)},
            "method": {**method, "calls_per_launch": repeat}}


def enqueue_ms(function: Callable[[], Any]) -> Dict[str, Any]:
    """Host milliseconds of eager calls of ``function`` (synchronized between calls, outside the timing)."""
    samples, clock = [], time.perf_counter
    for _ in range(timing.ENQUEUE_SAMPLES):
        started = clock()
        function()
        samples.append((clock() - started) * 1e3)
        torch.cuda.synchronize()
    return {"samples_ms": samples, "latency_ms": {**timing.statistics(samples), "iterations": len(samples)},
            "clock": timing.name_of(clock)}


def measured(function: Callable[[], Any], host: bool = True) -> Dict[str, Any]:
    """Everything measured about ``function``: graph-replay GPU time, enqueue time, host-bound flag, NVML."""
    before = MONITOR.snapshot() if MONITOR else None
    graph = capture(function)
    result = timed_graph(graph)
    del graph
    if host:
        result["enqueue_ms"] = enqueue_ms(function)
        result["host_bound"] = timing.host_bound(result["latency_ms"]["median"],
                                                 result["enqueue_ms"]["latency_ms"]["median"])
    result.update(nvml_before=before, nvml_after=MONITOR.snapshot() if MONITOR else None)
    return result


def padding_and_output_padding(workload: Workload):
    """PyTorch's symmetric ``padding`` and ``output_padding`` for the layer, or a reason it has none."""
    layer = workload.layer
    if layer.padding_mode not in ("EXPLICIT_ROUND_DOWN", "EXPLICIT_ROUND_UP") or any(
            post > pre or pre - post >= s for pre, post, s in zip(layer.pre_padding, layer.post_padding, layer.stride_nd)):
        return None, "PyTorch's conv_transpose pads both ends alike, less output_padding (< stride) at the end"
    natural = [(i - 1) * s - 2 * p + dk for i, s, p, dk in
               zip(workload.input_shape[2:], layer.stride_nd, layer.pre_padding, layer.dilated_kernel)]
    extra = [o - n for o, n in zip(workload.output_shape[2:], natural)]
    return (tuple(layer.pre_padding), tuple(extra)), None


def conv_transpose(workload: Workload):
    """``(function, arguments)`` of PyTorch's ``conv_transpose2d/3d`` for the layer, or ``(None, reason)``."""
    padding, reason = padding_and_output_padding(workload)
    if padding is None:
        return None, reason
    layer = workload.layer
    function = F.conv_transpose2d if layer.spatial_rank == 2 else F.conv_transpose3d
    return function, dict(stride=layer.stride_nd, padding=padding[0], output_padding=padding[1],
                          groups=layer.num_groups, dilation=layer.dilation_nd)


@functools.lru_cache(maxsize=1)
def host_arrays(workload: Workload) -> Dict[str, np.ndarray]:
    """The workload's arrays, drawn once while the runner stays on that workload."""
    return workload.arrays()


def device_arrays(workload: Workload, dtype):
    """The workload's input, kernel and bias on the GPU in ``dtype``."""
    arrays = host_arrays(workload)
    return tuple(torch.from_numpy(arrays[name]).to("cuda", dtype) for name in ("input", "kernel", "bias"))


def reference_for(workload: Workload, references: Dict[str, check.Slice]) -> check.Slice:
    """The workload's float64 reference slice, computed once."""
    if workload.name not in references:
        arrays = host_arrays(workload)
        references[workload.name] = check.reference_slice(arrays["input"], arrays["kernel"], arrays["bias"],
                                                           workload.layer)
    return references[workload.name]


def run_workload(workload: Workload, variant: str, references: Dict[str, check.Slice]) -> Dict[str, Any]:
    """Time ``conv_transpose2d/3d`` on ``workload`` in ``variant``; check the output."""
    precision, _, layout = variant.partition("_")
    record: Dict[str, Any] = {"id": f"{workload.name}/pytorch/{variant}", "workload": workload.name,
                              "precision": precision, "memory_format": layout or "contiguous"}
    function, arguments = conv_transpose(workload)
    if workload.block:
        function, arguments = None, "a fused block is timed in TensorRT only"
    if function is None:
        return {**record, "status": "not_applicable", "reason": arguments}
    set_tf32(precision == "tf32")
    x, w, b = device_arrays(workload, torch.float16 if precision == "fp16" else torch.float32)
    if layout:
        memory_format = torch.channels_last if x.dim() == 4 else torch.channels_last_3d
        x, w = x.contiguous(memory_format=memory_format), w.contiguous(memory_format=memory_format)
    with torch.no_grad():
        output = function(x, w, b, **arguments)
        timings = measured(lambda: function(x, w, b, **arguments))
    timings["method"]["backends"] = backends()
    return {**record, "status": "measured", "output_shape": list(output.shape), **timings,
            "check": check.judge(output[:1].float().cpu().numpy(), reference_for(workload, references), precision)}


def overlap_add(cols, p: col2im.Col2imPlan, bias):
    """``fold`` (2-D) or the non-overlapping rearrangement (3-D), the slice, and the bias."""
    if p.rank == 2:
        out = F.fold(cols, **p.fold_arguments())[p.output_slices()]
    else:
        out = cols.reshape(p.split_shape).permute(p.permutation).reshape(p.output_shape)
    return out + bias.reshape((1, -1) + (1,) * p.rank)


def run_col2im(workload: Workload, precision: str, references: Dict[str, check.Slice]) -> List[Dict[str, Any]]:
    """The GEMM alone at its exact shape, the matmul + overlap-add formulation, and its matmul step, timed."""
    p = col2im.plan(workload.input_shape, workload.layer)
    base = {"workload": workload.name, "precision": precision, "gemm": p.gemm, "flops": p.flops}
    set_tf32(precision == "tf32")
    dtype = torch.float16 if precision == "fp16" else torch.float32
    x, w, b = device_arrays(workload, dtype)
    g = p.gemm
    with torch.no_grad():
        a = torch.empty(g["batch"], g["m"], g["k"], dtype=dtype, device="cuda").uniform_(-1, 1)
        bm = w.reshape(g["batch"], g["k"], g["n"])
        alone = (lambda: a[0] @ bm[0]) if g["batch"] == 1 else (lambda: torch.bmm(a, bm))
        records = [{**base, "id": f"{workload.name}/pytorch_gemm/{precision}", "kind": "gemm", "status": "measured",
                    "what": "[m, k] x [k, n], batch times (once per group), contiguous operands",
                    **measured(alone, host=False)}]
        a = bm = None  # free the operands before the next allocation
        formulation = {**base, "id": f"{workload.name}/pytorch_matmul_fold/{precision}", "kind": "matmul_fold"}
        step = {**base, "id": f"{workload.name}/pytorch_matmul_fold_gemm/{precision}", "kind": "matmul_fold_gemm"}
        reason = p.overlap_add_unavailable()
        if reason:
            return records + [{**formulation, "status": "not_applicable", "reason": reason},
                              {**step, "status": "not_applicable", "reason": reason}]
        weights = col2im.weights(w, p, lambda t, shape: t.expand(shape))
        output = overlap_add(col2im.columns(weights, x, p), p, b)
        records.append({**step, "status": "measured", "what": "batched kernel^T @ x per image and group",
                        **measured(lambda: col2im.columns(weights, x, p), host=False)})
        timings = measured(lambda: overlap_add(col2im.columns(weights, x, p), p, b))
        function, arguments = conv_transpose(workload)
        theirs = None if function is None else function(x, w, b, **arguments)[:1].float().cpu().numpy()
        records.append({**formulation, "status": "measured", "output_shape": list(output.shape),
                        "overlap_add": "fold" if p.rank == 2 else "rearrange", **timings,
                        "check": check.judge(output[:1].float().cpu().numpy(), reference_for(workload, references),
                                             precision, other=theirs)})
    return records


def launch_overhead() -> Dict[str, Any]:
    """GPU launch overhead: a graph of N one-element ``add_`` kernels replayed, / N; one such graph of 1; and
    the eager one-element ``copy_`` of format 2 (CPU dispatch plus launch: not a GPU cost)."""
    tensor = torch.ones(1, dtype=torch.float32, device="cuda")
    per_kernel = timed_graph(capture(lambda: tensor.add_(1), timing.LAUNCH_KERNELS), timing.LAUNCH_KERNELS)
    single = timed_graph(capture(lambda: tensor.add_(1)))
    target = torch.empty_like(tensor)
    return {"status": "measured", "kernels_per_graph": timing.LAUNCH_KERNELS, "per_kernel": per_kernel,
            "single_graph": single, "eager_copy_host": enqueue_ms(lambda: target.copy_(tensor)),
            "samples_ms": per_kernel["samples_ms"], "latency_ms": per_kernel["latency_ms"],
            "what": f"a CUDA graph of {timing.LAUNCH_KERNELS} one-element add_ kernels, replayed, divided by "
                    f"{timing.LAUNCH_KERNELS}: the GPU cost of one kernel launch"}


def ceilings() -> Dict[str, Any]:
    """Copy bandwidth (bytes read + written per second), matmul throughput (flop/s) and launch overhead."""
    result: Dict[str, Any] = {}
    source = torch.empty(COPY_BYTES // 4, dtype=torch.float32, device="cuda").uniform_()
    target = torch.empty_like(source)
    result["copy"] = {"bytes": 2 * COPY_BYTES, **measured(lambda: target.copy_(source), host=False),
                      "what": "device-to-device copy_ of 1 GiB: bytes counts the read and the write"}
    source = target = None  # free 2 GiB before the matmuls
    result["launch"] = launch_overhead()
    n = MATMUL_SIZE
    for name, dtype, tf32 in (("fp16", torch.float16, False), ("int8", torch.int8, False),
                              ("tf32", torch.float32, True), ("fp32", torch.float32, False)):
        set_tf32(tf32)
        try:
            if dtype == torch.int8:
                a = torch.randint(-128, 127, (n, n), dtype=dtype, device="cuda")
                bm = torch.randint(-128, 127, (n, n), dtype=dtype, device="cuda").t()  # column-major
                timings = measured(lambda: torch._int_mm(a, bm), host=False)
                what = f"torch._int_mm {n}x{n} @ {n}x{n}, int8, right operand column-major (strides {bm.stride()})"
            else:
                a = torch.randn(n, n, dtype=dtype, device="cuda")
                bm = torch.randn(n, n, dtype=dtype, device="cuda")
                timings = measured(lambda: torch.matmul(a, bm), host=False)
                what = f"{n}x{n} @ {n}x{n}, {dtype}"
        except Exception as error:  # torch._int_mm is absent or refused on some builds
            result[f"matmul_{name}"] = {"status": "refused", "messages": [f"{type(error).__name__}: {error}"]}
            continue
        result[f"matmul_{name}"] = {"status": "measured", "flops": 2 * n ** 3, **timings, "what": what}
        a = bm = None  # free the operands before the next pair
    return result


def main(argv: Optional[List[str]] = None) -> int:
    """Time the ceilings, then every workload in every variant (col2im for the guide's seven); write ``pytorch.json``."""
    global MONITOR
    parser = argparse.ArgumentParser(prog="python -m trtdeconv_docs.benchmark.pytorch", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for pytorch.json")
    parser.add_argument("--only", default="", help="comma-separated workload names (default: all)")
    parser.add_argument("--time-budget", type=float, default=120.0,
                        help="seconds after which no further workload is started (default 120)")
    args = parser.parse_args(argv)
    only = set(filter(None, args.only.split(",")))
    unknown = sorted(only - {w.name for w in WORKLOADS})
    if unknown:
        parser.error(f"no workload {', '.join(unknown)}; choose from {', '.join(w.name for w in WORKLOADS)}")
    if not torch.cuda.is_available():
        parser.error("PyTorch sees no CUDA device")
    started = time.perf_counter()
    torch.backends.cudnn.benchmark = True
    MONITOR = nvml.Monitor(torch.cuda.current_device())
    document: Dict[str, Any] = {"format": FORMAT, "provenance": provenance(), "settings": {
        "min_iterations": timing.MIN_ITERATIONS, "max_iterations": timing.MAX_ITERATIONS,
        "warmup": f"batches of {timing.WARMUP_BATCH} graph replays until 3 batch medians agree within "
                  f"{100 * timing.SETTLE_TOLERANCE:.0f} % (at most {timing.WARMUP_SECONDS} s)",
        "timed_seconds": timing.TIMED_SECONDS, "time_budget_seconds": args.time_budget, "nvml": MONITOR.describe()}}
    # how each run was timed is its own record's ``method`` (the calls the timing made, the backends read back)
    print(f"PyTorch {torch.__version__} on {document['provenance']['gpu']}; NVML via {MONITOR.source}", flush=True)
    document["ceilings"] = ceilings()
    print(f"[{time.perf_counter() - started:6.1f} s] ceilings measured", flush=True)
    references: Dict[str, check.Slice] = {}
    runs: List[Dict[str, Any]] = []
    col2im_runs: List[Dict[str, Any]] = []

    def report(record: Dict[str, Any]) -> None:
        median = record.get("latency_ms", {}).get("median")
        print(f"[{time.perf_counter() - started:6.1f} s] {record['id']:45s} {record['status']} "
              f"{'' if median is None else f'{median:.4f} ms'}{' HOST-BOUND' if record.get('host_bound') else ''}",
              flush=True)

    def save(finished: bool) -> None:
        write_json(args.out / pytorch_file, {**document, "col2im": col2im_runs, "runs": runs, "finished": finished,
                                             "total_seconds": round(time.perf_counter() - started, 2)})

    ordered = [w for w in WORKLOADS if not w.sweep] + [w for w in WORKLOADS if w.sweep]
    for workload in ordered:
        if only and workload.name not in only:
            continue
        if time.perf_counter() - started > args.time_budget:
            for variant in VARIANTS:
                runs.append({"id": f"{workload.name}/pytorch/{variant}", "workload": workload.name,
                             "precision": variant.partition("_")[0], "memory_format": variant.partition("_")[2]
                             or "contiguous", "status": "not_run",
                             "reason": f"--time-budget {args.time_budget:.0f} s spent"})
            continue
        for variant in VARIANTS:
            try:
                record = run_workload(workload, variant, references)
            except Exception:
                record = {"id": f"{workload.name}/pytorch/{variant}", "workload": workload.name,
                          "precision": variant.partition("_")[0], "memory_format": variant.partition("_")[2]
                          or "contiguous", "status": "failed", "messages": [traceback.format_exc()]}
            runs.append(record)
            report(record)
        for precision in COL2IM_PRECISIONS if not workload.sweep else ():
            try:
                records = run_col2im(workload, precision, references)
            except Exception:
                records = [{"id": f"{workload.name}/pytorch_{kind}/{precision}", "workload": workload.name,
                            "precision": precision, "kind": kind, "status": "failed",
                            "messages": [traceback.format_exc()]} for kind in ("gemm", "matmul_fold", "matmul_fold_gemm")]
            for record in records:
                col2im_runs.append(record)
                report(record)
        torch.cuda.empty_cache()
        references.pop(workload.name, None)
        save(finished=False)
    save(finished=True)
    print(f"wrote {args.out / pytorch_file}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
