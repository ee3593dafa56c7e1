"""Small building blocks that several examples share: a Q/DQ pair, and a run that may be refused."""

from __future__ import annotations

from typing import Dict, Optional

from .session import EngineBuildError, trt
from .trt import versions


def quantize_dequantize(network, tensor, scale, axis: Optional[int] = None):
    """``tensor`` through an IQuantizeLayer and an IDequantizeLayer sharing ``scale``; ``axis`` for per-channel scales."""
    return versions.quantize_dequantize(trt, network, tensor, scale, axis=axis)


def run_or_print_refusal(session, label: str, *outputs, **options) -> Optional[Dict]:
    """``session.run(label, *outputs, **options)``; if TensorRT refuses the network, print its messages instead.

    A network that TensorRT built although it logged errors while the network was defined
    (a setter it rejected and ignored) is not a refusal: the run's outputs are returned and
    the ignored calls' messages are printed under their own heading.
    """
    try:
        result = session.run(label, *outputs, **options)
    except EngineBuildError as error:
        print(f"TensorRT refused to build the network ({label}):")
        for message in error.messages:
            print(message.rstrip())
        return None
    if session.definition_errors:
        print(f"TensorRT built the network ({label}) but ignored a call it logged an error for "
              "(the attribute kept its old value):")
        for message in session.definition_errors:
            print(message.rstrip())
    return result
