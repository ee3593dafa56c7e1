"""Answer a session's TensorRT run from its GPU recording, or refuse with one message.

A recorded run is found by its example and label and must match the run asked for
exactly: the same logged network calls (:mod:`trtdeconv_docs.cassette.call_log`), the same
builder settings and the same input bytes. Anything else is :class:`~trtdeconv_docs.errors.ReplayMiss`, which
names the example, the run, what differs and the command that records it on a GPU; the
replay never computes an output itself.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Optional

from . import store as recordings
from ..errors import ReplayMiss
from ..tensors import digest, digest_of

REPLAY_VARIABLE = "TRTDECONV_REPLAY"
"""Set to ``1``, it makes the examples replay even where TensorRT is installed (the GPU test of both ways)."""
TENSORS = "tensors"
"""The folder of ``recordings/`` that holds the examples' runs, one JSON per example."""
RECORD_COMMAND = ("record it on a machine with TensorRT and a GPU: `python -m trtdeconv_docs.gpu_gallery` "
                  "(README: Refreshing the recordings), then commit recordings/")


def recorded_tensorrt_version() -> str:
    """The TensorRT version that recorded ``recordings/tensors`` (from its manifest)."""
    try:
        return recordings.provenance(recordings.root() / TENSORS)["tensorrt"]
    except recordings.RecordingError as error:
        raise ReplayMiss(f"trtdeconv-docs: no TensorRT to replay: {error}") from None


def recording_path(example: str) -> Path:
    """``recordings/tensors/<example stem>.json`` of the checkout."""
    return recordings.root() / TENSORS / f"{Path(example).stem}.json"


def run_key(calls: List[Dict[str, Any]], settings: Dict[str, Any], inputs) -> Dict[str, Any]:
    """What a recorded run is matched by: calls, settings and input digests (JSON-able)."""
    key = {"calls": calls, "settings": settings,
           "inputs": {name: digest(array) for name, array in sorted(inputs.items())}}
    return json.loads(json.dumps(key))  # as a recording reads back: tuples are lists


def recorded_key(run: Dict[str, Any]) -> Dict[str, Any]:
    """The key of a recorded run (large inputs are recorded by digest only)."""
    key = {"calls": run["calls"], "settings": run["settings"],
           "inputs": {name: digest_of(data) for name, data in sorted(run["inputs"].items())}}
    return json.loads(json.dumps(key))


def _first_difference(recorded: Dict[str, Any], asked: Dict[str, Any]) -> str:
    if recorded["settings"] != asked["settings"]:
        return f"builder settings {json.dumps(asked['settings'])} (recorded: {json.dumps(recorded['settings'])})"
    if recorded["inputs"] != asked["inputs"]:
        names = sorted(n for n in set(recorded["inputs"]) | set(asked["inputs"])
                       if recorded["inputs"].get(n) != asked["inputs"].get(n))
        return f"input bytes of {', '.join(names)}"
    calls, before = asked["calls"], recorded["calls"]
    for index in range(max(len(calls), len(before))):
        now = json.dumps(calls[index], ensure_ascii=False) if index < len(calls) else "(none)"
        then = json.dumps(before[index], ensure_ascii=False) if index < len(before) else "(none)"
        if now != then:
            return f"network call {index + 1}: {now} (recorded: {then})"
    return "nothing visible"  # pragma: no cover - keys differ somewhere


def find(example: str, label: str, key: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    """The recorded run of ``example`` labelled ``label`` whose key equals ``key``, else :class:`~trtdeconv_docs.errors.ReplayMiss`.

    ``key=None`` matches by label alone: only for checking an example against another
    TensorRT version's API, never for showing output.
    """
    name = Path(example).name
    path = recording_path(example)
    if not path.is_file():
        raise ReplayMiss(f"trtdeconv-docs: {name}, run {label!r}: never recorded on a GPU "
                         f"(no {path.relative_to(recordings.root().parent)}); {RECORD_COMMAND}")
    try:
        document = recordings.read_json(path)
    except recordings.RecordingError as error:
        raise ReplayMiss(f"trtdeconv-docs: {error}") from None
    run: Optional[Dict[str, Any]] = next((r for r in document["runs"] if r["label"] == label), None)
    if run is None:
        raise ReplayMiss(f"trtdeconv-docs: {name}, run {label!r}: never recorded on a GPU "
                         f"(recorded runs: {', '.join(repr(r['label']) for r in document['runs'])}); {RECORD_COMMAND}")
    recorded = recorded_key(run) if key is not None else None
    if recorded != key:
        raise ReplayMiss(f"trtdeconv-docs: {name}, run {label!r} differs from its GPU recording in "
                         f"{_first_difference(recorded, key)}; {RECORD_COMMAND}")
    return run
