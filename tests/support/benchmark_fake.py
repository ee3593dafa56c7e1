"""A FAKE benchmark recording, made by the tests in a temporary folder (never under recordings/).

Its numbers are drawn at random: they test the page machinery (tables, ratios, roofline,
charts) and the consistency checks before a GPU run exists, and say nothing about TensorRT.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from trtdeconv_docs.benchmark import col2im, plan, pytorch_file, roofline, tensorrt_file, upsampling
from trtdeconv_docs.benchmark.workloads import WORKLOADS
from trtdeconv_docs.cassette.publisher import publish, write_json

CEILING_MS = {"fp32": 20.0, "tf32": 3.0, "fp16": 1.5}
"""The fake matmul ceilings' medians (8192^3 GEMM); every fake run is drawn above its floor from them."""
FAKE_PEAKS = {p: 2 * 8192 ** 3 / (ms * 1e-3) for p, ms in CEILING_MS.items()}
FAKE_PEAKS["int8"] = FAKE_PEAKS["int8_out"] = 2 * FAKE_PEAKS["fp16"]
FAKE_PEAKS["bandwidth"] = (2 << 30) / 0.5e-3


def _above_floor(rng, workload, precision: str) -> float:
    ceilings = {("bandwidth" if name == "bandwidth" else f"peak_{name}"): value for name, value in FAKE_PEAKS.items()}
    floor, _ = roofline.floor_ms(workload, precision, ceilings)
    return floor * float(rng.uniform(1.3, 20))

FAKE = "FAKE (made by tests/support/benchmark_fake.py, not measured)"


def _timed(rng, center: float, count: int = 120):
    samples = [float(v) for v in center * (1 + 0.05 * rng.standard_normal(count)).clip(0.5)]
    q1, median, q3 = np.percentile(samples, [25, 50, 75])
    return {"latency_ms": {"median": float(median), "q1": float(q1), "q3": float(q3), "warmup": 11,
                           "iterations": count}, "samples_ms": samples}


def make(target: Path, seed: int = 0, pytorch_format: int = 3) -> Path:
    """Publish a fake recording into ``target``; returns ``target``.

    ``pytorch_format`` 1 leaves out what format 2 added (``col2im``, the ``launch`` ceiling); 2 has format 2's
    eager ``launch`` (no GPU launch test); 3 a GPU launch test (``per_kernel``).
    """
    rng = np.random.default_rng(seed)
    runs = []
    for run in plan.runs():
        record = {"id": run.id, "workload": run.workload.name, "formulation": run.formulation, "precision": run.precision}
        if run.skipped:
            record.update(status="not_applicable", reason=run.skipped)
        elif run.precision == "int8" and run.workload.name == "depthwise":
            record.update(status="refused", build_seconds=0.5, messages=[f"[ERROR] {FAKE}: no implementation"])
        else:
            record.update(status="measured", build_seconds=float(rng.uniform(1, 9)), flags=["FP16"],
                          tactics=[{"name": run.formulation, "type": "fake", "tactic": "fake_tactic"}],
                          check={"elements": 10, "rule": "fp32", "worst_ratio": 0.01},
                          **_timed(rng, _above_floor(rng, run.workload, run.precision), count=140))
            if run.formulation in upsampling.EQUIVALENCE:  # labelled as the runner labels them
                record["equivalence"] = upsampling.EQUIVALENCE[run.formulation]
        runs.append(record)
    trt_provenance = {"tensorrt": "0.0-fake", "cuda_runtime": "0.0", "cuda_driver": "0.0", "gpu": FAKE,
                      "compute_capability": "0.0", "python": "0", "numpy": "0", "date": "1970-01-01T00:00:00Z"}
    torch_provenance = {"torch": "0.0-fake", "cuda": "0.0", "cudnn": 0, "gpu": FAKE, "compute_capability": "0.0",
                        "python": "0", "numpy": "0", "date": "1970-01-01T00:00:00Z"}
    torch_runs = [{"id": f"{w.name}/pytorch/{v}", "workload": w.name, "precision": v.partition("_")[0],
                   "memory_format": v.partition("_")[2] or "contiguous", "status": "measured",
                   **_timed(rng, _above_floor(rng, w, v.partition("_")[0]), count=140)}
                  for w in WORKLOADS for v in ("fp32", "tf32", "fp16", "fp32_channels_last")]
    ceilings = {"copy": {"bytes": 2 << 30, **_timed(rng, 0.5)}}
    for name, center in CEILING_MS.items():
        ceilings[f"matmul_{name}"] = {"status": "measured", "flops": 2 * 8192 ** 3, **_timed(rng, center)}
    ceilings["matmul_int8"] = {"status": "refused", "messages": [FAKE]}
    extra = {}
    if pytorch_format >= 2:
        ceilings["launch"] = {"status": "measured", **_timed(rng, 0.004)}
        if pytorch_format >= 3:
            ceilings["launch"]["per_kernel"] = _timed(rng, 0.002)
        extra["format"] = pytorch_format
        extra["col2im"] = []
        for w in WORKLOADS:
            shapes = col2im.plan(w.input_shape, w.layer)
            for precision in ("fp32", "tf32", "fp16"):
                for kind in ("gemm", "matmul_fold", "matmul_fold_gemm"):
                    extra["col2im"].append({"id": f"{w.name}/pytorch_{kind}/{precision}", "workload": w.name,
                                            "precision": precision, "kind": kind, "gemm": shapes.gemm,
                                            "flops": shapes.flops, "status": "measured",
                                            **_timed(rng, _above_floor(rng, w, precision), count=140)})
    with tempfile.TemporaryDirectory() as scratch:
        write_json(Path(scratch) / tensorrt_file, {"provenance": trt_provenance, "finished": True, "builds": 50,
                                                   "build_seconds": 200.0, "total_seconds": 260.0, "runs": runs})
        write_json(Path(scratch) / pytorch_file, {**extra, "provenance": torch_provenance, "total_seconds": 30.0,
                                                  "ceilings": ceilings, "runs": torch_runs})
        publish(scratch, target, {"tensorrt": trt_provenance, "pytorch": torch_provenance}, command=FAKE)
    return target


SMALL_CEILINGS = {"CHANNELS": 8, "POSITIONS": {p: 256 for p in ("fp32", "tf32", "fp16", "int8")}, "COPY_BYTES": 1 << 12}
"""``benchmark.trt_ceilings``' sizes made small, for the FAKE TensorRT on CPU (here and ``fake_python_trt.py``)."""
RUNNER_MODULES = ("trtdeconv_docs.benchmark.tensorrt", "trtdeconv_docs.benchmark.trt_ceilings", "trtdeconv_docs.trt.engine")
"""The modules that import tensorrt: imported afresh against the fake TensorRT, forgotten afterwards."""


def runner_module(monkeypatch):
    """:mod:`trtdeconv_docs.benchmark.tensorrt` imported against the FAKE TensorRT and CUDA runtime
    (``tests/fake_tensorrt/tensorrt.py``), with small ceilings; call :func:`forget_runner` afterwards."""
    import importlib
    import sys

    from ..fake_tensorrt import tensorrt as fake_tensorrt

    for name, module in fake_tensorrt.modules().items():
        monkeypatch.setitem(sys.modules, name, module)
    for name in RUNNER_MODULES:
        monkeypatch.delitem(sys.modules, name, raising=False)
    module = importlib.import_module("trtdeconv_docs.benchmark.tensorrt")
    # the runner's own trt_ceilings: ``from . import trt_ceilings`` finds the package's attribute, which a second
    # import keeps pointing at the first module (its constants restored by the monkeypatch), not sys.modules'
    for name, value in SMALL_CEILINGS.items():
        monkeypatch.setattr(module.trt_ceilings, name, value)
    return module


def forget_runner() -> None:
    """Drop the modules :func:`runner_module` imported against the fake."""
    import sys

    for name in RUNNER_MODULES:
        sys.modules.pop(name, None)


def publish_runner_output(raw: Path, target: Path) -> Path:
    """Publish the TensorRT runner's ``tensorrt.json`` in ``raw`` as a benchmark recording in ``target`` (with an
    empty PyTorch side), as ``benchmark.merge`` would; returns ``target``."""
    import json

    document = json.loads((raw / tensorrt_file).read_text(encoding="utf-8"))
    torch_provenance = {"torch": "0.0-fake", "cuda": "0.0", "cudnn": 0, "gpu": FAKE, "compute_capability": "0.0",
                        "python": "0", "numpy": "0", "date": "1970-01-01T00:00:00Z"}
    with tempfile.TemporaryDirectory() as scratch:
        write_json(Path(scratch) / tensorrt_file, document)
        write_json(Path(scratch) / pytorch_file, {"format": 3, "provenance": torch_provenance, "total_seconds": 0.0,
                                                  "ceilings": {}, "runs": [], "col2im": []})
        publish(scratch, target, {"tensorrt": document["provenance"], "pytorch": torch_provenance}, command=FAKE)
    return target

