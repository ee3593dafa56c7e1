"""Which runs the TensorRT runner makes, in which order, and roughly how long they take.

``python -m trtdeconv_docs.benchmark.plan`` prints the plan on any machine (the
TensorRT runner takes the same options). A run is one (workload, formulation, precision). Runs are ordered by what the guide needs
most (the deconvolution itself in every precision first, INT8 last), so that a run cut
short by ``--time-budget`` loses the least useful rows. Nothing here imports TensorRT.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

from .formulations import not_applicable
from .workloads import PRECISIONS, WORKLOADS, Workload

PRIORITY = (
    ("deconvolution", "fp16"), ("deconvolution", "fp32"), ("deconvolution", "tf32"),
    ("subpixel", "fp16"), ("subpixel", "fp32"), ("subpixel_compact", "fp16"),
    ("deconvolution", "int8"), ("subpixel", "tf32"), ("subpixel", "int8"),
)
"""(formulation, precision) pairs, most wanted first; each is tried on every workload."""

SECONDS_PER_BUILD = 5.0
"""A guess for one engine build at the default optimization level (big layers take 5-30 s)."""
SECONDS_PER_TIMING = 0.6
"""Warm-up, timed iterations, copies and the CPU check of one run."""


@dataclass(frozen=True)
class Run:
    """One engine to build and time, or a reason it is not built."""

    workload: Workload
    formulation: str
    precision: str
    skipped: Optional[str] = None

    @property
    def id(self) -> str:
        """``workload/formulation/precision``."""
        return f"{self.workload.name}/{self.formulation}/{self.precision}"


def runs(only: Sequence[str] = (), precisions: Sequence[str] = PRECISIONS) -> List[Run]:
    """Every run in priority order; ``only`` keeps those workloads (all when empty)."""
    unknown = sorted(set(only) - {w.name for w in WORKLOADS})
    if unknown:
        raise KeyError(f"no workload {', '.join(unknown)}; choose from {', '.join(w.name for w in WORKLOADS)}")
    wanted = [w for w in WORKLOADS if not only or w.name in only]
    result = []
    for formulation, precision in PRIORITY:
        if precision not in precisions:
            continue
        for workload in wanted:
            reason = not_applicable(formulation, workload.input_shape, workload.layer)
            result.append(Run(workload, formulation, precision, reason))
    return result


def estimate_seconds(planned: Sequence[Run]) -> float:
    """A rough duration of the runs that build an engine."""
    builds = sum(run.skipped is None for run in planned)
    return builds * (SECONDS_PER_BUILD + SECONDS_PER_TIMING)


def describe(planned: Sequence[Run]) -> str:
    """The plan as text: one line per run, then the number of builds and the estimate."""
    lines = [f"{run.id:45s} {'skip: ' + run.skipped if run.skipped else 'build'}" for run in planned]
    builds = sum(run.skipped is None for run in planned)
    lines.append(f"{builds} engine builds, about {estimate_seconds(planned):.0f} s "
                 f"({SECONDS_PER_BUILD:.0f} s per build assumed; one timing cache shared by all)")
    return "\n".join(lines)


def parse_command_line(prog: str, argv=None) -> Tuple[argparse.Namespace, List[Run]]:
    """The runner's options (``--out``, ``--only``, ``--precisions``, ``--time-budget``, ``--dry-run``) and its plan."""
    parser = argparse.ArgumentParser(prog=prog, description="Benchmark TensorRT's deconvolution and its formulations.")
    parser.add_argument("--out", type=Path, help="folder for tensorrt.json (required unless --dry-run)")
    parser.add_argument("--only", default="", help="comma-separated workload names (default: all): "
                        + ", ".join(w.name for w in WORKLOADS))
    parser.add_argument("--precisions", default=",".join(PRECISIONS),
                        help="comma-separated subset of " + ", ".join(PRECISIONS))
    parser.add_argument("--time-budget", type=float, default=240.0,
                        help="seconds after which no further engine is built (default 240)")
    parser.add_argument("--dry-run", action="store_true", help="print the plan and the number of builds")
    args = parser.parse_args(argv)
    precisions = tuple(filter(None, args.precisions.split(",")))
    unknown = sorted(set(precisions) - set(PRECISIONS))
    if unknown:
        parser.error(f"unknown precision {', '.join(unknown)}; choose from {', '.join(PRECISIONS)}")
    try:
        planned = runs(tuple(filter(None, args.only.split(","))), precisions)
    except KeyError as error:
        parser.error(error.args[0])
    if not args.dry_run and args.out is None:
        parser.error("--out is required")
    return args, planned


def main(argv=None) -> int:
    """Print the plan (the TensorRT runner's ``--dry-run``, without TensorRT)."""
    _, planned = parse_command_line("python -m trtdeconv_docs.benchmark.plan", argv)
    print(describe(planned))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] + ["--dry-run"]))
