"""What the performance page draws and cites, against the recording (issue 21: "Page", "Curves", readability).

* every chart is computed from the recording: a changed sample in a copy changes its point and its picture;
* every series has a colour and marker pair of its own, and a legend entry only when it has a measured point;
* a cited run's table has four columns (a phone shows it without scrolling) and no raw tactic name, which
  only its collapsed details carry;
* a layer family's gain and a comparison call a winner only where the interquartile ranges are disjoint, and
  never compare a run whose kernel ran in another precision than its label;
* the "not built or not run" view is never an empty table;
* a workload's words are Chinese source text whose numbers are the workload's own (formatted from its fields);
* code in the generated tables breaks only after "/" and "_" (a ``<wbr>``, which a copy leaves out);
* the procedure's sentences about the runs it cites hold in the recording.
"""

import copy
import dataclasses
import re

import pytest
from docutils import nodes

from trtdeconv_docs.benchmark import analysis, kernels, specs
from trtdeconv_docs.benchmark.workloads import WORKLOADS
from trtdeconv_docs.cassette import store as recordings
from trtdeconv_docs.sphinx_ext import benchmark as directive
from trtdeconv_docs.sphinx_ext import benchmark_charts, tables

from .support import benchmark_fake

REAL = recordings.root() / "benchmark"
TACTIC = re.compile(r"sm\d+_\w{20,}")


@pytest.fixture(scope="module", params=["real", "fake"])
def bench(request, tmp_path_factory):
    if request.param == "real":
        return analysis.load(REAL)
    return analysis.load(benchmark_fake.make(tmp_path_factory.mktemp("fake") / "benchmark"))


def scaled(bench, run_id: str, factor: float):
    """A copy of the recording with one run's samples multiplied by ``factor`` (the file is never touched)."""
    tensorrt, pytorch = copy.deepcopy(bench.tensorrt), copy.deepcopy(bench.pytorch)
    for record in tensorrt["runs"] + pytorch["runs"]:
        if record["id"] == run_id:
            record["samples_ms"] = [factor * value for value in record["samples_ms"]]
    return dataclasses.replace(bench, tensorrt=tensorrt, pytorch=pytorch)


@pytest.mark.parametrize("chart", benchmark_charts.CHARTS)
def test_every_chart_is_drawn_from_the_recording(bench, chart):
    data = benchmark_charts.series(bench, chart)
    if not data:
        pytest.skip(f"this recording has no data for the {chart} chart (the page says so instead of drawing it)")
    name, points = next(iter(data.items()))
    x, y, run_id = points[0]
    factor = 0.5 if chart == "roofline" else 2.0  # the roofline draws the fastest run: keep it the fastest
    changed = benchmark_charts.series(scaled(bench, run_id, factor), chart)
    moved = {p[2]: p for p in changed[name]}[run_id]
    if chart == "roofline":  # achieved throughput: twice as fast
        assert moved[1] == pytest.approx(2 * y)
    else:  # a latency on the y axis
        assert moved[1] == pytest.approx(2 * y)
    assert benchmark_charts.png(bench, chart, chinese=False) != benchmark_charts.png(scaled(bench, run_id, factor),
                                                                                      chart, chinese=False)


def test_the_pytorch_scatter_reads_both_runners(bench):
    data = benchmark_charts.series(bench, "pytorch")
    assert data
    for name, points in data.items():
        precision, layout = name.lower().split(" ")
        layout = "nchw" if layout == "nchw" else "channels_last"
        for x, y, run_id in points:
            workload = run_id.split("/")[0]
            torch = [r for r in analysis.shown(bench.pytorch_runs(workload, precision=precision))
                     if (r["memory_format"] == "channels_last") == (layout == "channels_last")]
            assert x == analysis.median_ms(torch[0]) and y == analysis.median_ms(bench.run(run_id))


def test_every_series_has_its_own_colour_and_marker_and_a_measured_point(bench):
    for chart in benchmark_charts.CHARTS:
        data = benchmark_charts.series(bench, chart)
        style = benchmark_charts._style(chart)
        looks = {name.split(": ", 1)[-1]: style(name) for name in data}
        assert len(set(looks.values())) == len(looks), (chart, looks)
        assert all(points for points in data.values())


def test_the_chinese_chart_labels_are_chinese():
    assert all(re.search(r"[\u4e00-\u9fff]", zh) and not re.search(r"[\u4e00-\u9fff]", en)
               for zh, en in benchmark_charts.LABELS.values())


def test_a_cited_run_fits_a_phone_and_folds_its_tactic_away():
    bench = analysis.load(REAL)
    cited = [part.strip() for line in re.findall(r":runs?: (.+)", directive_page())
             for part in line.split(",")]
    headers, rows = directive.row_table(bench, cited)
    assert len(headers) == 4
    assert not any(TACTIC.search(cell) for row in rows for cell in row)
    _headers, details = directive.row_details_table(bench, cited)
    tactics = [entry["TacticName"] for run_id in cited for entry in kernels.compute_layers(bench.run(run_id))
               if entry.get("TacticName")]
    assert tactics and all(any(name in cell for row in details for cell in row) for name in tactics)


def directive_page() -> str:
    return (recordings.root().parent / "docs" / "performance.md").read_text(encoding="utf-8")


def test_a_family_gain_calls_a_winner_only_where_the_iqrs_are_disjoint(bench):
    for row in analysis.family_rows(bench):
        gain = directive.family_gain(bench, row)
        if "×" in gain:
            first, second = re.findall(r"``([^`]+/[^`]+)``", gain)[:2]
            assert analysis.disjoint(bench.run(first), bench.run(second)), gain
    row = next((r for r in analysis.family_rows(bench) if r["deconvolution"] and r["alternative"]), None)
    if row is None:
        pytest.skip("no family with two measured formulations")
    other = row["chosen"] if row["recommended"] != "deconvolution" and row["chosen"] else row["alternative"]
    overlapping = dict(row, **{"chosen" if other is row["chosen"] else "alternative":
                               dict(other, samples_ms=list(row["deconvolution"]["samples_ms"]))})
    assert "没有可测的差别" in directive.family_gain(bench, overlapping)


def test_a_run_whose_kernel_is_not_its_label_is_never_compared():
    bench = analysis.load(REAL)  # the fake recording names no kernels: every label matches there
    mismatched = [r for r in bench.tensorrt["runs"] if analysis.unusable(r) is None and not kernels.label_matches(r)]
    usable = [r for r in bench.tensorrt["runs"] if analysis.unusable(r) is None and kernels.label_matches(r)]
    if not mismatched:  # this recording has none: relabel a copy of a run whose kernel is known
        known = next(r for r in usable if kernels.ran_in(r) is not None)
        relabelled = dict(known, id="relabelled/" + known["id"], precision="fp32" if kernels.ran_in(known) == "fp16" else "fp16")
        assert not kernels.label_matches(relabelled)
        bench = analysis.Benchmark(dict(bench.tensorrt, runs=bench.tensorrt["runs"] + [relabelled]), bench.pytorch,
                                   bench.provenance)
        mismatched = [relabelled]
    sentence = directive.compare_sentence(bench, mismatched[0]["id"], usable[0]["id"])
    assert "不能比较" in sentence and "×" not in sentence


def test_the_not_run_view_is_never_an_empty_table(bench):
    headers, rows = directive.refusals_table(bench)
    assert all(row[1] in (directive.status_text("refused"), directive.status_text("failed")) for row in rows)
    not_run = sum(r["status"] == "not_run" for r in bench.tensorrt["runs"] + bench.pytorch["runs"])
    text = directive.not_run_text(bench)
    assert (not_run == 0) == (text == "")
    if not_run:
        assert sum(int(n) for n in re.findall(r"`` (\d+)", text)) == not_run


def test_a_verdict_calls_no_winner_inside_the_noise(bench):
    for row in analysis.gap_rows(bench):
        for other in row["tied"]:
            assert not analysis.disjoint(other, row["run"])
        sentence = directive.verdict_sentence(row)
        assert ("没有可测的差别" in sentence) == bool(row["tied"]), sentence
    row = analysis.verdict_rows(bench)[0]
    twin = dict(row["run"], id="twin/of/the/fastest")  # the same samples: overlapping IQRs
    sentence = directive.verdict_sentence(dict(row, tied=[twin]))
    assert "没有可测的差别" in sentence and "``twin/of/the/fastest``" in sentence


def test_a_workloads_and_a_familys_words_are_chinese_with_the_workloads_own_numbers():
    headers, rows = directive.workloads_table(None)
    shown = {row[0].strip("`"): row[1] for row in rows}
    for workload in WORKLOADS:
        placeholders = set(re.findall(r"\{(\w+)\}", workload.model))
        assert placeholders <= set(workload.fields()), workload.name
        typed = re.findall(r"(?<![\w.#-])\d+(?![\w-])", re.sub(r"\{\w+\}", "", workload.model))
        assert set(typed) <= {"8"}, (workload.name, typed)  # "not a multiple of 8": the alignment rule, no field
        assert re.search(r"[\u4e00-\u9fff]", workload.model), workload.name
        assert shown.get(workload.name, workload.words()) == workload.words()
        if "{batch}" in workload.model:  # a number shown comes from the field: change the field, the words follow
            bigger = dataclasses.replace(workload, input_shape=(workload.input_shape[0] + 1,) + workload.input_shape[1:])
            assert str(workload.input_shape[0] + 1) in bigger.words() and bigger.words() != workload.words()
    assert directive.family_words("large_stride_head", ["fcn_head"]) != directive.family_words("large_stride_head", ["dcgan"])
    assert "k4 s2 p1" in directive.family_words("large_stride_head", ["dcgan"])  # the first workload's attributes


def test_table_code_breaks_only_after_slashes_and_underscores():
    node = tables.code("segmentation_odd/deconvolution/fp16")
    assert node.astext() == "segmentation_odd/deconvolution/fp16" and "trtdeconv-breaks" in node["classes"]
    assert [child.astext() for child in node.children if isinstance(child, nodes.Text)] == \
        ["segmentation_", "odd/", "deconvolution/", "fp16"]
    assert [type(child) for child in node.children[1::2]] == [tables.wbr] * 3
    plain = tables.code("fp16")
    assert plain.astext() == "fp16" and not list(plain.findall(tables.wbr)) and "trtdeconv-breaks" not in plain["classes"]
    assert tables.code("a_/").astext() == "a_/" and len(list(tables.code("a_/").findall(tables.wbr))) == 1


def test_the_procedures_sentences_hold_in_the_recording():
    """Step 1: the 3-D FP16 run is host-bound; step 2: the depthwise layer loops over its groups; step 3: depthwise
    FP16 is slower than FP32 and channels-last drops the reformats; step 4: the dense layer's deconvolution beats
    its sub-pixel formulation (each with disjoint interquartile ranges)."""
    bench = analysis.load(REAL)
    page = directive_page()
    cited = set(part.strip() for line in re.findall(r":runs?: (.+)", page) for part in line.split(","))
    assert all(analysis.unusable(bench.run(run)) is None and kernels.label_matches(bench.run(run)) for run in cited)
    assert "这个 3-D 层就是" in page and bench.run("unet3d/deconvolution/fp16")["host_bound"]
    assert [entry["LayerType"] for entry in kernels.compute_layers(bench.run("depthwise/deconvolution/fp32"))] == \
        ["CaskGemmDeconvolution"]

    def faster(first: str, second: str) -> bool:
        a, b = bench.run(first), bench.run(second)
        return analysis.disjoint(a, b) and analysis.median_ms(a) < analysis.median_ms(b)

    assert "FP16 反而更慢" in page and faster("depthwise/deconvolution/fp32", "depthwise/deconvolution/fp16")
    assert analysis.reformat_share(bench.run("unet2d/deconvolution/fp16/channels_last")) == 0
    assert analysis.reformat_share(bench.run("unet2d/deconvolution/fp16")) > 0
    assert "它比等价的子像素卷积快" in page and faster("dcgan/deconvolution/fp16", "dcgan/subpixel/fp16")
    assert "这份记录没有测到 INT8" in page and not [r for r in bench.tensorrt["runs"] if r["precision"].startswith("int8")
                                                  and "earlier_method" not in r and analysis.median_ms(r) is not None]


def test_the_method_section_takes_its_scope_and_the_earlier_recording_from_the_recording(bench):
    new = [r for r in bench.tensorrt["runs"] if r.get("status") == "measured" and "earlier_method" not in r]
    text = directive.scope_text(bench)
    assert f"测了 {len({r['workload'] for r in new})} 个负载" in text and f"的 {len(new)} 次 TensorRT 运行" in text
    # the earlier-recording part on a recording that carries earlier runs (the real one, when the fake has none)
    carrying = bench if directive.earlier_sessions(bench) else analysis.load(REAL)
    sessions, text = directive.earlier_sessions(carrying), directive.scope_text(carrying)
    assert sessions
    for session in sessions:
        assert session["provenance"]["gpu"] in text and session["provenance"]["date"][:10] in text
        assert f"{session['carried_runs']} 次测量" in text
    moved = copy.deepcopy(carrying.tensorrt)
    gpu = carrying.tensorrt["provenance"]["gpu"]
    for session in moved["sessions"]:
        session["provenance"]["gpu"] = gpu
    same_gpu = directive.scope_text(dataclasses.replace(carrying, tensorrt=moved))
    assert "GPU 也不同" not in same_gpu and ("GPU 也不同" in text) == any(
        s["provenance"]["gpu"] != gpu for s in sessions)


def test_the_page_types_no_fact_that_the_recording_holds():
    page, bench = directive_page(), analysis.load(REAL)
    assert not re.search(r"([二三四五六七八九十两]|\d+ ?)个负载", page)
    for provenance in [bench.tensorrt["provenance"]] + [s["provenance"] for s in bench.tensorrt.get("sessions", [])]:
        models = [word for word in provenance["gpu"].split() if re.fullmatch(r"[A-Z]+\d{2,}\w*", word)]
        assert models and not any(model in page for model in models) and provenance["date"][:10] not in page


def test_a_family_kept_without_a_measured_alternative_says_no_alternative_was_measured():
    bench = analysis.load(REAL)  # fcn_head and unet3d: only the deconvolution was measured anew
    _headers, table = directive.families_table(bench)
    alone = [(row, cells) for row, cells in zip(analysis.family_rows(bench), table)
             if row["deconvolution"] and row["recommended"] == "deconvolution" and row["alternative"] is None]
    assert alone
    for row, cells in alone:
        assert "没有测量其他写法" in cells[2] and "没有测量任何等价写法" in cells[3]
        earlier = directive.earlier_alternatives(bench, row)
        assert all(f"``{r['id']}``" in cells[3] and "earlier_method" in r for r in earlier)
        assert ("旧记录测得" in cells[3]) == bool(earlier)


def test_the_warmup_words_come_from_the_recorded_rule(bench):
    settings = dict(bench.tensorrt.get("settings", {}),
                    warmup="batches of 7 graph replays until 4 batch medians agree within 3 % (at most 2.5 s)")
    changed = analysis.Benchmark(dict(bench.tensorrt, settings=settings), bench.pytorch, bench.provenance)
    text = directive.warmup_text(changed)
    assert "每批 7 次" in text and "连续 4 批" in text and "3 %" in text and "2.5 秒" in text
    assert text != directive.warmup_text(bench)
    unparsed = analysis.Benchmark(dict(bench.tensorrt, settings=dict(settings, warmup="a new rule")), bench.pytorch,
                                  bench.provenance)
    assert "``a new rule``" in directive.warmup_text(unparsed)  # shown as recorded, never guessed


def test_the_ceiling_rule_takes_the_gemm_from_the_recording_and_the_window_and_order_from_specs(bench, monkeypatch):
    def gemms(benchmark):
        return [e["what"] for e in benchmark.tensorrt.get("ceilings", {}).values() if directive.GEMM.match(e.get("what", ""))]

    bench = bench if gemms(bench) else analysis.load(REAL)  # the fake's ceilings describe no GEMM: the real ones do
    text, whats = directive.ceiling_rule_text(bench), gemms(bench)
    assert whats and all(directive.GEMM.match(w)["inputs"] + " 通道" in text for w in whats)
    ceilings = {name: dict(entry, what=entry["what"].replace(directive.GEMM.match(entry["what"])[0],
                                                             "1x1 convolution 4096->4096 over"))
                if directive.GEMM.match(entry.get("what", "")) else entry
                for name, entry in bench.tensorrt["ceilings"].items()}
    changed = analysis.Benchmark(dict(bench.tensorrt, ceilings=ceilings), bench.pytorch, bench.provenance)
    assert "4096 通道" in directive.ceiling_rule_text(changed)
    assert f"{100 * specs.LOW:.0f} % 到 {100 * specs.HIGH:.0f} %" in text
    assert "INT8 ≥ FP16 ≥ TF32 ≥ FP32" in text
    monkeypatch.setattr(specs, "LOW", 0.25)
    monkeypatch.setattr(specs, "HIGH", 0.95)
    monkeypatch.setattr(specs, "ORDER", ("peak_fp16", "peak_fp32"))
    changed = directive.ceiling_rule_text(bench)
    assert "25 % 到 95 %" in changed and "FP16 ≥ FP32，" in changed and "INT8" not in changed
