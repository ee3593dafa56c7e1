"""output_padding beyond padding: deconvolve without bias, append zeros, add the bias (mappings.output_padding_recipe).

The recipe is checked twice against PyTorch's definition (the adjoint of a direct
convolution, :func:`test_mappings.transpose_by_adjoint`): on CPU through the reference
model, and on TensorRT's recorded output of ``examples/plot_18_output_padding.py``.
"""

from __future__ import annotations

import numpy as np
import pytest
from .support.adjoint import transpose_by_adjoint

from trtdeconv_docs.layer import mappings, reference
from trtdeconv_docs.question_data import OUTPUT_PADDING_CASE, output_padding_tensors
from trtdeconv_docs.cassette.recording import Recording, path_of
from trtdeconv_docs.errors import RECORD_ON_GPU

EXAMPLE = "plot_18_output_padding"
LABEL = "output_padding_recipe"


def pytorch(x, w, bias, case):
    """PyTorch's ConvTranspose2d output for ``case``, from the adjoint oracle."""
    stride = mappings._tuple(case["stride"], 2)
    pad, extra = mappings._tuple(case["padding"], 2), mappings._tuple(case["output_padding"], 2)
    k = mappings._tuple(case["kernel_size"], 2)
    out = [(i - 1) * s - 2 * p + (kk - 1) + op + 1 for i, s, p, kk, op in zip(x.shape[2:], stride, pad, k, extra)]
    return transpose_by_adjoint(x.astype(np.float64), w.astype(np.float64), bias.astype(np.float64),
                                stride, (1, 1), pad, out, 1)


def recipe_on_reference_model(x, w, bias, case):
    """The recipe computed with the reference model and NumPy padding."""
    attributes, trailing = mappings.output_padding_recipe(2, **case)
    y = reference.deconvolution(x, w, None, **attributes)
    y = np.pad(y, [(0, 0), (0, 0)] + [(0, t) for t in trailing])
    return y + bias.reshape(1, -1, 1, 1)


def test_the_case_cannot_fold_into_post_padding():
    with pytest.raises(mappings.Inexpressible):
        mappings.from_pytorch(2, **OUTPUT_PADDING_CASE)


@pytest.mark.parametrize("case", [
    OUTPUT_PADDING_CASE,
    dict(OUTPUT_PADDING_CASE, padding=(1, 0), output_padding=(1, 2), stride=(2, 4)),
    dict(OUTPUT_PADDING_CASE, padding=0, output_padding=1, stride=2),
])
def test_recipe_computes_pytorch_output_padding(case):
    x, w, bias = output_padding_tensors()
    np.testing.assert_array_equal(recipe_on_reference_model(x, w, bias, case), pytorch(x, w, bias, case))


def test_tensorrt_computes_the_recipe_as_pytorch_defines_output_padding():
    path = path_of(EXAMPLE)
    assert path.is_file(), f"no GPU recording {path}; {RECORD_ON_GPU}"
    run = Recording.read(path).run(LABEL)
    x, w, bias = output_padding_tensors()
    np.testing.assert_array_equal(run.tensor("x")[2], x)
    (output,) = run.outputs().values()
    np.testing.assert_array_equal(output, pytorch(x, w, bias, OUTPUT_PADDING_CASE))
