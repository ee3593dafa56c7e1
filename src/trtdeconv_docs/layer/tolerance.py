"""How far a TensorRT output may be from the float64 reference model.

Each output element is a sum of ``n`` terms (products of an input element and a kernel
tap, plus the bias). Whatever order TensorRT adds them in, floating-point summation
with unit roundoff ``u`` is off by at most ``gamma(n) * sum(|terms|)`` with
``gamma(n) = n*u / (1 - n*u)`` (Higham, *Accuracy and Stability of Numerical
Algorithms*, eq. 3.4). So an element whose terms span 10^-4 .. 10^4 is exact only to
float32 precision of its largest terms (the examples' centre element: :doc:`/tolerance`).

Precisions, from how TensorRT computed the layer:

* ``fp32``: ``u = 2^-24``;
* ``tf32``: each operand keeps 10 mantissa bits (relative error below 2^-10 even when
  truncated), so each product is off by less than ``2^-9`` before the FP32 sum:
  ``(2^-9 + gamma(n)) * sum(|terms|)``;
* ``int8``: Q/DQ inputs are integers times a scale, their products add up exactly in
  int32, and only the FP32 scaling rounds: the ``fp32`` bound covers it;
* ``fp16``: every operation and every stored value may round with ``u = 2^-11``
  (10 stored mantissa bits, round to nearest). Each term goes through at most ``n + 3``
  roundings: its two operands stored in FP16, its product, at most ``n - 1`` additions
  (when the accumulation is in FP16 too) and the output stored in FP16. By Higham's
  Lemma 3.1 a product of ``k`` factors ``(1 + delta)``, ``|delta| <= u``, is
  ``1 + theta`` with ``|theta| <= gamma(k)``, so the bound is
  ``gamma_fp16(n + 3) * sum(|terms|)``. It needs ``(n + 3) * 2^-11 < 1`` (fewer than
  2045 terms) and says nothing about FP16's range (overflow past 65504 gives ``inf``:
  an infinite error; subnormals below 2^-14 lose more): such elements fail it.
"""

from __future__ import annotations

import numpy as np

UNIT_ROUNDOFF = 2.0 ** -24
"""FP32's unit roundoff: the summation of every precision but ``fp16``."""
FP16_UNIT_ROUNDOFF = 2.0 ** -11
PRODUCT_ERROR = {"fp32": 0.0, "int8": 0.0, "tf32": 2.0 ** -9, "fp16": 0.0}
"""Relative error of one product before summation, by precision name."""
SUMMATION = {"fp32": (UNIT_ROUNDOFF, 0), "int8": (UNIT_ROUNDOFF, 0), "tf32": (UNIT_ROUNDOFF, 0),
             "fp16": (FP16_UNIT_ROUNDOFF, 3)}
"""By precision name: the unit roundoff of the sum and the roundings each term sees beyond ``n``."""


FP16_MAX = 65504.0
"""FP16's largest finite value; an FP16 result beyond it is an infinity (measured: plot_15's seed layer held to FP16)."""


def gamma(term_counts, unit_roundoff: float = UNIT_ROUNDOFF) -> np.ndarray:
    """Higham's ``gamma(n) = n*u / (1 - n*u)`` (FP32's ``u`` unless given); needs ``n*u < 1``."""
    n = np.asarray(term_counts, dtype=np.float64)
    if np.any(n * unit_roundoff >= 1):
        raise ValueError(f"gamma(n) needs n * u < 1: n = {n.max():g} roundings with u = {unit_roundoff:g}")
    return n * unit_roundoff / (1.0 - n * unit_roundoff)


def bound(absolute_terms, term_counts, precision: str = "fp32") -> np.ndarray:
    """Largest error allowed per element: ``(product error + gamma(n [+ 3 for fp16])) * sum(|terms|)``."""
    if precision not in PRODUCT_ERROR:
        raise ValueError(f"precision {precision!r} is not one of {sorted(PRODUCT_ERROR)}")
    unit_roundoff, extra = SUMMATION[precision]
    counts = np.asarray(term_counts, dtype=np.float64)
    return ((PRODUCT_ERROR[precision] + gamma(counts + extra, unit_roundoff))
            * np.asarray(absolute_terms, dtype=np.float64))


def worst_ratio(actual, expected, absolute_terms, term_counts, precision: str = "fp32") -> float:
    """``max(abs(actual - expected) / bound)``; <= 1 means within tolerance (0/0 counts as 0)."""
    error = np.abs(np.asarray(actual, np.float64) - np.asarray(expected, np.float64))
    allowed = bound(absolute_terms, term_counts, precision)
    if error.shape != allowed.shape:
        raise ValueError(f"shapes differ: output {error.shape}, reference {allowed.shape}")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(error == 0, 0.0, error / allowed)
    if precision == "fp16":  # FP16's range: beyond its largest finite value the result is an infinity of that sign
        actual, expected = np.asarray(actual, np.float64), np.asarray(expected, np.float64)
        beyond = np.abs(expected) > FP16_MAX
        ratio = np.where(beyond, np.where(actual == np.copysign(np.inf, expected), 0.0, np.inf), ratio)
    return float(ratio.max(initial=0.0))
