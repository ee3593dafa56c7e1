"""Claims over the per-channel INT8 matrix (``plot_25_int8_per_channel_axis``): which rule TensorRT computes.

Each recorded run of the matrix is one :class:`~trtdeconv_docs.layer.int8_axis.Case`; its
tensors are rebuilt with :func:`~trtdeconv_docs.layer.int8_axis.tensors` (the recording
holds the inputs it was given, checked equal here) and TensorRT's output is compared with
every candidate rule of :mod:`trtdeconv_docs.layer.int8_axis`. The rule a claim states is
the one every run of its group matches, derived from the data, never typed.
"""

from __future__ import annotations

from typing import Dict, List, NamedTuple, Optional

import numpy as np

from ..cassette.tensors import decode
from ..layer import int8_axis
from ..trt import inspector
from . import claim, requirement, verdict

EXAMPLE = "plot_25_int8_per_channel_axis"
RESCALE_RULES = tuple(name for name in int8_axis.RULES if name.startswith("rescale_"))


class Measured(NamedTuple):
    """One recorded run of the matrix, judged: the rules it matches, its errors, its kernel (or its refusal)."""

    case: int8_axis.Case
    refused: Optional[List[str]]
    matching: List[str]
    errors: Dict[str, float]
    indices: List[Optional[int]]
    tactic: str
    weights: str
    logged_errors: List[str]


def _measured(evidence, case: int8_axis.Case) -> Measured:
    run = evidence.run(EXAMPLE, case.label)
    if "refused" in run:
        return Measured(case, list(run["refused"]), [], {}, [], "", "", [])
    x, kernel, bias, scales = int8_axis.tensors(case)
    if not np.array_equal(decode(run["inputs"]["inputT0"]), x):
        raise ValueError(f"{case.label}: the recorded input is not int8_axis.tensors(case)'s")
    (data,) = run["outputs"].values()
    output = decode(data)
    errors = int8_axis.rule_errors(case, output, x, kernel, bias, scales)
    entry = inspector.holding_layer(inspector.engine_layers(run.get("engine", {}).get("layers", "")), "deconv") or {}
    return Measured(case, None, int8_axis.matching_rules(errors), errors,
                    int8_axis.inferred_scale_indices(case, output, x, kernel, bias, scales),
                    entry.get("TacticName", ""), entry.get("Weights", {}).get("Type", ""),
                    [m for m in run.get("messages", []) if not m.startswith("[WARNING]")])


def matrix(evidence, groups: int, axis: Optional[int] = None) -> List[Measured]:
    """Every recorded case with ``groups`` groups (and scales on ``axis``, if given), judged."""
    return [_measured(evidence, case) for case in int8_axis.CASES
            if case.groups == groups and (axis is None or case.axis == axis)]


def _runs(measured: List[Measured]) -> List[str]:
    return [f"{EXAMPLE}.py:{m.case.label}" for m in measured]


def _common(measured: List[Measured]) -> List[str]:
    """The rules every built run matches (in :data:`int8_axis.RULES` order)."""
    built = [set(m.matching) for m in measured if m.refused is None]
    common = set.intersection(*built) if built else set()
    return [name for name in int8_axis.RULES if name in common]


def _shapes(measured: List[Measured]) -> str:
    seen = []
    for m in measured:
        shape = f"({m.case.in_channels}, {m.case.out_channels})"
        if shape not in seen:
            seen.append(shape)
    return ", ".join(seen)


@claim("int8.axis_matrix_axis0",
       "One-group layers, kernel scales on axis 0 (input channels): TensorRT builds an INT8 kernel without logging "
       "an error, never computes the Q/DQ result, and every run matches one rescale rule (output channel c times one scale of s), the one "
       "that the layers with C_in < C_out single out.")
def axis_matrix_axis0(evidence):
    measured = matrix(evidence, 1, 0)
    common = _common(measured)
    rescale = [name for name in common if name in RESCALE_RULES]
    fewer_inputs = [m for m in measured if m.case.in_channels < m.case.out_channels]
    built = [m for m in measured if m.refused is None]
    facts = {"runs": len(measured), "shapes": _shapes(measured), "rule": rescale[0] if len(rescale) == 1 else "",
             "rule_words": int8_axis.RULE_WORDS[rescale[0]] if len(rescale) == 1 else "",
             "rule_formula": int8_axis.RULE_FORMULAS[rescale[0]] if len(rescale) == 1 else "",
             "fewer_inputs_runs": len(fewer_inputs),
             "least_declared_error": f"{min(m.errors['declared'] for m in built):.1%}" if built else "",
             "largest_declared_error": f"{max(m.errors['declared'] for m in built):.1%}" if built else ""}
    return verdict(facts, _runs(measured),
                   requirement(len(built) == len(measured), "some runs were refused"),
                   requirement(all(m.weights == "Int8" and "i8" in m.tactic for m in built),
                               "not every run has Int8 weights and an INT8 kernel"),
                   requirement(not any(m.logged_errors for m in built), "TensorRT logged an error"),
                   requirement(fewer_inputs, "no layer with C_in < C_out decides between the rescale rules"),
                   requirement(len(rescale) == 1, f"the rescale rules every run matches: {rescale or 'none'}"),
                   requirement(not any("declared" in m.matching for m in built), "a run matches the Q/DQ result"))


@claim("int8.axis_matrix_axis1",
       "One-group layers, kernel scales on axis 1 (output channels): TensorRT builds an INT8 kernel and the output "
       "is the Q/DQ result in every run.")
def axis_matrix_axis1(evidence):
    measured = matrix(evidence, 1, 1)
    built = [m for m in measured if m.refused is None]
    facts = {"runs": len(measured), "shapes": _shapes(measured),
             "largest_declared_error": f"{max(m.errors['declared'] for m in built):.2g}" if built else ""}
    return verdict(facts, _runs(measured),
                   requirement(len(built) == len(measured), "some runs were refused"),
                   requirement(all(m.weights == "Int8" and "i8" in m.tactic for m in built),
                               "not every run has Int8 weights and an INT8 kernel"),
                   requirement(all("declared" in m.matching for m in built),
                               "a run does not match the Q/DQ result: "
                               + ", ".join(m.case.label for m in built if "declared" not in m.matching)))


@claim("int8.axis_matrix_groups",
       "Two-group layers, kernel scales on either axis: every run has the same outcome (facts: built or refused, "
       "the kernel's weights type and the rules every run matches).")
def axis_matrix_groups(evidence):
    measured = matrix(evidence, 2)
    refused = [m for m in measured if m.refused is not None]
    built = [m for m in measured if m.refused is None]
    common = _common(measured)
    weights = sorted({m.weights for m in built})
    facts = {"runs": len(measured), "shapes": _shapes(measured), "refused": len(refused), "built": len(built),
             "rules": ", ".join(common), "weights": ", ".join(weights),
             "tactics": ", ".join(sorted({m.tactic for m in built}))}
    if built:
        facts["largest_unquantized_error"] = f"{max(m.errors['unquantized'] for m in built):.2g}"
        facts["least_declared_error"] = f"{min(m.errors['declared'] for m in built):.1%}"
    return verdict(facts, _runs(measured),
                   requirement(not (refused and built), f"{len(refused)} runs refused, {len(built)} built"),
                   requirement(not built or common, "the built runs match no common rule"),
                   requirement(len(weights) <= 1, f"weights types {weights}"))


@claim("int8.axis_matrix_bias",
       "A bias changes no verdict of the matrix: each layer with and without bias is built (or refused) alike and "
       "matches the same rules.")
def axis_matrix_bias(evidence):
    measured = {m.case: m for groups in (1, 2) for m in matrix(evidence, groups)}
    differing = []
    for case, with_bias in measured.items():
        if not case.bias:
            continue
        without = measured[case._replace(bias=False)]
        if (with_bias.refused is None) != (without.refused is None) or with_bias.matching != without.matching:
            differing.append(case.label)
    pairs = sum(case.bias for case in measured)
    return verdict({"pairs": pairs, "runs": len(measured)}, _runs(list(measured.values())),
                   requirement(pairs, "no run with a bias"),
                   requirement(not differing, f"a bias changes the verdict of {', '.join(differing)}"))

