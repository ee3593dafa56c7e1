"""The benchmarked deconvolution layers, taken from real models, defined once as data.

Each :class:`Workload` holds TensorRT's attribute names (resolved by
:func:`trtdeconv_docs.layer.attributes.resolve`) and the input shape; its output shape comes
from :func:`trtdeconv_docs.layer.shapes.output_shape`. Both runners (TensorRT and PyTorch) and
the analysis read this list; nothing here imports TensorRT or PyTorch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Tuple

import numpy as np

from ..layer import reference, shapes
from ..layer.attributes import Deconvolution, resolve

PRECISIONS = ("fp32", "tf32", "fp16", "int8", "int8_out")
"""FP32 with ``BuilderFlag.TF32`` cleared, TF32 allowed, FP16 allowed (TF32 cleared), INT8 through Q/DQ on the
input and the kernel (FP32 output), ``int8_out``: the same with a Q/DQ pair after the layer too (INT8 output)."""

FAMILIES = ("dense_k_eq_s", "dense_k_2s", "k3_s2_op1", "depthwise", "large_stride_head", "3d", "1d")
"""The layer families of the guide's table, in its order (:attr:`Workload.family`)."""


@dataclass(frozen=True)
class Workload:
    """One benchmarked layer: a name, where it comes from, its input shape and attributes."""

    name: str
    model: str
    input_shape: Tuple[int, ...]
    attributes: Dict[str, Any] = field(hash=False)
    sweep: str = ""  # "" for the guide's workloads; else the curve it belongs to ("depthwise_resolution", ...)

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
        return {
            "input": rng.uniform(-1, 1, self.input_shape).astype(np.float32),
            "kernel": (rng.uniform(-1, 1, self.kernel_shape) / np.sqrt(fan_in)).astype(np.float32),
            "bias": rng.uniform(-1, 1, self.layer.num_output_maps).astype(np.float32),
        }

    def describe(self) -> Dict[str, Any]:
        """The workload as a JSON-ready dict (attributes resolved, shapes, MACs)."""
        layer = self.layer
        return {
            "name": self.name, "model": self.model, "input_shape": list(self.input_shape),
            "output_shape": list(self.output_shape), "kernel_shape": list(self.kernel_shape),
            "num_output_maps": layer.num_output_maps, "kernel_size_nd": list(layer.kernel_size_nd),
            "stride_nd": list(layer.stride_nd), "pre_padding": list(layer.pre_padding),
            "post_padding": list(layer.post_padding), "num_groups": layer.num_groups,
            "macs": self.macs(),
        }


def family_of(layer: Deconvolution) -> str:
    """The guide's family of a resolved deconvolution (:data:`FAMILIES`)."""
    k, s = layer.kernel_size_nd, layer.stride_nd
    if layer.spatial_rank == 3:
        return "3d"
    if layer.spatial_rank == 1:
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


def _workload(name: str, model: str, input_shape, sweep: str = "", **attributes) -> Workload:
    return Workload(name, model, tuple(input_shape), attributes, sweep)


WORKLOADS: List[Workload] = [
    _workload("dcgan", "DCGAN generator, 512->256 at 8x8, batch 64",
              (64, 512, 8, 8), num_output_maps=256, kernel_size_nd=(4, 4), stride_nd=(2, 2), padding_nd=(1, 1)),
    _workload("unet2d", "U-Net 2-D up-convolution, 256->128 at 64x64, batch 8",
              (8, 256, 64, 64), num_output_maps=128, kernel_size_nd=(2, 2), stride_nd=(2, 2)),
    _workload("segmentation", "segmentation decoder upsample, 64->32 at 128x128, batch 8",
              (8, 64, 128, 128), num_output_maps=32, kernel_size_nd=(4, 4), stride_nd=(2, 2), padding_nd=(1, 1)),
    _workload("segmentation_odd", "the segmentation upsample with channels not a multiple of 8 (63->31)",
              (8, 63, 128, 128), num_output_maps=31, kernel_size_nd=(4, 4), stride_nd=(2, 2), padding_nd=(1, 1)),
    _workload("unet3d", "3-D U-Net up-convolution, 64->32 at 16^3, batch 2",
              (2, 64, 16, 16, 16), num_output_maps=32, kernel_size_nd=(2, 2, 2), stride_nd=(2, 2, 2)),
    _workload("depthwise", "depthwise upsample, groups = C = 128, 128x128, batch 8",
              (8, 128, 128, 128), num_output_maps=128, kernel_size_nd=(4, 4), stride_nd=(2, 2),
              padding_nd=(1, 1), num_groups=128),
    _workload("fcn_head", "FCN-8s head, 21->21 classes, k16 s8 to 512x512",
              (1, 21, 64, 64), num_output_maps=21, kernel_size_nd=(16, 16), stride_nd=(8, 8), padding_nd=(4, 4)),
]
"""The guide's seven workloads, in the order of the page."""

GUIDE = tuple(w.name for w in WORKLOADS)
"""Their names."""


def _batch_one(workload: Workload) -> Workload:
    return Workload(f"{workload.name}_b1", f"{workload.model}, at batch 1", (1,) + workload.input_shape[1:],
                    workload.attributes, "batch_1")


DEPTHWISE = dict(num_output_maps=128, kernel_size_nd=(4, 4), stride_nd=(2, 2), padding_nd=(1, 1))

WORKLOADS += [
    _workload("decoder_k3", "PyTorch's default decoder layer k3 s2 p1 output_padding 1, 128->64 at 64x64, batch 8",
              (8, 128, 64, 64), num_output_maps=64, kernel_size_nd=(3, 3), stride_nd=(2, 2),
              pre_padding=(1, 1), post_padding=(0, 0)),
] + [_batch_one(w) for w in WORKLOADS] + [
    _workload(f"depthwise_{size}", f"the depthwise upsample at {size}x{size}, batch 8", (8, 128, size, size),
              "depthwise_resolution", num_groups=128, **DEPTHWISE) for size in (32, 64, 256)
] + [
    _workload(f"grouped_{groups}", f"the k4 s2 upsample of 128 channels in {groups} groups at 64x64, batch 8",
              (8, 128, 64, 64), "depthwise_groups", num_groups=groups, **DEPTHWISE) for groups in (1, 8, 32)
]
"""Every workload: the guide's seven, then the extra ones (:attr:`Workload.sweep` says which curve)."""


def by_name(name: str) -> Workload:
    """The workload called ``name``; a ``KeyError`` naming the choices otherwise."""
    for workload in WORKLOADS:
        if workload.name == name:
            return workload
    raise KeyError(f"no workload {name!r}; choose one of {', '.join(w.name for w in WORKLOADS)}")
