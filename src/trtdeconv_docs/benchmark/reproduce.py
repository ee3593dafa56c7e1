"""Reproduce a benchmark row without this repository's runner: its ONNX model, a ``polygraphy run`` and a ``trtexec`` line.

Usage (needs ``onnx`` and ``onnx-graphsurgeon``; no GPU)::

    python -m trtdeconv_docs.benchmark.reproduce OUTDIR [--only dcgan,idaup_f2]

writes ``OUTDIR/<workload>/<formulation>[_int8|_int8_out].onnx`` for every run the plan builds
(:mod:`.plan`; the same workload arrays as the runner, :meth:`.workloads.Workload.arrays`) and
``OUTDIR/commands.txt``: per row, the ``polygraphy run`` command (TensorRT against ONNX Runtime, through
TensorRT's Python API) and the equivalent ``trtexec`` line. The trtexec lines were not run here:
TensorRT's timings in the guide come from the runner (CUDA-graph replay, recorded clocks).
:func:`commands` is what the page renders per row. A formulation's model is the deconvolution's with
its ``ConvTranspose`` rewritten (:func:`.onnx_rewrite.write_formulation`); INT8 rows carry
``QuantizeLinear``/``DequantizeLinear`` pairs as the runner's networks do (the input per tensor; the
weights per output map on ONNX's axis 1 for one group, else per tensor; ``int8_out`` after the
layer too) and are written for the deconvolution only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np

from . import blocks, check, plan, upsampling
from .workloads import Workload

OPSET, IR_VERSION = 17, 8
"""The ONNX opset and IR version of the written models (as :mod:`trtdeconv_docs.onnx_path.cases`)."""
NODE = "deconvolution"
"""The ``ConvTranspose`` node's name."""
NOT_RUN = "trtexec: not run here (the guide's timings come from the runner)"
POLYGRAPHY_NOTE = ("polygraphy compares TensorRT with ONNX Runtime under its default tolerances, which suit FP32; "
                   "give --atol/--rtol for TF32, FP16 and INT8; its I/O stays FP32 and linear (the trtexec line "
                   "sets the row's I/O formats)")
"""What the page says beside a row's ``polygraphy run`` command."""


def model_name(run: plan.Run) -> str:
    """``<workload>/<formulation>[_int8|_int8_out].onnx``: one model per formulation, and per INT8 kind."""
    suffix = f"_{run.precision}" if run.precision.startswith("int8") else ""
    return f"{run.workload.name}/{run.formulation}{suffix}.onnx"


def _qdq(helper, numpy_helper, name: str, tensor: str, scale, axis: Optional[int], nodes, initializers) -> str:
    scale = np.asarray(scale, np.float32)
    initializers += [numpy_helper.from_array(scale, f"{name}_scale"),
                     numpy_helper.from_array(np.zeros(scale.shape, np.int8), f"{name}_zero_point")]
    extra = {} if axis is None else {"axis": axis}
    nodes += [helper.make_node("QuantizeLinear", [tensor, f"{name}_scale", f"{name}_zero_point"], [f"{name}_q"],
                               name=f"{name}_quantize", **extra),
              helper.make_node("DequantizeLinear", [f"{name}_q", f"{name}_scale", f"{name}_zero_point"],
                               [f"{name}_dq"], name=f"{name}_dequantize", **extra)]
    return f"{name}_dq"


def deconvolution_model(workload: Workload, precision: str = "fp32"):
    """The workload's network as an ``onnx.ModelProto``: input ``x`` (dynamic dimensions named where a profile varies
    them), the ``ConvTranspose`` with the runner's kernel and bias, the fused block, the INT8 Q/DQ pairs; output ``y``."""
    from onnx import TensorProto, helper, numpy_helper

    arrays, layer = workload.arrays(), workload.layer
    rank = layer.spatial_rank
    dims: List = list(workload.input_shape)
    if workload.profile:
        dims = [d[0] if len(set(d)) == 1 else f"d{i}" for i, d in enumerate(zip(*workload.profile))]
    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, dims)]
    nodes: List = []
    initializers = [numpy_helper.from_array(arrays["bias"], "B")]
    x, weight = "x", "W"
    if precision.startswith("int8"):
        x = _qdq(helper, numpy_helper, "x", "x", check.int8_scale(arrays["input"]), None, nodes, initializers)
        scales, axis = check.int8_kernel_scales(arrays["kernel"], layer)
        initializers.append(numpy_helper.from_array(arrays["kernel"], "W"))
        weight = _qdq(helper, numpy_helper, "W", "W", scales, axis, nodes, initializers)
    else:
        initializers.append(numpy_helper.from_array(arrays["kernel"], "W"))
    nodes.append(helper.make_node("ConvTranspose", [x, weight, "B"], ["up"], name=NODE,
                                  kernel_shape=list(layer.kernel_size_nd), strides=list(layer.stride_nd),
                                  pads=list(layer.pre_padding) + list(layer.post_padding), group=layer.num_groups))
    out = "up"
    if workload.block == "bn_relu":
        shape = (1, -1) + (1,) * rank
        initializers += [numpy_helper.from_array(arrays["scale"].reshape(shape), "bn_scale"),
                         numpy_helper.from_array(arrays["shift"].reshape(shape), "bn_shift")]
        nodes += [helper.make_node("Mul", [out, "bn_scale"], ["scaled"], name="batch_norm_scale"),
                  helper.make_node("Add", ["scaled", "bn_shift"], ["shifted"], name="batch_norm_shift")]
        out = "shifted"
    if workload.block in ("bias_relu", "bn_relu"):
        nodes.append(helper.make_node("Relu", [out], ["relu"], name="relu"))
        out = "relu"
    if workload.block in ("add", "concat"):
        inputs.append(helper.make_tensor_value_info("skip", TensorProto.FLOAT, list(workload.skip_shape)))
        op, attrs = ("Add", {}) if workload.block == "add" else ("Concat", {"axis": 1})
        nodes.append(helper.make_node(op, [out, "skip"], [workload.block], name=workload.block, **attrs))
        out = workload.block
    if precision == "int8_out":
        checked = check.reference_slice(arrays["input"], arrays["kernel"], arrays["bias"], layer)
        scale = check.int8_scale(blocks.reference_slice(checked, workload.block, arrays).expected)  # as the runner's
        out = _qdq(helper, numpy_helper, "y", out, scale, None, nodes, initializers)
    nodes.append(helper.make_node("Identity", [out], ["y"], name="output"))
    graph = helper.make_graph(nodes, workload.name, inputs, [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
                              initializers)
    model = helper.make_model(graph, producer_name="trtdeconv-docs", opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = IR_VERSION
    return model


def model(run: plan.Run):
    """The ONNX model of ``run``: :func:`deconvolution_model`, its ``ConvTranspose`` rewritten for a formulation."""
    from .onnx_rewrite import write_formulation

    if run.formulation != "deconvolution" and run.precision.startswith("int8"):
        raise ValueError(f"{run.id}: INT8 models are written for the deconvolution only")
    base = deconvolution_model(run.workload, run.precision)
    return base if run.formulation == "deconvolution" else write_formulation(base, run.formulation, [NODE])


def _shapes(workload: Workload, sep: str, brackets: bool) -> Dict[str, str]:
    def text(shape):
        inner = sep.join(str(d) for d in shape)
        return f"[{inner}]" if brackets else inner
    shapes = {"x": text(workload.input_shape)}
    if workload.skip_shape is not None:
        shapes["skip"] = text(workload.skip_shape)
    if workload.profile:
        shapes.update({f"x_{k}": text(s) for k, s in zip(("min", "opt", "max"), workload.profile)})
    return shapes


def commands(run: plan.Run, folder: str = "onnx") -> Dict[str, str]:
    """``polygraphy`` and ``trtexec`` command lines that rebuild and run ``run``'s network from its ONNX model
    (written by ``python -m trtdeconv_docs.benchmark.reproduce <folder>``); the trtexec line was not run here."""
    path = f"{folder}/{model_name(run)}"
    flags = {"fp32": [], "tf32": ["--tf32"], "fp16": ["--fp16"], "int8": ["--int8"], "int8_out": ["--int8"]}
    poly = ["polygraphy", "run", path, "--trt", "--onnxrt"] + flags[run.precision]
    shapes = _shapes(run.workload, ",", True)
    if run.workload.profile:
        poly += ["--trt-min-shapes", f"x:{shapes['x_min']}", "--trt-opt-shapes", f"x:{shapes['x_opt']}",
                 "--trt-max-shapes", f"x:{shapes['x_max']}", "--input-shapes", f"x:{shapes['x_opt']}"]
    trtexec = [f"trtexec --onnx={path}", "--useCudaGraph", "--noDataTransfers", "--separateProfileRun",
               "--dumpProfile"]
    trtexec += {"fp32": ["--noTF32"], "tf32": [], "fp16": ["--fp16", "--noTF32"], "int8": ["--int8"],
                "int8_out": ["--int8"]}[run.precision]
    dims = _shapes(run.workload, "x", False)
    if run.workload.profile:
        trtexec += [f"--minShapes=x:{dims['x_min']}", f"--optShapes=x:{dims['x_opt']}",
                    f"--maxShapes=x:{dims['x_max']}", f"--shapes=x:{dims['x_opt']}"]
    if run.layout == "channels_last":
        formats = {"fp16": "fp16:hwc8" if run.workload.layer.spatial_rank == 2 else "fp16:dhwc8",
                   "fp32": "fp32:hwc", "tf32": "fp32:hwc"}[run.precision]
        count = 2 if run.workload.skip_shape is not None else 1
        trtexec += [f"--inputIOFormats={','.join([formats] * count)}", f"--outputIOFormats={formats}"]
    elif run.precision == "fp16":
        count = 2 if run.workload.skip_shape is not None else 1
        trtexec += [f"--inputIOFormats={','.join(['fp16:chw'] * count)}", "--outputIOFormats=fp16:chw"]
    return {"model": path, "polygraphy": " ".join(poly), "polygraphy_note": POLYGRAPHY_NOTE,
            "trtexec": " ".join(trtexec), "trtexec_note": NOT_RUN}


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Write every planned run's ONNX model (once per file) and ``commands.txt`` into the folder given."""
    import onnx

    parser = argparse.ArgumentParser(prog="python -m trtdeconv_docs.benchmark.reproduce",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="folder for the models and commands.txt")
    parser.add_argument("--only", default="", help="comma-separated workload names (default: all)")
    args = parser.parse_args(argv)
    planned = [run for run in plan.runs(tuple(filter(None, args.only.split(",")))) if run.skipped is None]
    lines, written = [], set()
    for run in planned:
        if run.formulation != "deconvolution" and run.precision.startswith("int8"):
            lines.append(f"# {run.id}: no ONNX model (INT8 models are written for the deconvolution only)")
            continue
        name = model_name(run)
        if name not in written:
            path = args.out / name
            path.parent.mkdir(parents=True, exist_ok=True)
            onnx.save(model(run), str(path))
            written.add(name)
        found = commands(run, str(args.out))
        label = upsampling.EQUIVALENCE.get(run.formulation)
        lines += [f"# {run.id}" + (f" ({label})" if label else ""), found["polygraphy"],
                  f"{found['trtexec']}  # {NOT_RUN}"]
    (args.out / "commands.txt").write_text("\n".join([f"# {POLYGRAPHY_NOTE}"] + lines) + "\n", encoding="utf-8")
    print(f"wrote {len(written)} models and {args.out / 'commands.txt'} ({len(planned)} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
