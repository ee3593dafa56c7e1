"""The PyTorch runner: ``conv_transpose2d/3d`` (cuDNN) on every workload, and the measured ceilings.

Usage, on the GPU machine's own Python (PyTorch with CUDA; no TensorRT needed or imported)::

    PYTHONPATH=src python3 -m trtdeconv_docs.benchmark.pytorch --out /tmp/bench-torch

Variants: FP32 with TF32 off (cuDNN and matmul), TF32 on, FP16, each in the default
(contiguous NCHW) and the ``channels_last`` memory format; ``cudnn.benchmark`` on, so
cuDNN picks its fastest algorithm as TensorRT picks its tactics. Inputs, kernels and biases
are the TensorRT runner's (:meth:`~.workloads.Workload.arrays`); timing is CUDA events
around each call (warm-up, then at least 100 iterations); each output is checked on a
slice against the float64 reference model (:mod:`.check`). The ceilings: device-to-device
copy bandwidth (a 1 GiB ``copy_``, read plus write), FP32 / TF32 / FP16 / INT8 matmul
throughput (square 8192 matrices) and the latency floor (``launch``: a one-element ``copy_``,
the smallest kernel launch, in the same timing loop).

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
import math
import platform
import sys
import time
import traceback
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import numpy as np
import torch
import torch.nn.functional as F

from ..cassette.publisher import write_json
from . import check, col2im, pytorch_file
from .workloads import WORKLOADS, Workload

WARMUP = 10
MIN_ITERATIONS = 100
MAX_ITERATIONS = 300
TIMED_SECONDS = 0.2
COPY_BYTES = 1 << 30
MATMUL_SIZE = 8192
FORMAT = 2
"""``pytorch.json`` format: 1 had no ``format`` key, no ``col2im`` list and no ``launch`` ceiling."""
COL2IM_PRECISIONS = ("fp32", "tf32", "fp16")
VARIANTS = ("fp32", "tf32", "fp16", "fp32_channels_last", "tf32_channels_last", "fp16_channels_last")


def provenance() -> Dict[str, Any]:
    """PyTorch, CUDA, cuDNN, GPU, Python, NumPy and the date."""
    major, minor = torch.cuda.get_device_capability()
    return {"torch": torch.__version__, "cuda": torch.version.cuda, "cudnn": torch.backends.cudnn.version(),
            "gpu": torch.cuda.get_device_name(), "compute_capability": f"{major}.{minor}",
            "python": platform.python_version(), "numpy": np.__version__,
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}


def set_tf32(allowed: bool) -> None:
    """Allow or forbid TF32 in cuDNN convolutions and cuBLAS matmuls."""
    torch.backends.cudnn.allow_tf32 = allowed
    torch.backends.cuda.matmul.allow_tf32 = allowed


def timed(function: Callable[[], Any]) -> List[float]:
    """Milliseconds of each call of ``function`` between CUDA events, after a warm-up."""
    def measure(count: int) -> List[float]:
        pairs = [(torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)) for _ in range(count)]
        for start, end in pairs:
            start.record()
            function()
            end.record()
        torch.cuda.synchronize()
        return [start.elapsed_time(end) for start, end in pairs]

    estimate = float(np.median(measure(WARMUP)))
    iterations = int(min(max(math.ceil(TIMED_SECONDS / max(estimate * 1e-3, 1e-9)), MIN_ITERATIONS), MAX_ITERATIONS))
    return measure(iterations)


def quartiles(samples: List[float]) -> Dict[str, Any]:
    """Median and interquartile range (NumPy's default linear interpolation), warm-up and count."""
    q1, median, q3 = (float(v) for v in np.percentile(np.asarray(samples, np.float64), [25, 50, 75]))
    return {"median": median, "q1": q1, "q3": q3, "warmup": WARMUP, "iterations": len(samples)}


def padding_and_output_padding(workload: Workload):
    """PyTorch's symmetric ``padding`` and ``output_padding`` for the layer, or a reason it has none."""
    layer = workload.layer
    if layer.padding_mode not in ("EXPLICIT_ROUND_DOWN", "EXPLICIT_ROUND_UP") or layer.pre_padding != layer.post_padding:
        return None, "PyTorch's conv_transpose pads both ends alike"
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


def device_arrays(workload: Workload, dtype):
    """The workload's input, kernel and bias on the GPU in ``dtype``."""
    arrays = workload.arrays()
    return tuple(torch.from_numpy(arrays[name]).to("cuda", dtype) for name in ("input", "kernel", "bias"))


def reference_for(workload: Workload, references: Dict[str, check.Slice]) -> check.Slice:
    """The workload's float64 reference slice, computed once."""
    if workload.name not in references:
        arrays = workload.arrays()
        references[workload.name] = check.reference_slice(arrays["input"], arrays["kernel"], arrays["bias"],
                                                           workload.layer)
    return references[workload.name]


def run_workload(workload: Workload, variant: str, references: Dict[str, check.Slice]) -> Dict[str, Any]:
    """Time ``conv_transpose2d/3d`` on ``workload`` in ``variant``; check the output."""
    precision, _, layout = variant.partition("_")
    record: Dict[str, Any] = {"id": f"{workload.name}/pytorch/{variant}", "workload": workload.name,
                              "precision": precision, "memory_format": layout or "contiguous"}
    function, arguments = conv_transpose(workload)
    if function is None:
        return {**record, "status": "not_applicable", "reason": arguments}
    set_tf32(precision == "tf32")
    x, w, b = device_arrays(workload, torch.float16 if precision == "fp16" else torch.float32)
    if layout:
        memory_format = torch.channels_last if x.dim() == 4 else torch.channels_last_3d
        x, w = x.contiguous(memory_format=memory_format), w.contiguous(memory_format=memory_format)
    with torch.no_grad():
        output = function(x, w, b, **arguments)
        samples = timed(lambda: function(x, w, b, **arguments))
    return {**record, "status": "measured", "output_shape": list(output.shape),
            "latency_ms": quartiles(samples), "samples_ms": samples,
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
        samples = timed(alone)
        records = [{**base, "id": f"{workload.name}/pytorch_gemm/{precision}", "kind": "gemm", "status": "measured",
                    "what": "[m, k] x [k, n], batch times (once per group), contiguous operands",
                    "latency_ms": quartiles(samples), "samples_ms": samples}]
        a = bm = None  # free the operands before the next allocation
        formulation = {**base, "id": f"{workload.name}/pytorch_matmul_fold/{precision}", "kind": "matmul_fold"}
        step = {**base, "id": f"{workload.name}/pytorch_matmul_fold_gemm/{precision}", "kind": "matmul_fold_gemm"}
        reason = p.overlap_add_unavailable()
        if reason:
            return records + [{**formulation, "status": "not_applicable", "reason": reason},
                              {**step, "status": "not_applicable", "reason": reason}]
        weights = col2im.weights(w, p, lambda t, shape: t.expand(shape))
        output = overlap_add(col2im.columns(weights, x, p), p, b)
        samples = timed(lambda: col2im.columns(weights, x, p))
        records.append({**step, "status": "measured", "what": "batched kernel^T @ x per image and group",
                        "latency_ms": quartiles(samples), "samples_ms": samples})
        samples = timed(lambda: overlap_add(col2im.columns(weights, x, p), p, b))
        function, arguments = conv_transpose(workload)
        theirs = None if function is None else function(x, w, b, **arguments)[:1].float().cpu().numpy()
        records.append({**formulation, "status": "measured", "output_shape": list(output.shape),
                        "overlap_add": "fold" if p.rank == 2 else "rearrange",
                        "latency_ms": quartiles(samples), "samples_ms": samples,
                        "check": check.judge(output[:1].float().cpu().numpy(), reference_for(workload, references),
                                             precision, other=theirs)})
    return records


def launch_floor() -> Dict[str, Any]:
    """The latency floor: a one-element ``copy_``, the smallest kernel launch, timed like everything else."""
    source = torch.ones(1, dtype=torch.float32, device="cuda")
    target = torch.empty_like(source)
    samples = timed(lambda: target.copy_(source))
    return {"status": "measured", "latency_ms": quartiles(samples), "samples_ms": samples,
            "what": "copy_ of one float32 element on the GPU: the smallest kernel launch"}


def ceilings() -> Dict[str, Any]:
    """Copy bandwidth (bytes read + written per second) and matmul throughput (flop/s), measured."""
    result: Dict[str, Any] = {}
    source = torch.empty(COPY_BYTES // 4, dtype=torch.float32, device="cuda").uniform_()
    target = torch.empty_like(source)
    samples = timed(lambda: target.copy_(source))
    result["copy"] = {"bytes": 2 * COPY_BYTES, "latency_ms": quartiles(samples), "samples_ms": samples,
                      "what": "device-to-device copy_ of 1 GiB: bytes counts the read and the write"}
    source = target = None  # free 2 GiB before the matmuls
    result["launch"] = launch_floor()
    n = MATMUL_SIZE
    for name, dtype, tf32 in (("fp32", torch.float32, False), ("tf32", torch.float32, True),
                              ("fp16", torch.float16, True), ("int8", torch.int8, False)):
        set_tf32(tf32)
        try:
            if dtype == torch.int8:
                a = torch.randint(-128, 127, (n, n), dtype=dtype, device="cuda")
                bm = torch.randint(-128, 127, (n, n), dtype=dtype, device="cuda")
                samples = timed(lambda: torch._int_mm(a, bm))
            else:
                a = torch.randn(n, n, dtype=dtype, device="cuda")
                bm = torch.randn(n, n, dtype=dtype, device="cuda")
                samples = timed(lambda: torch.matmul(a, bm))
        except Exception as error:  # torch._int_mm is absent or refused on some builds
            result[f"matmul_{name}"] = {"status": "refused", "messages": [f"{type(error).__name__}: {error}"]}
            continue
        result[f"matmul_{name}"] = {"status": "measured", "flops": 2 * n ** 3, "latency_ms": quartiles(samples),
                                    "samples_ms": samples, "what": f"{n}x{n} @ {n}x{n}, {dtype}"}
    return result


def main(argv: Optional[List[str]] = None) -> int:
    """Time every workload in every variant and the ceilings; write ``pytorch.json``."""
    parser = argparse.ArgumentParser(prog="python -m trtdeconv_docs.benchmark.pytorch", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for pytorch.json")
    parser.add_argument("--only", default="", help="comma-separated workload names (default: all)")
    args = parser.parse_args(argv)
    only = set(filter(None, args.only.split(",")))
    unknown = sorted(only - {w.name for w in WORKLOADS})
    if unknown:
        parser.error(f"no workload {', '.join(unknown)}; choose from {', '.join(w.name for w in WORKLOADS)}")
    if not torch.cuda.is_available():
        parser.error("PyTorch sees no CUDA device")
    started = time.perf_counter()
    torch.backends.cudnn.benchmark = True
    document: Dict[str, Any] = {"format": FORMAT, "provenance": provenance(), "settings": {
        "cudnn_benchmark": True, "warmup": WARMUP, "min_iterations": MIN_ITERATIONS, "max_iterations": MAX_ITERATIONS,
        "timed_seconds": TIMED_SECONDS, "timing": "CUDA events around each call on the current stream"}}
    print(f"PyTorch {torch.__version__} on {document['provenance']['gpu']}", flush=True)
    document["ceilings"] = ceilings()
    references: Dict[str, check.Slice] = {}
    runs: List[Dict[str, Any]] = []
    col2im_runs: List[Dict[str, Any]] = []

    def report(record: Dict[str, Any]) -> None:
        median = record.get("latency_ms", {}).get("median")
        print(f"[{time.perf_counter() - started:6.1f} s] {record['id']:45s} {record['status']} "
              f"{'' if median is None else f'{median:.4f} ms'}", flush=True)

    for workload in WORKLOADS:
        if only and workload.name not in only:
            continue
        for variant in VARIANTS:
            try:
                record = run_workload(workload, variant, references)
            except Exception:
                record = {"id": f"{workload.name}/pytorch/{variant}", "workload": workload.name,
                          "precision": variant.partition("_")[0], "status": "failed",
                          "messages": [traceback.format_exc()]}
            runs.append(record)
            report(record)
        for precision in COL2IM_PRECISIONS:
            try:
                records = run_col2im(workload, precision, references)
            except Exception:
                records = [{"id": f"{workload.name}/pytorch_{kind}/{precision}", "workload": workload.name,
                            "precision": precision, "kind": kind, "status": "failed",
                            "messages": [traceback.format_exc()]} for kind in ("gemm", "matmul_fold", "matmul_fold_gemm")]
            torch.cuda.empty_cache()
            for record in records:
                col2im_runs.append(record)
                report(record)
    document["col2im"] = col2im_runs
    document.update(runs=runs, total_seconds=round(time.perf_counter() - started, 2))
    write_json(args.out / pytorch_file, document)
    print(f"wrote {args.out / pytorch_file}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
