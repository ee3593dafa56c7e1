"""Write ``recordings/benchmark/`` from the TensorRT and the PyTorch runs (CPU, after the GPU run).

Usage, from the repository root::

    python -m trtdeconv_docs.benchmark.merge --tensorrt /tmp/bench-trt --pytorch /tmp/bench-torch

The folder gets ``tensorrt.json`` and ``pytorch.json`` as the runners wrote them, and a
manifest (:func:`trtdeconv_docs.cassette.publisher.publish`) whose provenance holds both
runs' (TensorRT's from :func:`~trtdeconv_docs.cassette.publisher.gpu_provenance`, PyTorch's
from the PyTorch runner).

``--earlier FOLDER`` (a verified recording, usually ``recordings/benchmark`` itself) carries
its runs that the new runs did not measure (an id the new run has not at all, or has as
``not_run`` or ``failed``) into the new files, each marked with ``earlier_method``: the
earlier file's format and date (how it timed is what its runs record, never a description typed here). They stay visible in the raw tables and never enter a
comparison, a chart or a verdict (``benchmark.analysis.unusable``), because they were timed
another way. The earlier provenances are kept under ``sessions`` of each file.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Optional

from ..cassette.publisher import publish, write_json
from ..cassette.store import read_json, root
from . import analysis, pytorch_file, tensorrt_file

TARGET = root() / "benchmark"


NOT_MEASURED = ("not_run", "failed")
"""A new run's statuses that an earlier measurement of the same id may fill."""


def carry_earlier(document: Dict[str, Any], earlier: Dict[str, Any]) -> int:
    """Fill ``document``'s unmeasured run ids from ``earlier`` (each marked ``earlier_method``); how many."""
    new = {record["id"]: index for index, record in enumerate(document["runs"])}
    fmt = earlier.get("format", 1)
    mark = analysis.carried_mark(fmt, earlier["provenance"]["date"])
    carried = 0
    for record in earlier["runs"]:
        if not analysis.measured_anew(record):
            continue
        index = new.get(record["id"])
        if index is not None and document["runs"][index].get("status") not in NOT_MEASURED:
            continue
        kept = {**record, analysis.CARRIED: mark}
        if index is None:
            document["runs"].append(kept)
        else:
            document["runs"][index] = kept
        carried += 1
    document["sessions"] = document.get("sessions", []) + [
        {"provenance": earlier["provenance"], "format": fmt, "settings": earlier.get("settings", {}),
         "carried_runs": carried}]
    return carried


def merge(tensorrt_dir: Path, pytorch_dir: Path, target: Path = TARGET, command: str = "",
          earlier: Optional[Path] = None) -> None:
    """Publish both runs' files into ``target`` with both provenances (and ``earlier``'s unmeasured runs carried)."""
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
            if earlier is None:
                shutil.copyfile(path, Path(scratch) / name)
                continue
            carried = carry_earlier(documents[name], read_json(Path(earlier) / name))
            print(f"{name}: {carried} runs carried from {earlier} (marked {analysis.CARRIED})", file=sys.stderr)
            write_json(Path(scratch) / name, documents[name])
        publish(scratch, target, {"tensorrt": documents[tensorrt_file]["provenance"],
                                  "pytorch": documents[pytorch_file]["provenance"]}, command=command)


def main(argv: Optional[List[str]] = None) -> int:
    """Parse the command line and merge."""
    parser = argparse.ArgumentParser(prog="python -m trtdeconv_docs.benchmark.merge", description=__doc__.split("\n")[0])
    parser.add_argument("--tensorrt", type=Path, required=True, help="the TensorRT runner's --out folder")
    parser.add_argument("--pytorch", type=Path, required=True, help="the PyTorch runner's --out folder")
    parser.add_argument("--target", type=Path, default=TARGET, help=f"recordings folder (default {TARGET})")
    parser.add_argument("--earlier", type=Path, help="a recording whose runs fill the ids the new runs did not "
                        "measure, marked as timed by the earlier method")
    args = parser.parse_args(argv)
    merge(args.tensorrt, args.pytorch, args.target, earlier=args.earlier,
          command="python -m trtdeconv_docs.benchmark.tensorrt; python3 -m trtdeconv_docs.benchmark.pytorch; "
                  "python -m trtdeconv_docs.benchmark.merge" + (" --earlier" if args.earlier else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
