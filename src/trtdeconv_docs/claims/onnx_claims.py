"""Claims over the ONNX cases (``recordings/onnx``): what TensorRT 8.6's ONNX parser built and how its output compares.

Each check reads the cases as the page's tables show them (:meth:`.Evidence.onnx`: the
recorded parse, build and runs, with ONNX Runtime's output computed now on the CPU) and
holds only while every case it names still shows what its statement says, with a control
case that must not (a case without the attribute, or the other quantization axis).
"""

from __future__ import annotations

from typing import Dict, List

from ..onnx_path import cases
from . import claim, requirement, verdict

RUNS = "onnx/cases/{}"


def _runs(*names: str) -> List[str]:
    return [RUNS.format(name) for name in names]


def _difference(summary) -> float:
    """The largest difference from ONNX Runtime over a built case's runs (``nan`` if a run was not compared)."""
    values = [c.max_abs_difference for c in summary.onnxruntime]
    return max(values) if values and None not in values else float("nan")


def _explicit_output_padding() -> List[cases.Case]:
    return [c for c in cases.CASES if "output_padding" in c.attributes
            and "auto_pad" not in c.attributes and "output_shape" not in c.attributes]


@claim("onnx.output_padding_folded",
       "output_padding no larger than the end pads is subtracted from them (post_padding = pads_end - "
       "output_padding, the deconvolution alone); a larger one adds a SLICE (FILL) after it, followed by an "
       "ELEMENTWISE SUM exactly when the node has a bias; all equal ONNX Runtime exactly. Control: base_2d (no output_padding) has no SLICE.")
def output_padding_folded(evidence):
    folded, sliced, failures = [], [], []
    for case in _explicit_output_padding():
        summary = evidence.onnx(case.name)
        op = case.attributes["output_padding"]
        end = case.attributes.get("pads", [0] * 2 * len(op))[len(op):]
        has_slice = "SLICE FILL" in summary.layers
        if all(o <= e for o, e in zip(op, end)):
            folded.append(case.name)
            post = summary.deconvolution.get("post_padding", [])[:len(op)]
            failures.append(requirement(post == [e - o for o, e in zip(op, end)] and not has_slice,
                                        f"{case.name}: post_padding {post}, layers {summary.layers}"))
        else:
            sliced.append(case.name)
            after = summary.layers[summary.layers.index("SLICE FILL") + 1:] if has_slice else []
            bias_added = "ELEMENTWISE SUM" in after
            failures.append(requirement(has_slice and bias_added == case.bias,
                                        f"{case.name} (bias {case.bias}): layers {summary.layers}"))
        failures.append(requirement(_difference(summary) == 0, f"{case.name}: differs from ONNX Runtime"))
    control = evidence.onnx("base_2d")
    failures.append(requirement("SLICE FILL" not in control.layers, f"base_2d has a SLICE: {control.layers}"))
    return verdict({"folded": ", ".join(folded), "sliced": ", ".join(sliced)}, _runs(*folded, *sliced, "base_2d"),
                   requirement(folded and sliced, "no case of one kind"), *failures)


OUTPUT_SHAPE_ODD = ("output_shape_2d", "output_shape_with_pads_2d", "output_shape_smaller_2d")
"""The output_shape cases whose total padding is odd in some dimension."""


@claim("onnx.output_shape_extra_at_end",
       "With output_shape and an odd total padding, TensorRT puts the extra row at the END (post_padding = "
       "pre_padding + 1), ignores pads, and its output differs from ONNX Runtime's (which puts it at the start). "
       "Control: output_shape_larger_2d (no odd total padding) equals ONNX Runtime exactly.")
def output_shape_extra_at_end(evidence):
    failures, differences = [], {}
    for name in OUTPUT_SHAPE_ODD:
        summary = evidence.onnx(name)
        pre, post = summary.deconvolution.get("pre_padding", []), summary.deconvolution.get("post_padding", [])
        extra = [b - a for a, b in zip(pre, post)]
        differences[name] = _difference(summary)
        failures.append(requirement(summary.outcome == "built" and set(extra) <= {0, 1} and 1 in extra,
                                    f"{name}: pre_padding {pre}, post_padding {post}"))
        failures.append(requirement(differences[name] > 0, f"{name}: equals ONNX Runtime"))
    plain, with_pads = evidence.onnx("output_shape_2d"), evidence.onnx("output_shape_with_pads_2d")
    control = evidence.onnx("output_shape_larger_2d")
    return verdict({"difference": f"{differences['output_shape_2d']:.3g}",
                    "with_pads_difference": f"{differences['output_shape_with_pads_2d']:.3g}",
                    "smaller_difference": f"{differences['output_shape_smaller_2d']:.3g}"},
                   _runs(*OUTPUT_SHAPE_ODD, "output_shape_larger_2d"), *failures,
                   requirement(with_pads.deconvolution == plain.deconvolution,
                               "output_shape_with_pads_2d's pads changed the layer"),
                   requirement(_difference(control) == 0, "output_shape_larger_2d differs from ONNX Runtime"))


@claim("onnx.same_upper_drops_output_padding",
       "With auto_pad SAME_UPPER, TensorRT's parser drops output_padding: the layers and the deconvolution are "
       "those of the same model without it, and the output differs from ONNX Runtime. Control: SAME_UPPER and "
       "SAME_LOWER without output_padding equal ONNX Runtime exactly.")
def same_upper_drops_output_padding(evidence):
    with_op, without = evidence.onnx("auto_pad_same_upper_output_padding_2d"), evidence.onnx("auto_pad_same_upper_2d")
    lower = evidence.onnx("auto_pad_same_lower_2d")
    return verdict({"difference": f"{_difference(with_op):.3g}",
                    "padding_mode": with_op.deconvolution.get("padding_mode", "")},
                   _runs("auto_pad_same_upper_output_padding_2d", "auto_pad_same_upper_2d", "auto_pad_same_lower_2d"),
                   requirement(with_op.layers == without.layers and with_op.deconvolution == without.deconvolution,
                               f"the layers differ: {with_op.layers} {with_op.deconvolution}"),
                   requirement(_difference(with_op) > 0, "equals ONNX Runtime"),
                   requirement(_difference(without) == 0 and _difference(lower) == 0,
                               "SAME_UPPER/SAME_LOWER without output_padding differ from ONNX Runtime"))


@claim("onnx.one_d_as_2d",
       "A 1-D ConvTranspose becomes SHUFFLE -> 2-D DECONVOLUTION (stride (s, 1)) -> SHUFFLE, and equals ONNX "
       "Runtime exactly.")
def one_d_as_2d(evidence):
    names = [c.name for c in cases.CASES if c.topic == "one_d"]
    failures = []
    for name in names:
        summary = evidence.onnx(name)
        stride = summary.deconvolution.get("stride_nd", [])
        failures.append(requirement(summary.layers[:1] == ["SHUFFLE"] and summary.layers[-1:] == ["SHUFFLE"]
                                    and len(stride) == 2 and stride[1] == 1, f"{name}: {summary.layers} {stride}"))
        failures.append(requirement(_difference(summary) == 0, f"{name}: differs from ONNX Runtime"))
    return verdict({"cases": ", ".join(names)}, _runs(*names), requirement(names, "no 1-D case"), *failures)


QDQ = [c.name for c in cases.CASES if c.qdq or c.quantized_by]


@claim("onnx.qdq_needs_int8",
       "TensorRT refuses to build every Q/DQ model unless INT8 is enabled in the builder config, and builds "
       "each with it.")
def qdq_needs_int8(evidence):
    failures, message = [], ""
    for name in QDQ:
        fp32, int8 = evidence.onnx(name, "fp32"), evidence.onnx(name, "int8")
        message = message or (fp32.messages[0] if fp32.messages else "")
        failures.append(requirement(fp32.outcome == "builder" and fp32.messages[:1] == [message],
                                    f"{name} fp32: {fp32.outcome} {fp32.messages[:1]}"))
        failures.append(requirement(int8.outcome == "built", f"{name} int8: {int8.outcome}"))
    return verdict({"count": len(QDQ)}, _runs(*QDQ), requirement("int8 is not configured" in message, message),
                   *failures)


@claim("onnx.qdq_axis0_silently_wrong",
       "Through the ONNX parser, weight scales on axis 0 (input channels) build in INT8 without an error but "
       "the output is not the Q/DQ result (it differs from ONNX Runtime); per tensor and axis 1 (output "
       "channels) equal ONNX Runtime exactly.")
def qdq_axis0_silently_wrong(evidence):
    axis0, axis1 = evidence.onnx("qdq_per_channel_axis0_2d", "int8"), evidence.onnx("qdq_per_channel_axis1_2d", "int8")
    per_tensor = evidence.onnx("qdq_per_tensor_2d", "int8")
    modelopt = evidence.onnx("modelopt_int8_2d", "int8")
    case = cases.BY_NAME["qdq_per_channel_axis0_2d"]
    facts: Dict[str, object] = {"difference": f"{_difference(axis0):.3g}", "modelopt_difference":
                                f"{_difference(modelopt):.3g}", "in_channels": case.x_shape[1],
                                "out_channels": case.out_per_group}
    return verdict(facts, _runs("qdq_per_channel_axis0_2d", "qdq_per_channel_axis1_2d", "qdq_per_tensor_2d",
                                "modelopt_int8_2d"),
                   requirement(axis0.outcome == "built" and not axis0.messages, f"axis 0: {axis0.outcome}"),
                   requirement(_difference(axis0) > 0, "axis 0 equals ONNX Runtime"),
                   requirement(_difference(axis1) == 0 and _difference(per_tensor) == 0,
                               "axis 1 or per tensor differs from ONNX Runtime"))


TOO_LARGE = "output_shape_too_large_2d"


@claim("onnx.output_shape_too_large_refused",
       "An output_shape two rows beyond the full output: TensorRT's parser refuses the node (negative "
       "pre-padding), and ONNX Runtime, run now on the same model, refuses it too. Control: output_shape_larger_2d "
       "(one row beyond) builds and equals ONNX Runtime.")
def output_shape_too_large_refused(evidence):
    from ..onnx_path import onnx_runtime

    summary = evidence.onnx(TOO_LARGE)
    case = cases.BY_NAME[TOO_LARGE]
    try:
        onnx_runtime.run(cases.model_path(evidence.root.parent, case), cases.inputs(case, case.x_shape))
        refusal = ""
    except Exception as error:  # ONNX Runtime's refusal is the fact checked
        refusal = str(error).strip().splitlines()[0]
    control = evidence.onnx("output_shape_larger_2d")
    return verdict({"parser": summary.messages[0] if summary.messages else "", "onnxruntime": refusal},
                   _runs(TOO_LARGE, "output_shape_larger_2d"),
                   requirement(summary.outcome == "parser" and "negative pre-padding" in " ".join(summary.messages),
                               f"{TOO_LARGE}: {summary.outcome} {summary.messages[:1]}"),
                   requirement(bool(refusal), "ONNX Runtime computed the model"),
                   requirement(control.outcome == "built" and _difference(control) == 0,
                               "output_shape_larger_2d did not build or differs from ONNX Runtime"))


EXPLAINED = OUTPUT_SHAPE_ODD + ("auto_pad_same_upper_output_padding_2d", "qdq_per_channel_axis0_2d", "modelopt_int8_2d")
"""The built cases whose output is not ONNX Runtime's, each explained by a claim above (modelopt's: measured only)."""


@claim("onnx.differences_from_onnxruntime",
       "Every built case and run equals ONNX Runtime exactly but those of EXPLAINED (output_shape with an odd "
       "total padding, SAME_UPPER with output_padding, axis-0 Q/DQ, nvidia-modelopt's model).")
def differences_from_onnxruntime(evidence):
    equal, differing, names = 0, [], []
    for case in cases.CASES:
        for precision in case.precisions:
            summary = evidence.onnx(case.name, precision)
            if summary.outcome != "built":  # refused, or not recorded (a recorder failure, shown as such)
                continue
            names.append(case.name)
            difference = _difference(summary)
            if difference == 0:
                equal += len(summary.onnxruntime)
            else:
                differing.append((case.name, difference))
    return verdict({"equal_runs": equal, "differing": ", ".join(f"{n} ({d:.3g})" for n, d in differing)},
                   _runs(*dict.fromkeys(names)),
                   requirement(sorted(n for n, _ in differing) == sorted(EXPLAINED), f"differing: {differing}"))
