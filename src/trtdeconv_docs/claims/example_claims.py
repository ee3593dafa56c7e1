"""Claims read from the examples' recordings (``recordings/tensors``): kernels chosen, outputs, setters."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any, Dict, List, Tuple

import numpy as np

from ..cassette import recompute
from ..cassette.tensors import decode
from ..layer import int8_axis
from ..trt import inspector
from . import claim, requirement, verdict

INT8_EXAMPLE = "plot_14_int8_tactics"


def _engine(run: Dict[str, Any]) -> List[Dict[str, Any]]:
    return inspector.engine_layers(run.get("engine", {}).get("layers", ""))


def deconvolution_kernel(run: Dict[str, Any]) -> Tuple[str, str]:
    """(tactic name, weights type) of the engine layer that holds the network's layer ``deconv``."""
    entry = inspector.holding_layer(_engine(run), "deconv")
    if entry is None:
        raise LookupError(f"run {run['label']!r}: no engine layer holds 'deconv'")
    return entry.get("TacticName", ""), entry["Weights"].get("Type", "")


def output_of(run: Dict[str, Any]) -> np.ndarray:
    (data,) = run["outputs"].values()
    return decode(data)


def run_name(example: str, label: str) -> str:
    return f"{example}.py:{label}"


@claim("recordings.provenance", "Where and when the examples' recordings were made (GPU, TensorRT, date).")
def provenance(evidence):
    p = evidence.provenance("tensors")
    return verdict({"gpu": p["gpu"], "tensorrt": p["tensorrt"], "date": p["date"][:10]}, ["recordings/tensors"])


def typed_decimal(value) -> Decimal:
    """The decimal a float32 stands for as NumPy prints it (``np.float32(0.1)``: ``0.1``, not 0.100000001...)."""
    return Decimal(str(np.float32(value)))


FLOAT32_DIGITS = np.finfo(np.float32).nmant + 1
"""float32's significand in bits (24): about 7.2 decimal digits."""


@claim("base.centre_float32",
       "The base example's centre element, computed exactly from the inputs and kernel the example typed, has more "
       "significant digits than float32 holds, and TensorRT's output there is the float32 nearest to it.")
def base_centre_float32(evidence):
    run = evidence.run("plot_01_base", "base")
    (layer,) = run["network"]["layers"]
    attributes = layer["attributes"]
    (data,) = run["inputs"].values()
    x = [typed_decimal(v) for v in data["values"]]
    w = [typed_decimal(v) for v in attributes["kernel"]["values"]]
    seed_layer = (data["shape"] == [1, 1, 3, 3] and attributes["kernel_size_nd"] == [3, 3]
                  and attributes["stride_nd"] == [1, 1] and attributes["dilation_nd"] == [1, 1]
                  and attributes["padding_nd"] == [0, 0] and attributes["num_groups"] == 1
                  and not any(attributes["bias"]["values"]))
    # a stride-1 unpadded 3x3 deconvolution of a 3x3 input: the centre meets every input element once, the
    # kernel flipped (input element i times kernel element 8 - i)
    exact = sum((a * b for a, b in zip(x, reversed(w))), Decimal(0)).normalize()
    centre = output_of(run)[0, 0, 2, 2]
    digits = len(exact.as_tuple().digits)
    facts = {"exact": f"{exact:f}", "printed": str(np.float32(centre)), "digits": digits}
    return verdict(facts, [run_name("plot_01_base", "base")],
                   requirement(seed_layer, "the recorded run is not the 3x3, stride-1, unpadded, bias-free layer"),
                   requirement(digits > FLOAT32_DIGITS * math.log10(2), f"{exact} fits float32's digits"),
                   requirement(np.float32(exact) == centre, f"TensorRT's centre {centre!r} is not the float32 "
                                                            f"nearest to {exact} ({np.float32(exact)!r})"))


@claim("int8.one_group_int8_kernel",
       "The one-group 2-D Q/DQ layer runs an INT8 kernel with Int8 weights, and its output is all integers "
       "(the quantized kernel was used).")
def one_group_int8_kernel(evidence):
    run = evidence.run(INT8_EXAMPLE, "int8_2d_one_group")
    tactic, weights = deconvolution_kernel(run)
    output = output_of(run)
    return verdict({"tactic": tactic}, [run_name(INT8_EXAMPLE, run["label"])],
                   requirement(weights == "Int8" and "i8" in tactic, f"weights {weights}, tactic {tactic}"),
                   requirement(np.array_equal(output, np.rint(output)), "the output is not all integers"))


@claim("int8.grouped_and_3d_fp32_unquantized",
       "The two-group 2-D and the 3-D Q/DQ layers run an FP32 kernel with Float weights and the unquantized "
       "kernel (outputs with .25/.75 fractions).")
def grouped_and_3d(evidence):
    failures, names = [], []
    for label in ("int8_2d_two_groups", "int8_3d"):
        run = evidence.run(INT8_EXAMPLE, label)
        names.append(run_name(INT8_EXAMPLE, label))
        tactic, weights = deconvolution_kernel(run)
        output = output_of(run)
        failures.append(requirement(weights == "Float" and "f32f32" in tactic, f"{label}: weights {weights}, tactic {tactic}"))
        failures.append(requirement(not np.array_equal(output, np.rint(output)), f"{label}: the output is all integers"))
    return verdict({}, names, *failures)


@claim("int8.both_pairs_needed",
       "With a Q/DQ pair on the kernel only, or on the input only, the one-group 2-D layer runs an FP32 kernel "
       "with Float weights.")
def both_pairs_needed(evidence):
    labels = [run["label"] for run in evidence.runs(INT8_EXAMPLE)]
    wanted = ["int8_2d_kernel_qdq_only", "int8_2d_input_qdq_only"]
    positions = [labels.index(label) + 1 if label in labels else 0 for label in wanted]
    failures = [requirement(positions == [4, 5] and len(labels) == 7,
                            f"the runs are {positions} of {len(labels)}, the page says 4 and 5 of 7")]
    names = []
    for label in wanted:
        run = evidence.run(INT8_EXAMPLE, label)
        names.append(run_name(INT8_EXAMPLE, label))
        tactic, weights = deconvolution_kernel(run)
        failures.append(requirement(weights == "Float" and "f32f32" in tactic, f"{label}: weights {weights}, tactic {tactic}"))
    return verdict({}, names, *failures)


def _per_channel(evidence, axis: int):
    """The plot_14 per-channel run on ``axis`` as an :mod:`int8_axis` case with its tensors and the rules' errors."""
    run = evidence.run(INT8_EXAMPLE, f"int8_per_channel_axis{axis}")
    constants = {len(layer["attributes"]["shape"]): decode(layer["attributes"]["weights"])
                 for layer in run["network"]["layers"] if layer["type"] == "CONSTANT"}
    kernel_shape = next(layer["attributes"]["shape"] for layer in run["network"]["layers"]
                        if layer["type"] == "CONSTANT" and len(layer["attributes"]["shape"]) == 4)
    kernel = constants[4].reshape(kernel_shape)
    case = int8_axis.Case(kernel_shape[0], kernel_shape[1], 1, False, axis)
    x = decode(run["inputs"]["inputT0"])
    errors = int8_axis.rule_errors(case, output_of(run), x, kernel, None, constants[1])
    return run, case, errors


@claim("int8.per_channel_axis1_declared",
       "Kernel scales on axis 1 (output channels): INT8 kernel, and the output is the Q/DQ result, bit for bit.")
def per_channel_axis1(evidence):
    run, case, errors = _per_channel(evidence, 1)
    tactic, weights = deconvolution_kernel(run)
    return verdict({"in_channels": case.in_channels, "out_channels": case.out_channels}, [run_name(INT8_EXAMPLE, run["label"])],
                   requirement(weights == "Int8", f"weights {weights}"),
                   requirement(errors["declared"] == 0, f"the Q/DQ result differs by {errors['declared']:.3g} (relative)"))


@claim("int8.per_channel_axis0_rescaled",
       "Kernel scales on axis 0 (input channels): TensorRT builds an INT8 kernel without an error, quantizes the "
       "kernel per input channel but rescales output channel c by s[c] (c < C_in), else s[0]: not the Q/DQ result.")
def per_channel_axis0(evidence):
    run, case, errors = _per_channel(evidence, 0)
    tactic, weights = deconvolution_kernel(run)
    matching = int8_axis.matching_rules(errors)
    errors_logged = [m for m in run.get("messages", []) if not m.startswith("[WARNING]")]
    return verdict({"in_channels": case.in_channels, "out_channels": case.out_channels,
                    "declared_error": f"{errors['declared']:.1%}"}, [run_name(INT8_EXAMPLE, run["label"])],
                   requirement(weights == "Int8" and "i8" in tactic, f"weights {weights}, tactic {tactic}"),
                   requirement(not errors_logged, f"TensorRT logged errors: {errors_logged}"),
                   requirement("rescale_first" in matching and "declared" not in matching, f"matching rules {matching}"))


def known_arrays(document: Dict[str, Any], rebuilt) -> Dict[str, np.ndarray]:
    """The arrays a recording holds in full, and ``rebuilt`` ones, by sha256 (for :func:`recompute.recompute`)."""
    return {**recompute.known_arrays(document), **recompute.by_digest(rebuilt)}


def _largest_difference(a, b) -> float:
    return float(np.abs(output_of(a).astype(np.float64) - output_of(b)).max())


@claim("precision.fp16_allowed_kept_fp32",
       "With FP16 allowed, TensorRT chose FP32 kernels for the seed layer and the 256 -> 128 layer: outputs "
       "identical to FP32, bit for bit.")
def fp16_allowed(evidence):
    failures, names = [], []
    for allowed, cleared in (("seed_fp16", "seed_fp32"), ("upsampling_fp16", "upsampling_fp32")):
        a, b = evidence.run("plot_15_fp16", allowed), evidence.run("plot_15_fp16", cleared)
        names += [run_name("plot_15_fp16", allowed), run_name("plot_15_fp16", cleared)]
        tactic, _ = deconvolution_kernel(a) if inspector.holding_layer(_engine(a), "deconv") else ("", "")
        failures.append(requirement("f16" not in tactic.lower(), f"{allowed}: tactic {tactic}"))
        failures.append(requirement(np.array_equal(output_of(a), output_of(b)), f"{allowed} differs from {cleared}"))
    return verdict({}, names, *failures)


@claim("precision.tf32_seed_layer",
       "The seed layer built with TF32 allowed and with TF32 cleared: the recorded difference and whether a TF32 "
       "kernel was chosen (facts only; the page prints them).")
def tf32_seed_layer(evidence):
    allowed, cleared = evidence.run("plot_12_tf32", "tf32_allowed"), evidence.run("plot_12_tf32", "tf32_cleared")
    tactics = [t for t in inspector.tactic_names(allowed["engine"]["layers"]).values() if t]
    facts = {"difference": f"{_largest_difference(allowed, cleared):.3g}",
             "precision": "TF32" if any("tf32" in t.lower() for t in tactics) else "FP32"}
    return verdict(facts, [run_name("plot_12_tf32", "tf32_allowed"), run_name("plot_12_tf32", "tf32_cleared")])


@claim("precision.tf32_big_layer",
       "The 256 -> 128 layer built with TF32 allowed and cleared: whichever kernels the autotuner chose, each output "
       "is within the error bound of the precision its kernel computes in.")
def tf32_big_layer(evidence):
    from ..question_data import upsampling_tensors

    known = known_arrays(evidence.example("plot_12_tf32"), upsampling_tensors())
    facts, failures, names = {}, [], []
    runs = {label: evidence.run("plot_12_tf32", label) for label in ("tf32_allowed_256to128", "tf32_cleared_256to128")}
    for label, run in runs.items():
        names.append(run_name("plot_12_tf32", label))
        (replayed,) = recompute.recompute(run, known).values()
        key = "allowed" if "allowed" in label else "cleared"
        engine = inspector.holding_layer(_engine(run), "deconv") or {}
        facts[f"{key}_kernel"] = engine.get("TacticName") or engine.get("LayerType", "")
        facts[f"{key}_precision"] = replayed.precision.upper()
        facts[f"{key}_ratio"] = f"{replayed.worst_ratio:.2g}"
        failures.append(requirement(replayed.worst_ratio <= 1, f"{label}: {replayed.worst_ratio:.3g} of the "
                                                               f"{replayed.precision} bound"))
    facts["difference"] = f"{_largest_difference(*runs.values()):.3g}"
    return verdict(facts, names, *failures)


def _benchmark_kernels(run: Dict[str, Any]) -> List[str]:
    """The tactics of a benchmark run's engine layers that compute (reformatting layers left out)."""
    return [t["tactic"] for t in run.get("tactics", []) if t.get("type") != "Reformat"]


@claim("benchmark.int8_3d_runs_tf32",
       "In the benchmark (TF32 allowed, TensorRT's default), the 3-D INT8 layer's fused engine layer runs a TF32 kernel.")
def int8_3d_runs_tf32(evidence):
    run = evidence.benchmark_run("unet3d/deconvolution/int8")
    fused = _benchmark_kernels(run)
    return verdict({"tactic": fused[0] if fused else ""}, ["recordings/benchmark: unet3d/deconvolution/int8"],
                   requirement("TF32" in run.get("flags", []), f"flags {run.get('flags')}"),
                   requirement(fused and "tf32" in fused[0], f"tactics {fused}"))


@claim("benchmark.unet2d_tf32",
       "In the benchmark, the U-Net 2-D upsampling layer with TF32 allowed runs a TF32 kernel and stays within the "
       "TF32 error bound.")
def unet2d_tf32(evidence):
    run = evidence.benchmark_run("unet2d/deconvolution/tf32")
    kernels = _benchmark_kernels(run)
    check = run.get("check", {})
    return verdict({"tactic": kernels[0] if kernels else "", "ratio": f"{check.get('worst_ratio', float('nan')):.2g}"},
                   ["recordings/benchmark: unet2d/deconvolution/tf32"],
                   requirement(kernels and "tf32" in kernels[0], f"tactics {kernels}"),
                   requirement(check.get("rule") == "tf32" and check.get("worst_ratio", 2) <= 1, f"check {check}"))
