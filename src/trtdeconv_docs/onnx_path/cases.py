"""The ONNX ``ConvTranspose`` case matrix of issue 20, and the models it commits.

Each :class:`Case` is one small ONNX model (opset :data:`OPSET`, IR version
:data:`IR_VERSION`) with one ``ConvTranspose`` node named :data:`NODE_NAME` (the name
``torch.onnx.export`` gives a module ``up``), deterministic weights and inputs (multiples
of 1/16, so every product and sum is exact in float32), and what TensorRT is asked:
the precisions to build and, for dynamic inputs, the optimization profile. The models
are built with ``onnx.helper`` and committed under ``onnx_models/``; ``tox`` checks that
this module still writes them byte for byte::

    python -m trtdeconv_docs.onnx_path.cases onnx_models          # write every model
    python -m trtdeconv_docs.onnx_path.cases --check onnx_models  # compare, write nothing

Everything but :func:`model` needs only NumPy (the GPU machine's PyTorch side rebuilds the
weights and inputs without ``onnx``).
"""

from __future__ import annotations

import argparse
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

OPSET = 17
"""The ONNX opset of every model: the newest TensorRT 8.6's parser supports."""
IR_VERSION = 8
"""The ONNX IR version of every model (that of opset 17; written explicitly, not the installed onnx's)."""
NODE_NAME = "/up/ConvTranspose"
"""The ``ConvTranspose`` node's name in every model (what ``torch.onnx.export`` names a module ``up``'s)."""
MODELS = "onnx_models"
"""The folder of the repository that holds the committed models."""
Shape = Tuple[int, ...]


@dataclass(frozen=True)
class Case:
    """One ONNX model and what TensorRT is asked to do with it."""

    name: str
    topic: str
    """The group the page shows it in (``output_padding``, ``pads``, ``auto_pad``, ...)."""
    x_shape: Shape
    """The input's shape in the first run (N, C_in, spatial...)."""
    out_per_group: int
    """Second dimension of the ONNX weight tensor: output channels per group."""
    kernel: Shape
    attributes: Dict[str, Any] = field(default_factory=dict)
    """The node's ONNX attributes exactly as written (``strides``, ``pads``, ``auto_pad``, ...)."""
    bias: bool = True
    weights_as_input: bool = False
    """The weights are a graph input ``W`` (a non-constant tensor) instead of an initializer."""
    dynamic: Dict[int, str] = field(default_factory=dict)
    """Input axes written as symbolic dimensions (axis -> name)."""
    more_shapes: Tuple[Shape, ...] = ()
    """Further input shapes run on the same engine (dynamic cases)."""
    profile: Optional[Tuple[Shape, Shape, Shape]] = None
    """The optimization profile (min, opt, max) of input ``x``."""
    qdq: Optional[str] = None
    """``per_tensor``, ``axis0`` or ``axis1``: Q/DQ on ``x`` and a DequantizeLinear on int8 weights."""
    relu: bool = False
    """A ``Relu`` follows the ``ConvTranspose`` (a decoder block, as nvidia-modelopt needs: it leaves a
    ConvTranspose whose output is the graph's output unquantized)."""
    quantized_by: Optional[str] = None
    """The model is not written by :func:`model` but by this tool from the case named
    :data:`MODELOPT_SOURCE` (see :mod:`.modelopt_case`); the committed file is its output."""

    @property
    def group(self) -> int:
        """The ``group`` attribute (1 when absent)."""
        return int(self.attributes.get("group", 1))

    @property
    def weight_shape(self) -> Shape:
        """ONNX's ``[C_in, C_out / group, k...]``."""
        return (self.x_shape[1], self.out_per_group) + tuple(self.kernel)

    @property
    def precisions(self) -> Tuple[str, ...]:
        """Builder precisions to try: FP32 always, INT8 too for Q/DQ models."""
        return ("fp32", "int8") if self.qdq or self.quantized_by else ("fp32",)

    @property
    def shapes(self) -> Tuple[Shape, ...]:
        """Every input shape run."""
        return (tuple(self.x_shape),) + tuple(tuple(s) for s in self.more_shapes)


def _c(name, topic, x_shape, out_per_group, kernel, **kw) -> Case:
    return Case(name, topic, tuple(x_shape), out_per_group, tuple(kernel), **kw)


X2 = (1, 2, 5, 5)
X3 = (1, 2, 3, 4, 4)
CASES: Tuple[Case, ...] = (
    _c("base_2d", "base", X2, 3, (3, 3), attributes={"strides": [2, 2]}),
    _c("no_bias_2d", "bias", X2, 3, (3, 3), attributes={"strides": [2, 2]}, bias=False),
    # output_padding against the end padding it can be folded into (onnx-tensorrt 8.6 importer)
    _c("output_padding_lt_pads_2d", "output_padding", X2, 3, (3, 3),
       attributes={"strides": [2, 2], "pads": [2, 2, 2, 2], "output_padding": [1, 1]}),
    _c("output_padding_eq_pads_2d", "output_padding", X2, 3, (3, 3),
       attributes={"strides": [2, 2], "pads": [1, 1, 1, 1], "output_padding": [1, 1]}),
    _c("output_padding_gt_pads_2d", "output_padding", X2, 3, (3, 3),
       attributes={"strides": [2, 2], "pads": [0, 0, 0, 0], "output_padding": [1, 1]}),
    _c("output_padding_gt_pads_no_bias_2d", "output_padding", X2, 3, (3, 3),
       attributes={"strides": [2, 2], "output_padding": [1, 1]}, bias=False),
    _c("output_padding_lt_pads_3d", "output_padding", X3, 2, (3, 3, 3),
       attributes={"strides": [2, 2, 2], "pads": [2, 2, 2, 2, 2, 2], "output_padding": [1, 1, 1]}),
    _c("output_padding_eq_pads_3d", "output_padding", X3, 2, (3, 3, 3),
       attributes={"strides": [2, 2, 2], "pads": [1, 1, 1, 1, 1, 1], "output_padding": [1, 1, 1]}),
    _c("output_padding_gt_pads_3d", "output_padding", X3, 2, (3, 3, 3),
       attributes={"strides": [2, 2, 2], "pads": [0, 1, 0, 0, 0, 0], "output_padding": [1, 1, 1]}),
    _c("pads_asymmetric_2d", "pads", X2, 3, (3, 3), attributes={"strides": [2, 2], "pads": [0, 1, 2, 0]}),
    _c("pads_asymmetric_3d", "pads", X3, 2, (3, 3, 3), attributes={"strides": [1, 2, 2], "pads": [1, 0, 2, 0, 1, 1]}),
    # output_shape: 11 is the full size ((5 - 1) * 2 + 3), so the total padding is 11 - output_shape; where it is
    # odd, ONNX's operator page puts the extra row at the start and onnx-tensorrt 8.6's generatePadding at the end;
    # where it is negative, generatePadding turns a negative end padding into output padding and refuses a
    # negative begin padding (C++ division: -1 / 2 == 0, -2 / 2 == -1). pads are ignored when output_shape is given.
    _c("output_shape_2d", "output_shape", X2, 3, (3, 3), attributes={"strides": [2, 2], "output_shape": [10, 10]}),
    _c("output_shape_with_pads_2d", "output_shape", X2, 3, (3, 3),
       attributes={"strides": [2, 2], "pads": [1, 1, 1, 1], "output_shape": [10, 10]}),
    _c("output_shape_smaller_2d", "output_shape", X2, 3, (3, 3), attributes={"strides": [2, 2], "output_shape": [8, 7]}),
    _c("output_shape_larger_2d", "output_shape", X2, 3, (3, 3), attributes={"strides": [2, 2], "output_shape": [12, 12]}),
    _c("output_shape_too_large_2d", "output_shape", X2, 3, (3, 3),
       attributes={"strides": [2, 2], "output_shape": [13, 13]}),
    _c("auto_pad_same_upper_2d", "auto_pad", X2, 3, (3, 3), attributes={"strides": [2, 2], "auto_pad": "SAME_UPPER"}),
    _c("auto_pad_same_lower_2d", "auto_pad", X2, 3, (3, 3), attributes={"strides": [2, 2], "auto_pad": "SAME_LOWER"}),
    _c("auto_pad_valid_2d", "auto_pad", X2, 3, (3, 3), attributes={"strides": [2, 2], "auto_pad": "VALID"}),
    _c("auto_pad_same_upper_output_padding_2d", "auto_pad", X2, 3, (3, 3),
       attributes={"strides": [2, 2], "auto_pad": "SAME_UPPER", "output_padding": [1, 1]}),
    _c("group_2d", "group", (1, 4, 5, 5), 3, (3, 3), attributes={"strides": [2, 2], "group": 2}),
    _c("depthwise_2d", "group", (1, 4, 5, 5), 1, (3, 3), attributes={"strides": [2, 2], "group": 4}),
    _c("dilations_2d", "dilations", X2, 3, (3, 3), attributes={"strides": [2, 2], "dilations": [2, 2], "pads": [1, 1, 1, 1]}),
    _c("one_d", "one_d", (1, 2, 7), 3, (3,), attributes={"strides": [2], "pads": [1, 1], "output_padding": [1]}),
    _c("one_d_output_padding_gt_pads", "one_d", (1, 2, 7), 3, (3,), attributes={"strides": [2], "output_padding": [1]}),
    _c("dynamic_batch_2d", "dynamic", (2, 2, 5, 5), 3, (3, 3), attributes={"strides": [2, 2], "pads": [1, 1, 1, 1]},
       dynamic={0: "N"}, more_shapes=((1, 2, 5, 5), (4, 2, 5, 5)),
       profile=((1, 2, 5, 5), (2, 2, 5, 5), (4, 2, 5, 5))),
    _c("dynamic_hw_2d", "dynamic", (1, 2, 5, 5), 3, (3, 3), attributes={"strides": [2, 2], "output_padding": [1, 1]},
       dynamic={2: "H", 3: "W"}, more_shapes=((1, 2, 3, 3), (1, 2, 8, 6)),
       profile=((1, 2, 3, 3), (1, 2, 5, 5), (1, 2, 8, 8))),
    _c("weights_as_input_2d", "weights", X2, 3, (3, 3), attributes={"strides": [2, 2]}, weights_as_input=True),
    _c("qdq_per_tensor_2d", "int8", (1, 4, 5, 5), 4, (3, 3), attributes={"strides": [2, 2]}, qdq="per_tensor"),
    _c("qdq_per_channel_axis0_2d", "int8", (1, 4, 5, 5), 4, (3, 3), attributes={"strides": [2, 2]}, qdq="axis0"),
    _c("qdq_per_channel_axis1_2d", "int8", (1, 4, 5, 5), 4, (3, 3), attributes={"strides": [2, 2]}, qdq="axis1"),
    _c("modelopt_source_2d", "int8", (1, 4, 5, 5), 4, (3, 3), attributes={"strides": [2, 2]}, relu=True),
    _c("modelopt_int8_2d", "int8", (1, 4, 5, 5), 4, (3, 3), attributes={"strides": [2, 2]}, relu=True,
       quantized_by="nvidia-modelopt"),
)
"""Every case, in the order the recorder records them and the page's tables list them."""
MODELOPT_SOURCE = "modelopt_source_2d"
"""The float model that nvidia-modelopt quantizes into ``modelopt_int8_2d``."""
BY_NAME: Dict[str, Case] = {case.name: case for case in CASES}
"""Every case by its name."""
X_SCALE = 1.0 / 64
"""The activation scale of the Q/DQ models (inputs are multiples of 1/16 within ±1.5: exact in int8)."""


def _rng(case: Case, what: str) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(f"{case.name}/{what}".encode()))


def _sixteenths(rng: np.random.Generator, shape: Sequence[int]) -> np.ndarray:
    """Multiples of 1/16 within ±1.5, float32."""
    return (rng.integers(-24, 25, size=tuple(shape)) / 16).astype(np.float32)


def weights(case: Case) -> np.ndarray:
    """The ONNX weights ``[C_in, C_out / group, k...]`` (float32; what the Q/DQ models dequantize to)."""
    return _sixteenths(_rng(case, "W"), case.weight_shape)


def bias(case: Case) -> Optional[np.ndarray]:
    """The bias ``[C_out]`` or None."""
    return _sixteenths(_rng(case, "B"), (case.out_per_group * case.group,)) if case.bias else None


def weight_scales(case: Case) -> np.ndarray:
    """The weights' DequantizeLinear scale: a scalar, or one per channel of the quantized axis."""
    if case.qdq == "per_tensor":
        return np.asarray(1 / 16, np.float32)
    axis = {"axis0": 0, "axis1": 1}[case.qdq]
    count = case.weight_shape[axis]
    return np.asarray([1 / 16 / 2 ** (i % 2) for i in range(count)], np.float32)


def quantized_weights(case: Case) -> np.ndarray:
    """The int8 weights the Q/DQ models store (exactly ``weights`` times the scale's inverse)."""
    scales = weight_scales(case)
    if scales.ndim:
        axis = {"axis0": 0, "axis1": 1}[case.qdq]
        scales = scales.reshape([-1 if a == axis else 1 for a in range(len(case.weight_shape))])
    return np.round(weights(case) / scales).astype(np.int8)


def inputs(case: Case, shape: Shape) -> Dict[str, np.ndarray]:
    """The run's inputs by graph input name: ``x`` (and ``W`` when the weights are an input)."""
    rng = _rng(case, "x" + "x".join(map(str, shape)))
    values = {"x": _sixteenths(rng, shape)}
    if case.weights_as_input:
        values["W"] = weights(case)
    return values


def model(case: Case):
    """The case's ``onnx.ModelProto`` (needs the ``onnx`` package)."""
    if case.quantized_by:
        raise ValueError(f"{case.name}: written by {case.quantized_by} (trtdeconv_docs.onnx_path.modelopt_case)")
    from onnx import TensorProto, helper, numpy_helper

    x_dims: List[Any] = [case.dynamic.get(axis, size) for axis, size in enumerate(case.x_shape)]
    graph_inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, x_dims)]
    initializers, nodes = [], []
    conv_inputs = ["x", "W"]
    if case.weights_as_input:
        graph_inputs.append(helper.make_tensor_value_info("W", TensorProto.FLOAT, list(case.weight_shape)))
    elif case.qdq:
        conv_inputs = ["x_dq", "W_dq"]
        scales = weight_scales(case)
        initializers += [
            numpy_helper.from_array(np.asarray(X_SCALE, np.float32), "x_scale"),
            numpy_helper.from_array(np.asarray(0, np.int8), "x_zero_point"),
            numpy_helper.from_array(quantized_weights(case), "W_int8"),
            numpy_helper.from_array(scales, "W_scale"),
            numpy_helper.from_array(np.zeros(scales.shape, np.int8), "W_zero_point"),
        ]
        axis = {} if case.qdq == "per_tensor" else {"axis": {"axis0": 0, "axis1": 1}[case.qdq]}
        nodes += [
            helper.make_node("QuantizeLinear", ["x", "x_scale", "x_zero_point"], ["x_q"], name="/up/input_quantizer/QuantizeLinear"),
            helper.make_node("DequantizeLinear", ["x_q", "x_scale", "x_zero_point"], ["x_dq"], name="/up/input_quantizer/DequantizeLinear"),
            helper.make_node("DequantizeLinear", ["W_int8", "W_scale", "W_zero_point"], ["W_dq"],
                             name="/up/weight_quantizer/DequantizeLinear", **axis),
        ]
    else:
        initializers.append(numpy_helper.from_array(weights(case), "W"))
    if case.bias:
        initializers.append(numpy_helper.from_array(bias(case), "B"))
        conv_inputs.append("B")
    nodes.append(helper.make_node("ConvTranspose", conv_inputs, ["up_out" if case.relu else "y"], name=NODE_NAME,
                                  **case.attributes))
    if case.relu:
        nodes.append(helper.make_node("Relu", ["up_out"], ["y"], name="/act/Relu"))
    graph = helper.make_graph(nodes, case.name, graph_inputs,
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None] * len(case.x_shape))], initializers)
    built = helper.make_model(graph, producer_name="trtdeconv-docs", opset_imports=[helper.make_opsetid("", OPSET)])
    built.ir_version = IR_VERSION
    return built


def model_bytes(case: Case) -> bytes:
    """The serialized model as committed."""
    return model(case).SerializeToString()


def model_path(root, case: Case) -> Path:
    """``<root>/onnx_models/<case>.onnx``."""
    return Path(root) / MODELS / f"{case.name}.onnx"


def main(argv=None) -> int:
    """Write (or ``--check``) every case's model into a folder; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m trtdeconv_docs.onnx_path.cases",
                                     description="Write the ONNX ConvTranspose models of the case matrix.")
    parser.add_argument("folder", type=Path, help="where the .onnx files go (the repository's onnx_models/)")
    parser.add_argument("--check", action="store_true", help="compare with the files there; write nothing")
    args = parser.parse_args(argv)
    stale = []
    for case in (c for c in CASES if not c.quantized_by):
        path = args.folder / f"{case.name}.onnx"
        data = model_bytes(case)
        if args.check:
            if not path.is_file() or path.read_bytes() != data:
                stale.append(path)
        else:
            args.folder.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    for path in stale:
        print(f"{path}: not what trtdeconv_docs.onnx_path.cases writes; run "
              f"`python -m trtdeconv_docs.onnx_path.cases {args.folder}` and record on a GPU", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
