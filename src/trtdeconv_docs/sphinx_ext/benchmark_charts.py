"""The performance guide's charts, drawn at build time from the recording (matplotlib, SVG-free PNG bytes).

:func:`series` computes what a chart shows (only runs that :func:`~trtdeconv_docs.benchmark.analysis.shown`
admits: no unverified INT8 row, no row whose label differs from its kernel); :func:`png` draws it
with a distinct colour per formulation or precision and a distinct marker per precision, a legend
entry only for series with at least one measured point, and labels in the edition's language
(Chinese where a CJK font with every glyph is installed, else English; the alt text is always in
the edition's language). ``roofline`` is a true log-log roofline: arithmetic intensity against
achieved throughput, under the measured roofs (solid) and the spec-sheet roofs (dashed).
``depthwise`` draws the depthwise sweep (latency against input size and against the number of
groups) when the recording has it.
"""

from __future__ import annotations

import io
from typing import Any, Dict, List, Optional, Tuple

from ..benchmark import analysis, roofline, specs
from ..benchmark.formulations import FORMULATIONS
from ..benchmark.workloads import GUIDE, WORKLOADS, by_name

CHARTS = ("formulations", "pytorch", "roofline", "depthwise")
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")
MARKERS = {"fp32": "o", "tf32": "s", "fp16": "^", "int8": "D", "int8_out": "P"}
LABELS = {
    "ms": ("中位数 ms（对数）", "median ms (log)"),
    "ratio": ("TensorRT 反卷积 / PyTorch 最快", "TensorRT deconvolution / fastest PyTorch"),
    "intensity": ("算术强度 FLOP/字节（对数）", "arithmetic intensity, FLOP/byte (log)"),
    "throughput": ("达到的 TFLOP/s（对数）", "achieved TFLOP/s (log)"),
    "measured_roof": ("测得的上限", "measured roof"),
    "spec_roof": ("规格上限", "spec roof"),
    "input_size": ("输入边长（对数）", "input side (log)"),
    "groups": ("组数（通道固定为 128，对数）", "number of groups (128 channels, log)"),
}


def _label(key: str, chinese: bool) -> str:
    return LABELS[key][0 if chinese else 1]


def cjk_font() -> Optional[str]:
    """A font family with every glyph of the Chinese labels, or ``None``."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    from ..pictures import CJK_FAMILIES

    needed = {ord(ch) for zh, _ in LABELS.values() for ch in zh if ord(ch) > 0x2E7F}
    available = {entry.name: entry.fname for entry in font_manager.fontManager.ttflist}
    names = [n for n in CJK_FAMILIES if n in available] + sorted(n for n in available if "CJK" in n)
    for name in names:
        if all(FT2Font(available[name]).get_char_index(code) for code in needed):
            return name
    return None


def series(benchmark: analysis.Benchmark, chart: str) -> Dict[str, List[Tuple[Any, float, str]]]:
    """Series name -> [(x, y, run id)], only measured, shown runs; empty series are left out."""
    result: Dict[str, List[Tuple[Any, float, str]]] = {}
    if chart == "formulations":
        for precision in ("fp32", "tf32", "fp16"):
            for formulation in FORMULATIONS:
                points = []
                for name in GUIDE:
                    runs = analysis.shown(benchmark.tensorrt_runs(name, formulation=formulation, precision=precision))
                    runs = [r for r in runs if r.get("layout", "nchw") == "nchw"]
                    if runs:
                        points.append((name, analysis.median_ms(runs[0]), runs[0]["id"]))
                result[f"{formulation} {precision.upper()}"] = points
    elif chart == "pytorch":
        for precision in ("fp32", "tf32", "fp16"):
            points = []
            for name in GUIDE:
                trt = [r for r in analysis.shown(benchmark.tensorrt_runs(name, formulation="deconvolution",
                                                                          precision=precision))
                       if r.get("layout", "nchw") == "nchw"]
                torch = analysis.fastest(analysis.shown(benchmark.pytorch_runs(name, precision=precision)))
                if trt and torch:
                    points.append((name, analysis.ratio(trt[0], torch), trt[0]["id"]))
            result[precision.upper()] = points
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
        for sweep, xs in (("depthwise_resolution", "size"), ("depthwise_groups", "groups")):
            members = [w for w in WORKLOADS if w.sweep == sweep or (w.name == "depthwise" and xs == "size")
                       or (w.name == "depthwise_64" and xs == "groups")]
            for formulation in ("deconvolution", "subpixel", "subpixel_phases"):
                for precision in ("fp16", "fp32"):
                    points = []
                    for workload in members:
                        runs = analysis.shown(benchmark.tensorrt_runs(workload.name, formulation=formulation,
                                                                      precision=precision))
                        if runs:
                            x = workload.input_shape[2] if xs == "size" else workload.layer.num_groups
                            points.append((x, analysis.median_ms(runs[0]), runs[0]["id"]))
                    if len(points) >= 2:  # a curve needs two sizes
                        result[f"{xs}: {formulation} {precision.upper()}"] = sorted(points)
    else:
        raise KeyError(f"unknown chart {chart!r}; choose one of {', '.join(CHARTS)}")
    return {name: points for name, points in result.items() if points}


def png(benchmark: analysis.Benchmark, chart: str, chinese: bool) -> bytes:
    """The chart as PNG bytes; Chinese labels only when ``chinese`` and a CJK font is installed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    font = cjk_font() if chinese else None
    chinese = bool(font)
    data = series(benchmark, chart)
    with matplotlib.rc_context({"font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"]}):
        if chart == "depthwise":
            figure, axes_list = plt.subplots(1, 2, figsize=(9, 3.6), dpi=100)
        else:
            figure, axes = plt.subplots(figsize=(9, 3.8), dpi=100)
            axes_list = [axes]
        colours = {}

        def style(name: str):
            key = name.split(" ")[-2] if chart in ("formulations", "depthwise") else name
            colours.setdefault(key, COLOURS[len(colours) % len(COLOURS)])
            precision = name.split(" ")[-1].lower()
            return colours[key], MARKERS.get(precision, "o")

        if chart in ("formulations", "pytorch"):
            axes = axes_list[0]
            names = list(GUIDE)
            for index, (name, points) in enumerate(data.items()):
                colour, marker = style(name)
                offset = (index - (len(data) - 1) / 2) * 0.06
                axes.plot([names.index(x) + offset for x, _, _ in points], [y for _, y, _ in points], marker=marker,
                          linestyle="none", color=colour, label=name, markersize=6)
            axes.set_xticks(range(len(names)), names, rotation=20, fontsize=8)
            if chart == "formulations":
                axes.set_yscale("log")
                axes.set_ylabel(_label("ms", chinese))
            else:
                axes.axhline(1.0, color="black", linewidth=0.8)
                axes.set_ylabel(_label("ratio", chinese))
        elif chart == "roofline":
            import numpy as np

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
                for x, y, run_id in points:
                    axes.annotate(run_id.split("/")[0], (x, y), fontsize=6, xytext=(3, 3), textcoords="offset points")
            axes.plot([], [], color="grey", linewidth=1, label=_label("measured_roof", chinese))
            axes.plot([], [], color="grey", linewidth=0.8, linestyle="--", label=_label("spec_roof", chinese))
            axes.set_xscale("log")
            axes.set_yscale("log")
            axes.set_xlabel(_label("intensity", chinese))
            axes.set_ylabel(_label("throughput", chinese))
        else:
            for axes, prefix, key in zip(axes_list, ("size: ", "groups: "), ("input_size", "groups")):
                for name, points in data.items():
                    if not name.startswith(prefix):
                        continue
                    colour, marker = style(name)
                    axes.plot([x for x, _, _ in points], [y for _, y, _ in points], marker=marker, color=colour,
                              label=name[len(prefix):])
                axes.set_xscale("log", base=2)
                axes.set_yscale("log")
                axes.set_xlabel(_label(key, chinese))
                axes.set_ylabel(_label("ms", chinese))
        for axes in axes_list:
            if axes.get_legend_handles_labels()[0]:
                axes.legend(fontsize=7, ncol=2)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", metadata={"Software": None})
        plt.close(figure)
    return buffer.getvalue()
