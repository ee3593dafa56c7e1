"""Random deconvolution layers for the conformance suite, drawn with NumPy alone.

:func:`draw_cases` returns layers that the reference model accepts; case ``i`` depends
only on ``(seed, i)``, so a shorter draw is a prefix of a longer one. Every attribute
varies at once: 2-D and 3-D, batch 1-3, 1-64 input channels, dense, grouped and
depthwise layers, kernel sizes 1-5, strides 1-4, dilations 1-3, every padding mode of
TensorRT 8.6 with and without explicit padding (``padding_nd``, ``pre_padding``,
``post_padding`` in several combinations), bias on and off, and INT8 through
quantize/dequantize pairs. :func:`refusal_cases` is a fixed list of layers at or past the
edge of validity, each with the verdict the reference model gives it.
:func:`case_arrays` makes a case's input, kernel and bias.

A case is a JSON-able dict:

``id``
    ``c0042`` (drawn) or ``r07`` (fixed list); TensorRT names start with it.
``seed``
    the seed of :func:`case_arrays`.
``kind``
    ``"float"``, or ``"int8"``: input and kernel pass through IQuantizeLayer and
    IDequantizeLayer with the scalar scales in ``int8``; the kernel is a constant given
    by ``set_input(1)``.
``input_shape``, ``num_output_maps``, ``kernel_size_nd``
    what ``add_input`` and ``add_deconvolution_nd`` get.
``kernel_count``, ``bias_count``
    how many kernel and bias values are passed (``bias_count`` 0: no bias).
``set``
    ``[[attribute, value], ...]`` set on the layer in this order after it is added.
    Setters overwrite each other (``padding_nd`` sets pre and post padding both), so
    ``padding_nd`` always comes before ``pre_padding`` / ``post_padding``.
``values``
    how :func:`case_arrays` fills the arrays: ``"uniform"`` (float32 in [-1, 1]),
    ``"quantized"`` (INT8 cases) or ``"integers"`` (small integers, for huge layers).
``note``, ``expected``
    fixed-list cases only: what the case probes, and ``"accept"`` or ``"refuse"``, the
    reference model's verdict.

INT8 cases keep the kernel scale a power of two, so that the rescale factor
``input_scale * kernel_scale`` is exact in FP32 and an output of one product and a bias
rounds at most twice (within the FP32 bound of :mod:`trtdeconv_docs.layer.tolerance`); they
keep ``channels per group * kernel volume * 128 * 128`` below ``2**24`` so that the INT32
sum converts to FP32 exactly.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Dict, List, Optional, Sequence

import numpy as np

from ..layer import shapes
from ..layer.attributes import CAFFE_MODES, DEFAULT_PADDING_MODE, PADDING_MODES, DeconvolutionError
from . import model

MAX_INPUT_ELEMENTS = 1536
MAX_OUTPUT_ELEMENTS = 4096
MAX_KERNEL_ELEMENTS = 4096
MAX_GROUP_TAPS = 600
"""Caps that keep 300+ layers small: stored arrays, and the reference model's loop over groups x taps."""

INT8_EVERY = 8
"""Every 8th drawn case (index 7, 15, ...) is an INT8 case."""

PADDING_PATTERNS = (
    ("padding_nd",),
    ("pre_padding",),
    ("post_padding",),
    ("pre_padding", "post_padding"),
    ("padding_nd", "pre_padding"),
    ("padding_nd", "post_padding"),
    ("padding_nd", "pre_padding", "post_padding"),
)
"""Which padding setters a case calls, in this order, when it sets explicit padding."""

_REFUSAL_SEED = 2 ** 31 - 1


def draw_cases(seed: int, count: int) -> List[Dict[str, Any]]:
    """``count`` random layers that the reference model accepts; deterministic in ``seed``."""
    return [_draw_case(seed, index) for index in range(count)]


def _draw_case(seed: int, index: int) -> Dict[str, Any]:
    rng = np.random.default_rng([seed, index])
    int8 = index % INT8_EVERY == INT8_EVERY - 1
    # The padding mode, and whether explicit padding is set, cycle so that every pair
    # appears within the first few dozen cases of either kind.
    turn = index // INT8_EVERY if int8 else index
    mode = PADDING_MODES[turn % len(PADDING_MODES)]
    explicit_padding = (turn // len(PADDING_MODES)) % 2 == 1
    draw = _draw_int8 if int8 else _draw_float
    for _ in range(10000):
        case = draw(rng, mode, explicit_padding)
        case.update(id=f"c{index:04d}", seed=[int(seed), index])
        if _fits(case):
            return case
    raise RuntimeError(f"no layer within the size caps after 10000 draws (seed {seed}, case {index})")


def _fits(case: Dict[str, Any]) -> bool:
    """Whether the case has every output dimension >= 1 and stays within the caps.

    CAFFE layers are sized as if their mode cropped ``pre``/``post`` like the EXPLICIT
    modes: the draw space was fixed before the GPU showed that CAFFE crops ``pre`` at
    both ends, and the CAFFE layers this leaves with a negative output dimension stay
    in the suite as evidence of TensorRT's refusal.
    """
    try:
        layer = model.layer(case)
        if layer.padding_mode in CAFFE_MODES:
            layer = dataclasses.replace(layer, padding_mode=DEFAULT_PADDING_MODE)
        out = shapes.output_shape(case["input_shape"], layer)
    except DeconvolutionError:
        return False
    taps = int(np.prod(layer.kernel_size_nd))
    channels_per_group = case["input_shape"][1] // layer.num_groups
    return (
        min(out[2:]) >= 1
        and case["input_shape"][1] <= 64
        and (case["kind"] != "int8" or channels_per_group * taps * 128 * 128 < 2 ** 24)
        and int(np.prod(case["input_shape"])) <= MAX_INPUT_ELEMENTS
        and int(np.prod(out)) <= MAX_OUTPUT_ELEMENTS
        and case["kernel_count"] <= MAX_KERNEL_ELEMENTS
        and layer.num_groups * taps <= MAX_GROUP_TAPS
    )


def _ints(rng, low: int, high: int, rank: int) -> List[int]:
    return [int(v) for v in rng.integers(low, high + 1, rank)]


def _dilation(rng, rank: int) -> List[int]:
    return [1 if rng.random() < 0.6 else int(rng.integers(2, 4)) for _ in range(rank)]


def _draw_float(rng, mode: str, explicit_padding: bool) -> Dict[str, Any]:
    rank = 2 if rng.random() < 0.6 else 3
    structure = rng.choice(["dense", "grouped", "depthwise"], p=[0.4, 0.35, 0.25])
    if structure == "dense":
        groups = 1
        channels = int(round(2 ** rng.uniform(0, 6)))
        maps = int(rng.integers(1, 17))
    elif structure == "grouped":
        groups = int(rng.integers(2, 9))
        channels = groups * int(rng.integers(1, min(8, 64 // groups) + 1))
        maps = groups * int(rng.integers(1, 5))
    else:  # depthwise: one input channel per group, one or two output maps per channel
        channels = groups = int(rng.integers(2, 65))
        maps = groups * int(rng.integers(1, 3))
    return _case(
        rng,
        kind="float",
        input_shape=[int(rng.integers(1, 4)), channels] + _ints(rng, 1, 7, rank),
        num_output_maps=maps,
        kernel_size_nd=_ints(rng, 1, 5, rank),
        num_groups=groups,
        mode=mode,
        explicit_padding=explicit_padding,
        values="uniform",
    )


def _draw_int8(rng, mode: str, explicit_padding: bool) -> Dict[str, Any]:
    rank = 2 if rng.random() < 0.6 else 3
    groups = 1 if rng.random() < 0.5 else int(rng.integers(2, 5))
    channels = groups * 4 * int(rng.integers(1, 5))  # TensorRT's INT8 kernels: multiples of 4 per group
    maps = groups * 4 * int(rng.integers(1, 3))
    kernel = _ints(rng, 1, 5 if rank == 2 else 3, rank)
    ties = bool(rng.random() < 0.5)
    case = _case(
        rng,
        kind="int8",
        input_shape=[int(rng.integers(1, 4)), channels] + _ints(rng, 1, 6, rank),
        num_output_maps=maps,
        kernel_size_nd=kernel,
        num_groups=groups,
        mode=mode,
        explicit_padding=explicit_padding,
        values="quantized",
    )
    case["int8"] = {
        # ties: power-of-two input scale, and values exactly halfway between two steps
        "input_scale": 2.0 ** -int(rng.integers(4, 8)) if ties else float(np.float32(rng.uniform(0.01, 0.05))),
        "kernel_scale": 2.0 ** -int(rng.integers(5, 9)),
        "ties": ties,
        "clamp_input": bool(rng.random() < 0.5),
        "clamp_kernel": bool(rng.random() < 0.5),
    }
    return case


def _case(rng, *, kind, input_shape, num_output_maps, kernel_size_nd, num_groups, mode, explicit_padding,
          values) -> Dict[str, Any]:
    """A case dict with stride, dilation and bias drawn here; the order of its setters is drawn too
    (padding_nd before pre/post)."""
    rank = len(kernel_size_nd)
    stride_nd, dilation_nd, bias = _ints(rng, 1, 4, rank), _dilation(rng, rank), bool(rng.random() < 0.6)
    basics = []
    if any(v != 1 for v in stride_nd) or rng.random() < 0.5:
        basics.append(["stride_nd", stride_nd])
    if any(v != 1 for v in dilation_nd) or rng.random() < 0.5:
        basics.append(["dilation_nd", dilation_nd])
    if num_groups != 1 or rng.random() < 0.3:
        basics.append(["num_groups", num_groups])
    order = rng.permutation(len(basics))
    setters = [basics[i] for i in order]
    padding = []
    if explicit_padding:
        pattern = PADDING_PATTERNS[int(rng.integers(len(PADDING_PATTERNS)))]
        padding = [[name, _ints(rng, 0, 2 if name == "padding_nd" else 3, rank)] for name in pattern]
    if mode != DEFAULT_PADDING_MODE or rng.random() < 0.5:
        padding.insert(int(rng.integers(len(padding) + 1)), ["padding_mode", mode])
    channels = input_shape[1]
    return {
        "kind": kind,
        "input_shape": input_shape,
        "num_output_maps": num_output_maps,
        "kernel_size_nd": kernel_size_nd,
        "kernel_count": channels * (num_output_maps // num_groups) * int(np.prod(kernel_size_nd)),
        "bias_count": num_output_maps if bias else 0,
        "set": setters + padding,
        "values": values,
    }


def refusal_cases() -> List[Dict[str, Any]]:
    """Invalid layers, and valid ones at the edges, each with the reference model's verdict."""
    t = _fixed
    cases = [
        t("negative padding_nd", "refuse", [1, 1, 3, 3], 1, [3, 3], [["padding_nd", [-1, -1]]]),
        t("negative pre_padding", "refuse", [1, 1, 3, 3], 1, [3, 3], [["pre_padding", [0, -1]]]),
        t("negative post_padding", "refuse", [1, 1, 3, 3], 1, [3, 3], [["post_padding", [-2, 0]]]),
        t("kernel one value short", "refuse", [1, 2, 3, 3], 2, [3, 3], [], kernel_count=2 * 2 * 9 - 1),
        t("kernel one value extra", "refuse", [1, 2, 3, 3], 2, [3, 3], [], kernel_count=2 * 2 * 9 + 1),
        t("bias one value short", "refuse", [1, 1, 3, 3], 2, [3, 3], [], bias_count=1),
        t("6 channels in 4 groups", "refuse", [1, 6, 3, 3], 8, [3, 3], [["num_groups", 4]]),
        t("6 output maps in 4 groups", "refuse", [1, 8, 3, 3], 6, [3, 3], [["num_groups", 4]]),
        t("num_groups 0", "refuse", [1, 2, 3, 3], 2, [3, 3], [["num_groups", 0]], kernel_count=2 * 2 * 9),
        t("num_output_maps 0", "refuse", [1, 1, 3, 3], 0, [3, 3], [], kernel_count=9),
        t("kernel_size_nd 0", "refuse", [1, 1, 3, 3], 1, [0, 3], [], kernel_count=3),
        t("stride_nd 0", "refuse", [1, 1, 3, 3], 1, [3, 3], [["stride_nd", [0, 1]]]),
        t("dilation_nd 0", "refuse", [1, 1, 3, 3], 1, [3, 3], [["dilation_nd", [1, 0]]]),
        t("stride_nd of 3 values on a 2-D kernel", "refuse", [1, 1, 3, 3], 1, [3, 3], [["stride_nd", [2, 2, 2]]]),
        t("post_padding crops past the full output", "refuse", [1, 1, 3, 3], 1, [3, 3], [["post_padding", [6, 0]]]),
        t("post_padding crops the whole output (size 0)", "accept", [1, 1, 3, 3], 1, [3, 3],
          [["post_padding", [5, 5]]]),
        t("pre and post padding crop one dimension to 0", "accept", [1, 1, 3, 3], 1, [3, 3],
          [["pre_padding", [2, 0]], ["post_padding", [3, 0]]]),
        t("padding larger than the dilated kernel", "accept", [1, 1, 3, 3], 1, [2, 2],
          [["stride_nd", [4, 4]], ["padding_nd", [4, 3]]]),
        t("SAME_UPPER with post_padding past the full output", "accept", [1, 1, 3, 3], 1, [3, 3],
          [["post_padding", [9, 9]], ["padding_mode", "SAME_UPPER"]]),
        t("1-D kernel on a rank-3 input", "refuse", [1, 1, 5], 1, [3], []),
        t("2-D kernel on a rank-3 input", "refuse", [1, 2, 5], 1, [3, 3], [], kernel_count=2 * 9),
        t("2-D kernel on a rank-5 input", "refuse", [1, 1, 2, 3, 3], 1, [3, 3], []),
        t("2-D kernel on a rank-6 input", "refuse", [1, 1, 2, 2, 3, 3], 1, [3, 3], []),
        t("3-D kernel on a rank-4 input", "refuse", [1, 1, 3, 3], 1, [2, 2, 2], []),
        t("4-D kernel on a rank-6 input", "refuse", [1, 1, 2, 2, 3, 3], 1, [2, 2, 2, 2], []),
        t("INT8, 4 input channels and 4 output maps per group", "accept", [1, 8, 3, 3], 8, [3, 3],
          [["num_groups", 2]], kind="int8"),
        t("INT8, 2 input channels per group", "accept", [1, 2, 3, 3], 4, [3, 3], [], kind="int8"),
        t("INT8, 2 output maps per group", "accept", [1, 4, 3, 3], 2, [3, 3], [], kind="int8"),
        t("INT8, depthwise", "accept", [1, 4, 3, 3], 4, [3, 3], [["num_groups", 4]], kind="int8"),
        # Huge layers last: a crash there loses the least (run_on_tensorrt saves before them).
        t("num_output_maps 8192", "accept", [1, 1, 1, 1], 8192, [1, 1], [], bias_count=0, values="integers"),
        t("num_output_maps 8193", "accept", [1, 1, 1, 1], 8193, [1, 1], [], bias_count=0, values="integers"),
        t("num_output_maps 65536", "accept", [1, 1, 1, 1], 65536, [1, 1], [], bias_count=0, values="integers"),
        t("num_output_maps 1 << 20", "accept", [1, 1, 1, 1], 1 << 20, [1, 1], [], bias_count=0, values="integers"),
        # Added after the first recording (ids stay stable): what r21's rank-5 input really does.
        t("2-D kernel on a rank-5 input, kernel counted for dimension -3", "accept", [1, 1, 2, 3, 3], 1, [3, 3],
          [], kernel_count=2 * 9),
        t("2-D kernel on a rank-5 batch of 2 x 3", "accept", [2, 3, 2, 3, 3], 2, [3, 3], [["stride_nd", [2, 1]]],
          kernel_count=2 * 2 * 9, bias_count=2),
    ]
    for index, case in enumerate(cases):
        case.update(id=f"r{index:02d}", seed=[_REFUSAL_SEED, index])
    return cases


def _fixed(note: str, expected: str, input_shape: Sequence[int], num_output_maps: int,
           kernel_size_nd: Sequence[int], setters, *, kernel_count: Optional[int] = None,
           bias_count: Optional[int] = None, kind: str = "float", values: Optional[str] = None) -> Dict[str, Any]:
    """One fixed case; the kernel count defaults to what a user would compute for the layer."""
    groups = dict(setters).get("num_groups", 1)
    if kernel_count is None:
        kernel_count = input_shape[1] * (num_output_maps // groups) * int(np.prod(kernel_size_nd))
    case = {
        "kind": kind,
        "input_shape": list(input_shape),
        "num_output_maps": num_output_maps,
        "kernel_size_nd": list(kernel_size_nd),
        "kernel_count": kernel_count,
        "bias_count": num_output_maps if bias_count is None else bias_count,
        "set": [list(s) for s in setters],
        "values": values or ("quantized" if kind == "int8" else "uniform"),
        "note": note,
        "expected": expected,
    }
    if kind == "int8":
        case["int8"] = {"input_scale": 2.0 ** -5, "kernel_scale": 2.0 ** -6, "ties": True,
                        "clamp_input": True, "clamp_kernel": False}
    return case


def case_arrays(case: Dict[str, Any]) -> Dict[str, np.ndarray]:
    """The case's ``input``, flat ``kernel`` and (if ``bias_count``) ``bias``, all float32."""
    rng = np.random.default_rng(case["seed"])
    shape = tuple(case["input_shape"])
    kernel_count, bias_count = case["kernel_count"], case["bias_count"]
    if case["values"] == "integers":
        x = rng.integers(1, 3, shape).astype(np.float32)
        kernel = rng.integers(-2, 3, kernel_count).astype(np.float32)
    elif case["values"] == "quantized":
        q = case["int8"]
        x = _quantized(rng, shape, q["input_scale"], q["ties"], q["clamp_input"])
        kernel = _quantized(rng, (kernel_count,), q["kernel_scale"], True, q["clamp_kernel"])
    else:
        x = rng.uniform(-1.0, 1.0, shape).astype(np.float32)
        kernel = rng.uniform(-1.0, 1.0, kernel_count).astype(np.float32)
    arrays = {"input": x, "kernel": kernel}
    if bias_count:
        arrays["bias"] = rng.uniform(-1.0, 1.0, bias_count).astype(np.float32)
    return arrays


def _quantized(rng, shape, scale: float, ties: bool, clamp: bool) -> np.ndarray:
    """``(q + f) * scale`` in float32: q integer steps, f a fraction that keeps clear of rounding ties.

    With ``ties`` (only for power-of-two scales, where ``x / scale`` is exact) about a
    third of the fractions are exactly +-0.5, so rounding half to even decides. With
    ``clamp`` some steps lie beyond the INT8 range [-128, 127]; without, every value
    quantizes to [-126, 126].
    """
    limit = 140 if clamp else 125
    steps = rng.integers(-limit, limit + 1, shape)
    fractions = rng.uniform(-0.4, 0.4, shape)
    if ties:
        halves = rng.random(shape) < 1 / 3
        fractions = np.where(halves, rng.choice([-0.5, 0.5], shape), fractions)
    return ((steps + fractions) * scale).astype(np.float32)
