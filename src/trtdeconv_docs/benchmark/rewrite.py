"""Replace a deconvolution in your own TensorRT network by the equivalent formulation the guide measured fastest.

Usage, on a network you built or parsed (TensorRT 8.6, 10 or 11)::

    import tensorrt as trt
    from trtdeconv_docs.benchmark.rewrite import rewrite_deconvolution

    layer = ...  # an IDeconvolutionLayer of `network`, with constant kernel and bias and a static input shape
    output = rewrite_deconvolution(trt, network, layer)           # the guide's choice for the layer's family
    output = rewrite_deconvolution(trt, network, layer, "subpixel")  # or a formulation you name

The new layers (a convolution, or one per phase, two shuffles and a slice when needed:
:mod:`.formulations`; or the zero-insertion convolution of ``benchmark.upsampling``) compute exactly the deconvolution (proven on CPU against the float64
reference model by the tests, and on the GPU against the deconvolution's own output by the
benchmark recording); every layer that read the deconvolution's output reads theirs, a network
output moves to them under the same name, and the deconvolution is left without consumers, so
the builder drops it. :data:`RECOMMENDED` is what the recording measured per layer family; where
it is ``"deconvolution"``, the guide found no faster equivalent and the call changes nothing.
"""

from __future__ import annotations

from typing import Dict, Optional

import numpy as np

from ..layer.attributes import resolve
from . import formulations, trt_layers, upsampling
from .workloads import family_of

RECOMMENDED: Dict[str, str] = {
    "dense_k_eq_s": "deconvolution", "dense_k_2s": "deconvolution", "k3_s2_op1": "deconvolution",
    "depthwise": "subpixel", "large_stride_head": "deconvolution", "3d": "deconvolution", "1d": "deconvolution",
}
"""Per layer family (``benchmark.workloads.FAMILIES``), the formulation the recording measured fastest in FP16 (in FP32
where no FP16 row of the family ran FP16 kernels), a winner only with disjoint interquartile ranges;
``tests/test_benchmark_rewrite.py`` fails when the recording disagrees."""


REWRITES = formulations.FORMULATIONS + ("zero_insertion",)
"""What :func:`rewrite_deconvolution` can put in a deconvolution's place: the exact equivalents (the resize
formulations of ``benchmark.upsampling`` are not exactly the deconvolution and never a rewrite)."""

_KEEP: Dict[int, list] = {}
"""The new layers' weights, kept alive until the engine is built (TensorRT reads them then), per network."""


class RewriteError(ValueError):
    """The layer cannot be rewritten; the message says why in one line."""


def _array(weights) -> Optional[np.ndarray]:
    values = weights.numpy() if hasattr(weights, "numpy") else None
    return None if values is None or np.size(values) == 0 else np.asarray(values, np.float32)


def _layer_attributes(layer):
    names = ("num_output_maps", "kernel_size_nd", "stride_nd", "pre_padding", "post_padding", "num_groups",
             "dilation_nd")
    values = {name: getattr(layer, name) for name in names if hasattr(layer, name)}
    return resolve(**{k: tuple(v) if not isinstance(v, int) else v for k, v in values.items()})


def rewrite_deconvolution(trt, network, layer, formulation: Optional[str] = None):
    """Add ``formulation`` of ``layer`` (an ``IDeconvolutionLayer`` of ``network``) and rewire its consumers.

    ``formulation``: ``None`` for :data:`RECOMMENDED` of the layer's family, else one of :data:`REWRITES`. Returns the tensor that now carries the layer's output (the
    layer's own output when nothing was rewritten). Raises :class:`RewriteError` for a kernel or
    bias given as a tensor (``set_input``), a dynamic input shape, or a formulation that cannot
    express the layer.
    """
    attributes = _layer_attributes(layer)
    chosen = formulation or RECOMMENDED[family_of(attributes)]
    old = layer.get_output(0)
    if chosen == "deconvolution":
        return old
    if chosen not in REWRITES:
        raise RewriteError(f"unknown formulation {chosen!r}; choose one of {', '.join(REWRITES)}")
    if layer.num_inputs > 1 and any(layer.get_input(i) is not None for i in range(1, layer.num_inputs)):
        raise RewriteError(f"layer {layer.name!r}: its kernel or bias is a tensor (set_input); only constant "
                           "weights can be rewritten")
    x = layer.get_input(0)
    shape = tuple(x.shape)
    if any(d < 0 for d in shape):
        raise RewriteError(f"layer {layer.name!r}: input shape {shape} is dynamic; the rewrite needs static shapes")
    kernel = _array(layer.kernel)
    if kernel is None:
        raise RewriteError(f"layer {layer.name!r} has no constant kernel")
    bias = _array(layer.bias)
    try:
        if chosen == "zero_insertion":
            steps = upsampling.zero_insertion_plan(shape, kernel, bias, attributes)
        else:
            steps = formulations.plan_for(chosen, shape, kernel, bias, attributes)
    except formulations.NotApplicable as error:
        raise RewriteError(f"layer {layer.name!r}: {chosen} cannot express it: {error}") from None
    if "EXPLICIT" not in str(getattr(layer, "padding_mode", "EXPLICIT_ROUND_DOWN")):
        raise RewriteError(f"layer {layer.name!r}: padding mode {layer.padding_mode} (SAME_*) is not rewritten; "
                           "give explicit pre/post padding")
    keep = _KEEP.setdefault(id(network), [])

    def weights(kernel):
        keep.append(kernel)
        return trt.Weights(kernel), None
    name = f"{layer.name or 'deconvolution'}/{chosen}"
    if chosen == "zero_insertion":
        dtype = np.float16 if x.dtype == trt.float16 else np.float32
        out = upsampling.add_to_network(trt, network, x, shape, steps, name, weights, keep, dtype)
    else:
        out = trt_layers.add_formulation(trt, network, x, steps, name, weights, keep)
    _rewire(network, old, out)
    return out


def _rewire(network, old, new) -> None:
    """Every input that was ``old`` becomes ``new``; a network output ``old`` is replaced by ``new``, same name."""
    for index in range(network.num_layers):
        consumer = network.get_layer(index)
        for slot in range(consumer.num_inputs):
            if consumer.get_input(slot) is old:
                consumer.set_input(slot, new)
    for index in range(network.num_outputs):
        if network.get_output(index) is old:
            name = old.name
            network.unmark_output(old)
            old.name = f"{name}/replaced"
            new.name = name
            network.mark_output(new)
            return
