"""Where things are: the repository's folders, and the environment of subprocesses that import the package from ``src/``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Dict

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
EXAMPLES = ROOT / "examples"
RECORDINGS = ROOT / "recordings"
TENSORS = RECORDINGS / "tensors"
CONFORMANCE = RECORDINGS / "conformance"
DATA = ROOT / "tests" / "data"
ROOTS = ROOT / "tests" / "roots"


def environment_with_src(**variables: str) -> Dict[str, str]:
    """This process's environment, with the checkout's ``src/`` first on ``PYTHONPATH`` and ``variables`` set:
    for the subprocesses that tests start, which import the package without its being installed."""
    path = os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))
    return dict(os.environ, PYTHONPATH=path, **variables)


def docs_conf_value(name: str):
    """The literal value of ``NAME = ...`` at the top of ``docs/conf.py`` (read, not executed)."""
    import ast

    for node in ast.parse((DOCS / "conf.py").read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == [name]:
            return ast.literal_eval(node.value)
    raise KeyError(f"docs/conf.py sets no {name}")
