"""Recompute a recorded TensorRT run with the reference model and measure the difference.

A recording stores the network as TensorRT described it (:mod:`network_description`),
so the run can be replayed layer by layer: inputs, constants, INT8 quantize/dequantize
and deconvolutions. Each output gets the reference value, the tolerance bound
(:mod:`tolerance`) for the precision TensorRT used, and the worst error/bound ratio.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict

import numpy as np

from . import reference, tolerance
from .attributes import RESOLVED_ATTRIBUTES, resolve
from .tensors import decode

class UnsupportedLayer(ValueError):
    """The recording has a layer type the reference model does not implement."""


@dataclass
class Replayed:
    """One output tensor of a replayed run."""

    recorded: np.ndarray
    reference: np.ndarray
    absolute_terms: np.ndarray
    term_counts: np.ndarray
    precision: str

    @property
    def worst_ratio(self) -> float:
        """max |recorded - reference| / bound (<= 1 means TensorRT agrees)."""
        return tolerance.worst_ratio(self.recorded, self.reference, self.absolute_terms, self.term_counts, self.precision)


def tactic_names(layer_information: str) -> Dict[str, str]:
    """``{layer name: tactic name}`` from the engine inspector's JSON (DETAILED verbosity)."""
    if not layer_information:
        return {}
    return {layer["Name"]: layer.get("TacticName", "")
            for layer in json.loads(layer_information).get("Layers", []) if isinstance(layer, dict)}


def used_tf32(layer_information: str, layer_name: str) -> bool:
    """Whether the engine inspector's JSON shows a TF32 tactic for ``layer_name``."""
    return any(layer_name in name and "tf32" in tactic.lower()
               for name, tactic in tactic_names(layer_information).items())


def layer_from_attributes(attributes: Dict[str, Any]):
    """The resolved layer for recorded DECONVOLUTION attributes (pre/post padding as TensorRT reports them)."""
    return resolve(**{name: attributes[name] for name in RESOLVED_ATTRIBUTES})


def replay(run: Dict[str, Any]) -> Dict[str, Replayed]:
    """Replay one recorded run; returns every network output by tensor name."""
    values = {name: decode(array).astype(np.float64) for name, array in run["inputs"].items()}
    terms = {name: np.abs(value) for name, value in values.items()}
    counts = {name: np.ones(value.shape) for name, value in values.items()}
    precisions: Dict[str, str] = {}
    settings = run.get("settings", {})
    for layer in run["network"]["layers"]:
        kind, attributes, ins, out = layer["type"], layer.get("attributes", {}), layer["inputs"], layer["outputs"][0]
        if kind == "CONSTANT":
            values[out] = decode(attributes["weights"]).astype(np.float64).reshape(attributes["shape"])
            terms[out] = np.abs(values[out])
        elif kind == "QUANTIZE":  # the int8 values q = clamp(round(x / scale))
            scale = float(values[ins[1]].reshape(-1)[0])
            values[out] = reference.quantize_dequantize(values[ins[0]], scale) / scale
            terms[out] = np.abs(values[out])
        elif kind == "DEQUANTIZE":
            values[out] = values[ins[0]] * float(values[ins[1]].reshape(-1)[0])
            terms[out] = np.abs(values[out])
        elif kind == "DECONVOLUTION":
            deconvolution = layer_from_attributes(attributes)
            kernel = values[ins[1]] if len(ins) > 1 and ins[1] else decode(attributes["kernel"])
            bias = values[ins[2]] if len(ins) > 2 and ins[2] else decode(attributes["bias"])
            values[out] = reference.deconvolve(values[ins[0]], kernel, bias, deconvolution)
            terms[out] = reference.absolute_terms(values[ins[0]], kernel, bias, deconvolution)
            counts[out] = reference.term_counts(values[ins[0]].shape, deconvolution)
            tf32 = settings.get("tf32") and used_tf32(run.get("engine", {}).get("layers", ""), layer["name"])
            precisions[out] = "tf32" if tf32 else "fp32"
        else:
            raise UnsupportedLayer(f"layer {layer['name']!r} has type {kind}, which the reference model does not replay")
        counts.setdefault(out, np.ones(values[out].shape))
    return {
        name: Replayed(decode(array).astype(np.float64), values[name], terms[name], counts[name],
                       precisions.get(name, "fp32"))
        for name, array in run["outputs"].items()
    }
