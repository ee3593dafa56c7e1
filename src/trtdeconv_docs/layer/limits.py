"""TensorRT 8.6's limits on a deconvolution layer, and the words of its refusals, in one place.

Every limit is the largest value TensorRT accepts (inclusive), so a check reads
``value <= LIMIT``. Where NVIDIA documents a limit, the source is named; the others are
TensorRT's internal constants (``kMAX_STRIDE``, ``kMAX_PADDING``, ...) that no public
header gives: their values here are what the conformance recording measured
(``recordings/conformance``, the ``p…`` probe cases), and ``tests/test_limits.py`` fails,
naming the value the recording supports, when one of them disagrees with the recording.

:data:`REASONS` maps each reason a refusal of :mod:`trtdeconv_docs.layer.attributes`,
:mod:`trtdeconv_docs.layer.shapes` or :mod:`trtdeconv_docs.layer.reference` can give to a pattern of
the message TensorRT 8.6.0 logged for that reason, so the tests compare the reason of a
refusal and not only the verdict.
"""

from __future__ import annotations

import re
from typing import Dict, Pattern

INT32_MAX = 2 ** 31 - 1
"""Every dimension and attribute is an ``int32_t`` (``nvinfer1::Dims``, ``addDeconvolutionNd``)."""

MAX_DIMS = 8
"""NvInferRuntimeBase.h (v8.6.1): ``Dims::MAX_DIMS{8}``."""

MAX_TENSOR_VOLUME = 2 ** 31 - 1
"""NvInfer.h (v8.6.1), ``ITensor``: "The volume of the tensor must be less than 2^31 elements"."""

KERNEL_VOLUME_BASE = 100000.0
"""TensorRT 8.6.0's own words (recorded, case r10): ``volume(kernelSize) <
int64_t(std::pow(100000.0F, nbDims * 0.5F))``, ``MAX_KERNEL_DIMS_PRODUCT(nbSpatialDims)``."""

MAX_OUTPUT_MAPS = 2 ** 28 - 1
"""``nbOutputs < kMAX_OUTPUT_MAPS`` (recorded message of case r09); value measured by the probes."""

MAX_GROUPS = 99999
"""``nbGroups < kMAX_GROUPS`` (recorded message of case r08); measured by the probes: TensorRT
8.6.0 added a layer of 99,999 groups (p0494) and refused 100,000 (p0495), so ``kMAX_GROUPS`` is
100,000."""

MAX_STRIDE = 100000
"""``allDimsLtEq(stride, kMAX_STRIDE)`` (recorded message of case r11); value measured by the probes."""

MAX_DILATION = 100000
"""``allDimsLtEq(dilation, kMAX_DILATION)`` (recorded message of case r12); value measured by the probes."""

MAX_PADDING = 100000
"""``allDimsLtEq(padding, kMAX_PADDING)`` (recorded messages of cases r00-r02); value measured by the probes."""

MEASURED = {
    "num_output_maps": "MAX_OUTPUT_MAPS",
    "num_groups": "MAX_GROUPS",
    "stride_nd": "MAX_STRIDE",
    "dilation_nd": "MAX_DILATION",
    "padding_nd": "MAX_PADDING",
    "pre_padding": "MAX_PADDING",
    "post_padding": "MAX_PADDING",
}
"""Attribute probed on the GPU -> the name of the limit above that the recording must confirm."""


def max_kernel_volume(spatial_rank: int) -> int:
    """The largest kernel volume TensorRT 8.6 accepts: 99,999 for 2-D, 31,622,775 for 3-D."""
    import numpy as np  # float32 arithmetic, as TensorRT computes the bound

    bound = np.power(np.float32(KERNEL_VOLUME_BASE), np.float32(spatial_rank * 0.5), dtype=np.float32)
    return int(bound) - 1


REASONS: Dict[str, str] = {
    "int32": r"incompatible function arguments|out of range|overflow",
    "kernel_rank": r"setKernelSizeNd.*kernelSize\.nbDims == 2 \|\| kernelSize\.nbDims == 3",
    "kernel_size": r"(addDeconvolutionNd|setKernelSizeNd).*(allDimsGtEq\(kernelSize, 1\)|allDimsGt\(kernelSize, 0\))",
    "kernel_volume": r"(addDeconvolutionNd|setKernelSizeNd).*volume\(kernelSize\) <",
    "output_maps": r"nbOutputs > 0 && nbOutputs < kMAX_OUTPUT_MAPS|setNbOutputMaps",
    "groups": r"nbGroups > 0 && nbGroups < kMAX_GROUPS",
    "stride": r"setStrideNd.*allDimsGt\(stride, 0\) && allDimsLtEq\(stride, kMAX_STRIDE\)",
    "dilation": r"setDilationNd.*allDimsGt\(dilation, 0\) && allDimsLtEq\(dilation, kMAX_DILATION\)",
    "padding": r"set(Pre|Post)?Padding(Nd)?.*allDimsGtEq\(\w+, 0\) && allDimsLtEq\(\w+, kMAX_PADDING\)",
    "dimension_count": r"number of dimensions in kernel .* do not match",
    "padding_mode": r"setPaddingMode|PaddingMode",
    "input_rank": (r"at least \d dimensions are required for input"
                   r"|add_input\(\): incompatible function arguments.*Invoked with: .*\((\d+, ){%d,}\d+\)" % MAX_DIMS),
    "input_size": r"(dimension|volume|extent).*(negative|exceeds|overflow|must be)",
    "groups_divide_channels": r"group count must divide input channel count",
    "groups_divide_maps": r"group count must divide output channel count",
    "output_negative": r"dimension \d+ never exceeds -\d+",
    "kernel_count": r"kernel weights has count \d+ but \d+ was expected",
    "bias_count": r"bias weights has count \d+ but \d+ was expected",
    "tensor_volume": r"volume|2\^31|exceeds",
    "int8_dilated": r"Could not find any implementation for node",
    "values": r"(?!)",
    "memory": r"(?!)",
    "usage": r"(?!)",
}
"""Reason of a refusal -> regular expression over TensorRT 8.6.0's logged messages.

``values`` (NaN or infinite inputs), ``memory`` (the float64 model's own memory) and
``usage`` (a helper of this package asked for something outside the layer) are refusals of
this package alone: TensorRT computes with such inputs, so no
recorded message can match them.

``input_rank`` covers both ways TensorRT refuses an input's rank: too few dimensions for
the kernel (``addDeconvolutionNd`` logs "at least N dimensions are required", case r20), and
more than :data:`MAX_DIMS`, which ``nvinfer1::Dims`` cannot hold, so TensorRT's Python
binding itself rejects the shape before TensorRT sees it (``TypeError: add_input():
incompatible function arguments``, probe p0659's rank-9 input); that alternative matches
only a rejected shape of more than :data:`MAX_DIMS` entries."""


def pattern(reason: str) -> Pattern[str]:
    """The compiled pattern of a refusal reason; ``KeyError`` for an unknown reason."""
    return re.compile(REASONS[reason], re.DOTALL)
