"""The extension's own translatable text: the gettext catalog ``trtdeconv_docs``.

Text that the pages' authors write is translated by Sphinx's project catalogs
(``docs/locale/<language>/LC_MESSAGES/<page>.po``). Text that this extension generates
(captions of recorded tensors, table headers, the mapping table's rows, the provenance
note, the site's title, the picture labels) is not in any page, so it lives in the
package's catalog (:mod:`trtdeconv_docs.translations`), which this module registers the
conventional way for a Sphinx extension (:func:`sphinx.locale.get_translation`);
:func:`setup` compiles its ``.po`` files for the build.

``python -m trtdeconv_docs.sphinx_ext update`` (run by ``tox -e translations``, from the
repository root) merges every message the extension can emit (:func:`template`) into those
``.po`` files, and writes the Chinese catalogs of sphinx-gallery's notes (:mod:`.gallery_notes`).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Iterable, List

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from sphinx.locale import get_translation

from ..translation_check import needs_translation
from ..translations import CATALOG, LOCALE_DIR, catalog_paths
from . import gallery_notes

DOCS = Path("docs")  # the documentation's source folder, from the repository root

_translation = get_translation(CATALOG)


def _(message: str) -> str:
    """``message`` in the build's language; itself when no catalog is loaded (outside Sphinx, or Chinese)."""
    return str(_translation(message))


def compile_catalogs(source: Path, target: Path) -> None:
    """Write a ``.mo`` under ``target`` for every ``.po`` of this catalog under ``source``."""
    for po_path in catalog_paths(source):
        mo_path = target / po_path.relative_to(source).with_suffix(".mo")
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)


def _fields_to_translate(texts: Iterable[str]) -> List[str]:
    return [text for text in texts if needs_translation(text)]


def template(docs: Path = DOCS) -> Catalog:
    """Every generated message: the ``_()`` calls, mapping rows, picture labels and titles in ``docs/conf.py``."""
    import runpy

    from ..layer.mappings import ROWS
    from ..pictures import TEXT

    catalog = Catalog(domain=CATALOG, project="trtdeconv-docs", fuzzy=False)
    here = Path(__file__).parent
    for filename, lineno, message, comments, context in extract_from_dir(
            here, method_map=[("*.py", "python")], keywords={"_": None}):
        catalog.add(message, locations=[(f"sphinx_ext/{filename}", lineno)])
    for row in ROWS:
        for text in _fields_to_translate((row.topic, row.pytorch, row.onnx, row.tensorrt, row.note)):
            catalog.add(text, locations=[("mappings.py", 0)])
    for text in _fields_to_translate(TEXT.values()):
        catalog.add(text, locations=[("pictures.py", 0)])
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


def setup(app):
    """Compile this catalog into the doctree folder and register it with Sphinx."""
    compiled = Path(app.doctreedir) / "trtdeconv_locale"
    compile_catalogs(LOCALE_DIR, compiled)
    app.add_message_catalog(CATALOG, str(compiled))
    return {"parallel_read_safe": True, "parallel_write_safe": True}


DOCS, EXAMPLES = Path("docs"), Path("examples")
"""The documentation's and the examples' folders, relative to the repository root (where ``update`` runs)."""


def main(argv=None) -> int:
    """``update``: merge the extension's messages into its ``.po`` files; write the gallery pages' Chinese catalogs."""
    args = sys.argv[1:] if argv is None else argv
    if args != ["update"]:
        print("usage: python -m trtdeconv_docs.sphinx_ext update", file=sys.stderr)
        return 2
    written = update()
    for path in written:
        print(f"updated {path}")
    if not written:
        print("the extension's catalogs already hold every message")
    for path in gallery_notes.update(DOCS, EXAMPLES):
        print(f"{'wrote' if path.exists() else 'removed'} {path}")
    return 0

