"""Claims read from the conformance recording (``recordings/conformance``): counts, INT8 and TF32 behaviour."""

from __future__ import annotations

from typing import List

import numpy as np

from ..layer import reference, tolerance
from ..conformance import compare, model
from ..conformance.store import RecordedCase
from . import claim, requirement, verdict

RUNS = "recordings/conformance"


def _int8_built(recording) -> List[RecordedCase]:
    return [r for r in recording.cases if r.case["kind"] == "int8" and "int8" in r.outputs]


def _tactic(recorded: RecordedCase) -> str:
    return " ".join(recorded.runs["int8"].get("tactics", []))


@claim("conformance.layers", "The conformance recording's layer counts (random, fixed, probes) and where it was made.")
def layers(evidence):
    recording = evidence.conformance()
    ids = [r.case["id"] for r in recording.cases]
    random, fixed = sum(i.startswith("c") for i in ids), sum(i.startswith("r") for i in ids)
    provenance = recording.header["provenance"]
    int8 = [r.case["id"] for r in recording.cases if r.case["kind"] == "int8"]
    facts = {"layers": random + fixed, "random": random, "fixed": fixed, "probes": sum(i.startswith("p") for i in ids),
             "int8_random": sum(i.startswith("c") for i in int8), "int8_fixed": sum(i.startswith("r") for i in int8),
             "gpu": provenance["gpu"], "tensorrt": provenance["tensorrt"], "date": provenance["date"][:10]}
    return verdict(facts, [RUNS], requirement(random and fixed, "the recording has no random or no fixed layers"))


@claim("conformance.int8_weights_rule",
       "Every built INT8 conformance layer runs an INT8 kernel with Int8 weights exactly when it is a one-group "
       "2-D layer; every other one runs an FP32 kernel with Float (unquantized) weights.")
def int8_weights_rule(evidence):
    built = _int8_built(evidence.conformance())
    wrong = []
    for recorded in built:
        weights = compare.weights_type(recorded.case["id"], recorded.runs["int8"])
        int8_kernel = "i8" in _tactic(recorded)
        expected = model.int8_kernel_quantized(recorded.case)
        if (weights == "Int8") != expected or int8_kernel != expected:
            wrong.append(f"{recorded.case['id']} (weights {weights}, tactic {_tactic(recorded)[:60]})")
    one_group = sum(model.int8_kernel_quantized(r.case) for r in built)
    facts = {"built": len(built), "one_group_2d": one_group, "others": len(built) - one_group}
    return verdict(facts, [RUNS], requirement(built, "no built INT8 layer"),
                   requirement(not wrong, f"layers against the rule: {', '.join(wrong)}"))


@claim("conformance.int8_unquantized_kernel",
       "The INT8 layers that run an FP32 kernel compute quantized input x unquantized kernel within the FP32 "
       "bound, and differ from the full Q/DQ result by a visible share of the output.")
def int8_unquantized_kernel(evidence):
    ratios, shares, also_full = [], [], []
    for recorded in _int8_built(evidence.conformance()):
        if model.int8_kernel_quantized(recorded.case):
            continue
        ratios += [m.ratio for m in compare.measure(recorded)]
        scales = recorded.case["int8"]
        arrays = dict(recorded.arrays,
                      input=reference.quantize_dequantize(recorded.arrays["input"], scales["input_scale"]),
                      kernel=reference.quantize_dequantize(recorded.arrays["kernel"], scales["kernel_scale"]))
        full = model.expected(dict(recorded.case, kind="float"), arrays)
        output = recorded.outputs["int8"].astype(np.float64)
        shares.append(float(np.abs(output - full.values).max() / np.abs(output).max()))
        if tolerance.worst_ratio(output, full.values, full.absolute_terms, full.term_counts) <= 1:
            also_full.append(recorded.case["id"])
    facts = {"count": len(ratios), "worst_ratio": f"{max(ratios, default=0):.2f}",
             "least_share": f"{100 * min(shares, default=0):.1f} %", "largest_share": f"{100 * max(shares, default=0):.1f} %"}
    return verdict(facts, [RUNS], requirement(ratios, "no INT8 layer ran an FP32 kernel"),
                   requirement(max(ratios, default=0) <= 1, f"a layer is outside the FP32 bound ({max(ratios, default=0):.3g})"),
                   requirement(not also_full, f"the full Q/DQ result fits too: {', '.join(also_full)}"))


@claim("conformance.int8_dilated_unbuildable",
       "Every one-group 2-D INT8 layer with a dilation above 1 failed to build: 'Could not find any implementation'.")
def int8_dilated_unbuildable(evidence):
    dilated = [r for r in evidence.conformance().cases
               if r.case["kind"] == "int8" and model.int8_kernel_quantized(r.case)
               and max(model.layer(r.case).dilation_nd) > 1]
    built = [r.case["id"] for r in dilated if r.runs["int8"]["status"] == "built"]
    other = [r.case["id"] for r in dilated if r.runs["int8"]["status"] != "built"
             and not any("Could not find any implementation" in m for m in r.runs["int8"].get("messages", []))]
    return verdict({"count": len(dilated)}, [RUNS], requirement(dilated, "no such layer recorded"),
                   requirement(not built, f"built: {', '.join(built)}"),
                   requirement(not other, f"refused for another reason: {', '.join(other)}"))


@claim("conformance.int8_groups_untested",
       "No grouped INT8 layer ran an INT8 kernel, so the recording cannot test NVIDIA's 'multiple of 4 when using "
       "groups'; one-group 2-D INT8 layers with channel counts that are not multiples of 4 built and ran INT8.")
def int8_groups_untested(evidence):
    built = _int8_built(evidence.conformance())
    grouped = [r for r in built if model.layer(r.case).num_groups > 1]
    grouped_int8 = [r.case["id"] for r in grouped if "i8" in _tactic(r)]

    def not_multiple_of_4(r):
        resolved = model.layer(r.case)
        channels = r.case["input_shape"][1]
        return channels % 4 or resolved.num_output_maps % 4

    odd = [r for r in built if model.int8_kernel_quantized(r.case) and not_multiple_of_4(r) and "i8" in _tactic(r)]
    facts = {"grouped": len(grouped), "one_group_not_multiple_of_4": len(odd)}
    return verdict(facts, [RUNS], requirement(not grouped_int8, f"grouped layers ran INT8: {', '.join(grouped_int8)}"),
                   requirement(odd, "no one-group INT8 layer with channels not a multiple of 4 ran INT8"))


@claim("conformance.tf32_not_chosen", "No conformance run with TF32 allowed chose a TF32 kernel.")
def tf32_not_chosen(evidence):
    allowed = [(r.case["id"], r.runs["tf32"]) for r in evidence.conformance().cases
               if "tf32" in r.runs and r.runs["tf32"]["status"] == "built"]
    chosen = [case_id for case_id, run in allowed if compare.precision(case_id, run) == "tf32"]
    return verdict({"runs": len(allowed)}, [RUNS], requirement(allowed, "no TF32-allowed run built"),
                   requirement(not chosen, f"TF32 kernels chosen in {', '.join(chosen)}"))


def _half_away_from_zero(x, scale: float) -> np.ndarray:
    q = np.clip(np.sign(x) * np.floor(np.abs(np.asarray(x, np.float64)) / scale + 0.5), *reference.INT8_RANGE)
    return q * scale


@claim("conformance.int8_rounding",
       "INT8 quantization rounds half to even: on the layers whose values sit exactly halfway between two steps, "
       "the half-to-even model agrees within the bound and the half-away-from-zero model does not.")
def int8_rounding(evidence):
    even, away = [], []
    for recorded in _int8_built(evidence.conformance()):
        if not recorded.case["int8"].get("ties"):
            continue
        resolved = model.layer(recorded.case)
        output = recorded.outputs["int8"].astype(np.float64)
        expected = model.expected(recorded.case, recorded.arrays)
        even.append(tolerance.worst_ratio(output, expected.values, expected.absolute_terms, expected.term_counts))
        scales = recorded.case["int8"]
        x = _half_away_from_zero(recorded.arrays["input"], scales["input_scale"])
        kernel = recorded.arrays["kernel"]
        if model.int8_kernel_quantized(recorded.case):
            kernel = _half_away_from_zero(kernel, scales["kernel_scale"])
        other = reference.deconvolve(x, kernel, recorded.arrays.get("bias"), resolved)
        away.append(tolerance.worst_ratio(output, other, expected.absolute_terms, expected.term_counts))
    facts = {"layers": len(even), "even_ratio": f"{max(even, default=0):.2g}", "away_ratio": f"{max(away, default=0):.3g}",
             "away_layers": sum(ratio > 1 for ratio in away)}
    return verdict(facts, [RUNS], requirement(even, "no INT8 layer with ties"),
                   requirement(max(even, default=2) <= 1, f"half to even is outside the bound ({max(even, default=0):.3g})"),
                   requirement(max(away, default=0) > 1, "half away from zero fits as well"))


@claim("conformance.negative_padding_setters",
       "Negative padding_nd, pre_padding and post_padding: each setter logs an API Usage Error while the network is "
       "defined, before any build (fixed layers r00-r02).")
def negative_padding_setters(evidence):
    cases = {r.case["id"]: r for r in evidence.conformance().cases if r.case["id"] in ("r00", "r01", "r02")}
    failures = [requirement(set(cases) == {"r00", "r01", "r02"}, f"fixed layers found: {sorted(cases)}")]
    for case_id, recorded in sorted(cases.items()):
        (run,) = recorded.runs.values()
        (name, value), = recorded.case["set"]
        setter = {"padding_nd": "setPaddingNd", "pre_padding": "setPrePadding", "post_padding": "setPostPadding"}[name]
        logged = run.get("messages", [])
        failures.append(requirement(min(value) < 0 and run.get("stage") == "add"
                                    and any(setter in m and "API Usage Error" in m for m in logged),
                                    f"{case_id} ({name}={value}): stage {run.get('stage')}, logged {logged[:1]}"))
    return verdict({"cases": ", ".join(sorted(cases))}, [f"{RUNS}: {', '.join(sorted(cases))}"], *failures)
