"""The transposed convolution as the adjoint of PyTorch's convolution, element by element: an oracle apart from the package."""

from __future__ import annotations

import itertools

import numpy as np


def convolution(y, w, stride, dilation, begin, input_spatial, groups):
    """PyTorch's Conv: out[n, c, i] = sum of w[c, m', k] * y[n, m, i*S + k*D - begin] over m in c's group, k."""
    channels, maps_per_group = w.shape[0], w.shape[1]
    per_group = channels // groups
    out = np.zeros((y.shape[0], channels) + tuple(input_spatial))
    for i, k in itertools.product(np.ndindex(*input_spatial), np.ndindex(*w.shape[2:])):
        at = tuple(a * s + t * d - b for a, t, s, d, b in zip(i, k, stride, dilation, begin))
        if all(0 <= p < n for p, n in zip(at, y.shape[2:])):
            for c in range(channels):
                maps = slice(c // per_group * maps_per_group, (c // per_group + 1) * maps_per_group)
                out[(slice(None), c) + i] += y[(slice(None), maps) + at] @ w[(c, slice(None)) + k]
    return out


def transpose_by_adjoint(x, w, bias, stride, dilation, begin, out_spatial, groups):
    """The adjoint of :func:`convolution`, element by element: y[e] = <x, convolution(unit e)>, plus bias."""
    shape = (x.shape[0], w.shape[1] * groups) + tuple(out_spatial)
    result = np.empty(shape)
    for e in np.ndindex(*shape):
        unit = np.zeros(shape)
        unit[e] = 1.0
        result[e] = np.sum(x * convolution(unit, w, stride, dilation, begin, x.shape[2:], groups))
    return result + bias.reshape((1, -1) + (1,) * len(out_spatial))
