"""Recompute a recorded TensorRT run with the reference model and measure the difference.

A recording stores the network as TensorRT described it (:mod:`~trtdeconv_docs.trt.network_description`)
and the network calls the example made (:mod:`~trtdeconv_docs.cassette.call_log`), so the run can be recomputed
layer by layer, in dependency order: inputs, constants, quantize/dequantize (one scale or
one per channel along ``axis``), deconvolutions, and the few other layers the examples
use (shuffle, padding, element-wise sum, nearest resize, stride-1 convolution), whose
parameters are read from the logged calls. Each output gets the reference value, the
tolerance bound (:mod:`~trtdeconv_docs.layer.tolerance`) for the precision TensorRT used, and the worst
error/bound ratio.

What TensorRT computed is read from the engine inspector's record of the engine layer
holding a deconvolution (:mod:`trtdeconv_docs.trt.inspector`): ``tf32`` or ``fp16`` tactics and formats set the precision, and
weights of type ``Float`` behind a kernel quantize/dequantize pair mean TensorRT fused the
pair away and used the kernel as given (:func:`~trtdeconv_docs.trt.inspector.kernel_quantize_dropped`, the rule the
conformance checks use too).

Arrays recorded by digest only (large inputs and weights) are taken from ``known``
arrays with the same sha256 (arrays recorded in full elsewhere in the same recording, or
rebuilt by the caller); a run that still lacks one, or that TensorRT refused, raises
:class:`NotRecomputable`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional

import numpy as np

from ..layer import reference, tolerance
from ..layer.attributes import RESOLVED_ATTRIBUTES, resolve
from ..trt.inspector import engine_layers, kernel_quantize_dropped, precision_of
from .tensors import decode


class UnsupportedLayer(ValueError):
    """The recording has a layer type (or setting) the reference model does not implement."""


class NotRecomputable(LookupError):
    """The run cannot be recomputed from what was recorded: refused, or an array kept by digest only."""


@dataclass
class Recomputed:
    """One output tensor of a recomputed run."""

    recorded: np.ndarray
    reference: np.ndarray
    absolute_terms: np.ndarray
    term_counts: np.ndarray
    precision: str

    @property
    def worst_ratio(self) -> float:
        """``max(abs(recorded - reference) / bound)`` (<= 1 means TensorRT agrees)."""
        return tolerance.worst_ratio(self.recorded, self.reference, self.absolute_terms, self.term_counts, self.precision)


def layer_from_attributes(attributes: Dict[str, Any]):
    """The resolved layer for recorded DECONVOLUTION attributes (pre/post padding as TensorRT reports them)."""
    return resolve(**{name: attributes[name] for name in RESOLVED_ATTRIBUTES})


def by_digest(arrays: Iterable[np.ndarray]) -> Dict[str, np.ndarray]:
    """``{sha256: flat array}`` of ``arrays`` (arrays a recording kept by digest only, rebuilt by the caller)."""
    contiguous = [np.ascontiguousarray(a) for a in arrays]
    return {hashlib.sha256(a.tobytes()).hexdigest(): a.reshape(-1) for a in contiguous}


def known_arrays(document: Dict[str, Any]) -> Dict[str, np.ndarray]:
    """``{sha256: flat array}`` of every array a recording holds in full (inputs, weights, outputs)."""
    found: Dict[str, np.ndarray] = {}

    def walk(node):
        if isinstance(node, dict):
            if "values" in node and "dtype" in node and "shape" in node:
                found.update(by_digest([decode(node)]))
            else:
                for value in node.values():
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    return found


def array_of(data: Dict[str, Any], known: Dict[str, np.ndarray], what: str) -> np.ndarray:
    """A recorded array: its values, or the known array with its digest; else :class:`NotRecomputable`."""
    if "values" in data:
        return decode(data)
    found = known.get(data["sha256"])
    if found is None or found.dtype.name != data["dtype"] or found.size != int(np.prod(data["shape"])):
        raise NotRecomputable(f"{what} was recorded by digest only (sha256 {data['sha256'][:12]}...) "
                              f"and no array with that digest is known")
    return found.reshape(data["shape"])


def logged_layers(calls: Optional[List[Dict[str, Any]]]) -> List[Dict[str, Any]]:
    """Per layer, in creation order: its creating network call and the attributes set on it afterwards."""
    layers, by_handle = [], {}
    for entry in calls or []:
        if entry.get("on") == "network" and str(entry.get("returns", "")).startswith("l"):
            by_handle[entry["returns"]] = {"call": entry, "set": {}}
            layers.append(by_handle[entry["returns"]])
        elif "set" in entry and entry.get("on") in by_handle:
            by_handle[entry["on"]]["set"][entry["set"]] = entry["value"]
    return layers


CREATING_CALL = {"SHUFFLE": "add_shuffle", "PADDING": "add_padding_nd", "ELEMENTWISE": "add_elementwise",
                 "RESIZE": "add_resize", "CONVOLUTION": "add_convolution_nd"}
"""The network call that creates each layer type recomputed from the call log."""


def _along(scale: np.ndarray, axis: int, ndim: int) -> np.ndarray:
    """A per-channel scale shaped to broadcast along ``axis`` of an ``ndim``-dimensional tensor."""
    shape = [1] * ndim
    shape[axis] = scale.size
    return scale.reshape(shape)


def _quantized(x: np.ndarray, scale: np.ndarray, axis: int) -> np.ndarray:
    """The int8 values ``clamp(round(x / scale))`` of TensorRT's IQuantizeLayer (one scale, or one per channel)."""
    if scale.size == 1:
        return reference.quantize_dequantize(x, float(scale.reshape(-1)[0])) / float(scale.reshape(-1)[0])
    slices = [reference.quantize_dequantize(np.take(x, [i], axis=axis), s) / s for i, s in enumerate(scale.reshape(-1))]
    return np.concatenate(slices, axis=axis)


def _dequantized(q: np.ndarray, scale: np.ndarray, axis: int) -> np.ndarray:
    return q * (float(scale.reshape(-1)[0]) if scale.size == 1 else _along(scale.reshape(-1), axis, q.ndim))


def _reshaped(shape, dims) -> List[int]:
    """TensorRT's reshape dimensions: ``0`` copies the input's dimension, ``-1`` is inferred."""
    return [shape[i] if d == 0 else d for i, d in enumerate(dims)]


class _Recomputation:
    """The state of one recomputation: values, absolute terms and term counts by tensor name."""

    def __init__(self, run: Dict[str, Any], known: Dict[str, np.ndarray]):
        self.run, self.known = run, known
        self.values = {name: array_of(data, known, f"input {name!r}").astype(np.float64)
                       for name, data in run["inputs"].items()}
        self.terms = {name: np.abs(value) for name, value in self.values.items()}
        self.counts = {name: np.ones(value.shape) for name, value in self.values.items()}
        self.before_qdq: Dict[str, np.ndarray] = {}
        self.precisions: Dict[str, str] = {}
        self.engine = engine_layers(run.get("engine", {}).get("layers", ""))

    def set(self, name: str, value: np.ndarray, terms=None, counts=None) -> None:
        self.values[name] = value
        self.terms[name] = np.abs(value) if terms is None else terms
        self.counts[name] = np.ones(value.shape) if counts is None else counts

    def layer(self, layer: Dict[str, Any], logged: Optional[Dict[str, Any]]) -> None:
        """Compute one layer's output from its inputs."""
        kind, attributes, ins, out = layer["type"], layer.get("attributes", {}), layer["inputs"], layer["outputs"][0]
        if kind == "CONSTANT":
            weights = array_of(attributes["weights"], self.known, f"constant {layer['name']!r}")
            self.set(out, weights.astype(np.float64).reshape(attributes["shape"]))
        elif kind in ("QUANTIZE", "DEQUANTIZE"):
            x, scale = self.values[ins[0]], self.values[ins[1]]
            if kind == "QUANTIZE":
                self.before_qdq[out] = x
                self.set(out, _quantized(x, scale, attributes["axis"]))
            else:
                if ins[0] in self.before_qdq:
                    self.before_qdq[out] = self.before_qdq[ins[0]]
                self.set(out, _dequantized(x, scale, attributes["axis"]))
        elif kind == "DECONVOLUTION":
            self.deconvolution(layer, attributes, ins, out)
        elif kind in CREATING_CALL:
            if logged is None or logged["call"]["call"] != CREATING_CALL[kind]:
                raise UnsupportedLayer(f"layer {layer['name']!r} ({kind}): its creating call is not in the call log")
            getattr(self, kind.lower())(ins, out, logged)
        else:
            raise UnsupportedLayer(f"layer {layer['name']!r} has type {kind}, which the reference model does not recompute")

    def deconvolution(self, layer, attributes, ins, out) -> None:
        deconvolution = layer_from_attributes(attributes)
        if len(ins) > 1 and ins[1]:
            dropped = ins[1] in self.before_qdq and kernel_quantize_dropped(self.engine, layer["name"])
            kernel = self.before_qdq[ins[1]] if dropped else self.values[ins[1]]
        else:
            kernel = array_of(attributes["kernel"], self.known, f"kernel of {layer['name']!r}")
        bias = (self.values[ins[2]] if len(ins) > 2 and ins[2]
                else array_of(attributes["bias"], self.known, f"bias of {layer['name']!r}"))
        x = self.values[ins[0]]
        self.set(out, reference.deconvolve(x, kernel, bias, deconvolution),
                 reference.absolute_terms(x, kernel, bias, deconvolution),
                 reference.term_counts(x.shape, deconvolution))
        self.precisions[out] = precision_of(self.engine, layer["name"], self.run.get("settings", {}))

    def _unsupported_settings(self, logged, allowed) -> None:
        extra = sorted(set(logged["set"]) - set(allowed) - {"name"})
        if extra:
            raise UnsupportedLayer(f"{logged['call']['call']}: the recompute does not model {', '.join(extra)}")

    def shuffle(self, ins, out, logged) -> None:
        self._unsupported_settings(logged, {"reshape_dims"})
        source = ins[0]
        dims = _reshaped(self.values[source].shape, logged["set"]["reshape_dims"])
        self.set(out, self.values[source].reshape(dims), self.terms[source].reshape(dims),
                 self.counts[source].reshape(dims))

    def padding(self, ins, out, logged) -> None:
        self._unsupported_settings(logged, ())
        _, pre, post = logged["call"]["args"]
        source = ins[0]

        def pad(array):
            spatial = array.ndim - len(pre)
            grown = np.pad(array, [(0, 0)] * spatial + [(max(a, 0), max(b, 0)) for a, b in zip(pre, post)])
            crop = tuple([slice(None)] * spatial + [slice(max(-a, 0), grown.shape[spatial + i] - max(-b, 0))
                                                   for i, (a, b) in enumerate(zip(pre, post))])
            return grown[crop]

        self.set(out, pad(self.values[source]), pad(self.terms[source]), pad(self.counts[source]))

    def elementwise(self, ins, out, logged) -> None:
        self._unsupported_settings(logged, ())
        operation = logged["call"]["args"][2]["enum"].rsplit(".", 1)[-1]
        if operation != "SUM":
            raise UnsupportedLayer(f"add_elementwise: the recompute models SUM only, not {operation}")
        a, b = ins
        value = self.values[a] + self.values[b]
        self.set(out, value, np.broadcast_to(self.terms[a] + self.terms[b], value.shape).copy(),
                 np.broadcast_to(self.counts[a] + self.counts[b], value.shape).copy())

    def resize(self, ins, out, logged) -> None:
        self._unsupported_settings(logged, {"scales", "resize_mode"})
        mode = logged["set"].get("resize_mode", {}).get("enum", "")
        scales = logged["set"].get("scales", [])
        if not mode.endswith("NEAREST") or any(float(s) != int(s) or s < 1 for s in scales):
            raise UnsupportedLayer(f"add_resize: the recompute models NEAREST with whole scales only, not {mode} {scales}")

        def repeat(array):
            for axis, factor in enumerate(scales):
                array = np.repeat(array, int(factor), axis=axis)
            return array

        self.set(out, *(repeat(getattr(self, name)[ins[0]]) for name in ("values", "terms", "counts")))

    def convolution(self, ins, out, logged) -> None:
        """A stride-1 convolution is a deconvolution with the kernel's channel axes swapped and taps reversed."""
        self._unsupported_settings(logged, {"padding_nd"})
        _, num_output_maps, kernel_size, kernel_digest, bias_digest = logged["call"]["args"]
        kernel = array_of(kernel_digest["array"], self.known, "convolution kernel")
        bias = array_of(bias_digest["array"], self.known, "convolution bias")
        channels = self.values[ins[0]].shape[1]
        kernel = kernel.reshape([num_output_maps, channels] + list(kernel_size)).swapaxes(0, 1)
        kernel = np.flip(kernel, axis=tuple(range(2, kernel.ndim)))
        padding = logged["set"].get("padding_nd", [0] * len(kernel_size))
        crop = [k - 1 - p for k, p in zip(kernel_size, padding)]
        deconvolution = resolve(num_output_maps=num_output_maps, kernel_size_nd=tuple(kernel_size),
                                pre_padding=tuple(crop), post_padding=tuple(crop))
        x = self.values[ins[0]]
        self.set(out, reference.deconvolve(x, kernel, bias, deconvolution),
                 reference.absolute_terms(x, kernel, bias, deconvolution),
                 reference.term_counts(x.shape, deconvolution))


def recompute(run: Dict[str, Any], known: Optional[Dict[str, np.ndarray]] = None) -> Dict[str, Recomputed]:
    """Replay one recorded run; returns every network output by tensor name.

    ``known``: arrays by sha256 for what the recording kept by digest only (see
    :func:`known_arrays`). Raises :class:`NotRecomputable` for a refused run or a missing
    array, :class:`UnsupportedLayer` for a layer the reference model does not compute.
    """
    if "refused" in run or "outputs" not in run:
        raise NotRecomputable(f"run {run['label']!r}: TensorRT refused the network; there is no output to recompute")
    state = _Recomputation(run, known or {})
    layers = run["network"]["layers"]
    logged = logged_layers(run.get("calls"))
    pending = [(layer, logged[index] if index < len(logged) else None) for index, layer in enumerate(layers)]
    while pending:  # layers in dependency order (a kernel's Q/DQ may be added after its deconvolution)
        ready = [(layer, log) for layer, log in pending
                 if all(name is None or name in state.values for name in layer["inputs"])]
        if not ready:
            raise UnsupportedLayer(f"run {run['label']!r}: layers {[layer['name'] for layer, _ in pending]} "
                                   f"wait on tensors no layer makes")
        for layer, log in ready:
            state.layer(layer, log)
        pending = [(layer, log) for layer, log in pending if layer["outputs"][0] not in state.values]
    return {
        name: Recomputed(decode(array).astype(np.float64), state.values[name], state.terms[name], state.counts[name],
                       state.precisions.get(name, "fp32"))
        for name, array in run["outputs"].items()
    }
