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
float64 reference model under the tolerance rule (:mod:`.check`). Each run's ``method`` says how it was built
and timed, written by the code that did it (the builder's optimization level and timing cache, the calls the
timing made: :meth:`trtdeconv_docs.trt.engine.Builder.method`, :meth:`~trtdeconv_docs.trt.engine.Timer.measure`). Before the runs, the
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

from ..cassette.publisher import GrowingDocument, gpu_provenance
from ..errors import EngineBuildError
from ..trt import engine as engines
from ..trt import layouts, timing
from ..trt.inspector import engine_layers
from ..trt.versions import quantize_dequantize
from . import blocks, check, formulations, nvml, plan, roofline, tensorrt_file, trt_ceilings, trt_layers, upsampling
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


def _weights(network, kernel: np.ndarray, precision: str, scale, keep: list, axis: Optional[int] = None):
    """(Weights, tensor or None): the kernel as weights, or for INT8 as a Q/DQ'd constant for ``set_input(1)``
    (``scale``: one number, or with ``axis`` one per index of that axis)."""
    kernel = np.ascontiguousarray(kernel, dtype=np.float32)
    keep.append(kernel)
    if not precision.startswith("int8"):
        return trt.Weights(kernel), None
    constant = network.add_constant(kernel.shape, trt.Weights(kernel)).get_output(0)
    if axis is not None:
        values = np.ascontiguousarray(scale, np.float32)
        keep.append(values)
        scale = network.add_constant(values.shape, trt.Weights(values)).get_output(0)
    return trt.Weights(), quantize_dequantize(trt, network, constant, scale, axis=axis, keep=keep)


def _convolution_weights(network, run: plan.Run, scales: Dict[str, Any], keep: list):
    """The ``weights`` function of a formulation's convolutions: per output channel on axis 0 where the
    deconvolution's kernel has per-map scales (each convolution channel takes its map's scale, so the quantized
    taps are the deconvolution's), else one scale."""
    def weights(kernel):
        if scales.get("kernel_axis") is None:
            return _weights(network, kernel, run.precision, scales.get("kernel"), keep)
        per_map = np.asarray(scales["kernel"], np.float32)
        return _weights(network, kernel, run.precision, np.repeat(per_map, kernel.shape[0] // per_map.size), keep, 0)
    return weights


def input_shapes(workload) -> Dict[str, Any]:
    """The network inputs' shapes: ``x`` (with -1 for the dimensions a profile varies) and a block's skip."""
    shapes = {"x": workload.input_shape}
    if workload.profile:
        shapes["x"] = tuple(-1 if len(set(d)) > 1 else d[0] for d in zip(*workload.profile))
    if workload.skip_shape is not None:
        shapes[blocks.SKIP] = workload.skip_shape
    return shapes


def build_network(network, run: plan.Run, arrays: Dict[str, np.ndarray], scales: Dict[str, Any], keep: list):
    """Add the run's inputs, layers (the formulation, then a fused block) and output to ``network``."""
    workload, layer = run.workload, run.workload.layer
    io_type = trt.float16 if run.precision == "fp16" else trt.float32
    inputs = {name: network.add_input(name, io_type, shape) for name, shape in input_shapes(workload).items()}
    x = inputs["x"]
    if run.precision.startswith("int8"):
        x = quantize_dequantize(trt, network, x, scales["input"], keep=keep)
    if run.formulation == "deconvolution":
        weights, kernel_tensor = _weights(network, arrays["kernel"], run.precision, scales.get("kernel"), keep,
                                          scales.get("kernel_axis"))
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
    elif run.formulation in upsampling.ALTERNATIVES:
        steps = upsampling.plan_for(run.formulation, workload.input_shape, arrays["kernel"], arrays["bias"], layer)
        out = upsampling.add_to_network(trt, network, x, workload.input_shape, steps, run.formulation,
                                        _convolution_weights(network, run, scales, keep), keep,
                                        np.float16 if run.precision == "fp16" else np.float32)
    else:
        steps = formulations.plan_for(run.formulation, workload.input_shape, arrays["kernel"], arrays["bias"], layer)
        out = trt_layers.add_formulation(trt, network, x, steps, run.formulation,
                                         _convolution_weights(network, run, scales, keep), keep)
    out = blocks.add_block(trt, network, out, workload.block, arrays, keep, inputs.get(blocks.SKIP))
    if run.precision == "int8_out":
        out = quantize_dequantize(trt, network, out, scales["output"], keep=keep)
    out.name = "y"
    network.mark_output(out)
    out.dtype = io_type
    if run.layout != "nchw":
        name = layouts.format_name(run.precision, layer.spatial_rank)
        for tensor in list(inputs.values()) + [out]:
            tensor.allowed_formats = 1 << int(getattr(trt.TensorFormat, name))


def refuse_other_gpu(earlier: Dict[str, Any], current: Dict[str, Any], where) -> None:
    """Stop (``SystemExit``, one line) unless the resumed file was measured on a GPU of the same name: its runs
    and ceilings would sit beside this GPU's as if comparable."""
    if earlier.get("gpu") != current.get("gpu"):
        raise SystemExit(f"--resume {where}: measured on {earlier.get('gpu')!r}, this GPU is {current.get('gpu')!r}; "
                         "resume only on the same GPU (or start without --resume)")


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
        provenance = gpu_provenance()
        if resume is not None:
            earlier = json.loads(Path(resume).read_text(encoding="utf-8"))
            refuse_other_gpu(earlier["provenance"], provenance, resume)
            index = len(earlier.get("sessions", []))
            self.sessions = earlier.get("sessions", []) + [
                {"provenance": earlier["provenance"], "ceilings": earlier.get("ceilings", {})}]
            self.kept = {r["id"]: {**r, "session": r.get("session", index)} for r in earlier["runs"]
                         if plan.done(r)}  # the plan says what is not built
        self.started = time.perf_counter()
        self.cache_file = cache_file
        if cache_file and Path(cache_file).is_file():
            engines.seed_timing_cache(Path(cache_file).read_bytes())
        self.builder: Optional[engines.Builder] = None
        self.monitor = nvml.Monitor()
        self.timer = engines.Timer(self.monitor)
        self.records: List[Dict[str, Any]] = []  # appended to, never changed: self.document encodes each once
        self.document = GrowingDocument(out / tensorrt_file)
        self.arrays: Dict[str, Dict[str, np.ndarray]] = {}
        self.references: Dict[Any, check.Slice] = {}
        self.deconvolution_outputs: Dict[Any, np.ndarray] = {}
        self.ceilings: Dict[str, Any] = {}
        # how each run was built and timed is its own record's ``method``, written by the code that did it
        self.header = {"format": FORMAT, "provenance": provenance, "settings": {
            "workspace_bytes": WORKSPACE_BYTES,
            "warmup": f"batches of {timing.WARMUP_BATCH} graph replays until 3 batch medians agree within "
                      f"{100 * timing.SETTLE_TOLERANCE:.0f} % (at most {timing.WARMUP_SECONDS} s)",
            "min_iterations": timing.MIN_ITERATIONS, "max_iterations": timing.MAX_ITERATIONS,
            "timed_seconds": timing.TIMED_SECONDS,
            "cold_l2": f"{timing.COLD_SAMPLES} replays after a memset of twice the L2, for working sets under twice the L2",
            "time_budget_seconds": time_budget, "nvml": self.monitor.describe(), "l2_bytes": self.timer.l2_bytes,
            "check": f"batch 0, first {check.MAX_GROUPS} groups or {check.MAX_MAPS} output maps, "
                     "against the float64 reference model"}}

    def elapsed(self) -> float:
        """Seconds since the runner started."""
        return time.perf_counter() - self.started

    def save(self, finished: bool) -> None:
        """Write ``tensorrt.json`` as it stands."""
        builds = [r for r in self.records if "build_seconds" in r]
        self.document.write({**self.header, "finished": finished, "total_seconds": round(self.elapsed(), 2),
                             "builds": len(builds), "build_seconds": round(sum(r["build_seconds"] for r in builds), 2),
                             "ceilings": self.ceilings, "sessions": self.sessions, "session": len(self.sessions)},
                            "runs", self.records)

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
                if kernel_quantized:
                    kernel = check.quantized(kernel, scales["kernel"], scales.get("kernel_axis"))
            self.references[key] = check.reference_slice(x, kernel, arrays["bias"], run.workload.layer)
        return self.references[key]

    def scales(self, run: plan.Run, arrays) -> Dict[str, Any]:
        """INT8 scales: the input's, the kernel's (per output map on ``kernel_axis`` for a one-group layer:
        :func:`.check.int8_kernel_scales`), and for ``int8_out`` the output's (from the float reference slice,
        after a fused block)."""
        if not run.precision.startswith("int8"):
            return {}
        kernel, axis = check.int8_kernel_scales(arrays["kernel"], run.workload.layer)
        scales = {"input": check.int8_scale(arrays["input"]), "kernel": kernel, "kernel_axis": axis}
        if run.precision == "int8_out":
            float_slice = blocks.reference_slice(self._float_reference(run, arrays), run.workload.block, arrays)
            scales["output"] = check.int8_scale(float_slice.expected)
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
        if run.workload.profile:
            built.add_profile({"x": run.workload.profile})
        record.update(flags=flags(built.config), input_shape=list(run.workload.input_shape),
                      io_dtype="float16" if run.precision == "fp16" else "float32",
                      flops=roofline.formulation_flops(run.workload, run.formulation),
                      bytes=roofline.formulation_bytes(run.workload, run.formulation, run.precision))
        if run.formulation in upsampling.ALTERNATIVES:
            record["equivalence"] = upsampling.EQUIVALENCE.get(run.formulation, "exact")
        if run.precision.startswith("int8"):
            record["int8_scales"] = scales
        try:
            engine = built.build()
        except EngineBuildError as error:
            return {**record, "build_seconds": round(built.build_seconds or 0.0, 3), "status": "refused",
                    "messages": error.messages}
        record.update(build_seconds=round(built.build_seconds, 3), engine_bytes=built.engine_bytes)
        layers = engine_layers(engines.layer_information(engine))
        kernel_quantized = run.precision.startswith("int8") and check.int8_weights_kept(layers)
        output, measured = self.measure_and_check(run, engine, arrays, scales, kernel_quantized)
        record.update(status="measured", output_shape=list(output.shape), warnings=built.logger.lines()[:10],
                      tactics=[tactic(entry) for entry in layers], engine_layers=layers, **measured)
        record["method"]["builder"] = built.method()
        if run.workload.profile:
            record["profile_shapes"] = {"opt": {"input_shape": list(run.workload.input_shape)}}
            for name, shape in zip(("min", "max"), (run.workload.profile[0], run.workload.profile[2])):
                extra = {**arrays, "input": np.random.default_rng(1).uniform(-1, 1, shape).astype(np.float32)}
                _, other = self.measure_and_check(run, engine, extra, scales, kernel_quantized, keep_output=False)
                other.pop("method")  # the run's own
                record["profile_shapes"][name] = {"input_shape": list(shape), **other}
        if run.precision.startswith("int8"):
            record["check"]["int8_reference"] = check.INT8_REFERENCE
        return record

    def measure_and_check(self, run: plan.Run, engine, arrays, scales, kernel_quantized: bool, keep_output=True):
        """Time ``engine`` on ``arrays`` and check its output; (output, the record's timing and ``check`` fields)."""
        dtype = np.float16 if run.precision == "fp16" else np.float32
        inputs = {"x": np.ascontiguousarray(arrays["input"], dtype=dtype)}
        if run.workload.skip_shape is not None:
            inputs[blocks.SKIP] = np.ascontiguousarray(arrays["skip"], dtype=dtype)
        outputs, measured = self.timer.measure(engine, inputs)
        output = outputs["y"]
        measured.pop("layer_samples_ms", None)  # the per-layer statistics stay; the raw lists would crowd the file
        measured["latency_ms"]["warmup"] = measured["warmup"]["replays"]
        measured["host_bound"] = timing.host_bound(measured["latency_ms"]["median"],
                                                   measured["enqueue_ms"]["latency_ms"]["median"])
        measured["check"] = self.judge(run, output, arrays, scales, kernel_quantized, keep_output)
        return output, measured

    def judge(self, run: plan.Run, output, arrays, scales, kernel_quantized: bool, keep_output: bool) -> Dict[str, Any]:
        """The output's check: against the reference (a fused block's, the interior for ``resize``), and against
        the same workload's NCHW deconvolution in the same precision when that ran before."""
        if run.formulation == "resize_conv":  # another function: nothing to compare with
            return {"equivalence": upsampling.NOT_EQUIVALENT, "non_finite": int((~np.isfinite(output)).sum())}
        own = run.formulation == "deconvolution" and run.layout == "nchw"
        key = (run.workload.name, run.precision)
        if own and keep_output:
            self.deconvolution_outputs[key] = np.asarray(output[:1], np.float32)
        if keep_output:
            expected = self.reference(run, arrays, scales, kernel_quantized)
        else:  # another shape of a dynamic profile (float precisions only)
            expected = check.reference_slice(arrays["input"], arrays["kernel"], arrays["bias"], run.workload.layer)
        expected = blocks.reference_slice(expected, run.workload.block, arrays)
        other = None if own or not keep_output else self.deconvolution_outputs.get(key)
        got = np.asarray(output[:1, :expected.channels])
        if run.formulation != "resize":
            result = check.judge(got, expected, run.precision, other, output_scale=scales.get("output"))
        else:
            border = upsampling.resize_plan(run.workload.input_shape, arrays["kernel"], None, run.workload.layer).border
            result = check.judge(upsampling.interior(got, border), check.interior_slice(expected, border),
                                 run.precision, None if other is None else upsampling.interior(other, border))
            result.update(equivalence=upsampling.BORDER_ONLY, border=list(border),
                          border_max_abs_difference=upsampling.border_difference(got, expected.expected, border))
        if run.workload.block == "concat":
            maps, skip = run.workload.layer.num_output_maps, arrays["skip"]
            if "output" in scales:  # the copy went through the output's Q/DQ pair too
                skip = check.quantized(skip, scales["output"])
            result["concat_skip_max_abs_error"] = blocks.concat_copy_error(output, np.asarray(skip, output.dtype), maps)
            if result["concat_skip_max_abs_error"] or not np.isfinite(result["concat_skip_max_abs_error"]):
                result["worst_ratio"] = float("inf")
        return result

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
        planned = {run.id for run in self.planned}
        self.records += [record for run_id, record in self.kept.items() if run_id not in planned]  # nothing lost
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
