"""Spec-sheet rates of the GPUs the guide was measured on, beside which the measured ceilings are shown.

Dense (no sparsity) tensor-core rates and HBM bandwidth from NVIDIA's H100 and H200 datasheets;
leads, not floors: the floors use the ceilings measured in the same run, and :func:`problems`
checks that each measured ceiling is between :data:`LOW` and :data:`HIGH` of its spec value and
that INT8 >= FP16 >= TF32 >= FP32.
"""

from __future__ import annotations

from typing import Dict, List, Optional

SPECS = {
    "H100 80GB HBM3": {"bandwidth": 3.35e12, "peak_fp32": 67e12, "peak_tf32": 494.7e12, "peak_fp16": 989.4e12,
                       "peak_int8": 1978.9e12},
    "H100 PCIe": {"bandwidth": 2.0e12, "peak_fp32": 51e12, "peak_tf32": 378e12, "peak_fp16": 756e12,
                  "peak_int8": 1513e12},
    "H200": {"bandwidth": 4.8e12, "peak_fp32": 67e12, "peak_tf32": 494.7e12, "peak_fp16": 989.4e12,
             "peak_int8": 1978.9e12},
}
"""Keyed by what follows ``NVIDIA`` in the device name; SXM parts (``H100 80GB HBM3``, ``H200``)."""
SOURCE = "NVIDIA H100 and H200 Tensor Core GPU datasheets, SXM, dense"
LOW, HIGH = 0.30, 1.00
ORDER = ("peak_int8", "peak_fp16", "peak_tf32", "peak_fp32")


def spec_for(gpu: str) -> Optional[Dict[str, float]]:
    """The spec values of the GPU called ``gpu`` (``NVIDIA H200``...), or ``None`` when unknown."""
    name = gpu.replace("NVIDIA", "").strip()
    for key in sorted(SPECS, key=len, reverse=True):
        if name == key or name.startswith(key + " ") or name.startswith(key):
            return SPECS[key]
    return None


def problems(measured: Dict[str, float], gpu: str) -> List[str]:
    """Why a set of measured ceilings (``bandwidth``, ``peak_<precision>``) cannot be used as floors."""
    result = []
    spec = spec_for(gpu)
    if spec is None:
        result.append(f"no spec values for {gpu!r}: the ceilings cannot be checked")
    else:
        for name, value in measured.items():
            if name in spec and not LOW * spec[name] <= value <= HIGH * spec[name]:
                result.append(f"{name} = {value:.4g} is {100 * value / spec[name]:.1f} % of the spec {spec[name]:.4g}, "
                              f"outside {100 * LOW:.0f}-{100 * HIGH:.0f} %")
    present = [name for name in ORDER if name in measured]
    for higher, lower in zip(present, present[1:]):
        if measured[higher] < measured[lower]:
            result.append(f"{higher} = {measured[higher]:.4g} < {lower} = {measured[lower]:.4g}")
    return result
