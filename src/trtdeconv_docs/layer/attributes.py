"""The attributes of a TensorRT deconvolution layer, validated as TensorRT validates them.

Names follow ``tensorrt.IDeconvolutionLayer``. :func:`resolve` turns user-given values
(``None`` meaning "TensorRT's default") into a :class:`Deconvolution` with every field
filled in, or raises :class:`DeconvolutionError` naming the offending attribute.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence, Tuple

from . import limits

PADDING_MODES = (
    "EXPLICIT_ROUND_DOWN",
    "EXPLICIT_ROUND_UP",
    "SAME_UPPER",
    "SAME_LOWER",
    "CAFFE_ROUND_DOWN",
    "CAFFE_ROUND_UP",
)
"""Every ``trt.PaddingMode`` of TensorRT 8.6 (10.0 removed the two CAFFE modes)."""

DEFAULT_PADDING_MODE = PADDING_MODES[0]
"""TensorRT's default ``padding_mode``: ``EXPLICIT_ROUND_DOWN``."""

EXPLICIT_MODES = tuple(mode for mode in PADDING_MODES if mode.startswith("EXPLICIT_"))
SAME_MODES = tuple(mode for mode in PADDING_MODES if mode.startswith("SAME_"))
CAFFE_MODES = tuple(mode for mode in PADDING_MODES if mode.startswith("CAFFE_"))
TENSORRT_10_PADDING_MODES = tuple(mode for mode in PADDING_MODES if mode not in CAFFE_MODES)
"""The modes TensorRT 8.6 and 10 both have."""

LAYER_ATTRIBUTES = {
    "num_output_maps": "int",
    "kernel_size_nd": "per dimension",
    "stride_nd": "per dimension",
    "padding_nd": "per dimension",
    "pre_padding": "per dimension",
    "post_padding": "per dimension",
    "num_groups": "int",
    "dilation_nd": "per dimension",
    "padding_mode": "PaddingMode",
}
"""The ``IDeconvolutionLayer`` attributes this project covers, in TensorRT's order, with what each holds:
an integer, one integer per spatial dimension, or a ``trt.PaddingMode`` name."""

PER_DIMENSION_ATTRIBUTES = tuple(name for name, kind in LAYER_ATTRIBUTES.items() if kind == "per dimension")
RESOLVED_ATTRIBUTES = tuple(name for name in LAYER_ATTRIBUTES if name != "padding_nd")
"""The fields of a :class:`Deconvolution`: ``padding_nd`` only sets ``pre_padding`` and ``post_padding`` together."""


class DeconvolutionError(ValueError):
    """A layer that TensorRT refuses to build; the message names the attribute.

    ``reason`` is a key of :data:`trtdeconv_docs.layer.limits.REASONS`: what TensorRT's own
    refusal of the same layer says, so that the tests compare reasons, not only verdicts.
    """

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        limits.pattern(reason)  # an unknown reason is a bug here, not a user's error
        self.reason = reason


@dataclass(frozen=True)
class Deconvolution:
    """Fully resolved attributes of one deconvolution layer (no ``None`` fields)."""

    num_output_maps: int
    kernel_size_nd: Tuple[int, ...]
    stride_nd: Tuple[int, ...]
    pre_padding: Tuple[int, ...]
    post_padding: Tuple[int, ...]
    padding_mode: str
    dilation_nd: Tuple[int, ...]
    num_groups: int

    @property
    def spatial_rank(self) -> int:
        """Number of spatial dimensions: 2 or 3."""
        return len(self.kernel_size_nd)

    @property
    def dilated_kernel(self) -> Tuple[int, ...]:
        """``DK = 1 + D * (K - 1)`` per spatial dimension."""
        return tuple(1 + d * (k - 1) for k, d in zip(self.kernel_size_nd, self.dilation_nd))


def _integers(name: str, value: Sequence[int], reason: str) -> Tuple[int, ...]:
    try:
        values = tuple(int(v) for v in value)
    except (TypeError, ValueError):
        raise DeconvolutionError(f"{name} must be a sequence of integers, got {value!r}", reason) from None
    if any(isinstance(v, bool) or int(v) != v for v in value):
        raise DeconvolutionError(f"{name} must hold integers, got {tuple(value)!r}", reason)
    if any(abs(v) > limits.INT32_MAX for v in values):
        raise DeconvolutionError(f"{name}={values}: TensorRT takes 32-bit integers (at most {limits.INT32_MAX})",
                                 "int32")
    return values


SETTER_RANGES = {
    "stride_nd": (1, limits.MAX_STRIDE, "stride"),
    "dilation_nd": (1, limits.MAX_DILATION, "dilation"),
    "padding_nd": (0, limits.MAX_PADDING, "padding"),
    "pre_padding": (0, limits.MAX_PADDING, "padding"),
    "post_padding": (0, limits.MAX_PADDING, "padding"),
}
"""Per-dimension setter: (smallest, largest value TensorRT 8.6 accepts, refusal reason)."""


def check_setter(name: str, value):
    """What TensorRT's setter (or ``add_deconvolution_nd``) checks for one attribute alone.

    Returns the value as integers (a tuple for per-dimension attributes); raises
    :class:`DeconvolutionError` with TensorRT's reason. Checks that relate two
    attributes (dimension counts, groups dividing maps) are :func:`resolve`'s.
    """
    if name in ("num_output_maps", "num_groups"):
        high, reason = ((limits.MAX_OUTPUT_MAPS, "output_maps") if name == "num_output_maps"
                        else (limits.MAX_GROUPS, "groups"))
        (count,) = _integers(name, (value,), reason)
        if not 1 <= count <= high:
            raise DeconvolutionError(f"{name}={count} must be in [1, {high}] (TensorRT 8.6)", reason)
        return count
    if name == "padding_mode":
        if value not in PADDING_MODES:
            raise DeconvolutionError(f"padding_mode={value!r} is not one of {', '.join(PADDING_MODES)}",
                                     "padding_mode")
        return value
    if name == "kernel_size_nd":
        sizes = tuple(value) if value is not None else ()
        if len(sizes) not in (2, 3):
            raise DeconvolutionError(f"kernel_size_nd={sizes!r} must have 2 (2-D) or 3 (3-D) dimensions",
                                     "kernel_rank")
        sizes = _integers(name, sizes, "kernel_size")
        if min(sizes) < 1:
            raise DeconvolutionError(f"kernel_size_nd={sizes}: every entry must be >= 1", "kernel_size")
        volume = 1
        for size in sizes:
            volume *= size
        if volume > limits.max_kernel_volume(len(sizes)):
            raise DeconvolutionError(
                f"kernel_size_nd={sizes}: its volume {volume} is above TensorRT 8.6's "
                f"{limits.max_kernel_volume(len(sizes))} for a {len(sizes)}-D kernel", "kernel_volume")
        return sizes
    low, high, reason = SETTER_RANGES[name]
    values = _integers(name, value, reason)
    if len(values) not in (2, 3):
        raise DeconvolutionError(f"{name}={values} must have 2 or 3 dimensions", reason)
    if any(v < low or v > high for v in values):
        raise DeconvolutionError(f"{name}={values}: every entry must be in [{low}, {high}] (TensorRT 8.6)", reason)
    return values


def _per_dimension(name: str, value, rank: int, default: int) -> Tuple[int, ...]:
    if value is None:
        return (default,) * rank
    values = check_setter(name, value)
    if len(values) != rank:
        raise DeconvolutionError(f"{name}={values} has {len(values)} dimensions but kernel_size_nd has {rank}",
                                 "dimension_count")
    return values


def resolve(
    *,
    num_output_maps: int,
    kernel_size_nd: Sequence[int],
    stride_nd: Optional[Sequence[int]] = None,
    padding_nd: Optional[Sequence[int]] = None,
    pre_padding: Optional[Sequence[int]] = None,
    post_padding: Optional[Sequence[int]] = None,
    padding_mode: str = DEFAULT_PADDING_MODE,
    dilation_nd: Optional[Sequence[int]] = None,
    num_groups: int = 1,
) -> Deconvolution:
    """Fill in TensorRT's defaults and refuse what TensorRT refuses.

    ``padding_nd`` sets pre and post padding together, as TensorRT's setter does; an
    explicit ``pre_padding`` or ``post_padding`` replaces that side. In the SAME modes
    the explicit padding is ignored (the padding mode takes precedence). Each
    attribute is checked as its setter checks it (:func:`check_setter`, in the order
    ``add_deconvolution_nd`` then the setters), then the attributes against each other.
    """
    maps = check_setter("num_output_maps", num_output_maps)
    kernel_size = check_setter("kernel_size_nd", kernel_size_nd)
    rank = len(kernel_size)
    stride = _per_dimension("stride_nd", stride_nd, rank, 1)
    dilation = _per_dimension("dilation_nd", dilation_nd, rank, 1)
    padding = _per_dimension("padding_nd", padding_nd, rank, 0)
    pre = _per_dimension("pre_padding", pre_padding, rank, 0) if pre_padding is not None else padding
    post = _per_dimension("post_padding", post_padding, rank, 0) if post_padding is not None else padding
    padding_mode = check_setter("padding_mode", padding_mode)
    groups = check_setter("num_groups", num_groups)
    if maps % groups:
        raise DeconvolutionError(f"num_groups={groups} does not divide num_output_maps={maps}",
                                 "groups_divide_maps")
    return Deconvolution(
        num_output_maps=maps,
        kernel_size_nd=kernel_size,
        stride_nd=stride,
        pre_padding=pre,
        post_padding=post,
        padding_mode=padding_mode,
        dilation_nd=dilation,
        num_groups=groups,
    )
