"""The guide's verdicts against the recording: issue 21's acceptance checks.

Each test reads what the page shows (tables, chart series, verdict rows) for the committed
recording and for a fake one, and fails when:

* a shown run beats the compute-bound part of its floor (then the ceiling is wrong, not the run);
* a ceiling the floors use breaks the invariants (30-100 % of spec; INT8 >= FP16 >= TF32 >= FP32);
* a shown row's precision label differs from the precision its kernel ran in (without saying so);
* a verdict names a cause its run did not measure ("launch" without a GPU launch test, a GEMM
  cause without the GEMM alone, "memory" for a compute-bound floor);
* an INT8 row whose output was never verified reaches a table, a chart or a verdict.

On the first recording (TensorRT 8.6.0, H200) the analysis before issue 21 failed the first, the
second, the fourth and the fifth: its INT8 ``_int_mm`` ceiling (6.5 % of spec, under FP16) let
``dcgan`` INT8 "beat" its floor, its eager ``copy_`` "launch floor" was blamed for ``unet2d`` and
the segmentation layers, and its unverified INT8 rows sat in the tables.
"""

import copy
import dataclasses

import pytest

from trtdeconv_docs.benchmark import analysis, kernels, roofline, specs
from trtdeconv_docs.benchmark.workloads import by_name
from trtdeconv_docs.cassette import store as recordings
from trtdeconv_docs.sphinx_ext import benchmark as directive
from trtdeconv_docs.sphinx_ext import benchmark_charts

from .support import benchmark_fake

REAL = recordings.root() / "benchmark"


@pytest.fixture(scope="module", params=["real", "fake"])
def bench(request, tmp_path_factory):
    if request.param == "real":
        return analysis.load(REAL)
    return analysis.load(benchmark_fake.make(tmp_path_factory.mktemp("fake") / "benchmark"))


def shown_runs(bench):
    """Every run whose number the page shows: the roofline, gap and verdict rows, the charts' points."""
    runs = [row["run"] for row in analysis.roofline_rows(bench)]
    runs += [row["run"] for row in analysis.gap_rows(bench)]
    runs += [row["run"] for row in analysis.verdict_rows(bench)]
    for chart in benchmark_charts.CHARTS:
        for points in benchmark_charts.series(bench, chart).values():
            runs += [bench.run(run_id) for _, _, run_id in points]
    return runs


def table_text(bench):
    tables = [directive.tensorrt_table, directive.pytorch_table, directive.roofline_table, directive.gap_table]
    return "\n".join(" | ".join(map(str, row)) for table in tables for row in table(bench)[1])


def test_no_shown_run_beats_its_compute_floor(bench):
    ceilings = analysis.ceilings(bench)
    for record in shown_runs(bench):
        peak = ceilings.get(f"peak_{record['precision'].partition('_')[0]}")
        if peak is None or "workload" not in record:
            continue
        compute_ms = 1e3 * roofline.flops(by_name(record["workload"])) / peak
        assert analysis.median_ms(record) >= compute_ms, (record["id"], analysis.median_ms(record), compute_ms)


def test_the_ceilings_used_keep_the_invariants(bench):
    used = analysis.ceilings(bench)
    problems = [p for p in specs.problems(used, bench.provenance["tensorrt"]["gpu"]) if not p.startswith("no spec")]
    assert problems == []
    assert {"bandwidth", "peak_fp32", "peak_tf32", "peak_fp16"} <= set(used)


def test_an_int8_ceiling_under_fp16_is_flagged_and_not_used(tmp_path_factory):
    """The first recording's fault (torch._int_mm with a row-major operand: INT8 under FP16): no floor from it."""
    fake = analysis.load(benchmark_fake.make(tmp_path_factory.mktemp("int8") / "benchmark"))
    source = copy.deepcopy(analysis.ceiling_source(fake))
    fp16 = source["matmul_fp16"]

    def with_int8(factor: float):
        samples = [factor * s for s in fp16["samples_ms"]]  # 1 / factor times FP16's rate on the same flops
        int8 = {**fp16, "samples_ms": samples, "latency_ms": {**fp16["latency_ms"], **analysis.statistics(samples)}}
        return dataclasses.replace(fake, pytorch={**fake.pytorch, "ceilings": {**source, "matmul_int8": int8}},
                                   tensorrt={**fake.tensorrt, "ceilings": {}})

    slow, control = with_int8(2.0), with_int8(0.5)
    assert "peak_int8" in analysis.ceiling_problems(slow) and "peak_int8" not in analysis.ceilings(slow)
    assert "peak_int8" not in analysis.ceiling_problems(control) and "peak_int8" in analysis.ceilings(control)


def test_every_shown_label_is_the_precision_its_kernel_ran_in(bench):
    for record in shown_runs(bench):
        assert kernels.label_matches(record), (record["id"], kernels.ran_in(record))
    headers, rows = directive.tensorrt_table(bench)
    for row in rows:
        workload, precision, layout = row[0].strip("`"), row[1].lower(), row[2]
        for formulation, cell in zip([h.split("``")[1] for h in headers[3:-1]], row[3:-1]):
            found = [r for r in bench.tensorrt_runs(workload, formulation=formulation, precision=precision)
                     if r.get("layout", "nchw") == layout]
            if found and analysis.unusable(found[0]) is None and not kernels.label_matches(found[0]):
                assert "实际以" in cell, (found[0]["id"], cell)


def test_every_verdict_names_a_cause_measured_in_its_run(bench):
    for row in analysis.verdict_rows(bench):
        if row["cause"] == "launch":
            assert analysis.launch_ms(bench) is not None
            assert row["best_ms"] <= roofline.WITHIN * (row["floor_ms"] + row["kernels"] * row["launch_ms"])
        if row["cause"] in ("gemm_shape", "rest"):
            assert row["gemm_ms"] is not None
        if row["cause"] == "memory_path":
            assert row["bound"] == "memory"
        sentence = directive.verdict_sentence(row)
        assert "启动" not in sentence or row["cause"] == "launch", sentence


def test_no_eager_copy_passes_for_a_launch_test():
    bench = analysis.load(REAL)
    if bench.pytorch_format < 3 and not bench.tensorrt.get("ceilings"):
        assert analysis.launch_ms(bench) is None


def test_no_unverified_int8_row_reaches_a_table_chart_or_verdict(bench):
    unverified = [r for r in bench.tensorrt["runs"] if analysis.unusable(r) == "unverified INT8 output"]
    shown = {r["id"] for r in shown_runs(bench)}
    assert not shown & {r["id"] for r in unverified}
    text = table_text(bench)
    for record in unverified:
        assert directive.latency_cell(record) not in text, record["id"]


def test_comparisons_call_no_winner_inside_the_noise(bench):
    records = [r for r in bench.tensorrt["runs"] if analysis.unusable(r) is None][:12]
    for first in records:
        for second in records:
            sentence = directive.compare_sentence(bench, first["id"], second["id"])
            if not analysis.disjoint(first, second):
                assert "没有可测的差别" in sentence
            assert "1.00 倍" not in sentence or "没有可测的差别" in sentence
