"""Recordings: what TensorRT printed on a GPU, with where and when it was printed.

One JSON file per example, ``<example stem>.json``, in the folder named by the
environment variable ``TRTDECONV_RECORD_DIR`` (the GPU build sets it). Each file holds
the example's source hashes (md5 as sphinx-gallery computes it, and sha256), the
provenance (TensorRT, CUDA runtime and driver, GPU, Python, NumPy, date) and the list
of runs: label, network description, inputs, outputs and builder settings.
"""

from __future__ import annotations

import datetime
import hashlib
import inspect
import json
import os
import platform
from pathlib import Path
from typing import Any, Dict, List

import numpy as np

from .tensors import encode

ENVIRONMENT_VARIABLE = "TRTDECONV_RECORD_DIR"
_runs: Dict[str, List[Dict[str, Any]]] = {}


def enabled() -> bool:
    """Whether runs are being recorded (``TRTDECONV_RECORD_DIR`` is set)."""
    return bool(os.environ.get(ENVIRONMENT_VARIABLE))


def source_hashes(path) -> Dict[str, str]:
    """md5 and sha256 of a file read as sphinx-gallery reads it (text, universal newlines)."""
    content = Path(path).read_text(encoding="utf-8").encode("utf-8")
    return {"md5": hashlib.md5(content).hexdigest(), "sha256": hashlib.sha256(content).hexdigest()}


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


def provenance() -> Dict[str, Any]:
    """TensorRT, CUDA, GPU, Python, NumPy and the date, read from this machine."""
    import tensorrt as trt

    from . import cuda_runtime

    cudart = cuda_runtime.runtime_module()
    call = cuda_runtime.call
    properties = call(cudart.cudaGetDeviceProperties, call(cudart.cudaGetDevice))
    name = properties.name
    return {
        "tensorrt": trt.__version__,
        "cuda_runtime": _cuda_version(call(cudart.cudaRuntimeGetVersion)),
        "cuda_driver": _cuda_version(call(cudart.cudaDriverGetVersion)),
        "gpu": (name.decode() if isinstance(name, bytes) else str(name)).rstrip("\x00"),
        "compute_capability": f"{properties.major}.{properties.minor}",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def _cuda_version(number: int) -> str:
    return f"{number // 1000}.{number % 1000 // 10}"


def record_run(*, caller_file: str, label: str, network, inputs, outputs, settings) -> Path:
    """Append one run to the caller example's recording and rewrite its file."""
    source = Path(caller_file)
    runs = _runs.setdefault(str(source), [])
    if any(run["label"] == label for run in runs):
        raise ValueError(f"{source.name}: two runs are labelled {label!r}; labels must be unique")
    runs.append({
        "label": label,
        "network": network,
        "inputs": {name: encode(np.asarray(value)) for name, value in inputs.items()},
        "outputs": {name: encode(value) for name, value in outputs.items()},
        "settings": settings,
    })
    target = Path(os.environ[ENVIRONMENT_VARIABLE]) / f"{source.stem}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    document = {"example": source.name, "source": source_hashes(source), "provenance": provenance(), "runs": runs}
    target.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return target


def load(path) -> Dict[str, Any]:
    """Read one recording file."""
    return json.loads(Path(path).read_text(encoding="utf-8"))
