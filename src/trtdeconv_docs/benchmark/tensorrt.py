"""The TensorRT runner: build, time and check every planned run on a GPU (TensorRT 8.6, 10, 11).

Usage, from the repository root of the GPU machine::

    PYTHONPATH=src python-trt -m trtdeconv_docs.benchmark.tensorrt --out /tmp/bench-trt
    PYTHONPATH=src python-trt -m trtdeconv_docs.benchmark.tensorrt --dry-run

Each run (:mod:`.plan`) is one network: the deconvolution or a sub-pixel formulation
(:mod:`.formulations`) of one workload (:mod:`.workloads`), in one precision (FP32 with
``BuilderFlag.TF32`` cleared, TF32, FP16 with FP16 inputs and outputs, INT8 through Q/DQ on
the input and the kernel). It is built at the builder's default optimization level with
one timing cache shared by every build of the process and the engine inspector at
``DETAILED``; then warmed up and timed with CUDA events around each ``execute_async_v3``
(at least 100 iterations), and its output is checked on a slice against the float64
reference model under the tolerance rule (:mod:`.check`). A build that TensorRT refuses is
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
from ..trt.versions import quantize_dequantize
from . import check, formulations, plan, tensorrt_file

WORKSPACE_BYTES = 4 << 30
WARMUP = 10
MIN_ITERATIONS = 100
MAX_ITERATIONS = 300
TIMED_SECONDS = 0.2
"""Timed iterations: enough for about this long, within [MIN_ITERATIONS, MAX_ITERATIONS]."""


def flags(config) -> List[str]:
    """The precision flags set on a builder config."""
    return [name for name in ("TF32", "FP16", "INT8", "BF16", "FP8")
            if hasattr(trt.BuilderFlag, name) and config.get_flag(getattr(trt.BuilderFlag, name))]


def _weights(network, kernel: np.ndarray, precision: str, scale: float, keep: list):
    """(Weights, tensor or None): the kernel as weights, or for INT8 as a Q/DQ'd constant for ``set_input(1)``."""
    kernel = np.ascontiguousarray(kernel, dtype=np.float32)
    keep.append(kernel)
    if precision != "int8":
        return trt.Weights(kernel), None
    constant = network.add_constant(kernel.shape, trt.Weights(kernel)).get_output(0)
    return trt.Weights(), quantize_dequantize(trt, network, constant, scale, keep=keep)


def build_network(network, run: plan.Run, arrays: Dict[str, np.ndarray], scales: Dict[str, float], keep: list):
    """Add the run's input, layers and output to ``network``."""
    workload, layer = run.workload, run.workload.layer
    io_type = trt.float16 if run.precision == "fp16" else trt.float32
    x = network.add_input("x", io_type, workload.input_shape)
    if run.precision == "int8":
        x = quantize_dequantize(trt, network, x, scales["input"], keep=keep)
    if run.formulation == "deconvolution":
        kernel, bias = arrays["kernel"], arrays["bias"]
    else:
        steps = formulations.plan_for(run.formulation, workload.input_shape, arrays["kernel"], arrays["bias"], layer)
        kernel, bias = steps.kernel, steps.bias
    weights, kernel_tensor = _weights(network, kernel, run.precision, scales["kernel"], keep)
    bias = np.ascontiguousarray(bias, dtype=np.float32)
    keep.append(bias)
    if run.formulation == "deconvolution":
        main = network.add_deconvolution_nd(x, layer.num_output_maps, layer.kernel_size_nd, weights, trt.Weights(bias))
        main.stride_nd = layer.stride_nd
        main.pre_padding, main.post_padding = layer.pre_padding, layer.post_padding
        main.num_groups = layer.num_groups
    else:
        main = network.add_convolution_nd(x, int(steps.kernel.shape[0]), steps.kernel_size, weights, trt.Weights(bias))
        main.pre_padding, main.post_padding = steps.pre_padding, steps.post_padding
        main.num_groups = steps.num_groups
    main.name = run.formulation
    if kernel_tensor is not None:
        main.set_input(1, kernel_tensor)
    out = main.get_output(0)
    if run.formulation != "deconvolution":
        split = network.add_shuffle(out)
        split.reshape_dims = steps.split_shape
        split.second_transpose = steps.permutation
        split.name = "depth_to_space_split"
        interleave = network.add_shuffle(split.get_output(0))
        interleave.reshape_dims = steps.interleaved_shape
        interleave.name = "depth_to_space_interleave"
        out = interleave.get_output(0)
        if steps.needs_slice:
            cut = network.add_slice(out, (0, 0) + steps.start, steps.output_shape, (1,) * len(steps.output_shape))
            cut.name = "slice"
            out = cut.get_output(0)
    out.name = "y"
    network.mark_output(out)
    out.dtype = io_type


def tactic(entry) -> Dict[str, Any]:
    """An engine layer's name, type and tactic (``TacticName``, else its ``TacticValue``)."""
    if not isinstance(entry, dict):
        return {"name": str(entry)}
    return {"name": entry.get("Name", ""), "type": entry.get("LayerType", ""),
            "tactic": entry.get("TacticName") or f"TacticValue {entry.get('TacticValue', '?')}"}


def quartiles(samples: List[float]) -> Dict[str, float]:
    """Median and interquartile range (NumPy's default linear interpolation), in ms."""
    q1, median, q3 = (float(v) for v in np.percentile(np.asarray(samples, np.float64), [25, 50, 75]))
    return {"median": median, "q1": q1, "q3": q3}


def summary(record: Dict[str, Any]) -> str:
    """One line about a run's record: status, median latency, build time."""
    parts = [f"{record['status']:14s}"]
    if "latency_ms" in record:
        parts.append(f"{record['latency_ms']['median']:.4f} ms")
    if "build_seconds" in record:
        parts.append(f"(build {record['build_seconds']:.1f} s)")
    return " ".join(parts)


class Runner:
    """Makes the planned runs, keeps their records, writes ``tensorrt.json`` after each."""

    def __init__(self, out: Path, planned: List[plan.Run], time_budget: float):
        self.out, self.planned, self.time_budget = out, planned, time_budget
        self.started = time.perf_counter()
        self.timer = engines.Timer(warmup=WARMUP, min_iterations=MIN_ITERATIONS, max_iterations=MAX_ITERATIONS,
                                   timed_seconds=TIMED_SECONDS)
        self.builder: Optional[engines.Builder] = None
        self.records: List[Dict[str, Any]] = []
        self.arrays: Dict[str, Dict[str, np.ndarray]] = {}
        self.references: Dict[Any, check.Slice] = {}
        self.deconvolution_outputs: Dict[Any, np.ndarray] = {}
        self.header = {"provenance": gpu_provenance(), "settings": {
            "builder_optimization_level": "default", "workspace_bytes": WORKSPACE_BYTES, "warmup": WARMUP,
            "min_iterations": MIN_ITERATIONS, "max_iterations": MAX_ITERATIONS, "timed_seconds": TIMED_SECONDS,
            "timing": "CUDA events around each execute_async_v3 on one stream",
            "timing_cache": "one, shared by every build of the run", "time_budget_seconds": time_budget,
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
                                     "runs": self.records})

    def data(self, run: plan.Run) -> Dict[str, np.ndarray]:
        """The workload's arrays (drawn once per workload)."""
        if run.workload.name not in self.arrays:
            self.arrays[run.workload.name] = run.workload.arrays()
        return self.arrays[run.workload.name]

    def reference(self, run: plan.Run, arrays, scales, kernel_quantized: bool) -> check.Slice:
        """The reference slice (for INT8 on the Q/DQ'd input, and kernel where TensorRT kept it), computed once."""
        key = (run.workload.name, run.precision == "int8", kernel_quantized)
        if key not in self.references:
            x, kernel = arrays["input"], arrays["kernel"]
            if run.precision == "int8":
                x = check.quantized(x, scales["input"])
                kernel = check.quantized(kernel, scales["kernel"]) if kernel_quantized else kernel
            self.references[key] = check.reference_slice(x, kernel, arrays["bias"], run.workload.layer)
        return self.references[key]

    def make(self, run: plan.Run) -> Dict[str, Any]:
        """Build, time and check one run; its record."""
        record: Dict[str, Any] = {"id": run.id, "workload": run.workload.name, "formulation": run.formulation,
                                  "precision": run.precision}
        if run.skipped:
            return {**record, "status": "not_applicable", "reason": run.skipped}
        if self.elapsed() > self.time_budget:
            return {**record, "status": "not_run", "reason": f"--time-budget {self.time_budget:.0f} s spent"}
        arrays = self.data(run)
        scales = {"input": check.int8_scale(arrays["input"]), "kernel": check.int8_scale(arrays["kernel"])}
        # the builder's default optimization level; a logged error is not a refusal here: TensorRT returned an engine
        self.builder = builder = engines.Builder(
            tf32=run.precision != "fp32", fp16=run.precision == "fp16", int8=run.precision == "int8",
            optimization_level=None, workspace_bytes=WORKSPACE_BYTES, errors_refuse=False)
        keep: list = []
        build_network(builder.network, run, arrays, scales, keep)
        record.update(flags=flags(builder.config), input_shape=list(run.workload.input_shape),
                      io_dtype="float16" if run.precision == "fp16" else "float32")
        if run.precision == "int8":
            record["int8_scales"] = scales
        try:
            engine = builder.build()
        except EngineBuildError as error:
            return {**record, "build_seconds": round(builder.build_seconds or 0.0, 3), "status": "refused",
                    "messages": error.messages}
        record["build_seconds"] = round(builder.build_seconds, 3)
        text = engines.layer_information(engine)
        layers = json.loads(text).get("Layers", []) if text else []
        host_input = np.ascontiguousarray(arrays["input"], dtype=np.float16 if run.precision == "fp16" else np.float32)
        outputs, warmup, samples = self.timer.measure(engine, {"x": host_input})
        output = outputs["y"]
        record.update(status="measured", output_shape=list(output.shape), warnings=builder.logger.lines()[:10],
                      tactics=[tactic(entry) for entry in layers], engine_layers=layers,
                      latency_ms={**quartiles(samples), "warmup": warmup, "iterations": len(samples)},
                      samples_ms=samples)
        key = (run.workload.name, run.precision)
        if run.formulation == "deconvolution":
            self.deconvolution_outputs[key] = np.asarray(output[:1], np.float32)
        kernel_quantized = run.precision == "int8" and check.int8_weights_kept(layers)
        record["check"] = check.judge(output, self.reference(run, arrays, scales, kernel_quantized), run.precision,
                                      None if run.formulation == "deconvolution" else self.deconvolution_outputs.get(key))
        if run.precision == "int8":
            record["check"]["int8_reference"] = check.INT8_REFERENCE
        return record

    def run_all(self) -> None:
        """Every planned run, in order; a harness fault is recorded and the next run made."""
        for run in self.planned:
            try:
                record = self.make(run)
            except Exception:
                record = {"id": run.id, "workload": run.workload.name, "formulation": run.formulation,
                          "precision": run.precision, "status": "failed", "messages": [traceback.format_exc()],
                          "tensorrt_messages": self.builder.logger.lines()[-20:] if self.builder else []}
            self.records.append(record)
            print(f"[{self.elapsed():6.1f} s] {run.id:42s} {summary(record)}", flush=True)
            self.save(finished=False)
        self.save(finished=True)


def main(argv: Optional[List[str]] = None) -> int:
    """Parse the command line; print the plan (``--dry-run``) or make every run."""
    args, planned = plan.parse_command_line("python -m trtdeconv_docs.benchmark.tensorrt", argv)
    if args.dry_run:
        print(plan.describe(planned))
        return 0
    runner = Runner(args.out, planned, args.time_budget)
    print(f"TensorRT {trt.__version__} on {runner.header['provenance']['gpu']}; "
          f"{plan.describe(planned).splitlines()[-1]}", flush=True)
    runner.run_all()
    print(f"done in {runner.elapsed():.1f} s; wrote {args.out / tensorrt_file}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
