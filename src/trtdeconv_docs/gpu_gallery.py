"""Run every example on TensorRT and a GPU, and keep what it printed in ``recordings/``.

Usage, from the repository root of a machine with TensorRT, cuda-python and a GPU::

    python -m trtdeconv_docs.gpu_gallery        # or: tox -e gpu-gallery

It builds the documentation with sphinx-gallery executing the examples
(``TRTDECONV_EXECUTE=1``) while :mod:`trtdeconv_docs.session` records each run
(``TRTDECONV_RECORD_DIR``), then replaces ``recordings/gallery`` (sphinx-gallery's
output with its md5 cache) and ``recordings/tensors`` (the JSON recordings) with the
new ones, printing every file it adds, changes or removes, and stores the hashes of the
package modules each example runs in ``recordings/dependencies.json``
(:mod:`trtdeconv_docs.dependencies`).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from sphinx.cmd.build import build_main

from .dependencies import module_hashes
from .recording import ENVIRONMENT_VARIABLE
from .sphinx_ext.gallery import DEPENDENCIES, EXECUTE_VARIABLE

SKIPPED = {"sg_execution_times.rst"}
"""Generated files not kept: the timing table, and (below) the examples' own copies,
which sphinx-gallery copies again from ``examples/`` before checking their md5."""


def _replace(source: Path, target: Path) -> None:
    before = {p.relative_to(target): p.read_bytes() for p in target.rglob("*") if p.is_file()} if target.exists() else {}
    after = {p.relative_to(source): p.read_bytes() for p in source.rglob("*")
             if p.is_file() and p.name not in SKIPPED and p.suffix != ".py"}
    for name in sorted(set(before) | set(after)):
        if name not in after:
            print(f"removed  {target / name}")
        elif name not in before:
            print(f"added    {target / name}")
        elif before[name] != after[name]:
            print(f"changed  {target / name}")
    shutil.rmtree(target, ignore_errors=True)
    for name, content in after.items():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_bytes(content)


def main(argv=None) -> int:
    """Execute the gallery on TensorRT and store its outputs; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m trtdeconv_docs.gpu_gallery", description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="repository root (default: current folder)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    docs, recordings = root / "docs", root / "recordings"
    if not (docs / "conf.py").exists():
        parser.error(f"{docs / 'conf.py'} not found: run from the repository root or pass --root")
    gallery = docs / "gallery"
    shutil.rmtree(gallery, ignore_errors=True)
    with tempfile.TemporaryDirectory() as scratch:
        os.environ[EXECUTE_VARIABLE] = "1"
        os.environ[ENVIRONMENT_VARIABLE] = str(Path(scratch) / "tensors")
        start = time.perf_counter()
        status = build_main(["-b", "dummy", "-q", "-d", str(Path(scratch) / "doctrees"), str(docs), str(Path(scratch) / "out")])
        wall = time.perf_counter() - start
        if status:
            print(f"the gallery build failed (status {status}); recordings/ left unchanged", file=sys.stderr)
            return status
        tensors = Path(scratch) / "tensors"
        builds = [run["settings"].get("build_seconds") or 0.0
                  for path in sorted(tensors.glob("*.json"))
                  for run in json.loads(path.read_text(encoding="utf-8"))["runs"]]
        _replace(gallery, recordings / "gallery")
        _replace(tensors, recordings / "tensors")
    dependencies = {source.name: module_hashes(source) for source in sorted((root / "examples").glob("plot_*.py"))}
    (recordings / DEPENDENCIES).write_text(json.dumps(dependencies, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote    {recordings / DEPENDENCIES}")
    print(f"gallery executed in {wall:.1f} s; {len(builds)} recorded engine builds took {sum(builds):.2f} s in total")
    return 0


if __name__ == "__main__":
    sys.exit(main())
