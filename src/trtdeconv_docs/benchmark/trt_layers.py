"""A formulation's layers added to a TensorRT network, once for the benchmark runner and the user rewrite.

:func:`add_formulation` takes the ``tensorrt`` module as an argument (nothing here imports it),
the plan of :mod:`.formulations`, and a ``weights`` function that turns a float32 kernel into
``(trt.Weights, kernel tensor or None)`` (a tensor for the runner's INT8 networks, whose kernels
go through Q/DQ and ``set_input(1)``).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from . import formulations


def add_formulation(trt, network, x, steps, name: str, weights: Callable, keep: list):
    """The convolution(s) of ``steps`` on ``x``, the depth-to-space shuffles and the slice; the output tensor."""
    def convolution(kernel, bias, size, pre, post, suffix):
        kernel_weights, kernel_tensor = weights(np.ascontiguousarray(kernel, np.float32))
        bias = np.ascontiguousarray(bias, np.float32)
        keep.append(bias)
        layer = network.add_convolution_nd(x, int(kernel.shape[0]), size, kernel_weights, trt.Weights(bias))
        layer.pre_padding, layer.post_padding = pre, post
        layer.num_groups = steps.num_groups
        layer.name = f"{name}{suffix}"
        if kernel_tensor is not None:
            layer.set_input(1, kernel_tensor)
        return layer.get_output(0)

    if isinstance(steps, formulations.PhasesPlan):
        outputs = []
        for index, phase in enumerate(steps.phases):
            out = convolution(phase.kernel, steps.bias, phase.kernel_size, phase.pre_padding, phase.post_padding,
                              f"_{index}")
            if phase.blocks != steps.blocks:
                full = tuple(out.shape[:2]) + steps.blocks
                cut = network.add_slice(out, (0,) * len(full), full, (1,) * len(full))
                cut.name = f"{name}_{index}_cut"
                out = cut.get_output(0)
            outputs.append(out)
        concatenation = network.add_concatenation(outputs)
        concatenation.axis = 1
        concatenation.name = f"{name}_concatenation"
        out = concatenation.get_output(0)
    else:
        out = convolution(steps.kernel, steps.bias, steps.kernel_size, steps.pre_padding, steps.post_padding, "")
    split = network.add_shuffle(out)
    split.reshape_dims = steps.split_shape
    split.second_transpose = steps.permutation
    split.name = f"{name}_depth_to_space_split"
    interleave = network.add_shuffle(split.get_output(0))
    interleave.reshape_dims = steps.interleaved_shape
    interleave.name = f"{name}_depth_to_space_interleave"
    out = interleave.get_output(0)
    if steps.needs_slice:
        cut = network.add_slice(out, (0, 0) + steps.start, steps.output_shape, (1,) * len(steps.output_shape))
        cut.name = f"{name}_slice"
        out = cut.get_output(0)
    return out
