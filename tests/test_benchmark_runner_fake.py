"""The TensorRT runner end to end on CPU, against a FAKE tensorrt and CUDA runtime (tests/fake_tensorrt).

The fake evaluates the networks the runner builds in NumPy, so these tests prove the harness:
every formulation's layers (phases, shuffles, slices, Q/DQ before and after the layer) compute the
deconvolution, channels-last I/O round-trips, the CUDA-graph timing and the ceilings run and are
recorded with the fields the analysis reads, and the timing cache is written. They say nothing
about TensorRT's speed; that is the GPU recording's job (tools/gpu/perf.sh).
"""

import json

import numpy as np
import pytest

from trtdeconv_docs.benchmark import analysis, merge, plan, upsampling
from trtdeconv_docs.benchmark.formulations import FORMULATIONS
from trtdeconv_docs.benchmark.workloads import Workload

from .support import benchmark_fake
from .fake_tensorrt import tensorrt as trt_fake

SMALL = [
    Workload("dense", "k4 s2 p1", (2, 4, 5, 6), dict(num_output_maps=3, kernel_size_nd=(4, 4), stride_nd=(2, 2),
                                                       padding_nd=(1, 1))),
    Workload("decoder", "k3 s2 op1", (1, 3, 4, 5), dict(num_output_maps=2, kernel_size_nd=(3, 3), stride_nd=(2, 2),
                                                         pre_padding=(1, 1), post_padding=(0, 0))),
    Workload("dw", "depthwise", (1, 4, 5, 5), dict(num_output_maps=4, kernel_size_nd=(4, 4), stride_nd=(2, 2),
                                                    padding_nd=(1, 1), num_groups=4)),
    Workload("vol", "3-D k2 s2", (1, 2, 2, 3, 2), dict(num_output_maps=3, kernel_size_nd=(2, 2, 2),
                                                        stride_nd=(2, 2, 2))),
]


@pytest.fixture()
def runner_module(monkeypatch):
    yield benchmark_fake.runner_module(monkeypatch)
    benchmark_fake.forget_runner()


def small_runs():
    result = []
    for workload in SMALL:
        for formulation in FORMULATIONS:
            for precision in ("fp32", "fp16", "int8", "int8_out"):
                for layout in plan.LAYOUTS:
                    from trtdeconv_docs.benchmark.formulations import not_applicable
                    reason = (not_applicable(formulation, workload.input_shape, workload.layer)
                              or plan.layout_not_applicable(workload, precision, layout))
                    result.append(plan.Run(workload, formulation, precision, reason, layout))
    return result


def test_every_formulation_precision_and_layout_computes_the_deconvolution(runner_module, tmp_path):
    planned = small_runs()
    runner = runner_module.Runner(tmp_path, planned, time_budget=1e9, cache_file=tmp_path / "timing.cache")
    runner.run_all()
    text = (tmp_path / "tensorrt.json").read_text(encoding="utf-8")
    document = json.loads(text)
    assert text == json.dumps(document, indent=1, ensure_ascii=False) + "\n"  # as write_json writes every recording
    assert document["finished"] and document["format"] == 2
    assert (tmp_path / "timing.cache").read_bytes() == b"fake-timing-cache"
    measured = [r for r in document["runs"] if r["status"] == "measured"]
    assert [r for r in document["runs"] if r["status"] not in ("measured", "not_applicable")] == []
    assert {r["layout"] for r in measured} == {"nchw", "channels_last"}
    assert {r["formulation"] for r in measured} == set(FORMULATIONS)
    for record in measured:
        check = record["check"]
        assert check["non_finite"] == 0, record["id"]
        if check["rule"] is not None:
            assert check["worst_ratio"] <= 1, (record["id"], check)
        else:  # FP16: no rule; the fake rounds input and output to FP16 only
            assert check["max_abs_error"] <= 4e-3 * max(check["max_abs_reference"], 1), (record["id"], check)
        assert len(record["samples_ms"]) == record["latency_ms"]["iterations"] >= 100
        assert record["warmup"]["settled"] and record["enqueue_ms"]["latency_ms"]["iterations"] == 50
        assert record["host_bound"] in (True, False) and "cold_l2" in record and record["layer_times_ms"]
    channels_last = [r for r in measured if r["layout"] == "channels_last"]
    assert {r["io_formats"]["x"]["format"] for r in channels_last} == {"HWC8", "HWC", "DHWC8"}
    int8_out = [r for r in measured if r["precision"] == "int8_out"]
    assert int8_out and all("output_scale" in r["check"] for r in int8_out)
    # FP16 builds clear TF32, as INT8 builds leave it
    assert all(r["flags"] == ["FP16"] for r in measured if r["precision"] == "fp16")
    ceilings = document["ceilings"]
    assert {k: v["status"] for k, v in ceilings.items()} == {
        "copy": "measured", "launch": "measured", "matmul_fp16": "measured", "matmul_int8": "measured",
        "matmul_tf32": "measured", "matmul_fp32": "measured"}
    assert ceilings["launch"]["kernels_per_graph"] == 100
    assert ceilings["launch"]["latency_ms"] is ceilings["launch"]["per_kernel"]["latency_ms"] or \
        ceilings["launch"]["latency_ms"] == ceilings["launch"]["per_kernel"]["latency_ms"]
    assert all(len(c["samples_ms"]) >= 100 for c in ceilings.values())
    assert len(ceilings["matmul_fp16"]["samples_ms"]) == 100


def test_the_time_budget_stops_building(runner_module, tmp_path):
    planned = [r for r in small_runs() if r.skipped is None][:3]
    runner = runner_module.Runner(tmp_path, planned, time_budget=-1.0)
    runner.run_all(ceilings=False)
    document = json.loads((tmp_path / "tensorrt.json").read_text())
    assert {r["status"] for r in document["runs"]} == {"not_run"}


def test_phases_plan_layers_are_one_convolution_per_phase(runner_module, tmp_path):
    workload = SMALL[0]
    runner = runner_module.Runner(tmp_path, [plan.Run(workload, "subpixel_phases", "fp32")], time_budget=1e9)
    trt_fake.Builder.built.clear()
    runner.run_all(ceilings=False)
    network = trt_fake.Builder.built[-1][0]
    convolutions = [layer for layer in network.layers if layer.kind == "convolution"]
    assert len(convolutions) == 4 and {c.kernel_size_nd for c in convolutions} == {(2, 2)}
    assert np.isfinite(json.loads((tmp_path / "tensorrt.json").read_text())["runs"][0]["check"]["worst_ratio"])


def test_a_resumed_run_keeps_the_earlier_session(runner_module, tmp_path):
    planned = [r for r in small_runs() if r.skipped is None][:4]
    first, second = tmp_path / "first", tmp_path / "second"
    runner_module.Runner(first, planned[:2], time_budget=1e9).run_all(ceilings=False)
    runner_module.Runner(second, planned, time_budget=1e9, resume=first / "tensorrt.json").run_all(ceilings=False)
    document = json.loads((second / "tensorrt.json").read_text())
    assert [r["id"] for r in document["runs"]] == [r.id for r in planned]
    assert [r.get("session") for r in document["runs"]] == [0, 0, None, None]
    assert document["session"] == 1 and len(document["sessions"]) == 1


def test_a_resumed_run_makes_a_carried_run_again_and_keeps_one_measured_anew(runner_module, tmp_path):
    """``plan.done`` over the merge's mark. Mutation: a measured run that ``merge.carry_earlier`` carried in is made
    again. Control: the run measured in that recording is kept, with its session."""
    planned = [r for r in small_runs() if r.skipped is None][:2]
    first, second = tmp_path / "first", tmp_path / "second"
    runner_module.Runner(first, planned, time_budget=1e9).run_all(ceilings=False)
    earlier = json.loads((first / "tensorrt.json").read_text())
    document = json.loads((first / "tensorrt.json").read_text())
    document["runs"][0] = {**document["runs"][0], "status": "not_run"}
    assert merge.carry_earlier(document, earlier) == 1 and analysis.carried(document["runs"][0])
    (first / "tensorrt.json").write_text(json.dumps(document))
    runner_module.Runner(second, planned, time_budget=1e9, resume=first / "tensorrt.json").run_all(ceilings=False)
    runs = json.loads((second / "tensorrt.json").read_text())["runs"]
    assert [r["id"] for r in runs] == [r.id for r in planned]
    assert [r.get("session") for r in runs] == [None, len(document["sessions"])]  # after the merge's own session
    assert [analysis.measured_anew(r) for r in runs] == [True, True]


def test_a_failed_capture_falls_back_to_timed_enqueues(runner_module, tmp_path, monkeypatch):
    monkeypatch.setattr(trt_fake.FakeCudart, "cudaStreamBeginCapture", lambda self, stream, mode: (1,))  # an error
    run = plan.Run(SMALL[0], "deconvolution", "fp32")
    runner_module.Runner(tmp_path, [run], time_budget=1e9).run_all(ceilings=False)
    record = json.loads((tmp_path / "tensorrt.json").read_text())["runs"][0]
    assert record["status"] == "measured" and record["cuda_graph"] is False and "graph_error" in record
    assert record["check"]["worst_ratio"] <= 1


@pytest.mark.parametrize("behaviour, status", [("log_error", "measured"), ("refuse", "refused")])
def test_the_benchmark_follows_the_engine_modules_one_rule(runner_module, tmp_path, monkeypatch, behaviour, status):
    """Built if TensorRT returns an engine, whatever it logged (the rule of trt/engine.py, the session's too);
    refused when it returns none."""
    monkeypatch.setattr(trt_fake.Builder, "behaviour", behaviour)
    runner_module.Runner(tmp_path, [plan.Run(SMALL[0], "deconvolution", "fp32")], time_budget=1e9).run_all(ceilings=False)
    record = json.loads((tmp_path / "tensorrt.json").read_text())["runs"][0]
    assert record["status"] == status
    logged = record["warnings"] if status == "measured" else record["messages"]
    assert "[ERROR] the fake logs an error" in logged


BILINEAR = Workload("bilinear", "IDAUp k4 s2 p1 depthwise, frozen bilinear", (1, 4, 5, 6),
                    dict(num_output_maps=4, kernel_size_nd=(4, 4), stride_nd=(2, 2), padding_nd=(1, 1), num_groups=4),
                    "bilinear", "bilinear")
OTHERS = [BILINEAR,
          Workload("head8", "k8 s4 p2 depthwise, frozen bilinear", (1, 3, 4, 3),
                   dict(num_output_maps=3, kernel_size_nd=(8, 8), stride_nd=(4, 4), padding_nd=(2, 2), num_groups=3),
                   "bilinear", "bilinear"),
          Workload("line", "1-D k4 s2 p1 as 2-D of height 1", (1, 3, 1, 9),
                   dict(num_output_maps=2, kernel_size_nd=(1, 4), stride_nd=(1, 2), padding_nd=(0, 1)), "hifigan")] + [
    Workload(f"block_{block}", block, (2, 3, 4, 5), dict(num_output_maps=2, kernel_size_nd=(4, 4), stride_nd=(2, 2),
                                                         padding_nd=(1, 1)), "fused", block=block)
    for block in ("bias_relu", "bn_relu", "add", "concat")] + [
    Workload("dyn", "dynamic", (1, 3, 5, 5), dict(num_output_maps=2, kernel_size_nd=(4, 4), stride_nd=(2, 2),
                                                  padding_nd=(1, 1)), "dynamic",
             profile=((1, 3, 3, 3), (1, 3, 5, 5), (1, 3, 8, 7)))]


def other_runs():
    """Every applicable formulation in FP32; the deconvolution and ``subpixel`` in FP16 (channels-last too) and INT8
    (with and without output Q/DQ); the alternatives in FP16."""
    result = []
    for workload in OTHERS:
        for formulation in FORMULATIONS + upsampling.ALTERNATIVES:
            for precision, layout in (("fp32", "nchw"), ("fp16", "nchw"), ("fp16", "channels_last"), ("int8", "nchw"),
                                      ("int8_out", "nchw")):
                if precision != "fp32" and formulation not in ("deconvolution", "subpixel") + upsampling.ALTERNATIVES:
                    continue
                if formulation in upsampling.ALTERNATIVES and precision not in ("fp32", "fp16"):
                    continue
                if plan.formulation_not_applicable(formulation, workload) is None:
                    result.append(plan.Run(workload, formulation, precision, None, layout))
    return result


def test_the_other_workloads_and_formulations_compute_what_they_claim(runner_module, tmp_path):
    """Bilinear up-samplers through zero insertion, resize (interior only) and resize + convolution (not compared),
    a 1-D layer as 2-D, the fused blocks (against their float64 reference), a dynamic profile at min/opt/max, INT8
    with per-output-channel kernel scales: every check within the rule on the fake."""
    runner = runner_module.Runner(tmp_path, other_runs(), time_budget=1e9)
    runner.run_all(ceilings=False)
    document = json.loads((tmp_path / "tensorrt.json").read_text())
    runs = document["runs"]
    assert [r for r in runs if r["status"] not in ("measured", "not_applicable")] == []
    measured = [r for r in runs if r["status"] == "measured"]
    assert {r["formulation"] for r in measured} == set(FORMULATIONS + upsampling.ALTERNATIVES)
    for record in measured:
        check = record["check"]
        assert check["non_finite"] == 0, record["id"]
        if record["formulation"] == "resize_conv":
            assert record["equivalence"] == check["equivalence"] == upsampling.NOT_EQUIVALENT
            assert "worst_ratio" not in check and analysis.unusable(record) == upsampling.NOT_EQUIVALENT
            continue
        if check["rule"] is not None:
            assert check["worst_ratio"] <= 1, (record["id"], check)
            if "worst_ratio_vs_deconvolution" in check:
                assert check["worst_ratio_vs_deconvolution"] <= 1, (record["id"], check)
        else:
            assert check["max_abs_error"] <= 4e-3 * max(check["max_abs_reference"], 1), (record["id"], check)
    resized = [r for r in measured if r["formulation"] == "resize"]
    assert {r["workload"] for r in resized} == {"bilinear", "head8"}
    for record in resized:  # equal inside, different on the border (zero padding against the edge repeated)
        assert record["check"]["border_max_abs_difference"] > 0.01 and record["check"]["border"] in ([1, 1], [2, 2])
        assert analysis.unusable(record) == upsampling.BORDER_ONLY
    zero = [r for r in measured if r["formulation"] == "zero_insertion"]
    assert zero and all(analysis.unusable(r) is None for r in zero if r["precision"] == "fp32")
    dynamic = [r for r in measured if r["workload"] == "dyn"]
    assert {r["formulation"] for r in dynamic} == {"deconvolution"}
    for record in dynamic:
        shapes = record["profile_shapes"]
        assert [shapes[k]["input_shape"] for k in ("min", "opt", "max")] == [[1, 3, 3, 3], [1, 3, 5, 5], [1, 3, 8, 7]]
        for name in ("min", "max"):
            assert len(shapes[name]["samples_ms"]) >= 100
            if record["precision"] == "fp32":
                assert shapes[name]["check"]["worst_ratio"] <= 1
    assert all(r["flops"] > 0 and r["bytes"] > 0 for r in measured)
    concat = [r for r in measured if r["workload"] == "block_concat"]
    assert concat and all(r["output_shape"][1] == 4 and r["check"]["concat_skip_max_abs_error"] == 0 for r in concat)
    int8 = [r for r in measured if r["precision"].startswith("int8") and r["workload"] == "block_add"]
    assert int8 and all(r["int8_scales"]["kernel_axis"] == 1 and len(r["int8_scales"]["kernel"]) == 2 for r in int8)
    grouped = [r for r in measured if r["precision"] == "int8" and r["workload"] == "bilinear"]
    assert grouped and all(r["int8_scales"]["kernel_axis"] is None for r in grouped)
    assert all(analysis.unusable(r) is None for r in measured if r["precision"].startswith("int8")
               and r["workload"].startswith("block"))


def test_per_channel_kernel_scales_are_checked(runner_module, tmp_path, monkeypatch):
    """An INT8 deconvolution with per-output-map kernel scales (axis 1) is within the rule of a reference that
    quantizes the same way, and far outside it for a reference that quantizes per tensor: the check tells the two
    apart, and the row that fails is kept out of every table, chart and verdict."""
    from trtdeconv_docs.benchmark import check as check_module
    workload = Workload("wide", "k4 s2 p1", (1, 3, 4, 4), dict(num_output_maps=3, kernel_size_nd=(4, 4),
                                                               stride_nd=(2, 2), padding_nd=(1, 1)))
    arrays = workload.arrays()
    arrays["kernel"][:, 1] *= 40  # one map's taps far larger: per-map scales differ from one scale per tensor
    records = {}
    for label, per_tensor in (("matching", False), ("per_tensor", True)):
        if per_tensor:
            original = check_module.quantized
            monkeypatch.setattr(check_module, "quantized",
                                lambda array, scale, axis=None: original(array, float(np.max(scale))))
        runner = runner_module.Runner(tmp_path / label, [plan.Run(workload, "deconvolution", "int8")], time_budget=1e9)
        runner.arrays[workload.name] = arrays
        runner.run_all(ceilings=False)
        records[label] = json.loads((tmp_path / label / "tensorrt.json").read_text())["runs"][0]
    assert records["matching"]["int8_scales"]["kernel_axis"] == 1
    assert records["matching"]["check"]["worst_ratio"] <= 1 and analysis.unusable(records["matching"]) is None
    assert records["per_tensor"]["check"]["worst_ratio"] > 1
    assert analysis.unusable(records["per_tensor"]) == "output outside the tolerance rule"


def test_the_growing_document_writes_what_write_json_writes_at_every_length(tmp_path):
    from trtdeconv_docs.cassette.publisher import GrowingDocument, write_json

    head = {"format": 2, "provenance": {"gpu": "FAKE 反卷积"}, "ceilings": {}, "sessions": [], "worst": float("inf")}
    items = []
    document = GrowingDocument(tmp_path / "growing.json")
    for index in range(4):
        document.write(head, "runs", items)
        expected = write_json(tmp_path / "whole.json", {**head, "runs": items}).read_bytes()
        assert document.path.read_bytes() == expected, index
        items.append({"id": f"run {index}", "samples_ms": [0.1 * index, -0.0, 1e-7], "nested": {"a": [[1, 2], []]},
                      "text": "line\nbreak \"quoted\" 中文"})


def test_every_run_records_its_method_from_the_calls_made(runner_module, tmp_path, monkeypatch):
    """A run's ``method`` names what the code called (issue 21, "a conclusion is an experiment"): the page says how
    the benchmark measured only from it. Changing the call changes the record; a cache file seeds the shared cache."""
    runs = [plan.Run(SMALL[0], "deconvolution", "fp32"), plan.Run(SMALL[0], "subpixel", "fp16", None, "channels_last")]
    monkeypatch.setattr(runner_module.engines, "_timing_caches", {})  # a process of its own: no shared cache yet
    monkeypatch.setattr(runner_module.engines, "_timing_cache_seed", b"")
    runner_module.Runner(tmp_path / "cold", runs, time_budget=1e9).run_all(ceilings=False)
    for record in json.loads((tmp_path / "cold" / "tensorrt.json").read_text())["runs"]:
        method = record["method"]
        assert {k: method[k] for k in ("call", "launch", "clock", "calls_per_launch")} == {
            "call": "execute_async_v3", "launch": "cudaGraphLaunch", "clock": "cudaEventElapsedTime",
            "calls_per_launch": 1}, record["id"]
        assert method["per_layer"] == {"profiler": "IProfiler", "executions": 20, "call": "execute_async_v3"}
        assert {v["count"] for v in record["layer_times_ms"].values()} == {method["per_layer"]["executions"]}
        assert method["builder"] == {"optimization_level": 3, "optimization_level_asked": None,
                                     "timing_cache": {"name": "shared", "seed_bytes": 0}}
        assert record["enqueue_ms"]["clock"] == "perf_counter"
    # the record follows the code: another clock function, another default level, a seeded cache, a failed capture
    cache = tmp_path / "timing.cache"
    seed = b"an earlier run's cache"
    cache.write_bytes(seed)

    def elapsed_host_time(self, start, end):
        return self.ok, end.time - start.time
    monkeypatch.setattr(trt_fake.FakeCudart, "cudaEventElapsedTime", elapsed_host_time)
    monkeypatch.setattr(trt_fake.FakeCudart, "cudaStreamBeginCapture", lambda self, stream, mode: (1,))
    original = trt_fake.IBuilderConfig.__init__

    def level_5(self):
        original(self)
        self.builder_optimization_level = 5
    monkeypatch.setattr(trt_fake.IBuilderConfig, "__init__", level_5)
    monkeypatch.setattr(runner_module.engines, "_timing_caches", {})  # a new process: its shared cache not made yet
    monkeypatch.setattr(runner_module.engines, "_timing_cache_seed", b"")
    runner_module.Runner(tmp_path / "warm", runs[:1], time_budget=1e9, cache_file=cache).run_all(ceilings=False)
    record = json.loads((tmp_path / "warm" / "tensorrt.json").read_text())["runs"][0]
    assert record["method"]["clock"] == "elapsed_host_time" and record["method"]["launch"] == "launch"
    assert record["cuda_graph"] is False
    assert record["method"]["builder"]["optimization_level"] == 5
    assert record["method"]["builder"]["timing_cache"] == {"name": "shared", "seed_bytes": len(seed)}
