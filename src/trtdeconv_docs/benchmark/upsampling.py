"""The depthwise up-sampler's other formulations: zero insertion + convolution, resize, resize + 3x3 convolution.

Beside the sub-pixel family (:mod:`.formulations`), a depthwise deconvolution can be written as

* ``zero_insertion``: the input spread out by the stride with zeros between its elements (a
  reshape, a broadcast multiplication by a one-hot mask of shape ``(1, 1, 1, S, 1, S)`` and a
  reshape), then a stride-1 convolution with the spatially flipped kernel (depthwise: groups = C),
  padded by ``K - 1 - pre_padding`` in front and cut to the output at the end. Exactly the
  deconvolution (:func:`evaluate` against the reference model in the tests);
* ``resize``: ``IResizeLayer`` in linear mode with half-pixel coordinates, when the kernel is
  the frozen bilinear kernel (:func:`.workloads.bilinear_kernel`) with ``K = 2S`` and
  ``pre = post = S / 2``. Equal in the interior; the deconvolution reads zeros past the input's
  edge where the resize repeats the edge element, so the first and last ``S / 2`` rows (and
  columns) differ: :func:`border_difference` measures by how much;
* ``resize_conv``: a nearest resize by ``S`` then a 3x3 convolution with the layer's groups, the
  up-sampler that avoids checkerboard artefacts; a different function, so a network using it
  must be retrained (:data:`NOT_EQUIVALENT`): it is timed, never compared as an equivalent.

Each plan is computed here in float64 NumPy (:func:`evaluate`) and added to a TensorRT network by
:func:`add_to_network` (the ``tensorrt`` module passed in; nothing here imports it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional, Tuple

import numpy as np

from ..layer import shapes
from ..layer.attributes import Deconvolution
from .formulations import NotApplicable, convolve

ALTERNATIVES = ("zero_insertion", "resize", "resize_conv")
"""The formulations of this module, in the order the plan builds them."""
NOT_EQUIVALENT = "not equivalent: needs retraining"
"""The label of ``resize_conv`` (its record's ``equivalence``)."""
BORDER_ONLY = "equal except at the border"
"""The label of ``resize`` (its record's ``equivalence``): the interior is checked, the border difference recorded."""
EQUIVALENCE = {"resize": BORDER_ONLY, "resize_conv": NOT_EQUIVALENT}
"""A formulation's ``equivalence`` in its record where it is not exactly the deconvolution (``exact`` otherwise)."""


@dataclass(frozen=True)
class ZeroInsertionPlan:
    """Spread the input by ``stride`` with zeros, then one stride-1 convolution, then (if needed) a slice."""

    stride: Tuple[int, ...]
    kernel: np.ndarray  # (M, C_in / groups, *K), the deconvolution's kernel flipped: TensorRT's convolution layout
    bias: np.ndarray
    pre_padding: Tuple[int, ...]
    post_padding: Tuple[int, ...]
    num_groups: int
    output_shape: Tuple[int, ...]

    def spread_shape(self, input_shape) -> Tuple[int, ...]:
        """The spread input: ``(N, C, *(I * S))`` (each element followed by ``S - 1`` zeros)."""
        return tuple(input_shape[:2]) + tuple(i * s for i, s in zip(input_shape[2:], self.stride))


def zero_insertion_plan(input_shape, kernel, bias, layer: Deconvolution) -> ZeroInsertionPlan:
    """The zero-insertion convolution equal to ``layer``; :class:`NotApplicable` for dilation, an empty output or a
    padding larger than ``K - 1`` (it would need a negative convolution padding)."""
    if any(d != 1 for d in layer.dilation_nd):
        raise NotApplicable(f"dilation_nd={layer.dilation_nd}: zero insertion here covers dilation 1 only")
    before = [b for b, _ in shapes.crop(layer)]
    if any(b > k - 1 for b, k in zip(before, layer.kernel_size_nd)):
        raise NotApplicable(f"leading crop {before} > kernel - 1: the convolution would need negative padding")
    out = shapes.output_shape(input_shape, layer)
    if 0 in out:
        raise NotApplicable(f"output shape {out}: an empty output has no convolution to compute it")
    groups, channels, rank = layer.num_groups, input_shape[1], layer.spatial_rank
    c_group, m_group = channels // groups, layer.num_output_maps // groups
    grouped = np.asarray(kernel, np.float64).reshape((groups, c_group, m_group) + layer.kernel_size_nd)
    flipped = grouped[(slice(None),) * 3 + (slice(None, None, -1),) * rank]
    conv = flipped.transpose((0, 2, 1) + tuple(range(3, 3 + rank))).reshape(
        (layer.num_output_maps, c_group) + layer.kernel_size_nd)
    pre = tuple(k - 1 - b for k, b in zip(layer.kernel_size_nd, before))
    post = tuple(max(o - i * s - p + k - 1, 0) for o, i, s, p, k in
                 zip(out[2:], input_shape[2:], layer.stride_nd, pre, layer.kernel_size_nd))
    bias = np.zeros(layer.num_output_maps) if bias is None else np.asarray(bias, np.float64).reshape(-1)
    return ZeroInsertionPlan(tuple(layer.stride_nd), conv, bias, pre, post, groups, tuple(out))


def spread(x, stride) -> np.ndarray:
    """``x`` with ``S - 1`` zeros after each element along every spatial dimension (float64)."""
    x = np.asarray(x, np.float64)
    result = np.zeros(x.shape[:2] + tuple(i * s for i, s in zip(x.shape[2:], stride)))
    result[(slice(None), slice(None)) + tuple(slice(None, None, s) for s in stride)] = x
    return result


@dataclass(frozen=True)
class ResizePlan:
    """A resize by ``stride`` (``linear``: half-pixel bilinear; ``nearest``), then for ``resize_conv`` a 3x3
    convolution (``kernel`` not ``None``)."""

    mode: str
    stride: Tuple[int, ...]
    output_shape: Tuple[int, ...]
    border: Tuple[int, ...]  # rows per side where ``linear`` differs from the deconvolution (0 for resize_conv)
    kernel: Optional[np.ndarray] = None
    bias: Optional[np.ndarray] = None
    num_groups: int = 1


def is_bilinear(kernel, layer: Deconvolution) -> bool:
    """Whether every group's kernel is the frozen bilinear kernel of its size (depthwise, one map per group)."""
    from .workloads import bilinear_kernel
    kernel = np.asarray(kernel)
    return (layer.num_groups == layer.num_output_maps == kernel.shape[0] and kernel.shape[1] == 1
            and np.array_equal(kernel, np.broadcast_to(bilinear_kernel(layer.kernel_size_nd), kernel.shape)))


def _upsampler_reason(input_shape, layer: Deconvolution) -> Optional[str]:
    """Why ``layer`` is not the up-sampler ``k = 2s, pre = post = s / 2`` (s even) that a resize can stand for."""
    if any(d != 1 for d in layer.dilation_nd):
        return f"dilation_nd={layer.dilation_nd}"
    for k, s, pre, post in zip(layer.kernel_size_nd, layer.stride_nd, layer.pre_padding, layer.post_padding):
        if s % 2 or k != 2 * s or pre != post or pre != s // 2:
            return f"kernel {layer.kernel_size_nd}, stride {layer.stride_nd}, padding {layer.pre_padding}/" \
                   f"{layer.post_padding}: not an up-sampler k = 2s, p = s / 2 with s even"
    out = shapes.output_shape(input_shape, layer)
    if tuple(out[2:]) != tuple(i * s for i, s in zip(input_shape[2:], layer.stride_nd)):
        return f"output {out} is not the input times the stride"
    return None


def resize_plan(input_shape, kernel, bias, layer: Deconvolution) -> ResizePlan:
    """The bilinear resize that equals ``layer`` away from the border; :class:`NotApplicable` unless the kernel
    is the frozen bilinear one, the layer the up-sampler ``k = 2s, p = s / 2`` and the bias zero."""
    reason = _upsampler_reason(input_shape, layer)
    if reason is None and not is_bilinear(kernel, layer):
        reason = "the kernel is not the frozen bilinear kernel in every channel (depthwise)"
    if reason is None and bias is not None and np.any(np.asarray(bias) != 0):
        reason = "the layer has a bias (the bilinear up-samplers have none)"
    if reason:
        raise NotApplicable(reason)
    return ResizePlan("linear", tuple(layer.stride_nd), tuple(shapes.output_shape(input_shape, layer)),
                      tuple(s // 2 for s in layer.stride_nd))


RESIZE_CONV_SEED = 1
"""The seed of ``resize_conv``'s 3x3 kernel and bias (a different function: its weights would be retrained)."""


def resize_conv_plan(input_shape, kernel, bias, layer: Deconvolution) -> ResizePlan:
    """A nearest resize by the stride and a 3x3 convolution (padding 1, the layer's groups) to the layer's output
    shape; :class:`NotApplicable` where the output is not the input times the stride."""
    out = shapes.output_shape(input_shape, layer)
    if tuple(out[2:]) != tuple(i * s for i, s in zip(input_shape[2:], layer.stride_nd)):
        raise NotApplicable(f"output {out} is not the input times the stride")
    rng = np.random.default_rng(RESIZE_CONV_SEED)
    c_group, rank = input_shape[1] // layer.num_groups, layer.spatial_rank
    fan_in = c_group * 3 ** rank
    conv = rng.uniform(-1, 1, (layer.num_output_maps, c_group) + (3,) * rank) / np.sqrt(fan_in)
    return ResizePlan("nearest", tuple(layer.stride_nd), tuple(out), (0,) * rank, conv.astype(np.float32),
                      rng.uniform(-1, 1, layer.num_output_maps).astype(np.float32), layer.num_groups)


PLANS = {"zero_insertion": zero_insertion_plan, "resize": resize_plan, "resize_conv": resize_conv_plan}


def plan_for(formulation: str, input_shape, kernel, bias, layer: Deconvolution):
    """The plan of one of :data:`ALTERNATIVES`."""
    if formulation not in PLANS:
        raise ValueError(f"{formulation!r} is not one of {ALTERNATIVES}")
    return PLANS[formulation](input_shape, kernel, bias, layer)


def not_applicable(formulation: str, workload) -> Optional[str]:
    """Why ``formulation`` is not benchmarked for ``workload`` (a :class:`.workloads.Workload`); ``None`` when it is.

    All three are the depthwise family's alternatives; ``resize`` needs the frozen bilinear kernel.
    """
    layer = workload.layer
    if layer.num_groups == 1 or layer.num_groups != layer.num_output_maps or layer.num_groups != workload.input_shape[1]:
        return "benchmarked for depthwise layers (groups = input channels = output maps) only"
    if formulation == "resize" and workload.weights != "bilinear":
        return "the kernel is not the frozen bilinear kernel"
    kernel = np.zeros(workload.kernel_shape) if formulation != "resize" else workload.arrays()["kernel"]
    try:
        plan_for(formulation, workload.input_shape, kernel, None, layer)
    except NotApplicable as error:
        return str(error)
    return None


def _resize_axis(x, axis: int, stride: int, mode: str) -> np.ndarray:
    size = x.shape[axis]
    out = np.arange(size * stride)
    if mode == "nearest":
        return np.take(x, out // stride, axis=axis)
    source = (out + 0.5) / stride - 0.5  # half-pixel coordinates; indices past the edge clamp to it
    low = np.floor(source).astype(int)
    fraction = (source - low).reshape((-1,) + (1,) * (x.ndim - axis - 1))
    first = np.take(x, np.clip(low, 0, size - 1), axis=axis)
    second = np.take(x, np.clip(low + 1, 0, size - 1), axis=axis)
    return first * (1 - fraction) + second * fraction


def resize(x, stride, mode: str) -> np.ndarray:
    """A resize by ``stride`` per spatial dimension in float64 (``linear``: half-pixel; ``nearest``: floor)."""
    y = np.asarray(x, np.float64)
    for axis, s in enumerate(stride, start=2):
        y = _resize_axis(y, axis, s, mode)
    return y


def evaluate(plan, x) -> np.ndarray:
    """Run a plan of this module on ``x`` in float64."""
    if isinstance(plan, ZeroInsertionPlan):
        y = convolve(spread(x, plan.stride), plan.kernel, plan.bias, plan.pre_padding, plan.post_padding,
                     plan.num_groups)
        return y[(slice(None), slice(None)) + tuple(slice(0, o) for o in plan.output_shape[2:])]
    y = resize(x, plan.stride, plan.mode)
    if plan.kernel is None:
        return y
    rank = len(plan.stride)
    return convolve(y, plan.kernel, plan.bias, (1,) * rank, (1,) * rank, plan.num_groups)


def interior(array, border) -> np.ndarray:
    """``array`` (``N, C, *spatial``) without ``border`` elements at both ends of each spatial dimension."""
    return np.asarray(array)[(slice(None), slice(None)) + tuple(slice(b, n - b) for b, n in zip(border, np.shape(array)[2:]))]


def border_difference(got, expected, border) -> float:
    """The largest ``|got - expected|`` outside :func:`interior` (0 without a border)."""
    difference = np.abs(np.asarray(got, np.float64) - np.asarray(expected, np.float64))
    outside = np.ones(difference.shape, dtype=bool)
    outside[(slice(None), slice(None)) + tuple(slice(b, n - b) for b, n in zip(border, difference.shape[2:]))] = False
    return float(difference[outside].max(initial=0.0))


def add_to_network(trt, network, x, input_shape, plan, name: str, weights: Callable, keep: list, dtype=np.float32):
    """Add a plan's layers to a TensorRT ``network`` on ``x`` (of the static ``input_shape``); the output tensor.

    ``weights`` turns a float32 kernel into ``(trt.Weights, kernel tensor or None)``, as for
    :func:`.trt_layers.add_formulation`; ``dtype`` is ``x``'s (the zero-insertion mask is a constant of that type:
    an element-wise layer takes two inputs of one type). The resize uses ``IResizeLayer`` with ``scales``; its mode
    and coordinate transformation are set by name (``InterpolationMode`` from TensorRT 8.6 on, the
    older ``ResizeMode`` otherwise).
    """
    shape = tuple(input_shape)
    rank = len(shape) - 2
    if isinstance(plan, ZeroInsertionPlan):
        split = network.add_shuffle(x)
        split.reshape_dims = shape[:2] + tuple(v for i in shape[2:] for v in (i, 1))
        split.name = f"{name}_split"
        mask = np.zeros((1, 1) + tuple(v for s in plan.stride for v in (1, s)), dtype)
        mask[(0, 0) + (0,) * (2 * rank)] = 1.0
        keep.append(mask)
        constant = network.add_constant(mask.shape, trt.Weights(mask))
        constant.name = f"{name}_mask"
        product = network.add_elementwise(split.get_output(0), constant.get_output(0), trt.ElementWiseOperation.PROD)
        product.name = f"{name}_spread"
        merged = network.add_shuffle(product.get_output(0))
        merged.reshape_dims = plan.spread_shape(shape)
        merged.name = f"{name}_merge"
        return _convolution(trt, network, merged.get_output(0), plan.spread_shape(shape), plan.kernel, plan.bias,
                            plan.pre_padding, plan.post_padding, plan.num_groups, name, weights, keep,
                            plan.output_shape)
    layer = network.add_resize(x)
    layer.scales = [1.0, 1.0] + [float(s) for s in plan.stride]
    modes = getattr(trt, "InterpolationMode", None) or getattr(trt, "ResizeMode")
    layer.resize_mode = getattr(modes, plan.mode.upper())
    layer.coordinate_transformation = trt.ResizeCoordinateTransformation.HALF_PIXEL
    if plan.mode == "nearest":
        layer.nearest_rounding = trt.ResizeRoundMode.FLOOR
    layer.name = f"{name}_resize"
    out = layer.get_output(0)
    if plan.kernel is None:
        return out
    resized = shape[:2] + tuple(i * s for i, s in zip(shape[2:], plan.stride))
    return _convolution(trt, network, out, resized, plan.kernel, plan.bias, (1,) * rank, (1,) * rank,
                        plan.num_groups, name, weights, keep, plan.output_shape)


def _convolution(trt, network, x, x_shape, kernel, bias, pre, post, groups, name, weights, keep, output_shape):
    kernel_weights, kernel_tensor = weights(np.ascontiguousarray(kernel, np.float32))
    bias = np.ascontiguousarray(bias, np.float32)
    keep.append(bias)
    layer = network.add_convolution_nd(x, int(kernel.shape[0]), tuple(kernel.shape[2:]), kernel_weights,
                                       trt.Weights(bias))
    layer.pre_padding, layer.post_padding = pre, post
    layer.num_groups = groups
    layer.name = f"{name}_convolution"
    if kernel_tensor is not None:
        layer.set_input(1, kernel_tensor)
    out = layer.get_output(0)
    full = tuple(x_shape[2 + d] + pre[d] + post[d] - kernel.shape[2 + d] + 1 for d in range(len(pre)))
    if full != tuple(output_shape[2:]):
        cut = network.add_slice(out, (0,) * len(output_shape), tuple(output_shape), (1,) * len(output_shape))
        cut.name = f"{name}_cut"
        out = cut.get_output(0)
    return out

