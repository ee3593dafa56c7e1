"""The engine inspector's JSON (DETAILED verbosity) read back: tactics, weights types, the precision used."""

from __future__ import annotations

import json
from typing import Any, Dict, Iterable, List, Optional


def information(layer_information: str) -> Dict[str, Any]:
    """The engine inspector's JSON parsed; ``{}`` if none was recorded.

    TensorRT 8.6 can write a control character raw inside a string (for ONNX case ``modelopt_source_2d`` on an
    H100, 2026-12-08, strict parsing failed with "Invalid control character at: line 64 column 47"; which
    field held it was not recorded), so they are allowed."""
    return json.loads(layer_information, strict=False) if layer_information else {}


def engine_layers(layer_information: str) -> List[Dict[str, Any]]:
    """The engine inspector's layer entries (DETAILED verbosity JSON); ``[]`` if none were recorded."""
    return [layer for layer in information(layer_information).get("Layers", []) if isinstance(layer, dict)]


def tactic_names(layer_information: str) -> Dict[str, str]:
    """``{layer name: tactic name}`` from the engine inspector's JSON (DETAILED verbosity)."""
    return {layer["Name"]: layer.get("TacticName", "") for layer in engine_layers(layer_information)}


def kernel_name(entry: Dict[str, Any]) -> str:
    """An engine layer's kernel: its tactic name, else its layer type and tactic value (the inspector names no
    tactic for some engine layers, such as ``CaskGemmDeconvolution``; two of them differ by ``TacticValue``)."""
    return entry.get("TacticName") or f"{entry.get('LayerType', '')} {entry.get('TacticValue', '')}".strip()


def kernel_names(layer_information: str) -> Dict[str, str]:
    """``{layer name: kernel name}`` (:func:`kernel_name`) from the engine inspector's JSON."""
    return {layer["Name"]: kernel_name(layer) for layer in engine_layers(layer_information)}


def used_tf32(layer_information: str, layer_name: str) -> bool:
    """Whether the engine inspector's JSON shows a TF32 tactic for ``layer_name``."""
    return any(layer_name in name and "tf32" in tactic.lower()
               for name, tactic in tactic_names(layer_information).items())


def holding_layer(entries: Iterable[Dict[str, Any]], layer_name: str) -> Optional[Dict[str, Any]]:
    """The engine layer with weights that holds network layer ``layer_name`` (fused names join by ``" + "``)."""
    return next((entry for entry in entries
                 if "Weights" in entry and layer_name in entry.get("Name", "").split(" + ")), None)


def weights_type(entries: Iterable[Dict[str, Any]], layer_name: str) -> Optional[str]:
    """The type of the weights (``Int8``, ``Float``, ...) of the engine layer holding ``layer_name``, if recorded."""
    entry = holding_layer(entries, layer_name)
    return entry["Weights"].get("Type") if entry else None


def kernel_quantize_dropped(entries: Iterable[Dict[str, Any]], layer_name: str) -> bool:
    """Whether TensorRT computed ``layer_name`` with its kernel as given, without the kernel's Q/DQ pair.

    Measured on TensorRT 8.6.0 (engine inspector): a deconvolution whose input and kernel
    both pass through Q/DQ runs an INT8 tactic (``i8f32_i8i32``) with weights of type
    ``Int8`` only when it is a one-group 2-D layer. Otherwise it runs an FP32 tactic and the
    constant, quantize and dequantize of the kernel are fused into weights of type ``Float``
    that hold the kernel unquantized; the input's pair stays.
    """
    return weights_type(entries, layer_name) == "Float"


def precision_of(entries: Iterable[Dict[str, Any]], layer_name: str, settings: Dict[str, Any]) -> str:
    """``int8``, ``tf32``, ``fp16`` or ``fp32``: the precision whose error bound holds the engine layer of ``layer_name``.

    A tactic named ``tf32`` computes in TF32. With TF32 allowed, an engine layer whose tactic
    the inspector does not name (``CaskGemmDeconvolution``) may compute in TF32 too: measured on
    TensorRT 8.6.0, ``plot_27_autotuner``'s dynamic layer built twice with such a kernel exceeds
    the FP32 bound and meets the TF32 one (the claim ``autotuner.fresh_builds`` reports both
    ratios), so such a layer is held to the TF32 bound.
    """
    entry = holding_layer(entries, layer_name)
    if entry is None:
        return "fp32"
    tactic = entry.get("TacticName", "").lower()
    formats = " ".join(tensor.get("Format/Datatype", "") for key in ("Inputs", "Outputs")
                       for tensor in entry.get(key, []))
    if entry["Weights"].get("Type") == "Int8":
        return "int8"
    if settings.get("tf32") and ("tf32" in tactic or not tactic):
        return "tf32"
    if settings.get("fp16") and ("f16" in tactic or "FP16" in formats or "Half" in formats):
        return "fp16"
    return "fp32"
