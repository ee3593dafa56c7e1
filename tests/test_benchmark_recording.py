"""The benchmark recording: well-formed, internally consistent, and the page's numbers come from it.

Until the GPU run exists, the machinery is tested on a FAKE recording made in a temporary
folder (tests/support/benchmark_fake.py); the tests of the real recording skip, saying so, while
``recordings/benchmark/`` is absent.
"""

import ast
import copy
import json
import re
from pathlib import Path

import numpy as np
import pytest

from trtdeconv_docs.cassette import store as recordings
from trtdeconv_docs.benchmark import analysis, col2im, merge, plan, roofline
from trtdeconv_docs.benchmark.workloads import WORKLOADS, by_name
from trtdeconv_docs.sphinx_ext import benchmark as directive

from .support import benchmark_fake

ROOT = Path(__file__).resolve().parents[1]
REAL = recordings.root() / "benchmark"
PAGE = ROOT / "docs" / "performance.md"


@pytest.fixture(scope="module")
def fake(tmp_path_factory):
    return benchmark_fake.make(tmp_path_factory.mktemp("fake") / "benchmark")


def consistency_problems(folder):
    """Every inconsistency of a benchmark recording, as lines."""
    problems = recordings.verify_folder(folder)
    bench = analysis.load(folder)
    planned = {run.id for run in plan.runs()}
    ids = [r["id"] for r in bench.tensorrt["runs"]]
    if len(ids) != len(set(ids)):
        problems.append("duplicate run ids")
    problems += [f"{i}: not a planned run" for i in set(ids) - planned]
    if bench.pytorch_format not in (1, 2, 3):
        problems.append(f"pytorch.json: unknown format {bench.pytorch_format}")
    if bench.pytorch_format >= 2 and "launch" not in bench.pytorch["ceilings"]:
        problems.append("pytorch.json: format 2 without the launch floor")
    for record in bench.pytorch.get("col2im", []):
        shapes = col2im.plan(by_name(record["workload"]).input_shape, by_name(record["workload"]).layer)
        if record.get("gemm", shapes.gemm) != shapes.gemm or record.get("flops", shapes.flops) != shapes.flops:
            problems.append(f"{record['id']}: GEMM {record.get('gemm')} is not the workload's {shapes.gemm}")
        if record["id"] != f"{record['workload']}/pytorch_{record['kind']}/{record['precision']}":
            problems.append(f"{record['id']}: id does not name its workload, kind and precision")
    for record in (bench.tensorrt["runs"] + bench.pytorch["runs"] + bench.pytorch.get("col2im", [])
                   + list(bench.pytorch["ceilings"].values()) + list(bench.tensorrt.get("ceilings", {}).values())):
        if record.get("status", "measured") != "measured":
            continue
        samples = record["samples_ms"]
        if len(samples) < 100 or len(samples) != record["latency_ms"]["iterations"]:
            problems.append(f"{record.get('id', 'ceiling')}: {len(samples)} samples")
        recomputed = analysis.statistics(samples)
        for key in ("median", "q1", "q3"):
            if not np.isclose(recomputed[key], record["latency_ms"][key], rtol=1e-12):
                problems.append(f"{record.get('id', 'ceiling')}: {key} is not the samples'")
        verdict = record.get("check", {})
        if analysis.int8_check_problem(record):
            continue  # no evidence either way: test_the_unverifiable_int8_checks_are_the_first_recordings
        if verdict.get("worst_ratio", 0) > 1 or verdict.get("worst_ratio_vs_deconvolution", 0) > 1:
            problems.append(f"{record['id']}: output outside the tolerance rule {verdict}")
    return problems


def test_fake_recording_is_consistent(fake):
    assert consistency_problems(fake) == []
    assert "FAKE" in recordings.provenance(fake)["tensorrt"]["gpu"]


@pytest.mark.skipif(not (REAL / recordings.MANIFEST).is_file(),
                    reason="recordings/benchmark/ not recorded yet: run the benchmark on a GPU")
def test_real_recording_is_consistent():
    assert consistency_problems(REAL) == []


REAL_INT8 = ([r for r in analysis.load(REAL).tensorrt["runs"] if r["precision"] == "int8" and r["status"] == "measured"]
             if (REAL / recordings.MANIFEST).is_file() else [])


@pytest.mark.skipif(not REAL_INT8, reason="recordings/benchmark/ has no measured INT8 run")
def test_the_unverifiable_int8_checks_are_the_first_recordings():
    """The first recording's INT8 verdicts compare with a wrong emulation; what it does show holds.

    TensorRT kept ``Float`` weights (the kernel unquantized) exactly for the 3-D and grouped
    workloads, as the conformance recording measured, and where it kept ``Int8`` weights the
    recorded error is at most one kernel quantization step times the largest quantized input
    (1.0): one kernel element that the runner's float64 scale rounded to the other step.
    """
    from trtdeconv_docs.benchmark import check
    from trtdeconv_docs.benchmark.workloads import by_name

    unverifiable = [r["id"] for r in REAL_INT8 if analysis.int8_check_problem(r)]
    recorded_reference = {r["check"].get("int8_reference") for r in REAL_INT8}
    if recorded_reference == {check.INT8_REFERENCE}:
        assert unverifiable == []
        return
    assert recorded_reference == {None} and unverifiable == [r["id"] for r in REAL_INT8]
    for record in REAL_INT8:
        layer = by_name(record["workload"]).layer
        expected_kept = layer.spatial_rank == 2 and layer.num_groups == 1
        assert check.int8_weights_kept(record["engine_layers"]) == expected_kept, record["id"]
        if expected_kept:
            assert record["check"]["max_abs_error"] <= record["int8_scales"]["kernel"] * (1 + 1e-3), record["id"]


def test_an_edited_sample_is_caught(fake, tmp_path):
    import shutil

    copy = tmp_path / "benchmark"
    shutil.copytree(fake, copy)
    path = copy / "tensorrt.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"samples_ms": [', '"samples_ms": [9.0, ', 1), encoding="utf-8")
    assert any("edited after the GPU run" in line for line in consistency_problems_or_error(copy))


def consistency_problems_or_error(folder):
    try:
        return consistency_problems(folder)
    except recordings.RecordingError as error:
        return [str(error)]


def test_ratios_and_roofline_are_recomputed_from_raw_samples(fake):
    bench = analysis.load(fake)
    first, second = bench.run("depthwise/subpixel/fp16"), bench.run("depthwise/deconvolution/fp16")
    expected = np.median(second["samples_ms"]) / np.median(first["samples_ms"])
    sentence = directive.compare_sentence(bench, first["id"], second["id"])
    shown = expected if expected >= 1 else 1 / expected
    assert f"{shown:.2f}" in sentence
    copy = bench.pytorch["ceilings"]["copy"]
    bandwidth = copy["bytes"] / (np.median(copy["samples_ms"]) * 1e-3)
    assert np.isclose(analysis.ceilings(bench)["bandwidth"], bandwidth)
    workload = by_name("dcgan")
    fp16 = bench.pytorch["ceilings"]["matmul_fp16"]
    peak = fp16["flops"] / (np.median(fp16["samples_ms"]) * 1e-3)
    floor = 1e3 * max(roofline.bytes_moved(workload, "fp16") / bandwidth, 2 * workload.macs() / peak)
    row = next(r for r in analysis.roofline_rows(bench) if r["workload"] == "dcgan" and r["precision"] == "fp16")
    assert np.isclose(row["floor_ms"], floor)
    assert np.isclose(row["percent"], 100 * floor / analysis.median_ms(row["run"]))
    assert not any(r["precision"] == "int8" for r in analysis.roofline_rows(bench))  # fake: INT8 ceiling refused


def test_bytes_moved_counts_input_kernel_bias_output():
    workload = by_name("unet2d")
    n_in = 8 * 256 * 64 * 64
    n_kernel = 256 * 128 * 2 * 2
    n_out = 8 * 128 * 128 * 128
    assert roofline.bytes_moved(workload, "fp16") == 2 * (n_in + n_kernel + 128 + n_out)
    assert roofline.bytes_moved(workload, "int8") == n_in + n_kernel + 4 * (128 + n_out)


def test_tables_show_the_recorded_medians(fake):
    bench = analysis.load(fake)
    headers, rows = directive.pytorch_table(bench)
    row = next(r for r in rows if r[0] == "``unet3d``" and r[1] == "FP16")
    trt = bench.run("unet3d/deconvolution/fp16")
    torch = analysis.fastest(bench.pytorch_runs("unet3d", precision="fp16"))
    assert row[2].startswith(f"{np.median(trt['samples_ms']):#.4g}")
    assert row[5] == f"{np.median(trt['samples_ms']) / np.median(torch['samples_ms']):.2f}×"
    headers, rows = directive.refusals_table(bench)
    assert [r[0] for r in rows] == ["``depthwise/deconvolution/int8``", "``depthwise/subpixel/int8``"]
    from trtdeconv_docs.sphinx_ext import benchmark_charts

    for chart in benchmark_charts.CHARTS:
        if benchmark_charts.series(bench, chart):
            assert benchmark_charts.png(bench, chart, chinese=True).startswith(b"\x89PNG")


def test_merge_publishes_both_runs_with_both_provenances(fake, tmp_path):
    target = tmp_path / "merged"
    merge.merge(fake, fake, target)
    assert recordings.verify_folder(target) == []
    assert set(recordings.provenance(target)) == {"tensorrt", "pytorch"}


def test_merge_carries_the_earlier_runs_the_new_run_did_not_measure_and_keeps_them_out(fake, tmp_path):
    new = tmp_path / "new"
    new.mkdir()
    document = json.loads((fake / "tensorrt.json").read_text(encoding="utf-8"))
    dropped = [r["id"] for r in document["runs"] if r["status"] == "measured"][:3]
    document["runs"] = [r if r["id"] not in dropped[:2] else {"id": r["id"], "workload": r["workload"],
                        "formulation": r["formulation"], "precision": r["precision"], "status": "not_run"}
                        for r in document["runs"] if r["id"] != dropped[2]]
    (new / "tensorrt.json").write_text(json.dumps(document), encoding="utf-8")
    target = tmp_path / "merged"
    merge.merge(new, fake, target, earlier=fake)
    assert recordings.verify_folder(target) == []
    bench = analysis.load(target)
    carried = [r for r in bench.tensorrt["runs"] if "earlier_method" in r]
    assert sorted(r["id"] for r in carried) == sorted(dropped)
    assert all(analysis.unusable(r) == analysis.EARLIER_METHOD for r in carried)
    # the mark names the earlier file's format and date only: how it timed is what its runs record (issue 21)
    earlier = recordings.read_json(fake / "tensorrt.json")
    assert {r["earlier_method"] for r in carried} == {f"format {earlier.get('format', 1)}, {earlier['provenance']['date'][:10]}"}
    assert bench.tensorrt["sessions"][-1]["carried_runs"] == 3
    assert not any("earlier_method" in r for r in bench.pytorch["runs"])  # every PyTorch id was measured anew
    shown = {r["id"] for row in analysis.gap_rows(bench) for r in [row["run"]]}
    assert shown.isdisjoint(dropped)
    # another GPU and method: never a number beside the new rows, only in a table of their own
    assert not any(re.search(r"\d", directive.shown_cell(r)) for r in carried)
    headers, rows = directive.earlier_table(bench)
    assert sorted(row[0].strip("`") for row in rows) == sorted(dropped)


def _built(lines):
    """How many builds :func:`.plan.progress_lines` counts, over every phase."""
    return sum(int(m.group(1)) for m in (re.match(r"phase \d+: (\d+)/", line) for line in lines) if m)


def test_a_run_carried_by_the_merge_is_not_anew_anywhere_and_the_same_run_measured_anew_is(fake):
    """The one predicate (``analysis.carried``, ``measured_anew``, ``anew``) over the merge's own mark. Mutation: a
    usable run that ``merge.carry_earlier`` carried in from an earlier copy; every reader leaves it out (the page's
    counts, the verdicts, the runner's progress and resume, a second merge, the earlier-runs table). Control: the
    same run measured in the recording itself; every reader takes it."""
    earlier = recordings.read_json(fake / "tensorrt.json")
    pytorch = recordings.read_json(fake / "pytorch.json")
    run = next(r for r in earlier["runs"] if analysis.shown([r]))
    control = copy.deepcopy(earlier)
    mutated = copy.deepcopy(earlier)
    mutated["runs"] = [r if r["id"] != run["id"] else {**{k: r[k] for k in ("id", "workload", "formulation",
                       "precision")}, "status": "not_run"} for r in mutated["runs"]]
    assert merge.carry_earlier(mutated, earlier) == 1
    carried = next(r for r in mutated["runs"] if r["id"] == run["id"])
    mark = analysis.carried_mark(earlier.get("format", 1), earlier["provenance"]["date"])
    assert carried[analysis.CARRIED] == mark == analysis.carried_from(carried)
    assert analysis.carried_from(run) is None
    assert analysis.carried_from({**run, analysis.CARRIED: mark + ": a description typed by an older merge"}) == mark

    def readers(document):
        bench = analysis.Benchmark(tensorrt=document, pytorch=pytorch, provenance={})
        again = copy.deepcopy(document)
        again["runs"] = [r if r["id"] != run["id"] else {**r, "status": "not_run"} for r in again["runs"]]
        sessions = [s for s in document.get("sessions", []) if s.get("carried_runs")]
        return {"anew": run["id"] in {r["id"] for r in analysis.anew(document)},
                "measured_anew": analysis.measured_anew(next(r for r in document["runs"] if r["id"] == run["id"])),
                "usable": run["id"] in {r["id"] for r in analysis.shown(document["runs"])},
                "kept by a resumed runner": any(plan.done(r) for r in document["runs"] if r["id"] == run["id"]),
                "carried again by a merge": merge.carry_earlier(again, document) == 1,
                "outside the earlier-runs table": all(row[0] != f"``{run['id']}``"
                                                      for row in directive.earlier_table(bench)[1]),
                "outside the earlier session": all(run["id"] not in {r["id"] for r in directive.carried_runs(bench, s)}
                                                   for s in sessions)}

    assert set(readers(control).values()) == {True}
    assert set(readers(mutated).values()) == {False}
    assert _built(plan.progress_lines(plan.runs(), control["runs"])) == (
        _built(plan.progress_lines(plan.runs(), mutated["runs"])) + 1)


def test_the_page_types_no_measured_number_and_cites_planned_runs():
    """Every time, size, throughput or ratio in the page's prose, both editions, has the source the doctree
    check asks for (the check's own function: a recorded benchmark figure, a doctest, the allow-list)."""
    from babel.messages.pofile import read_po

    from trtdeconv_docs.sphinx_ext import page_literals

    text = PAGE.read_text(encoding="utf-8")
    with (ROOT / "docs" / "locale" / "en" / "LC_MESSAGES" / "performance.po").open("rb") as file:
        english = "\n".join(message.string for message in read_po(file) if message.id and message.string)
    allowed = page_literals.load_allow_list()
    for edition in (page_literals.prose_of(text), english):
        assert list(page_literals.quantities(edition, "docs/performance.md"))  # the guard sees the page's quantities
        unsourced = page_literals.unsourced_quantities(edition, "docs/performance.md", allowed, doctests=text)
        assert unsourced == [], [literal.literal for literal in unsourced]
    cited = [part.strip() for line in re.findall(r":runs?: (.+)", text) for part in line.split(",")]
    built = {run.id for run in plan.runs() if run.skipped is None}
    assert cited and set(cited) <= built


def test_the_pytorch_runner_needs_no_tensorrt():
    """Every package module the PyTorch runner imports, transitively, imports no ``tensorrt`` when loaded.

    (Imports inside functions run only when called: ``recordings_writer.gpu_provenance`` is not.)
    """
    package = ROOT / "src" / "trtdeconv_docs"
    seen, todo = set(), [package / "benchmark" / "pytorch.py"]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Import):
                assert all(not a.name.startswith("tensorrt") for a in node.names), path
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith("tensorrt"), path
                if node.level:
                    base = path.parent
                    for _ in range(node.level - 1):
                        base = base.parent
                    names = [node.module] if node.module else [a.name for a in node.names]
                    for name in names:
                        target = base.joinpath(*name.split("."))
                        for candidate in (target.with_suffix(".py"), target / "__init__.py"):
                            if candidate.is_file():
                                todo.append(candidate)
    assert package / "benchmark" / "workloads.py" in seen


def test_plan_filters_and_counts_builds(capsys):
    assert plan.main(["--only", "depthwise", "--dry-run"]) == 0
    out = capsys.readouterr().out
    planned = plan.runs(["depthwise"])
    assert out.count("depthwise/") == len(planned) == len({run.id for run in planned})
    assert f"{sum(run.skipped is None for run in planned)} engine builds" in out
    with pytest.raises(SystemExit):
        plan.main(["--only", "nope", "--dry-run"])
    assert len(WORKLOADS) >= 7


@pytest.fixture(scope="module")
def fake_format_1(tmp_path_factory):
    return benchmark_fake.make(tmp_path_factory.mktemp("fake1") / "benchmark", pytorch_format=1)


def test_format_1_recording_is_consistent_and_shows_not_measured(fake_format_1):
    assert consistency_problems(fake_format_1) == []
    bench = analysis.load(fake_format_1)
    headers, rows = directive.gap_table(bench)
    assert rows and all(row[-4:] == ("未测量",) * 4 for row in rows)
    note, items = directive.verdicts_nodes(bench)
    assert "未测量" in note.astext() and "--out DIR" in note.astext()
    # without the GEMM alone, a compute-bound gap stays unexplained; a bandwidth-bound one names the kernel that ran
    assert all("未测量" in item.astext() or "在 2 倍以内" in item.astext() or "受带宽限制" in item.astext()
               for item in items.children)


def test_gap_rows_are_recomputed_from_raw_samples(fake):
    bench = analysis.load(fake)
    ceilings = analysis.ceilings(bench)
    launch = np.median(bench.pytorch["ceilings"]["launch"]["per_kernel"]["samples_ms"])
    rows = analysis.gap_rows(bench)
    assert {(r["workload"], r["precision"]) for r in rows} == {(w.name, p) for w in WORKLOADS
                                                              for p in ("fp32", "tf32", "fp16")}
    for row in rows:
        workload = by_name(row["workload"])
        candidates = (bench.tensorrt_runs(workload.name, precision=row["precision"])
                      + bench.pytorch_runs(workload.name, precision=row["precision"])
                      + bench.col2im_runs(workload.name, precision=row["precision"], kind="matmul_fold"))
        best = min(np.median(r["samples_ms"]) for r in analysis.shown(candidates))
        gemm = bench.run(f"{workload.name}/pytorch_gemm/{row['precision']}")
        gemm_ms = np.median(gemm["samples_ms"])
        floor, bound = roofline.floor_ms(workload, row["precision"], ceilings)
        assert np.isclose(row["best_ms"], best) and np.isclose(row["over_floor"], best / floor)
        assert np.isclose(row["gemm_percent_of_peak"],
                          100 * gemm["flops"] / (gemm_ms * 1e-3) / ceilings[f"peak_{row['precision']}"])
        assert gemm["flops"] == 2 * workload.macs()  # the deconvolution's GEMM (a fused block's arithmetic apart)
        assert np.isclose(row["best_over_gemm"], best / gemm_ms) and np.isclose(row["launch_ms"], launch)
        assert row["cause"] == roofline.gap_cause(floor, best, gemm_ms, launch, bound, analysis.kernel_count(row["run"]))
    headers, table = directive.gap_table(bench)
    assert [r[4] for r in table] == [directive.ms(r["best_ms"]) for r in rows]


def test_every_workload_gets_a_verdict(fake):
    bench = analysis.load(fake)
    verdicts = analysis.verdict_rows(bench)
    assert {r["workload"] for r in verdicts} == {w.name for w in WORKLOADS}
    for row in verdicts:
        sentence = directive.verdict_sentence(row)
        assert row["run"]["id"] in sentence and directive.ms(row["floor_ms"]) in sentence
        assert row["cause"] != "not_measured"


@pytest.mark.parametrize("floor, best, gemm, launch, bound, kernels, cause", [
    (1.0, 2.0, None, None, "compute", 1, "within"), (1.0, 2.1, None, 0.01, "compute", 1, "not_measured"),
    (1.0, 3.0, 0.5, 0.5, "compute", 1, "launch"), (1.0, 3.0, 0.5, 0.1, "compute", 5, "launch"),
    (1.0, 3.0, 0.5, 0.1, "compute", 4, "rest"), (1.0, 3.0, None, None, "memory", 1, "memory_path"),
    (1.0, 3.0, 2.5, 0.01, "compute", 1, "gemm_shape"), (1.0, 3.0, 1.5, None, "compute", 1, "rest")])
def test_gap_cause_reads_the_measurements_in_order(floor, best, gemm, launch, bound, kernels, cause):
    """Launch is blamed only with a GPU launch test and when floor + kernels x launch is within 2x of the run."""
    assert roofline.gap_cause(floor, best, gemm, launch, bound, kernels) == cause


def test_merge_takes_the_recorded_tensorrt_run_with_a_format_3_pytorch_run(fake, tmp_path):
    """The lead re-runs only the PyTorch runner: the merge must accept the recorded tensorrt.json as it is."""
    trt = tmp_path / "trt"
    trt.mkdir()
    (trt / "tensorrt.json").write_bytes(recordings.read_bytes(REAL / "tensorrt.json"))
    target = tmp_path / "merged"
    merge.merge(trt, fake, target)
    assert recordings.verify_folder(target) == []
    bench = analysis.load(target)
    assert bench.pytorch_format == 3 and bench.tensorrt == analysis.load(REAL).tensorrt
    assert all(row["gemm_ms"] is not None and row["launch_ms"] is not None for row in analysis.gap_rows(bench)
               if row["precision"] != "int8")
