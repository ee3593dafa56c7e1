"""The one writer of ``recordings/``: used only by the GPU commands.

A GPU command collects what it produced in a scratch folder, then calls
:func:`publish`, which replaces one folder of ``recordings/`` with it, writes the folder's
``MANIFEST.json`` (format, provenance, sha256 of every file) and prints every file it
added, changed or removed, and chains every manifest of the folder above into its
``ROOT.json`` (:func:`trtdeconv_docs.cassette.store.chain`). :mod:`trtdeconv_docs.cassette.store`
reads and verifies.
"""

from __future__ import annotations

import datetime
import json
import platform
import shutil
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

from .store import FORMAT, MANIFEST, ROOT_FILE, chain, sha256


def gpu_provenance() -> Dict[str, Any]:
    """TensorRT, CUDA runtime and driver, GPU, Python, NumPy and the date, read from this machine."""
    import numpy as np
    import tensorrt as trt

    from ..trt import cuda_runtime

    cudart = cuda_runtime.runtime_module()
    call = cuda_runtime.call
    properties = call(cudart.cudaGetDeviceProperties, call(cudart.cudaGetDevice))
    name = properties.name

    def version(number: int) -> str:
        return f"{number // 1000}.{number % 1000 // 10}"

    return {
        "tensorrt": trt.__version__,
        "cuda_runtime": version(call(cudart.cudaRuntimeGetVersion)),
        "cuda_driver": version(call(cudart.cudaDriverGetVersion)),
        "gpu": (name.decode() if isinstance(name, bytes) else str(name)).rstrip("\x00"),
        "compute_capability": f"{properties.major}.{properties.minor}",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def write_json(path, document: Any) -> Path:
    """Write one JSON document the way every recording is written (UTF-8, indent 1, newline)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


class GrowingDocument:
    """Writes a document whose last entry is a list that only grows (a runner's runs) again and again, as
    :func:`write_json` writes it (the same bytes), each item of the list encoded once.

    A runner that saves after every run re-encoded every earlier run each time: with indentation, JSON is encoded
    in pure Python (a third of the fake benchmark runner's test). An item must not change once written.
    """

    def __init__(self, path):
        self.path = Path(path)
        self.items: List[str] = []

    def write(self, head: Dict[str, Any], key: str, items: List[Any]) -> Path:
        """Write ``{**head, key: items}`` to ``self.path``."""
        self.items += [json.dumps(item, indent=1, ensure_ascii=False).replace("\n", "\n  ")
                       for item in items[len(self.items):]]
        text = json.dumps({**head, key: []}, indent=1, ensure_ascii=False)
        if self.items:  # JSON strings hold no raw newline: each item's lines move two levels in
            text = text[:-len("[]\n}")] + "[\n  " + ",\n  ".join(self.items) + "\n ]\n}"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(text + "\n", encoding="utf-8")
        return self.path


def publish(scratch, target, provenance: Dict[str, Any], *, keep: Optional[Iterable[str]] = None,
            command: str = "") -> Dict[str, str]:
    """Replace folder ``target`` with the files of ``scratch`` and write its manifest.

    ``keep`` names files of ``target`` (relative paths) that this run did not produce
    but that stay recorded (their old hashes are kept). Returns name -> status
    (``added``, ``changed``, ``same``, ``removed``), which is also printed.
    """
    scratch, target = Path(scratch), Path(target)
    before = {p.relative_to(target).as_posix(): p.read_bytes()
              for p in target.rglob("*") if p.is_file() and p.name != MANIFEST} if target.exists() else {}
    after = {p.relative_to(scratch).as_posix(): p.read_bytes()
             for p in scratch.rglob("*") if p.is_file() and p.name != MANIFEST}
    for name in keep or ():
        if name not in after and name in before:
            after[name] = before[name]
    report = {}
    for name in sorted(set(before) | set(after)):
        status = ("removed" if name not in after else "added" if name not in before
                  else "changed" if before[name] != after[name] else "same")
        report[name] = status
        if status != "same":
            print(f"{status:8} {target / name}")
    shutil.rmtree(target, ignore_errors=True)
    for name, content in after.items():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_bytes(content)
    write_json(target / MANIFEST, {
        "format": FORMAT,
        "command": command,
        "provenance": provenance,
        "files": {name: sha256(target / name) for name in sorted(after)},
    })
    print(f"wrote    {target / MANIFEST}")
    write_root(target.parent)
    return report


def write_root(recordings) -> Dict[str, Any]:
    """Write ``recordings/ROOT.json``: every manifest's sha256 chained into one root; prints the root."""
    chained = chain(recordings)
    write_json(Path(recordings) / ROOT_FILE, chained)
    print(f"root     {chained['root']}  ({Path(recordings) / ROOT_FILE})")
    return chained
