"""Claims checked at build time (test root ``test-claims``): a re-recorded fact that makes a claim false fails the build.

The recordings are the checkout's own, copied into the test root and published there with
the project's recording writer (:func:`trtdeconv_docs.cassette.publisher.publish`); one
test changes one recorded fact (the tactic TensorRT chose) the same way and expects the
build to fail naming the claim, the page and the run.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from trtdeconv_docs.cassette import store as recordings
from trtdeconv_docs.claims import evaluate, registry
from trtdeconv_docs.claims.evidence import Evidence
from trtdeconv_docs.cassette.publisher import publish, write_json

from .support.sphinx_failure import failed_build_message
from .support.paths import TENSORS

EXAMPLE = "plot_14_int8_tactics.json"


def publish_tensors(app, edit=None) -> None:
    """Publish the checkout's recording of plot_14 into the test root, after ``edit(document)`` if given."""
    scratch = Path(app.srcdir) / "scratch"
    scratch.mkdir(exist_ok=True)
    document = recordings.read_json(TENSORS / EXAMPLE)
    if edit:
        edit(document)
    write_json(scratch / EXAMPLE, document)
    publish(scratch, Path(app.srcdir) / "recordings" / "tensors", recordings.provenance(TENSORS),
            command="tests/test_claims.py")


def fp32_tactic(document) -> None:
    """Re-record, by hand and for the test only, the one-group INT8 run as if TensorRT had chosen an FP32 kernel."""
    run = next(r for r in document["runs"] if r["label"] == "int8_2d_one_group")
    layers = json.loads(run["engine"]["layers"])
    for layer in layers["Layers"]:
        if "deconv" in layer.get("Name", ""):
            layer["TacticName"] = layer["TacticName"].replace("i8f32_i8i32", "f32f32_f32f32")
    run["engine"]["layers"] = json.dumps(layers)


@pytest.mark.sphinx("html", testroot="claims", srcdir="claims-hold", freshenv=True, warningiserror=True)
def test_a_claim_that_holds_shows_its_statement_its_fact_and_its_runs(app):
    publish_tensors(app)
    app.build()
    html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    assert app.warning.getvalue() == ""
    # the fact in a span of its own class: what the rendered-literals check takes for generated
    assert '单组二维层选用 INT8 内核：<span class="trt-claim-value">sm80_xmma_fprop_implicit_gemm_interleaved_i8f32_i8i32' in html
    assert "构建时已按 GPU 记录核对：检查 int8.one_group_int8_kernel，记录 plot_14_int8_tactics.py:int8_2d_one_group。" in html


@pytest.mark.sphinx("html", testroot="claims", srcdir="claims-fail", freshenv=True, warningiserror=True)
def test_a_rerecorded_fact_that_makes_the_claim_false_fails_the_build_naming_claim_page_and_run(app):
    publish_tensors(app, fp32_tactic)
    message = failed_build_message(app)
    assert "claim 'int8.one_group_int8_kernel' on page 'index' does not hold" in message
    assert "plot_14_int8_tactics.py:int8_2d_one_group" in message
    assert "f32f32_f32f32" in message


def test_every_registered_claim_holds_against_the_checkouts_recordings():
    """The claims the pages make now (phase 1): each holds on recordings/ as committed."""
    evidence = Evidence()
    failing = {name: evaluate(name, evidence).reason for name in registry() if not evaluate(name, evidence).holds}
    assert not failing, failing


def test_a_claim_whose_run_is_missing_does_not_hold_and_says_which(tmp_path):
    shutil.copytree(TENSORS, tmp_path / "tensors")
    document = recordings.read_json(TENSORS / EXAMPLE)
    document["runs"] = [r for r in document["runs"] if r["label"] != "int8_per_channel_axis0"]
    write_json(tmp_path / "scratch" / EXAMPLE, document)
    publish(tmp_path / "scratch", tmp_path / "tensors", recordings.provenance(TENSORS), keep=[
        p.name for p in TENSORS.glob("*.json") if p.name != EXAMPLE])
    verdict = evaluate("int8.per_channel_axis0_rescaled", Evidence(tmp_path))
    assert not verdict.holds and "no run labelled 'int8_per_channel_axis0'" in verdict.reason


def test_the_command_lists_every_claim_and_fails_when_one_does_not_hold(tmp_path, capsys):
    from trtdeconv_docs.claims.__main__ import main

    assert main([]) == 0
    out = capsys.readouterr().out
    assert f"{len(registry())} of {len(registry())} claims hold" in out
    assert "holds  int8.per_channel_axis0_rescaled:" in out
    assert main([str(tmp_path)]) == 1  # no recordings there
    assert "FAILS  int8.one_group_int8_kernel:" in capsys.readouterr().out


def _with_base_centre(tmp_path: Path, centre: float) -> Evidence:
    """The checkout's recordings with plot_01_base's centre output re-recorded as ``centre`` (for the test only)."""
    shutil.copytree(TENSORS, tmp_path / "tensors")
    document = recordings.read_json(TENSORS / "plot_01_base.json")
    (output,) = document["runs"][0]["outputs"].values()
    output["values"][12] = centre
    write_json(tmp_path / "scratch" / "plot_01_base.json", document)
    publish(tmp_path / "scratch", tmp_path / "tensors", recordings.provenance(TENSORS), keep=[
        p.name for p in TENSORS.glob("*.json") if p.name != "plot_01_base.json"])
    return Evidence(tmp_path)


def test_the_base_centre_is_the_exact_value_of_the_typed_inputs_and_tensorrt_printed_its_nearest_float32(tmp_path):
    import numpy as np

    from trtdeconv_docs.example_data import seed_tensors
    from trtdeconv_docs.layer.reference import deconvolution

    facts = evaluate("base.centre_float32", Evidence()).facts
    data, weight, bias = seed_tensors()  # the oracle: the float64 model on the example's own tensors
    centre = deconvolution(data, weight, bias, num_output_maps=1, kernel_size_nd=(3, 3))[0, 0, 2, 2]
    assert round(centre, 4) == float(facts["exact"]) and facts["digits"] == len(facts["exact"].replace(".", ""))
    assert facts["printed"] == str(np.float32(centre))
    # one float32 step away: TensorRT would not have printed the nearest float32; the claim fails, saying so
    verdict = evaluate("base.centre_float32", _with_base_centre(tmp_path, float(np.nextafter(np.float32(centre),
                                                                                            np.float32(1e6)))))
    assert not verdict.holds and "is not the float32 nearest to 98765.4321" in verdict.reason
    assert verdict.runs == ["plot_01_base.py:base"]
