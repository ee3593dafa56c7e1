"""The conformance recording: ``cases.json`` (cases, verdicts, tactics) and ``arrays.npz`` (tensors).

``cases.json`` holds the run's header (format, seed, provenance, timings, the networks
built) and ``cases``: each case dict of :mod:`.generate` with ``runs``, one run record per
builder setting (``fp32``, ``tf32`` or ``int8``) whose ``status`` is ``built``,
``refused`` or ``not_run``. ``arrays.npz`` holds plain numeric arrays only, keyed
``<case id>_<name>``: ``input``, ``kernel``, ``bias`` and ``out_<setting>`` for each
built run, so it loads with ``allow_pickle=False``. Probe runs (:mod:`.probes`) have no
output array: ``added`` (accepted while added, never built) or ``built`` with the engine's
``output_shape`` only.

:func:`save` writes into a scratch folder; the GPU command publishes it into
``recordings/`` with :func:`trtdeconv_docs.cassette.publisher.publish`, and :func:`load`
reads it back through :mod:`trtdeconv_docs.cassette.store` (manifest verified).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List

import numpy as np

from ..cassette import store as recordings

FORMAT = "trtdeconv-conformance/1"
CASES_FILE = "cases.json"
ARRAYS_FILE = "arrays.npz"


@dataclass
class RecordedCase:
    """One case as recorded: the case dict, its runs by setting, its arrays and TensorRT's outputs."""

    case: Dict[str, Any]
    runs: Dict[str, Dict[str, Any]]
    arrays: Dict[str, np.ndarray]
    outputs: Dict[str, np.ndarray]


@dataclass
class Recording:
    """A whole recording: the header (everything but the cases) and the cases."""

    header: Dict[str, Any]
    cases: List[RecordedCase]


def output_name(setting: str) -> str:
    """The array name of a run's output: ``out_fp32``, ``out_tf32`` or ``out_int8``."""
    return f"out_{setting}"


def save(directory, header: Dict[str, Any], cases: List[Dict[str, Any]], arrays: Dict[str, Dict[str, np.ndarray]]) -> None:
    """Write ``cases.json`` and ``arrays.npz``; ``arrays`` maps case id -> array name -> array."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    flat = {}
    for case_id, named in arrays.items():
        for name, array in named.items():
            array = np.asarray(array)
            if array.dtype.kind not in "biuf":
                raise TypeError(f"{case_id}_{name}: dtype {array.dtype} is not a plain numeric type")
            flat[f"{case_id}_{name}"] = array
    np.savez_compressed(directory / ARRAYS_FILE, **flat)
    # One line per case: compact, and a re-recording diffs case by case.
    head = json.dumps({**header, "format": FORMAT}, indent=1)[:-2]
    lines = ",\n".join(json.dumps(case, separators=(",", ":")) for case in cases)
    (directory / CASES_FILE).write_text(f'{head},\n "cases": [\n{lines}\n]}}\n', encoding="utf-8")


def has_output(case: Dict[str, Any], run: Dict[str, Any]) -> bool:
    """Whether a run recorded an output array: built and run (probes are never run)."""
    return run["status"] == "built" and "probe" not in case


def load(directory) -> Recording:
    """Read a published recording (manifest verified, provenance from it); every run with an output gets its array."""
    directory = Path(directory)
    document = recordings.read_json(directory / CASES_FILE)
    if document.get("format") != FORMAT:
        raise recordings.RecordingError(f"{directory / CASES_FILE}: format {document.get('format')!r}, "
                                        f"expected {FORMAT!r}; record again on a GPU")
    arrays: Dict[str, Dict[str, np.ndarray]] = {}
    with np.load(io.BytesIO(recordings.read_bytes(directory / ARRAYS_FILE)), allow_pickle=False) as npz:
        for key in npz.files:
            case_id, name = key.split("_", 1)
            arrays.setdefault(case_id, {})[name] = npz[key]
    recorded = []
    for entry in document.pop("cases"):
        case = {k: v for k, v in entry.items() if k != "runs"}
        named = arrays.get(case["id"], {})
        outputs = {}
        for setting, run in entry["runs"].items():
            if has_output(case, run):
                if output_name(setting) not in named:
                    raise recordings.RecordingError(
                        f"{directory / ARRAYS_FILE}: lacks {case['id']}_{output_name(setting)} of a built run; "
                        f"record again on a GPU")
                outputs[setting] = named[output_name(setting)]
        inputs = {k: v for k, v in named.items() if not k.startswith("out_")}
        recorded.append(RecordedCase(case=case, runs=entry["runs"], arrays=inputs, outputs=outputs))
    document["provenance"] = recordings.provenance(directory)  # kept once, in the manifest
    return Recording(header=document, cases=recorded)
