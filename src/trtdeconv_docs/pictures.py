"""Pictures of which input elements and kernel elements form one output element.

Everything drawn here comes from the layer's geometry (:mod:`trtdeconv_docs.layer.shapes`):
output element ``o`` of a deconvolution is the sum of ``x[i] * w[k]`` over every input
index ``i`` and kernel index ``k`` with ``i * S + k * D - B == o`` (``B`` the leading
crop), computed by :func:`contributing_taps` and tested against the reference model. No
value shown here comes from TensorRT.

The figures are made with :mod:`matplotlib.pyplot`, so that sphinx-gallery's scraper
finds them; every cell is a ``Rectangle`` whose ``gid`` says what it is
(``"<panel>/<state>/<index>"``, e.g. ``"input/hit/0,1"``). Labels are in the language of the
site edition being built (``TRTDECONV_LANGUAGE``, which the Sphinx extension sets): Chinese
when a font with the needed glyphs is found (``TRTDECONV_CJK_FONT`` may name a font file),
English otherwise, so that no label is drawn as empty boxes; outside a site build, Chinese
with its English below.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import os
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from .layer import shapes
from .layer.attributes import TENSORRT_10_PADDING_MODES, Deconvolution, DeconvolutionError
from .translations import translate

FONT_VARIABLE = "TRTDECONV_CJK_FONT"
LANGUAGE_VARIABLE = "TRTDECONV_LANGUAGE"
"""The site edition being built (``zh_CN``, ``en``); set by the Sphinx extension ``trtdeconv_docs.sphinx_ext.language_switch``."""
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Sarasa Gothic SC",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Droid Sans Fallback",
)
"""Font families tried, in order, for the Chinese labels."""

TEXT: Dict[str, str] = {
    "input": "输入 x", "kernel": "卷积核 w（原方向）", "output": "输出 y（灰色：被裁掉）",
    "gather": "收集视图：插零、补边的输入 + 旋转 180° 的卷积核",
    "none": "（无：该元素只有偏置）",
    "channels": "卷积核 w[c, m'] 的通道块（组 {group} 参与）",
    "input_channel": "输入通道 c", "output_map": "输出通道 m",
    "size_row": "{mode}：完整输出 (I-1)·S+DK = {full}；前裁 B = {before}，后裁 A = {after}；保留 O = {kept}",
    "axis": "沿第 {axis} 个空间维",
}
"""The labels in Chinese; their English is in the package's catalog (:mod:`trtdeconv_docs.translations`)."""

HIT, TAP, PLAIN, ZERO, CROPPED = "#f4a261", "#a8dadc", "white", "#f1f1f1", "#bdbdbd"


def contributing_taps(layer: Deconvolution, input_spatial: Sequence[int],
                      output_index: Sequence[int]) -> List[Tuple[Tuple[int, ...], Tuple[int, ...]]]:
    """Every (input index, kernel index) pair with ``i * S + k * D - B == o`` in each spatial dimension."""
    spatial = tuple(int(v) for v in input_spatial)
    out = shapes.output_shape((1, layer.num_groups) + spatial, layer)[2:]
    index = tuple(int(v) for v in output_index)
    if len(index) != len(out) or not all(0 <= o < n for o, n in zip(index, out)):
        raise DeconvolutionError(f"output index {index} is outside the output's spatial shape {out}", "usage")
    per_dimension = []
    for o, (before, _), size, k_size, s, d in zip(index, shapes.crop(layer), spatial, layer.kernel_size_nd,
                                                 layer.stride_nd, layer.dilation_nd):
        pairs = []
        for k in range(k_size):
            offset = o + before - k * d
            if offset % s == 0 and 0 <= offset // s < size:
                pairs.append((offset // s, k))
        per_dimension.append(pairs)
    return [(tuple(i for i, _ in combo), tuple(k for _, k in combo)) for combo in itertools.product(*per_dimension)]


def contributing_channels(layer: Deconvolution, input_channels: int, output_map: int) -> Tuple[int, List[Tuple[int, int]]]:
    """(group, [(input channel c, kernel column m')]) whose products form output map ``output_map``."""
    if input_channels % layer.num_groups:
        raise DeconvolutionError(f"num_groups={layer.num_groups} does not divide {input_channels} input channels",
                                 "groups_divide_channels")
    if not 0 <= output_map < layer.num_output_maps:
        raise DeconvolutionError(f"output map {output_map} is outside 0..{layer.num_output_maps - 1}", "usage")
    maps_per_group = layer.num_output_maps // layer.num_groups
    channels_per_group = input_channels // layer.num_groups
    group = output_map // maps_per_group
    first = group * channels_per_group
    return group, [(c, output_map % maps_per_group) for c in range(first, first + channels_per_group)]


def cjk_family(text: str) -> Optional[str]:
    """A font family with every CJK glyph of ``text`` (``$TRTDECONV_CJK_FONT``, else one of :data:`CJK_FAMILIES`,
    else any CJK family matplotlib finds), or ``None``. The pictures and the benchmark's charts both use it."""
    from matplotlib.ft2font import FT2Font

    needed = {ord(ch) for ch in text if ord(ch) > 0x2E7F}
    for name, fname in _cjk_candidates():
        font = FT2Font(fname)
        if all(font.get_char_index(code) for code in needed):
            return name
    return None


def _cjk_candidates() -> List[Tuple[str, str]]:
    from matplotlib import font_manager

    path = os.environ.get(FONT_VARIABLE)
    if path:
        font_manager.fontManager.addfont(path)
        return [(font_manager.FontProperties(fname=path).get_name(), path)]

    def listed() -> List[Tuple[str, str]]:
        available = {entry.name: entry.fname for entry in font_manager.fontManager.ttflist}
        # the listed families first, then any other CJK family (a .ttc names its first face, e.g. "Noto Sans CJK JP")
        return [(name, available[name]) for name in CJK_FAMILIES if name in available] + sorted(
            (name, path) for name, path in available.items() if "CJK" in name and name not in CJK_FAMILIES)

    found = listed()
    if not found:  # matplotlib's font cache may predate the font's installation: read the system's fonts again
        known = {entry.fname for entry in font_manager.fontManager.ttflist}
        for system_font in font_manager.findSystemFonts():
            if system_font not in known:
                try:
                    font_manager.fontManager.addfont(system_font)
                except (OSError, RuntimeError, ValueError):  # a file FreeType cannot read is no candidate
                    continue
        found = listed()
    return found


@functools.lru_cache(maxsize=None)
def _cjk_family() -> Optional[str]:
    return cjk_family("".join(TEXT.values()))


def languages() -> Tuple[str, ...]:
    """The labels' languages: the edition's own (Chinese only with a font that has every glyph), else English.

    Outside a site build (no ``TRTDECONV_LANGUAGE``), one picture may serve both editions:
    Chinese above English when the font allows, English only otherwise.
    """
    edition = os.environ.get(LANGUAGE_VARIABLE)
    if edition is None:
        return ("zh", "en") if _cjk_family() else ("en",)
    return ("zh",) if edition.startswith("zh") and _cjk_family() else ("en",)


def _font() -> dict:
    family = _cjk_family()
    return {"family": [family, "DejaVu Sans"]} if family else {}


def _figure(width: float, height: float):
    import matplotlib.pyplot as plt

    return plt.figure(figsize=(width, height), layout="constrained")


def _text(key: str, **values) -> str:
    return "\n".join((TEXT[key] if language == "zh" else translate(TEXT[key], language)).format(**values)
                     for language in languages())


def _label(ax, x: float, y: float, text: str, **kwargs) -> None:
    kwargs.setdefault("ha", "center")
    ax.text(x, y, text, va="center", fontsize=kwargs.pop("fontsize", 8), **_font(), **kwargs)


def _grid(ax, rows: int, columns: int, title: str) -> None:
    ax.set_xlim(-0.1, columns + 0.1)
    ax.set_ylim(rows + 0.1, -0.1)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=9, **_font())


def _cell(ax, row: int, column: int, gid: str, color: str, text: str = "", **style) -> None:
    from matplotlib.patches import Rectangle

    patch = Rectangle((column, row), 1, 1, facecolor=color, edgecolor=style.pop("edgecolor", "#555555"),
                      linewidth=style.pop("linewidth", 0.6), **style)
    patch.set_gid(gid)
    ax.add_patch(patch)
    if text:
        _label(ax, column + 0.5, row + 0.5, text, fontsize=7 if len(text) > 4 else 8)


def _name(index: Sequence[int]) -> str:
    return ",".join(str(v) for v in index)


def _value(array: Optional[np.ndarray], index: Tuple[int, ...], symbol: str) -> str:
    return f"{symbol}[{_name(index)}]" if array is None else f"{array[index]:g}"


def _require_2d(layer: Deconvolution) -> None:
    if layer.spatial_rank != 2:
        raise DeconvolutionError(f"pictures are drawn for 2-D layers; kernel_size_nd={layer.kernel_size_nd}", "usage")


def gather_figure(layer: Deconvolution, input_spatial: Sequence[int], output_index: Sequence[int],
                  x: Optional[np.ndarray] = None, kernel: Optional[np.ndarray] = None):
    """Four panels for one output element of a 2-D layer: input, kernel, gather view, output.

    ``x`` (``input_spatial``) and ``kernel`` (``kernel_size_nd``) are one channel's values
    to print in the cells; without them the cells show ``x[i,j]`` and ``w[k,l]``.
    """
    _require_2d(layer)
    spatial, index = tuple(input_spatial), tuple(output_index)
    pairs = contributing_taps(layer, spatial, index)
    inputs, taps = {i for i, _ in pairs}, {k for _, k in pairs}
    x = None if x is None else np.asarray(x).reshape(spatial)
    kernel = None if kernel is None else np.asarray(kernel).reshape(layer.kernel_size_nd)
    crop = shapes.crop(layer)
    full = shapes.full_size(layer, spatial)
    dk = layer.dilated_kernel
    expanded = tuple((n - 1) * s + 1 + 2 * (d - 1) for n, s, d in zip(spatial, layer.stride_nd, dk))
    start = tuple(o + before for o, (before, _) in zip(index, crop))  # window corner = full-output index
    widths = [spatial[1], layer.kernel_size_nd[1], expanded[1], full[1]]
    figure = _figure(0.42 * sum(widths) + 1.5, 0.42 * max(expanded[0], full[0], 3) + 1.6)
    axes = figure.subplots(1, 4, gridspec_kw={"width_ratios": widths})

    _grid(axes[0], *spatial, _text("input"))
    for i in itertools.product(*map(range, spatial)):
        _cell(axes[0], i[0], i[1], f"input/{'hit' if i in inputs else 'plain'}/{_name(i)}",
              HIT if i in inputs else PLAIN, _value(x, i, "x"))

    _grid(axes[1], *layer.kernel_size_nd, _text("kernel"))
    for k in itertools.product(*map(range, layer.kernel_size_nd)):
        _cell(axes[1], k[0], k[1], f"kernel/{'hit' if k in taps else 'plain'}/{_name(k)}",
              HIT if k in taps else PLAIN, _value(kernel, k, "w"))

    _grid(axes[2], *expanded, _text("gather"))
    positions = {tuple(d - 1 + v * s for v, s, d in zip(i, layer.stride_nd, dk)): i
                 for i in itertools.product(*map(range, spatial))}
    window = {tuple(c + d - 1 - t * dd for c, d, t, dd in zip(start, dk, k, layer.dilation_nd)): k
              for k in itertools.product(*map(range, layer.kernel_size_nd))}
    for p in itertools.product(*map(range, expanded)):
        state = "hit" if p in positions and p in window else "tap" if p in window else \
            "input" if p in positions else "zero"
        color = {"hit": HIT, "tap": TAP, "input": PLAIN, "zero": ZERO}[state]
        text = _value(x, positions[p], "x") if p in positions else ""
        if p in window:
            text = f"w{_name(window[p])}" if not text else f"{text}\n·w{_name(window[p])}"
        _cell(axes[2], p[0], p[1], f"gather/{state}/{_name(p)}", color, text,
              edgecolor="#1d3557" if p in window else "#999999", linewidth=1.2 if p in window else 0.4)

    _grid(axes[3], *full, _text("output"))
    for f in itertools.product(*map(range, full)):
        kept = all(before <= v < n - after for v, (before, after), n in zip(f, crop, full))
        o = tuple(v - before for v, (before, _) in zip(f, crop))
        state = "hit" if f == start else "kept" if kept else "cropped"
        _cell(axes[3], f[0], f[1], f"output/{state}/{_name(o if kept else f)}",
              {"hit": HIT, "kept": PLAIN, "cropped": CROPPED}[state], f"y[{_name(o)}]" if kept else "")

    terms = " + ".join(f"x[{_name(i)}]·w[{_name(k)}]" for i, k in pairs) or _text("none")
    figure.suptitle(f"y[{_name(index)}] = {terms}", fontsize=9, wrap=True, **_font())
    return figure


def groups_figure(layer: Deconvolution, input_channels: int, output_map: int):
    """The kernel's (input channel, output map) blocks by group; the blocks forming ``output_map`` highlighted."""
    group, used = contributing_channels(layer, input_channels, output_map)
    used_channels = {c for c, _ in used}
    maps_per_group = layer.num_output_maps // layer.num_groups
    channels_per_group = input_channels // layer.num_groups
    figure = _figure(0.5 * layer.num_output_maps + 2.2, 0.5 * input_channels + 1.4)
    ax = figure.subplots()
    _grid(ax, input_channels, layer.num_output_maps, _text("channels", group=group))
    ax.axis("on")
    ax.set_xticks([m + 0.5 for m in range(layer.num_output_maps)], [str(m) for m in range(layer.num_output_maps)])
    ax.set_yticks([c + 0.5 for c in range(input_channels)], [str(c) for c in range(input_channels)])
    ax.tick_params(length=0, labelsize=8)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xlabel(_text("output_map"), fontsize=8, **_font())
    ax.set_ylabel(_text("input_channel"), fontsize=8, **_font())
    for c, m in itertools.product(range(input_channels), range(layer.num_output_maps)):
        same_group = c // channels_per_group == m // maps_per_group
        state = "hit" if m == output_map and c in used_channels else "block" if same_group else "unused"
        color = {"hit": HIT, "block": TAP, "unused": ZERO}[state]
        _cell(ax, c, m, f"channels/{state}/{c},{m}", color, f"g{c // channels_per_group}" if same_group else "")
    return figure


def mode_rows(layer: Deconvolution, input_spatial: Sequence[int], axis: int = -1,
              modes: Sequence[str] = TENSORRT_10_PADDING_MODES) -> Dict[str, Tuple[int, int, int]]:
    """Per padding mode along ``axis``: (full size, B, A) from :mod:`trtdeconv_docs.layer.shapes`."""
    spatial = tuple(input_spatial)
    axis = axis % len(spatial)
    result = {}
    for mode in modes:
        variant = dataclasses.replace(layer, padding_mode=mode)
        result[mode] = (shapes.full_size(variant, spatial)[axis],) + tuple(shapes.crop(variant)[axis])
    return result


def output_size_figure(layer: Deconvolution, input_spatial: Sequence[int], axis: int = -1,
                       modes: Sequence[str] = TENSORRT_10_PADDING_MODES):
    """One strip per padding mode (:func:`mode_rows`): the full output along ``axis``, cropped cells greyed."""
    spatial = tuple(input_spatial)
    axis = axis % len(spatial)
    rows = mode_rows(layer, spatial, axis, modes)
    longest = max(full for full, _, _ in rows.values())
    figure = _figure(0.38 * longest + 3.6, 0.62 * len(rows) + 0.9)
    ax = figure.subplots()
    ax.set_xlim(-0.1, longest + 0.1)
    ax.set_ylim(2 * len(rows), -0.6)
    ax.axis("off")
    ax.set_title(_text("axis", axis=axis) + f"  (I={spatial[axis]}, S={layer.stride_nd[axis]}, "
                 f"DK={layer.dilated_kernel[axis]}, pre={layer.pre_padding[axis]}, post={layer.post_padding[axis]})",
                 fontsize=9, **_font())
    for row, (mode, (full, before, after)) in enumerate(rows.items()):
        y = 2 * row
        for j in range(full):
            state = "before" if j < before else "after" if j >= full - after else "kept"
            _cell(ax, y, j, f"size/{mode}/{state}/{j}", PLAIN if state == "kept" else CROPPED,
                  hatch=None if state == "kept" else "//")
        _label(ax, 0, y + 1.5, _text("size_row", mode=mode, full=full, before=before, after=after,
                                     kept=full - before - after), ha="left")
    return figure
