"""``trt-benchmark``: tables, charts and cited rows of the performance guide, from ``recordings/benchmark/``.

Usage in a MyST page::

    ```{trt-benchmark} tensorrt
    ```

    ```{trt-benchmark} compare
    :runs: depthwise/subpixel/fp16, depthwise/deconvolution/fp16
    ```

The argument is what to show: ``provenance``, ``scope`` (what this recording measured anew and which
earlier recording holds the rest), ``build``, ``timing`` and ``pytorch-method`` (how the runs were built and timed,
from their records: :mod:`.benchmark_method`), ``warmup`` (the warm-up rule of the recording's ``settings``), ``ceiling-rule``
(the GEMM the recording's matmul ceilings ran and the spec window of :mod:`.specs`), ``ceilings``, ``workloads``, ``tensorrt``
(every formulation and precision), ``pytorch`` (TensorRT vs PyTorch, same GPU run),
``roofline``, ``gap`` (per workload and precision: the floor, the fastest formulation of
TensorRT or PyTorch and its ratio to the floor, the GEMM alone at the workload's col2im shape,
the latency floor), ``verdicts`` (per workload: the formulation within 2x of the floor, or the
measurement that explains why none is), ``refusals``, ``chart`` (``:chart:`` one of
:data:`.benchmark_charts.CHARTS`: a PNG drawn with matplotlib at build time), ``row`` (``:run:`` one run,
cited by a recommendation) and ``compare`` (``:runs:`` two runs: which is faster and by
how much, with both rows). Every number is computed here from the raw samples of the
recording (:mod:`trtdeconv_docs.benchmark.analysis`, :mod:`trtdeconv_docs.benchmark.roofline`),
read through :mod:`trtdeconv_docs.cassette.store`; a missing or edited recording is a build error.

The role ``{trt-benchmark-said}`per-layer``` puts one fact of :data:`.benchmark_method.INLINE` (from the same
recording) inside a sentence of the page.
"""

from __future__ import annotations

import base64
import functools
import html
import re

from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from ..cassette import reverification
from ..cassette import store as recordings
from ..benchmark import analysis, kernels, pytorch_file, roofline, specs, tensorrt_file
from ..benchmark.formulations import FORMULATIONS
from ..benchmark.workloads import PRECISIONS, WORKLOADS, by_name
from . import benchmark_charts, benchmark_method, html_nodes, messages, tables
from .reproduced import benchmark_sentence
from .tables import inline, table_node
from .messages import _

KINDS = ("provenance", "scope", "warmup", "ceiling-rule", *benchmark_method.VIEWS, "ceilings", "workloads", "tensorrt", "pytorch", "roofline", "gap", "verdicts", "refusals", "chart",
         "row", "compare", "families", "earlier")


def family_words(family: str, workloads: Sequence[str] = ()) -> str:
    """A layer family (:data:`~trtdeconv_docs.benchmark.workloads.FAMILIES`) in words, in the build's language; a
    family named by its attributes takes them from its first workload (``workloads``), never typed here."""
    words = {"dense_k_eq_s": _("稠密，核 = 步长（U-Net 上卷积）"), "dense_k_2s": _("稠密，核 = 2 × 步长（{kernel}）"),
             "k3_s2_op1": _("{kernel} output_padding {output_padding}（PyTorch 解码器默认）"),
             "depthwise": _("逐通道 / 分组"), "large_stride_head": _("大步长分割头（{kernel}）"), "3d": "3-D",
             "1d": "1-D"}[family]
    return words.format(**by_name(workloads[0]).fields()) if "{" in words else words


CHARTS = benchmark_charts.CHARTS


def benchmark_dir(config, srcdir) -> Path:
    """``trtdeconv_benchmark_dir`` (relative to the source folder), else ``recordings/benchmark`` beside it."""
    configured = config.trtdeconv_benchmark_dir
    return Path(srcdir, configured) if configured else recordings.root() / "benchmark"


def ms(value: Optional[float]) -> str:
    """Milliseconds with 4 significant digits; an en dash for nothing."""
    return "–" if value is None else f"{value:#.4g}"


def latency_cell(record: Optional[Dict[str, Any]]) -> str:
    """``median [q1–q3]`` in ms, or the run's status."""
    if record is None:
        return "–"
    median = analysis.median_ms(record)
    if median is None:
        return status_text(record["status"])
    stats = analysis.statistics(record["samples_ms"])
    return f"{ms(median)} [{ms(stats['q1'])}–{ms(stats['q3'])}]"


def status_text(status: str) -> str:
    """A run's status in words (``measured``, ``refused``, ``failed``, ``not_run``, ``not_applicable``)."""
    words = {"measured": _("已测量"), "refused": _("TensorRT 拒绝构建"), "failed": _("运行出错"),
             "not_run": _("未运行（时间预算用完）"), "not_applicable": _("不适用")}
    return words.get(status, status)


def ratio_cell(value: Optional[float]) -> str:
    """A ratio as ``1.23×``."""
    return "–" if value is None else f"{value:.2f}×"


def provenance_text(benchmark: analysis.Benchmark) -> str:
    """Where and when both runs were measured."""
    trt, torch = benchmark.provenance["tensorrt"], benchmark.provenance["pytorch"]
    run = benchmark.tensorrt
    return _("TensorRT {tensorrt}（CUDA 运行时 {cuda_runtime}，驱动 {cuda_driver}）在 {gpu} 上测量，{date}；"
             "{builds} 次引擎构建共 {build_seconds} 秒，整个 TensorRT 运行 {trt_seconds} 秒。"
             "PyTorch {torch}（CUDA {torch_cuda}，cuDNN {cudnn}）在 {torch_gpu} 上测量，{torch_date}，运行 {torch_seconds} 秒。").format(
        tensorrt=trt["tensorrt"], cuda_runtime=trt["cuda_runtime"], cuda_driver=trt["cuda_driver"], gpu=trt["gpu"],
        date=trt["date"][:10], builds=run["builds"], build_seconds=f"{run['build_seconds']:.0f}",
        trt_seconds=f"{run['total_seconds']:.0f}", torch=torch["torch"], torch_cuda=torch["cuda"], cudnn=torch["cudnn"],
        torch_gpu=torch["gpu"], torch_date=torch["date"][:10], torch_seconds=f"{benchmark.pytorch['total_seconds']:.0f}"
    ) + earlier_text(benchmark) + benchmark_sentence(reverification.latest())


def earlier_sessions(benchmark: analysis.Benchmark) -> List[Dict[str, Any]]:
    """The TensorRT file's earlier sessions whose runs were carried (:func:`.merge.carry_earlier`)."""
    return [session for session in benchmark.tensorrt.get("sessions", []) if session.get("carried_runs")]


def carried_runs(benchmark: analysis.Benchmark, session: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The runs :func:`.merge.carry_earlier` carried from ``session`` (their :func:`.analysis.carried_from` names its
    format and date)."""
    mark = analysis.carried_mark(session.get("format", 1), session["provenance"]["date"])
    return [r for r in benchmark.tensorrt["runs"] if analysis.carried_from(r) == mark]


def earlier_session_words(benchmark: analysis.Benchmark, session: Dict[str, Any]) -> str:
    """One earlier session: its GPU, date and recording format, and whether its GPU differs from this recording's."""
    other_gpu = session["provenance"]["gpu"] != benchmark.tensorrt["provenance"]["gpu"]
    return _("{gpu} 上 {date} 的旧记录（记录格式 {format}，本记录是格式 {current}{gpu_differs}）").format(
        gpu=session["provenance"]["gpu"], date=session["provenance"]["date"][:10], format=session.get("format", 1),
        current=benchmark.tensorrt.get("format", 1), gpu_differs=_("；GPU 也不同") if other_gpu else "")


def earlier_text(benchmark: analysis.Benchmark) -> str:
    """The runs carried from earlier recordings (:func:`.merge.carry_earlier`), if any."""
    parts = [_("另有 {count} 次 TensorRT 运行来自 {gpu} 上 {date} 的旧记录（不计入）。").format(
        count=session["carried_runs"], gpu=session["provenance"]["gpu"], date=session["provenance"]["date"][:10])
        for session in earlier_sessions(benchmark)]
    return "".join(parts)


def variant_words(record: Dict[str, Any]) -> str:
    """A run's precision and, for FP16, its input/output layout."""
    precision = benchmark_method.precision_name(record["precision"])
    if record["precision"] != "fp16":
        return precision
    return f"{precision} {benchmark_method.layout_name(record.get('layout', 'nchw'))}"


def scope_text(benchmark: analysis.Benchmark) -> str:
    """What this recording measured anew (workloads, formulations, precisions and layouts, counted from its runs),
    and where the rest of the plan comes from (its earlier sessions), for the method section."""
    new = analysis.anew(benchmark.tensorrt)
    workloads = list(dict.fromkeys(r["workload"] for r in new))
    formulations = list(dict.fromkeys(r["formulation"] for r in new))
    parts = []
    for formulation in formulations:
        runs = [r for r in new if r["formulation"] == formulation]
        parts.append(_("{formulation}：{count} 个负载（{variants}）").format(
            formulation=_("反卷积本身") if formulation == "deconvolution" else f"``{formulation}``",
            count=len({r["workload"] for r in runs}),
            variants=_("、").join(dict.fromkeys(variant_words(r) for r in runs))))
    text = _("这份记录测了 {workloads} 个负载（{names}）的 {runs} 次 TensorRT 运行：{parts}。").format(
        workloads=len(workloads), names=_("、").join(f"``{w}``" for w in workloads), runs=len(new),
        parts=_("；").join(parts))
    for session in earlier_sessions(benchmark):
        text += _("计划中其余的运行保留 {session}的 {count} 次测量，单独列在页末的“旧记录”表里，"
                  "不与本记录的运行同表，也不进入任何比较、图或结论。").format(
            session=earlier_session_words(benchmark, session), count=session["carried_runs"])
        text += benchmark_method.earlier_method_text(session, carried_runs(benchmark, session))
    return text


WARMUP = re.compile(r"batches of (?P<batch>\d+) graph replays until (?P<count>\d+) batch medians agree within "
                    r"(?P<tolerance>[\d.]+) % \(at most (?P<seconds>[\d.]+) s\)")
"""The warm-up rule as the TensorRT runner writes it into ``settings.warmup`` (from :mod:`trtdeconv_docs.trt.timing`)."""
GEMM = re.compile(r"1x1 convolution (?P<inputs>\d+)->(?P<outputs>\d+) over")
"""The matmul ceilings' GEMM as the runner describes it (``what``, from :mod:`.trt_ceilings`)."""


def warmup_text(benchmark: analysis.Benchmark) -> str:
    """The recording's warm-up rule (``settings.warmup``) in the page's language; its recorded text if unparsed."""
    recorded = benchmark.tensorrt.get("settings", {}).get("warmup")
    if not recorded:
        return ""
    match = WARMUP.fullmatch(recorded)
    if match is None:
        return _("计时前的预热：``{recorded}``。").format(recorded=recorded)
    return _("计时前先预热：每批 {batch} 次重放，直到连续 {count} 批的中位数两两相差都在 {tolerance} % 以内"
             "（最多 {seconds} 秒）。").format(**match.groupdict())


def ceiling_rule_text(benchmark: analysis.Benchmark) -> str:
    """The GEMM the matmul ceilings ran (their recorded ``what``), the window of :data:`.specs.LOW`/:data:`.specs.HIGH`
    a measured ceiling must fall in and the order of :data:`.specs.ORDER` the peaks must keep."""
    shapes = {(m["inputs"], m["outputs"]) for entry in benchmark.tensorrt.get("ceilings", {}).values()
              if isinstance(entry, dict) and (m := GEMM.match(entry.get("what", "")))}
    gemm = _("矩阵乘的吞吐量在 {shapes}的 1×1 卷积（一个很大的 GEMM）上测得。").format(
        shapes=_("、").join((_("{channels} 通道") if i == o else _("{inputs}→{outputs} 通道")).format(
                            channels=i, inputs=i, outputs=o) for i, o in sorted(shapes))) \
        if shapes else ""
    return gemm + _("每个上限都与规格值对照，必须在规格值的 {low} % 到 {high} % 之间，并满足 {order}，"
                    "不满足的上限不用来算下限（见下面的原始表）。").format(
        low=f"{100 * specs.LOW:.0f}", high=f"{100 * specs.HIGH:.0f}",
        order=" ≥ ".join(name.split("_")[1].upper() for name in specs.ORDER))


def ceilings_table(benchmark: analysis.Benchmark):
    """Headers and rows: each measured ceiling, its median, the value, the spec value, and whether the floors use it."""
    measured, derived = analysis.ceiling_source(benchmark), analysis.raw_ceilings(benchmark)
    problems = analysis.ceiling_problems(benchmark)
    spec = specs.spec_for(benchmark.provenance["tensorrt"]["gpu"]) or {}

    def used(name: str) -> str:
        return _("否：{problem}").format(problem=problems[name]) if name in problems else _("是")

    def of_spec(name: str, value: float) -> str:
        return f"{100 * value / spec[name]:.0f} %" if name in spec else "–"

    rows = [(_("设备内复制带宽"), latency_cell(measured["copy"]), f"{derived['bandwidth'] / 1e9:.0f} GB/s",
             f"{spec['bandwidth'] / 1e9:.0f} GB/s" if "bandwidth" in spec else "–", of_spec("bandwidth", derived["bandwidth"]),
             used("bandwidth"))]
    for precision in ("fp32", "tf32", "fp16", "int8"):
        entry = measured.get(f"matmul_{precision}")
        if entry is None:
            continue
        name = f"peak_{precision}"
        value = derived.get(name)
        rows.append((_("矩阵乘 {precision}").format(precision=precision.upper()), latency_cell(entry),
                     "–" if value is None else f"{value / 1e12:.1f} TFLOP/s",
                     f"{spec[name] / 1e12:.0f} TFLOP/s" if name in spec else "–",
                     "–" if value is None else of_spec(name, value), used(name) if value is not None else "–"))
    return (_("上限"), _("中位数 [四分位] ms"), _("测得值"), _("规格值（{source}）").format(source=specs.SOURCE),
            _("占规格"), _("用作下限")), rows


def workloads_table(_benchmark: analysis.Benchmark):
    """Headers and rows: each workload's model, shapes, attributes, GFLOP."""
    rows = []
    for workload in WORKLOADS:
        if workload.sweep == "batch_1":
            continue
        layer = workload.layer
        rows.append((f"``{workload.name}``", workload.words(_), f"``{tuple(workload.input_shape)}``",
                     f"``{workload.output_shape}``",
                     f"k{layer.kernel_size_nd[0]} s{layer.stride_nd[0]} p{layer.pre_padding[0]} g{layer.num_groups}",
                     f"{roofline.flops(workload) / 1e9:.2f}"))
    return (_("负载"), _("来源"), _("输入"), _("输出"), _("核/步长/填充/组"), "GFLOP"), rows


def shown_cell(record: Optional[Dict[str, Any]]) -> str:
    """A TensorRT run's cell: its latency; what its kernel ran in when that is not its label; or why it is
    not shown (an unverified INT8 output never shows a number)."""
    if record is None:
        return "–"
    reason = analysis.unusable(record)
    if reason == "unverified INT8 output":
        return _("未核验（不计入）")
    if reason == "output outside the tolerance rule":
        return _("输出超出容差（不计入）")
    if reason == analysis.EARLIER_METHOD:  # another GPU and method: its number only in its own table
        return _("只在旧记录中（另表）")
    if reason is not None:
        return status_text(record["status"])
    if not kernels.label_matches(record):
        return _("{latency}（实际以 {ran} 运行，不计入）").format(
            latency=latency_cell(record), ran=kernels.PRECISION_WORDS[kernels.ran_in(record)])
    return latency_cell(record)


def tensorrt_table(benchmark: analysis.Benchmark):
    """Headers and rows: per workload, precision and layout, each formulation's latency and the fastest shown one."""
    rows = []
    for workload in WORKLOADS:
        for precision in PRECISIONS:
            for layout in ("nchw", "channels_last"):
                records = {r["formulation"]: r for r in benchmark.tensorrt_runs(workload.name, precision=precision)
                           if r.get("layout", "nchw") == layout}
                if not any(analysis.median_ms(r) is not None for r in records.values()):
                    continue
                best = analysis.fastest(analysis.shown(list(records.values())))
                rows.append([f"``{workload.name}``", precision.upper(), layout]
                            + [shown_cell(records.get(f)) for f in FORMULATIONS]
                            + [f"``{best['formulation']}``" if best else "–"])
    return [_("负载"), _("精度"), _("布局")] + [f"``{f}`` ms" for f in FORMULATIONS] + [_("最快")], rows


def pytorch_table(benchmark: analysis.Benchmark):
    """Headers and rows: TensorRT vs PyTorch in the same precision, and their ratios."""
    rows = []
    for workload in WORKLOADS:
        for precision in ("fp32", "tf32", "fp16"):
            deconvolution = analysis.shown(benchmark.tensorrt_runs(workload.name, precision=precision,
                                                                   formulation="deconvolution"))
            best_trt = analysis.fastest(analysis.shown(benchmark.tensorrt_runs(workload.name, precision=precision)))
            torch_runs = {r["memory_format"]: r for r in benchmark.pytorch_runs(workload.name, precision=precision)}
            best_torch = analysis.fastest(analysis.shown(list(torch_runs.values())))
            if not deconvolution and not torch_runs:
                continue
            deconvolution = deconvolution[0] if deconvolution else None
            rows.append((f"``{workload.name}``", precision.upper(), latency_cell(deconvolution),
                         shown_cell(torch_runs.get("contiguous")), shown_cell(torch_runs.get("channels_last")),
                         ratio_cell(analysis.ratio(deconvolution, best_torch) if deconvolution and best_torch else None),
                         ratio_cell(analysis.ratio(best_trt, best_torch) if best_trt and best_torch else None)))
    return (_("负载"), _("精度"), _("TensorRT 反卷积 ms"), "PyTorch NCHW ms", "PyTorch channels_last ms",
            _("TensorRT 反卷积 / PyTorch 最快"), _("TensorRT 最快 / PyTorch 最快")), rows


def roofline_table(benchmark: analysis.Benchmark):
    """Headers and rows of :func:`.analysis.roofline_rows`."""
    rows = [(f"``{row['workload']}``", row["precision"].upper(), ms(row["floor_ms"]),
             _("带宽") if row["bound"] == "memory" else _("算力"), f"``{row['run']['formulation']}``",
             ms(analysis.median_ms(row["run"])), f"{row['percent']:.0f} %",
             _("是") if row["percent"] >= 50 else _("否")) for row in analysis.roofline_rows(benchmark)]
    return (_("负载"), _("精度"), _("下限 ms"), _("受限于"), _("最快写法"), _("中位数 ms"), _("达到下限的"),
            _("在 2 倍以内")), rows


def formulation_label(record: Dict[str, Any]) -> str:
    """Who ran the formulation and which it is: ``TensorRT subpixel``, ``PyTorch conv_transpose (channels_last)``..."""
    if "formulation" in record:
        return f"TensorRT ``{record['formulation']}``"
    if record.get("kind") == "matmul_fold":
        return "PyTorch ``matmul + fold``"
    return f"PyTorch ``conv_transpose`` ({record['memory_format']})"


def not_measured_cell(value: Optional[float], text: str) -> str:
    """``text`` or, for a value the recording lacks, "not measured"."""
    return _("未测量") if value is None else text


def gap_table(benchmark: analysis.Benchmark):
    """Headers and rows of :func:`.analysis.gap_rows`."""
    rows = []
    for row in analysis.gap_rows(benchmark):
        gemm, percent, over, launch = row["gemm_ms"], row["gemm_percent_of_peak"], row["best_over_gemm"], row["launch_ms"]
        rows.append((f"``{row['workload']}``", row["precision"].upper(),
                     f"{ms(row['floor_ms'])} ({_('带宽') if row['bound'] == 'memory' else _('算力')})",
                     f"{formulation_label(row['run'])}", ms(row["best_ms"]), ratio_cell(row["over_floor"]),
                     not_measured_cell(gemm, ms(gemm)), not_measured_cell(percent, f"{percent or 0:.1f} %"),
                     not_measured_cell(over, ratio_cell(over)), not_measured_cell(launch, ms(launch))))
    return (_("负载"), _("精度"), _("下限 ms（受限于）"), _("最快写法"), _("中位数 ms"), _("最快 / 下限"),
            _("GEMM 单独 ms"), _("GEMM 达到测得峰值的"), _("最快 / GEMM 单独"), _("GPU 启动开销 ms / kernel")), rows


def verdict_sentence(row: Dict[str, Any]) -> str:
    """One workload's verdict, from its :func:`.analysis.gap_rows` row; it names only causes measured in that run."""
    names = dict(workload=f"``{row['workload']}``", precision=row["precision"].upper(), run=f"``{row['run']['id']}``",
                 formulation=formulation_label(row["run"]), ratio=f"{row['over_floor']:.1f}",
                 floor=ms(row["floor_ms"]), best=ms(row["best_ms"]), gemm=ms(row["gemm_ms"]),
                 launch=ms(row["launch_ms"]), kernels=row["kernels"],
                 gemm_ratio=f"{(row['gemm_ms'] or 0) / row['floor_ms']:.1f}",
                 percent=f"{row['gemm_percent_of_peak'] or 0:.0f}", over_gemm=f"{row['best_over_gemm'] or 0:.1f}",
                 bandwidth=f"{row['bandwidth_percent']:.0f}",
                 kernel=kernels.describe(row["run"], _) or _("PyTorch 的 cuDNN kernel（记录中没有它的名字）"))
    cause = row["cause"]
    head = _("{workload}，{precision}：最快的是 {formulation}（{run}），{best} ms，").format(**names)
    if row.get("tied"):  # a winner only where the interquartile ranges are disjoint
        head = _("{workload}，{precision}：中位数最低的是 {formulation}（{run}），{best} ms，但与 {tied} 没有可测的差别"
                 "（四分位区间重叠）；它").format(tied=_("，").join(f"``{r['id']}``" for r in row["tied"]), **names)
    if cause == "within":
        return head + _("是下限 {floor} ms 的 {ratio} 倍，在 2 倍以内。").format(**names)
    if cause == "not_measured":
        return head + _("是下限 {floor} ms 的 {ratio} 倍。这份记录没有解释差距所需的测量（GEMM 单独），"
                        "原因未测量。").format(**names)
    if cause == "launch":
        return head + _("是下限 {floor} ms 的 {ratio} 倍。GPU 启动测试测得每个 kernel {launch} ms，"
                        "这次运行有 {kernels} 个 kernel：下限加上启动开销之后就在 2 倍以内，差距来自启动。").format(**names)
    if cause == "memory_path":
        return head + _("是下限 {floor} ms（受带宽限制）的 {ratio} 倍，只用到测得复制带宽的 {bandwidth}%。"
                        "实际运行的 kernel：{kernel}。").format(**names)
    if cause == "gemm_shape":
        return head + _("是下限 {floor} ms 的 {ratio} 倍。反卷积自己的 GEMM 在这个形状上单独就要 {gemm} ms"
                        "（下限的 {gemm_ratio} 倍，测得峰值的 {percent}%）：差距来自 GEMM 的形状；"
                        "最快写法是 GEMM 单独的 {over_gemm} 倍。").format(**names)
    return head + _("是下限 {floor} ms 的 {ratio} 倍。GEMM 单独只要 {gemm} ms（下限的 {gemm_ratio} 倍），"
                    "最快写法是它的 {over_gemm} 倍：差距在 GEMM 之外——重叠相加（col2im）、相位重排或写法中的其他层。"
                    ).format(**names)


def verdicts_nodes(benchmark: analysis.Benchmark) -> List[nodes.Node]:
    """A bullet list of :func:`verdict_sentence`, after a visible note when the recording lacks the col2im measurements."""
    result: List[nodes.Node] = []
    if benchmark.pytorch_format < 2:
        result.append(nodes.paragraph("", "", *inline(_(
            "注意：这份记录的 PyTorch 部分是格式 {format}，没有 GEMM 单独、matmul + fold 和启动下限的测量，"
            "表中相应的格显示“未测量”。在 GPU 上运行 ``python3 -m trtdeconv_docs.benchmark.pytorch --out DIR`` "
            "并合并后即可补上。").format(format=benchmark.pytorch_format)), classes=["benchmark-note"], translatable=False))
    items = nodes.bullet_list()
    for row in analysis.verdict_rows(benchmark):
        paragraph = nodes.paragraph(translatable=False)
        paragraph += inline(verdict_sentence(row))
        items += nodes.list_item("", paragraph)
    return result + [items]


def earlier_alternatives(benchmark: analysis.Benchmark, row: Dict[str, Any]) -> List[Dict[str, Any]]:
    """A family row's other formulations carried from an earlier recording, at the row's precision and layout."""
    deconvolution = row["deconvolution"]
    return [r for r in benchmark.tensorrt_runs(deconvolution["workload"], precision=row["precision"])
            if analysis.carried(r) and r["formulation"] != "deconvolution" and r.get("layout", "nchw") == "nchw"]


def family_gain(benchmark: analysis.Benchmark, row: Dict[str, Any]) -> str:
    """The measured-gain cell of one :func:`.analysis.family_rows` row: a ratio only with disjoint interquartile
    ranges, both runs cited with median [IQR]; what was not measured anew, said so."""
    deconvolution, chosen, alternative = row["deconvolution"], row["chosen"], row["alternative"]
    if deconvolution is None:
        return _("本记录未测量")
    if row["recommended"] != "deconvolution" and chosen is None:
        if row["earlier"] is not None:
            return _("本记录没有重测 ``{formulation}``；这条建议来自旧记录测得的 {run}（不计入）").format(
                formulation=row["recommended"], run=f"``{row['earlier']['id']}``")
        return _("本记录没有测量 ``{formulation}``").format(formulation=row["recommended"])
    if row["recommended"] == "deconvolution":
        if alternative is None:
            text = _("本记录只测了反卷积本身（{run}），没有测量任何等价写法，无从比较").format(run=f"``{deconvolution['id']}``")
            earlier = earlier_alternatives(benchmark, row)
            if earlier:
                text += _("；“保留反卷积”这条建议来自旧记录测得的 {runs}（不计入）").format(
                    runs=_("、").join(f"``{r['id']}``" for r in earlier))
            return text
        chosen, deconvolution = deconvolution, alternative  # the gain of keeping the deconvolution
    if not analysis.disjoint(deconvolution, chosen):
        return _("没有可测的差别（四分位区间重叠：{first} {a} 对 {second} {b} ms）").format(
            first=f"``{chosen['id']}``", a=latency_cell(chosen), second=f"``{deconvolution['id']}``",
            b=latency_cell(deconvolution))
    return _("快 {ratio:.2f}×：{first} {a} 对 {second} {b} ms").format(
        ratio=analysis.ratio(deconvolution, chosen), first=f"``{chosen['id']}``", a=latency_cell(chosen),
        second=f"``{deconvolution['id']}``", b=latency_cell(deconvolution))


def families_table(benchmark: analysis.Benchmark):
    """Headers and rows of :func:`.analysis.family_rows`: what to do per layer family, with the measured gain."""
    rows = []
    for row in analysis.family_rows(benchmark):
        action = (_("（未测量，没有建议）") if row["deconvolution"] is None
                  else _("保留反卷积（本记录没有测量其他写法）") if row["recommended"] == "deconvolution"
                  and row["alternative"] is None
                  else _("保留反卷积") if row["recommended"] == "deconvolution"
                  else _("改写为 ``{formulation}``").format(formulation=row["recommended"]))
        rows.append((family_words(row["family"], row["workloads"]), " ".join(f"``{n}``" for n in row["workloads"]) or "–", action,
                     family_gain(benchmark, row), kernels.describe(row["deconvolution"], _) if row["deconvolution"] else "–"))
    return (_("层族"), _("负载"), _("建议"), _("测得的加速"), _("反卷积实际运行的 kernel")), rows


def earlier_table(benchmark: analysis.Benchmark):
    """Headers and rows: the runs carried from an earlier recording (:func:`.merge.carry_earlier`), in a table of
    their own (another GPU, another method: never beside the new rows), with the GPU, date and method."""
    sessions = earlier_sessions(benchmark)
    gpu = sessions[-1]["provenance"]["gpu"] if sessions else "–"
    rows = [(f"``{record['id']}``", gpu, analysis.carried_from(record), latency_cell(record), kernel_cell(record))
            for record in benchmark.tensorrt["runs"] + benchmark.pytorch["runs"] if analysis.carried(record)]
    return (_("运行"), "GPU", _("格式、日期"), _("中位数 [四分位] ms"), _("实际运行的 kernel")), rows


def refusals_table(benchmark: analysis.Benchmark):
    """Headers and rows: TensorRT runs that were refused, failed or not run, with the first message."""
    rows = []
    for record in benchmark.tensorrt["runs"]:
        if record["status"] in ("refused", "failed"):
            message = (record.get("messages") or [record.get("reason", "")])[0]
            rows.append((f"``{record['id']}``", status_text(record["status"]), f"``{message.strip().splitlines()[-1][:300]}``"
                         if message.strip() else "–"))
    return (_("运行"), _("结果"), _("TensorRT 的消息")), rows


def not_run_text(benchmark: analysis.Benchmark) -> str:
    """How many planned runs of each runner were not reached (their time budget ran out), by formulation; empty
    when every planned run ran. Those runs are the next GPU session's plan, not results."""
    parts = []
    for runner, records in (("TensorRT", benchmark.tensorrt["runs"]), ("PyTorch", benchmark.pytorch["runs"])):
        counts: Dict[str, int] = {}
        for record in records:
            if record["status"] == "not_run":
                key = record.get("formulation") or record.get("workload", "")
                counts[key] = counts.get(key, 0) + 1
        if counts:
            parts.append(_("{runner} 计划中的 {count} 次运行没有运行（时间预算用完）：{detail}。").format(
                runner=runner, count=sum(counts.values()),
                detail=_("，").join(f"``{key}`` {count}" for key, count in sorted(counts.items()))))
    return "".join(parts)


def kernel_cell(record: Dict[str, Any]) -> str:
    """The run's compute kernels in words, in the build's language (``sm80 隐式 GEMM 反卷积，FP16``); the raw tactic
    names are in the cited rows' collapsed details (:func:`row_details_table`) and in the recording."""
    return kernels.describe(record, _) or "–"


def notes_cell(record: Dict[str, Any]) -> str:
    """What a cited run's reader should notice: the reformat layers' share of its per-layer time, host-bound."""
    notes = []
    share = analysis.reformat_share(record)
    if share is not None and round(100 * share) > 0:
        notes.append(_("重排（reformat）占逐层时间的 {percent:.0f}%").format(percent=100 * share))
    if record.get("host_bound"):
        notes.append(_("受主机限制：主机提交比 GPU 时间长"))
    return _("；").join(notes) or "–"


def row_table(benchmark: analysis.Benchmark, run_ids: Sequence[str]):
    """Headers and rows: the cited runs, four columns a phone shows without scrolling (an unverified run shows no
    number); the rest of what is recorded is in :func:`row_details_table`."""
    rows = [(f"``{run_id}``", shown_cell(benchmark.run(run_id)), kernel_cell(benchmark.run(run_id)),
             notes_cell(benchmark.run(run_id))) for run_id in run_ids]
    return (_("运行"), _("中位数 [四分位] ms"), _("实际运行的 kernel"), _("注意")), rows


def row_details_table(benchmark: analysis.Benchmark, run_ids: Sequence[str]):
    """Headers and rows, one row per recorded field and one column per cited run: IQR, iterations, build time,
    flags, error over the tolerance bound and the raw tactic name of every compute layer."""
    records = [benchmark.run(run_id) for run_id in run_ids]

    def field(record: Dict[str, Any], name: str) -> str:
        reason = analysis.unusable(record)
        if name == "iqr":
            stats = analysis.statistics(record["samples_ms"]) if reason is None else {}
            return f"{stats['q3'] - stats['q1']:#.3g}" if stats else "–"
        if name == "iterations":
            return str(record.get("latency_ms", {}).get("iterations", "–"))
        if name == "build":
            return f"{record['build_seconds']:.1f}" if "build_seconds" in record else "–"
        if name == "flags":
            return " ".join(record.get("flags", [])) or record.get("memory_format", "–")
        if name == "error":
            worst = record.get("check", {}).get("worst_ratio")
            return _("未核验") if reason == "unverified INT8 output" else "–" if worst is None else f"{worst:.3g}"
        names = [entry["TacticName"] for entry in kernels.compute_layers(record) if entry.get("TacticName")]
        return "; ".join(f"``{name}``" for name in names) or "–"

    labels = {"iqr": "IQR ms", "iterations": _("次数"), "build": _("构建秒数"), "flags": _("标志"),
              "error": _("误差/容差"), "tactic": _("TensorRT 的 tactic 名")}
    rows = [[label] + [field(record, name) for record in records] for name, label in labels.items()]
    return [""] + [f"``{run_id}``" for run_id in run_ids], rows


def reason_words(reason: str, record: Dict[str, Any]) -> str:
    """:func:`.analysis.unusable`'s reason in the build's language."""
    words = {analysis.EARLIER_METHOD: _("旧记录测得"), "unverified INT8 output": _("INT8 输出未核验"),
             "output outside the tolerance rule": _("输出超出容差"),
             "output has unwritten or non-finite elements": _("输出有未写入或非有限的元素")}
    return words.get(reason) or status_text(record.get("status", reason))


def compare_sentence(benchmark: analysis.Benchmark, first: str, second: str) -> str:
    """Which of two runs is faster and by how much, only when their interquartile ranges are disjoint."""
    a, b = benchmark.run(first), benchmark.run(second)
    for record in (a, b):
        reason = analysis.unusable(record)
        if reason is not None:
            return _("{run} 不能比较：{reason}。").format(run=f"``{record['id']}``", reason=reason_words(reason, record))
        if not kernels.label_matches(record):
            return _("{run} 不能比较：标签是 {label}，kernel 实际以 {ran} 运行。").format(
                run=f"``{record['id']}``", label=record["precision"].upper(),
                ran=kernels.PRECISION_WORDS[kernels.ran_in(record)])
    if not analysis.disjoint(a, b):
        return _("{first} 与 {second} 没有可测的差别：四分位区间重叠（{a} 对 {b} ms，中位数 [四分位]）。").format(
            first=f"``{first}``", second=f"``{second}``", a=latency_cell(a), b=latency_cell(b))
    faster, slower = (a, b) if analysis.median_ms(a) < analysis.median_ms(b) else (b, a)
    return _("{faster} 比 {slower} 快，加速 {ratio:.2f}×：{a} 对 {b} ms（中位数 [四分位]，四分位区间不重叠）。").format(
        faster=f"``{faster['id']}``", slower=f"``{slower['id']}``", ratio=analysis.ratio(slower, faster), a=latency_cell(faster),
        b=latency_cell(slower))


class run_details(nodes.General, nodes.Element):
    """A collapsed block (HTML ``<details>``, closed until the reader opens it) whose ``summary`` attribute is its
    one-line title; not a raw node, so the catalogs never see its markup."""


def _visit_run_details(translator, node) -> None:
    translator.body.append(f'<details class="trtdeconv-run-details"><summary>{html.escape(node["summary"])}</summary>')


def _depart_run_details(translator, _node) -> None:
    translator.body.append("</details>")


def details_nodes(benchmark: analysis.Benchmark, run_ids: Sequence[str]) -> List[nodes.Node]:
    """The cited runs' :func:`row_details_table`, collapsed in a :class:`run_details`."""
    headers, rows = row_details_table(benchmark, run_ids)
    summary = _("这次运行的其余记录（IQR、次数、构建时间、标志、误差、tactic 名）") if len(run_ids) == 1 \
        else _("这些运行的其余记录（IQR、次数、构建时间、标志、误差、tactic 名）")
    return [run_details("", table_node(headers, rows), summary=summary)]


TABLES = {"families": families_table, "ceilings": ceilings_table, "workloads": workloads_table, "tensorrt": tensorrt_table,
          "pytorch": pytorch_table, "roofline": roofline_table, "gap": gap_table, "refusals": refusals_table,
          "earlier": earlier_table}


def load(folder: Path) -> analysis.Benchmark:
    """:func:`analysis.load`, once per process for the same recorded bytes: the guide's pages show about 23 views of
    one recording, and each load parsed 2.7 MB of JSON and checked every stored summary against its samples."""
    try:
        digests = tuple(recordings.sha256(folder / name) for name in (tensorrt_file, pytorch_file, recordings.MANIFEST))
    except OSError:  # a file is missing: the load names it
        return analysis.load(folder)
    return _loaded(Path(folder).resolve(), digests)


@functools.lru_cache(maxsize=4)
def _loaded(folder: Path, _digests: Tuple[str, ...]) -> analysis.Benchmark:
    return analysis.load(folder)


class BenchmarkDirective(SphinxDirective):
    """Renders one view of the benchmark recording; see the module docstring."""

    required_arguments = 1
    option_spec = {"run": directives.unchanged_required, "runs": directives.unchanged_required,
                   "chart": lambda value: directives.choice(value, CHARTS)}

    def run(self):
        """Read the recording and build the requested nodes; a build error names what is missing."""
        kind = self.arguments[0]
        folder = benchmark_dir(self.config, self.env.srcdir)
        for name in ("tensorrt.json", "pytorch.json", recordings.MANIFEST):
            self.env.note_dependency(str(folder / name))
        try:
            if kind not in KINDS:
                raise KeyError(f"unknown view {kind!r}; choose one of {', '.join(KINDS)}")
            return self.render(kind, load(folder))
        except (recordings.RecordingError, KeyError, ValueError) as error:
            message = error.args[0] if isinstance(error, KeyError) else str(error)
            raise self.error(f"trt-benchmark {kind} in page {self.env.docname!r}: {message}; "
                             "record with the benchmark runners on a GPU (see trtdeconv_docs.benchmark)") from None

    def render(self, kind: str, benchmark: analysis.Benchmark) -> List[nodes.Node]:
        """The nodes of one view."""
        if kind == "provenance":
            return [nodes.paragraph("", provenance_text(benchmark), classes=["benchmark-provenance"], translatable=False)]
        if kind in ("scope", "warmup", "ceiling-rule", *benchmark_method.VIEWS):
            text = {"scope": scope_text, "warmup": warmup_text, "ceiling-rule": ceiling_rule_text,
                    **benchmark_method.VIEWS}[kind](benchmark)
            return [nodes.paragraph("", "", *inline(text), translatable=False)]
        if kind == "earlier" and earlier_sessions(benchmark):
            headers, rows = TABLES[kind](benchmark)
            note = _("这些运行来自 {session}；只作参考，不与上面任何一个数字比较。").format(
                session=earlier_session_words(benchmark, earlier_sessions(benchmark)[-1]))
            return [nodes.paragraph("", "", *inline(note), classes=["benchmark-note"], translatable=False),
                    table_node(headers, rows)]
        if kind == "verdicts":
            return verdicts_nodes(benchmark)
        if kind == "gap" and benchmark.pytorch_format < 2:
            headers, rows = TABLES[kind](benchmark)
            return verdicts_nodes(benchmark)[:1] + [table_node(headers, rows)]
        if kind == "chart":
            chart = self.options.get("chart", "formulations")
            if not benchmark_charts.series(benchmark, chart):
                return [nodes.paragraph("", _("这份记录还没有这张图的数据（{chart}）。").format(chart=chart),
                                        classes=["benchmark-note"], translatable=False)]
            chinese = str(self.config.language or "").startswith("zh")
            # the message templates (gettext) take the chart's alt text, never its pixels: drawn for the pages only
            data = "" if self.env.app.builder.name == "gettext" else \
                base64.b64encode(benchmark_charts.png(benchmark, chart, chinese)).decode("ascii")
            alt = {"formulations": _("图：各写法的中位数用时（对数轴），每个负载一列"),
                   "pytorch": _("图：对数-对数散点，横轴 PyTorch conv_transpose 的中位数，纵轴 TensorRT 反卷积的中位数，"
                                "同一精度、同一内存布局；对角线以下 TensorRT 更快"),
                   "roofline": _("图：对数-对数 roofline，横轴算术强度，纵轴达到的 TFLOP/s，实线为测得上限，虚线为规格上限"),
                   "depthwise": _("图：逐通道反卷积（depthwise 负载的层）的用时随输入边长的变化"),
                   "batch": _("图：每个负载 FP16 的用时随批大小的变化（批大小 1 与负载自己的批大小，对数-对数）")}[chart]
            return [nodes.container("", nodes.image(uri=f"data:image/png;base64,{data}", alt=alt),
                                    classes=["trtdeconv-chart"])]
        if kind == "refusals":
            headers, rows = TABLES[kind](benchmark)
            text = not_run_text(benchmark)
            result = [nodes.paragraph("", "", *inline(text), classes=["benchmark-note"], translatable=False)] if text else []
            if rows or not text:
                result.append(table_node(headers, rows) if rows else nodes.paragraph(
                    "", _("这份记录里 TensorRT 没有拒绝构建或运行出错的运行。"), classes=["benchmark-note"],
                    translatable=False))
            return result
        if kind in TABLES:
            headers, rows = TABLES[kind](benchmark)
            if not rows:
                return [nodes.paragraph("", _("（这份记录中没有。）"), classes=["benchmark-note"], translatable=False)]
            return [table_node(headers, rows)]
        run_ids = [self.options.get("run", "").strip()] if kind == "row" else \
            [part.strip() for part in self.options.get("runs", "").split(",") if part.strip()]
        if not all(run_ids) or (kind == "compare" and len(run_ids) != 2):
            raise ValueError(":run: names one run" if kind == "row" else ":runs: names two runs, separated by a comma")
        result: List[nodes.Node] = []
        if kind == "compare":
            result.append(nodes.paragraph("", "", *inline(compare_sentence(benchmark, *run_ids)), translatable=False))
        headers, rows = row_table(benchmark, run_ids)
        return result + [table_node(headers, rows)] + details_nodes(benchmark, run_ids)


def said_role(role, rawtext, text, lineno, inliner, options=None, content=None):
    """``{trt-benchmark-said}`per-layer``` -> one fact of :data:`.benchmark_method.INLINE` from the recording, inside a
    sentence of the page; an unknown fact or a missing recording is an error naming the page."""
    env = inliner.document.settings.env
    folder = benchmark_dir(env.config, env.srcdir)
    for name in (tensorrt_file, pytorch_file, recordings.MANIFEST):
        env.note_dependency(str(folder / name))
    try:
        if text not in benchmark_method.INLINE:
            raise KeyError(f"unknown fact {text!r}; choose one of {', '.join(benchmark_method.INLINE)}")
        said = benchmark_method.INLINE[text](load(folder))
    except (recordings.RecordingError, KeyError, ValueError) as error:
        message = inliner.reporter.error(f"trt-benchmark-said in page {env.docname!r}: "
                                         f"{error.args[0] if isinstance(error, KeyError) else error}; record with the "
                                         "benchmark runners on a GPU (see trtdeconv_docs.benchmark)", line=lineno)
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    # no ``translatable`` attribute: Sphinx's RemoveTranslatableInline unwraps such inlines to the paragraph's end;
    # the benchmark- class tells the rendered-literals check that its text is generated
    return [nodes.inline("", "", *inline(said), classes=["benchmark-said"])], []


def setup(app):
    """Register ``trt-benchmark``, ``trt-benchmark-said`` and the ``trtdeconv_benchmark_dir`` conf value."""
    app.setup_extension(messages.__name__)
    app.setup_extension(tables.__name__)  # its wbr node
    app.add_config_value("trtdeconv_benchmark_dir", None, "env", types=frozenset({str, type(None)}))
    html_nodes.add_html_only(app, run_details, _visit_run_details, _depart_run_details)
    app.add_directive("trt-benchmark", BenchmarkDirective)
    app.add_role("trt-benchmark-said", said_role)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
