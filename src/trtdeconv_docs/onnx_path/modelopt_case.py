"""Write ``onnx_models/modelopt_int8_2d.onnx``: what nvidia-modelopt's ONNX INT8 quantization emits.

The source is the case :data:`~.cases.MODELOPT_SOURCE` (``ConvTranspose`` then ``Relu``:
modelopt 0.47.0 leaves a ``ConvTranspose`` that produces the graph's output unquantized,
``modelopt/onnx/quantization/partitioning.py``, ``get_skipped_output_layers``, which spares
only Conv, Gemm and MatMul). It is quantized on the CPU with max calibration on the
source's own input, and the output committed with a sidecar JSON naming the tool's
version and the source's sha256. Needs ``pip install "nvidia-modelopt[onnx]"`` (not
a dependency of this project)::

    python -m trtdeconv_docs.onnx_path.modelopt_case onnx_models
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from pathlib import Path

from . import cases


def main(argv=None) -> int:
    """Quantize the source model with nvidia-modelopt and write the result and its sidecar."""
    parser = argparse.ArgumentParser(prog="python -m trtdeconv_docs.onnx_path.modelopt_case", description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path, help="the repository's onnx_models/")
    args = parser.parse_args(argv)
    from importlib.metadata import version

    from modelopt.onnx.quantization import quantize

    from ..cassette.publisher import write_json

    source = cases.BY_NAME[cases.MODELOPT_SOURCE]
    target = next(c for c in cases.CASES if c.quantized_by == "nvidia-modelopt")
    source_bytes = cases.model_bytes(source)
    options = {"quantize_mode": "int8", "calibration_method": "max", "calibration_eps": ["cpu"],
               "high_precision_dtype": "fp32"}
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / f"{source.name}.onnx"
        path.write_bytes(source_bytes)
        output = Path(scratch) / f"{target.name}.onnx"
        quantize(str(path), calibration_data=cases.inputs(source, source.x_shape), output_path=str(output),
                 log_level="WARNING", **options)
        args.folder.mkdir(parents=True, exist_ok=True)
        (args.folder / output.name).write_bytes(output.read_bytes())
    write_json(args.folder / f"{target.name}.json", {
        "tool": f"nvidia-modelopt {version('nvidia-modelopt')}",
        "call": "modelopt.onnx.quantization.quantize", "options": options,
        "calibration_data": f"trtdeconv_docs.onnx_path.cases.inputs({source.name}, {list(source.x_shape)})",
        "source": f"{source.name}.onnx", "source_sha256": hashlib.sha256(source_bytes).hexdigest(),
        "onnx": version("onnx"), "onnxruntime": version("onnxruntime"),
    })
    print(f"wrote {args.folder / output.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
