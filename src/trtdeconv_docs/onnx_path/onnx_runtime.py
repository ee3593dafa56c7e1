"""ONNX Runtime's answer for a case, computed on the CPU (at build or test time, never recorded or typed).

One ``InferenceSession`` per model file (CPU provider, one thread, warnings silenced: a
shape ONNX's inference guessed differently is a finding the page reports from the
numbers, not a log line). :func:`compare` puts a TensorRT run beside it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict

import numpy as np

from ..cassette.recording import Run


@lru_cache(maxsize=None)
def _session(path: str, _stamp: float):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 4  # fatal only: a refusal is raised (and shown) anyway, not also printed
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def run(model: Path, inputs: Dict[str, np.ndarray]) -> Dict[str, np.ndarray]:
    """ONNX Runtime's outputs by name for ``inputs``; its error is raised as it comes."""
    model = Path(model)
    session = _session(str(model.resolve()), model.stat().st_mtime_ns)
    names = [output.name for output in session.get_outputs()]
    return dict(zip(names, session.run(names, inputs)))


def version() -> str:
    """The installed ONNX Runtime's version."""
    import onnxruntime

    return onnxruntime.__version__


def compare(model: Path, recorded_run: Run) -> Dict[str, Any]:
    """TensorRT's recorded output ``y`` beside ONNX Runtime's for the same inputs.

    Returns the two shapes and, when they agree, the largest absolute difference.
    """
    inputs = {name: recorded_run.tensor(name)[2] for name in recorded_run.data["inputs"]}
    theirs = run(model, inputs)["y"]
    ours = recorded_run.outputs()["y"]
    result: Dict[str, Any] = {"tensorrt_shape": list(ours.shape), "onnxruntime_shape": list(theirs.shape)}
    if ours.shape == theirs.shape:
        result["max_abs_difference"] = float(np.max(np.abs(ours.astype(np.float64) - theirs), initial=0.0))
    return result
