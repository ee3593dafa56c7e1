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
import re
import sys
from typing import Callable, Optional, Sequence, Tuple

import numpy as np

from .layer import reference, shapes
from .layer.attributes import (DEFAULT_PADDING_MODE, IGNORED_BY_SETTER, PADDING_MODES, PER_DIMENSION_ATTRIBUTES,
                               DeconvolutionError, resolve)
from .layer.padding_use import ignored_paddings

PROG = "trtdeconv-docs"
USAGE_ERROR = 2

LAYER_OPTIONS = tuple(name for name in PER_DIMENSION_ATTRIBUTES if name != "kernel_size_nd")
"""The optional per-dimension attributes (``--kernel-size-nd`` is required)."""


class UsageError(Exception):
    """Bad command-line input; the message is printed on one line."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line, not usage text and ``exit(2)``."""

    def error(self, message: str):
        """Raise :class:`UsageError` (the message and where the help is) instead of printing usage and exiting."""
        raise UsageError(f"{message} (see: {self.prog} --help)")


INTEGER = re.compile(r"[+-]?[0-9]+")
"""An integer as people type it: ASCII digits only (``int()`` also takes ``1_0`` and Arabic-Indic digits)."""


def _integers(name: str) -> Callable[[str], Tuple[int, ...]]:
    """An argparse type reading ``"2,2"`` as ``(2, 2)``; its errors name ``name``."""

    def parse(text: str) -> Tuple[int, ...]:
        parts = [part.strip() for part in text.split(",")]
        if not all(INTEGER.fullmatch(part) for part in parts):
            raise argparse.ArgumentTypeError(f"{name} must be comma-separated integers such as 2,2, got {text!r}")
        return tuple(int(part) for part in parts)

    return parse


def _integer(name: str) -> Callable[[str], int]:
    """An argparse type reading one integer (ASCII digits); its errors name ``name``."""

    def parse(text: str) -> int:
        if not INTEGER.fullmatch(text.strip()):
            raise argparse.ArgumentTypeError(f"{name} must be an integer such as 2, got {text!r}")
        return int(text)

    return parse


HELP = {
    "stride_nd": "the stride per spatial dimension (default 1 each)",
    "padding_nd": "cropped at both ends of each spatial dimension: sets pre and post padding (default 0)",
    "pre_padding": "cropped at the start of each spatial dimension (replaces padding_nd's)",
    "post_padding": "cropped at the end of each spatial dimension (replaces padding_nd's)",
    "dilation_nd": "the kernel's dilation per spatial dimension (default 1 each)",
}
"""Help of each optional per-dimension option (TensorRT's attribute of the same name)."""


def _layer_options() -> argparse.ArgumentParser:
    """The layer attributes both subcommands take, under TensorRT's names."""
    options = _Parser(add_help=False)
    options.add_argument("--num-output-maps", type=_integer("num_output_maps"), required=True, metavar="M",
                         help="output channels (required)")
    options.add_argument("--kernel-size-nd", type=_integers("kernel_size_nd"), required=True, metavar="K,K",
                         help="kernel size per spatial dimension: 2 values (2-D) or 3 (3-D) (required)")
    for name in LAYER_OPTIONS:
        options.add_argument("--" + name.replace("_", "-"), type=_integers(name), metavar="N,N", help=HELP[name])
    modes = "; ".join(f"{mode} ignores {', '.join('--' + n.replace('_', '-') for n in ignored_paddings(mode))}"
                      for mode in PADDING_MODES if ignored_paddings(mode))
    options.add_argument("--padding-mode", default=DEFAULT_PADDING_MODE, metavar="MODE",
                         help=f"one of {', '.join(PADDING_MODES)} (default {DEFAULT_PADDING_MODE}); {modes}")
    options.add_argument("--num-groups", type=_integer("num_groups"), default=1, metavar="G",
                         help="groups: must divide the input channels and M (default 1)")
    return options


def build_parser() -> argparse.ArgumentParser:
    """The ``trtdeconv-docs`` argument parser with its two subcommands."""
    parser = _Parser(prog=PROG, description="Float64 reference model of TensorRT's deconvolution layer.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    layer = _layer_options()
    run = commands.add_parser("reference", parents=[layer], help="run the reference model on .npy files")
    run.add_argument("input", metavar="INPUT.npy", help="the input tensor (N, C, [D,] H, W) as a .npy file")
    run.add_argument("--kernel", required=True, metavar="K.npy", help="the kernel (C, M/G, [kD,] kH, kW) as a .npy file")
    run.add_argument("--bias", metavar="B.npy", help="the bias (M,) as a .npy file (default: none)")
    run.add_argument("--output", required=True, metavar="OUT.npy", help="where to write the float64 output")
    shape = commands.add_parser("shape", parents=[layer], help="print the output shape")
    shape.add_argument("--input-shape", type=_integers("input shape"), required=True, metavar="N,C,H,W",
                       help="the input's shape, e.g. 1,3,17,17 (required)")
    return parser


def _layer(args: argparse.Namespace):
    """Resolve the layer attributes given on the command line; a note on stderr names the ones the mode ignores."""
    ignored = [name for name in ignored_paddings(args.padding_mode) if getattr(args, name, None) is not None] \
        if args.padding_mode in PADDING_MODES else []
    if ignored:
        print(f"{PROG}: note: --padding-mode {args.padding_mode} does not use "
              f"{', '.join('--' + name.replace('_', '-') for name in ignored)}: ignored", file=sys.stderr)
    return resolve(
        num_output_maps=args.num_output_maps,
        kernel_size_nd=args.kernel_size_nd,
        padding_mode=args.padding_mode,
        num_groups=args.num_groups,
        **{name: getattr(args, name) for name in LAYER_OPTIONS},
    )


DTYPES = ("float16", "float32", "float64", "int8")
"""What a tensor of TensorRT 8.6's deconvolution can hold (float64 too, for this float64 model); not bool, int32, int64."""


def _header_problem(file, size: int) -> Optional[str]:
    """Why a ``.npy`` header cannot be read as is (a shape larger than the file, or unreadable), else ``None``."""
    version = np.lib.format.read_magic(file)
    readers = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
    if version not in readers:
        return None  # version 3: read_array reads it, and its errors are caught below
    shape, _fortran, dtype = readers[version](file)
    if dtype.hasobject:
        return None  # read_array refuses it (allow_pickle=False) in one line
    count = 1
    for extent in shape:
        count *= int(extent)
    needed, held = count * dtype.itemsize, size - file.tell()
    if needed > held:
        return f"its header claims shape {tuple(shape)} ({count} elements, {needed} bytes); the file holds {held} bytes"
    return None


def load_array(path: str, what: str) -> np.ndarray:
    """Read a real-valued array from a ``.npy`` file; pickles, ``.npz`` archives and lying headers are refused."""
    try:
        with open(path, "rb") as file:
            problem = _header_problem(file, os.fstat(file.fileno()).st_size)
            if problem:
                raise UsageError(f"{what} {path}: {problem}")
            file.seek(0)
            array = np.lib.format.read_array(file, allow_pickle=False)
    except (OSError, ValueError, OverflowError, MemoryError, SyntaxError) as error:
        raise UsageError(f"{what} {path}: not a readable .npy file ({error.__class__.__name__}: {error})") from None
    if array.dtype.kind not in "biuf":
        raise UsageError(f"{what} {path}: holds {array.dtype} values, not real numbers")
    if array.dtype.name not in DTYPES:
        raise UsageError(f"{what} {path}: holds {array.dtype} values; TensorRT 8.6's deconvolution takes "
                         f"{', '.join(DTYPES[:2])} or int8 (and this float64 model float64)")
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
        if getattr(error, "reason", None) in IGNORED_BY_SETTER:
            one_line += ("; TensorRT 8.6 would not refuse this layer: its setter logs an API Usage Error and "
                         "keeps the previous value")
        print(f"{PROG}: error: {one_line}", file=sys.stderr)
        return USAGE_ERROR
    return 0
