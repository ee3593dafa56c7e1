"""The benchmark's part of the GPU re-verification: a sample of the committed TensorRT rows measured again.

No check inside the repository can tell samples that were halved, every summary recomputed from
them, from samples a GPU measured; a GPU can measure the same rows again. ``tools/gpu/reverify.sh``
runs the TensorRT runner (:mod:`.tensorrt`, the same method: same builder settings, warm-up rule,
CUDA-graph timing, ceilings first in the same process) on the rows :func:`sample` picks, and
:func:`compare` classifies each against the committed row:

``consistent``
    the fresh median lies in the committed run's interquartile range widened by the clock
    bound on both sides, ``[q1 / CLOCK_RATIO, q3 * CLOCK_RATIO]``;
``inconsistent``
    anything else: a median outside that range, a fresh run not measured (refused, failed,
    not run) or whose output check failed;
``other_gpu``
    the fresh run was made on another GPU model than the committed row: listed, counted as
    neither (an H200's memory is 1.4x faster than an H100's; no bound covers both).

The bound, :data:`CLOCK_RATIO` = 1.25: on one GPU model, with one runner and one warm-up rule,
two sessions differ mostly by the SM clock. The recording's clocks are unlocked (boost): an
H100 SXM runs between its base clock, 1590 MHz, and its boost clock, 1980 MHz, a ratio of 1.245,
so a compute-bound kernel's time may move by up to 1.25x between two sessions that both hold at
least the base clock; a memory-bound one moves less (the HBM clock does not boost). A run slowed
further (power-capped below base, as the FP16 GEMM ceiling was) is reported inconsistent, with
both runs' NVML readings in the report for the reader to judge. The bound still catches what
matters to the page: its verdicts turn on a factor of two (:data:`.roofline.WITHIN`), and halved
samples put the fresh median near twice the committed one, far outside ``q3 * 1.25``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

from . import analysis, tensorrt_file

CLOCK_RATIO = 1.25
"""How far one GPU model's medians may move between sessions: its boost over its base clock (see above)."""
SAMPLE_SIZE = 6
STATUSES = ("consistent", "inconsistent")
FRESH = "benchmark"
"""The fresh GPU folder's sub-folder holding the runner's ``tensorrt.json``."""


def committed_gpu(bench: analysis.Benchmark, record: Dict[str, Any]) -> str:
    """The GPU a committed TensorRT row was measured on (its session's, for a row kept from an earlier one)."""
    sessions = bench.tensorrt.get("sessions", [])
    if "session" in record and record["session"] < len(sessions):
        return sessions[record["session"]]["provenance"]["gpu"]
    return bench.provenance["tensorrt"]["gpu"]


def sample(bench: analysis.Benchmark, size: int = SAMPLE_SIZE) -> List[str]:
    """The run ids to measure again: usable measured TensorRT rows, spread over workloads and precisions.

    Deterministic: rows in id order; first those whose workload and precision are both new, then those
    with a new workload, then a new precision, then any.
    """
    rows = sorted((r for r in analysis.shown(bench.tensorrt["runs"]) if analysis.median_ms(r) is not None),
                  key=lambda r: r["id"])
    chosen: List[Dict[str, Any]] = []
    for new in (lambda r, w, p: r["workload"] not in w and r["precision"] not in p,
                lambda r, w, p: r["workload"] not in w, lambda r, w, p: r["precision"] not in p,
                lambda r, w, p: True):
        for row in rows:
            if len(chosen) == size:
                break
            workloads, precisions = {r["workload"] for r in chosen}, {r["precision"] for r in chosen}
            if row not in chosen and new(row, workloads, precisions):
                chosen.append(row)
    return [row["id"] for row in chosen]


def classify(committed: Dict[str, Any], fresh: Optional[Dict[str, Any]], same_gpu: bool) -> Dict[str, Any]:
    """One row's status (see the module docstring), with both medians, the committed IQR and the ratio."""
    before = analysis.statistics(committed["samples_ms"])
    entry: Dict[str, Any] = {"run": committed["id"], "committed_ms": before,
                             "range_ms": [before["q1"] / CLOCK_RATIO, before["q3"] * CLOCK_RATIO]}
    if fresh is None or analysis.median_ms(fresh) is None:
        status = fresh.get("status", "not run") if fresh else "not measured again"
        return {**entry, "status": "inconsistent", "why": f"fresh run: {status}"}
    after = analysis.statistics(fresh["samples_ms"])
    entry.update(fresh_ms=after, ratio=after["median"] / before["median"],
                 iqr_overlap=after["q1"] <= before["q3"] and before["q1"] <= after["q3"],
                 nvml={"committed": committed.get("nvml_after"), "fresh": fresh.get("nvml_after")})
    if not same_gpu:
        return {**entry, "status": "other_gpu"}
    worst = fresh.get("check", {}).get("worst_ratio")
    if worst is not None and worst > 1:  # max |error| / bound of the tolerance rule (benchmark.check)
        return {**entry, "status": "inconsistent", "why": "fresh output outside the tolerance rule"}
    low, high = entry["range_ms"]
    if not low <= after["median"] <= high:
        return {**entry, "status": "inconsistent",
                "why": f"fresh median {after['median']:.4g} ms outside [{low:.4g}, {high:.4g}] ms"}
    return {**entry, "status": "consistent"}


def compare(committed: Path, fresh: Path) -> List[Dict[str, Any]]:
    """One entry per row the fresh run (``fresh/tensorrt.json``, the runner's output) measured again."""
    bench = analysis.load(committed)
    document = json.loads((fresh / tensorrt_file).read_text(encoding="utf-8"))
    gpu = document["provenance"]["gpu"]
    fresh_rows = {record["id"]: record for record in document["runs"]}
    rows = {record["id"]: record for record in bench.tensorrt["runs"]}
    entries = []
    for run_id in sorted(fresh_rows):
        if fresh_rows[run_id].get("status") == "not_run":  # the fresh run's time budget ran out first: not compared
            continue
        if run_id not in rows or analysis.median_ms(rows[run_id]) is None:
            entries.append({"run": run_id, "status": "inconsistent", "why": "no measured committed row of this id"})
            continue
        entries.append({**classify(rows[run_id], fresh_rows[run_id], committed_gpu(bench, rows[run_id]) == gpu),
                        "gpu": gpu})
    return entries


def summary(entries: List[Dict[str, Any]]) -> Dict[str, int]:
    """Rows per status (``other_gpu`` too, when there are any)."""
    counts = {status: sum(e["status"] == status for e in entries) for status in STATUSES}
    other = sum(e["status"] == "other_gpu" for e in entries)
    return {**counts, **({"other_gpu": other} if other else {})}


def main(argv=None) -> int:
    """``--sample``: print the ids to measure again, comma-separated (``tools/gpu/reverify.sh`` passes them to the runner)."""
    parser = argparse.ArgumentParser(prog="python -m trtdeconv_docs.benchmark.reverification",
                                     description="The benchmark rows the GPU re-verification measures again.")
    parser.add_argument("--recording", type=Path, default=Path("recordings") / "benchmark",
                        help="the committed benchmark recording (default: recordings/benchmark)")
    parser.add_argument("--sample", action="store_true", help="print the sample's run ids, comma-separated")
    args = parser.parse_args(argv)
    if not args.sample:
        parser.error("say what to do: --sample")
    print(",".join(sample(analysis.load(args.recording))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
