"""Arrays as JSON: ``{"shape": [...], "dtype": "float32", "values": [...]}``, exactly.

A float32 value converted to a Python float and printed by ``json`` round-trips
exactly, so a recording written by TensorRT's run reads back bit for bit.
"""

from __future__ import annotations

from typing import Any, Dict

import numpy as np


def encode(array) -> Dict[str, Any]:
    """An array as a JSON-able dict (shape, dtype name, flat values)."""
    array = np.asarray(array)
    return {"shape": list(array.shape), "dtype": array.dtype.name, "values": array.reshape(-1).tolist()}


def decode(data: Dict[str, Any]) -> np.ndarray:
    """The array that :func:`encode` wrote."""
    return np.asarray(data["values"], dtype=data["dtype"]).reshape(data["shape"])
