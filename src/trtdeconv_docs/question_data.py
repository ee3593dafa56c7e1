"""Tensors of the examples that answer users' questions (precision, output_padding), made in one place."""

from __future__ import annotations

from typing import Any, Dict, Tuple

import numpy as np

UPSAMPLING = {"channels": 256, "num_output_maps": 128, "size": 16, "kernel_size_nd": (3, 3)}
"""A decoder-sized layer: 256 input channels, 128 output maps, a 16x16 input, a 3x3 kernel."""

OUTPUT_PADDING_CASE: Dict[str, Any] = {"in_channels": 1, "out_channels": 1, "kernel_size": 3, "stride": 3,
                                       "padding": (0, 2), "output_padding": (2, 1)}
"""``torch.nn.ConvTranspose2d`` arguments whose output_padding cannot fold into post_padding (H: op 2 > p 0)."""


def _he_initialised(layer: Dict[str, Any], seed: int) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Input ~ N(0, 1), kernel ~ N(0, 2 / fan_in) in TensorRT's layout and bias ~ U(-0.1, 0.1) for ``layer``."""
    rng = np.random.default_rng(seed)
    c, m, size, kernel = (layer[k] for k in ("channels", "num_output_maps", "size", "kernel_size_nd"))
    data = rng.standard_normal((1, c, size, size)).astype(np.float32)
    fan_in = c * int(np.prod(kernel))
    weight = (rng.standard_normal(c * m * int(np.prod(kernel))) * np.sqrt(2.0 / fan_in)).astype(np.float32)
    bias = rng.uniform(-0.1, 0.1, m).astype(np.float32)
    return data, weight, bias


def upsampling_tensors(seed: int = 0) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Input ``(1, 256, 16, 16)`` ~ N(0, 1), kernel ~ N(0, 2 / fan_in) in TensorRT's layout, bias ~ U(-0.1, 0.1)."""
    return _he_initialised(UPSAMPLING, seed)


DYNAMIC_UPSAMPLING = {"channels": 64, "num_output_maps": 32, "size": 8, "kernel_size_nd": (3, 3), "stride_nd": (2, 2)}
"""The dynamic-shape layer of the autotuner example: 64 -> 32 channels, a 3x3 kernel, stride 2, run on 8x8."""


def dynamic_upsampling_tensors(seed: int = 27) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Input ``(1, 64, 8, 8)`` ~ N(0, 1), kernel ~ N(0, 2 / fan_in) in TensorRT's layout, bias ~ U(-0.1, 0.1)."""
    return _he_initialised(DYNAMIC_UPSAMPLING, seed)


def digest_only_tensors() -> Tuple[np.ndarray, ...]:
    """Every tensor the examples record by digest only (too large to keep in full), rebuilt: plot_12's layer
    (:func:`upsampling_tensors`) and plot_27's dynamic one (:func:`dynamic_upsampling_tensors`), for recomputation."""
    return upsampling_tensors() + dynamic_upsampling_tensors()


def output_padding_tensors(seed: int = 0) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Small-integer input ``(1, 1, 3, 3)``, kernel ``(1, 1, 3, 3)`` and bias for :data:`OUTPUT_PADDING_CASE`: sums are exact."""
    rng = np.random.default_rng(seed)
    draw = lambda shape: rng.integers(-9, 10, shape).astype(np.float32)  # noqa: E731
    case = OUTPUT_PADDING_CASE
    return (draw((1, case["in_channels"], 3, 3)), draw((case["in_channels"], case["out_channels"], 3, 3)),
            draw(case["out_channels"]))
