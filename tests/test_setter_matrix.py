"""The setter matrix that TensorRT recorded (plot_26) against the package's own rules of the layer attributes."""

from __future__ import annotations

import pytest

from trtdeconv_docs.claims.evidence import Evidence
from trtdeconv_docs.claims.setter_claims import outcomes
from trtdeconv_docs.layer.attributes import IGNORED_BY_SETTER, DeconvolutionError, check_setter

CREATION_ARGUMENTS = {"kernel_size_nd", "num_output_maps"}
"""Attributes that are also ``add_deconvolution_nd``'s arguments (IGNORED_BY_SETTER leaves their reasons out)."""


def _reason(attribute, value) -> str:
    with pytest.raises(DeconvolutionError) as error:
        check_setter(attribute, tuple(value) if isinstance(value, list) else value)
    return error.value.reason


def test_every_value_tensorrt_ignored_is_one_the_package_refuses_and_the_setter_reasons_match():
    found = outcomes(Evidence())
    assert found["ignored"] and not (found["refused"] or found["raised"] or found["accepted"])
    reasons = {}
    for run in found["ignored"]:
        setter = run["setters"][0]
        reasons.setdefault(setter["attribute"], set()).add(_reason(setter["attribute"], setter["value"]))
    setter_reasons = set().union(*(r for a, r in reasons.items() if a not in CREATION_ARGUMENTS))
    assert setter_reasons == IGNORED_BY_SETTER
    assert not IGNORED_BY_SETTER & set().union(*(reasons[a] for a in CREATION_ARGUMENTS))
