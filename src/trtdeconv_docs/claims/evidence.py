"""What the claim checks read: the verified recordings, with the files they read noted (for rebuilds)."""

from __future__ import annotations

import os
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Set

from ..cassette import store as recordings
from ..conformance import store
from ..errors import ReplayMiss


class Evidence:
    """The recordings under ``root`` (``tensors/``, ``conformance/``), read through :mod:`trtdeconv_docs.cassette.store`."""

    def __init__(self, root=None):
        self.root = Path(root) if root is not None else recordings.root()
        self.read: Set[Path] = set()

    def example(self, name: str) -> Dict[str, Any]:
        """The recording of example ``name`` (``plot_14_int8_tactics``, with or without ``.py``)."""
        path = self.root / "tensors" / f"{Path(name).stem}.json"
        self.read.add(path)
        if not path.is_file():
            raise LookupError(f"no recording {path}")
        return _json(path, path.stat().st_mtime_ns)

    def run(self, example: str, label: str) -> Dict[str, Any]:
        """One run of an example's recording, by label."""
        for run in self.example(example)["runs"]:
            if run["label"] == label:
                return run
        raise LookupError(f"{Path(example).stem}: no run labelled {label!r}")

    def runs(self, example: str) -> List[Dict[str, Any]]:
        """Every run of an example's recording."""
        return list(self.example(example)["runs"])

    def provenance(self, folder: str = "tensors") -> Dict[str, Any]:
        """The provenance of a recordings folder (GPU, TensorRT, date...)."""
        self.read.add(self.root / folder / recordings.MANIFEST)
        return recordings.provenance(self.root / folder)

    def benchmark_run(self, run_id: str) -> Dict[str, Any]:
        """One run of the TensorRT benchmark recording (``recordings/benchmark/tensorrt.json``), by id."""
        path = self.root / "benchmark" / "tensorrt.json"
        self.read.add(path)
        for run in _json(path, path.stat().st_mtime_ns)["runs"]:
            if run["id"] == run_id:
                return run
        raise LookupError(f"{path}: no run {run_id!r}")

    def conformance(self) -> store.Recording:
        """The conformance recording (cases, runs, arrays)."""
        folder = self.root / "conformance"
        for name in (store.CASES_FILE, store.ARRAYS_FILE):
            self.read.add(folder / name)
        return _conformance(folder, (folder / store.CASES_FILE).stat().st_mtime_ns)

    def onnx(self, case: str, precision: str = "fp32"):
        """ONNX case ``case`` at ``precision`` as the page's table shows it (``onnx_path.report.Summary``: its
        recording under this root, ONNX Runtime's output computed now); a ``LookupError`` if it does not replay."""
        from ..onnx_path import cases, recorded, report  # ONNX Runtime loads only for the claims that ask
        with _recordings(self.root):
            try:
                self.read.update(recorded.recorded_folders())
                self.read.update(cases.model_path(recorded.models_root(), c) for c in cases.CASES)
                return report.summarize(cases.BY_NAME[case], precision)
            except ReplayMiss as miss:
                raise LookupError(str(miss)) from None


@contextmanager
def _recordings(root: Path):
    """``root`` as the recordings in use (``$TRTDECONV_RECORDINGS``) while the ONNX replay reads it."""
    before = os.environ.get(recordings.ROOT_VARIABLE)
    os.environ[recordings.ROOT_VARIABLE] = str(root)
    try:
        yield
    finally:
        if before is None:
            del os.environ[recordings.ROOT_VARIABLE]
        else:
            os.environ[recordings.ROOT_VARIABLE] = before


@lru_cache(maxsize=64)
def _json(path: Path, _stamp: int) -> Dict[str, Any]:
    return recordings.read_json(path)


@lru_cache(maxsize=4)
def _conformance(folder: Path, _stamp: int) -> store.Recording:
    return store.load(folder)
