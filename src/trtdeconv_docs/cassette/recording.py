"""An example's recording as typed objects: :class:`Recording` (one example) holds :class:`Run` (one labelled run).

Every reader of ``recordings/tensors`` goes through these: the player, the ``trt-output`` and
``trt-messages`` directives, the gallery's provenance note and the float64 recompute. The
files are read and verified by :mod:`trtdeconv_docs.cassette.store`; nothing here writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from ..errors import RecordingError
from .tensors import decode, digest, digest_of
from . import store

TENSORS = "tensors"
"""The folder of ``recordings/`` that holds the examples' runs, one JSON per example."""


def folder() -> Path:
    """``recordings/tensors`` of :func:`trtdeconv_docs.cassette.store.root`: where the examples' recordings are."""
    return store.root() / TENSORS


def path_of(example: str) -> Path:
    """The recording of an example (a file name or stem): ``recordings/tensors/<stem>.json``."""
    return folder() / f"{Path(example).stem}.json"


def run_key(calls: List[Dict[str, Any]], settings: Dict[str, Any], inputs) -> Dict[str, Any]:
    """What a run is matched by: logged calls, builder settings and input digests (JSON-able, as recorded)."""
    key = {"calls": calls, "settings": settings,
           "inputs": {name: digest(array) for name, array in sorted(inputs.items())}}
    return json.loads(json.dumps(key))  # as a recording reads back: tuples are lists


def first_difference(recorded: Dict[str, Any], asked: Dict[str, Any]) -> str:
    """Where two run keys first differ: the builder settings, the input bytes, or the first network call."""
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


@dataclass(frozen=True)
class Run:
    """One recorded run of an example: what was asked of TensorRT and what it answered."""

    data: Dict[str, Any]
    """The run as recorded (label, calls, settings, inputs, outputs or refused, network, engine, messages)."""

    @property
    def label(self) -> str:
        """The run's label, unique within its example."""
        return self.data["label"]

    @property
    def settings(self) -> Dict[str, Any]:
        """The builder settings (``tf32``, ``int8``, ``fp16``, ...)."""
        return self.data.get("settings") or {}

    @property
    def refused(self) -> Optional[List[str]]:
        """TensorRT's error lines when it refused to build the network, else ``None``."""
        return self.data.get("refused")

    @property
    def definition_errors(self) -> List[str]:
        """The errors TensorRT logged for calls it ignored (a rejected setter) in a network it then built."""
        return self.data.get("definition_errors", [])

    @property
    def setters(self) -> List[Dict[str, Any]]:
        """What ``Session.set_checked`` saw: attribute, value, raised, logged, read back (one entry per call)."""
        return self.data.get("setters", [])

    @property
    def runtime_calls(self) -> Optional[List[Dict[str, Any]]]:
        """The TensorRT runtime and cuda-python calls of a run made without a session
        (:mod:`trtdeconv_docs.cassette.runtime_calls`), or ``None`` when none were logged."""
        return self.data.get("runtime_calls")

    @property
    def replayable(self) -> bool:
        """Whether the replay can answer the run: its network calls (a session's) or its runtime calls were logged."""
        return self.data.get("calls") is not None or self.runtime_calls is not None

    @property
    def layers(self) -> str:
        """The engine inspector's JSON of the built engine (empty when not recorded)."""
        return self.data.get("engine", {}).get("layers", "")

    def outputs(self) -> Dict[str, np.ndarray]:
        """The outputs by name, exactly as TensorRT computed them."""
        return {name: decode(data) for name, data in self.data["outputs"].items()}

    def key(self) -> Dict[str, Any]:
        """What the run is matched by (:func:`run_key`; large inputs are recorded by digest only)."""
        key = {"calls": self.data["calls"], "settings": self.data["settings"],
               "inputs": {name: digest_of(data) for name, data in sorted(self.data["inputs"].items())}}
        return json.loads(json.dumps(key))

    def tensor(self, which: str) -> Tuple[str, str, np.ndarray]:
        """(``"input"`` or ``"output"``, name, array) for ``output``, ``input`` or a tensor name."""
        groups = {"output": self.data.get("outputs", {}), "input": self.data["inputs"]}
        if which in groups:
            if len(groups[which]) != 1:
                raise RecordingError(f"the run has {len(groups[which])} {which}s ({', '.join(groups[which])}): "
                                     f"name one with :tensor:")
            (name, data), = groups[which].items()
            return which, name, decode(data)
        for kind, tensors in groups.items():
            if which in tensors:
                return kind, which, decode(tensors[which])
        names = ", ".join(list(groups["output"]) + list(groups["input"]))
        raise RecordingError(f"no tensor named {which!r}; the run has {names}")


@dataclass(frozen=True)
class Recording:
    """One example's recording, verified against its manifest (on every read; its parsed ``document`` is shared by
    the reads of the same bytes in a process, :func:`~trtdeconv_docs.cassette.store.read_shared_json`: read only)."""

    path: Path
    document: Dict[str, Any]

    @classmethod
    def read(cls, path) -> "Recording":
        """The recording at ``path``; :class:`~trtdeconv_docs.errors.RecordingError` if missing or not trusted."""
        document = store.read_shared_json(path)
        if not isinstance(document, dict) or not isinstance(document.get("runs"), list):
            raise RecordingError(f"{path}: not an example's recording (it has no runs)")
        return cls(Path(path), document)

    @property
    def example(self) -> str:
        """The example's file name (``plot_03_stride.py``)."""
        return self.document["example"]

    @property
    def source_sha256(self) -> str:
        """The sha256 of the example's source when it was recorded."""
        return self.document["source_sha256"]

    @property
    def provenance(self) -> Dict[str, Any]:
        """TensorRT, CUDA runtime and driver, GPU, Python, NumPy and date of the recording run (from the manifest)."""
        return store.provenance(store.folder_of(self.path))

    @property
    def runs(self) -> List[Run]:
        """Every run, in the order the example made them."""
        return [Run(run) for run in self.document["runs"]]

    @property
    def labels(self) -> List[str]:
        """The labels of the runs, in order."""
        return [run["label"] for run in self.document["runs"]]

    def run(self, label: str) -> Run:
        """The run with this label; :class:`~trtdeconv_docs.errors.RecordingError` naming the others if none."""
        for run in self.runs:
            if run.label == label:
                return run
        labels = ", ".join(repr(label) for label in self.labels)
        raise RecordingError(f"no run labelled {label!r}; the recording has {labels or 'no runs'}")
