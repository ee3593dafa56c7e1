"""The performance page's method section says how the benchmark built and timed only from the runs' records
(issue 21, "a conclusion is an experiment"; views ``build``, ``timing`` and ``pytorch-method``).

* each fact follows its field: a copy of the recording with the field changed changes the sentence, and with the
  field removed the view names it as not recorded (the recording predates it) instead of claiming it;
* a run the TensorRT runner writes (on the FAKE TensorRT) carries every field, so the page then states each fact;
* the page's source types none of these facts.
"""

import copy
import dataclasses
import re

import pytest

from trtdeconv_docs.benchmark import analysis, plan
from trtdeconv_docs.benchmark.workloads import Workload
from trtdeconv_docs.cassette import store as recordings
from trtdeconv_docs.sphinx_ext import benchmark_method as views

from .support import benchmark_fake
from .support.paths import DOCS

REAL = recordings.root() / "benchmark"
NOT_RECORDED = "这份记录没有记下："
METHOD = {"call": "execute_async_v3", "launch": "cudaGraphLaunch", "clock": "cudaEventElapsedTime",
          "calls_per_launch": 1, "per_layer": {"profiler": "IProfiler", "executions": 20, "call": "execute_async_v3"},
          "builder": {"optimization_level": 3, "optimization_level_asked": None,
                      "timing_cache": {"name": "shared", "seed_bytes": 0}}}
"""A TensorRT run's ``method`` as the runner writes it (the runner test below proves these names)."""


@pytest.fixture(scope="module")
def real():
    return analysis.load(REAL)


def changed(bench, change, runner: str = "tensorrt", only=None):
    """A copy of the recording whose runs measured anew (or the first ``only`` of them) went through ``change``."""
    document = copy.deepcopy(getattr(bench, runner))
    runs = analysis.anew(document)
    for record in runs[:only]:
        change(record)
    return dataclasses.replace(bench, **{runner: document})


def text(view: str, bench) -> str:
    return views.VIEWS[view](bench)


def not_recorded(view: str, bench) -> str:
    """The view's closing "not recorded" sentence (empty when every fact is recorded)."""
    rendered = text(view, bench)
    return rendered[rendered.index(NOT_RECORDED):] if NOT_RECORDED in rendered else ""


def test_the_committed_recording_predates_the_method_fields_and_the_page_says_so(real):
    assert not any("method" in r for r in analysis.anew(real.tensorrt) + analysis.anew(real.pytorch))
    for view, fields in (("build", ("method.builder.optimization_level", "method.builder.timing_cache")),
                         ("timing", ("method.clock", "method.call", "method.per_layer", "enqueue_ms.clock")),
                         ("pytorch-method", ("method.backends", "method.clock", "enqueue_ms.clock"))):
        closing = not_recorded(view, real)
        assert all(f"``{name}``" in closing for name in fields), (view, closing)
        assert "不作断言" in closing
    timing = text("timing", real)
    assert "CUDA 事件" not in timing and "IProfiler" not in timing and "锁定在" not in timing
    assert "优化级别：" not in text("build", real) and "计时缓存：" not in text("build", real)


def test_the_build_view_reads_flags_formats_level_and_cache_from_the_runs(real):
    build = text("build", real)
    new = analysis.anew(real.tensorrt)
    for record in new:
        assert all(f"``{flag}``" in build for flag in record["flags"])
        assert all(f"``{t['format']}``" in build for t in record["io_formats"].values())
    fp32_as_tf32 = changed(real, lambda r: r.update(flags=["TF32"]) if r["precision"] == "fp32" else None)
    assert "FP32：无" in build and "FP32：``TF32``" in text("build", fp32_as_tf32)
    other_format = changed(real, lambda r: r["io_formats"]["x"].update(format="HWC16") if r["layout"] == "channels_last"
                           else None)
    assert "``HWC16``" not in build and "``HWC16``" in text("build", other_format)
    with_method = changed(real, lambda r: r.update(method=copy.deepcopy(METHOD)))
    sentence = text("build", with_method)
    assert "优化级别：3（运行器没有设置" in sentence and f"{len(new)} 次构建都用进程里同一个共享的缓存" in sentence
    assert "从空缓存开始" in sentence and not not_recorded("build", with_method)
    level_and_seed = changed(with_method, lambda r: r["method"]["builder"].update(
        optimization_level=5, optimization_level_asked=5, timing_cache={"name": "shared", "seed_bytes": 4096}))
    sentence = text("build", level_and_seed)
    assert "优化级别：5（运行器设为 5）" in sentence and "起始缓存 4096 字节" in sentence
    fresh = changed(with_method, lambda r: r["method"]["builder"]["timing_cache"].update(name="fresh"), only=1)
    assert "用的缓存是 ``fresh``、``shared``" in text("build", fresh)
    without_flags = changed(real, lambda r: r.pop("flags"))
    assert "``flags``" in not_recorded("build", without_flags) and "精度标志，从" not in text("build", without_flags)
    some_flags = changed(real, lambda r: r.pop("flags"), only=2)
    assert f"构建的精度标志（``flags``）：{len(new) - 2} / {len(new)} 次" in text("build", some_flags)


def test_the_timing_view_reads_the_calls_the_statistics_the_host_and_the_readings_from_the_runs(real):
    new = analysis.anew(real.tensorrt)
    timing = text("timing", real)
    assert f"{len(new)} / {len(new)} 次运行的 GPU 时间来自 CUDA graph 重放（记录的 ``cuda_graph``）。" in timing
    failed = changed(real, lambda r: r.update(cuda_graph=False), only=3)
    assert f"{len(new) - 3} / {len(new)} 次运行的 GPU 时间来自 CUDA graph 重放（记录的 ``cuda_graph``）；其余运行的 graph 捕获失败" \
        in text("timing", failed)
    with_method = changed(real, lambda r: r.update(method=copy.deepcopy(METHOD), enqueue_ms=dict(
        r["enqueue_ms"], clock="perf_counter")))
    sentence = text("timing", with_method)
    assert "graph 里捕获了 1 次 ``execute_async_v3``，每个样本是一次 ``cudaGraphLaunch``，" \
           "用 ``cudaEventElapsedTime`` 读出（两个 CUDA 事件之间的 GPU 时间）" in sentence
    assert "来自 ``IProfiler``，20 次 ``execute_async_v3``" in sentence and "用 ``perf_counter`` 计时" in sentence
    assert not not_recorded("timing", with_method)
    host_clock = changed(with_method, lambda r: r["method"].update(clock="perf_counter", calls_per_launch=3))
    sentence = text("timing", host_clock)
    assert "graph 里捕获了 3 次" in sentence and "用 ``perf_counter`` 读出。" in sentence and "CUDA 事件" not in sentence
    # the statistics, the host-bound rule and the per-layer counts
    iterations = sorted({r["latency_ms"]["iterations"] for r in new})
    assert f"每次运行计时 {iterations[0]}–{iterations[-1]} 个样本" in timing and "中位数、四分位距、最小值" in timing
    flipped = changed(real, lambda r: r.update(host_bound=not r["host_bound"]), only=1)
    assert f"规则不符：``{new[0]['id']}``" in text("timing", flipped) and "不符" not in timing
    bound = sum(r["host_bound"] for r in new)
    assert f"受主机限制（``host_bound``）：{bound} / {len(new)} 次" in timing
    counts = changed(real, lambda r: [v.update(count=7) for v in r["layer_times_ms"].values()], only=1)
    assert "每层 20 个样本" in timing and "每层 7–20 个样本" in text("timing", counts)
    # NVML: a varying clock shows it was not locked at one frequency; the same clock everywhere says nothing of locks
    assert "时钟是否被锁定，这些读数说明不了" in timing
    varying = changed(real, lambda r: r["nvml_after"].update(sm_clock_mhz=1440), only=1)
    assert "SM 时钟 1440–1980 MHz" in text("timing", varying) and "没有锁定在一个频率上" in text("timing", varying)
    without_nvml = changed(real, lambda r: r.pop("nvml_before"))
    assert "``nvml_before``" in not_recorded("timing", without_nvml) and "读 NVML" not in text("timing", without_nvml)
    without_graph = changed(real, lambda r: r.pop("cuda_graph"))
    assert "``cuda_graph``" in not_recorded("timing", without_graph)
    assert "次运行的 GPU 时间来自" not in text("timing", without_graph)
    no_nvml = dataclasses.replace(real, tensorrt=dict(real.tensorrt, settings=dict(real.tensorrt["settings"],
                                                                                    nvml={"source": "none"})))
    assert "运行器读不到 NVML（``settings.nvml.source`` 是 ``none``）" in text("timing", no_nvml)
    assert "读 NVML（" not in text("timing", no_nvml)


def test_the_pytorch_view_reads_variants_backends_and_timing_from_the_runs(real):
    new = analysis.anew(real.pytorch)
    sentence = text("pytorch-method", real)
    assert f"PyTorch 测了 {len(new)} 次运行" in sentence
    assert all(f"``{r['memory_format']}``" in sentence and r["precision"].upper() in sentence for r in new)
    backends = {"cudnn_benchmark": True, "cudnn_allow_tf32": False, "matmul_allow_tf32": False}
    with_method = changed(real, lambda r: r.update(method={
        "launch": "CUDAGraph.replay", "clock": "Event.elapsed_time", "calls_per_launch": 1,
        "backends": dict(backends, cudnn_allow_tf32=r["precision"] == "tf32", matmul_allow_tf32=r["precision"] == "tf32")},
        enqueue_ms=dict(r["enqueue_ms"], clock="perf_counter")), runner="pytorch")
    sentence = text("pytorch-method", with_method)
    assert "每个样本是一次 ``CUDAGraph.replay``，用 ``Event.elapsed_time`` 读出（两个 CUDA 事件之间的 GPU 时间）" in sentence
    assert "TF32 ``cudnn_allow_tf32`` = True" in sentence and "FP32 ``cudnn_allow_tf32`` = False" in sentence
    assert "``cudnn_benchmark`` = True" in sentence and not not_recorded("pytorch-method", with_method)
    off = changed(with_method, lambda r: r["method"]["backends"].update(cudnn_benchmark=False), runner="pytorch")
    assert "``cudnn_benchmark`` = False" in text("pytorch-method", off)


def full(bench):
    """The recording with every run holding the fields the runners now write (``method``, the host timing's clock)."""
    torch_method = {"launch": "CUDAGraph.replay", "clock": "Event.elapsed_time", "calls_per_launch": 1,
                    "backends": {"cudnn_benchmark": True, "cudnn_allow_tf32": False, "matmul_allow_tf32": False}}
    bench = changed(bench, lambda r: r.update(method=copy.deepcopy(METHOD), enqueue_ms=dict(r["enqueue_ms"],
                                                                                           clock="perf_counter")))
    return changed(bench, lambda r: r.update(method=copy.deepcopy(torch_method), enqueue_ms=dict(
        r["enqueue_ms"], clock="perf_counter")), runner="pytorch")


def drop(record, path: str) -> None:
    *parents, last = path.split(".")
    for key in parents:
        record = record[key]
    del record[last]


@pytest.mark.parametrize("view, path", [
    ("build", "flags"), ("build", "io_formats"), ("build", "method.builder.optimization_level"),
    ("build", "method.builder.timing_cache"), ("timing", "cuda_graph"), ("timing", "method.clock"),
    ("timing", "latency_ms"), ("timing", "enqueue_ms"), ("timing", "enqueue_ms.clock"), ("timing", "method.call"),
    ("timing", "layer_times_ms"), ("timing", "method.per_layer"), ("timing", "nvml_before"),
    ("pytorch-method", "method.backends"), ("pytorch-method", "method.clock"), ("pytorch-method", "latency_ms"),
    ("pytorch-method", "enqueue_ms"), ("pytorch-method", "enqueue_ms.clock"), ("pytorch-method", "nvml_before")])
def test_a_field_no_run_holds_is_named_as_not_recorded_and_its_sentence_goes(real, view, path):
    runner = "pytorch" if view == "pytorch-method" else "tensorrt"
    everything = full(real)
    assert not not_recorded(view, everything)
    without = changed(everything, lambda r: drop(r, path), runner=runner)
    closing = not_recorded(view, without)
    named = "latency_ms.iterations" if path == "latency_ms" else path
    assert f"（``{named}``）" in closing and "不作断言" in closing
    assert text(view, without) != text(view, everything)
    some = changed(everything, lambda r: drop(r, path), runner=runner, only=1)
    runs = len(analysis.anew(getattr(real, runner)))
    assert f"（``{named}``）：{runs - 1} / {runs} 次" in text(view, some) and not not_recorded(view, some)


def test_a_run_the_runner_writes_carries_every_fact_the_views_state(monkeypatch, tmp_path):
    """The TensorRT runner on the FAKE TensorRT, published as a recording: every fact of the build and timing views
    is stated from it, none is "not recorded"."""
    runner = benchmark_fake.runner_module(monkeypatch)
    monkeypatch.setattr(runner.engines, "_timing_caches", {})  # a process of its own: no shared cache, no seed yet
    monkeypatch.setattr(runner.engines, "_timing_cache_seed", b"")
    try:
        layer = dict(num_output_maps=3, kernel_size_nd=(4, 4), stride_nd=(2, 2), padding_nd=(1, 1))
        small = Workload("dense", "k4 s2 p1", (1, 4, 5, 6), layer)
        runs = [plan.Run(small, "deconvolution", "fp32"), plan.Run(small, "deconvolution", "fp16", None, "channels_last")]
        runner.Runner(tmp_path / "raw", runs, time_budget=1e9).run_all(ceilings=False)
    finally:
        benchmark_fake.forget_runner()
    bench = analysis.load(benchmark_fake.publish_runner_output(tmp_path / "raw", tmp_path / "benchmark"))
    build, timing = text("build", bench), text("timing", bench)
    assert not not_recorded("build", bench) and not not_recorded("timing", bench)
    assert "FP32：无，输入输出 ``float32``；FP16：``FP16``，输入输出 ``float16``" in build
    assert "FP16 通道在后 ``HWC8``" in build and "优化级别：3（运行器没有设置" in build
    assert "2 次构建都用进程里同一个共享的缓存（``shared``），从空缓存开始" in build
    assert "graph 里捕获了 1 次 ``execute_async_v3``，每个样本是一次 ``cudaGraphLaunch``" in timing
    assert "来自 ``IProfiler``" in timing and "用 ``perf_counter`` 计时" in timing


METHOD_SECTION = re.compile(r"\(performance-method\)=\n(.*?)\n## ", re.S)
TYPED = ("CUDA 事件", "IProfiler", "计时缓存", "优化级别", "锁定", "加速频率", "cudnn.benchmark", "HWC8", "四分位",
         "受主机限制", "BuilderFlag", "同一台 GPU", "execute_async_v3")


def test_the_method_section_types_none_of_these_facts():
    section = METHOD_SECTION.search((DOCS / "performance.md").read_text(encoding="utf-8"))[1]
    assert [word for word in TYPED if word in section] == []
    assert all(f"{{trt-benchmark}} {view}" in section for view in views.VIEWS)
