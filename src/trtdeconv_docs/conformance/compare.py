"""Measure recorded TensorRT outputs against the reference model, and summarize a recording.

A run's precision comes from the engine inspector entries recorded for its layer: ``tf32``
when the chosen tactic's name says TF32, else ``fp32`` (INT8 layers sum integers exactly
and round only when rescaling: ``fp32`` covers them; what an INT8 layer computes, with or
without its kernel quantized, is :func:`.model.int8_kernel_quantized`). Usage::

    python -m trtdeconv_docs.conformance.compare [recordings/conformance]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from ..layer import limits, shapes, tolerance
from ..layer.attributes import DeconvolutionError
from ..trt import inspector
from ..trt.inspector import used_tf32
from . import model, store

DEFAULT_DIRECTORY = Path("recordings") / "conformance"


def deconvolution_name(case_id: str) -> str:
    """The name run_on_tensorrt gives a case's deconvolution layer."""
    return f"{case_id}_deconv"


def precision(case_id: str, run: Dict[str, Any]) -> str:
    """``tf32`` if an engine layer holding the case's deconvolution ran a TF32 tactic, else ``fp32``."""
    text = json.dumps({"Layers": run.get("engine_layers", [])})
    return "tf32" if used_tf32(text, deconvolution_name(case_id)) else "fp32"


def weights_type(case_id: str, run: Dict[str, Any]) -> Optional[str]:
    """The type of the weights in the engine layer holding the case's deconvolution (``Int8``, ``Float``), if recorded."""
    entries = [entry for entry in run.get("engine_layers", []) if isinstance(entry, dict)]
    return inspector.weights_type(entries, deconvolution_name(case_id))


@dataclass
class Measured:
    """One built run against the reference: shapes and the worst error/bound ratio (inf if shapes differ)."""

    setting: str
    precision: str
    shape: Tuple[int, ...]
    expected_shape: Tuple[int, ...]
    ratio: float


def measure(recorded: store.RecordedCase) -> List[Measured]:
    """Every run with an output of a case the reference model accepts, measured against it."""
    case = recorded.case
    if "probe" in case:
        return []
    expected = model.expected(case, recorded.arrays)
    expected_shape = shapes.output_shape(case["input_shape"], model.layer(case))
    result = []
    for setting, output in recorded.outputs.items():
        chosen = precision(case["id"], recorded.runs[setting])
        ratio = math.inf
        if output.shape == expected.values.shape:
            ratio = tolerance.worst_ratio(output, expected.values, expected.absolute_terms,
                                          expected.term_counts, chosen)
        result.append(Measured(setting, chosen, tuple(output.shape), tuple(expected_shape), ratio))
    return result


def verdicts(recorded: store.RecordedCase) -> Tuple[Dict[str, str], Optional[DeconvolutionError]]:
    """TensorRT's status per setting, and the reference model's refusal (``None``: accepted)."""
    return ({s: run["status"] for s, run in recorded.runs.items()},
            model.verdict(recorded.case, recorded.arrays))


ACCEPTED = ("built", "added")
"""Run statuses where TensorRT took the layer (``added``: an add probe, never built)."""


def disagreement(recorded: store.RecordedCase) -> Optional[str]:
    """How TensorRT and the reference model disagree on a case (verdict, or reason), or ``None``.

    A refusal agrees only when TensorRT's logged messages match the pattern of the
    reference's reason (:data:`trtdeconv_docs.layer.limits.REASONS`).
    """
    statuses, refusal = verdicts(recorded)
    if "not_run" in statuses.values():
        return f"not run: {statuses}"
    if refusal is None:
        refused = {s: run.get("messages") for s, run in recorded.runs.items() if run["status"] not in ACCEPTED}
        return f"TensorRT refused it, the reference accepts it: {refused}" if refused else None
    if set(statuses.values()) != {"refused"}:
        return f"TensorRT took it ({statuses}), the reference refuses it: {refusal}"
    pattern = limits.pattern(refusal.reason)
    for setting, run in recorded.runs.items():
        messages = "\n".join(run.get("messages", []))
        if not pattern.search(messages):
            return (f"{setting}: TensorRT refused it for another reason than the reference's "
                    f"({refusal.reason}: {refusal}); TensorRT said: {messages[:600]}")
    return None


def summary(recording: store.Recording) -> str:
    """A few lines for people: counts, TF32 use, worst error/bound ratio, verdict disagreements."""
    header, cases = recording.header, recording.cases
    provenance = header.get("provenance", {})
    drawn = [r for r in cases if "expected" not in r.case]
    fixed = [r for r in cases if "expected" in r.case and "probe" not in r.case]
    probes = [r for r in cases if "probe" in r.case]
    statuses: Dict[str, int] = {}
    for recorded in cases:
        for run in recorded.runs.values():
            statuses[run["status"]] = statuses.get(run["status"], 0) + 1
    lines = [
        f"TensorRT {provenance.get('tensorrt', '?')} on {provenance.get('gpu', '?')}, {provenance.get('date', '?')}",
        f"{len(drawn)} drawn layers ({sum(r.case['kind'] == 'int8' for r in drawn)} INT8), "
        f"{len(fixed)} fixed-list layers, {len(probes)} limit probes; runs: "
        + ", ".join(f"{count} {status}" for status, count in sorted(statuses.items())),
    ]
    worst: Dict[str, Tuple[float, str]] = {}
    tf32_used = tf32_runs = 0
    disagreements = []
    for recorded in cases:
        problem = disagreement(recorded)
        if problem:
            disagreements.append(f"  {model.label(recorded.case)}: {problem}")
        if verdicts(recorded)[1] is not None:
            continue
        for measured in measure(recorded):
            tf32_runs += measured.setting == "tf32"
            tf32_used += measured.setting == "tf32" and measured.precision == "tf32"
            best = worst.get(measured.precision, (-1.0, ""))
            if measured.ratio > best[0]:
                worst[measured.precision] = (measured.ratio, f"{recorded.case['id']} {measured.setting}")
    lines.append(f"TF32 tactic chosen in {tf32_used} of {tf32_runs} built TF32-allowed runs")
    for name, (ratio, where) in sorted(worst.items()):
        lines.append(f"worst |TensorRT - reference| / {name} bound: {ratio:.3g} ({where})")
    lines.append(f"verdicts: TensorRT and the reference model disagree on {len(disagreements)} of {len(cases)} layers")
    lines.extend(disagreements)
    timings = header.get("timings", {})
    if timings:
        lines.append(f"GPU run: {timings.get('total_seconds', 0):.1f} s, {timings.get('builds', 0)} engine builds "
                     f"taking {timings.get('build_seconds', 0):.1f} s")
    return "\n".join(lines)


def main(argv=None) -> int:
    """Print the summary of a recording; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m trtdeconv_docs.conformance.compare",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_DIRECTORY)
    args = parser.parse_args(argv)
    print(summary(store.load(args.directory)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
