"""The real GPU recordings of the ONNX cases (``recordings/onnx``, ``recordings/onnx-pytorch``) replay on the CPU.

PyTorch's peer runs replay (inputs matched) and equal ONNX Runtime's output computed now. Every
TensorRT case and precision replays (its committed model's sha256, the builder settings and the
inputs match), a case the recorder failed on is a ``recorder_failure`` that the page shows as not
recorded, with the command that records it (a site showing it nowhere fails to build), and a
changed committed model stops the replay and the page's build naming the model and the command
that records it. Both folders come from one run of ``bash tools/gpu/onnx.sh`` (H100, 2026-12-08),
in which ``modelopt_source_2d`` failed in this package's reader of the engine inspector's JSON
(fixed since in ``trt.inspector.information``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import onnx
import pytest
from sphinx.errors import ExtensionError

from trtdeconv_docs.cassette import store
from trtdeconv_docs.errors import ReplayMiss
from trtdeconv_docs.onnx_path import cases, onnx_runtime, pytorch_peer, recorded, recorder, report
from trtdeconv_docs.sphinx_ext import onnx_cases

from .support.paths import RECORDINGS, ROOT


def test_pytorchs_folder_is_what_the_gpu_command_wrote():
    assert store.verify_folder(RECORDINGS / pytorch_peer.FOLDER) == []


@pytest.mark.parametrize("case", cases.CASES, ids=lambda c: c.name)
def test_pytorchs_recorded_runs_replay_and_equal_onnx_runtime_computed_now(case):
    """PyTorch's ``conv_transpose`` on the GPU (TF32 off) and ONNX Runtime on this CPU: the same bytes, the inputs
    and weights being multiples of 1/16 (every product and sum exact in float32)."""
    peer = recorded.pytorch(case)
    if "not_expressible" in peer:
        assert pytorch_peer.expressible(case) == peer["not_expressible"]
        return
    assert [run.tensor("x")[2].shape for run in peer["runs"]] == list(case.shapes)
    for run in peer["runs"]:
        inputs = {name: run.tensor(name)[2] for name in run.data["inputs"]}
        expected = onnx_runtime.run(cases.model_path(ROOT, case), inputs)["y"]
        np.testing.assert_array_equal(run.outputs()["y"], expected)


def test_tensorrts_folder_is_what_the_gpu_command_wrote():
    assert store.verify_folder(RECORDINGS / recorder.FOLDER) == []


def test_every_case_was_recorded_or_is_a_recorder_failure_shown_as_not_recorded():
    summary = store.read_json(RECORDINGS / recorder.FOLDER / "summary.json")
    assert summary["skipped"] == []
    assert sorted(summary["recorded"] + summary["failed"]) == sorted(c.name for c in cases.CASES)
    assert store.provenance(RECORDINGS / recorder.FOLDER)["tensorrt"].split(".")[:2] == ["8", "6"]
    for name in summary["failed"]:
        case = cases.BY_NAME[name]
        for precision in case.precisions:
            shown = report.summarize(case, precision)
            assert shown.outcome == report.RECORDER_FAILURE, f"{name} {precision}: failed, but not a recorder_failure"
            cell = onnx_cases.row(shown)[2]
            assert cell.startswith("未录制") and f"--only {name}``" in cell and shown.messages[0] in cell
    assert report.messages(), "TensorRT refused some cases"
    assert not any(s.outcome == report.RECORDER_FAILURE for found in report.messages().values() for s in found)


def test_a_failed_case_that_no_table_shows_fails_the_build_check():
    failed = report.failed_cases()
    assert failed == ["modelopt_source_2d"]
    everything = {"onnx": {c.name for c in cases.CASES}}
    assert onnx_cases.unshown_failures(everything) == []
    assert onnx_cases.unshown_failures({"onnx": everything["onnx"] - set(failed)}) == failed


@pytest.mark.parametrize("case", cases.CASES, ids=lambda c: c.name)
def test_every_case_replays_at_every_precision(case):
    for precision in case.precisions:
        summary = report.summarize(case, precision)
        if case.name in report.failed_cases():  # checked as such above
            continue
        assert summary.outcome in ("parser", "builder", "runtime", "built")
        if summary.outcome == "built":
            assert len(summary.onnxruntime) == len(case.shapes)


def test_every_polygraphy_case_replays():
    for name in recorder.POLYGRAPHY_CASES:
        result = recorded.polygraphy(cases.BY_NAME[name])
        assert result["command"].startswith(f"polygraphy run {cases.MODELS}/{name}.onnx --trt --onnxrt")


@pytest.fixture
def real_copy(tmp_path, monkeypatch) -> Path:
    """A copy of the checkout's committed models and ONNX recordings, as the recordings in use."""
    shutil.copytree(ROOT / cases.MODELS, tmp_path / cases.MODELS)
    for folder in (recorder.FOLDER, pytorch_peer.FOLDER):
        shutil.copytree(RECORDINGS / folder, tmp_path / "recordings" / folder)
    monkeypatch.setenv(store.ROOT_VARIABLE, str(tmp_path / "recordings"))
    return tmp_path


def _change_one_attribute(root: Path, name: str, attribute: str, value) -> None:
    path = root / cases.MODELS / f"{name}.onnx"
    model = onnx.load(path)
    next(a for a in model.graph.node[0].attribute if a.name == attribute).ints[:] = value
    onnx.save(model, path)


def test_a_changed_committed_model_fails_the_replay_naming_it(real_copy):
    _change_one_attribute(real_copy, "dilations_2d", "dilations", [1, 1])
    with pytest.raises(ReplayMiss, match=r"ONNX case dilations_2d: onnx_models/dilations_2d\.onnx differs from the "
                                         r"model recorded on a GPU .*bash tools/gpu/onnx\.sh OUTDIR"):
        report.summaries(["dilations"])
    report.summaries(["group"])  # the other cases still replay


@pytest.mark.sphinx("html", testroot="onnx", srcdir="onnx-real-changed", freshenv=True)
def test_a_changed_committed_model_fails_the_page_build_naming_it(real_copy, app):
    _change_one_attribute(real_copy, "output_padding_gt_pads_2d", "output_padding", [0, 0])
    with pytest.raises(ReplayMiss, match=r"output_padding_gt_pads_2d\.onnx differs from the model recorded"):
        app.build()


@pytest.mark.sphinx("html", testroot="onnx", srcdir="onnx-real-unshown", freshenv=True)
def test_a_site_whose_tables_leave_out_the_failed_case_fails_to_build_naming_it(real_copy, app):
    """The test root's tables show output_padding and output_shape only: modelopt_source_2d (int8) is nowhere."""
    with pytest.raises(ExtensionError, match=r"ONNX case\(s\) modelopt_source_2d failed in the recorder .* "
                                             r"add the topic\(s\) int8 to an onnx-case-table"):
        app.build()


def test_the_readme_gives_the_command_that_records_each_failed_case():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert all(recorder.command_for(name) in readme for name in report.failed_cases())
