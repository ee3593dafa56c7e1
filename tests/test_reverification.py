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
from typing import List

import numpy as np
import pytest

from trtdeconv_docs.cassette import reverification as core_reverification
from trtdeconv_docs.cassette import store as recordings
from trtdeconv_docs.cassette.publisher import publish
from trtdeconv_docs.conformance import reverification

from .support.paths import RECORDINGS


def fresh_tensors(tmp_path, edit):
    """A published copy of recordings/tensors after ``edit(documents by file name)``."""
    scratch = tmp_path / "scratch"
    shutil.copytree(RECORDINGS / "tensors", scratch)
    (scratch / recordings.MANIFEST).unlink()
    texts = {p.name: p.read_text(encoding="utf-8") for p in scratch.glob("*.json")}
    documents = {name: json.loads(text) for name, text in texts.items()}
    edit(documents)
    for name, document in documents.items():  # edited ones only: the others keep their committed bytes (written by write_json too)
        if document != json.loads(texts[name]):
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
    from trtdeconv_docs.sphinx_ext.reproduced import reproduced_sentence, unlike_rows

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
    # the provenance page's table: the one run that was not bit-identical, and only it
    (row,) = unlike_rows(last.unlike)
    assert row[:3] == ["``plot_03_stride.json``", "``stride_nd=(2,2)``", "末位差异"]
    assert float(row[3]) > 0 and "误差界的" in row[4]


@pytest.mark.parametrize("why", core_reverification.WHYS)
def test_every_reason_a_run_differs_is_said_on_the_page(why):
    from trtdeconv_docs.sphinx_ext.reproduced import why_text

    said = why_text({"status": "differs", "why": why, "max_abs": 1.0,
                     "tactics_changed": {"deconv": ["a", "b"], "reformat": ["", ""]}})
    assert said and why not in said and said.endswith("1 个层换了内核")  # the unnamed pair is not a kernel change


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


# The benchmark's part: a sample of the committed rows measured again by the same runner ---------------------

def _fake_rows():
    from trtdeconv_docs.benchmark import plan
    from trtdeconv_docs.benchmark.workloads import Workload

    small = [Workload("dense", "k4 s2 p1", (1, 4, 5, 6), dict(num_output_maps=3, kernel_size_nd=(4, 4), stride_nd=(2, 2),
                                                               padding_nd=(1, 1))),
             Workload("decoder", "k3 s2", (1, 3, 4, 5), dict(num_output_maps=2, kernel_size_nd=(3, 3), stride_nd=(2, 2)))]
    return [plan.Run(w, "deconvolution", precision, None, "nchw") for w in small for precision in ("fp32", "fp16")]


@pytest.fixture(scope="module")
def measured_twice(tmp_path_factory):
    """The FAKE TensorRT runner (tests/fake_tensorrt/tensorrt.py) run twice on the same rows, in one runner
    process as on the GPU: the first run published as the committed recording, the second as the GPU
    re-verification's fresh ``benchmark/`` folder."""
    from .support import benchmark_fake

    folder = tmp_path_factory.mktemp("measured")
    with pytest.MonkeyPatch.context() as monkeypatch:
        runner = benchmark_fake.runner_module(monkeypatch)
        try:
            for name in ("committed-run", "fresh/benchmark"):
                runner.Runner(folder / name, _fake_rows(), time_budget=1e9).run_all()
        finally:
            benchmark_fake.forget_runner()
    benchmark_fake.publish_runner_output(folder / "committed-run", folder / "committed")
    return folder


@pytest.fixture()
def benchmark_measured_twice(measured_twice, tmp_path):
    """A private copy of :func:`measured_twice`'s committed recording and fresh folder."""
    shutil.copytree(measured_twice / "committed", tmp_path / "committed")
    shutil.copytree(measured_twice / "fresh", tmp_path / "fresh")
    return tmp_path / "committed", tmp_path / "fresh"


def test_benchmark_rows_measured_again_are_consistent(benchmark_measured_twice):
    from trtdeconv_docs.benchmark import reverification as bench

    committed, fresh = benchmark_measured_twice
    entries = bench.compare(committed, fresh / bench.FRESH)
    assert [e["status"] for e in entries] == ["consistent"] * 4, entries
    assert all(e["ratio"] == pytest.approx(1.0) and e["iqr_overlap"] for e in entries)
    assert bench.summary(entries) == {"consistent": 4, "inconsistent": 0}


def test_halved_benchmark_samples_with_every_summary_recomputed_are_inconsistent(benchmark_measured_twice, tmp_path):
    """The forgery no check in the repository sees (the loader agrees: every summary is the samples'),
    and the GPU re-measurement does."""
    from trtdeconv_docs.benchmark import analysis, tensorrt_file
    from trtdeconv_docs.benchmark import reverification as bench
    from trtdeconv_docs.cassette.publisher import write_json

    committed, fresh = benchmark_measured_twice
    scratch = tmp_path / "forged"
    shutil.copytree(committed, scratch)
    (scratch / recordings.MANIFEST).unlink()
    document = json.loads((scratch / tensorrt_file).read_text(encoding="utf-8"))
    for record in document["runs"]:
        if record.get("samples_ms"):
            record["samples_ms"] = [value / 2 for value in record["samples_ms"]]
            record["latency_ms"].update(analysis.statistics(record["samples_ms"]))
    write_json(scratch / tensorrt_file, document)
    publish(scratch, tmp_path / "forged-recording", recordings.provenance(committed), command="a forger")
    analysis.load(tmp_path / "forged-recording")  # passes every check inside the repository
    entries = bench.compare(tmp_path / "forged-recording", fresh / bench.FRESH)
    assert [e["status"] for e in entries] == ["inconsistent"] * 4, entries
    assert all(e["ratio"] == pytest.approx(2.0) and "outside" in e["why"] for e in entries)


def test_a_benchmark_row_measured_on_another_gpu_model_is_not_judged(benchmark_measured_twice):
    from trtdeconv_docs.benchmark import tensorrt_file
    from trtdeconv_docs.benchmark import reverification as bench

    committed, fresh = benchmark_measured_twice
    path = fresh / bench.FRESH / tensorrt_file
    document = json.loads(path.read_text(encoding="utf-8"))
    document["provenance"]["gpu"] = "NVIDIA H200"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert bench.summary(bench.compare(committed, fresh / bench.FRESH)) == {"consistent": 0, "inconsistent": 0,
                                                                            "other_gpu": 4}


@pytest.mark.parametrize("committed, fresh, status", [
    ([1.0, 1.0, 1.0, 1.0], [1.2, 1.2, 1.24, 1.2], "consistent"),     # a slower clock, within base/boost
    ([1.0, 1.0, 1.0, 1.0], [0.81, 0.81, 0.81, 0.81], "consistent"),
    ([1.0, 1.0, 1.0, 1.0], [1.3, 1.3, 1.3, 1.3], "inconsistent"),
    ([1.0, 1.0, 1.0, 1.0], [0.5, 0.5, 0.5, 0.5], "inconsistent"),    # the committed samples were doubled
    ([0.9, 1.0, 1.1, 1.2], [1.4, 1.4, 1.4, 1.4], "consistent"),      # q3 = 1.125: 1.4 <= 1.125 * 1.25
])
def test_the_clock_bound_widens_the_committed_interquartile_range(committed, fresh, status):
    from trtdeconv_docs.benchmark import reverification as bench

    row = {"id": "w/deconvolution/fp16", "status": "measured"}
    entry = bench.classify({**row, "samples_ms": committed}, {**row, "samples_ms": fresh}, same_gpu=True)
    assert entry["status"] == status, entry


def test_the_sample_spreads_over_workloads_and_precisions_and_the_runner_takes_it():
    from trtdeconv_docs.benchmark import analysis, plan
    from trtdeconv_docs.benchmark import reverification as bench

    recorded = analysis.load(RECORDINGS / "benchmark")
    ids = bench.sample(recorded)
    rows = [recorded.run(run_id) for run_id in ids]
    assert len(ids) == bench.SAMPLE_SIZE and all(analysis.unusable(r) is None for r in rows)
    assert len({r["workload"] for r in rows}) == bench.SAMPLE_SIZE
    assert {r["precision"] for r in rows} == {r["precision"] for r in analysis.shown(recorded.tensorrt["runs"])}
    _, planned = plan.parse_command_line("runner", ["--ids", ",".join(ids), "--dry-run"])
    assert sorted(run.id for run in planned) == sorted(ids)
    with pytest.raises(SystemExit):
        plan.parse_command_line("runner", ["--ids", "made/up/fp16", "--dry-run"])


def test_the_report_and_the_provenance_note_carry_the_benchmark_part(benchmark_measured_twice, tmp_path, monkeypatch):
    from trtdeconv_docs.benchmark import reverification as bench
    from trtdeconv_docs.cassette import reverification as core
    from trtdeconv_docs.sphinx_ext.reproduced import reproduced_sentence

    committed, fresh = benchmark_measured_twice
    root = tmp_path / "checkout"
    shutil.copytree(RECORDINGS / "tensors", root / "recordings" / "tensors")
    shutil.copytree(committed, root / "recordings" / "benchmark")
    publish(RECORDINGS / "tensors", fresh / "tensors", recordings.provenance(RECORDINGS / "tensors"), command="test")
    report = reverification.build_report(root, fresh)
    assert report["summary"]["benchmark"] == {"consistent": 4, "inconsistent": 0}
    assert report["committed_manifests"]["benchmark"] == recordings.sha256(committed / recordings.MANIFEST)
    monkeypatch.setenv(recordings.ROOT_VARIABLE, str(root / "recordings"))
    core.publish_report(report, root / "recordings" / core.FOLDER, "test")
    assert core.latest().benchmark == {"consistent": 4, "inconsistent": 0}
    sentence = f"重测了 4 个基准测试行：4 个的中位数落在记录的四分位距内（两侧各放宽 {bench.CLOCK_RATIO} 倍"
    assert sentence in reproduced_sentence()
    from trtdeconv_docs.benchmark import analysis
    from trtdeconv_docs.sphinx_ext.benchmark import provenance_text

    assert sentence in provenance_text(analysis.load(root / "recordings" / "benchmark"))  # the performance page's note


def test_reverify_sh_measures_the_sample_with_the_runner(monkeypatch, capsys):
    """What tools/gpu/reverify.sh runs for the benchmark, on the FAKE TensorRT: the sample's ids, then the runner's plan of them."""
    from trtdeconv_docs.benchmark import reverification as bench

    from .support import benchmark_fake

    script = (RECORDINGS.parent / "tools" / "gpu" / "reverify.sh").read_text(encoding="utf-8")
    assert 'rows=$("$PY" -m trtdeconv_docs.benchmark.reverification --sample)' in script
    assert '"$PY" -m trtdeconv_docs.benchmark.tensorrt --ids "$rows"' in script and '--out "$out/benchmark"' in script
    assert bench.main(["--recording", str(RECORDINGS / "benchmark"), "--sample"]) == 0
    rows = capsys.readouterr().out.strip()
    runner = benchmark_fake.runner_module(monkeypatch)
    try:
        assert runner.main(["--ids", rows, "--dry-run"]) == 0
    finally:
        benchmark_fake.forget_runner()
    plan_text = capsys.readouterr().out
    assert all(row in plan_text for row in rows.split(",")) and len(rows.split(",")) == bench.SAMPLE_SIZE


def _not_recomputable(rebuilt) -> List[str]:
    from trtdeconv_docs.cassette import recompute
    from trtdeconv_docs.cassette.recording import Recording

    known_rebuilt, missing = recompute.by_digest(rebuilt), []
    for path in recordings.listed(RECORDINGS / "tensors", ".json"):
        recording = Recording.read(path)
        known = {**recompute.known_arrays(recording.document), **known_rebuilt}
        for run in recording.runs:
            if run.refused is None:
                try:
                    recompute.recompute(run.data, known)
                except recompute.NotRecomputable:
                    missing.append(f"{path.name}:{run.label}")
    return missing


def test_every_committed_example_run_that_built_can_be_judged_by_a_bound():
    """What an example keeps by digest only is rebuilt by ``question_data.digest_only_tensors`` (the re-verification
    and the claims use it); without plot_27's dynamic layer (the control) its runs are not recomputable."""
    from trtdeconv_docs.question_data import digest_only_tensors, upsampling_tensors

    assert _not_recomputable(digest_only_tensors()) == []
    assert any(name.startswith("plot_27_autotuner.json:dynamic") for name in _not_recomputable(upsampling_tensors()))
