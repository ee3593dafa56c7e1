"""What kernel a TensorRT run actually ran, read off the engine inspector: precision, family, architecture.

A row's label (``fp16``...) is what the builder was allowed; :func:`ran_in` is what the engine's
compute layers ran, from the tactic name where the inspector gives one (``..._f16f16_f16f16_f16_...``:
FP16; ``..._f32f32_tf32f32_f32_...``: TF32; ``..._i8f32_i8i32_f32_...``: INT8; ``FP32FP32FP32``,
``f32f32_f32f32`` and ``ffma``: FP32) and otherwise from the formats of its inputs (``Row major
linear FP32``: FP32, or TF32 when the build allowed it, which formats cannot tell apart).
:func:`family` names the kernel in words (:data:`WORDS`, Chinese, translated by the extension's catalog; tables show
these words, raw tactic names only in collapsed details).
"""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, List, Optional

COMPUTE_TYPES = ("Deconvolution", "Convolution", "Gemm", "MatrixMultiply")
PRECISION_WORDS = {"fp16": "FP16", "tf32": "TF32", "fp32": "FP32", "int8": "INT8", "fp32_or_tf32": "FP32/TF32"}


def compute_layers(record: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The engine layers that do the arithmetic (convolutions, deconvolutions), not reformats or shuffles."""
    return [entry for entry in record.get("engine_layers", []) if isinstance(entry, dict)
            and any(word in entry.get("LayerType", "") for word in COMPUTE_TYPES)]


def tactic(entry) -> Dict[str, Any]:
    """An engine layer's name, type and tactic (``TacticName``, else its ``TacticValue``)."""
    if not isinstance(entry, dict):
        return {"name": str(entry)}
    return {"name": entry.get("Name", ""), "type": entry.get("LayerType", ""),
            "tactic": entry.get("TacticName") or f"TacticValue {entry.get('TacticValue', '?')}"}


def tactic_precision(name: str) -> Optional[str]:
    """The arithmetic precision a tactic name states, or ``None`` when it states none."""
    lowered = name.lower()
    if re.search(r"i8i32|_i8f32_|_i8i8_|int8", lowered):
        return "int8"
    if "tf32" in lowered:
        return "tf32"
    if re.search(r"f16f16|h884|h1688|h16816|fp16|half", lowered):
        return "fp16"
    if re.search(r"f32f32|fp32fp32|ffma|_fp32_|sgemm", lowered):
        return "fp32"
    return None


def format_precision(entry: Dict[str, Any], tf32_allowed: bool) -> Optional[str]:
    """The precision of a layer's first input format (``Row major linear FP32``...)."""
    inputs = entry.get("Inputs") or [{}]
    text = str(inputs[0].get("Format/Datatype", ""))
    if "Int8" in text or "INT8" in text:
        return "int8"
    if "FP16" in text or "Half" in text:
        return "fp16"
    if "FP32" in text or "Float" in text:
        return "fp32_or_tf32" if tf32_allowed else "fp32"
    return None


def ran_in(record: Dict[str, Any]) -> Optional[str]:
    """What the run's compute layers ran in (one of :data:`PRECISION_WORDS`; the widest when they differ), or
    ``None`` when the recording does not say (a PyTorch row, or no engine layers)."""
    tf32_allowed = "TF32" in record.get("flags", [])
    found = []
    for entry in compute_layers(record):
        precision = tactic_precision(entry.get("TacticName", "")) if entry.get("TacticName") else None
        found.append(precision or format_precision(entry, tf32_allowed))
    found = [p for p in found if p]
    for precision in ("fp32", "fp32_or_tf32", "tf32", "fp16", "int8"):  # the slowest decides
        if precision in found:
            return precision
    return None


def label_matches(record: Dict[str, Any]) -> bool:
    """Whether the row's precision label is what its kernels ran in (unknown counts as a match)."""
    label = record.get("precision", "")
    actual = ran_in(record)
    if actual is None:
        return True
    if label.startswith("int8"):
        return actual == "int8"
    if actual == "fp32_or_tf32":
        return label in ("fp32", "tf32")
    return actual == label


WORDS: Dict[str, str] = {
    "grouped_loop": "逐组循环（CaskGemmDeconvolution，NVIDIA/TensorRT#1934）",
    "gemm_col2im": "GEMM + col2im 反卷积（CaskGemmDeconvolution）",
    "winograd": "Winograd 卷积",
    "direct_group": "直接分组卷积",
    "stride_eq_filter": "核 = 步长的反卷积",
    "implicit_gemm_deconvolution": "隐式 GEMM 反卷积",
    "implicit_gemm_convolution": "隐式 GEMM 卷积",
    "kernel": "kernel",
    "hopper": "（Hopper warpgroup MMA）",
    "with_precision": "{kernel}，{precision}",
    "separator": "；",
}
"""The words :func:`family` and :func:`describe` name kernels with, in Chinese (the source language): the
Sphinx extension passes its catalog's translation as ``translate`` (the catalog update collects these)."""


def _same(text: str) -> str:
    return text


def family(entry: Dict[str, Any], translate: Callable[[str], str] = _same) -> str:
    """A compute layer's kernel in words (architecture, algorithm, layer type), through ``translate``."""
    layer_type = entry.get("LayerType", "")
    name = entry.get("TacticName", "")
    if layer_type == "CaskGemmDeconvolution":
        return translate(WORDS["grouped_loop" if entry.get("Groups", 1) > 1 else "gemm_col2im"])
    arch = re.match(r"(sm\d+)", name)
    words = [arch.group(1)] if arch else []
    if "wngd" in name:
        words.append(translate(WORDS["winograd"]))
    elif "direct_group" in name:
        words.append(translate(WORDS["direct_group"]))
    elif "stride_eq_filter" in name:
        words.append(translate(WORDS["stride_eq_filter"]))
    elif "implicit_gemm" in name or "_gemm_" in name:
        words.append(translate(WORDS["implicit_gemm_deconvolution" if "deconv" in name
                                     else "implicit_gemm_convolution"]))
    elif name:
        words.append(translate(WORDS["kernel"]))
    else:
        words.append(layer_type or "layer")
    text = " ".join(words)
    if "sm90" in name and "warpgroup" in name:
        hopper = translate(WORDS["hopper"])
        text += hopper if hopper.startswith("（") else " " + hopper
    return text


def describe(record: Dict[str, Any], translate: Callable[[str], str] = _same) -> str:
    """The compute layers of a run in words (``sm80 隐式 GEMM 反卷积，FP16``), one part per distinct kernel,
    through ``translate``."""
    tf32_allowed = "TF32" in record.get("flags", [])
    parts = []
    for entry in compute_layers(record):
        precision = (tactic_precision(entry.get("TacticName", "")) if entry.get("TacticName") else None) \
            or format_precision(entry, tf32_allowed)
        text = family(entry, translate)
        if precision:
            text = translate(WORDS["with_precision"]).format(kernel=text, precision=PRECISION_WORDS[precision])
        if text not in parts:
            parts.append(text)
    return translate(WORDS["separator"]).join(parts)
