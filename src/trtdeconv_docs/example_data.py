"""The tensors of the original page's examples, in one place.

The input holds 1..9; the square kernel holds 10^4, 10^3, ..., 10^-4 row by row, so each
digit of an output element shows which input element met which kernel element.
"""

from __future__ import annotations

from typing import Tuple

import numpy as np


def seed_tensors(channels: int = 1, num_output_maps: int = 1) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Input ``(1, channels, 3, 3)`` of 1..9 per channel, kernel 10^4..10^-4, zero bias.

    The kernel is repeated for every (input channel, output map) pair of a 1-group layer's
    layout ``(channels, num_output_maps, 3, 3)``.
    """
    plane = np.arange(1, 10, dtype=np.float32).reshape(3, 3)
    data = np.tile(plane, (1, channels, 1, 1))
    weight = np.tile(np.power(10, range(4, -5, -1), dtype=np.float32), channels * num_output_maps)
    return data, weight, np.zeros(num_output_maps, dtype=np.float32)
