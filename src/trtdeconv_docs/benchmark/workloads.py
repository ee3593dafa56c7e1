"""The benchmarked deconvolution layers, taken from real models, defined once as data.

Each :class:`Workload` holds TensorRT's attribute names (resolved by
:func:`trtdeconv_docs.layer.attributes.resolve`) and the input shape; its output shape comes
from :func:`trtdeconv_docs.layer.shapes.output_shape`. Both runners (TensorRT and PyTorch) and
the analysis read this list; nothing here imports TensorRT or PyTorch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np

from ..layer import reference, shapes
from ..layer.attributes import Deconvolution, resolve

PRECISIONS = ("fp32", "tf32", "fp16", "int8", "int8_out")
"""FP32 with ``BuilderFlag.TF32`` cleared, TF32 allowed, FP16 allowed (TF32 cleared), INT8 through Q/DQ on the
input and the kernel (FP32 output), ``int8_out``: the same with a Q/DQ pair after the layer too (INT8 output)."""

BLOCKS = ("bias_relu", "bn_relu", "add", "concat")
"""Fused blocks: deconvolution + bias + ReLU; + batch norm (per-channel scale and shift) + ReLU; + Add of a second
input of the output's shape (a residual, as in NVIDIA/TensorRT#3098); + Concat with a second input along the
channels (a U-Net skip, the deconvolution's maps first)."""

FAMILIES = ("dense_k_eq_s", "dense_k_2s", "k3_s2_op1", "depthwise", "large_stride_head", "3d", "1d")
"""The layer families of the guide's table, in its order (:attr:`Workload.family`)."""


def _same(text: str) -> str:
    return text


def _size(shape: Tuple[int, ...]) -> str:
    return "×".join(str(side) for side in shape[2:])


@dataclass(frozen=True)
class Workload:
    """One benchmarked layer: a name, where it comes from, its input shape and attributes."""

    name: str
    model: str  # where the layer comes from, in Chinese, with {fields} that :meth:`words` fills in (no typed numbers)
    input_shape: Tuple[int, ...]
    attributes: Dict[str, Any] = field(hash=False)
    sweep: str = ""  # "" for the guide's workloads; else the curve it belongs to ("depthwise_resolution", ...)
    weights: str = "random"  # or "bilinear": a frozen bilinear up-sampling kernel, no bias (:func:`bilinear_kernel`)
    block: str = ""  # the layers fused after the deconvolution (:data:`BLOCKS`), "" for none
    profile: Optional[Tuple[Tuple[int, ...], ...]] = None  # dynamic shapes (min, opt, max); input_shape is opt

    @property
    def family(self) -> str:
        """The layer family (:data:`FAMILIES`), read off the attributes."""
        return family_of(self.layer)

    @property
    def layer(self) -> Deconvolution:
        """The resolved attributes."""
        return resolve(**self.attributes)

    @property
    def output_shape(self) -> Tuple[int, ...]:
        """TensorRT's output shape for :attr:`input_shape`."""
        return shapes.output_shape(self.input_shape, self.layer)

    @property
    def kernel_shape(self) -> Tuple[int, ...]:
        """TensorRT's kernel layout ``(C_in, M / groups, *K)``."""
        return reference.kernel_shape(self.layer, self.input_shape[1])

    def fields(self) -> Dict[str, Any]:
        """The numbers that :attr:`model` and the charts' labels name, as placeholders: ``batch``, ``c_in``,
        ``c_out``, ``groups``, ``size`` (``8×8``), ``out_size``, ``height`` and ``width`` (the first and last side),
        ``kernel``
        (``k4 s2 p1``), ``output_padding`` and, with a profile, ``min_size``/``opt_size``/``max_size``."""
        layer, shape = self.layer, self.input_shape
        sizes = {f"{name}_size": _size(bound) for name, bound in zip(("min", "opt", "max"), self.profile or ())}
        return dict(batch=shape[0], c_in=shape[1], c_out=layer.num_output_maps, groups=layer.num_groups,
                    size=_size(shape), out_size=_size(self.output_shape), height=shape[2], width=shape[-1],
                    kernel=f"k{layer.kernel_size_nd[-1]} s{layer.stride_nd[-1]} p{layer.pre_padding[-1]}",
                    output_padding=layer.pre_padding[-1] - layer.post_padding[-1], **sizes)

    def words(self, translate: Callable[[str], str] = _same) -> str:
        """Where the layer comes from, in words: :attr:`model` through ``translate`` (the Sphinx extension passes its
        catalog's translation; the catalog update collects the models), its numbers from :meth:`fields`."""
        return translate(self.model).format(**self.fields())

    def macs(self) -> int:
        """Multiply-adds of the deconvolution: every input element times its group's kernel taps.

        Each input element ``x[n, c, i]`` is multiplied by ``M / groups * prod(K)`` kernel
        taps; products that fall into the cropped border are counted too (a direct
        implementation computes them), so this is ``N * C_in * prod(I) * M / groups * prod(K)``.
        """
        n, c = self.input_shape[:2]
        spatial = int(np.prod(self.input_shape[2:]))
        return n * c * spatial * int(np.prod(self.kernel_shape[1:]))

    def arrays(self, seed: int = 0) -> Dict[str, np.ndarray]:
        """Reproducible float32 input, kernel and bias (uniform in [-1, 1), kernel scaled by 1/sqrt(fan-in))."""
        rng = np.random.default_rng(seed)
        fan_in = self.input_shape[1] // self.layer.num_groups * int(np.prod(self.layer.kernel_size_nd))
        arrays = {
            "input": rng.uniform(-1, 1, self.input_shape).astype(np.float32),
            "kernel": (rng.uniform(-1, 1, self.kernel_shape) / np.sqrt(fan_in)).astype(np.float32),
            "bias": rng.uniform(-1, 1, self.layer.num_output_maps).astype(np.float32),
        }
        if self.weights == "bilinear":
            arrays["kernel"] = np.broadcast_to(bilinear_kernel(self.layer.kernel_size_nd), self.kernel_shape).copy()
            arrays["bias"] = np.zeros(self.layer.num_output_maps, np.float32)
        if self.block == "bn_relu":  # the batch norm folded into a per-channel scale and shift, as inference runs it
            arrays["scale"] = rng.uniform(0.5, 1.5, self.layer.num_output_maps).astype(np.float32)
            arrays["shift"] = rng.uniform(-0.5, 0.5, self.layer.num_output_maps).astype(np.float32)
        if self.block in ("add", "concat"):
            arrays["skip"] = rng.uniform(-1, 1, self.skip_shape).astype(np.float32)
        return arrays

    @property
    def skip_shape(self) -> Optional[Tuple[int, ...]]:
        """The second input of an ``add`` or ``concat`` block (the output's shape; for ``concat`` as many maps as
        the deconvolution's), else ``None``."""
        return self.output_shape if self.block in ("add", "concat") else None

    @property
    def block_output_shape(self) -> Tuple[int, ...]:
        """The network's output shape: the deconvolution's, with the skip's maps after its own for ``concat``."""
        out = self.output_shape
        return (out[0], 2 * out[1]) + out[2:] if self.block == "concat" else out

    def block_elementwise_flops(self) -> int:
        """Arithmetic of the fused layers per network: per output element 2 (bias, ReLU), 3 (scale, shift, ReLU),
        1 (Add) or 0 (Concat moves data only)."""
        per_element = {"": 0, "bias_relu": 2, "bn_relu": 3, "add": 1, "concat": 0}[self.block]
        return per_element * int(np.prod(self.output_shape))

    def describe(self) -> Dict[str, Any]:
        """The workload as a JSON-ready dict (attributes resolved, shapes, MACs)."""
        layer = self.layer
        return {
            "name": self.name, "model": self.model, "input_shape": list(self.input_shape),
            "output_shape": list(self.output_shape), "kernel_shape": list(self.kernel_shape),
            "num_output_maps": layer.num_output_maps, "kernel_size_nd": list(layer.kernel_size_nd),
            "stride_nd": list(layer.stride_nd), "pre_padding": list(layer.pre_padding),
            "post_padding": list(layer.post_padding), "num_groups": layer.num_groups,
            "macs": self.macs(), "weights": self.weights, "block": self.block,
            **({"profile": [list(shape) for shape in self.profile]} if self.profile else {}),
        }


def family_of(layer: Deconvolution) -> str:
    """The guide's family of a resolved deconvolution (:data:`FAMILIES`)."""
    k, s = layer.kernel_size_nd, layer.stride_nd
    if layer.spatial_rank == 3:
        return "3d"
    if layer.spatial_rank == 1 or (k[0], s[0]) == (1, 1) < (k[1], s[1]):  # TensorRT runs 1-D as 2-D of height 1
        return "1d"
    if layer.num_groups > 1:
        return "depthwise"
    if max(s) >= 4:
        return "large_stride_head"
    if k == s:
        return "dense_k_eq_s"
    if all(kk == 3 for kk in k) and layer.pre_padding != layer.post_padding:
        return "k3_s2_op1"
    return "dense_k_2s"


def _workload(name: str, model: str, input_shape, sweep: str = "", weights: str = "random", block: str = "",
              profile=None, **attributes) -> Workload:
    return Workload(name, model, tuple(input_shape), attributes, sweep, weights, block,
                    None if profile is None else tuple(tuple(shape) for shape in profile))


def bilinear_kernel(kernel_size) -> np.ndarray:
    """The frozen bilinear up-sampling kernel of DLA/CenterNet's IDAUp and DRN (``fill_up_weights``), float32.

    Per dimension of size ``K``, ``f = ceil(K / 2)``, ``c = (2f - 1 - f % 2) / (2f)`` and
    ``w[i] = 1 - |i / f - c|``; the kernel is the outer product.
    """
    result = np.ones(())
    for size in kernel_size:
        f = math.ceil(size / 2)
        c = (2 * f - 1 - f % 2) / (2.0 * f)
        result = np.multiply.outer(result, 1 - np.abs(np.arange(size) / f - c))
    return result.astype(np.float32)


_UNET2D = "U-Net 2-D 上卷积，{c_in}→{c_out}，{size}，批大小 {batch}"
_UNET3D = "3-D U-Net 上卷积，{c_in}→{c_out}，{size}，批大小 {batch}"
_AS_2D = "（1-D，按高度 {height} 的 2-D 运行）"
_IDAUP = "CenterNet DLA-34 IDAUp，双线性 {kernel}，{c_in} 个通道逐通道，{size}，批大小 {batch}"

WORKLOADS: List[Workload] = [
    _workload("dcgan", "DCGAN 生成器，{c_in}→{c_out}，{size}，批大小 {batch}",
              (64, 512, 8, 8), num_output_maps=256, kernel_size_nd=(4, 4), stride_nd=(2, 2), padding_nd=(1, 1)),
    _workload("unet2d", _UNET2D,
              (8, 256, 64, 64), num_output_maps=128, kernel_size_nd=(2, 2), stride_nd=(2, 2)),
    _workload("segmentation", "分割解码器上采样，{c_in}→{c_out}，{size}，批大小 {batch}",
              (8, 64, 128, 128), num_output_maps=32, kernel_size_nd=(4, 4), stride_nd=(2, 2), padding_nd=(1, 1)),
    _workload("segmentation_odd", "通道数不是 8 的倍数的分割上采样（{c_in}→{c_out}），{size}，批大小 {batch}",
              (8, 63, 128, 128), num_output_maps=31, kernel_size_nd=(4, 4), stride_nd=(2, 2), padding_nd=(1, 1)),
    _workload("unet3d", _UNET3D,
              (2, 64, 16, 16, 16), num_output_maps=32, kernel_size_nd=(2, 2, 2), stride_nd=(2, 2, 2)),
    _workload("depthwise", "逐通道上采样，组数 = 通道数 = {groups}，{size}，批大小 {batch}",
              (8, 128, 128, 128), num_output_maps=128, kernel_size_nd=(4, 4), stride_nd=(2, 2),
              padding_nd=(1, 1), num_groups=128),
    _workload("fcn_head", "FCN-8s 头，{c_in}→{c_out} 个类别，{kernel}，输出 {out_size}",
              (1, 21, 64, 64), num_output_maps=21, kernel_size_nd=(16, 16), stride_nd=(8, 8), padding_nd=(4, 4)),
]
"""The guide's seven workloads, in the order of the page."""

GUIDE = tuple(w.name for w in WORKLOADS)
"""Their names."""


def _batch_one(workload: Workload) -> Workload:
    return Workload(f"{workload.name}_b1", workload.model, (1,) + workload.input_shape[1:],
                    workload.attributes, "batch_1")


DEPTHWISE = dict(num_output_maps=128, kernel_size_nd=(4, 4), stride_nd=(2, 2), padding_nd=(1, 1))

WORKLOADS += [
    _workload("decoder_k3",
              "PyTorch 默认的解码器层 {kernel} output_padding {output_padding}，{c_in}→{c_out}，{size}，批大小 {batch}",
              (8, 128, 64, 64), num_output_maps=64, kernel_size_nd=(3, 3), stride_nd=(2, 2),
              pre_padding=(1, 1), post_padding=(0, 0)),
] + [_batch_one(w) for w in WORKLOADS] + [
    _workload(f"depthwise_{size}", "逐通道上采样，{size}，批大小 {batch}", (8, 128, size, size),
              "depthwise_resolution", num_groups=128, **DEPTHWISE) for size in (32, 64, 256)
] + [
    _workload(f"grouped_{groups}", "{c_in} 个通道分成 {groups} 组的 {kernel} 上采样，{size}，批大小 {batch}",
              (8, 128, 64, 64), "depthwise_groups", num_groups=groups, **DEPTHWISE) for groups in (1, 8, 32)
]
"""Every workload: the guide's seven, then the extra ones (:attr:`Workload.sweep` says which curve)."""

SEGMENTATION = dict(num_output_maps=32, kernel_size_nd=(4, 4), stride_nd=(2, 2), padding_nd=(1, 1))
WORKLOADS += [
    # depthwise frozen-bilinear up-samplers: CenterNet's DLA-34 IDAUp (k = 2f, s = f, p = f / 2, groups = C) on a
    # 512x512 image, and DRN-C-26's segmentation head (k16 s8 p4, groups = 19 classes) on a 1024x2048 Cityscapes image
    _workload("idaup_f2", _IDAUP,
              (1, 64, 64, 64), "bilinear", "bilinear", num_output_maps=64, kernel_size_nd=(4, 4), stride_nd=(2, 2),
              padding_nd=(1, 1), num_groups=64),
    _workload("idaup_f4", _IDAUP,
              (1, 64, 32, 32), "bilinear", "bilinear", num_output_maps=64, kernel_size_nd=(8, 8), stride_nd=(4, 4),
              padding_nd=(2, 2), num_groups=64),
    _workload("drn_head", "DRN-C-26 分割头，双线性 {kernel}，{c_in} 个类别逐通道，{size}，批大小 {batch}",
              (1, 19, 128, 256), "bilinear", "bilinear", num_output_maps=19, kernel_size_nd=(16, 16),
              stride_nd=(8, 8), padding_nd=(4, 4), num_groups=19),
    _workload("unet3d_64", _UNET3D, (1, 64, 64, 64, 64), "3d_64",
              num_output_maps=32, kernel_size_nd=(2, 2, 2), stride_nd=(2, 2, 2)),
] + [
    # HiFi-GAN V1's generator: ConvTranspose1d(512 / 2^i, 512 / 2^(i+1), k, u, padding=(k - u) / 2), u = 8, 8, 2, 2;
    # the first (k16 s8) reads the mel frames, the third (k4 s2) 64 samples per frame. TensorRT's deconvolution is
    # 2-D or 3-D: a 1-D layer runs as 2-D of height 1 (what TensorRT's ONNX parser builds for a ConvTranspose1d)
    _workload(f"hifigan_k16s8_{frames}", "HiFi-GAN V1 第一个上采样器 {kernel}，{c_in}→{c_out}，{width} 个梅尔帧" + _AS_2D,
              (1, 512, 1, frames), "hifigan", num_output_maps=256, kernel_size_nd=(1, 16), stride_nd=(1, 8), padding_nd=(0, 4))
    for frames in (200, 800)
] + [
    _workload(f"hifigan_k4s2_{frames}", "HiFi-GAN V1 第三个上采样器 {kernel}，{c_in}→{c_out}，{width} 个样本" + _AS_2D,
              (1, 128, 1, 64 * frames), "hifigan", num_output_maps=64, kernel_size_nd=(1, 4), stride_nd=(1, 2), padding_nd=(0, 1))
    for frames in (200, 800)
] + [
    _workload("block_bias_relu", "分割上采样 + 偏置 + ReLU，{size}，批大小 {batch}", (8, 64, 128, 128), "fused",
              block="bias_relu", **SEGMENTATION),
    _workload("block_bn_relu", "DCGAN 的生成器块：反卷积 + 批归一化 + ReLU，{size}，批大小 {batch}", (64, 512, 8, 8),
              "fused", block="bn_relu", num_output_maps=256, kernel_size_nd=(4, 4), stride_nd=(2, 2), padding_nd=(1, 1)),
    _workload("block_add", "分割上采样 + 与残差相加（Add，NVIDIA/TensorRT#3098），{size}，批大小 {batch}", (8, 64, 128, 128),
              "fused", block="add", **SEGMENTATION),
    _workload("block_concat", "U-Net 2-D 上卷积 + 与跳跃连接拼接（Concat），{size}，批大小 {batch}", (8, 256, 64, 64),
              "fused", block="concat", num_output_maps=128, kernel_size_nd=(2, 2), stride_nd=(2, 2)),
    _workload("dynamic", "分割上采样，批大小 {batch}，一个优化配置：{min_size}、{opt_size}、{max_size}",
              (1, 64, 128, 128), "dynamic", profile=((1, 64, 64, 64), (1, 64, 128, 128), (1, 64, 256, 256)),
              **SEGMENTATION),
]
"""The issue's other workloads (:attr:`Workload.sweep`: ``bilinear``, ``3d_64``, ``hifigan``, ``fused``, ``dynamic``)."""


def by_name(name: str) -> Workload:
    """The workload called ``name``; a ``KeyError`` naming the choices otherwise."""
    for workload in WORKLOADS:
        if workload.name == name:
            return workload
    raise KeyError(f"no workload {name!r}; choose one of {', '.join(w.name for w in WORKLOADS)}")
