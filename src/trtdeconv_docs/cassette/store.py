"""The one reader of ``recordings/``: what TensorRT printed on a GPU, checked before use.

Every folder under ``recordings/`` that a GPU command writes (``tensors/``,
``conformance/``, ``benchmark/``, ...) holds a ``MANIFEST.json`` written by that command
(:mod:`trtdeconv_docs.cassette.publisher`): the format version, the provenance of the run
and the sha256 of every file it produced. Sphinx, the tests, the CLI and the conformance
checks read recordings only through this module, which refuses, with one line naming
the file, a file that is missing from its manifest, changed since the GPU run, missing,
or not readable.

Provenance is kept once, in the manifest: readers take it from there (:func:`provenance`),
and a recorded file that still carries its own (older recordings do) must say the same
(:func:`provenance_problems`; only its ``date`` may be earlier, by less than a day). The
manifests' own sha256 are chained, in folder order, into one root
(``recordings/ROOT.json``, written with every manifest by the publisher): :func:`chain` computes
it, :func:`root_problems` compares, and the build prints it, so that a manifest edited by
hand is refused and any change to recordings/ shows as a new root.

Nothing here imports TensorRT or Sphinx.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Tuple

from ..errors import RecordingError

FORMAT = 2
"""Version of the recording format; a recording of another version is refused."""
MANIFEST = "MANIFEST.json"
REPOSITORY_ROOT = Path(__file__).resolve().parents[3]
"""The checkout this package was loaded from (``src/`` layout; editable install)."""
FIX = "edited after the GPU run: revert the change (git checkout -- recordings/) or record again on a GPU"


ROOT_VARIABLE = "TRTDECONV_RECORDINGS"
"""Names another ``recordings/`` folder (the GPU test replays what it has just recorded)."""


def root() -> Path:
    """The ``recordings/`` folder: ``$TRTDECONV_RECORDINGS`` if set, else the checkout's."""
    configured = os.environ.get(ROOT_VARIABLE)
    return Path(configured).resolve() if configured else REPOSITORY_ROOT / "recordings"


def sha256(path) -> str:
    """The sha256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def folder_of(path) -> Path:
    """The recordings folder (the nearest folder above ``path`` with a manifest) a recorded file belongs to."""
    return _folder_of(Path(path).resolve())


def _folder_of(path: Path) -> Path:
    """The nearest folder above ``path`` that has a manifest."""
    for folder in path.parents:
        if (folder / MANIFEST).is_file():
            return folder
    raise RecordingError(f"{path}: no {MANIFEST} in any folder above it: it was not written by a GPU command")


@lru_cache(maxsize=None)
def _manifest(folder: Path, _stamp: float) -> Dict[str, Any]:
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise RecordingError(f"{path}: unreadable ({error.__class__.__name__}: {error}); {FIX}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise RecordingError(f"{path}: format {manifest.get('format') if isinstance(manifest, dict) else '?'} "
                             f"is not {FORMAT}; record again on a GPU")
    return manifest


def manifest(folder) -> Dict[str, Any]:
    """The manifest of a recordings folder (format, provenance, ``files``: name -> sha256)."""
    folder = Path(folder).resolve()
    path = folder / MANIFEST
    if not path.is_file():
        raise RecordingError(f"{path}: missing; record on a GPU")
    return _manifest(folder, path.stat().st_mtime_ns)


def verify_file(path) -> Path:
    """Check one recorded file against its folder's manifest; returns its resolved path."""
    return _verified(path)[0]


def _verified(path) -> Tuple[Path, bytes]:
    """A recorded file's resolved path and the bytes that were checked against its folder's manifest."""
    path = Path(path).resolve()
    folder = _folder_of(path)
    name = path.relative_to(folder).as_posix()
    expected = manifest(folder)["files"].get(name)
    if expected is None:
        raise RecordingError(f"{path}: not in {folder / MANIFEST}: not written by the GPU command; remove it or record again")
    if not path.is_file():
        raise RecordingError(f"{path}: missing (listed in {folder / MANIFEST}); {FIX}")
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != expected:
        raise RecordingError(f"{path}: {FIX}")
    return path, data


def verify_folder(folder) -> List[str]:
    """One line per problem in a recordings folder: changed, missing or unlisted files."""
    folder = Path(folder).resolve()
    try:
        files = manifest(folder)["files"]
    except RecordingError as error:
        return [str(error)]
    problems = []
    for name in sorted(files):
        try:
            verify_file(folder / name)
        except RecordingError as error:
            problems.append(str(error))
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST):
        if path.relative_to(folder).as_posix() not in files:
            problems.append(f"{path}: not in {folder / MANIFEST}: not written by the GPU command; remove it or record again")
    return problems or provenance_problems(folder)


def _when(text: str) -> datetime.datetime:
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")


def provenance_problems(folder) -> List[str]:
    """One line per recorded JSON file whose own provenance differs from its manifest's.

    A manifest's provenance is one run's (``{"tensorrt": ..., "gpu": ...}``) or, for a folder
    merged from several runs, one per file stem (``{"tensorrt": {...}, "pytorch": {...}}``).
    """
    folder = Path(folder).resolve()
    kept = manifest(folder)["provenance"]
    problems = []
    for path in listed(folder, ".json"):
        document = json.loads(path.read_text(encoding="utf-8"))
        own = document.get("provenance") if isinstance(document, dict) else None
        if own is None:
            continue
        expected = kept[path.stem] if isinstance(kept.get(path.stem), dict) else kept
        differing = sorted(key for key in set(own) | set(expected) if key != "date" and own.get(key) != expected.get(key))
        try:
            late = not (datetime.timedelta(0) <= _when(expected["date"]) - _when(own["date"]) < datetime.timedelta(days=1))
        except (KeyError, TypeError, ValueError):
            late = True
        if differing or late:
            key = differing[0] if differing else "date"
            problems.append(f"{path}: its provenance says {key}={own.get(key)!r}, its manifest {folder / MANIFEST} "
                            f"says {expected.get(key)!r}: provenance is kept once, in the manifest; "
                            f"revert the change (git checkout -- recordings/) or record again on a GPU")
    return problems


ROOT_FILE = "ROOT.json"
"""In ``recordings/``: every manifest's sha256 and the root they chain into (:func:`chain`)."""


def chain(recordings) -> Dict[str, Any]:
    """``{"manifests": {folder: sha256 of its manifest}, "root": sha256 chained over them in folder order}``."""
    recordings = Path(recordings)
    manifests = {path.parent.name: sha256(path) for path in sorted(recordings.glob(f"*/{MANIFEST}"))}
    root = ""
    for name, digest in manifests.items():
        root = hashlib.sha256(f"{root}\n{name}\n{digest}".encode()).hexdigest()
    return {"manifests": manifests, "root": root}


def root_problems(recordings) -> List[str]:
    """One line if ``recordings/ROOT.json`` is missing or does not match the manifests (naming the first that differs)."""
    recordings = Path(recordings).resolve()
    path = recordings / ROOT_FILE
    fix = "a manifest was edited by hand: revert it (git checkout -- recordings/) or record again on a GPU"
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        return [f"{path}: missing or unreadable ({error.__class__.__name__}); every GPU command writes it with its manifest"]
    now = chain(recordings)
    if stored == now:
        return []
    names = sorted(set(now["manifests"]) | set(stored.get("manifests", {})))
    differing = [n for n in names if now["manifests"].get(n) != stored.get("manifests", {}).get(n)] or ["root"]
    return [f"{path}: {differing[0]}/{MANIFEST} does not chain into the recorded root "
            f"{str(stored.get('root', ''))[:12]} (now {now['root'][:12]}): {fix}"]


def listed(folder, suffix: str = "") -> List[Path]:
    """The files a folder's manifest lists (ending in ``suffix``), sorted; empty without a manifest."""
    folder = Path(folder).resolve()
    if not (folder / MANIFEST).is_file():
        return []
    return [folder / name for name in sorted(manifest(folder)["files"]) if name.endswith(suffix)]


def read_json(path) -> Any:
    """A verified JSON recording."""
    return _parsed(*_verified(path))


def read_shared_json(path) -> Any:
    """A verified JSON recording, parsed once per process for the same bytes: every caller gets the same object,
    which none may change.

    The file is checked against its manifest on every call (read and hashed); only the parsing is kept, keyed
    by the bytes' sha256. An example's recording is read for each of its replayed runs and each directive
    that cites it (``plot_27``'s 9.6 MB twelve times for its runs alone).
    """
    path, data = _verified(path)
    digest = hashlib.sha256(data).hexdigest()
    if digest not in _SHARED:
        _SHARED[digest] = _parsed(path, data)
    return _SHARED[digest]


_SHARED: Dict[str, Any] = {}
""":func:`read_shared_json`'s documents by the sha256 of their bytes."""


def _parsed(path: Path, data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:  # pragma: no cover - the hash matched
        raise RecordingError(f"{path}: unreadable JSON ({error}); {FIX}") from None


def read_bytes(path) -> bytes:
    """A verified binary recording (``.npz``, ``.png``)."""
    return _verified(path)[1]


def provenance(folder) -> Dict[str, Any]:
    """The provenance of the GPU run that wrote a folder (TensorRT, CUDA, GPU, Python, date, ...)."""
    return manifest(folder)["provenance"]
