"""The ONNX cases' GPU recordings read back on any machine, matched like the examples' runs.

A case's recording (``recordings/onnx/cases/<case>.json``, read and verified through
:mod:`trtdeconv_docs.recordings`) answers only for the model it was made from: the
committed ``onnx_models/<case>.onnx`` must have the recorded sha256, the build must have
the builder settings asked for (:func:`.recorder.settings`) and every run the inputs that
:func:`.cases.inputs` makes now. Anything else is :class:`trtdeconv_docs.replay.ReplayMiss`
naming the case, what differs and the command that records it on a GPU; nothing here
computes TensorRT's answer. The models are looked up beside the recordings folder
(``recordings/../onnx_models``), so a test root carries its own.

PyTorch's peer runs (``recordings/onnx-pytorch/<case>.json``) are read the same way.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Dict, List, Optional

from .. import recordings
from ..replay import ReplayMiss
from ..tensors import digest, digest_of
from . import cases
from .recorder import FOLDER, settings
from .pytorch_peer import FOLDER as PYTORCH_FOLDER

RECORD_COMMAND = ("record it on a machine with TensorRT and a GPU: `bash tools/gpu/onnx.sh OUTDIR`, then copy "
                  "OUTDIR/recordings/onnx and OUTDIR/recordings/onnx-pytorch to recordings/ and commit them")


def models_root() -> Path:
    """The folder holding ``onnx_models/``: the parent of the recordings folder in use."""
    return recordings.root().parent


def _read(folder: str, name: str) -> Dict[str, Any]:
    path = recordings.root() / folder / name
    if not path.is_file():
        raise ReplayMiss(f"trtdeconv-docs: ONNX case {Path(name).stem}: never recorded on a GPU (no "
                         f"{path.relative_to(recordings.root().parent)}); {RECORD_COMMAND}")
    try:
        return recordings.read_json(path)
    except recordings.RecordingError as error:
        raise ReplayMiss(f"trtdeconv-docs: {error}") from None


def case_recording(case: cases.Case) -> Dict[str, Any]:
    """The verified recording of ``case``, refused unless it was made from the committed model's bytes."""
    document = _read(FOLDER, f"cases/{case.name}.json")
    model = cases.model_path(models_root(), case)
    if not model.is_file():
        raise ReplayMiss(f"trtdeconv-docs: ONNX case {case.name}: {model} is missing")
    now = hashlib.sha256(model.read_bytes()).hexdigest()
    if now != document["model_sha256"]:
        raise ReplayMiss(f"trtdeconv-docs: ONNX case {case.name}: {cases.MODELS}/{case.name}.onnx differs from the "
                         f"model recorded on a GPU (sha256 {now[:12]}…, recorded {document['model_sha256'][:12]}…); "
                         f"{RECORD_COMMAND}")
    return document


def _check_inputs(case: cases.Case, runs: List[Dict[str, Any]], where: str) -> None:
    for run in runs:
        shape = tuple(run["inputs"]["x"]["shape"])
        asked = {name: digest(array) for name, array in sorted(cases.inputs(case, shape).items())}
        recorded = {name: digest_of(data) for name, data in sorted(run["inputs"].items())}
        if asked != recorded:
            names = sorted(n for n in set(asked) | set(recorded) if asked.get(n) != recorded.get(n))
            raise ReplayMiss(f"trtdeconv-docs: ONNX case {case.name}, {where}: input bytes of {', '.join(names)} "
                             f"(shape {list(shape)}) differ from the recording; {RECORD_COMMAND}")


def build(case: cases.Case, precision: str = "fp32") -> Dict[str, Any]:
    """The recorded parse/build/runs of ``case`` at ``precision``, matched by model, settings and inputs."""
    document = case_recording(case)
    asked = settings(case, precision)
    entry: Optional[Dict[str, Any]] = next((b for b in document["builds"] if b["settings"] == asked), None)
    if entry is None:
        recorded = "; ".join(str(b["settings"]) for b in document["builds"])
        raise ReplayMiss(f"trtdeconv-docs: ONNX case {case.name}: builder settings {asked} never recorded "
                         f"(recorded: {recorded}); {RECORD_COMMAND}")
    if "recorder_failure" in entry:
        raise ReplayMiss(f"trtdeconv-docs: ONNX case {case.name}, {precision}: the recorder failed on the GPU "
                         f"({entry['recorder_failure'].strip().splitlines()[-1]}); fix it and record again")
    _check_inputs(case, entry.get("runs", []), precision)
    return entry


def provenance() -> Dict[str, Any]:
    """The GPU run's provenance (from the ``onnx`` folder's manifest)."""
    try:
        return recordings.provenance(recordings.root() / FOLDER)
    except recordings.RecordingError as error:
        raise ReplayMiss(f"trtdeconv-docs: {error}") from None


def polygraphy(case: cases.Case) -> Dict[str, Any]:
    """The recorded ``polygraphy run`` of ``case`` (its model must be the recorded one)."""
    case_recording(case)
    return _read(FOLDER, f"polygraphy/{case.name}.json")


def pytorch(case: cases.Case) -> Dict[str, Any]:
    """PyTorch's recorded peer of ``case`` (``not_expressible`` or its runs), inputs checked."""
    document = _read(PYTORCH_FOLDER, f"{case.name}.json")
    _check_inputs(case, document.get("runs", []), "PyTorch")
    return document
