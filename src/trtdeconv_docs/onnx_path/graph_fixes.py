"""Graph fixes shown on the ONNX page, written with onnx-graphsurgeon and tested against ONNX Runtime.

:func:`output_shape_to_pads` replaces a ``ConvTranspose``'s ``output_shape`` by the
explicit ``pads`` that ONNX's operator page derives from it (the extra row of an odd total
padding at the start unless ``auto_pad`` is ``SAME_UPPER``), so that a parser that derives
the pads another way (onnx-tensorrt 8.6's ``generatePadding`` puts it at the end) is handed
no choice. ``tests/test_onnx_path.py`` checks on ONNX Runtime that the fixed model computes
what the original computes. :func:`weights_per_output_channel` moves a per-channel weight
quantization from axis 0 to axis 1 (the deconvolution's output channels); the test checks
that every weight moves by at most half of its new scale.
"""

from __future__ import annotations


def output_shape_to_pads(model):
    """A copy of ``model`` (an ``onnx.ModelProto``) whose ConvTranspose nodes carry ``pads``, not ``output_shape``."""
    import onnx_graphsurgeon as gs

    graph = gs.import_onnx(model)
    for node in graph.nodes:
        if node.op != "ConvTranspose" or "output_shape" not in node.attrs:
            continue
        x, w = node.inputs[0], node.inputs[1]
        n = len(w.shape) - 2
        strides = node.attrs.get("strides", [1] * n)
        dilations = node.attrs.get("dilations", [1] * n)
        output_padding = node.attrs.get("output_padding", [0] * n)
        wanted = list(node.attrs.pop("output_shape"))[-n:]
        total = [s * (i - 1) + p + (k - 1) * d + 1 - o for s, i, p, k, d, o in
                 zip(strides, x.shape[2:], output_padding, w.shape[2:], dilations, wanted)]
        if any(t < 0 for t in total):
            raise ValueError(f"{node.name}: output_shape {wanted} is larger than the full output; "
                             "use output_padding (< stride) or a Pad node after the ConvTranspose")
        upper = node.attrs.pop("auto_pad", "NOTSET") == "SAME_UPPER"
        begin = [t // 2 if upper else t - t // 2 for t in total]
        node.attrs["pads"] = begin + [t - b for t, b in zip(total, begin)]
        node.attrs.pop("output_padding", None)  # already counted in the total padding
    return gs.export_onnx(graph)


def weights_per_output_channel(model):
    """A copy of ``model`` whose ConvTranspose weights are quantized per output channel (axis 1).

    For each ``DequantizeLinear`` of constant int8 weights that feeds a ``ConvTranspose``'s
    weight input with a scale per axis 0 (the input channels of ONNX's ``[C_in, C_out/G, k...]``)
    the weights are dequantized, then quantized again symmetrically with one scale per axis 1
    (largest magnitude / 127), zero points 0.
    """
    import numpy as np
    import onnx_graphsurgeon as gs

    graph = gs.import_onnx(model)
    for node in graph.nodes:
        if node.op != "ConvTranspose" or not node.inputs[1].inputs:
            continue
        dequantize = node.inputs[1].inputs[0]
        if dequantize.op != "DequantizeLinear" or dequantize.attrs.get("axis", 1) != 0:
            continue
        quantized, scale, zero_point = dequantize.inputs
        values = quantized.values.astype(np.float32)
        shape = [-1] + [1] * (values.ndim - 1)
        weights = (values - zero_point.values.reshape(shape)) * scale.values.reshape(shape)
        largest = np.abs(weights).max(axis=tuple(a for a in range(weights.ndim) if a != 1))
        new_scale = np.where(largest > 0, largest / 127, 1).astype(np.float32)
        per_axis = new_scale.reshape([1, -1] + [1] * (weights.ndim - 2))
        quantized.values = np.clip(np.round(weights / per_axis), -128, 127).astype(np.int8)
        scale.values = new_scale
        zero_point.values = np.zeros(new_scale.shape, np.int8)
        dequantize.attrs["axis"] = 1
    return gs.export_onnx(graph)
