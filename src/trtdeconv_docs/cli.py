"""Command line of the float64 reference model: ``trtdeconv-docs reference`` and ``shape``.

``reference INPUT.npy --kernel K.npy [--bias B.npy] --num-output-maps M --kernel-size-nd 3,3
[layer options] --output OUT.npy`` writes what TensorRT's deconvolution computes (in
float64); ``shape --input-shape 1,1,3,3 --num-output-maps M --kernel-size-nd 3,3 [layer
options]`` prints the output shape. Layer options take TensorRT's attribute names with
dashes (``--stride-nd 2,2``); a negative value needs ``=`` (``--padding-nd=-1,0``).
Every refusal is one line on stderr, ``trtdeconv-docs: error: ...``, and exit status 2;
the layer itself is validated by :mod:`trtdeconv_docs.layer.attributes` and
:mod:`trtdeconv_docs.layer.shapes`, as everywhere else.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Callable, Optional, Sequence, Tuple

import numpy as np

from .layer import reference, shapes
from .layer.attributes import DEFAULT_PADDING_MODE, PADDING_MODES, PER_DIMENSION_ATTRIBUTES, DeconvolutionError, resolve

PROG = "trtdeconv-docs"
USAGE_ERROR = 2

LAYER_OPTIONS = tuple(name for name in PER_DIMENSION_ATTRIBUTES if name != "kernel_size_nd")
"""The optional per-dimension attributes (``--kernel-size-nd`` is required)."""


class UsageError(Exception):
    """Bad command-line input; the message is printed on one line."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line, not usage text and ``exit(2)``."""

    def error(self, message: str):
        """Raise :class:`UsageError` instead of printing usage and exiting."""
        raise UsageError(message)


def _integers(name: str) -> Callable[[str], Tuple[int, ...]]:
    """An argparse type reading ``"2,2"`` as ``(2, 2)``; its errors name ``name``."""

    def parse(text: str) -> Tuple[int, ...]:
        try:
            return tuple(int(part) for part in text.split(","))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{name} must be comma-separated integers such as 2,2, got {text!r}"
            ) from None

    return parse


def _layer_options() -> argparse.ArgumentParser:
    """The layer attributes both subcommands take, under TensorRT's names."""
    options = _Parser(add_help=False)
    options.add_argument("--num-output-maps", type=int, required=True, metavar="M")
    options.add_argument("--kernel-size-nd", type=_integers("kernel_size_nd"), required=True, metavar="K,K")
    for name in LAYER_OPTIONS:
        options.add_argument("--" + name.replace("_", "-"), type=_integers(name), metavar="N,N")
    options.add_argument("--padding-mode", default=DEFAULT_PADDING_MODE, metavar="MODE",
                         help="one of " + ", ".join(PADDING_MODES))
    options.add_argument("--num-groups", type=int, default=1, metavar="G")
    return options


def build_parser() -> argparse.ArgumentParser:
    """The ``trtdeconv-docs`` argument parser with its two subcommands."""
    parser = _Parser(prog=PROG, description="Float64 reference model of TensorRT's deconvolution layer.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    layer = _layer_options()
    run = commands.add_parser("reference", parents=[layer], help="run the reference model on .npy files")
    run.add_argument("input", metavar="INPUT.npy")
    run.add_argument("--kernel", required=True, metavar="K.npy")
    run.add_argument("--bias", metavar="B.npy")
    run.add_argument("--output", required=True, metavar="OUT.npy")
    shape = commands.add_parser("shape", parents=[layer], help="print the output shape")
    shape.add_argument("--input-shape", type=_integers("input shape"), required=True, metavar="N,C,H,W")
    return parser


def _layer(args: argparse.Namespace):
    """Resolve the layer attributes given on the command line."""
    return resolve(
        num_output_maps=args.num_output_maps,
        kernel_size_nd=args.kernel_size_nd,
        padding_mode=args.padding_mode,
        num_groups=args.num_groups,
        **{name: getattr(args, name) for name in LAYER_OPTIONS},
    )


def load_array(path: str, what: str) -> np.ndarray:
    """Read a real-valued array from a ``.npy`` file; pickles and ``.npz`` archives are refused."""
    try:
        with open(path, "rb") as file:
            array = np.lib.format.read_array(file, allow_pickle=False)
    except (OSError, ValueError) as error:
        raise UsageError(f"{what} {path}: {error}") from None
    if array.dtype.kind not in "biuf":
        raise UsageError(f"{what} {path}: holds {array.dtype} values, not real numbers")
    return array


def available_memory() -> Optional[int]:
    """Bytes of memory free now (Linux ``sysconf``), or ``None`` where the system does not say."""
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None


FP32_MAX = float(np.finfo(np.float32).max)


def _fp32_overflow(arrays) -> Optional[str]:
    """The first named array holding a value past FP32's range, where TensorRT's FP32 gives inf."""
    for name, array in arrays:
        if array is not None and array.size and float(np.max(np.abs(array))) > FP32_MAX:
            return name
    return None


def _reference(args: argparse.Namespace) -> None:
    x = load_array(args.input, "input")
    kernel = load_array(args.kernel, "kernel")
    bias = None if args.bias is None else load_array(args.bias, "bias")
    layer = _layer(args)
    needed, free = reference.working_bytes(x.shape, layer), available_memory()
    if free is not None and needed > free:
        raise UsageError(f"the float64 model of this layer needs {needed} bytes of memory, {free} are free")
    try:
        result = reference.deconvolve(x, kernel, bias, layer)
    except MemoryError:
        raise UsageError(f"out of memory computing the float64 model ({needed} bytes estimated)") from None
    overflow = _fp32_overflow((("the input", x), ("the kernel", kernel), ("the bias", bias), ("the output", result)))
    if overflow:
        print(f"{PROG}: warning: {overflow} holds values past FP32's largest {FP32_MAX:.7g}: TensorRT's FP32 "
              f"layer gives inf there (this float64 result does not)", file=sys.stderr)
    try:
        with open(args.output, "wb") as file:
            np.save(file, result)
    except OSError as error:
        raise UsageError(f"output {args.output}: {error}") from None


def _shape(args: argparse.Namespace) -> None:
    print(shapes.output_shape(args.input_shape, _layer(args)))


def run(argv: Optional[Sequence[str]] = None) -> None:
    """Run the command line; a refusal raises :class:`UsageError` or :class:`DeconvolutionError`."""
    args = build_parser().parse_args(argv)
    {"reference": _reference, "shape": _shape}[args.command](args)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line; returns the exit status (2 for any refused input, said in one line)."""
    try:
        run(argv)
    except (UsageError, DeconvolutionError) as error:
        one_line = " ".join(str(error).split())
        print(f"{PROG}: error: {one_line}", file=sys.stderr)
        return USAGE_ERROR
    return 0
