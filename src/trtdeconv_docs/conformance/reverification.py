"""The GPU re-verification command: the examples (:mod:`trtdeconv_docs.cassette.reverification`) and the conformance suite.

Usage (on CPU, after ``bash tools/gpu/reverify.sh FRESH`` on a GPU)::

    python -m trtdeconv_docs.conformance.reverification FRESH [--out recordings/reverification]

``FRESH`` holds ``tensors/`` (a published examples folder) and optionally ``conformance/`` and
``benchmark/`` (the TensorRT runner's ``tensorrt.json`` for a sample of the committed rows,
``trtdeconv_docs.benchmark.reverification``). Each run is classified ``identical``, ``last_bits``
or ``differs``, each benchmark row ``consistent`` or ``inconsistent`` (or ``other_gpu``); the report is published
under ``recordings/reverification`` (manifest: the fresh run's provenance) and the site's
provenance note shows its summary. The command lives here, above ``cassette/``, because it
reads the conformance suite too.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Dict, List

from ..benchmark import reverification as benchmark_reverification
from ..benchmark import tensorrt_file
from ..cassette import recompute
from ..cassette import store as recordings
from ..cassette.reverification import FOLDER, compare_outputs, examples_report, publish_report, summary
from ..errors import RecordingError
from ..layer import tolerance
from ..question_data import digest_only_tensors
from . import model, store
from .compare import precision


def compare_conformance(committed: Path, fresh: Path) -> List[Dict[str, Any]]:
    """One entry per run (case and setting) of the fresh conformance recording."""
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
            chosen = precision(case.case["id"], run)
            a, b = before.outputs[setting], case.outputs[setting]
            bounds = {"out": tolerance.worst_ratio(b, a, expected.absolute_terms, expected.term_counts, chosen)} \
                if a.shape == b.shape else None
            entries.append({**entry, **compare_outputs({"out": a}, {"out": b}, bounds)})
    return entries


def build_report(root: Path, fresh: Path) -> Dict[str, Any]:
    """The report document for the fresh GPU folder ``fresh`` against ``root/recordings``."""
    committed = root / "recordings"
    rebuilt = recompute.by_digest(digest_only_tensors())
    report = examples_report(committed / "tensors", fresh / "tensors", rebuilt)
    if (fresh / "conformance").is_dir():
        report["committed_provenance"]["conformance"] = recordings.provenance(committed / "conformance")
        report["committed_manifests"]["conformance"] = recordings.sha256(committed / "conformance" / recordings.MANIFEST)
        report["conformance"] = compare_conformance(committed / "conformance", fresh / "conformance")
        report["summary"]["conformance"] = summary(report["conformance"])
    if (fresh / benchmark_reverification.FRESH / tensorrt_file).is_file():  # the rows measured again
        report["committed_provenance"]["benchmark"] = recordings.provenance(committed / "benchmark")
        report["committed_manifests"]["benchmark"] = recordings.sha256(committed / "benchmark" / recordings.MANIFEST)
        report["benchmark"] = benchmark_reverification.compare(committed / "benchmark",
                                                               fresh / benchmark_reverification.FRESH)
        report["summary"]["benchmark"] = benchmark_reverification.summary(report["benchmark"])
    return report


def main(argv=None) -> int:
    """Compare a fresh GPU folder with the committed recordings and publish the report."""
    parser = argparse.ArgumentParser(prog="python -m trtdeconv_docs.conformance.reverification",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("fresh", type=Path, help="the GPU run's folder, holding tensors/ and optionally conformance/ and benchmark/")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="repository root (default: current folder)")
    parser.add_argument("--out", type=Path, default=None, help="where to publish (default: ROOT/recordings/reverification)")
    args = parser.parse_args(argv)
    try:
        report = build_report(args.root.resolve(), args.fresh.resolve())
    except RecordingError as error:
        print(f"trtdeconv-docs: {error}", file=sys.stderr)
        return 2
    publish_report(report, args.out or args.root / "recordings" / FOLDER,
                   "python -m trtdeconv_docs.conformance.reverification "
                   + " ".join(sys.argv[1:] if argv is None else argv))
    print(json.dumps(report["summary"]))
    for entry in report["examples"] + report.get("conformance", []) + report.get("benchmark", []):
        if entry["status"] not in ("identical", "consistent"):
            print(json.dumps(entry, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
