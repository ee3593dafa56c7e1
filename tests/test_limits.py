"""The limits the CLI and ``attributes.resolve`` enforce are the ones TensorRT showed on the GPU.

:mod:`trtdeconv_docs.layer.limits` is the one place the limits live; the probes of the
conformance recording (:mod:`trtdeconv_docs.conformance.probes`) pin each undocumented one
between a value TensorRT accepted and its neighbour that TensorRT refused.
"""

from __future__ import annotations

import pytest

from trtdeconv_docs.layer import limits
from trtdeconv_docs.layer.attributes import DeconvolutionError, check_setter
from trtdeconv_docs.conformance import probes

from .support.paths import CONFORMANCE as DIRECTORY
from .support.recorded import CONFORMANCE_RECORDING as RECORDING

RECORD = ("python -m trtdeconv_docs.conformance.run_on_tensorrt --count 320 --seed 0 "
          "--out recordings/conformance")


@pytest.mark.parametrize("attribute", sorted(limits.MEASURED))
def test_each_limit_is_the_one_tensorrt_showed(attribute):
    constant = limits.MEASURED[attribute]
    assert RECORDING is not None, f"{DIRECTORY} is missing: run `{RECORD}` on a GPU"
    found = probes.limits_found(RECORDING.cases)
    assert attribute in found, f"{DIRECTORY} has no {attribute} probes: run `{RECORD}` on a GPU"
    accepted, refused = found[attribute]
    assert accepted is not None and refused is not None and refused == accepted + 1, (
        f"the probes do not pin {attribute}'s limit (TensorRT accepted up to {accepted}, refused from "
        f"{refused}): add candidates between them to probes.LADDER and record again")
    assert getattr(limits, constant) == accepted, (
        f"src/trtdeconv_docs/layer/limits.py: {constant} = {getattr(limits, constant)}, but TensorRT accepted "
        f"{attribute} up to {accepted} and refused {refused}: set {constant} = {accepted}")


@pytest.mark.parametrize("name, low, high", [
    ("stride_nd", 1, limits.MAX_STRIDE), ("dilation_nd", 1, limits.MAX_DILATION),
    ("padding_nd", 0, limits.MAX_PADDING), ("pre_padding", 0, limits.MAX_PADDING),
    ("post_padding", 0, limits.MAX_PADDING), ("num_groups", 1, limits.MAX_GROUPS),
    ("num_output_maps", 1, limits.MAX_OUTPUT_MAPS),
])
def test_setters_refuse_exactly_past_the_limit(name, low, high):
    wrap = (lambda v: v) if name in ("num_groups", "num_output_maps") else (lambda v: (v, low))
    for value in (low, high):
        check_setter(name, wrap(value))
    for value in (low - 1, high + 1, limits.INT32_MAX + 1):
        with pytest.raises(DeconvolutionError, match=name):
            check_setter(name, wrap(value))


def test_kernel_volume_bound_is_tensorrts_formula():
    """``volume < int64(pow(100000.0F, nbDims * 0.5F))``, as TensorRT 8.6.0 logged it (case r10)."""
    assert (limits.max_kernel_volume(2), limits.max_kernel_volume(3)) == (99999, 31622775)
    check_setter("kernel_size_nd", (1, 1, 31622775))
    with pytest.raises(DeconvolutionError, match="volume 31622776"):
        check_setter("kernel_size_nd", (1, 1, 31622776))


def test_every_reason_has_a_pattern():
    for reason in limits.REASONS:
        limits.pattern(reason)
    with pytest.raises(KeyError):
        DeconvolutionError("no such reason", "not a reason")
