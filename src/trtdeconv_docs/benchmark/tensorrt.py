"""The TensorRT runner: build, time and check every planned run on a GPU (TensorRT 8.6, 10, 11).

Usage, from the repository root of the GPU machine::

    PYTHONPATH=src python-trt -m trtdeconv_docs.benchmark.tensorrt --out /tmp/bench-trt
    PYTHONPATH=src python-trt -m trtdeconv_docs.benchmark.tensorrt --dry-run

Each run (:mod:`.plan`) is one network: the deconvolution or a sub-pixel formulation
(:mod:`.formulations`) of one workload (:mod:`.workloads`), in one precision (FP32 with
``BuilderFlag.TF32`` cleared, TF32, FP16 with FP16 inputs and outputs and TF32 cleared, INT8
through Q/DQ on the input and the kernel, ``int8_out`` with a Q/DQ after the layer too) and one
I/O layout (NCHW or channels-last, :mod:`trtdeconv_docs.trt.layouts`). It is built at the builder's default
optimization level with one timing cache shared by every build (``--timing-cache``: kept in a
file across runs) and the engine inspector at ``DETAILED``; then measured by
the engine module's timed execute (:class:`trtdeconv_docs.trt.engine.Timer`: CUDA-graph replay
of ``execute_async_v3``, host enqueue apart, cold L2, per-layer ``IProfiler`` times, NVML state), and its output is checked on a slice against the
float64 reference model under the tolerance rule (:mod:`.check`). Before the runs, the
ceilings and the GPU launch overhead are measured in the same process (:mod:`.trt_ceilings`). A build that TensorRT refuses is
recorded as refused, with its messages. ``tensorrt.json`` in ``--out`` is rewritten
after every run; ``python -m trtdeconv_docs.benchmark.merge`` turns it into the recording.
"""

from __future__ import annotations

import json
import sys
import time
import traceback
from pathlib import Path
from typing import Any, Dict, List, Optional

import numpy as np
import tensorrt as trt

from ..cassette.publisher import gpu_provenance, write_json
from ..errors import EngineBuildError
from ..trt import engine as engines
from ..trt import layouts, timing
from ..trt.inspector import engine_layers
from ..trt.versions import quantize_dequantize
from . import check, formulations, nvml, plan, tensorrt_file, trt_ceilings, trt_layers
from .kernels import tactic

WORKSPACE_BYTES = 4 << 30
FORMAT = 2
"""``tensorrt.json`` format: 1 (no ``format`` key) timed with events around each enqueue, no ceilings."""


def builder(precision: str) -> engines.Builder:
    """The engine module's Builder for a run's precision: the builder's default optimization level, a 4 GiB
    workspace, FP16 with ``BuilderFlag.TF32`` cleared (a float layer may not fall back to TF32), FP32 with it
    cleared, INT8 flag for ``int8``/``int8_out``; built when TensorRT returns an engine, whatever it logged (the
    engine module's one rule)."""
    return engines.Builder(tf32=precision not in ("fp32", "fp16"), fp16=precision == "fp16",
                           int8=precision.startswith("int8"), optimization_level=None,
                           workspace_bytes=WORKSPACE_BYTES)


def flags(config) -> List[str]:
    """The precision flags set on a builder config."""
    return [name for name in ("TF32", "FP16", "INT8", "BF16", "FP8")
            if hasattr(trt.BuilderFlag, name) and config.get_flag(getattr(trt.BuilderFlag, name))]


def _weights(network, kernel: np.ndarray, precision: str, scale: float, keep: list):
    """(Weights, tensor or None): the kernel as weights, or for INT8 as a Q/DQ'd constant for ``set_input(1)``."""
    kernel = np.ascontiguousarray(kernel, dtype=np.float32)
    keep.append(kernel)
    if not precision.startswith("int8"):
        return trt.Weights(kernel), None
    constant = network.add_constant(kernel.shape, trt.Weights(kernel)).get_output(0)
    return trt.Weights(), quantize_dequantize(trt, network, constant, scale, keep=keep)


def build_network(network, run: plan.Run, arrays: Dict[str, np.ndarray], scales: Dict[str, float], keep: list):
    """Add the run's input, layers and output to ``network``."""
    workload, layer = run.workload, run.workload.layer
    io_type = trt.float16 if run.precision == "fp16" else trt.float32
    x = network.add_input("x", io_type, workload.input_shape)
    if run.precision.startswith("int8"):
        x = quantize_dequantize(trt, network, x, scales["input"], keep=keep)
    if run.formulation == "deconvolution":
        weights, kernel_tensor = _weights(network, arrays["kernel"], run.precision, scales["kernel"], keep)
        bias = np.ascontiguousarray(arrays["bias"], dtype=np.float32)
        keep.append(bias)
        main = network.add_deconvolution_nd(x, layer.num_output_maps, layer.kernel_size_nd, weights, trt.Weights(bias))
        main.stride_nd = layer.stride_nd
        main.pre_padding, main.post_padding = layer.pre_padding, layer.post_padding
        main.num_groups = layer.num_groups
        main.name = run.formulation
        if kernel_tensor is not None:
            main.set_input(1, kernel_tensor)
        out = main.get_output(0)
    else:
        steps = formulations.plan_for(run.formulation, workload.input_shape, arrays["kernel"], arrays["bias"], layer)
        out = trt_layers.add_formulation(trt, network, x, steps, run.formulation,
                                         lambda kernel: _weights(network, kernel, run.precision, scales["kernel"], keep),
                                         keep)
    if run.precision == "int8_out":
        out = quantize_dequantize(trt, network, out, scales["output"], keep=keep)
    out.name = "y"
    network.mark_output(out)
    out.dtype = io_type
    if run.layout != "nchw":
        name = layouts.format_name(run.precision, layer.spatial_rank)
        for tensor in (network.get_input(0), out):
            tensor.allowed_formats = 1 << int(getattr(trt.TensorFormat, name))


def summary(record: Dict[str, Any]) -> str:
    """One line about a run's record: status, median latency, build time."""
    parts = [f"{record['status']:14s}"]
    if "latency_ms" in record:
        parts.append(f"{record['latency_ms']['median']:.4f} ms")
    if record.get("host_bound"):
        parts.append("HOST-BOUND")
    worst = record.get("check", {}).get("worst_ratio")
    if worst is not None:
        parts.append(f"err/bound {worst:.2g}")
    if "build_seconds" in record:
        parts.append(f"(build {record['build_seconds']:.1f} s)")
    return " ".join(parts)


class Runner:
    """Makes the planned runs, keeps their records, writes ``tensorrt.json`` after each."""

    def __init__(self, out: Path, planned: List[plan.Run], time_budget: float, cache_file: Optional[Path] = None,
                 resume: Optional[Path] = None):
        self.out, self.planned, self.time_budget = out, planned, time_budget
        self.kept: Dict[str, Dict[str, Any]] = {}
        self.sessions: List[Dict[str, Any]] = []
        if resume is not None:
            earlier = json.loads(Path(resume).read_text(encoding="utf-8"))
            index = len(earlier.get("sessions", []))
            self.sessions = earlier.get("sessions", []) + [
                {"provenance": earlier["provenance"], "ceilings": earlier.get("ceilings", {})}]
            self.kept = {r["id"]: {**r, "session": r.get("session", index)} for r in earlier["runs"]
                         if r["status"] in ("measured", "refused", "not_applicable")}
        self.started = time.perf_counter()
        self.cache_file = cache_file
        self.cache_was_warm = bool(cache_file and Path(cache_file).is_file())
        if self.cache_was_warm:
            engines.seed_timing_cache(Path(cache_file).read_bytes())
        self.builder: Optional[engines.Builder] = None
        self.monitor = nvml.Monitor()
        self.timer = engines.Timer(self.monitor)
        self.records: List[Dict[str, Any]] = []
        self.arrays: Dict[str, Dict[str, np.ndarray]] = {}
        self.references: Dict[Any, check.Slice] = {}
        self.deconvolution_outputs: Dict[Any, np.ndarray] = {}
        self.ceilings: Dict[str, Any] = {}
        self.header = {"format": FORMAT, "provenance": gpu_provenance(), "settings": {
            "builder_optimization_level": "default", "workspace_bytes": WORKSPACE_BYTES,
            "warmup": f"batches of {timing.WARMUP_BATCH} graph replays until 3 batch medians agree within "
                      f"{100 * timing.SETTLE_TOLERANCE:.0f} % (at most {timing.WARMUP_SECONDS} s)",
            "min_iterations": timing.MIN_ITERATIONS, "max_iterations": timing.MAX_ITERATIONS,
            "timed_seconds": timing.TIMED_SECONDS,
            "timing": "CUDA events around each cudaGraphLaunch of a graph captured from one execute_async_v3",
            "enqueue": f"host time of {timing.ENQUEUE_SAMPLES} execute_async_v3 calls, the stream drained between",
            "cold_l2": f"{timing.COLD_SAMPLES} replays after a memset of twice the L2, for working sets under twice the L2",
            "per_layer": f"IProfiler over {engines.PROFILE_RUNS} unreplayed executions",
            "fp16": "BuilderFlag.FP16 set and BuilderFlag.TF32 cleared",
            "timing_cache": "one, shared by every build of the run" + (
                ", read from a file written by an earlier run" if self.cache_was_warm else ", cold at start"),
            "time_budget_seconds": time_budget, "nvml": self.monitor.describe(), "l2_bytes": self.timer.l2_bytes,
            "check": f"batch 0, first {check.MAX_GROUPS} groups or {check.MAX_MAPS} output maps, "
                     "against the float64 reference model"}}

    def elapsed(self) -> float:
        """Seconds since the runner started."""
        return time.perf_counter() - self.started

    def save(self, finished: bool) -> None:
        """Write ``tensorrt.json`` as it stands."""
        builds = [r for r in self.records if "build_seconds" in r]
        write_json(self.out / tensorrt_file, {**self.header, "finished": finished, "total_seconds": round(self.elapsed(), 2),
                                     "builds": len(builds),
                                     "build_seconds": round(sum(r["build_seconds"] for r in builds), 2),
                                     "ceilings": self.ceilings, "sessions": self.sessions,
                                     "session": len(self.sessions), "runs": self.records})

    def data(self, run: plan.Run) -> Dict[str, np.ndarray]:
        """The workload's arrays (drawn once per workload)."""
        if run.workload.name not in self.arrays:
            self.arrays[run.workload.name] = run.workload.arrays()
        return self.arrays[run.workload.name]

    def reference(self, run: plan.Run, arrays, scales, kernel_quantized: bool) -> check.Slice:
        """The reference slice (for INT8 on the Q/DQ'd input, and kernel where TensorRT kept it), computed once."""
        int8 = run.precision.startswith("int8")
        key = (run.workload.name, int8, kernel_quantized)
        if not int8:
            return self._float_reference(run, arrays)
        if key not in self.references:
            x, kernel = arrays["input"], arrays["kernel"]
            if int8:
                x = check.quantized(x, scales["input"])
                kernel = check.quantized(kernel, scales["kernel"]) if kernel_quantized else kernel
            self.references[key] = check.reference_slice(x, kernel, arrays["bias"], run.workload.layer)
        return self.references[key]

    def scales(self, run: plan.Run, arrays) -> Dict[str, float]:
        """Per-tensor INT8 scales: input, kernel, and for ``int8_out`` the output (from the float reference slice)."""
        scales = {"input": check.int8_scale(arrays["input"]), "kernel": check.int8_scale(arrays["kernel"])}
        if run.precision == "int8_out":
            scales["output"] = check.int8_scale(self._float_reference(run, arrays).expected)
        return scales

    def _float_reference(self, run: plan.Run, arrays) -> check.Slice:
        key = (run.workload.name, False, False)
        if key not in self.references:
            self.references[key] = check.reference_slice(arrays["input"], arrays["kernel"], arrays["bias"],
                                                         run.workload.layer)
        return self.references[key]

    def make(self, run: plan.Run) -> Dict[str, Any]:
        """Build, time and check one run; its record."""
        record: Dict[str, Any] = {"id": run.id, "workload": run.workload.name, "formulation": run.formulation,
                                  "precision": run.precision, "layout": run.layout}
        if run.skipped:
            return {**record, "status": "not_applicable", "reason": run.skipped}
        if self.elapsed() > self.time_budget:
            return {**record, "status": "not_run", "reason": f"--time-budget {self.time_budget:.0f} s spent"}
        arrays = self.data(run)
        scales = self.scales(run, arrays)
        self.builder = built = builder(run.precision)
        keep: list = []
        build_network(built.network, run, arrays, scales, keep)
        record.update(flags=flags(built.config), input_shape=list(run.workload.input_shape),
                      io_dtype="float16" if run.precision == "fp16" else "float32")
        if run.precision.startswith("int8"):
            record["int8_scales"] = scales
        try:
            engine = built.build()
        except EngineBuildError as error:
            return {**record, "build_seconds": round(built.build_seconds or 0.0, 3), "status": "refused",
                    "messages": error.messages}
        record.update(build_seconds=round(built.build_seconds, 3), engine_bytes=built.engine_bytes)
        layers = engine_layers(engines.layer_information(engine))
        host_input = np.ascontiguousarray(arrays["input"], dtype=np.float16 if run.precision == "fp16" else np.float32)
        outputs, measured = self.timer.measure(engine, {"x": host_input})
        output = outputs["y"]
        measured.pop("layer_samples_ms", None)  # the per-layer statistics stay; the raw lists would crowd the file
        record.update(status="measured", output_shape=list(output.shape), warnings=built.logger.lines()[:10],
                      tactics=[tactic(entry) for entry in layers], engine_layers=layers, **measured)
        record["latency_ms"]["warmup"] = measured["warmup"]["replays"]
        record["host_bound"] = timing.host_bound(record["latency_ms"]["median"], measured["enqueue_ms"]["latency_ms"]["median"])
        key = (run.workload.name, run.precision)
        if run.formulation == "deconvolution" and run.layout == "nchw":
            self.deconvolution_outputs[key] = np.asarray(output[:1], np.float32)
        kernel_quantized = run.precision.startswith("int8") and check.int8_weights_kept(layers)
        record["check"] = check.judge(output, self.reference(run, arrays, scales, kernel_quantized), run.precision,
                                      None if run.formulation == "deconvolution" and run.layout == "nchw"
                                      else self.deconvolution_outputs.get(key),
                                      output_scale=scales.get("output"))
        if run.precision.startswith("int8"):
            record["check"]["int8_reference"] = check.INT8_REFERENCE
        return record

    def run_all(self, ceilings: bool = True) -> None:
        """The ceilings, then every planned run, in order; a harness fault is recorded and the next run made."""
        if ceilings:
            self.ceilings = trt_ceilings.measure_all(builder, self.timer,
                                                     lambda text: print(f"[{self.elapsed():6.1f} s] {text}", flush=True))
            self.save(finished=False)
        for run in self.planned:
            if run.id in self.kept:
                self.records.append(self.kept[run.id])
                continue
            try:
                record = self.make(run)
            except Exception:
                record = {"id": run.id, "workload": run.workload.name, "formulation": run.formulation,
                          "precision": run.precision, "layout": run.layout, "status": "failed",
                          "messages": [traceback.format_exc()],
                          "tensorrt_messages": self.builder.logger.lines()[-20:] if self.builder else []}
            self.records.append(record)
            print(f"[{self.elapsed():6.1f} s] {run.id:52s} {summary(record)}", flush=True)
            self.save(finished=False)
        self.save_cache()
        self.save(finished=True)

    def save_cache(self) -> None:
        """Write the shared timing cache to ``--timing-cache`` (when given)."""
        data = engines.timing_cache_bytes()
        if self.cache_file and data is not None:
            Path(self.cache_file).write_bytes(data)


def main(argv: Optional[List[str]] = None) -> int:
    """Parse the command line; print the plan (``--dry-run``) or make every run."""
    args, planned = plan.parse_command_line("python -m trtdeconv_docs.benchmark.tensorrt", argv)
    if args.dry_run:
        print(plan.describe(planned))
        return 0
    runner = Runner(args.out, planned, args.time_budget, args.timing_cache, args.resume)
    print(f"TensorRT {trt.__version__} on {runner.header['provenance']['gpu']}; NVML via {runner.monitor.source}; "
          f"{plan.describe(planned).splitlines()[-1]}", flush=True)
    runner.run_all()
    print(f"done in {runner.elapsed():.1f} s; wrote {args.out / tensorrt_file}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
