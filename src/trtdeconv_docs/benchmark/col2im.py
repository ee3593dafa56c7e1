"""The deconvolution as one GEMM and an overlap-add (col2im): its shapes, from the workload.

A deconvolution multiplies every input position's ``C_in / groups`` channels by its group's
kernel, a ``(C_in / groups) x (M / groups * prod(K))`` matrix: per group, one GEMM of
``[N * prod(I), C_in / groups] x [C_in / groups, M / groups * prod(K)]`` (:attr:`Col2imPlan.gemm`)
gives every position's columns, and an overlap-add scatters each column to output position
``i * S + t * D`` and sums. That is the "matmul + overlap-add" formulation: in NCHW the GEMM
is computed as ``kernel^T @ x`` per image and group (:func:`weights`, :func:`columns`: one batched
matmul, the same code on NumPy arrays and PyTorch tensors), giving the ``(N, M * prod(K), prod(I))`` columns that
``torch.nn.functional.fold`` overlap-adds (2-D; its arguments: :meth:`Col2imPlan.fold_arguments`),
then a slice and the bias. ``fold`` has no 3-D version: a 3-D layer whose kernel equals its
stride (nothing overlaps) and that crops nothing gets a rearrangement instead
(:attr:`Col2imPlan.split_shape`, :attr:`Col2imPlan.permutation`); other 3-D layers are not
formulated (:meth:`Col2imPlan.overlap_add_unavailable`). Nothing here imports PyTorch; the
tests run the plan in float64 NumPy (:func:`fold`) against the reference model.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Dict, Optional, Tuple

import numpy as np

from ..layer import shapes
from ..layer.attributes import Deconvolution
from .formulations import NotApplicable


@dataclass(frozen=True)
class Col2imPlan:
    """Shapes of the GEMM and of the overlap-add of one deconvolution on one input shape."""

    batch: int  # N
    groups: int
    channels: int  # C_in / groups: the GEMM's inner dimension
    maps: int  # M / groups
    input_spatial: Tuple[int, ...]  # I
    kernel_size: Tuple[int, ...]  # K
    stride: Tuple[int, ...]
    dilation: Tuple[int, ...]
    crop: Tuple[Tuple[int, int], ...]  # (leading, trailing) per dimension, both >= 0
    output_shape: Tuple[int, ...]

    @property
    def positions(self) -> int:
        """``prod(I)``: input positions per image."""
        return int(np.prod(self.input_spatial))

    @property
    def columns_per_group(self) -> int:
        """``M / groups * prod(K)``: the GEMM's output width."""
        return self.maps * int(np.prod(self.kernel_size))

    @property
    def gemm(self) -> Dict[str, int]:
        """The GEMM ``[m, k] x [k, n]``, ``batch`` times (once per group)."""
        return {"batch": self.groups, "m": self.batch * self.positions, "k": self.channels, "n": self.columns_per_group}

    @property
    def flops(self) -> int:
        """``2 * batch * m * n * k`` of :attr:`gemm` (the deconvolution's flops)."""
        g = self.gemm
        return 2 * g["batch"] * g["m"] * g["n"] * g["k"]

    @property
    def rank(self) -> int:
        """Spatial dimensions."""
        return len(self.input_spatial)

    def fold_arguments(self) -> Dict[str, Any]:
        """``torch.nn.functional.fold``'s arguments: symmetric padding takes the common crop, the slice the rest."""
        padding = tuple(min(before, after) for before, after in self.crop)
        size = tuple(o + before + after - 2 * p for o, (before, after), p in zip(self.output_shape[2:], self.crop, padding))
        return {"output_size": size, "kernel_size": self.kernel_size, "dilation": self.dilation,
                "padding": padding, "stride": self.stride}

    def output_slices(self) -> Tuple[slice, ...]:
        """What to keep of ``fold``'s output: ``[:, :, start:start + O, ...]``."""
        padding = self.fold_arguments()["padding"]
        return (slice(None), slice(None)) + tuple(
            slice(before - p, before - p + o) for (before, _), p, o in zip(self.crop, padding, self.output_shape[2:]))

    @property
    def split_shape(self) -> Tuple[int, ...]:
        """The columns as ``(N, M, *K, *I)`` (the non-overlapping rearrangement's first reshape)."""
        return (self.batch, self.groups * self.maps) + self.kernel_size + self.input_spatial

    @property
    def permutation(self) -> Tuple[int, ...]:
        """``(N, M, I_1, K_1, I_2, K_2, ...)``: each input position followed by its taps."""
        r = self.rank
        return (0, 1) + tuple(v for d in range(r) for v in (2 + r + d, 2 + d))

    def overlap_add_unavailable(self) -> Optional[str]:
        """Why no overlap-add is formulated for this layer (``None`` when one is)."""
        if self.rank == 2:
            return None
        if self.kernel_size == self.stride and set(self.dilation) == {1} and not any(b or a for b, a in self.crop):
            return None
        return ("torch.nn.functional.fold is 2-D only; a 3-D layer is formulated only when its kernel equals "
                "its stride and it crops nothing (then the overlap-add is a rearrangement)")


def plan(input_shape, layer: Deconvolution) -> Col2imPlan:
    """The :class:`Col2imPlan` of ``layer`` on ``input_shape``; :class:`~trtdeconv_docs.benchmark.formulations.NotApplicable` if it pads the output."""
    crop = tuple(shapes.crop(layer))
    if any(before < 0 or after < 0 for before, after in crop):
        raise NotApplicable(f"crop {crop}: the output extends past the overlap-add's full output")
    n, c = input_shape[:2]
    return Col2imPlan(batch=n, groups=layer.num_groups, channels=c // layer.num_groups,
                      maps=layer.num_output_maps // layer.num_groups, input_spatial=tuple(input_shape[2:]),
                      kernel_size=tuple(layer.kernel_size_nd), stride=tuple(layer.stride_nd),
                      dilation=tuple(layer.dilation_nd), crop=crop,
                      output_shape=tuple(shapes.output_shape(input_shape, layer)))


def weights(kernel, p: Col2imPlan, broadcast_to):
    """The GEMM's left operand, ``kernel^T`` per image and group: ``(N * groups, M / groups * prod(K), C_in / groups)``.

    ``broadcast_to(array, shape)`` is ``numpy.broadcast_to`` or ``lambda t, s: t.expand(s)`` for PyTorch;
    without groups the result is a view with a zero batch stride (no copy per image).
    """
    transposed = kernel.reshape(p.groups, p.channels, p.columns_per_group).swapaxes(1, 2)
    expanded = broadcast_to(transposed[None], (p.batch, p.groups, p.columns_per_group, p.channels))
    if p.groups == 1:
        return expanded[:, 0]
    return expanded.reshape(p.batch * p.groups, p.columns_per_group, p.channels)


def columns(w, x, p: Col2imPlan):
    """The GEMM as the formulation runs it, on NumPy arrays or PyTorch tensors: one batched ``w @ x``.

    ``w`` from :func:`weights`; the result is ``(N, M * prod(K), prod(I))``, what ``fold`` takes.
    """
    x = x.reshape(p.batch * p.groups, p.channels, p.positions)
    return (w @ x).reshape(p.batch, p.groups * p.columns_per_group, p.positions)


def fold(cols, output_size, kernel_size, dilation, padding, stride) -> np.ndarray:
    """``torch.nn.functional.fold`` in float64 NumPy (any rank): sums each column into its output positions."""
    cols = np.asarray(cols, np.float64)
    taps = int(np.prod(kernel_size))
    padded = tuple(o + 2 * q for o, q in zip(output_size, padding))
    blocks = tuple((size - d * (k - 1) - 1) // s + 1 for size, d, k, s in zip(padded, dilation, kernel_size, stride))
    n, channels = cols.shape[0], cols.shape[1] // taps
    grid = cols.reshape((n, channels, taps) + blocks)
    out = np.zeros((n, channels) + padded)
    for index, tap in enumerate(itertools.product(*(range(k) for k in kernel_size))):
        target = tuple(slice(t * d, t * d + s * (b - 1) + 1, s) for t, d, s, b in zip(tap, dilation, stride, blocks))
        out[(slice(None), slice(None)) + target] += grid[:, :, index]
    return out[(slice(None), slice(None)) + tuple(slice(q, q + o) for q, o in zip(padding, output_size))]


def rearrange(cols, p: Col2imPlan):
    """The non-overlapping overlap-add (kernel = stride, no crop) in NumPy: reshape, transpose, reshape."""
    return np.asarray(cols).reshape(p.split_shape).transpose(p.permutation).reshape(p.output_shape)


def matmul_overlap_add(x, kernel, bias, layer: Deconvolution) -> np.ndarray:
    """The whole formulation in float64 NumPy: :func:`columns`, then :func:`fold` or :func:`rearrange`, slice, bias."""
    p = plan(np.shape(x), layer)
    reason = p.overlap_add_unavailable()
    if reason:
        raise NotApplicable(reason)
    cols = columns(weights(np.asarray(kernel, np.float64), p, np.broadcast_to), np.asarray(x, np.float64), p)
    if p.rank == 2:
        out = fold(cols, **p.fold_arguments())[p.output_slices()]
    else:
        out = rearrange(cols, p)
    bias = np.zeros(layer.num_output_maps) if bias is None else np.asarray(bias, np.float64).reshape(-1)
    return out + bias.reshape((1, -1) + (1,) * p.rank)
