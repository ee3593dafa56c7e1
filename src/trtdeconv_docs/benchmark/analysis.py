"""Read ``recordings/benchmark/`` and derive what the guide shows: latencies, ratios, ceilings.

Everything is recomputed from the raw per-iteration samples in the recording (the runners'
own medians are only cross-checked by the tests), through :mod:`trtdeconv_docs.cassette.store`.
"""

from __future__ import annotations

import math

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

import numpy as np

from ..cassette import store as recordings
from . import kernels, pytorch_file, roofline, specs, tensorrt_file
from .check import INT8_REFERENCE
from .rewrite import RECOMMENDED
from .workloads import FAMILIES, GUIDE, PRECISIONS, WORKLOADS


@dataclass(frozen=True)
class Benchmark:
    """The two runs of a benchmark recording and the folder's provenance."""

    tensorrt: Dict[str, Any]
    pytorch: Dict[str, Any]
    provenance: Dict[str, Any]

    @property
    def pytorch_format(self) -> int:
        """The PyTorch recording's format (1: before the col2im measurements and the launch floor)."""
        return self.pytorch.get("format", 1)

    def run(self, run_id: str) -> Dict[str, Any]:
        """The TensorRT, PyTorch or col2im run with this id; ``KeyError`` naming the id otherwise."""
        for record in self.tensorrt["runs"] + self.pytorch["runs"] + self.pytorch.get("col2im", []):
            if record["id"] == run_id:
                return record
        raise KeyError(f"no run {run_id!r} in the benchmark recording")

    def tensorrt_runs(self, workload: Optional[str] = None, **fields) -> List[Dict[str, Any]]:
        """TensorRT runs, optionally of one workload and with given field values (``precision="fp16"``)."""
        return [r for r in self.tensorrt["runs"] if (workload is None or r["workload"] == workload)
                and all(r.get(k) == v for k, v in fields.items())]

    def pytorch_runs(self, workload: Optional[str] = None, **fields) -> List[Dict[str, Any]]:
        """PyTorch runs, filtered like :meth:`tensorrt_runs`."""
        return [r for r in self.pytorch["runs"] if (workload is None or r["workload"] == workload)
                and all(r.get(k) == v for k, v in fields.items())]

    def col2im_runs(self, workload: Optional[str] = None, **fields) -> List[Dict[str, Any]]:
        """The PyTorch col2im measurements (``kind``: ``gemm``, ``matmul_fold``, ``matmul_fold_gemm``), filtered alike."""
        return [r for r in self.pytorch.get("col2im", []) if (workload is None or r["workload"] == workload)
                and all(r.get(k) == v for k, v in fields.items())]

    def col2im_run(self, workload: str, kind: str, precision: str) -> Optional[Dict[str, Any]]:
        """One col2im measurement, or ``None`` when the recording has none."""
        found = self.col2im_runs(workload, kind=kind, precision=precision)
        return found[0] if found else None


def load(folder) -> Benchmark:
    """The verified recording in ``folder`` (``recordings/benchmark``); its stored summaries must match its samples."""
    folder = Path(folder)
    documents = [recordings.read_json(folder / name) for name in (tensorrt_file, pytorch_file)]
    for name, document in zip((tensorrt_file, pytorch_file), documents):
        problems = summary_problems(document)
        if problems:
            raise recordings.RecordingError(f"{folder / name}: {problems[0]}; the figures are computed from the "
                                            f"samples, never from stored summaries: record again on a GPU")
    return Benchmark(*documents, recordings.provenance(folder))


def summary_problems(document: Any, where: str = "") -> List[str]:
    """One line per stored ``latency_ms`` (median, q1, q3, iterations) that its ``samples_ms`` do not give again."""
    problems: List[str] = []
    if isinstance(document, dict):
        stored, samples = document.get("latency_ms"), document.get("samples_ms")
        if isinstance(stored, dict) and samples:
            label = document.get("id", where)
            if stored.get("iterations", len(samples)) != len(samples):
                problems.append(f"{label}: {len(samples)} samples, the stored summary says {stored['iterations']} iterations")
            for key, value in statistics(samples).items():
                if key in stored and not math.isclose(stored[key], value, rel_tol=1e-12, abs_tol=0.0):
                    problems.append(f"{label}: stored {key} {stored[key]!r} ms is not the {key} of its samples ({value!r})")
        for key, item in document.items():
            problems += summary_problems(item, f"{where}/{key}")
    elif isinstance(document, list):
        for index, item in enumerate(document):
            problems += summary_problems(item, f"{where}/{index}")
    return problems


def int8_check_problem(record: Dict[str, Any]) -> Optional[str]:
    """Why a run's recorded ``check`` is no evidence about its output, or ``None`` if it is.

    An INT8 check is evidence only if the runner recorded the reference it compared with
    (``check["int8_reference"]`` equal to :data:`.check.INT8_REFERENCE`). The first
    recording (TensorRT 8.6.0, H200, 2026-11-30) has none: its runner quantized every kernel,
    where TensorRT keeps a 3-D or grouped layer's kernel unquantized (``Float`` weights), and
    quantized with float64 scales, where TensorRT holds them in float32. Its INT8 outputs
    were not recorded, so the verdicts cannot be recomputed.
    """
    if not str(record.get("precision", "")).startswith("int8") or "check" not in record:
        return None
    if record["check"].get("int8_reference") == INT8_REFERENCE:
        return None
    return ("the runner compared this INT8 output with a reference that quantized the kernel in every layer, "
            "with float64 scales; TensorRT's output was not recorded, so it cannot be checked again")


def statistics(samples) -> Dict[str, float]:
    """Median, first and third quartile (ms) of raw samples, NumPy's linear interpolation."""
    q1, median, q3 = (float(v) for v in np.percentile(np.asarray(samples, np.float64), [25, 50, 75]))
    return {"median": median, "q1": q1, "q3": q3}


def median_ms(record: Dict[str, Any]) -> Optional[float]:
    """A measured run's median latency recomputed from its samples; ``None`` if it was not measured."""
    if record.get("status", "measured") != "measured" or not record.get("samples_ms"):
        return None
    return statistics(record["samples_ms"])["median"]


def fastest(records: List[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    """The measured record with the lowest median, or ``None``."""
    measured = [r for r in records if median_ms(r) is not None]
    return min(measured, key=median_ms) if measured else None


def ratio(slower: Dict[str, Any], faster: Dict[str, Any]) -> Optional[float]:
    """``median(slower) / median(faster)``; ``None`` unless both were measured."""
    a, b = median_ms(slower), median_ms(faster)
    return None if a is None or b is None else a / b


def launch_ms(benchmark: Benchmark) -> Optional[float]:
    """The GPU launch overhead per kernel (ms) from a GPU launch test (a graph of N tiny kernels / N), or ``None``.

    The TensorRT process's test is preferred; a PyTorch recording of format 3 has one too. Format 2's
    ``launch`` (an eager one-element ``copy_``) timed PyTorch's CPU dispatch, not the GPU: it is no launch test.
    """
    for entry in (benchmark.tensorrt.get("ceilings", {}).get("launch"),
                  benchmark.pytorch["ceilings"].get("launch") if benchmark.pytorch_format >= 3 else None):
        if entry and entry.get("status") == "measured" and "per_kernel" in entry:
            return median_ms(entry["per_kernel"])
    return None


def ceiling_source(benchmark: Benchmark) -> Dict[str, Any]:
    """The ceilings the floors use: the TensorRT process's when it measured them, else the PyTorch run's."""
    measured = benchmark.tensorrt.get("ceilings") or {}
    if measured.get("copy", {}).get("status") == "measured":
        return measured
    return benchmark.pytorch["ceilings"]


def raw_ceilings(benchmark: Benchmark) -> Dict[str, float]:
    """Every measured ceiling: ``bandwidth`` (bytes/s) and ``peak_<precision>`` (flop/s) from the medians."""
    measured = ceiling_source(benchmark)
    result = {"bandwidth": measured["copy"]["bytes"] / (median_ms(measured["copy"]) * 1e-3)}
    for name, entry in measured.items():
        if name.startswith("matmul_") and median_ms(entry) is not None:
            result["peak_" + name[len("matmul_"):]] = entry["flops"] / (median_ms(entry) * 1e-3)
    return result


def ceiling_problems(benchmark: Benchmark) -> Dict[str, str]:
    """Ceiling name -> why it cannot serve as a floor (outside 30-100 % of spec, or breaking INT8 >= FP16 >= TF32
    >= FP32, in which case the lower-ranked precision that breaks the order is the suspect)."""
    values = raw_ceilings(benchmark)
    gpu = benchmark.provenance["tensorrt"]["gpu"]
    result: Dict[str, str] = {}
    for problem in specs.problems(values, gpu):
        name = problem.split(" ", 1)[0]
        if name in values:
            result.setdefault(name, problem)
    return result


def ceilings(benchmark: Benchmark) -> Dict[str, float]:
    """The ceilings the floors may use: :func:`raw_ceilings` less those with :func:`ceiling_problems`.

    A ceiling under its spec range or out of order is dropped, so no floor is computed from it
    (the first recording's INT8 ``_int_mm``, 6.5 % of the H200's INT8 peak and under FP16's, made
    an INT8 run look faster than its floor)."""
    bad = ceiling_problems(benchmark)
    return {name: value for name, value in raw_ceilings(benchmark).items() if name not in bad}


CARRIED = "earlier_method"
"""The key that marks a run carried from an earlier recording: :func:`.merge.carry_earlier` writes it, with
:func:`carried_mark` as its value. A run without it was made in the recording that holds it."""


def carried_mark(fmt: int, date: str) -> str:
    """The :data:`CARRIED` value of the runs carried from an earlier recording of format ``fmt`` made on ``date``
    (ISO 8601; its day is kept)."""
    return f"format {fmt}, {date[:10]}"


def carried(record: Dict[str, Any]) -> bool:
    """Whether a run was carried from an earlier recording (it holds :data:`CARRIED`)."""
    return CARRIED in record


def carried_from(record: Dict[str, Any]) -> Optional[str]:
    """The :func:`carried_mark` of the recording a run was carried from, ``None`` when it was not carried (an older
    merge typed a description after ``": "``, which nothing reads)."""
    return record[CARRIED].split(":", 1)[0] if carried(record) else None


def measured_anew(record: Dict[str, Any]) -> bool:
    """Whether a run was measured in the recording that holds it (``status`` measured, not :func:`carried`)."""
    return record.get("status") == "measured" and not carried(record)


def anew(document: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The runs of a runner's document (``tensorrt.json``, ``pytorch.json``) :func:`measured_anew`."""
    return [r for r in document.get("runs", []) if measured_anew(r)]


EARLIER_METHOD = "timed by the earlier method"
""":func:`unusable`'s reason for a run carried from an earlier recording."""


def unusable(record: Dict[str, Any]) -> Optional[str]:
    """Why a run may not enter a table's numbers, a chart or a verdict (``None`` when it may).

    Not measured; timed by an earlier method (:func:`carried` by
    :func:`.merge.carry_earlier` from an earlier recording, its samples are not comparable with
    CUDA-graph replays); a formulation that is not exactly the deconvolution (its ``equivalence``:
    :data:`.upsampling.BORDER_ONLY`, :data:`.upsampling.NOT_EQUIVALENT`); an INT8 output never verified (:func:`int8_check_problem`); an output
    outside the tolerance rule or with non-finite elements."""
    if median_ms(record) is None:
        return record.get("status", "not measured")
    if carried(record):
        return EARLIER_METHOD
    if record.get("equivalence", "exact") != "exact":  # resize (border differs), resize + convolution (retrain)
        return record["equivalence"]
    problem = int8_check_problem(record)
    if problem:
        return "unverified INT8 output"
    check = record.get("check", {})
    if check.get("non_finite"):
        return "output has unwritten or non-finite elements"
    if check.get("worst_ratio", 0) > 1 or check.get("worst_ratio_vs_deconvolution", 0) > 1:
        return "output outside the tolerance rule"
    return None


def shown(records: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The runs that may be shown as measurements: :func:`unusable` is ``None`` and the label matches the kernel."""
    return [r for r in records if unusable(r) is None and kernels.label_matches(r)]


def kernel_count(record: Dict[str, Any]) -> int:
    """Kernels a run launches: its engine layers less no-ops (TensorRT); 1 for a PyTorch row."""
    layers = record.get("engine_layers")
    if not layers:
        return 1
    return sum(1 for entry in layers if isinstance(entry, dict) and entry.get("LayerType") != "NoOp")


def disjoint(first: Dict[str, Any], second: Dict[str, Any]) -> bool:
    """Whether two measured runs' interquartile ranges do not overlap (then a winner may be called)."""
    a, b = statistics(first["samples_ms"]), statistics(second["samples_ms"])
    return a["q3"] < b["q1"] or b["q3"] < a["q1"]


def reformat_share(record: Dict[str, Any]) -> Optional[float]:
    """The share of a run's per-layer time (``IProfiler``) spent in reformat layers, or ``None`` without per-layer
    times. The layer types come from the engine inspector (``LayerType == "Reformat"``)."""
    times = record.get("layer_times_ms")
    if not times:
        return None
    kinds = {entry.get("Name"): entry.get("LayerType") for entry in record.get("engine_layers", [])
             if isinstance(entry, dict)}
    total = sum(t["median"] for t in times.values())
    reformat = sum(t["median"] for name, t in times.items() if kinds.get(name) == "Reformat")
    return None if total <= 0 else reformat / total


def roofline_rows(benchmark: Benchmark) -> List[Dict[str, Any]]:
    """Per workload and precision: the floor, what bounds it, the fastest TensorRT run and its % of the floor."""
    measured, result = ceilings(benchmark), []
    for workload in WORKLOADS:
        for precision in PRECISIONS:
            best = fastest(shown(benchmark.tensorrt_runs(workload.name, precision=precision)))
            floor = roofline.floor_ms(workload, precision, measured)
            if best is None or floor is None:
                continue
            result.append({"workload": workload.name, "precision": precision, "floor_ms": floor[0], "bound": floor[1],
                           "compute_ms": 1e3 * roofline.flops(workload) / measured[f"peak_{precision.partition('_')[0]}"],
                           "run": best, "percent": roofline.percent(median_ms(best), floor[0])})
    return result


def gap_rows(benchmark: Benchmark) -> List[Dict[str, Any]]:
    """Per workload and precision: the floor, the fastest formulation (TensorRT or PyTorch), the GEMM alone, the launch
    floor, and ``tied``: the other runs whose interquartile range overlaps the fastest one's (then it is no winner)."""
    measured, launch, result = ceilings(benchmark), launch_ms(benchmark), []
    for workload in WORKLOADS:
        for precision in PRECISIONS:
            candidates = shown(benchmark.tensorrt_runs(workload.name, precision=precision)
                                        + benchmark.pytorch_runs(workload.name, precision=precision)
                                        + benchmark.col2im_runs(workload.name, precision=precision, kind="matmul_fold"))
            best = fastest(candidates)
            floor = roofline.floor_ms(workload, precision, measured)
            if best is None or floor is None:
                continue
            gemm = benchmark.col2im_run(workload.name, "gemm", precision)
            gemm_ms = None if gemm is None else median_ms(gemm)
            best_ms = median_ms(best)
            result.append({
                "workload": workload.name, "precision": precision, "floor_ms": floor[0], "bound": floor[1],
                "run": best, "best_ms": best_ms, "over_floor": best_ms / floor[0], "gemm": gemm, "gemm_ms": gemm_ms,
                "tied": [r for r in candidates if r is not best and median_ms(r) is not None and not disjoint(r, best)],
                "gemm_percent_of_peak": None if gemm_ms is None else
                100.0 * gemm["flops"] / (gemm_ms * 1e-3) / measured[f"peak_{precision.partition('_')[0]}"],
                "best_over_gemm": None if gemm_ms is None else best_ms / gemm_ms, "launch_ms": launch,
                "kernels": kernel_count(best),
                "bandwidth_percent": 100.0 * roofline.bytes_moved(workload, precision) / (best_ms * 1e-3)
                / measured["bandwidth"],
                "cause": roofline.gap_cause(floor[0], best_ms, gemm_ms, launch, floor[1], kernel_count(best))})
    return result


def family_rows(benchmark: Benchmark) -> List[Dict[str, Any]]:
    """Per layer family (:data:`.workloads.FAMILIES`): its workloads, the recommended formulation
    (:data:`.rewrite.RECOMMENDED`) and, from its first workload with a shown NCHW deconvolution (FP16, else
    FP32): ``deconvolution``, ``chosen`` (the recommended formulation's shown run, or ``None``),
    ``alternative`` (the fastest other shown formulation, or ``None``) and ``earlier`` (the recommended run
    carried from an earlier recording when it was not measured anew, else ``None``)."""
    result = []
    for family in FAMILIES:
        members = [w.name for w in WORKLOADS if w.family == family and (w.name in GUIDE or not w.sweep)]
        recommended = RECOMMENDED[family]
        row: Dict[str, Any] = {"family": family, "workloads": members, "recommended": recommended,
                               "deconvolution": None, "chosen": None, "alternative": None, "earlier": None,
                               "precision": None}
        for name in members:
            for precision in ("fp16", "fp32"):
                nchw = [r for r in benchmark.tensorrt_runs(name, precision=precision) if r.get("layout", "nchw") == "nchw"]
                runs = {r["formulation"]: r for r in shown(nchw)}
                if "deconvolution" not in runs:
                    continue
                others = [r for f, r in runs.items() if f != "deconvolution"]
                earlier = [r for r in nchw if r["formulation"] == recommended and carried(r)]
                row.update(deconvolution=runs["deconvolution"], chosen=runs.get(recommended),
                           alternative=fastest(others), earlier=earlier[0] if earlier else None, precision=precision)
                break
            if row["precision"]:
                break
        result.append(row)
    return result


def verdict_rows(benchmark: Benchmark) -> List[Dict[str, Any]]:
    """Per workload, the rows that give its verdict (:func:`gap_rows`).

    First the row with the smallest ratio to the floor when it is within 2x; then, unless that
    row is also the fastest, the row of the lowest latency, explained: among the precisions whose
    GEMM alone was measured when there are any (a precision's floor depends on its peak, so a slow
    precision can be within 2x of its own floor while a faster one is not). Only workloads with a shown
    TensorRT run get a verdict: the guide is about TensorRT, and a PyTorch-only row says nothing about it.
    """
    rows, result = gap_rows(benchmark), []
    for workload in WORKLOADS:
        mine = [r for r in rows if r["workload"] == workload.name]
        if not mine or not shown(benchmark.tensorrt_runs(workload.name)):
            continue
        closest = min(mine, key=lambda r: r["over_floor"])
        explained = [r for r in mine if r["cause"] != "not_measured"] or mine
        fastest = min(explained, key=lambda r: r["best_ms"])
        chosen = [closest] if closest["cause"] == "within" else []
        if fastest is not closest or not chosen:
            chosen.append(fastest)
        result.extend(chosen)
    return result
