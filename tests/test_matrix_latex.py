"""Tensors as LaTeX: numbers exactly as the examples print them, nested as the original page nests them."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from trtdeconv_docs.sphinx_ext import matrix_latex

from .support import seed_page

PRINTED_BY_NUMPY = ["stride_nd=(2,2)", "stride_nd=(1,2)", "padding_nd=(1,0)", "PaddingMode.SAME_UPPER", "(1,1,3,5,5)"]
"""Seed bullets whose matrices are NumPy's own text of TensorRT's output (none of them edited by hand)."""


def seed_matrix(marker: str):
    """The printed entries of the seed matrix under the bullet containing ``marker``."""
    (statement,) = [s for s in seed_page.statements(seed_page.SEED.read_text(encoding="utf-8")) if marker in s.bullet]
    return seed_page.slices(statement.latex)


@pytest.mark.parametrize("marker", PRINTED_BY_NUMPY)
def test_entries_reproduce_what_numpy_printed_on_the_original_page(marker):
    printed = seed_matrix(marker)
    values = np.array(printed, dtype=np.float32)
    assert matrix_latex.entries(values).tolist() == printed


def test_entries_do_not_depend_on_the_global_print_options():
    values = np.array([98765.4321, 0.0009, 0.90000004, -10000.0], dtype=np.float32)
    with np.printoptions(precision=2, suppress=False, floatmode="fixed", sign="+"):
        assert matrix_latex.entries(values).tolist() == ["98765.43", "0.0009", "0.90000004", "-10000."]


FLOAT32 = st.floats(min_value=-999999, max_value=999999, width=32)
"""Below 10^6, where NumPy 1 and 2 both print float32 arrays in positional notation."""


@given(arrays(np.float32, st.integers(1, 12), elements=FLOAT32))
def test_entries_are_what_numpy_prints_under_the_examples_options(values):
    printed = np.array2string(values, precision=8, suppress_small=True, floatmode="maxprec",
                              threshold=10**6, max_line_width=10**6)
    assert matrix_latex.entries(values).tolist() == printed.strip("[]").split()


def test_large_values_stay_positional():
    assert matrix_latex.entries(np.array([1e6, -2.5e7], dtype=np.float32)).tolist() == ["1000000.", "-25000000."]


@pytest.mark.parametrize("shape", [(5,), (3, 4), (1, 1, 5, 5), (1, 2, 3, 4), (1, 1, 2, 3, 3)])
def test_one_bracket_level_per_leading_dimension_and_every_entry_in_place(shape):
    values = (np.arange(int(np.prod(shape)), dtype=np.float32) * 1.25 - 3).reshape(shape)
    latex = matrix_latex.tensor(values)
    assert seed_page.nesting_depth(latex) == max(len(shape) - 1, 1)
    planes = matrix_latex.entries(values).reshape((-1,) + (shape[-2:] if len(shape) > 1 else (1, shape[0])))
    assert seed_page.slices(latex) == planes.tolist()
    assert "\n\n" not in latex  # Sphinx would split the display math at a blank line


def test_an_empty_output_keeps_its_nesting_and_has_no_blank_line():
    latex = matrix_latex.tensor(np.zeros((1, 1, 0, 0), dtype=np.float32))
    assert seed_page.nesting_depth(latex) == 3
    assert "\n\n" not in latex


def test_highlights_colour_exactly_the_named_elements():
    values = np.arange(1, 10, dtype=np.float32).reshape(1, 1, 3, 3)
    latex = matrix_latex.tensor(values, {(0, 0, 0, 0): "green", (0, 0, 1, 1): "blue", (0, 0, 2, 2): "red"})
    assert latex.count(r"\textcolor") == 3
    assert r"\textcolor[rgb]{0,0.5,0}{1.} & 2." in latex
    assert r"4. & \textcolor[rgb]{0,0,1}{5.} & 6." in latex
    assert r"8. & \textcolor[rgb]{1,0,0}{9.}" in latex
    assert seed_page.slices(latex) == matrix_latex.entries(values)[0].tolist()


@pytest.mark.parametrize("index, color, message", [
    ((0, 0, 3, 0), "red", "outside the tensor's shape"),
    ((0, 0, 1), "red", "outside the tensor's shape"),
    ((0, 0, 1, 1), "purple", "unknown colour"),
])
def test_bad_highlights_are_refused(index, color, message):
    with pytest.raises(ValueError, match=message):
        matrix_latex.tensor(np.zeros((1, 1, 3, 3), dtype=np.float32), {index: color})


KERN = re.compile(r"\\left\[(?:\\kern([\d.]+)em)?\\begin\{matrix\}((?:(?!\\begin\{matrix\}).)*?)\\end\{matrix\}",
                  re.DOTALL)


@pytest.mark.parametrize("values", [
    np.array([[[[10000.0, 300.0], [0.07, 0.0009]], [[-10000.0, -300.0], [-0.07, -0.0009]]]], dtype=np.float32),
    np.arange(-9, 36, dtype=np.float32).reshape(1, 1, 5, 3, 3) ** 3,
])
def test_sibling_matrices_are_padded_to_one_width_so_their_brackets_line_up(values):
    """Each innermost matrix's natural width plus its padding on both sides is the same for all of them."""
    latex = matrix_latex.tensor(values, {(0,) * values.ndim: "blue"})
    blocks = KERN.findall(latex)
    assert len(blocks) == int(np.prod(values.shape[:-2]))
    totals = []
    for pad, body in blocks:
        rows = [[" ".join(entry.split()) for entry in row.split("&")]
                for row in seed_page.TEXTCOLOR.sub(r"\1", body).split(r"\\") if row.strip()]
        totals.append(matrix_latex.natural_width(np.array(rows, dtype=object)) + 2 * float(pad or 0))
    assert max(totals) - min(totals) < 0.002, totals
    assert any(pad for pad, _ in blocks)  # the narrower ones were padded


def test_natural_width_uses_the_fonts_advance_widths():
    """A minus sign (0.778 em) is wider than a digit (0.5 em), a point narrower (0.278 em)."""
    block = np.array([["-1.", "22."], ["3.", "4."]], dtype=object)
    assert matrix_latex.natural_width(block) == pytest.approx((0.778 + 0.5 + 0.278) + (1.0 + 0.278))


def test_the_stylesheet_lightens_every_highlight_colour_in_the_dark_theme():
    """docs/_static/trtdeconv.css matches MathJax's rgb() of each COLORS entry, in both dark-theme rules."""
    css = (Path(__file__).resolve().parents[1] / "docs" / "_static" / "trtdeconv.css").read_text(encoding="utf-8")
    for rgb in matrix_latex.COLORS.values():
        red, green, blue = (int(float(part) * 255) for part in rgb.split(","))
        selector = f'[style*="color: rgb({red}, {green}, {blue})"]'
        assert css.count(selector) == 2, selector
