"""The reference model against real TensorRT, layer by layer, on the conformance recording.

``recordings/conformance/`` is written on a GPU machine by::

    python -m trtdeconv_docs.conformance.run_on_tensorrt --count 320 --seed 0 --out recordings/conformance

Every drawn layer must have been built by TensorRT in each builder setting, with the
output shape of :mod:`trtdeconv_docs.shapes` and within the tolerance of
:mod:`trtdeconv_docs.tolerance` of the reference model (the TF32 bound where TensorRT
chose a TF32 tactic). Every fixed-list layer must get TensorRT's verdict from the
reference model too. ``python -m trtdeconv_docs.conformance.compare`` prints a summary.
"""

from __future__ import annotations

import pytest

from trtdeconv_docs.attributes import PADDING_MODES, RESOLVED_ATTRIBUTES, TENSORRT_10_PADDING_MODES
from trtdeconv_docs.conformance import compare, generate, model, store

from .conftest import CONFORMANCE

RECORDING = store.load(CONFORMANCE) if (CONFORMANCE / store.CASES_FILE).exists() else None
CASES = RECORDING.cases if RECORDING else []
DRAWN = [pytest.param(r, id=model.label(r.case)) for r in CASES if "expected" not in r.case]
FIXED = [pytest.param(r, id=model.label(r.case)) for r in CASES if "expected" in r.case]
MISSING = (f"the GPU recording {CONFORMANCE} is missing: run `python -m trtdeconv_docs.conformance.run_on_tensorrt "
           f"--count 320 --seed 0 --out recordings/conformance` on a machine with TensorRT and a GPU")


def _failed_runs(recorded):
    return {s: f"{run['status']} ({run.get('stage')}): {run.get('messages')}"
            for s, run in recorded.runs.items() if run["status"] != "built"}


INT8_APPROXIMATE_LIMIT = 0.04
"""Largest |TensorRT - exact Q/DQ model| / max|output| measured for 3-D or grouped INT8 layers."""


def _check_outputs(recorded):
    for measured in compare.measure(recorded):
        run = recorded.runs[measured.setting]
        assert measured.shape == measured.expected_shape, f"{measured.setting}: output shape"
        if model.int8_approximate(recorded.case):
            # expected disagreement: TensorRT 8.6.0 computes these INT8 layers approximately
            assert measured.ratio > 1.0, "3-D/grouped INT8 now agrees exactly: update model.int8_approximate"
            output = recorded.outputs[measured.setting]
            exact = model.expected(recorded.case, recorded.arrays).values
            relative = float(abs(output - exact).max() / abs(exact).max())
            assert relative <= INT8_APPROXIMATE_LIMIT, f"INT8 error {relative:.3%} of the output range"
            continue
        assert measured.ratio <= 1.0, (
            f"{measured.setting}: TensorRT differs from the reference by {measured.ratio:.3g} x the "
            f"{measured.precision} bound (tactics {run.get('tactics')})")


def _check_verdict_and_outputs(recorded):
    statuses, refusal = compare.verdicts(recorded)
    assert "not_run" not in statuses.values()
    if refusal is not None:
        assert set(statuses.values()) == {"refused"}, f"TensorRT built it; the reference refuses: {refusal}"
        return
    assert not _failed_runs(recorded), f"TensorRT refused it; the reference accepts: {_failed_runs(recorded)}"
    _check_outputs(recorded)


def test_recording_exists_is_complete_and_matches_the_generator():
    assert RECORDING is not None, MISSING
    header = RECORDING.header
    assert not header["smoke"], "recordings/conformance holds a --smoke run; record the full run"
    assert header["timings"]["finished"], "the GPU run stopped before the end"
    drawn = generate.draw_cases(header["seed"], header["count"])
    assert [r.case for r in CASES] == drawn + generate.refusal_cases(), (
        "the recorded cases are not what the generator draws now: record again")
    not_run = [f"{r.case['id']} {s}" for r in CASES for s, run in r.runs.items() if run["status"] == "not_run"]
    assert not not_run, f"not run (time budget): {not_run}"


@pytest.mark.parametrize("recorded", DRAWN)
def test_tensorrt_output_agrees_with_reference(recorded):
    _check_verdict_and_outputs(recorded)


@pytest.mark.parametrize("recorded", FIXED)
def test_tensorrt_verdict_is_reference_verdict(recorded):
    _check_verdict_and_outputs(recorded)


def test_tensorrt_reports_the_attributes_the_reference_resolves():
    assert RECORDING is not None, MISSING
    mismatches = []
    for recorded in CASES:
        if model.verdict(recorded.case, recorded.arrays) is not None:
            continue
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
