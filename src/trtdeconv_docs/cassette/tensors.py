"""Arrays as JSON: ``{"shape": [...], "dtype": "float32", "values": [...]}``, exactly.

A float32 value converted to a Python float and printed by ``json`` round-trips
exactly, so a recording written by TensorRT's run reads back bit for bit.
"""

from __future__ import annotations

import hashlib
from typing import Any, Dict

import numpy as np

LARGE = 4096
"""Arrays with more elements than this are kept by digest only where their values can be rebuilt
(inputs the example makes, weights it passes): recordings stay small."""


def encode(array) -> Dict[str, Any]:
    """An array as a JSON-able dict (shape, dtype name, flat values)."""
    array = np.asarray(array)
    return {"shape": list(array.shape), "dtype": array.dtype.name, "values": array.reshape(-1).tolist()}


def decode(data: Dict[str, Any]) -> np.ndarray:
    """The array that :func:`encode` wrote."""
    return np.asarray(data["values"], dtype=data["dtype"]).reshape(data["shape"])


def digest(array) -> Dict[str, Any]:
    """``{"dtype", "shape", "sha256"}`` of an array's C-ordered bytes."""
    array = np.ascontiguousarray(array)
    return {"dtype": array.dtype.name, "shape": list(array.shape), "sha256": hashlib.sha256(array.tobytes()).hexdigest()}


def encode_or_digest(array) -> Dict[str, Any]:
    """:func:`encode` for arrays up to :data:`LARGE` elements, else :func:`digest` (values not kept)."""
    array = np.asarray(array)
    return encode(array) if array.size <= LARGE else digest(array)


def digest_of(data: Dict[str, Any]) -> Dict[str, Any]:
    """The digest of what :func:`encode_or_digest` wrote (computed from the values when they were kept)."""
    return digest(decode(data)) if "values" in data else {key: data[key] for key in ("dtype", "shape", "sha256")}
