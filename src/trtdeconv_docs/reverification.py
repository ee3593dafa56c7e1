"""Re-run the recordings on a GPU and classify every run against the committed one.

No check inside the repository can prove that a recording came from a GPU; a GPU can
reproduce it. ``tools/gpu/reverify.sh`` records every example and the conformance layers
again into a fresh folder on a GPU; this module compares that folder with ``recordings/``
run by run and classifies each:

* ``identical``: the same bytes (or the same refusal);
* ``last_bits``: the outputs differ, but by no more than two FP32 summation-order bounds
  of :mod:`trtdeconv_docs.layer.tolerance` (each run may sit one bound from the exact result),
  with the tactics that changed;
* ``differs``: anything else (a new refusal, another shape, a difference beyond the bound,
  a run missing on one side).

Usage (on CPU, after the GPU run)::

    python -m trtdeconv_docs.reverification FRESH [--out recordings/reverification]

``FRESH`` holds ``tensors/`` (a published examples folder) and optionally ``conformance/``.
The report is published like every recording (its manifest carries the fresh run's
provenance) and the site's provenance note shows its summary.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Optional

import numpy as np

from .cassette import recompute, store as recordings
from .cassette.publisher import publish, write_json
from .cassette.tensors import decode
from .layer import tolerance
from .errors import RecordingError
from .trt.inspector import tactic_names

FORMAT = "trtdeconv-reverification/1"
REPORT = "report.json"
FOLDER = "reverification"
STATUSES = ("identical", "last_bits", "differs")
SUMMATION_BOUNDS = 2.0
"""Two runs each within one bound of the exact result may differ by two bounds."""


def _tactics(run: Dict[str, Any]) -> Dict[str, str]:
    return tactic_names(run.get("engine", {}).get("layers", ""))


def _changed_tactics(old: Dict[str, str], new: Dict[str, str]) -> Dict[str, List[str]]:
    return {name: [old.get(name, ""), new.get(name, "")] for name in sorted(set(old) | set(new))
            if old.get(name) != new.get(name)}


def _ulps(a: np.ndarray, b: np.ndarray) -> int:
    """Largest distance in units in the last place between two float32 arrays of one shape."""
    def ordered(x):
        bits = np.ascontiguousarray(x, dtype=np.float32).view(np.int32).astype(np.int64)
        return np.where(bits < 0, -(bits & 0x7FFFFFFF), bits)
    return int(np.abs(ordered(a) - ordered(b)).max(initial=0))


def compare_outputs(old: Dict[str, np.ndarray], new: Dict[str, np.ndarray],
                    bounds: Optional[Dict[str, float]]) -> Dict[str, Any]:
    """Status of one run from its outputs; ``bounds``: per output, max |new - old| / bound (None: not recomputable)."""
    if set(old) != set(new) or any(old[n].shape != new[n].shape for n in old):
        return {"status": "differs", "why": "other outputs or shapes"}
    if all(old[n].tobytes() == new[n].tobytes() for n in old):
        return {"status": "identical"}
    result: Dict[str, Any] = {
        "max_abs": max(float(np.abs(old[n].astype(np.float64) - new[n].astype(np.float64)).max(initial=0)) for n in old),
        "max_ulps": max(_ulps(old[n], new[n]) for n in old if old[n].dtype.kind == "f")
        if any(old[n].dtype.kind == "f" for n in old) else None}
    if bounds is None:
        return {**result, "status": "differs", "why": "not recomputable: no bound to judge the difference by"}
    worst = max(bounds.values(), default=0.0)
    result["bounds"] = worst
    return {**result, "status": "last_bits" if worst <= SUMMATION_BOUNDS else "differs"}


def _run_bounds(old_run: Dict[str, Any], new_run: Dict[str, Any], known) -> Optional[Dict[str, float]]:
    try:
        recomputed = recompute.recompute(new_run, known)
    except (recompute.NotRecomputable, recompute.UnsupportedLayer):
        return None
    result = {}
    for name, item in recomputed.items():
        old = decode(old_run["outputs"][name]).astype(np.float64)
        result[name] = tolerance.worst_ratio(item.recorded, old, item.absolute_terms, item.term_counts, item.precision)
    return result


def classify_run(old_run: Optional[Dict[str, Any]], new_run: Optional[Dict[str, Any]], known) -> Dict[str, Any]:
    """The status of one example run (see the module docstring), with the tactics that changed."""
    if old_run is None or new_run is None:
        return {"status": "differs", "why": "only in the " + ("fresh run" if old_run is None else "committed recording")}
    tactics = _changed_tactics(_tactics(old_run), _tactics(new_run))
    extra = {"tactics_changed": tactics} if tactics else {}
    if "refused" in old_run or "refused" in new_run:
        same = old_run.get("refused") == new_run.get("refused")
        return {"status": "identical" if same else "differs", **({} if same else {"why": "refusal differs"}), **extra}
    old = {n: decode(d) for n, d in old_run["outputs"].items()}
    new = {n: decode(d) for n, d in new_run["outputs"].items()}
    needs_bounds = set(old) == set(new) and any(old[n].tobytes() != new[n].tobytes() for n in old if n in new)
    bounds = _run_bounds(old_run, new_run, known) if needs_bounds else {}
    return {**compare_outputs(old, new, bounds), **extra}


def compare_examples(committed: Path, fresh: Path, known_extra=None) -> List[Dict[str, Any]]:
    """One entry per example run of either folder (by example file and label)."""
    entries = []
    names = sorted({p.name for p in recordings.listed(committed, ".json")} | {p.name for p in recordings.listed(fresh, ".json")})
    for name in names:
        documents = [recordings.read_json(folder / name) if (folder / name).is_file() else {"runs": []}
                     for folder in (committed, fresh)]
        known = {**recompute.known_arrays(documents[0]), **recompute.known_arrays(documents[1]), **(known_extra or {})}
        old, new = ({run["label"]: run for run in document["runs"]} for document in documents)
        for label in list(old) + [label for label in new if label not in old]:
            entries.append({"example": name, "run": label, **classify_run(old.get(label), new.get(label), known)})
    return entries


def compare_conformance(committed: Path, fresh: Path) -> List[Dict[str, Any]]:
    """One entry per run (case and setting) of the fresh conformance recording."""
    from .conformance import model, store

    old = {case.case["id"]: case for case in store.load(committed).cases}
    entries = []
    for case in store.load(fresh).cases:
        before = old.get(case.case["id"])
        for setting, run in case.runs.items():
            entry = {"case": case.case["id"], "setting": setting}
            if run["status"] == "not_run":  # the fresh run's time budget ran out before this one: nothing to compare
                continue
            was = before.runs.get(setting) if before else None
            if was is None:
                entries.append({**entry, "status": "differs", "why": "not in the committed recording"})
                continue
            if run["status"] != was["status"]:
                entries.append({**entry, "status": "differs", "why": f"{was['status']} -> {run['status']}"})
                continue
            if setting not in case.outputs:
                entries.append({**entry, "status": "identical"})
                continue
            expected = model.expected(case.case, case.arrays)
            from .conformance.compare import precision
            chosen = precision(case.case["id"], run)
            a, b = before.outputs[setting], case.outputs[setting]
            bounds = {"out": tolerance.worst_ratio(b, a, expected.absolute_terms, expected.term_counts, chosen)} \
                if a.shape == b.shape else None
            entries.append({**entry, **compare_outputs({"out": a}, {"out": b}, bounds)})
    return entries


def summary(entries: List[Dict[str, Any]]) -> Dict[str, int]:
    """Count of entries per status."""
    return {status: sum(entry["status"] == status for entry in entries) for status in STATUSES}


def build_report(root: Path, fresh: Path) -> Dict[str, Any]:
    """The report document for the fresh GPU folder ``fresh`` against ``root/recordings``."""
    committed = root / "recordings"
    report: Dict[str, Any] = {"format": FORMAT, "fresh_provenance": recordings.provenance(fresh / "tensors"),
                              "compared": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                              "committed_provenance": {"tensors": recordings.provenance(committed / "tensors")}}
    from .question_data import upsampling_tensors
    import hashlib
    rebuilt = {hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest(): a.reshape(-1) for a in upsampling_tensors()}
    report["examples"] = compare_examples(committed / "tensors", fresh / "tensors", rebuilt)
    report["summary"] = {"examples": summary(report["examples"])}
    if (fresh / "conformance").is_dir():
        report["committed_provenance"]["conformance"] = recordings.provenance(committed / "conformance")
        report["conformance"] = compare_conformance(committed / "conformance", fresh / "conformance")
        report["summary"]["conformance"] = summary(report["conformance"])
    return report


def main(argv=None) -> int:
    """Compare a fresh GPU folder with the committed recordings and publish the report."""
    parser = argparse.ArgumentParser(prog="python -m trtdeconv_docs.reverification", description=__doc__.split("\n")[0])
    parser.add_argument("fresh", type=Path, help="the GPU run's folder, holding tensors/ and optionally conformance/")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="repository root (default: current folder)")
    parser.add_argument("--out", type=Path, default=None, help="where to publish (default: ROOT/recordings/reverification)")
    args = parser.parse_args(argv)
    try:
        report = build_report(args.root.resolve(), args.fresh.resolve())
    except RecordingError as error:
        print(f"trtdeconv-docs: {error}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        write_json(Path(scratch) / REPORT, report)
        publish(scratch, args.out or args.root / "recordings" / FOLDER, report["fresh_provenance"],
                command="python -m trtdeconv_docs.reverification " + " ".join(sys.argv[1:] if argv is None else argv))
    print(json.dumps(report["summary"]))
    for entry in report["examples"] + report.get("conformance", []):
        if entry["status"] != "identical":
            print(json.dumps(entry, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
