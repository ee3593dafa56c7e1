"""Re-run the recordings on a GPU and classify every run against the committed one.

No check inside the repository can prove that a recording came from a GPU; a GPU can
reproduce it. ``tools/gpu/reverify.sh`` records every example and the conformance layers
again into a fresh folder on a GPU; this module compares that folder with ``recordings/``
run by run and classifies each:

* ``identical``: the same bytes (or the same refusal);
* ``last_bits``: the outputs differ, but by no more than two FP32 summation-order bounds
  of :mod:`trtdeconv_docs.layer.tolerance` (each run may sit one bound from the exact result),
  with the tactics that changed;
* ``differs``: anything else (a new refusal, another shape, a difference beyond the bound or
  one no bound can judge).

A run on one side only is ``added`` or ``removed`` (the examples changed in between): listed,
not counted as a reproduction. An example the fresh folder lacks was not re-run and is left out.

Usage (on CPU, after the GPU run; the command adds the conformance suite,
:mod:`trtdeconv_docs.conformance.reverification`)::

    python -m trtdeconv_docs.conformance.reverification FRESH [--out recordings/reverification]

``FRESH`` holds ``tensors/`` (a published examples folder) and optionally ``conformance/`` and
``benchmark/`` (a sample of the benchmark's rows measured again: ``trtdeconv_docs.benchmark.reverification``,
whose summary :func:`latest` carries too). Runs are read through :class:`~trtdeconv_docs.cassette.recording.Recording` and
:class:`~trtdeconv_docs.cassette.recording.Run`, like every other reader. The report is published
like every recording (its manifest carries the fresh run's provenance) and the site's
provenance note shows its summary (:func:`latest`).
"""

from __future__ import annotations

import datetime
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

import numpy as np

from ..errors import RecordingError
from ..layer import tolerance
from ..trt.inspector import tactic_names
from . import recompute, store as recordings
from .publisher import publish, write_json
from .recording import Recording, Run

FORMAT = "trtdeconv-reverification/1"
REPORT = "report.json"
FOLDER = "reverification"
STATUSES = ("identical", "last_bits", "differs")
"""What a compared run can be, in the order the report counts them (see the module docstring)."""
SUMMATION_BOUNDS = 2.0
"""Two runs each within one bound of the exact result may differ by two bounds."""
OTHER_SHAPES = "other outputs or shapes"
NOT_RECOMPUTABLE = "not recomputable: no bound to judge the difference by"
REFUSAL_DIFFERS = "refusal differs"
WHYS = (OTHER_SHAPES, NOT_RECOMPUTABLE, REFUSAL_DIFFERS)
"""Why a run ``differs`` when no bound was exceeded (the report's ``why``); a run beyond the bound has none."""


def _tactics(run: Run) -> Dict[str, str]:
    return tactic_names(run.layers)


def _changed_tactics(old: Dict[str, str], new: Dict[str, str]) -> Dict[str, List[str]]:
    return {name: [old.get(name, ""), new.get(name, "")] for name in sorted(set(old) | set(new))
            if old.get(name) != new.get(name)}


def _ulps(a: np.ndarray, b: np.ndarray) -> int:
    """Largest distance in units in the last place between two float32 arrays of one shape."""
    def ordered(x):
        bits = np.ascontiguousarray(x, dtype=np.float32).view(np.int32).astype(np.int64)
        return np.where(bits < 0, -(bits & 0x7FFFFFFF), bits)
    return int(np.abs(ordered(a) - ordered(b)).max(initial=0))


def _largest_difference(a: np.ndarray, b: np.ndarray) -> float:
    """max |a - b| over the elements that differ (equal infinities count as equal)."""
    a, b = a.astype(np.float64), b.astype(np.float64)
    return float(np.abs(np.where(a == b, 0.0, a - b)).max(initial=0))


def compare_outputs(old: Dict[str, np.ndarray], new: Dict[str, np.ndarray],
                    bounds: Optional[Dict[str, float]]) -> Dict[str, Any]:
    """Status of one run from its outputs; ``bounds``: per output, ``max(abs(new - old)) / bound`` (None: not recomputable)."""
    if set(old) != set(new) or any(old[n].shape != new[n].shape for n in old):
        return {"status": "differs", "why": OTHER_SHAPES}
    if all(old[n].tobytes() == new[n].tobytes() for n in old):
        return {"status": "identical"}
    result: Dict[str, Any] = {
        "max_abs": max(_largest_difference(old[n], new[n]) for n in old),
        "max_ulps": max(_ulps(old[n], new[n]) for n in old if old[n].dtype.kind == "f")
        if any(old[n].dtype.kind == "f" for n in old) else None}
    if bounds is None:
        return {**result, "status": "differs", "why": NOT_RECOMPUTABLE}
    worst = max(bounds.values(), default=0.0)
    result["bounds"] = worst
    return {**result, "status": "last_bits" if worst <= SUMMATION_BOUNDS else "differs"}


def _run_bounds(old_run: Run, new_run: Run, known) -> Optional[Dict[str, float]]:
    try:
        recomputed = recompute.recompute(new_run.data, known)
    except (recompute.NotRecomputable, recompute.UnsupportedLayer):
        return None
    result, outputs = {}, old_run.outputs()
    for name, item in recomputed.items():
        old = outputs[name].astype(np.float64)
        try:
            result[name] = tolerance.worst_ratio(item.recorded, old, item.absolute_terms, item.term_counts, item.precision)
        except ValueError:  # the worst-case rule cannot bound this size at this precision (tolerance.gamma)
            return None
    return result


def classify_run(old_run: Optional[Run], new_run: Optional[Run], known) -> Dict[str, Any]:
    """The status of one example run (see the module docstring), with the tactics that changed."""
    if old_run is None or new_run is None:
        return {"status": "added" if old_run is None else "removed"}
    tactics = _changed_tactics(_tactics(old_run), _tactics(new_run))
    extra = {"tactics_changed": tactics} if tactics else {}
    if old_run.refused is not None or new_run.refused is not None:
        same = old_run.refused == new_run.refused
        return {"status": "identical" if same else "differs", **({} if same else {"why": REFUSAL_DIFFERS}), **extra}
    old, new = old_run.outputs(), new_run.outputs()
    needs_bounds = set(old) == set(new) and any(old[n].tobytes() != new[n].tobytes() for n in old if n in new)
    bounds = _run_bounds(old_run, new_run, known) if needs_bounds else {}
    return {**compare_outputs(old, new, bounds), **extra}


def compare_examples(committed: Path, fresh: Path, known_extra=None) -> List[Dict[str, Any]]:
    """One entry per example run of either folder (by example file and label)."""
    entries = []
    names = sorted(p.name for p in recordings.listed(fresh, ".json") if p.is_file())  # what the fresh run re-ran
    for name in names:
        sides = [Recording.read(folder / name) if (folder / name).is_file() else None for folder in (committed, fresh)]
        known = {key: array for side in sides if side is not None
                 for key, array in recompute.known_arrays(side.document).items()}
        known.update(known_extra or {})
        old, new = ({run.label: run for run in (side.runs if side is not None else [])} for side in sides)
        for label in list(old) + [label for label in new if label not in old]:
            entries.append({"example": name, "run": label, **classify_run(old.get(label), new.get(label), known)})
    return entries


def summary(entries: List[Dict[str, Any]]) -> Dict[str, int]:
    """Count of entries per status."""
    return {status: sum(entry["status"] == status for entry in entries) for status in STATUSES}




def examples_report(committed: Path, fresh: Path, known_extra=None) -> Dict[str, Any]:
    """The report of the examples: ``fresh`` (a published ``tensors/`` folder) against ``committed``."""
    entries = compare_examples(committed, fresh, known_extra)
    return {"format": FORMAT, "fresh_provenance": recordings.provenance(fresh),
            "compared": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "committed_provenance": {"tensors": recordings.provenance(committed)},
            "committed_manifests": {committed.name: recordings.sha256(committed / recordings.MANIFEST)},
            "examples": entries, "summary": {"examples": summary(entries)}}


def publish_report(report: Dict[str, Any], target: Path, command: str) -> None:
    """Publish ``report`` as ``target/report.json`` with its manifest (the fresh GPU run's provenance)."""
    with tempfile.TemporaryDirectory() as scratch:
        write_json(Path(scratch) / REPORT, report)
        publish(scratch, target, report["fresh_provenance"], command=command)


@dataclass(frozen=True)
class Reproduced:
    """When and where the recordings were last reproduced on a GPU, and how many runs came out how."""

    date: str
    gpu: str
    tensorrt: str
    counts: Dict[str, int]
    """Runs per status (:data:`STATUSES`), examples and conformance together."""
    benchmark: Dict[str, int] = field(default_factory=dict)
    """Benchmark rows measured again per status (``consistent``, ``inconsistent``; empty when none were)."""
    unlike: List[Dict[str, Any]] = field(default_factory=list)
    """The example runs that were not bit-identical (the report's entries: example, run, status, differences)."""

    @property
    def total(self) -> int:
        """Runs compared."""
        return sum(self.counts.values())


RERUN = ("run it again: `bash tools/gpu/reverify.sh OUT` on a GPU, then "
         "`python -m trtdeconv_docs.conformance.reverification OUT` (README: GPU re-verification)")


def stale_problems() -> List[str]:
    """One line per recordings folder changed since the last re-verification reproduced it (by its manifest's sha256).

    A report written before the manifests were tied to it (no ``committed_manifests``) names none.
    """
    path = recordings.root() / FOLDER / REPORT
    if not path.is_file():
        return []
    report = recordings.read_json(path)
    problems = []
    for folder, digest in sorted(report.get("committed_manifests", {}).items()):
        manifest = recordings.root() / folder / recordings.MANIFEST
        if not manifest.is_file() or recordings.sha256(manifest) != digest:
            problems.append(f"{manifest}: changed since the GPU re-verification of {report['compared'][:10]} "
                            f"reproduced it ({path}); a recording not reproduced on a GPU is not shown: {RERUN}")
    return problems


def latest() -> Optional[Reproduced]:
    """The last re-verification (``recordings/reverification/report.json``, verified), or ``None`` if never run."""
    path = recordings.root() / FOLDER / REPORT
    if not path.is_file():
        return None
    report = recordings.read_json(path)
    if report.get("format") != FORMAT:
        raise RecordingError(f"{path}: format {report.get('format')!r} is not {FORMAT!r}; run the re-verification again")
    provenance = recordings.provenance(path.parent)
    counts = {status: sum(part.get(status, 0) for part in report["summary"].values()) for status in STATUSES}
    unlike = [entry for entry in report["examples"] if entry["status"] in STATUSES[1:]]
    return Reproduced(provenance.get("date", report["compared"])[:10], provenance["gpu"], provenance["tensorrt"], counts,
                      report["summary"].get("benchmark", {}), unlike)
