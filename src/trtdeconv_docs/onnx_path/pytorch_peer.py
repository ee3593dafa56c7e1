"""PyTorch's ``conv_transpose`` on the ONNX cases it can express, on a GPU (the GPU machine's ``python3``).

Usage, from the repository root of a machine with PyTorch and CUDA::

    PYTHONPATH=$PWD/src python3 -m trtdeconv_docs.onnx_path.pytorch_peer --out OUTDIR

The cases are rebuilt from :mod:`.cases` (weights, bias and inputs: NumPy only, no
``onnx``); PyTorch can express a case with symmetric ``pads`` (its ``padding``),
``output_padding``, ``group``, ``dilations``, no ``auto_pad``, no ``output_shape`` and
no Q/DQ (:func:`expressible`). Each run is ``torch.nn.functional.conv_transpose{1,2,3}d``
in float32 on CUDA with TF32 forbidden (and ``relu`` where the model has one).
Published to ``OUTDIR/recordings/onnx-pytorch`` with its manifest and PyTorch's provenance.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, Optional

from ..cassette.store import FORMAT
from ..cassette.tensors import encode
from . import cases

FOLDER = "onnx-pytorch"
COMMAND = "PYTHONPATH=$PWD/src python3 -m trtdeconv_docs.onnx_path.pytorch_peer --out OUTDIR"


def expressible(case: cases.Case) -> Optional[str]:
    """None where PyTorch's ``conv_transpose`` expresses the case, else the reason it does not."""
    attributes = case.attributes
    n = len(case.kernel)
    pads = attributes.get("pads", [0] * 2 * n)
    if case.qdq or case.quantized_by:
        return "quantized (Q/DQ) model"
    if "auto_pad" in attributes:
        return "auto_pad has no PyTorch argument"
    if "output_shape" in attributes:
        return "output_shape has no PyTorch argument (ConvTranspose2d.forward's output_size is another rule)"
    if list(pads[:n]) != list(pads[n:]):
        return "asymmetric pads have no PyTorch argument"
    return None


def arguments(case: cases.Case) -> Dict[str, Any]:
    """The keyword arguments of ``conv_transpose{n}d`` for an expressible case."""
    n = len(case.kernel)
    attributes = case.attributes
    return {"stride": list(attributes.get("strides", [1] * n)), "padding": list(attributes.get("pads", [0] * 2 * n))[:n],
            "output_padding": list(attributes.get("output_padding", [0] * n)), "groups": case.group,
            "dilation": list(attributes.get("dilations", [1] * n))}


def record_case(torch, case: cases.Case) -> Dict[str, Any]:
    """PyTorch's output for each input shape of an expressible case, or the reason it is not expressible."""
    reason = expressible(case)
    document: Dict[str, Any] = {"format": FORMAT, "case": case.name}
    if reason:
        document["not_expressible"] = reason
        return document
    function = getattr(torch.nn.functional, f"conv_transpose{len(case.kernel)}d")
    kwargs = arguments(case)
    device = torch.device("cuda")
    weight = torch.from_numpy(cases.weights(case)).to(device)
    bias = cases.bias(case)
    bias = torch.from_numpy(bias).to(device) if bias is not None else None
    runs = []
    for shape in case.shapes:
        values = cases.inputs(case, shape)
        with torch.no_grad():
            out = function(torch.from_numpy(values["x"]).to(device), weight, bias, **kwargs)
            if case.relu:
                out = torch.relu(out)
        runs.append({"inputs": {name: encode(array) for name, array in values.items()},
                     "outputs": {"y": encode(out.cpu().numpy())}})
    document.update(call=f"torch.nn.functional.conv_transpose{len(case.kernel)}d", arguments=kwargs, runs=runs)
    return document


def main(argv=None) -> int:
    """Record PyTorch's outputs and publish them with their manifest."""
    parser = argparse.ArgumentParser(prog="python -m trtdeconv_docs.onnx_path.pytorch_peer", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="OUTDIR: writes OUTDIR/recordings/onnx-pytorch")
    args = parser.parse_args(argv)
    import torch

    from ..benchmark.pytorch import provenance
    from ..cassette.publisher import publish, write_json

    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    origin = provenance()
    print(f"PyTorch {origin['torch']} on {origin['gpu']}", flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        for case in cases.CASES:
            document = record_case(torch, case)
            write_json(Path(scratch) / f"{case.name}.json", document)
            print(f"{case.name}: {document.get('not_expressible') or str(len(document['runs'])) + ' run(s)'}", flush=True)
        publish(scratch, args.out / "recordings" / FOLDER, origin, command=COMMAND)
    return 0


if __name__ == "__main__":
    sys.exit(main())
