"""The performance guide's charts, drawn at build time from the recording (matplotlib, PNG bytes).

:func:`series` computes what a chart shows (only runs that :func:`~trtdeconv_docs.benchmark.analysis.shown`
admits: no unverified INT8 row, no row whose label differs from its kernel); :func:`png` draws it
with a colour of its own for every series and a marker per precision, a legend entry only for
series with at least one measured point, and labels in the edition's language (Chinese where a
CJK font with every glyph is installed, :func:`trtdeconv_docs.pictures.cjk_family`, else English;
the alt text is always in the edition's language). ``formulations``: each formulation's median
per workload (TensorRT). ``pytorch``: a log-log scatter of TensorRT's deconvolution against
PyTorch's ``conv_transpose`` in the same precision and memory layout, for the workloads both ran.
``roofline`` is a true log-log roofline: arithmetic intensity against achieved throughput, under
the measured roofs (solid) and the spec-sheet roofs (dashed). ``depthwise``: the depthwise k4 s2
layer's latency against the input side (128 groups) and against the number of groups (128
channels, 64x64), from every runner that measured at least two points of a curve. ``batch``: each
workload's FP16 NCHW latency at batch 1 and at its own batch, per runner that measured both.
"""

from __future__ import annotations

import io
from typing import Any, Dict, List, Tuple

from ..benchmark import analysis, roofline, specs
from ..benchmark.formulations import FORMULATIONS
from ..benchmark.workloads import GUIDE, by_name
from ..pictures import cjk_family

CHARTS = ("formulations", "pytorch", "roofline", "depthwise", "batch")
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#7f7f7f",
           "#bcbd22")
MARKERS = {"fp32": "o", "tf32": "s", "fp16": "^", "int8": "D", "int8_out": "P"}
LABELS = {
    "ms": ("中位数 ms（对数）", "median ms (log)"),
    "pytorch_ms": ("PyTorch conv_transpose 中位数 ms（对数）", "PyTorch conv_transpose, median ms (log)"),
    "tensorrt_ms": ("TensorRT 反卷积中位数 ms（对数）", "TensorRT deconvolution, median ms (log)"),
    "same_time": ("用时相同（对角线以下 TensorRT 更快）", "same time (below the diagonal TensorRT is faster)"),
    "intensity": ("算术强度 FLOP/字节（对数）", "arithmetic intensity, FLOP/byte (log)"),
    "throughput": ("达到的 TFLOP/s（对数）", "achieved TFLOP/s (log)"),
    "measured_roof": ("测得的上限", "measured roof"),
    "spec_roof": ("规格上限", "spec roof"),
    "input_size": ("输入边长（{groups} 组，对数）", "input side ({groups} groups, log)"),
    "groups": ("组数（{c_in} 通道，{size}，对数）", "number of groups ({c_in} channels, {size}, log)"),
    "batch": ("批大小（对数）", "batch size (log)"),
}
RUNNER_MARKERS = {"TensorRT": "s", "PyTorch": "^"}
"""``batch``: the same workload keeps its colour; the runner has its marker (and TensorRT a solid, PyTorch a dashed line)."""
DEPTHWISE_CURVES = {
    "size": ("depthwise_32", "depthwise_64", "depthwise", "depthwise_256"),
    "groups": ("grouped_1", "grouped_8", "grouped_32", "depthwise_64"),
}
"""The depthwise k4 s2 layer's two curves: the workloads along each axis (:data:`.workloads.WORKLOADS`)."""


def _label(key: str, chinese: bool, **fields: Any) -> str:
    """The label ``key`` in the chart's language, its placeholders filled in (a workload's :meth:`.Workload.fields`)."""
    return LABELS[key][0 if chinese else 1].format(**fields)


def cjk_font():
    """A font family with every glyph of the Chinese labels, or ``None``."""
    return cjk_family("".join(zh for zh, _ in LABELS.values()))


def _layout(record: Dict[str, Any]) -> str:
    return record.get("layout", record.get("memory_format", "nchw")).replace("contiguous", "nchw")


def _first(records: List[Dict[str, Any]], layout: str = "nchw"):
    found = [r for r in analysis.shown(records) if _layout(r) == layout]
    return found[0] if found else None


def _depthwise_x(name: str, axis: str) -> int:
    workload = by_name(name)
    return workload.input_shape[2] if axis == "size" else workload.layer.num_groups


def series(benchmark: analysis.Benchmark, chart: str) -> Dict[str, List[Tuple[Any, float, str]]]:
    """Series name -> [(x, y, run id)], only measured, shown runs; empty series are left out.

    ``pytorch``'s points are (PyTorch median, TensorRT median, TensorRT run id)."""
    result: Dict[str, List[Tuple[Any, float, str]]] = {}
    if chart == "formulations":
        for precision in ("fp32", "tf32", "fp16"):
            for formulation in FORMULATIONS:
                points = []
                for name in GUIDE:
                    run = _first(benchmark.tensorrt_runs(name, formulation=formulation, precision=precision))
                    if run:
                        points.append((name, analysis.median_ms(run), run["id"]))
                result[f"{formulation} {precision.upper()}"] = points
    elif chart == "pytorch":
        for precision in ("fp32", "tf32", "fp16"):
            for layout in ("nchw", "channels_last"):
                points = []
                for name in GUIDE:
                    trt = _first(benchmark.tensorrt_runs(name, formulation="deconvolution", precision=precision), layout)
                    torch = _first(benchmark.pytorch_runs(name, precision=precision), layout)
                    if trt and torch:
                        points.append((analysis.median_ms(torch), analysis.median_ms(trt), trt["id"]))
                result[f"{precision.upper()} {'NCHW' if layout == 'nchw' else layout}"] = points
    elif chart == "roofline":
        ceilings = analysis.ceilings(benchmark)
        for precision in ("fp32", "tf32", "fp16", "int8", "int8_out"):
            if f"peak_{precision.partition('_')[0]}" not in ceilings:
                continue
            points = []
            for name in GUIDE:
                workload = by_name(name)
                best = analysis.fastest(analysis.shown(benchmark.tensorrt_runs(name, precision=precision)))
                if best is None:
                    continue
                flops = roofline.flops(workload)
                points.append((flops / roofline.bytes_moved(workload, precision),
                               flops / (analysis.median_ms(best) * 1e-3) / 1e12, best["id"]))
            result[precision.upper()] = points
    elif chart == "depthwise":
        for axis, members in DEPTHWISE_CURVES.items():
            for precision in ("fp32", "fp16"):
                curves = {f"TensorRT {formulation} {precision.upper()}": [
                    _first(benchmark.tensorrt_runs(name, formulation=formulation, precision=precision))
                    for name in members] for formulation in ("deconvolution", "subpixel", "subpixel_phases")}
                for layout in ("nchw", "channels_last"):
                    curves[f"PyTorch {'NCHW' if layout == 'nchw' else layout} {precision.upper()}"] = [
                        _first(benchmark.pytorch_runs(name, precision=precision), layout) for name in members]
                for label, runs in curves.items():
                    points = [(_depthwise_x(name, axis), analysis.median_ms(run), run["id"])
                              for name, run in zip(members, runs) if run]
                    if len(points) >= 2:  # a curve needs two points
                        result[f"{axis}: {label}"] = sorted(points)
    elif chart == "batch":
        for name in (n for n in GUIDE if by_name(n).input_shape[0] > 1):  # a batch-1 workload has no curve
            for runner, runs in (("TensorRT", lambda w: benchmark.tensorrt_runs(w, formulation="deconvolution",
                                                                                  precision="fp16")),
                                 ("PyTorch", lambda w: benchmark.pytorch_runs(w, precision="fp16"))):
                pair = [(by_name(w).input_shape[0], _first(runs(w))) for w in (f"{name}_b1", name)]
                if all(run for _, run in pair):
                    result[f"{name}: {runner} FP16"] = [(batch, analysis.median_ms(run), run["id"]) for batch, run in pair]
    else:
        raise KeyError(f"unknown chart {chart!r}; choose one of {', '.join(CHARTS)}")
    return {name: points for name, points in result.items() if points}


def _style(chart: str):
    """A function: series name -> (colour, marker); a colour of its own per series (the same series in both panels
    of ``depthwise`` shares it), a marker per precision."""
    colours: Dict[str, str] = {}

    def style(name: str) -> Tuple[str, str]:
        head, _, tail = name.rpartition(": ")
        key = head if chart == "batch" else tail
        colours.setdefault(key, COLOURS[len(colours) % len(COLOURS)])
        if chart == "batch":
            return colours[key], RUNNER_MARKERS[tail.split(" ")[0]]
        words = name.replace(":", " ").lower().split()
        precision = next((w for w in words if w in MARKERS), "")
        return colours[key], MARKERS.get(precision, "o")

    return style


SAME_PLACE = 0.08
"""Points of a log-log chart closer than this many decades on both axes get one label, their workloads joined."""


def _label_points(axes, points: List[Tuple[float, float, str]]) -> None:
    """Name each point's workload beside it on a log-log chart; points that lie on one another (another precision of
    the same workload, or ``segmentation`` and ``segmentation_odd``) share one label instead of overprinting."""
    import math

    places: List[Tuple[float, float, List[str]]] = []
    for x, y, run_id in points:
        name = run_id.split("/")[0]
        for px, py, names in places:
            if abs(math.log10(x / px)) < SAME_PLACE and abs(math.log10(y / py)) < SAME_PLACE:
                if name not in names:
                    names.append(name)
                break
        else:
            places.append((x, y, [name]))
    renderer = axes.figure.canvas.get_renderer()
    taken = []
    for x, y, names in places:  # beside the point where the label covers no other label: right, left, above, below
        for dx, dy, ha, va in ((4, 2, "left", "bottom"), (-4, 2, "right", "bottom"), (4, -2, "left", "top"),
                               (-4, -2, "right", "top")):
            label = axes.annotate(", ".join(names), (x, y), fontsize=7, xytext=(dx, dy), textcoords="offset points",
                                  ha=ha, va=va)
            box = label.get_window_extent(renderer)
            if not any(box.overlaps(other) for other in taken):
                break
            label.remove()
        else:
            label = axes.annotate(", ".join(names), (x, y), fontsize=7, xytext=(4, 2), textcoords="offset points")
            box = label.get_window_extent(renderer)
        taken.append(box)


def png(benchmark: analysis.Benchmark, chart: str, chinese: bool) -> bytes:
    """The chart as PNG bytes; Chinese labels only when ``chinese`` and a CJK font is installed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib import ticker

    font = cjk_font() if chinese else None
    chinese = bool(font)
    data = series(benchmark, chart)
    style = _style(chart)
    with matplotlib.rc_context({"font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"]}):
        axes_drawn = [axis for axis in DEPTHWISE_CURVES if any(name.startswith(f"{axis}: ") for name in data)]
        if chart == "depthwise" and len(axes_drawn) == 2:
            figure, axes_list = plt.subplots(1, 2, figsize=(9, 3.8), dpi=100)
        else:
            figure, axes = plt.subplots(figsize=(9, 4.2 if chart == "pytorch" else 3.8), dpi=100)
            axes_list = [axes]
        if chart == "formulations":
            axes = axes_list[0]
            names = list(GUIDE)
            for index, (name, points) in enumerate(data.items()):
                colour, marker = style(name)
                offset = (index - (len(data) - 1) / 2) * 0.06
                axes.plot([names.index(x) + offset for x, _, _ in points], [y for _, y, _ in points], marker=marker,
                          linestyle="none", color=colour, label=name, markersize=6)
            axes.set_xticks(range(len(names)), names, rotation=20, fontsize=8)
            axes.set_yscale("log")
            axes.set_ylabel(_label("ms", chinese))
        elif chart == "pytorch":
            axes = axes_list[0]
            values = [v for points in data.values() for x, y, _ in points for v in (x, y)]
            span = np.array([min(values) / 1.5, max(values) * 1.5]) if values else np.array([1e-2, 1.0])
            axes.plot(span, span, color="grey", linewidth=0.8, label=_label("same_time", chinese))
            for name, points in data.items():
                colour, marker = style(name)
                axes.plot([x for x, _, _ in points], [y for _, y, _ in points], marker=marker, linestyle="none",
                          color=colour, label=name, markersize=6)
            axes.set_xscale("log")
            axes.set_yscale("log")
            _label_points(axes, [point for points in data.values() for point in points])
            axes.set_xlabel(_label("pytorch_ms", chinese))
            axes.set_ylabel(_label("tensorrt_ms", chinese))
        elif chart == "roofline":
            axes = axes_list[0]
            ceilings = analysis.ceilings(benchmark)
            spec = specs.spec_for(benchmark.provenance["tensorrt"]["gpu"]) or {}
            xs = np.logspace(-1, 4, 200)
            for name, points in data.items():
                colour, marker = style(name)
                key = f"peak_{name.lower().partition('_')[0]}"
                axes.plot(xs, np.minimum(xs * ceilings["bandwidth"], ceilings[key]) / 1e12, color=colour, linewidth=1)
                if key in spec:
                    axes.plot(xs, np.minimum(xs * spec["bandwidth"], spec[key]) / 1e12,
                              color=colour, linewidth=0.8, linestyle="--")
                axes.plot([x for x, _, _ in points], [y for _, y, _ in points], marker=marker, linestyle="none",
                          color=colour, label=name, markersize=6)
            axes.plot([], [], color="grey", linewidth=1, label=_label("measured_roof", chinese))
            axes.plot([], [], color="grey", linewidth=0.8, linestyle="--", label=_label("spec_roof", chinese))
            axes.set_xscale("log")
            axes.set_yscale("log")
            _label_points(axes, [point for points in data.values() for point in points])
            axes.set_xlabel(_label("intensity", chinese))
            axes.set_ylabel(_label("throughput", chinese))
        elif chart == "batch":
            axes = axes_list[0]
            for name, points in data.items():
                colour, marker = style(name)
                axes.plot([x for x, _, _ in points], [y for _, y, _ in points], marker=marker, color=colour,
                          linestyle="-" if "TensorRT" in name else "--", label=name.replace(": ", " "))
            axes.set_xscale("log", base=2)
            axes.set_yscale("log")
            axes.set_xticks(sorted({x for points in data.values() for x, _, _ in points}))
            axes.get_xaxis().set_major_formatter(ticker.ScalarFormatter())
            axes.set_xlabel(_label("batch", chinese))
            axes.set_ylabel(_label("ms", chinese))
        else:
            for axes, axis in zip(axes_list, axes_drawn):  # a panel only for a curve the recording has
                for name, points in data.items():
                    if not name.startswith(f"{axis}: "):
                        continue
                    colour, marker = style(name)
                    axes.plot([x for x, _, _ in points], [y for _, y, _ in points], marker=marker, color=colour,
                              label=name.split(": ", 1)[1])
                axes.set_xscale("log", base=2)
                axes.set_yscale("log")
                axes.set_xticks([x for x in sorted({x for n, pts in data.items() if n.startswith(f"{axis}: ")
                                                     for x, _, _ in pts})])
                axes.get_xaxis().set_major_formatter(ticker.ScalarFormatter())
                axes.set_xlabel(_label("input_size" if axis == "size" else "groups", chinese,
                                       **by_name(DEPTHWISE_CURVES[axis][0]).fields()))
                axes.set_ylabel(_label("ms", chinese))
        for axes in axes_list:
            if axes.get_legend_handles_labels()[0]:
                axes.legend(fontsize=7, ncol=2 if chart != "depthwise" else 1)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", metadata={"Software": None})
        plt.close(figure)
    return buffer.getvalue()
