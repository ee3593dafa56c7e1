"""The ONNX claims (``trtdeconv_docs.claims.onnx_claims``) hold on the committed recordings and fail on a changed one.

The mutation re-records one fact of ``output_shape_2d`` with the project's recording writer
(the deconvolution's padding moved to the start, as ONNX Runtime places it) in a copy of the
checkout's ONNX recordings and models: the claim stops holding, naming the case.
"""

from __future__ import annotations

import shutil

import pytest

from trtdeconv_docs.cassette import store
from trtdeconv_docs.cassette.publisher import publish, write_json
from trtdeconv_docs.claims import evaluate, registry
from trtdeconv_docs.claims.evidence import Evidence
from trtdeconv_docs.onnx_path import cases, pytorch_peer, recorder

from .support.paths import RECORDINGS, ROOT

ONNX_CLAIMS = sorted(name for name in registry() if name.startswith("onnx."))


@pytest.mark.parametrize("name", ONNX_CLAIMS)
def test_every_onnx_claim_holds_on_the_committed_recordings(name):
    verdict = evaluate(name, Evidence())
    assert verdict.holds, verdict.reason
    assert verdict.runs and all(run.startswith("onnx/cases/") for run in verdict.runs)


def _copy_with_output_shape_2d_padded_at_the_start(tmp_path) -> Evidence:
    shutil.copytree(ROOT / cases.MODELS, tmp_path / cases.MODELS)
    shutil.copytree(RECORDINGS / pytorch_peer.FOLDER, tmp_path / "recordings" / pytorch_peer.FOLDER)
    scratch = tmp_path / "scratch"
    shutil.copytree(RECORDINGS / recorder.FOLDER, scratch)
    (scratch / store.MANIFEST).unlink()
    document = store.read_json(RECORDINGS / recorder.FOLDER / "cases" / "output_shape_2d.json")
    layer = next(l for l in document["builds"][0]["network"]["layers"] if l["type"] == "DECONVOLUTION")
    layer["attributes"]["pre_padding"], layer["attributes"]["post_padding"] = [1, 1], [0, 0]
    write_json(scratch / "cases" / "output_shape_2d.json", document)
    publish(scratch, tmp_path / "recordings" / recorder.FOLDER, store.provenance(RECORDINGS / recorder.FOLDER),
            command="tests/test_onnx_claims.py")
    return Evidence(tmp_path / "recordings")


def test_a_re_recorded_padding_at_the_start_makes_the_output_shape_claim_fail_naming_the_case(tmp_path):
    evidence = _copy_with_output_shape_2d_padded_at_the_start(tmp_path)
    verdict = evaluate("onnx.output_shape_extra_at_end", evidence)
    assert not verdict.holds
    assert "output_shape_2d: pre_padding [1, 1], post_padding [0, 0]" in verdict.reason
    assert evaluate("onnx.qdq_axis0_silently_wrong", evidence).holds  # the control: the other cases still hold


def test_an_onnx_claim_without_its_recordings_does_not_hold_and_says_which(tmp_path):
    verdict = evaluate("onnx.qdq_axis0_silently_wrong", Evidence(tmp_path))
    assert not verdict.holds and "qdq_per_channel_axis0_2d" in verdict.reason
