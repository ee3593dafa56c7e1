"""What the page says about each ONNX case, computed from the recordings (and ONNX Runtime, now, on the CPU).

:func:`summaries` turns each case's recorded builds into a :class:`Summary`: the ONNX
attributes as written, how far TensorRT got (parser, builder, engine), the layers its
parser built and the deconvolution's attributes as TensorRT reports them, TensorRT's output
shapes and, for the same inputs, ONNX Runtime's shapes and largest difference (computed
here) and PyTorch's (from its recorded peer run). No number is typed: every one is read
from a recording or computed from one. Nothing here imports Sphinx.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional

import numpy as np

from ..cassette.recording import Run
from ..layer.attributes import LAYER_ATTRIBUTES, resolve
from . import cases, onnx_runtime, recorded

SHOWN_ATTRIBUTES = tuple(name for name in LAYER_ATTRIBUTES if name not in ("num_output_maps", "kernel_size_nd",
                                                                            "padding_nd"))
"""The deconvolution attributes a row shows (those an ONNX attribute can change)."""
HIDDEN_LAYERS = ("CONSTANT",)
"""Layer types left out of a row's layer list (the weights' and shapes' constants)."""
RECORDER_FAILURE = "recorder_failure"
"""The outcome of a build this package's recorder failed on (a bug of ours, not TensorRT's answer)."""


@dataclass
class Comparison:
    """One run's output beside another implementation's for the same inputs."""

    input_shape: List[int]
    tensorrt_shape: Optional[List[int]]
    other_shape: Optional[List[int]]
    max_abs_difference: Optional[float] = None
    error: Optional[str] = None


@dataclass
class Summary:
    """One case at one builder precision, as the recordings show it."""

    case: cases.Case
    precision: str
    outcome: str
    """``parser`` (refused while parsing), ``builder`` (refused to build), ``runtime``, ``built``, or
    ``recorder_failure`` (not recorded: this package's reader failed on TensorRT's output)."""
    messages: List[str] = field(default_factory=list)
    """The parser's errors or the builder's error lines, verbatim."""
    layers: List[str] = field(default_factory=list)
    deconvolution: Dict[str, Any] = field(default_factory=dict)
    onnxruntime: List[Comparison] = field(default_factory=list)
    pytorch: List[Comparison] = field(default_factory=list)
    pytorch_not_expressible: Optional[str] = None


def non_default(deconvolution: Dict[str, Any]) -> Dict[str, Any]:
    """The read-back attributes whose value is not TensorRT's default for a layer of that rank
    (:func:`trtdeconv_docs.layer.attributes.resolve` fills the defaults)."""
    rank = len(deconvolution.get("stride_nd") or deconvolution.get("dilation_nd") or (0, 0))
    defaults = resolve(num_output_maps=1, kernel_size_nd=(1,) * rank)
    return {name: value for name, value in deconvolution.items()
            if not hasattr(defaults, name) or _plain(getattr(defaults, name)) != _plain(value)}


def _plain(value):
    return list(value) if isinstance(value, (tuple, list)) else value


def _layer(entry: Dict[str, Any]) -> str:
    attributes = entry.get("attributes") or {}
    detail = attributes.get("mode") or attributes.get("op") or ""
    return f"{entry['type']} {detail}".strip()


def _difference(ours: np.ndarray, theirs: np.ndarray) -> Optional[float]:
    if ours.shape != theirs.shape:
        return None
    return float(np.max(np.abs(ours.astype(np.float64) - theirs), initial=0.0))


def _shape(run: Run) -> tuple:
    return tuple(run.data["inputs"]["x"]["shape"])


def _pytorch(case: cases.Case, runs: List[Run], summary: Summary) -> None:
    peer = recorded.pytorch(case)
    if "not_expressible" in peer:
        summary.pytorch_not_expressible = peer["not_expressible"]
        return
    theirs = {_shape(r): r.outputs()["y"] for r in peer["runs"]}
    for run in runs:
        shape = _shape(run)
        ours = run.outputs()["y"] if "outputs" in run.data else None
        other = theirs.get(shape)
        summary.pytorch.append(Comparison(
            list(shape), list(ours.shape) if ours is not None else None,
            list(other.shape) if other is not None else None,
            _difference(ours, other) if ours is not None and other is not None else None))


def summarize(case: cases.Case, precision: str) -> Summary:
    """The :class:`Summary` of one recorded build (a :class:`~trtdeconv_docs.errors.ReplayMiss` if not recorded)."""
    build = recorded.build(case, precision)
    if build.recorder_failure is not None:
        return Summary(case, precision, RECORDER_FAILURE, [build.recorder_failure.strip().splitlines()[-1]])
    if not build.parsed:
        return Summary(case, precision, "parser", [e["text"] for e in build.parser_errors])
    layers = build.layers
    deconvolution = next((layer.get("attributes", {}) for layer in layers if layer["type"] == "DECONVOLUTION"), {})
    summary = Summary(case, precision, "builder" if build.build_error is not None else "built", build.build_error or [],
                      [_layer(layer) for layer in layers if layer["type"] not in HIDDEN_LAYERS],
                      {name: deconvolution[name] for name in SHOWN_ATTRIBUTES if name in deconvolution})
    runs = build.runs
    if any("error" in run.data for run in runs):
        summary.outcome = "runtime"
        summary.messages = [run.data["error"] for run in runs if "error" in run.data]
    model = cases.model_path(recorded.models_root(), case)
    for run in (r for r in runs if "outputs" in r.data):
        comparison = Comparison(list(_shape(run)), run.data["outputs"]["y"]["shape"], None)
        try:
            compared = onnx_runtime.compare(model, run)
        except Exception as error:  # ONNX Runtime's refusal is a finding, shown as its message
            comparison.error = f"{error.__class__.__name__}: {error}".splitlines()[0]
        else:
            comparison.other_shape = compared["onnxruntime_shape"]
            comparison.max_abs_difference = compared.get("max_abs_difference")
        summary.onnxruntime.append(comparison)
    if summary.outcome == "built" and not (case.qdq or case.quantized_by):
        _pytorch(case, runs, summary)
    return summary


def summaries(topics: Iterable[str] = ()) -> List[Summary]:
    """Every case (of ``topics``, if given) at every precision it is built at, in the matrix's order."""
    wanted = set(topics)
    return [summarize(case, precision) for case in cases.CASES if not wanted or case.topic in wanted
            for precision in case.precisions]


def messages() -> Dict[str, List[Summary]]:
    """Each distinct first line TensorRT refused with, and the summaries that show it (troubleshooting).

    A recorder failure is this package's, not TensorRT's: it is not a message."""
    found: Dict[str, List[Summary]] = {}
    for summary in summaries():
        if summary.outcome not in ("built", RECORDER_FAILURE) and summary.messages:
            found.setdefault(summary.messages[0], []).append(summary)
    return found


def failed_cases() -> List[str]:
    """The cases the GPU run's ``summary.json`` lists as ``failed`` (each must be shown as not recorded)."""
    return list(recorded.run_summary()["failed"])
