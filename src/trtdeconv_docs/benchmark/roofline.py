"""The roofline floor of each workload, from the MEASURED ceilings of the same GPU run.

Counted per workload and precision:

* bytes moved: the input, the kernel, the bias and the output, each read or written once,
  at the precision's element size (:data:`ELEMENT_BYTES`): FP32 and TF32 4 bytes; FP16 2;
  INT8 1 for input and kernel (the Q/DQ pair's integers) and 4 for the FP32 bias and output
  (the benchmarked INT8 networks output FP32);
* flops: 2 x the deconvolution's multiply-adds (:meth:`~.workloads.Workload.macs`: every
  input element times every kernel tap of its group, border products included); the
  sub-pixel formulations compute more (zero taps) and are measured against the same floor;
* floor = max(bytes / copy bandwidth, flops / matmul throughput of the precision), the
  bandwidth and throughputs from :func:`.analysis.ceilings`; % of roofline = floor / latency.

A working set that stays in the L2 cache can beat the DRAM floor (more than 100 %).

Why a workload's fastest formulation is not within :data:`WITHIN` of its floor is read off more
measurements (:func:`gap_cause`): the GPU launch overhead per kernel (only from a GPU launch test),
the deconvolution's GEMM alone at its exact shape, and for a bandwidth-bound floor the kernel the
engine ran (:mod:`.kernels`).
"""

from __future__ import annotations

from typing import Dict, Optional, Tuple

import numpy as np

from .workloads import Workload

ELEMENT_BYTES = {"fp32": (4, 4, 4), "tf32": (4, 4, 4), "fp16": (2, 2, 2), "int8": (1, 1, 4), "int8_out": (1, 1, 4)}
"""Bytes per element of (input, kernel, output); the bias counts at the output's size (``int8_out``'s network
output is FP32 too: its DQ runs in the engine)."""


def bytes_moved(workload: Workload, precision: str) -> int:
    """Input + kernel + bias + output bytes at ``precision``; a fused block's second input (``add``, ``concat``)
    read at the input's size and its whole output (``concat``: both halves) written, a batch norm's scale and
    shift at the bias's."""
    data, weights, out = ELEMENT_BYTES[precision]
    skip = 0 if workload.skip_shape is None else int(np.prod(workload.skip_shape)) * data
    per_channel = 2 if workload.block == "bn_relu" else 1
    return (int(np.prod(workload.input_shape)) * data + int(np.prod(workload.kernel_shape)) * weights + skip
            + per_channel * workload.layer.num_output_maps * out + int(np.prod(workload.block_output_shape)) * out)


def flops(workload: Workload) -> int:
    """2 x the deconvolution's multiply-adds, plus a fused block's element-wise arithmetic."""
    return 2 * workload.macs() + workload.block_elementwise_flops()


def floor_ms(workload: Workload, precision: str, ceilings: Dict[str, float]) -> Optional[Tuple[float, str]]:
    """(floor in ms, ``"memory"`` or ``"compute"``), or ``None`` when the precision's peak was not measured."""
    peak = ceilings.get(f"peak_{precision.partition('_')[0]}")  # int8_out runs at INT8's peak
    if peak is None:
        return None
    memory = bytes_moved(workload, precision) / ceilings["bandwidth"]
    compute = flops(workload) / peak
    return 1e3 * max(memory, compute), "memory" if memory >= compute else "compute"


def percent(latency_ms: float, floor: float) -> float:
    """How much of the roofline a latency reaches: ``100 * floor / latency``."""
    return 100.0 * floor / latency_ms


WITHIN = 2.0
"""The target: a formulation within this factor of the floor."""


def gap_cause(floor: float, best: float, gemm: Optional[float], launch: Optional[float], bound: str = "compute",
              kernels: int = 1) -> str:
    """What the measurements say about ``best / floor`` (all in ms); every cause is one measured in that run.

    ``within``: best <= WITHIN x floor. Otherwise, in this order: ``launch`` (a GPU launch test was
    recorded, and best <= WITHIN x (floor + kernels x launch): the run's kernel launches explain the
    gap); ``memory_path`` (the floor is bandwidth-bound: the GEMM says nothing, the verdict names the
    kernel the engine ran and the bandwidth it reached); ``not_measured`` (no GEMM alone);
    ``gemm_shape`` (the GEMM alone at this shape is already more than WITHIN x the floor); ``rest``
    (the GEMM alone is within WITHIN x: the time goes to the overlap-add, the rearrangement or the
    formulation's other layers).
    """
    if best <= WITHIN * floor:
        return "within"
    if launch is not None and best <= WITHIN * (floor + kernels * launch):
        return "launch"
    if bound == "memory":
        return "memory_path"
    if gemm is None:
        return "not_measured"
    if gemm > WITHIN * floor:
        return "gemm_shape"
    return "rest"


def _formulation_plan(workload: Workload, formulation: str):
    from . import formulations, upsampling

    zeros = np.zeros(workload.kernel_shape, np.float32)
    if formulation in upsampling.ALTERNATIVES:
        kernel = workload.arrays()["kernel"] if formulation == "resize" else zeros
        return upsampling.plan_for(formulation, workload.input_shape, kernel, None, workload.layer)
    return formulations.plan_for(formulation, workload.input_shape, zeros, None, workload.layer)


def _convolutions(workload: Workload, formulation: str):
    """(kernel shape, output spatial shape before any cut) of each convolution a formulation runs."""
    from . import formulations, upsampling

    steps = _formulation_plan(workload, formulation)
    if isinstance(steps, formulations.PhasesPlan):
        return [(phase.kernel.shape, phase.blocks) for phase in steps.phases]
    if isinstance(steps, formulations.SubPixelPlan):
        spatial = tuple(i + a + b - k + 1 for i, a, b, k in zip(workload.input_shape[2:], steps.pre_padding,
                                                                 steps.post_padding, steps.kernel_size))
        return [(steps.kernel.shape, spatial)]
    if isinstance(steps, upsampling.ZeroInsertionPlan):
        spread = steps.spread_shape(workload.input_shape)[2:]
        spatial = tuple(i + a + b - k + 1 for i, a, b, k in zip(spread, steps.pre_padding, steps.post_padding,
                                                                 workload.layer.kernel_size_nd))
        return [(steps.kernel.shape, spatial)]
    return [] if steps.kernel is None else [(steps.kernel.shape, steps.output_shape[2:])]


def formulation_flops(workload: Workload, formulation: str) -> int:
    """2 x the multiply-adds a formulation computes, its zero taps included (the deconvolution: :func:`flops`);
    ``resize`` counts 2 per output element and interpolation tap (``2^R`` taps), ``resize_conv`` its convolution
    too; a fused block's arithmetic is added to each."""
    if formulation == "deconvolution":
        return flops(workload)
    batch = workload.input_shape[0]
    total = sum(2 * batch * shape[0] * int(np.prod(shape[1:])) * int(np.prod(spatial))
                for shape, spatial in _convolutions(workload, formulation))
    if formulation == "resize":
        total += 2 * 2 ** workload.layer.spatial_rank * int(np.prod(workload.output_shape))
    return total + workload.block_elementwise_flops()


def formulation_bytes(workload: Workload, formulation: str, precision: str) -> int:
    """:func:`bytes_moved` with the formulation's weights in place of the kernel (its zero taps included; none for
    ``resize``); tensors between its layers are not counted (a fused engine need not write them)."""
    moved = bytes_moved(workload, precision)
    if formulation == "deconvolution":
        return moved
    weights = ELEMENT_BYTES[precision][1]
    kernel = int(np.prod(workload.kernel_shape)) * weights
    ours = sum(int(np.prod(shape)) for shape, _ in _convolutions(workload, formulation)) * weights
    return moved - kernel + ours
