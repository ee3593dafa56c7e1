"""Networks that compute the same as a deconvolution: the plan of a sub-pixel convolution.

A deconvolution with stride ``S`` writes input element ``i`` through kernel tap ``t`` to
full-output position ``i * S + t``. Split each output position ``o`` (after the leading
crop ``B``) into a block ``p = o // S`` and a phase ``r' = o % S``; with ``c = (r' + B) // S``
and ``r = (r' + B) % S``, output ``o`` sums ``x[p + c - a] * w[a * S + r]`` over
``a = 0 .. ceil(K / S) - 1``. So every phase is a stride-1 convolution of the input with
some of the kernel's taps, and all ``S`` phases (``S^2`` in 2-D, ``S^3`` in 3-D) together are one
convolution to ``S^R * num_output_maps`` channels; a depth-to-space rearrangement
(two shuffles) interleaves the phases, and a slice drops the positions past the output's
end when ``S`` does not divide it. With ``num_groups > 1`` the convolution is grouped
(for a depthwise deconvolution: a grouped sub-pixel convolution).

:func:`subpixel_plan` computes that convolution's kernel, bias and padding, and the
shuffles' shapes, from the deconvolution's kernel and resolved attributes; the TensorRT
runner builds exactly these layers and :func:`evaluate` runs the same plan in float64
NumPy, which the tests compare with the reference model.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Optional, Tuple

import numpy as np

from ..layer import reference, shapes
from ..layer.attributes import Deconvolution

FORMULATIONS = ("deconvolution", "subpixel", "subpixel_compact", "subpixel_phases")
"""``deconvolution``: the layer itself; ``subpixel``: convolution + depth-to-space with the phases
aligned to the output (no slice when ``S`` divides it); ``subpixel_compact``: the phases aligned to
the uncropped output, so the convolution has the fewest taps (``ceil(K / S)`` per dimension) and a
slice drops the leading crop too; ``subpixel_phases``: one convolution per phase (``S^R`` of them) with
exactly that phase's taps, concatenated and interleaved (:func:`phases_plan`); with ``num_groups == C_in ==
M`` each is a true depthwise convolution."""


class NotApplicable(ValueError):
    """The formulation cannot express this layer; the message says why."""


class Interleaving:
    """What both sub-pixel plans share: the blocks ``P`` of every phase interleaved into ``P * S``, then sliced."""

    blocks: Tuple[int, ...]
    stride: Tuple[int, ...]
    output_shape: Tuple[int, ...]
    start: Tuple[int, ...]

    @property
    def interleaved_shape(self) -> Tuple[int, ...]:
        """Second shuffle's reshape: ``(N, M, *(P * S))``."""
        return self.output_shape[:2] + tuple(p * s for p, s in zip(self.blocks, self.stride))

    @property
    def needs_slice(self) -> bool:
        """Whether the interleaved output differs from the output (then a slice keeps ``O`` from ``start``)."""
        return self.interleaved_shape != self.output_shape or any(self.start)


@dataclass(frozen=True)
class SubPixelPlan(Interleaving):
    """One grouped convolution, two shuffles and an optional slice; see the module docstring."""

    kernel: np.ndarray  # (S^R * M, C_in / groups, *K'), TensorRT's convolution layout
    bias: np.ndarray  # (S^R * M,)
    kernel_size: Tuple[int, ...]  # K'
    pre_padding: Tuple[int, ...]
    post_padding: Tuple[int, ...]
    num_groups: int
    stride: Tuple[int, ...]  # S per spatial dimension
    blocks: Tuple[int, ...]  # P >= ceil(O / S): the convolution's spatial output
    output_shape: Tuple[int, ...]  # the deconvolution's
    start: Tuple[int, ...]  # where the slice starts (0, or the leading crop for the compact plan)

    @property
    def split_shape(self) -> Tuple[int, ...]:
        """First shuffle's reshape: ``(N, M, *S, *P)``."""
        n, m = self.output_shape[:2]
        return (n, m) + self.stride + self.blocks

    @property
    def permutation(self) -> Tuple[int, ...]:
        """First shuffle's second transpose: ``(N, M, P_1, S_1, P_2, S_2, ...)``."""
        rank = len(self.stride)
        return (0, 1) + tuple(v for d in range(rank) for v in (2 + rank + d, 2 + d))



def _taps_per_dimension(kernel: int, stride: int, before: int):
    """Per phase r', the (offset d, tap t) pairs: output block p reads x[p + d] * w[t]."""
    per_phase = []
    for phase in range(stride):
        c, r = divmod(phase + before, stride)
        per_phase.append([(c - a, a * stride + r) for a in range(math.ceil(kernel / stride))
                          if a * stride + r < kernel])
    return per_phase


def subpixel_plan(input_shape, kernel, bias, layer: Deconvolution, compact: bool = False) -> SubPixelPlan:
    """The sub-pixel convolution equal to ``layer`` on inputs of ``input_shape``.

    ``compact`` aligns the phases to the uncropped output (fewest taps, then a slice).

    Raises :class:`NotApplicable` for a dilated layer, for an empty output, or where the leading crop is so
    large that the convolution would need negative leading padding.
    """
    if any(d != 1 for d in layer.dilation_nd):
        raise NotApplicable(f"dilation_nd={layer.dilation_nd}: the sub-pixel plan here covers dilation 1 only")
    out = shapes.output_shape(input_shape, layer)
    if 0 in out:
        raise NotApplicable(f"output shape {out}: an empty output has no convolution to compute it")
    spatial, rank = tuple(input_shape[2:]), layer.spatial_rank
    groups, channels = layer.num_groups, input_shape[1]
    c_group, m_group = channels // groups, layer.num_output_maps // groups
    kernel = np.asarray(kernel, np.float64).reshape(reference.kernel_shape(layer, channels))
    bias = np.zeros(layer.num_output_maps) if bias is None else np.asarray(bias, np.float64).reshape(-1)
    taps, pre, post, sizes, blocks, start = [], [], [], [], [], []
    for size, k, s, (before, _), o in zip(spatial, layer.kernel_size_nd, layer.stride_nd, shapes.crop(layer), out[2:]):
        skip = before if compact else 0  # positions the slice drops at the start
        per_phase = _taps_per_dimension(k, s, before - skip)
        offsets = [d for pairs in per_phase for d, _ in pairs]
        low, high = min(offsets), max(offsets)
        if low > 0:
            raise NotApplicable(f"leading crop {before} >= stride {s} * kernel blocks: needs negative padding")
        k_conv = high - low + 1
        trailing = max(math.ceil((o + skip) / s) - size + low + k_conv - 1, 0)  # the slice cuts what is more
        taps.append(per_phase)
        pre.append(-low)
        post.append(trailing)
        sizes.append(k_conv)
        blocks.append(size - low + trailing - k_conv + 1)
        start.append(skip)
    phases = int(np.prod(layer.stride_nd))
    conv = np.zeros((groups, m_group, phases, c_group) + tuple(sizes))
    grouped = kernel.reshape((groups, c_group, m_group) + layer.kernel_size_nd)
    for phase_index, phase in enumerate(itertools.product(*(range(s) for s in layer.stride_nd))):
        for combo in itertools.product(*(taps[d][phase[d]] for d in range(rank))):
            position = tuple(d + pre[dim] for dim, (d, _) in enumerate(combo))
            tap = tuple(t for _, t in combo)
            conv[(slice(None), slice(None), phase_index, slice(None)) + position] = \
                grouped[(slice(None), slice(None), slice(None)) + tap].transpose(0, 2, 1)
    return SubPixelPlan(
        kernel=conv.reshape((layer.num_output_maps * phases, c_group) + tuple(sizes)),
        bias=np.repeat(bias, phases),
        kernel_size=tuple(sizes), pre_padding=tuple(pre), post_padding=tuple(post), num_groups=groups,
        stride=tuple(layer.stride_nd), blocks=tuple(blocks), output_shape=tuple(out), start=tuple(start),
    )


def convolve(x, kernel, bias, pre_padding, post_padding, num_groups: int) -> np.ndarray:
    """A stride-1 grouped cross-correlation (what TensorRT's convolution computes), in float64."""
    x = np.asarray(x, np.float64)
    rank = x.ndim - 2
    padded = np.pad(x, [(0, 0), (0, 0)] + list(zip(pre_padding, post_padding)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, kernel.shape[2:], axis=tuple(range(2, 2 + rank)))
    n, c = x.shape[:2]
    k_out = kernel.shape[0]
    windows = windows.reshape((n, num_groups, c // num_groups) + windows.shape[2:])
    weights = np.asarray(kernel, np.float64).reshape((num_groups, k_out // num_groups) + kernel.shape[1:])
    letters = "XYZ"[:rank]
    spans = "IJK"[:rank]
    out = np.einsum(f"zgc{letters}{spans},gmc{spans}->zgm{letters}", windows, weights, optimize=True)
    out = out.reshape((n, k_out) + out.shape[3:])
    return out + np.asarray(bias, np.float64).reshape((1, -1) + (1,) * rank)


def evaluate(plan, x) -> np.ndarray:
    """Run ``plan`` on ``x`` in float64: convolution, the two shuffles, the slice (a :class:`PhasesPlan`:
    :func:`evaluate_phases`)."""
    if isinstance(plan, PhasesPlan):
        return evaluate_phases(plan, x)
    y = convolve(x, plan.kernel, plan.bias, plan.pre_padding, plan.post_padding, plan.num_groups)
    y = y.reshape(plan.split_shape).transpose(plan.permutation).reshape(plan.interleaved_shape)
    return y[(slice(None), slice(None)) + tuple(slice(b, b + size) for b, size in zip(plan.start, plan.output_shape[2:]))]


@dataclass(frozen=True)
class PhaseConvolution:
    """One phase's convolution: its taps only, padded so that it yields the plan's blocks (then cut to them)."""

    kernel: np.ndarray  # (M, C_in / groups, *K_r)
    kernel_size: Tuple[int, ...]
    pre_padding: Tuple[int, ...]
    post_padding: Tuple[int, ...]
    blocks: Tuple[int, ...]  # its output before the cut (>= the plan's blocks)


@dataclass(frozen=True)
class PhasesPlan(Interleaving):
    """``S^R`` convolutions, a channel concatenation (phase-major), two shuffles and an optional slice."""

    phases: Tuple[PhaseConvolution, ...]
    bias: np.ndarray  # (M,), added by every phase's convolution
    num_groups: int
    stride: Tuple[int, ...]
    blocks: Tuple[int, ...]
    output_shape: Tuple[int, ...]
    start: Tuple[int, ...]

    @property
    def split_shape(self) -> Tuple[int, ...]:
        """First shuffle's reshape of the concatenation: ``(N, *S, M, *P)``."""
        n, m = self.output_shape[:2]
        return (n,) + self.stride + (m,) + self.blocks

    @property
    def permutation(self) -> Tuple[int, ...]:
        """First shuffle's second transpose: ``(N, M, P_1, S_1, P_2, S_2, ...)``."""
        rank = len(self.stride)
        return (0, 1 + rank) + tuple(v for d in range(rank) for v in (2 + rank + d, 1 + d))



def phases_plan(input_shape, kernel, bias, layer: Deconvolution) -> PhasesPlan:
    """One convolution per phase, each with exactly its taps, equal to ``layer`` once interleaved.

    Built from :func:`subpixel_plan` (aligned): phase ``r``'s taps are the nonzero part of its
    kernel slice; the convolution keeps its own padding and is cut to the common blocks.
    """
    aligned = subpixel_plan(input_shape, kernel, bias, layer)
    rank, groups = layer.spatial_rank, layer.num_groups
    m, c_group = layer.num_output_maps, input_shape[1] // groups
    count = int(np.prod(layer.stride_nd))
    full = aligned.kernel.reshape((m, count, c_group) + aligned.kernel_size)
    crop = shapes.crop(layer)
    phases = []
    for index, phase in enumerate(itertools.product(*(range(s) for s in layer.stride_nd))):
        lows, highs = [], []
        for d, (k, s, (before, _)) in enumerate(zip(layer.kernel_size_nd, layer.stride_nd, crop)):
            offsets = [o for o, _ in _taps_per_dimension(k, s, before)[phase[d]]]
            if not offsets:
                raise NotApplicable(f"kernel {k} < stride {s}: a phase without taps is the bias alone, no convolution")
            lows.append(min(offsets) + aligned.pre_padding[d])
            highs.append(max(offsets) + aligned.pre_padding[d])
        window = tuple(slice(lo, hi + 1) for lo, hi in zip(lows, highs))
        taps = full[(slice(None), index, slice(None)) + window]
        pre = tuple(aligned.pre_padding[d] - lows[d] for d in range(rank))
        if min(pre) < 0:
            raise NotApplicable(f"phase {phase} starts past the input's first element: it would need negative padding")
        post = []
        for d, size in enumerate(input_shape[2:]):
            needed = aligned.blocks[d] - size - pre[d] + taps.shape[2 + d] - 1
            post.append(max(needed, 0))
        blocks = tuple(size + pre[d] + post[d] - taps.shape[2 + d] + 1 for d, size in enumerate(input_shape[2:]))
        phases.append(PhaseConvolution(np.ascontiguousarray(taps), tuple(taps.shape[2:]), pre, tuple(post), blocks))
    return PhasesPlan(tuple(phases), aligned.bias[::count].copy(), groups, aligned.stride, aligned.blocks,
                      aligned.output_shape, aligned.start)


def evaluate_phases(plan: PhasesPlan, x) -> np.ndarray:
    """Run ``plan`` on ``x`` in float64: every phase's convolution cut to the blocks, concatenation, shuffles, slice."""
    outputs = []
    for phase in plan.phases:
        y = convolve(x, phase.kernel, plan.bias, phase.pre_padding, phase.post_padding, plan.num_groups)
        outputs.append(y[(slice(None), slice(None)) + tuple(slice(0, b) for b in plan.blocks)])
    y = np.concatenate(outputs, axis=1)
    y = y.reshape(plan.split_shape).transpose(plan.permutation).reshape(plan.interleaved_shape)
    return y[(slice(None), slice(None)) + tuple(slice(b, b + size) for b, size in zip(plan.start, plan.output_shape[2:]))]


def plan_for(formulation: str, input_shape, kernel, bias, layer: Deconvolution):
    """The plan of a sub-pixel ``formulation``: a :class:`SubPixelPlan`, or a :class:`PhasesPlan` for ``subpixel_phases``."""
    if formulation not in FORMULATIONS[1:]:
        raise ValueError(f"{formulation!r} is not one of {FORMULATIONS[1:]}")
    if formulation == "subpixel_phases":
        return phases_plan(input_shape, kernel, bias, layer)
    return subpixel_plan(input_shape, kernel, bias, layer, compact=formulation == "subpixel_compact")


def not_applicable(formulation: str, input_shape, layer: Deconvolution) -> Optional[str]:
    """Why ``formulation`` is not benchmarked for ``layer`` (``None`` when it is).

    ``subpixel_compact`` is skipped where it is the same network as ``subpixel``.
    """
    if formulation == "deconvolution":
        return None
    zeros = np.zeros(reference.kernel_shape(layer, input_shape[1]))
    try:
        plan = plan_for(formulation, input_shape, zeros, None, layer)
        if formulation == "subpixel_compact":
            aligned = plan_for("subpixel", input_shape, zeros, None, layer)
            if (aligned.kernel_size, aligned.start, aligned.blocks) == (plan.kernel_size, plan.start, plan.blocks):
                return "the same network as subpixel (no leading crop to move)"
    except NotApplicable as error:
        return str(error)
    return None
