"""``python -m trtdeconv_docs.sphinx_ext update`` (run by ``tox -e translations``, from the repository root).

Merges every message the extension can emit (:func:`template`) into the package's ``.po``
files (:mod:`trtdeconv_docs.translations`), and writes the Chinese catalogs of
sphinx-gallery's notes (:mod:`.gallery_notes`). The build only reads them (:mod:`.messages`).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Iterable, List

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from ..translation_check import catalog_problems, needs_translation
from ..translations import CATALOG, LOCALE_DIR, catalog_paths
from . import gallery_notes

DOCS, EXAMPLES = Path("docs"), Path("examples")
"""The documentation's and the examples' folders, relative to the repository root (where ``update`` runs)."""


def _fields_to_translate(texts: Iterable[str]) -> List[str]:
    return [text for text in texts if needs_translation(text)]


def template(docs: Path = DOCS) -> Catalog:
    """Every generated message: the ``_()`` calls, mapping rows, picture labels, kernel words, workload models and
    titles in ``docs/conf.py``."""
    import runpy

    from ..benchmark.kernels import WORDS
    from ..benchmark.workloads import WORKLOADS
    from ..layer.mappings import ROWS
    from ..pictures import TEXT

    catalog = Catalog(domain=CATALOG, project="trtdeconv-docs", fuzzy=False)
    here = Path(__file__).parent  # the extension's modules: their _() calls
    for filename, lineno, message, comments, context in extract_from_dir(
            here, method_map=[("*.py", "python")], keywords={"_": None}):
        catalog.add(message, locations=[(f"sphinx_ext/{filename}", lineno)])
    for row in ROWS:
        for text in _fields_to_translate((row.topic, row.pytorch, row.onnx, row.tensorrt, row.note)):
            catalog.add(text, locations=[("mappings.py", 0)])
    for text in _fields_to_translate(TEXT.values()):
        catalog.add(text, locations=[("pictures.py", 0)])
    for text in _fields_to_translate(WORDS.values()):
        catalog.add(text, locations=[("benchmark/kernels.py", 0)])
    for text in _fields_to_translate(dict.fromkeys(workload.model for workload in WORKLOADS)):
        catalog.add(text, locations=[("benchmark/workloads.py", 0)])
    config = runpy.run_path(str(docs / "conf.py"))
    for text in _fields_to_translate((config["project"], config["html_title"])):
        catalog.add(text, locations=[("docs/conf.py", 0)])
    return catalog


def _without_creation_date(po: bytes) -> bytes:
    return b"\n".join(line for line in po.split(b"\n") if not line.startswith(b'"POT-Creation-Date:'))


def update(locale_dir: Path = LOCALE_DIR) -> List[Path]:
    """Merge :func:`template` into every language's ``.po``; returns the files written.

    A catalog whose messages did not change is left as it is (not even its creation date is rewritten).
    """
    written = []
    for po_path in catalog_paths(locale_dir):
        old = po_path.read_bytes()
        catalog = read_po(io.BytesIO(old), locale=po_path.parts[-3])
        catalog.update(template(), update_header_comment=False)
        new = io.BytesIO()
        write_po(new, catalog, width=100, omit_header=False, ignore_obsolete=True, include_lineno=False)
        if _without_creation_date(new.getvalue()) != _without_creation_date(old):
            po_path.write_bytes(new.getvalue())
            written.append(po_path)
    return written




def check(locale_dir: Path = LOCALE_DIR) -> int:
    """``check``: every problem of the extension's catalogs against :func:`template` (as the docs build's gate); 1 if any."""
    ids = [message.id for message in template() if message.id]
    found = [(path, msgid, problem) for path in catalog_paths(locale_dir) for msgid, problem in catalog_problems(path, ids)]
    for path, msgid, problem in found:
        print(f"{path}: {problem}\n    msgid: {msgid[:200]}")
    print(f"{len(found)} problem(s) in the extension's catalogs")
    return 1 if found else 0


def main(argv=None) -> int:
    """``update``: merge the extension's messages into its ``.po`` files; write the gallery pages' Chinese catalogs.
    ``check``: report what its catalogs lack or changed (:func:`check`)."""
    args = sys.argv[1:] if argv is None else argv
    if args == ["check"]:
        return check()
    if args != ["update"]:
        print("usage: python -m trtdeconv_docs.sphinx_ext update|check", file=sys.stderr)
        return 2
    written = update()
    for path in written:
        print(f"updated {path}")
    if not written:
        print("the extension's catalogs already hold every message")
    for path in gallery_notes.update(DOCS, EXAMPLES):
        print(f"{'wrote' if path.exists() else 'removed'} {path}")
    return 0

