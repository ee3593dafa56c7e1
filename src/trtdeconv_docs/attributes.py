"""The attributes of a TensorRT deconvolution layer, validated as TensorRT validates them.

Names follow ``tensorrt.IDeconvolutionLayer``. :func:`resolve` turns user-given values
(``None`` meaning "TensorRT's default") into a :class:`Deconvolution` with every field
filled in, or raises :class:`DeconvolutionError` naming the offending attribute.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence, Tuple

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
    """A layer that TensorRT refuses to build; the message names the attribute."""


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


def _tuple(name: str, value: Optional[Sequence[int]], rank: int, default: int) -> Tuple[int, ...]:
    if value is None:
        return (default,) * rank
    try:
        values = tuple(int(v) for v in value)
    except (TypeError, ValueError):
        raise DeconvolutionError(f"{name} must be a sequence of integers, got {value!r}") from None
    if any(int(v) != v for v in value):
        raise DeconvolutionError(f"{name} must hold integers, got {tuple(value)!r}")
    if len(values) != rank:
        raise DeconvolutionError(
            f"{name}={values} has {len(values)} dimensions but kernel_size_nd has {rank}"
        )
    return values


def _check_at_least(name: str, values: Tuple[int, ...], low: int) -> None:
    if any(v < low for v in values):
        raise DeconvolutionError(f"{name}={values}: every entry must be >= {low}")


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
    the explicit padding is ignored (the padding mode takes precedence).
    """
    kernel_size = tuple(kernel_size_nd) if kernel_size_nd is not None else ()
    if len(kernel_size) not in (2, 3):
        raise DeconvolutionError(
            f"kernel_size_nd={kernel_size!r} must have 2 (2-D) or 3 (3-D) dimensions"
        )
    rank = len(kernel_size)
    kernel_size = _tuple("kernel_size_nd", kernel_size, rank, 1)
    _check_at_least("kernel_size_nd", kernel_size, 1)
    stride = _tuple("stride_nd", stride_nd, rank, 1)
    _check_at_least("stride_nd", stride, 1)
    dilation = _tuple("dilation_nd", dilation_nd, rank, 1)
    _check_at_least("dilation_nd", dilation, 1)
    padding = _tuple("padding_nd", padding_nd, rank, 0)
    _check_at_least("padding_nd", padding, 0)
    pre = _tuple("pre_padding", pre_padding, rank, 0) if pre_padding is not None else padding
    _check_at_least("pre_padding", pre, 0)
    post = _tuple("post_padding", post_padding, rank, 0) if post_padding is not None else padding
    _check_at_least("post_padding", post, 0)
    if padding_mode not in PADDING_MODES:
        raise DeconvolutionError(
            f"padding_mode={padding_mode!r} is not one of {', '.join(PADDING_MODES)}"
        )
    if int(num_output_maps) != num_output_maps or num_output_maps < 1:
        raise DeconvolutionError(f"num_output_maps={num_output_maps!r} must be an integer >= 1")
    if int(num_groups) != num_groups or num_groups < 1:
        raise DeconvolutionError(f"num_groups={num_groups!r} must be an integer >= 1")
    if num_output_maps % num_groups:
        raise DeconvolutionError(
            f"num_groups={num_groups} does not divide num_output_maps={num_output_maps}"
        )
    return Deconvolution(
        num_output_maps=int(num_output_maps),
        kernel_size_nd=kernel_size,
        stride_nd=stride,
        pre_padding=pre,
        post_padding=post,
        padding_mode=padding_mode,
        dilation_nd=dilation,
        num_groups=int(num_groups),
    )
