"""Small building blocks that several examples share: a Q/DQ pair, and a run that may be refused."""

from __future__ import annotations

from typing import Dict, Optional

from .session import EngineBuildError, trt
from .trt import versions


def quantize_dequantize(network, tensor, scale, axis: Optional[int] = None):
    """``tensor`` through an IQuantizeLayer and an IDequantizeLayer sharing ``scale``; ``axis`` for per-channel scales."""
    return versions.quantize_dequantize(trt, network, tensor, scale, axis=axis)


def run_or_print_refusal(session, label: str, *outputs, **options) -> Optional[Dict]:
    """``session.run(label, *outputs, **options)``; if TensorRT refuses the network, print its messages instead."""
    try:
        return session.run(label, *outputs, **options)
    except EngineBuildError as error:
        print(f"TensorRT refused the network ({label}):")
        for message in error.messages:
            print(message.rstrip())
        return None
