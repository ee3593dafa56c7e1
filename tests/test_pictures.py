"""The pictures' geometry against the reference model, and what each picture highlights.

:func:`pictures.contributing_taps` and :func:`pictures.contributing_channels` say which
products form an output element; with random data, the reference model's element must
equal the sum of exactly those products. The figures are then checked by their patches'
``gid`` (what each cell is), and drawn once on Agg with warnings as errors, so a label
whose glyphs the font lacks (drawn as empty boxes) fails the test.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from trtdeconv_docs import pictures
from trtdeconv_docs.layer import reference, shapes
from trtdeconv_docs.layer.attributes import TENSORRT_10_PADDING_MODES, DeconvolutionError, resolve
from trtdeconv_docs.example_data import seed_tensors

from .support.strategies import layers  # noqa: E402


@st.composite
def cases(draw):
    """(layer, input shape, output map, output spatial index): a random valid layer with a non-empty output."""
    attributes, input_shape = draw(layers(modes=TENSORRT_10_PADDING_MODES, kernel=3, stride=3, dilation=2, spatial=3,
                                          padding=2, per_group=2, batch=1))
    layer = resolve(**attributes)
    out = shapes.output_shape(input_shape, layer)
    assume(min(out[2:]) > 0)
    index = tuple(draw(st.integers(0, n - 1)) for n in out[2:])
    return layer, input_shape, draw(st.integers(0, layer.num_output_maps - 1)), index


@settings(max_examples=120, deadline=None)
@given(cases(), st.integers(0, 2**32 - 1))
def test_contributing_products_sum_to_the_reference_element(case, seed):
    layer, input_shape, output_map, index = case
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(input_shape)
    w = rng.standard_normal(reference.kernel_shape(layer, input_shape[1]))
    expected = reference.deconvolve(x, w, None, layer)[(0, output_map) + index]
    _, channels = pictures.contributing_channels(layer, input_shape[1], output_map)
    taps = pictures.contributing_taps(layer, input_shape[2:], index)
    assert len(set(taps)) == len(taps)
    total = math.fsum(x[(0, c) + i] * w[(c, m) + k] for (c, m), (i, k) in itertools.product(channels, taps))
    assert total == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_an_index_outside_the_output_is_refused():
    layer = resolve(num_output_maps=1, kernel_size_nd=(3, 3))
    with pytest.raises(DeconvolutionError, match=r"outside the output's spatial shape \(5, 5\)"):
        pictures.contributing_taps(layer, (3, 3), (5, 0))


def _cells(figure, panel: str):
    """{state: {index string}} of the cells whose gid starts with ``panel/``."""
    cells = {}
    for ax in figure.axes:
        for patch in ax.patches:
            gid = patch.get_gid() or ""
            if gid.startswith(panel + "/"):
                state, index = gid[len(panel) + 1:].split("/", 1)
                cells.setdefault(state, set()).add(index)
    return cells


def _names(indices):
    return {",".join(map(str, i)) for i in indices}


def _draw(figure):
    """Render on Agg (a missing glyph warns, and warnings are errors here), then close."""
    figure.canvas.draw()
    plt.close(figure)


SEED_LAYERS = [
    dict(),
    dict(stride_nd=(2, 2)),
    dict(padding_nd=(1, 1)),
    dict(pre_padding=(1, 0), post_padding=(0, 2)),
    dict(dilation_nd=(2, 1)),
    dict(stride_nd=(2, 3), padding_mode="SAME_UPPER"),
    dict(stride_nd=(2, 2), dilation_nd=(2, 2), padding_mode="SAME_LOWER"),
]


@pytest.mark.parametrize("attributes", SEED_LAYERS, ids=lambda a: ",".join(a) or "base")
def test_gather_figure_highlights_the_contributing_cells(attributes):
    layer = resolve(num_output_maps=1, kernel_size_nd=(3, 3), **attributes)
    x, w, _ = seed_tensors()
    out = shapes.output_shape(x.shape, layer)[2:]
    index = (out[0] // 2, out[1] - 1)
    pairs = pictures.contributing_taps(layer, (3, 3), index)
    figure = pictures.gather_figure(layer, (3, 3), index, x[0, 0], w)
    assert _cells(figure, "input").get("hit", set()) == _names(i for i, _ in pairs)
    assert _cells(figure, "kernel").get("hit", set()) == _names(k for _, k in pairs)
    output = _cells(figure, "output")
    assert output["hit"] == _names([index])
    assert len(output["kept"]) + 1 == math.prod(out)
    full = shapes.full_size(layer, (3, 3))
    assert len(output.get("cropped", ())) == math.prod(full) - math.prod(out)
    # gather view: input element i sits at (DK - 1) + i * S; the hits are where a kernel tap meets one
    gather = _cells(figure, "gather")
    positions = {tuple(d - 1 + v * s for v, s, d in zip(i, layer.stride_nd, layer.dilated_kernel)) for i, _ in pairs}
    assert gather.get("hit", set()) == _names(positions)
    assert len(gather.get("hit", set()) | gather.get("tap", set())) == 9
    _draw(figure)


def test_gather_figure_labels_cells_without_values():
    layer = resolve(num_output_maps=1, kernel_size_nd=(2, 2))
    figure = pictures.gather_figure(layer, (2, 2), (0, 0))
    texts = {t.get_text() for ax in figure.axes for t in ax.texts}
    assert {"x[0,0]", "w[1,1]", "y[2,2]"} <= texts
    _draw(figure)


def test_gather_figure_is_2d_only():
    layer = resolve(num_output_maps=1, kernel_size_nd=(2, 2, 2))
    with pytest.raises(DeconvolutionError, match="2-D"):
        pictures.gather_figure(layer, (2, 2, 2), (0, 0, 0))


@pytest.mark.parametrize("channels, maps, groups, output_map", [(6, 4, 2, 3), (4, 4, 4, 0), (2, 3, 1, 1)])
def test_groups_figure_highlights_the_output_maps_group(channels, maps, groups, output_map):
    layer = resolve(num_output_maps=maps, kernel_size_nd=(3, 3), num_groups=groups)
    figure = pictures.groups_figure(layer, channels, output_map)
    cells = _cells(figure, "channels")
    rng = np.random.default_rng(channels)
    x = rng.standard_normal((1, channels, 2, 2))
    w = rng.standard_normal(reference.kernel_shape(layer, channels))
    # the highlighted input channels are exactly those whose zeroing changes this output map
    changes = set()
    for c in range(channels):
        cut = x.copy()
        cut[0, c] = 0
        if not np.allclose(reference.deconvolve(cut, w, None, layer)[0, output_map],
                           reference.deconvolve(x, w, None, layer)[0, output_map]):
            changes.add(f"{c},{output_map}")
    assert cells["hit"] == changes
    assert len(cells["hit"]) + len(cells.get("block", ())) == channels * maps // groups
    _draw(figure)


def test_output_size_figure_crops_as_shapes_says():
    layer = resolve(num_output_maps=1, kernel_size_nd=(3, 4), stride_nd=(2, 3), pre_padding=(1, 2), post_padding=(0, 1))
    figure = pictures.output_size_figure(layer, (3, 3))
    for mode in TENSORRT_10_PADDING_MODES:
        cells = _cells(figure, f"size/{mode}")
        variant = resolve(num_output_maps=1, kernel_size_nd=(3, 4), stride_nd=(2, 3), pre_padding=(1, 2),
                          post_padding=(0, 1), padding_mode=mode)
        before, after = shapes.crop(variant)[1]
        assert len(cells["kept"]) == shapes.output_shape((1, 1, 3, 3), variant)[3]
        assert cells.get("before", set()) == {str(j) for j in range(before)}
        assert len(cells.get("after", ())) == after
    assert not _cells(figure, "size/CAFFE_ROUND_DOWN")  # removed in TensorRT 10: not drawn by default
    _draw(figure)


def test_without_a_cjk_font_the_labels_are_english(monkeypatch):
    monkeypatch.delenv(pictures.LANGUAGE_VARIABLE, raising=False)
    dejavu = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    monkeypatch.setenv(pictures.FONT_VARIABLE, str(dejavu))
    pictures._cjk_family.cache_clear()
    try:
        assert pictures.languages() == ("en",)
        layer = resolve(num_output_maps=2, kernel_size_nd=(2, 2), num_groups=2)
        figure = pictures.groups_figure(layer, 2, 1)
        assert figure.axes[0].get_xlabel() == "output map m"
        _draw(figure)
    finally:
        pictures._cjk_family.cache_clear()



def test_with_a_cjk_font_the_labels_are_chinese_above_english(monkeypatch):
    monkeypatch.delenv(pictures.LANGUAGE_VARIABLE, raising=False)
    monkeypatch.setattr(pictures, "_cjk_family", lambda: "Some CJK Font")
    assert pictures.languages() == ("zh", "en")
    assert pictures._text("output_map") == "输出通道 m\noutput map m"
    assert pictures._font() == {"family": ["Some CJK Font", "DejaVu Sans"]}


@pytest.mark.parametrize("edition, font, expected", [
    ("en", "Some CJK Font", ("en",)), ("zh_CN", "Some CJK Font", ("zh",)), ("zh_CN", None, ("en",))])
def test_in_a_site_build_the_labels_are_in_the_editions_language(monkeypatch, edition, font, expected):
    """Each edition's build draws its own pictures; Chinese needs a font with the glyphs."""
    monkeypatch.setenv(pictures.LANGUAGE_VARIABLE, edition)
    monkeypatch.setattr(pictures, "_cjk_family", lambda: font)
    assert pictures.languages() == expected
    assert pictures._text("output_map") == {"en": "output map m", "zh": "输出通道 m"}[expected[0]]
