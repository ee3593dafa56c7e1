"""How PyTorch's ``ConvTranspose2d/3d`` and ONNX's ``ConvTranspose`` map onto TensorRT's deconvolution.

:func:`from_pytorch` and :func:`from_onnx` translate a layer of either framework into
TensorRT's attribute names (:func:`trtdeconv_docs.layer.attributes.resolve` takes them), or raise
:class:`Inexpressible` saying why no single deconvolution layer computes it. :data:`ROWS`
is the table shown in the documentation; each row carries the cases that
``tests/test_mappings.py`` runs through the reference model and an independent oracle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple

from .attributes import SAME_MODES


class Inexpressible(ValueError):
    """A layer of another framework that no single TensorRT deconvolution layer computes."""


def _tuple(value, rank: int) -> Tuple[int, ...]:
    return tuple(int(v) for v in value) if isinstance(value, (tuple, list)) else (int(value),) * rank


def from_pytorch(rank: int, *, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 output_padding=0, groups: int = 1, dilation=1, padding_mode: str = "zeros") -> Dict[str, Any]:
    """TensorRT attributes of ``torch.nn.ConvTranspose{rank}d(**arguments)``.

    PyTorch's output is ``(I-1)*S - 2*p + D*(K-1) + output_padding + 1``, TensorRT's
    ``(I-1)*S + DK - pre - post``: so ``pre = p`` and ``post = p - output_padding``,
    which TensorRT refuses when negative.
    """
    if rank not in (2, 3):
        raise Inexpressible(f"ConvTranspose{rank}d: TensorRT's deconvolution is 2-D or 3-D only")
    if padding_mode != "zeros" or isinstance(padding, str):
        raise Inexpressible(f"padding={padding!r}, padding_mode={padding_mode!r}: only integer zero padding maps")
    if in_channels % groups:
        raise Inexpressible(f"groups={groups} does not divide in_channels={in_channels}")
    pad, extra = _tuple(padding, rank), _tuple(output_padding, rank)
    post = tuple(p - e for p, e in zip(pad, extra))
    if min(post) < 0:
        raise Inexpressible(f"output_padding={extra} > padding={pad}: would need post_padding={post} < 0")
    return dict(num_output_maps=out_channels, kernel_size_nd=_tuple(kernel_size, rank),
                stride_nd=_tuple(stride, rank), pre_padding=pad, post_padding=post,
                dilation_nd=_tuple(dilation, rank), num_groups=groups)


def output_padding_recipe(rank: int, **arguments) -> Tuple[Dict[str, Any], Tuple[int, ...]]:
    """How to build ``torch.nn.ConvTranspose{rank}d(**arguments)`` when output_padding exceeds padding.

    Returns the deconvolution's attributes, to be used **without bias** (``post_padding`` =
    ``max(p - op, 0)``), and the zeros to append at the end of each spatial dimension
    (``max(op - p, 0)``); the bias is added after that padding, so the appended elements
    hold the bias alone, as in PyTorch.
    """
    pad, extra = _tuple(arguments.get("padding", 0), rank), _tuple(arguments.get("output_padding", 0), rank)
    attributes = from_pytorch(rank, **dict(arguments, output_padding=tuple(min(p, e) for p, e in zip(pad, extra))))
    return attributes, tuple(max(e - p, 0) for p, e in zip(pad, extra))


def from_onnx(attributes: Mapping[str, Any], weight_shape: Sequence[int]) -> Dict[str, Any]:
    """TensorRT attributes of an ONNX ``ConvTranspose`` node with these attributes and weight ``W``'s shape."""
    rank = len(weight_shape) - 2
    if rank not in (2, 3):
        raise Inexpressible(f"{rank}-D ConvTranspose: TensorRT's deconvolution is 2-D or 3-D only")
    kernel = tuple(weight_shape[2:])
    if tuple(attributes.get("kernel_shape", kernel)) != kernel:
        raise Inexpressible(f"kernel_shape={attributes['kernel_shape']} differs from W's {kernel}")
    if "output_shape" in attributes:
        raise Inexpressible("output_shape: derive pads from ONNX's formula and translate those")
    group = int(attributes.get("group", 1))
    stride = tuple(attributes.get("strides", (1,) * rank))
    dilation = tuple(attributes.get("dilations", (1,) * rank))
    output_padding = tuple(attributes.get("output_padding", (0,) * rank))
    common = dict(num_output_maps=weight_shape[1] * group, kernel_size_nd=kernel, stride_nd=stride,
                  dilation_nd=dilation, num_groups=group)
    auto_pad = attributes.get("auto_pad", "NOTSET")
    if auto_pad in SAME_MODES:
        dilated = [1 + d * (k - 1) for k, d in zip(kernel, dilation)]
        if any(output_padding):
            raise Inexpressible(f"auto_pad={auto_pad} with output_padding={output_padding}: not mapped")
        if any(dk < s for dk, s in zip(dilated, stride)):
            raise Inexpressible(f"auto_pad={auto_pad} with DK={tuple(dilated)} and S={stride}: where DK < S, "
                                "ONNX's output has I*S elements, TensorRT's (I-1)*S+DK")
        return dict(common, padding_mode=auto_pad)
    pads = (0,) * 2 * rank if auto_pad == "VALID" else tuple(attributes.get("pads", (0,) * 2 * rank))
    post = tuple(e - op for e, op in zip(pads[rank:], output_padding))
    if min(post) < 0:
        raise Inexpressible(f"pads end {pads[rank:]} - output_padding {output_padding}: "
                            f"would need post_padding={post} < 0")
    return dict(common, pre_padding=pads[:rank], post_padding=post)


@dataclass(frozen=True)
class Case:
    """One layer that the tests run: the framework's attributes and the input's (and ONNX weight's) shape."""

    framework: str  # "pytorch" (arguments of ConvTranspose{2,3}d) or "onnx" (node attributes)
    attributes: Dict[str, Any]
    input_shape: Tuple[int, ...]
    weight_shape: Tuple[int, ...] = ()  # ONNX's W; PyTorch's follows from its arguments
    inexpressible: Optional[str] = None  # a phrase of the Inexpressible message, if it must raise


@dataclass(frozen=True)
class Row:
    """One row of the mapping table."""

    topic: str
    pytorch: str
    onnx: str
    tensorrt: str
    note: str
    cases: Tuple[Case, ...] = field(default=())


def _torch(input_shape, inexpressible: Optional[str] = None, **arguments) -> Case:
    return Case("pytorch", dict(arguments, in_channels=input_shape[1]), tuple(input_shape),
                inexpressible=inexpressible)


def _onnx(input_shape, weight_shape, inexpressible: Optional[str] = None, **attributes) -> Case:
    return Case("onnx", attributes, tuple(input_shape), tuple(weight_shape), inexpressible)


ROWS: Tuple[Row, ...] = (
    Row("权重布局 weight layout",
        "``weight``: ``(in_channels, out_channels/groups, *kernel_size)``",
        "``W``: ``(C, M/group, *kernel_shape)``",
        "``kernel``: ``(C_in, num_output_maps/num_groups, *kernel_size_nd)``",
        "三者布局相同，权重原样传入。",
        (_torch((1, 2, 3, 3), out_channels=3, kernel_size=(2, 3)),
         _onnx((1, 2, 3, 3), (2, 3, 2, 3)),
         _torch((1, 2, 2, 3, 2), out_channels=3, kernel_size=(2, 1, 3)))),
    Row("偏置 bias",
        "``bias``: ``(out_channels,)``",
        "``B``: ``(M,)``",
        "``bias``: ``(num_output_maps,)``",
        "每个输出通道一个偏置，加在裁剪之后。",
        (_torch((1, 1, 3, 3), out_channels=2, kernel_size=3), _onnx((2, 1, 3, 3), (1, 2, 3, 3)))),
    Row("步长 stride",
        "``stride=s``", "``strides=[s...]``", "``stride_nd=s``",
        "含义相同。",
        (_torch((1, 1, 3, 3), out_channels=1, kernel_size=3, stride=(2, 3)),
         _onnx((1, 1, 3, 3), (1, 1, 3, 3), strides=[3, 2]))),
    Row("对称填充 padding",
        "``padding=p``", "``pads=[p..., p...]``", "``padding_nd=p``（即 ``pre_padding = post_padding = p``）",
        "三者都是从完整输出两端各裁掉 p 个。",
        (_torch((1, 1, 3, 3), out_channels=1, kernel_size=3, stride=2, padding=1),
         _onnx((1, 1, 3, 3), (1, 1, 3, 3), strides=[2, 2], pads=[1, 2, 1, 2]))),
    Row("非对称填充 asymmetric pads",
        "—（``padding`` 只能对称）", "``pads=[b1, b2, e1, e2]``", "``pre_padding=(b1, b2)``，``post_padding=(e1, e2)``",
        "开头裁 b、末尾裁 e。",
        (_onnx((1, 1, 3, 3), (1, 1, 3, 3), strides=[2, 1], pads=[2, 0, 0, 1]),
         _onnx((1, 1, 2, 2, 3), (1, 1, 2, 2, 2), pads=[1, 0, 0, 0, 1, 1]))),
    Row("输出补长 output_padding",
        "``padding=p, output_padding=op``", "``pads=[b..., e...], output_padding=op``",
        "``pre_padding=p``（b），``post_padding=p-op``（e-op）",
        "op 只在末尾多留 op 个元素，即后裁少 op 个；op > p（e）时需要负的 post_padding，TensorRT 拒绝，"
        "单个反卷积层无法表达（多出的元素只有偏置，可另加填充层）。",
        (_torch((1, 1, 3, 3), out_channels=1, kernel_size=3, stride=2, padding=1, output_padding=1),
         _torch((1, 1, 3, 3), out_channels=1, kernel_size=3, stride=3, padding=(0, 2), output_padding=(2, 1),
                inexpressible="output_padding"),
         _onnx((1, 1, 3, 3), (1, 1, 3, 3), strides=[2, 2], pads=[1, 1, 1, 1], output_padding=[1, 0]),
         _onnx((1, 1, 3, 3), (1, 1, 3, 3), strides=[2, 2], output_padding=[1, 1], inexpressible="post_padding"))),
    Row("膨胀 dilation",
        "``dilation=d``", "``dilations=[d...]``", "``dilation_nd=d``",
        "含义相同，DK = 1 + d(K-1)。",
        (_torch((1, 1, 3, 3), out_channels=1, kernel_size=3, dilation=(2, 3), padding=1),
         _onnx((1, 1, 3, 3), (1, 1, 2, 3), dilations=[3, 2]))),
    Row("分组 groups",
        "``groups=g``", "``group=g``", "``num_groups=g``",
        "含义相同。onnx.reference 的 ConvTranspose 在 group > 1 时算错，这一行用卷积的伴随（转置）验证。",
        (_torch((1, 4, 2, 3), out_channels=6, kernel_size=(2, 2), groups=2, stride=2),
         _onnx((1, 6, 2, 2), (6, 1, 3, 3), group=3),
         _onnx((1, 4, 2, 2), (4, 2, 2, 2), group=2, pads=[1, 0, 0, 1]))),
    Row("SAME_UPPER",
        "—", "``auto_pad=\"SAME_UPPER\"``", "``padding_mode=SAME_UPPER``",
        "DK ≥ S 时一致（共裁 DK-S，多出的 1 个裁在末尾）；DK < S 时不一致：ONNX 输出 I·S（补零），"
        "TensorRT 输出 (I-1)·S+DK。",
        (_onnx((1, 1, 3, 3), (1, 1, 3, 4), strides=[2, 1], auto_pad="SAME_UPPER"),
         _onnx((1, 1, 3, 3), (1, 1, 1, 2), strides=[2, 3], auto_pad="SAME_UPPER", inexpressible="DK="))),
    Row("SAME_LOWER",
        "—", "``auto_pad=\"SAME_LOWER\"``", "``padding_mode=SAME_LOWER``",
        "同上，但多出的 1 个裁在开头。",
        (_onnx((1, 1, 3, 3), (1, 1, 3, 4), strides=[2, 1], auto_pad="SAME_LOWER"),
         _onnx((1, 1, 3, 3), (1, 1, 1, 2), strides=[2, 3], auto_pad="SAME_LOWER", inexpressible="DK="))),
    Row("VALID",
        "``padding=0``", "``auto_pad=\"VALID\"``", "``padding_nd=0``（默认）",
        "不裁剪，输出完整的 (I-1)·S+DK。",
        (_onnx((1, 1, 3, 3), (1, 1, 3, 3), strides=[2, 2], auto_pad="VALID"),)),
)
"""The mapping table, row by row (topic, PyTorch, ONNX, TensorRT, note, tested cases)."""
