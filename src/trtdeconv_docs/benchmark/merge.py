"""Write ``recordings/benchmark/`` from the TensorRT and the PyTorch runs (CPU, after the GPU run).

Usage, from the repository root::

    python -m trtdeconv_docs.benchmark.merge --tensorrt /tmp/bench-trt --pytorch /tmp/bench-torch

The folder gets ``tensorrt.json`` and ``pytorch.json`` as the runners wrote them, and a
manifest (:func:`trtdeconv_docs.cassette.publisher.publish`) whose provenance holds both
runs' (TensorRT's from :func:`~trtdeconv_docs.cassette.publisher.gpu_provenance`, PyTorch's
from the PyTorch runner).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import List, Optional

from ..cassette.store import root
from ..cassette.publisher import publish
from . import pytorch_file, tensorrt_file

TARGET = root() / "benchmark"


def merge(tensorrt_dir: Path, pytorch_dir: Path, target: Path = TARGET, command: str = "") -> None:
    """Publish both runs' files into ``target`` with both provenances."""
    sources = {tensorrt_file: Path(tensorrt_dir) / tensorrt_file, pytorch_file: Path(pytorch_dir) / pytorch_file}
    documents = {}
    for name, path in sources.items():
        try:
            documents[name] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise SystemExit(f"{path}: {error.__class__.__name__}: {error}") from None
    if not documents[tensorrt_file].get("finished"):
        print(f"note: {sources[tensorrt_file]} says the TensorRT run did not finish", file=sys.stderr)
    with tempfile.TemporaryDirectory() as scratch:
        for name, path in sources.items():
            shutil.copyfile(path, Path(scratch) / name)
        publish(scratch, target, {"tensorrt": documents[tensorrt_file]["provenance"],
                                  "pytorch": documents[pytorch_file]["provenance"]}, command=command)


def main(argv: Optional[List[str]] = None) -> int:
    """Parse the command line and merge."""
    parser = argparse.ArgumentParser(prog="python -m trtdeconv_docs.benchmark.merge", description=__doc__.split("\n")[0])
    parser.add_argument("--tensorrt", type=Path, required=True, help="the TensorRT runner's --out folder")
    parser.add_argument("--pytorch", type=Path, required=True, help="the PyTorch runner's --out folder")
    parser.add_argument("--target", type=Path, default=TARGET, help=f"recordings folder (default {TARGET})")
    args = parser.parse_args(argv)
    merge(args.tensorrt, args.pytorch, args.target,
          command="python -m trtdeconv_docs.benchmark.tensorrt; python3 -m trtdeconv_docs.benchmark.pytorch; "
                  "python -m trtdeconv_docs.benchmark.merge")
    return 0


if __name__ == "__main__":
    sys.exit(main())
