"""Every tensor TensorRT printed for the gallery agrees with the reference model, or is accounted for.

Each recorded run falls in exactly one group:

* recomputed from the recording alone and within tolerance of the reference model;
* recomputed with large arrays that the recording kept by digest only: the test rebuilds
  them (:func:`trtdeconv_docs.question_data.upsampling_tensors`), their sha256 must equal
  the recorded digests, and without them the recompute must refuse;
* refused by TensorRT: nothing to recompute, and the run must carry TensorRT's messages;
* :data:`DIVERGENCES`: TensorRT built the network but computed something else than its
  documented semantics; the test pins what TensorRT computed instead, so a change fails.
"""

from __future__ import annotations


import numpy as np
import pytest

from trtdeconv_docs.cassette import store as recordings
from trtdeconv_docs.layer import reference
from trtdeconv_docs.layer.attributes import resolve
from trtdeconv_docs.cassette.recompute import NotRecomputable, known_arrays, recompute
from trtdeconv_docs.cassette.tensors import decode

from .support.paths import TENSORS
from .support.recorded import DIVERGENCES, rebuilt_arrays

DOCUMENTS = [recordings.read_json(path) for path in recordings.listed(TENSORS, ".json")]
RUNS = [pytest.param(document, run, id=f"{document['example'].rsplit('.', 1)[0]}:{run['label']}")
        for document in DOCUMENTS for run in document["runs"]]

BEYOND_WORST_CASE = {
    ("plot_15_fp16.py", "upsampling_fp16_forced"):
        "a 256 -> 128 3x3 layer computed in FP16: 2,308 roundings per output element at u = 2^-11, so the "
        "worst-case bound gamma(n) needs n*u < 1 and says nothing; the example prints the measured difference from FP32",
}
"""Runs that the worst-case rule cannot bound, with the reason; the test checks that it cannot."""


def digest_only(run):
    """Names of the run's arrays (inputs, layer weights) recorded by digest only."""
    names = [f"input {name}" for name, data in run["inputs"].items() if "values" not in data]
    for layer in run["network"]["layers"]:
        for key, data in layer.get("attributes", {}).items():
            if isinstance(data, dict) and "sha256" in data and "values" not in data:
                names.append(f"{layer['name']} {key}")
    return names


def test_recordings_exist():
    assert RUNS, f"no GPU recordings under {TENSORS}: run `python -m trtdeconv_docs.gpu_gallery` on a GPU machine"


@pytest.mark.parametrize("document, run", RUNS)
def test_tensorrt_output_within_tolerance_of_reference(document, run):
    if "refused" in run:
        assert run["refused"] and all(isinstance(m, str) and m for m in run["refused"]), "a refusal without messages"
        assert "outputs" not in run
        with pytest.raises(NotRecomputable, match="refused"):
            recompute(run)
        return
    known = known_arrays(document)
    if digest_only(run):
        with pytest.raises(NotRecomputable, match="digest only"):
            recompute(run, known)
        rebuilt = rebuilt_arrays()
        recorded = {data["sha256"] for data in run["inputs"].values() if "values" not in data}
        assert recorded <= set(rebuilt), f"{run['label']}: the rebuilt arrays are not the recorded ones"
        known.update(rebuilt)
    divergence = DIVERGENCES.get((document["example"], run["label"]))
    for name, recomputed in recompute(run, known).items():
        # the reference's shape comes from trtdeconv_docs.layer.shapes: TensorRT must agree
        assert recomputed.recorded.shape == recomputed.reference.shape, name
        if (document["example"], run["label"]) in BEYOND_WORST_CASE:
            with pytest.raises(ValueError, match=r"gamma\(n\) needs n \* u < 1"):
                recomputed.worst_ratio
            continue
        if divergence:
            assert recomputed.worst_ratio > 1.0, f"{run['label']} now agrees with the reference: update {divergence}"
            continue
        assert recomputed.worst_ratio <= 1.0, (
            f"{document['example']} [{run['label']}] {name}: TensorRT differs from the reference "
            f"by {recomputed.worst_ratio:.3g} x the {recomputed.precision} bound")


def test_only_the_large_layers_are_recorded_by_digest():
    """The digest-only runs are exactly the 256 -> 128 layers of the TF32 and FP16 examples."""
    found = {(document["example"], run["label"]) for document in DOCUMENTS for run in document["runs"]
             if "outputs" in run and digest_only(run)}
    assert found == {("plot_12_tf32.py", "tf32_cleared_256to128"), ("plot_12_tf32.py", "tf32_allowed_256to128"),
                     ("plot_15_fp16.py", "upsampling_fp32"), ("plot_15_fp16.py", "upsampling_fp16"),
                     ("plot_15_fp16.py", "upsampling_fp16_forced")}


def _run(example, label):
    document = next(d for d in DOCUMENTS if d["example"] == example)
    return next(run for run in document["runs"] if run["label"] == label)


def test_per_channel_scales_on_axis_0_rescale_the_output_channels():
    """What TensorRT 8.6.0 computed for kernel scales on axis 0, read from the recording.

    The kernel (C_in, C_out, kH, kW) = (4, 8, 2, 2) is quantized with scale s[i] of its
    input channel i, as the Q/DQ pair says; but output channel c is then rescaled by s[c]
    (c < 4) and by s[0] (c >= 4), not by each input channel's own s[i]: exactly, to the bit.
    """
    run = _run("plot_14_int8_tactics.py", "int8_per_channel_axis0")
    constants = {tuple(layer["attributes"]["shape"]): decode(layer["attributes"]["weights"])
                 for layer in run["network"]["layers"] if layer["type"] == "CONSTANT"}
    kernel = constants[(4, 8, 2, 2)].astype(np.float64).reshape(4, 8, 2, 2)
    scales = constants[(4,)].astype(np.float64)
    x = decode(run["inputs"]["inputT0"]).astype(np.float64)
    integers = np.clip(np.rint(kernel / scales[:, None, None, None]), *reference.INT8_RANGE)
    summed = reference.deconvolve(x, integers, None, resolve(num_output_maps=8, kernel_size_nd=(2, 2)))
    output_scales = np.array([scales[c] if c < scales.size else scales[0] for c in range(8)])
    (output,) = (decode(data) for data in run["outputs"].values())
    np.testing.assert_array_equal(output, summed * output_scales[None, :, None, None])


def test_per_channel_scales_on_axis_1_are_the_documented_result():
    """Scales on axis 1 (output channels) give exactly the reference with the kernel quantized per output channel."""
    (recomputed,) = recompute(_run("plot_14_int8_tactics.py", "int8_per_channel_axis1")).values()
    assert recomputed.precision == "int8"
    np.testing.assert_array_equal(recomputed.recorded, recomputed.reference)


@pytest.mark.parametrize("fp16, fp32", [("seed_fp16", "seed_fp32"), ("upsampling_fp16", "upsampling_fp32")])
def test_fp16_allowed_runs_chose_fp32_as_docs_precision_says(fp16, fp32):
    """docs/precision.md says TensorRT kept FP32 for both layers with FP16 allowed: same engine, same bits."""
    allowed, cleared = _run("plot_15_fp16.py", fp16), _run("plot_15_fp16.py", fp32)
    known = {**known_arrays(next(d for d in DOCUMENTS if d["example"] == "plot_15_fp16.py")), **rebuilt_arrays()}
    assert allowed["settings"]["fp16"] and not cleared["settings"]["fp16"]
    assert [r.precision for r in recompute(allowed, known).values()] == ["fp32"]
    for (_, a), (_, b) in zip(allowed["outputs"].items(), cleared["outputs"].items()):
        np.testing.assert_array_equal(decode(a), decode(b))
