"""Every tensor TensorRT printed for the gallery agrees with the reference model."""

from __future__ import annotations

import pytest

from trtdeconv_docs import recordings
from trtdeconv_docs.recompute import replay

from .conftest import TENSORS

RUNS = [
    pytest.param(document, run, id=f"{path.stem}:{run['label']}")
    for path in recordings.listed(TENSORS, ".json")
    for document in [recordings.read_json(path)]
    for run in document["runs"]
]


def test_recordings_exist():
    assert RUNS, f"no GPU recordings under {TENSORS}: run `python -m trtdeconv_docs.gpu_gallery` on a GPU machine"


@pytest.mark.parametrize("document, run", RUNS)
def test_tensorrt_output_within_tolerance_of_reference(document, run):
    for name, replayed in replay(run).items():
        # the reference's shape comes from trtdeconv_docs.shapes: TensorRT must agree
        assert replayed.recorded.shape == replayed.reference.shape, name
        assert replayed.worst_ratio <= 1.0, (
            f"{document['example']} [{run['label']}] {name}: TensorRT differs from the reference "
            f"by {replayed.worst_ratio:.3g} x the {replayed.precision} bound"
        )
