"""The GPU re-verification's classification, on fresh folders made from the committed recordings.

A fresh folder is published with the project's own writer from a copy of ``recordings/tensors``
(and ``conformance``) with chosen edits, as a GPU run would publish it; the comparison must
call an untouched run ``identical``, a one-ulp change ``last_bits``, a changed value beyond two
summation bounds, a new refusal and a lost run ``differs``.
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from trtdeconv_docs import reverification
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
    assert [e for e in report["examples"] if e["example"] == "plot_04_padding.json" and e["status"] == "differs"]
    dilation = documents_first_label("plot_11_dilation.json")
    assert found[("plot_11_dilation.json", dilation)] == "differs"
    assert report["summary"]["examples"]["identical"] == len(report["examples"]) - 4


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
