"""What several tests know about the GPU recordings: the known divergences, the arrays recorded by digest, a stand-in provenance."""

from __future__ import annotations

import hashlib

import numpy as np

from trtdeconv_docs.conformance import store
from trtdeconv_docs.question_data import upsampling_tensors

from .paths import CONFORMANCE

DIVERGENCES = {
    ("plot_14_int8_tactics.py", "int8_per_channel_axis0"):
        "per-channel kernel scales on axis 0 (input channels): built with an INT8 tactic, wrong output "
        "(docs/int8.md); test_per_channel_scales_on_axis_0_rescale_the_output_channels pins what TensorRT computes",
}
"""Built runs whose output is not the network's documented result, with where the site says so."""


def rebuilt_arrays():
    """``{sha256: array}`` of the large arrays the examples build (recorded by digest only)."""
    return {hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest(): array.reshape(-1)
            for array in upsampling_tensors()}


PROVENANCE = {"tensorrt": "9.9.9", "cuda_runtime": "1.2", "cuda_driver": "1.3", "gpu": "Test GPU",
              "compute_capability": "0.0", "python": "3.x", "numpy": "x", "date": "2026-01-02T03:04:05Z"}


CONFORMANCE_RECORDING = store.load(CONFORMANCE) if (CONFORMANCE / store.CASES_FILE).exists() else None
"""The conformance suite's GPU recording (``None`` where it is missing)."""
CONFORMANCE_CASES = CONFORMANCE_RECORDING.cases if CONFORMANCE_RECORDING else []
