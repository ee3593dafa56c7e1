"""Record every example's TensorRT runs on a GPU into ``recordings/tensors``.

Usage, from the repository root of a machine with TensorRT, cuda-python and a GPU::

    python -m trtdeconv_docs.gpu_gallery [--prune]

Each example under ``examples/`` is run as a script with real TensorRT in the ``record``
mode (:mod:`trtdeconv_docs.cassette.mode`), in which :mod:`trtdeconv_docs.cassette.recorder` writes its runs to a scratch folder; the folder is then
published to ``recordings/tensors`` with its manifest
(:func:`trtdeconv_docs.cassette.publisher.publish`), printing every recording added,
changed or removed. Recordings of examples that no longer record anything are kept,
and reported as unused, unless ``--prune`` says to remove them. Nothing here imports
Sphinx: the documentation build replays these recordings on any machine.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import runpy
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Dict, List, Tuple

from . import mode, store
from .publisher import gpu_provenance, publish
from .recording import TENSORS


def run_examples(examples, announce: bool = False) -> Dict[str, str]:
    """Run each example script in this process, in fresh globals, from its own folder, its printing swallowed.

    Returns ``{file name: ""}`` for each example that ran, else its traceback: one failure
    (a :class:`~trtdeconv_docs.errors.ReplayMiss` included) never stops the others. The
    tests run every example this way under each mode; the GPU command records them.
    """
    results = {}
    for example in map(Path, examples):
        if announce:
            print(f"running  {example.name}", flush=True)
        cwd = os.getcwd()
        os.chdir(example.parent)
        mode.example_starts(example.resolve())
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                runpy.run_path(str(example), run_name="__main__")
            results[example.name] = ""
        except (Exception, SystemExit):
            results[example.name] = traceback.format_exc()
        finally:
            os.chdir(cwd)
            if "matplotlib.pyplot" in sys.modules:  # the examples' figures, once shown
                sys.modules["matplotlib.pyplot"].close("all")
    return results


def record_examples(examples, scratch: Path) -> Tuple[float, List[str]]:
    """Run each example script with recording into ``scratch``; returns the seconds it took and the failures."""
    mode.choose(mode.Mode("record", str(scratch)))
    start = time.perf_counter()
    failures = []
    for name, problem in run_examples(examples, announce=True).items():
        if problem:  # one broken example must not lose the others' recordings
            failures.append(f"{name}:\n{problem}")
            (scratch / f"{Path(name).stem}.json").unlink(missing_ok=True)
    return time.perf_counter() - start, failures


def main(argv=None) -> int:
    """Run the examples on TensorRT and publish their recordings; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m trtdeconv_docs.gpu_gallery", description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="repository root (default: current folder)")
    parser.add_argument("--prune", action="store_true", help="remove recordings no example made in this run")
    parser.add_argument("--only", nargs="*", default=None, help="example file names to run (the others are kept)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    examples = sorted((root / "examples").glob("plot_*.py"))
    if not examples:
        parser.error(f"no examples under {root / 'examples'}: run from the repository root or pass --root")
    if args.only:
        examples = [e for e in examples if e.name in set(args.only)]
    target = root / "recordings" / TENSORS
    old = set(store.manifest(target)["files"]) if (target / store.MANIFEST).is_file() else set()
    with tempfile.TemporaryDirectory() as scratch:
        wall, failures = record_examples(examples, Path(scratch))
        made = {p.name for p in Path(scratch).glob("*.json")}
        not_run = {name for name in old if name not in {f"{e.stem}.json" for e in examples}}
        unused = sorted(old - made - not_run)
        for name in unused:
            print(f"{'pruned' if args.prune else 'unused'}   {target / name}")
        keep = sorted(not_run) + ([] if args.prune else unused)
        publish(scratch, target, gpu_provenance(), keep=keep, command="python -m trtdeconv_docs.gpu_gallery")
    print(f"{len(examples)} examples ran on TensorRT in {wall:.1f} s")
    for failure in failures:
        print(f"FAILED   {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
