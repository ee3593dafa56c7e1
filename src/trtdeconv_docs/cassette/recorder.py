"""The GPU side's recorder of example runs (it only writes; :mod:`trtdeconv_docs.cassette.recording` reads).

One JSON file per example, ``<example stem>.json``, in the folder of the ``record`` mode
(:mod:`trtdeconv_docs.cassette.mode`; the runner, :mod:`trtdeconv_docs.cassette.runner`, chooses it and then publishes the folder with
its manifest). Each file holds the format version,
the example's source sha256, the provenance (TensorRT, CUDA runtime and driver, GPU,
Python, NumPy, date) and the runs: label, logged network calls, builder settings,
inputs, outputs (or TensorRT's refusal: a build that produced no engine), the errors
TensorRT logged for calls it ignored in a network it then built (``definition_errors``),
what ``Session.set_checked`` saw (``setters``), the network as TensorRT describes it, and
the engine's tactics and build time.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Dict, List, Optional

import numpy as np

from .tensors import encode, encode_or_digest
from .store import FORMAT


def source_sha256(path) -> str:
    """sha256 of a source file read as text with universal newlines (as sphinx-gallery reads it)."""
    return hashlib.sha256(Path(path).read_text(encoding="utf-8").encode("utf-8")).hexdigest()


def encode_arrays(value):
    """``value`` with every NumPy array in it replaced by :func:`trtdeconv_docs.cassette.tensors.encode_or_digest`."""
    if isinstance(value, np.ndarray):
        return encode_or_digest(value)
    if isinstance(value, dict):
        return {key: encode_arrays(item) for key, item in value.items()}
    if isinstance(value, list):
        return [encode_arrays(item) for item in value]
    return value


class Recorder:
    """Writes the runs of the examples into one folder; the provenance is read once, at the first run."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self._runs: Dict[str, List[Dict[str, Any]]] = {}
        self._provenance: Optional[Dict[str, Any]] = None

    def record_run(self, example: str, run: Dict[str, Any]) -> Path:
        """Append one run (label, calls, settings, inputs, outputs or refusal, ...) to the example's recording.

        Arrays in ``inputs`` and ``outputs`` are stored exactly (:mod:`trtdeconv_docs.cassette.tensors`).
        """
        from .publisher import gpu_provenance, write_json

        source = Path(example)
        runs = self._runs.setdefault(str(source), [])
        if any(recorded["label"] == run["label"] for recorded in runs):
            raise ValueError(f"{source.name}: two runs are labelled {run['label']!r}; labels must be unique")
        run = dict(run)
        if "inputs" in run:  # the example rebuilds its inputs: large ones are matched by digest
            run["inputs"] = {name: encode_or_digest(value) for name, value in run["inputs"].items()}
        if "outputs" in run:  # TensorRT's results: always every value
            run["outputs"] = {name: encode(np.asarray(value)) for name, value in run["outputs"].items()}
        if "network" in run:  # the weights TensorRT reports back, like the inputs
            run["network"] = encode_arrays(run["network"])
        runs.append(run)
        if self._provenance is None:
            self._provenance = gpu_provenance()
        document = {"format": FORMAT, "example": source.name, "source_sha256": source_sha256(source),
                    "provenance": self._provenance, "runs": runs}
        return write_json(self.folder / f"{source.stem}.json", document)
