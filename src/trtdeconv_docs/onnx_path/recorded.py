"""The ONNX cases' GPU recordings read back on any machine, matched like the examples' runs.

A case's recording (``recordings/onnx/cases/<case>.json``) is read and verified by the one
reader, :mod:`trtdeconv_docs.cassette.store`, into a typed :class:`CaseRecording` (one
model) holding a :class:`Build` per builder precision, whose runs are
:class:`trtdeconv_docs.cassette.recording.Run` objects like the examples'. It answers only
for the model it was made from: the committed ``onnx_models/<case>.onnx`` must have the
recorded sha256, the build must have the builder settings asked for
(:func:`.recorder.settings`) and every run the inputs that :func:`.cases.inputs` makes now.
Anything else is :class:`trtdeconv_docs.errors.ReplayMiss` naming the case, what differs and
the command that records it on a GPU; nothing here computes TensorRT's answer. The models are
looked up beside the recordings folder (``recordings/../onnx_models``), so a test root carries
its own.

There is no switch of its own: in every :mod:`~trtdeconv_docs.cassette.mode` the ONNX cases
are answered from :func:`trtdeconv_docs.cassette.store.root` (``$TRTDECONV_RECORDINGS``), as the
``trt-output`` directive answers the examples. PyTorch's peer runs
(``recordings/onnx-pytorch/<case>.json``) are read the same way.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

from ..cassette import store
from ..cassette.recording import Run
from ..cassette.tensors import digest, digest_of
from ..errors import RecordingError, ReplayMiss
from . import cases
from .pytorch_peer import FOLDER as PYTORCH_FOLDER
from .recorder import FOLDER, settings

RECORD_COMMAND = ("record it on a machine with TensorRT and a GPU: `bash tools/gpu/onnx.sh OUTDIR`, then copy "
                  "OUTDIR/recordings/onnx and OUTDIR/recordings/onnx-pytorch to recordings/ and commit them")


@dataclass(frozen=True)
class Build:
    """One recorded parse (and build, and runs) of a case at one builder precision."""

    data: Dict[str, Any]

    @property
    def settings(self) -> Dict[str, Any]:
        """The builder settings it was recorded with (:func:`.recorder.settings`)."""
        return self.data["settings"]

    @property
    def parsed(self) -> bool:
        """Whether ``OnnxParser.parse`` accepted the model."""
        return bool(self.data["parsed"])

    @property
    def parser_errors(self) -> List[Dict[str, Any]]:
        """The parser's errors: ``text`` verbatim and each field (``code``, ``desc``, ``node``, ...)."""
        return self.data["parser_errors"]

    @property
    def layers(self) -> List[Dict[str, Any]]:
        """The network's layers as TensorRT described them after parsing (empty if refused)."""
        return (self.data.get("network") or {}).get("layers", [])

    @property
    def build_error(self) -> Optional[List[str]]:
        """The builder's error lines when it refused the parsed network, else ``None``."""
        return self.data.get("build_error")

    @property
    def runs(self) -> List[Run]:
        """One run per input shape: its ``inputs`` and ``outputs``, or TensorRT's run-time ``error``."""
        return [Run(run) for run in self.data.get("runs", [])]

    @property
    def recorder_failure(self) -> Optional[str]:
        """The traceback of this package's recorder where it failed on TensorRT's output, else ``None``."""
        return self.data.get("recorder_failure")

    @property
    def log(self) -> List[str]:
        """TensorRT's logger's warnings and errors, ``[SEVERITY] message``."""
        return self.data.get("log", [])


@dataclass(frozen=True)
class CaseRecording:
    """One case's recording: its model's identity and one :class:`Build` per builder precision."""

    path: Path
    document: Dict[str, Any]

    @classmethod
    def read(cls, path) -> "CaseRecording":
        """The verified recording at ``path`` (:class:`~trtdeconv_docs.errors.RecordingError` if not trusted)."""
        return cls(Path(path), store.read_json(path))

    @property
    def model_sha256(self) -> str:
        """The sha256 of the ONNX model it was recorded from."""
        return self.document["model_sha256"]

    @property
    def builds(self) -> List[Build]:
        """Every build, in the order recorded."""
        return [Build(entry) for entry in self.document["builds"]]


def models_root() -> Path:
    """The folder holding ``onnx_models/``: the parent of the recordings folder in use."""
    return store.root().parent


def _path(folder: str, name: str) -> Path:
    path = store.root() / folder / name
    if not path.is_file():
        raise ReplayMiss(f"trtdeconv-docs: ONNX case {Path(name).stem}: never recorded on a GPU (no "
                         f"{path.relative_to(store.root().parent)}); {RECORD_COMMAND}")
    return path


def _read_json(folder: str, name: str) -> Dict[str, Any]:
    return _replayed(store.read_json, _path(folder, name))


def _replayed(read: Callable[[Path], Any], path: Path) -> Any:
    """``read(path)``, a refused recording turned into the replay's one-line miss."""
    try:
        return read(path)
    except RecordingError as error:
        raise ReplayMiss(f"trtdeconv-docs: {error}") from None


def case_recording(case: cases.Case) -> CaseRecording:
    """The verified recording of ``case``, refused unless it was made from the committed model's bytes."""
    recording = _replayed(CaseRecording.read, _path(FOLDER, f"cases/{case.name}.json"))
    model = cases.model_path(models_root(), case)
    if not model.is_file():
        raise ReplayMiss(f"trtdeconv-docs: ONNX case {case.name}: {model} is missing")
    now = hashlib.sha256(model.read_bytes()).hexdigest()
    if now != recording.model_sha256:
        raise ReplayMiss(f"trtdeconv-docs: ONNX case {case.name}: {cases.MODELS}/{case.name}.onnx differs from the "
                         f"model recorded on a GPU (sha256 {now[:12]}…, recorded {recording.model_sha256[:12]}…); "
                         f"{RECORD_COMMAND}")
    return recording


def _check_inputs(case: cases.Case, runs: List[Run], where: str) -> None:
    for run in runs:
        shape = tuple(run.data["inputs"]["x"]["shape"])
        asked = {name: digest(array) for name, array in sorted(cases.inputs(case, shape).items())}
        recorded = {name: digest_of(data) for name, data in sorted(run.data["inputs"].items())}
        if asked != recorded:
            names = sorted(n for n in set(asked) | set(recorded) if asked.get(n) != recorded.get(n))
            raise ReplayMiss(f"trtdeconv-docs: ONNX case {case.name}, {where}: input bytes of {', '.join(names)} "
                             f"(shape {list(shape)}) differ from the recording; {RECORD_COMMAND}")


def build(case: cases.Case, precision: str = "fp32") -> Build:
    """The recorded parse/build/runs of ``case`` at ``precision``, matched by model, settings and inputs.

    A build whose recording holds a ``recorder_failure`` (this package's reader failed on
    TensorRT's output on the GPU) is returned as such, without runs: the page shows it as not
    recorded, with :func:`.recorder.command_for` the command that records it."""
    recording = case_recording(case)
    asked = settings(case, precision)
    entry = next((b for b in recording.builds if b.settings == asked), None)
    if entry is None:
        recorded = "; ".join(str(b.settings) for b in recording.builds)
        raise ReplayMiss(f"trtdeconv-docs: ONNX case {case.name}: builder settings {asked} never recorded "
                         f"(recorded: {recorded}); {RECORD_COMMAND}")
    _check_inputs(case, entry.runs, precision)
    return entry


def provenance(folder: str = FOLDER) -> Dict[str, Any]:
    """The GPU run's provenance from a folder's manifest (``onnx``, or ``onnx-pytorch``)."""
    try:
        return store.provenance(store.root() / folder)
    except RecordingError as error:
        raise ReplayMiss(f"trtdeconv-docs: {error}") from None


def run_summary() -> Dict[str, List[str]]:
    """The GPU run's ``summary.json``: the case names ``recorded``, ``skipped`` and ``failed``."""
    return _read_json(FOLDER, "summary.json")


def polygraphy(case: cases.Case) -> Dict[str, Any]:
    """The recorded ``polygraphy run`` of ``case`` (its model must be the recorded one)."""
    case_recording(case)
    return _read_json(FOLDER, f"polygraphy/{case.name}.json")


def pytorch(case: cases.Case) -> Dict[str, Any]:
    """PyTorch's recorded peer of ``case``: ``not_expressible``, or ``runs`` (:class:`~trtdeconv_docs.cassette.recording.Run` objects), inputs checked."""
    document = _read_json(PYTORCH_FOLDER, f"{case.name}.json")
    if "not_expressible" in document:
        return {"not_expressible": document["not_expressible"]}
    runs = [Run(run) for run in document.get("runs", [])]
    _check_inputs(case, runs, "PyTorch")
    return {"runs": runs}


def recorded_folders() -> List[Path]:
    """Every file of ``recordings/onnx`` and ``recordings/onnx-pytorch`` (what a page that shows them depends on)."""
    return [path for folder in (FOLDER, PYTORCH_FOLDER) for path in store.listed(store.root() / folder)]
