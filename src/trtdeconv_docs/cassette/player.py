"""Answer a session's TensorRT run from its GPU recording, or refuse with one message.

A recorded run is found by its example and label and must match the run asked for
exactly (the matcher ``key``): the same logged network calls (:mod:`trtdeconv_docs.cassette.call_log`), the same
builder settings and the same input bytes; the API check of another TensorRT version
matches on the label alone (``key=None``). Anything else is
:class:`~trtdeconv_docs.errors.ReplayMiss`, which names the example, the run, what differs
and how to record it on a GPU; the replay never computes an output itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Optional

from ..errors import RECORD_ON_GPU, RecordingError, ReplayMiss
from . import store
from .recording import TENSORS, Recording, Run, first_difference, path_of


def recorded_tensorrt_version() -> str:
    """The TensorRT version that recorded ``recordings/tensors`` (from its manifest)."""
    try:
        return store.provenance(store.root() / TENSORS)["tensorrt"]
    except RecordingError as error:
        raise ReplayMiss(f"trtdeconv-docs: no TensorRT to replay: {error}") from None


def find(example: str, label: str, key: Optional[Dict[str, Any]]) -> Run:
    """The recorded run of ``example`` labelled ``label`` whose key equals ``key`` (``None``: by label alone)."""
    name = Path(example).name
    path = path_of(example)
    if not path.is_file():
        raise ReplayMiss(f"trtdeconv-docs: {name}, run {label!r}: never recorded on a GPU "
                         f"(no {path.relative_to(store.root().parent)}); {RECORD_ON_GPU}")
    try:
        recording = Recording.read(path)
    except RecordingError as error:
        raise ReplayMiss(f"trtdeconv-docs: {error}") from None
    if label not in recording.labels:
        raise ReplayMiss(f"trtdeconv-docs: {name}, run {label!r}: never recorded on a GPU "
                         f"(recorded runs: {', '.join(map(repr, recording.labels))}); {RECORD_ON_GPU}")
    run = recording.run(label)
    recorded = run.key() if key is not None else None
    if recorded != key:
        raise ReplayMiss(f"trtdeconv-docs: {name}, run {label!r} differs from its GPU recording in "
                         f"{first_difference(recorded, key)}; {RECORD_ON_GPU}")
    return run
