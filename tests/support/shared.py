"""What one test run computes once and every test process of the run reads (``pytest -n``: the xdist workers).

Under ``pytest -n`` each worker is a process of its own, so a session fixture runs once in every worker
that runs a test needing it: with ``--dist loadgroup`` (tox), which hands out single tests in turn, each
worker would build the whole site. :func:`once` computes a value in the first process that asks for it,
under a lock in the run's temporary folder (the one the workers share), and the others wait for it and
read what it wrote. Without xdist it is an ordinary once-per-session computation.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from pathlib import Path
from typing import Any, Callable


def run_folder(tmp_path_factory) -> Path:
    """This run's temporary folder, shared by its xdist workers (each worker's own is a folder inside it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def once(tmp_path_factory, name: str, compute: Callable[[Path], Any]) -> Any:
    """``compute(folder)``, a JSON value, computed by the first process of this run that asks and read by the others.

    ``folder`` is empty and the computation's own, for files that the value may name. A computation that
    raises leaves nothing behind: the next process that asks computes it again (and fails the same way).
    """
    shared = run_folder(tmp_path_factory) / "shared"
    shared.mkdir(exist_ok=True)
    answer = shared / f"{name}.json"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not answer.exists():
            folder = shared / name
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            value = compute(folder)
            written = shared / f"{name}.json.partial"
            written.write_text(json.dumps(value), encoding="utf-8")
            written.replace(answer)
        return json.loads(answer.read_text(encoding="utf-8"))
