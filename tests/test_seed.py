"""The seed page (a TensorRT 8 cookbook page) against the reference model.

Every output shape the page states and every output matrix it prints is compared with the
reference model, fed exactly what the page's code feeds TensorRT. A printed number is
read as numpy printed it (``precision=8, suppress=True``): a number with fewer than 8
digits after the point is the shortest text that round-trips to TensorRT's float32 value,
so it is parsed as float32; one with 8 digits may be rounded, by at most half a unit in
the 8th place. The float32 rule of :mod:`trtdeconv_docs.layer.tolerance` decides.

Where the page is wrong, :data:`MATRIX_ERRORS` and :data:`SHAPE_ERRORS` say what is wrong
and why, and the tests assert exactly those defects: were the page right, they would fail.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Callable, Dict, FrozenSet, Optional, Set, Tuple

import numpy as np
import pytest

from .support import seed_page
from trtdeconv_docs.layer import reference, shapes, tolerance
from trtdeconv_docs.layer.attributes import resolve

NUMBER = re.compile(r"-?\d+\.\d*")
ROUNDED_DIGITS = 8  # np.set_printoptions(precision=8): at most 8 digits after the point


def seed_inputs():
    """The initial example's data, weight and bias, as the page's code makes them."""
    nIn, cIn, hIn, wIn = 1, 1, 3, 3
    cOut = 1
    data = np.arange(1, 1 + nIn * cIn * hIn * wIn, dtype=np.float32).reshape(nIn, cIn, hIn, wIn)
    weight = np.power(10, range(4, -5, -1), dtype=np.float32)
    bias = np.zeros(cOut, dtype=np.float32)
    return data, weight, bias


def num_groups_inputs():
    """The num_groups example's inputs as TensorRT receives them."""
    nIn, cIn, hIn, wIn = 1, 2, 3, 3
    nGroup = 2
    cOut = nGroup
    data = np.arange(1, 1 + nIn * cIn * hIn * wIn, dtype=np.float32).reshape(nIn, cIn, hIn, wIn)
    data = np.concatenate([data, data], 0)
    weight = np.power(10, range(4, -5, -1), dtype=np.float32)
    weight = np.concatenate([weight, -weight], 0)
    bias = np.zeros(cOut, dtype=np.float32)
    # The network input is (1, 2, 3, 3): of the 36 values copied, TensorRT reads the first 18.
    return data.reshape(-1)[: nIn * cIn * hIn * wIn].reshape(nIn, cIn, hIn, wIn), weight, bias


def three_d_inputs():
    """The 3-D example's inputs: input (1, 1, 2, 3, 3), kernel (2, 3, 3) = [weight, -weight]."""
    nIn, cIn, hIn, wIn = 1, 2, 3, 3
    cOut, hW, wW = 1, 3, 3
    data = np.tile(np.arange(1, 1 + hW * wW, dtype=np.float32).reshape(hW, wW), (cIn, hIn // hW, wIn // wW)).reshape(cIn, hIn, wIn)
    weight = np.power(10, range(4, -5, -1), dtype=np.float32)
    weight = np.concatenate([weight, -weight], 0).reshape(cIn, hW, wW)
    bias = np.zeros(cOut, dtype=np.float32)
    return data.reshape(nIn, 1, cIn, hIn, wIn), weight.reshape(-1), bias  # trt.Weights take the values flat


def int8_inputs():
    """The set_input example: input and kernel each through a Q/DQ pair of scale 1, no bias."""
    data, weight, _ = seed_inputs()
    return reference.quantize_dequantize(data, 1.0), reference.quantize_dequantize(weight, 1.0), None


BASE = dict(num_output_maps=1, kernel_size_nd=(3, 3))
STRIDE_2 = dict(BASE, stride_nd=(2, 2))


@dataclass(frozen=True)
class Example:
    """One bullet of the page that states an output shape: the layer it describes."""

    name: str
    section: str
    marker: str  # text of the bullet, to check that the page order maps bullets to layers
    attributes: dict
    inputs: Callable = seed_inputs
    precision: str = "fp32"
    input_shape: Tuple[int, ...] = (1, 1, 3, 3)  # the network input of the page's code

    def layer(self):
        """The resolved layer."""
        return resolve(**self.attributes)


def _examples():
    yield Example("base", "初始示例代码", "默认反卷积步长 1", BASE)
    yield Example("setters", "num_output_maps", "结果与初始示例代码相同", BASE)
    for stride in ((2, 2), (2, 1), (1, 2)):
        yield Example(f"stride_nd={stride}", "stride_nd", f"stride_nd=({stride[0]},{stride[1]})", dict(BASE, stride_nd=stride))
    for padding in ((1, 1), (1, 0), (0, 1), (2, 2)):
        yield Example(f"padding_nd={padding}", "padding_nd", "padding_nd=({},{})".format(*padding), dict(BASE, padding_nd=padding))
    for name in ("pre_padding", "post_padding"):
        for padding in ((1, 1), (1, 0), (0, 1)):
            yield Example(f"{name}={padding}", name, "{}=({},{})".format(name, *padding), dict(BASE, **{name: padding}))
    for mode in ("SAME_UPPER", "SAME_LOWER", "EXPLICIT_ROUND_UP", "EXPLICIT_ROUND_DOWN", "CAFFE_ROUND_UP", "CAFFE_ROUND_DOWN"):
        yield Example(mode, "padding_mode", f"PaddingMode.{mode}**", dict(STRIDE_2, padding_mode=mode))
    groups = dict(num_output_maps=2, kernel_size_nd=(3, 3), num_groups=2)
    yield Example("num_groups (1,2,4,7)", "num_groups", "(1,2,4,7)", groups, num_groups_inputs, input_shape=(1, 2, 3, 3))
    yield Example("num_groups (2, 4, 7)", "num_groups", "(2, 4, 7)", groups, num_groups_inputs, input_shape=(1, 2, 3, 3))
    yield Example("3-D", "三维反卷积的示例", "(1,1,3,5,5)", dict(num_output_maps=1, kernel_size_nd=(2, 3, 3)),
                  three_d_inputs, input_shape=(1, 1, 2, 3, 3))
    yield Example("set_input INT8", "set_input", "输出张量形状 (1,1,5,5)", BASE, int8_inputs, precision="int8")


EXAMPLES = list(_examples())
STATEMENTS = seed_page.statements(seed_page.SEED.read_text(encoding="utf-8"))
PAIRS = [pytest.param(example, statement, id=example.name) for example, statement in zip(EXAMPLES, STATEMENTS)]
PRINTED = [pair for pair in PAIRS if pair.values[1].latex is not None]


def _nesting(depth: int, rank: int) -> str:
    return f"the brackets nest {depth} deep; a {rank}-D tensor prints {rank - 1} deep"


MATRIX_ERRORS: Dict[str, Tuple[FrozenSet[tuple], str]] = {
    "base": (frozenset({("value", 0, 4, 2)}),
             "row 5, column 3 prints 0.09867, but it is 7e-4 + 8e-3 + 9e-2 = 0.0987 (the page adjusted this "
             "matrix by hand; every later matrix prints 0.09869999)"),
    "stride_nd=(2, 2)": (frozenset({("nesting", 2)}), _nesting(2, 4)),
    "stride_nd=(2, 1)": (frozenset({("missing '&'", 0, 3), ("nesting", 2)}),
                         "row 4 has 4 entries: a missing '&' between '54.' and '65.4' (with it, the row agrees); "
                         + _nesting(2, 4)),
    "stride_nd=(1, 2)": (frozenset({("nesting", 2)}), _nesting(2, 4)),
    "padding_nd=(2, 2)": (frozenset({("nesting", 4)}), _nesting(4, 4)),
    "post_padding=(1, 1)": (frozenset({("nesting", 2)}), _nesting(2, 4)),
    "SAME_LOWER": (frozenset({("not a number", 0, 0, 0, "s 1.")}),
                   "a stray 's' after \\begin{matrix} makes the first entry 's 1.'; every other entry agrees"),
    "num_groups (2, 4, 7)": (frozenset(("value", 1, r, c) for r in range(5) for c in range(5)),
                             "the code feeds np.arange(1, 19) (the input is (1, 2, 3, 3): the concatenated copy is "
                             "never read), so the second input channel holds 10..18 and the second output channel "
                             "is not the negated first one that the page prints"),
    "set_input INT8": (frozenset({("missing rows", 0, (3,)), ("nesting", 2)}),
                       "the matrix has 4 rows; TensorRT's output shape is (1, 1, 5, 5) and row 4, "
                       "[70, 87, 98, 9, 0] = (7, 8, 9) deconvolved with the quantized kernel row (10, 1, 0), "
                       "is missing; " + _nesting(2, 4)),
}
"""Printed matrices the page gets wrong: the defects the comparison must find, and why.

Defects: ``("value", slice, row, column)`` outside the bound; ``("not a number", slice, row,
column, text)``; ``("missing '&'", slice, row)``; ``("missing rows", slice, rows)`` where
the other rows agree; ``("nesting", depth)`` of the brackets (rows and columns 0-based)."""

SHAPE_ERRORS: Dict[str, Tuple[Tuple[int, ...], str]] = {
    "num_groups (1,2,4,7)": ((1, 2, 4, 7), "a 3x3 input and a 3x3 kernel at stride 1 give 5x5 planes"),
    "num_groups (2, 4, 7)": ((2, 4, 7), "drops N and repeats the wrong 4x7; the matrix under it has 5x5 planes"),
}
"""Stated output shapes the page gets wrong: the shape it states, and why it is wrong."""


def test_every_stated_shape_is_mapped_to_its_layer():
    assert len(STATEMENTS) == len(EXAMPLES)
    for example, statement in zip(EXAMPLES, STATEMENTS):
        assert statement.section.startswith(example.section), (example.name, statement.section)
        assert example.marker in statement.bullet, (example.name, statement.bullet)


def test_every_printed_matrix_is_compared():
    assert {pair.id for pair in PAIRS} - {pair.id for pair in PRINTED} == {"setters", "num_groups (1,2,4,7)"}
    blocks = seed_page.SEED.read_text(encoding="utf-8").splitlines().count("$$") // 2
    assert blocks == len(PRINTED) + 2  # besides the outputs: the input tensor and the worked sum


def test_disagreement_tables_name_existing_examples():
    names = {example.name for example in EXAMPLES}
    assert set(MATRIX_ERRORS) <= {pair.id for pair in PRINTED}
    assert set(SHAPE_ERRORS) <= names


@pytest.mark.parametrize("example, statement", PAIRS)
def test_stated_shape(example, statement):
    x, kernel, _ = example.inputs()
    assert x.shape == example.input_shape
    true_shape = shapes.output_shape(x.shape, example.layer())
    if example.name in SHAPE_ERRORS:
        stated, why = SHAPE_ERRORS[example.name]
        assert statement.stated_shape == stated != true_shape, why
    else:
        assert statement.stated_shape == true_shape


def printed_value(token: str) -> Optional[Tuple[float, float]]:
    """(value, rounding slack) of a printed number, or None where the text is not a number."""
    if not NUMBER.fullmatch(token):
        return None
    if len(token.split(".")[1]) < ROUNDED_DIGITS:
        return float(np.float32(token)), 0.0
    return float(token), 0.5 * 10.0 ** -ROUNDED_DIGITS


def entry_problems(at, entries, expected, allowed) -> Set[tuple]:
    """Entries of one row that are not numbers or are outside the bound."""
    found = set()
    for column, (token, want, bound) in enumerate(zip(entries, expected, allowed)):
        value = printed_value(token)
        if value is None:
            found.add(("not a number",) + at + (column, token))
        elif abs(value[0] - want) > bound + value[1]:
            found.add(("value",) + at + (column,))
    return found


def row_problems(at, entries, expected, allowed) -> Set[tuple]:
    """Problems of one printed row; a row short of entries is re-read for a missing ``&``."""
    if len(entries) == len(expected):
        return entry_problems(at, entries, expected, allowed)
    resplit = " ".join(entries).split()
    if len(resplit) == len(expected) and not entry_problems(at, resplit, expected, allowed):
        return {("missing '&'",) + at}
    return {("entries",) + at + (len(entries),)}


def slice_problems(index, rows, expected, allowed) -> Set[tuple]:
    """Problems of one printed 2-D slice; with rows missing, finds which rows they are."""
    if len(rows) == len(expected):
        return set().union(*(row_problems((index, r), *args) for r, args in enumerate(zip(rows, expected, allowed))))
    if len(rows) < len(expected):
        for missing in itertools.combinations(range(len(expected)), len(expected) - len(rows)):
            kept = [r for r in range(len(expected)) if r not in missing]
            if not any(row_problems((index, r), row, expected[r], allowed[r]) for row, r in zip(rows, kept)):
                return {("missing rows", index, missing)}
    return {("rows", index, len(rows))}


def matrix_problems(latex: str, expected: np.ndarray, allowed: np.ndarray) -> Set[tuple]:
    """Everything in a printed tensor that disagrees with the reference output."""
    found = set()
    depth = seed_page.nesting_depth(latex)
    if depth != expected.ndim - 1:
        found.add(("nesting", depth))
    printed = seed_page.slices(latex)
    planes = expected.reshape((-1,) + expected.shape[-2:])
    bounds = allowed.reshape(planes.shape)
    if len(printed) != len(planes):
        return found | {("slices", len(printed))}
    for index, (rows, plane, bound) in enumerate(zip(printed, planes, bounds)):
        found |= slice_problems(index, rows, plane, bound)
    return found


@pytest.mark.parametrize("example, statement", PRINTED)
def test_printed_matrix(example, statement):
    x, kernel, bias = example.inputs()
    layer = example.layer()
    expected = reference.deconvolve(x, kernel, bias, layer)
    allowed = tolerance.bound(reference.absolute_terms(x, kernel, bias, layer),
                              reference.term_counts(x.shape, layer), example.precision)
    problems, why = MATRIX_ERRORS.get(example.name, (frozenset(), "the page agrees"))
    assert matrix_problems(statement.latex, expected, allowed) == problems, why
