"""The GPU re-verification's classification, on fresh folders made from the committed recordings.

A fresh folder is published with the project's own writer from a copy of ``recordings/tensors``
(and ``conformance``) with chosen edits, as a GPU run would publish it; the comparison must
call an untouched run ``identical``, a one-ulp change ``last_bits``, a changed value beyond two
summation bounds and a new refusal ``differs``, a run on one side only ``removed``/``added`` (not
counted), and leave out an example the fresh run did not re-run.
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from trtdeconv_docs.conformance import reverification
from trtdeconv_docs.cassette import store as recordings
from trtdeconv_docs.cassette.publisher import publish

from .support.paths import RECORDINGS


def fresh_tensors(tmp_path, edit):
    """A published copy of recordings/tensors after ``edit(documents by file name)``."""
    scratch = tmp_path / "scratch"
    shutil.copytree(RECORDINGS / "tensors", scratch)
    (scratch / recordings.MANIFEST).unlink()
    documents = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in scratch.glob("*.json")}
    edit(documents)
    for name, document in documents.items():
        (scratch / name).write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    publish(scratch, tmp_path / "fresh" / "tensors", recordings.provenance(RECORDINGS / "tensors"), command="test")
    return tmp_path / "fresh"


def first_output(document, label):
    run = next(r for r in document["runs"] if r["label"] == label)
    return next(iter(run["outputs"].values()))["values"]


def statuses(report):
    return {(e["example"], e["run"]): e["status"] for e in report["examples"]}


def test_untouched_recordings_are_identical(tmp_path):
    report = reverification.build_report(RECORDINGS.parent, fresh_tensors(tmp_path, lambda documents: None))
    assert report["summary"]["examples"]["identical"] == len(report["examples"]) > 50


def test_one_ulp_is_last_bits_and_a_real_change_differs(tmp_path):
    def edit(documents):
        values = first_output(documents["plot_03_stride.json"], "stride_nd=(2,2)")
        values[3] = float(np.nextafter(np.float32(values[3]), np.float32(np.inf)))
        first_output(documents["plot_01_base.json"], "base")[0] += 1.0
        documents["plot_04_padding.json"]["runs"].pop()
        run = documents["plot_11_dilation.json"]["runs"][0]
        run["refused"], run["outputs"] = ["[ERROR] made up"], {}
    report = reverification.build_report(RECORDINGS.parent, fresh_tensors(tmp_path, edit))
    found = statuses(report)
    assert found[("plot_03_stride.json", "stride_nd=(2,2)")] == "last_bits"
    assert found[("plot_01_base.json", "base")] == "differs"
    assert [e["status"] for e in report["examples"] if e["example"] == "plot_04_padding.json"][-1] == "removed"
    dilation = documents_first_label("plot_11_dilation.json")
    assert found[("plot_11_dilation.json", dilation)] == "differs"
    counted = report["summary"]["examples"]
    assert counted["identical"] == len(report["examples"]) - 4 and counted["differs"] == 2
    assert "removed" not in counted


def test_an_example_the_fresh_run_did_not_rerun_is_left_out(tmp_path):
    fresh = fresh_tensors(tmp_path, lambda documents: None)
    (fresh / "tensors" / "plot_01_base.json").unlink()
    report = reverification.build_report(RECORDINGS.parent, fresh)
    assert "plot_01_base.json" not in {e["example"] for e in report["examples"]}
    assert report["summary"]["examples"]["identical"] == len(report["examples"]) > 40


def documents_first_label(name):
    return recordings.read_json(RECORDINGS / "tensors" / name)["runs"][0]["label"]


def test_conformance_runs_compare_case_by_case(tmp_path):
    shutil.copytree(RECORDINGS / "conformance", tmp_path / "fresh" / "conformance")
    report = reverification.build_report(RECORDINGS.parent, fresh_tensors(tmp_path, lambda documents: None))
    assert report["summary"]["conformance"]["identical"] == len(report["conformance"]) > 1000


@pytest.mark.parametrize("old, new, status", [
    ({"o": np.float32([1, 2])}, {"o": np.float32([1, 2])}, "identical"),
    ({"o": np.float32([1, 2])}, {"o": np.float32([1, 2, 3])}, "differs"),
    ({"o": np.float32([1, 2])}, {"o": np.float32([1, 2.0000002])}, "differs"),  # no bound: cannot judge
])
def test_compare_outputs_without_bounds(old, new, status):
    assert reverification.compare_outputs(old, new, None)["status"] == status


def test_the_provenance_note_shows_the_last_reproduction(tmp_path, monkeypatch):
    from trtdeconv_docs.cassette import reverification as core
    from trtdeconv_docs.sphinx_ext.gallery import reproduced_sentence

    def edit(documents):
        values = first_output(documents["plot_03_stride.json"], "stride_nd=(2,2)")
        values[3] = float(np.nextafter(np.float32(values[3]), np.float32(np.inf)))
    fresh = fresh_tensors(tmp_path, edit)
    report = reverification.build_report(RECORDINGS.parent, fresh)
    root = tmp_path / "recordings"
    shutil.copytree(RECORDINGS / "tensors", root / "tensors")
    monkeypatch.setenv(recordings.ROOT_VARIABLE, str(root))
    assert core.latest() is None and reproduced_sentence() == ""
    report["fresh_provenance"] = dict(report["fresh_provenance"], gpu="NVIDIA H100 80GB HBM3")
    core.publish_report(report, root / core.FOLDER, "test")
    last = core.latest()
    # the date of the fresh GPU run (its provenance), not of the comparison on a CPU
    assert (last.gpu, last.date, last.counts["last_bits"]) == (
        "NVIDIA H100 80GB HBM3", report["fresh_provenance"]["date"][:10], 1)
    sentence = reproduced_sentence()
    assert f"{last.total} 次已记录的运行独立地再跑了一遍并与记录比较：{last.total - 1} 次逐位相同，1 次的差异在求和顺序的误差界之内" in sentence
    assert "NVIDIA H100 80GB HBM3" in sentence and last.date in sentence


def test_a_report_edited_after_publishing_is_refused(tmp_path, monkeypatch):
    from trtdeconv_docs.cassette import reverification as core

    root = tmp_path / "recordings"
    monkeypatch.setenv(recordings.ROOT_VARIABLE, str(root))
    report = {"format": core.FORMAT, "compared": "2026-12-01T00:00:00Z", "fresh_provenance": {"gpu": "G", "tensorrt": "8.6.0"},
              "summary": {"examples": {"identical": 3, "last_bits": 0, "differs": 0}}, "examples": []}
    core.publish_report(report, root / core.FOLDER, "test")
    path = root / core.FOLDER / core.REPORT
    path.write_text(path.read_text(encoding="utf-8").replace('"identical": 3', '"identical": 56'), encoding="utf-8")
    with pytest.raises(recordings.RecordingError, match="report.json: edited after the GPU run"):
        core.latest()
