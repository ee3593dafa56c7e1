"""The performance page's method section, from the runs' own records (``trt-benchmark build``, ``timing`` and
``pytorch-method``).

How the runs were built (the precision flags read back from the builder config, the I/O formats the engine
reports, the optimization level and the timing cache of :meth:`trtdeconv_docs.trt.engine.Builder.method`) and
timed (what the graph replay, its clock, the host submission and the per-layer profile called, the statistics, the
NVML readings: :meth:`trtdeconv_docs.trt.engine.Timer.measure`, :mod:`trtdeconv_docs.benchmark.pytorch`) is said
only from the runs measured anew that hold it. A fact that no run holds is named at the end of its view, with the
field that would hold it: the recording predates that field, and the page claims nothing about it.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from ..benchmark.analysis import anew
from ..benchmark.workloads import PRECISIONS
from ..trt import timing
from .messages import _

Run = Dict[str, Any]

EVENT_CLOCKS = ("cudaEventElapsedTime", "Event.elapsed_time")
"""The calls that read the GPU time between two CUDA events (cuda-python's runtime, PyTorch)."""


def field(record: Any, path: str) -> Any:
    """``record``'s value at a dotted ``path`` (``method.builder.optimization_level``); ``None`` where absent."""
    for key in path.split("."):
        if not isinstance(record, dict) or key not in record:
            return None
        record = record[key]
    return record


def code(value: Any) -> str:
    """A recorded name as inline code."""
    return f"``{value}``"


def listed(values: Iterable[Any]) -> str:
    """Values joined with the page's list separator."""
    return _("、").join(str(v) for v in values)


def span(values: Sequence[float], unit: str = "") -> str:
    """``a–b unit`` over recorded numbers, or the one value."""
    low, high = min(values), max(values)
    number = f"{low:g}" if low == high else f"{low:g}–{high:g}"
    return f"{number} {unit}".strip()


class Facts:
    """The sentences of one view and the facts its runs do not hold (:meth:`text` closes with those)."""

    def __init__(self, runs: Sequence[Run], recording: Optional[str] = None):
        self.runs, self.sentences = list(runs), []
        self.recording = _("这份记录") if recording is None else recording
        self.missing: List[str] = []
        self.partial: List[Tuple[str, int]] = []

    def values(self, what: str, path: str, get: Optional[Callable[[Run], Any]] = None,
               runs: Optional[Sequence[Run]] = None) -> List[Any]:
        """The distinct values (first seen first) of ``get(run)`` (default: the value at ``path``) over the runs
        that hold ``path``; none noted as missing (``what``, ``path``), some as partial."""
        runs = self.runs if runs is None else runs
        holding = [r for r in runs if field(r, path) is not None]
        if not holding:
            self.missing.append(_("{what}（{path}）").format(what=what, path=code(path)))
        elif len(holding) < len(runs):
            self.partial.append((_("{what}（{path}）").format(what=what, path=code(path)), len(holding)))
        return list(dict.fromkeys((get or (lambda r: field(r, path)))(r) for r in holding))

    def say(self, sentence: str) -> None:
        """Add a sentence."""
        self.sentences.append(sentence)

    def text(self) -> str:
        """The sentences, then which facts only some runs hold, and which no run holds."""
        text = "".join(self.sentences)
        if self.partial:
            text += _("只有部分运行记下了{items}。").format(items=listed(
                _("{what}：{count} / {runs} 次").format(what=what, count=count, runs=len(self.runs))
                for what, count in self.partial))
        if self.missing:
            text += _("{recording}没有记下：{items}。它早于记下这些的字段（运行器现在把它们写进每次运行的记录），"
                      "本页对此不作断言。").format(recording=self.recording, items=listed(self.missing))
        return text


def precision_name(precision: str) -> str:
    """A run's precision label as the page prints it."""
    return precision.upper()


def layout_name(layout: str) -> str:
    """A run's I/O layout (``nchw``, ``channels_last``) in the page's language."""
    return _("通道在后") if layout == "channels_last" else "NCHW"


def flag_values(facts: Facts) -> List[Tuple[str, Tuple[str, ...], Any]]:
    """The distinct (precision, flags, I/O type) of the runs that hold ``flags``, in :data:`PRECISIONS` order."""
    flags = facts.values(_("构建的精度标志"), "flags", lambda r: (r["precision"], tuple(r["flags"]), r.get("io_dtype")))
    return sorted(flags, key=lambda item: PRECISIONS.index(item[0]) if item[0] in PRECISIONS else len(PRECISIONS))


def flag_items(flags: Sequence[Tuple[str, Tuple[str, ...], Any]]) -> str:
    """``FP16：`FP16`、`TF32`，输入输出 `float16`；…`` (the I/O type only where the run recorded one)."""
    return _("；").join(_("{precision}：{flags}").format(precision=precision_name(p), flags=listed(
        [code(f) for f in f_]) or _("无")) + (_("，输入输出 {dtype}").format(dtype=code(d)) if d else "")
        for p, f_, d in flags)


def build_text(tensorrt: Dict[str, Any]) -> str:
    """``trt-benchmark build``: the precision flags and I/O types, the I/O formats, the optimization level and the
    timing cache, as the TensorRT runs measured anew recorded them."""
    facts = Facts(anew(tensorrt))
    precisions = sorted({r["precision"] for r in facts.runs}, key=lambda p: PRECISIONS.index(p) if p in PRECISIONS else len(PRECISIONS))
    flags = flag_values(facts)
    if flags:
        facts.say(_("每次构建设置的精度标志，从构建器配置读回（没列出的标志都没有设置）：{items}。").format(
            items=flag_items(flags)))
    formats = facts.values(_("引擎的输入输出格式"), "io_formats", lambda r: (
        r["precision"], r.get("layout", "nchw"), tuple(dict.fromkeys(t["format"] for t in r["io_formats"].values()))))
    if formats:
        grouped: Dict[Tuple[str, str], List[str]] = {}
        for precision, layout, names in formats:
            grouped.setdefault((precision, layout), []).extend(n for n in names if n not in grouped.get((precision, layout), []))
        facts.say(_("引擎报告的输入输出格式：{items}。").format(items=_("；").join(
            f"{precision_name(p)} {layout_name(l)} {listed([code(n) for n in names])}"
            for (p, l), names in sorted(grouped.items(), key=lambda item: precisions.index(item[0][0])))))
    levels = facts.values(_("构建器的优化级别"), "method.builder.optimization_level",
                          lambda r: (field(r, "method.builder.optimization_level"),
                                     field(r, "method.builder.optimization_level_asked")))
    if levels:
        facts.say(_("构建器配置里的优化级别：{items}。").format(items=listed(
            (_("{level}（运行器没有设置，读回的是 TensorRT 的默认值）") if asked is None else
             _("{level}（运行器设为 {asked}）")).format(level=level, asked=asked) for level, asked in levels)))
    caches = facts.values(_("构建用的计时缓存"), "method.builder.timing_cache",
                          lambda r: (field(r, "method.builder.timing_cache.name"),
                                     field(r, "method.builder.timing_cache.seed_bytes")))
    if caches:
        holding = [r for r in facts.runs if field(r, "method.builder.timing_cache") is not None]
        names = list(dict.fromkeys(name for name, _seed in caches))
        seeds = list(dict.fromkeys(seed for _name, seed in caches))
        facts.say(_("计时缓存：{count} 次构建{which}，{start}。").format(
            count=len(holding),
            which=_("都用进程里同一个共享的缓存（{name}）").format(name=code(names[0])) if names == ["shared"] else
            _("用的缓存是 {names}").format(names=listed([code(n) for n in names])),
            start=_("从空缓存开始") if seeds == [0] else
            _("起始缓存 {sizes} 字节（从上一次运行写下的文件读入）").format(sizes=listed(seeds))))
    return facts.text()


def graph_sentence(facts: Facts, call: bool) -> None:
    """What each sample launched and which clock read it (``method``), and whether the runs replayed a graph."""
    if call and facts.values(_("是否用 CUDA graph 重放"), "cuda_graph"):
        graphs = [r["cuda_graph"] for r in facts.runs if "cuda_graph" in r]
        replayed = sum(1 for g in graphs if g)
        words = _("{replayed} / {runs} 次运行的 GPU 时间来自 CUDA graph 重放（记录的 {field}）。") if replayed == len(graphs) \
            else _("{replayed} / {runs} 次运行的 GPU 时间来自 CUDA graph 重放（记录的 {field}）；其余运行的 graph 捕获失败，"
                   "按提交计时（{failed}）。")
        facts.say(words.format(replayed=replayed, runs=len(graphs), field=code("cuda_graph"), failed=code("graph_error")))
    captured = facts.values(_("每个样本启动的调用和读取它的时钟"), "method.clock", lambda r: (
        field(r, "method.call"), field(r, "method.calls_per_launch"), field(r, "method.launch"), field(r, "method.clock")))
    for name, calls, launch, clock in captured:
        graph = _("graph 里捕获了 {calls} 次 {call}，").format(calls=calls, call=code(name)) if name else \
            _("graph 里捕获了 {calls} 次调用，").format(calls=calls)
        facts.say(_("{graph}每个样本是一次 {launch}，用 {clock} 读出{events}。").format(
            graph=graph, launch=code(launch), clock=code(clock),
            events=_("（两个 CUDA 事件之间的 GPU 时间）") if clock in EVENT_CLOCKS else ""))


def statistics_words() -> Tuple[Tuple[str, str], ...]:
    """The statistics of ``latency_ms`` the page names, in the build's language (``q1``: the quartiles)."""
    return ("median", _("中位数")), ("q1", _("四分位距")), ("min", _("最小值"))


def statistics_sentence(facts: Facts) -> None:
    """How many replays each run timed and which statistics its record keeps (``latency_ms``)."""
    kept = facts.values(_("计时的重放次数和统计量"), "latency_ms.iterations",
                        lambda r: (r["latency_ms"]["iterations"], tuple(sorted(r["latency_ms"]))))
    if kept:
        common = set.intersection(*(set(keys) for _count, keys in kept))
        facts.say(_("每次运行计时 {counts} 个样本，记录其中位数等统计量（{names}）；页面上的数都由原始样本重新算出。").format(
            counts=span([count for count, _keys in kept]),
            names=listed([words for key, words in statistics_words() if key in common])))


def host_sentence(facts: Facts, call: bool) -> None:
    """The host submission timed apart (``enqueue_ms``) and the host-bound flag checked against its rule."""
    counts = facts.values(_("主机提交的计时"), "enqueue_ms", lambda r: r["enqueue_ms"]["latency_ms"]["iterations"])
    if not counts:
        return
    clocks = facts.values(_("主机计时用的时钟"), "enqueue_ms.clock")
    calls = facts.values(_("提交的调用"), "method.call") if call else []
    facts.say(_("主机提交另外计时：每次运行 {counts} 次单独的提交{call}{clock}。").format(
        counts=span(counts), call=_("（{calls}）").format(calls=listed([code(c) for c in calls])) if calls else "",
        clock=_("，用 {clocks} 计时").format(clocks=listed([code(c) for c in clocks])) if clocks else ""))
    flagged = [r for r in facts.runs if "host_bound" in r and "enqueue_ms" in r and "latency_ms" in r]
    wrong = [r["id"] for r in flagged if r["host_bound"] != timing.host_bound(
        r["latency_ms"]["median"], r["enqueue_ms"]["latency_ms"]["median"])]
    if wrong:
        facts.say(_("这些运行的 {field} 与“提交的中位数比 GPU 时间的中位数长”这条规则不符：{ids}。").format(
            field=code("host_bound"), ids=listed([code(i) for i in wrong])))
    elif flagged:
        facts.say(_("提交的中位数比 GPU 时间的中位数长的运行标为受主机限制（{field}）：{count} / {runs} 次。").format(
            field=code("host_bound"), count=sum(1 for r in flagged if r["host_bound"]), runs=len(flagged)))


def per_layer_sentence(facts: Facts) -> None:
    """Where the per-layer times come from (``method.per_layer``) and how many samples each layer has."""
    counts = facts.values(_("每层时间"), "layer_times_ms", lambda r: tuple(sorted({v["count"] for v in
                                                                                 r["layer_times_ms"].values()})))
    sources = facts.values(_("每层时间的来源接口"), "method.per_layer", lambda r: (
        field(r, "method.per_layer.profiler"), field(r, "method.per_layer.executions"), field(r, "method.per_layer.call")))
    if counts:
        samples = span([c for group in counts for c in group])
        facts.say(_("每层时间：每层 {samples} 个样本{source}。").format(samples=samples, source=listed([
            _("，来自 {profiler}，{executions} 次 {call}").format(
                profiler=code(profiler), executions=executions, call=code(call))
            for profiler, executions, call in sources])))


def nvml_sentence(facts: Facts, document: Dict[str, Any]) -> None:
    """The NVML readings before and after each run: SM clock, power, temperature and throttle reasons (none where the
    runner found no way to read NVML: ``settings.nvml.source`` is ``none``)."""
    source = field(document, "settings.nvml.source")
    if source == "none":
        facts.say(_("运行器读不到 NVML（{field} 是 {source}），没有时钟、功率和温度的读数。").format(
            field=code("settings.nvml.source"), source=code(source)))
        return
    readings = facts.values(_("运行前后的 NVML 读数"), "nvml_before", lambda r: tuple(
        tuple(sorted(snapshot.items())) for snapshot in (r.get("nvml_before"), r.get("nvml_after"))
        if isinstance(snapshot, dict) and "error" not in snapshot))
    snapshots = [dict(items) for group in readings for items in group]
    if not snapshots:
        return

    def numbers(key: str) -> List[float]:
        return [s[key] for s in snapshots if isinstance(s.get(key), (int, float))]
    clock, top, power, heat = numbers("sm_clock_mhz"), numbers("max_sm_clock_mhz"), numbers("power_w"), numbers("temperature_c")
    reasons = list(dict.fromkeys(s["throttle_reasons"] for s in snapshots if s.get("throttle_reasons") is not None))
    parts = [part for part in (
        clock and _("SM 时钟 {value}").format(value=span(clock, "MHz")) + (
            _("（最高 {value}）").format(value=span(top, "MHz")) if top else ""),
        power and _("功率 {value}").format(value=span([round(p) for p in power], "W")),
        heat and _("温度 {value}").format(value=span(heat, "°C")),
        reasons and _("降频原因 {value}").format(value=listed([code(r) for r in reasons]))) if part]
    facts.say(_("每次运行前后读 NVML{source}，{count} 个读数：{parts}。").format(
        source=_("（{source}）").format(source=code(source)) if source else "", count=len(snapshots),
        parts=_("，").join(parts)))
    if clock and min(clock) < max(clock):
        facts.say(_("SM 时钟在读数之间变化，没有锁定在一个频率上。"))
    elif clock:
        facts.say(_("所有读数的 SM 时钟相同；时钟是否被锁定，这些读数说明不了，记录里也没有。"))


def timing_text(tensorrt: Dict[str, Any]) -> str:
    """``trt-benchmark timing``: how the TensorRT runs measured anew were timed, as their records say."""
    facts = Facts(anew(tensorrt))
    graph_sentence(facts, call=True)
    statistics_sentence(facts)
    host_sentence(facts, call=True)
    per_layer_sentence(facts)
    nvml_sentence(facts, tensorrt)
    return facts.text()


def pytorch_text(pytorch: Dict[str, Any]) -> str:
    """``trt-benchmark pytorch-method``: the PyTorch runs' variants, backends and timing, as their records say."""
    facts = Facts(anew(pytorch))
    variants = list(dict.fromkeys((r["precision"], r.get("memory_format", "contiguous")) for r in facts.runs))
    facts.say(_("PyTorch 测了 {runs} 次运行：精度 {precisions}，内存布局 {formats}。").format(
        runs=len(facts.runs), precisions=listed(list(dict.fromkeys(precision_name(p) for p, _f in variants))),
        formats=listed(list(dict.fromkeys(code(f) for _p, f in variants)))))
    backends = facts.values(_("cuDNN 和 matmul 的设置"), "method.backends", lambda r: (
        r["precision"], tuple(sorted(r["method"]["backends"].items()))))
    if backends:
        facts.say(_("计时时从 {field} 读回的设置：{items}。").format(field=code("torch.backends"), items=_("；").join(
            _("{precision} {settings}").format(precision=precision_name(p), settings=listed(
                f"{code(name)} = {value}" for name, value in settings)) for p, settings in backends)))
    graph_sentence(facts, call=False)
    statistics_sentence(facts)
    host_sentence(facts, call=False)
    nvml_sentence(facts, pytorch)
    return facts.text()


def per_layer_text(tensorrt: Dict[str, Any]) -> str:
    """``{trt-benchmark-said}`per-layer```: which interface the runs measured anew took their per-layer times from
    (``method.per_layer``), or that the recording does not say."""
    runs = [r for r in anew(tensorrt) if "layer_times_ms" in r]
    facts = Facts(runs)
    sources = facts.values(_("每层时间的来源接口"), "method.per_layer", lambda r: (
        field(r, "method.per_layer.profiler"), field(r, "method.per_layer.call")))
    if not sources:
        return _("这份记录没有记下本页的运行器从哪个接口取每层时间（{field}），对此不作断言").format(
            field=code("method.per_layer"))
    return _("本页的运行器就是这样取每层时间的：记录的 {field} 是 {sources}（{count} / {runs} 次运行）").format(
        field=code("method.per_layer"), count=sum(1 for r in runs if field(r, "method.per_layer") is not None),
        runs=len(runs), sources=listed(_("{profiler}，挂在 {call} 上").format(profiler=code(profiler), call=code(call))
                                       for profiler, call in sources))


def earlier_method_text(session: Dict[str, Any], runs: Sequence[Run]) -> str:
    """How an earlier session's carried ``runs`` were built and timed, as far as they record it (their ``flags``,
    ``cuda_graph`` and ``method``); its runner's ``settings.timing`` is typed text, named as such and never quoted."""
    facts = Facts(runs, recording=_("旧记录"))
    flags = flag_values(facts)
    if flags:
        facts.say(_("旧记录的运行记下的精度标志（{field}）：{items}。").format(field=code("flags"), items=flag_items(flags)))
    graph_sentence(facts, call=True)
    text = facts.text()
    if field(session, "settings.timing") is not None:
        text += _("旧记录怎么计时，只有它的运行器写下的一句说明（{field}），那是运行器里打的字、不是从调用记下的，"
                  "本页不引用它，也不据此断言。").format(field=code("sessions[].settings.timing"))
    return text


INLINE: Dict[str, Callable[[Any], str]] = {"per-layer": lambda benchmark: per_layer_text(benchmark.tensorrt)}
"""The facts ``trt-benchmark-said`` renders inside a sentence of the page."""

VIEWS: Dict[str, Callable[[Any], str]] = {
    "build": lambda benchmark: build_text(benchmark.tensorrt),
    "timing": lambda benchmark: timing_text(benchmark.tensorrt),
    "pytorch-method": lambda benchmark: pytorch_text(benchmark.pytorch),
}
"""The views of ``trt-benchmark`` this module renders (a paragraph each)."""
