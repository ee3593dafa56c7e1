"""The reference model against real TensorRT, layer by layer, on the conformance recording.

``recordings/conformance/`` is written on a GPU machine by::

    python -m trtdeconv_docs.conformance.run_on_tensorrt --count 320 --seed 0 --out recordings/conformance

Every drawn layer must have been built by TensorRT in each builder setting, with the
output shape of :mod:`trtdeconv_docs.layer.shapes` and within the tolerance of
:mod:`trtdeconv_docs.layer.tolerance` of the reference model (the TF32 bound where TensorRT
chose a TF32 tactic). Every fixed-list layer must get TensorRT's verdict from the
reference model too, for the same reason (TensorRT's logged message matches the pattern
of the reference's reason in :data:`trtdeconv_docs.layer.limits.REASONS`), and every limit
probe (:mod:`trtdeconv_docs.conformance.probes`) too. ``python -m
trtdeconv_docs.conformance.compare`` prints a summary.
"""

from __future__ import annotations

import pytest

from trtdeconv_docs.layer import reference, shapes, tolerance
from trtdeconv_docs.layer.attributes import PADDING_MODES, RESOLVED_ATTRIBUTES, TENSORRT_10_PADDING_MODES
from trtdeconv_docs.conformance import compare, generate, model, probes

from .support.paths import CONFORMANCE
from .support.recorded import CONFORMANCE_CASES as CASES, CONFORMANCE_RECORDING as RECORDING

PROBES = [pytest.param(r, id=model.label(r.case)) for r in (RECORDING.cases if RECORDING else [])
          if "probe" in r.case]
DRAWN = [pytest.param(r, id=model.label(r.case)) for r in CASES if "expected" not in r.case]
FIXED = [pytest.param(r, id=model.label(r.case)) for r in CASES if "expected" in r.case and "probe" not in r.case]
MISSING = (f"the GPU recording {CONFORMANCE} is missing: run `python -m trtdeconv_docs.conformance.run_on_tensorrt "
           f"--count 320 --seed 0 --out recordings/conformance` on a machine with TensorRT and a GPU")


def _check_outputs(recorded):
    for measured in compare.measure(recorded):
        run = recorded.runs[measured.setting]
        assert measured.shape == measured.expected_shape, f"{measured.setting}: output shape"
        assert measured.ratio <= 1.0, (
            f"{measured.setting}: TensorRT differs from the reference by {measured.ratio:.3g} x the "
            f"{measured.precision} bound (tactics {run.get('tactics')})")


def _check_verdict_and_outputs(recorded):
    problem = compare.disagreement(recorded)
    assert problem is None, f"{recorded.case['id']} ({recorded.case.get('note', 'drawn')}): {problem}"
    if compare.verdicts(recorded)[1] is None:
        _check_outputs(recorded)


def _what_tensorrt_was_given(case):
    """A case without a probe's ``expected``: the reference's verdict when it was recorded, a prediction
    that a corrected limit changes (measuring the limits is what the probes are for), not an input."""
    return {k: v for k, v in case.items() if not (k == "expected" and "probe" in case)}


def test_recording_exists_is_complete_and_matches_the_generator():
    assert RECORDING is not None, MISSING
    header = RECORDING.header
    assert not header["smoke"], "recordings/conformance holds a --smoke run; record the full run"
    assert "subset" not in header, f"recordings/conformance holds a partial run {header['subset']}: record the full run"
    assert header["timings"]["finished"], "the GPU run stopped before the end"
    drawn = generate.draw_cases(header["seed"], header["count"])
    generated = drawn + generate.refusal_cases() + probes.probe_cases()
    assert ([_what_tensorrt_was_given(r.case) for r in RECORDING.cases]
            == [_what_tensorrt_was_given(case) for case in generated]), (
        "the recorded cases are not what the generator draws now: record again")
    not_run = [f"{r.case['id']} {s}" for r in RECORDING.cases for s, run in r.runs.items()
               if run["status"] == "not_run"]
    assert not not_run, f"not run (time budget): {not_run}"


@pytest.mark.parametrize("recorded", DRAWN)
def test_tensorrt_output_agrees_with_reference(recorded):
    _check_verdict_and_outputs(recorded)


@pytest.mark.parametrize("recorded", FIXED)
def test_tensorrt_verdict_is_reference_verdict(recorded):
    _check_verdict_and_outputs(recorded)


@pytest.mark.parametrize("recorded", PROBES)
def test_tensorrt_limit_is_reference_limit(recorded):
    """Each limit probe: TensorRT's verdict and reason; a built one has the reference's output shape."""
    _check_verdict_and_outputs(recorded)
    run = recorded.runs["fp32"]
    if run["status"] == "built":
        assert tuple(run["output_shape"]) == shapes.output_shape(recorded.case["input_shape"],
                                                                 model.layer(recorded.case))


def test_tensorrt_reports_the_attributes_the_reference_resolves():
    assert RECORDING is not None, MISSING
    mismatches = []
    for recorded in CASES:
        if "probe" in recorded.case or model.verdict(recorded.case, recorded.arrays) is not None:
            continue  # probes read nothing back: "add" ones are never built, "build" ones keep their output shape
        resolved = model.layer(recorded.case)
        for setting, run in recorded.runs.items():
            if run["status"] != "built":
                continue
            reported = run.get("reported")
            if not reported:
                mismatches.append(f"{recorded.case['id']} {setting}: not read back ({run.get('reported_error')})")
                continue
            expected = {name: getattr(resolved, name) for name in RESOLVED_ATTRIBUTES}
            got = {name: reported[name] if isinstance(reported[name], (int, str)) else tuple(reported[name])
                   for name in RESOLVED_ATTRIBUTES}
            if got != expected or reported["kernel_equal"] is False or not reported["bias_equal"]:
                mismatches.append(f"{recorded.case['id']} {setting}: TensorRT reports {reported}, "
                                  f"the reference resolves {expected}")
    assert not mismatches, "\n".join(mismatches)


INT8_DRAWN = [p for p in DRAWN + FIXED if p.values[0].case["kind"] == "int8" and "int8" in p.values[0].outputs]


@pytest.mark.parametrize("recorded", INT8_DRAWN)
def test_int8_kernel_is_quantized_exactly_where_tensorrt_keeps_int8_weights(recorded):
    """The engine inspector's weight type says whether TensorRT kept the kernel's Q/DQ: the model must say the same."""
    kept = compare.weights_type(recorded.case["id"], recorded.runs["int8"])
    assert kept in ("Int8", "Float"), f"no weight type recorded: {recorded.runs['int8'].get('tactics')}"
    assert (kept == "Int8") == model.int8_kernel_quantized(recorded.case), (
        f"TensorRT's weights are {kept}; the model says the kernel is "
        f"{'' if model.int8_kernel_quantized(recorded.case) else 'not '}quantized")


def test_the_other_int8_model_would_fail():
    """Quantizing every INT8 kernel (the documented Q/DQ semantics) disagrees with TensorRT on 3-D and grouped layers."""
    assert RECORDING is not None, MISSING
    disagreeing = []
    for param in INT8_DRAWN:
        recorded = param.values[0]
        if model.int8_kernel_quantized(recorded.case):
            continue
        case = dict(recorded.case, kind="float")  # quantize both by hand: the documented semantics
        scales = recorded.case["int8"]
        arrays = dict(recorded.arrays,
                      input=reference.quantize_dequantize(recorded.arrays["input"], scales["input_scale"]),
                      kernel=reference.quantize_dequantize(recorded.arrays["kernel"], scales["kernel_scale"]))
        full = model.expected(case, arrays)
        ratio = tolerance.worst_ratio(recorded.outputs["int8"], full.values, full.absolute_terms, full.term_counts)
        disagreeing.append(ratio > 1.0)
    assert disagreeing and all(disagreeing)


def test_no_tf32_tactic_where_tf32_is_cleared():
    assert RECORDING is not None, MISSING
    offenders = [f"{r.case['id']} {s}: {run['tactics']}" for r in CASES for s, run in r.runs.items()
                 if s != "tf32" and run["status"] == "built" and compare.precision(r.case["id"], run) == "tf32"]
    assert not offenders


def test_every_padding_mode_was_built_in_every_setting():
    """The agreement above covers every mode: TensorRT 8.6 built drawn layers of all six in each setting."""
    assert RECORDING is not None, MISSING
    print(compare.summary(RECORDING))
    modes = PADDING_MODES if RECORDING.header["provenance"]["tensorrt"].startswith("8.") else TENSORRT_10_PADDING_MODES
    built = {}
    for recorded in CASES:
        if "expected" in recorded.case:
            continue
        mode = model.layer(recorded.case).padding_mode
        for setting, run in recorded.runs.items():
            if run["status"] == "built":
                built.setdefault(setting, set()).add(mode)
    assert built == {setting: set(modes) for setting in ("fp32", "tf32", "int8")}
