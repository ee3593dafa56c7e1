"""Per-channel INT8 kernel scales of a deconvolution: the cases, and the rules TensorRT's output is tested against.

A deconvolution kernel has TensorRT's layout ``(C_in, C_out / groups, k...)``: axis 0 is the
input channel, axis 1 the output channel within its group. A Q/DQ pair with per-channel
scales ``s`` on ``axis`` says: quantize every kernel element with the scale of its index on
that axis (round half to even, clip to [-128, 127]) and multiply back. The *candidate rules*
below are the ways TensorRT could compute the layer; each is computed in float64 with
:mod:`trtdeconv_docs.layer.reference` and compared with what TensorRT output (recorded on a GPU):

* ``declared``: the Q/DQ semantics, the kernel quantized and dequantized along ``axis``;
* ``unquantized``: the kernel as given, its Q/DQ pair dropped (what TensorRT 8.6 does where it
  runs an FP32 kernel, ``trtdeconv_docs.trt.inspector.kernel_quantize_dropped``);
* ``rescale_first``, ``rescale_clamped``, ``rescale_modulo``: the kernel quantized along
  ``axis`` (its integers), the integer sum of each output channel ``c`` then multiplied by
  one scale of ``s``: ``s[c]`` for ``c < n`` else ``s[0]``; ``s[min(c, n - 1)]``;
  ``s[c mod n]`` (``n`` = number of scales). This is what an engine does that takes every
  kernel scale for an output-channel scale.

:func:`inferred_scale_indices` reads the rule off the data instead: for each output channel,
the index ``i`` with ``output = s[i] * (integer sum) + bias`` (``None`` where no single
scale fits). Nothing here imports TensorRT.
"""

from __future__ import annotations

from typing import Callable, Dict, List, NamedTuple, Optional

import numpy as np

from . import reference

INPUT_SCALE = 1 / 16
"""The input's one scale; the inputs are multiples of it in [-4, 4], so the input's Q/DQ changes nothing."""
KERNEL_SIZE = (2, 2)


class Case(NamedTuple):
    """One layer of the matrix: channel counts, groups, bias or not, the scales' axis."""

    in_channels: int
    out_channels: int
    groups: int
    bias: bool
    axis: int

    @property
    def label(self) -> str:
        """The run's label in the recording."""
        return (f"cin{self.in_channels}_cout{self.out_channels}_g{self.groups}_"
                f"{'bias' if self.bias else 'nobias'}_axis{self.axis}")

    @property
    def kernel_shape(self):
        """``(C_in, C_out / groups, kH, kW)``."""
        return (self.in_channels, self.out_channels // self.groups) + KERNEL_SIZE

    @property
    def scale_count(self) -> int:
        """How many scales the axis takes: C_in on axis 0, C_out / groups on axis 1."""
        return self.kernel_shape[self.axis]


SHAPES = ((4, 4, 1), (4, 8, 1), (8, 4, 1), (3, 5, 1), (5, 3, 1), (4, 4, 2), (4, 8, 2), (8, 4, 2), (6, 10, 2))
"""(C_in, C_out, groups): equal, fewer and more input channels, co-prime counts, one and two groups."""
CASES = tuple(Case(c_in, c_out, groups, bias, axis)
              for c_in, c_out, groups in SHAPES for bias in (False, True) for axis in (0, 1))


def tensors(case: Case, seed: int = 19):
    """Input, kernel, bias (or ``None``) and kernel scales of ``case``, all float32.

    The kernel is uniform in [-1, 1] and the scales uniform in [0.004, 0.012] (not powers of
    two), so some kernel elements quantize beyond 127 and are clipped.
    """
    rng = np.random.default_rng([seed, case.in_channels, case.out_channels, case.groups])
    x = (rng.integers(-64, 65, (1, case.in_channels, 3, 3)) * INPUT_SCALE).astype(np.float32)
    kernel = rng.uniform(-1, 1, case.kernel_shape).astype(np.float32)
    bias = rng.uniform(-1, 1, case.out_channels).astype(np.float32)
    scales = rng.uniform(0.004, 0.012, case.kernel_shape[case.axis]).astype(np.float32)
    return x, kernel, (bias if case.bias else None), scales


def _along(scales: np.ndarray, axis: int) -> np.ndarray:
    shape = [1, 1] + [1] * len(KERNEL_SIZE)
    shape[axis] = scales.size
    return scales.astype(np.float64).reshape(shape)


def kernel_integers(kernel, scales, axis: int) -> np.ndarray:
    """The kernel quantized along ``axis``: ``clip(rint(k / s), -128, 127)`` (rint rounds half to even)."""
    return np.clip(np.rint(np.asarray(kernel, np.float64) / _along(scales, axis)), *reference.INT8_RANGE)


def _layer(case: Case) -> Dict:
    return {"num_output_maps": case.out_channels, "kernel_size_nd": KERNEL_SIZE, "num_groups": case.groups}


def integer_sums(case: Case, x, kernel, scales) -> np.ndarray:
    """Per output element, the sum of input x quantized kernel integers (exact in float64)."""
    return reference.deconvolution(np.asarray(x, np.float64), kernel_integers(kernel, scales, case.axis), None,
                                   **_layer(case))


def _with_bias(out: np.ndarray, bias) -> np.ndarray:
    return out if bias is None else out + np.asarray(bias, np.float64).reshape(1, -1, 1, 1)


def _rescaled(index: Callable[[int, int], int]):
    def rule(case: Case, x, kernel, bias, scales) -> np.ndarray:
        per_channel = np.array([scales[index(c, scales.size)] for c in range(case.out_channels)], np.float64)
        return _with_bias(integer_sums(case, x, kernel, scales) * per_channel.reshape(1, -1, 1, 1), bias)
    return rule


def _declared(case: Case, x, kernel, bias, scales) -> np.ndarray:
    dequantized = kernel_integers(kernel, scales, case.axis) * _along(scales, case.axis)
    return reference.deconvolution(np.asarray(x, np.float64), dequantized, bias, **_layer(case))


def _unquantized(case: Case, x, kernel, bias, scales) -> np.ndarray:
    return reference.deconvolution(np.asarray(x, np.float64), np.asarray(kernel, np.float64), bias, **_layer(case))


RULES: Dict[str, Callable] = {
    "declared": _declared,
    "unquantized": _unquantized,
    "rescale_first": _rescaled(lambda c, n: c if c < n else 0),
    "rescale_clamped": _rescaled(lambda c, n: min(c, n - 1)),
    "rescale_modulo": _rescaled(lambda c, n: c % n),
}
"""Candidate rule name -> ``f(case, x, kernel, bias, scales)``, TensorRT's output as that rule computes it."""
RULE_WORDS = {
    "declared": "Q/DQ semantics: kernel quantized and dequantized along the declared axis",
    "unquantized": "kernel as given: its Q/DQ pair dropped",
    "rescale_first": "output channel c rescaled by s[c] for c < n, by s[0] beyond",
    "rescale_clamped": "output channel c rescaled by s[min(c, n - 1)]",
    "rescale_modulo": "output channel c rescaled by s[c mod n]",
}
RULE_FORMULAS = {
    "rescale_first": "s[c] if c < n else s[0]",
    "rescale_clamped": "s[min(c, n - 1)]",
    "rescale_modulo": "s[c % n]",
}
"""The scale each rescale rule multiplies output channel ``c`` by, as code (``n`` scales ``s``)."""
MATCH = 1e-6
"""A rule matches when ``max |TensorRT - rule| <= MATCH * max |rule|``: float32 rounding of the
rescale and the bias (a few ulps), far below the 1e-2 relative a wrong scale moves an output."""


def rule_errors(case: Case, output, x, kernel, bias, scales) -> Dict[str, float]:
    """Rule name -> ``max |TensorRT output - rule| / max |rule|`` (relative)."""
    errors = {}
    for name, rule in RULES.items():
        expected = rule(case, x, kernel, bias, scales)
        errors[name] = float(np.abs(np.asarray(output, np.float64) - expected).max() / np.abs(expected).max())
    return errors


def matching_rules(errors: Dict[str, float]) -> List[str]:
    """The rules whose relative error is at most :data:`MATCH`."""
    return [name for name, error in errors.items() if error <= MATCH]


def inferred_scale_indices(case: Case, output, x, kernel, bias, scales) -> List[Optional[int]]:
    """Per output channel c, the index i of the one scale with output = s[i] * integer sum + bias, else None."""
    sums = integer_sums(case, x, kernel, scales)
    output = _with_bias(np.asarray(output, np.float64), None if bias is None else -np.asarray(bias, np.float64))
    indices: List[Optional[int]] = []
    for c in range(case.out_channels):
        fits = [i for i, s in enumerate(scales.astype(np.float64))
                if np.abs(output[:, c] - s * sums[:, c]).max() <= MATCH * max(np.abs(s * sums[:, c]).max(), 1e-30)]
        indices.append(fits[0] if len(fits) == 1 else None)
    return indices
