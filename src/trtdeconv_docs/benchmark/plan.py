"""Which runs the TensorRT runner makes, in which order, and roughly how long they take.

``python -m trtdeconv_docs.benchmark.plan`` prints the plan on any machine (the
TensorRT runner takes the same options). A run is one (workload, formulation, precision). Runs are ordered by what the guide needs
most (the deconvolution itself in every precision first, INT8 last), so that a run cut
short by ``--time-budget`` loses the least useful rows. Nothing here imports TensorRT.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

from . import analysis, formulations, upsampling
from .workloads import GUIDE, PRECISIONS, WORKLOADS, Workload

LAYOUTS = ("nchw", "channels_last")
"""The network's I/O layout: linear NCHW, or channels-last (``allowed_formats``: HWC8 for FP16, DHWC8 in 3-D;
HWC for FP32/TF32 in 2-D; none for FP32 3-D, INT8), PyTorch ``channels_last``'s counterpart."""

SUBPIXEL = ("subpixel", "subpixel_compact", "subpixel_phases")
FLOAT = ("fp16", "tf32", "fp32")

PHASES = (
    ("CUDA graphs + HWC8 on the seven workloads", (
        ("guide", ("deconvolution",), ("fp16",), LAYOUTS),
        ("guide", ("deconvolution",), ("fp32", "tf32"), ("nchw",)))),
    ("every sub-pixel variant in every precision", (
        ("guide", ("subpixel",), ("fp16",), LAYOUTS),
        ("guide", ("subpixel_compact", "subpixel_phases"), ("fp16",), ("nchw",)),
        ("guide", SUBPIXEL, ("tf32", "fp32"), ("nchw",)))),
    ("the depthwise sweep (resolution, groups) and the depthwise alternatives", (
        ("depthwise_resolution", ("deconvolution", "subpixel", "subpixel_phases"), ("fp16",), ("nchw",)),
        ("depthwise_groups", ("deconvolution", "subpixel", "subpixel_phases"), ("fp16",), ("nchw",)),
        ("depthwise_resolution", ("deconvolution", "subpixel", "subpixel_phases"), ("fp32",), ("nchw",)),
        ("depthwise_groups", ("deconvolution", "subpixel", "subpixel_phases"), ("fp32",), ("nchw",)),
        ("depthwise", upsampling.ALTERNATIVES, ("fp16", "fp32"), ("nchw",)))),
    ("k3 s2 op1 and batch 1", (
        ("k3_s2_op1", ("deconvolution",) + SUBPIXEL, ("fp16",), LAYOUTS),
        ("batch_1", ("deconvolution", "subpixel"), ("fp16",), LAYOUTS),
        ("k3_s2_op1", ("deconvolution",) + SUBPIXEL, ("tf32", "fp32"), ("nchw",)))),
    ("INT8, with and without Q/DQ after the layer", (
        ("guide", ("deconvolution", "subpixel"), ("int8_out", "int8"), ("nchw",)),)),
    ("the other workloads: bilinear up-samplers, 3-D 64^3, HiFi-GAN 1-D, fused blocks, a dynamic profile", (
        ("bilinear", ("deconvolution",) + SUBPIXEL + upsampling.ALTERNATIVES, ("fp16",), ("nchw",)),
        ("3d_64", ("deconvolution", "subpixel"), ("fp16",), LAYOUTS),
        ("hifigan", ("deconvolution",) + SUBPIXEL, ("fp16",), ("nchw",)),
        ("fused", ("deconvolution", "subpixel"), ("fp16",), ("nchw",)),
        ("dynamic", ("deconvolution",), ("fp16", "fp32"), ("nchw",)),
        ("bilinear", ("deconvolution",) + SUBPIXEL + upsampling.ALTERNATIVES, ("fp32",), ("nchw",)),
        ("3d_64", ("deconvolution", "subpixel"), ("fp32",), ("nchw",)),
        ("hifigan", ("deconvolution",) + SUBPIXEL, ("fp32",), ("nchw",)),
        ("fused", ("deconvolution", "subpixel"), ("fp32",), ("nchw",)),
        ("fused", ("deconvolution",), ("int8_out",), ("nchw",)))),
    ("the rest: FP32/TF32 channels-last, batch 1 in FP32/TF32", (
        ("guide", ("deconvolution", "subpixel"), ("fp32", "tf32"), ("channels_last",)),
        ("batch_1", ("deconvolution", "subpixel"), ("tf32", "fp32"), ("nchw",)))),
)
"""The issue's phases, most wanted first, each a name and its (workloads, formulations, precisions, layouts).
``guide``: the seven; ``k3_s2_op1``: PyTorch's decoder layer; ``depthwise``: the guide's depthwise layer and its
resolution sweep; otherwise a :attr:`~.workloads.Workload.sweep`."""

SECONDS_PER_BUILD = 2.5
"""A guess for one engine build at the default optimization level with a warm timing cache (big layers 5-30 s)."""
SECONDS_PER_TIMING = 1.0
"""Warm-up until the medians settle, graph replays, enqueue timing, the per-layer profile and the CPU check."""


@dataclass(frozen=True)
class Run:
    """One engine to build and time, or a reason it is not built."""

    workload: Workload
    formulation: str
    precision: str
    skipped: Optional[str] = None
    layout: str = "nchw"
    phase: int = 0  # 1-based index into PHASES (0: made outside the plan)

    @property
    def id(self) -> str:
        """``workload/formulation/precision``, and ``/channels_last`` for that layout."""
        suffix = "" if self.layout == "nchw" else f"/{self.layout}"
        return f"{self.workload.name}/{self.formulation}/{self.precision}{suffix}"


def layout_not_applicable(workload: Workload, precision: str, layout: str) -> Optional[str]:
    """Why ``layout`` is not built for this workload and precision (``None`` when it is)."""
    if layout == "nchw":
        return None
    if precision.startswith("int8"):
        return "INT8 runs keep linear FP32 I/O (their Q/DQ picks the INT8 layout)"
    if workload.layer.spatial_rank == 3 and precision != "fp16":
        return "TensorRT 8.6 has no channels-last FP32 format in 3-D (DHWC8 is FP16 only)"
    if workload.layer.spatial_rank not in (2, 3):
        return "channels-last formats need 2-D or 3-D"
    return None


def _selected(selector: str) -> List[Workload]:
    if selector == "guide":
        return [w for w in WORKLOADS if w.name in GUIDE]
    if selector == "k3_s2_op1":
        return [w for w in WORKLOADS if w.family == "k3_s2_op1" and not w.sweep]
    if selector == "depthwise":
        return [w for w in WORKLOADS if w.name == "depthwise" or w.sweep == "depthwise_resolution"]
    return [w for w in WORKLOADS if w.sweep == selector]


def formulation_not_applicable(formulation: str, workload: Workload) -> Optional[str]:
    """Why ``formulation`` is not built for ``workload`` (``None`` when it is): :mod:`.formulations` or
    :mod:`.upsampling` says, and a dynamic-shape workload is built as the deconvolution only."""
    if workload.profile and formulation != "deconvolution":
        return "a dynamic-shape profile is built as the deconvolution only (the formulations' shuffles are static)"
    if formulation in upsampling.ALTERNATIVES:
        return upsampling.not_applicable(formulation, workload)
    return formulations.not_applicable(formulation, workload.input_shape, workload.layer)


def runs(only: Sequence[str] = (), precisions: Sequence[str] = PRECISIONS) -> List[Run]:
    """Every run in priority order, each once; ``only`` keeps those workloads (all when empty)."""
    return list(_runs(tuple(only), tuple(precisions)))


@functools.lru_cache(maxsize=None)
def _runs(only: Tuple[str, ...], precisions: Tuple[str, ...]) -> Tuple[Run, ...]:
    """:func:`runs`, worked out once per process and selection: the plan is fixed (module constants, frozen runs),
    and deciding which formulations apply builds each sub-pixel plan (about 0.5 s; a site build asks often)."""
    unknown = sorted(set(only) - {w.name for w in WORKLOADS})
    if unknown:
        raise KeyError(f"no workload {', '.join(unknown)}; choose from {', '.join(w.name for w in WORKLOADS)}")
    result, seen = [], set()
    entries = [(number, entry) for number, (_, phase) in enumerate(PHASES, start=1) for entry in phase]
    for number, (selector, formulation_list, precision_list, layouts) in entries:
        for formulation in formulation_list:
            for precision in precision_list:
                if precision not in precisions:
                    continue
                for layout in layouts:
                    for workload in _selected(selector):
                        if only and workload.name not in only:
                            continue
                        reason = (formulation_not_applicable(formulation, workload)
                                  or layout_not_applicable(workload, precision, layout))
                        run = Run(workload, formulation, precision, reason, layout, number)
                        if run.id not in seen:
                            seen.add(run.id)
                            result.append(run)
    return tuple(result)


def estimate_seconds(planned: Sequence[Run]) -> float:
    """A rough duration of the runs that build an engine (a dynamic profile is timed at three shapes)."""
    return sum((SECONDS_PER_BUILD + SECONDS_PER_TIMING * (3 if run.workload.profile else 1))
               for run in planned if run.skipped is None)


def phase_lines(planned: Sequence[Run]) -> List[str]:
    """Per phase of :data:`PHASES`: its engine builds and their estimated wall time, one line each."""
    lines = []
    for number, (name, _) in enumerate(PHASES, start=1):
        mine = [run for run in planned if run.phase == number]
        builds = sum(run.skipped is None for run in mine)
        lines.append(f"phase {number}: {name}: {builds} engine builds, about {estimate_seconds(mine):.0f} s")
    return lines


def describe(planned: Sequence[Run]) -> str:
    """The plan as text: one line per run, one per phase, then the number of builds and the estimate."""
    lines = [f"{run.id:45s} {'skip: ' + run.skipped if run.skipped else 'build'}" for run in planned]
    lines += phase_lines(planned)
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
    parser.add_argument("--resume", type=Path, default=None,
                        help="an earlier tensorrt.json of the same GPU: its measured and refused runs are kept (with "
                             "their session's ceilings; not those carried from an earlier method), the others are made")
    parser.add_argument("--timing-cache", type=Path, default=None,
                        help="timing cache file: read if it exists, written back at the end (shared between runs)")
    parser.add_argument("--ids", default="", help="comma-separated run ids (default: all the others select); "
                        "the GPU re-verification measures a sample of the committed rows again")
    parser.add_argument("--dry-run", action="store_true", help="print the plan and the number of builds")
    parser.add_argument("--progress", type=Path, default=None,
                        help="a tensorrt.json: print per phase how many of the planned builds it holds (plan only)")
    args = parser.parse_args(argv)
    precisions = tuple(filter(None, args.precisions.split(",")))
    unknown = sorted(set(precisions) - set(PRECISIONS))
    if unknown:
        parser.error(f"unknown precision {', '.join(unknown)}; choose from {', '.join(PRECISIONS)}")
    try:
        planned = runs(tuple(filter(None, args.only.split(","))), precisions)
    except KeyError as error:
        parser.error(error.args[0])
    ids = [run_id for run_id in args.ids.split(",") if run_id]
    unknown = sorted(set(ids) - {run.id for run in planned})
    if unknown:
        parser.error(f"no planned run {', '.join(unknown)}")
    if ids:
        planned = [run for run in planned if run.id in ids]
    if not args.dry_run and args.out is None:
        parser.error("--out is required")
    return args, planned


DONE = ("measured", "refused")
"""A run's statuses that a later call does not make again (with ``not_applicable``, which is not built)."""


def done(record: dict) -> bool:
    """Whether a later call keeps this run of a ``tensorrt.json``: :data:`DONE` in that recording, not
    :func:`.analysis.carried` from an earlier one (a resumed run makes those again)."""
    return record.get("status") in DONE and not analysis.carried(record)


def progress_lines(planned: Sequence[Run], records: Sequence[dict]) -> List[str]:
    """Per phase, how many of its builds ``records`` (a ``tensorrt.json``'s runs) hold, runs carried from an earlier
    method not counted (a resumed run makes them again); then the runs left, or ``plan complete``."""
    kept = {r["id"] for r in records if done(r)}
    lines, left = [], 0
    for number, (name, _) in enumerate(PHASES, start=1):
        builds = [run for run in planned if run.phase == number and run.skipped is None]
        missing = [run for run in builds if run.id not in kept]
        left += len(missing)
        lines.append(f"phase {number}: {len(builds) - len(missing)}/{len(builds)} built ({name})"
                     + (f"; left about {estimate_seconds(missing):.0f} s" if missing else ""))
    lines.append(f"{left} builds left: run the same command again" if left else "plan complete")
    return lines


def main(argv=None) -> int:
    """Print the plan (the TensorRT runner's ``--dry-run``, without TensorRT), or with ``--progress`` what a
    ``tensorrt.json`` holds of it."""
    args, planned = parse_command_line("python -m trtdeconv_docs.benchmark.plan", argv)
    if args.progress is not None:
        print("\n".join(progress_lines(planned, json.loads(args.progress.read_text(encoding="utf-8"))["runs"])))
        return 0
    print(describe(planned))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] + ["--dry-run"]))
