"""The GPU side's recorder of example runs (it only writes; :mod:`trtdeconv_docs.cassette.store` reads).

One JSON file per example, ``<example stem>.json``, in the scratch folder named by the
environment variable ``TRTDECONV_RECORD_DIR`` (set by :mod:`trtdeconv_docs.cassette.runner`,
which then publishes the folder with its manifest). Each file holds the format version,
the example's source sha256, the provenance (TensorRT, CUDA runtime and driver, GPU,
Python, NumPy, date) and the runs: label, logged network calls, builder settings,
inputs, outputs (or TensorRT's refusal), the network as TensorRT describes it, and the
engine's tactics and build time.
"""

from __future__ import annotations

import hashlib
import inspect
import os
from pathlib import Path
from typing import Any, Dict, List, Optional

import numpy as np

from .store import FORMAT
from ..tensors import encode, encode_or_digest

ENVIRONMENT_VARIABLE = "TRTDECONV_RECORD_DIR"
_runs: Dict[str, List[Dict[str, Any]]] = {}


def enabled() -> bool:
    """Whether runs are being recorded (``TRTDECONV_RECORD_DIR`` is set)."""
    return bool(os.environ.get(ENVIRONMENT_VARIABLE))


def source_sha256(path) -> str:
    """sha256 of a source file read as text with universal newlines (as sphinx-gallery reads it)."""
    return hashlib.sha256(Path(path).read_text(encoding="utf-8").encode("utf-8")).hexdigest()


def caller_file() -> str:
    """Source file of the nearest caller outside this package (the example being run).

    Read from the frame's code object: sphinx-gallery compiles each example with its
    file name but does not set ``__file__`` in the example's globals.
    """
    frame = inspect.currentframe()
    while frame is not None and frame.f_globals.get("__name__", "").startswith("trtdeconv_docs"):
        frame = frame.f_back
    if frame is None or not Path(frame.f_code.co_filename).is_file():
        raise RuntimeError("recording needs to be called from a script file")
    return frame.f_code.co_filename


def record_run(caller_file: str, run: Dict[str, Any]) -> Optional[Path]:
    """Append one run (label, calls, settings, inputs, outputs or refusal, ...) to the example's recording.

    Does nothing unless ``TRTDECONV_RECORD_DIR`` is set. Arrays in ``inputs`` and
    ``outputs`` are stored exactly (:mod:`trtdeconv_docs.tensors`).
    """
    if not enabled():
        return None
    from .publisher import gpu_provenance, write_json

    source = Path(caller_file)
    runs = _runs.setdefault(str(source), [])
    if any(recorded["label"] == run["label"] for recorded in runs):
        raise ValueError(f"{source.name}: two runs are labelled {run['label']!r}; labels must be unique")
    run = dict(run)
    if "inputs" in run:  # the example rebuilds its inputs: large ones are matched by digest
        run["inputs"] = {name: encode_or_digest(value) for name, value in run["inputs"].items()}
    if "outputs" in run:  # TensorRT's results: always every value
        run["outputs"] = {name: encode(np.asarray(value)) for name, value in run["outputs"].items()}
    runs.append(run)
    document = {"format": FORMAT, "example": source.name, "source_sha256": source_sha256(source),
                "provenance": gpu_provenance(), "runs": runs}
    return write_json(Path(os.environ[ENVIRONMENT_VARIABLE]) / f"{source.stem}.json", document)
