"""Which modules of this package an example runs, and their hashes at recording time.

An example's output depends on its own source and on the package code it calls
(:mod:`trtdeconv_docs.session` builds the engine, :mod:`trtdeconv_docs.pictures` draws the
figures, ...). :func:`package_modules` follows the example's imports, and the imports of
every package module it reaches, by reading the source (nothing is imported).
:mod:`trtdeconv_docs.gpu_gallery` stores :func:`module_hashes` of every example in
``recordings/dependencies.json``; the documentation build refuses a recording whose
modules have changed since (:func:`trtdeconv_docs.sphinx_ext.gallery.stale_examples`).
"""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path
from typing import Dict, List, Optional

PACKAGE_DIR = Path(__file__).resolve().parent
PACKAGE = PACKAGE_DIR.name


def _module_file(name: str, package_dir: Path) -> Optional[Path]:
    """The file of module ``name`` if it belongs to the package, else ``None``."""
    parts = name.split(".")
    if parts[0] != PACKAGE:
        return None
    for candidate in (package_dir.joinpath(*parts[1:]).with_suffix(".py") if parts[1:] else None,
                      package_dir.joinpath(*parts[1:], "__init__.py")):
        if candidate is not None and candidate.is_file():
            return candidate
    return None


def _module_name(path: Path, package_dir: Path) -> str:
    relative = path.relative_to(package_dir).with_suffix("").parts
    return ".".join((PACKAGE,) + (relative[:-1] if relative[-1] == "__init__" else relative))


def _imported_names(path: Path, package_dir: Path) -> List[str]:
    """Every module name that ``path`` may import (``from a import b``: both ``a`` and ``a.b``)."""
    package: List[str] = []  # the package that relative imports start from (none outside the package)
    if package_dir in path.parents:
        module = _module_name(path, package_dir).split(".")
        package = module if path.name == "__init__.py" else module[:-1]
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            names += [base] + [f"{base}.{alias.name}" for alias in node.names]
    return names


def package_modules(source: Path, package_dir: Path = PACKAGE_DIR) -> List[Path]:
    """The package's module files that ``source`` imports, directly or through each other."""
    found = set()
    pending = [Path(source)]
    while pending:
        for name in _imported_names(pending.pop(), package_dir):
            module = _module_file(name, package_dir)
            if module is not None and module not in found:
                found.add(module)
                pending.append(module)
    return sorted(found)


def module_hashes(source: Path, package_dir: Path = PACKAGE_DIR) -> Dict[str, str]:
    """``{"trtdeconv_docs/<module>.py": sha256}`` for every package module ``source`` runs."""
    return {f"{PACKAGE}/{module.relative_to(package_dir).as_posix()}": hashlib.sha256(module.read_bytes()).hexdigest()
            for module in package_modules(source, package_dir)}
