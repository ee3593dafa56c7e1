"""The user rewrite for ONNX: replace a ``ConvTranspose`` node by an equivalent formulation, with onnx-graphsurgeon.

Usage (needs ``onnx`` and ``onnx-graphsurgeon``)::

    import onnx
    from trtdeconv_docs.benchmark.onnx_rewrite import rewrite_conv_transpose

    model = onnx.load("decoder.onnx")
    onnx.save(rewrite_conv_transpose(model), "decoder_rewritten.onnx")            # the guide's choice per family
    onnx.save(rewrite_conv_transpose(model, "subpixel", nodes=["/up/ConvTranspose"]), "decoder_subpixel.onnx")

It is :func:`trtdeconv_docs.benchmark.rewrite.rewrite_deconvolution` for an ONNX graph: the same plans
(:mod:`.formulations`, :mod:`.upsampling`) written as ONNX nodes (``Conv``, ``Reshape``, ``Transpose``,
``Slice``, ``Concat``, ``Mul``, ``Resize``) that compute what the ``ConvTranspose`` computed, under its
output's name, so that every consumer reads them. ``tests/test_benchmark_onnx.py`` proves each rewrite equal
on ONNX Runtime (CPU); the GPU recording checks each formulation against the deconvolution's own output.
"""

from __future__ import annotations

from typing import Iterable, List, Optional

import numpy as np

from ..layer.attributes import resolve
from . import formulations, upsampling
from .workloads import family_of


class OnnxRewriteError(ValueError):
    """A ``ConvTranspose`` node cannot be rewritten; the message says why in one line."""


def _attributes(node, x_shape, weight_shape):
    """The node's attributes as TensorRT's resolved deconvolution (:func:`~trtdeconv_docs.layer.attributes.resolve`)."""
    rank = len(weight_shape) - 2
    attrs = node.attrs
    if "output_shape" in attrs or attrs.get("auto_pad", "NOTSET") not in ("NOTSET", b"NOTSET"):
        raise OnnxRewriteError(f"{node.name}: output_shape/auto_pad are not rewritten; replace them by pads first "
                               "(trtdeconv_docs.onnx_path.graph_fixes.output_shape_to_pads)")
    pads = list(attrs.get("pads", [0] * 2 * rank))
    extra = list(attrs.get("output_padding", [0] * rank))
    group = int(attrs.get("group", 1))
    return resolve(num_output_maps=int(weight_shape[1]) * group, kernel_size_nd=tuple(int(k) for k in weight_shape[2:]),
                   stride_nd=tuple(int(s) for s in attrs.get("strides", [1] * rank)),
                   pre_padding=tuple(int(p) for p in pads[:rank]),
                   post_padding=tuple(int(p) - int(e) for p, e in zip(pads[rank:], extra)),
                   dilation_nd=tuple(int(d) for d in attrs.get("dilations", [1] * rank)), num_groups=group)


class _Writer:
    """Appends nodes to a graphsurgeon graph, naming every tensor after the rewritten node."""

    def __init__(self, gs, graph, prefix: str):
        self.gs, self.graph, self.prefix, self.count = gs, graph, prefix, 0

    def name(self, what: str) -> str:
        self.count += 1
        return f"{self.prefix}/{what}_{self.count}"

    def constant(self, values, what: str):
        return self.gs.Constant(self.name(what), np.ascontiguousarray(values))

    def node(self, op: str, inputs, attrs=None, output=None):
        out = output if output is not None else self.gs.Variable(self.name(op.lower()), dtype=np.float32)
        self.graph.nodes.append(self.gs.Node(op=op, name=self.name(op), inputs=list(inputs), outputs=[out],
                                             attrs=attrs or {}))
        return out

    def conv(self, x, kernel, bias, pre, post, groups):
        inputs = [x, self.constant(np.asarray(kernel, np.float32), "weight")]
        if bias is not None:
            inputs.append(self.constant(np.asarray(bias, np.float32), "bias"))
        return self.node("Conv", inputs, {"pads": list(pre) + list(post), "group": int(groups),
                                          "kernel_shape": list(np.shape(kernel)[2:])})

    def reshape(self, x, shape):
        return self.node("Reshape", [x, self.constant(np.asarray(shape, np.int64), "shape")])

    def slice(self, x, starts, ends, axes):
        return self.node("Slice", [x, self.constant(np.asarray(starts, np.int64), "starts"),
                                   self.constant(np.asarray(ends, np.int64), "ends"),
                                   self.constant(np.asarray(axes, np.int64), "axes")])


def _interleave(writer, out, steps, y):
    """Depth-to-space of ``out`` as ``steps`` says (two reshapes around a transpose), then the slice, into ``y``."""
    rank = len(steps.stride)
    split = writer.reshape(out, steps.split_shape)
    moved = writer.node("Transpose", [split], {"perm": list(steps.permutation)})
    if not steps.needs_slice:
        return writer.node("Reshape", [moved, writer.constant(np.asarray(steps.interleaved_shape, np.int64), "shape")],
                           output=y)
    merged = writer.reshape(moved, steps.interleaved_shape)
    starts = list(steps.start)
    ends = [s + o for s, o in zip(steps.start, steps.output_shape[2:])]
    return writer.node("Slice", [merged, writer.constant(np.asarray(starts, np.int64), "starts"),
                                 writer.constant(np.asarray(ends, np.int64), "ends"),
                                 writer.constant(np.arange(2, 2 + rank, dtype=np.int64), "axes")], output=y)


def _write(writer, x, x_shape, steps, y):
    """The nodes of a plan of :mod:`.formulations` or :mod:`.upsampling`, their last output ``y``."""
    rank = len(x_shape) - 2
    axes = list(range(2, 2 + rank))
    if isinstance(steps, formulations.PhasesPlan):
        outputs = []
        for phase in steps.phases:
            out = writer.conv(x, phase.kernel, steps.bias, phase.pre_padding, phase.post_padding, steps.num_groups)
            if phase.blocks != steps.blocks:
                out = writer.slice(out, [0] * rank, list(steps.blocks), axes)
            outputs.append(out)
        return _interleave(writer, writer.node("Concat", outputs, {"axis": 1}), steps, y)
    if isinstance(steps, formulations.SubPixelPlan):
        out = writer.conv(x, steps.kernel, steps.bias, steps.pre_padding, steps.post_padding, steps.num_groups)
        return _interleave(writer, out, steps, y)
    if isinstance(steps, upsampling.ZeroInsertionPlan):
        split = writer.reshape(x, list(x_shape[:2]) + [v for i in x_shape[2:] for v in (i, 1)])
        mask = np.zeros((1, 1) + tuple(v for s in steps.stride for v in (1, s)), np.float32)
        mask[(0, 0) + (0,) * (2 * rank)] = 1.0
        spread = writer.reshape(writer.node("Mul", [split, writer.constant(mask, "mask")]), steps.spread_shape(x_shape))
        out = writer.conv(spread, steps.kernel, steps.bias, steps.pre_padding, steps.post_padding, steps.num_groups)
        return writer.node("Slice", [out, writer.constant(np.zeros(rank, np.int64), "starts"),
                                     writer.constant(np.asarray(steps.output_shape[2:], np.int64), "ends"),
                                     writer.constant(np.asarray(axes, np.int64), "axes")], output=y)
    scales = writer.constant(np.asarray([1.0, 1.0] + [float(s) for s in steps.stride], np.float32), "scales")
    attrs = {"mode": steps.mode, "coordinate_transformation_mode": "half_pixel"}
    if steps.mode == "nearest":
        attrs["nearest_mode"] = "floor"
    if steps.kernel is None:
        return writer.node("Resize", [x, writer.gs.Variable.empty(), scales], attrs, output=y)
    resized = writer.node("Resize", [x, writer.gs.Variable.empty(), scales], attrs)
    out = writer.conv(resized, steps.kernel, steps.bias, (1,) * rank, (1,) * rank, steps.num_groups)
    return writer.node("Identity", [out], output=y)


def rewrite_conv_transpose(model, formulation: Optional[str] = None, nodes: Optional[Iterable[str]] = None):
    """A copy of ``model`` (an ``onnx.ModelProto``) whose ``ConvTranspose`` nodes compute through ``formulation``.

    ``formulation``: ``None`` for :data:`.rewrite.RECOMMENDED` of each node's layer family, else one of
    :data:`.formulations.FORMULATIONS` or ``zero_insertion`` (``resize`` and ``resize_conv`` are refused: they are
    not exactly the deconvolution, :data:`.upsampling.EQUIVALENCE`). ``nodes``: the names of the nodes to rewrite (default: every ``ConvTranspose``).
    The input's shape must be static (run ``onnx.shape_inference`` first if the graph lacks it) and the
    weights and bias constant (initializers). Raises :class:`OnnxRewriteError` naming the node otherwise,
    and for ``output_shape``/``auto_pad`` or a formulation that cannot express the node.
    """
    if formulation in upsampling.EQUIVALENCE:
        raise OnnxRewriteError(f"{formulation} is {upsampling.EQUIVALENCE[formulation]}: it is never a rewrite")
    return write_formulation(model, formulation, nodes)


def write_formulation(model, formulation: Optional[str] = None, nodes: Optional[Iterable[str]] = None):
    """:func:`rewrite_conv_transpose` without its refusal of the formulations that are not exactly equal
    (``resize``, ``resize_conv``): the benchmark's reproduction writes those too, labelled."""
    import onnx_graphsurgeon as gs

    from .rewrite import RECOMMENDED

    wanted = None if nodes is None else set(nodes)
    graph = gs.import_onnx(model)
    rewritten: List[str] = []
    for node in list(graph.nodes):
        if node.op != "ConvTranspose" or (wanted is not None and node.name not in wanted):
            continue
        x, weight = node.inputs[0], node.inputs[1]
        bias = node.inputs[2] if len(node.inputs) > 2 else None
        if not isinstance(weight, gs.Constant) or (bias is not None and not isinstance(bias, gs.Constant)):
            raise OnnxRewriteError(f"{node.name}: its weights or bias are not constant; only initializers are rewritten")
        if x.shape is None or any(not isinstance(d, (int, np.integer)) or d <= 0 for d in x.shape):
            raise OnnxRewriteError(f"{node.name}: input shape {x.shape} is not static; the rewrite needs static shapes")
        layer = _attributes(node, tuple(x.shape), weight.values.shape)
        chosen = formulation or RECOMMENDED[family_of(layer)]
        if chosen == "deconvolution":
            continue
        values = None if bias is None else bias.values
        try:
            if chosen in upsampling.ALTERNATIVES:
                steps = upsampling.plan_for(chosen, tuple(x.shape), weight.values, values, layer)
            else:
                steps = formulations.plan_for(chosen, tuple(x.shape), weight.values, values, layer)
        except (formulations.NotApplicable, ValueError) as error:
            raise OnnxRewriteError(f"{node.name}: {chosen} cannot express it: {error}") from None
        y = node.outputs[0]
        node.outputs.clear()
        _write(_Writer(gs, graph, f"{node.name or 'ConvTranspose'}/{chosen}"), x, tuple(x.shape), steps, y)
        rewritten.append(node.name)
    if wanted is not None and wanted - set(rewritten) - {n.name for n in graph.nodes if n.op == "ConvTranspose"}:
        raise OnnxRewriteError(f"no ConvTranspose node named {sorted(wanted - set(rewritten))}")
    graph.cleanup().toposort()
    return gs.export_onnx(graph)
