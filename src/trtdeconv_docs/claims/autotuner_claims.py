"""Claims over the autotuner example (``plot_27_autotuner``): kernels chosen across builds, outputs, what pins them.

The same layer was built several times, each time with a new builder: with a fresh timing
cache (``fresh_*``, ``dynamic_fresh_*``), with one named timing cache reused
(``cached_*``, ``dynamic_cached_*``) and with an algorithm selector that takes the lowest
(implementation, tactic) (``selector_*``). Every statement here holds whatever tactics the
autotuner chose: the facts say which were chosen and how far the outputs moved.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any, Dict, List

import numpy as np

from ..cassette import recompute
from ..layer import tolerance
from . import claim, requirement, verdict
from ..trt import inspector
from .example_claims import known_arrays, output_of, run_name

EXAMPLE = "plot_27_autotuner"
FRESH, CACHED, SELECTOR = ("fresh_1", "fresh_2", "fresh_3"), ("cached_1", "cached_2"), ("selector_1", "selector_2")
DYNAMIC_FRESH = ("dynamic_fresh_1", "dynamic_fresh_2", "dynamic_fresh_3")
DYNAMIC_CACHED = ("dynamic_cached_1", "dynamic_cached_2")
STATIC = FRESH + CACHED + SELECTOR


def _runs(evidence, labels) -> Dict[str, Dict[str, Any]]:
    return {label: evidence.run(EXAMPLE, label) for label in labels}


def kernel(run: Dict[str, Any]) -> str:
    """The kernel of the engine layer holding ``deconv`` (:func:`~trtdeconv_docs.trt.inspector.kernel_name`)."""
    entry = inspector.holding_layer(inspector.engine_layers(run.get("engine", {}).get("layers", "")), "deconv")
    if entry is None:
        raise LookupError(f"run {run['label']!r}: no engine layer holds 'deconv'")
    return inspector.kernel_name(entry)


def _tactics(runs: Dict[str, Dict[str, Any]]) -> List[str]:
    """The distinct kernels of the runs' deconvolution (:func:`kernel`), in the order first seen."""
    seen: List[str] = []
    for run in runs.values():
        tactic = kernel(run)
        if tactic not in seen:
            seen.append(tactic)
    return seen


def _largest(runs: Dict[str, Dict[str, Any]]) -> float:
    """The largest |difference| between the outputs of any two runs (0 for one run)."""
    outputs = [output_of(run).astype(np.float64) for run in runs.values()]
    return max((float(np.abs(a - b).max()) for a, b in combinations(outputs, 2)), default=0.0)


def _ratios(evidence, runs: Dict[str, Dict[str, Any]], precision: str = "") -> Dict[str, float]:
    """Label -> worst error/bound ratio against the float64 reference: the bound of ``precision``, else that of
    the precision which holds the run's kernel (:func:`~trtdeconv_docs.trt.inspector.precision_of`)."""
    from ..question_data import digest_only_tensors

    known = known_arrays(evidence.example(EXAMPLE), digest_only_tensors())
    ratios = {}
    for label, run in runs.items():
        (recomputed,) = recompute.recompute(run, known).values()
        ratios[label] = (tolerance.worst_ratio(recomputed.recorded, recomputed.reference, recomputed.absolute_terms,
                                               recomputed.term_counts, precision) if precision
                         else recomputed.worst_ratio)
    return ratios


def _names(labels) -> List[str]:
    return [run_name(EXAMPLE, label) for label in labels]


@claim("autotuner.fresh_builds",
       "Builds of the same layer, each with a fresh timing cache: the tactics chosen (facts), how far the outputs "
       "moved between them (facts), and every output within the error bound of the precision its kernel ran.")
def fresh_builds(evidence):
    static, dynamic = _runs(evidence, FRESH), _runs(evidence, DYNAMIC_FRESH)
    ratios = _ratios(evidence, {**static, **dynamic})
    fp32 = _ratios(evidence, {**static, **dynamic}, "fp32")
    facts = {"builds": len(static), "tactics": ", ".join(_tactics(static)), "tactic_count": len(_tactics(static)),
             "difference": f"{_largest(static):.3g}", "dynamic_builds": len(dynamic),
             "dynamic_tactics": ", ".join(_tactics(dynamic)), "dynamic_tactic_count": len(_tactics(dynamic)),
             "dynamic_difference": f"{_largest(dynamic):.3g}", "worst_ratio": f"{max(ratios.values()):.2g}",
             "worst_fp32_ratio": f"{max(fp32.values()):.3g}", "worst_fp32_kernel": kernel({**static, **dynamic}[
                 max(fp32, key=fp32.__getitem__)])}
    return verdict(facts, _names(FRESH + DYNAMIC_FRESH),
                   *(requirement(ratio <= 1, f"{label}: {ratio:.3g} of its bound") for label, ratio in ratios.items()))


def _pinned(runs: Dict[str, Dict[str, Any]]) -> List[str]:
    """The failures of 'same tactic, outputs identical bit for bit' over ``runs``."""
    tactics = _tactics(runs)
    first, *others = [output_of(run) for run in runs.values()]
    return [requirement(len(tactics) == 1, f"{', '.join(runs)}: tactics {tactics}"),
            requirement(all(np.array_equal(first, other) for other in others), f"{', '.join(runs)}: outputs differ")]


@claim("autotuner.timing_cache_pins",
       "Two builds that share one timing cache (the second reads the first's timings) choose the same tactic and "
       "compute identical outputs, bit for bit: static and dynamic shapes.")
def timing_cache_pins(evidence):
    static, dynamic = _runs(evidence, CACHED), _runs(evidence, DYNAMIC_CACHED)
    facts = {"tactic": _tactics(static)[0], "dynamic_tactic": _tactics(dynamic)[0]}
    return verdict(facts, _names(CACHED + DYNAMIC_CACHED), *_pinned(static), *_pinned(dynamic))


@claim("autotuner.selector_pins",
       "Two builds with the algorithm selector that takes the lowest (implementation, tactic), each with a fresh "
       "timing cache: the same tactic and identical outputs, bit for bit.")
def selector_pins(evidence):
    runs = _runs(evidence, SELECTOR)
    return verdict({"tactic": _tactics(runs)[0]}, _names(SELECTOR), *_pinned(runs))


@claim("autotuner.all_builds",
       "Every build of the 256 -> 128 layer (fresh, cached, selector): the tactics seen and the largest difference "
       "between any two outputs; every output within the error bound of its kernel's precision.")
def all_builds(evidence):
    runs = _runs(evidence, STATIC)
    ratios = _ratios(evidence, runs)
    tactics = _tactics(runs)
    facts = {"builds": len(runs), "tactics": ", ".join(tactics), "tactic_count": len(tactics),
             "difference": f"{_largest(runs):.3g}", "worst_ratio": f"{max(ratios.values()):.2g}",
             "largest_output": f"{max(float(np.abs(output_of(run)).max()) for run in runs.values()):.3g}"}
    return verdict(facts, _names(STATIC),
                   *(requirement(ratio <= 1, f"{label}: {ratio:.3g} of its bound") for label, ratio in ratios.items()))
