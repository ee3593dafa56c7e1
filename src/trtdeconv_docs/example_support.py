"""Small building blocks that several examples share: a Q/DQ pair, and a run that may be refused."""

from __future__ import annotations

from typing import Dict, Optional

from .session import EngineBuildError, tensorrt_major, trt


def quantize_dequantize(network, tensor, scale, axis: Optional[int] = None):
    """``tensor`` through an IQuantizeLayer and an IDequantizeLayer sharing ``scale``; ``axis`` for per-channel scales."""
    # TensorRT 8.6: add_quantize(input, scale); from 9.1 a third argument gives the output type (required in 11)
    typed = tensorrt_major() >= 9
    quantize = network.add_quantize(tensor, scale, *([trt.int8] if typed else []))
    if axis is not None:
        quantize.axis = axis
    dequantize = network.add_dequantize(quantize.get_output(0), scale, *([trt.float32] if typed else []))
    if axis is not None:
        dequantize.axis = axis
    return dequantize.get_output(0)


def run_or_print_refusal(session, label: str, *outputs, **options) -> Optional[Dict]:
    """``session.run(label, *outputs, **options)``; if TensorRT refuses the network, print its messages instead."""
    try:
        return session.run(label, *outputs, **options)
    except EngineBuildError as error:
        print(f"TensorRT refused the network ({label}):")
        for message in error.messages:
            print(message.rstrip())
        return None
